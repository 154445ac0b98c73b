/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned state as the commands use it: locked, claimed from a deleted
 * network namespace, recovered from a killed command, and removed with the
 * last interface. Each function prints its own error line.
 */
#include <errno.h>
#include <string.h>

#include "xdp-lb.h"
#include "bpffs.h"
#include "logging.h"

int cmd_state_lock(const char *pin_root, bool create, int *lock,
		   bool *dropped)
{
	int err;

	err = pin_dir_lock(pin_root, create, lock);
	if (err) {
		pr_err("cannot %s %s: %s\n", create ? "create or lock" : "lock",
		       pin_root, strerror(-err));
		return err;
	}
	err = lb_state_claim(pin_root, dropped);
	if (err) {
		pr_err("cannot remove the state a deleted network namespace "
		       "left in %s: %s\n", pin_root, strerror(-err));
		pin_dir_unlock(*lock);
		*lock = -1;
	}
	return err;
}

int cmd_state_remove(const char *pin_root)
{
	int err = pin_dir_remove(pin_root);

	pin_dir_remove_parent(pin_root);
	return err;
}

int cmd_state_open(const char *pin_root, struct cmd_state *st)
{
	bool dropped;
	int err;

	lb_maps_init(&st->maps);
	st->lock = -1;
	if (!bpffs_is_mounted(bpffs_mount_point()) || !lb_maps_pinned(pin_root)) {
		pr_err("xdp-lb is not loaded in this network namespace (no "
		       "state in %s); run 'xdp-lb load <ifname>' first\n", pin_root);
		return -ENOENT;
	}
	err = cmd_state_lock(pin_root, false, &st->lock, &dropped);
	if (err)
		return err;
	if (dropped) {
		cmd_state_remove(pin_root);
		pr_err("xdp-lb is not loaded in this network namespace "
		       "(removed what a deleted namespace left in %s); run "
		       "'xdp-lb load <ifname>' first\n", pin_root);
		err = -ENOENT;
		goto err;
	}
	err = lb_maps_open_pinned(pin_root, &st->maps);
	if (err) {
		pr_err("cannot open the pinned maps in %s: %s\n", pin_root,
		       strerror(-err));
		goto err;
	}
	/* backends of the live state get managed neighbour entries */
	st->maps.manage_neigh = true;
	err = lb_recover(&st->maps);
	if (err) {
		pr_err("cannot finish an interrupted update: %s\n", strerror(-err));
		goto err;
	}
	return 0;
err:
	cmd_state_close(st);
	return err;
}

void cmd_state_close(struct cmd_state *st)
{
	lb_maps_close(&st->maps);
	pin_dir_unlock(st->lock);
	st->lock = -1;
}
