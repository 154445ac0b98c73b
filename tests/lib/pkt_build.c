// SPDX-License-Identifier: GPL-2.0
/*
 * Test packet builder: crafts Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP frames
 * with checksums computed from scratch.  Independent of the data plane.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

/* An ICMP error may embed a packet which embeds a packet...; bound it. */
#define MAX_DEPTH	4

#define IPV4_HLEN	20
#define IPV6_HLEN	40
#define EXT_HLEN	8
#define FRAG_HLEN	8
#define TCP_HLEN	20
#define UDP_HLEN	8
#define ICMP_HLEN	8

#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_FRAG	44
#define NEXTHDR_DEST	60

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static bool embeds_inner(const struct pkt_spec *s)
{
	return s->inner && s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP;
}

static size_t l4_hdr_len(const struct pkt_spec *s)
{
	switch (s->proto) {
	case IPPROTO_TCP:
		return TCP_HLEN + s->tcp_opts_len;
	case IPPROTO_UDP:
		return UDP_HLEN;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return ICMP_HLEN;
	default:
		return 0;
	}
}

static bool v6_frag_hdr(const struct pkt_spec *s)
{
	return s->ipv6_frag_hdr || s->frag_offset || s->more_frags;
}

static bool l3_len(const struct pkt_spec *s, int depth, size_t *len);

/* Length of what follows the IP header(s): L4 header + body. */
static bool l4_len(const struct pkt_spec *s, int depth, size_t *len)
{
	size_t body = s->payload_len;

	if (s->proto == IPPROTO_TCP &&
	    (s->tcp_opts_len < 0 || s->tcp_opts_len > 40 || s->tcp_opts_len % 4))
		return false;
	if (s->frag_offset > 0) {
		if (s->payload_len > 0xffff)
			return false;
		*len = s->payload_len;
		return true;
	}
	if (embeds_inner(s)) {
		if (!l3_len(s->inner, depth + 1, &body))
			return false;
		if (s->inner_trunc > 0 && s->inner_trunc < body)
			body = s->inner_trunc;
	}
	if (body > 0xffff)
		return false;
	*len = l4_hdr_len(s) + body;
	return true;
}

static bool ip_hdr_len(const struct pkt_spec *s, size_t *len)
{
	if (s->frag_offset < 0 || s->frag_offset % 8 || s->frag_offset > 0xfff8)
		return false;
	if (s->family == AF_INET) {
		if (s->ip_opts_len < 0 || s->ip_opts_len > 40 ||
		    s->ip_opts_len % 4)
			return false;
		*len = IPV4_HLEN + s->ip_opts_len;
		return true;
	}
	if (s->family == AF_INET6) {
		if (s->nr_ext < 0 || s->nr_ext > PKT_MAX_EXT)
			return false;
		*len = IPV6_HLEN + s->nr_ext * EXT_HLEN +
		       (v6_frag_hdr(s) ? FRAG_HLEN : 0);
		return true;
	}
	return false;
}

static bool l3_len(const struct pkt_spec *s, int depth, size_t *len)
{
	size_t hlen, l4;

	if (depth > MAX_DEPTH || !ip_hdr_len(s, &hlen) ||
	    !l4_len(s, depth, &l4))
		return false;
	if (s->family == AF_INET && hlen + l4 > 0xffff)
		return false;
	if (s->family == AF_INET6 && hlen - IPV6_HLEN + l4 > 0xffff)
		return false;
	*len = hlen + l4;
	return true;
}

static void fill_payload(uint8_t *p, size_t len, const struct pkt_spec *s)
{
	size_t i;

	if (s->payload_data) {
		memcpy(p, s->payload_data, len);
		return;
	}
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(s->payload_seed + 7 * i);
}

static size_t build_l3(uint8_t *buf, size_t cap, const struct pkt_spec *s,
		       int depth);

/* Writes the L4 header and body (len bytes in total) and its checksum. */
static bool build_l4(uint8_t *l4, size_t len, const struct pkt_spec *s,
		     int depth)
{
	size_t hlen = l4_hdr_len(s), body = len - hlen;
	uint8_t *p = l4 + hlen;
	uint16_t csum;

	if (s->frag_offset > 0) {
		/* Non-first fragment: payload only. */
		fill_payload(l4, len, s);
		return true;
	}

	if (embeds_inner(s)) {
		size_t ilen;
		uint8_t *tmp;

		if (!l3_len(s->inner, depth + 1, &ilen))
			return false;
		tmp = malloc(ilen);
		if (!tmp)
			return false;
		if (build_l3(tmp, ilen, s->inner, depth + 1) != ilen) {
			free(tmp);
			return false;
		}
		memcpy(p, tmp, body);	/* body <= ilen, see l4_len() */
		free(tmp);
	} else {
		fill_payload(p, body, s);
	}

	switch (s->proto) {
	case IPPROTO_TCP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = (hlen / 4) << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, s->tcp_window ? s->tcp_window : 0xffff);
		put16(l4 + 16, 0);	/* checksum */
		put16(l4 + 18, 0);	/* urgent pointer */
		memcpy(l4 + TCP_HLEN, s->tcp_opts, s->tcp_opts_len);
		csum = pkt_csum_l4(s->family, s->src, s->dst, IPPROTO_TCP,
				   l4, len);
		put16(l4 + 16, csum);
		break;
	case IPPROTO_UDP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, len);
		put16(l4 + 6, 0);
		if (!s->udp_zero_csum) {
			csum = pkt_csum_l4(s->family, s->src, s->dst,
					   IPPROTO_UDP, l4, len);
			/* RFC 768: a computed 0 is transmitted as all ones */
			put16(l4 + 6, csum ? csum : 0xffff);
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put16(l4 + 2, 0);
		put32(l4 + 4, s->icmp_rest);
		if (s->proto == IPPROTO_ICMP)
			csum = pkt_csum_full(l4, len);
		else
			csum = pkt_csum_l4(s->family, s->src, s->dst,
					   IPPROTO_ICMPV6, l4, len);
		put16(l4 + 2, csum);
		break;
	default:
		break;
	}
	return true;
}

static size_t build_l3(uint8_t *buf, size_t cap, const struct pkt_spec *s,
		       int depth)
{
	size_t hlen = 0, total, l4;
	uint8_t ttl = s->ttl ? s->ttl : 64;
	uint8_t *p;
	int i;

	if (!l3_len(s, depth, &total) || total > cap)
		return 0;
	ip_hdr_len(s, &hlen);
	l4 = total - hlen;

	if (s->family == AF_INET) {
		uint16_t frag = s->frag_offset / 8;

		if (s->more_frags)
			frag |= 0x2000;
		if (s->dont_frag)
			frag |= 0x4000;
		buf[0] = 0x40 | (hlen / 4);
		buf[1] = s->tos;
		put16(buf + 2, total);
		put16(buf + 4, s->ip_id);
		put16(buf + 6, frag);
		buf[8] = ttl;
		buf[9] = s->proto;
		put16(buf + 10, 0);
		memcpy(buf + 12, s->src, 4);
		memcpy(buf + 16, s->dst, 4);
		memcpy(buf + IPV4_HLEN, s->ip_opts, s->ip_opts_len);
		if (!build_l4(buf + hlen, l4, s, depth))
			return 0;
		put16(buf + 10, pkt_csum_full(buf, hlen));
		return total;
	}

	/* IPv6: base header, extension headers, fragment header, L4 */
	put32(buf, 6u << 28 | (uint32_t)s->tos << 20 |
		   (s->flow_label & 0xfffff));
	put16(buf + 4, total - IPV6_HLEN);
	buf[7] = ttl;
	memcpy(buf + 8, s->src, 16);
	memcpy(buf + 24, s->dst, 16);
	p = buf + 6;		/* where to write the next "next header" */
	for (i = 0; i < s->nr_ext; i++) {
		uint8_t *ext = buf + IPV6_HLEN + i * EXT_HLEN;

		*p = s->ext_types[i];
		memset(ext, 0, EXT_HLEN);
		/* ext[1] = 0: hdr ext len, in 8-byte units beyond the first 8 */
		if (s->ext_types[i] == NEXTHDR_ROUTING) {
			ext[2] = 0;	/* routing type 0 */
			ext[3] = 0;	/* segments left */
		} else {
			ext[2] = 1;	/* PadN option ... */
			ext[3] = 4;	/* ... covering the other 4 bytes */
		}
		p = ext;
	}
	if (v6_frag_hdr(s)) {
		uint8_t *fh = buf + IPV6_HLEN + s->nr_ext * EXT_HLEN;

		*p = NEXTHDR_FRAG;
		fh[1] = 0;
		put16(fh + 2, s->frag_offset | (s->more_frags ? 1 : 0));
		put32(fh + 4, s->ip_id);
		p = fh;
	}
	*p = s->proto;
	if (!build_l4(buf + hlen, l4, s, depth))
		return 0;
	return total;
}

size_t pkt_build_l3(uint8_t *buf, size_t cap, const struct pkt_spec *s)
{
	return build_l3(buf, cap, s, 0);
}

size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s)
{
	size_t off = 12, l3, len, total;
	int i;

	if (s->nr_vlans < 0 || s->nr_vlans > PKT_MAX_VLANS)
		return 0;
	if (!l3_len(s, 0, &l3))
		return 0;
	len = PKT_ETH_HLEN + 4 * s->nr_vlans + l3;
	total = len < s->pad_to ? s->pad_to : len;
	if (total > cap)
		return 0;

	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	for (i = 0; i < s->nr_vlans; i++) {
		uint16_t tpid = PKT_ETH_P_8021Q;

		if (s->nr_vlans == 2 && i == 0)
			tpid = PKT_ETH_P_8021AD;
		put16(buf + off, tpid);
		put16(buf + off + 2, s->vlan_ids[i]);
		off += 4;
	}
	put16(buf + off, s->family == AF_INET ? PKT_ETH_P_IP : PKT_ETH_P_IPV6);
	off += 2;
	if (build_l3(buf + off, cap - off, s, 0) != l3)
		return 0;
	memset(buf + len, 0xa5, total - len);
	return total;
}

void pkt_set_mac(uint8_t mac[6], const char *str)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(str, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		goto bad;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			goto bad;
		mac[i] = b[i];
	}
	return;
bad:
	fprintf(stderr, "pkt_set_mac: bad MAC address '%s'\n", str);
	abort();
}

void pkt_set_addr(uint8_t addr[16], int family, const char *str)
{
	memset(addr, 0, 16);
	if (inet_pton(family, str, addr) != 1) {
		fprintf(stderr, "pkt_set_addr: bad address '%s'\n", str);
		abort();
	}
}

static void spec_init(struct pkt_spec *s, int family, int proto,
		      const char *src, const char *dst)
{
	memset(s, 0, sizeof(*s));
	pkt_set_mac(s->src_mac, "02:00:00:00:00:01");
	pkt_set_mac(s->dst_mac, "02:00:00:00:00:02");
	s->family = family;
	s->proto = proto;
	pkt_set_addr(s->src, family, src);
	pkt_set_addr(s->dst, family, dst);
	s->ttl = 64;
	s->ip_id = 0x4242;
}

static void spec_l4(struct pkt_spec *s, int family, int proto,
		    const char *src, uint16_t sport, const char *dst,
		    uint16_t dport)
{
	spec_init(s, family, proto, src, dst);
	s->sport = sport;
	s->dport = dport;
	if (proto == IPPROTO_TCP) {
		s->tcp_flags = PKT_TCP_SYN;
		s->seq = 0x01020304;
	}
}

void pkt_spec_tcp4(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport)
{
	spec_l4(s, AF_INET, IPPROTO_TCP, src, sport, dst, dport);
}

void pkt_spec_udp4(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport)
{
	spec_l4(s, AF_INET, IPPROTO_UDP, src, sport, dst, dport);
}

void pkt_spec_tcp6(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport)
{
	spec_l4(s, AF_INET6, IPPROTO_TCP, src, sport, dst, dport);
}

void pkt_spec_udp6(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport)
{
	spec_l4(s, AF_INET6, IPPROTO_UDP, src, sport, dst, dport);
}

void pkt_spec_icmp4_echo(struct pkt_spec *s, const char *src, const char *dst,
			 uint16_t id, uint16_t seq)
{
	spec_init(s, AF_INET, IPPROTO_ICMP, src, dst);
	s->icmp_type = 8;
	s->icmp_rest = (uint32_t)id << 16 | seq;
}

void pkt_spec_icmp6_echo(struct pkt_spec *s, const char *src, const char *dst,
			 uint16_t id, uint16_t seq)
{
	spec_init(s, AF_INET6, IPPROTO_ICMPV6, src, dst);
	s->icmp_type = 128;
	s->icmp_rest = (uint32_t)id << 16 | seq;
}

void pkt_spec_icmp4_frag_needed(struct pkt_spec *s, const char *src,
				const char *dst, uint16_t mtu,
				const struct pkt_spec *inner)
{
	spec_init(s, AF_INET, IPPROTO_ICMP, src, dst);
	s->icmp_type = 3;
	s->icmp_code = 4;
	s->icmp_rest = mtu;
	s->inner = inner;
}

void pkt_spec_icmp6_pkt_too_big(struct pkt_spec *s, const char *src,
				const char *dst, uint32_t mtu,
				const struct pkt_spec *inner)
{
	spec_init(s, AF_INET6, IPPROTO_ICMPV6, src, dst);
	s->icmp_type = 2;
	s->icmp_rest = mtu;
	s->inner = inner;
}
