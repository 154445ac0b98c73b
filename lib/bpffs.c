/* SPDX-License-Identifier: GPL-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "bpffs.h"

#ifndef BPF_DIR_MNT
#define BPF_DIR_MNT "/sys/fs/bpf"
#endif

const char *bpffs_mount_point(void)
{
	const char *env = getenv("XDP_LB_BPFFS");

	return env && *env ? env : BPF_DIR_MNT;
}

bool bpffs_is_mounted(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* Only an empty directory may get a bpffs on top: never hide anything. */
static int dir_is_empty(const char *path)
{
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			err = -ENOTEMPTY;
			break;
		}
	closedir(d);
	return err;
}

int bpffs_ensure(const char *mnt, bool *mounted)
{
	int err;

	*mounted = false;
	if (bpffs_is_mounted(mnt))
		return 0;
	if (mkdir(mnt, 0700) && errno != EEXIST)
		return -errno;
	err = dir_is_empty(mnt);
	if (err)
		return err;
	if (mount("bpf", mnt, "bpf", 0, "mode=0700"))
		return -errno;
	*mounted = true;
	return bpffs_is_mounted(mnt) ? 0 : -ENODEV;
}

int pin_root_path(char *buf, size_t len, const char *subdir)
{
	int n = snprintf(buf, len, "%s/%s", bpffs_mount_point(), subdir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pin_dir_lock(const char *dir, bool create)
{
	int fd;

	if (create && mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void pin_dir_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

int pin_dir_remove(const char *dir)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path)) {
			err = -ENAMETOOLONG;
			continue;
		}
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = pin_dir_remove(path) ?: err;
		else if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}
