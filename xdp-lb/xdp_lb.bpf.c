/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp-lb data plane: full-NAT layer-4 load balancing in XDP.
 *
 * client -> VIP           becomes  SNAT:port -> backend   (forward path)
 * backend -> SNAT:port    becomes  VIP -> client          (reply path)
 *
 * A packet that is neither for a configured VIP nor a reply of a flow we
 * translated leaves with XDP_PASS, untouched, so xdp-lb can share an
 * interface with other programs under libxdp's dispatcher.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "xdp_lb/lb_common.h"
#include "xdp_lb/csum.h"
#include "xdp_lb/hash.h"
#include "xdp_lb/parse.h"

#define NSEC_PER_SEC 1000000000ULL
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif

/* Priority between xdp-filter (10) and libxdp's default (50); chain on PASS. */
struct {
	__uint(priority, LB_PRIORITY_DEFAULT);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdp_lb);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_config);
} LB_MAP_CONFIG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_VIPS_DEFAULT);
	__type(key, struct lb_vip_key);
	__type(value, struct lb_vip);
} LB_MAP_VIPS SEC(".maps");

/*
 * One Maglev table per VIP, swapped whole by user space: the inner map's
 * size varies per VIP (BPF_F_INNER_MAP), the template here is a placeholder.
 */
struct lb_ring {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, LB_MAX_VIPS_DEFAULT);
	__type(key, __u32);
	__array(values, struct lb_ring);
} LB_MAP_RINGS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS_DEFAULT);
	__type(key, __u32);
	__type(value, struct lb_backend);
} LB_MAP_BACKENDS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_VIPS_DEFAULT);
	__type(key, struct lb_snat_key);
	__type(value, __u32);
} LB_MAP_SNAT_ADDRS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_FLOWS_DEFAULT);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_ct_fwd);
} LB_MAP_CT_FWD SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_FLOWS_DEFAULT);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_ct_rev);
} LB_MAP_CT_REV SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_FRAGS_DEFAULT);
	__type(key, struct lb_frag_key);
	__type(value, struct lb_frag_val);
} LB_MAP_FRAGS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} LB_MAP_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_VIPS_DEFAULT);
	__type(key, __u32);
	__type(value, struct lb_traffic);
} LB_MAP_VIP_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS_DEFAULT);
	__type(key, __u32);
	__type(value, struct lb_traffic);
} LB_MAP_BE_STATS SEC(".maps");

/* Scratch space for building new entries: the BPF stack is only 512 bytes. */
struct lb_scratch {
	struct lb_ct_fwd ct;
	struct lb_ct_rev rv;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_scratch);
} lb_scratch SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&LB_MAP_STATS, &idx);

	if (v)
		*v += 1;
}

static __always_inline void traffic_add(void *map, __u32 idx, __u64 bytes,
					int reply)
{
	struct lb_traffic *t = bpf_map_lookup_elem(map, &idx);

	if (!t)
		return;
	if (reply) {
		t->reply_packets++;
		t->reply_bytes += bytes;
	} else {
		t->packets++;
		t->bytes += bytes;
	}
}

static __always_inline void new_flow_add(void *map, __u32 idx)
{
	struct lb_traffic *t = bpf_map_lookup_elem(map, &idx);

	if (t)
		t->new_flows++;
}

static __always_inline __u64 ct_timeout_ns(__u8 proto, __u16 state)
{
	return (__u64)lb_ct_timeout_s(proto, state) * NSEC_PER_SEC;
}

static __always_inline __u16 tcp_state_bits(__u8 tcp_flags, int from_client)
{
	__u16 st = 0;

	if (tcp_flags & LB_TCP_RST)
		st |= LB_CT_F_RST;
	if (tcp_flags & LB_TCP_FIN)
		st |= from_client ? LB_CT_F_FIN_CLIENT : LB_CT_F_FIN_BACKEND;
	return st;
}

static __always_inline int addr_eq(const union lb_addr *a, const union lb_addr *b)
{
	return a->v6[0] == b->v6[0] && a->v6[1] == b->v6[1] &&
	       a->v6[2] == b->v6[2] && a->v6[3] == b->v6[3];
}

/* Key of the reply direction of a forward entry. */
static __always_inline void rev_key_of(struct lb_flow_key *rk,
				       const struct lb_ct_fwd *ct,
				       const struct lb_flow_key *fk)
{
	__builtin_memset(rk, 0, sizeof(*rk));
	rk->src = ct->backend;
	rk->dst = ct->snat;
	rk->sport = ct->backend_port;
	rk->dport = ct->snat_port;
	rk->proto = fk->proto;
	rk->family = fk->family;
}

/* Does this reply entry belong to the client flow fk? */
static __always_inline int rev_matches(const struct lb_ct_rev *rev,
				       const struct lb_flow_key *fk)
{
	return rev->client_port == fk->sport && rev->vip_port == fk->dport &&
	       addr_eq(&rev->client, &fk->src) && addr_eq(&rev->vip, &fk->dst);
}

/* The client side of a flow: send replies back the way the client came. */
static __always_inline void l2_from_rx(struct xdp_md *ctx, struct lb_l2 *l2)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	/* lb_parse() checked the Ethernet header; the verifier wants it again */
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return;
	l2->ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(l2->smac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(l2->dmac, eth->h_source, ETH_ALEN);
}

enum { NH_OK = 0, NH_NO_NEIGH = 1, NH_FAIL = -1 };

/* Next hop towards dst: the kernel FIB and neighbour table decide. */
static __noinline int fib_next_hop(struct xdp_md *ctx, __u8 family,
					const union lb_addr *src,
					const union lb_addr *dst,
					struct lb_l2 *l2)
{
	struct bpf_fib_lookup f = {};
	int rc;

	f.ifindex = ctx->ingress_ifindex;
	f.family = family;	/* LB_AF_* are AF_INET and AF_INET6 */
	if (family == LB_AF_INET) {
		f.ipv4_src = src->v4;
		f.ipv4_dst = dst->v4;
	} else {
		__builtin_memcpy(f.ipv6_src, src->bytes, 16);
		__builtin_memcpy(f.ipv6_dst, dst->bytes, 16);
	}
	stat_inc(LB_STAT_FIB_LOOKUP);
	rc = bpf_fib_lookup(ctx, &f, sizeof(f), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		l2->ifindex = f.ifindex;
		__builtin_memcpy(l2->smac, f.smac, ETH_ALEN);
		__builtin_memcpy(l2->dmac, f.dmac, ETH_ALEN);
		return NH_OK;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return NH_NO_NEIGH;
	return NH_FAIL;
}

/* Next hop towards a backend: its static MAC if configured, else the FIB. */
static __always_inline int backend_next_hop(struct xdp_md *ctx,
					    const struct lb_backend *be,
					    const union lb_addr *snat,
					    struct lb_l2 *l2)
{
	if (be->flags & LB_BACKEND_F_STATIC_MAC) {
		l2_from_rx(ctx, l2);
		__builtin_memcpy(l2->dmac, be->mac, ETH_ALEN);
		return NH_OK;
	}
	return fib_next_hop(ctx, be->family, snat, &be->addr, l2);
}

/* ct's next hop towards backend be; a failure is counted, success cached. */
static __always_inline int ct_next_hop(struct xdp_md *ctx,
				       const struct lb_backend *be,
				       struct lb_ct_fwd *ct)
{
	int nh = backend_next_hop(ctx, be, &ct->snat, &ct->to_backend);

	if (nh == NH_FAIL)
		stat_inc(LB_STAT_DROP_FIB);
	else if (nh == NH_OK)
		ct->flags |= LB_CT_L2_VALID;
	return nh;
}

/*
 * Rewrite addresses and ports of the packet and update the IPv4 header and
 * TCP/UDP checksums incrementally (pseudo-header included). A later
 * fragment has no L4 header: only its IP header changes.
 */
static __always_inline int rewrite_l3l4(struct xdp_md *ctx, struct lb_pkt *p,
					const union lb_addr *src,
					const union lb_addr *dst,
					__u16 sport, __u16 dport)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u64 delta = 0;
	__u32 off;
	int i;

	off = p->l3_off;
	if (off > 64)
		return -1;
	if (p->key.family == LB_AF_INET) {
		struct iphdr *iph = data + off;

		if ((void *)(iph + 1) > data_end)
			return -1;
		lb_set32(&iph->saddr, src->v4, &delta);
		lb_set32(&iph->daddr, dst->v4, &delta);
		iph->check = lb_csum_update(iph->check, delta);
	} else {
		struct ipv6hdr *ip6h = data + off;

		if ((void *)(ip6h + 1) > data_end)
			return -1;
#pragma unroll
		for (i = 0; i < 4; i++) {
			lb_set32(&ip6h->saddr.in6_u.u6_addr32[i], src->v6[i], &delta);
			lb_set32(&ip6h->daddr.in6_u.u6_addr32[i], dst->v6[i], &delta);
		}
	}
	if (!p->has_l4)
		return 0;

	off = p->l4_off;
	if (off > 1024)
		return -1;
	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = data + off;

		if ((void *)(th + 1) > data_end)
			return -1;
		lb_set16(&th->source, sport, &delta);
		lb_set16(&th->dest, dport, &delta);
		th->check = lb_csum_update(th->check, delta);
	} else {
		struct udphdr *uh = data + off;

		if ((void *)(uh + 1) > data_end)
			return -1;
		lb_set16(&uh->source, sport, &delta);
		lb_set16(&uh->dest, dport, &delta);
		uh->check = lb_udp_csum_update(uh->check, delta,
					       p->key.family == LB_AF_INET);
	}
	return 0;
}

static __always_inline int set_macs(struct xdp_md *ctx, const struct lb_l2 *l2)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return -1;
	__builtin_memcpy(eth->h_dest, l2->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, l2->smac, ETH_ALEN);
	return 0;
}

static __always_inline int transmit(struct xdp_md *ctx, const struct lb_l2 *l2)
{
	if (set_macs(ctx, l2))
		return XDP_DROP;
	if (l2->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(l2->ifindex, 0);
}

/* A fragment's datagram: addresses, IP id and protocol. */
static __always_inline void frag_key_of(struct lb_frag_key *fk,
					const struct lb_pkt *p)
{
	fk->src = p->key.src;
	fk->dst = p->key.dst;
	fk->id = p->frag_id;
	fk->proto = p->key.proto;
	fk->family = p->key.family;
}

/* Remember the ports of a fragmented datagram for its later fragments. */
static __always_inline void frag_remember(const struct lb_pkt *p)
{
	struct lb_frag_key fk = {};
	struct lb_frag_val fv = {};

	if (!p->is_frag || !p->has_l4 || !p->more_frags)
		return;
	frag_key_of(&fk, p);
	fv.sport = p->key.sport;
	fv.dport = p->key.dport;
	bpf_map_update_elem(&LB_MAP_FRAGS, &fk, &fv, BPF_ANY);
	stat_inc(LB_STAT_FRAG_TRACKED);
}

/* Later fragments take the ports their first fragment carried. */
static __always_inline int frag_recall(struct lb_pkt *p)
{
	struct lb_frag_key fk = {};
	struct lb_frag_val *fv;

	frag_key_of(&fk, p);
	fv = bpf_map_lookup_elem(&LB_MAP_FRAGS, &fk);
	if (!fv)
		return -1;
	p->key.sport = fv->sport;
	p->key.dport = fv->dport;
	return 0;
}

/*
 * Pick a free SNAT port for a new flow and insert its reply entry. Ports
 * are probed from a hash-derived start; a reply entry that is still live is
 * never overwritten, so a reply can never reach the wrong client.
 */
/* One candidate SNAT port (see snat_alloc): 0 = taken for this flow. */
static __always_inline int snat_try_port(const struct lb_config *cfg,
					 struct lb_flow_key *rk,
					 const struct lb_ct_rev *rv,
					 struct lb_vip_key *vk, __u32 off,
					 __u64 now)
{
	__u32 port = cfg->port_min + off;
	struct lb_ct_rev *old;

	rk->dport = bpf_htons((__u16)port);
	/* a reply to this port would look like a client of that VIP */
	vk->port = rk->dport;
	if (bpf_map_lookup_elem(&LB_MAP_VIPS, vk))
		return 1;
	old = bpf_map_lookup_elem(&LB_MAP_CT_REV, rk);
	if (old) {
		if (now - old->last_seen <= ct_timeout_ns(rk->proto, old->state))
			return 1;
		/* stale: reclaim it */
		if (bpf_map_update_elem(&LB_MAP_CT_REV, rk, rv, BPF_ANY))
			return 1;
		return 0;
	}
	return bpf_map_update_elem(&LB_MAP_CT_REV, rk, rv, BPF_NOEXIST) ? 1 : 0;
}

static __noinline int snat_alloc(const struct lb_config *cfg,
				      struct lb_flow_key *rk,
				      const struct lb_ct_rev *rv, __u32 hash,
				      __u64 now)
{
	struct lb_vip_key vk = {};
	__u32 range, start;

	if (cfg->port_max < cfg->port_min)
		return -1;
	vk.addr = rk->dst;
	vk.proto = rk->proto;
	vk.family = rk->family;
	range = (__u32)cfg->port_max - cfg->port_min + 1;
	start = (hash ^ (hash >> 16)) * 2654435761U;
	start %= range;

	/* Linux 6.1's check_cfg() rejects the loop clang makes of a for ():
	 * its latch block falls through into the header ("back-edge from
	 * insn X to X+1"). Unrolled by hand instead. */
#define SNAT_TRY(n) do {						\
		if ((n) < range &&					\
		    snat_try_port(cfg, rk, rv, &vk, (start + (n)) % range, now) == 0) \
			return 0;					\
	} while (0)
#define SNAT_TRY4(n) SNAT_TRY(n); SNAT_TRY(n + 1); SNAT_TRY(n + 2); SNAT_TRY(n + 3)
	SNAT_TRY4(0); SNAT_TRY4(4); SNAT_TRY4(8); SNAT_TRY4(12);
	SNAT_TRY4(16); SNAT_TRY4(20); SNAT_TRY4(24); SNAT_TRY4(28);
	_Static_assert(LB_SNAT_PORT_TRIES == 32, "SNAT_TRY4 count");
	return -1;
}

/* The reply entry of flow p->key, translated as ct says (state left 0). */
static __always_inline void rev_init(struct xdp_md *ctx, struct lb_ct_rev *rv,
				     const struct lb_pkt *p,
				     const struct lb_ct_fwd *ct, __u64 now)
{
	__builtin_memset(rv, 0, sizeof(*rv));
	rv->client = p->key.src;
	rv->vip = p->key.dst;
	rv->client_port = p->key.sport;
	rv->vip_port = p->key.dport;
	rv->backend_id = ct->backend_id;
	rv->vip_id = ct->vip_id;
	rv->last_seen = now;
	l2_from_rx(ctx, &rv->to_client);
}

/* Set up a new flow (or re-balance one); returns an XDP action or -1 = go on. */
static __noinline int flow_create(struct xdp_md *ctx, struct lb_pkt *p,
				       const struct lb_vip *vip,
				       int *nh, __u64 now)
{
	const struct lb_config *cfg;
	struct lb_scratch *scratch;
	struct lb_backend *be;
	struct lb_ct_fwd *ct;
	struct lb_ct_rev *rv;
	struct lb_flow_key rk;
	__u32 zero = 0, slot, hash;
	__u32 *bid;
	void *ring;

	cfg = bpf_map_lookup_elem(&LB_MAP_CONFIG, &zero);
	scratch = bpf_map_lookup_elem(&lb_scratch, &zero);
	if (!cfg || !scratch)
		return XDP_ABORTED;
	ct = &scratch->ct;
	rv = &scratch->rv;
	ring = bpf_map_lookup_elem(&LB_MAP_RINGS, &vip->id);
	if (!ring) {
		stat_inc(LB_STAT_DROP_RING_MISSING);
		return XDP_DROP;
	}
	hash = lb_flow_hash(&p->key, cfg->hash_key);
	if (!vip->ring_size)
		return XDP_ABORTED;
	slot = hash % vip->ring_size;
	bid = bpf_map_lookup_elem(ring, &slot);
	if (!bid || *bid == LB_BACKEND_NONE) {
		stat_inc(LB_STAT_DROP_NO_BACKEND);
		return XDP_DROP;
	}
	slot = *bid;
	be = bpf_map_lookup_elem(&LB_MAP_BACKENDS, &slot);
	if (!be || !be->gen || be->vip_id != vip->id) {
		stat_inc(LB_STAT_DROP_NO_BACKEND);
		return XDP_DROP;
	}

	__builtin_memset(ct, 0, sizeof(*ct));
	ct->backend = be->addr;
	ct->snat = vip->snat;
	ct->backend_port = be->port ? be->port : p->key.dport;
	ct->backend_id = slot;
	ct->backend_gen = be->gen;
	ct->vip_id = vip->id;
	ct->last_seen = now;

	*nh = ct_next_hop(ctx, be, ct);
	if (*nh == NH_FAIL)
		return XDP_DROP;

	rev_init(ctx, rv, p, ct, now);

	rev_key_of(&rk, ct, &p->key);
	if (snat_alloc(cfg, &rk, rv, hash, now)) {
		stat_inc(LB_STAT_DROP_PORTS_EXHAUSTED);
		return XDP_DROP;
	}
	ct->snat_port = rk.dport;
	if (bpf_map_update_elem(&LB_MAP_CT_FWD, &p->key, ct, BPF_ANY)) {
		bpf_map_delete_elem(&LB_MAP_CT_REV, &rk);
		return XDP_ABORTED;
	}
	stat_inc(LB_STAT_FLOW_NEW);
	new_flow_add(&LB_MAP_VIP_STATS, vip->id);
	new_flow_add(&LB_MAP_BE_STATS, slot);
	return -1;
}

/* Drop the reply entry of a flow that is being re-balanced, if still ours. */
static __always_inline void flow_forget_rev(const struct lb_ct_fwd *ct,
					    const struct lb_flow_key *fk)
{
	struct lb_flow_key rk;
	struct lb_ct_rev *rev;

	rev_key_of(&rk, ct, fk);
	rev = bpf_map_lookup_elem(&LB_MAP_CT_REV, &rk);
	if (rev && rev_matches(rev, fk))
		bpf_map_delete_elem(&LB_MAP_CT_REV, &rk);
}

/*
 * Once per LB_REFRESH_NS (and on FIN/RST): refresh both directions' idle
 * timers, merge their TCP state, and restore the reply entry if the LRU
 * evicted it. Returns -1 if our SNAT port now belongs to another flow.
 */
static __always_inline int flow_refresh(struct xdp_md *ctx, struct lb_pkt *p,
					struct lb_ct_fwd *ct, __u64 now)
{
	struct lb_flow_key rk;
	struct lb_ct_rev *rev;

	ct->last_seen = now;
	rev_key_of(&rk, ct, &p->key);
	rev = bpf_map_lookup_elem(&LB_MAP_CT_REV, &rk);
	if (rev) {
		if (!rev_matches(rev, &p->key))
			return -1;
		rev->last_seen = now;
		rev->state |= ct->state;
		ct->state |= rev->state;
		return 0;
	} else {
		struct lb_scratch *scratch;
		struct lb_ct_rev *rv;
		__u32 zero = 0;

		scratch = bpf_map_lookup_elem(&lb_scratch, &zero);
		if (!scratch)
			return 0;
		rv = &scratch->rv;
		rev_init(ctx, rv, p, ct, now);
		rv->state = ct->state;
		if (bpf_map_update_elem(&LB_MAP_CT_REV, &rk, rv, BPF_NOEXIST) == 0)
			stat_inc(LB_STAT_REV_RESTORED);
	}
	return 0;
}

static __noinline int handle_forward(struct xdp_md *ctx, struct lb_pkt *p,
					  const struct lb_vip *vip)
{
	__u64 bytes = ctx->data_end - ctx->data;
	__u64 now = bpf_ktime_get_coarse_ns();
	struct lb_backend *be = NULL;
	struct lb_ct_fwd *ct;
	int nh = NH_OK;
	int act;

	ct = bpf_map_lookup_elem(&LB_MAP_CT_FWD, &p->key);
	if (ct) {
		__u32 bid = ct->backend_id;
		int stale = 0;

		be = bpf_map_lookup_elem(&LB_MAP_BACKENDS, &bid);
		if (!be || be->gen != ct->backend_gen || ct->vip_id != vip->id) {
			stat_inc(LB_STAT_FLOW_REBALANCED);
			stale = 1;
		} else if (now - ct->last_seen > ct_timeout_ns(p->key.proto, ct->state) ||
			   ((p->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) == LB_TCP_SYN &&
			    lb_ct_closed(p->key.proto, ct->state))) {
			/* idle too long, or a new connection on a closed tuple */
			stat_inc(LB_STAT_FLOW_EXPIRED);
			stale = 1;
		} else if ((now - ct->last_seen > LB_REFRESH_NS ||
			    (p->tcp_flags & (LB_TCP_FIN | LB_TCP_RST)))) {
			ct->state |= tcp_state_bits(p->tcp_flags, 1);
			if (flow_refresh(ctx, p, ct, now)) {
				stat_inc(LB_STAT_FLOW_REBALANCED);
				stale = 1;
			}
		}
		if (stale) {
			flow_forget_rev(ct, &p->key);
			ct = NULL;
		}
	} else if (p->key.proto == IPPROTO_TCP &&
		   (p->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) != LB_TCP_SYN) {
		/* mid-connection packet we have no state for */
		stat_inc(LB_STAT_FLOW_MISS_NON_SYN);
	}

	if (!ct) {
		act = flow_create(ctx, p, vip, &nh, now);
		if (act >= 0)
			return act;
		ct = bpf_map_lookup_elem(&LB_MAP_CT_FWD, &p->key);
		if (!ct)
			return XDP_ABORTED;
		ct->state |= tcp_state_bits(p->tcp_flags, 1);
	} else if (!(ct->flags & LB_CT_L2_VALID)) {
		/* a live flow: its backend was looked up and checked above */
		if (!be)
			return XDP_ABORTED;
		nh = ct_next_hop(ctx, be, ct);
		if (nh == NH_FAIL)
			return XDP_DROP;
	}

	frag_remember(p);
	if (rewrite_l3l4(ctx, p, &ct->snat, &ct->backend, ct->snat_port,
			 ct->backend_port))
		return XDP_ABORTED;
	traffic_add(&LB_MAP_VIP_STATS, ct->vip_id, bytes, 0);
	traffic_add(&LB_MAP_BE_STATS, ct->backend_id, bytes, 0);

	if (nh == NH_NO_NEIGH) {
		/* let the kernel resolve the neighbour; counted */
		stat_inc(LB_STAT_PASS_NO_NEIGH);
		return XDP_PASS;
	}
	return transmit(ctx, &ct->to_backend);
}

static __noinline int handle_reply(struct xdp_md *ctx, struct lb_pkt *p,
					struct lb_ct_rev *rev)
{
	__u64 bytes = ctx->data_end - ctx->data;
	__u64 now = bpf_ktime_get_coarse_ns();
	__u16 st = tcp_state_bits(p->tcp_flags, 0) | LB_CT_F_REPLIED;

	if ((st & ~rev->state) || now - rev->last_seen > LB_REFRESH_NS) {
		struct lb_flow_key fk = {};
		struct lb_ct_fwd *ct;

		rev->state |= st;
		rev->last_seen = now;
		fk.src = rev->client;
		fk.dst = rev->vip;
		fk.sport = rev->client_port;
		fk.dport = rev->vip_port;
		fk.proto = p->key.proto;
		fk.family = p->key.family;
		ct = bpf_map_lookup_elem(&LB_MAP_CT_FWD, &fk);
		if (ct && ct->backend_id == rev->backend_id) {
			ct->state |= rev->state;
			ct->last_seen = now;
		}
	}
	frag_remember(p);
	if (rewrite_l3l4(ctx, p, &rev->vip, &rev->client, rev->vip_port,
			 rev->client_port))
		return XDP_ABORTED;
	traffic_add(&LB_MAP_VIP_STATS, rev->vip_id, bytes, 1);
	traffic_add(&LB_MAP_BE_STATS, rev->backend_id, bytes, 1);
	return transmit(ctx, &rev->to_client);
}

/* Is the packet addressed to a SNAT address (and so maybe a reply)? */
static __always_inline struct lb_ct_rev *reply_lookup(struct lb_pkt *p)
{
	struct lb_snat_key sk = {};

	sk.addr = p->key.dst;
	sk.family = p->key.family;
	if (!bpf_map_lookup_elem(&LB_MAP_SNAT_ADDRS, &sk))
		return NULL;
	return bpf_map_lookup_elem(&LB_MAP_CT_REV, &p->key);
}

/* port: the packet's destination port, or 0 for an all-ports VIP */
static __always_inline struct lb_vip *vip_lookup(struct lb_pkt *p, __u16 port)
{
	struct lb_vip_key vk = {};

	vk.addr = p->key.dst;
	vk.port = port;
	vk.proto = p->key.proto;
	vk.family = p->key.family;
	return bpf_map_lookup_elem(&LB_MAP_VIPS, &vk);
}

#include "icmp.bpf.h"

static __always_inline int process(struct xdp_md *ctx)
{
	const struct lb_config *cfg;
	struct lb_ct_rev *rev;
	struct lb_vip *vip;
	struct lb_pkt p;
	__u32 zero = 0;
	int rc;

	__builtin_memset(&p, 0, sizeof(p));
	rc = lb_parse(ctx, &p);
	if (rc == LB_PARSE_NOT_IP) {
		stat_inc(LB_STAT_PASS_NOT_IP);
		return XDP_PASS;
	}
	if (rc == LB_PARSE_MALFORMED) {
		stat_inc(LB_STAT_PASS_MALFORMED);
		return XDP_PASS;
	}
	if (rc == LB_PARSE_OTHER_L4) {
		stat_inc(LB_STAT_PASS_NOT_VIP);
		return XDP_PASS;
	}
	if (p.key.proto == IPPROTO_ICMP || p.key.proto == IPPROTO_ICMPV6)
		return handle_icmp(ctx, &p);

	if (p.is_frag && !p.has_l4 && frag_recall(&p)) {
		stat_inc(LB_STAT_PASS_FRAG_UNKNOWN);
		return XDP_PASS;
	}

	/*
	 * Exact VIP ports are never allocated as SNAT ports, so an exact hit
	 * is a client; replies are matched before all-ports VIPs, which may
	 * share their address with a SNAT address.
	 */
	vip = vip_lookup(&p, p.key.dport);
	if (vip)
		return handle_forward(ctx, &p, vip);
	rev = reply_lookup(&p);
	if (rev)
		return handle_reply(ctx, &p, rev);
	cfg = bpf_map_lookup_elem(&LB_MAP_CONFIG, &zero);
	if (cfg && (cfg->flags & LB_CFG_F_ALL_PORTS_VIPS)) {
		vip = vip_lookup(&p, 0);
		if (vip)
			return handle_forward(ctx, &p, vip);
	}
	stat_inc(LB_STAT_PASS_NOT_VIP);
	return XDP_PASS;
}

SEC("xdp")
int xdp_lb(struct xdp_md *ctx)
{
	int act = process(ctx);

	if (act < 0 || act > XDP_REDIRECT)
		act = XDP_ABORTED;
	stat_inc(act);
	return act;
}

char _license[] SEC("license") = "GPL";
