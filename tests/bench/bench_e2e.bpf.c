/* SPDX-License-Identifier: GPL-2.0 */
/*
 * End-to-end benchmark programs (driven by bench_e2e.c):
 *
 * e2e_gen    the traffic generator. Run with BPF_PROG_TEST_RUN in live-frames
 *            mode on the client's veth: every run writes one whole UDP frame
 *            (pages are recycled and come back holding whatever was written
 *            into them last) and sends it with XDP_TX.
 * e2e_bounce the reference "balancer" that does nothing but pick a backend
 *            by source port, rewrite the Ethernet addresses and bounce the
 *            frame back out with XDP_TX.
 * e2e_count  the counter on each backend: counts every benchmark frame and
 *            those that arrive intact (addresses as expected for the mode,
 *            IPv4 and UDP checksums correct), then drops them so the
 *            backend's stack costs nothing. Everything else passes (ARP).
 *
 * Each program is configured through its read-only globals before load.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench_e2e.h"

const volatile struct e2e_gen_cfg gen_cfg = {};
const volatile struct e2e_bounce_cfg bounce_cfg = {};
const volatile struct e2e_count_cfg count_cfg = {};

/* frames written by the generator; it runs on one CPU, in one thread */
__u64 gen_seq = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, E2E_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} e2e_counters SEC(".maps");

/* The benchmark frame: fixed size, so every program can index it directly. */
struct e2e_frame {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	__u8 payload[E2E_PAYLOAD_LEN];
} __attribute__((packed));

_Static_assert(sizeof(struct e2e_frame) == E2E_FRAME_LEN, "frame size");

static __always_inline __u32 sum16(const void *p, int words, __u32 sum)
{
	const __u16 *w = p;
	int i;

#pragma unroll
	for (i = 0; i < words; i++)
		sum += w[i];
	return sum;
}

static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* UDP checksum sum (not yet complemented) over pseudo-header and segment */
static __always_inline __u16 udp_sum(const struct e2e_frame *f)
{
	__u32 sum;

	sum = sum16(&f->ip.saddr, 4, 0);
	sum += bpf_htons(IPPROTO_UDP);
	sum += f->udp.len;
	sum = sum16(&f->udp, (sizeof(f->udp) + E2E_PAYLOAD_LEN) / 2, sum);
	return fold(sum);
}

static __always_inline void set_mac(__u8 *dst, const volatile __u8 *src)
{
	int i;

#pragma unroll
	for (i = 0; i < ETH_ALEN; i++)
		dst[i] = src[i];
}

SEC("xdp")
int e2e_gen(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct e2e_frame *f = data;
	__u64 seq = gen_seq++;
	__u32 flow, t;
	__u16 sum;

	if (data + sizeof(*f) > data_end)
		return XDP_ABORTED;
	flow = seq % (gen_cfg.flows ? gen_cfg.flows : 1);
	t = flow % (gen_cfg.targets ? gen_cfg.targets : 1);
	if (t >= E2E_MAX_TARGETS)
		return XDP_ABORTED;

	set_mac(f->eth.h_dest, gen_cfg.target[t].mac);
	set_mac(f->eth.h_source, gen_cfg.src_mac);
	f->eth.h_proto = bpf_htons(ETH_P_IP);

	f->ip.version = 4;
	f->ip.ihl = 5;
	f->ip.tos = 0;
	f->ip.tot_len = bpf_htons(sizeof(f->ip) + sizeof(f->udp) +
				  E2E_PAYLOAD_LEN);
	f->ip.id = bpf_htons((__u16)seq);
	f->ip.frag_off = 0;
	f->ip.ttl = 64;
	f->ip.protocol = IPPROTO_UDP;
	f->ip.check = 0;
	f->ip.saddr = gen_cfg.src_ip;
	f->ip.daddr = gen_cfg.target[t].ip;
	f->ip.check = ~fold(sum16(&f->ip, sizeof(f->ip) / 2, 0));

	f->udp.source = bpf_htons(gen_cfg.sport + flow);
	f->udp.dest = bpf_htons(gen_cfg.dport);
	f->udp.len = bpf_htons(sizeof(f->udp) + E2E_PAYLOAD_LEN);
	f->udp.check = 0;
	__builtin_memset(f->payload, 0, sizeof(f->payload));
	__builtin_memcpy(f->payload, &seq, sizeof(seq));
	sum = ~udp_sum(f);
	/* 0 would mean "no checksum" */
	f->udp.check = sum ? sum : 0xffff;
	return XDP_TX;
}

/* the frame if it is one of ours (UDP to the benchmark port), else NULL */
static __always_inline struct e2e_frame *bench_frame(struct xdp_md *ctx,
						      __u16 dport)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct e2e_frame *f = data;

	if (data + sizeof(*f) > data_end)
		return NULL;
	if (f->eth.h_proto != bpf_htons(ETH_P_IP) || f->ip.ihl != 5 ||
	    f->ip.protocol != IPPROTO_UDP || f->udp.dest != bpf_htons(dport))
		return NULL;
	return f;
}

SEC("xdp")
int e2e_bounce(struct xdp_md *ctx)
{
	struct e2e_frame *f = bench_frame(ctx, bounce_cfg.dport);
	__u32 b;

	if (!f || !bounce_cfg.backends)
		return XDP_PASS;
	b = bpf_ntohs(f->udp.source) % bounce_cfg.backends;
	if (b >= E2E_MAX_TARGETS)
		return XDP_ABORTED;
	set_mac(f->eth.h_dest, bounce_cfg.backend_mac[b]);
	set_mac(f->eth.h_source, bounce_cfg.own_mac);
	return XDP_TX;
}

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&e2e_counters, &idx);

	if (c)
		*c += 1;
}

SEC("xdp")
int e2e_count(struct xdp_md *ctx)
{
	struct e2e_frame *f = bench_frame(ctx, count_cfg.dport);

	if (!f)
		return XDP_PASS;
	count(E2E_CNT_SEEN);
	if (f->ip.saddr != count_cfg.src_ip || f->ip.daddr != count_cfg.dst_ip ||
	    f->ip.tot_len != bpf_htons(sizeof(f->ip) + sizeof(f->udp) +
				       E2E_PAYLOAD_LEN) ||
	    f->udp.len != bpf_htons(sizeof(f->udp) + E2E_PAYLOAD_LEN)) {
		count(E2E_CNT_BAD_ADDR);
		return XDP_DROP;
	}
	if (fold(sum16(&f->ip, sizeof(f->ip) / 2, 0)) != 0xffff ||
	    !f->udp.check || udp_sum(f) != 0xffff) {
		count(E2E_CNT_BAD_CSUM);
		return XDP_DROP;
	}
	count(E2E_CNT_VALID);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
