/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp-lb: an XDP layer-4 load balancer. The command table: one level of
 * commands in the xdp-filter manner; the option tables below are also what
 * --help prints, and man/xdp-lb.8 mirrors them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "xdp-lb.h"
#include "bpffs.h"
#include "env.h"
#include "logging.h"
#include "maglev.h"
#include "netns.h"

static const struct enum_val mode_vals[] = {
	{ "native", XDP_MODE_NATIVE },
	{ "skb", XDP_MODE_SKB },
	{ NULL, 0 }
};

static const struct enum_val proto_vals[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ NULL, 0 }
};

/* --proto: a VIP's protocol, named the same way by vip and backend */
#define PROTO_OPTION(_cfgtype, _help)					\
	DEFINE_OPTION("proto", OPT_ENUM, _cfgtype, proto,		\
		      .short_opt = 'p', .enum_vals = proto_vals,	\
		      .help = (_help), .show_default = true)

/*
 * The defaults: what a command gets for an option not given, and what
 * --help shows (.show_default).
 */
static const struct load_req defaults_load = {
	.mode = XDP_MODE_NATIVE,
	.priority = LB_PRIORITY_DEFAULT,
	.capacity = {
		[LB_CAP_FLOWS] = LB_FLOWS_DEFAULT,
		[LB_CAP_VIPS] = LB_MAX_VIPS_DEFAULT,
		[LB_CAP_BACKENDS] = LB_MAX_BACKENDS_DEFAULT,
	},
};

static const struct prog_option load_options[] = {
	DEFINE_OPTION("mode", OPT_ENUM, struct load_req, mode,
		      .short_opt = 'm', .enum_vals = mode_vals,
		      .help = "Attach mode", .show_default = true),
	DEFINE_OPTION("priority", OPT_U32, struct load_req, priority,
		      .short_opt = 'P', .metavar = "N", .max = 1000,
		      .help = "Run priority under libxdp's dispatcher (lower runs first)",
		      .show_default = true),
	DEFINE_OPTION("flows", OPT_U32, struct load_req, capacity[LB_CAP_FLOWS],
		      .short_opt = 'f', .metavar = "N", .min = 1024,
		      .max = 1U << 26,
		      OPT_SET_FLAG(struct load_req, capacity_set[LB_CAP_FLOWS]),
		      .help = "Connection table size when the maps are created",
		      .show_default = true),
	DEFINE_OPTION("max-vips", OPT_U32, struct load_req, capacity[LB_CAP_VIPS],
		      .metavar = "N", .min = 1, .max = 65536,
		      OPT_SET_FLAG(struct load_req, capacity_set[LB_CAP_VIPS]),
		      .help = "VIP capacity when the maps are created",
		      .show_default = true),
	DEFINE_OPTION("max-backends", OPT_U32, struct load_req,
		      capacity[LB_CAP_BACKENDS],
		      .metavar = "N", .min = 1, .max = 1U << 20,
		      OPT_SET_FLAG(struct load_req, capacity_set[LB_CAP_BACKENDS]),
		      .help = "Backend capacity (all VIPs) when the maps are created",
		      .show_default = true),
	DEFINE_OPTION("seed", OPT_SEED, struct load_req, seed,
		      .short_opt = 's', .metavar = "HEX",
		      OPT_SET_FLAG(struct load_req, seed_set),
		      .help = "Flow hash key, up to 32 hex digits; default random"),
	DEFINE_OPTION("ifname", OPT_IFNAME_MULTI, struct load_req, ifaces,
		      .positional = true, .required = true, .metavar = "ifname",
		      .help = "Interfaces to load on"),
	END_OPTIONS
};

static const struct unload_req defaults_unload = {};

static const struct prog_option unload_options[] = {
	DEFINE_OPTION("all", OPT_BOOL, struct unload_req, all,
		      .short_opt = 'a',
		      .help = "Unload from every interface (also cleans up stale state)"),
	DEFINE_OPTION("keep-maps", OPT_BOOL, struct unload_req, keep_maps,
		      .short_opt = 'k',
		      .help = "Keep the pinned maps when the last interface is unloaded"),
	DEFINE_OPTION("ifname", OPT_IFNAME_MULTI, struct unload_req, ifaces,
		      .positional = true, .metavar = "ifname",
		      .help = "Interfaces to unload from"),
	END_OPTIONS
};

static const struct status_req defaults_status = {};

static const struct prog_option status_options[] = {
	DEFINE_OPTION("json", OPT_BOOL, struct status_req, json,
		      .short_opt = 'j', .help = "Print JSON"),
	END_OPTIONS
};

static const struct vip_req defaults_vip = {
	.proto = IPPROTO_TCP,
	.ring_size = LB_RING_SIZE_DEFAULT,
};

static const struct prog_option vip_options[] = {
	PROTO_OPTION(struct vip_req, "Protocol"),
	DEFINE_OPTION("snat", OPT_IPADDR, struct vip_req, snat,
		      .short_opt = 's', .metavar = "addr", .noun = "SNAT address",
		      OPT_SET_FLAG(struct vip_req, snat_set),
		      .help = "Source address towards the backends; default the VIP address"),
	DEFINE_OPTION("ring-size", OPT_U32, struct vip_req, ring_size,
		      .metavar = "N", .min = 2, .max = LB_RING_SIZE_MAX,
		      .check = maglev_size_check, .noun = "ring size",
		      OPT_SET_FLAG(struct vip_req, ring_size_set),
		      .help = "Maglev table size, a prime", .show_default = true),
	DEFINE_OPTION("remove", OPT_BOOL, struct vip_req, remove,
		      .short_opt = 'r', .help = "Remove the VIP"),
	DEFINE_OPTION("vip", OPT_VIP, struct vip_req, vip,
		      .positional = true, .required = true, .metavar = "vip",
		      .help = "ADDR[:PORT] or [IPV6]:PORT; no port = all ports"),
	END_OPTIONS
};

static const struct backend_req defaults_backend = {
	.proto = IPPROTO_TCP,
	.weight = LB_WEIGHT_DEFAULT,
};

static const struct prog_option backend_options[] = {
	PROTO_OPTION(struct backend_req, "Protocol of the VIP"),
	DEFINE_OPTION("port", OPT_PORT, struct backend_req, port,
		      .short_opt = 'P', .metavar = "port",
		      OPT_SET_FLAG(struct backend_req, port_set),
		      .help = "Port on the backend; default the client's destination port"),
	DEFINE_OPTION("weight", OPT_U32, struct backend_req, weight,
		      .short_opt = 'w', .metavar = "N", .max = 65535,
		      OPT_SET_FLAG(struct backend_req, weight_set),
		      .help = "Relative share of new flows, 0 drains",
		      .show_default = true),
	DEFINE_OPTION("mac", OPT_MACADDR, struct backend_req, mac,
		      .short_opt = 'M', .metavar = "mac",
		      OPT_SET_FLAG(struct backend_req, mac_set),
		      .help = "Static MAC address instead of the FIB's next hop"),
	DEFINE_OPTION("remove", OPT_BOOL, struct backend_req, remove,
		      .short_opt = 'r', .help = "Remove the backend"),
	DEFINE_OPTION("vip", OPT_VIP, struct backend_req, vip,
		      .positional = true, .required = true, .metavar = "vip",
		      .help = "The VIP: ADDR[:PORT] or [IPV6]:PORT"),
	DEFINE_OPTION("addr", OPT_IPADDR, struct backend_req, addr,
		      .positional = true, .required = true, .metavar = "addr",
		      .noun = "backend address", .help = "The backend's address"),
	END_OPTIONS
};

static const struct stats_req defaults_stats = {
	.interval = 1,
};

static const struct prog_option stats_options[] = {
	DEFINE_OPTION("interval", OPT_U32, struct stats_req, interval,
		      .short_opt = 'i', .metavar = "SECONDS", .min = 1, .max = 3600,
		      .help = "Seconds between reports", .show_default = true),
	DEFINE_OPTION("count", OPT_U32, struct stats_req, count,
		      .short_opt = 'c', .metavar = "N",
		      .help = "Stop after N reports; default: until interrupted"),
	DEFINE_OPTION("json", OPT_BOOL, struct stats_req, json,
		      .short_opt = 'j', .help = "One JSON object per report"),
	END_OPTIONS
};

DEFINE_HANDLER(handle_load, do_load, struct load_req)
DEFINE_HANDLER(handle_unload, do_unload, struct unload_req)
DEFINE_HANDLER(handle_status, do_status, struct status_req)
DEFINE_HANDLER(handle_vip, do_vip, struct vip_req)
DEFINE_HANDLER(handle_backend, do_backend, struct backend_req)
DEFINE_HANDLER(handle_stats, do_stats, struct stats_req)

/* load mounts bpffs if need be; the others find no state without it */
static const struct prog_command cmds[] = {
	DEFINE_COMMAND("load", handle_load, struct load_req, load_options,
		       &defaults_load, "Load xdp-lb on one or more interfaces",
		       .needs = ENV_ROOT | ENV_BPFFS),
	DEFINE_COMMAND("unload", handle_unload, struct unload_req, unload_options,
		       &defaults_unload, "Unload xdp-lb from interfaces",
		       .needs = ENV_ROOT),
	DEFINE_COMMAND("status", handle_status, struct status_req, status_options,
		       &defaults_status,
		       "Show interfaces, VIPs, backends, flows and counters",
		       .needs = ENV_ROOT),
	DEFINE_COMMAND("vip", handle_vip, struct vip_req, vip_options,
		       &defaults_vip, "Add, change or remove a VIP",
		       .needs = ENV_ROOT),
	DEFINE_COMMAND("backend", handle_backend, struct backend_req,
		       backend_options, &defaults_backend,
		       "Add, change, drain (--weight 0) or remove a backend of a VIP",
		       .needs = ENV_ROOT),
	DEFINE_COMMAND("stats", handle_stats, struct stats_req, stats_options,
		       &defaults_stats, "Show live per-second rates per VIP and backend",
		       .needs = ENV_ROOT),
	END_COMMANDS
};

int main(int argc, char **argv)
{
	char pin_root[4096], subdir[64];
	struct netns_id ns;
	int err;

	/* One state per network namespace: <bpffs>/xdp-lb/netns-<inode> */
	set_log_prefix(PROG_NAME, NULL);
	err = netns_self(&ns);
	if (err) {
		pr_err("cannot identify this network namespace (/proc/self/ns/net): %s\n",
		       strerror(-err));
		return 1;
	}
	snprintf(subdir, sizeof(subdir), "%s/" NETNS_DIR_FMT, PIN_SUBDIR,
		 (unsigned long long)ns.inode);
	if (pin_root_path(pin_root, sizeof(pin_root), subdir)) {
		pr_err("the bpffs path in XDP_LB_BPFFS is too long\n");
		return 1;
	}
	return dispatch_commands(PROG_NAME, argc, argv, cmds, pin_root);
}
