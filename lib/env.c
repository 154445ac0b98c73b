/* SPDX-License-Identifier: GPL-2.0 */
/* Privileges and bpffs, checked before a command runs; see env.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpffs.h"
#include "env.h"
#include "logging.h"

#define CAP_NET_ADMIN_BIT 12
#define CAP_SYS_ADMIN_BIT 21
#define CAP_BPF_BIT 39

/* Effective capabilities, from /proc/self/status (no libcap needed). */
static bool has_caps(void)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	return found && (eff & (1ULL << CAP_NET_ADMIN_BIT)) &&
	       (eff & ((1ULL << CAP_SYS_ADMIN_BIT) | (1ULL << CAP_BPF_BIT)));
}

static int check_root(void)
{
	if (geteuid() != 0) {
		pr_err("must be run as root\n");
		return -EPERM;
	}
	if (!has_caps()) {
		pr_err("must be run as root with CAP_SYS_ADMIN (or CAP_BPF) "
		       "and CAP_NET_ADMIN\n");
		return -EPERM;
	}
	return 0;
}

static int check_bpffs(void)
{
	const char *mnt = bpffs_mount_point();
	bool mounted;
	int err;

	err = bpffs_ensure(mnt, &mounted);
	if (err) {
		pr_err("bpffs is not mounted at %s and mounting it failed: %s\n",
		       mnt, err == -ENOTEMPTY ? "the directory is not empty" :
		       strerror(-err));
		return err;
	}
	if (mounted)
		pr_debug("Mounted bpffs at %s\n", mnt);
	return 0;
}

int env_check(unsigned int needs)
{
	int err = 0;

	if (needs & ENV_ROOT)
		err = check_root();
	if (!err && (needs & ENV_BPFFS))
		err = check_bpffs();
	return err;
}
