/* SPDX-License-Identifier: GPL-2.0 */
/* What the xdp-lb commands share: names, requests, the commands, the state. */
#ifndef __XDP_LB_H
#define __XDP_LB_H

#include <stdbool.h>
#include <linux/types.h>
#include <xdp/libxdp.h>
#include <xdp_lb/lb_common.h>

#include "lbmaps.h"
#include "params.h"

#define PROG_NAME "xdp-lb"
#define PROG_FUNC "xdp_lb"
#define PIN_SUBDIR "xdp-lb"
/* below PIN_SUBDIR, one directory per network namespace (lib/netns.h) */
#define NETNS_DIR_FMT "netns-%llu"

/* Default weight of a new backend (also in man/xdp-lb.8). */
#define LB_WEIGHT_DEFAULT 1

struct load_req {
	int mode;               /* enum xdp_attach_mode */
	__u32 priority;
	/* map capacities by enum lb_capacity (maps.h): --flows, --max-vips... */
	__u32 capacity[LB_CAP_COUNT];
	bool capacity_set[LB_CAP_COUNT];
	bool seed_set;
	__u32 seed[4];
	struct iface_list ifaces;
};

struct unload_req {
	bool all;
	bool keep_maps;
	struct iface_list ifaces;
};

struct vip_req {
	int proto;
	bool snat_set;
	struct ip_addr snat;
	__u32 ring_size;
	bool ring_size_set;     /* else a new VIP's is the default, an old one's kept */
	bool remove;
	struct vip_addr vip;
};

struct backend_req {
	int proto;
	bool port_set;
	__u16 port;             /* host byte order */
	bool weight_set;
	__u32 weight;
	bool mac_set;
	__u8 mac[6];
	bool remove;
	struct vip_addr vip;
	struct ip_addr addr;
};

struct status_req {
	bool json;
};

struct stats_req {
	__u32 interval;         /* seconds */
	__u32 count;            /* 0 = until interrupted */
	bool json;
};

/* The commands: 0 or a negative errno, after printing the error. */
int do_load(const struct load_req *req, const char *pin_root);
int do_unload(const struct unload_req *req, const char *pin_root);
int do_vip(const struct vip_req *req, const char *pin_root);
int do_backend(const struct backend_req *req, const char *pin_root);
int do_status(const struct status_req *req, const char *pin_root);
int do_stats(const struct stats_req *req, const char *pin_root);

/* The pinned state, for the commands (state.c). */
struct cmd_state {
	int lock;               /* the pin directory's, or -1 */
	struct lb_maps maps;
};

/*
 * Locks pin_root (creating it first with create) and claims the state in
 * it (lb_state_claim(): *dropped when it was a deleted namespace's).
 */
int cmd_state_lock(const char *pin_root, bool create, int *lock,
		   bool *dropped);
/* Removes pin_root, and the directory of all namespaces if it is empty. */
int cmd_state_remove(const char *pin_root);
/*
 * The state for vip, backend, status and stats: there, locked, claimed,
 * opened and recovered. After a failure nothing is left open.
 */
int cmd_state_open(const char *pin_root, struct cmd_state *st);
void cmd_state_close(struct cmd_state *st);

#endif /* __XDP_LB_H */
