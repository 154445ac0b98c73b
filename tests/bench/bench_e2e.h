/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by bench_e2e.bpf.c and bench_e2e.c: the end-to-end benchmark. */
#ifndef BENCH_E2E_H
#define BENCH_E2E_H

#include <linux/types.h>

#ifndef ETH_ALEN
#define ETH_ALEN 6
#endif

/* Ethernet 14 + IPv4 20 + UDP 8 + payload: 62 bytes, a minimum-size frame
 * once the FCS is added (the payload length keeps the UDP segment a whole
 * number of 16-bit words). */
#define E2E_PAYLOAD_LEN 20
#define E2E_FRAME_LEN (14 + 20 + 8 + E2E_PAYLOAD_LEN)
#define E2E_MAX_TARGETS 2

enum e2e_counter {
	E2E_CNT_SEEN,		/* benchmark frames that reached the backend */
	E2E_CNT_VALID,		/* ... with the expected addresses and checksums */
	E2E_CNT_BAD_ADDR,	/* ... with unexpected addresses or lengths */
	E2E_CNT_BAD_CSUM,	/* ... with a wrong IPv4 or UDP checksum */
	E2E_CNT_MAX,
};

/* addresses in network byte order, ports in host byte order */
struct e2e_target {
	__u8 mac[ETH_ALEN];
	__u8 pad[2];
	__u32 ip;
};

struct e2e_gen_cfg {
	struct e2e_target target[E2E_MAX_TARGETS];
	__u32 targets;		/* flow N goes to target N % targets */
	__u32 flows;		/* frame N belongs to flow N % flows */
	__u8 src_mac[ETH_ALEN];
	__u16 sport;		/* flow N has source port sport + N */
	__u32 src_ip;
	__u16 dport;
};

struct e2e_bounce_cfg {
	__u8 backend_mac[E2E_MAX_TARGETS][ETH_ALEN];
	__u8 own_mac[ETH_ALEN];
	__u16 dport;
	__u32 backends;		/* source port % backends picks the backend */
};

struct e2e_count_cfg {
	__u32 src_ip;		/* expected addresses of every frame */
	__u32 dst_ip;
	__u16 dport;
};

#endif
