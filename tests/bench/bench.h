/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the benchmark's BPF programs (bench.bpf.c) and its driver
 * (bench_pkt.c): the restore wrapper's maps and the flow numbering.
 *
 * BPF_PROG_TEST_RUN with repeat > 1 runs every iteration on the same buffer,
 * so without help the program under test would see its own output (an
 * already translated packet) from the second iteration on. The wrapper
 * copies the original frame back before every iteration, optionally gives
 * it the source of flow number n (a per-CPU counter), and tail-calls the
 * program under test.
 */
#ifndef __BENCH_H
#define __BENCH_H

#include <linux/types.h>

/* Every benchmark frame has exactly this length (a constant-size copy). */
#define BENCH_FRAME_LEN 128

/* Offsets in an untagged Ethernet + IPv4 (no options) + TCP frame. */
#define BENCH_OFF_IP_CSUM 24
#define BENCH_OFF_IP_SADDR 26
#define BENCH_OFF_SPORT 34
#define BENCH_OFF_TCP_CSUM 50

enum bench_mode {
	BENCH_MODE_FIXED = 0,   /* the frame as stored, every iteration */
	BENCH_MODE_FLOWS = 1,   /* IPv4/TCP source of flow n = counter++ */
};

/*
 * Flow n has source 172.16.0.0 + (n >> 15), port 1024 + (n & 0x7fff):
 * 2^32 distinct sources, none of them on a local subnet.
 */
#define BENCH_FLOW_NET 0xac100000U
#define BENCH_FLOW_PORT0 1024
#define BENCH_FLOW_PORT_BITS 15

/*
 * Yardsticks: what the data plane's kernel helpers cost alone. The FIB
 * lookup goes where a new flow's does (balancer -> backend on lb0), and
 * the LRU table has the connection table's key and value sizes.
 */
#define BENCH_FIB_SRC 0x0a00000aU   /* 10.0.0.10 */
#define BENCH_FIB_DST 0x0a000002U   /* 10.0.0.2 */

struct bench_lru_key {
	__u32 saddr;
	__u16 sport;
	__u16 pad;
	__u32 rest[8];      /* 40 bytes, as struct lb_flow_key */
};

struct bench_lru_val {
	__u64 v[10];        /* 80 bytes, as struct lb_ct_fwd */
};

struct bench_frame {
	__u8 data[BENCH_FRAME_LEN];
};

struct bench_cfg {
	__u64 nflows;   /* the counter wraps to 0 here; ~0 = a new flow each time */
	__u32 mode;     /* enum bench_mode */
	/*
	 * Ones' complement sums of the template's checksum field (complemented)
	 * and of the source words it covers (complemented), so the wrapper
	 * only adds the new words (RFC 1624, eqn. 3). 16-bit words are taken
	 * in memory order, which ones' complement sums do not care about.
	 */
	__u32 ip_sum;
	__u32 l4_sum;
	__u32 pad;
};

#endif /* __BENCH_H */
