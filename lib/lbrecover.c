/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recovery: finishing what a killed command left half done, and dropping
 * the state a deleted network namespace left behind. See lbmaps.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "bpffs.h"
#include "lbmaps.h"
#include "logging.h"
#include "netns.h"

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
		/*
		 * The killed command may not have asked for the neighbours;
		 * one that cannot be had now is no reason to fail.
		 */
		err = lb_backend_list(m, vips[i].vip.id, &be, &nb);
		for (j = 0; !err && j < nb; j++)
			lb_backend_neigh(m, &be[j].be);
		if (!err)
			err = lb_ring_rebuild(m, &vips[i].vip);
		/* and may have left a removal half done */
		for (j = 0; !err && j < nb; j++)
			if (be[j].be.flags & LB_BACKEND_F_REMOVING)
				err = lb_backend_clear(m, be[j].id);
		free(be);
	}
	free(vips);
	return err ?: lb_config_mark_dirty(m, 0);
}

int lb_state_claim(const char *dir, bool *dropped)
{
	struct lb_config cfg;
	struct netns_id ns;
	struct lb_maps maps;
	__u32 mine;
	int err;

	*dropped = false;
	if (netns_self(&ns) || !ns.cookie || !lb_maps_pinned(dir))
		return 0;
	mine = (__u32)ns.cookie;
	/* unreadable state is left for the caller to report */
	if (lb_maps_open_pinned(dir, &maps))
		return 0;
	err = lb_config_get(&maps, &cfg);
	if (err || cfg.netns_cookie == mine)
		goto out;
	if (!cfg.netns_cookie) {
		cfg.netns_cookie = mine;
		err = lb_config_set(&maps, &cfg);
		goto out;
	}
	pr_debug("Removing the state in %s: it is a deleted network namespace's "
		 "(cookie %u, this one's is %u)\n", dir, cfg.netns_cookie, mine);
	lb_maps_close(&maps);
	err = pin_dir_clear(dir);
	*dropped = !err;
	return err;
out:
	lb_maps_close(&maps);
	return err;
}
