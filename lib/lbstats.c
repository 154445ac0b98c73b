/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters and flows: the global counters with their names, the per-CPU
 * traffic of VIPs and backends summed, and the live flows counted by
 * walking the connection table. See lbmaps.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lbmaps.h"

#define LB_STAT_NAME(id, name) [LB_STAT_##id] = name,
const char *const lb_stat_names[LB_STAT_MAX] = {
	LB_STAT_LIST(LB_STAT_NAME)
};

/*
 * The value at idx of a per-CPU map whose values are nwords 64-bit
 * counters, summed over the CPUs into sum[0..nwords-1].
 */
static int percpu_sum(int fd, __u32 idx, __u64 *sum, size_t nwords)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *vals;
	size_t w;
	int c, err = 0;

	if (ncpus < 0)
		return ncpus;
	vals = calloc((size_t)ncpus * nwords, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(sum, 0, nwords * sizeof(*sum));
	if (bpf_map_lookup_elem(fd, &idx, vals))
		err = -errno;
	for (c = 0; !err && c < ncpus; c++)
		for (w = 0; w < nwords; w++)
			sum[w] += vals[c * nwords + w];
	free(vals);
	return err;
}

int lb_stats_read(const struct lb_maps *m, __u64 out[LB_STAT_SLOTS])
{
	__u32 i;
	int err = 0;

	for (i = 0; !err && i < LB_STAT_SLOTS; i++)
		err = percpu_sum(m->fd[LB_MI_STATS], i, &out[i], 1);
	return err;
}

/* lb_traffic_read() sums a struct lb_traffic as an array of counters. */
_Static_assert(sizeof(struct lb_traffic) % sizeof(__u64) == 0,
	       "struct lb_traffic is not made of 64-bit counters");

int lb_traffic_read(const struct lb_maps *m, bool backend, __u32 idx,
		    struct lb_traffic *out)
{
	int fd = m->fd[backend ? LB_MI_BE_STATS : LB_MI_VIP_STATS];

	return percpu_sum(fd, idx, (__u64 *)out, sizeof(*out) / sizeof(__u64));
}

/* Entries read per BPF_MAP_LOOKUP_BATCH call: 480 KiB of buffers. */
#define LB_FLOW_BATCH 4096

static void flow_tally(struct lb_flow_counts *fc, const struct lb_flow_key *key,
		       const struct lb_ct_fwd *ct, __u64 now)
{
	if (now > ct->last_seen &&
	    now - ct->last_seen > lb_ct_timeout_s(key->proto, ct->state) * 1000000000ULL)
		return;
	fc->total++;
	if (ct->vip_id < fc->nr_vips)
		fc->per_vip[ct->vip_id]++;
	if (ct->backend_id < fc->nr_backends)
		fc->per_backend[ct->backend_id]++;
}

static void flow_counts_zero(struct lb_flow_counts *fc)
{
	fc->total = 0;
	memset(fc->per_vip, 0, fc->nr_vips * sizeof(__u64));
	memset(fc->per_backend, 0, fc->nr_backends * sizeof(__u64));
}

/* Two syscalls per entry: seconds on a full 1M-entry table. */
static int flows_walk_keys(int fd, struct lb_flow_counts *fc, __u64 now)
{
	struct lb_flow_key key, next;
	struct lb_ct_fwd ct;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &ct))
			continue;
		flow_tally(fc, &key, &ct, now);
	}
	return 0;
}

/* LB_FLOW_BATCH entries per syscall (kernel 5.6+). */
static int flows_walk_batch(int fd, struct lb_flow_counts *fc, __u64 now)
{
	struct lb_flow_key *keys;
	struct lb_ct_fwd *vals;
	__u32 in_tok, out_tok, count, i;
	void *in = NULL;
	int err = 0;

	keys = calloc(LB_FLOW_BATCH, sizeof(*keys));
	vals = calloc(LB_FLOW_BATCH, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		count = LB_FLOW_BATCH;
		err = bpf_map_lookup_batch(fd, in, &out_tok, keys, vals, &count,
					   NULL);
		if (err && err != -ENOENT)
			goto out;
		for (i = 0; i < count && i < LB_FLOW_BATCH; i++)
			flow_tally(fc, &keys[i], &vals[i], now);
		if (err == -ENOENT) {
			/* the end of the table */
			err = 0;
			goto out;
		}
		in_tok = out_tok;
		in = &in_tok;
	}
out:
	free(keys);
	free(vals);
	return err;
}

int lb_flows_count_walk(const struct lb_maps *m, struct lb_flow_counts *fc,
			enum lb_flow_walk walk)
{
	int fd = m->fd[LB_MI_CT_FWD];
	struct timespec ts;
	__u64 now;
	int err;

	memset(fc, 0, sizeof(*fc));
	err = lb_map_max_entries(m->fd[LB_MI_VIP_STATS], &fc->nr_vips);
	if (!err)
		err = lb_map_max_entries(m->fd[LB_MI_BE_STATS], &fc->nr_backends);
	if (err)
		return err;
	fc->per_vip = calloc(fc->nr_vips, sizeof(__u64));
	fc->per_backend = calloc(fc->nr_backends, sizeof(__u64));
	if (!fc->per_vip || !fc->per_backend) {
		lb_flow_counts_free(fc);
		return -ENOMEM;
	}
	/* bpf_ktime_get_coarse_ns() is CLOCK_MONOTONIC_COARSE */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;

	if (walk == LB_FLOW_WALK_KEYS)
		return flows_walk_keys(fd, fc, now);
	err = flows_walk_batch(fd, fc, now);
	if (err && walk == LB_FLOW_WALK_AUTO) {
		/* a kernel without batch lookups for this map, or a bucket
		 * larger than the buffers: count again, one key at a time */
		flow_counts_zero(fc);
		err = flows_walk_keys(fd, fc, now);
	}
	if (err)
		lb_flow_counts_free(fc);
	return err;
}

int lb_flows_count(const struct lb_maps *m, struct lb_flow_counts *fc)
{
	return lb_flows_count_walk(m, fc, LB_FLOW_WALK_AUTO);
}

void lb_flow_counts_free(struct lb_flow_counts *fc)
{
	free(fc->per_vip);
	free(fc->per_backend);
	fc->per_vip = NULL;
	fc->per_backend = NULL;
}
