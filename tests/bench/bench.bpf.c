/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark programs: the restore wrapper that runs in front of every
 * program under test, and the two reference programs the data plane's cost
 * is compared with (run through the same wrapper).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_frame);
} bench_frame SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_cfg);
} bench_cfg SEC(".maps");

/* Flow counter; per CPU so the wrapper needs no atomic operation. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_ctr SEC(".maps");

/* Slot 0: the program under test (xdp_lb, or a reference). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bench_target SEC(".maps");

/* Sized by user space like the connection table. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, struct bench_lru_key);
	__type(value, struct bench_lru_val);
} bench_lru SEC(".maps");

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int bench_wrap(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bench_frame *frame;
	struct bench_cfg *cfg;
	__u32 zero = 0;
	__u64 *dst, *src;
	int i;

	/* the copy below restores exactly this many bytes: nothing else fits */
	if (data + BENCH_FRAME_LEN > data_end ||
	    data_end - data != BENCH_FRAME_LEN)
		return XDP_ABORTED;
	frame = bpf_map_lookup_elem(&bench_frame, &zero);
	cfg = bpf_map_lookup_elem(&bench_cfg, &zero);
	if (!frame || !cfg)
		return XDP_ABORTED;

	dst = data;
	src = (__u64 *)frame->data;
#pragma unroll
	for (i = 0; i < BENCH_FRAME_LEN / 8; i++)
		dst[i] = src[i];

	if (cfg->mode == BENCH_MODE_FLOWS) {
		__u64 *ctr = bpf_map_lookup_elem(&bench_ctr, &zero);
		__u32 n, saddr, sum;
		__u16 sport;

		if (!ctr)
			return XDP_ABORTED;
		n = *ctr;
		*ctr = *ctr + 1 >= cfg->nflows ? 0 : *ctr + 1;
		saddr = bpf_htonl(BENCH_FLOW_NET + (n >> BENCH_FLOW_PORT_BITS));
		sport = bpf_htons(BENCH_FLOW_PORT0 +
				  (n & ((1U << BENCH_FLOW_PORT_BITS) - 1)));
		*(__u32 *)(data + BENCH_OFF_IP_SADDR) = saddr;
		*(__u16 *)(data + BENCH_OFF_SPORT) = sport;
		sum = (saddr & 0xffff) + (saddr >> 16);
		*(__u16 *)(data + BENCH_OFF_IP_CSUM) = csum_fold(cfg->ip_sum + sum);
		*(__u16 *)(data + BENCH_OFF_TCP_CSUM) =
			csum_fold(cfg->l4_sum + sum + sport);
	}

	bpf_tail_call(ctx, &bench_target, 0);
	/* an empty slot: never benchmark that by accident */
	return XDP_ABORTED;
}

/* Reference 1: the cheapest program that sends a packet back. */
SEC("xdp")
int bench_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

/*
 * Reference 2: what any L4 balancer must do at least: find the TCP ports
 * behind bounds-checked Ethernet and IPv4 headers (any IHL, total length
 * checked against the frame).
 */
SEC("xdp")
int bench_parse(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct tcphdr *th;
	struct iphdr *iph;
	__u32 hlen;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (iph->version != 4 || iph->ihl < 5)
		return XDP_PASS;
	hlen = iph->ihl * 4;
	if ((void *)iph + bpf_ntohs(iph->tot_len) > data_end)
		return XDP_PASS;
	if (iph->protocol != IPPROTO_TCP)
		return XDP_PASS;
	th = (void *)iph + hlen;
	if ((void *)(th + 1) > data_end)
		return XDP_PASS;
	/* use the ports, as a balancer would, so nothing is optimised away */
	if (!th->source || !th->dest)
		return XDP_PASS;
	return XDP_TX;
}

/* Yardstick: one FIB and neighbour lookup, as fib_next_hop() makes it. */
SEC("xdp")
int bench_fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup f = {};

	f.ifindex = ctx->ingress_ifindex;
	f.family = 2;   /* AF_INET */
	f.ipv4_src = bpf_htonl(BENCH_FIB_SRC);
	f.ipv4_dst = bpf_htonl(BENCH_FIB_DST);
	if (bpf_fib_lookup(ctx, &f, sizeof(f), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_DROP;
	return XDP_TX;
}

/* Yardstick: the clock every packet of a flow reads. */
SEC("xdp")
int bench_ktime(struct xdp_md *ctx)
{
	return bpf_ktime_get_ns() ? XDP_TX : XDP_DROP;
}

/*
 * Yardstick: insert the packet's flow (source address and port, put there
 * by the wrapper) into an LRU hash table, as a new flow does twice.
 */
SEC("xdp")
int bench_lru_insert(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bench_lru_key k = {};
	struct bench_lru_val v = {};

	if (data + BENCH_FRAME_LEN > data_end)
		return XDP_ABORTED;
	k.saddr = *(__u32 *)(data + BENCH_OFF_IP_SADDR);
	k.sport = *(__u16 *)(data + BENCH_OFF_SPORT);
	v.v[0] = k.saddr;
	if (bpf_map_update_elem(&bench_lru, &k, &v, BPF_ANY))
		return XDP_DROP;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
