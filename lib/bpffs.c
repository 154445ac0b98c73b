/* SPDX-License-Identifier: GPL-2.0 */
/* bpffs, pin directories and their lock, program pins; see bpffs.h. */
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
#include "logging.h"

#define PIN_PROGRAMS_DIR "programs"

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

int pin_dir_lock(const char *dir, bool create, int *lock)
{
	struct stat held, now;
	int fd, err, tries;

	*lock = -1;
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
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
			*lock = fd;
			return 0;
		}
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

int pin_prog_path(char *buf, size_t len, const char *pin_root,
		  const char *ifname, const char *prog)
{
	int n = snprintf(buf, len, "%s/%s/%s/%s", pin_root, PIN_PROGRAMS_DIR,
			 ifname, prog);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct xdp_program *pin_prog_get(const char *pin_root, const char *ifname,
				 const char *prog, int ifindex,
				 enum xdp_attach_mode *mode)
{
	struct xdp_program *p;
	char path[4096];

	*mode = XDP_MODE_UNSPEC;
	if (pin_prog_path(path, sizeof(path), pin_root, ifname, prog))
		return NULL;
	p = xdp_program__from_pin(path);
	if (libxdp_get_error(p))
		return NULL;
	if (ifindex)
		*mode = xdp_program__is_attached(p, ifindex);
	return p;
}

int pin_prog_add(const char *pin_root, const char *ifname,
		 struct xdp_program *prog)
{
	char path[4096], *slash;
	int err;

	err = pin_prog_path(path, sizeof(path), pin_root, ifname,
			    xdp_program__name(prog));
	if (err)
		return err;
	/* programs/ and programs/<ifname>/ */
	slash = strrchr(path, '/');
	*slash = '\0';
	err = mkdir_with_parent(path);
	*slash = '/';
	return err ?: xdp_program__pin(prog, path);
}

int pin_prog_remove(const char *pin_root, const char *ifname,
		    const char *prog)
{
	char path[4096];
	int err = 0;

	if (pin_prog_path(path, sizeof(path), pin_root, ifname, prog))
		return -ENAMETOOLONG;
	if (unlink(path) && errno != ENOENT)
		err = -errno;
	*strrchr(path, '/') = '\0';
	rmdir(path);
	*strrchr(path, '/') = '\0';
	rmdir(path); /* programs/, only if empty */
	return err;
}

/* What the kernel says about the program pinned for s->name. */
static void pinned_iface_query(const char *pin_root, const char *prog,
			       struct pinned_iface *s)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;

	s->ifindex = if_nametoindex(s->name);
	p = pin_prog_get(pin_root, s->name, prog, s->ifindex, &s->mode);
	if (!p)
		return;
	s->attached = s->mode != XDP_MODE_UNSPEC;
	s->priority = xdp_program__run_prio(p);
	s->prog_id = xdp_program__id(p);
	xdp_program__close(p);
	if (!s->attached)
		return;
	mp = xdp_multiprog__get_from_ifindex(s->ifindex);
	if (libxdp_get_error(mp))
		return;
	s->dispatcher = !xdp_multiprog__is_legacy(mp);
	s->progs_on_iface = s->dispatcher ? xdp_multiprog__program_count(mp) : 1;
	xdp_multiprog__close(mp);
}

int pin_prog_list(const char *pin_root, const char *prog,
		  struct pinned_iface **out, int *n)
{
	struct pinned_iface *list = NULL, *tmp;
	char dir[4096];
	struct dirent *de;
	int cnt = 0, err = 0;
	size_t len;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (snprintf(dir, sizeof(dir), "%s/%s", pin_root, PIN_PROGRAMS_DIR) >=
	    (int)sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= IF_NAMESIZE)
			continue;
		tmp = realloc(list, (cnt + 1) * sizeof(*list));
		if (!tmp) {
			err = -ENOMEM;
			goto out;
		}
		list = tmp;
		memset(&list[cnt], 0, sizeof(*list));
		memcpy(list[cnt].name, de->d_name, len + 1);
		pinned_iface_query(pin_root, prog, &list[cnt]);
		cnt++;
	}
	*out = list;
	*n = cnt;
	list = NULL;
out:
	free(list);
	closedir(d);
	return err;
}

/* Detaches prog from ifindex if it runs there; true if it did. */
static bool detach_by_name(struct xdp_multiprog *mp, int ifindex,
			   const char *prog)
{
	enum xdp_attach_mode mode = xdp_multiprog__attach_mode(mp);
	struct xdp_program *p;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return p && !strcmp(xdp_program__name(p), prog) &&
		       !xdp_multiprog__detach(mp);
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (!strcmp(xdp_program__name(p), prog))
			return !xdp_program__detach(p, ifindex, mode, 0);
	return false;
}

int pin_prog_detach_unpinned(const char *prog)
{
	struct if_nameindex *ifs, *i;
	struct xdp_multiprog *mp;

	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		mp = xdp_multiprog__get_from_ifindex(i->if_index);
		if (libxdp_get_error(mp))
			continue;
		if (detach_by_name(mp, i->if_index, prog))
			pr_info("Detached %s from %s (its pins were gone)\n",
				prog, i->if_name);
		xdp_multiprog__close(mp);
	}
	if_freenameindex(ifs);
	return 0;
}
