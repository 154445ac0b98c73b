/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict parsing of the values xdp-lb takes on its command line:
 * addresses, VIPs (address and optional port), ports, MAC addresses,
 * bounded decimal integers and the 128-bit hash seed. format.h prints them.
 *
 * Every parser takes a NUL-terminated string of any length, never reads
 * past it, writes its outputs only on success and returns 0 or a negative
 * errno. None of them accepts leading or trailing blanks, signs or other
 * junk. addr_strerror() turns their errors into the reason printed after
 * "invalid VIP '...': ".
 */
#ifndef __ADDR_H
#define __ADDR_H

#include <stddef.h>
#include <linux/types.h>
#include <xdp_lb/lb_common.h>

/* An address as options take it (params.h OPT_IPADDR). */
struct ip_addr {
	__u8 family;		/* LB_AF_INET or LB_AF_INET6 */
	union lb_addr addr;
};

/* A VIP as options take it (params.h OPT_VIP). */
struct vip_addr {
	__u8 family;		/* LB_AF_INET or LB_AF_INET6 */
	union lb_addr addr;
	__u16 port;		/* host byte order; 0 = all ports */
};

/*
 * Dotted IPv4 ("10.0.0.1") or textual IPv6 ("fd00::1"): the text is IPv6
 * when it contains a ':'. Brackets and zone ids ("%eth0") are refused.
 * IPv4 goes into addr->v4 (network byte order), the rest of *addr is zeroed.
 * Returns 0 or -EINVAL.
 */
int addr_parse(const char *s, __u8 *family, union lb_addr *addr);

/*
 * A VIP: ADDR, ADDR:PORT, [IPV6], [IPV6]:PORT or a bare IPV6 (which, having
 * colons of its own, can carry no port). Without a port, *port_host is 0
 * (the VIP covers all ports); a given port must be 1..65535.
 * Returns 0 or:
 *   -EINVAL        the address is not IPv4 or IPv6 ("1.2.3", "", ":80")
 *   -ERANGE        the port is empty, not decimal or out of 1..65535
 *   -EBADMSG       unbalanced brackets or junk after ']' ("[::1", "::1]:80")
 *   -EAFNOSUPPORT  brackets around something else than IPv6 ("[1.2.3.4]:80")
 */
int vip_parse(const char *s, __u8 *family, union lb_addr *addr,
	      __u16 *port_host);

/*
 * Why an address can never be a service's or a host's address (VIP, SNAT
 * address, backend): unspecified (0.0.0.0/8, ::), loopback (127.0.0.0/8,
 * ::1), multicast (224.0.0.0/4, ff00::/8), the IPv4 broadcast address, or
 * IPv4-mapped IPv6 (::ffff:0:0/96). NULL when it can be one.
 */
const char *addr_unusable(__u8 family, const union lb_addr *a);

/* The reason text for an error of the parsers here ("port must be 1-65535"). */
const char *addr_strerror(int err);

/*
 * A port: 1..65535, decimal digits only (leading zeros allowed).
 * Returns 0, -EINVAL (not a decimal number) or -ERANGE (0 or > 65535).
 */
int port_parse(const char *s, __u16 *port);

/*
 * A MAC address: exactly six groups of two hex digits separated by ':'
 * ("aa:BB:cc:00:11:22"). Returns 0 or -EINVAL.
 */
int mac_parse(const char *s, __u8 mac[6]);

/*
 * A decimal integer in [min, max] (max <= UINT32_MAX): digits only.
 * Returns 0, -EINVAL (not a decimal number) or -ERANGE (outside the range).
 */
int u32_parse(const char *s, __u64 min, __u64 max, __u32 *out);

/*
 * The 128-bit hash seed: 1 to 32 hex digits, optionally prefixed with "0x"
 * or "0X". The text is read as one big-endian 128-bit number and stored
 * least significant word first:
 *   key[0] = bits 0-31, key[1] = bits 32-63, key[2] = bits 64-95,
 *   key[3] = bits 96-127.
 * So "0x1" gives { 1, 0, 0, 0 } and "0123456789abcdef0011223344556677"
 * gives { 0x44556677, 0x00112233, 0x89abcdef, 0x01234567 }.
 * Returns 0 or -EINVAL.
 */
int seed_parse(const char *s, __u32 key[4]);

#endif /* __ADDR_H */
