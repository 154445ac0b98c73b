/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing for the XDP program: Ethernet with up to two VLAN tags,
 * IPv4 of any header length, IPv6 with the extension headers we can walk,
 * TCP, UDP and ICMP/ICMPv6. Every length is taken from the IP header, never
 * from the frame, and checked against the frame.
 */
#ifndef __XDP_LB_PARSE_H
#define __XDP_LB_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lb_common.h"

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#define LB_ETH_P_8021Q 0x8100
#define LB_ETH_P_8021AD 0x88a8
#define LB_IP_MF 0x2000
#define LB_IP_OFFMASK 0x1fff
#define LB_MAX_VLANS 2
#define LB_MAX_EXTHDRS 6

#define LB_TCP_FIN 0x01
#define LB_TCP_SYN 0x02
#define LB_TCP_RST 0x04
#define LB_TCP_ACK 0x10

enum lb_parse_result {
	LB_PARSE_OK = 0,
	LB_PARSE_NOT_IP,        /* ARP, LLDP, ...: not ours */
	LB_PARSE_MALFORMED,     /* lengths that do not add up */
	LB_PARSE_OTHER_L4,      /* an IP protocol we do not balance */
};

struct lb_pkt {
	struct lb_flow_key key; /* ports are 0 until known */
	__u32 l3_off;
	__u32 l4_off;           /* valid when has_l4 */
	__u32 l3_end;           /* l3_off + IP length: end of the datagram */
	__u32 frag_id;
	__u8 tcp_flags;
	__u8 has_l4;            /* the L4 header is in this packet */
	__u8 is_frag;
	__u8 more_frags;
};

struct lb_ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;        /* offset << 3 | M */
	__be32 identification;
};

struct lb_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

static __always_inline int lb_parse_l4(void *data, void *data_end,
				       struct lb_pkt *p)
{
	__u32 off = p->l4_off;

	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = data + off;

		if ((void *)(th + 1) > data_end || off + sizeof(*th) > p->l3_end)
			return LB_PARSE_MALFORMED;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
	} else if (p->key.proto == IPPROTO_UDP) {
		struct udphdr *uh = data + off;

		if ((void *)(uh + 1) > data_end || off + sizeof(*uh) > p->l3_end)
			return LB_PARSE_MALFORMED;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
	} else if (p->key.proto == IPPROTO_ICMP ||
		   p->key.proto == IPPROTO_ICMPV6) {
		/* type, code, checksum and 4 more bytes */
		if (data + off + 8 > data_end || off + 8 > p->l3_end)
			return LB_PARSE_MALFORMED;
	} else {
		return LB_PARSE_OTHER_L4;
	}
	p->has_l4 = 1;
	return LB_PARSE_OK;
}

/* A 16-bit length field in host order, with bounds Linux 6.1's verifier
 * knows: it loses them through a byte swap (BPF_END), and then refuses
 * "data + len" ("math between pkt pointer and register with unbounded min
 * value"). The asm keeps clang from dropping the mask. */
static __always_inline __u32 lb_len16(__u16 be)
{
	__u32 v = bpf_ntohs(be);

	asm volatile("%0 &= 0xffff" : "+r"(v));
	return v;
}

static __always_inline int lb_parse_ipv4(void *data, void *data_end,
					 struct lb_pkt *p)
{
	struct iphdr *iph = data + p->l3_off;
	__u32 hlen, tot_len;
	__u16 frag;

	if ((void *)(iph + 1) > data_end)
		return LB_PARSE_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return LB_PARSE_MALFORMED;
	hlen = iph->ihl * 4;
	tot_len = lb_len16(iph->tot_len);
	if (tot_len < hlen || data + p->l3_off + tot_len > data_end)
		return LB_PARSE_MALFORMED;
	if (data + p->l3_off + hlen > data_end)
		return LB_PARSE_MALFORMED;

	p->key.family = LB_AF_INET;
	p->key.proto = iph->protocol;
	p->key.src.v4 = iph->saddr;
	p->key.dst.v4 = iph->daddr;
	p->l4_off = p->l3_off + hlen;
	p->l3_end = p->l3_off + tot_len;

	frag = bpf_ntohs(iph->frag_off);
	if (frag & (LB_IP_MF | LB_IP_OFFMASK)) {
		p->is_frag = 1;
		p->more_frags = !!(frag & LB_IP_MF);
		p->frag_id = iph->id;
		if (frag & LB_IP_OFFMASK) {
			/* A later fragment: no L4 header, ports from lb_frags. */
			if (p->key.proto != IPPROTO_TCP &&
			    p->key.proto != IPPROTO_UDP)
				return LB_PARSE_OTHER_L4;
			return LB_PARSE_OK;
		}
	}
	return lb_parse_l4(data, data_end, p);
}

static __always_inline int lb_parse_ipv6(void *data, void *data_end,
					 struct lb_pkt *p)
{
	struct ipv6hdr *ip6h = data + p->l3_off;
	__u32 off;
	__u8 nh;
	int i;

	if ((void *)(ip6h + 1) > data_end)
		return LB_PARSE_MALFORMED;
	if (ip6h->version != 6)
		return LB_PARSE_MALFORMED;
	p->l3_end = p->l3_off + sizeof(*ip6h) + lb_len16(ip6h->payload_len);
	if (data + p->l3_end > data_end)
		return LB_PARSE_MALFORMED;

	p->key.family = LB_AF_INET6;
	__builtin_memcpy(p->key.src.bytes, &ip6h->saddr, 16);
	__builtin_memcpy(p->key.dst.bytes, &ip6h->daddr, 16);
	nh = ip6h->nexthdr;
	off = p->l3_off + sizeof(*ip6h);

#pragma unroll
	for (i = 0; i < LB_MAX_EXTHDRS; i++) {
		struct lb_opt_hdr *oh = data + off;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT &&
		    nh != IPPROTO_AH)
			break;
		if (nh == IPPROTO_FRAGMENT) {
			struct lb_ipv6_frag *fh = data + off;
			__u16 fo;

			if ((void *)(fh + 1) > data_end || off + 8 > p->l3_end)
				return LB_PARSE_MALFORMED;
			fo = bpf_ntohs(fh->frag_off);
			nh = fh->nexthdr;
			off += sizeof(*fh);
			if (!(fo & 0xfff9))
				continue;   /* atomic fragment: a whole datagram */
			p->is_frag = 1;
			p->more_frags = fo & 1;
			p->frag_id = fh->identification;
			if (fo & 0xfff8) {
				if (off > 1024)
					return LB_PARSE_OTHER_L4;
				p->key.proto = nh;
				p->l4_off = off;
				if (nh != IPPROTO_TCP && nh != IPPROTO_UDP)
					return LB_PARSE_OTHER_L4;
				return LB_PARSE_OK;
			}
			continue;
		}
		if ((void *)(oh + 1) > data_end)
			return LB_PARSE_MALFORMED;
		/* the length formula is that of this header, not the next */
		if (nh == IPPROTO_AH)
			off += ((__u32)oh->hdrlen + 2) * 4;
		else
			off += ((__u32)oh->hdrlen + 1) * 8;
		nh = oh->nexthdr;
		if (off > p->l3_end)
			return LB_PARSE_MALFORMED;
	}
	/* the rewrite code only reaches this deep into a packet */
	if (off > 1016)
		return LB_PARSE_OTHER_L4;
	p->key.proto = nh;
	p->l4_off = off;
	return lb_parse_l4(data, data_end, p);
}

/* Fills p from the frame; returns an lb_parse_result. */
static __always_inline int lb_parse(struct xdp_md *ctx, struct lb_pkt *p)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return LB_PARSE_NOT_IP;
	proto = eth->h_proto;

#pragma unroll
	for (i = 0; i < LB_MAX_VLANS; i++) {
		__u16 *vlan = data + off;

		if (proto != bpf_htons(LB_ETH_P_8021Q) &&
		    proto != bpf_htons(LB_ETH_P_8021AD))
			break;
		if ((void *)(vlan + 2) > data_end)
			return LB_PARSE_NOT_IP;
		proto = vlan[1];
		off += 4;
	}
	p->l3_off = off;
	if (proto == bpf_htons(ETH_P_IP))
		return lb_parse_ipv4(data, data_end, p);
	if (proto == bpf_htons(ETH_P_IPV6))
		return lb_parse_ipv6(data, data_end, p);
	return LB_PARSE_NOT_IP;
}

#endif /* __XDP_LB_PARSE_H */
