/* SPDX-License-Identifier: GPL-2.0 */
/* Configuration of the data plane through its maps; see lbmaps.h. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lbmaps.h"
#include "maglev.h"
#include "neigh.h"

#define __STR(x) #x
#define STR(x) __STR(x)

#define LB_MAP_NAME(id, cap) [LB_MI_##id] = STR(LB_MAP_##id),
const char *const lb_map_names[LB_MI_COUNT] = {
	LB_MAP_LIST(LB_MAP_NAME)
};

#define LB_MAP_CAPACITY(id, cap) [LB_MI_##id] = LB_CAP_##cap,
const enum lb_capacity lb_map_capacity[LB_MI_COUNT] = {
	LB_MAP_LIST(LB_MAP_CAPACITY)
};

#define LB_STAT_NAME(id, name) [LB_STAT_##id] = name,
const char *const lb_stat_names[LB_STAT_MAX] = {
	LB_STAT_LIST(LB_STAT_NAME)
};

void lb_maps_init(struct lb_maps *m)
{
	int i;

	for (i = 0; i < LB_MI_COUNT; i++)
		m->fd[i] = -1;
	m->owned = false;
}

int lb_maps_from_object(struct bpf_object *obj, struct lb_maps *m)
{
	struct bpf_map *map;
	int i;

	lb_maps_init(m);
	for (i = 0; i < LB_MI_COUNT; i++) {
		map = bpf_object__find_map_by_name(obj, lb_map_names[i]);
		if (!map || bpf_map__fd(map) < 0)
			return -ENOENT;
		m->fd[i] = bpf_map__fd(map);
	}
	return 0;
}

/* -EPROTO when the map holds values of another size (another version's). */
static int map_value_size_is(int fd, __u32 size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	return info.value_size == size ? 0 : -EPROTO;
}

int lb_maps_open_pinned(const char *dir, struct lb_maps *m)
{
	char path[4096];
	int i, err;

	lb_maps_init(m);
	m->owned = true;
	for (i = 0; i < LB_MI_COUNT; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, lb_map_names[i]) >=
		    (int)sizeof(path)) {
			err = -ENAMETOOLONG;
			goto err;
		}
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			err = -errno;
			goto err;
		}
	}
	/* every reader copies the configuration into a struct lb_config */
	err = map_value_size_is(m->fd[LB_MI_CONFIG], sizeof(struct lb_config));
	if (err)
		goto err;
	return 0;
err:
	lb_maps_close(m);
	return err;
}

void lb_maps_close(struct lb_maps *m)
{
	int i;

	for (i = 0; i < LB_MI_COUNT; i++) {
		if (m->owned && m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

int lb_map_max_entries(int fd, __u32 *max)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*max = info.max_entries;
	return 0;
}

void lb_config_default(struct lb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port_min = LB_SNAT_PORT_MIN_DEFAULT;
	cfg->port_max = LB_SNAT_PORT_MAX_DEFAULT;
	cfg->version = LB_STATE_VERSION;
	cfg->next_gen = 1;
}

int lb_config_get(const struct lb_maps *m, struct lb_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[LB_MI_CONFIG], &zero, cfg))
		return -errno;
	return 0;
}

int lb_config_set(const struct lb_maps *m, const struct lb_config *cfg)
{
	__u32 zero = 0;

	if (cfg->port_min == 0 || cfg->port_max < cfg->port_min)
		return -EINVAL;
	if (bpf_map_update_elem(m->fd[LB_MI_CONFIG], &zero, cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* A fresh generation number: gen 0 means "free slot", so skip it. */
static int next_gen(const struct lb_maps *m, __u32 *gen)
{
	struct lb_config cfg;
	int err;

	err = lb_config_get(m, &cfg);
	if (err)
		return err;
	if (!cfg.next_gen)
		cfg.next_gen = 1;
	*gen = cfg.next_gen++;
	if (!cfg.next_gen)
		cfg.next_gen = 1;
	return lb_config_set(m, &cfg);
}

/* Marks (vip_id + 1) or clears (0) the VIP whose table is being replaced. */
static int mark_dirty(const struct lb_maps *m, __u32 value)
{
	struct lb_config cfg;
	int err;

	err = lb_config_get(m, &cfg);
	if (err)
		return err;
	cfg.dirty_vip = value;
	return lb_config_set(m, &cfg);
}

static int percpu_zero(int fd, __u32 idx, size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t sz;
	void *buf;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	sz = ((value_size + 7) & ~7UL) * ncpus;
	buf = calloc(1, sz);
	if (!buf)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &idx, buf, BPF_ANY))
		err = -errno;
	free(buf);
	return err;
}

static bool key_valid(const struct lb_vip_key *key)
{
	if (key->family != LB_AF_INET && key->family != LB_AF_INET6)
		return false;
	if (key->proto != IPPROTO_TCP && key->proto != IPPROTO_UDP)
		return false;
	if (key->family == LB_AF_INET &&
	    (key->addr.v6[1] || key->addr.v6[2] || key->addr.v6[3]))
		return false;
	return true;
}

int lb_vip_get(const struct lb_maps *m, const struct lb_vip_key *key,
	       struct lb_vip *vip)
{
	if (bpf_map_lookup_elem(m->fd[LB_MI_VIPS], key, vip))
		return -errno;
	return 0;
}

static int snat_ref(const struct lb_maps *m, __u8 family,
		    const union lb_addr *addr, int delta)
{
	struct lb_snat_key sk = {};
	__u32 refs = 0;
	int fd = m->fd[LB_MI_SNAT_ADDRS];

	sk.addr = *addr;
	sk.family = family;
	if (bpf_map_lookup_elem(fd, &sk, &refs))
		refs = 0;
	if (delta < 0 && refs <= (__u32)-delta) {
		if (bpf_map_delete_elem(fd, &sk) && errno != ENOENT)
			return -errno;
		return 0;
	}
	refs += delta;
	if (bpf_map_update_elem(fd, &sk, &refs, BPF_ANY))
		return -errno;
	return 0;
}

/* Makes room for one more element in a growing array. */
static int grow(void **list, size_t *cap, size_t cnt, size_t elem)
{
	void *tmp;

	if (cnt < *cap)
		return 0;
	tmp = realloc(*list, (*cap ? *cap * 2 : 16) * elem);
	if (!tmp)
		return -ENOMEM;
	*list = tmp;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

static int cmp_vip_entry(const void *a, const void *b)
{
	const struct lb_vip_entry *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

int lb_vip_list(const struct lb_maps *m, struct lb_vip_entry **out, size_t *n)
{
	struct lb_vip_key key, next;
	struct lb_vip_entry *list = NULL;
	size_t cnt = 0, cap = 0;
	int fd = m->fd[LB_MI_VIPS];
	void *prev = NULL;
	int err = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		err = grow((void **)&list, &cap, cnt, sizeof(*list));
		if (err)
			goto err;
		if (bpf_map_lookup_elem(fd, &key, &list[cnt].vip))
			continue; /* removed meanwhile */
		list[cnt].key = key;
		cnt++;
	}
	if (errno != ENOENT) {
		err = -errno;
		goto err;
	}
	if (cnt)
		qsort(list, cnt, sizeof(*list), cmp_vip_entry);
	*out = list;
	*n = cnt;
	return 0;
err:
	free(list);
	return err;
}

static int cmp_backend_entry(const void *a, const void *b)
{
	const struct lb_backend_entry *x = a, *y = b;

	if (x->be.family != y->be.family)
		return x->be.family - y->be.family;
	return memcmp(&x->be.addr, &y->be.addr, sizeof(x->be.addr));
}

int lb_backend_list(const struct lb_maps *m, __u32 vip_id,
		    struct lb_backend_entry **out, size_t *n)
{
	int fd = m->fd[LB_MI_BACKENDS];
	struct lb_backend_entry *list = NULL;
	size_t cnt = 0, cap = 0;
	struct lb_backend be;
	__u32 max = 0, i;
	int err;

	err = lb_map_max_entries(fd, &max);
	if (err)
		return err;
	for (i = 0; i < max; i++) {
		if (bpf_map_lookup_elem(fd, &i, &be)) {
			err = -errno;
			goto err;
		}
		if (!be.gen || be.vip_id != vip_id)
			continue;
		err = grow((void **)&list, &cap, cnt, sizeof(*list));
		if (err)
			goto err;
		list[cnt].id = i;
		list[cnt].be = be;
		cnt++;
	}
	if (cnt)
		qsort(list, cnt, sizeof(*list), cmp_backend_entry);
	*out = list;
	*n = cnt;
	return 0;
err:
	free(list);
	return err;
}

/* Build the table in user space, then swap it in with one map update. */
static int ring_install(const struct lb_maps *m, __u32 vip_id, __u32 ring_size,
			const struct maglev_backend *mb, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_INNER_MAP);
	LIBBPF_OPTS(bpf_map_batch_opts, bopts);
	struct lb_config cfg;
	__u32 *table = NULL, *keys = NULL;
	__u32 i, count;
	int inner = -1;
	int err;

	err = lb_config_get(m, &cfg);
	if (err)
		return err;
	table = malloc(ring_size * sizeof(*table));
	keys = malloc(ring_size * sizeof(*keys));
	if (!table || !keys) {
		err = -ENOMEM;
		goto out;
	}
	err = maglev_build(mb, n, ring_size, cfg.hash_key, table);
	if (err)
		goto out;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lb_ring", sizeof(__u32),
			       sizeof(__u32), ring_size, &opts);
	if (inner < 0) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < ring_size; i++)
		keys[i] = i;
	count = ring_size;
	if (bpf_map_update_batch(inner, keys, table, &count, &bopts)) {
		/* kernels without batch support for arrays: one by one */
		for (i = 0; i < ring_size; i++) {
			if (bpf_map_update_elem(inner, &keys[i], &table[i], BPF_ANY)) {
				err = -errno;
				goto out;
			}
		}
	}
	if (bpf_map_update_elem(m->fd[LB_MI_RINGS], &vip_id, &inner, BPF_ANY))
		err = -errno;
out:
	if (inner >= 0)
		close(inner);
	free(table);
	free(keys);
	return err;
}

int lb_ring_rebuild(const struct lb_maps *m, const struct lb_vip *vip)
{
	struct lb_backend_entry *list = NULL;
	struct maglev_backend *mb = NULL;
	size_t n = 0, i;
	int err;

	err = lb_backend_list(m, vip->id, &list, &n);
	if (err)
		return err;
	if (n) {
		mb = calloc(n, sizeof(*mb));
		if (!mb) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		mb[i].id = list[i].id;
		mb[i].weight = list[i].be.weight;
		mb[i].addr = list[i].be.addr;
		mb[i].family = list[i].be.family;
		/* identity is the address: a port change must not reshuffle */
		mb[i].port = 0;
	}
	err = ring_install(m, vip->id, vip->ring_size, mb, n);
out:
	free(mb);
	free(list);
	return err;
}

static int free_vip_id(const struct lb_maps *m, __u32 *id)
{
	struct lb_vip_entry *list = NULL;
	size_t n = 0, i;
	__u32 max = 0, cand;
	bool used;
	int err;

	err = lb_map_max_entries(m->fd[LB_MI_RINGS], &max);
	if (err)
		return err;
	err = lb_vip_list(m, &list, &n);
	if (err)
		return err;
	for (cand = 0; cand < max; cand++) {
		used = false;
		for (i = 0; i < n; i++) {
			if (list[i].vip.id == cand) {
				used = true;
				break;
			}
		}
		if (!used)
			break;
	}
	free(list);
	if (cand >= max)
		return -ENOSPC;
	*id = cand;
	return 0;
}

static int backend_clear(const struct lb_maps *m, __u32 id)
{
	struct lb_backend be = {};

	if (bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &be, BPF_ANY))
		return -errno;
	return 0;
}

/* Backends left with a VIP id by a removal that was killed midway. */
static int clear_vip_backends(const struct lb_maps *m, __u32 vip_id)
{
	struct lb_backend_entry *list = NULL;
	size_t n = 0, i;
	int err;

	err = lb_backend_list(m, vip_id, &list, &n);
	for (i = 0; !err && i < n; i++)
		err = backend_clear(m, list[i].id);
	free(list);
	return err;
}

/* Tells the data plane whether any VIP covers all ports of its address. */
static int update_all_ports_flag(const struct lb_maps *m)
{
	struct lb_vip_entry *vips = NULL;
	struct lb_config cfg;
	size_t n = 0, i;
	bool any = false;
	int err;

	err = lb_vip_list(m, &vips, &n);
	if (!err)
		err = lb_config_get(m, &cfg);
	for (i = 0; i < n; i++)
		any |= vips[i].key.port == 0;
	free(vips);
	if (err)
		return err;
	if (any == !!(cfg.flags & LB_CFG_F_ALL_PORTS_VIPS))
		return 0;
	if (any)
		cfg.flags |= LB_CFG_F_ALL_PORTS_VIPS;
	else
		cfg.flags &= ~LB_CFG_F_ALL_PORTS_VIPS;
	return lb_config_set(m, &cfg);
}

int lb_recover(const struct lb_maps *m)
{
	struct lb_vip_entry *vips = NULL;
	struct lb_config cfg;
	size_t n = 0, i;
	int err;

	err = lb_config_get(m, &cfg);
	if (err || !cfg.dirty_vip)
		return err;
	err = lb_vip_list(m, &vips, &n);
	for (i = 0; !err && i < n; i++) {
		struct lb_backend_entry *be = NULL;
		size_t nb = 0, j;

		if (vips[i].vip.id != cfg.dirty_vip - 1)
			continue;
		/* the killed command may not have asked for the neighbours */
		err = lb_backend_list(m, vips[i].vip.id, &be, &nb);
		for (j = 0; !err && j < nb; j++)
			if (!(be[j].be.flags & LB_BACKEND_F_STATIC_MAC))
				neigh_ensure_managed(be[j].be.family, &be[j].be.addr);
		free(be);
		if (!err)
			err = lb_ring_rebuild(m, &vips[i].vip);
	}
	free(vips);
	return err ?: mark_dirty(m, 0);
}

int lb_vip_set(const struct lb_maps *m, const struct lb_vip_key *key,
	       const union lb_addr *snat, __u32 ring_size)
{
	struct lb_vip vip, old;
	int err;

	if (!key_valid(key))
		return -EINVAL;
	if (ring_size && (!maglev_is_prime(ring_size) ||
			  ring_size > LB_RING_SIZE_MAX))
		return -EINVAL;

	if (lb_vip_get(m, key, &old) == 0) {
		if (ring_size && ring_size != old.ring_size)
			return -EBUSY;
		if (!memcmp(&old.snat, snat, sizeof(*snat)))
			return 0;
		vip = old;
		vip.snat = *snat;
		err = snat_ref(m, key->family, snat, 1);
		if (err)
			return err;
		if (bpf_map_update_elem(m->fd[LB_MI_VIPS], key, &vip, BPF_EXIST)) {
			err = -errno;
			snat_ref(m, key->family, snat, -1);
			return err;
		}
		return snat_ref(m, key->family, &old.snat, -1);
	}

	memset(&vip, 0, sizeof(vip));
	vip.flags = LB_VIP_F_NAT;
	vip.snat = *snat;
	vip.ring_size = ring_size ? ring_size : LB_RING_SIZE_DEFAULT;
	err = free_vip_id(m, &vip.id);
	if (err)
		return err;
	err = next_gen(m, &vip.gen);
	if (err)
		return err;
	err = percpu_zero(m->fd[LB_MI_VIP_STATS], vip.id, sizeof(struct lb_traffic));
	if (!err)
		err = clear_vip_backends(m, vip.id);
	if (err)
		return err;
	/* The table exists before the VIP does: no packet sees a VIP without one. */
	err = ring_install(m, vip.id, vip.ring_size, NULL, 0);
	if (err)
		return err;
	err = snat_ref(m, key->family, snat, 1);
	if (err)
		goto err_ring;
	if (bpf_map_update_elem(m->fd[LB_MI_VIPS], key, &vip, BPF_NOEXIST)) {
		err = -errno;
		snat_ref(m, key->family, snat, -1);
		goto err_ring;
	}
	return update_all_ports_flag(m);
err_ring:
	bpf_map_delete_elem(m->fd[LB_MI_RINGS], &vip.id);
	return err;
}


int lb_vip_remove(const struct lb_maps *m, const struct lb_vip_key *key)
{
	struct lb_vip vip;
	int err;

	err = lb_vip_get(m, key, &vip);
	if (err)
		return err;
	/* First stop new flows (the VIP disappears), then free what it used. */
	if (bpf_map_delete_elem(m->fd[LB_MI_VIPS], key))
		return -errno;
	err = clear_vip_backends(m, vip.id);
	if (err)
		return err;
	if (bpf_map_delete_elem(m->fd[LB_MI_RINGS], &vip.id) && errno != ENOENT)
		return -errno;
	err = snat_ref(m, key->family, &vip.snat, -1);
	if (!err)
		err = update_all_ports_flag(m);
	return err;
}

/* The backend of VIP vip_id with this address: 0, -ENOENT, or an error. */
static int backend_find(const struct lb_maps *m, __u32 vip_id, __u8 family,
			const union lb_addr *addr, struct lb_backend_entry *out)
{
	struct lb_backend_entry *list = NULL;
	size_t n = 0, i;
	int err;

	err = lb_backend_list(m, vip_id, &list, &n);
	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (list[i].be.family == family &&
		    !memcmp(&list[i].be.addr, addr, sizeof(*addr))) {
			*out = list[i];
			err = 0;
			break;
		}
	}
	free(list);
	return err;
}

int lb_backend_set(const struct lb_maps *m, const struct lb_vip_key *vk,
		   const struct lb_backend_spec *spec, bool must_be_new)
{
	struct lb_backend_entry entry;
	struct lb_backend be, old;
	struct lb_vip vip;
	__u32 id = 0, max = 0;
	bool found;
	int err;

	if (spec->family != vk->family)
		return -EINVAL;
	if (spec->weight > MAGLEV_MAX_WEIGHT)
		return -ERANGE;
	err = lb_vip_get(m, vk, &vip);
	if (err)
		return err;
	/* spec->family is the VIP's, so is every backend's of this VIP */
	err = backend_find(m, vip.id, spec->family, &spec->addr, &entry);
	if (err && err != -ENOENT)
		return err;
	found = !err;
	if (found) {
		id = entry.id;
		be = entry.be;
		old = be;
	}
	if (found && must_be_new)
		return -EEXIST;

	if (!found) {
		err = lb_map_max_entries(m->fd[LB_MI_BACKENDS], &max);
		if (err)
			return err;
		for (id = 0; id < max; id++) {
			if (bpf_map_lookup_elem(m->fd[LB_MI_BACKENDS], &id, &be))
				return -errno;
			if (!be.gen)
				break;
		}
		if (id >= max)
			return -ENOSPC;
		memset(&be, 0, sizeof(be));
		be.addr = spec->addr;
		be.family = spec->family;
		be.vip_id = vip.id;
		err = next_gen(m, &be.gen);
		if (err)
			return err;
		err = percpu_zero(m->fd[LB_MI_BE_STATS], id, sizeof(struct lb_traffic));
		if (err)
			return err;
	}
	be.port = spec->port;
	be.weight = spec->weight;
	if (spec->has_mac) {
		memcpy(be.mac, spec->mac, sizeof(be.mac));
		be.flags |= LB_BACKEND_F_STATIC_MAC;
	}
	err = mark_dirty(m, vip.id + 1);
	if (err)
		return err;
	/* A new backend is in place before any table slot points to it. */
	if (bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &be, BPF_ANY))
		return -errno;
	err = lb_ring_rebuild(m, &vip);
	if (err && !found)
		backend_clear(m, id);
	else if (err)
		bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &old, BPF_ANY);
	return mark_dirty(m, 0) ?: err;
}

int lb_backend_remove(const struct lb_maps *m, const struct lb_vip_key *vk,
		      __u8 family, const union lb_addr *addr)
{
	struct lb_backend_entry entry;
	struct lb_backend saved;
	struct lb_vip vip;
	__u32 id;
	int err;

	err = lb_vip_get(m, vk, &vip);
	if (err)
		return err;
	err = backend_find(m, vip.id, family, addr, &entry);
	if (err)
		return err;
	id = entry.id;
	saved = entry.be;
	/* Gone, then out of the table: its flows are re-balanced. */
	err = mark_dirty(m, vip.id + 1);
	if (err)
		return err;
	err = backend_clear(m, id);
	if (err)
		return err;
	err = lb_ring_rebuild(m, &vip);
	if (err)
		bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &saved, BPF_ANY);
	return mark_dirty(m, 0) ?: err;
}

int lb_stats_read(const struct lb_maps *m, __u64 out[LB_STAT_SLOTS])
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 i;
	int c, err = 0;

	if (ncpus < 0)
		return ncpus;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (i = 0; i < LB_STAT_SLOTS; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(m->fd[LB_MI_STATS], &i, vals)) {
			err = -errno;
			break;
		}
		for (c = 0; c < ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return err;
}

int lb_traffic_read(const struct lb_maps *m, bool backend, __u32 idx,
		    struct lb_traffic *out)
{
	int fd = m->fd[backend ? LB_MI_BE_STATS : LB_MI_VIP_STATS];
	int ncpus = libbpf_num_possible_cpus();
	struct lb_traffic *vals;
	int c, err = 0;

	if (ncpus < 0)
		return ncpus;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(fd, &idx, vals)) {
		err = -errno;
		goto out;
	}
	for (c = 0; c < ncpus; c++) {
		out->packets += vals[c].packets;
		out->bytes += vals[c].bytes;
		out->reply_packets += vals[c].reply_packets;
		out->reply_bytes += vals[c].reply_bytes;
		out->new_flows += vals[c].new_flows;
	}
out:
	free(vals);
	return err;
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
