/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The global counters (lb_stats, a per-CPU u64 array), listed once. Each
 * entry X(ID, NAME) gives the data plane LB_STAT_<ID>, its index, and user
 * space NAME, printed by 'status' (table and JSON) and by the benchmarks and
 * documented in man/xdp-lb.8 (tests/unit/manpage.sh checks that). A new
 * counter goes at the end: the indexes are part of the pinned state.
 *
 * The first five count every packet exactly once by verdict and are indexed
 * by the verdict itself; the rest count reasons and events.
 */
#ifndef __XDP_LB_COUNTERS_H
#define __XDP_LB_COUNTERS_H

#include <linux/bpf.h>

#define LB_STAT_LIST(X)							\
	X(ABORTED,		"xdp_aborted")				\
	X(DROP,			"xdp_drop")				\
	X(PASS,			"xdp_pass")				\
	X(TX,			"xdp_tx")				\
	X(REDIRECT,		"xdp_redirect")				\
	X(PASS_NOT_IP,		"pass_not_ip")				\
	X(PASS_NOT_VIP,		"pass_not_vip")				\
	X(PASS_MALFORMED,	"pass_malformed")			\
	X(PASS_FRAG_UNKNOWN,	"pass_fragment_unknown")		\
	X(PASS_NO_NEIGH,	"pass_neighbour_unresolved")		\
	X(DROP_NO_BACKEND,	"drop_no_backend")			\
	X(DROP_PORTS_EXHAUSTED,	"drop_snat_ports_exhausted")		\
	X(DROP_FIB,		"drop_fib_failure")			\
	X(DROP_RING_MISSING,	"drop_no_table")			\
	X(FLOW_NEW,		"flows_new")				\
	X(FLOW_REBALANCED,	"flows_rebalanced")			\
	X(FLOW_EXPIRED,		"flows_expired")			\
	X(FLOW_MISS_NON_SYN,	"flows_miss_non_syn")			\
	X(REV_RESTORED,		"reply_entries_restored")		\
	X(FRAG_TRACKED,		"fragments_tracked")			\
	X(ICMP_TO_BACKEND,	"icmp_to_backend")			\
	X(ICMP_TO_CLIENT,	"icmp_to_client")			\
	X(FIB_LOOKUP,		"fib_lookups")

#define LB_STAT_ENUM(id, name) LB_STAT_##id,

enum lb_stat {
	LB_STAT_LIST(LB_STAT_ENUM)
	LB_STAT_MAX,
};

/* Slots of lb_stats: room to add counters without resizing the map. */
#define LB_STAT_SLOTS 32

_Static_assert(LB_STAT_MAX <= LB_STAT_SLOTS,
	       "more counters than lb_stats slots");
/* the data plane counts a packet's verdict at the index of the verdict */
_Static_assert((int)LB_STAT_ABORTED == XDP_ABORTED &&
	       (int)LB_STAT_DROP == XDP_DROP &&
	       (int)LB_STAT_PASS == XDP_PASS &&
	       (int)LB_STAT_TX == XDP_TX &&
	       (int)LB_STAT_REDIRECT == XDP_REDIRECT,
	       "verdict counters are not indexed by verdict");

#endif /* __XDP_LB_COUNTERS_H */
