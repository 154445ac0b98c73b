/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data-plane tests: the real xdp_lb object, loaded from its skeleton, runs
 * crafted packets through BPF_PROG_TEST_RUN (repeat = 1, so every run sees
 * the input it was given). Outputs are checked three ways: the verdict,
 * every checksum recomputed from scratch by tests/lib (which shares no code
 * with the data plane), and the exact bytes of an expected packet built
 * independently by the same packet builder.
 *
 * The test process runs in its own network namespace with two veth pairs
 * and permanent neighbours, so the FIB lookups are real and deterministic.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_lb.skel.h"
#include "lbmaps.h"
#include "lib/pkt.h"
#include "bpf/fixture.h"

#define MAC_CLIENT "de:ad:be:ef:00:01"

struct env {
	struct xdp_lb *skel;
	struct lb_maps maps;
	int prog_fd;
};

static struct env E;

static const char *mac_of(int last)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "de:ad:be:ef:00:%02x", last);
	return buf[i];
}

static void seed_key(__u32 key[4], __u32 seed)
{
	key[0] = seed;
	key[1] = 0x01234567;
	key[2] = 0x89abcdef;
	key[3] = 0x0badcafe;
}

/* connection-table size of the next lb_load() */
static __u32 ct_entries = 4096;

static int lb_load(struct env *e, __u32 seed)
{
	struct lb_config cfg;

	e->skel = fixture_lb_load(ct_entries, 0);
	if (!e->skel)
		return -1;
	e->prog_fd = bpf_program__fd(e->skel->progs.xdp_lb);
	if (lb_maps_from_object(e->skel->obj, &e->maps))
		return -1;
	lb_config_default(&cfg);
	seed_key(cfg.hash_key, seed);
	return lb_config_set(&e->maps, &cfg);
}

static int test_setup(void **state)
{
	return lb_load(&E, 42);
}

static int test_teardown(void **state)
{
	xdp_lb__destroy(E.skel);
	E.skel = NULL;
	return 0;
}

/* ---- configuration helpers ---- */

static void parse_addr(const char *s, __u8 *family, union lb_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		*family = LB_AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, s, a->bytes), 1);
	*family = LB_AF_INET6;
}

static struct lb_vip_key vkey(const char *addr, uint16_t port, int proto)
{
	struct lb_vip_key k;

	memset(&k, 0, sizeof(k));
	parse_addr(addr, &k.family, &k.addr);
	k.port = htons(port);
	k.proto = proto;
	return k;
}

static void add_vip(struct env *e, const char *addr, uint16_t port, int proto)
{
	struct lb_vip_key k = vkey(addr, port, proto);

	/* SNAT address = the VIP address, as the command's default */
	assert_int_equal(lb_vip_set(&e->maps, &k, &k.addr, 0), 0);
}

static void set_backend(struct env *e, const char *vip, uint16_t port, int proto,
			const char *addr, uint16_t be_port, __u32 weight)
{
	struct lb_vip_key k = vkey(vip, port, proto);
	struct lb_backend_spec s;

	memset(&s, 0, sizeof(s));
	parse_addr(addr, &s.family, &s.addr);
	s.port = htons(be_port);
	s.weight = weight;
	assert_int_equal(lb_backend_set(&e->maps, &k, &s, false), 0);
}

static void remove_backend(struct env *e, const char *vip, uint16_t port,
			   int proto, const char *addr)
{
	struct lb_vip_key k = vkey(vip, port, proto);
	union lb_addr a;
	__u8 fam;

	parse_addr(addr, &fam, &a);
	assert_int_equal(lb_backend_remove(&e->maps, &k, fam, &a), 0);
}

/* The usual VIPs: 10.0.0.10:80 and [fd00::a]:80, tcp and udp, two backends. */
static void std_config(struct env *e)
{
	int protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	int i;

	for (i = 0; i < 2; i++) {
		add_vip(e, "10.0.0.10", 80, protos[i]);
		set_backend(e, "10.0.0.10", 80, protos[i], "10.0.0.2", 0, 1);
		set_backend(e, "10.0.0.10", 80, protos[i], "10.0.0.3", 0, 1);
		add_vip(e, "fd00::a", 80, protos[i]);
		set_backend(e, "fd00::a", 80, protos[i], "fd00::2", 0, 1);
		set_backend(e, "fd00::a", 80, protos[i], "fd00::3", 0, 1);
	}
}

static __u64 stat_get(struct env *e, int idx)
{
	__u64 s[LB_STAT_SLOTS];

	assert_int_equal(lb_stats_read(&e->maps, s), 0);
	return s[idx];
}

/* ---- packets ---- */

static void spec_flow(struct pkt_spec *s, int proto, const char *src,
		      uint16_t sport, const char *dst, uint16_t dport)
{
	memset(s, 0, sizeof(*s));
	if (strchr(src, ':')) {
		if (proto == IPPROTO_TCP)
			pkt_spec_tcp6(s, src, sport, dst, dport);
		else
			pkt_spec_udp6(s, src, sport, dst, dport);
	} else {
		if (proto == IPPROTO_TCP)
			pkt_spec_tcp4(s, src, sport, dst, dport);
		else
			pkt_spec_udp4(s, src, sport, dst, dport);
	}
	if (proto == IPPROTO_TCP)
		s->tcp_flags = 0x02; /* SYN */
	s->payload_len = 37;
	s->payload_seed = 3;
}

/* A client packet: from the client's MAC to the balancer's. */
static void spec_client(struct pkt_spec *s, int proto, const char *src,
			uint16_t sport, const char *dst, uint16_t dport)
{
	spec_flow(s, proto, src, sport, dst, dport);
	pkt_set_mac(s->src_mac, MAC_CLIENT);
	pkt_set_mac(s->dst_mac, MAC_LB);
}

static __u32 run_raw(struct env *e, const uint8_t *in, size_t len,
		     uint8_t *out, size_t *out_len, int ifindex)
{
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = 4096,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	int err;

	err = bpf_prog_test_run_opts(e->prog_fd, &opts);
	assert_int_equal(err, 0);
	*out_len = opts.data_size_out;
	return opts.retval;
}

struct result {
	__u32 act;
	uint8_t in[4096];
	size_t in_len;
	uint8_t out[4096];
	size_t out_len;
	struct pkt_info info;
};

static void run_spec(struct env *e, const struct pkt_spec *s, struct result *r)
{
	r->in_len = pkt_build(r->in, sizeof(r->in), s);
	assert_true(r->in_len > 0);
	r->act = run_raw(e, r->in, r->in_len, r->out, &r->out_len, ifindex_lb);
}

/* Output must carry valid checksums everywhere. */
static void assert_valid(struct result *r)
{
	char err[256] = "";

	if (pkt_check(r->out, r->out_len, &r->info, err, sizeof(err))) {
		pkt_hexdump("output", r->out, r->out_len);
		fail_msg("invalid output packet: %s", err);
	}
}

static void assert_bytes(const struct result *r, const struct pkt_spec *want)
{
	uint8_t buf[4096];
	size_t len = pkt_build(buf, sizeof(buf), want);

	assert_true(len > 0);
	if (len != r->out_len || memcmp(buf, r->out, len)) {
		pkt_diff(buf, len, r->out, r->out_len);
		fail_msg("output differs from the expected packet");
	}
}

static void assert_pass_untouched(struct env *e, const struct pkt_spec *s)
{
	struct result r;

	run_spec(e, s, &r);
	assert_int_equal(r.act, XDP_PASS);
	assert_int_equal(r.out_len, r.in_len);
	assert_memory_equal(r.out, r.in, r.in_len);
}

static struct lb_flow_key fkey(int proto, const char *src, uint16_t sport,
			       const char *dst, uint16_t dport)
{
	struct lb_flow_key k;

	memset(&k, 0, sizeof(k));
	parse_addr(src, &k.family, &k.src);
	parse_addr(dst, &k.family, &k.dst);
	k.sport = htons(sport);
	k.dport = htons(dport);
	k.proto = proto;
	return k;
}

static int ct_get(struct env *e, const struct lb_flow_key *k, struct lb_ct_fwd *ct)
{
	return bpf_map_lookup_elem(e->maps.fd[LB_MI_CT_FWD], k, ct);
}

static void addr_to_str(__u8 family, const union lb_addr *a, char *buf)
{
	inet_ntop(family == LB_AF_INET ? AF_INET : AF_INET6, a, buf, 64);
}

static void set_addr(struct pkt_spec *s, uint8_t *field, __u8 family,
		     const union lb_addr *a)
{
	(void)s;
	memcpy(field, a->bytes, family == LB_AF_INET ? 4 : 16);
}

/*
 * Sends the client packet s (client -> VIP) and checks the translation
 * against the connection-table entry it created or used: returns it.
 */
static struct lb_ct_fwd forward(struct env *e, const struct pkt_spec *s,
				__u32 want_act)
{
	struct lb_flow_key k;
	struct lb_ct_fwd ct;
	struct pkt_spec want = *s;
	char be[64];
	struct result r;
	int proto = s->proto;
	char src[64], dst[64];

	run_spec(e, s, &r);
	if (r.act != want_act) {
		pkt_hexdump("input", r.in, r.in_len);
		fail_msg("verdict %u, want %u", r.act, want_act);
	}
	inet_ntop(s->family, s->src, src, sizeof(src));
	inet_ntop(s->family, s->dst, dst, sizeof(dst));
	k = fkey(proto, src, s->sport, dst, s->dport);
	assert_int_equal(ct_get(e, &k, &ct), 0);
	addr_to_str(k.family, &ct.backend, be);

	assert_valid(&r);
	set_addr(&want, want.src, k.family, &ct.snat);
	set_addr(&want, want.dst, k.family, &ct.backend);
	want.sport = ntohs(ct.snat_port);
	want.dport = ntohs(ct.backend_port);
	memcpy(want.src_mac, ct.to_backend.smac, 6);
	memcpy(want.dst_mac, ct.to_backend.dmac, 6);
	assert_bytes(&r, &want);
	/* the next hop came from the kernel's neighbour table */
	if (want_act == XDP_TX) {
		uint8_t lbmac[6], bemac[6];
		int last;

		pkt_set_mac(lbmac, MAC_LB);
		assert_memory_equal(r.out + 6, lbmac, 6);
		last = k.family == LB_AF_INET ? ct.backend.bytes[3] : ct.backend.bytes[15];
		pkt_set_mac(bemac, mac_of(last));
		assert_memory_equal(r.out, bemac, 6);
	}
	assert_in_range(ntohs(ct.snat_port), LB_SNAT_PORT_MIN_DEFAULT,
			LB_SNAT_PORT_MAX_DEFAULT);
	return ct;
}

/* A reply from the backend of ct to the client flow described by s. */
static void reply(struct env *e, const struct pkt_spec *s,
		  const struct lb_ct_fwd *ct, __u32 want_act)
{
	struct pkt_spec rs = *s, want;
	struct result r;
	__u8 family = s->family == AF_INET ? LB_AF_INET : LB_AF_INET6;
	int last;

	set_addr(&rs, rs.src, family, &ct->backend);
	set_addr(&rs, rs.dst, family, &ct->snat);
	rs.sport = ntohs(ct->backend_port);
	rs.dport = ntohs(ct->snat_port);
	if (s->proto == IPPROTO_TCP)
		rs.tcp_flags = 0x12; /* SYN|ACK */
	rs.payload_len = 101;
	last = family == LB_AF_INET ? ct->backend.bytes[3] : ct->backend.bytes[15];
	pkt_set_mac(rs.src_mac, mac_of(last));
	pkt_set_mac(rs.dst_mac, MAC_LB);

	run_spec(e, &rs, &r);
	assert_int_equal(r.act, want_act);
	if (want_act != XDP_TX)
		return;
	assert_valid(&r);
	want = rs;
	memcpy(want.src, s->dst, 16);
	memcpy(want.dst, s->src, 16);
	want.sport = s->dport;
	want.dport = s->sport;
	pkt_set_mac(want.src_mac, MAC_LB);
	pkt_set_mac(want.dst_mac, MAC_CLIENT);
	assert_bytes(&r, &want);
}

/* ---- tests ---- */

static void flow_and_reply(int proto, const char *client, const char *vip)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct1, ct2;

	std_config(&E);
	spec_client(&s, proto, client, 40000, vip, 80);
	ct1 = forward(&E, &s, XDP_TX);
	assert_int_equal(stat_get(&E, LB_STAT_FLOW_NEW), 1);

	/* established: same backend, same SNAT port, odd-length payload */
	if (proto == IPPROTO_TCP)
		s.tcp_flags = 0x10;
	s.payload_len = 333;
	ct2 = forward(&E, &s, XDP_TX);
	assert_memory_equal(&ct1.backend, &ct2.backend, sizeof(ct1.backend));
	assert_int_equal(ct1.snat_port, ct2.snat_port);
	assert_int_equal(stat_get(&E, LB_STAT_FLOW_NEW), 1);

	reply(&E, &s, &ct1, XDP_TX);
	assert_int_equal(stat_get(&E, LB_STAT_TX), 3);
}

static void test_v4_tcp(void **state)
{
	flow_and_reply(IPPROTO_TCP, "10.0.0.1", "10.0.0.10");
}

static void test_v4_udp(void **state)
{
	flow_and_reply(IPPROTO_UDP, "10.0.0.1", "10.0.0.10");
}

static void test_v6_tcp(void **state)
{
	flow_and_reply(IPPROTO_TCP, "fd00::1", "fd00::a");
}

static void test_v6_udp(void **state)
{
	flow_and_reply(IPPROTO_UDP, "fd00::1", "fd00::a");
}

static void test_v4_udp_zero_checksum(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct;
	struct result r;

	std_config(&E);
	spec_client(&s, IPPROTO_UDP, "10.0.0.1", 5353, "10.0.0.10", 80);
	s.udp_zero_csum = true;
	ct = forward(&E, &s, XDP_TX);
	run_spec(&E, &s, &r);
	/* the UDP checksum field stays 0: 14 + 20 + 6 */
	assert_int_equal(r.out[40], 0);
	assert_int_equal(r.out[41], 0);
	reply(&E, &s, &ct, XDP_TX);
}

static void test_non_vip_pass(void **state)
{
	struct pkt_spec s;
	uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			    0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x08, 0x06,
			    0, 1, 8, 0, 6, 4, 0, 1 };
	uint8_t out[4096];
	size_t out_len;

	std_config(&E);
	/* another port of the VIP address (SSH to the host) */
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.10", 22);
	assert_pass_untouched(&E, &s);
	/* other destinations */
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.3", 80);
	assert_pass_untouched(&E, &s);
	spec_client(&s, IPPROTO_UDP, "fd00::1", 40000, "fd00::3", 80);
	assert_pass_untouched(&E, &s);
	/* ICMP echo to the VIP address */
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 0, "10.0.0.10", 0);
	s.proto = IPPROTO_ICMP;
	s.icmp_type = 8;
	assert_pass_untouched(&E, &s);
	/* a "reply" from a backend to the SNAT address that matches no flow */
	spec_client(&s, IPPROTO_TCP, "10.0.0.2", 80, "10.0.0.10", 2000);
	assert_pass_untouched(&E, &s);
	/* ARP */
	assert_int_equal(run_raw(&E, arp, sizeof(arp), out, &out_len, ifindex_lb), XDP_PASS);
	assert_memory_equal(out, arp, sizeof(arp));
	assert_int_equal(stat_get(&E, LB_STAT_PASS), 6);
	assert_int_equal(stat_get(&E, LB_STAT_TX), 0);
	assert_int_equal(stat_get(&E, LB_STAT_PASS_NOT_IP), 1);
}

static void truncate_all(struct pkt_spec *s)
{
	uint8_t in[4096], out[4096];
	size_t len, out_len, cut;
	__u32 act;

	len = pkt_build(in, sizeof(in), s);
	assert_true(len > 14);
	for (cut = 14; cut < len; cut++) {
		act = run_raw(&E, in, cut, out, &out_len, ifindex_lb);
		if (act != XDP_PASS || out_len != cut || memcmp(in, out, cut))
			fail_msg("frame cut to %zu of %zu bytes: verdict %u", cut, len, act);
	}
}

static void test_truncated_every_offset(void **state)
{
	struct pkt_spec s;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.10", 80);
	truncate_all(&s);
	spec_client(&s, IPPROTO_UDP, "10.0.0.1", 40000, "10.0.0.10", 80);
	s.nr_vlans = 1;
	s.vlan_ids[0] = 7;
	s.ip_opts_len = 8;
	memset(s.ip_opts, 1, 8); /* NOPs */
	truncate_all(&s);
	spec_client(&s, IPPROTO_TCP, "fd00::1", 40000, "fd00::a", 80);
	s.nr_ext = 2;
	s.ext_types[0] = 0;
	s.ext_types[1] = 60;
	truncate_all(&s);
	assert_int_equal(stat_get(&E, LB_STAT_TX), 0);
	assert_int_equal(stat_get(&E, LB_STAT_FLOW_NEW), 0);
}

static void test_ipv4_options(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct;
	const uint8_t opts[8] = { 0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00 };

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 40001, "10.0.0.10", 80);
	memcpy(s.ip_opts, opts, sizeof(opts)); /* router alert + NOPs + EOL */
	s.ip_opts_len = 8;
	ct = forward(&E, &s, XDP_TX);
	reply(&E, &s, &ct, XDP_TX);
}

static void test_vlan(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 40002, "10.0.0.10", 80);
	s.nr_vlans = 1;
	s.vlan_ids[0] = 100;
	ct = forward(&E, &s, XDP_TX);
	reply(&E, &s, &ct, XDP_TX);
	spec_client(&s, IPPROTO_UDP, "fd00::1", 40003, "fd00::a", 80);
	s.nr_vlans = 2;
	s.vlan_ids[0] = 10;
	s.vlan_ids[1] = 20;
	forward(&E, &s, XDP_TX);
}

static void test_padded_and_odd_lengths(void **state)
{
	static const size_t lens[] = { 0, 1, 2, 3, 5, 7, 9, 1399 };
	struct pkt_spec s;
	struct lb_ct_fwd ct;
	size_t i;

	std_config(&E);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		spec_client(&s, i % 2 ? IPPROTO_UDP : IPPROTO_TCP, "10.0.0.1",
			    41000 + i, "10.0.0.10", 80);
		s.payload_len = lens[i];
		s.pad_to = 60; /* short frames carry non-zero Ethernet padding */
		ct = forward(&E, &s, XDP_TX);
		reply(&E, &s, &ct, XDP_TX);
	}
}

static void test_ipv6_extension_headers(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "fd00::1", 40010, "fd00::a", 80);
	s.nr_ext = 3;
	s.ext_types[0] = 0;   /* hop-by-hop */
	s.ext_types[1] = 43;  /* routing */
	s.ext_types[2] = 60;  /* destination options */
	ct = forward(&E, &s, XDP_TX);
	reply(&E, &s, &ct, XDP_TX);
}

/* All fragments of one datagram take the translation of the first. */
static void fragments(const char *client, const char *vip)
{
	struct pkt_spec first, later, want;
	struct lb_ct_fwd ct;
	struct result r;
	__u8 family;

	std_config(&E);
	spec_client(&first, IPPROTO_UDP, client, 5000, vip, 80);
	first.ip_id = 0x1234;
	first.more_frags = true;
	first.ipv6_frag_hdr = first.family == AF_INET6;
	first.payload_len = 64;
	ct = forward(&E, &first, XDP_TX);
	assert_int_equal(stat_get(&E, LB_STAT_FRAG_TRACKED), 1);

	later = first;
	later.more_frags = false;
	later.frag_offset = 72; /* UDP header + 64 bytes */
	later.payload_len = 40;
	run_spec(&E, &later, &r);
	assert_int_equal(r.act, XDP_TX);
	assert_valid(&r);
	family = first.family == AF_INET ? LB_AF_INET : LB_AF_INET6;
	want = later;
	set_addr(&want, want.src, family, &ct.snat);
	set_addr(&want, want.dst, family, &ct.backend);
	memcpy(want.src_mac, ct.to_backend.smac, 6);
	memcpy(want.dst_mac, ct.to_backend.dmac, 6);
	assert_bytes(&r, &want);

	/* a later fragment of a datagram we never saw goes to the stack */
	later.ip_id = 0x4321;
	assert_pass_untouched(&E, &later);
	assert_int_equal(stat_get(&E, LB_STAT_PASS_FRAG_UNKNOWN), 1);
}

static void test_fragments_v4(void **state)
{
	fragments("10.0.0.1", "10.0.0.10");
}

static void test_fragments_v6(void **state)
{
	fragments("fd00::1", "fd00::a");
}

/*
 * An ICMP error quoting a packet xdp-lb sent is translated like its flow:
 * from the client side it reaches the backend, from the backend side the
 * client; the quoted headers are translated back to what that side sent.
 */
static void icmp_errors(const char *client, const char *vip)
{
	struct pkt_spec s, inner, icmp, want, want_inner;
	struct lb_ct_fwd ct;
	struct result r;
	bool v6 = strchr(client, ':') != NULL;
	__u8 family = v6 ? LB_AF_INET6 : LB_AF_INET;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, client, 40020, vip, 80);
	ct = forward(&E, &s, XDP_TX);

	/* client side: "fragmentation needed" about our VIP -> client packet */
	spec_flow(&inner, IPPROTO_TCP, vip, 80, client, 40020);
	inner.tcp_flags = 0x10;
	inner.payload_len = 1400;
	spec_client(&icmp, IPPROTO_TCP, client, 0, vip, 0);
	icmp.proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	icmp.icmp_type = v6 ? 2 : 3;
	icmp.icmp_code = v6 ? 0 : 4;
	icmp.icmp_rest = v6 ? 1280 : 1400;
	icmp.inner = &inner;
	icmp.inner_trunc = v6 ? 1232 : 548;
	icmp.payload_len = 0;
	run_spec(&E, &icmp, &r);
	assert_int_equal(r.act, XDP_TX);
	assert_valid(&r);
	want_inner = inner;
	set_addr(&want_inner, want_inner.src, family, &ct.backend);
	set_addr(&want_inner, want_inner.dst, family, &ct.snat);
	want_inner.sport = ntohs(ct.backend_port);
	want_inner.dport = ntohs(ct.snat_port);
	want = icmp;
	want.inner = &want_inner;
	set_addr(&want, want.src, family, &ct.snat);
	set_addr(&want, want.dst, family, &ct.backend);
	memcpy(want.src_mac, ct.to_backend.smac, 6);
	memcpy(want.dst_mac, ct.to_backend.dmac, 6);
	assert_bytes(&r, &want);
	assert_int_equal(stat_get(&E, LB_STAT_ICMP_TO_BACKEND), 1);

	/* backend side: "unreachable" about our SNAT -> backend packet */
	reply(&E, &s, &ct, XDP_TX);
	memset(&inner, 0, sizeof(inner));
	spec_flow(&inner, IPPROTO_TCP, client, 1, vip, 1);
	set_addr(&inner, inner.src, family, &ct.snat);
	set_addr(&inner, inner.dst, family, &ct.backend);
	inner.sport = ntohs(ct.snat_port);
	inner.dport = ntohs(ct.backend_port);
	inner.tcp_flags = 0x10;
	icmp.inner = &inner;
	icmp.inner_trunc = 28 + (v6 ? 20 : 0); /* the minimum quote: ports only */
	set_addr(&icmp, icmp.src, family, &ct.backend);
	set_addr(&icmp, icmp.dst, family, &ct.snat);
	icmp.icmp_type = v6 ? 1 : 3;
	icmp.icmp_code = v6 ? 4 : 3;
	icmp.icmp_rest = 0;
	run_spec(&E, &icmp, &r);
	assert_int_equal(r.act, XDP_TX);
	assert_valid(&r);
	/* the quote becomes what the client sent: client -> VIP */
	want_inner = inner;
	memcpy(want_inner.src, s.src, 16);
	memcpy(want_inner.dst, s.dst, 16);
	want_inner.sport = 40020;
	want_inner.dport = 80;
	want = icmp;
	want.inner = &want_inner;
	memcpy(want.src, s.dst, 16);
	memcpy(want.dst, s.src, 16);
	pkt_set_mac(want.src_mac, MAC_LB);
	pkt_set_mac(want.dst_mac, MAC_CLIENT);
	assert_bytes(&r, &want);
	assert_int_equal(stat_get(&E, LB_STAT_ICMP_TO_CLIENT), 1);

	/* an error quoting a flow we do not know passes untouched */
	inner.sport = 1;
	assert_pass_untouched(&E, &icmp);
}

static void test_icmp_errors_v4(void **state)
{
	icmp_errors("10.0.0.1", "10.0.0.10");
}

static void test_icmp_errors_v6(void **state)
{
	icmp_errors("fd00::1", "fd00::a");
}

static void test_established_survives_backend_add(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd a, b;
	int i;

	std_config(&E);
	for (i = 0; i < 20; i++) {
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", 42000 + i, "10.0.0.10", 80);
		a = forward(&E, &s, XDP_TX);
		set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.4", 0, 1 + i);
		s.tcp_flags = 0x10;
		b = forward(&E, &s, XDP_TX);
		assert_memory_equal(&a.backend, &b.backend, sizeof(a.backend));
		assert_int_equal(a.snat_port, b.snat_port);
		remove_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.4");
	}
}

static void test_drain_keeps_flows_gets_no_new(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd a, b;
	char drained[64];
	int i, to_drained = 0;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 43000, "10.0.0.10", 80);
	a = forward(&E, &s, XDP_TX);
	addr_to_str(LB_AF_INET, &a.backend, drained);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, drained, 0, 0);

	s.tcp_flags = 0x10;
	b = forward(&E, &s, XDP_TX);
	assert_memory_equal(&a.backend, &b.backend, sizeof(a.backend));
	reply(&E, &s, &a, XDP_TX);

	for (i = 1; i <= 200; i++) {
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", 43000 + i, "10.0.0.10", 80);
		b = forward(&E, &s, XDP_TX);
		to_drained += !memcmp(&a.backend, &b.backend, sizeof(a.backend));
	}
	assert_int_equal(to_drained, 0);
}

static void test_removed_backend_rebalanced(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd a, b;
	char gone[64];

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 44000, "10.0.0.10", 80);
	a = forward(&E, &s, XDP_TX);
	addr_to_str(LB_AF_INET, &a.backend, gone);
	remove_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, gone);

	s.tcp_flags = 0x10;
	b = forward(&E, &s, XDP_TX);
	assert_memory_not_equal(&a.backend, &b.backend, sizeof(a.backend));
	assert_int_equal(stat_get(&E, LB_STAT_FLOW_REBALANCED), 1);
	/* the old backend's late replies are no longer translated */
	reply(&E, &s, &a, XDP_PASS);
	reply(&E, &s, &b, XDP_TX);
}

struct churn_arg {
	struct env *e;
	volatile int done;
};

/* Removes and re-adds 10.0.0.3 while the main thread opens flows. */
static void *churn_backend(void *p)
{
	struct churn_arg *a = p;
	int i;

	for (i = 0; i < 200; i++) {
		remove_backend(a->e, "10.0.0.10", 80, IPPROTO_UDP, "10.0.0.3");
		set_backend(a->e, "10.0.0.10", 80, IPPROTO_UDP, "10.0.0.2", 0, 1);
		set_backend(a->e, "10.0.0.10", 80, IPPROTO_UDP, "10.0.0.3", 0, 1);
	}
	a->done = 1;
	return NULL;
}

/*
 * A backend leaves the table before it is gone: new flows that arrive
 * while it is removed never meet a table slot that names no backend.
 */
static void test_removal_never_drops_new_flows(void **state)
{
	struct churn_arg a = { .e = &E };
	struct pkt_spec s;
	struct result r;
	pthread_t t;
	int n = 0;

	std_config(&E);
	assert_int_equal(pthread_create(&t, NULL, churn_backend, &a), 0);
	/* 1000 flows round and round: new ones, then re-balanced ones */
	while (!a.done && n < 2000000) {
		spec_client(&s, IPPROTO_UDP, "10.0.0.1", 1024 + n % 1000, "10.0.0.10", 80);
		run_spec(&E, &s, &r);
		if (r.act != XDP_TX)
			break;
		n++;
	}
	pthread_join(t, NULL);
	if (r.act != XDP_TX)
		fail_msg("packet %d: verdict %u; drops: no backend %llu, no table %llu, "
			 "ports %llu, fib %llu", n, r.act,
			 (unsigned long long)stat_get(&E, LB_STAT_DROP_NO_BACKEND),
			 (unsigned long long)stat_get(&E, LB_STAT_DROP_RING_MISSING),
			 (unsigned long long)stat_get(&E, LB_STAT_DROP_PORTS_EXHAUSTED),
			 (unsigned long long)stat_get(&E, LB_STAT_DROP_FIB));
	print_message("%d packets during 200 removals\n", n);
	assert_int_equal(stat_get(&E, LB_STAT_DROP_NO_BACKEND), 0);
	assert_true(n > 200);
}

static void test_ports_exhausted(void **state)
{
	struct lb_config cfg;
	struct pkt_spec s[3];
	struct lb_ct_fwd ct[2];
	struct result r;
	int i;

	assert_int_equal(lb_config_get(&E.maps, &cfg), 0);
	cfg.port_min = 2000;
	cfg.port_max = 2001;
	assert_int_equal(lb_config_set(&E.maps, &cfg), 0);
	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.2", 0, 1);

	for (i = 0; i < 3; i++)
		spec_client(&s[i], IPPROTO_TCP, "10.0.0.1", 45000 + i, "10.0.0.10", 80);
	ct[0] = forward(&E, &s[0], XDP_TX);
	ct[1] = forward(&E, &s[1], XDP_TX);
	assert_int_not_equal(ct[0].snat_port, ct[1].snat_port);
	run_spec(&E, &s[2], &r);
	assert_int_equal(r.act, XDP_DROP);
	assert_int_equal(stat_get(&E, LB_STAT_DROP_PORTS_EXHAUSTED), 1);
	/* the two flows that got ports still get their own replies */
	reply(&E, &s[0], &ct[0], XDP_TX);
	reply(&E, &s[1], &ct[1], XDP_TX);
}

/*
 * A SNAT port equal to an exact VIP port on the same address would make
 * the backend's replies look like new clients of that VIP: never allocated.
 */
static void test_snat_skips_vip_ports(void **state)
{
	struct lb_config cfg;
	struct pkt_spec s;
	struct lb_ct_fwd ct;
	struct result r;

	assert_int_equal(lb_config_get(&E.maps, &cfg), 0);
	cfg.port_min = 8000;
	cfg.port_max = 8001;
	assert_int_equal(lb_config_set(&E.maps, &cfg), 0);
	add_vip(&E, "10.0.0.10", 8000, IPPROTO_TCP);
	set_backend(&E, "10.0.0.10", 8000, IPPROTO_TCP, "10.0.0.2", 0, 1);

	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 45100, "10.0.0.10", 8000);
	ct = forward(&E, &s, XDP_TX);
	assert_int_equal(ntohs(ct.snat_port), 8001);
	reply(&E, &s, &ct, XDP_TX);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 45101, "10.0.0.10", 8000);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_DROP);
	assert_int_equal(stat_get(&E, LB_STAT_DROP_PORTS_EXHAUSTED), 1);
}

static void test_no_backend(void **state)
{
	struct pkt_spec s;
	struct result r;

	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 46000, "10.0.0.10", 80);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_DROP);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.2", 0, 0);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_DROP);
	assert_int_equal(stat_get(&E, LB_STAT_DROP_NO_BACKEND), 2);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.2", 0, 5);
	forward(&E, &s, XDP_TX);
}

static void test_static_mac(void **state)
{
	struct lb_vip_key k = vkey("10.0.0.10", 80, IPPROTO_TCP);
	struct lb_backend_spec bs;
	struct pkt_spec s;
	struct result r;
	uint8_t mac[6];

	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	memset(&bs, 0, sizeof(bs));
	parse_addr("10.0.0.5", &bs.family, &bs.addr); /* no neighbour entry */
	bs.weight = 1;
	bs.has_mac = true;
	pkt_set_mac(bs.mac, "02:00:00:00:00:05");
	assert_int_equal(lb_backend_set(&E.maps, &k, &bs, true), 0);
	assert_int_equal(lb_backend_set(&E.maps, &k, &bs, true), -EEXIST);

	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 47000, "10.0.0.10", 80);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_TX);
	assert_valid(&r);
	assert_memory_equal(r.out, bs.mac, 6);
	pkt_set_mac(mac, MAC_LB); /* the MAC the client sent to */
	assert_memory_equal(r.out + 6, mac, 6);
	assert_int_equal(stat_get(&E, LB_STAT_FIB_LOOKUP), 0);
}

static void test_unresolved_neighbour_passes(void **state)
{
	struct pkt_spec s;
	struct result r;

	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.5", 0, 1);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 48000, "10.0.0.10", 80);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_PASS);
	assert_valid(&r);
	/* translated, handed to the stack to resolve the neighbour */
	assert_memory_equal(r.info.dst, ((uint8_t[]){ 10, 0, 0, 5 }), 4);
	assert_int_equal(stat_get(&E, LB_STAT_PASS_NO_NEIGH), 1);
}

static void test_redirect_other_interface(void **state)
{
	struct pkt_spec s;
	struct result r;
	uint8_t mac[6];

	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.1.0.2", 8080, 1);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 49000, "10.0.0.10", 80);
	run_spec(&E, &s, &r);
	assert_int_equal(r.act, XDP_REDIRECT);
	assert_valid(&r);
	assert_int_equal(r.info.dport, 8080);
	pkt_set_mac(mac, "de:ad:be:ef:01:02");
	assert_memory_equal(r.out, mac, 6);
	pkt_set_mac(mac, MAC_OTHER);
	assert_memory_equal(r.out + 6, mac, 6);
}

static void test_wildcard_port_vip(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd ct;

	add_vip(&E, "10.0.0.10", 0, IPPROTO_UDP);
	set_backend(&E, "10.0.0.10", 0, IPPROTO_UDP, "10.0.0.2", 0, 1);
	spec_client(&s, IPPROTO_UDP, "10.0.0.1", 50000, "10.0.0.10", 5353);
	ct = forward(&E, &s, XDP_TX);
	assert_int_equal(ntohs(ct.backend_port), 5353);
	reply(&E, &s, &ct, XDP_TX);
	/* TCP to the same address is not covered by a UDP VIP */
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 50000, "10.0.0.10", 5353);
	assert_pass_untouched(&E, &s);
}

static void test_tcp_close_and_reuse(void **state)
{
	struct pkt_spec s;
	struct lb_ct_fwd a, b;

	std_config(&E);
	spec_client(&s, IPPROTO_TCP, "10.0.0.1", 51000, "10.0.0.10", 80);
	a = forward(&E, &s, XDP_TX);
	reply(&E, &s, &a, XDP_TX);
	s.tcp_flags = 0x11; /* FIN|ACK */
	b = forward(&E, &s, XDP_TX);
	assert_true(b.state & LB_CT_F_FIN_CLIENT);
	assert_true(b.state & LB_CT_F_REPLIED);
	s.tcp_flags = 0x04; /* RST */
	b = forward(&E, &s, XDP_TX);
	assert_true(b.state & LB_CT_F_RST);
	/* a new connection on the closed tuple starts a new flow */
	s.tcp_flags = 0x02;
	b = forward(&E, &s, XDP_TX);
	assert_int_equal(stat_get(&E, LB_STAT_FLOW_EXPIRED), 1);
	assert_int_equal(b.state & LB_CT_F_RST, 0);
}

static void test_counters_add_up(void **state)
{
	struct pkt_spec s;
	struct lb_traffic t;
	struct lb_vip v;
	struct lb_vip_key k = vkey("10.0.0.10", 80, IPPROTO_TCP);
	struct lb_ct_fwd ct;
	__u64 sum = 0;
	int i, sent = 0;

	std_config(&E);
	for (i = 0; i < 10; i++) {
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", 52000 + i, "10.0.0.10", 80);
		ct = forward(&E, &s, XDP_TX);
		reply(&E, &s, &ct, XDP_TX);
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", 52000 + i, "10.0.0.10", 22);
		assert_pass_untouched(&E, &s);
		sent += 3;
	}
	for (i = LB_STAT_ABORTED; i <= LB_STAT_REDIRECT; i++)
		sum += stat_get(&E, i);
	assert_int_equal(sum, sent);
	assert_int_equal(lb_vip_get(&E.maps, &k, &v), 0);
	assert_int_equal(lb_traffic_read(&E.maps, false, v.id, &t), 0);
	assert_int_equal(t.packets, 10);
	assert_int_equal(t.reply_packets, 10);
	assert_int_equal(t.new_flows, 10);
}

/*
 * status counts live flows by reading the whole connection table: in
 * batches, or one key at a time where the kernel has no batch lookup. Both
 * walks, across several batches, agree with what was written, and skip
 * entries past their idle timeout.
 */
static void test_flows_count_walks(void **state)
{
	static const enum lb_flow_walk walks[] = {
		LB_FLOW_WALK_AUTO, LB_FLOW_WALK_BATCH, LB_FLOW_WALK_KEYS,
	};
	const int n = 10000, nvips = 3, nbackends = 7;
	__u64 per_vip[3] = {}, per_backend[7] = {}, live = 0, now;
	struct lb_flow_counts fc;
	struct lb_flow_key key;
	struct lb_ct_fwd ct;
	struct timespec ts;
	unsigned int w;
	int i, v, fd;

	/* a table that holds them all, so that none is evicted */
	xdp_lb__destroy(E.skel);
	ct_entries = 4 * n;
	v = lb_load(&E, 42);
	ct_entries = 4096;
	assert_int_equal(v, 0);
	fd = E.maps.fd[LB_MI_CT_FWD];

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	assert_true(now > 60 * 1000000000ULL);
	for (i = 0; i < n; i++) {
		memset(&key, 0, sizeof(key));
		memset(&ct, 0, sizeof(ct));
		key.family = LB_AF_INET;
		key.proto = IPPROTO_TCP;
		key.src.v4 = htonl(0x0a000000 + i);
		key.dst.v4 = htonl(0x0a00000a);
		key.sport = htons(1024 + i % 50000);
		key.dport = htons(80);
		ct.vip_id = i % nvips;
		ct.backend_id = i % nbackends;
		ct.state = LB_CT_F_REPLIED;
		ct.last_seen = now;
		if (i % 5 == 0) {
			/* reset 20 s ago: past the 10 s closed timeout */
			ct.state |= LB_CT_F_RST;
			ct.last_seen = now - 20 * 1000000000ULL;
		} else {
			live++;
			per_vip[ct.vip_id]++;
			per_backend[ct.backend_id]++;
		}
		assert_int_equal(bpf_map_update_elem(fd, &key, &ct, BPF_NOEXIST), 0);
	}
	for (w = 0; w < sizeof(walks) / sizeof(walks[0]); w++) {
		assert_int_equal(lb_flows_count_walk(&E.maps, &fc, walks[w]), 0);
		assert_int_equal(fc.total, live);
		assert_true(fc.nr_vips >= (__u32)nvips);
		assert_true(fc.nr_backends >= (__u32)nbackends);
		for (v = 0; v < nvips; v++)
			assert_int_equal(fc.per_vip[v], per_vip[v]);
		for (v = 0; v < nbackends; v++)
			assert_int_equal(fc.per_backend[v], per_backend[v]);
		lb_flow_counts_free(&fc);
	}
}

/* Count new flows (distinct source ports) that land on backend addr. */
static int flows_to(struct env *e, const char *addr, int base, int n)
{
	struct lb_ct_fwd ct;
	struct pkt_spec s;
	union lb_addr a;
	__u8 fam;
	int i, hits = 0;

	parse_addr(addr, &fam, &a);
	for (i = 0; i < n; i++) {
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", base + i, "10.0.0.10", 80);
		ct = forward(e, &s, XDP_TX);
		hits += !memcmp(&ct.backend, &a, sizeof(a));
	}
	return hits;
}

/*
 * A backend command killed between writing the backend and swapping the
 * table leaves the VIP marked dirty; the next command's lb_recover() builds
 * the table the backends call for.
 */
static void test_recover_interrupted_update(void **state)
{
	struct lb_vip_key k = vkey("10.0.0.10", 80, IPPROTO_TCP);
	struct lb_backend_entry *list;
	struct lb_config cfg;
	struct lb_backend be;
	struct lb_vip v;
	size_t n;
	__u32 id = 7;

	add_vip(&E, "10.0.0.10", 80, IPPROTO_TCP);
	set_backend(&E, "10.0.0.10", 80, IPPROTO_TCP, "10.0.0.2", 0, 1);
	assert_int_equal(lb_vip_get(&E.maps, &k, &v), 0);

	/* what a killed "backend 10.0.0.10:80 10.0.0.3" leaves behind */
	assert_int_equal(lb_config_get(&E.maps, &cfg), 0);
	cfg.dirty_vip = v.id + 1;
	assert_int_equal(lb_config_set(&E.maps, &cfg), 0);
	memset(&be, 0, sizeof(be));
	parse_addr("10.0.0.3", &be.family, &be.addr);
	be.gen = 999;
	be.vip_id = v.id;
	be.weight = 1;
	assert_int_equal(bpf_map_update_elem(E.maps.fd[LB_MI_BACKENDS], &id, &be, 0), 0);
	/* the data plane still uses the old, complete table */
	assert_int_equal(flows_to(&E, "10.0.0.3", 30000, 40), 0);

	assert_int_equal(lb_recover(&E.maps), 0);
	assert_int_equal(lb_config_get(&E.maps, &cfg), 0);
	assert_int_equal(cfg.dirty_vip, 0);
	assert_in_range(flows_to(&E, "10.0.0.3", 31000, 40), 5, 35);

	/* a VIP removal killed midway leaves backends of a dead VIP id ... */
	be.vip_id = 60;
	id = 8;
	assert_int_equal(bpf_map_update_elem(E.maps.fd[LB_MI_BACKENDS], &id, &be, 0), 0);
	assert_int_equal(lb_backend_list(&E.maps, 60, &list, &n), 0);
	assert_int_equal(n, 1);
	free(list);
	/* ... which a new VIP that gets that id must not inherit */
	for (id = 1; id <= 60; id++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.%u.1", id);
		add_vip(&E, addr, 80, IPPROTO_TCP);
	}
	k = vkey("10.0.60.1", 80, IPPROTO_TCP);
	assert_int_equal(lb_vip_get(&E.maps, &k, &v), 0);
	assert_int_equal(v.id, 60);
	assert_int_equal(lb_backend_list(&E.maps, 60, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
}

/* Two balancers with the same seed and configuration agree on every flow. */
static void test_same_seed_same_choice(void **state)
{
	struct env other = {}, third = {};
	struct lb_ct_fwd a, b;
	struct pkt_spec s;
	int i, differ = 0;

	std_config(&E);
	assert_int_equal(lb_load(&other, 42), 0);
	assert_int_equal(lb_load(&third, 43), 0);
	std_config(&other);
	std_config(&third);
	for (i = 0; i < 100; i++) {
		spec_client(&s, IPPROTO_TCP, "10.0.0.1", 53000 + i, "10.0.0.10", 80);
		a = forward(&E, &s, XDP_TX);
		b = forward(&other, &s, XDP_TX);
		assert_memory_equal(&a.backend, &b.backend, sizeof(a.backend));
		b = forward(&third, &s, XDP_TX);
		differ += !!memcmp(&a.backend, &b.backend, sizeof(a.backend));
	}
	xdp_lb__destroy(other.skel);
	xdp_lb__destroy(third.skel);
	/* another seed balances differently (about half the flows) */
	assert_in_range(differ, 20, 80);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

/* libbpf's informational chatter (unknown .xdp_run_config) is noise here */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_v4_tcp),
		T(test_v4_udp),
		T(test_v6_tcp),
		T(test_v6_udp),
		T(test_v4_udp_zero_checksum),
		T(test_non_vip_pass),
		T(test_truncated_every_offset),
		T(test_ipv4_options),
		T(test_vlan),
		T(test_padded_and_odd_lengths),
		T(test_ipv6_extension_headers),
		T(test_fragments_v4),
		T(test_fragments_v6),
		T(test_icmp_errors_v4),
		T(test_icmp_errors_v6),
		T(test_established_survives_backend_add),
		T(test_drain_keeps_flows_gets_no_new),
		T(test_removed_backend_rebalanced),
		T(test_removal_never_drops_new_flows),
		T(test_ports_exhausted),
		T(test_snat_skips_vip_ports),
		T(test_no_backend),
		T(test_static_mac),
		T(test_unresolved_neighbour_passes),
		T(test_redirect_other_interface),
		T(test_wildcard_port_vip),
		T(test_tcp_close_and_reuse),
		T(test_counters_add_up),
		T(test_flows_count_walks),
		T(test_recover_interrupted_update),
		T(test_same_seed_same_choice),
	};

	libbpf_set_print(libbpf_print);
	if (geteuid() != 0) {
		fprintf(stderr, "test_dataplane: must run as root\n");
		return 1;
	}
	return cmocka_run_group_tests_name("dataplane", tests, fixture_net_setup, NULL);
}
