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

/* Creates dir and its parent (the tool's directory on bpffs), each 0700. */
static int mkdir_with_parent(const char *dir)
{
	char parent[4096];
	char *slash;
	int n;

	n = snprintf(parent, sizeof(parent), "%s", dir);
	if (n < 0 || (size_t)n >= sizeof(parent))
		return -ENAMETOOLONG;
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0700) && errno != EEXIST)
			return -errno;
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int pin_dir_lock(const char *dir, bool create)
{
	struct stat held, now;
	int fd, err, tries;

	for (tries = 0; tries < 10; tries++) {
		/* a last unload elsewhere may remove the parent meanwhile */
		if (create) {
			err = mkdir_with_parent(dir);
			if (err == -ENOENT)
				continue;
			if (err)
				return err;
		}
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create)
			continue;
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX)) {
			err = -errno;
			close(fd);
			return err;
		}
		/*
		 * Whoever held the lock may have removed the directory (the
		 * last unload does): then this lock guards nothing.
		 */
		if (!fstat(fd, &held) && !stat(dir, &now) &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			return fd;
		close(fd);
		if (!create)
			return -ENOENT;
	}
	return -EAGAIN;
}

void pin_dir_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

int pin_dir_clear(const char *dir)
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
	return err;
}

int pin_dir_remove(const char *dir)
{
	int err = pin_dir_clear(dir);

	if (rmdir(dir) && errno != ENOENT)
		err = err ?: -errno;
	return err;
}

void pin_dir_remove_parent(const char *dir)
{
	char parent[4096];
	char *slash;

	if ((size_t)snprintf(parent, sizeof(parent), "%s", dir) >= sizeof(parent))
		return;
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	rmdir(parent); /* only if empty: other namespaces' state stays */
}
