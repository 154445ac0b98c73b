/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpffs handling for the xdp-lb command: find or mount bpffs, create the
 * pin directory (root only, 0700) and serialise invocations with a lock on
 * it. The lock is a flock(), so it dies with its process: a command killed
 * with SIGKILL never leaves a stale lock behind.
 */
#ifndef __BPFFS_H
#define __BPFFS_H

#include <stdbool.h>
#include <stddef.h>

/* bpffs mount point: $XDP_LB_BPFFS or BPF_DIR_MNT (/sys/fs/bpf). */
const char *bpffs_mount_point(void);
/* Is path on a bpffs? */
bool bpffs_is_mounted(const char *path);
/*
 * Make sure bpffs is mounted at mnt, mounting it if needed (*mounted = true);
 * it is only mounted on an empty or new directory (else -ENOTEMPTY).
 */
int bpffs_ensure(const char *mnt, bool *mounted);
/* <bpffs>/<subdir>; -ENAMETOOLONG if it does not fit. */
int pin_root_path(char *buf, size_t len, const char *subdir);
/*
 * Opens (creating it and its parent with mode 0700 when create is set) the
 * pin directory and takes an exclusive lock on it; returns the fd or a
 * negative errno (-ENOENT when it does not exist and create is false). A
 * directory removed while waiting for the lock is not returned: with create
 * set, the new one is locked instead.
 */
int pin_dir_lock(const char *dir, bool create);
void pin_dir_unlock(int fd);
/* Removes the pins and directories below a directory, keeping it. */
int pin_dir_clear(const char *dir);
/* Removes a directory and the pins and empty directories below it. */
int pin_dir_remove(const char *dir);
/* Removes the directory that holds dir, if it is empty. */
void pin_dir_remove_parent(const char *dir);

#endif /* __BPFFS_H */
