/* SPDX-License-Identifier: GPL-2.0 */
/* Leveled logging, error lines and library messages; see logging.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "logging.h"

static enum logging_print_level log_level = LOG_INFO;
static FILE *log_stream;
static bool lib_silenced;
/* "xdp-lb vip", for error lines */
static char log_prefix[64];

static FILE *stream(void)
{
	return log_stream ? log_stream : stderr;
}

static void vlog(enum logging_print_level level, const char *format,
		 va_list args)
{
	FILE *f = stream();

	if (level > log_level)
		return;
	vfprintf(f, format, args);
	fflush(f);
}

void logging_print(enum logging_print_level level, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vlog(level, format, args);
	va_end(args);
}

void set_log_prefix(const char *prog, const char *cmd)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s%s%s", prog ? prog : "",
		 prog && cmd ? " " : "", cmd ? cmd : "");
}

/* Errors are shown at every level: LOG_WARN is the lowest. */
void logging_error(const char *format, ...)
{
	FILE *f = stream();
	va_list args;

	if (log_prefix[0])
		fprintf(f, "%s: ", log_prefix);
	va_start(args, format);
	vfprintf(f, format, args);
	va_end(args);
	fflush(f);
}

enum logging_print_level set_log_level(enum logging_print_level level)
{
	enum logging_print_level old = log_level;

	if ((int)level < LOG_WARN)
		level = LOG_WARN;
	if (level > LOG_VERBOSE)
		level = LOG_VERBOSE;
	log_level = level;
	return old;
}

enum logging_print_level get_log_level(void)
{
	return log_level;
}

void set_log_stream(FILE *f)
{
	log_stream = f;
}

FILE *get_log_stream(void)
{
	return stream();
}

/*
 * Library warnings become LOG_DEBUG, their info and debug LOG_VERBOSE.
 * While silenced, only -vv shows anything at all.
 */
static enum logging_print_level lib_level(bool warn)
{
	if (lib_silenced)
		return LOG_VERBOSE;
	return warn ? LOG_DEBUG : LOG_VERBOSE;
}

/*
 * Both libraries already start their lines with "libbpf: "/"libxdp: "; the
 * tag is added for the few messages without it.
 */
static const char *lib_prefix(const char *format, const char *tag,
			      const char *with_tag, const char *indent)
{
	return strncmp(format, tag, strlen(tag)) ? with_tag : indent;
}

/*
 * A library line, completed with the newline some libxdp messages lack
 * ("couldn't get program fd: %s"), so that the next message starts on a
 * line of its own.
 */
static void lib_vlog(enum logging_print_level level, const char *prefix,
		     const char *format, va_list args)
{
	char buf[512], *msg = buf;
	FILE *f = stream();
	va_list copy;
	int n;

	if (level > log_level)
		return;
	va_copy(copy, args);
	n = vsnprintf(buf, sizeof(buf), format, copy);
	va_end(copy);
	if (n < 0)
		return;
	/* long ones, such as a verifier log, are printed whole */
	if ((size_t)n >= sizeof(buf)) {
		msg = malloc(n + 1);
		if (!msg)
			return;
		va_copy(copy, args);
		vsnprintf(msg, n + 1, format, copy);
		va_end(copy);
	}
	fprintf(f, "%s%s%s", prefix, msg, n && msg[n - 1] == '\n' ? "" : "\n");
	fflush(f);
	if (msg != buf)
		free(msg);
}

static int libbpf_print_cb(enum libbpf_print_level level, const char *format,
			   va_list args)
{
	lib_vlog(lib_level(level == LIBBPF_WARN),
		 lib_prefix(format, "libbpf: ", "  libbpf: ", "  "), format, args);
	return 0;
}

static int libxdp_print_cb(enum libxdp_print_level level, const char *format,
			   va_list args)
{
	lib_vlog(lib_level(level == LIBXDP_WARN),
		 lib_prefix(format, "libxdp: ", " libxdp: ", " "), format, args);
	return 0;
}

void init_lib_logging(void)
{
	lib_silenced = false;
	libbpf_set_print(libbpf_print_cb);
	libxdp_set_print(libxdp_print_cb);
}

void silence_lib_logging(void)
{
	init_lib_logging();
	lib_silenced = true;
}
