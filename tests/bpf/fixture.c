/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF test programs' namespace and loading (see fixture.h). */
#define _GNU_SOURCE
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>

#include "fixture.h"

int ifindex_lb, ifindex_other;

int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

int fixture_net_setup(void **state)
{
	int i, side;

	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return -1;
	}
	if (sh("ip link set lo up && "
	       "ip link add " IF_LB " address " MAC_LB " type veth peer name p0 && "
	       "ip link add " IF_OTHER " address " MAC_OTHER " type veth peer name p2 && "
	       "ip link set " IF_LB " up && ip link set p0 up && "
	       "ip link set " IF_OTHER " up && ip link set p2 up && "
	       "ip addr add 10.0.0.10/24 dev " IF_LB " && "
	       "ip addr add fd00::a/64 dev " IF_LB " nodad && "
	       "ip addr add 10.1.0.10/24 dev " IF_OTHER " && "
	       "ip addr add fd01::a/64 dev " IF_OTHER " nodad && "
	       "sysctl -qw net.ipv4.conf.all.forwarding=1 && "
	       "sysctl -qw net.ipv6.conf.all.forwarding=1"))
		return -1;
	for (side = 0; side <= 1; side++) {
		for (i = 1; i <= 4; i++) {
			if (sh("ip neigh add 10.%d.0.%d lladdr de:ad:be:ef:%02x:%02x dev %s nud permanent && "
			       "ip -6 neigh add fd0%d::%d lladdr de:ad:be:ef:%02x:%02x dev %s nud permanent",
			       side, i, side, i, side ? IF_OTHER : IF_LB,
			       side, i, side, i, side ? IF_OTHER : IF_LB))
				return -1;
		}
	}
	ifindex_lb = if_nametoindex(IF_LB);
	ifindex_other = if_nametoindex(IF_OTHER);
	return ifindex_lb && ifindex_other ? 0 : -1;
}

struct xdp_lb *fixture_lb_load(__u32 ct_entries, __u32 frag_entries)
{
	struct xdp_lb *skel = xdp_lb__open();

	if (!skel)
		return NULL;
	bpf_map__set_max_entries(skel->maps.lb_ct_fwd, ct_entries);
	bpf_map__set_max_entries(skel->maps.lb_ct_rev, ct_entries);
	if (frag_entries)
		bpf_map__set_max_entries(skel->maps.lb_frags, frag_entries);
	bpf_map__set_max_entries(skel->maps.lb_vips, 64);
	bpf_map__set_max_entries(skel->maps.lb_rings, 64);
	bpf_map__set_max_entries(skel->maps.lb_snat_addrs, 64);
	bpf_map__set_max_entries(skel->maps.lb_vip_stats, 64);
	bpf_map__set_max_entries(skel->maps.lb_backends, 256);
	bpf_map__set_max_entries(skel->maps.lb_be_stats, 256);
	if (xdp_lb__load(skel)) {
		xdp_lb__destroy(skel);
		return NULL;
	}
	return skel;
}
