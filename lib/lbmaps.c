/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map handles and the configuration map: opening the maps (pinned, or of a
 * loaded object), their names and sizes, the configuration with its
 * generation counter and dirty mark. See lbmaps.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lbmaps.h"

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

/* <dir>/<map name> */
static int map_pin_path(char *buf, size_t len, const char *dir,
			enum lb_map_index idx)
{
	int n = snprintf(buf, len, "%s/%s", dir, lb_map_names[idx]);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int lb_maps_open_pinned(const char *dir, struct lb_maps *m)
{
	char path[4096];
	int i, err;

	lb_maps_init(m);
	m->owned = true;
	for (i = 0; i < LB_MI_COUNT; i++) {
		err = map_pin_path(path, sizeof(path), dir, i);
		if (err)
			goto out;
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			err = -errno;
			goto out;
		}
	}
	/* every reader copies the configuration into a struct lb_config */
	err = map_value_size_is(m->fd[LB_MI_CONFIG], sizeof(struct lb_config));
out:
	if (err)
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

bool lb_maps_pinned(const char *dir)
{
	char path[4096];

	return !map_pin_path(path, sizeof(path), dir, LB_MI_CONFIG) &&
	       access(path, F_OK) == 0;
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

int lb_map_pinned_max_entries(const char *dir, enum lb_map_index idx,
			      __u32 *max)
{
	char path[4096];
	int fd, err;

	err = map_pin_path(path, sizeof(path), dir, idx);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = lb_map_max_entries(fd, max);
	close(fd);
	return err;
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

/* gen 0 means "free slot": skip it. */
int lb_config_next_gen(const struct lb_maps *m, __u32 *gen)
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

int lb_config_mark_dirty(const struct lb_maps *m, __u32 value)
{
	struct lb_config cfg;
	int err;

	err = lb_config_get(m, &cfg);
	if (err)
		return err;
	cfg.dirty_vip = value;
	return lb_config_set(m, &cfg);
}
