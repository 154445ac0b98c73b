/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the environment must offer a command before it touches any state:
 * privileges, and bpffs. A command table says what each command needs
 * (struct prog_command's .needs); dispatch_commands() checks it after
 * parsing, so that bad arguments are reported first.
 */
#ifndef __ENV_H
#define __ENV_H

enum env_need {
	/* root, with CAP_SYS_ADMIN (or CAP_BPF) and CAP_NET_ADMIN */
	ENV_ROOT = 1 << 0,
	/* bpffs at bpffs_mount_point(), mounted here if need be */
	ENV_BPFFS = 1 << 1,
};

/*
 * Checks the needs (a mask of enum env_need) in that order; prints the
 * first one missing as an error line and returns a negative errno.
 */
int env_check(unsigned int needs);

#endif /* __ENV_H */
