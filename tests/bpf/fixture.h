/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF test programs share: a private network namespace where the
 * data plane's FIB lookups are real, and the xdp_lb object loaded with
 * small tables.
 *
 * The namespace: lb0 (10.0.0.10, fd00::a) and lb2 (10.1.0.10, fd01::a),
 * each with permanent neighbours .1-.4 / ::1-::4 whose MACs are
 * de:ad:be:ef:SS:NN (SS 00 on lb0, 01 on lb2; NN the host number);
 * 10.0.0.5 stays unresolved. Forwarding is on, as xdp-lb load sets it.
 */
#ifndef TESTS_BPF_FIXTURE_H
#define TESTS_BPF_FIXTURE_H

#include <linux/types.h>

#include "xdp_lb.skel.h"

#define IF_LB "lb0"
#define IF_OTHER "lb2"
#define MAC_LB "de:ad:be:ef:00:0a"
#define MAC_OTHER "de:ad:be:ef:01:0a"

extern int ifindex_lb, ifindex_other;

/* system() on a formatted command line; its exit status */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Enters a new network namespace and builds the interfaces above; a
 * cmocka group setup. */
int fixture_net_setup(void **state);

/* xdp_lb opened and loaded with connection tables of ct_entries each, a
 * fragment table of frag_entries (0: the object's default), and room for 64
 * VIPs and 256 backends; NULL on failure. */
struct xdp_lb *fixture_lb_load(__u32 ct_entries, __u32 frag_entries);

#endif
