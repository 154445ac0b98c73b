/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for the values xdp-lb shows: addresses, VIPs, MAC addresses,
 * protocols, attach modes, and strings inside JSON output.
 *
 * Each *_str() and vip_label() writes into buf (truncating to len, always
 * terminated when len > 0) and returns buf, so that it can be a printf
 * argument. An unknown address family prints "?".
 */
#ifndef __FORMAT_H
#define __FORMAT_H

#include <stdio.h>
#include <linux/types.h>
#include <xdp/libxdp.h>
#include <xdp_lb/lb_common.h>

/* Longest text addr_str()/vip_str() produce, with the NUL: "[v6]:65535". */
#define ADDR_STRLEN 48
#define VIP_STRLEN 56
#define MAC_STRLEN 18
/* vip_label(): a VIP, '/' and a protocol */
#define VIP_LABEL_STRLEN (VIP_STRLEN + 4)

/*
 *   addr_str: "10.0.0.10", "fd00::a"
 *   vip_str:  "10.0.0.10:8000", "[fd00::a]:8000"; port 0 (all ports)
 *             prints the address alone: "10.0.0.10", "fd00::a"
 *   mac_str:  "aa:bb:cc:dd:ee:ff"
 */
const char *addr_str(__u8 family, const union lb_addr *a, char *buf,
		     size_t len);
const char *vip_str(__u8 family, const union lb_addr *a, __u16 port_host,
		    char *buf, size_t len);
const char *mac_str(const __u8 mac[6], char *buf, size_t len);

/* A VIP as commands name it: "10.0.0.10:8000/tcp" (port in host order). */
const char *vip_label(__u8 family, const union lb_addr *addr, __u16 port_host,
		      int proto, char *buf, size_t len);

/* "udp" or "tcp" */
const char *proto_str(int proto);

/* "native", "skb", "hw" or "none" (not attached). */
const char *mode_str(enum xdp_attach_mode mode);

/* s as a JSON string, quotes and escapes included. */
void json_str(FILE *f, const char *s);

#endif /* __FORMAT_H */
