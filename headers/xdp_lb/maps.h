/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned maps, listed once. LB_MAP_<ID> is a map's name: the BPF
 * declaration's, the pin's file name (kernel object names are at most 15
 * characters). LB_MAP_LIST has one entry X(ID, CAPACITY) per map; user
 * space builds from it its map handles (lib/lbmaps.h) and, at load, sizes
 * each map by CAPACITY: the load option it follows, or FIXED for the size
 * the BPF declaration gives.
 */
#ifndef __XDP_LB_MAPS_H
#define __XDP_LB_MAPS_H

#define LB_MAP_CONFIG lb_config
#define LB_MAP_VIPS lb_vips
#define LB_MAP_RINGS lb_rings
#define LB_MAP_BACKENDS lb_backends
#define LB_MAP_SNAT_ADDRS lb_snat_addrs
#define LB_MAP_CT_FWD lb_ct_fwd
#define LB_MAP_CT_REV lb_ct_rev
#define LB_MAP_FRAGS lb_frags
#define LB_MAP_STATS lb_stats
#define LB_MAP_VIP_STATS lb_vip_stats
#define LB_MAP_BE_STATS lb_be_stats

#define LB_MAP_LIST(X)							\
	X(CONFIG, FIXED)						\
	X(VIPS, VIPS)							\
	X(RINGS, VIPS)							\
	X(BACKENDS, BACKENDS)						\
	X(SNAT_ADDRS, VIPS)						\
	X(CT_FWD, FLOWS)						\
	X(CT_REV, FLOWS)						\
	X(FRAGS, FIXED)							\
	X(STATS, FIXED)							\
	X(VIP_STATS, VIPS)						\
	X(BE_STATS, BACKENDS)

/* What a map's capacity follows (LB_MAP_LIST's second column). */
enum lb_capacity {
	LB_CAP_FIXED,
	LB_CAP_FLOWS,           /* load --flows */
	LB_CAP_VIPS,            /* load --max-vips */
	LB_CAP_BACKENDS,        /* load --max-backends */
	LB_CAP_COUNT,
};

#endif /* __XDP_LB_MAPS_H */
