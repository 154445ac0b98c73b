/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data-plane fuzzing: the real xdp_lb object, loaded from its skeleton with
 * a configuration of several VIPs and backends, runs random and mutated
 * packets through BPF_PROG_TEST_RUN (repeat = 1), and every output is judged
 * by an oracle that shares no code with the data plane:
 *
 *  - the oracle parses every input itself (parse() below, RFC semantics plus
 *    the documented limits: at most two VLAN tags) and decides from that
 *    parse, the configuration and the tracked state what may happen to it;
 *  - XDP_ABORTED never happens; XDP_PASS leaves the packet byte-identical
 *    (the one exception, a backend whose neighbour is unresolved, must move
 *    pass_neighbour_unresolved); XDP_DROP only for a VIP packet, with exactly
 *    one drop reason counted;
 *  - a transmitted packet changes only MACs, addresses, ports and checksums;
 *    goes to a configured backend of the VIP it was sent to, from that VIP's
 *    SNAT address and an allocated port, with the backend's MAC; or back to
 *    a client, and then only through a reverse entry that existed before the
 *    packet and that a translated client packet created (no open relay, no
 *    injection); an ICMP error only about a tracked flow, its quote
 *    translated to exactly that flow;
 *  - checksums: a translated packet whose input had valid IP, L4 (and for
 *    ICMP errors: quoted IP/L4) checksums has valid ones, recomputed from
 *    scratch; a bad input checksum stays bad (none is "repaired"); every
 *    input valid for tests/lib's pkt_check() gives an output valid for it;
 *  - the counters add up: per verdict, per drop/pass reason, per VIP and
 *    per backend, against what the oracle saw.
 *
 * Packets come from generators (new and established client flows, replies
 * of tracked flows, non-VIP traffic, ICMP errors) and mutations (truncation,
 * byte flips, bad IHL and lengths, IPv4 options, fragments, VLAN tags, IPv6
 * extension header chains, crafted ICMP quotes, Ethernet padding).
 *
 * Environment:
 *   XDP_LB_FUZZ_PACKETS  packets of the whole run (default 20000, shared
 *                        between the test cases by fixed proportions)
 *   XDP_LB_FUZZ_SEED     seed (default below); the same seed and packet
 *                        count replay the same packets
 *   XDP_LB_FUZZ_TESTS    cmocka test filter, e.g. test_fuzz_icmp
 *   XDP_LB_FUZZ_MAX_FAILS  go on after a violation until this many (default
 *                        1: stop at the first); violations are then tallied
 *                        per check, the first three of each dumped.  After
 *                        a violation the oracle's model misses that packet's
 *                        effects, so later reports of the same flows may be
 *                        consequences of the first.
 *
 * Every violation prints the test case, packet index, seed, a description
 * of the packet (generator and mutations), input and output hexdumps and
 * the command that replays it.  test_oracle_catches_bugs plants faults
 * (corrupted outputs, forged reverse/forward entries, bumped counters) and
 * checks that the oracle reports each, so a blind oracle cannot pass.
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
#include <sched.h>
#include <stdbool.h>
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

#define FUZZ_DEFAULT_PACKETS 20000
#define FUZZ_DEFAULT_SEED 0x5eedf00dULL

#define FRAME_MAX 2048

static uint64_t g_seed = FUZZ_DEFAULT_SEED;
static size_t g_packets = FUZZ_DEFAULT_PACKETS;
static int g_max_fails = 1;
static const char *g_prog = "tests/build/bpf/test_fuzz";
static uint8_t mac_lb[6], mac_other[6];
static uint64_t g_total_run;
static double g_total_time;

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_u64(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n). */
static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rng_u64(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

static bool chance(struct rng *r, uint32_t pct)
{
	return rnd(r, 100) < pct;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return mix64(h);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void addr_parse(const char *s, int *family, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return;
	}
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		abort();
	}
	*family = AF_INET6;
}

static const char *ntop(int family, const void *a)
{
	static char buf[8][64];
	static int i;

	i = (i + 1) % 8;
	if (!inet_ntop(family, a, buf[i], sizeof(buf[i])))
		snprintf(buf[i], sizeof(buf[i]), "?");
	return buf[i];
}

static const char *mac_str(const uint8_t *m)
{
	static char buf[4][24];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf[i];
}

static const char *act_str(__u32 act)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
					 "XDP_TX", "XDP_REDIRECT" };

	return act <= XDP_REDIRECT ? n[act] : "XDP_?";
}

static int lb_family(int family)
{
	return family == AF_INET ? LB_AF_INET : LB_AF_INET6;
}

/* ------------------------------------------------------------------ */
/* Hash tables of the oracle's model                                    */

/* Records with their key first; slots hold record index + 1. */
struct htab {
	uint32_t *slot;
	size_t cap, n;
	uint8_t *recs;
	size_t recsz, keysz, nrec, caprec;
};

static void ht_init(struct htab *h, size_t recsz, size_t keysz)
{
	memset(h, 0, sizeof(*h));
	h->recsz = recsz;
	h->keysz = keysz;
}

static void ht_free(struct htab *h)
{
	free(h->slot);
	free(h->recs);
	ht_init(h, h->recsz, h->keysz);
}

static void *ht_find(const struct htab *h, const void *key)
{
	size_t i;

	if (!h->cap)
		return NULL;
	i = hash_bytes(key, h->keysz) & (h->cap - 1);
	for (;;) {
		uint32_t s = h->slot[i];
		uint8_t *rec;

		if (!s)
			return NULL;
		rec = h->recs + (size_t)(s - 1) * h->recsz;
		if (!memcmp(rec, key, h->keysz))
			return rec;
		i = (i + 1) & (h->cap - 1);
	}
}

static void ht_place(struct htab *h, uint32_t idx)
{
	size_t i = hash_bytes(h->recs + (size_t)idx * h->recsz, h->keysz) & (h->cap - 1);

	while (h->slot[i])
		i = (i + 1) & (h->cap - 1);
	h->slot[i] = idx + 1;
}

/* Finds or adds (zeroed, key copied) the record of key. */
static void *ht_get(struct htab *h, const void *key, bool *added)
{
	uint8_t *rec = ht_find(h, key);
	size_t i;

	*added = false;
	if (rec)
		return rec;
	if ((h->n + 1) * 2 > h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 1024;

		free(h->slot);
		h->slot = calloc(ncap, sizeof(*h->slot));
		assert_non_null(h->slot);
		h->cap = ncap;
		for (i = 0; i < h->nrec; i++)
			ht_place(h, i);
	}
	if (h->nrec == h->caprec) {
		h->caprec = h->caprec ? h->caprec * 2 : 1024;
		h->recs = realloc(h->recs, h->caprec * h->recsz);
		assert_non_null(h->recs);
	}
	rec = h->recs + h->nrec * h->recsz;
	memset(rec, 0, h->recsz);
	memcpy(rec, key, h->keysz);
	ht_place(h, h->nrec);
	h->nrec++;
	h->n++;
	*added = true;
	return rec;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

enum be_kind {
	BK_NEIGH,       /* permanent neighbour: FIB-resolved next hop */
	BK_STATIC,      /* static MAC */
	BK_UNRESOLVED,  /* on-link, no neighbour: translated and passed */
	BK_UNROUTABLE,  /* no route: FIB failure, dropped */
};

struct be_def {
	const char *addr;
	uint16_t port;
	uint32_t weight;
	int kind;
	const char *mac;        /* BK_STATIC */
};

struct vip_def {
	const char *addr;
	uint16_t port;          /* 0: all ports */
	int proto;
	const char *snat;       /* NULL: the VIP address */
	int nbe;
	struct be_def be[3];
};

#define T IPPROTO_TCP
#define U IPPROTO_UDP
static const struct vip_def main_vips[] = {
	{ "10.0.0.10", 80, T, NULL, 3, { { "10.0.0.2", 0, 1, BK_NEIGH, NULL },
					 { "10.0.0.3", 0, 2, BK_NEIGH, NULL },
					 { "10.1.0.2", 8080, 1, BK_NEIGH, NULL } } },
	{ "10.0.0.10", 53, U, NULL, 2, { { "10.0.0.2", 5353, 1, BK_NEIGH, NULL },
					 { "10.0.0.6", 0, 1, BK_STATIC, "02:00:00:00:00:06" } } },
	/* an exact VIP port inside the SNAT port range of a SNAT address */
	{ "10.0.0.10", 2000, T, NULL, 1, { { "10.0.0.4", 0, 1, BK_NEIGH, NULL } } },
	{ "10.0.0.20", 0, T, NULL, 2, { { "10.0.0.3", 0, 1, BK_NEIGH, NULL },
					{ "10.0.0.4", 0, 2, BK_NEIGH, NULL } } },
	{ "10.0.0.21", 0, U, "10.0.0.30", 2, { { "10.0.0.2", 0, 1, BK_NEIGH, NULL },
					       { "10.1.0.2", 0, 1, BK_NEIGH, NULL } } },
	{ "10.0.0.40", 80, T, NULL, 0, { { 0 } } },
	{ "10.0.0.41", 80, U, NULL, 1, { { "198.51.100.1", 0, 1, BK_UNROUTABLE, NULL } } },
	{ "10.0.0.42", 80, T, NULL, 1, { { "10.0.0.5", 0, 1, BK_UNRESOLVED, NULL } } },
	{ "fd00::a", 80, T, NULL, 3, { { "fd00::2", 0, 1, BK_NEIGH, NULL },
				       { "fd00::3", 0, 1, BK_NEIGH, NULL },
				       { "fd01::2", 8080, 1, BK_NEIGH, NULL } } },
	{ "fd00::a", 443, U, NULL, 2, { { "fd00::4", 0, 1, BK_NEIGH, NULL },
					{ "fd00::6", 0, 1, BK_STATIC, "02:00:00:00:00:16" } } },
	{ "fd00::b", 0, U, "fd00::30", 2, { { "fd00::2", 0, 1, BK_NEIGH, NULL },
					    { "fd00::3", 0, 1, BK_NEIGH, NULL } } },
	{ "fd00::20", 0, T, NULL, 2, { { "fd00::3", 0, 1, BK_NEIGH, NULL },
				       { "fd01::2", 0, 1, BK_NEIGH, NULL } } },
	/* only a drained backend (weight 0): no backend for new flows */
	{ "fd00::40", 80, T, NULL, 1, { { "fd00::2", 0, 0, BK_NEIGH, NULL } } },
};

/* Small tables: a SNAT port range of 32 ports with an exact VIP inside. */
static const struct vip_def small_extra_vips[] = {
	{ "10.0.0.10", 1030, T, NULL, 1, { { "10.0.0.4", 0, 1, BK_NEIGH, NULL } } },
};
#undef T
#undef U

struct be_rt {
	int family;
	uint8_t addr[16];
	uint16_t port;          /* host order; 0 = the client's port */
	uint32_t weight;
	int kind;
	uint8_t mac[6];         /* the MAC it is reached at */
	int ifindex;            /* its interface */
	uint8_t if_mac[6];      /* our MAC on that interface */
	__u32 id;
};

struct vip_rt {
	int family, proto;
	uint8_t addr[16];
	uint16_t port;
	uint8_t snat[16];
	__u32 id;
	int nbe;
	struct be_rt be[3];
	bool can_forward;       /* a backend that takes new flows */
	bool has_unroutable;
	bool unresolved;        /* its only backend has no neighbour */
	int weight;             /* how often the generators pick it */
};

/* Hosts with permanent neighbours: 10.0.0.N / fd00::N on lb0 and
 * 10.1.0.N / fd01::N on lb2 (N = 1..4), MAC de:ad:be:ef:0I:0N. */
static void host_l2(int family, const uint8_t *a, uint8_t mac[6], int *ifindex)
{
	int side = 0, n = 0xff;

	if (family == AF_INET) {
		if (a[0] == 10 && a[1] <= 1 && a[2] == 0) {
			side = a[1];
			n = a[3];
		}
	} else if (a[0] == 0xfd && a[1] <= 1 && a[2] == 0 && a[3] == 0) {
		side = a[1];
		n = a[15];
	}
	mac[0] = 0xde;
	mac[1] = 0xad;
	mac[2] = 0xbe;
	mac[3] = 0xef;
	mac[4] = side;
	mac[5] = n;
	*ifindex = side ? ifindex_other : ifindex_lb;
}

static const uint8_t *if_mac(int ifindex)
{
	return ifindex == ifindex_other ? mac_other : mac_lb;
}

/* ------------------------------------------------------------------ */
/* The fuzzer's state                                                   */

struct pair_key {
	uint8_t family, proto;
	uint16_t cport, vport, bport, sport;    /* host order */
	uint8_t client[16], vip[16], backend[16], snat[16];
};

struct l2_seen {
	uint8_t cmac[6], lmac[6];
	int ifindex;
};

#define PAIR_L2 8

/* A translation the oracle saw: client tuple <-> backend tuple. */
struct pair_rec {
	struct pair_key k;
	int vip, be;
	int nl2;
	bool l2_many;
	struct l2_seen l2[PAIR_L2];
};

struct frag_key {
	uint8_t family, proto;
	uint16_t pad;
	uint32_t id;
	uint8_t src[16], dst[16];
};

struct frag_rec {
	struct frag_key k;
	uint16_t sport, dport;
	uint64_t seq;
};

/* A client flow the generators drive. */
struct gflow {
	int vip;
	int family, proto;
	uint8_t client[16];
	uint16_t cport, vport;
	uint8_t cmac[6];
	int ifindex;
	bool known;             /* translated at least once: */
	int be;
	uint8_t backend[16], snat[16];
	uint16_t bport, sport;
};

#define NFLOWS 16384

struct pending {
	struct pkt_spec s;
	int ifindex;
};

struct fz {
	const char *test;
	struct xdp_lb *skel;
	struct lb_maps maps;
	int prog_fd, ncpus;
	struct rng rng;
	uint64_t seed;
	size_t target;
	struct vip_rt vip[16];
	int nvip;
	uint16_t port_min, port_max;
	bool small;             /* tiny LRU tables: evictions expected */
	__u32 frags_max;

	struct htab pairs, frags;
	uint64_t frag_seq;
	struct gflow *flows;
	size_t nflows;
	struct pending pend[8];
	int npend;

	/* what the oracle saw */
	size_t ran;
	__u64 verdict[XDP_REDIRECT + 1];
	__u64 fwd_xlat, fwd_tx, reply_xlat, icmp_be, icmp_cl, pass_noneigh;
	__u64 later_frag_xlat;
	__u64 drop_reason[4];
	__u64 snap_drop[4], snap_noneigh;
	struct lb_traffic vipt[64], bet[256];
	__u64 rev_clash, bad_csum_xlat, n_valid, n_mutated;
	int fails;
	struct {
		const char *fmt, *sub;
		size_t first, count;
		char example[160];
	} cat[32];
	int ncat;
	double t_start, t_sys, t_setup;
};

static struct fz F;

static const int drop_slots[4] = {
	LB_STAT_DROP_NO_BACKEND, LB_STAT_DROP_PORTS_EXHAUSTED,
	LB_STAT_DROP_FIB, LB_STAT_DROP_RING_MISSING,
};

static const char *const drop_names[4] = {
	"no_backend", "ports_exhausted", "fib", "ring_missing",
};

/* ------------------------------------------------------------------ */
/* Network namespace and loading                                        */

/* the shared namespace (fixture.h), and the MACs the oracle expects */
static int net_setup(void **state)
{
	if (fixture_net_setup(state))
		return -1;
	pkt_set_mac(mac_lb, MAC_LB);
	pkt_set_mac(mac_other, MAC_OTHER);
	return 0;
}

struct fz_opts {
	__u32 flows, frags;
	uint16_t port_min, port_max;
	bool small;
};

static void vip_add(struct fz *f, const struct vip_def *d)
{
	struct vip_rt *v = &f->vip[f->nvip++];
	struct lb_backend_entry *list;
	struct lb_vip_key k;
	struct lb_vip lv;
	union lb_addr snat;
	size_t n, j;
	int fam, i;

	memset(v, 0, sizeof(*v));
	addr_parse(d->addr, &v->family, v->addr);
	v->port = d->port;
	v->proto = d->proto;
	if (d->snat)
		addr_parse(d->snat, &fam, v->snat);
	else
		memcpy(v->snat, v->addr, 16);
	memset(&k, 0, sizeof(k));
	memcpy(k.addr.bytes, v->addr, 16);
	k.port = htons(d->port);
	k.proto = d->proto;
	k.family = lb_family(v->family);
	memcpy(snat.bytes, v->snat, 16);
	/* a small Maglev table keeps the loads quick; the data path is the same */
	assert_int_equal(lb_vip_set(&f->maps, &k, &snat, 1021), 0);
	assert_int_equal(lb_vip_get(&f->maps, &k, &lv), 0);
	v->id = lv.id;
	assert_true(v->id < 64);
	v->nbe = d->nbe;
	v->weight = 4;
	for (i = 0; i < d->nbe; i++) {
		struct be_rt *b = &v->be[i];
		struct lb_backend_spec s;

		addr_parse(d->be[i].addr, &b->family, b->addr);
		b->port = d->be[i].port;
		b->weight = d->be[i].weight;
		b->kind = d->be[i].kind;
		host_l2(b->family, b->addr, b->mac, &b->ifindex);
		if (b->kind == BK_STATIC) {
			pkt_set_mac(b->mac, d->be[i].mac);
			b->ifindex = ifindex_lb;
		}
		memcpy(b->if_mac, if_mac(b->ifindex), 6);
		memset(&s, 0, sizeof(s));
		memcpy(s.addr.bytes, b->addr, 16);
		s.family = lb_family(b->family);
		s.port = htons(b->port);
		s.weight = b->weight;
		if (b->kind == BK_STATIC) {
			s.has_mac = true;
			memcpy(s.mac, b->mac, 6);
		}
		assert_int_equal(lb_backend_set(&f->maps, &k, &s, true), 0);
		if (b->weight && b->kind != BK_UNROUTABLE)
			v->can_forward = true;
		if (b->weight && b->kind == BK_UNROUTABLE)
			v->has_unroutable = true;
		if (b->kind == BK_UNRESOLVED)
			v->unresolved = true;
	}
	if (!v->can_forward || v->unresolved)
		v->weight = 1;
	assert_int_equal(lb_backend_list(&f->maps, v->id, &list, &n), 0);
	assert_int_equal(n, (size_t)v->nbe);
	for (i = 0; i < v->nbe; i++) {
		for (j = 0; j < n; j++)
			if (!memcmp(list[j].be.addr.bytes, v->be[i].addr, 16))
				v->be[i].id = list[j].id;
		assert_true(v->be[i].id < 256);
	}
	free(list);
}

/*
 * One loaded object per table layout, reused by the test cases (the
 * verifier takes about a second): fz_begin() empties its flow tables and
 * zeroes its counters, so every case starts from a fresh state.
 */
struct loaded {
	const struct fz_opts *opts;
	struct xdp_lb *skel;
	struct lb_maps maps;
	int prog_fd;
	struct vip_rt vip[16];
	int nvip;
};

static struct loaded g_loaded[2];

static void hash_clear(int fd, size_t keysz)
{
	size_t n = 0, cap = 0, i;
	uint8_t *keys = NULL;
	uint8_t cur[64];
	void *prev = NULL;

	assert_true(keysz <= sizeof(cur));
	while (bpf_map_get_next_key(fd, prev, cur) == 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			keys = realloc(keys, cap * keysz);
			assert_non_null(keys);
		}
		memcpy(keys + n * keysz, cur, keysz);
		prev = keys + n * keysz;
		n++;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(fd, keys + i * keysz);
	free(keys);
	assert_int_not_equal(bpf_map_get_next_key(fd, NULL, cur), 0);
}

static void percpu_clear(int fd, __u32 entries, size_t value_size, int ncpus)
{
	size_t sz = ((value_size + 7) & ~7UL) * ncpus;
	void *zero = calloc(1, sz);
	__u32 i;

	assert_non_null(zero);
	for (i = 0; i < entries; i++)
		assert_int_equal(bpf_map_update_elem(fd, &i, zero, BPF_ANY), 0);
	free(zero);
}

static void fz_begin(struct fz *f, const char *test, const struct fz_opts *o,
		     unsigned share_pct)
{
	struct loaded *l = NULL;
	struct lb_config cfg;
	double t0 = now_s();
	size_t i;

	memset(f, 0, sizeof(*f));
	f->test = test;
	f->seed = mix64(g_seed ^ hash_bytes(test, strlen(test)));
	f->rng.s = f->seed;
	f->target = (g_packets * share_pct + 99) / 100;
	f->small = o->small;
	f->port_min = o->port_min;
	f->port_max = o->port_max;
	f->frags_max = o->frags;
	f->ncpus = libbpf_num_possible_cpus();
	assert_true(f->ncpus > 0);
	ht_init(&f->pairs, sizeof(struct pair_rec), sizeof(struct pair_key));
	ht_init(&f->frags, sizeof(struct frag_rec), sizeof(struct frag_key));
	f->flows = calloc(NFLOWS, sizeof(*f->flows));
	assert_non_null(f->flows);

	for (i = 0; i < 2; i++)
		if (g_loaded[i].opts == o || !g_loaded[i].opts) {
			l = &g_loaded[i];
			break;
		}
	assert_non_null(l);
	if (!l->opts) {
		f->skel = fixture_lb_load(o->flows, o->frags);
		assert_non_null(f->skel);
		f->prog_fd = bpf_program__fd(f->skel->progs.xdp_lb);
		assert_int_equal(lb_maps_from_object(f->skel->obj, &f->maps), 0);
		lb_config_default(&cfg);
		cfg.port_min = o->port_min;
		cfg.port_max = o->port_max;
		assert_int_equal(lb_config_set(&f->maps, &cfg), 0);
		for (i = 0; i < sizeof(main_vips) / sizeof(main_vips[0]); i++)
			vip_add(f, &main_vips[i]);
		if (o->small)
			for (i = 0; i < sizeof(small_extra_vips) / sizeof(small_extra_vips[0]); i++)
				vip_add(f, &small_extra_vips[i]);
		l->opts = o;
		l->skel = f->skel;
		l->maps = f->maps;
		l->prog_fd = f->prog_fd;
		memcpy(l->vip, f->vip, sizeof(f->vip));
		l->nvip = f->nvip;
	} else {
		f->skel = l->skel;
		f->maps = l->maps;
		f->prog_fd = l->prog_fd;
		memcpy(f->vip, l->vip, sizeof(f->vip));
		f->nvip = l->nvip;
		hash_clear(f->maps.fd[LB_MI_CT_FWD], sizeof(struct lb_flow_key));
		hash_clear(f->maps.fd[LB_MI_CT_REV], sizeof(struct lb_flow_key));
		hash_clear(f->maps.fd[LB_MI_FRAGS], sizeof(struct lb_frag_key));
		percpu_clear(f->maps.fd[LB_MI_STATS], LB_STAT_SLOTS, sizeof(__u64), f->ncpus);
		percpu_clear(f->maps.fd[LB_MI_VIP_STATS], 64, sizeof(struct lb_traffic), f->ncpus);
		percpu_clear(f->maps.fd[LB_MI_BE_STATS], 256, sizeof(struct lb_traffic), f->ncpus);
	}
	/* the flow hash key follows the seed */
	assert_int_equal(lb_config_get(&f->maps, &cfg), 0);
	for (i = 0; i < 4; i++)
		cfg.hash_key[i] = (__u32)mix64(f->seed + i);
	assert_int_equal(lb_config_set(&f->maps, &cfg), 0);
	f->t_start = now_s();
	f->t_setup = f->t_start - t0;
}

static int fz_teardown(void **state)
{
	struct fz *f = &F;

	f->skel = NULL;         /* kept loaded for the next case */
	ht_free(&f->pairs);
	ht_free(&f->frags);
	free(f->flows);
	f->flows = NULL;
	return 0;
}

static int group_teardown(void **state)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (g_loaded[i].skel)
			xdp_lb__destroy(g_loaded[i].skel);
		memset(&g_loaded[i], 0, sizeof(g_loaded[i]));
	}
	return 0;
}

static const struct fz_opts big_opts = {
	.flows = 1 << 18, .frags = 8192,
	.port_min = LB_SNAT_PORT_MIN_DEFAULT, .port_max = LB_SNAT_PORT_MAX_DEFAULT,
};

static const struct fz_opts small_opts = {
	.flows = 256, .frags = 64, .port_min = 1024, .port_max = 1055, .small = true,
};

/* ------------------------------------------------------------------ */
/* Config queries                                                       */

static int find_vip(const struct fz *f, int family, int proto,
		    const uint8_t *addr, uint16_t port)
{
	int i;

	for (i = 0; i < f->nvip; i++) {
		const struct vip_rt *v = &f->vip[i];

		if (v->family == family && v->proto == proto && v->port == port &&
		    !memcmp(v->addr, addr, 16))
			return i;
	}
	return -1;
}

static bool is_snat_addr(const struct fz *f, int family, const uint8_t *addr)
{
	int i;

	for (i = 0; i < f->nvip; i++)
		if (f->vip[i].family == family && !memcmp(f->vip[i].snat, addr, 16))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* The oracle's own parser                                              */

enum { K_NOT_IP, K_BAD, K_IP };

struct view {
	int kind;
	const char *bad;        /* K_BAD: why */
	int nvlan;
	int family;
	size_t l3_off, l3_end, l4_off, ihl;
	uint8_t src[16], dst[16];
	int proto;              /* upper layer (after IPv6 extension headers) */
	bool is_frag, later_frag, more_frags, has_l4;
	uint32_t frag_id;
	uint16_t sport, dport;
	uint8_t tcp_flags, icmp_type;
	bool ip4_ok;            /* IPv4 header checksum */
	int l4_ok;              /* -1: not applicable */
	bool udp_zero;          /* IPv4 UDP without checksum */
	/* ICMP error (v4 type 3/11, v6 type 1/2/3) quoting TCP/UDP ports */
	bool icmp_err;
	bool quote_past_end;    /* an error whose quote needs bytes past the IP length */
	size_t in_l3, in_l4;
	int in_proto;
	uint8_t in_src[16], in_dst[16];
	uint16_t in_sport, in_dport;
	int in_ip4_ok, in_l4_ok;
	bool in_udp_zero;
};

static bool csum_valid(uint64_t sum)
{
	return pkt_csum_fold(sum) == 0xffff;
}

/* Is the quote cut by the IP length, though the frame goes on? */
static bool cut_by_ip_len(struct view *v, size_t end, size_t frame_len)
{
	if (end <= v->l3_end)
		return false;
	v->quote_past_end = end <= frame_len;
	return true;
}

static void parse_icmp_err(const uint8_t *b, size_t len, struct view *v)
{
	size_t in_l3 = v->l4_off + 8, hl, tot, L = 0;
	const uint8_t *ip, *q;
	bool complete;

	if (v->is_frag)
		return;
	if (v->family == AF_INET) {
		if (v->proto != IPPROTO_ICMP || (v->icmp_type != 3 && v->icmp_type != 11))
			return;
		if (cut_by_ip_len(v, in_l3 + 20, len))
			return;
		ip = b + in_l3;
		if (ip[0] >> 4 != 4 || (ip[0] & 15) < 5 || (rd16(ip + 6) & 0x1fff))
			return;
		hl = (ip[0] & 15) * 4;
		v->in_proto = ip[9];
		memcpy(v->in_src, ip + 12, 4);
		memcpy(v->in_dst, ip + 16, 4);
		if (in_l3 + hl <= v->l3_end)
			v->in_ip4_ok = csum_valid(pkt_csum_add(0, ip, hl));
		tot = rd16(ip + 2);
		v->in_l4 = in_l3 + hl;
		complete = tot >= hl && in_l3 + tot <= v->l3_end;
		if (complete)
			L = tot - hl;
	} else {
		if (v->proto != IPPROTO_ICMPV6 || v->icmp_type < 1 || v->icmp_type > 3)
			return;
		if (cut_by_ip_len(v, in_l3 + 40, len))
			return;
		ip = b + in_l3;
		if (ip[0] >> 4 != 6)
			return;
		v->in_proto = ip[6];
		memcpy(v->in_src, ip + 8, 16);
		memcpy(v->in_dst, ip + 24, 16);
		v->in_l4 = in_l3 + 40;
		tot = 40 + (size_t)rd16(ip + 4);
		complete = in_l3 + tot <= v->l3_end;
		if (complete)
			L = tot - 40;
	}
	if (v->in_proto != IPPROTO_TCP && v->in_proto != IPPROTO_UDP)
		return;
	if (cut_by_ip_len(v, v->in_l4 + 4, len))
		return;
	v->icmp_err = true;
	v->in_l3 = in_l3;
	q = b + v->in_l4;
	v->in_sport = rd16(q);
	v->in_dport = rd16(q + 2);
	if (complete && L >= (v->in_proto == IPPROTO_TCP ? 20u : 8u)) {
		if (v->in_proto == IPPROTO_UDP && !rd16(q + 6)) {
			v->in_udp_zero = v->family == AF_INET;
			v->in_l4_ok = v->in_udp_zero;
		} else {
			uint64_t s = pkt_csum_pseudo(v->family, v->in_src, v->in_dst,
						     v->in_proto, L);

			v->in_l4_ok = csum_valid(pkt_csum_add(s, q, L));
		}
	}
}

static void parse_l4(const uint8_t *b, size_t len, struct view *v)
{
	const uint8_t *q = b + v->l4_off;
	size_t L = v->l3_end - v->l4_off;
	uint64_t s;

	switch (v->proto) {
	case IPPROTO_TCP:
		if (L < 20) {
			v->kind = K_BAD;
			v->bad = "TCP header beyond the IP length";
			return;
		}
		v->sport = rd16(q);
		v->dport = rd16(q + 2);
		v->tcp_flags = q[13];
		v->has_l4 = true;
		s = pkt_csum_pseudo(v->family, v->src, v->dst, IPPROTO_TCP, L);
		v->l4_ok = csum_valid(pkt_csum_add(s, q, L));
		return;
	case IPPROTO_UDP:
		if (L < 8) {
			v->kind = K_BAD;
			v->bad = "UDP header beyond the IP length";
			return;
		}
		v->sport = rd16(q);
		v->dport = rd16(q + 2);
		v->has_l4 = true;
		if (!rd16(q + 6)) {
			v->udp_zero = v->family == AF_INET;
			v->l4_ok = v->udp_zero;
			return;
		}
		s = pkt_csum_pseudo(v->family, v->src, v->dst, IPPROTO_UDP, L);
		v->l4_ok = csum_valid(pkt_csum_add(s, q, L));
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (L < 8) {
			v->kind = K_BAD;
			v->bad = "ICMP header beyond the IP length";
			return;
		}
		v->has_l4 = true;
		v->icmp_type = q[0];
		s = v->proto == IPPROTO_ICMP ? 0 :
			pkt_csum_pseudo(v->family, v->src, v->dst, IPPROTO_ICMPV6, L);
		v->l4_ok = csum_valid(pkt_csum_add(s, q, L));
		parse_icmp_err(b, len, v);
		return;
	default:
		return;
	}
}

static void parse_ip4(const uint8_t *b, size_t len, struct view *v)
{
	const uint8_t *p = b + v->l3_off;
	size_t avail = len - v->l3_off, tot;
	uint16_t fo;

	v->family = AF_INET;
	v->kind = K_BAD;
	if (avail < 20) {
		v->bad = "IPv4 header truncated";
		return;
	}
	if (p[0] >> 4 != 4) {
		v->bad = "IPv4 version field is not 4";
		return;
	}
	v->ihl = (p[0] & 15) * 4;
	if (v->ihl < 20) {
		v->bad = "IPv4 IHL below 5";
		return;
	}
	tot = rd16(p + 2);
	if (tot < v->ihl) {
		v->bad = "IPv4 total length below the header length";
		return;
	}
	if (tot > avail) {
		v->bad = "IPv4 total length beyond the frame";
		return;
	}
	memcpy(v->src, p + 12, 4);
	memcpy(v->dst, p + 16, 4);
	v->l3_end = v->l3_off + tot;
	v->proto = p[9];
	v->ip4_ok = csum_valid(pkt_csum_add(0, p, v->ihl));
	v->kind = K_IP;
	fo = rd16(p + 6);
	if (fo & 0x3fff) {
		v->is_frag = true;
		v->more_frags = fo & 0x2000;
		v->frag_id = rd16(p + 4);
		if (fo & 0x1fff) {
			v->later_frag = true;
			return;
		}
	}
	v->l4_off = v->l3_off + v->ihl;
	parse_l4(b, len, v);
}

static bool is_ext(int nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 44;
}

static void parse_ip6(const uint8_t *b, size_t len, struct view *v)
{
	const uint8_t *p = b + v->l3_off;
	size_t avail = len - v->l3_off, o, hl;
	uint16_t fo;
	int nh, i;

	v->family = AF_INET6;
	v->kind = K_BAD;
	if (avail < 40) {
		v->bad = "IPv6 header truncated";
		return;
	}
	if (p[0] >> 4 != 6) {
		v->bad = "IPv6 version field is not 6";
		return;
	}
	if (40 + (size_t)rd16(p + 4) > avail) {
		v->bad = "IPv6 payload length beyond the frame";
		return;
	}
	v->l3_end = v->l3_off + 40 + rd16(p + 4);
	memcpy(v->src, p + 8, 16);
	memcpy(v->dst, p + 24, 16);
	nh = p[6];
	o = v->l3_off + 40;
	for (i = 0; is_ext(nh); i++) {
		if (i == 64) {
			v->bad = "IPv6 extension header chain too long";
			return;
		}
		if (nh == 44) {
			if (o + 8 > v->l3_end) {
				v->bad = "IPv6 fragment header beyond the payload length";
				return;
			}
			fo = rd16(b + o + 2);
			nh = b[o];
			if (!(fo & 0xfff9)) {
				o += 8;         /* atomic fragment: a whole datagram */
				continue;
			}
			/*
			 * Nested fragment headers (RFC 8200 says "should occur
			 * at most once"): the innermost describes the fragment
			 * whose headers follow; a later fragment ends the walk.
			 */
			v->is_frag = true;
			v->more_frags = fo & 1;
			v->frag_id = rd32(b + o + 4);
			o += 8;
			if (fo & 0xfff8) {
				v->later_frag = true;
				v->proto = nh;
				v->l4_off = o;
				v->kind = K_IP;
				return;
			}
			continue;
		}
		if (o + 2 > v->l3_end) {
			v->bad = "IPv6 extension header beyond the payload length";
			return;
		}
		hl = nh == 51 ? ((size_t)b[o + 1] + 2) * 4 : ((size_t)b[o + 1] + 1) * 8;
		if (o + hl > v->l3_end) {
			v->bad = "IPv6 extension header beyond the payload length";
			return;
		}
		nh = b[o];
		o += hl;
	}
	v->kind = K_IP;
	v->proto = nh;
	v->l4_off = o;
	parse_l4(b, len, v);
}

static void parse(const uint8_t *b, size_t len, struct view *v)
{
	size_t off = 14;
	uint16_t et;

	memset(v, 0, sizeof(*v));
	v->l4_ok = v->in_ip4_ok = v->in_l4_ok = -1;
	v->kind = K_NOT_IP;
	if (len < 14)
		return;
	et = rd16(b + 12);
	while (et == 0x8100 || et == 0x88a8) {
		/* the data plane documents two VLAN tags at most */
		if (v->nvlan == 2 || len < off + 4)
			return;
		et = rd16(b + off + 2);
		off += 4;
		v->nvlan++;
	}
	v->l3_off = off;
	if (et == 0x0800)
		parse_ip4(b, len, v);
	else if (et == 0x86dd)
		parse_ip6(b, len, v);
}

/* Where is byte off of a frame parsed as v? (for messages) */
static const char *where(const struct view *v, size_t off)
{
	static char buf[96];

	if (off < 12)
		snprintf(buf, sizeof(buf), "Ethernet address");
	else if (off < v->l3_off || v->kind == K_NOT_IP)
		snprintf(buf, sizeof(buf), "Ethernet/VLAN header");
	else if (v->l3_end && off >= v->l3_end)
		snprintf(buf, sizeof(buf), "padding past the IP length (L3+%zu, IP length %zu)",
			 off - v->l3_off, v->l3_end - v->l3_off);
	else if (v->icmp_err && off >= v->in_l3)
		snprintf(buf, sizeof(buf), "ICMP quote, inner L3+%zu", off - v->in_l3);
	else if (v->l4_off && off >= v->l4_off)
		snprintf(buf, sizeof(buf), "L4+%zu", off - v->l4_off);
	else
		snprintf(buf, sizeof(buf), "IP header, L3+%zu", off - v->l3_off);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Checksum and length fixing (for mutated inputs)                      */

static size_t find_l3(const uint8_t *b, size_t len, int *family)
{
	size_t off = 14;
	uint16_t et;
	int n = 0;

	*family = 0;
	if (len < 14)
		return 0;
	et = rd16(b + 12);
	while ((et == 0x8100 || et == 0x88a8) && n < 4) {
		if (len < off + 4)
			return 0;
		et = rd16(b + off + 2);
		off += 4;
		n++;
	}
	if (et == 0x0800 && len >= off + 20)
		*family = AF_INET;
	else if (et == 0x86dd && len >= off + 40)
		*family = AF_INET6;
	else
		return 0;
	return off;
}

static void fix_ip4_hdr(uint8_t *b, size_t len)
{
	int fam;
	size_t l3 = find_l3(b, len, &fam), hl;

	if (fam != AF_INET || b[l3] >> 4 != 4)
		return;
	hl = (b[l3] & 15) * 4;
	if (hl < 20 || l3 + hl > len)
		return;
	wr16(b + l3 + 10, 0);
	wr16(b + l3 + 10, pkt_csum_full(b + l3, hl));
}

/* IP length fields = what the frame holds. */
static void fix_lengths(uint8_t *b, size_t len)
{
	int fam;
	size_t l3 = find_l3(b, len, &fam);

	if (fam == AF_INET)
		wr16(b + l3 + 2, len - l3 > 0xffff ? 0xffff : len - l3);
	else if (fam == AF_INET6)
		wr16(b + l3 + 4, len - l3 - 40 > 0xffff ? 0xffff : len - l3 - 40);
	fix_ip4_hdr(b, len);
}

static void fix_l4(uint8_t *b, int family, const uint8_t *src, const uint8_t *dst,
		   int proto, size_t off, size_t L, bool udp_len)
{
	uint8_t *q = b + off;
	uint16_t c;

	switch (proto) {
	case IPPROTO_TCP:
		if (L < 20)
			return;
		wr16(q + 16, 0);
		wr16(q + 16, pkt_csum_l4(family, src, dst, proto, q, L));
		return;
	case IPPROTO_UDP:
		if (L < 8)
			return;
		if (udp_len)
			wr16(q + 4, L);
		if (!rd16(q + 6) && family == AF_INET)
			return;
		wr16(q + 6, 0);
		c = pkt_csum_l4(family, src, dst, proto, q, L);
		wr16(q + 6, c ? c : 0xffff);
		return;
	}
}

/* Makes every checksum the oracle can see valid (structure untouched). */
static void fix_checksums(uint8_t *b, size_t len, bool udp_len)
{
	struct view v;
	uint8_t *q;
	size_t L;

	fix_ip4_hdr(b, len);
	parse(b, len, &v);
	if (v.kind != K_IP || !v.has_l4 || v.later_frag)
		return;
	q = b + v.l4_off;
	L = v.l3_end - v.l4_off;
	if (v.proto == IPPROTO_TCP || v.proto == IPPROTO_UDP) {
		fix_l4(b, v.family, v.src, v.dst, v.proto, v.l4_off, L, udp_len);
		return;
	}
	if (v.icmp_err) {
		uint8_t *ip = b + v.in_l3;
		size_t hl = v.in_l4 - v.in_l3, tot;

		if (v.family == AF_INET) {
			if (v.in_l3 + hl <= v.l3_end) {
				wr16(ip + 10, 0);
				wr16(ip + 10, pkt_csum_full(ip, hl));
			}
			tot = rd16(ip + 2);
		} else {
			tot = 40 + (size_t)rd16(ip + 4);
		}
		if (tot >= hl && v.in_l3 + tot <= v.l3_end)
			fix_l4(b, v.family, v.in_src, v.in_dst, v.in_proto, v.in_l4,
			       tot - hl, udp_len);
	}
	wr16(q + 2, 0);
	if (v.proto == IPPROTO_ICMP)
		wr16(q + 2, pkt_csum_full(q, L));
	else
		wr16(q + 2, pkt_csum_l4(v.family, v.src, v.dst, IPPROTO_ICMPV6, q, L));
}

/* ------------------------------------------------------------------ */
/* Running packets                                                      */

struct run {
	uint8_t in[FRAME_MAX];
	size_t len;
	uint8_t out[FRAME_MAX];
	size_t out_len;
	int ifindex;
	__u32 act;
	bool valid;             /* unmutated output of a generator */
	int flow;               /* gflow index or -1 */
	char desc[256];
	char why[640];
	const char *why_fmt;    /* the check that failed (its message format) */
	const char *why_sub;    /* and its reason, if any */
	struct view vi, vo;
};

static struct run R;

static __u32 xdp_run(struct fz *f, const uint8_t *in, size_t len, uint8_t *out,
		     size_t *out_len, int ifindex)
{
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = FRAME_MAX,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	double t = now_s();
	int err;

	err = bpf_prog_test_run_opts(f->prog_fd, &opts);
	f->t_sys += now_s() - t;
	if (err)
		fail_msg("BPF_PROG_TEST_RUN failed: %s (frame of %zu bytes)",
			 strerror(errno), len);
	*out_len = opts.data_size_out;
	return opts.retval;
}

__attribute__((format(printf, 2, 3)))
static int why(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->why_fmt = fmt;
	return -1;
}

static __u64 stat_slot(struct fz *f, __u32 idx)
{
	__u64 v[256], sum = 0;
	int i;

	assert_true(f->ncpus <= 256);
	assert_int_equal(bpf_map_lookup_elem(f->maps.fd[LB_MI_STATS], &idx, v), 0);
	for (i = 0; i < f->ncpus; i++)
		sum += v[i];
	return sum;
}

static void fkey(struct lb_flow_key *k, int family, int proto, const uint8_t *src,
		 const uint8_t *dst, uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src.bytes, src, alen(family));
	memcpy(k->dst.bytes, dst, alen(family));
	k->sport = htons(sport);
	k->dport = htons(dport);
	k->proto = proto;
	k->family = lb_family(family);
}

static bool ct_fwd_get(struct fz *f, const struct lb_flow_key *k, struct lb_ct_fwd *ct)
{
	return bpf_map_lookup_elem(f->maps.fd[LB_MI_CT_FWD], k, ct) == 0;
}

static bool ct_rev_get(struct fz *f, const struct lb_flow_key *k, struct lb_ct_rev *rv)
{
	return bpf_map_lookup_elem(f->maps.fd[LB_MI_CT_REV], k, rv) == 0;
}

/* ------------------------------------------------------------------ */
/* The oracle                                                           */

enum { E_PASS, E_FWD, E_REPLY, E_ICMP };

struct exp {
	int cls;
	const char *pass_why;   /* E_PASS: why the packet is not ours */
	int vip;
	uint16_t sport, dport;  /* the flow's ports (recalled for later fragments) */
	bool frag_recent;
	struct lb_flow_key key;
	struct lb_ct_rev rev;   /* E_REPLY, E_ICMP: reverse entry before the run */
	struct lb_flow_key fk;  /* E_ICMP: the flow the quote belongs to */
	bool has_fwd, has_rev;
	struct lb_ct_fwd fwd;
};

static struct frag_rec *frag_find(struct fz *f, const struct view *v)
{
	struct frag_key k;

	memset(&k, 0, sizeof(k));
	k.family = v->family;
	k.proto = v->proto;
	k.id = v->frag_id;
	memcpy(k.src, v->src, 16);
	memcpy(k.dst, v->dst, 16);
	return ht_find(&f->frags, &k);
}

/* A first fragment was translated: its later fragments take these ports. */
static void frag_record(struct fz *f, const struct view *v)
{
	struct frag_key k;
	struct frag_rec *fr;
	bool added;

	if (!v->is_frag || v->later_frag || !v->more_frags || !v->has_l4)
		return;
	memset(&k, 0, sizeof(k));
	k.family = v->family;
	k.proto = v->proto;
	k.id = v->frag_id;
	memcpy(k.src, v->src, 16);
	memcpy(k.dst, v->dst, 16);
	fr = ht_get(&f->frags, &k, &added);
	fr->sport = v->sport;
	fr->dport = v->dport;
	fr->seq = ++f->frag_seq;
}

/* Decides, before the run, what the packet is. */
static void classify(struct fz *f, struct run *r, struct exp *e)
{
	const struct view *v = &r->vi;
	struct frag_rec *fr;

	memset(e, 0, sizeof(*e));
	e->cls = E_PASS;
	e->vip = -1;
	if (v->kind == K_NOT_IP) {
		e->pass_why = "not IPv4/IPv6 (or more than two VLAN tags)";
		return;
	}
	if (v->kind == K_BAD) {
		e->pass_why = v->bad;
		return;
	}
	if ((v->proto == IPPROTO_ICMP || v->proto == IPPROTO_ICMPV6) && !v->later_frag) {
		if (!v->icmp_err) {
			if ((v->family == AF_INET) != (v->proto == IPPROTO_ICMP))
				e->pass_why = v->proto == IPPROTO_ICMP ?
					"ICMP (protocol 1) over IPv6, not ICMPv6" :
					"ICMPv6 (protocol 58) over IPv4, not ICMP";
			else if (v->quote_past_end)
				e->pass_why = "ICMP error whose quoted headers end past the IP "
					"length (in the Ethernet padding/trailer)";
			else
				e->pass_why = "ICMP that is not an error quoting TCP/UDP ports";
			return;
		}
		if (memcmp(v->dst, v->in_src, 16)) {
			e->pass_why = "ICMP error not addressed to the quoted packet's sender";
			return;
		}
		fkey(&e->fk, v->family, v->in_proto, v->in_dst, v->in_src,
		     v->in_dport, v->in_sport);
		e->has_fwd = ct_fwd_get(f, &e->fk, &e->fwd);
		e->has_rev = ct_rev_get(f, &e->fk, &e->rev);
		if (!e->has_fwd && !e->has_rev) {
			e->pass_why = "ICMP error quoting a flow that is not tracked";
			return;
		}
		e->cls = E_ICMP;
		return;
	}
	if (v->proto != IPPROTO_TCP && v->proto != IPPROTO_UDP) {
		e->pass_why = v->later_frag ? "later fragment of a datagram that is not TCP/UDP" :
			"an IP protocol other than TCP/UDP/ICMP";
		return;
	}
	if (v->later_frag) {
		fr = frag_find(f, v);
		if (!fr) {
			e->pass_why = "later fragment of a datagram whose first fragment was not translated";
			return;
		}
		e->sport = fr->sport;
		e->dport = fr->dport;
		e->frag_recent = f->frag_seq - fr->seq < f->frags_max / 16;
	} else {
		e->sport = v->sport;
		e->dport = v->dport;
	}
	fkey(&e->key, v->family, v->proto, v->src, v->dst, e->sport, e->dport);
	/* exact VIP, then replies, then all-ports VIPs */
	e->vip = find_vip(f, v->family, v->proto, v->dst, e->dport);
	if (e->vip >= 0) {
		e->cls = E_FWD;
		return;
	}
	if (is_snat_addr(f, v->family, v->dst) && ct_rev_get(f, &e->key, &e->rev)) {
		e->cls = E_REPLY;
		return;
	}
	e->vip = find_vip(f, v->family, v->proto, v->dst, 0);
	if (e->vip >= 0) {
		e->cls = E_FWD;
		return;
	}
	e->pass_why = "neither for a VIP nor a reply with a reverse entry";
}

struct ranges {
	size_t off[24], n[24];
	int cnt;
};

static void allow(struct ranges *a, size_t off, size_t n, size_t lim)
{
	if (off >= lim || a->cnt == 24)
		return;
	if (off + n > lim)
		n = lim - off;
	a->off[a->cnt] = off;
	a->n[a->cnt++] = n;
}

/*
 * Only MACs, addresses, ports and checksums may change, and nothing past
 * the IP datagram; parses the output into r->vo.
 */
static int check_diff(struct run *r, bool icmp)
{
	const struct view *v = &r->vi;
	struct view *o = &r->vo;
	size_t lim = v->l3_end, i;
	struct ranges a;
	int k;

	a.cnt = 0;
	allow(&a, 0, 12, r->len);
	if (v->family == AF_INET) {
		allow(&a, v->l3_off + 10, 2, lim);
		allow(&a, v->l3_off + 12, 8, lim);
	} else {
		allow(&a, v->l3_off + 8, 32, lim);
	}
	if (v->has_l4 && !v->later_frag) {
		if (v->proto == IPPROTO_TCP) {
			allow(&a, v->l4_off, 4, lim);
			allow(&a, v->l4_off + 16, 2, lim);
		} else if (v->proto == IPPROTO_UDP) {
			allow(&a, v->l4_off, 4, lim);
			allow(&a, v->l4_off + 6, 2, lim);
		} else if (icmp) {
			allow(&a, v->l4_off + 2, 2, lim);
		}
	}
	if (icmp && v->icmp_err) {
		if (v->family == AF_INET) {
			allow(&a, v->in_l3 + 10, 2, lim);
			allow(&a, v->in_l3 + 12, 8, lim);
		} else {
			allow(&a, v->in_l3 + 8, 32, lim);
		}
		allow(&a, v->in_l4, 4, lim);
		allow(&a, v->in_l4 + (v->in_proto == IPPROTO_TCP ? 16 : 6), 2, lim);
	}
	for (i = 0; i < r->len; i++) {
		if (r->in[i] == r->out[i])
			continue;
		for (k = 0; k < a.cnt; k++)
			if (i >= a.off[k] && i < a.off[k] + a.n[k])
				break;
		if (k == a.cnt) {
			r->why_sub = i >= lim ? "past the datagram" : "inside the datagram";
			return why(r, "byte %zu (%s) changed from 0x%02x to 0x%02x; only MACs, "
				   "addresses, ports and checksums of the datagram may change",
				   i, where(v, i), r->in[i], r->out[i]);
		}
	}
	parse(r->out, r->len, o);
	if (o->kind != K_IP || o->family != v->family || o->l4_off != v->l4_off ||
	    o->proto != v->proto || o->has_l4 != v->has_l4 || o->icmp_err != v->icmp_err)
		return why(r, "the output does not parse like the input (%s)",
			   o->bad ? o->bad : "structure changed");
	return 0;
}

static int check_csums(struct fz *f, struct run *r)
{
	const struct view *i = &r->vi, *o = &r->vo;
	char e1[256], e2[256];
	bool bad_in = false;

	if (i->family == AF_INET) {
		if (i->ip4_ok != o->ip4_ok)
			return why(r, "IPv4 header checksum %s by the translation",
				   i->ip4_ok ? "broken" : "repaired");
		bad_in |= !i->ip4_ok;
	}
	if (i->has_l4 && !i->later_frag) {
		if (i->udp_zero != o->udp_zero)
			return why(r, "UDP checksum 0 (none) %s", i->udp_zero ?
				   "replaced by a value" : "introduced");
		if (i->l4_ok != o->l4_ok)
			return why(r, "%s checksum %s by the translation (recomputed from scratch)",
				   i->proto == IPPROTO_TCP ? "TCP" : i->proto == IPPROTO_UDP ?
				   "UDP" : "ICMP", i->l4_ok ? "broken" : "repaired");
		bad_in |= i->l4_ok == 0;
	}
	if (i->icmp_err) {
		if (i->in_ip4_ok != o->in_ip4_ok)
			return why(r, "quoted IPv4 header checksum %s by the translation",
				   i->in_ip4_ok == 1 ? "broken" : "changed");
		if (i->in_l4_ok != o->in_l4_ok || i->in_udp_zero != o->in_udp_zero)
			return why(r, "quoted %s checksum %s by the translation",
				   i->in_proto == IPPROTO_TCP ? "TCP" : "UDP",
				   i->in_l4_ok == 1 ? "broken" : "changed");
		bad_in |= i->in_ip4_ok == 0 || i->in_l4_ok == 0;
	}
	if (pkt_check(r->in, r->len, NULL, e1, sizeof(e1)) == 0 &&
	    pkt_check(r->out, r->len, NULL, e2, sizeof(e2)) != 0)
		return why(r, "input valid for pkt_check, output not: %s", e2);
	f->bad_csum_xlat += bad_in;
	return 0;
}

static bool l2_known(const struct pair_rec *pr, const uint8_t *cmac,
		     const uint8_t *lmac, int ifindex)
{
	int i;

	if (pr->l2_many)
		return true;
	for (i = 0; i < pr->nl2; i++)
		if ((!cmac || !memcmp(pr->l2[i].cmac, cmac, 6)) &&
		    !memcmp(pr->l2[i].lmac, lmac, 6) && pr->l2[i].ifindex == ifindex)
			return true;
	return false;
}

static void pk_fill(struct pair_key *pk, int family, int proto,
		    const void *client, uint16_t cport, const void *vip, uint16_t vport,
		    const void *backend, uint16_t bport, const void *snat, uint16_t sport)
{
	memset(pk, 0, sizeof(*pk));
	pk->family = family;
	pk->proto = proto;
	memcpy(pk->client, client, 16);
	memcpy(pk->vip, vip, 16);
	memcpy(pk->backend, backend, 16);
	memcpy(pk->snat, snat, 16);
	pk->cport = cport;
	pk->vport = vport;
	pk->bport = bport;
	pk->sport = sport;
}

static bool rev_is(const struct lb_ct_rev *rv, const struct lb_flow_key *k)
{
	return !memcmp(rv->client.bytes, k->src.bytes, 16) &&
	       !memcmp(rv->vip.bytes, k->dst.bytes, 16) &&
	       rv->client_port == k->sport && rv->vip_port == k->dport;
}

static int verdict_for(const struct run *r, __u32 egress)
{
	return egress == (__u32)r->ifindex ? XDP_TX : XDP_REDIRECT;
}

static void traffic_add(struct lb_traffic *t, size_t bytes, bool reply)
{
	if (reply) {
		t->reply_packets++;
		t->reply_bytes += bytes;
	} else {
		t->packets++;
		t->bytes += bytes;
	}
}

static void gflow_learn(struct fz *f, struct run *r, const struct exp *e, int be,
			const struct lb_ct_fwd *ct, bool new_pair);

static int check_forward(struct fz *f, struct run *r, const struct exp *e)
{
	const struct view *vi = &r->vi, *vo = &r->vo;
	const struct vip_rt *vip = &f->vip[e->vip];
	const struct be_rt *be = NULL;
	struct lb_flow_key rk;
	struct lb_ct_fwd ct;
	struct lb_ct_rev rv;
	struct pair_key pk;
	struct pair_rec *pr;
	uint16_t bport, sport;
	bool new_pair, pass = r->act == XDP_PASS;
	int i, bi = -1, fam = vi->family;

	if (check_diff(r, false))
		return -1;
	if (memcmp(vo->src, vip->snat, 16))
		return why(r, "forwarded from %s, not from the SNAT address %s of VIP %s",
			   ntop(fam, vo->src), ntop(fam, vip->snat), ntop(fam, vip->addr));
	for (i = 0; i < vip->nbe; i++)
		if (!memcmp(vip->be[i].addr, vo->dst, 16))
			bi = i;
	if (bi < 0)
		return why(r, "forwarded to %s, which is not a backend of VIP %s port %u",
			   ntop(fam, vo->dst), ntop(fam, vip->addr), vip->port);
	be = &vip->be[bi];
	/* (the configuration never drains a backend that has flows) */
	if (!be->weight || be->kind == BK_UNROUTABLE)
		return why(r, "forwarded to %s, a backend that takes no flows (weight %u, %s)",
			   ntop(fam, be->addr), be->weight,
			   be->kind == BK_UNROUTABLE ? "no route" : "drained");
	if (!ct_fwd_get(f, &e->key, &ct))
		return why(r, "forwarded, but lb_ct_fwd has no entry for the client's flow");
	bport = be->port ? be->port : e->dport;
	sport = ntohs(ct.snat_port);
	if (memcmp(ct.backend.bytes, be->addr, 16) || memcmp(ct.snat.bytes, vip->snat, 16) ||
	    ntohs(ct.backend_port) != bport || ct.vip_id != vip->id || ct.backend_id != be->id)
		return why(r, "lb_ct_fwd entry (backend %s:%u id %u, snat %s, vip id %u) does not "
			   "match the translation (backend %s:%u id %u, snat %s, vip id %u)",
			   ntop(fam, ct.backend.bytes), ntohs(ct.backend_port), ct.backend_id,
			   ntop(fam, ct.snat.bytes), ct.vip_id, ntop(fam, be->addr), bport,
			   be->id, ntop(fam, vip->snat), vip->id);
	if (vi->has_l4 && !vi->later_frag) {
		if (vo->dport != bport)
			return why(r, "forwarded to port %u, want the backend's port %u",
				   vo->dport, bport);
		if (vo->sport != sport)
			return why(r, "forwarded from port %u, but the flow's SNAT port is %u",
				   vo->sport, sport);
	}
	if (sport < f->port_min || sport > f->port_max)
		return why(r, "SNAT port %u outside the configured range %u-%u", sport,
			   f->port_min, f->port_max);
	if (find_vip(f, fam, vi->proto, vip->snat, sport) >= 0)
		return why(r, "SNAT port %u is an exact VIP port on the SNAT address %s: "
			   "replies would be taken for new clients", sport, ntop(fam, vip->snat));

	pk_fill(&pk, fam, vi->proto, vi->src, e->sport, vi->dst, e->dport, be->addr, bport,
		vip->snat, sport);
	pr = ht_get(&f->pairs, &pk, &new_pair);
	pr->vip = e->vip;
	pr->be = bi;
	if (!l2_known(pr, r->in + 6, r->in, r->ifindex)) {
		if (pr->nl2 == PAIR_L2) {
			pr->l2_many = true;
		} else {
			memcpy(pr->l2[pr->nl2].cmac, r->in + 6, 6);
			memcpy(pr->l2[pr->nl2].lmac, r->in, 6);
			pr->l2[pr->nl2++].ifindex = r->ifindex;
		}
	}

	fkey(&rk, fam, vi->proto, be->addr, vip->snat, bport, sport);
	if (ct_rev_get(f, &rk, &rv)) {
		if (!rev_is(&rv, &e->key)) {
			if (!f->small)
				return why(r, "the reverse entry of SNAT port %u belongs to another "
					   "flow (client %s:%u): the backend's replies go to the wrong "
					   "client", sport, ntop(fam, rv.client.bytes),
					   ntohs(rv.client_port));
			f->rev_clash++;
		}
	} else if (new_pair) {
		return why(r, "a new flow was forwarded without a reverse entry for its "
			   "SNAT port %u", sport);
	}

	if (pass) {
		__u64 n;

		if (be->kind != BK_UNRESOLVED)
			return why(r, "XDP_PASS with a modified packet (translated to %s, whose "
				   "neighbour is resolved)", ntop(fam, be->addr));
		if (memcmp(r->out, r->in, 12))
			return why(r, "XDP_PASS for neighbour resolution, yet the MACs changed");
		if (ct.flags & LB_CT_L2_VALID)
			return why(r, "XDP_PASS for neighbour resolution, yet the flow's next "
				   "hop is marked valid");
		n = stat_slot(f, LB_STAT_PASS_NO_NEIGH);
		if (n != f->snap_noneigh + 1)
			return why(r, "XDP_PASS with a translated packet, but "
				   "pass_neighbour_unresolved moved by %lld",
				   (long long)(n - f->snap_noneigh));
		f->snap_noneigh = n;
		f->pass_noneigh++;
	} else {
		if (be->kind == BK_UNRESOLVED)
			return why(r, "transmitted to %s, whose neighbour is unresolved",
				   ntop(fam, be->addr));
		if (!(ct.flags & LB_CT_L2_VALID))
			return why(r, "transmitted, but the flow has no valid next hop");
		if (memcmp(r->out, ct.to_backend.dmac, 6) ||
		    memcmp(r->out + 6, ct.to_backend.smac, 6))
			return why(r, "MACs %s > %s differ from the flow's next hop %s > %s",
				   mac_str(r->out + 6), mac_str(r->out),
				   mac_str(ct.to_backend.smac), mac_str(ct.to_backend.dmac));
		if (memcmp(r->out, be->mac, 6))
			return why(r, "sent to MAC %s, not backend %s's MAC %s", mac_str(r->out),
				   ntop(fam, be->addr), mac_str(be->mac));
		if (be->kind == BK_NEIGH) {
			if ((int)ct.to_backend.ifindex != be->ifindex ||
			    memcmp(ct.to_backend.smac, be->if_mac, 6))
				return why(r, "next hop via ifindex %u from %s, want ifindex %d "
					   "from %s", ct.to_backend.ifindex,
					   mac_str(ct.to_backend.smac), be->ifindex,
					   mac_str(be->if_mac));
		} else if (!l2_known(pr, NULL, ct.to_backend.smac, ct.to_backend.ifindex)) {
			return why(r, "static-MAC next hop (ifindex %u, source MAC %s) matches "
				   "no client packet of the flow", ct.to_backend.ifindex,
				   mac_str(ct.to_backend.smac));
		}
		if ((int)r->act != verdict_for(r, ct.to_backend.ifindex))
			return why(r, "verdict %s, but the next hop is ifindex %u (ingress %d)",
				   act_str(r->act), ct.to_backend.ifindex, r->ifindex);
		f->fwd_tx++;
	}
	if (check_csums(f, r))
		return -1;
	frag_record(f, vi);
	f->later_frag_xlat += vi->later_frag;
	f->fwd_xlat++;
	traffic_add(&f->vipt[vip->id], r->len, false);
	traffic_add(&f->bet[be->id], r->len, false);
	gflow_learn(f, r, e, bi, &ct, new_pair);
	return 0;
}

static int check_reply(struct fz *f, struct run *r, const struct exp *e)
{
	const struct view *vi = &r->vi, *vo = &r->vo;
	const struct lb_ct_rev *rv = &e->rev;
	const struct vip_rt *vip;
	struct pair_key pk;
	struct pair_rec *pr;
	int fam = vi->family;

	if (check_diff(r, false))
		return -1;
	if (memcmp(vo->src, rv->vip.bytes, 16) || memcmp(vo->dst, rv->client.bytes, 16))
		return why(r, "reply translated to %s > %s, but its reverse entry says %s > %s",
			   ntop(fam, vo->src), ntop(fam, vo->dst), ntop(fam, rv->vip.bytes),
			   ntop(fam, rv->client.bytes));
	if (vi->has_l4 && !vi->later_frag &&
	    (vo->sport != ntohs(rv->vip_port) || vo->dport != ntohs(rv->client_port)))
		return why(r, "reply ports %u > %u, but its reverse entry says %u > %u",
			   vo->sport, vo->dport, ntohs(rv->vip_port), ntohs(rv->client_port));
	pk_fill(&pk, fam, vi->proto, rv->client.bytes, ntohs(rv->client_port),
		rv->vip.bytes, ntohs(rv->vip_port), vi->src, e->sport, vi->dst, e->dport);
	pr = ht_find(&f->pairs, &pk);
	if (!pr)
		return why(r, "open relay: reply translated toward %s:%u by a reverse entry "
			   "(%s:%u > %s:%u) that no translated client packet allocated",
			   ntop(fam, rv->client.bytes), ntohs(rv->client_port),
			   ntop(fam, vi->src), e->sport, ntop(fam, vi->dst), e->dport);
	vip = &f->vip[pr->vip];
	if (rv->vip_id != vip->id || rv->backend_id != vip->be[pr->be].id)
		return why(r, "reverse entry names VIP id %u backend id %u, the flow was "
			   "VIP id %u backend id %u", rv->vip_id, rv->backend_id, vip->id,
			   vip->be[pr->be].id);
	if (memcmp(r->out, rv->to_client.dmac, 6) || memcmp(r->out + 6, rv->to_client.smac, 6))
		return why(r, "reply MACs %s > %s differ from the reverse entry's %s > %s",
			   mac_str(r->out + 6), mac_str(r->out), mac_str(rv->to_client.smac),
			   mac_str(rv->to_client.dmac));
	if (!l2_known(pr, rv->to_client.dmac, rv->to_client.smac, rv->to_client.ifindex))
		return why(r, "reply sent to MAC %s via ifindex %u, where no client packet of "
			   "the flow came from", mac_str(rv->to_client.dmac),
			   rv->to_client.ifindex);
	if ((int)r->act != verdict_for(r, rv->to_client.ifindex))
		return why(r, "verdict %s, but the client is behind ifindex %u (ingress %d)",
			   act_str(r->act), rv->to_client.ifindex, r->ifindex);
	if (check_csums(f, r))
		return -1;
	frag_record(f, vi);
	f->later_frag_xlat += vi->later_frag;
	f->reply_xlat++;
	traffic_add(&f->vipt[rv->vip_id & 63], r->len, true);
	traffic_add(&f->bet[rv->backend_id & 255], r->len, true);
	return 0;
}

static int check_icmp(struct fz *f, struct run *r, const struct exp *e)
{
	const struct view *vi = &r->vi, *vo = &r->vo;
	const uint8_t *osrc, *odst, *isrc, *idst;
	uint16_t isport, idport;
	const struct lb_l2 *l2;
	struct pair_key pk;
	struct pair_rec *pr;
	bool to_be;
	int fam = vi->family;

	if (check_diff(r, true))
		return -1;
	if (vo->in_l3 != vi->in_l3 || vo->in_l4 != vi->in_l4)
		return why(r, "the translated ICMP error quotes differently");
	if (e->has_fwd && !memcmp(vo->dst, e->fwd.backend.bytes, 16)) {
		const struct lb_ct_fwd *ct = &e->fwd;

		to_be = true;
		if (!(ct->flags & LB_CT_L2_VALID))
			return why(r, "ICMP error sent to backend %s, whose next hop is not resolved",
				   ntop(fam, ct->backend.bytes));
		pk_fill(&pk, fam, e->fk.proto, e->fk.src.bytes, ntohs(e->fk.sport),
			e->fk.dst.bytes, ntohs(e->fk.dport), ct->backend.bytes,
			ntohs(ct->backend_port), ct->snat.bytes, ntohs(ct->snat_port));
		osrc = ct->snat.bytes;
		odst = ct->backend.bytes;
		isrc = ct->backend.bytes;
		idst = ct->snat.bytes;
		isport = ntohs(ct->backend_port);
		idport = ntohs(ct->snat_port);
		l2 = &ct->to_backend;
	} else if (e->has_rev && !memcmp(vo->dst, e->rev.client.bytes, 16)) {
		const struct lb_ct_rev *rv = &e->rev;

		to_be = false;
		pk_fill(&pk, fam, e->fk.proto, rv->client.bytes, ntohs(rv->client_port),
			rv->vip.bytes, ntohs(rv->vip_port), e->fk.src.bytes,
			ntohs(e->fk.sport), e->fk.dst.bytes, ntohs(e->fk.dport));
		osrc = rv->vip.bytes;
		odst = rv->client.bytes;
		isrc = rv->client.bytes;
		idst = rv->vip.bytes;
		isport = ntohs(rv->client_port);
		idport = ntohs(rv->vip_port);
		l2 = &rv->to_client;
	} else {
		return why(r, "ICMP error translated toward %s, which is neither the quoted "
			   "flow's backend nor its client", ntop(fam, vo->dst));
	}
	pr = ht_find(&f->pairs, &pk);
	if (!pr)
		return why(r, "ICMP error translated through a %s entry that no translated "
			   "client packet created (client %s:%u, backend %s:%u)",
			   to_be ? "forward" : "reverse", ntop(fam, pk.client), pk.cport,
			   ntop(fam, pk.backend), pk.bport);
	if (memcmp(vo->src, osrc, 16) || memcmp(vo->in_src, isrc, 16) ||
	    memcmp(vo->in_dst, idst, 16) || vo->in_sport != isport || vo->in_dport != idport)
		return why(r, "ICMP error translated to %s > %s quoting %s:%u > %s:%u, want %s > "
			   "%s quoting %s:%u > %s:%u", ntop(fam, vo->src), ntop(fam, vo->dst),
			   ntop(fam, vo->in_src), vo->in_sport, ntop(fam, vo->in_dst),
			   vo->in_dport, ntop(fam, osrc), ntop(fam, odst), ntop(fam, isrc),
			   isport, ntop(fam, idst), idport);
	if (memcmp(r->out, l2->dmac, 6) || memcmp(r->out + 6, l2->smac, 6))
		return why(r, "ICMP error MACs %s > %s differ from the flow's %s > %s",
			   mac_str(r->out + 6), mac_str(r->out), mac_str(l2->smac),
			   mac_str(l2->dmac));
	if (to_be ? memcmp(l2->dmac, f->vip[pr->vip].be[pr->be].mac, 6) != 0 :
		    !l2_known(pr, l2->dmac, l2->smac, l2->ifindex))
		return why(r, "ICMP error sent to MAC %s, not one of the flow's", mac_str(l2->dmac));
	if ((int)r->act != verdict_for(r, l2->ifindex))
		return why(r, "verdict %s, but the destination is behind ifindex %u (ingress %d)",
			   act_str(r->act), l2->ifindex, r->ifindex);
	if (check_csums(f, r))
		return -1;
	if (to_be)
		f->icmp_be++;
	else
		f->icmp_cl++;
	return 0;
}

/* ICMP errors the documented behaviour translates (liveness). */
static bool icmp_translatable(const struct exp *e)
{
	if (e->has_fwd)
		return e->fwd.flags & LB_CT_L2_VALID;
	return e->has_rev;
}

static int check_drop(struct fz *f, struct run *r, const struct exp *e)
{
	const struct vip_rt *vip;
	__u64 cur[4];
	int i, moved = -1, nmoved = 0;

	if (e->cls != E_FWD) {
		r->why_sub = e->pass_why;
		return why(r, "XDP_DROP of a packet that is not for a VIP (%s)",
			   e->cls == E_PASS ? e->pass_why : e->cls == E_REPLY ?
			   "a reply" : "an ICMP error");
	}
	vip = &f->vip[e->vip];
	for (i = 0; i < 4; i++) {
		cur[i] = stat_slot(f, drop_slots[i]);
		if (cur[i] != f->snap_drop[i]) {
			nmoved++;
			moved = i;
		}
	}
	if (nmoved != 1 || cur[moved] != f->snap_drop[moved] + 1)
		return why(r, "XDP_DROP, but %d drop reasons moved (want exactly one, by one)",
			   nmoved);
	memcpy(f->snap_drop, cur, sizeof(cur));
	if (!(drop_slots[moved] == LB_STAT_DROP_PORTS_EXHAUSTED ||
	      (drop_slots[moved] == LB_STAT_DROP_NO_BACKEND && !vip->can_forward) ||
	      (drop_slots[moved] == LB_STAT_DROP_FIB && vip->has_unroutable)))
		return why(r, "dropped for %s, which VIP %s port %u cannot hit",
			   drop_names[moved], ntop(vip->family, vip->addr), vip->port);
	f->drop_reason[moved]++;
	return 0;
}

static int check(struct fz *f, struct run *r, const struct exp *e)
{
	if (r->out_len != r->len)
		return why(r, "output is %zu bytes, input %zu", r->out_len, r->len);
	switch (r->act) {
	case XDP_PASS:
		if (!memcmp(r->in, r->out, r->len)) {
			if (!r->valid || (r->vi.later_frag && !e->frag_recent))
				return 0;
			if (e->cls == E_FWD)
				return why(r, "a valid packet for VIP %s port %u passed untranslated",
					   ntop(r->vi.family, f->vip[e->vip].addr),
					   f->vip[e->vip].port);
			if (e->cls == E_REPLY)
				return why(r, "a valid reply with a live reverse entry passed "
					   "untranslated");
			if (e->cls == E_ICMP && icmp_translatable(e))
				return why(r, "a valid ICMP error about a tracked flow passed "
					   "untranslated");
			return 0;
		}
		if (e->cls == E_FWD)
			return check_forward(f, r, e);
		r->why_sub = e->pass_why;
		return why(r, "XDP_PASS with a modified packet (%s)",
			   e->cls == E_PASS ? e->pass_why : e->cls == E_REPLY ? "a reply" :
			   "an ICMP error");
	case XDP_DROP:
		return check_drop(f, r, e);
	case XDP_TX:
	case XDP_REDIRECT:
		switch (e->cls) {
		case E_FWD:
			return check_forward(f, r, e);
		case E_REPLY:
			return check_reply(f, r, e);
		case E_ICMP:
			return check_icmp(f, r, e);
		default:
			r->why_sub = e->pass_why;
			return why(r, "transmitted a packet that must pass untouched: %s",
				   e->pass_why);
		}
	case XDP_ABORTED:
		return why(r, "XDP_ABORTED");
	default:
		return why(r, "unknown verdict %u", r->act);
	}
}

static void report(struct fz *f, struct run *r)
{
	char stop[48] = "";

	/* past earlier violations: stop at this one */
	if (f->fails)
		snprintf(stop, sizeof(stop), " XDP_LB_FUZZ_MAX_FAILS=%d", f->fails + 1);
	fprintf(stderr,
		"\n*** xdp-lb fuzz: invariant violated\n"
		"  test %s, packet #%zu of %zu, seed 0x%llx\n"
		"  packet: %s%s\n"
		"  ingress ifindex %d (%s), verdict %s\n"
		"  failed check: %s\n"
		"  reproduce: XDP_LB_FUZZ_SEED=0x%llx XDP_LB_FUZZ_PACKETS=%zu "
		"XDP_LB_FUZZ_TESTS=%s%s %s\n",
		f->test, f->ran, f->target, (unsigned long long)g_seed, r->desc,
		r->valid ? " (valid)" : "", r->ifindex,
		r->ifindex == ifindex_lb ? IF_LB : IF_OTHER, act_str(r->act), r->why,
		(unsigned long long)g_seed, g_packets, f->test, stop, g_prog);
	pkt_hexdump("input", r->in, r->len);
	pkt_hexdump("output", r->out, r->out_len);
	if (r->out_len == r->len && memcmp(r->in, r->out, r->len))
		pkt_diff(r->in, r->len, r->out, r->out_len);
}

static void fz_summary(struct fz *f);

/* Runs r through the data plane and the oracle; false on a violation. */
static bool run_check(struct fz *f, struct run *r)
{
	struct exp e;
	int i;

	parse(r->in, r->len, &r->vi);
	classify(f, r, &e);
	r->act = xdp_run(f, r->in, r->len, r->out, &r->out_len, r->ifindex);
	r->why[0] = '\0';
	r->why_sub = NULL;
	f->n_valid += r->valid;
	f->n_mutated += !r->valid;
	if (check(f, r, &e)) {
		for (i = 0; i < f->ncat; i++)
			if (f->cat[i].fmt == r->why_fmt && f->cat[i].sub == r->why_sub)
				break;
		if (i == f->ncat && i < 32) {
			f->cat[i].fmt = r->why_fmt;
			f->cat[i].sub = r->why_sub;
			f->cat[i].first = f->ran;
			snprintf(f->cat[i].example, sizeof(f->cat[i].example), "%.150s", r->why);
			f->ncat++;
		}
		if (i < 32 && f->cat[i].count++ < 3)
			report(f, r);
		f->fails++;
		/* resynchronise so later packets are judged on their own */
		for (i = 0; i < 4; i++)
			f->snap_drop[i] = stat_slot(f, drop_slots[i]);
		f->snap_noneigh = stat_slot(f, LB_STAT_PASS_NO_NEIGH);
		if (f->fails >= g_max_fails) {
			fz_summary(f);
			fail_msg("%s: invariant violated at packet #%zu: %s", f->test, f->ran,
				 r->why);
		}
	}
	if (r->act <= XDP_REDIRECT)
		f->verdict[r->act]++;
	f->ran++;
	return !r->why[0];
}

/* ------------------------------------------------------------------ */
/* Counters                                                             */

static int check_counters(struct fz *f, char *msg, size_t n)
{
	__u64 s[LB_STAT_SLOTS], sum = 0, nv = 0, nb = 0;
	struct lb_traffic t, *w;
	int i, j;

	if (lb_stats_read(&f->maps, s))
		return snprintf(msg, n, "lb_stats_read failed"), -1;
	for (i = 0; i <= XDP_REDIRECT; i++) {
		sum += s[i];
		if (s[i] != f->verdict[i])
			return snprintf(msg, n, "lb_stats[%s] = %llu, but %llu packets got it",
					act_str(i), (unsigned long long)s[i],
					(unsigned long long)f->verdict[i]), -1;
	}
	if (sum != f->ran)
		return snprintf(msg, n, "verdict counters add up to %llu, %zu packets were run",
				(unsigned long long)sum, f->ran), -1;
	if (s[LB_STAT_PASS] != s[LB_STAT_PASS_NOT_IP] + s[LB_STAT_PASS_NOT_VIP] +
	    s[LB_STAT_PASS_MALFORMED] + s[LB_STAT_PASS_FRAG_UNKNOWN] + s[LB_STAT_PASS_NO_NEIGH])
		return snprintf(msg, n, "pass = %llu is not the sum of its reasons",
				(unsigned long long)s[LB_STAT_PASS]), -1;
	if (s[LB_STAT_DROP] != s[LB_STAT_DROP_NO_BACKEND] + s[LB_STAT_DROP_PORTS_EXHAUSTED] +
	    s[LB_STAT_DROP_FIB] + s[LB_STAT_DROP_RING_MISSING])
		return snprintf(msg, n, "drop = %llu is not the sum of its reasons",
				(unsigned long long)s[LB_STAT_DROP]), -1;
	for (i = 0; i < 4; i++)
		if (s[drop_slots[i]] != f->drop_reason[i])
			return snprintf(msg, n, "drop_%s = %llu, the oracle saw %llu",
					drop_names[i], (unsigned long long)s[drop_slots[i]],
					(unsigned long long)f->drop_reason[i]), -1;
	if (s[LB_STAT_ICMP_TO_BACKEND] != f->icmp_be || s[LB_STAT_ICMP_TO_CLIENT] != f->icmp_cl)
		return snprintf(msg, n, "icmp_to_backend/client = %llu/%llu, the oracle saw %llu/%llu",
				(unsigned long long)s[LB_STAT_ICMP_TO_BACKEND],
				(unsigned long long)s[LB_STAT_ICMP_TO_CLIENT],
				(unsigned long long)f->icmp_be, (unsigned long long)f->icmp_cl), -1;
	if (s[LB_STAT_PASS_NO_NEIGH] != f->pass_noneigh)
		return snprintf(msg, n, "pass_neighbour_unresolved = %llu, the oracle saw %llu",
				(unsigned long long)s[LB_STAT_PASS_NO_NEIGH],
				(unsigned long long)f->pass_noneigh), -1;
	if (s[LB_STAT_TX] + s[LB_STAT_REDIRECT] != f->fwd_tx + f->reply_xlat + f->icmp_be + f->icmp_cl)
		return snprintf(msg, n, "tx + redirect = %llu, the oracle saw %llu translations",
				(unsigned long long)(s[LB_STAT_TX] + s[LB_STAT_REDIRECT]),
				(unsigned long long)(f->fwd_tx + f->reply_xlat + f->icmp_be +
						     f->icmp_cl)), -1;
	if (s[LB_STAT_FLOW_NEW] < f->pairs.nrec || s[LB_STAT_FLOW_NEW] > f->fwd_xlat)
		return snprintf(msg, n, "flow_new = %llu, want between %zu distinct translations "
				"and %llu forwarded packets", (unsigned long long)s[LB_STAT_FLOW_NEW],
				f->pairs.nrec, (unsigned long long)f->fwd_xlat), -1;
	for (i = 0; i < f->nvip; i++) {
		const struct vip_rt *v = &f->vip[i];

		if (lb_traffic_read(&f->maps, false, v->id, &t))
			return snprintf(msg, n, "lb_traffic_read failed"), -1;
		w = &f->vipt[v->id];
		if (t.packets != w->packets || t.bytes != w->bytes ||
		    t.reply_packets != w->reply_packets || t.reply_bytes != w->reply_bytes)
			return snprintf(msg, n, "VIP %s port %u counts %llu/%llu packets/bytes, "
					"%llu/%llu reply; the oracle saw %llu/%llu, %llu/%llu",
					ntop(v->family, v->addr), v->port,
					(unsigned long long)t.packets, (unsigned long long)t.bytes,
					(unsigned long long)t.reply_packets,
					(unsigned long long)t.reply_bytes,
					(unsigned long long)w->packets, (unsigned long long)w->bytes,
					(unsigned long long)w->reply_packets,
					(unsigned long long)w->reply_bytes), -1;
		nv += t.new_flows;
		for (j = 0; j < v->nbe; j++) {
			if (lb_traffic_read(&f->maps, true, v->be[j].id, &t))
				return snprintf(msg, n, "lb_traffic_read failed"), -1;
			w = &f->bet[v->be[j].id];
			if (t.packets != w->packets || t.bytes != w->bytes ||
			    t.reply_packets != w->reply_packets || t.reply_bytes != w->reply_bytes)
				return snprintf(msg, n, "backend %s of VIP %s port %u counts "
						"%llu/%llu packets/replies, the oracle saw %llu/%llu",
						ntop(v->family, v->be[j].addr),
						ntop(v->family, v->addr), v->port,
						(unsigned long long)t.packets,
						(unsigned long long)t.reply_packets,
						(unsigned long long)w->packets,
						(unsigned long long)w->reply_packets), -1;
			nb += t.new_flows;
		}
	}
	if (nv != s[LB_STAT_FLOW_NEW] || nb != s[LB_STAT_FLOW_NEW])
		return snprintf(msg, n, "new flows: %llu per VIP, %llu per backend, %llu in total",
				(unsigned long long)nv, (unsigned long long)nb,
				(unsigned long long)s[LB_STAT_FLOW_NEW]), -1;
	return 0;
}

static void assert_counters(struct fz *f)
{
	char msg[512];

	if (f->fails)
		return;         /* the model missed the failed packets' effects */
	if (check_counters(f, msg, sizeof(msg)))
		fail_msg("%s: counters do not add up after %zu packets (seed 0x%llx): %s",
			 f->test, f->ran, (unsigned long long)g_seed, msg);
}

/* ------------------------------------------------------------------ */
/* Generators                                                           */

static const char *const v4_clients[] = {
	"10.0.0.1", "10.1.0.1", "192.0.2.1", "192.0.2.2", "192.0.2.3",
	"198.18.0.7", "10.0.0.2", "203.0.113.9",
};
static const char *const v6_clients[] = {
	"fd00::1", "fd01::1", "2001:db8::1", "2001:db8::2", "2001:db8::3",
	"2001:db8:1::7", "fd00::2", "2001:db8:ffff::9",
};
#define NCLIENTS 8

static void rnd_bytes(struct fz *f, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rng_u64(&f->rng);
}

static void rnd_addr(struct fz *f, int family, uint8_t a[16])
{
	memset(a, 0, 16);
	rnd_bytes(f, a, alen(family));
	if (family == AF_INET6 && chance(&f->rng, 50)) {
		a[0] = 0xfd;
		a[1] = 0;
	}
}

static void client_addr(struct fz *f, int family, int idx, uint8_t a[16])
{
	int fam;

	addr_parse(family == AF_INET ? v4_clients[idx] : v6_clients[idx], &fam, a);
}

static uint16_t pick_port(struct fz *f)
{
	static const uint16_t common[] = { 22, 53, 80, 443, 1030, 2000, 5353, 8080 };
	uint32_t x = rnd(&f->rng, 100);

	if (x < 40)
		return common[rnd(&f->rng, 8)];
	if (x < 70)
		return f->port_min + rnd(&f->rng, f->port_max - f->port_min + 1);
	return rnd(&f->rng, 65536);
}

static int pick_vip(struct fz *f)
{
	int i, total = 0, x;

	for (i = 0; i < f->nvip; i++)
		total += f->vip[i].weight;
	x = rnd(&f->rng, total);
	for (i = 0; i < f->nvip; i++) {
		x -= f->vip[i].weight;
		if (x < 0)
			return i;
	}
	return 0;
}

static int new_gflow(struct fz *f, int vi)
{
	const struct vip_rt *v = &f->vip[vi];
	int k = f->nflows % NFLOWS, ci = rnd(&f->rng, NCLIENTS);
	struct gflow *fl = &f->flows[k];

	f->nflows++;
	memset(fl, 0, sizeof(*fl));
	fl->vip = vi;
	fl->family = v->family;
	fl->proto = v->proto;
	client_addr(f, v->family, ci, fl->client);
	fl->cmac[0] = 0x02;
	fl->cmac[1] = 0xc1;
	fl->cmac[2] = v->family == AF_INET ? 4 : 6;
	fl->cmac[5] = ci;
	fl->ifindex = ci == 1 || chance(&f->rng, 15) ? ifindex_other : ifindex_lb;
	fl->cport = chance(&f->rng, 5) ? rnd(&f->rng, 1024) : 1024 + rnd(&f->rng, 64512);
	fl->vport = v->port ? v->port : pick_port(f);
	return k;
}

static int pick_flow(struct fz *f, bool known)
{
	size_t n = f->nflows < NFLOWS ? f->nflows : NFLOWS;
	int i, k;

	if (!n)
		return -1;
	for (i = 0; i < 16; i++) {
		/* recent flows more often */
		k = chance(&f->rng, 50) && n > 64 ? (f->nflows - 1 - rnd(&f->rng, 64)) % NFLOWS :
			rnd(&f->rng, n);
		if (!known || f->flows[k].known)
			return k;
	}
	return -1;
}

/* Learns the backend side of a generator flow from its verified translation. */
static void gflow_learn(struct fz *f, struct run *r, const struct exp *e, int be,
			const struct lb_ct_fwd *ct, bool new_pair)
{
	const struct view *v = &r->vi;
	struct gflow *fl = NULL;
	int k = r->flow;

	if (k >= 0) {
		fl = &f->flows[k];
		if (fl->family != v->family || fl->proto != v->proto ||
		    memcmp(fl->client, v->src, 16) || fl->cport != e->sport ||
		    fl->vport != e->dport || memcmp(f->vip[fl->vip].addr, v->dst, 16))
			fl = NULL;
	}
	if (!fl && new_pair) {
		/* a flow a mutation made up: replies to it are interesting too */
		k = f->nflows % NFLOWS;
		f->nflows++;
		fl = &f->flows[k];
		memset(fl, 0, sizeof(*fl));
		fl->vip = e->vip;
		fl->family = v->family;
		fl->proto = v->proto;
		memcpy(fl->client, v->src, 16);
		fl->cport = e->sport;
		fl->vport = e->dport;
		memcpy(fl->cmac, r->in + 6, 6);
		fl->ifindex = r->ifindex;
	}
	if (!fl)
		return;
	fl->known = true;
	fl->be = be;
	memcpy(fl->backend, ct->backend.bytes, 16);
	memcpy(fl->snat, ct->snat.bytes, 16);
	fl->bport = ntohs(ct->backend_port);
	fl->sport = ntohs(ct->snat_port);
}

struct mix {
	int w_new, w_est, w_reply, w_nonvip, w_icmp;
	int frag_pct;           /* fragmented client/reply datagrams */
	int feat_pct;           /* VLANs, options, extension headers, padding */
	int mut_pct;            /* mutated packets */
	int max_muts;
	bool icmp_muts;         /* favour quote/length mutations */
};

static void dcat(struct run *r, const char *fmt, ...)
{
	size_t l = strlen(r->desc);
	va_list ap;

	if (l >= sizeof(r->desc) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(r->desc + l, sizeof(r->desc) - l, fmt, ap);
	va_end(ap);
}

static void spec_base(struct pkt_spec *s, int family, int proto, const uint8_t *src,
		      uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	memset(s, 0, sizeof(*s));
	s->family = family;
	s->proto = proto;
	memcpy(s->src, src, 16);
	memcpy(s->dst, dst, 16);
	s->sport = sport;
	s->dport = dport;
	s->ttl = 64;
}

static size_t rnd_payload(struct fz *f)
{
	uint32_t x = rnd(&f->rng, 100);

	if (x < 20)
		return 0;
	if (x < 60)
		return 1 + rnd(&f->rng, 64);
	if (x < 90)
		return 65 + rnd(&f->rng, 500);
	return 565 + rnd(&f->rng, 835);
}

static void spec_random_fields(struct fz *f, struct pkt_spec *s)
{
	s->ttl = 1 + rnd(&f->rng, 255);
	s->tos = rnd(&f->rng, 256);
	s->flow_label = rnd(&f->rng, 1 << 20);
	s->ip_id = rnd(&f->rng, 65536);
	s->dont_frag = chance(&f->rng, 50);
	s->seq = rng_u64(&f->rng);
	s->ack = rng_u64(&f->rng);
	s->tcp_window = rnd(&f->rng, 65536);
	s->payload_len = rnd_payload(f);
	s->payload_seed = rnd(&f->rng, 256);
}

/* VLAN tags, IPv4 options, IPv6 extension headers, TCP options, padding. */
static void spec_features(struct fz *f, struct pkt_spec *s, struct run *r, int pct)
{
	int i;

	if (chance(&f->rng, pct)) {
		s->nr_vlans = 1 + rnd(&f->rng, 2);
		for (i = 0; i < s->nr_vlans; i++)
			s->vlan_ids[i] = rnd(&f->rng, 65536);
		dcat(r, " vlan%d", s->nr_vlans);
	}
	if (s->family == AF_INET && chance(&f->rng, pct)) {
		s->ip_opts_len = 4 * (1 + rnd(&f->rng, 10));
		switch (rnd(&f->rng, 3)) {
		case 0:
			memset(s->ip_opts, 1, s->ip_opts_len);  /* NOPs */
			break;
		case 1:
			memset(s->ip_opts, 0, s->ip_opts_len);  /* router alert, EOL */
			s->ip_opts[0] = 0x94;
			s->ip_opts[1] = 4;
			break;
		default:
			rnd_bytes(f, s->ip_opts, s->ip_opts_len);
		}
		dcat(r, " ipopts%d", s->ip_opts_len);
	}
	if (s->family == AF_INET6 && chance(&f->rng, pct)) {
		static const uint8_t types[] = { 0, 43, 60 };

		s->nr_ext = 1 + rnd(&f->rng, PKT_MAX_EXT);
		for (i = 0; i < s->nr_ext; i++)
			s->ext_types[i] = types[rnd(&f->rng, 3)];
		dcat(r, " ext%d", s->nr_ext);
	}
	if (s->proto == IPPROTO_TCP && chance(&f->rng, pct / 2)) {
		s->tcp_opts_len = 4 * rnd(&f->rng, 11);
		rnd_bytes(f, s->tcp_opts, s->tcp_opts_len);
	}
	if (s->family == AF_INET && s->proto == IPPROTO_UDP && chance(&f->rng, 10)) {
		s->udp_zero_csum = true;
		dcat(r, " udp-csum0");
	}
	if (chance(&f->rng, pct)) {
		s->pad_to = 60 + rnd(&f->rng, 80);
		dcat(r, " pad%zu", s->pad_to);
	}
}

static void build(struct run *r, const struct pkt_spec *s)
{
	r->len = pkt_build(r->in, FRAME_MAX, s);
	if (!r->len)
		fail_msg("pkt_build failed for: %s", r->desc);
}

static bool splice_in(struct run *r, size_t off, const uint8_t *data, size_t n);

/*
 * An IPsec Authentication Header right after the IPv6 header (RFC 4302:
 * length (hdrlen + 2) * 4 bytes, a multiple of 8 over IPv6), as IPsec
 * peers send it; the upper-layer checksum does not cover it.
 */
static void add_ah(struct fz *f, struct run *r)
{
	uint8_t ah[32];
	int fam, hl = 2 * rnd(&f->rng, 4);      /* 8, 16, 24 or 32 bytes */
	size_t l3 = find_l3(r->in, r->len, &fam), n = ((size_t)hl + 2) * 4;

	if (fam != AF_INET6)
		return;
	rnd_bytes(f, ah, n);
	ah[0] = r->in[l3 + 6];
	ah[1] = hl;
	ah[2] = ah[3] = 0;
	if (!splice_in(r, l3 + 40, ah, n))
		return;
	r->in[l3 + 6] = 51;
	wr16(r->in + l3 + 4, rd16(r->in + l3 + 4) + n);
	dcat(r, " ah%zu", n);
}

/* Maybe make this datagram a first fragment, queueing a later one. */
static void maybe_frag(struct fz *f, struct pkt_spec *s, struct run *r, int pct)
{
	struct pending *p;

	if (s->family == AF_INET6 && chance(&f->rng, 2)) {
		s->ipv6_frag_hdr = true;        /* atomic fragment */
		dcat(r, " atomic-frag");
		return;
	}
	if (!chance(&f->rng, pct))
		return;
	s->more_frags = true;
	s->dont_frag = false;
	s->ip_id = rnd(&f->rng, 65536);
	dcat(r, " frag-first id %u", s->ip_id);
	if (f->npend == 8)
		return;
	p = &f->pend[f->npend++];
	p->s = *s;
	p->s.frag_offset = 8 * (1 + rnd(&f->rng, 150));
	p->s.more_frags = chance(&f->rng, 40);
	p->s.payload_len = 1 + rnd(&f->rng, 400);
	p->s.pad_to = 0;
	p->ifindex = r->ifindex;
}

static void gen_client(struct fz *f, struct run *r, int k, const struct mix *m)
{
	static const uint8_t est_flags[] = { 0x10, 0x10, 0x10, 0x18, 0x18, 0x11, 0x04,
					     0x02, 0x14, 0x12, 0x00, 0x29 };
	const struct vip_rt *v;
	struct gflow *fl;
	struct pkt_spec s;
	bool first = k < 0;

	if (first)
		k = new_gflow(f, pick_vip(f));
	fl = &f->flows[k];
	v = &f->vip[fl->vip];
	spec_base(&s, fl->family, fl->proto, fl->client, fl->cport, v->addr, fl->vport);
	spec_random_fields(f, &s);
	memcpy(s.src_mac, fl->cmac, 6);
	memcpy(s.dst_mac, if_mac(fl->ifindex), 6);
	if (fl->proto == IPPROTO_TCP)
		s.tcp_flags = first && chance(&f->rng, 90) ? 0x02 :
			est_flags[rnd(&f->rng, sizeof(est_flags))];
	r->ifindex = fl->ifindex;
	r->flow = k;
	snprintf(r->desc, sizeof(r->desc), "client %s %s %s:%u > %s:%u",
		 first ? "new" : "est", fl->proto == IPPROTO_TCP ? "TCP" : "UDP",
		 ntop(fl->family, fl->client), fl->cport, ntop(fl->family, v->addr), fl->vport);
	spec_features(f, &s, r, m->feat_pct);
	maybe_frag(f, &s, r, m->frag_pct);
	build(r, &s);
	if (chance(&f->rng, m->feat_pct / 3))
		add_ah(f, r);
}

static void gen_reply(struct fz *f, struct run *r, int k, const struct mix *m)
{
	static const uint8_t flags[] = { 0x12, 0x12, 0x10, 0x10, 0x10, 0x18, 0x11, 0x04, 0x14 };
	const struct gflow *fl = &f->flows[k];
	const struct be_rt *be = &f->vip[fl->vip].be[fl->be];
	struct pkt_spec s;

	spec_base(&s, fl->family, fl->proto, fl->backend, fl->bport, fl->snat, fl->sport);
	spec_random_fields(f, &s);
	memcpy(s.src_mac, be->mac, 6);
	memcpy(s.dst_mac, be->if_mac, 6);
	if (fl->proto == IPPROTO_TCP)
		s.tcp_flags = flags[rnd(&f->rng, sizeof(flags))];
	r->ifindex = be->ifindex;
	r->flow = -1;
	snprintf(r->desc, sizeof(r->desc), "reply %s %s:%u > %s:%u (client %s:%u)",
		 fl->proto == IPPROTO_TCP ? "TCP" : "UDP", ntop(fl->family, fl->backend),
		 fl->bport, ntop(fl->family, fl->snat), fl->sport,
		 ntop(fl->family, fl->client), fl->cport);
	spec_features(f, &s, r, m->feat_pct);
	maybe_frag(f, &s, r, m->frag_pct);
	build(r, &s);
	if (chance(&f->rng, m->feat_pct / 3))
		add_ah(f, r);
}

static void gen_raw_l2(struct fz *f, struct run *r)
{
	static const uint16_t types[] = { 0x0806, 0x88cc, 0x8137, 0x8847, 0x0000, 0xffff };
	size_t n = 14 + 28 + rnd(&f->rng, 80), off = 12;
	uint16_t et = types[rnd(&f->rng, 6)];

	rnd_bytes(f, r->in, n);
	memcpy(r->in, chance(&f->rng, 50) ? mac_lb : (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6);
	if (chance(&f->rng, 30)) {
		wr16(r->in + off, 0x8100);
		off += 4;
	}
	if (chance(&f->rng, 20))
		et = rnd(&f->rng, 65536);
	if (et == 0x8100 || et == 0x88a8 || et == 0x0800 || et == 0x86dd)
		et = 0x0806;
	wr16(r->in + off, et);
	r->len = n;
	r->ifindex = ifindex_lb;
	snprintf(r->desc, sizeof(r->desc), "non-IP ethertype 0x%04x", et);
}

/* Traffic that is not for any VIP (or a reply that nobody allocated). */
static void gen_nonvip(struct fz *f, struct run *r, const struct mix *m)
{
	uint8_t src[16], dst[16];
	struct pkt_spec s;
	int fam = chance(&f->rng, 50) ? AF_INET : AF_INET6, proto, i, v, tries;
	uint16_t sport = rnd(&f->rng, 65536), dport = rnd(&f->rng, 65536);

	r->ifindex = chance(&f->rng, 80) ? ifindex_lb : ifindex_other;
	r->flow = -1;
	proto = chance(&f->rng, 50) ? IPPROTO_TCP : IPPROTO_UDP;
	rnd_addr(f, fam, src);
	rnd_addr(f, fam, dst);
	switch (rnd(&f->rng, 9)) {
	case 0:
	case 1:
		/* a VIP address, a protocol/port that is not configured */
		for (tries = 0; tries < 32; tries++) {
			v = rnd(&f->rng, f->nvip);
			fam = f->vip[v].family;
			proto = chance(&f->rng, 50) ? IPPROTO_TCP : IPPROTO_UDP;
			dport = pick_port(f);
			memcpy(dst, f->vip[v].addr, 16);
			if (find_vip(f, fam, proto, dst, dport) < 0 &&
			    find_vip(f, fam, proto, dst, 0) < 0)
				break;
		}
		client_addr(f, fam, rnd(&f->rng, NCLIENTS), src);
		snprintf(r->desc, sizeof(r->desc), "non-VIP port");
		break;
	case 2:
		/* a "reply" from a backend to a SNAT address nobody allocated */
		v = rnd(&f->rng, f->nvip);
		fam = f->vip[v].family;
		memcpy(dst, f->vip[v].snat, 16);
		if (f->vip[v].nbe)
			memcpy(src, f->vip[v].be[rnd(&f->rng, f->vip[v].nbe)].addr, 16);
		proto = f->vip[v].proto;
		sport = chance(&f->rng, 50) ? 80 : sport;
		dport = f->port_min + rnd(&f->rng, f->port_max - f->port_min + 1);
		i = pick_flow(f, true);
		if (i >= 0 && chance(&f->rng, 60)) {
			/* a tracked SNAT port, but another source port/address */
			const struct gflow *fl = &f->flows[i];

			fam = fl->family;
			proto = fl->proto;
			memcpy(dst, fl->snat, 16);
			memcpy(src, fl->backend, 16);
			dport = fl->sport;
			sport = fl->bport + 1 + rnd(&f->rng, 3);
			if (chance(&f->rng, 30)) {
				sport = fl->bport;
				src[alen(fam) - 1] ^= 0x40;
			}
		}
		snprintf(r->desc, sizeof(r->desc), "fake reply");
		break;
	case 3:
		snprintf(r->desc, sizeof(r->desc), "random addresses");
		break;
	case 4:
		/* ICMP echo and neighbour discovery to our addresses */
		v = rnd(&f->rng, f->nvip);
		fam = f->vip[v].family;
		memcpy(dst, chance(&f->rng, 50) ? f->vip[v].addr : f->vip[v].snat, 16);
		client_addr(f, fam, rnd(&f->rng, NCLIENTS), src);
		spec_base(&s, fam, fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, src, 0, dst, 0);
		spec_random_fields(f, &s);
		s.icmp_type = fam == AF_INET ? (chance(&f->rng, 50) ? 8 : 0) :
			(uint8_t)(128 + rnd(&f->rng, 9));
		s.icmp_rest = rng_u64(&f->rng);
		memcpy(s.src_mac, "\x02\xc1\x00\x00\x00\x09", 6);
		memcpy(s.dst_mac, if_mac(r->ifindex), 6);
		snprintf(r->desc, sizeof(r->desc), "ICMP type %u to %s", s.icmp_type,
			 ntop(fam, dst));
		spec_features(f, &s, r, m->feat_pct);
		build(r, &s);
		return;
	case 5:
		/* other IP protocols to a VIP address */
		v = rnd(&f->rng, f->nvip);
		fam = f->vip[v].family;
		memcpy(dst, f->vip[v].addr, 16);
		{
			static const uint8_t protos[] = { 4, 41, 47, 50, 51, 59, 132, 255 };

			proto = protos[rnd(&f->rng, 8)];
		}
		spec_base(&s, fam, proto, src, 0, dst, 0);
		spec_random_fields(f, &s);
		memcpy(s.dst_mac, if_mac(r->ifindex), 6);
		snprintf(r->desc, sizeof(r->desc), "IP protocol %d to %s", proto, ntop(fam, dst));
		build(r, &s);
		return;
	case 6:
		gen_raw_l2(f, r);
		return;
	case 7:
		/* what we send ourselves: VIP -> client, SNAT -> backend */
		v = rnd(&f->rng, f->nvip);
		fam = f->vip[v].family;
		proto = f->vip[v].proto;
		memcpy(src, chance(&f->rng, 50) ? f->vip[v].addr : f->vip[v].snat, 16);
		client_addr(f, fam, rnd(&f->rng, NCLIENTS), dst);
		sport = f->vip[v].port;
		snprintf(r->desc, sizeof(r->desc), "VIP/SNAT as source");
		break;
	default:
		/* a valid client packet with three VLAN tags: not parsed (documented) */
		i = new_gflow(f, pick_vip(f));
		gen_client(f, r, i, m);
		if (r->len + 12 <= FRAME_MAX) {
			int t;

			for (t = 0; t < 3; t++) {
				memmove(r->in + 16, r->in + 12, r->len - 12);
				wr16(r->in + 12, t ? 0x8100 : 0x88a8);
				wr16(r->in + 14, rnd(&f->rng, 65536));
				r->len += 4;
			}
		}
		r->flow = -1;
		dcat(r, " +3 vlan tags");
		return;
	}
	spec_base(&s, fam, proto, src, sport, dst, dport);
	spec_random_fields(f, &s);
	if (proto == IPPROTO_TCP)
		s.tcp_flags = rnd(&f->rng, 256);
	memcpy(s.src_mac, "\x02\xc1\x00\x00\x00\x08", 6);
	memcpy(s.dst_mac, if_mac(r->ifindex), 6);
	dcat(r, " %s %s:%u > %s:%u", proto == IPPROTO_TCP ? "TCP" : "UDP", ntop(fam, src),
	     sport, ntop(fam, dst), dport);
	spec_features(f, &s, r, m->feat_pct);
	build(r, &s);
}

/* ICMP errors, mostly about tracked flows, from either side. */
static void gen_icmp(struct fz *f, struct run *r, const struct mix *m)
{
	static struct pkt_spec inner;
	struct pkt_spec s;
	const struct gflow *fl = NULL;
	const struct vip_rt *v;
	int k = pick_flow(f, true), fam, proto, variant;
	bool client_side = chance(&f->rng, 50);
	uint8_t osrc[16], odst[16];
	size_t min_quote;

	if (k >= 0 && chance(&f->rng, 85))
		fl = &f->flows[k];
	if (!fl) {
		k = new_gflow(f, pick_vip(f));
		fl = &f->flows[k];      /* unknown: its quote matches nothing */
	}
	v = &f->vip[fl->vip];
	fam = fl->family;
	proto = fl->proto;
	r->flow = -1;
	client_side |= !fl->known;
	if (client_side) {
		/* from the client side: about our VIP -> client packet */
		spec_base(&inner, fam, proto, v->addr, fl->vport, fl->client, fl->cport);
		memcpy(osrc, fl->client, 16);
		if (chance(&f->rng, 30))
			addr_parse(fam == AF_INET ? "192.0.2.254" : "2001:db8::fe", &fam, osrc);
		memcpy(odst, v->addr, 16);
		r->ifindex = fl->ifindex;
		snprintf(r->desc, sizeof(r->desc), "ICMP error from the client side about "
			 "%s:%u > %s:%u%s", ntop(fam, v->addr), fl->vport,
			 ntop(fam, fl->client), fl->cport, fl->known ? "" : " (unknown flow)");
	} else {
		const struct be_rt *be = &v->be[fl->be];

		spec_base(&inner, fam, proto, fl->snat, fl->sport, fl->backend, fl->bport);
		memcpy(osrc, fl->backend, 16);
		if (chance(&f->rng, 30))
			addr_parse(fam == AF_INET ? "10.0.0.254" : "fd00::fe", &fam, osrc);
		memcpy(odst, fl->snat, 16);
		r->ifindex = be->ifindex;
		snprintf(r->desc, sizeof(r->desc), "ICMP error from the backend side about "
			 "%s:%u > %s:%u", ntop(fam, fl->snat), fl->sport,
			 ntop(fam, fl->backend), fl->bport);
	}
	spec_random_fields(f, &inner);
	inner.payload_len = rnd(&f->rng, 600);
	if (proto == IPPROTO_TCP)
		inner.tcp_flags = 0x10;
	if (fam == AF_INET && chance(&f->rng, 10)) {
		inner.ip_opts_len = 4 * (1 + rnd(&f->rng, 10));
		memset(inner.ip_opts, 1, inner.ip_opts_len);
		dcat(r, " inner-opts");
	}
	if (fam == AF_INET && proto == IPPROTO_UDP && chance(&f->rng, 15))
		inner.udp_zero_csum = true;
	if (chance(&f->rng, 5))
		inner.more_frags = true;        /* quote of a first fragment */

	spec_base(&s, fam, fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, osrc, 0, odst, 0);
	spec_random_fields(f, &s);
	s.payload_len = 0;
	s.inner = &inner;
	if (fam == AF_INET) {
		s.icmp_type = chance(&f->rng, 70) ? 3 : 11;
		s.icmp_code = s.icmp_type == 3 ? rnd(&f->rng, 16) : rnd(&f->rng, 2);
		s.icmp_rest = s.icmp_code == 4 ? 576 + rnd(&f->rng, 1000) : 0;
	} else {
		s.icmp_type = 1 + rnd(&f->rng, 3);
		s.icmp_code = rnd(&f->rng, s.icmp_type == 1 ? 7 : 2);
		s.icmp_rest = s.icmp_type == 2 ? 1280 + rnd(&f->rng, 300) : 0;
	}
	min_quote = (fam == AF_INET ? 20 + inner.ip_opts_len : 40) + 8;
	switch (rnd(&f->rng, 4)) {
	case 0:
		s.inner_trunc = min_quote;              /* RFC 792: header + 8 bytes */
		break;
	case 1:
		s.inner_trunc = min_quote - 4;          /* the ports only */
		break;
	case 2:
		s.inner_trunc = 0;                      /* all of it */
		break;
	default:
		s.inner_trunc = min_quote + rnd(&f->rng, 600);
	}
	memcpy(s.src_mac, client_side ? fl->cmac : f->vip[fl->vip].be[fl->be].mac, 6);
	memcpy(s.dst_mac, if_mac(r->ifindex), 6);

	/* valid, but not translatable */
	variant = rnd(&f->rng, 100);
	if (variant < 4) {
		s.icmp_type = fam == AF_INET ? (chance(&f->rng, 50) ? 12 : 5) : 4;
		dcat(r, " type %u", s.icmp_type);
	} else if (variant < 8) {
		rnd_addr(f, fam, s.dst);
		dcat(r, " to another address");
	} else if (variant < 12) {
		inner.sport ^= 1 + rnd(&f->rng, 65535);
		dcat(r, " other ports");
	} else if (variant < 14 && fam == AF_INET) {
		inner.frag_offset = 8 * (1 + rnd(&f->rng, 100));
		dcat(r, " quoting a later fragment");
	}
	dcat(r, " type %u code %u quote %zu", s.icmp_type, s.icmp_code, s.inner_trunc);
	spec_features(f, &s, r, m->feat_pct);
	build(r, &s);
}

/* ------------------------------------------------------------------ */
/* Mutations                                                            */

static bool splice_in(struct run *r, size_t off, const uint8_t *data, size_t n)
{
	if (off > r->len || r->len + n > FRAME_MAX)
		return false;
	memmove(r->in + off + n, r->in + off, r->len - off);
	memcpy(r->in + off, data, n);
	r->len += n;
	return true;
}

static void mut_ext_chain(struct fz *f, struct run *r, size_t l3)
{
	static const uint8_t valid_types[] = { 0, 43, 60, 51, 44 };
	static const uint8_t odd_types[] = { 135, 139, 140, 253, 59, 6, 17, 58 };
	uint8_t chain[1200], first = 0, *prev = &first;
	int style = rnd(&f->rng, 5), k, i;
	size_t cl = 0, n;

	if (style == 4) {
		/* one large, valid options header: L4 around 1 KB in */
		uint8_t hl = 110 + rnd(&f->rng, 20);

		n = ((size_t)hl + 1) * 8;
		memset(chain, 0, n);
		chain[0] = r->in[l3 + 6];
		chain[1] = hl;
		chain[2] = 1;           /* PadN: 255 bytes at most */
		chain[3] = 253;
		for (i = 2 + 255; (size_t)i + 2 <= n; i += 255 + 2) {
			chain[i] = 1;
			chain[i + 1] = n - i - 2 > 253 ? 253 : n - i - 2;
		}
		r->in[l3 + 6] = chance(&f->rng, 50) ? 60 : 0;
		if (!splice_in(r, l3 + 40, chain, n))
			return;
		wr16(r->in + l3 + 4, rd16(r->in + l3 + 4) + n);
		dcat(r, " +ext(one of %zu bytes)", n);
		return;
	}

	k = style == 1 ? 6 + rnd(&f->rng, 6) : 1 + rnd(&f->rng, 4);
	for (i = 0; i < k; i++) {
		uint8_t type, hl = rnd(&f->rng, 3), *h;

		type = style == 3 && chance(&f->rng, 50) ? 44 :
			chance(&f->rng, 90) ? valid_types[rnd(&f->rng, 5)] :
			odd_types[rnd(&f->rng, 8)];
		n = type == 44 ? 8 : type == 51 ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
		if (cl + n > sizeof(chain))
			break;
		h = chain + cl;
		memset(h, 0, n);
		if (chance(&f->rng, 30))
			rnd_bytes(f, h, n);
		h[1] = type == 44 ? h[1] : hl;
		if (type == 44) {
			uint16_t fo = style == 3 ? rnd(&f->rng, 65536) & ~6 :
				(chance(&f->rng, 70) ? 0 : 8 * rnd(&f->rng, 100) | rnd(&f->rng, 2));
			wr16(h + 2, fo);
			wr32(h + 4, rng_u64(&f->rng));
		} else if (type != 43 && type != 51 && n > 2) {
			h[2] = 1;       /* PadN */
			h[3] = n - 4;
		}
		*prev = type;
		prev = h;
		cl += n;
	}
	*prev = r->in[l3 + 6];
	if (style == 2 && cl) {
		/* a header that claims more than there is, or points back */
		if (chance(&f->rng, 50))
			chain[1] = 255;
		else
			*prev = first;
	}
	r->in[l3 + 6] = first;
	if (!splice_in(r, l3 + 40, chain, cl))
		return;
	if (chance(&f->rng, 85))
		wr16(r->in + l3 + 4, rd16(r->in + l3 + 4) + cl);
	dcat(r, " +ext(%d headers, style %d)", k, style);
}

static void mutate_one(struct fz *f, struct run *r, bool icmp_bias)
{
	struct view v;
	size_t l3, hdr_end, n, i;
	int fam, which;
	uint8_t buf[64];

	parse(r->in, r->len, &v);
	l3 = find_l3(r->in, r->len, &fam);
	hdr_end = v.kind == K_IP && v.l4_off ? v.l4_off + 24 : 96;
	if (hdr_end > r->len)
		hdr_end = r->len;
	which = rnd(&f->rng, icmp_bias ? 22 : 18);
	if (icmp_bias && which >= 18)
		which = 100;    /* ICMP quote mutations */
	switch (which) {
	case 0:
		if (r->len > 14) {
			r->len = 14 + rnd(&f->rng, r->len - 14);
			dcat(r, " +trunc(%zu)", r->len);
		}
		return;
	case 1:
	case 2:
	case 3:
		n = 1 + rnd(&f->rng, 4);
		for (i = 0; i < n; i++) {
			size_t pos = chance(&f->rng, 70) ? rnd(&f->rng, hdr_end) : rnd(&f->rng, r->len);

			r->in[pos] ^= 1 + rnd(&f->rng, 255);
			dcat(r, " +flip@%zu", pos);
		}
		return;
	case 4:
		i = rnd(&f->rng, hdr_end);
		r->in[i] = chance(&f->rng, 50) ? (chance(&f->rng, 50) ? 0 : 0xff) :
			rnd(&f->rng, 256);
		dcat(r, " +set@%zu=%02x", i, r->in[i]);
		return;
	case 5:
		if (fam == AF_INET) {
			int ihl = r->in[l3] & 15;

			ihl = chance(&f->rng, 50) ? (int)rnd(&f->rng, 5) : ihl + 1 + (int)rnd(&f->rng, 15 - ihl > 0 ? 15 - ihl : 1);
			r->in[l3] = 0x40 | (ihl & 15);
			if (chance(&f->rng, 60))
				fix_ip4_hdr(r->in, r->len);
			dcat(r, " +ihl=%d", ihl & 15);
		}
		return;
	case 6:
	case 7:
		if (fam) {
			size_t fld = fam == AF_INET ? l3 + 2 : l3 + 4, base = fam == AF_INET ? 0 : 40;
			size_t cur = rd16(r->in + fld), frame = r->len - l3 - base;
			uint16_t nv;

			switch (rnd(&f->rng, 7)) {
			case 0: nv = 0; break;
			case 1: nv = cur - 1 - rnd(&f->rng, 8); break;
			case 2: nv = cur + 1 + rnd(&f->rng, 8); break;
			case 3: nv = frame; break;
			case 4: nv = frame + 1; break;
			case 5: nv = 0xffff; break;
			default: nv = rnd(&f->rng, cur + 64);
			}
			wr16(r->in + fld, nv);
			if (chance(&f->rng, 60))
				fix_ip4_hdr(r->in, r->len);
			dcat(r, " +iplen=%u", nv);
		}
		return;
	case 8:
		if (fam == AF_INET) {
			uint16_t fo = rnd(&f->rng, 65536);

			if (chance(&f->rng, 40))
				fo &= 0x2000;   /* first fragment (or none) */
			wr16(r->in + l3 + 6, fo);
			if (chance(&f->rng, 70))
				fix_ip4_hdr(r->in, r->len);
			dcat(r, " +frag=%04x", fo);
		} else if (fam == AF_INET6) {
			uint8_t fh[8];

			fh[0] = r->in[l3 + 6];
			fh[1] = 0;
			wr16(fh + 2, chance(&f->rng, 40) ? 1 : rnd(&f->rng, 65536));
			wr32(fh + 4, rng_u64(&f->rng));
			r->in[l3 + 6] = 44;
			if (splice_in(r, l3 + 40, fh, 8)) {
				wr16(r->in + l3 + 4, rd16(r->in + l3 + 4) + 8);
				dcat(r, " +fraghdr=%04x", rd16(fh + 2));
			}
		}
		return;
	case 9:
		n = 1 + rnd(&f->rng, 64);
		if (r->len + n <= FRAME_MAX) {
			rnd_bytes(f, r->in + r->len, n);
			r->len += n;
			dcat(r, " +pad%zu", n);
		}
		return;
	case 10:
		wr16(buf, chance(&f->rng, 50) ? 0x8100 : 0x88a8);
		wr16(buf + 2, rnd(&f->rng, 65536));
		if (splice_in(r, 12, buf, 4))
			dcat(r, " +vlan");
		return;
	case 11:
		if (fam) {
			static const uint8_t protos[] = { 1, 6, 17, 58, 0, 4, 41, 43, 44, 47,
							  50, 51, 59, 60, 132 };
			uint8_t p = chance(&f->rng, 90) ? protos[rnd(&f->rng, 15)] : rnd(&f->rng, 256);

			r->in[fam == AF_INET ? l3 + 9 : l3 + 6] = p;
			if (chance(&f->rng, 60))
				fix_ip4_hdr(r->in, r->len);
			dcat(r, " +proto=%u", p);
		}
		return;
	case 12:
		if (fam == AF_INET6)
			mut_ext_chain(f, r, l3);
		else if (fam == AF_INET) {
			int ihl = r->in[l3] & 15, k;

			if (ihl < 5 || ihl >= 15)
				return;
			k = 1 + rnd(&f->rng, 15 - ihl);
			rnd_bytes(f, buf, 4 * k);
			if (chance(&f->rng, 50))
				memset(buf, chance(&f->rng, 50) ? 1 : 0, 4 * k);
			if (!splice_in(r, l3 + 4 * ihl, buf, 4 * k))
				return;
			r->in[l3] = 0x40 | (ihl + k);
			wr16(r->in + l3 + 2, rd16(r->in + l3 + 2) + 4 * k);
			if (chance(&f->rng, 80))
				fix_ip4_hdr(r->in, r->len);
			dcat(r, " +ipopts%d", 4 * k);
		}
		return;
	case 13:
	case 14:
		if (v.kind == K_IP && v.has_l4 && (v.proto == IPPROTO_TCP || v.proto == IPPROTO_UDP)) {
			static const uint16_t special[] = { 0, 1, 53, 80, 443, 1030, 2000, 8080, 65535 };
			int j = pick_flow(f, true);
			uint16_t p;

			if (j >= 0 && chance(&f->rng, 40))
				p = chance(&f->rng, 50) ? f->flows[j].sport : f->flows[j].cport;
			else if (chance(&f->rng, 50))
				p = special[rnd(&f->rng, 9)];
			else
				p = f->port_min + rnd(&f->rng, f->port_max - f->port_min + 1);
			wr16(r->in + v.l4_off + 2 * rnd(&f->rng, 2), p);
			dcat(r, " +port=%u", p);
		}
		return;
	case 15:
		if (v.kind == K_IP && v.has_l4 && !v.later_frag) {
			size_t c = v.proto == IPPROTO_TCP ? 16 : v.proto == IPPROTO_UDP ? 6 : 2;

			wr16(r->in + v.l4_off + c, chance(&f->rng, 50) ? 0 : 0xffff);
			dcat(r, " +l4csum=%04x", rd16(r->in + v.l4_off + c));
		} else if (fam == AF_INET) {
			r->in[l3 + 10] ^= 0x5a;
			dcat(r, " +ipcsum");
		}
		return;
	case 16:
	case 17:
		/* end the datagram early; what follows becomes padding */
		if (v.kind == K_IP && v.l3_end > v.l3_off + 20) {
			size_t hl = v.family == AF_INET ? v.ihl : 40;
			size_t cut = v.l3_off + hl + rnd(&f->rng, v.l3_end - v.l3_off - hl);

			wr16(r->in + l3 + (fam == AF_INET ? 2 : 4), cut - l3 - (fam == AF_INET ? 0 : 40));
			fix_ip4_hdr(r->in, r->len);
			dcat(r, " +iplen-short=%zu", cut - l3);
		}
		return;
	default:
		/* the quote of an ICMP error */
		if (v.kind != K_IP || !v.has_l4 || (v.proto != IPPROTO_ICMP && v.proto != IPPROTO_ICMPV6))
			return;
		{
			size_t in_l3 = v.l4_off + 8, end;

			if (in_l3 + 20 > r->len)
				return;
			switch (rnd(&f->rng, 7)) {
			case 0:
				r->in[in_l3] = (r->in[in_l3] & 0xf0) | rnd(&f->rng, 16);
				dcat(r, " +inner-ihl");
				break;
			case 1:
				r->in[in_l3] ^= 0x20 << rnd(&f->rng, 3);
				dcat(r, " +inner-version");
				break;
			case 2:
				r->in[in_l3 + (fam == AF_INET ? 9 : 6)] =
					chance(&f->rng, 50) ? 6 + 11 * rnd(&f->rng, 2) : rnd(&f->rng, 256);
				dcat(r, " +inner-proto");
				break;
			case 3:
				if (fam == AF_INET)
					wr16(r->in + in_l3 + 6, rnd(&f->rng, 65536));
				else
					wr16(r->in + in_l3 + 4, rnd(&f->rng, 65536));
				dcat(r, " +inner-frag/len");
				break;
			case 4:
				if (v.icmp_err) {
					r->in[v.in_l4 + rnd(&f->rng, 4)] ^= 1 + rnd(&f->rng, 255);
					dcat(r, " +inner-port");
				}
				break;
			default:
				/* the message ends inside the quote; the frame goes on */
				end = in_l3 + rnd(&f->rng, 64);
				if (end > v.l3_end)
					end = v.l3_end;
				wr16(r->in + l3 + (fam == AF_INET ? 2 : 4),
				     end - l3 - (fam == AF_INET ? 0 : 40));
				if (end + 24 > r->len && end + 24 <= FRAME_MAX) {
					rnd_bytes(f, r->in + r->len, end + 24 - r->len);
					r->len = end + 24;
				}
				fix_ip4_hdr(r->in, r->len);
				dcat(r, " +quote-ends@%zu", end - in_l3);
			}
		}
	}
}

static void mutate(struct fz *f, struct run *r, const struct mix *m)
{
	int n = 1 + rnd(&f->rng, m->max_muts), i;

	for (i = 0; i < n; i++)
		mutate_one(f, r, m->icmp_muts);
	if (chance(&f->rng, 50)) {
		fix_checksums(r->in, r->len, chance(&f->rng, 50));
		dcat(r, " +csums-fixed");
	}
	r->valid = false;       /* r->flow is kept: gflow_learn() checks the tuple */
}

/* One packet of the mix: generated, maybe mutated. */
static void gen_packet(struct fz *f, struct run *r, const struct mix *m)
{
	int total = m->w_new + m->w_est + m->w_reply + m->w_nonvip + m->w_icmp;
	int x = rnd(&f->rng, total), k;

	r->valid = true;
	r->flow = -1;
	r->desc[0] = '\0';
	if (f->npend && chance(&f->rng, 50)) {
		struct pending *p = &f->pend[rnd(&f->rng, f->npend)];

		r->ifindex = p->ifindex;
		snprintf(r->desc, sizeof(r->desc), "later fragment id %u offset %d%s",
			 p->s.ip_id, p->s.frag_offset, p->s.more_frags ? " MF" : "");
		build(r, &p->s);
		*p = f->pend[--f->npend];
	} else if ((x -= m->w_new) < 0) {
		gen_client(f, r, -1, m);
	} else if ((x -= m->w_est) < 0) {
		k = pick_flow(f, false);
		gen_client(f, r, k, m);
	} else if ((x -= m->w_reply) < 0) {
		k = pick_flow(f, true);
		if (k < 0)
			gen_client(f, r, -1, m);
		else
			gen_reply(f, r, k, m);
	} else if ((x -= m->w_nonvip) < 0) {
		gen_nonvip(f, r, m);
	} else {
		gen_icmp(f, r, m);
	}
	if (chance(&f->rng, m->mut_pct))
		mutate(f, r, m);
}

/* ------------------------------------------------------------------ */
/* Test cases                                                           */

static void fz_summary(struct fz *f)
{
	double t = now_s() - f->t_start;

	g_total_run += f->ran;
	g_total_time += t;
	fprintf(stderr, "# %s: %zu packets (%llu valid, %llu mutated) in %.2f s = %.0f pkt/s "
		"(test-run syscalls %.2f s, setup %.2f s); pass %llu drop %llu tx %llu redirect %llu; "
		"forwarded %llu (%llu passed for ARP), replies %llu, icmp %llu/%llu, later "
		"fragments %llu, drops no_backend/ports/fib %llu/%llu/%llu; %zu flows; "
		"translated with inherited bad checksums %llu; SNAT ports re-used after "
		"eviction %llu\n",
		f->test, f->ran, (unsigned long long)f->n_valid,
		(unsigned long long)f->n_mutated, t, f->ran / (t > 0 ? t : 1), f->t_sys, f->t_setup,
		(unsigned long long)f->verdict[XDP_PASS], (unsigned long long)f->verdict[XDP_DROP],
		(unsigned long long)f->verdict[XDP_TX], (unsigned long long)f->verdict[XDP_REDIRECT],
		(unsigned long long)f->fwd_xlat, (unsigned long long)f->pass_noneigh,
		(unsigned long long)f->reply_xlat, (unsigned long long)f->icmp_be,
		(unsigned long long)f->icmp_cl, (unsigned long long)f->later_frag_xlat,
		(unsigned long long)f->drop_reason[0], (unsigned long long)f->drop_reason[1],
		(unsigned long long)f->drop_reason[2], f->pairs.nrec,
		(unsigned long long)f->bad_csum_xlat, (unsigned long long)f->rev_clash);
}

static void fz_finish(struct fz *f)
{
	int i;

	for (i = 0; i < f->ncat; i++)
		fprintf(stderr, "# %s: violation x%zu, first at packet #%zu: %s\n", f->test,
			f->cat[i].count, f->cat[i].first, f->cat[i].example);
	fz_summary(f);
	if (f->fails)
		fail_msg("%s: %d invariant violation(s) in %zu packets (seed 0x%llx)", f->test,
			 f->fails, f->ran, (unsigned long long)g_seed);
	assert_counters(f);
}

static void fuzz_loop(struct fz *f, const struct mix *m)
{
	while (f->ran < f->target) {
		gen_packet(f, &R, m);
		run_check(f, &R);
	}
}

/* Unmutated traffic: everything must behave exactly as documented. */
static void test_fuzz_valid_traffic(void **state)
{
	static const struct mix m = {
		.w_new = 20, .w_est = 30, .w_reply = 25, .w_nonvip = 12, .w_icmp = 13,
		.frag_pct = 6, .feat_pct = 15,
	};

	fz_begin(&F, "test_fuzz_valid_traffic", &big_opts, 20);
	fuzz_loop(&F, &m);
	if (F.target >= 4000) {
		/* the mix must have reached every path */
		assert_true(F.fwd_tx > 0 && F.reply_xlat > 0 && F.icmp_be > 0 && F.icmp_cl > 0);
		assert_true(F.pass_noneigh > 0 && F.drop_reason[0] > 0 && F.drop_reason[2] > 0);
		assert_true(F.later_frag_xlat > 0 && F.verdict[XDP_REDIRECT] > 0);
	}
	fz_finish(&F);
}

/* Valid packets, then the same cut at every offset (raw, or with the IP
 * lengths and checksums fixed to the cut). */
static void test_fuzz_truncations(void **state)
{
	static const struct mix m = {
		.w_new = 25, .w_est = 25, .w_reply = 25, .w_nonvip = 5, .w_icmp = 20,
		.frag_pct = 5, .feat_pct = 20,
	};
	static struct run base;
	size_t cut, len, last;

	fz_begin(&F, "test_fuzz_truncations", &big_opts, 15);
	while (F.ran < F.target) {
		gen_packet(&F, &base, &m);
		run_check(&F, &base);
		len = base.len;
		last = len;
		if (len > 300) {
			struct view v;

			parse(base.in, len, &v);
			last = (v.l4_off ? v.l4_off : v.l3_off) + 96;
			if (last > len)
				last = len;
		}
		for (cut = 14; cut < len && F.ran < F.target; cut++) {
			int variant = rnd(&F.rng, 4);

			if (cut >= last && !chance(&F.rng, 5))
				continue;
			memcpy(R.in, base.in, cut);
			R.len = cut;
			R.ifindex = base.ifindex;
			R.flow = -1;
			R.valid = false;
			snprintf(R.desc, sizeof(R.desc), "%.160s, cut to %zu of %zu%s", base.desc, cut,
				 len, variant == 1 ? ", lengths fixed" :
				 variant >= 2 ? ", lengths and checksums fixed" : "");
			if (variant >= 1)
				fix_lengths(R.in, R.len);
			if (variant >= 2)
				fix_checksums(R.in, R.len, true);
			run_check(&F, &R);
		}
	}
	fz_finish(&F);
}

static void test_fuzz_mutations(void **state)
{
	static const struct mix m = {
		.w_new = 20, .w_est = 25, .w_reply = 25, .w_nonvip = 10, .w_icmp = 20,
		.frag_pct = 8, .feat_pct = 20, .mut_pct = 85, .max_muts = 3,
	};

	fz_begin(&F, "test_fuzz_mutations", &big_opts, 35);
	fuzz_loop(&F, &m);
	fz_finish(&F);
}

static void test_fuzz_icmp(void **state)
{
	static const struct mix m = {
		.w_new = 10, .w_est = 10, .w_reply = 10, .w_nonvip = 0, .w_icmp = 70,
		.frag_pct = 3, .feat_pct = 20, .mut_pct = 50, .max_muts = 2, .icmp_muts = true,
	};

	fz_begin(&F, "test_fuzz_icmp", &big_opts, 15);
	fuzz_loop(&F, &m);
	fz_finish(&F);
}

/* Tiny LRU tables and 32 SNAT ports: evictions, exhaustion, port reuse. */
static void test_fuzz_small_tables(void **state)
{
	static const struct mix m = {
		.w_new = 35, .w_est = 20, .w_reply = 25, .w_nonvip = 5, .w_icmp = 15,
		.frag_pct = 6, .feat_pct = 10, .mut_pct = 30, .max_muts = 2,
	};

	fz_begin(&F, "test_fuzz_small_tables", &small_opts, 10);
	fuzz_loop(&F, &m);
	if (F.target >= 1000)
		assert_true(F.drop_reason[1] > 0);  /* ports exhausted was reached */
	fz_finish(&F);
}

/* Counters checked every 500 packets, not only at the end. */
static void test_fuzz_counters(void **state)
{
	static const struct mix m = {
		.w_new = 20, .w_est = 25, .w_reply = 25, .w_nonvip = 15, .w_icmp = 15,
		.frag_pct = 5, .feat_pct = 15, .mut_pct = 50, .max_muts = 2,
	};
	size_t next = 500;

	fz_begin(&F, "test_fuzz_counters", &big_opts, 5);
	while (F.ran < F.target) {
		gen_packet(&F, &R, &m);
		run_check(&F, &R);
		if (F.ran >= next) {
			assert_counters(&F);
			next += 500;
		}
	}
	fz_finish(&F);
}

/* ---- the oracle must catch planted bugs ---- */

static void expect_violation(struct fz *f, struct run *r, const struct exp *e,
			     const char *what, const char *needle)
{
	r->why[0] = '\0';
	if (!check(f, r, e)) {
		pkt_hexdump("output", r->out, r->out_len);
		fail_msg("the oracle accepted %s (verdict %s)", what, act_str(r->act));
	}
	if (!strstr(r->why, needle))
		fail_msg("the oracle flagged %s for the wrong reason: %s", what, r->why);
	fprintf(stderr, "# oracle self-test: %s -> %s\n", what, r->why);
}

/* Runs a fresh client packet of flow k; returns the classification. */
static void run_flow_packet(struct fz *f, struct run *r, struct exp *e, int k)
{
	static const struct mix plain = { .w_new = 1 };

	gen_client(f, r, k, &plain);
	r->valid = true;
	parse(r->in, r->len, &r->vi);
	classify(f, r, e);
	r->act = xdp_run(f, r->in, r->len, r->out, &r->out_len, r->ifindex);
}

static void test_oracle_catches_bugs(void **state)
{
	struct fz *f = &F;
	struct run *r = &R;
	struct exp e;
	struct lb_flow_key k;
	struct lb_ct_rev rv;
	struct lb_ct_fwd ct;
	struct pkt_spec s;
	struct lb_backend be;
	struct timespec ts;
	uint8_t a[16], b[16], c[16];
	char msg[512];
	__u64 vals[256];
	__u32 idx;
	int fam, flow, i;
	struct run saved;

	fz_begin(f, "test_oracle_catches_bugs", &big_opts, 0);
	/* a TCP flow to 10.0.0.10:80 arriving on lb0, then an established packet */
	flow = new_gflow(f, 0);
	f->flows[flow].ifindex = ifindex_lb;
	run_flow_packet(f, r, &e, flow);
	assert_int_equal(e.cls, E_FWD);
	r->valid = true;
	if (check(f, r, &e))
		fail_msg("a plain forwarded packet failed the oracle: %s", r->why);
	run_flow_packet(f, r, &e, flow);
	assert_true(r->act == XDP_TX || r->act == XDP_REDIRECT);
	saved = *r;

	/* the untouched output is accepted */
	*r = saved;
	if (check(f, r, &e))
		fail_msg("the oracle rejected a correct translation: %s", r->why);

	*r = saved;
	r->out[r->len - 1] ^= 0x01;
	expect_violation(f, r, &e, "a corrupted payload byte", "changed from");
	*r = saved;
	r->out[r->vi.l4_off + 16] ^= 0x10;
	expect_violation(f, r, &e, "a corrupted TCP checksum", "checksum broken");
	*r = saved;
	r->out[r->vi.l3_off + 10] ^= 0x01;
	expect_violation(f, r, &e, "a corrupted IPv4 header checksum", "IPv4 header checksum");
	*r = saved;
	r->out[r->vi.l3_off + 19] = 99;         /* another destination, checksums fixed */
	fix_checksums(r->out, r->len, false);
	expect_violation(f, r, &e, "a packet sent to a non-backend", "not a backend");
	*r = saved;
	r->out[r->vi.l3_off + 15] = 77;         /* another source */
	fix_checksums(r->out, r->len, false);
	expect_violation(f, r, &e, "a packet sent from a non-SNAT address", "SNAT address");
	*r = saved;
	r->out[2] ^= 0x01;
	expect_violation(f, r, &e, "a wrong destination MAC", "MACs");
	*r = saved;
	r->act = XDP_PASS;
	expect_violation(f, r, &e, "XDP_PASS with a translated packet", "XDP_PASS");
	*r = saved;
	r->act = XDP_ABORTED;
	expect_violation(f, r, &e, "XDP_ABORTED", "XDP_ABORTED");
	*r = saved;
	r->act = XDP_DROP;
	expect_violation(f, r, &e, "a drop without a drop reason", "drop reasons");
	*r = saved;
	r->act = r->act == XDP_TX ? XDP_REDIRECT : XDP_TX;
	expect_violation(f, r, &e, "the wrong egress verdict", "verdict");
	*r = saved;
	memcpy(r->out, r->in, r->len);
	r->out[r->len - 1] ^= 0x80;
	r->act = XDP_PASS;
	e.cls = E_PASS;
	e.pass_why = "planted";
	expect_violation(f, r, &e, "a passed packet that was modified", "modified");

	/* a forged reverse entry: the data plane relays, the oracle must object */
	addr_parse("10.0.0.2", &fam, a);
	addr_parse("10.0.0.10", &fam, b);
	addr_parse("203.0.113.66", &fam, c);
	fkey(&k, AF_INET, IPPROTO_TCP, a, b, 80, 30001);
	memset(&rv, 0, sizeof(rv));
	memcpy(rv.client.bytes, c, 16);
	memcpy(rv.vip.bytes, b, 16);
	rv.client_port = htons(5555);
	rv.vip_port = htons(80);
	rv.to_client.ifindex = ifindex_lb;
	memcpy(rv.to_client.smac, mac_lb, 6);
	memcpy(rv.to_client.dmac, "\x02\x66\x66\x66\x66\x66", 6);
	rv.vip_id = f->vip[0].id;
	rv.backend_id = f->vip[0].be[0].id;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rv.last_seen = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	assert_int_equal(bpf_map_update_elem(f->maps.fd[LB_MI_CT_REV], &k, &rv, BPF_ANY), 0);
	spec_base(&s, AF_INET, IPPROTO_TCP, a, 80, b, 30001);
	s.tcp_flags = 0x18;
	s.payload_len = 20;
	memcpy(s.src_mac, f->vip[0].be[0].mac, 6);
	memcpy(s.dst_mac, mac_lb, 6);
	build(r, &s);
	r->ifindex = ifindex_lb;
	r->valid = true;
	parse(r->in, r->len, &r->vi);
	classify(f, r, &e);
	r->act = xdp_run(f, r->in, r->len, r->out, &r->out_len, r->ifindex);
	assert_int_equal(r->act, XDP_TX);       /* the data plane trusts its table */
	expect_violation(f, r, &e, "a reply through a forged reverse entry", "open relay");

	/* an ICMP error from the backend about the forged tuple */
	{
		static struct pkt_spec in;

		spec_base(&in, AF_INET, IPPROTO_TCP, b, 30001, a, 80);
		in.tcp_flags = 0x10;
		spec_base(&s, AF_INET, IPPROTO_ICMP, a, 0, b, 0);
		s.icmp_type = 3;
		s.icmp_code = 1;
		s.inner = &in;
		s.inner_trunc = 28;
		memcpy(s.src_mac, f->vip[0].be[0].mac, 6);
		memcpy(s.dst_mac, mac_lb, 6);
		build(r, &s);
		parse(r->in, r->len, &r->vi);
		classify(f, r, &e);
		r->act = xdp_run(f, r->in, r->len, r->out, &r->out_len, r->ifindex);
		assert_int_equal(r->act, XDP_TX);
		expect_violation(f, r, &e, "an ICMP error through a forged reverse entry",
				 "no translated client packet");
	}

	/* a forged forward entry pointing at a host that is no backend */
	addr_parse("192.0.2.77", &fam, a);
	addr_parse("10.0.0.1", &fam, c);
	fkey(&k, AF_INET, IPPROTO_TCP, a, b, 6000, 80);
	memset(&ct, 0, sizeof(ct));
	memcpy(ct.backend.bytes, c, 16);
	memcpy(ct.snat.bytes, b, 16);
	ct.backend_port = htons(80);
	ct.snat_port = htons(30002);
	ct.vip_id = f->vip[0].id;
	ct.backend_id = f->vip[0].be[0].id;
	idx = ct.backend_id;
	assert_int_equal(bpf_map_lookup_elem(f->maps.fd[LB_MI_BACKENDS], &idx, &be), 0);
	ct.backend_gen = be.gen;
	ct.state = LB_CT_F_REPLIED;
	ct.flags = LB_CT_L2_VALID;
	ct.to_backend.ifindex = ifindex_lb;
	memcpy(ct.to_backend.smac, mac_lb, 6);
	memcpy(ct.to_backend.dmac, "\xde\xad\xbe\xef\x00\x01", 6);
	/* bpf_ktime_get_ns() may lag clock_gettime() by a few ms: stay behind */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ct.last_seen = ts.tv_sec * 1000000000ULL + ts.tv_nsec - 500000000ULL;
	assert_int_equal(bpf_map_update_elem(f->maps.fd[LB_MI_CT_FWD], &k, &ct, BPF_ANY), 0);
	spec_base(&s, AF_INET, IPPROTO_TCP, a, 6000, b, 80);
	s.tcp_flags = 0x10;
	memcpy(s.src_mac, "\x02\xc1\x00\x00\x00\x07", 6);
	memcpy(s.dst_mac, mac_lb, 6);
	build(r, &s);
	r->ifindex = ifindex_lb;
	parse(r->in, r->len, &r->vi);
	classify(f, r, &e);
	r->act = xdp_run(f, r->in, r->len, r->out, &r->out_len, r->ifindex);
	expect_violation(f, r, &e, "a flow forwarded to a host that is no backend",
			 "not a backend");
	fz_teardown(NULL);

	/* counters: consistent after clean traffic, then one planted count */
	fz_begin(f, "test_oracle_catches_bugs", &big_opts, 0);
	{
		static const struct mix m = {
			.w_new = 30, .w_est = 30, .w_reply = 30, .w_nonvip = 10,
		};

		for (i = 0; i < 300; i++) {
			gen_packet(f, r, &m);
			run_check(f, r);
		}
	}
	if (f->fails)
		fail_msg("plain traffic violated invariants (see above)");
	if (check_counters(f, msg, sizeof(msg)))
		fail_msg("counters of clean traffic rejected: %s", msg);
	idx = LB_STAT_TX;
	assert_int_equal(bpf_map_lookup_elem(f->maps.fd[LB_MI_STATS], &idx, vals), 0);
	vals[0]++;
	assert_int_equal(bpf_map_update_elem(f->maps.fd[LB_MI_STATS], &idx, vals, BPF_ANY), 0);
	if (!check_counters(f, msg, sizeof(msg)))
		fail_msg("the oracle accepted a planted extra XDP_TX count");
	fprintf(stderr, "# oracle self-test: a planted XDP_TX count -> %s\n", msg);
	vals[0]--;
	assert_int_equal(bpf_map_update_elem(f->maps.fd[LB_MI_STATS], &idx, vals, BPF_ANY), 0);
	{
		__u32 vid = f->vip[0].id;
		struct lb_traffic tv[256];

		assert_int_equal(bpf_map_lookup_elem(f->maps.fd[LB_MI_VIP_STATS], &vid, tv), 0);
		tv[0].reply_packets++;
		assert_int_equal(bpf_map_update_elem(f->maps.fd[LB_MI_VIP_STATS], &vid, tv,
						     BPF_ANY), 0);
		if (!check_counters(f, msg, sizeof(msg)))
			fail_msg("the oracle accepted a planted VIP reply count");
		fprintf(stderr, "# oracle self-test: a planted VIP reply count -> %s\n", msg);
	}
}

#define TC(fn) cmocka_unit_test_teardown(fn, fz_teardown)

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		TC(test_oracle_catches_bugs),
		TC(test_fuzz_valid_traffic),
		TC(test_fuzz_truncations),
		TC(test_fuzz_mutations),
		TC(test_fuzz_icmp),
		TC(test_fuzz_small_tables),
		TC(test_fuzz_counters),
	};
	const char *s;
	cpu_set_t cpus;
	int ret;

	if (argc > 0)
		g_prog = argv[0];
	s = getenv("XDP_LB_FUZZ_PACKETS");
	if (s && *s)
		g_packets = strtoull(s, NULL, 0);
	s = getenv("XDP_LB_FUZZ_SEED");
	if (s && *s)
		g_seed = strtoull(s, NULL, 0);
	s = getenv("XDP_LB_FUZZ_MAX_FAILS");
	if (s && *s)
		g_max_fails = atoi(s) > 0 ? atoi(s) : 1;
	s = getenv("XDP_LB_FUZZ_TESTS");
	if (s && *s)
		cmocka_set_test_filter(s);
	/* one CPU: per-CPU LRU lists and counters behave the same on every run */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	libbpf_set_print(libbpf_print);
	if (geteuid() != 0) {
		fprintf(stderr, "test_fuzz: must run as root\n");
		return 1;
	}
	fprintf(stderr, "# xdp-lb fuzz: seed 0x%llx, %zu packets (XDP_LB_FUZZ_SEED, "
		"XDP_LB_FUZZ_PACKETS)\n", (unsigned long long)g_seed, g_packets);
	ret = cmocka_run_group_tests_name("fuzz", tests, net_setup, group_teardown);
	if (g_total_run)
		fprintf(stderr, "# xdp-lb fuzz: %llu packets in %.1f s (%.0f pkt/s), seed 0x%llx\n",
			(unsigned long long)g_total_run, g_total_time,
			g_total_run / (g_total_time > 0 ? g_total_time : 1),
			(unsigned long long)g_seed);
	return ret;
}
