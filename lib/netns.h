/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespace a command runs in. xdp-lb keeps one state per
 * network namespace, as IPVS and nftables do: its pins live in a directory
 * named after the namespace's inode number (what 'lsns -t net' and
 * 'ls -iL /proc/self/ns/net' show). The kernel hands a freed inode number to
 * the next namespace, so the state also records the namespace's cookie,
 * which is never reused while the system runs: state whose cookie differs
 * was left by a namespace that is gone.
 */
#ifndef __NETNS_H
#define __NETNS_H

#include <linux/types.h>

struct netns_id {
	__u64 inode;
	__u64 cookie;           /* 0 if the kernel cannot tell (before 5.14) */
};

/* Identifies the caller's network namespace; 0 or a negative errno. */
int netns_self(struct netns_id *id);

#endif /* __NETNS_H */
