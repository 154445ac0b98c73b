// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the test packet library (tests/lib/pkt*.c): the builder, the
 * independent checksum verifier, and both against known-good packets, some
 * of them captured from the Linux kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/pkt.h"

#define BUF_SIZE 2048

/* Helpers */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Hex string (whitespace ignored) to bytes; returns the length. */
static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	unsigned int b;

	while (*hex) {
		if (*hex == ' ' || *hex == '\n') {
			hex++;
			continue;
		}
		assert_true(n < cap);
		assert_int_equal(sscanf(hex, "%2x", &b), 1);
		out[n++] = b;
		hex += 2;
	}
	return n;
}

/* Prepends an Ethernet header to an L3 packet. */
static size_t eth_wrap(uint8_t *frame, const uint8_t *l3, size_t l3len,
		       int family)
{
	pkt_set_mac(frame, "02:00:00:00:00:02");
	pkt_set_mac(frame + 6, "02:00:00:00:00:01");
	wr16(frame + 12, family == AF_INET ? 0x0800 : 0x86dd);
	memcpy(frame + 14, l3, l3len);
	return 14 + l3len;
}

static size_t build(uint8_t *buf, const struct pkt_spec *s)
{
	size_t len = pkt_build(buf, BUF_SIZE, s);

	if (!len)
		fail_msg("pkt_build failed");
	return len;
}

static void check_ok(const uint8_t *buf, size_t len, struct pkt_info *info)
{
	char err[256];

	if (pkt_check(buf, len, info, err, sizeof(err))) {
		pkt_hexdump("frame", buf, len);
		fail_msg("pkt_check: %s", err);
	}
}

/* pkt_check must fail with a reason containing what. */
static void check_fails(const uint8_t *buf, size_t len, const char *what)
{
	char err[256] = "";

	if (!pkt_check(buf, len, NULL, err, sizeof(err))) {
		pkt_hexdump("frame", buf, len);
		fail_msg("pkt_check passed, expected '%s'", what);
	}
	if (!strstr(err, what))
		fail_msg("pkt_check: '%s', expected '%s'", err, what);
}

/*
 * pkt_check on a copy of buf placed right before an inaccessible page, so
 * that any read past len faults even without sanitizers.
 */
static int check_guarded(const uint8_t *buf, size_t len, struct pkt_info *info,
			 char *err, size_t errlen)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	size_t data = (len + pg - 1) / pg * pg + pg;
	uint8_t *area, *p;
	int ret;

	area = mmap(NULL, data + pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	assert_int_equal(mprotect(area + data, pg, PROT_NONE), 0);
	p = area + data - len;
	memcpy(p, buf, len);
	ret = pkt_check(p, len, info, err, errlen);
	munmap(area, data + pg);
	return ret;
}

/* Every strict prefix of the IP packet must be rejected, in bounds. */
static void check_truncations(const uint8_t *buf, size_t len)
{
	struct pkt_info info;
	char err[256];
	size_t end, n;

	check_ok(buf, len, &info);
	end = info.l3_off + info.ip_len;
	assert_true(end <= len);
	for (n = 0; n < end; n++) {
		err[0] = '\0';
		if (check_guarded(buf, n, &info, err, sizeof(err)) != -1)
			fail_msg("truncated to %zu of %zu bytes: accepted", n, len);
		assert_true(err[0] != '\0');
	}
	/* and any prefix that keeps the whole IP packet is fine */
	for (n = end; n <= len; n++)
		assert_int_equal(check_guarded(buf, n, NULL, err, sizeof(err)), 0);
}

/*
 * Flipping the low bit of any byte covered by a checksum or a length must be
 * caught.  Not covered: IPv6 version/class/flow label, next header and hop
 * limit, extension header contents, and non-first fragment payloads.
 */
static void check_flips(const uint8_t *buf, size_t len)
{
	uint8_t copy[BUF_SIZE];
	struct pkt_info info;
	size_t i, end, ip_end;

	check_ok(buf, len, &info);
	ip_end = info.l3_off + info.ip_len;
	end = ip_end;
	if (info.is_frag && !info.first_frag) {
		/* only the IPv4 header checksum covers anything */
		if (info.family == AF_INET)
			end = info.l3_off + (size_t)(buf[info.l3_off] & 0xf) * 4;
		else
			end = info.l3_off;
	}
	for (i = info.l3_off; i < end; i++) {
		size_t r = i - info.l3_off;

		if (info.family == AF_INET6 &&
		    (r < 4 || r == 6 || r == 7 ||
		     (r >= 40 && info.l4_off && i < info.l4_off)))
			continue;
		memcpy(copy, buf, len);
		copy[i] ^= 0x01;
		if (!pkt_check(copy, len, NULL, NULL, 0)) {
			pkt_hexdump("frame", copy, len);
			fail_msg("flipped byte %zu was not detected", i);
		}
	}
	/* Ethernet padding and MACs are not covered. */
	for (i = ip_end; i < len; i++) {
		memcpy(copy, buf, len);
		copy[i] ^= 0xff;
		check_ok(copy, len, NULL);
	}
	memcpy(copy, buf, len);
	copy[0] ^= 0x01;
	copy[11] ^= 0x80;
	check_ok(copy, len, NULL);
}

/* Recomputes the outer ICMP/ICMPv6 checksum after an edit of the body. */
static void fix_icmp_csum(uint8_t *buf, const struct pkt_info *info)
{
	uint8_t *l4 = buf + info->l4_off;

	wr16(l4 + 2, 0);
	if (info->proto == IPPROTO_ICMP)
		wr16(l4 + 2, pkt_csum_full(l4, info->l4_len));
	else
		wr16(l4 + 2, pkt_csum_l4(AF_INET6, info->src, info->dst,
					 IPPROTO_ICMPV6, l4, info->l4_len));
}

static void fix_ip4_csum(uint8_t *buf, const struct pkt_info *info)
{
	uint8_t *ip = buf + info->l3_off;
	size_t ihl = (ip[0] & 0xf) * 4;

	wr16(ip + 10, 0);
	wr16(ip + 10, pkt_csum_full(ip, ihl));
}

/* Checksum routines against hand-checkable vectors */

static void test_csum_vectors(void **state)
{
	/* RFC 1071 section 3: sum 0xddf2, checksum 0x220d */
	static const uint8_t rfc[9] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x08,
	};
	/* the classic example IPv4 header, checksum 0xb861 */
	static const uint8_t ip[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t ipz[20], a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	uint8_t a6[16] = { 0xfd }, b6[16] = { 0xfd };

	assert_int_equal(pkt_csum_fold(pkt_csum_add(0, rfc, 8)), 0xddf2);
	assert_int_equal(pkt_csum_full(rfc, 8), 0x220d);
	/* odd length: the last byte is the high byte of a word */
	assert_int_equal(pkt_csum_add(0, rfc + 8, 1), 0x0800);
	assert_int_equal(pkt_csum_full(rfc, 9), 0x1a0d);
	/* chunked sums (even chunks) equal one sum */
	assert_int_equal(pkt_csum_add(pkt_csum_add(0, rfc, 4), rfc + 4, 5),
			 pkt_csum_add(0, rfc, 9));
	assert_int_equal(pkt_csum_full(rfc, 0), 0xffff);

	/* folding, including multiple carries */
	assert_int_equal(pkt_csum_fold(0x1ffff), 0x0001);
	assert_int_equal(pkt_csum_fold(0x2fffd), 0xffff);
	assert_int_equal(pkt_csum_fold(0xffffffffffffULL), 0xffff);
	assert_int_equal(pkt_csum_fold(0x12345678ULL), 0x68ac);
	assert_int_equal(pkt_csum_fold(0), 0);

	memcpy(ipz, ip, 20);
	ipz[10] = ipz[11] = 0;
	assert_int_equal(pkt_csum_full(ipz, 20), 0xb861);
	assert_int_equal(pkt_csum_full(ip, 20), 0);
	assert_int_equal(pkt_csum_fold(pkt_csum_add(0, ip, 20)), 0xffff);

	/* pseudo-headers, summed by hand */
	assert_int_equal(pkt_csum_pseudo(AF_INET, a, b, 17, 23),
			 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 23);
	a6[15] = 1;
	b6[15] = 2;
	assert_int_equal(pkt_csum_pseudo(AF_INET6, a6, b6, 6, 0x12345),
			 0xfd00 + 0x0001 + 0xfd00 + 0x0002 + 0x0001 + 0x2345 + 6);
}

/*
 * Packets captured from Linux 6.18 (tun device, no checksum offload, so the
 * kernel computed every checksum in software): UDP and TCP SYN (with
 * options) over IPv4 and IPv6, and the kernel's own ICMP / ICMPv6 port
 * unreachable errors quoting a UDP datagram.
 */
static const char *const kern_udp4 =
	"4500002b1e9b4000401108250a0000010a0000029c4000350017d5d368656c6c6f2c"
	"207864702d6c622121";
static const char *const kern_udp6 =
	"6004267b00131140fd000000000000000000000000000001fd000000000000000000"
	"0000000000029c4114e90013c3e46f6464207061796c6f6164";
static const char *const kern_tcp4 =
	"4500003c2a8540004006fc340a0000010a0000029c420050515af10e00000000a002"
	"faf0e6780000020405b40402080a39793a1c000000000103030a";
static const char *const kern_tcp6 =
	"6009eee900280640fd000000000000000000000000000001fd000000000000000000"
	"0000000000029c4301bb646bcaa700000000a002fd20fc310000020405a00402080a"
	"2319648f000000000103030a";
static const char *const kern_icmp4 =
	"45c000411d300000400148ca0a0000010a00000203035911000000004500002512340"
	"000401154920a0000020a0000018235270f00110000616263646566676869";
static const char *const kern_icmp6 =
	"60080d8c00413a40fd000000000000000000000000000001fd000000000000000000"
	"0000000000020104934c000000006000000000111140fd0000000000000000000000"
	"00000002fd0000000000000000000000000000018236270e001161ed616263646566"
	"676869";

static const uint8_t tcp4_opts[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x39, 0x79,
	0x3a, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
static const uint8_t tcp6_opts[20] = {
	0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x23, 0x19,
	0x64, 0x8f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* The kernel's L4 checksum equals ours computed from scratch. */
static void assert_kernel_l4_csum(const uint8_t *frame, const struct pkt_info *in,
				  size_t csum_off)
{
	uint8_t l4[BUF_SIZE];
	uint16_t want = rd16(frame + in->l4_off + csum_off), got;

	memcpy(l4, frame + in->l4_off, in->l4_len);
	wr16(l4 + csum_off, 0);
	if (in->proto == IPPROTO_ICMP)
		got = pkt_csum_full(l4, in->l4_len);
	else
		got = pkt_csum_l4(in->family, in->src, in->dst, in->proto, l4,
				  in->l4_len);
	assert_int_equal(got, want);
}

/* The builder reproduces a kernel packet byte for byte. */
static void assert_builds(const struct pkt_spec *s, const uint8_t *l3, size_t len)
{
	uint8_t buf[BUF_SIZE];
	size_t n = pkt_build_l3(buf, sizeof(buf), s);

	if (n != len || memcmp(buf, l3, len)) {
		pkt_diff(l3, len, buf, n);
		fail_msg("builder output differs from the kernel's packet");
	}
}

static void test_kernel_udp_tcp(void **state)
{
	uint8_t l3[BUF_SIZE], frame[BUF_SIZE], ip[20];
	struct pkt_info in;
	struct pkt_spec s;
	size_t n, len;

	/* UDP over IPv4, odd payload */
	n = unhex(l3, sizeof(l3), kern_udp4);
	len = eth_wrap(frame, l3, n, AF_INET);
	check_ok(frame, len, &in);
	assert_int_equal(in.family, AF_INET);
	assert_int_equal(in.proto, IPPROTO_UDP);
	assert_int_equal(in.sport, 40000);
	assert_int_equal(in.dport, 53);
	assert_int_equal(in.l4_len, 8 + 15);
	assert_false(in.l4_csum_none);
	assert_kernel_l4_csum(frame, &in, 6);
	memcpy(ip, l3, 20);
	wr16(ip + 10, 0);
	assert_int_equal(pkt_csum_full(ip, 20), rd16(l3 + 10));
	check_truncations(frame, len);
	pkt_spec_udp4(&s, "10.0.0.1", 40000, "10.0.0.2", 53);
	s.ip_id = 0x1e9b;
	s.dont_frag = true;
	s.payload_data = "hello, xdp-lb!!";
	s.payload_len = 15;
	assert_builds(&s, l3, n);

	/* UDP over IPv6, odd payload */
	n = unhex(l3, sizeof(l3), kern_udp6);
	len = eth_wrap(frame, l3, n, AF_INET6);
	check_ok(frame, len, &in);
	assert_int_equal(in.family, AF_INET6);
	assert_int_equal(in.sport, 40001);
	assert_int_equal(in.dport, 5353);
	assert_kernel_l4_csum(frame, &in, 6);
	check_truncations(frame, len);
	pkt_spec_udp6(&s, "fd00::1", 40001, "fd00::2", 5353);
	s.flow_label = 0x4267b;
	s.payload_data = "odd payload";
	s.payload_len = 11;
	assert_builds(&s, l3, n);

	/* TCP SYN with options over IPv4 */
	n = unhex(l3, sizeof(l3), kern_tcp4);
	len = eth_wrap(frame, l3, n, AF_INET);
	check_ok(frame, len, &in);
	assert_int_equal(in.proto, IPPROTO_TCP);
	assert_int_equal(in.sport, 40002);
	assert_int_equal(in.dport, 80);
	assert_int_equal(in.tcp_flags, PKT_TCP_SYN);
	assert_int_equal(in.seq, 0x515af10e);
	assert_kernel_l4_csum(frame, &in, 16);
	check_truncations(frame, len);
	pkt_spec_tcp4(&s, "10.0.0.1", 40002, "10.0.0.2", 80);
	s.ip_id = 0x2a85;
	s.dont_frag = true;
	s.seq = 0x515af10e;
	s.tcp_window = 0xfaf0;
	memcpy(s.tcp_opts, tcp4_opts, 20);
	s.tcp_opts_len = 20;
	assert_builds(&s, l3, n);

	/* TCP SYN with options over IPv6 */
	n = unhex(l3, sizeof(l3), kern_tcp6);
	len = eth_wrap(frame, l3, n, AF_INET6);
	check_ok(frame, len, &in);
	assert_int_equal(in.sport, 40003);
	assert_int_equal(in.dport, 443);
	assert_kernel_l4_csum(frame, &in, 16);
	check_truncations(frame, len);
	pkt_spec_tcp6(&s, "fd00::1", 40003, "fd00::2", 443);
	s.flow_label = 0x9eee9;
	s.seq = 0x646bcaa7;
	s.tcp_window = 0xfd20;
	memcpy(s.tcp_opts, tcp6_opts, 20);
	s.tcp_opts_len = 20;
	assert_builds(&s, l3, n);
}

static void test_kernel_icmp_errors(void **state)
{
	uint8_t l3[BUF_SIZE], frame[BUF_SIZE];
	struct pkt_spec s, inner;
	struct pkt_info in;
	size_t n, len;

	/* ICMP port unreachable quoting a UDP datagram with checksum 0 */
	n = unhex(l3, sizeof(l3), kern_icmp4);
	len = eth_wrap(frame, l3, n, AF_INET);
	check_ok(frame, len, &in);
	assert_int_equal(in.proto, IPPROTO_ICMP);
	assert_int_equal(in.icmp_type, 3);
	assert_int_equal(in.icmp_code, 3);
	assert_int_equal(in.tos, 0xc0);
	assert_int_equal(in.ip_id, 0x1d30);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, IPPROTO_UDP);
	assert_memory_equal(in.inner_src, ((uint8_t[]){ 10, 0, 0, 2 }), 4);
	assert_memory_equal(in.inner_dst, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_true(in.inner_has_ports);
	assert_int_equal(in.inner_sport, 33333);
	assert_int_equal(in.inner_dport, 9999);
	assert_true(in.inner_complete);
	assert_true(in.inner_l4_csum_ok);
	assert_kernel_l4_csum(frame, &in, 2);
	check_truncations(frame, len);
	pkt_spec_udp4(&inner, "10.0.0.2", 33333, "10.0.0.1", 9999);
	inner.ip_id = 0x1234;
	inner.udp_zero_csum = true;
	inner.payload_data = "abcdefghi";
	inner.payload_len = 9;
	pkt_spec_icmp4_echo(&s, "10.0.0.1", "10.0.0.2", 0, 0);
	s.icmp_type = 3;
	s.icmp_code = 3;
	s.tos = 0xc0;
	s.ip_id = 0x1d30;
	s.inner = &inner;
	assert_builds(&s, l3, n);

	/* ICMPv6 port unreachable quoting a UDP datagram */
	n = unhex(l3, sizeof(l3), kern_icmp6);
	len = eth_wrap(frame, l3, n, AF_INET6);
	check_ok(frame, len, &in);
	assert_int_equal(in.proto, IPPROTO_ICMPV6);
	assert_int_equal(in.icmp_type, 1);
	assert_int_equal(in.icmp_code, 4);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, IPPROTO_UDP);
	assert_int_equal(in.inner_sport, 33334);
	assert_int_equal(in.inner_dport, 9998);
	assert_true(in.inner_complete);
	assert_true(in.inner_l4_csum_ok);
	assert_kernel_l4_csum(frame, &in, 2);
	check_truncations(frame, len);
	pkt_spec_udp6(&inner, "fd00::2", 33334, "fd00::1", 9998);
	inner.payload_data = "abcdefghi";
	inner.payload_len = 9;
	pkt_spec_icmp6_echo(&s, "fd00::1", "fd00::2", 0, 0);
	s.icmp_type = 1;
	s.icmp_code = 4;
	s.flow_label = 0x80d8c;
	s.inner = &inner;
	assert_builds(&s, l3, n);
}

/* Round trips */

static void roundtrip(struct pkt_spec *s, size_t l3_off, size_t l4_hlen)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	size_t len, i, pay;

	len = build(buf, s);
	check_ok(buf, len, &in);
	assert_memory_equal(in.src_mac, s->src_mac, 6);
	assert_memory_equal(in.dst_mac, s->dst_mac, 6);
	assert_int_equal(in.family, s->family);
	assert_memory_equal(in.src, s->src, 16);
	assert_memory_equal(in.dst, s->dst, 16);
	assert_int_equal(in.proto, s->proto);
	assert_int_equal(in.sport, s->sport);
	assert_int_equal(in.dport, s->dport);
	assert_int_equal(in.ttl, 64);
	assert_false(in.is_frag);
	assert_false(in.first_frag);
	assert_int_equal(in.l3_off, l3_off);
	assert_int_equal(in.l4_len, l4_hlen + s->payload_len);
	assert_int_equal(in.l4_off + in.l4_len, len);
	assert_int_equal(in.l3_off + in.ip_len, len);
	pay = in.l4_off + l4_hlen;
	for (i = 0; i < s->payload_len; i++)
		assert_int_equal(buf[pay + i], (uint8_t)(s->payload_seed + 7 * i));
	if (s->proto == IPPROTO_TCP) {
		assert_int_equal(in.tcp_flags, s->tcp_flags);
		assert_int_equal(in.seq, s->seq);
		assert_int_equal(in.ack, s->ack);
	}
	check_flips(buf, len);
	check_truncations(buf, len);
}

static void test_roundtrip(void **state)
{
	static const size_t lens[] = { 0, 1, 2, 7, 8, 100, 1001 };
	struct pkt_spec s;
	size_t i;
	int v6, udp;

	for (v6 = 0; v6 < 2; v6++) {
		for (udp = 0; udp < 2; udp++) {
			for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
				if (v6 && udp)
					pkt_spec_udp6(&s, "2001:db8::1", 1234,
						      "2001:db8:1::80", 80);
				else if (v6)
					pkt_spec_tcp6(&s, "2001:db8::1", 1234,
						      "2001:db8:1::80", 80);
				else if (udp)
					pkt_spec_udp4(&s, "192.0.2.1", 1234,
						      "198.51.100.7", 53);
				else
					pkt_spec_tcp4(&s, "192.0.2.1", 1234,
						      "198.51.100.7", 443);
				s.payload_len = lens[i];
				s.payload_seed = 0x30 + i;
				s.ack = 0xa0b0c0d0;
				s.tcp_flags = PKT_TCP_ACK | PKT_TCP_PSH;
				roundtrip(&s, 14, udp ? 8 : 20);
			}
		}
	}
}

static void test_icmp_echo(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_icmp4_echo(&s, "192.0.2.1", "192.0.2.2", 0x1234, 7);
	s.payload_len = 57;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_int_equal(in.proto, IPPROTO_ICMP);
	assert_int_equal(in.icmp_type, 8);
	assert_int_equal(in.icmp_rest, 0x12340007);
	assert_false(in.has_inner);
	assert_int_equal(in.l4_len, 8 + 57);
	check_flips(buf, len);
	check_truncations(buf, len);
	buf[len - 1] ^= 0x10;
	check_fails(buf, len, "ICMP checksum");

	pkt_spec_icmp6_echo(&s, "2001:db8::1", "2001:db8::2", 0x1234, 7);
	s.payload_len = 56;
	s.tos = 0xb8;
	s.flow_label = 0x12345;
	s.ttl = 3;
	len = build(buf, &s);
	assert_memory_equal(buf + 14, ((uint8_t[]){ 0x6b, 0x81, 0x23, 0x45 }), 4);
	check_ok(buf, len, &in);
	assert_int_equal(in.tos, 0xb8);
	assert_int_equal(in.ttl, 3);
	assert_int_equal(in.proto, IPPROTO_ICMPV6);
	assert_int_equal(in.icmp_type, 128);
	assert_false(in.has_inner);
	check_flips(buf, len);
	check_truncations(buf, len);
	/* the ICMPv6 pseudo-header covers the addresses */
	buf[14 + 8 + 3] ^= 0x01;
	check_fails(buf, len, "ICMPv6 checksum");
}

/* Other protocols: payload only, no L4 checksum to verify. */
static void test_other_proto(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_udp4(&s, "192.0.2.1", 0, "192.0.2.2", 0);
	s.proto = 47;	/* GRE */
	s.payload_len = 11;
	len = build(buf, &s);
	assert_int_equal(len, 14 + 20 + 11);
	check_ok(buf, len, &in);
	assert_int_equal(in.proto, 47);
	assert_int_equal(in.sport, 0);
	buf[len - 1] ^= 1;
	check_ok(buf, len, &in);
	check_truncations(buf, len);
}

static void test_ipv4_options(void **state)
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
	memcpy(s.ip_opts, ra, 4);
	s.ip_opts_len = 4;
	s.payload_len = 9;
	len = build(buf, &s);
	assert_int_equal(buf[14], 0x46);
	assert_memory_equal(buf + 34, ra, 4);
	check_ok(buf, len, &in);
	assert_int_equal(in.l4_off, 14 + 24);
	assert_int_equal(in.sport, 1000);
	roundtrip(&s, 14, 20);

	/* 40 bytes of options: NOPs and an EOL */
	memset(s.ip_opts, 1, 40);
	s.ip_opts[39] = 0;
	s.ip_opts_len = 40;
	s.proto = IPPROTO_UDP;
	len = build(buf, &s);
	assert_int_equal(buf[14], 0x4f);
	check_ok(buf, len, &in);
	assert_int_equal(in.l4_off, 14 + 60);
	roundtrip(&s, 14, 8);
	/* the header checksum covers the whole IHL */
	buf[14 + 59] ^= 0x01;
	check_fails(buf, len, "IPv4 header checksum");
	buf[14 + 59] ^= 0x01;
	buf[14] = 0x44;		/* IHL 16 bytes */
	check_fails(buf, len, "IHL");
}

static void test_vlans(void **state)
{
	uint8_t buf[BUF_SIZE], three[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
	s.nr_vlans = 1;
	s.vlan_ids[0] = 100;
	s.payload_len = 5;
	len = build(buf, &s);
	assert_memory_equal(buf + 12, ((uint8_t[]){ 0x81, 0x00, 0x00, 100, 0x08, 0x00 }), 6);
	check_ok(buf, len, &in);
	assert_int_equal(in.nr_vlans, 1);
	assert_int_equal(in.vlan_ids[0], 100);
	assert_int_equal(in.vlan_tpid[0], 0x8100);
	assert_int_equal(in.l3_off, 18);
	roundtrip(&s, 18, 20);

	pkt_spec_udp6(&s, "2001:db8::1", 1000, "2001:db8::2", 53);
	s.nr_vlans = 2;
	s.vlan_ids[0] = 0xa00a;	/* PCP 5, VID 10 */
	s.vlan_ids[1] = 20;
	s.payload_len = 3;
	len = build(buf, &s);
	assert_memory_equal(buf + 12, ((uint8_t[]){ 0x88, 0xa8, 0xa0, 0x0a,
						    0x81, 0x00, 0x00, 20,
						    0x86, 0xdd }), 10);
	check_ok(buf, len, &in);
	assert_int_equal(in.nr_vlans, 2);
	assert_int_equal(in.vlan_tpid[0], 0x88a8);
	assert_int_equal(in.vlan_tpid[1], 0x8100);
	assert_int_equal(in.vlan_ids[0], 10);
	assert_int_equal(in.vlan_tci[0], 0xa00a);
	assert_int_equal(in.vlan_ids[1], 20);
	assert_int_equal(in.l3_off, 22);
	roundtrip(&s, 22, 8);

	/* a third tag is refused */
	memcpy(three, buf, 16);
	memcpy(three + 16, buf + 12, len - 12);
	check_fails(three, len + 4, "VLAN");
	/* and so is an unknown ethertype */
	buf[21] = 0x00;
	check_fails(buf, len, "ethertype");
}

static void test_padding(void **state)
{
	uint8_t buf[BUF_SIZE], copy[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len, i;
	uint16_t stored, over_ip, over_frame;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		if (v6)
			pkt_spec_tcp6(&s, "2001:db8::1", 1000, "2001:db8::2", 80);
		else
			pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
		s.payload_len = 1;
		s.pad_to = v6 ? 100 : 60;
		len = build(buf, &s);
		assert_int_equal(len, s.pad_to);
		check_ok(buf, len, &in);
		assert_int_equal(in.ip_len, (v6 ? 40 : 20) + 21);
		assert_true(in.l3_off + in.ip_len < len);
		for (i = in.l3_off + in.ip_len; i < len; i++)
			assert_int_equal(buf[i], 0xa5);

		/* over the IP length the checksum is the stored one, over the
		 * frame length it would be wrong */
		memcpy(copy, buf, len);
		stored = rd16(copy + in.l4_off + 16);
		wr16(copy + in.l4_off + 16, 0);
		over_ip = pkt_csum_l4(in.family, in.src, in.dst, IPPROTO_TCP,
				      copy + in.l4_off, in.l4_len);
		over_frame = pkt_csum_l4(in.family, in.src, in.dst, IPPROTO_TCP,
					 copy + in.l4_off, len - in.l4_off);
		assert_int_equal(over_ip, stored);
		assert_int_not_equal(over_frame, stored);

		/* claiming the padding in the IP header breaks the TCP sum */
		memcpy(copy, buf, len);
		if (v6) {
			wr16(copy + 18, len - 14 - 40);
		} else {
			wr16(copy + 16, len - 14);
			fix_ip4_csum(copy, &in);
		}
		check_fails(copy, len, "TCP checksum");
		check_flips(buf, len);
		check_truncations(buf, len);
	}

	/* padding a frame that is long enough already changes nothing */
	pkt_spec_udp4(&s, "192.0.2.1", 1000, "192.0.2.2", 53);
	s.payload_len = 18;
	s.pad_to = 60;
	assert_int_equal(build(buf, &s), 60);
	s.payload_len = 19;
	assert_int_equal(build(buf, &s), 61);
	/* UDP: the UDP length must match the IP length */
	s.payload_len = 1;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	wr16(buf + 16, len - 14);
	fix_ip4_csum(buf, &in);
	check_fails(buf, len, "UDP length");
}

static void test_ipv6_ext(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_tcp6(&s, "2001:db8::1", 1000, "2001:db8::2", 80);
	s.nr_ext = 3;
	s.ext_types[0] = 0;
	s.ext_types[1] = 60;
	s.ext_types[2] = 43;
	s.payload_len = 33;
	len = build(buf, &s);
	/* the chain: 0 -> 60 -> 43 -> 6 */
	assert_int_equal(buf[14 + 6], 0);
	assert_int_equal(buf[14 + 40], 60);
	assert_int_equal(buf[14 + 48], 43);
	assert_int_equal(buf[14 + 56], IPPROTO_TCP);
	assert_int_equal(buf[14 + 58], 0);	/* routing type 0 */
	assert_int_equal(buf[14 + 59], 0);	/* segments left 0 */
	check_ok(buf, len, &in);
	assert_int_equal(in.proto, IPPROTO_TCP);
	assert_int_equal(in.l4_off, 14 + 40 + 24);
	assert_int_equal(in.sport, 1000);
	assert_false(in.has_frag_hdr);
	roundtrip(&s, 14, 20);

	/* an extension header longer than the packet */
	buf[14 + 41] = 200;
	check_fails(buf, len, "extension header");

	/* extension headers + an atomic fragment header + UDP */
	pkt_spec_udp6(&s, "2001:db8::1", 1000, "2001:db8::2", 53);
	s.nr_ext = 1;
	s.ext_types[0] = 60;
	s.ipv6_frag_hdr = true;
	s.ip_id = 0xbeef;
	s.payload_len = 10;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.has_frag_hdr);
	assert_false(in.is_frag);
	assert_false(in.first_frag);
	assert_int_equal(in.ip_id, 0xbeef);
	assert_int_equal(in.l4_off, 14 + 40 + 16);
	assert_int_equal(in.dport, 53);
	roundtrip(&s, 14, 8);
}

static void test_fragments(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		size_t hl = v6 ? 48 : 20;

		/* first fragment: L4 header present and checked */
		if (v6)
			pkt_spec_udp6(&s, "2001:db8::1", 1000, "2001:db8::2", 53);
		else
			pkt_spec_udp4(&s, "192.0.2.1", 1000, "192.0.2.2", 53);
		s.ipv6_frag_hdr = v6;
		s.more_frags = true;
		s.ip_id = 0x1234;
		s.payload_len = 64;
		len = build(buf, &s);
		assert_int_equal(len, 14 + hl + 8 + 64);
		if (v6) {
			assert_int_equal(buf[14 + 6], 44);
			assert_int_equal(rd16(buf + 14 + 42), 0x0001);
		} else {
			assert_int_equal(rd16(buf + 14 + 6), 0x2000);
		}
		check_ok(buf, len, &in);
		assert_true(in.is_frag);
		assert_true(in.first_frag);
		assert_int_equal(in.ip_id, 0x1234);
		assert_int_equal(in.sport, 1000);
		assert_int_equal(in.dport, 53);
		assert_int_equal(in.l4_off, 14 + hl);
		check_flips(buf, len);
		check_truncations(buf, len);
		buf[len - 1] ^= 1;
		check_fails(buf, len, "UDP checksum");

		/* non-first fragment: payload only, only the IP header checked */
		s.more_frags = false;
		s.frag_offset = 72;
		s.payload_len = 40;
		len = build(buf, &s);
		assert_int_equal(len, 14 + hl + 40);
		if (v6)
			assert_int_equal(rd16(buf + 14 + 42), 72);
		else
			assert_int_equal(rd16(buf + 14 + 6), 72 / 8);
		check_ok(buf, len, &in);
		assert_true(in.is_frag);
		assert_false(in.first_frag);
		assert_int_equal(in.proto, IPPROTO_UDP);
		assert_int_equal(in.sport, 0);
		assert_int_equal(in.dport, 0);
		assert_int_equal(in.l4_off, 0);
		assert_int_equal(in.ip_len, hl + 40);
		assert_int_equal(buf[14 + hl], s.payload_seed);
		check_flips(buf, len);
		check_truncations(buf, len);
		buf[len - 1] ^= 1;
		check_ok(buf, len, &in);
		if (!v6) {
			buf[14 + 8] ^= 1;
			check_fails(buf, len, "IPv4 header checksum");
		}

		/* a middle fragment with MF */
		s.more_frags = true;
		len = build(buf, &s);
		check_ok(buf, len, &in);
		assert_true(in.is_frag);
		assert_false(in.first_frag);
		if (v6)
			assert_int_equal(rd16(buf + 14 + 42), 72 | 1);
		else
			assert_int_equal(rd16(buf + 14 + 6), 0x2000 | 72 / 8);

		/* offsets must be multiples of 8 */
		s.frag_offset = 71;
		assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	}

	/* IPv6 non-first fragment behind a hop-by-hop header */
	pkt_spec_tcp6(&s, "2001:db8::1", 1000, "2001:db8::2", 80);
	s.nr_ext = 1;
	s.ext_types[0] = 0;
	s.frag_offset = 1232;
	s.payload_len = 100;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.is_frag);
	assert_false(in.first_frag);
	assert_int_equal(in.proto, IPPROTO_TCP);
	check_truncations(buf, len);
}

static void test_icmp_frag_needed(void **state)
{
	uint8_t buf[BUF_SIZE], inner_buf[BUF_SIZE];
	struct pkt_spec s, inner;
	struct pkt_info in;
	size_t len, ilen;

	pkt_spec_tcp4(&inner, "10.0.0.10", 80, "192.0.2.33", 40000);
	inner.dont_frag = true;
	inner.tcp_flags = PKT_TCP_ACK;
	inner.payload_len = 101;
	pkt_spec_icmp4_frag_needed(&s, "192.0.2.1", "10.0.0.10", 1400, &inner);
	len = build(buf, &s);
	ilen = pkt_build_l3(inner_buf, sizeof(inner_buf), &inner);
	assert_int_equal(ilen, 20 + 20 + 101);
	assert_int_equal(len, 14 + 20 + 8 + ilen);
	assert_memory_equal(buf + 14 + 28, inner_buf, ilen);
	assert_int_equal(rd16(buf + 14 + 20 + 6), 1400);
	check_ok(buf, len, &in);
	assert_int_equal(in.icmp_type, 3);
	assert_int_equal(in.icmp_code, 4);
	assert_int_equal(in.icmp_rest, 1400);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, IPPROTO_TCP);
	assert_memory_equal(in.inner_src, inner.src, 4);
	assert_memory_equal(in.inner_dst, inner.dst, 4);
	assert_true(in.inner_has_ports);
	assert_int_equal(in.inner_sport, 80);
	assert_int_equal(in.inner_dport, 40000);
	assert_true(in.inner_complete);
	assert_true(in.inner_l4_csum_ok);
	check_flips(buf, len);
	check_truncations(buf, len);

	/* embedded header checksum: a TTL change with the ICMP sum fixed */
	buf[14 + 28 + 8] ^= 0x01;
	check_fails(buf, len, "ICMP checksum");
	fix_icmp_csum(buf, &in);
	check_fails(buf, len, "embedded IPv4 header checksum");
	buf[14 + 28 + 8] ^= 0x01;
	fix_icmp_csum(buf, &in);
	check_ok(buf, len, &in);

	/* embedded port changed without its TCP checksum: still a valid
	 * ICMP error, but the embedded TCP checksum is reported bad */
	buf[14 + 28 + 20 + 1] ^= 0x01;
	fix_icmp_csum(buf, &in);
	check_ok(buf, len, &in);
	assert_int_equal(in.inner_sport, 81);
	assert_true(in.inner_complete);
	assert_false(in.inner_l4_csum_ok);

	/* quoting the minimum: IP header + 8 bytes */
	s.inner_trunc = 28;
	len = build(buf, &s);
	assert_int_equal(len, 14 + 20 + 8 + 28);
	assert_memory_equal(buf + 14 + 28, inner_buf, 28);
	check_ok(buf, len, &in);
	assert_true(in.has_inner);
	assert_true(in.inner_has_ports);
	assert_int_equal(in.inner_dport, 40000);
	assert_false(in.inner_complete);
	assert_false(in.inner_l4_csum_ok);
	check_flips(buf, len);
	check_truncations(buf, len);

	/* the IP header only: no ports */
	s.inner_trunc = 20;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.has_inner);
	assert_false(in.inner_has_ports);

	/* less than an IP header: invalid */
	s.inner_trunc = 19;
	len = build(buf, &s);
	check_fails(buf, len, "embedded IPv4 header truncated");

	/* quoting a non-first fragment: no L4 header, no ports */
	inner.frag_offset = 1480;
	s.inner_trunc = 0;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, IPPROTO_TCP);
	assert_false(in.inner_has_ports);
	assert_false(in.inner_l4_csum_ok);
}

static void test_icmp6_pkt_too_big(void **state)
{
	uint8_t buf[BUF_SIZE], inner_buf[BUF_SIZE];
	struct pkt_spec s, inner;
	struct pkt_info in;
	size_t len, ilen;

	pkt_spec_tcp6(&inner, "2001:db8::a", 443, "2001:db8:1::33", 40001);
	inner.tcp_flags = PKT_TCP_ACK;
	inner.payload_len = 1400;
	pkt_spec_icmp6_pkt_too_big(&s, "2001:db8:2::1", "2001:db8::a", 1280,
				   &inner);
	s.inner_trunc = 1232;
	len = build(buf, &s);
	ilen = pkt_build_l3(inner_buf, sizeof(inner_buf), &inner);
	assert_int_equal(ilen, 40 + 20 + 1400);
	assert_int_equal(len, 14 + 40 + 8 + 1232);
	assert_memory_equal(buf + 14 + 48, inner_buf, 1232);
	check_ok(buf, len, &in);
	assert_int_equal(in.icmp_type, 2);
	assert_int_equal(in.icmp_code, 0);
	assert_int_equal(in.icmp_rest, 1280);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, IPPROTO_TCP);
	assert_memory_equal(in.inner_src, inner.src, 16);
	assert_memory_equal(in.inner_dst, inner.dst, 16);
	assert_int_equal(in.inner_sport, 443);
	assert_int_equal(in.inner_dport, 40001);
	assert_false(in.inner_complete);
	check_flips(buf, len);
	check_truncations(buf, len);

	/* the whole packet fits: its checksum is checked too */
	inner.payload_len = 100;
	s.inner_trunc = 0;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.inner_complete);
	assert_true(in.inner_l4_csum_ok);
	buf[14 + 48 + 8] ^= 0x01;	/* embedded source address */
	check_fails(buf, len, "ICMPv6 checksum");
	fix_icmp_csum(buf, &in);
	check_ok(buf, len, &in);
	assert_false(in.inner_l4_csum_ok);

	/* an embedded packet cut inside its extension headers */
	inner.nr_ext = 1;
	inner.ext_types[0] = 60;
	s.inner_trunc = 44;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_true(in.has_inner);
	assert_int_equal(in.inner_proto, 60);
	assert_false(in.inner_has_ports);
	s.inner_trunc = 48 + 4;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_int_equal(in.inner_proto, IPPROTO_TCP);
	assert_true(in.inner_has_ports);
	assert_int_equal(in.inner_sport, 443);

	/* an IPv4 packet quoted in an ICMPv6 error is refused */
	pkt_spec_tcp4(&inner, "192.0.2.1", 1, "192.0.2.2", 2);
	s.inner_trunc = 0;
	len = build(buf, &s);
	check_fails(buf, len, "embedded IPv6 header");
}

/* Negative tests naming the checksum */

static void test_corruption(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
	s.payload_len = 20;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	buf[14 + 8] ^= 0x01;			/* TTL */
	check_fails(buf, len, "IPv4 header checksum");
	len = build(buf, &s);
	buf[len - 3] ^= 0x40;			/* payload */
	check_fails(buf, len, "TCP checksum");
	len = build(buf, &s);
	buf[14 + 12] ^= 0x01;			/* source address */
	check_fails(buf, len, "IPv4 header checksum");
	fix_ip4_csum(buf, &in);			/* ... the pseudo-header too */
	check_fails(buf, len, "TCP checksum");
	len = build(buf, &s);
	buf[14 + 20 + 2] ^= 0x01;		/* port */
	check_fails(buf, len, "TCP checksum");

	pkt_spec_udp4(&s, "192.0.2.1", 1000, "192.0.2.2", 53);
	s.payload_len = 7;
	len = build(buf, &s);
	buf[len - 1] ^= 0x01;
	check_fails(buf, len, "UDP checksum");
	len = build(buf, &s);
	buf[14 + 16 + 3] ^= 0x02;		/* destination address */
	fix_ip4_csum(buf, &in);
	check_fails(buf, len, "UDP checksum");

	pkt_spec_udp6(&s, "2001:db8::1", 1000, "2001:db8::2", 53);
	s.payload_len = 7;
	len = build(buf, &s);
	buf[len - 1] ^= 0x01;
	check_fails(buf, len, "UDP checksum");
	len = build(buf, &s);
	buf[14 + 24 + 15] ^= 0x01;		/* destination address */
	check_fails(buf, len, "UDP checksum");

	pkt_spec_tcp6(&s, "2001:db8::1", 1000, "2001:db8::2", 80);
	s.payload_len = 8;
	len = build(buf, &s);
	buf[14 + 8] ^= 0x80;			/* source address */
	check_fails(buf, len, "TCP checksum");
	len = build(buf, &s);
	buf[14 + 5] += 1;			/* payload length */
	check_fails(buf, len, "payload length");
	len = build(buf, &s);
	buf[14] = 0x40;				/* version */
	check_fails(buf, len, "version");
	len = build(buf, &s);
	buf[14 + 40 + 12] = 0x40;		/* data offset 16 */
	check_fails(buf, len, "data offset");
}

static void test_udp_zero_csum(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len;

	pkt_spec_udp4(&s, "192.0.2.1", 1000, "192.0.2.2", 53);
	s.payload_len = 5;
	len = build(buf, &s);
	check_ok(buf, len, &in);
	assert_false(in.l4_csum_none);
	s.udp_zero_csum = true;
	len = build(buf, &s);
	assert_int_equal(rd16(buf + 14 + 20 + 6), 0);
	check_ok(buf, len, &in);
	assert_true(in.l4_csum_none);
	buf[len - 1] ^= 1;			/* nothing to check against */
	check_ok(buf, len, &in);

	pkt_spec_udp6(&s, "2001:db8::1", 1000, "2001:db8::2", 53);
	s.payload_len = 5;
	s.udp_zero_csum = true;
	len = build(buf, &s);
	assert_int_equal(rd16(buf + 14 + 40 + 6), 0);
	check_fails(buf, len, "UDP checksum 0");
}

/*
 * A computed checksum of 0 is sent as 0xffff by UDP; either form of zero is
 * accepted by the checker, as by receivers, for TCP.
 */
static void test_csum_zero_forms(void **state)
{
	uint8_t buf[BUF_SIZE], l4[64];
	struct pkt_info in;
	struct pkt_spec s;
	size_t len = 0;
	uint32_t port;
	bool found;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		found = false;
		for (port = 1; port < 65536 && !found; port++) {
			if (v6)
				pkt_spec_udp6(&s, "2001:db8::1", port, "2001:db8::2", 53);
			else
				pkt_spec_udp4(&s, "192.0.2.1", port, "192.0.2.2", 53);
			s.payload_len = 3;
			len = build(buf, &s);
			check_ok(buf, len, &in);
			found = rd16(buf + in.l4_off + 6) == 0xffff;
		}
		assert_true(found);
		/* it is the case where the computed value is 0 */
		memcpy(l4, buf + in.l4_off, in.l4_len);
		wr16(l4 + 6, 0);
		assert_int_equal(pkt_csum_l4(in.family, in.src, in.dst,
					     IPPROTO_UDP, l4, in.l4_len), 0);
		assert_false(in.l4_csum_none);
		wr16(buf + in.l4_off + 6, 0x0001);
		check_fails(buf, len, "expected 0xffff");
	}

	found = false;
	for (port = 1; port < 65536 && !found; port++) {
		pkt_spec_tcp4(&s, "192.0.2.1", port, "192.0.2.2", 80);
		len = build(buf, &s);
		check_ok(buf, len, &in);
		found = rd16(buf + in.l4_off + 16) == 0;
	}
	assert_true(found);
	wr16(buf + in.l4_off + 16, 0xffff);
	check_ok(buf, len, &in);
	wr16(buf + in.l4_off + 16, 0xfffe);
	check_fails(buf, len, "TCP checksum bad: 0xfffe, expected 0x0000");
}

/* Builder limits */

static void test_build_limits(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct pkt_spec s, inner;
	size_t len, cap;
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *area;

	pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
	s.payload_len = 10;
	len = build(buf, &s);
	assert_int_equal(len, 14 + 20 + 20 + 10);

	/* a buffer too small by any amount: 0, nothing written past cap */
	area = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	assert_int_equal(mprotect(area + pg, pg, PROT_NONE), 0);
	for (cap = 0; cap < len; cap++)
		assert_int_equal(pkt_build(area + pg - cap, cap, &s), 0);
	assert_int_equal(pkt_build(area + pg - len, len, &s), len);
	assert_memory_equal(area + pg - len, buf, len);
	for (cap = 0; cap < len - 14; cap++)
		assert_int_equal(pkt_build_l3(area + pg - cap, cap, &s), 0);
	assert_int_equal(pkt_build_l3(area + pg - (len - 14), len - 14, &s),
			 len - 14);
	s.pad_to = 100;
	assert_int_equal(pkt_build(area + pg - 99, 99, &s), 0);
	munmap(area, 2 * pg);
	s.pad_to = 0;

	s.ip_opts_len = 3;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.ip_opts_len = 44;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.ip_opts_len = 0;
	s.tcp_opts_len = 2;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.tcp_opts_len = 0;
	s.nr_vlans = 3;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.nr_vlans = 0;
	s.family = 0;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.family = AF_INET6;
	s.nr_ext = 5;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	s.nr_ext = 0;
	s.payload_len = 70000;
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);

	/* an ICMP error quoting itself does not recurse forever */
	pkt_spec_icmp4_frag_needed(&s, "192.0.2.1", "192.0.2.2", 1400, &s);
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 0);
	/* nesting a few levels is fine */
	pkt_spec_tcp4(&inner, "192.0.2.1", 1000, "192.0.2.2", 80);
	pkt_spec_icmp4_frag_needed(&s, "192.0.2.1", "192.0.2.2", 1400, &inner);
	assert_int_equal(pkt_build(buf, sizeof(buf), &s), 14 + 28 + 40);
}

static void test_set_mac(void **state)
{
	uint8_t mac[6];

	pkt_set_mac(mac, "de:ad:BE:ef:00:0a");
	assert_memory_equal(mac, ((uint8_t[]){ 0xde, 0xad, 0xbe, 0xef, 0, 10 }), 6);
}

/* Runs fn with stderr captured into out. */
static void capture_stderr(char *out, size_t cap, void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, cap - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

struct dump_args {
	const uint8_t *a, *b;
	size_t alen, blen;
};

static void do_diff(void *arg)
{
	struct dump_args *d = arg;

	pkt_diff(d->a, d->alen, d->b, d->blen);
}

static void do_hexdump(void *arg)
{
	struct dump_args *d = arg;

	pkt_hexdump("some title", d->a, d->alen);
}

static void test_dumps(void **state)
{
	uint8_t a[BUF_SIZE], b[BUF_SIZE];
	struct dump_args d = { a, b, 0, 0 };
	struct pkt_spec s;
	static char out[16384];

	pkt_spec_tcp4(&s, "192.0.2.1", 1000, "192.0.2.2", 80);
	s.payload_len = 3;
	d.alen = build(a, &s);
	s.sport = 1001;
	d.blen = build(b, &s);

	capture_stderr(out, sizeof(out), do_diff, &d);
	assert_non_null(strstr(out, "want 57 bytes, got 57 bytes"));
	assert_non_null(strstr(out, "[TCP sport]"));
	assert_non_null(strstr(out, "[TCP csum]"));
	assert_null(strstr(out, "[IPv4 saddr]"));
	assert_null(strstr(out, "identical"));

	d.blen = d.alen - 1;
	memcpy(b, a, d.alen);
	capture_stderr(out, sizeof(out), do_diff, &d);
	assert_non_null(strstr(out, "[TCP options/payload]"));
	assert_non_null(strstr(out, "1 byte(s) differ"));

	d.blen = d.alen;
	capture_stderr(out, sizeof(out), do_diff, &d);
	assert_non_null(strstr(out, "(identical)"));

	capture_stderr(out, sizeof(out), do_hexdump, &d);
	assert_non_null(strstr(out, "some title (57 bytes)"));
	assert_non_null(strstr(out, "  0000: 02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00  |"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_vectors),
		cmocka_unit_test(test_kernel_udp_tcp),
		cmocka_unit_test(test_kernel_icmp_errors),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_other_proto),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_vlans),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_icmp_frag_needed),
		cmocka_unit_test(test_icmp6_pkt_too_big),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_udp_zero_csum),
		cmocka_unit_test(test_csum_zero_forms),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_set_mac),
		cmocka_unit_test(test_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
