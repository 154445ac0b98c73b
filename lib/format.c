/* SPDX-License-Identifier: GPL-2.0 */
/* Text for addresses, VIPs, MACs, protocols, modes and JSON; see format.h. */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "format.h"

const char *addr_str(__u8 family, const union lb_addr *a, char *buf,
		     size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	const char *s = NULL;

	if (family == LB_AF_INET)
		s = inet_ntop(AF_INET, &a->v4, tmp, sizeof(tmp));
	else if (family == LB_AF_INET6)
		s = inet_ntop(AF_INET6, a->bytes, tmp, sizeof(tmp));
	if (len)
		snprintf(buf, len, "%s", s ? s : "?");
	return buf;
}

const char *vip_str(__u8 family, const union lb_addr *a, __u16 port_host,
		    char *buf, size_t len)
{
	char tmp[ADDR_STRLEN];

	addr_str(family, a, tmp, sizeof(tmp));
	if (!len)
		return buf;
	if (!port_host)
		snprintf(buf, len, "%s", tmp);
	else if (family == LB_AF_INET6)
		snprintf(buf, len, "[%s]:%u", tmp, port_host);
	else
		snprintf(buf, len, "%s:%u", tmp, port_host);
	return buf;
}

const char *mac_str(const __u8 mac[6], char *buf, size_t len)
{
	if (len)
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *vip_label(__u8 family, const union lb_addr *addr, __u16 port_host,
		      int proto, char *buf, size_t len)
{
	char vip[VIP_STRLEN];

	vip_str(family, addr, port_host, vip, sizeof(vip));
	if (len)
		snprintf(buf, len, "%s/%s", vip, proto_str(proto));
	return buf;
}

const char *proto_str(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

const char *mode_str(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "none";
	}
}

/*
 * JSON is written with printf, this being the only escaping it needs: the
 * two documents (status --json, stats --json) have a fixed shape, and
 * every other value is a number or an address. A JSON library (json-c is
 * in Debian) would add a build and install dependency and print numbers
 * its own way (stats' rates are "%.1f"), changing documented output, for
 * no gain at this size. Reconsider when the output becomes data-driven
 * (a configuration file read back, say).
 */
void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}
