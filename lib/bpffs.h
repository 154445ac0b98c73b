/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pinning: find or mount bpffs, create the pin directory (root only, 0700)
 * and serialise invocations with a lock on it; and the program pins that
 * record where the tool's XDP program is attached.
 *
 * The lock is a flock(), so it dies with its process: a command killed
 * with SIGKILL never leaves a stale lock behind.
 *
 * A program attached to an interface is pinned at
 * <pin root>/programs/<ifname>/<program name>: the pins, checked against
 * the kernel, say which interfaces run it, without a scan by name.
 */
#ifndef __BPFFS_H
#define __BPFFS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <xdp/libxdp.h>

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
 * pin directory and takes an exclusive lock on it, held by *lock; -ENOENT
 * when it does not exist and create is false. A directory removed while
 * waiting for the lock is not returned: with create set, the new one is
 * locked instead.
 */
int pin_dir_lock(const char *dir, bool create, int *lock);
void pin_dir_unlock(int fd);
/* Removes the pins and directories below a directory, keeping it. */
int pin_dir_clear(const char *dir);
/* Removes a directory and the pins and empty directories below it. */
int pin_dir_remove(const char *dir);
/* Removes the directory that holds dir, if it is empty. */
void pin_dir_remove_parent(const char *dir);

/* <pin_root>/programs/<ifname>/<prog>; -ENAMETOOLONG if it does not fit. */
int pin_prog_path(char *buf, size_t len, const char *pin_root,
		  const char *ifname, const char *prog);
/*
 * The program pinned for ifname (NULL if none), and in *mode how it is
 * attached to ifindex (XDP_MODE_UNSPEC: not attached, or ifindex 0).
 */
struct xdp_program *pin_prog_get(const char *pin_root, const char *ifname,
				 const char *prog, int ifindex,
				 enum xdp_attach_mode *mode);
/* Pins prog for ifname, creating the directories. */
int pin_prog_add(const char *pin_root, const char *ifname,
		 struct xdp_program *prog);
/* Removes the pin for ifname and the directories it leaves empty. */
int pin_prog_remove(const char *pin_root, const char *ifname,
		    const char *prog);

/* An interface with a program pin, as the kernel sees it. */
struct pinned_iface {
	char name[IF_NAMESIZE];
	int ifindex;            /* 0 if the interface is gone */
	enum xdp_attach_mode mode;
	bool attached;
	bool dispatcher;        /* false: single program, no dispatcher */
	unsigned int priority;
	unsigned int prog_id;
	int progs_on_iface;     /* programs under the dispatcher */
};

/* The interfaces with a pin of prog; *out is malloc'ed (NULL when none). */
int pin_prog_list(const char *pin_root, const char *prog,
		  struct pinned_iface **out, int *n);
/*
 * Detaches the programs named prog from every interface, found by name:
 * the way back when the pins that record them were removed by hand.
 */
int pin_prog_detach_unpinned(const char *prog);

#endif /* __BPFFS_H */
