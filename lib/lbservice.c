/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Services: VIPs, their backends and the Maglev table of each VIP, built
 * in user space and swapped in whole. See lbmaps.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "format.h"
#include "lbmaps.h"
#include "logging.h"
#include "maglev.h"
#include "neigh.h"

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

/* Entries collected one at a time, handed to the caller sorted. */
struct entry_list {
	void *items;
	size_t cnt, cap, size;
};

/* A new zeroed entry at the end of the list, or NULL. */
static void *list_push(struct entry_list *l)
{
	size_t cap = l->cap ? 2 * l->cap : 16;
	void *tmp;

	if (l->cnt == l->cap) {
		tmp = realloc(l->items, cap * l->size);
		if (!tmp)
			return NULL;
		l->items = tmp;
		l->cap = cap;
	}
	return memset((char *)l->items + l->size * l->cnt++, 0, l->size);
}

/* Frees the list after an error; otherwise sorts it into *out. */
static int list_hand_over(struct entry_list *l, int err,
			  int (*cmp)(const void *, const void *),
			  void **out, size_t *n)
{
	if (err) {
		free(l->items);
		return err;
	}
	if (l->cnt)
		qsort(l->items, l->cnt, l->size, cmp);
	*out = l->items;
	*n = l->cnt;
	return 0;
}

static int cmp_vip_entry(const void *a, const void *b)
{
	const struct lb_vip_entry *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

int lb_vip_list(const struct lb_maps *m, struct lb_vip_entry **out, size_t *n)
{
	struct entry_list l = { .size = sizeof(**out) };
	struct lb_vip_key key, next;
	int fd = m->fd[LB_MI_VIPS];
	struct lb_vip_entry *e;
	void *prev = NULL;
	int err;

	while (!(err = bpf_map_get_next_key(fd, prev, &next))) {
		key = next;
		prev = &key;
		e = list_push(&l);
		if (!e) {
			err = -ENOMEM;
			break;
		}
		e->key = key;
		if (bpf_map_lookup_elem(fd, &key, &e->vip))
			l.cnt--; /* removed meanwhile */
	}
	if (err == -ENOENT) /* the end of the map */
		err = 0;
	return list_hand_over(&l, err, cmp_vip_entry, (void **)out, n);
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
	struct entry_list l = { .size = sizeof(**out) };
	int fd = m->fd[LB_MI_BACKENDS];
	struct lb_backend_entry *e;
	struct lb_backend be;
	__u32 max = 0, i;
	int err;

	err = lb_map_max_entries(fd, &max);
	for (i = 0; !err && i < max; i++) {
		if (bpf_map_lookup_elem(fd, &i, &be)) {
			err = -errno;
			break;
		}
		if (!be.gen || be.vip_id != vip_id)
			continue;
		e = list_push(&l);
		if (!e) {
			err = -ENOMEM;
			break;
		}
		e->id = i;
		e->be = be;
	}
	return list_hand_over(&l, err, cmp_backend_entry, (void **)out, n);
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
		/* a backend being removed leaves the table first */
		mb[i].weight = list[i].be.flags & LB_BACKEND_F_REMOVING ?
			       0 : list[i].be.weight;
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

int lb_backend_clear(const struct lb_maps *m, __u32 id)
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
		err = lb_backend_clear(m, list[i].id);
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

/* Writes a VIP (BPF_EXIST or BPF_NOEXIST) with a reference on its SNAT. */
static int vip_write(const struct lb_maps *m, const struct lb_vip_key *key,
		     const struct lb_vip *vip, __u64 flags)
{
	int err;

	err = snat_ref(m, key->family, &vip->snat, 1);
	if (err)
		return err;
	if (bpf_map_update_elem(m->fd[LB_MI_VIPS], key, vip, flags)) {
		err = -errno;
		snat_ref(m, key->family, &vip->snat, -1);
	}
	return err;
}

int lb_vip_set(const struct lb_maps *m, const struct lb_vip_key *key,
	       const union lb_addr *snat, __u32 ring_size)
{
	struct lb_vip vip, old;
	int err;

	if (!key_valid(key))
		return -EINVAL;
	if (ring_size && maglev_size_check(ring_size))
		return -EINVAL;

	if (lb_vip_get(m, key, &old) == 0) {
		if (ring_size && ring_size != old.ring_size)
			return -EBUSY;
		if (!memcmp(&old.snat, snat, sizeof(*snat)))
			return 0;
		vip = old;
		vip.snat = *snat;
		err = vip_write(m, key, &vip, BPF_EXIST);
		return err ?: snat_ref(m, key->family, &old.snat, -1);
	}

	memset(&vip, 0, sizeof(vip));
	vip.flags = LB_VIP_F_NAT;
	vip.snat = *snat;
	vip.ring_size = ring_size ? ring_size : LB_RING_SIZE_DEFAULT;
	err = free_vip_id(m, &vip.id);
	if (err)
		return err;
	err = lb_config_next_gen(m, &vip.gen);
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
	err = vip_write(m, key, &vip, BPF_NOEXIST);
	if (err)
		goto err_ring;
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

/* A free slot (its id) and a fresh entry for a new backend of vip. */
static int backend_new(const struct lb_maps *m, const struct lb_vip *vip,
		       const struct lb_backend_spec *spec, __u32 *id,
		       struct lb_backend *be)
{
	int fd = m->fd[LB_MI_BACKENDS];
	__u32 max = 0, i;
	int err;

	err = lb_map_max_entries(fd, &max);
	if (err)
		return err;
	for (i = 0; i < max; i++) {
		if (bpf_map_lookup_elem(fd, &i, be))
			return -errno;
		if (!be->gen)
			break;
	}
	if (i >= max)
		return -ENOSPC;
	memset(be, 0, sizeof(*be));
	be->addr = spec->addr;
	be->family = spec->family;
	be->vip_id = vip->id;
	*id = i;
	err = lb_config_next_gen(m, &be->gen);
	if (!err)
		err = percpu_zero(m->fd[LB_MI_BE_STATS], i, sizeof(struct lb_traffic));
	return err;
}

int lb_backend_neigh(const struct lb_maps *m, const struct lb_backend *be)
{
	if (!m->manage_neigh || (be->flags & LB_BACKEND_F_STATIC_MAC))
		return 0;
	return neigh_ensure_managed(be->family, &be->addr);
}

int lb_backend_set(const struct lb_maps *m, const struct lb_vip_key *vk,
		   const struct lb_backend_spec *spec, bool must_be_new)
{
	struct lb_backend_entry entry;
	struct lb_backend be, old;
	char a[ADDR_STRLEN];
	struct lb_vip vip;
	__u32 id;
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
	if (found && must_be_new)
		return -EEXIST;
	if (found) {
		id = entry.id;
		be = old = entry.be;
	} else {
		err = backend_new(m, &vip, spec, &id, &be);
		if (err)
			return err;
	}
	if (!found || !spec->keep_port)
		be.port = spec->port;
	if (!found || !spec->keep_weight)
		be.weight = spec->weight;
	if (spec->has_mac) {
		memcpy(be.mac, spec->mac, sizeof(be.mac));
		be.flags |= LB_BACKEND_F_STATIC_MAC;
	}
	/*
	 * The kernel resolves the next hop before the table can send the
	 * backend a first packet (lb_recover() asks again after a kill).
	 */
	err = lb_backend_neigh(m, &be);
	if (err)
		pr_warn("Warning: no managed neighbour entry for %s (%s): its "
			"first packets go to the kernel until it is resolved\n",
			addr_str(be.family, &be.addr, a, sizeof(a)), strerror(-err));
	err = lb_config_mark_dirty(m, vip.id + 1);
	if (err)
		return err;
	/* A new backend is in place before any table slot points to it. */
	if (bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &be, BPF_ANY))
		return -errno;
	err = lb_ring_rebuild(m, &vip);
	if (err && !found)
		lb_backend_clear(m, id);
	else if (err)
		bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &old, BPF_ANY);
	return lb_config_mark_dirty(m, 0) ?: err;
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
	/*
	 * Out of the table first, then gone (its flows are re-balanced):
	 * the table never names a backend that is no longer there, which
	 * would drop the new flows that hash to it meanwhile.
	 */
	err = lb_config_mark_dirty(m, vip.id + 1);
	if (err)
		return err;
	entry.be.flags |= LB_BACKEND_F_REMOVING;
	if (bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &entry.be, BPF_ANY))
		return -errno;
	err = lb_ring_rebuild(m, &vip);
	if (!err)
		err = lb_backend_clear(m, id);
	if (err)
		bpf_map_update_elem(m->fd[LB_MI_BACKENDS], &id, &saved, BPF_ANY);
	return lb_config_mark_dirty(m, 0) ?: err;
}
