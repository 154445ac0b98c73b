/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leveled logging to stderr for xdp-lb, and the routing of libbpf's and
 * libxdp's own messages through it: the one way every message leaves.
 *
 * Messages (errors, warnings, progress, debugging) go to stderr through
 * pr_*(); results such as status tables go to stdout with printf().
 *
 * An error is one line that names the command: pr_err() prefixes it with
 * the program and the command set by set_log_prefix(), as in
 * "xdp-lb backend: unknown VIP 10.0.0.10:80/tcp".
 *
 *   level        shown          used for
 *   LOG_WARN     always         problems, including every error
 *   LOG_INFO     by default     what a command did
 *   LOG_DEBUG    with -v        why, details; libbpf/libxdp warnings
 *   LOG_VERBOSE  with -vv       everything, libbpf/libxdp info and debug
 *
 * Library messages are demoted one level (their warnings are only shown at
 * -v: the tool prints its own one-line error instead) and indented, as
 * " libxdp: ..." and "  libbpf: ...".
 *
 * Note: the level names clash with <syslog.h>; don't include both.
 */
#ifndef __LOGGING_H
#define __LOGGING_H

#include <stdio.h>

enum logging_print_level {
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_VERBOSE,
};

void logging_print(enum logging_print_level level, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

void logging_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

#define pr_err(fmt, ...) logging_error(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) logging_print(LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) logging_print(LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) logging_print(LOG_DEBUG, fmt, ##__VA_ARGS__)
#define pr_verbose(fmt, ...) logging_print(LOG_VERBOSE, fmt, ##__VA_ARGS__)

/*
 * Sets the highest level shown (clamped to LOG_WARN..LOG_VERBOSE) and
 * returns the previous one. The default is LOG_INFO; dispatch_commands()
 * sets LOG_INFO + the number of -v.
 */
enum logging_print_level set_log_level(enum logging_print_level level);
enum logging_print_level get_log_level(void);

/* Where messages go: stderr by default; NULL restores stderr (for tests). */
void set_log_stream(FILE *f);
FILE *get_log_stream(void);

/*
 * What pr_err() puts before a message: "prog cmd: ", or "prog: " when cmd
 * is NULL; nothing when both are NULL (the default).
 */
void set_log_prefix(const char *prog, const char *cmd);

/*
 * Routes libbpf and libxdp messages through the logger (see above). Also
 * undoes silence_lib_logging().
 */
void init_lib_logging(void);

/*
 * Drops libbpf and libxdp messages unless the level is LOG_VERBOSE (-vv),
 * until the next init_lib_logging(). Used around loads and attaches whose
 * library noise ("elf: skipping unrecognized data section", probing
 * failures) would only confuse: the caller reports failures itself.
 */
void silence_lib_logging(void);

#endif /* __LOGGING_H */
