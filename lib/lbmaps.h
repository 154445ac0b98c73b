/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The balancer's map-level library: the data plane's configuration and
 * counters as operations on its maps. Used by the xdp-lb command on pinned
 * maps and by the BPF tests on a freshly loaded object. Its parts:
 *
 *   lbmaps.c     map handles, the configuration map, generations
 *   lbservice.c  VIPs, their backends and Maglev tables
 *   lbrecover.c  what a killed command or a deleted namespace left behind
 *   lbstats.c    counters and the connection-table walk
 *
 * Callers serialise writers (the command holds the pin directory lock).
 * Every operation validates its input before writing anything, and a VIP's
 * Maglev table is replaced whole, so a reader (the XDP program) sees either
 * the old or the new backend set of a VIP. Whatever can fail returns 0 or
 * a negative errno.
 */
#ifndef __LBMAPS_H
#define __LBMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdp_lb/lb_common.h>

struct bpf_object;

/* ---- map handles and configuration (lbmaps.c) ---- */

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

struct lb_maps {
	int fd[LB_MI_COUNT];
	bool owned;             /* fds were opened by us and must be closed */
	/*
	 * Backends get a managed neighbour entry (neigh.h) when they are set
	 * or recovered: the command's live state. The BPF tests bring their
	 * own neighbours.
	 */
	bool manage_neigh;
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
/* Whether dir holds pinned maps (its configuration map). */
bool lb_maps_pinned(const char *dir);

/* The kernel's max_entries of a map; of the one pinned in dir. */
int lb_map_max_entries(int fd, __u32 *max);
int lb_map_pinned_max_entries(const char *dir, enum lb_map_index idx,
			      __u32 *max);

void lb_config_default(struct lb_config *cfg);
int lb_config_get(const struct lb_maps *m, struct lb_config *cfg);
int lb_config_set(const struct lb_maps *m, const struct lb_config *cfg);
/* A fresh generation for a VIP or backend (never 0, "free slot"). */
int lb_config_next_gen(const struct lb_maps *m, __u32 *gen);
/*
 * Marks (vip_id + 1) or clears (0) the VIP whose table is being replaced,
 * for lb_recover() to finish if the command dies meanwhile.
 */
int lb_config_mark_dirty(const struct lb_maps *m, __u32 value);

/* ---- VIPs, backends and their tables (lbservice.c) ---- */

struct lb_vip_entry {
	struct lb_vip_key key;
	struct lb_vip vip;
};

struct lb_backend_entry {
	__u32 id;
	struct lb_backend be;
};

/* What a backend command asks for. */
struct lb_backend_spec {
	union lb_addr addr;
	__u8 family;
	__u16 port;             /* network byte order; 0 = the client's port */
	__u32 weight;
	bool has_mac;           /* set mac; without it a backend keeps its own */
	__u8 mac[6];
	/* an existing backend keeps its weight / port (a new one takes them) */
	bool keep_weight;
	bool keep_port;
};

int lb_vip_get(const struct lb_maps *m, const struct lb_vip_key *key,
	       struct lb_vip *vip);
/*
 * Adds a VIP, or changes the SNAT address of an existing one (ring_size 0
 * keeps the current size, or LB_RING_SIZE_DEFAULT for a new VIP).
 * -EINVAL bad key/ring size/family mismatch, -EBUSY another ring size than
 * the existing VIP's, -ENOSPC no free VIP slot.
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
/* Frees backend slot id (its flows are re-balanced); no table rebuild. */
int lb_backend_clear(const struct lb_maps *m, __u32 id);
/*
 * Asks the kernel for a managed neighbour entry for a backend without a
 * static MAC, when m->manage_neigh; 0 otherwise.
 */
int lb_backend_neigh(const struct lb_maps *m, const struct lb_backend *be);
/* Rebuilds a VIP's Maglev table from its backends and swaps it in. */
int lb_ring_rebuild(const struct lb_maps *m, const struct lb_vip *vip);

/* ---- recovery (lbrecover.c) ---- */

/*
 * Finishes an update a killed command left half done (a VIP whose table
 * lags its backends); call with the lock held before any change.
 */
int lb_recover(const struct lb_maps *m);
/*
 * The state pinned in dir is this network namespace's unless it records
 * another namespace's cookie: then that namespace is gone and this one got
 * its inode number (netns.h), and the state is removed (*dropped) so that
 * this namespace starts empty. State that records no cookie is claimed.
 * Call with the lock held, before reading the state.
 */
int lb_state_claim(const char *dir, bool *dropped);

/* ---- counters and flows (lbstats.c) ---- */

/* Names of the global counters, indexed by enum lb_stat (counters.h). */
extern const char *const lb_stat_names[LB_STAT_MAX];

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
