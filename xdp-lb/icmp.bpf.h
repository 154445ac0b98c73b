/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP errors about translated flows (destination unreachable, including
 * fragmentation needed; time exceeded; ICMPv6 packet too big). The error
 * quotes a packet xdp-lb sent; reversing the quoted tuple gives the flow's
 * key, so the error is translated like the flow itself and delivered to the
 * side that sent the original packet:
 *   quote VIP -> client      (error from the client side)  -> to the backend
 *   quote SNAT -> backend    (error from the backend side) -> to the client
 * Outer addresses, the quoted addresses and ports, the quoted IPv4 header
 * checksum, the quoted L4 checksum (when quoted) and the ICMP checksum are
 * all updated incrementally. Included by xdp_lb.bpf.c.
 */
#ifndef __XDP_LB_ICMP_BPF_H
#define __XDP_LB_ICMP_BPF_H

#define LB_ICMP_DEST_UNREACH 3
#define LB_ICMP_TIME_EXCEEDED 11
#define LB_ICMPV6_DEST_UNREACH 1
#define LB_ICMPV6_PKT_TOOBIG 2
#define LB_ICMPV6_TIME_EXCEED 3

/*
 * The error goes from src to dst; the packet it quotes went the other way,
 * from dst:dport to src:sport (ports in network byte order).
 */
static __always_inline int icmp_rewrite(struct xdp_md *ctx, struct lb_pkt *p,
					__u32 in_l3, __u32 in_l4, __u8 in_proto,
					const union lb_addr *src,
					const union lb_addr *dst,
					__u16 sport, __u16 dport)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u64 outer = 0, icmpd = 0, ind = 0, pd = 0;
	__u16 *ports, *csum;
	__u32 off = p->l3_off;
	int i;

	if (off > 64 || in_l3 > 1024 || in_l4 > 1100)
		return -1;
	if (p->key.family == LB_AF_INET) {
		struct iphdr *iph = data + off;
		struct iphdr *ih = data + in_l3;

		if ((void *)(iph + 1) > data_end || (void *)(ih + 1) > data_end)
			return -1;
		lb_set32(&iph->saddr, src->v4, &outer);
		lb_set32(&iph->daddr, dst->v4, &outer);
		iph->check = lb_csum_update(iph->check, outer);
		lb_set32(&ih->saddr, dst->v4, &ind);
		lb_set32(&ih->daddr, src->v4, &ind);
		lb_set16(&ih->check, lb_csum_update(ih->check, ind), &icmpd);
	} else {
		struct ipv6hdr *ip6h = data + off;
		struct ipv6hdr *ih = data + in_l3;

		if ((void *)(ip6h + 1) > data_end || (void *)(ih + 1) > data_end)
			return -1;
#pragma unroll
		for (i = 0; i < 4; i++) {
			lb_set32(&ip6h->saddr.in6_u.u6_addr32[i], src->v6[i], &outer);
			lb_set32(&ip6h->daddr.in6_u.u6_addr32[i], dst->v6[i], &outer);
			lb_set32(&ih->saddr.in6_u.u6_addr32[i], dst->v6[i], &ind);
			lb_set32(&ih->daddr.in6_u.u6_addr32[i], src->v6[i], &ind);
		}
	}
	icmpd += ind;

	ports = data + in_l4;
	if ((void *)(ports + 2) > data_end)
		return -1;
	lb_set16(&ports[0], dport, &pd);
	lb_set16(&ports[1], sport, &pd);
	icmpd += pd;

	/* The quoted L4 checksum, when the quote reaches it. */
	if (in_proto == IPPROTO_TCP) {
		csum = data + in_l4 + 16;
		if ((void *)(csum + 1) <= data_end && in_l4 + 18 <= p->l3_end)
			lb_set16(csum, lb_csum_update(*csum, ind + pd), &icmpd);
	} else {
		csum = data + in_l4 + 6;
		if ((void *)(csum + 1) <= data_end && in_l4 + 8 <= p->l3_end)
			lb_set16(csum, lb_udp_csum_update(*csum, ind + pd,
							  p->key.family == LB_AF_INET),
				 &icmpd);
	}

	off = p->l4_off;
	if (off > 1024)
		return -1;
	csum = data + off + 2;
	if ((void *)(csum + 1) > data_end)
		return -1;
	/* ICMPv6 also covers the pseudo-header, i.e. the outer addresses. */
	if (p->key.family == LB_AF_INET6)
		icmpd += outer;
	*csum = lb_csum_update(*csum, icmpd);
	return 0;
}

static __noinline int handle_icmp(struct xdp_md *ctx, struct lb_pkt *p)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct lb_flow_key fk = {};
	struct lb_ct_fwd *ct;
	struct lb_ct_rev *rev;
	__u32 in_l3, in_l4;
	__u16 *ports;
	__u8 *icmp, type, in_proto;

	if (p->is_frag || p->l4_off > 1024)
		goto pass;
	/* ICMPv6 over IPv4 or ICMP over IPv6 is nothing we translate */
	if ((p->key.family == LB_AF_INET) != (p->key.proto == IPPROTO_ICMP))
		goto pass;
	icmp = data + p->l4_off;
	if ((void *)(icmp + 8) > data_end)
		goto pass;
	type = icmp[0];
	in_l3 = p->l4_off + 8;
	/* the quote ends with the datagram, not with the frame (padding) */
	if (in_l3 + 20 > p->l3_end)
		goto pass;

	if (p->key.family == LB_AF_INET) {
		struct iphdr *ih = data + in_l3;

		if (type != LB_ICMP_DEST_UNREACH && type != LB_ICMP_TIME_EXCEEDED)
			goto pass;
		if ((void *)(ih + 1) > data_end || ih->version != 4 || ih->ihl < 5)
			goto pass;
		if (ih->frag_off & bpf_htons(LB_IP_OFFMASK))
			goto pass;
		in_proto = ih->protocol;
		in_l4 = in_l3 + ih->ihl * 4;
		/* reversed: the quoted packet's destination is the flow's source */
		fk.src.v4 = ih->daddr;
		fk.dst.v4 = ih->saddr;
	} else {
		struct ipv6hdr *ih = data + in_l3;

		if (type != LB_ICMPV6_DEST_UNREACH && type != LB_ICMPV6_PKT_TOOBIG &&
		    type != LB_ICMPV6_TIME_EXCEED)
			goto pass;
		if ((void *)(ih + 1) > data_end || ih->version != 6 ||
		    in_l3 + sizeof(*ih) > p->l3_end)
			goto pass;
		in_proto = ih->nexthdr;
		in_l4 = in_l3 + sizeof(*ih);
		__builtin_memcpy(fk.src.bytes, &ih->daddr, 16);
		__builtin_memcpy(fk.dst.bytes, &ih->saddr, 16);
	}
	if (in_proto != IPPROTO_TCP && in_proto != IPPROTO_UDP)
		goto pass;
	if (in_l4 > 1100)
		goto pass;
	ports = data + in_l4;
	if ((void *)(ports + 2) > data_end || in_l4 + 4 > p->l3_end)
		goto pass;
	fk.sport = ports[1];
	fk.dport = ports[0];
	fk.proto = in_proto;
	fk.family = p->key.family;

	/* The error must be addressed to whoever sent the quoted packet. */
	if (!addr_eq(&p->key.dst, &fk.dst))
		goto pass;

	ct = bpf_map_lookup_elem(&LB_MAP_CT_FWD, &fk);
	if (ct) {
		if (!(ct->flags & LB_CT_L2_VALID))
			goto pass;
		if (icmp_rewrite(ctx, p, in_l3, in_l4, in_proto, &ct->snat,
				 &ct->backend, ct->snat_port, ct->backend_port))
			return XDP_ABORTED;
		stat_inc(LB_STAT_ICMP_TO_BACKEND);
		return transmit(ctx, &ct->to_backend);
	}

	rev = bpf_map_lookup_elem(&LB_MAP_CT_REV, &fk);
	if (rev) {
		if (icmp_rewrite(ctx, p, in_l3, in_l4, in_proto, &rev->vip,
				 &rev->client, rev->vip_port, rev->client_port))
			return XDP_ABORTED;
		stat_inc(LB_STAT_ICMP_TO_CLIENT);
		return transmit(ctx, &rev->to_client);
	}
pass:
	stat_inc(LB_STAT_PASS_NOT_VIP);
	return XDP_PASS;
}

#endif /* __XDP_LB_ICMP_BPF_H */
