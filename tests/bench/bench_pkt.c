/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-packet cost of the xdp-lb data plane, measured with BPF_PROG_TEST_RUN
 * and the kernel's own timing (opts.duration: average ns per iteration),
 * against reference programs measured in the same run.
 *
 * Every program under test runs behind bench_wrap (bench.bpf.c), which
 * restores the input frame before each iteration and, for the flow
 * scenarios, gives it the source of the next flow; the cost of the wrapper
 * plus its tail call into a program that only returns XDP_TX is measured
 * too and subtracted ("net"). Each scenario is checked before it is timed
 * (verdict and exact output bytes of one packet, every checksum recomputed
 * by tests/lib), and every timed run is checked again: its verdict, the
 * data plane's own counters (one verdict per packet, the expected number
 * of new flows) and the output of its last iteration.
 *
 * Runs in a private network namespace (lb0 with permanent neighbours for
 * every backend), so the data plane's FIB lookups are real. Nothing is
 * left behind: the namespace and every BPF object go with the process.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xdp_lb.skel.h"
#include "bench_progs.skel.h"
#include "lbmaps.h"
#include "bench.h"
#include "lib/pkt.h"

#define IF_LB "lb0"
#define MAC_LB "02:00:0a:00:00:0a"
#define MAC_CLIENT "02:00:0a:00:00:01"
#define MAX_RUNS 64
#define MAX_SAMPLES 1024        /* references run in every phase */
#define MAX_SCENS 32
#define NO_STAT 0xffffffffU

/* ---- options ---- */

static struct {
	bool smoke;
	int runs;
	double min_time;        /* seconds of kernel time per run */
	const char *results;    /* markdown */
	const char *data;       /* gnuplot data (tracked flows) */
	const char *plot;       /* the PNG made from it, linked from results */
	__u32 flows[4];         /* scale points, established cycling */
	__u32 ct_size;          /* 0 = the object's default */
	__u32 drain_batch;      /* new flows between two emptyings */
} O = {
	.runs = 5,
	.min_time = 0.5,
	.flows = { 1, 1000, 100000, 1000000 },
	.drain_batch = 16384,
};

/* ---- environment ---- */

static struct {
	struct xdp_lb *lb;
	struct bench_progs *bp;
	struct lb_maps maps;
	int lb_fd, tx_fd, parse_fd, wrap_fd, fib_fd, ktime_fd, lru_fd;
	int frame_fd, cfg_fd, ctr_fd, target_fd, lru_map_fd;
	int ifindex;
	int ncpus;
	int cpu;                /* the CPU this process is pinned to */
	__u32 ct_max;           /* max_entries of lb_ct_fwd / lb_ct_rev */
} E;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench_pkt: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- addresses ---- */

/* Backend i of a pool: 10.0.<base + i / 250>.<1 + i % 250>, on lb0's /16. */
static void backend_addr(char *buf, size_t len, int base, int i)
{
	snprintf(buf, len, "10.0.%d.%d", base + i / 250, 1 + i % 250);
}

/* Every neighbour's MAC is 02:00 + the last four bytes of its address. */
static void mac_of_addr(uint8_t mac[6], const uint8_t *addr, int alen)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	memcpy(mac + 2, addr + alen - 4, 4);
}

static void flow_src(__u64 n, uint8_t addr[16], uint16_t *port)
{
	__u32 a = htonl(BENCH_FLOW_NET + (__u32)((__u32)n >> BENCH_FLOW_PORT_BITS));

	memset(addr, 0, 16);
	memcpy(addr, &a, 4);
	*port = BENCH_FLOW_PORT0 + ((__u32)n & ((1U << BENCH_FLOW_PORT_BITS) - 1));
}

static int neigh_add(FILE *f, int family, const char *addr)
{
	uint8_t a[16], mac[6];
	int alen = family == AF_INET ? 4 : 16;

	if (inet_pton(family, addr, a) != 1)
		return -EINVAL;
	mac_of_addr(mac, a, alen);
	fprintf(f, "neigh add %s lladdr %02x:%02x:%02x:%02x:%02x:%02x dev " IF_LB
		" nud permanent\n", addr, mac[0], mac[1], mac[2], mac[3], mac[4],
		mac[5]);
	return 0;
}

/*
 * Private namespace: lb0 (10.0.0.10/16, fd00::a/64) whose veth peer is up,
 * permanent neighbours for the client 10.0.0.1/fd00::1 and every backend.
 */
static int net_setup(void)
{
	char addr[64];
	FILE *f;
	int i;

	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return -errno;
	}
	if (sh("ip link set lo up && "
	       "ip link add " IF_LB " address " MAC_LB " type veth peer name p0 && "
	       "ip link set " IF_LB " up && ip link set p0 up && "
	       "ip addr add 10.0.0.10/16 dev " IF_LB " && "
	       "ip addr add 10.0.0.20/16 dev " IF_LB " && "
	       "ip addr add 10.0.0.30/16 dev " IF_LB " && "
	       "ip addr add fd00::a/64 dev " IF_LB " nodad && "
	       "sysctl -qw net.ipv4.conf.all.forwarding=1 && "
	       "sysctl -qw net.ipv6.conf.all.forwarding=1"))
		return -EIO;
	f = popen("ip -batch -", "w");
	if (!f)
		return -errno;
	neigh_add(f, AF_INET, "10.0.0.1");
	neigh_add(f, AF_INET, "10.0.0.2");
	neigh_add(f, AF_INET, "10.0.0.3");
	neigh_add(f, AF_INET6, "fd00::1");
	neigh_add(f, AF_INET6, "fd00::2");
	neigh_add(f, AF_INET6, "fd00::3");
	for (i = 0; i < 100; i++) {
		backend_addr(addr, sizeof(addr), 1, i);
		neigh_add(f, AF_INET, addr);
	}
	for (i = 0; i < 1000; i++) {
		backend_addr(addr, sizeof(addr), 2, i);
		neigh_add(f, AF_INET, addr);
	}
	if (pclose(f))
		return -EIO;
	E.ifindex = if_nametoindex(IF_LB);
	return E.ifindex ? 0 : -ENODEV;
}

/* One CPU for the whole run: stable caches, and one flow counter. */
static int pin_cpu(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (i = CPU_SETSIZE - 1; i >= 0; i--)
		if (CPU_ISSET(i, &set))
			break;
	if (i < 0)
		return -ENODEV;
	CPU_ZERO(&set);
	CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	E.cpu = i;
	return 0;
}

/* ---- objects and configuration ---- */

static void seed_key(__u32 key[4])
{
	key[0] = 0x5eed5eed;
	key[1] = 0x01234567;
	key[2] = 0x89abcdef;
	key[3] = 0x0badcafe;
}

static int objects_load(void)
{
	struct lb_config cfg;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	E.lb = xdp_lb__open();
	if (!E.lb)
		return -errno;
	/* --ct-size (smoke mode: small tables load fast and fill up fast) */
	if (O.ct_size) {
		bpf_map__set_max_entries(E.lb->maps.lb_ct_fwd, O.ct_size);
		bpf_map__set_max_entries(E.lb->maps.lb_ct_rev, O.ct_size);
	}
	err = xdp_lb__load(E.lb);
	if (err)
		return err;
	E.lb_fd = bpf_program__fd(E.lb->progs.xdp_lb);
	err = lb_maps_from_object(E.lb->obj, &E.maps);
	if (err)
		return err;
	lb_config_default(&cfg);
	seed_key(cfg.hash_key);
	err = lb_config_set(&E.maps, &cfg);
	if (err)
		return err;
	if (bpf_obj_get_info_by_fd(E.maps.fd[LB_MI_CT_FWD], &info, &len))
		return -errno;
	E.ct_max = info.max_entries;

	E.bp = bench_progs__open();
	if (!E.bp)
		return -errno;
	bpf_map__set_max_entries(E.bp->maps.bench_lru, E.ct_max);
	err = bench_progs__load(E.bp);
	if (err)
		return err;
	E.wrap_fd = bpf_program__fd(E.bp->progs.bench_wrap);
	E.tx_fd = bpf_program__fd(E.bp->progs.bench_tx);
	E.parse_fd = bpf_program__fd(E.bp->progs.bench_parse);
	E.fib_fd = bpf_program__fd(E.bp->progs.bench_fib);
	E.ktime_fd = bpf_program__fd(E.bp->progs.bench_ktime);
	E.lru_fd = bpf_program__fd(E.bp->progs.bench_lru_insert);
	E.lru_map_fd = bpf_map__fd(E.bp->maps.bench_lru);
	E.frame_fd = bpf_map__fd(E.bp->maps.bench_frame);
	E.cfg_fd = bpf_map__fd(E.bp->maps.bench_cfg);
	E.ctr_fd = bpf_map__fd(E.bp->maps.bench_ctr);
	E.target_fd = bpf_map__fd(E.bp->maps.bench_target);
	E.ncpus = libbpf_num_possible_cpus();
	return E.ncpus > 0 ? 0 : -EINVAL;
}

static void objects_destroy(void)
{
	bench_progs__destroy(E.bp);
	xdp_lb__destroy(E.lb);
}

static struct lb_vip_key vkey(const char *addr, uint16_t port, int proto)
{
	struct lb_vip_key k;

	memset(&k, 0, sizeof(k));
	if (inet_pton(AF_INET, addr, &k.addr.v4) == 1) {
		k.family = LB_AF_INET;
	} else {
		inet_pton(AF_INET6, addr, k.addr.bytes);
		k.family = LB_AF_INET6;
	}
	k.port = htons(port);
	k.proto = proto;
	return k;
}

static int vip_add(const char *addr, uint16_t port, int proto)
{
	struct lb_vip_key k = vkey(addr, port, proto);

	/* SNAT address = the VIP address, as the command's default */
	return lb_vip_set(&E.maps, &k, &k.addr, 0);
}

static int backend_add(const char *vip, uint16_t port, int proto,
		       const char *addr)
{
	struct lb_vip_key k = vkey(vip, port, proto);
	struct lb_vip_key a = vkey(addr, 0, proto);
	struct lb_backend_spec s;

	memset(&s, 0, sizeof(s));
	s.addr = a.addr;
	s.family = a.family;
	s.weight = 1;
	return lb_backend_set(&E.maps, &k, &s, true);
}

/*
 * A pool of n backends for a VIP. lb_backend_set() rebuilds the VIP's
 * Maglev table for every backend it adds (about 35 ms each here), which
 * would make 1100 backends take 40 s: the pool is written the way
 * lb_backend_set() writes it, into free slots with fresh generations, and
 * the table is built once with lb_ring_rebuild().
 */
static int pool_add(const char *vip_addr, int base, int n)
{
	struct lb_vip_key vk = vkey(vip_addr, 80, IPPROTO_TCP);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), id = 0;
	struct lb_config cfg;
	struct lb_backend be;
	struct lb_vip vip;
	char addr[64];
	int err, i;

	err = lb_vip_get(&E.maps, &vk, &vip) ?: lb_config_get(&E.maps, &cfg);
	if (err)
		return err;
	if (bpf_obj_get_info_by_fd(E.maps.fd[LB_MI_BACKENDS], &info, &len))
		return -errno;
	for (i = 0; i < n; i++) {
		for (; id < info.max_entries; id++) {
			if (bpf_map_lookup_elem(E.maps.fd[LB_MI_BACKENDS], &id, &be))
				return -errno;
			if (!be.gen)
				break;
		}
		if (id >= info.max_entries)
			return -ENOSPC;
		backend_addr(addr, sizeof(addr), base, i);
		memset(&be, 0, sizeof(be));
		be.addr = vkey(addr, 0, IPPROTO_TCP).addr;
		be.family = LB_AF_INET;
		be.vip_id = vip.id;
		be.gen = cfg.next_gen++;
		be.weight = 1;
		if (bpf_map_update_elem(E.maps.fd[LB_MI_BACKENDS], &id, &be, BPF_ANY))
			return -errno;
	}
	return lb_config_set(&E.maps, &cfg) ?: lb_ring_rebuild(&E.maps, &vip);
}

/*
 * VIPs: 10.0.0.10:80 (TCP and UDP) and [fd00::a]:80 (TCP) with two
 * backends, 10.0.0.20:80 with 100 and 10.0.0.30:80 with 1000 (TCP).
 */
static int config(void)
{
	int err;

	err = vip_add("10.0.0.10", 80, IPPROTO_TCP) ?:
	      vip_add("10.0.0.10", 80, IPPROTO_UDP) ?:
	      vip_add("fd00::a", 80, IPPROTO_TCP) ?:
	      vip_add("10.0.0.20", 80, IPPROTO_TCP) ?:
	      vip_add("10.0.0.30", 80, IPPROTO_TCP);
	if (err)
		return err;
	err = backend_add("10.0.0.10", 80, IPPROTO_TCP, "10.0.0.2") ?:
	      backend_add("10.0.0.10", 80, IPPROTO_TCP, "10.0.0.3") ?:
	      backend_add("10.0.0.10", 80, IPPROTO_UDP, "10.0.0.2") ?:
	      backend_add("10.0.0.10", 80, IPPROTO_UDP, "10.0.0.3") ?:
	      backend_add("fd00::a", 80, IPPROTO_TCP, "fd00::2") ?:
	      backend_add("fd00::a", 80, IPPROTO_TCP, "fd00::3");
	if (err)
		return err;
	return pool_add("10.0.0.20", 1, 100) ?: pool_add("10.0.0.30", 2, 1000);
}

/* ---- packets ---- */

/* Header sizes are what they are; the payload pads to BENCH_FRAME_LEN. */
static void spec_make(struct pkt_spec *s, int proto, const char *src,
		      uint16_t sport, const char *dst, uint16_t dport,
		      uint8_t tcp_flags)
{
	bool v6 = strchr(src, ':') != NULL;
	size_t hdrs = PKT_ETH_HLEN + (v6 ? 40 : 20) +
		      (proto == IPPROTO_TCP ? 20 : proto == IPPROTO_UDP ? 8 : 0);

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		/* the L4 is just payload */
		pkt_spec_udp4(s, src, sport, dst, dport);
		s->proto = proto;
	} else if (proto == IPPROTO_TCP) {
		if (v6)
			pkt_spec_tcp6(s, src, sport, dst, dport);
		else
			pkt_spec_tcp4(s, src, sport, dst, dport);
		s->tcp_flags = tcp_flags;
	} else {
		if (v6)
			pkt_spec_udp6(s, src, sport, dst, dport);
		else
			pkt_spec_udp4(s, src, sport, dst, dport);
	}
	pkt_set_mac(s->src_mac, MAC_CLIENT);
	pkt_set_mac(s->dst_mac, MAC_LB);
	s->payload_len = BENCH_FRAME_LEN - hdrs;
	s->payload_seed = 7;
}

static void build(const struct pkt_spec *s, uint8_t *buf)
{
	if (pkt_build(buf, BENCH_FRAME_LEN, s) != BENCH_FRAME_LEN)
		die("internal: a benchmark frame is not %d bytes", BENCH_FRAME_LEN);
}

static struct lb_flow_key spec_key(const struct pkt_spec *s)
{
	struct lb_flow_key k;
	int alen = s->family == AF_INET ? 4 : 16;

	memset(&k, 0, sizeof(k));
	memcpy(k.src.bytes, s->src, alen);
	memcpy(k.dst.bytes, s->dst, alen);
	k.sport = htons(s->sport);
	k.dport = htons(s->dport);
	k.proto = s->proto;
	k.family = s->family == AF_INET ? LB_AF_INET : LB_AF_INET6;
	return k;
}

/* The VIP a client packet is for. */
static struct lb_vip_key vkey_of(const struct pkt_spec *s)
{
	struct lb_flow_key fk = spec_key(s);
	struct lb_vip_key k;

	memset(&k, 0, sizeof(k));
	k.addr = fk.dst;
	k.port = fk.dport;
	k.proto = fk.proto;
	k.family = fk.family;
	return k;
}

/* ---- running programs ---- */

struct run {
	__u32 retval;
	__u32 duration;
	uint8_t out[2048];
	__u32 out_len;
};

static int prog_run(int fd, const uint8_t *in, __u32 repeat, struct run *r)
{
	struct xdp_md ctx = {
		.data_end = BENCH_FRAME_LEN,
		.ingress_ifindex = E.ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = BENCH_FRAME_LEN,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	r->retval = opts.retval;
	r->duration = opts.duration;
	r->out_len = opts.data_size_out;
	return 0;
}

static int ctr_set(__u64 v)
{
	__u64 vals[E.ncpus];
	__u32 zero = 0;
	int i;

	for (i = 0; i < E.ncpus; i++)
		vals[i] = v;
	return bpf_map_update_elem(E.ctr_fd, &zero, vals, BPF_ANY) ? -errno : 0;
}

static __u64 ctr_get(void)
{
	__u64 vals[E.ncpus];
	__u32 zero = 0;

	if (bpf_map_lookup_elem(E.ctr_fd, &zero, vals))
		die("reading the flow counter: %s", strerror(errno));
	return vals[E.cpu];
}

/*
 * The wrapper's setup: frame, mode, checksum bases, counter, target. The
 * checksum bases are ~checksum + ~(each source word it covers), summed.
 */
static int wrap_setup(const uint8_t *frame, int mode, __u64 nflows, __u64 ctr,
		      int target_fd)
{
	struct bench_frame f;
	struct bench_cfg cfg = { .mode = mode, .nflows = nflows };
	__u32 zero = 0;
	__u16 w;
	int i;

	memcpy(f.data, frame, BENCH_FRAME_LEN);
	if (mode == BENCH_MODE_FLOWS) {
		memcpy(&w, frame + BENCH_OFF_IP_CSUM, 2);
		cfg.ip_sum = (__u16)~w;
		memcpy(&w, frame + BENCH_OFF_TCP_CSUM, 2);
		cfg.l4_sum = (__u16)~w;
		for (i = 0; i < 2; i++) {
			memcpy(&w, frame + BENCH_OFF_IP_SADDR + 2 * i, 2);
			cfg.ip_sum += (__u16)~w;
			cfg.l4_sum += (__u16)~w;
		}
		memcpy(&w, frame + BENCH_OFF_SPORT, 2);
		cfg.l4_sum += (__u16)~w;
	}
	if (bpf_map_update_elem(E.frame_fd, &zero, &f, BPF_ANY) ||
	    bpf_map_update_elem(E.cfg_fd, &zero, &cfg, BPF_ANY) ||
	    bpf_map_update_elem(E.target_fd, &zero, &target_fd, BPF_ANY))
		return -errno;
	return ctr_set(ctr);
}

/*
 * Empty a table. Batched lookup-and-delete walks every bucket, a few ms on
 * the default tables: amortised over a batch of new flows, never timed.
 */
static int drain_map(int fd, size_t ksz, size_t vsz)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	static void *keys, *vals;
	__u32 in = 0, out = 0, count;
	bool first = true;
	int err;

	if (!keys) {
		keys = malloc(4096 * 64);
		vals = malloc(4096 * 256);
		if (!keys || !vals)
			return -ENOMEM;
	}
	if (ksz > 64 || vsz > 256)
		return -EINVAL;
	for (;;) {
		count = 4096;
		err = bpf_map_lookup_and_delete_batch(fd, first ? NULL : &in, &out,
						      keys, vals, &count, &opts);
		if (err)
			return errno == ENOENT ? 0 : -errno;
		in = out;
		first = false;
	}
}

static int drain_flows(void)
{
	return drain_map(E.maps.fd[LB_MI_CT_FWD], sizeof(struct lb_flow_key),
			 sizeof(struct lb_ct_fwd)) ?:
	       drain_map(E.maps.fd[LB_MI_CT_REV], sizeof(struct lb_flow_key),
			 sizeof(struct lb_ct_rev));
}

static void stats_read(__u64 s[LB_STAT_SLOTS])
{
	int err = lb_stats_read(&E.maps, s);

	if (err)
		die("reading lb_stats: %s", strerror(-err));
}

/* ---- scenarios ---- */

enum target { T_LB, T_TX, T_PARSE, T_FIB, T_KTIME, T_LRU };
enum check {
	C_UNTOUCHED,    /* output == input */
	C_FWD,          /* client -> VIP translated to SNAT -> backend */
	C_REPLY,        /* backend -> SNAT translated to VIP -> client */
	C_LRU,          /* untouched, and the flow is in bench_lru */
};

struct scen {
	const char *id;
	const char *name;
	enum target target;
	bool direct;            /* no wrapper: the reference's bare cost */
	int mode;
	struct pkt_spec spec;   /* input (FLOWS: the source is flow n's) */
	struct pkt_spec client; /* C_REPLY: the client packet of the flow */
	enum check check;
	__u64 nflows;           /* FLOWS: cycle length (~0: always new) */
	__u64 ctr;              /* FLOWS: next flow number */
	__u32 want_act;
	bool want_new;          /* every packet creates a flow (else none) */
	__u32 want_stat;        /* a reason counter that counts every packet */
	__u32 drain_batch;      /* empty the flow tables every N packets */
	struct scen *base;      /* what to subtract for "net" */
	struct scen *parse;     /* parse-only through the same wrapper mode */
	/* results */
	double est;             /* ns per iteration, latest */
	double ns[MAX_SAMPLES];
	int round[MAX_SAMPLES]; /* which round of which phase: pairs samples */
	int nruns;
	bool verified;
};

static struct scen S[MAX_SCENS];
static int nscens;

static struct scen *scen_new(const char *id, const char *name,
			     enum target target)
{
	struct scen *sc;

	if (nscens >= MAX_SCENS)
		die("internal: too many scenarios");
	sc = &S[nscens++];
	memset(sc, 0, sizeof(*sc));
	sc->id = id;
	sc->name = name;
	sc->target = target;
	sc->want_act = XDP_TX;
	sc->want_stat = NO_STAT;
	return sc;
}

static struct scen *scen_find(const char *id)
{
	int i;

	for (i = 0; i < nscens; i++)
		if (!strcmp(S[i].id, id))
			return &S[i];
	return NULL;
}

static int target_fd(const struct scen *sc)
{
	switch (sc->target) {
	case T_LB:
		return E.lb_fd;
	case T_TX:
		return E.tx_fd;
	case T_PARSE:
		return E.parse_fd;
	case T_FIB:
		return E.fib_fd;
	case T_KTIME:
		return E.ktime_fd;
	case T_LRU:
		return E.lru_fd;
	}
	return -1;
}

/* The input the program under test sees for flow n. */
static struct pkt_spec scen_input(const struct scen *sc, __u64 n)
{
	struct pkt_spec s = sc->spec;

	if (sc->mode == BENCH_MODE_FLOWS)
		flow_src(n, s.src, &s.sport);
	return s;
}

static const char *act_name(__u32 act)
{
	static const char *const n[] = { "ABORTED", "DROP", "PASS", "TX",
					 "REDIRECT" };

	return act <= XDP_REDIRECT ? n[act] : "?";
}

static void fail_output(const struct scen *sc, const char *why,
			const struct pkt_spec *want, const struct run *r)
{
	uint8_t buf[2048];
	size_t len;

	fprintf(stderr, "bench_pkt: FAIL: %s: %s\n", sc->name, why);
	if (want) {
		len = pkt_build(buf, sizeof(buf), want);
		pkt_diff(buf, len, r->out, r->out_len);
	} else {
		pkt_hexdump("output", r->out, r->out_len);
	}
	exit(1);
}

static void expect_bytes(const struct scen *sc, const struct pkt_spec *want,
			 const struct run *r)
{
	uint8_t buf[2048];
	size_t len = pkt_build(buf, sizeof(buf), want);

	if (len != r->out_len || memcmp(buf, r->out, len))
		fail_output(sc, "output differs from the expected packet", want, r);
}

/*
 * The output of the last iteration, which processed flow n: exact bytes of
 * the translation the connection table records, valid checksums, and the
 * MAC of the backend's neighbour entry (the FIB lookup was real).
 */
static void check_output(const struct scen *sc, const struct run *r, __u64 n)
{
	struct pkt_spec in = scen_input(sc, n), want = in;
	int alen = in.family == AF_INET ? 4 : 16;
	struct lb_flow_key k;
	struct lb_ct_fwd ct;
	struct lb_vip_key vk;
	struct lb_backend be;
	struct lb_vip vip;
	char err[256] = "";

	if (r->retval != sc->want_act) {
		fprintf(stderr, "bench_pkt: FAIL: %s: verdict %s, want %s\n",
			sc->name, act_name(r->retval), act_name(sc->want_act));
		pkt_hexdump("output", r->out, r->out_len);
		exit(1);
	}
	if (pkt_check(r->out, r->out_len, NULL, err, sizeof(err)))
		fail_output(sc, err, NULL, r);

	switch (sc->check) {
	case C_UNTOUCHED:
		expect_bytes(sc, &in, r);
		return;
	case C_FWD:
		k = spec_key(&in);
		if (bpf_map_lookup_elem(E.maps.fd[LB_MI_CT_FWD], &k, &ct))
			fail_output(sc, "no connection-table entry for the flow",
				    NULL, r);
		memcpy(want.src, ct.snat.bytes, alen);
		memcpy(want.dst, ct.backend.bytes, alen);
		want.sport = ntohs(ct.snat_port);
		want.dport = ntohs(ct.backend_port);
		pkt_set_mac(want.src_mac, MAC_LB);
		mac_of_addr(want.dst_mac, ct.backend.bytes, alen);
		expect_bytes(sc, &want, r);
		vk = vkey_of(&in);
		if (lb_vip_get(&E.maps, &vk, &vip) || ct.vip_id != vip.id ||
		    memcmp(&ct.snat, &vip.snat, sizeof(ct.snat)))
			fail_output(sc, "the flow is not the VIP's", NULL, r);
		if (bpf_map_lookup_elem(E.maps.fd[LB_MI_BACKENDS], &ct.backend_id, &be) ||
		    !be.gen || be.vip_id != vip.id ||
		    memcmp(&be.addr, &ct.backend, sizeof(be.addr)))
			fail_output(sc, "translated to an address that is not a "
				    "backend of the VIP", NULL, r);
		if (ntohs(ct.snat_port) < LB_SNAT_PORT_MIN_DEFAULT ||
		    ntohs(ct.snat_port) > LB_SNAT_PORT_MAX_DEFAULT)
			fail_output(sc, "SNAT port out of range", NULL, r);
		return;
	case C_LRU: {
		struct bench_lru_key lk = {};
		struct bench_lru_val lv;

		expect_bytes(sc, &in, r);
		memcpy(&lk.saddr, in.src, 4);
		lk.sport = htons(in.sport);
		if (bpf_map_lookup_elem(E.lru_map_fd, &lk, &lv) || lv.v[0] != lk.saddr)
			fail_output(sc, "the flow is not in the LRU table", NULL, r);
		return;
	}
	case C_REPLY:
		memcpy(want.src, sc->client.dst, 16);
		memcpy(want.dst, sc->client.src, 16);
		want.sport = sc->client.dport;
		want.dport = sc->client.sport;
		pkt_set_mac(want.src_mac, MAC_LB);
		pkt_set_mac(want.dst_mac, MAC_CLIENT);
		expect_bytes(sc, &want, r);
		return;
	}
}

/* Point the wrapper at the scenario, with its own flow counter. */
static void scen_setup(const struct scen *sc)
{
	struct pkt_spec tmpl = sc->spec;
	uint8_t frame[BENCH_FRAME_LEN];
	int err;

	if (sc->direct)
		return;
	build(&tmpl, frame);
	err = wrap_setup(frame, sc->mode, sc->mode == BENCH_MODE_FLOWS ?
			 sc->nflows : ~0ULL, sc->ctr, target_fd(sc));
	if (err)
		die("%s: setting up the wrapper: %s", sc->name, strerror(-err));
}

/*
 * The data plane's counters over a run: every packet got the expected
 * verdict, and every packet created a flow, or none did.
 */
static void check_stats(const struct scen *sc, __u32 repeat,
			const __u64 *before, const __u64 *after)
{
	__u64 acts = after[sc->want_act] - before[sc->want_act];
	__u64 news = after[LB_STAT_FLOW_NEW] - before[LB_STAT_FLOW_NEW];
	const char *why = NULL;
	int i;

	if (acts != repeat)
		why = "not every packet got the expected verdict";
	else if (news != (sc->want_new ? repeat : 0))
		why = sc->want_new ? "not every packet created a flow" :
		      "packets created flows (expired or evicted entries?)";
	else if (sc->want_stat != NO_STAT &&
		 after[sc->want_stat] - before[sc->want_stat] != repeat)
		why = "the reason counter did not count every packet";
	if (!why)
		return;
	fprintf(stderr, "bench_pkt: FAIL: %s: %s (%u packets, want %s); "
		"counters that moved:\n", sc->name, why, repeat,
		act_name(sc->want_act));
	for (i = 0; i < LB_STAT_MAX; i++)
		if (after[i] != before[i])
			fprintf(stderr, "  %-26s %+lld\n", lb_stat_names[i],
				(long long)(after[i] - before[i]));
	exit(1);
}

/*
 * Run repeat iterations and check them: the verdict and output of the
 * last one, and for the data plane its counters: every packet got the
 * expected verdict and created a flow, or none did.
 */
static __u32 scen_run(struct scen *sc, __u32 repeat)
{
	__u64 before[LB_STAT_SLOTS], after[LB_STAT_SLOTS], last;
	uint8_t frame[BENCH_FRAME_LEN];
	struct run r;
	int err;

	if (sc->drain_batch) {
		err = sc->target == T_LRU ?
		      drain_map(E.lru_map_fd, sizeof(struct bench_lru_key),
				sizeof(struct bench_lru_val)) :
		      drain_flows();
		if (err)
			die("emptying the flow tables: %s", strerror(-err));
	}
	build(&sc->spec, frame);
	stats_read(before);
	err = prog_run(sc->direct ? target_fd(sc) : E.wrap_fd, frame, repeat, &r);
	if (err)
		die("%s: BPF_PROG_TEST_RUN: %s", sc->name, strerror(-err));
	stats_read(after);

	last = 0;
	if (sc->mode == BENCH_MODE_FLOWS) {
		__u64 next = ctr_get();

		last = next ? next - 1 : sc->nflows - 1;
		sc->ctr = next;
	}
	if (sc->target == T_LB)
		check_stats(sc, repeat, before, after);
	check_output(sc, &r, last);
	return r.duration;
}

/* One packet, checked byte for byte, then a short calibration. */
static void scen_verify(struct scen *sc)
{
	__u32 d;

	scen_setup(sc);
	scen_run(sc, 1);
	d = scen_run(sc, O.smoke ? 16 : sc->drain_batch ? sc->drain_batch : 20000);
	sc->est = d ? d : 1;
	sc->verified = true;
}

static int cur_round;

/* One run: at least O.min_time of kernel time, in one or more calls. */
static void scen_measure(struct scen *sc)
{
	double min_ns = O.min_time * 1e9, total_ns = 0, want;
	__u64 iters = 0;
	__u32 repeat, d;

	if (!sc->verified)
		scen_verify(sc);
	scen_setup(sc);
	do {
		if (O.smoke) {
			repeat = sc->drain_batch ? 64 : 256;
		} else {
			want = (min_ns - total_ns) * 1.03 / sc->est + 1;
			repeat = want > 2e8 ? 200000000 : want < 1000 ? 1000 : (__u32)want;
			if (sc->drain_batch && repeat > sc->drain_batch)
				repeat = sc->drain_batch;
		}
		d = scen_run(sc, repeat);
		total_ns += (double)d * repeat;
		iters += repeat;
		if (d)
			sc->est = d;
	} while (!O.smoke && total_ns < min_ns);
	if (sc->nruns >= MAX_SAMPLES)
		die("internal: too many samples");
	sc->ns[sc->nruns] = total_ns / iters;
	sc->round[sc->nruns++] = cur_round;
}

/* Creates flows [from, to) of a FLOWS scenario's VIP with SYNs. */
static void populate(const struct scen *like, __u64 from, __u64 to)
{
	struct scen sc = *like;
	__u64 n;

	sc.name = "populating a flow table";
	sc.spec.tcp_flags = PKT_TCP_SYN;
	sc.nflows = ~0ULL;
	sc.want_new = true;
	sc.drain_batch = 0;
	while (from < to) {
		n = to - from > 1000000 ? 1000000 : to - from;
		sc.ctr = from;
		scen_setup(&sc);
		scen_run(&sc, n);
		from += n;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double s_min(const struct scen *sc)
{
	double m = sc->nruns ? sc->ns[0] : NAN;
	int i;

	for (i = 1; i < sc->nruns; i++)
		if (sc->ns[i] < m)
			m = sc->ns[i];
	return m;
}

static double s_med(const struct scen *sc)
{
	static double v[MAX_SAMPLES];

	memcpy(v, sc->ns, sc->nruns * sizeof(double));
	return median(v, sc->nruns);
}

/* The sample of sc taken in round g, if any. */
static bool s_at(const struct scen *sc, int g, double *v)
{
	int i;

	for (i = 0; sc && i < sc->nruns; i++) {
		if (sc->round[i] == g) {
			*v = sc->ns[i];
			return true;
		}
	}
	return false;
}

/*
 * Net and per-packet figures pair every sample with the references taken
 * in the same round (within seconds of it), then take the median: slow
 * drifts of a noisy machine cancel out.
 *
 * net = raw - the wrapper alone (wrapper + tail call + XDP_TX);
 * per packet = net + the bare XDP_TX reference (no wrapper): what running
 * the program costs in the test loop, wrapper removed.
 */
enum figure { F_NET, F_PER_PACKET, F_X_PARSE };

static double figure(const struct scen *sc, enum figure f)
{
	static double v[MAX_SAMPLES];
	struct scen *tx = scen_find("tx"), *parse, *pbase;
	double base, t, p, pb;
	int i, n = 0;

	if (!sc)
		return NAN;
	parse = sc->parse ? sc->parse : scen_find("parse");
	pbase = parse->base;
	for (i = 0; i < sc->nruns; i++) {
		int g = sc->round[i];

		if (!sc->base) {
			base = 0;
		} else if (!s_at(sc->base, g, &base)) {
			continue;
		}
		if (f == F_NET) {
			v[n++] = sc->ns[i] - base;
			continue;
		}
		if (!s_at(tx, g, &t))
			continue;
		if (f == F_PER_PACKET) {
			v[n++] = sc->ns[i] - base + t;
			continue;
		}
		if (!s_at(parse, g, &p) || !s_at(pbase, g, &pb))
			continue;
		v[n++] = (sc->ns[i] - base + t) / (p - pb + t);
	}
	return median(v, n);
}

/* Runs of the scenarios of a phase are interleaved: noise hits all alike. */
static void phase(const char *title, const char *const ids[])
{
	double t0 = now_s();
	int r, i;

	printf("  %s ...", title);
	fflush(stdout);
	for (r = 0; r < O.runs; r++) {
		cur_round++;
		for (i = 0; ids[i]; i++) {
			struct scen *sc = scen_find(ids[i]);

			if (!sc)
				die("internal: no scenario %s", ids[i]);
			scen_measure(sc);
		}
	}
	printf(" %.1f s\n", now_s() - t0);
}

/* ---- the single-flow scenarios ---- */

/* Sends one setup packet straight to the data plane; checks its verdict. */
static void lb_send(const struct pkt_spec *s, __u32 want_act)
{
	uint8_t frame[BENCH_FRAME_LEN];
	struct run r;
	int err;

	build(s, frame);
	err = prog_run(E.lb_fd, frame, 1, &r);
	if (err)
		die("setup packet: %s", strerror(-err));
	if (r.retval != want_act)
		die("setup packet: verdict %s, want %s", act_name(r.retval),
		    act_name(want_act));
}

/* The backend side of a flow: its answer to the client packet c. */
static struct pkt_spec reply_of(const struct pkt_spec *c)
{
	struct lb_flow_key k = spec_key(c);
	struct pkt_spec s = *c;
	int alen = c->family == AF_INET ? 4 : 16;
	struct lb_ct_fwd ct;

	if (bpf_map_lookup_elem(E.maps.fd[LB_MI_CT_FWD], &k, &ct))
		die("setup: the flow was not created");
	memset(s.src, 0, 16);
	memset(s.dst, 0, 16);
	memcpy(s.src, ct.backend.bytes, alen);
	memcpy(s.dst, ct.snat.bytes, alen);
	s.sport = ntohs(ct.backend_port);
	s.dport = ntohs(ct.snat_port);
	mac_of_addr(s.src_mac, ct.backend.bytes, alen);
	pkt_set_mac(s.dst_mac, MAC_LB);
	s.payload_seed = 11;
	return s;
}

/* A connection as the data plane sees it: SYN, SYN|ACK, then ACKs. */
static void open_flow(struct pkt_spec *c, struct pkt_spec *rep)
{
	if (c->proto == IPPROTO_TCP)
		c->tcp_flags = PKT_TCP_SYN;
	lb_send(c, XDP_TX);
	*rep = reply_of(c);
	if (c->proto == IPPROTO_TCP)
		rep->tcp_flags = PKT_TCP_SYN | PKT_TCP_ACK;
	lb_send(rep, XDP_TX);
	if (c->proto == IPPROTO_TCP) {
		c->tcp_flags = PKT_TCP_ACK;
		rep->tcp_flags = PKT_TCP_ACK;
	}
}

static void scenarios_define(void)
{
	struct pkt_spec c, rep;
	struct scen *sc, *tx, *bf, *bl, *pf;

	/* references */
	tx = scen_new("tx", "XDP_TX only, no wrapper", T_TX);
	spec_make(&tx->spec, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.10", 80,
		  PKT_TCP_ACK);
	tx->direct = true;
	tx->check = C_UNTOUCHED;

	bf = scen_new("base", "wrapper + tail call + XDP_TX", T_TX);
	bf->spec = tx->spec;
	bf->check = C_UNTOUCHED;

	bl = scen_new("base_flows", "wrapper (flow mode) + XDP_TX", T_TX);
	spec_make(&bl->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.20", 80, PKT_TCP_SYN);
	bl->mode = BENCH_MODE_FLOWS;
	bl->nflows = ~0ULL;
	bl->check = C_UNTOUCHED;

	sc = scen_new("parse", "parse Ethernet/IPv4/TCP + XDP_TX", T_PARSE);
	sc->spec = tx->spec;
	sc->check = C_UNTOUCHED;
	sc->base = bf;

	/* flow scenarios are compared with parse-only in flow mode too */
	pf = scen_new("parse_flows", "parse-only (flow mode)", T_PARSE);
	pf->spec = bl->spec;
	pf->mode = BENCH_MODE_FLOWS;
	pf->nflows = ~0ULL;
	pf->check = C_UNTOUCHED;
	pf->base = bl;

	/* yardsticks: the kernel helpers behind the data plane's costs */
	sc = scen_new("fib", "bpf_fib_lookup() to a backend", T_FIB);
	sc->spec = tx->spec;
	sc->check = C_UNTOUCHED;
	sc->base = bf;

	sc = scen_new("ktime", "bpf_ktime_get_ns()", T_KTIME);
	sc->spec = tx->spec;
	sc->check = C_UNTOUCHED;
	sc->base = bf;

	sc = scen_new("lru_empty", "LRU hash insert, table mostly empty", T_LRU);
	sc->spec = bl->spec;
	sc->drain_batch = O.drain_batch;

	sc = scen_new("lru_full", "LRU hash insert, table full (evicts)", T_LRU);
	sc->spec = bl->spec;

	/* single flows, opened like real connections */
	spec_make(&c, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.10", 80, 0);
	open_flow(&c, &rep);
	sc = scen_new("est4", "established TCP/IPv4, client -> backend", T_LB);
	sc->spec = c;
	sc->check = C_FWD;
	sc->base = bf;

	sc = scen_new("reply4", "reply TCP/IPv4, backend -> client", T_LB);
	sc->spec = rep;
	sc->client = c;
	sc->check = C_REPLY;
	sc->base = bf;

	spec_make(&c, IPPROTO_TCP, "fd00::1", 40000, "fd00::a", 80, 0);
	open_flow(&c, &rep);
	sc = scen_new("est6", "established TCP/IPv6, client -> backend", T_LB);
	sc->spec = c;
	sc->check = C_FWD;
	sc->base = bf;

	spec_make(&c, IPPROTO_UDP, "10.0.0.1", 40001, "10.0.0.10", 80, 0);
	open_flow(&c, &rep);
	sc = scen_new("udp4", "established UDP/IPv4, client -> backend", T_LB);
	sc->spec = c;
	sc->check = C_FWD;
	sc->base = bf;

	sc = scen_new("pass_host", "not for a VIP (other host): XDP_PASS", T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.3", 80,
		  PKT_TCP_ACK);
	sc->check = C_UNTOUCHED;
	sc->want_act = XDP_PASS;
	sc->want_stat = LB_STAT_PASS_NOT_VIP;
	sc->base = bf;

	sc = scen_new("pass_port", "not for a VIP (VIP address, port 22): XDP_PASS",
		      T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.10", 22,
		  PKT_TCP_ACK);
	sc->check = C_UNTOUCHED;
	sc->want_act = XDP_PASS;
	sc->want_stat = LB_STAT_PASS_NOT_VIP;
	sc->base = bf;

	sc = scen_new("pass_proto", "IPv4, not TCP/UDP (GRE): XDP_PASS", T_LB);
	spec_make(&sc->spec, 47, "10.0.0.1", 0, "10.0.0.10", 0, 0);
	sc->check = C_UNTOUCHED;
	sc->want_act = XDP_PASS;
	sc->want_stat = LB_STAT_PASS_NOT_VIP;
	sc->base = bf;

	/* new flows: a new source every packet, tables emptied every batch */
	sc = scen_new("new2", "new flow (SYN), 2 backends, table mostly empty",
		      T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.10", 80, PKT_TCP_SYN);
	sc->base = bl;

	sc = scen_new("new100", "new flow (SYN), 100 backends, table mostly empty",
		      T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.20", 80, PKT_TCP_SYN);
	sc->base = bl;

	sc = scen_new("new1000", "new flow (SYN), 1000 backends, table mostly empty",
		      T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.30", 80, PKT_TCP_SYN);
	sc->base = bl;

	/*
	 * Tracked flows and full tables use the 1000-backend VIP: a million
	 * flows take 3% of its SNAT ports. On 100 backends they take a third,
	 * and then snat_alloc()'s 32 linear probes fail now and then (a few
	 * new flows in 100,000 dropped as "ports exhausted").
	 */
	sc = scen_new("newfull", "new flow (SYN), 1000 backends, table full (evicts)",
		      T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.30", 80, PKT_TCP_SYN);
	sc->base = bl;

	/* established flows, cycling */
	sc = scen_new("cycle0", "", T_LB);
	spec_make(&sc->spec, IPPROTO_TCP, "172.16.0.0", BENCH_FLOW_PORT0,
		  "10.0.0.30", 80, PKT_TCP_ACK);
	sc->base = bl;

	for (int i = 0; i < nscens; i++) {
		sc = &S[i];
		if (!strncmp(sc->id, "new", 3) || !strcmp(sc->id, "cycle0")) {
			sc->mode = BENCH_MODE_FLOWS;
			sc->nflows = ~0ULL;
			sc->check = C_FWD;
			sc->want_new = true;
		}
		if (!strncmp(sc->id, "new", 3) && strcmp(sc->id, "newfull"))
			sc->drain_batch = O.drain_batch;
		if (sc->target == T_LRU) {
			sc->mode = BENCH_MODE_FLOWS;
			sc->nflows = ~0ULL;
			sc->check = C_LRU;
			sc->base = bl;
		}
		if (sc->base == bl)
			sc->parse = pf;
	}
}

static char cycle_ids[4][16], cycle_names[4][64];

/* The cycling scenario over n established flows, i-th scale point. */
static struct scen *cycle_scen(int i, __u32 n)
{
	struct scen *sc = scen_new(cycle_ids[i], cycle_names[i], T_LB);
	struct scen *tmpl = scen_find("cycle0");

	*sc = *tmpl;
	snprintf(cycle_ids[i], sizeof(cycle_ids[i]), "cycle%u", n);
	if (n == 1)
		snprintf(cycle_names[i], sizeof(cycle_names[i]),
			 "established TCP/IPv4, 1 flow (flow mode)");
	else
		snprintf(cycle_names[i], sizeof(cycle_names[i]),
			 "established TCP/IPv4, %u flows cycling", n);
	sc->id = cycle_ids[i];
	sc->name = cycle_names[i];
	sc->nflows = n;
	sc->ctr = 0;
	sc->want_new = false;
	return sc;
}

/* ---- program and map figures ---- */

struct func_size {
	char name[64];
	__u32 insns;
	__u32 jited;
};

/* xlated instructions and JITed bytes per function (BTF func_info). */
static int prog_funcs(int fd, struct func_size *fs, int max, __u32 *total,
		      __u32 *jited_total)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), nf, nj, i;
	struct bpf_func_info *fi = NULL;
	__u32 *jl = NULL;
	struct btf *btf = NULL;
	int n = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*total = info.xlated_prog_len / 8;
	*jited_total = info.jited_prog_len;
	nf = info.nr_func_info;
	nj = info.nr_jited_func_lens;
	if (!nf || !info.btf_id)
		return 0;
	fi = calloc(nf, sizeof(*fi));
	jl = calloc(nj ? nj : 1, sizeof(*jl));
	if (!fi || !jl)
		goto out;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = nf;
	info.func_info_rec_size = sizeof(*fi);
	info.func_info = (__u64)(unsigned long)fi;
	info.nr_jited_func_lens = nj;
	info.jited_func_lens = (__u64)(unsigned long)jl;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		goto out;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	for (i = 0; i < nf && n < max; i++, n++) {
		const struct btf_type *t = btf ? btf__type_by_id(btf, fi[i].type_id) : NULL;
		__u32 end = i + 1 < nf ? fi[i + 1].insn_off : *total;

		snprintf(fs[n].name, sizeof(fs[n].name), "%s",
			 t ? btf__name_by_offset(btf, t->name_off) : "?");
		fs[n].insns = end - fi[i].insn_off;
		fs[n].jited = i < nj ? jl[i] : 0;
	}
out:
	btf__free(btf);
	free(fi);
	free(jl);
	return n;
}

/* The kernel's own figure for a map: "memlock" in its fdinfo. */
static long long map_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* ---- report ---- */

static FILE *md;

/* The plot relative to the report when they share a directory. */
static const char *plot_link(void)
{
	const char *rs = strrchr(O.results, '/'), *ps = strrchr(O.plot, '/');
	size_t rl = rs ? (size_t)(rs - O.results) : 0;
	size_t pl = ps ? (size_t)(ps - O.plot) : 0;

	if (rl == pl && !strncmp(O.results, O.plot, rl))
		return ps ? ps + 1 : O.plot;
	return O.plot;
}

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void mdf(const char *fmt, ...)
{
	va_list ap;

	if (!md)
		return;
	va_start(ap, fmt);
	vfprintf(md, fmt, ap);
	va_end(ap);
}

static void row(const char *id, const char *tgt_label, double tgt)
{
	struct scen *sc = scen_find(id);
	char nmed[16] = "-", nmin[16] = "-", xp[16] = "-", t[48] = "";
	double x;

	if (!sc || !sc->nruns)
		return;
	if (sc->base) {
		snprintf(nmed, sizeof(nmed), "%.1f", figure(sc, F_NET));
		snprintf(nmin, sizeof(nmin), "%.1f", s_min(sc) - s_min(sc->base));
	}
	x = figure(sc, F_X_PARSE);
	if (sc->base && sc->target != T_TX)
		snprintf(xp, sizeof(xp), "%.2fx", x);
	if (tgt_label)
		snprintf(t, sizeof(t), "%s %.0fx: %s", tgt_label, tgt,
			 x <= tgt ? "met" : "missed");
	out("%-53s %-4s %8.1f %8.1f %8s %8s %7s  %s\n", sc->name,
	    act_name(sc->want_act), s_min(sc), s_med(sc), nmed, nmin, xp, t);
	mdf("| %s | %s | %.1f | %.1f | %s | %s | %s | %s |\n", sc->name,
	    act_name(sc->want_act), s_min(sc), s_med(sc), nmed, nmin, xp, t);
}

static void table_head(const char *title)
{
	out("\n%s\n", title);
	out("%-53s %-4s %8s %8s %8s %8s %7s  %s\n", "scenario", "verd",
	    "raw min", "raw med", "net med", "net min", "x parse", "target");
	mdf("\n### %s\n\n", title);
	mdf("| scenario | verdict | raw min ns | raw median ns | net median ns | "
	    "net from mins ns | x parse-only | target |\n");
	mdf("|---|---|--:|--:|--:|--:|--:|---|\n");
}

static void target_line(const char *what, const char *id, double tgt)
{
	struct scen *sc = scen_find(id), *parse = scen_find("parse");
	double x, over;

	if (!sc || !sc->nruns)
		return;
	x = figure(sc, F_X_PARSE);
	/* ns per packet above what the target allows, at today's parse-only */
	over = figure(sc, F_PER_PACKET) - tgt * figure(parse, F_PER_PACKET);
	if (x <= tgt) {
		out("  %-40s %6.2fx parse-only (target <= %2.0fx): met\n", what, x, tgt);
		mdf("- %s: **%.2fx** parse-only (target <= %.0fx): met\n", what, x, tgt);
		return;
	}
	out("  %-40s %6.2fx parse-only (target <= %2.0fx): missed by %.1fx, "
	    "%.0f ns per packet over\n", what, x, tgt, x / tgt, over);
	mdf("- %s: **%.2fx** parse-only (target <= %.0fx): missed by a factor "
	    "of %.1f, %.0f ns per packet over\n", what, x, tgt, x / tgt, over);
}

static void report_memory(void)
{
	long long total = 0, v;
	struct bpf_map_info info;
	struct bpf_map *map;
	struct lb_vip_key k = vkey("10.0.0.10", 80, IPPROTO_TCP);
	struct lb_vip vip;
	__u32 len, inner_id;
	int fd;

	out("\nMap memory at default sizes (kernel 'memlock' in fdinfo)\n");
	out("%-16s %-18s %10s %6s %6s %14s %10s\n", "map", "type", "entries",
	    "key", "value", "bytes", "MiB");
	mdf("\n### Map memory at default sizes\n\n"
	    "The kernel's own figure (`memlock` in `/proc/<pid>/fdinfo/<map fd>`), "
	    "for the object loaded with its default sizes.\n\n"
	    "| map | type | max entries | key | value | bytes | MiB |\n"
	    "|---|---|--:|--:|--:|--:|--:|\n");
	bpf_object__for_each_map(map, E.lb->obj) {
		fd = bpf_map__fd(map);
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		v = map_memlock(fd);
		total += v > 0 ? v : 0;
		out("%-16s %-18s %10u %6u %6u %14lld %10.2f\n", bpf_map__name(map),
		    libbpf_bpf_map_type_str(info.type), info.max_entries,
		    info.key_size, info.value_size, v, v / 1048576.0);
		mdf("| %s | %s | %u | %u | %u | %lld | %.2f |\n", bpf_map__name(map),
		    libbpf_bpf_map_type_str(info.type), info.max_entries,
		    info.key_size, info.value_size, v, v / 1048576.0);
	}
	out("%-16s %-18s %10s %6s %6s %14lld %10.2f\n", "total", "", "", "", "",
	    total, total / 1048576.0);
	mdf("| **total** | | | | | %lld | %.2f |\n", total, total / 1048576.0);

	/* one VIP's Maglev table (an inner map, one per VIP) */
	if (lb_vip_get(&E.maps, &k, &vip) ||
	    bpf_map_lookup_elem(E.maps.fd[LB_MI_RINGS], &vip.id, &inner_id))
		return;
	fd = bpf_map_get_fd_by_id(inner_id);
	if (fd < 0)
		return;
	v = map_memlock(fd);
	out("%-16s %-18s %10u %6u %6u %14lld %10.2f   (per VIP)\n", "lb_ring",
	    "array", vip.ring_size, 4, 4, v, v / 1048576.0);
	mdf("| lb_ring (per VIP) | array | %u | 4 | 4 | %lld | %.2f |\n",
	    vip.ring_size, v, v / 1048576.0);
	close(fd);
}

/*
 * The BPF code a scenario can run: the xdp_lb functions on its path, by
 * name (static size, every branch counted: an upper bound of what runs).
 */
static const struct {
	const char *id;
	const char *funcs[6];
} paths[] = {
	{ "pass_host", { "xdp_lb" } },
	{ "est4", { "xdp_lb", "handle_forward" } },
	{ "reply4", { "xdp_lb", "handle_reply" } },
	{ "new2", { "xdp_lb", "handle_forward", "flow_create", "snat_alloc",
		    "fib_next_hop" } },
	{ "newfull", { "xdp_lb", "handle_forward", "flow_create", "snat_alloc",
		       "fib_next_hop" } },
};

static void report_paths(const struct func_size *fs, int n)
{
	unsigned int i, j;
	int k;

	out("\nCode on each path (xdp_lb functions entered; static size)\n");
	mdf("\n### Code on each path\n\nThe xdp_lb functions a scenario "
	    "enters, with their static size (every branch counted, so an upper "
	    "bound of the instructions that run), against the scenario's net "
	    "cost. Where ns per instruction jumps, the time is not in BPF "
	    "instructions but in helpers and memory.\n\n"
	    "| scenario | functions | xlated insns | net median ns | ns per insn |\n"
	    "|---|---|--:|--:|--:|\n");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct scen *sc = scen_find(paths[i].id);
		char list[160] = "";
		__u32 insns = 0;
		double net;

		if (!sc || !sc->nruns)
			continue;
		for (j = 0; j < 6 && paths[i].funcs[j]; j++) {
			const char *f = paths[i].funcs[j];
			bool found = false;

			for (k = 0; k < n; k++) {
				if (!strcmp(fs[k].name, f)) {
					insns += fs[k].insns;
					found = true;
				}
			}
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s%s", j ? ", " : "", f, found ? "" : " (gone?)");
		}
		net = figure(sc, F_NET);
		out("  %-50s %5u insns %7.1f ns %5.2f ns/insn\n", sc->name, insns,
		    net, net / insns);
		mdf("| %s | %s | %u | %.1f | %.2f |\n", sc->name, list, insns, net,
		    net / insns);
	}
}

static void report_insns(void)
{
	struct func_size fs[32], lbfs[32];
	__u32 total = 0, jited = 0;
	int n, nlb = 0, i, fds[4] = { E.lb_fd, E.wrap_fd, E.parse_fd, E.tx_fd };
	const char *names[4] = { "xdp_lb", "bench_wrap", "bench_parse", "bench_tx" };

	out("\nProgram size (xlated BPF instructions, JITed bytes)\n");
	mdf("\n### Program size\n\n"
	    "Executed instructions per packet cannot be counted here (no PMU in "
	    "this VM, and `bpftool prog profile` needs tracing programs), so "
	    "this is the static size of the code, per function.\n\n"
	    "| program / function | xlated insns | JITed bytes |\n|---|--:|--:|\n");
	for (i = 0; i < 4; i++) {
		n = prog_funcs(fds[i], fs, 32, &total, &jited);
		out("  %-28s %6u insns %7u bytes\n", names[i], total, jited);
		mdf("| **%s** (total) | %u | %u |\n", names[i], total, jited);
		if (i == 0 && n > 0) {
			memcpy(lbfs, fs, n * sizeof(fs[0]));
			nlb = n;
		}
		if (n <= 1)
			continue;
		for (int j = 0; j < n; j++) {
			out("    %-26s %6u insns %7u bytes\n", fs[j].name,
			    fs[j].insns, fs[j].jited);
			mdf("| &nbsp;&nbsp;%s | %u | %u |\n", fs[j].name,
			    fs[j].insns, fs[j].jited);
		}
	}
	report_paths(lbfs, nlb);
}

/*
 * gnuplot data: block 0 has one line per scale point (flows, net median,
 * net from mins, raw median), block 1 the net cost the 12x target allows.
 */
static void write_plot_data(void)
{
	struct scen *parse = scen_find("parse");
	FILE *f;
	int i;

	if (!O.data)
		return;
	f = fopen(O.data, "w");
	if (!f) {
		fprintf(stderr, "bench_pkt: %s: %s\n", O.data, strerror(errno));
		return;
	}
	fprintf(f, "# flows net_median_ns net_from_mins_ns raw_median_ns\n");
	for (i = 0; i < 4; i++) {
		struct scen *sc = scen_find(cycle_ids[i]);

		if (sc && sc->nruns)
			fprintf(f, "%u %.2f %.2f %.2f\n", O.flows[i],
				figure(sc, F_NET), s_min(sc) - s_min(sc->base),
				s_med(sc));
	}
	fprintf(f, "\n\n# net ns allowed by 12x parse-only\n%.2f\n",
		12 * figure(parse, F_PER_PACKET) - s_med(scen_find("tx")));
	fclose(f);
}

/*
 * What a random memory access costs here, as a yardstick for the flow
 * scenarios: a dependent pointer chase over 256 MiB in 4 KiB pages (like
 * the kernel's vmalloc'ed map memory), so every step misses the caches
 * and, mostly, the TLB.
 */
static double mem_latency_ns(void)
{
	const size_t size = 256UL << 20, line = 64, n = size / line;
	const size_t steps = 2000000;
	__u32 *order = NULL;
	double t0, ns = NAN;
	char *mem;
	size_t i, j, p;
	__u32 tmp;

	mem = aligned_alloc(4096, size);
	order = malloc(n * sizeof(*order));
	if (!mem || !order)
		goto out;
	madvise(mem, size, MADV_NOHUGEPAGE);
	/* Sattolo: one random cycle through every line */
	for (i = 0; i < n; i++)
		order[i] = i;
	srand(1);
	for (i = n - 1; i > 0; i--) {
		j = ((size_t)rand() << 16 ^ rand()) % i;
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < n; i++)
		*(size_t *)(mem + (size_t)order[i] * line) =
			(size_t)order[(i + 1) % n] * line;
	p = 0;
	for (i = 0; i < steps / 10; i++)
		p = *(volatile size_t *)(mem + p);
	t0 = now_s();
	for (i = 0; i < steps; i++)
		p = *(volatile size_t *)(mem + p);
	ns = (now_s() - t0) * 1e9 / steps;
out:
	free(order);
	free(mem);
	return ns;
}

/* Differences between scenarios: where the time goes. */
static void report_deltas(double mem_ns)
{
	double proto = figure(scen_find("pass_proto"), F_NET);
	double host = figure(scen_find("pass_host"), F_NET);
	double port = figure(scen_find("pass_port"), F_NET);
	double est = figure(scen_find("est4"), F_NET);
	double c1 = figure(scen_find(cycle_ids[0]), F_NET);
	double c1k = figure(scen_find(cycle_ids[1]), F_NET);
	double c1m = figure(scen_find(cycle_ids[3]), F_NET);
	double n2 = figure(scen_find("new2"), F_NET);
	double n1000 = figure(scen_find("new1000"), F_NET);
	double nfull = figure(scen_find("newfull"), F_NET);
	double fib = figure(scen_find("fib"), F_NET);
	double kt = figure(scen_find("ktime"), F_NET);
	double lru = figure(scen_find("lru_empty"), F_NET);
	double lruf = figure(scen_find("lru_full"), F_NET);
	char what[128];

	out("\nWhere the time goes (differences of net medians)\n");
	mdf("\n### Where the time goes\n\nDifferences of net medians between "
	    "scenarios that differ by one step of the data plane:\n\n");
#define DELTA(what, v) do { \
		out("  %-66s %7.1f ns\n", what, v); \
		mdf("- %s: **%.1f ns**\n", what, v); \
	} while (0)
	DELTA("xdp_lb entry, parse, two counters (IPv4, not TCP/UDP: PASS)", proto);
	DELTA("VIP and SNAT-address lookups of a packet for another host",
	      host - proto);
	DELTA("VIP address, other port: + a connection-table lookup that misses",
	      port - host);
	DELTA("established flow beyond what a packet for another host costs",
	      est - host);
	DELTA("new flow (2 backends, empty table) - established flow", n2 - c1);
	DELTA("new flow's helpers alone (yardsticks): 2 LRU inserts, FIB, 2 clocks",
	      2 * lru + fib + 2 * kt);
	DELTA("new flow: 1000 backends instead of 2", n1000 - n2);
	DELTA("new flow: table full (two LRU evictions) instead of empty",
	      nfull - n1000);
	DELTA("the same helpers, table full: 2 LRU inserts that evict",
	      2 * lruf + fib + 2 * kt);
	snprintf(what, sizeof(what), "established: %u tracked flows instead of %u",
		 O.flows[3], O.flows[1]);
	DELTA(what, c1m - c1k);
	if (!isnan(mem_ns)) {
		out("  %-66s %7.1f ns\n", "random memory access (256 MiB, 4 KiB "
		    "pages; user space pointer chase)", mem_ns);
		mdf("- yardstick, a random memory access (user-space pointer chase "
		    "over 256 MiB in 4 KiB pages): **%.1f ns**, so %u flows cost "
		    "about %.1f such accesses more per packet than %u flows\n",
		    mem_ns, O.flows[3], (c1m - c1k) / mem_ns, O.flows[1]);
	}
#undef DELTA
}

static void report(double elapsed, double mem_ns)
{
	struct scen *tx = scen_find("tx");
	struct utsname u;
	char host_cpu[128] = "?", line[256];
	time_t t = time(NULL);
	FILE *f;

	uname(&u);
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10)) {
			snprintf(host_cpu, sizeof(host_cpu), "%s", strchr(line, ':') + 2);
			host_cpu[strcspn(host_cpu, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);

	if (O.results) {
		md = fopen(O.results, "w");
		if (!md)
			fprintf(stderr, "bench_pkt: %s: %s\n", O.results, strerror(errno));
	}
	mdf("## Per-packet cost (BPF_PROG_TEST_RUN)\n\n"
	    "Generated by `make -C tests/bench bench` on %.24s: kernel %s, %s, "
	    "pinned to CPU %d; %d runs per scenario, each at least %.1f s of "
	    "kernel time; %d-byte frames; flow tables of %u entries; "
	    "whole suite %.0f s.\n\n",
	    ctime(&t), u.release, host_cpu, E.cpu, O.runs, O.min_time,
	    BENCH_FRAME_LEN, E.ct_max, elapsed);
	mdf("How to read this:\n\n"
	    "- **raw**: the kernel's average ns per iteration (`opts.duration`) "
	    "of restore wrapper + tail call + program; min and median of the "
	    "runs. The wrapper restores the input frame before every "
	    "iteration (and in flow mode gives it the next flow's source).\n"
	    "- **net**: raw minus the wrapper alone (wrapper + tail call + a "
	    "program that only returns XDP_TX: %.1f ns, %.1f ns in flow mode), "
	    "paired with the wrapper's run of the same round; **net from mins**: "
	    "min minus the wrapper's min.\n"
	    "- **x parse-only**: (net + XDP_TX alone) / (parse-only net + XDP_TX "
	    "alone), XDP_TX alone being the bare cost of running any XDP "
	    "program in the test loop (%.1f ns): the cost per packet of each "
	    "program without the wrapper, relative to parse-only. Paired by "
	    "round like net. Parse-only's own net cost is a few ns, within the "
	    "noise, so ratios of net figures alone would mean nothing.\n"
	    "- The kernel reports whole ns per iteration, and the machine is "
	    "shared: differences of a few ns are noise.\n\n",
	    s_med(scen_find("base")), s_med(scen_find("base_flows")), s_med(tx));
	mdf("Setup: the default object (every map at its default size), in a "
	    "private network namespace where the backends are permanent "
	    "neighbours of lb0, so every FIB lookup is real and every "
	    "translated packet leaves with XDP_TX. Single flows are opened like "
	    "connections (SYN, SYN-ACK) and then carry ACKs. New flows get a "
	    "source never seen before on every packet; \"mostly empty\" "
	    "empties both flow tables every %u packets, \"full\" first inserts "
	    "1.125 times the table size so that every insert evicts. Tracked "
	    "flows are opened with SYNs, then cycled over with ACKs. Flow-mode "
	    "scenarios are compared with parse-only in flow mode. Before "
	    "timing, every scenario's verdict and output bytes are checked "
	    "(checksums recomputed by tests/lib); after every timed run, the "
	    "data plane's counters (one expected verdict per packet, a new flow "
	    "for every packet or for none) and the last output.\n",
	    O.drain_batch);

	table_head("References");
	row("tx", NULL, 0);
	row("base", NULL, 0);
	row("base_flows", NULL, 0);
	row("parse", NULL, 0);
	row("parse_flows", NULL, 0);
	table_head("Single flows and packets that are not for a VIP");
	row("est4", "<=", 2);
	row("reply4", NULL, 0);
	row("est6", NULL, 0);
	row("udp4", NULL, 0);
	row("pass_host", NULL, 0);
	row("pass_port", NULL, 0);
	row("pass_proto", NULL, 0);
	table_head("New flows (a new source every packet)");
	row("new2", "<=", 10);
	row("new100", NULL, 0);
	row("new1000", NULL, 0);
	row("newfull", "<=", 10);
	table_head("Yardsticks: the kernel helpers the data plane calls, alone");
	row("fib", NULL, 0);
	row("ktime", NULL, 0);
	row("lru_empty", NULL, 0);
	row("lru_full", NULL, 0);
	table_head("Tracked flows (established, cycling over N flows, 1000 backends)");
	for (int i = 0; i < 4; i++)
		row(cycle_ids[i], i == 3 ? "<=" : NULL, 12);
	if (O.plot)
		mdf("\n![net cost per packet by tracked flows](%s)\n", plot_link());

	out("\nTargets (goals, not assertions)\n");
	mdf("\n### Targets (goals from the issue, not assertions)\n\n");
	target_line("established flow", "est4", 2);
	target_line("new flow, table mostly empty", "new2", 10);
	target_line("new flow, table full", "newfull", 10);
	snprintf(line, sizeof(line), "established, %u flows cycling", O.flows[3]);
	target_line(line, cycle_ids[3], 12);

	report_deltas(mem_ns);
	report_memory();
	report_insns();
	if (md) {
		fclose(md);
		md = NULL;
		printf("\nresults: %s\n", O.results);
	}
}

/* ---- main ---- */

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_pkt [--smoke] [--runs N] [--time SECONDS] [--ct-size N]\n"
		"                 [--results FILE.md] [--data FILE] [--plot FILE.png]\n"
		"  --smoke    every scenario once, tiny repeat counts, small tables:\n"
		"             checks verdicts and outputs, times nothing meaningful\n"
		"  --runs     runs per scenario (default 5)\n"
		"  --time     kernel time per run, seconds (default 0.5)\n"
		"  --results  markdown report (default: none)\n"
		"  --data     gnuplot data: net cost per packet by tracked flows\n"
		"  --plot     the PNG made from --data (linked from the report)\n"
		"  --ct-size  flow table entries instead of the default (experiments;\n"
		"             the tracked-flow points must fit)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "results", required_argument, NULL, 'o' },
		{ "data", required_argument, NULL, 'd' },
		{ "plot", required_argument, NULL, 'p' },
		{ "ct-size", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	double t0 = now_s();
	struct scen *sc;
	__u64 populated = 0;
	double mem_ns;
	int c, err, i;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			O.smoke = true;
			break;
		case 'r':
			O.runs = atoi(optarg);
			break;
		case 't':
			O.min_time = atof(optarg);
			break;
		case 'o':
			O.results = optarg;
			break;
		case 'd':
			O.data = optarg;
			break;
		case 'p':
			O.plot = optarg;
			break;
		case 'c':
			O.ct_size = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (O.runs < 1 || O.runs > MAX_RUNS || O.min_time <= 0)
		usage();
	if (O.smoke) {
		O.runs = 1;
		if (!O.ct_size)
			O.ct_size = 16384;
		O.drain_batch = 256;
		O.flows[1] = 100;
		O.flows[2] = 1000;
		O.flows[3] = 10000;
	}
	libbpf_set_print(libbpf_print);
	if (geteuid() != 0)
		die("must run as root (network namespace, BPF)");

	err = pin_cpu() ?: net_setup() ?: objects_load();
	if (err)
		die("setup: %s", strerror(-err));
	err = config();
	if (err)
		die("configuring VIPs and backends: %s", strerror(-err));
	if (O.smoke)
		printf("bench_pkt: smoke mode: every scenario checked, timings meaningless\n");
	else
		printf("bench_pkt: %d runs x >= %.1f s per scenario, CPU %d, "
		       "flow tables of %u entries\n", O.runs, O.min_time, E.cpu,
		       E.ct_max);

	scenarios_define();
	/* every phase measures the references again: ratios pair by round */
	phase("references and single flows", (const char *const[]){
		"tx", "base", "parse", "est4", "reply4", "est6", "udp4",
		"pass_host", "pass_port", "pass_proto", "fib", "ktime", NULL });
	phase("new flows, tables emptied every batch", (const char *const[]){
		"tx", "base_flows", "parse_flows", "new2", "new100", "new1000",
		"lru_empty", NULL });

	/* tracked flows: one table, filled step by step, then overfilled */
	err = drain_flows();
	if (err)
		die("emptying the flow tables: %s", strerror(-err));
	for (i = 0; i < 4; i++) {
		char title[64];

		/*
		 * An LRU table evicts a little before it is full: its free
		 * nodes sit partly in per-CPU lists (128 each). Keep clear.
		 */
		if (O.flows[i] > E.ct_max - E.ct_max / 64) {
			printf("  %u tracked flows: skipped, tables of %u entries\n",
			       O.flows[i], E.ct_max);
			continue;
		}
		sc = cycle_scen(i, O.flows[i]);
		populate(sc, populated, O.flows[i]);
		populated = O.flows[i];
		snprintf(title, sizeof(title), "%u tracked flows", O.flows[i]);
		phase(title, (const char *const[]){ "tx", "base_flows",
						    "parse_flows", cycle_ids[i],
						    NULL });
	}
	/* every insert evicts: fill the tables and go on for a while */
	sc = scen_find("newfull");
	populate(sc, populated, E.ct_max + E.ct_max / 8);
	sc->ctr = E.ct_max + E.ct_max / 8;
	sc = scen_find("lru_full");
	populate(sc, 0, E.ct_max + E.ct_max / 8);
	sc->ctr = E.ct_max + E.ct_max / 8;
	phase("new flows, tables full", (const char *const[]){
		"tx", "base_flows", "parse_flows", "newfull", "lru_full", NULL });

	if (O.smoke) {
		for (i = 0; i < nscens; i++)
			if (S[i].nruns)
				printf("  ok  %s\n", S[i].name);
	} else {
		mem_ns = mem_latency_ns();
		report(now_s() - t0, mem_ns);
	}
	write_plot_data();
	objects_destroy();
	printf("bench_pkt: %s in %.0f s\n", O.smoke ? "smoke: all scenarios verified" :
	       "done", now_s() - t0);
	return 0;
}
