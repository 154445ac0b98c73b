/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing of addresses, VIPs, ports, MACs, integers and seeds; see addr.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"

/* Longest address text inet_pton() can accept, without the NUL. */
#define ADDR_TEXT_MAX (INET6_ADDRSTRLEN - 1)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses the len characters at s as an address of the given family. */
static int addr_parse_len(const char *s, size_t len, int af,
			  union lb_addr *addr)
{
	char buf[ADDR_TEXT_MAX + 1];
	union lb_addr a;

	if (!len || len > ADDR_TEXT_MAX)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(&a, 0, sizeof(a));
	if (inet_pton(af, buf, af == AF_INET ? (void *)&a.v4 : (void *)a.bytes) != 1)
		return -EINVAL;
	*addr = a;
	return 0;
}

int addr_parse(const char *s, __u8 *family, union lb_addr *addr)
{
	size_t len = strnlen(s, ADDR_TEXT_MAX + 1);
	int af = memchr(s, ':', len) ? AF_INET6 : AF_INET;
	int err;

	err = addr_parse_len(s, len, af, addr);
	if (err)
		return err;
	*family = af == AF_INET ? LB_AF_INET : LB_AF_INET6;
	return 0;
}

const char *addr_unusable(__u8 family, const union lb_addr *a)
{
	static const __u8 v4_mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const __u8 zero[16];

	if (family == LB_AF_INET) {
		__u32 h = ntohl(a->v4);

		if (h == 0)
			return "the unspecified address is no host's";
		if (h >> 24 == 0)
			return "addresses in 0.0.0.0/8 are no host's";
		if (h >> 24 == 127)
			return "loopback addresses never reach the network";
		if (h >> 28 == 0xe)
			return "multicast addresses are no single host's";
		if (h == 0xffffffff)
			return "the broadcast address is no single host's";
		return NULL;
	}
	if (!memcmp(a->bytes, zero, 16))
		return "the unspecified address is no host's";
	if (!memcmp(a->bytes, zero, 15) && a->bytes[15] == 1)
		return "loopback addresses never reach the network";
	if (a->bytes[0] == 0xff)
		return "multicast addresses are no single host's";
	if (!memcmp(a->bytes, v4_mapped, 12))
		return "IPv4-mapped IPv6 addresses never appear on the wire; give the IPv4 address";
	return NULL;
}

int u32_parse(const char *s, __u64 min, __u64 max, __u32 *out)
{
	bool big = false;
	__u64 v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (!is_digit(*p))
			return -EINVAL;
		/* keep scanning for junk, but stop accumulating past 2^32 */
		if (!big) {
			v = v * 10 + (*p - '0');
			big = v > 0xffffffffULL;
		}
	}
	if (big || v < min || v > max || v > 0xffffffffULL)
		return -ERANGE;
	*out = v;
	return 0;
}

int port_parse(const char *s, __u16 *port)
{
	__u32 v;
	int err;

	err = u32_parse(s, 1, 65535, &v);
	if (err)
		return err;
	*port = v;
	return 0;
}

int vip_parse(const char *s, __u8 *family, union lb_addr *addr,
	      __u16 *port_host)
{
	const char *colon, *end;
	union lb_addr a;
	__u16 port = 0;
	int err;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return -EBADMSG;
		if (end[1] != '\0' && end[1] != ':')
			return -EBADMSG;
		if (addr_parse_len(s + 1, end - s - 1, AF_INET6, &a)) {
			/* tell "[1.2.3.4]" apart from a plain bad address */
			if (!addr_parse_len(s + 1, end - s - 1, AF_INET, &a))
				return -EAFNOSUPPORT;
			return strchr(s + 1, '[') ? -EBADMSG : -EINVAL;
		}
		if (end[1] == ':' && port_parse(end + 2, &port))
			return -ERANGE;
		*family = LB_AF_INET6;
		goto out;
	}
	if (strchr(s, ']') || strchr(s, '['))
		return -EBADMSG;

	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* two colons or more: a bare IPv6 address, all ports */
		err = addr_parse_len(s, strnlen(s, ADDR_TEXT_MAX + 1), AF_INET6, &a);
		if (err)
			return err;
		*family = LB_AF_INET6;
		goto out;
	}
	err = addr_parse_len(s, colon ? (size_t)(colon - s) : strnlen(s, ADDR_TEXT_MAX + 1),
			     AF_INET, &a);
	if (err)
		return err;
	if (colon && port_parse(colon + 1, &port))
		return -ERANGE;
	*family = LB_AF_INET;
out:
	*addr = a;
	*port_host = port;
	return 0;
}

const char *addr_strerror(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case -EINVAL:
		return "not a valid IPv4 or IPv6 address";
	case -ERANGE:
		return "port must be 1-65535";
	case -EBADMSG:
		return "unbalanced brackets, write an IPv6 address with a port as [ADDR]:PORT";
	case -EAFNOSUPPORT:
		return "only IPv6 addresses go in brackets";
	default:
		return "malformed";
	}
}

int mac_parse(const char *s, __u8 mac[6])
{
	__u8 m[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;

		/* checking each char in order never reads past the NUL */
		hi = hex_val(p[0]);
		if (hi < 0)
			return -EINVAL;
		lo = hex_val(p[1]);
		if (lo < 0)
			return -EINVAL;
		if (p[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		m[i] = hi << 4 | lo;
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

int seed_parse(const char *s, __u32 key[4])
{
	__u32 k[4] = {};
	size_t len, i;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	len = strnlen(s, 33);
	if (!len || len > 32)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		d = hex_val(s[i]);
		if (d < 0)
			return -EINVAL;
		/* shift the 128-bit number left by one digit */
		k[3] = k[3] << 4 | k[2] >> 28;
		k[2] = k[2] << 4 | k[1] >> 28;
		k[1] = k[1] << 4 | k[0] >> 28;
		k[0] = k[0] << 4 | d;
	}
	memcpy(key, k, sizeof(k));
	return 0;
}
