// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command-line value parsers and printers (lib/addr.c):
 * every accepted form, and the rejected ones with their error codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "addr.h"
#include "format.h"

#define LONG_LEN (100 * 1024)

/* A string of LONG_LEN bytes: prefix, then fill up to the end. */
static char *long_str(const char *prefix, char fill)
{
	char *s = malloc(LONG_LEN + 1);
	size_t n = strlen(prefix);

	assert_non_null(s);
	memcpy(s, prefix, n);
	memset(s + n, fill, LONG_LEN - n);
	s[LONG_LEN] = '\0';
	return s;
}

static void expect_v4(const char *s, const char *dotted)
{
	union lb_addr a, want = {};
	__u8 family = 0;

	memset(&a, 0xff, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, dotted, &want.v4), 1);
	assert_int_equal(addr_parse(s, &family, &a), 0);
	assert_int_equal(family, LB_AF_INET);
	/* the words after v4 must be zeroed */
	assert_memory_equal(&a, &want, sizeof(a));
}

static void expect_v6(const char *s, const char *text)
{
	union lb_addr a, want = {};
	__u8 family = 0;

	memset(&a, 0xff, sizeof(a));
	assert_int_equal(inet_pton(AF_INET6, text, want.bytes), 1);
	assert_int_equal(addr_parse(s, &family, &a), 0);
	assert_int_equal(family, LB_AF_INET6);
	assert_memory_equal(&a, &want, sizeof(a));
}

static void test_addr_parse_valid(void **state)
{
	expect_v4("10.0.0.1", "10.0.0.1");
	expect_v4("0.0.0.0", "0.0.0.0");
	expect_v4("255.255.255.255", "255.255.255.255");
	expect_v6("::", "::");
	expect_v6("::1", "::1");
	expect_v6("fd00::a", "fd00::a");
	expect_v6("FD00::A", "fd00::a");
	expect_v6("2001:db8:0:0:1:2:3:4", "2001:db8::1:2:3:4");
	expect_v6("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	expect_v6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void test_addr_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "01.2.3.4",
		" 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "[::1]", "[::1]:80",
		"fe80::1%eth0", ":::", "1::2::3", "1.2.3.4:80", "gggg::1",
		"localhost", "0x0a000001", "167772161", "1:2:3:4:5:6:7:8:9",
	};
	union lb_addr a, orig;
	__u8 family = 77;
	size_t i;
	char *s;

	memset(&a, 0x5a, sizeof(a));
	orig = a;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (addr_parse(bad[i], &family, &a) != -EINVAL)
			fail_msg("addr_parse accepted '%s'", bad[i]);
	}
	s = long_str("10.0.0.1", '1');
	assert_int_equal(addr_parse(s, &family, &a), -EINVAL);
	free(s);
	s = long_str("fd00::", 'a');
	assert_int_equal(addr_parse(s, &family, &a), -EINVAL);
	free(s);
	/* nothing is written on failure */
	assert_int_equal(family, 77);
	assert_memory_equal(&a, &orig, sizeof(a));
}

static void expect_vip(const char *s, __u8 family, const char *text, __u16 port)
{
	union lb_addr a, want = {};
	__u8 f = 0;
	__u16 p = 12345;
	int err;

	memset(&a, 0xff, sizeof(a));
	assert_int_equal(inet_pton(family == LB_AF_INET ? AF_INET : AF_INET6,
				   text, want.bytes), 1);
	err = vip_parse(s, &f, &a, &p);
	if (err)
		fail_msg("vip_parse('%s') = %d", s, err);
	assert_int_equal(f, family);
	assert_memory_equal(&a, &want, sizeof(a));
	assert_int_equal(p, port);
}

static void test_vip_parse_valid(void **state)
{
	expect_vip("10.0.0.10", LB_AF_INET, "10.0.0.10", 0);
	expect_vip("10.0.0.10:8000", LB_AF_INET, "10.0.0.10", 8000);
	expect_vip("10.0.0.10:1", LB_AF_INET, "10.0.0.10", 1);
	expect_vip("10.0.0.10:65535", LB_AF_INET, "10.0.0.10", 65535);
	expect_vip("10.0.0.10:080", LB_AF_INET, "10.0.0.10", 80);
	expect_vip("[fd00::a]:8000", LB_AF_INET6, "fd00::a", 8000);
	expect_vip("[fd00::a]", LB_AF_INET6, "fd00::a", 0);
	expect_vip("fd00::a", LB_AF_INET6, "fd00::a", 0);
	expect_vip("::1", LB_AF_INET6, "::1", 0);
	expect_vip("[::1]:80", LB_AF_INET6, "::1", 80);
	expect_vip("[::]:65535", LB_AF_INET6, "::", 65535);
	expect_vip("[::ffff:1.2.3.4]:53", LB_AF_INET6, "::ffff:1.2.3.4", 53);
	/* a bare IPv6 address never carries a port: this is ::1:80 */
	expect_vip("::1:80", LB_AF_INET6, "::1:80", 0);
}

struct vip_case {
	const char *s;
	int err;
};

static void test_vip_parse_invalid(void **state)
{
	static const struct vip_case bad[] = {
		{ "1.2.3.4:0", -ERANGE },
		{ "1.2.3.4:65536", -ERANGE },
		{ "1.2.3.4:99999999999999999999", -ERANGE },
		{ "1.2.3.4:", -ERANGE },
		{ "1.2.3.4:abc", -ERANGE },
		{ "1.2.3.4:80x", -ERANGE },
		{ "1.2.3.4:-1", -ERANGE },
		{ "1.2.3.4:+80", -ERANGE },
		{ "1.2.3.4:0x50", -ERANGE },
		{ "1.2.3.4: 80", -ERANGE },
		{ "1.2.3.4:80 ", -ERANGE },
		{ "[::1]:", -ERANGE },
		{ "[::1]:0", -ERANGE },
		{ "[::1]:70000", -ERANGE },
		{ "[::1]:http", -ERANGE },
		{ "[::1", -EBADMSG },
		{ "::1]:80", -EBADMSG },
		{ "::1]", -EBADMSG },
		{ "[::1]x", -EBADMSG },
		{ "[::1]]:80", -EBADMSG },
		{ "[[::1]]:80", -EBADMSG },
		{ "1.2.3.4[", -EBADMSG },
		{ "[1.2.3.4]:80", -EAFNOSUPPORT },
		{ "[1.2.3.4]", -EAFNOSUPPORT },
		{ "1.2.3", -EINVAL },
		{ "", -EINVAL },
		{ ":80", -EINVAL },
		{ ":", -EINVAL },
		{ "[]:80", -EINVAL },
		{ "[fe80::1%eth0]:80", -EINVAL },
		{ "1.2.3.4:80:90", -EINVAL },
		{ "1.2.3:80", -EINVAL },
		{ "host:80", -EINVAL },
		{ "fd00::g", -EINVAL },
		{ "1:2:3:4:5:6:7:8:80", -EINVAL },
		{ " 1.2.3.4:80", -EINVAL },
	};
	union lb_addr a, orig;
	__u8 family = 77;
	__u16 port = 4242;
	size_t i;
	int err;

	memset(&a, 0x5a, sizeof(a));
	orig = a;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = vip_parse(bad[i].s, &family, &a, &port);
		if (err != bad[i].err)
			fail_msg("vip_parse('%s') = %d, expected %d", bad[i].s, err,
				 bad[i].err);
	}
	assert_int_equal(family, 77);
	assert_int_equal(port, 4242);
	assert_memory_equal(&a, &orig, sizeof(a));
}

static void test_vip_parse_long(void **state)
{
	union lb_addr a;
	__u16 port;
	__u8 family;
	char *s;

	s = long_str("", 'a');
	assert_int_equal(vip_parse(s, &family, &a, &port), -EINVAL);
	free(s);
	s = long_str("1.2.3.4:", '1');
	assert_int_equal(vip_parse(s, &family, &a, &port), -ERANGE);
	free(s);
	s = long_str("[", ':');
	assert_int_equal(vip_parse(s, &family, &a, &port), -EBADMSG);
	free(s);
	s = long_str("[::1]:", '0');
	assert_int_equal(vip_parse(s, &family, &a, &port), -ERANGE);
	free(s);
	s = long_str("fd00", ':');
	assert_int_equal(vip_parse(s, &family, &a, &port), -EINVAL);
	s[LONG_LEN - 1] = ']';
	s[0] = '[';
	assert_int_equal(vip_parse(s, &family, &a, &port), -EINVAL);
	free(s);
}

static void test_addr_strerror(void **state)
{
	assert_string_equal(addr_strerror(-EINVAL), "not a valid IPv4 or IPv6 address");
	assert_string_equal(addr_strerror(-ERANGE), "port must be 1-65535");
	assert_non_null(strstr(addr_strerror(-EBADMSG), "[ADDR]:PORT"));
	assert_non_null(strstr(addr_strerror(-EAFNOSUPPORT), "IPv6"));
	assert_non_null(addr_strerror(-E2BIG));
}

/* What can never be a VIP, SNAT or backend address, and its neighbours. */
static void test_addr_unusable(void **state)
{
	static const char *const bad[] = {
		"0.0.0.0", "0.1.2.3", "0.255.255.255", "127.0.0.1",
		"127.255.255.254", "224.0.0.1", "239.255.255.255",
		"255.255.255.255", "::", "::1", "ff02::1", "ff0e::1234",
		"::ffff:10.0.0.1", "::ffff:0.0.0.0",
	};
	static const char *const good[] = {
		"1.0.0.0", "10.0.0.10", "126.255.255.255", "128.0.0.0",
		"223.255.255.255", "240.0.0.1", "255.255.255.254",
		"192.168.1.255", "::2", "fd00::a", "2001:db8::1", "fe80::1",
		"feff::1", "::fffe:10.0.0.1", "64:ff9b::10.0.0.1",
	};
	union lb_addr a;
	__u8 family;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(addr_parse(bad[i], &family, &a), 0);
		if (!addr_unusable(family, &a))
			fail_msg("%s accepted as a host address", bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(addr_parse(good[i], &family, &a), 0);
		if (addr_unusable(family, &a))
			fail_msg("%s refused: %s", good[i], addr_unusable(family, &a));
	}
}

static void test_port_parse(void **state)
{
	static const struct vip_case bad[] = {
		{ "0", -ERANGE }, { "65536", -ERANGE }, { "00000", -ERANGE },
		{ "4294967296", -ERANGE }, { "99999999999999999999999", -ERANGE },
		{ "-1", -EINVAL }, { "0x50", -EINVAL }, { "", -EINVAL },
		{ "80 ", -EINVAL }, { " 80", -EINVAL }, { "+80", -EINVAL },
		{ "8o", -EINVAL }, { "http", -EINVAL }, { "1e3", -EINVAL },
	};
	__u16 port = 0;
	size_t i;
	char *s;

	assert_int_equal(port_parse("1", &port), 0);
	assert_int_equal(port, 1);
	assert_int_equal(port_parse("65535", &port), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(port_parse("00080", &port), 0);
	assert_int_equal(port, 80);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (port_parse(bad[i].s, &port) != bad[i].err)
			fail_msg("port_parse('%s') != %d", bad[i].s, bad[i].err);
	}
	assert_int_equal(port, 80);
	s = long_str("", '9');
	assert_int_equal(port_parse(s, &port), -ERANGE);
	s[LONG_LEN - 1] = 'x';
	assert_int_equal(port_parse(s, &port), -EINVAL);
	free(s);
}

static void test_u32_parse(void **state)
{
	__u32 v = 0;

	assert_int_equal(u32_parse("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(u32_parse("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(u32_parse("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	/* a max beyond 32 bits is capped */
	assert_int_equal(u32_parse("4294967296", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(u32_parse("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(u32_parse("11", 0, 10, &v), -ERANGE);
	assert_int_equal(u32_parse("5", 6, 10, &v), -ERANGE);
	assert_int_equal(u32_parse("1e3", 0, 10000, &v), -EINVAL);
	assert_int_equal(u32_parse("", 0, 10, &v), -EINVAL);
	assert_int_equal(u32_parse("-0", 0, 10, &v), -EINVAL);
	assert_int_equal(u32_parse("0x1", 0, 10, &v), -EINVAL);
	assert_int_equal(u32_parse("1 ", 0, 10, &v), -EINVAL);
	/* junk after an overflow is still junk */
	assert_int_equal(u32_parse("99999999999999999999x", 0, 10, &v), -EINVAL);
	assert_int_equal(v, UINT32_MAX);
}

static void test_mac_parse(void **state)
{
	static const char *const bad[] = {
		"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa-bb-cc-dd-ee-ff",
		"a:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:fg", "aabbccddeeff",
		"aa:bb:cc:dd:ee:ff ", " aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:f",
		"aa:bb:cc:dd:ee:", "aa:bb:cc:dd:ee:fff", "aa::bb:cc:dd:ee:ff",
		"0xaa:bb:cc:dd:ee:ff",
	};
	const __u8 want[6] = { 0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff };
	const __u8 zero[6] = {};
	__u8 mac[6];
	char buf[MAC_STRLEN];
	size_t i;

	assert_int_equal(mac_parse("aa:bb:cc:0d:ee:ff", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(mac_parse("AA:Bb:cC:0D:EE:FF", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_string_equal(mac_str(mac, buf, sizeof(buf)), "aa:bb:cc:0d:ee:ff");
	assert_int_equal(mac_parse("00:00:00:00:00:00", mac), 0);
	assert_memory_equal(mac, zero, 6);
	memcpy(mac, want, 6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("mac_parse accepted '%s'", bad[i]);
	}
	assert_memory_equal(mac, want, 6);
}

static void expect_seed(const char *s, __u32 k0, __u32 k1, __u32 k2, __u32 k3)
{
	__u32 key[4] = { 1, 2, 3, 4 };
	const __u32 want[4] = { k0, k1, k2, k3 };

	if (seed_parse(s, key))
		fail_msg("seed_parse rejected '%s'", s);
	assert_memory_equal(key, want, sizeof(want));
}

static void test_seed_parse(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0X", "xyz", "0x12g", " 12", "12 ", "-1", "0x0x1",
		"123456789012345678901234567890123",	/* 33 digits */
		"0x123456789012345678901234567890123",
		"+1", "12:34",
	};
	__u32 key[4] = { 9, 9, 9, 9 };
	const __u32 orig[4] = { 9, 9, 9, 9 };
	size_t i;
	char *s;

	expect_seed("0x1", 1, 0, 0, 0);
	expect_seed("1", 1, 0, 0, 0);
	expect_seed("0X1", 1, 0, 0, 0);
	expect_seed("0", 0, 0, 0, 0);
	expect_seed("DEADBEEF", 0xdeadbeef, 0, 0, 0);
	expect_seed("123456789", 0x23456789, 1, 0, 0);
	expect_seed("0123456789abcdef0011223344556677",
		    0x44556677, 0x00112233, 0x89abcdef, 0x01234567);
	expect_seed("0x0123456789ABCDEF0011223344556677",
		    0x44556677, 0x00112233, 0x89abcdef, 0x01234567);
	expect_seed("0xffffffffffffffffffffffffffffffff",
		    0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (seed_parse(bad[i], key) != -EINVAL)
			fail_msg("seed_parse accepted '%s'", bad[i]);
	}
	s = long_str("0x", 'f');
	assert_int_equal(seed_parse(s, key), -EINVAL);
	free(s);
	assert_memory_equal(key, orig, sizeof(orig));
}

static void test_addr_str(void **state)
{
	char buf[ADDR_STRLEN], small[6];
	union lb_addr a = {};
	__u8 family;

	assert_int_equal(addr_parse("10.0.0.10", &family, &a), 0);
	assert_string_equal(addr_str(family, &a, buf, sizeof(buf)), "10.0.0.10");
	/* truncated, still terminated */
	assert_string_equal(addr_str(family, &a, small, sizeof(small)), "10.0.");
	assert_int_equal(addr_parse("FD00:0:0::A", &family, &a), 0);
	assert_string_equal(addr_str(family, &a, buf, sizeof(buf)), "fd00::a");
	assert_int_equal(addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
				    &family, &a), 0);
	assert_string_equal(addr_str(family, &a, buf, sizeof(buf)),
			    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_string_equal(addr_str(0, &a, buf, sizeof(buf)), "?");
	assert_ptr_equal(addr_str(family, &a, buf, 0), buf);
}

static void test_vip_str(void **state)
{
	static const char *const canonical[] = {
		"10.0.0.10:8000", "10.0.0.10", "[fd00::a]:8000", "fd00::a",
		"[::1]:65535", "0.0.0.0:1", "::",
	};
	char buf[VIP_STRLEN];
	union lb_addr a;
	__u8 family;
	__u16 port;
	size_t i;

	for (i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
		assert_int_equal(vip_parse(canonical[i], &family, &a, &port), 0);
		assert_string_equal(vip_str(family, &a, port, buf, sizeof(buf)),
				    canonical[i]);
	}
	/* non-canonical input prints canonically */
	assert_int_equal(vip_parse("[FD00::A]", &family, &a, &port), 0);
	assert_string_equal(vip_str(family, &a, port, buf, sizeof(buf)), "fd00::a");
	assert_int_equal(vip_parse("10.0.0.10:0080", &family, &a, &port), 0);
	assert_string_equal(vip_str(family, &a, port, buf, sizeof(buf)),
			    "10.0.0.10:80");
	/* the longest form fits VIP_STRLEN */
	assert_int_equal(vip_parse("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
				   &family, &a, &port), 0);
	assert_string_equal(vip_str(family, &a, port, buf, sizeof(buf)),
			    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_string_equal(vip_str(0, &a, 80, buf, sizeof(buf)), "?:80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_valid),
		cmocka_unit_test(test_addr_parse_invalid),
		cmocka_unit_test(test_vip_parse_valid),
		cmocka_unit_test(test_vip_parse_invalid),
		cmocka_unit_test(test_vip_parse_long),
		cmocka_unit_test(test_addr_strerror),
		cmocka_unit_test(test_addr_unusable),
		cmocka_unit_test(test_port_parse),
		cmocka_unit_test(test_u32_parse),
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_seed_parse),
		cmocka_unit_test(test_addr_str),
		cmocka_unit_test(test_vip_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
