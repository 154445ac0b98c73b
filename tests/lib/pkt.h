/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test packet library: a packet builder and an independent parser/checksum
 * verifier for the BPF data-plane tests.
 *
 * This code deliberately shares nothing with the data plane (it includes no
 * file from headers/ or lib/): it is the reference against which the data
 * plane's rewrites and incremental checksum updates are checked, so every
 * checksum here is recomputed from scratch over the bytes on the wire.
 *
 * Only libc headers are included here (no <netinet/in.h>, which clashes with
 * <linux/in.h> depending on include order); callers use IPPROTO_* and AF_*
 * from whichever header they prefer.
 */
#ifndef __TEST_PKT_H
#define __TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>		/* AF_INET, AF_INET6 */

#define PKT_TCP_FIN	0x01
#define PKT_TCP_SYN	0x02
#define PKT_TCP_RST	0x04
#define PKT_TCP_PSH	0x08
#define PKT_TCP_ACK	0x10
#define PKT_TCP_URG	0x20

#define PKT_ETH_P_IP	0x0800
#define PKT_ETH_P_IPV6	0x86dd
#define PKT_ETH_P_8021Q	0x8100
#define PKT_ETH_P_8021AD 0x88a8

#define PKT_ETH_HLEN	14
#define PKT_MAX_VLANS	2
#define PKT_MAX_EXT	4

/*
 * Description of a packet to build.  All-zero is a valid starting point
 * (apart from family/proto); the pkt_spec_*() helpers below fill in sane
 * defaults.  Multi-byte values are in host byte order.
 */
struct pkt_spec {
	uint8_t src_mac[6], dst_mac[6];
	int nr_vlans;		/* 0, 1 (802.1Q) or 2 (802.1ad outer + 802.1Q inner) */
	uint16_t vlan_ids[2];	/* written verbatim as the TCI: VID in the low 12
				 * bits, PCP/DEI may be set in the top 4 bits */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint8_t ttl;		/* TTL / hop limit; 64 if 0 */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	uint32_t flow_label;	/* IPv6 only, low 20 bits */
	bool dont_frag;		/* IPv4 DF flag */
	uint16_t ip_id;		/* IPv4 id / IPv6 fragment header id */
	uint8_t ip_opts[40];	/* IPv4 options ... */
	int ip_opts_len;	/* ... length, a multiple of 4, at most 40 */
	int frag_offset;	/* fragment offset in bytes, a multiple of 8 */
	bool more_frags;	/* IPv4 MF / IPv6 M flag */
	bool ipv6_frag_hdr;	/* add an IPv6 fragment header (implied by
				 * frag_offset or more_frags on IPv6) */
	int nr_ext;		/* IPv6 extension headers (before the fragment
				 * header), each 8 bytes: ... */
	uint8_t ext_types[PKT_MAX_EXT]; /* ... 0 hop-by-hop, 60 dest opts
				 * (PadN), 43 routing (type 0, segments left 0) */
	int proto;		/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 or any other
				 * number (then the L4 is just the payload) */
	uint16_t sport, dport;	/* TCP/UDP ports */
	uint8_t tcp_flags;	/* PKT_TCP_* */
	uint32_t seq, ack;
	uint16_t tcp_window;	/* 0xffff if 0 */
	uint8_t tcp_opts[40];	/* TCP options ... */
	int tcp_opts_len;	/* ... length, a multiple of 4, at most 40 */
	bool udp_zero_csum;	/* send UDP with checksum 0 (legal on IPv4 only:
				 * on IPv6 this builds an invalid packet) */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest;	/* bytes 4-7 of the ICMP header, e.g. the MTU
				 * for frag-needed / packet-too-big, or
				 * id << 16 | seq for echo */
	const struct pkt_spec *inner; /* ICMP/ICMPv6 (or any non TCP/UDP proto):
				 * the body is this packet, built without L2,
				 * instead of the payload */
	size_t inner_trunc;	/* if > 0, embed at most this many bytes of it */
	size_t payload_len;	/* L4 payload bytes (any length) */
	uint8_t payload_seed;	/* payload byte i = seed + 7 * i ... */
	const void *payload_data; /* ... or, if set, these payload_len bytes */
	size_t pad_to;		/* pad the frame to at least this many bytes
				 * with 0xA5 beyond the IP packet */
};

/*
 * Fragments: a non-first fragment (frag_offset > 0) carries payload_len
 * payload bytes and no L4 header.  A first fragment (frag_offset 0 and
 * more_frags) carries the L4 header and payload_len payload bytes, and its
 * UDP length and TCP/UDP/ICMP checksum are computed as if these bytes were
 * the whole datagram; pkt_check() verifies first fragments under the same
 * convention (incremental checksum updates preserve it).
 */

/*
 * Writes a complete Ethernet frame with correct checksums (IPv4 header,
 * TCP/UDP/ICMP/ICMPv6 including pseudo-headers).  Returns the frame length,
 * or 0 if the spec is invalid or the frame does not fit in cap.
 */
size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s);
/* Same, from the IP header on (no L2, no padding). */
size_t pkt_build_l3(uint8_t *buf, size_t cap, const struct pkt_spec *s);

/* Parse a MAC "02:00:00:00:00:01" / an address for family; abort() on a
 * malformed string (they are test constants). */
void pkt_set_mac(uint8_t mac[6], const char *str);
void pkt_set_addr(uint8_t addr[16], int family, const char *str);

/*
 * Spec helpers: zero the spec, then set MACs 02:00:00:00:00:01 ->
 * 02:00:00:00:00:02, the addresses, ports and protocol.  TCP gets
 * PKT_TCP_SYN and seq 0x01020304.
 */
void pkt_spec_tcp4(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport);
void pkt_spec_udp4(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport);
void pkt_spec_tcp6(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport);
void pkt_spec_udp6(struct pkt_spec *s, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport);
/* ICMP echo request; id and seq go into icmp_rest. */
void pkt_spec_icmp4_echo(struct pkt_spec *s, const char *src, const char *dst,
			 uint16_t id, uint16_t seq);
void pkt_spec_icmp6_echo(struct pkt_spec *s, const char *src, const char *dst,
			 uint16_t id, uint16_t seq);
/* ICMP dest unreachable / frag needed (type 3 code 4) and ICMPv6 packet too
 * big (type 2) embedding inner (not copied: it must outlive the spec). */
void pkt_spec_icmp4_frag_needed(struct pkt_spec *s, const char *src,
				const char *dst, uint16_t mtu,
				const struct pkt_spec *inner);
void pkt_spec_icmp6_pkt_too_big(struct pkt_spec *s, const char *src,
				const char *dst, uint32_t mtu,
				const struct pkt_spec *inner);

/* What pkt_check() found.  Multi-byte values are in host byte order. */
struct pkt_info {
	int nr_vlans;
	uint16_t vlan_ids[2];	/* VID (TCI & 0xfff), outer first */
	uint16_t vlan_tci[2];	/* full TCI */
	uint16_t vlan_tpid[2];	/* 0x8100 / 0x88a8 */
	uint8_t src_mac[6], dst_mac[6];
	int family;		/* AF_INET / AF_INET6 */
	uint8_t src[16], dst[16];
	uint8_t ttl, tos;	/* TTL / hop limit, TOS / traffic class */
	int proto;		/* L4 protocol (after IPv6 extension headers) */
	uint16_t sport, dport;	/* TCP/UDP only; for ICMP errors the embedded
				 * packet's ports are in inner_* */
	bool is_frag;		/* MF set or offset != 0 */
	bool first_frag;	/* is_frag && offset == 0 */
	bool has_frag_hdr;	/* IPv6 fragment header present */
	uint16_t ip_id;		/* IPv4 id / low 16 bits of the IPv6 frag id */
	size_t l3_off, l4_off;	/* l4_off is 0 for non-first fragments */
	size_t ip_len;		/* IPv4 total length / 40 + IPv6 payload length */
	size_t l4_len;		/* ip_len - (l4_off - l3_off) */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	bool l4_csum_none;	/* IPv4 UDP with checksum 0 */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest;
	/* ICMP/ICMPv6 error: the embedded packet */
	bool has_inner;
	int inner_proto;
	uint8_t inner_src[16], inner_dst[16];
	uint16_t inner_sport, inner_dport; /* if inner_has_ports */
	bool inner_has_ports;
	bool inner_complete;	/* the whole embedded datagram is present */
	bool inner_l4_csum_ok;	/* inner_complete, and its TCP/UDP/ICMP
				 * checksum is valid (UDP 0 on IPv4 counts) */
};

/*
 * Parses the frame and verifies: the IPv4 header checksum (whole IHL); the
 * L4 checksum (TCP/UDP with pseudo-header over the length given by the IP
 * header, not the frame; IPv4 UDP checksum 0 is accepted as 'none', IPv6
 * UDP checksum 0 is an error; ICMP over the ICMP message; ICMPv6 with
 * pseudo-header); the UDP length against the IP length; for ICMP errors the
 * embedded IP header (checksum, and its L4 ports).  Non-first fragments:
 * only the IP header is checked.  A checksum is valid when the ones'
 * complement sum over the covered bytes is 0xffff, as receivers check it.
 * Bytes past the IP length (Ethernet padding) are ignored.
 *
 * Returns 0 if everything is valid, else -1 with a human-readable reason in
 * err (naming the checksum, e.g. "TCP checksum ...").  info (may be NULL) is
 * filled as far as parsing got.  Never reads frame[len] or beyond.
 */
int pkt_check(const uint8_t *frame, size_t len, struct pkt_info *info,
	      char *err, size_t errlen);

/* Hex dump to stderr, and a diff printing every 16-byte row that differs
 * (want and got side by side, '^^' under the differing bytes). */
void pkt_hexdump(const char *title, const uint8_t *buf, size_t len);
void pkt_diff(const uint8_t *want, size_t wlen, const uint8_t *got, size_t glen);

/*
 * Internet checksum (RFC 1071) the straightforward way: 16-bit big-endian
 * words summed into a 64-bit accumulator, a trailing odd byte is the high
 * byte of a word padded with zero, carries folded at the end.
 *
 * pkt_csum_add() accumulates; only the last chunk may have an odd length.
 * pkt_csum_fold() folds the carries (no complement).
 * pkt_csum_full() is the checksum of a buffer: ~fold(sum), the value to store
 * big-endian in the checksum field (which must be zero in data).
 * pkt_csum_pseudo() is the unfolded sum of the TCP/UDP/ICMPv6 pseudo-header
 * (family AF_INET: 12 bytes; AF_INET6: 40 bytes).
 * pkt_csum_l4() is the checksum of an L4 segment with its pseudo-header
 * (checksum field must be zero in l4).
 */
uint64_t pkt_csum_add(uint64_t sum, const void *data, size_t len);
uint16_t pkt_csum_fold(uint64_t sum);
uint16_t pkt_csum_full(const void *data, size_t len);
uint64_t pkt_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			 int proto, size_t l4_len);
uint16_t pkt_csum_l4(int family, const uint8_t *src, const uint8_t *dst,
		     int proto, const void *l4, size_t l4_len);

#endif /* __TEST_PKT_H */
