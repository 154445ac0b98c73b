/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP program and user space share: key and value layouts,
 * limits and timeouts, with the map names (maps.h) and the counters
 * (counters.h). Everything here is part of the pinned state under
 * /sys/fs/bpf/xdp-lb, so a layout change must bump LB_STATE_VERSION (the
 * command refuses pins of another version).
 */
#ifndef __XDP_LB_COMMON_H
#define __XDP_LB_COMMON_H

#include <linux/types.h>

#include "counters.h"
#include "maps.h"

#define LB_STATE_VERSION 1

/* Capacities (the flow tables and VIP/backend pools can be resized at load). */
#define LB_MAX_VIPS_DEFAULT 1024
#define LB_MAX_BACKENDS_DEFAULT 4096
#define LB_FLOWS_DEFAULT (1U << 20)
#define LB_FRAGS_DEFAULT 8192
#define LB_RING_SIZE_DEFAULT 65537
#define LB_RING_SIZE_MAX 131071

/*
 * Run priority under libxdp's dispatcher (lower runs first): after
 * xdp-filter (10), before libxdp's default (50). The BPF program's run
 * configuration and load's --priority default.
 */
#define LB_PRIORITY_DEFAULT 30

/* Ring slot value of a VIP without any backend able to take new flows. */
#define LB_BACKEND_NONE 0xffffffffU

/*
 * SNAT source ports are allocated in [port_min, port_max]. The default range
 * stays clear of Linux's default ephemeral range (32768-60999), so that
 * replies to the balancer host's own connections are never mistaken for
 * replies of a translated flow.
 */
#define LB_SNAT_PORT_MIN_DEFAULT 1024
#define LB_SNAT_PORT_MAX_DEFAULT 32767
/* Candidate ports tried per new flow before giving up ("ports exhausted"). */
#define LB_SNAT_PORT_TRIES 32

/*
 * Connection-table timeouts, in seconds of idleness. An entry older than its
 * timeout is reclaimed: its SNAT port may be given to another flow and a new
 * packet of the flow is balanced again.
 */
#define LB_TIMEOUT_TCP_SYN 30      /* SYN seen, backend has not answered */
#define LB_TIMEOUT_TCP_EST 900     /* established (both sides seen) */
#define LB_TIMEOUT_TCP_FIN 120     /* FIN seen from one side */
#define LB_TIMEOUT_TCP_CLOSED 10   /* FIN from both sides, or RST */
#define LB_TIMEOUT_UDP 60          /* any UDP flow */
/* last_seen is refreshed (and the two directions synchronised) this often. */
#define LB_REFRESH_NS 1000000000ULL

/* An IPv4 address sits in the first word, the other words are zero. */
union lb_addr {
	__u32 v4;
	__u32 v6[4];
	__u8 bytes[16];
};

/* family values, as AF_INET/AF_INET6 without pulling in socket headers */
#define LB_AF_INET 2
#define LB_AF_INET6 10

/* lb_config.flags */
#define LB_CFG_F_ALL_PORTS_VIPS 0x1 /* some VIP covers all ports: look it up */

struct lb_config {
	__u32 hash_key[4];  /* keyed flow hash (SipHash key), from --seed */
	__u16 port_min;     /* SNAT port range, host byte order */
	__u16 port_max;
	__u32 version;      /* LB_STATE_VERSION of whoever created the maps */
	__u32 flags;
	__u32 next_gen;     /* user space: generation of the next VIP/backend */
	__u32 dirty_vip;    /* user space: 1 + id of a VIP whose table may lag
			     * its backends (a command died mid-update) */
	__u32 netns_cookie; /* user space: low 32 bits of the cookie of the
			     * network namespace whose state this is (0 =
			     * unknown); see lib/netns.h */
};

struct lb_vip_key {
	union lb_addr addr;
	__u16 port;         /* network byte order; 0 = all ports */
	__u8 proto;         /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;
};

#define LB_VIP_F_NAT 0x1

struct lb_vip {
	__u32 id;           /* index into lb_rings and lb_vip_stats */
	__u32 flags;
	union lb_addr snat; /* source address towards the backends */
	__u32 ring_size;    /* prime, size of this VIP's Maglev table */
	__u32 gen;          /* bumped whenever the VIP is (re)created */
};

#define LB_BACKEND_F_STATIC_MAC 0x1
#define LB_BACKEND_F_REMOVING 0x2   /* user space: out of the table, being
				     * removed (the data plane ignores it) */

/* lb_backends is an array indexed by backend id; gen 0 marks a free slot. */
struct lb_backend {
	union lb_addr addr;
	__u32 gen;          /* changes when the slot gets a new backend */
	__u32 vip_id;
	__u16 port;         /* network byte order; 0 = the client's port */
	__u8 family;
	__u8 flags;
	__u8 mac[6];        /* with LB_BACKEND_F_STATIC_MAC */
	__u16 weight;       /* for user space; the ring carries the effect */
};

struct lb_snat_key {
	union lb_addr addr;
	__u8 family;
	__u8 pad[3];
};

/* A flow as seen on the wire: (src, dst, sport, dport, proto). */
struct lb_flow_key {
	union lb_addr src;
	union lb_addr dst;
	__u16 sport;        /* network byte order */
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u16 pad;
};

/* Where a translated packet leaves: egress interface and MACs. */
struct lb_l2 {
	__u32 ifindex;
	__u8 smac[6];
	__u8 dmac[6];
};

/* Connection-state bits, kept in both directions' entries. */
#define LB_CT_F_REPLIED 0x1     /* the backend has answered */
#define LB_CT_F_FIN_CLIENT 0x2
#define LB_CT_F_FIN_BACKEND 0x4
#define LB_CT_F_RST 0x8

/* A TCP connection that is over: reset, or closed from both sides. */
static inline int lb_ct_closed(__u8 proto, __u16 state)
{
	return proto == 6 /* IPPROTO_TCP */ &&
	       ((state & LB_CT_F_RST) ||
		((state & LB_CT_F_FIN_CLIENT) && (state & LB_CT_F_FIN_BACKEND)));
}

/*
 * Idle timeout of a connection-table entry in seconds, from its protocol
 * and state bits: the one rule the data plane and user space both apply.
 */
static inline __u32 lb_ct_timeout_s(__u8 proto, __u16 state)
{
	if (proto != 6 /* IPPROTO_TCP */)
		return LB_TIMEOUT_UDP;
	if (lb_ct_closed(proto, state))
		return LB_TIMEOUT_TCP_CLOSED;
	if (state & (LB_CT_F_FIN_CLIENT | LB_CT_F_FIN_BACKEND))
		return LB_TIMEOUT_TCP_FIN;
	if (state & LB_CT_F_REPLIED)
		return LB_TIMEOUT_TCP_EST;
	return LB_TIMEOUT_TCP_SYN;
}

/* lb_ct_fwd.flags */
#define LB_CT_L2_VALID 0x1      /* to_backend holds a resolved next hop */

/* lb_ct_fwd: key = client -> VIP tuple. */
struct lb_ct_fwd {
	union lb_addr backend;
	union lb_addr snat;
	__u64 last_seen;        /* bpf_ktime_get_coarse_ns() */
	struct lb_l2 to_backend;
	__u32 backend_id;
	__u32 backend_gen;
	__u32 vip_id;
	__u16 backend_port;     /* network byte order */
	__u16 snat_port;        /* network byte order */
	__u16 state;
	__u16 flags;
	__u32 pad;
};

/* lb_ct_rev: key = backend -> SNAT tuple, as the backend's replies carry it. */
struct lb_ct_rev {
	union lb_addr client;
	union lb_addr vip;
	__u64 last_seen;
	struct lb_l2 to_client;
	__u32 backend_id;
	__u32 vip_id;
	__u16 client_port;      /* network byte order */
	__u16 vip_port;
	__u16 state;
	__u16 pad;
};

/* lb_frags: remembers the ports of a fragmented datagram's first fragment. */
struct lb_frag_key {
	union lb_addr src;
	union lb_addr dst;
	__u32 id;
	__u8 proto;
	__u8 family;
	__u16 pad;
};

struct lb_frag_val {
	__u16 sport;
	__u16 dport;
	__u32 pad;
};

/* Per VIP and per backend traffic, in per-CPU arrays summed by user space. */
struct lb_traffic {
	__u64 packets;          /* client -> backend */
	__u64 bytes;
	__u64 reply_packets;    /* backend -> client */
	__u64 reply_bytes;
	__u64 new_flows;
};

#endif /* __XDP_LB_COMMON_H */
