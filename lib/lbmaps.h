/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration of the data plane, expressed as operations on its maps:
 * VIPs, backends, Maglev tables, counters. Used by the xdp-lb command on
 * pinned maps and by the BPF tests on a freshly loaded object.
 *
 * Callers serialise writers (the command holds the pin directory lock).
 * Every operation validates its input before writing anything, and a VIP's
 * Maglev table is replaced whole, so a reader (the XDP program) sees either
 * the old or the new backend set of a VIP.
 */
#ifndef __LBMAPS_H
#define __LBMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdp_lb/lb_common.h>

struct bpf_object;

/* Indexes of the maps in struct lb_maps, from LB_MAP_LIST (maps.h). */
#define LB_MI_ENUM(id, cap) LB_MI_##id,
enum lb_map_index {
	LB_MAP_LIST(LB_MI_ENUM)
	LB_MI_COUNT,
};

/* Names of the pinned maps, indexed by enum lb_map_index. */
extern const char *const lb_map_names[LB_MI_COUNT];
/* What each map's capacity follows at load, indexed by enum lb_map_index. */
extern const enum lb_capacity lb_map_capacity[LB_MI_COUNT];
/* Names of the global counters, indexed by enum lb_stat (counters.h). */
extern const char *const lb_stat_names[LB_STAT_MAX];

struct lb_maps {
	int fd[LB_MI_COUNT];
	bool owned;             /* fds were opened by us and must be closed */
};

void lb_maps_init(struct lb_maps *m);
/* Borrow the map fds of a loaded object (not closed by lb_maps_close). */
int lb_maps_from_object(struct bpf_object *obj, struct lb_maps *m);
/*
 * Open the maps pinned in dir; -ENOENT if any is missing, -EPROTO if the
 * configuration map holds another version's struct lb_config.
 */
int lb_maps_open_pinned(const char *dir, struct lb_maps *m);
void lb_maps_close(struct lb_maps *m);

/* The kernel's max_entries of a map. */
int lb_map_max_entries(int fd, __u32 *max);

void lb_config_default(struct lb_config *cfg);
int lb_config_get(const struct lb_maps *m, struct lb_config *cfg);
int lb_config_set(const struct lb_maps *m, const struct lb_config *cfg);

struct lb_vip_entry {
	struct lb_vip_key key;
	struct lb_vip vip;
};

struct lb_backend_entry {
	__u32 id;
	struct lb_backend be;
};

/* What a backend command asks for (weight, port and MAC may be updated). */
struct lb_backend_spec {
	union lb_addr addr;
	__u8 family;
	__u16 port;             /* network byte order; 0 = the client's port */
	__u32 weight;
	bool has_mac;
	__u8 mac[6];
};

int lb_vip_get(const struct lb_maps *m, const struct lb_vip_key *key,
	       struct lb_vip *vip);
/*
 * Adds a VIP, or changes the SNAT address of an existing one (ring_size 0
 * keeps the current size, or LB_RING_SIZE_DEFAULT for a new VIP).
 * -EINVAL bad key/ring size/family mismatch, -ENOSPC no free VIP slot.
 */
int lb_vip_set(const struct lb_maps *m, const struct lb_vip_key *key,
	       const union lb_addr *snat, __u32 ring_size);
/* Removes a VIP with its backends and table; -ENOENT if unknown. */
int lb_vip_remove(const struct lb_maps *m, const struct lb_vip_key *key);
/* Lists all VIPs (sorted by key); *out is malloc'ed. */
int lb_vip_list(const struct lb_maps *m, struct lb_vip_entry **out, size_t *n);

/* Lists the backends of a VIP id (sorted by address); *out is malloc'ed. */
int lb_backend_list(const struct lb_maps *m, __u32 vip_id,
		    struct lb_backend_entry **out, size_t *n);
/*
 * Adds a backend to a VIP (must_be_new: -EEXIST if it is there already) or
 * updates its weight/port/MAC, then rebuilds and swaps the VIP's table.
 * -ENOENT unknown VIP, -ENOSPC no free backend slot, -ERANGE bad weight.
 */
int lb_backend_set(const struct lb_maps *m, const struct lb_vip_key *vk,
		   const struct lb_backend_spec *spec, bool must_be_new);
/* Removes a backend (its flows are re-balanced); -ENOENT if unknown. */
int lb_backend_remove(const struct lb_maps *m, const struct lb_vip_key *vk,
		      __u8 family, const union lb_addr *addr);
/*
 * Finishes an update a killed command left half done (a VIP whose table
 * lags its backends); call with the lock held before any change.
 */
int lb_recover(const struct lb_maps *m);
/* Rebuilds a VIP's Maglev table from its backends and swaps it in. */
int lb_ring_rebuild(const struct lb_maps *m, const struct lb_vip *vip);

/* Per-CPU sums. */
int lb_stats_read(const struct lb_maps *m, __u64 out[LB_STAT_SLOTS]);
int lb_traffic_read(const struct lb_maps *m, bool backend, __u32 idx,
		    struct lb_traffic *out);

/* Live flows per VIP id and backend id (arrays sized by the maps). */
struct lb_flow_counts {
	__u64 total;
	__u32 nr_vips, nr_backends;
	__u64 *per_vip;
	__u64 *per_backend;
};
int lb_flows_count(const struct lb_maps *m, struct lb_flow_counts *fc);
/* How lb_flows_count reads the connection table: AUTO is BATCH (many
 * entries per syscall), falling back to KEYS (one key at a time). */
enum lb_flow_walk {
	LB_FLOW_WALK_AUTO,
	LB_FLOW_WALK_BATCH,
	LB_FLOW_WALK_KEYS,
};
int lb_flows_count_walk(const struct lb_maps *m, struct lb_flow_counts *fc,
			enum lb_flow_walk walk);
void lb_flow_counts_free(struct lb_flow_counts *fc);

#endif /* __LBMAPS_H */
