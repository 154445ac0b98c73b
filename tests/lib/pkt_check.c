// SPDX-License-Identifier: GPL-2.0
/*
 * Test packet parser and checksum verifier: recomputes every checksum of a
 * frame from scratch.  Independent of the data plane, and careful never to
 * read past the end of the frame.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pkt.h"

#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_FRAG	44
#define NEXTHDR_AUTH	51
#define NEXTHDR_DEST	60

/* Checksums */

uint64_t pkt_csum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t pkt_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t pkt_csum_full(const void *data, size_t len)
{
	return ~pkt_csum_fold(pkt_csum_add(0, data, len)) & 0xffff;
}

uint64_t pkt_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			 int proto, size_t l4_len)
{
	uint8_t ph[40];

	memset(ph, 0, sizeof(ph));
	if (family == AF_INET) {
		/* saddr, daddr, zero, protocol, TCP/UDP length (16 bits) */
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = proto;
		ph[10] = (l4_len >> 8) & 0xff;
		ph[11] = l4_len & 0xff;
		return pkt_csum_add(0, ph, 12);
	}
	/* saddr, daddr, upper-layer length (32 bits), 3 zero bytes, next hdr */
	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (l4_len >> 24) & 0xff;
	ph[33] = (l4_len >> 16) & 0xff;
	ph[34] = (l4_len >> 8) & 0xff;
	ph[35] = l4_len & 0xff;
	ph[39] = proto;
	return pkt_csum_add(0, ph, 40);
}

uint16_t pkt_csum_l4(int family, const uint8_t *src, const uint8_t *dst,
		     int proto, const void *l4, size_t l4_len)
{
	uint64_t sum = pkt_csum_pseudo(family, src, dst, proto, l4_len);

	return ~pkt_csum_fold(pkt_csum_add(sum, l4, l4_len)) & 0xffff;
}

/* Parser */

struct ctx {
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * sum: unfolded sum over everything the checksum covers, including the
 * checksum field itself, whose value is field.  Valid when the ones'
 * complement sum is 0xffff (so both representations of zero are accepted,
 * as by any receiver).
 */
static bool csum_ok(uint64_t sum)
{
	return pkt_csum_fold(sum) == 0xffff;
}

static int csum_verify(struct ctx *c, const char *pfx, const char *what,
		       uint64_t sum, uint16_t field, bool is_udp)
{
	uint16_t want;

	if (csum_ok(sum))
		return 0;
	/* The sum with the field as zero, to show what it should be. */
	want = ~pkt_csum_fold(sum - field) & 0xffff;
	if (is_udp && !want)
		want = 0xffff;
	return fail(c, "%s%s checksum bad: 0x%04x, expected 0x%04x",
		    pfx, what, field, want);
}

struct l3 {
	int family;
	uint8_t src[16], dst[16];
	uint8_t ttl, tos;
	int proto;
	size_t hlen;		/* IP header + extension headers, 0 if unknown */
	size_t ip_len;
	bool is_frag, first_frag, has_frag_hdr, hdr_trunc;
	uint16_t id;
};

/*
 * Parses and checks an IP header at p with avail bytes available.  The
 * outer packet must be complete; an embedded one (inner) may be truncated
 * after its base header (then hdr_trunc tells whether the extension
 * headers were cut short).  l is filled as far as parsing got.
 */
static int parse_ip(struct ctx *c, const uint8_t *p, size_t avail,
		    int family, bool inner, struct l3 *l)
{
	const char *pfx = inner ? "embedded " : "";
	size_t off, lim, hl;
	uint16_t frag;
	uint8_t nh;
	uint64_t sum;

	memset(l, 0, sizeof(*l));
	l->family = family;

	if (family == AF_INET) {
		if (avail < 20)
			return fail(c, "%sIPv4 header truncated (%zu bytes)",
				    pfx, avail);
		if (p[0] >> 4 != 4)
			return fail(c, "%sIPv4 header has version %u", pfx,
				    p[0] >> 4);
		l->tos = p[1];
		l->id = rd16(p + 4);
		l->ttl = p[8];
		l->proto = p[9];
		memcpy(l->src, p + 12, 4);
		memcpy(l->dst, p + 16, 4);
		hl = (p[0] & 0xf) * 4;
		if (hl < 20)
			return fail(c, "%sIPv4 IHL %zu bytes < 20", pfx, hl);
		if (hl > avail)
			return fail(c, "%sIPv4 options truncated (IHL %zu, %zu bytes)",
				    pfx, hl, avail);
		sum = pkt_csum_add(0, p, hl);
		if (csum_verify(c, pfx, "IPv4 header", sum, rd16(p + 10), false))
			return -1;
		l->ip_len = rd16(p + 2);
		if (l->ip_len < hl)
			return fail(c, "%sIPv4 total length %zu < IHL %zu", pfx,
				    l->ip_len, hl);
		if (!inner && l->ip_len > avail)
			return fail(c, "IPv4 total length %zu > %zu bytes in the frame",
				    l->ip_len, avail);
		frag = rd16(p + 6);
		l->is_frag = (frag & 0x3fff) != 0;
		l->first_frag = l->is_frag && !(frag & 0x1fff);
		l->hlen = hl;
		return 0;
	}

	if (avail < 40)
		return fail(c, "%sIPv6 header truncated (%zu bytes)", pfx, avail);
	if (p[0] >> 4 != 6)
		return fail(c, "%sIPv6 header has version %u", pfx, p[0] >> 4);
	l->tos = (rd16(p) >> 4) & 0xff;
	l->ttl = p[7];
	memcpy(l->src, p + 8, 16);
	memcpy(l->dst, p + 24, 16);
	l->ip_len = 40 + (size_t)rd16(p + 4);
	if (!inner && l->ip_len > avail)
		return fail(c, "IPv6 payload length %zu > %zu bytes in the frame",
			    l->ip_len - 40, avail - 40);
	lim = l->ip_len < avail ? l->ip_len : avail;

	/* Walk the extension headers, never past lim; each is >= 8 bytes. */
	nh = p[6];
	off = 40;
	for (;;) {
		l->proto = nh;
		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING &&
		    nh != NEXTHDR_DEST && nh != NEXTHDR_AUTH &&
		    nh != NEXTHDR_FRAG)
			break;
		if (lim - off < 8)
			goto trunc;
		if (nh == NEXTHDR_FRAG) {
			frag = rd16(p + off + 2);
			l->has_frag_hdr = true;
			l->id = rd32(p + off + 4) & 0xffff;
			l->is_frag = (frag & 0xfff9) != 0;
			l->first_frag = l->is_frag && !(frag & 0xfff8);
			hl = 8;
		} else if (nh == NEXTHDR_AUTH) {
			hl = ((size_t)p[off + 1] + 2) * 4;
		} else {
			hl = ((size_t)p[off + 1] + 1) * 8;
		}
		if (lim - off < hl)
			goto trunc;
		nh = p[off];
		off += hl;
		if (l->is_frag && !l->first_frag) {
			l->proto = nh;
			break;
		}
	}
	l->hlen = off;
	return 0;
trunc:
	if (inner && lim < l->ip_len) {
		/* An ICMP error may cut the embedded packet anywhere. */
		l->hdr_trunc = true;
		return 0;
	}
	return fail(c, "%sIPv6 extension header %u truncated at offset %zu",
		    pfx, nh, off);
}

static bool is_icmp_error(int proto, uint8_t type)
{
	if (proto == IPPROTO_ICMPV6)
		return type < 128;
	switch (type) {
	case 3:		/* destination unreachable */
	case 4:		/* source quench */
	case 5:		/* redirect */
	case 11:	/* time exceeded */
	case 12:	/* parameter problem */
		return true;
	default:
		return false;
	}
}

/* Validity of a complete embedded L4 segment's checksum. */
static bool inner_l4_ok(const struct l3 *l, const uint8_t *l4, size_t len)
{
	uint64_t sum;

	switch (l->proto) {
	case IPPROTO_TCP:
		if (len < 20)
			return false;
		break;
	case IPPROTO_UDP:
		if (len < 8 || rd16(l4 + 4) != len)
			return false;
		if (!rd16(l4 + 6))
			return l->family == AF_INET;
		break;
	case IPPROTO_ICMP:
		return len >= 8 && csum_ok(pkt_csum_add(0, l4, len));
	case IPPROTO_ICMPV6:
		if (len < 8)
			return false;
		break;
	default:
		return false;
	}
	sum = pkt_csum_pseudo(l->family, l->src, l->dst, l->proto, len);
	return csum_ok(pkt_csum_add(sum, l4, len));
}

static int check_inner(struct ctx *c, const uint8_t *p, size_t avail,
		       int family, struct pkt_info *info)
{
	const uint8_t *l4;
	struct l3 l;
	size_t have;

	if (parse_ip(c, p, avail, family, true, &l))
		return -1;
	info->has_inner = true;
	info->inner_proto = l.proto;
	memcpy(info->inner_src, l.src, 16);
	memcpy(info->inner_dst, l.dst, 16);
	if (l.hdr_trunc || (l.is_frag && !l.first_frag))
		return 0;
	/* l.hlen <= avail: checked by parse_ip() */
	l4 = p + l.hlen;
	have = avail - l.hlen;
	if ((l.proto == IPPROTO_TCP || l.proto == IPPROTO_UDP) && have >= 4) {
		info->inner_sport = rd16(l4);
		info->inner_dport = rd16(l4 + 2);
		info->inner_has_ports = true;
	}
	info->inner_complete = l.ip_len <= avail;
	if (info->inner_complete)
		info->inner_l4_csum_ok = inner_l4_ok(&l, l4, l.ip_len - l.hlen);
	return 0;
}

static int check_l4(struct ctx *c, const struct l3 *l, const uint8_t *l4,
		    size_t len, struct pkt_info *info)
{
	uint64_t sum;
	uint16_t field;

	switch (l->proto) {
	case IPPROTO_TCP:
		if (len < 20)
			return fail(c, "TCP header truncated (%zu bytes)", len);
		info->sport = rd16(l4);
		info->dport = rd16(l4 + 2);
		info->seq = rd32(l4 + 4);
		info->ack = rd32(l4 + 8);
		info->tcp_flags = l4[13];
		if ((size_t)(l4[12] >> 4) * 4 < 20 ||
		    (size_t)(l4[12] >> 4) * 4 > len)
			return fail(c, "TCP data offset %u bytes invalid (segment %zu bytes)",
				    (l4[12] >> 4) * 4, len);
		sum = pkt_csum_pseudo(l->family, l->src, l->dst, IPPROTO_TCP, len);
		sum = pkt_csum_add(sum, l4, len);
		return csum_verify(c, "", "TCP", sum, rd16(l4 + 16), false);
	case IPPROTO_UDP:
		if (len < 8)
			return fail(c, "UDP header truncated (%zu bytes)", len);
		info->sport = rd16(l4);
		info->dport = rd16(l4 + 2);
		if (rd16(l4 + 4) != len)
			return fail(c, "UDP length %u != %zu bytes given by the IP header",
				    rd16(l4 + 4), len);
		field = rd16(l4 + 6);
		if (!field) {
			if (l->family == AF_INET6)
				return fail(c, "UDP checksum 0 is invalid over IPv6");
			info->l4_csum_none = true;
			return 0;
		}
		sum = pkt_csum_pseudo(l->family, l->src, l->dst, IPPROTO_UDP, len);
		sum = pkt_csum_add(sum, l4, len);
		return csum_verify(c, "", "UDP", sum, field, true);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < 8)
			return fail(c, "ICMP header truncated (%zu bytes)", len);
		info->icmp_type = l4[0];
		info->icmp_code = l4[1];
		info->icmp_rest = rd32(l4 + 4);
		if (l->proto == IPPROTO_ICMP)
			sum = 0;
		else
			sum = pkt_csum_pseudo(l->family, l->src, l->dst,
					      IPPROTO_ICMPV6, len);
		sum = pkt_csum_add(sum, l4, len);
		if (csum_verify(c, "", l->proto == IPPROTO_ICMP ? "ICMP" : "ICMPv6",
				sum, rd16(l4 + 2), false))
			return -1;
		if (!is_icmp_error(l->proto, l4[0]))
			return 0;
		return check_inner(c, l4 + 8, len - 8,
				   l->proto == IPPROTO_ICMP ? AF_INET : AF_INET6,
				   info);
	default:
		return 0;
	}
}

int pkt_check(const uint8_t *frame, size_t len, struct pkt_info *info,
	      char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	struct pkt_info dummy;
	uint16_t etype;
	size_t off;
	struct l3 l;
	int family, ret;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (err && errlen)
		err[0] = '\0';

	if (len < 14)
		return fail(&c, "frame truncated in the Ethernet header (%zu bytes)",
			    len);
	memcpy(info->dst_mac, frame, 6);
	memcpy(info->src_mac, frame + 6, 6);
	etype = rd16(frame + 12);
	off = 14;
	while (etype == PKT_ETH_P_8021Q || etype == PKT_ETH_P_8021AD) {
		if (info->nr_vlans == PKT_MAX_VLANS)
			return fail(&c, "more than %d VLAN tags", PKT_MAX_VLANS);
		if (len - off < 4)
			return fail(&c, "frame truncated in VLAN tag %d",
				    info->nr_vlans + 1);
		info->vlan_tpid[info->nr_vlans] = etype;
		info->vlan_tci[info->nr_vlans] = rd16(frame + off);
		info->vlan_ids[info->nr_vlans] = rd16(frame + off) & 0xfff;
		info->nr_vlans++;
		etype = rd16(frame + off + 2);
		off += 4;
	}
	if (etype == PKT_ETH_P_IP)
		family = AF_INET;
	else if (etype == PKT_ETH_P_IPV6)
		family = AF_INET6;
	else
		return fail(&c, "unsupported ethertype 0x%04x", etype);

	info->family = family;
	info->l3_off = off;
	ret = parse_ip(&c, frame + off, len - off, family, false, &l);
	memcpy(info->src, l.src, 16);
	memcpy(info->dst, l.dst, 16);
	info->ttl = l.ttl;
	info->tos = l.tos;
	info->proto = l.proto;
	info->ip_id = l.id;
	info->ip_len = l.ip_len;
	info->is_frag = l.is_frag;
	info->first_frag = l.first_frag;
	info->has_frag_hdr = l.has_frag_hdr;
	if (ret)
		return -1;
	if (l.is_frag && !l.first_frag)
		return 0;	/* no L4 header in a non-first fragment */
	info->l4_off = off + l.hlen;
	info->l4_len = l.ip_len - l.hlen;
	return check_l4(&c, &l, frame + info->l4_off, info->l4_len, info);
}

/* Dumps */

void pkt_hexdump(const char *title, const uint8_t *buf, size_t len)
{
	size_t off, i;

	fprintf(stderr, "%s (%zu bytes):\n", title ? title : "packet", len);
	for (off = 0; off < len; off += 16) {
		fprintf(stderr, "  %04zx:", off);
		for (i = off; i < off + 16; i++) {
			if (i < len)
				fprintf(stderr, " %02x", buf[i]);
			else
				fprintf(stderr, "   ");
		}
		fprintf(stderr, "  |");
		for (i = off; i < off + 16 && i < len; i++)
			fputc(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.',
			      stderr);
		fprintf(stderr, "|\n");
	}
}

/* Name of the field at offset off, from the parse of the expected frame. */
static const char *field_name(const struct pkt_info *in, size_t off)
{
	static const char *const v4[20] = {
		"IPv4 ver/ihl", "IPv4 tos", "IPv4 tot_len", "IPv4 tot_len",
		"IPv4 id", "IPv4 id", "IPv4 frag", "IPv4 frag", "IPv4 ttl",
		"IPv4 proto", "IPv4 csum", "IPv4 csum", "IPv4 saddr",
		"IPv4 saddr", "IPv4 saddr", "IPv4 saddr", "IPv4 daddr",
		"IPv4 daddr", "IPv4 daddr", "IPv4 daddr",
	};
	static const char *const tcp[20] = {
		"TCP sport", "TCP sport", "TCP dport", "TCP dport", "TCP seq",
		"TCP seq", "TCP seq", "TCP seq", "TCP ack", "TCP ack",
		"TCP ack", "TCP ack", "TCP doff", "TCP flags", "TCP window",
		"TCP window", "TCP csum", "TCP csum", "TCP urg", "TCP urg",
	};
	static const char *const udp[8] = {
		"UDP sport", "UDP sport", "UDP dport", "UDP dport", "UDP len",
		"UDP len", "UDP csum", "UDP csum",
	};
	static const char *const icmp[8] = {
		"ICMP type", "ICMP code", "ICMP csum", "ICMP csum", "ICMP rest",
		"ICMP rest", "ICMP rest", "ICMP rest",
	};
	size_t r;

	if (off < 6)
		return "dst MAC";
	if (off < 12)
		return "src MAC";
	if (!in->l3_off || off < in->l3_off)
		return "VLAN/ethertype";
	r = off - in->l3_off;
	if (in->ip_len && r >= in->ip_len)
		return "padding";
	if (in->family == AF_INET && r < 20)
		return v4[r];
	if (in->family == AF_INET6 && r < 40) {
		if (r < 4)
			return "IPv6 ver/tc/flow";
		if (r < 6)
			return "IPv6 payload_len";
		if (r < 8)
			return r == 6 ? "IPv6 nexthdr" : "IPv6 hop_limit";
		return r < 24 ? "IPv6 saddr" : "IPv6 daddr";
	}
	if (!in->l4_off || off < in->l4_off)
		return in->family == AF_INET ? "IPv4 options/payload" :
					       "IPv6 ext hdrs/payload";
	r = off - in->l4_off;
	switch (in->proto) {
	case IPPROTO_TCP:
		return r < 20 ? tcp[r] : "TCP options/payload";
	case IPPROTO_UDP:
		return r < 8 ? udp[r] : "UDP payload";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return r < 8 ? icmp[r] : "ICMP body";
	default:
		return "L4";
	}
}

void pkt_diff(const uint8_t *want, size_t wlen, const uint8_t *got, size_t glen)
{
	size_t max = wlen > glen ? wlen : glen, row, i, ndiff = 0;
	struct pkt_info in;

	pkt_check(want, wlen, &in, NULL, 0);
	fprintf(stderr, "packet diff: want %zu bytes, got %zu bytes\n", wlen, glen);
	for (row = 0; row < max; row += 16) {
		const char *last = NULL;
		bool differs = false;

		for (i = row; i < row + 16 && i < max; i++)
			if (i >= wlen || i >= glen || want[i] != got[i])
				differs = true;
		if (!differs)
			continue;
		fprintf(stderr, "  %04zx want:", row);
		for (i = row; i < row + 16 && i < max; i++) {
			if (i < wlen)
				fprintf(stderr, " %02x", want[i]);
			else
				fprintf(stderr, " --");
		}
		fprintf(stderr, "\n        got:");
		for (i = row; i < row + 16 && i < max; i++) {
			if (i < glen)
				fprintf(stderr, " %02x", got[i]);
			else
				fprintf(stderr, " --");
		}
		fprintf(stderr, "\n            ");
		for (i = row; i < row + 16 && i < max; i++) {
			bool d = i >= wlen || i >= glen || want[i] != got[i];

			fprintf(stderr, d ? " ^^" : "   ");
		}
		fprintf(stderr, "\n            ");
		for (i = row; i < row + 16 && i < max; i++) {
			const char *name;

			if (i < wlen && i < glen && want[i] == got[i])
				continue;
			ndiff++;
			name = field_name(&in, i);
			if (name != last)
				fprintf(stderr, " [%s]", name);
			last = name;
		}
		fprintf(stderr, "\n");
	}
	if (!ndiff)
		fprintf(stderr, "  (identical)\n");
	else
		fprintf(stderr, "  %zu byte(s) differ\n", ndiff);
}
