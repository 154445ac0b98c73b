/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven subcommands and options: "xdp-lb COMMAND [options] ARGS".
 *
 * A command is declared as a config struct, a const instance of it holding
 * the defaults, a table of options naming the struct's members, and an
 * entry in the command table:
 *
 *	struct backend_cfg {
 *		struct vip_addr vip;
 *		struct ip_addr addr;
 *		int proto;
 *		__u32 weight;
 *		bool weight_set;
 *		bool remove;
 *	};
 *	static const struct backend_cfg defaults_backend = {
 *		.proto = IPPROTO_TCP, .weight = 1,
 *	};
 *	static const struct enum_val proto_vals[] = {
 *		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { NULL, 0 }
 *	};
 *	static const struct prog_option backend_options[] = {
 *		DEFINE_OPTION("proto", OPT_ENUM, struct backend_cfg, proto,
 *			      .short_opt = 'p', .enum_vals = proto_vals,
 *			      .help = "Protocol of the VIP; default tcp"),
 *		DEFINE_OPTION("weight", OPT_U32, struct backend_cfg, weight,
 *			      .short_opt = 'w', .metavar = "N", .max = 65535,
 *			      OPT_SET_FLAG(struct backend_cfg, weight_set),
 *			      .help = "Relative share of new flows; default 1"),
 *		DEFINE_OPTION("remove", OPT_BOOL, struct backend_cfg, remove,
 *			      .short_opt = 'r', .help = "Remove the backend"),
 *		DEFINE_OPTION("vip", OPT_VIP, struct backend_cfg, vip,
 *			      .positional = true, .required = true,
 *			      .help = "The VIP: ADDR[:PORT] or [IPV6]:PORT"),
 *		DEFINE_OPTION("addr", OPT_IPADDR, struct backend_cfg, addr,
 *			      .positional = true, .required = true,
 *			      .noun = "backend address", .help = "Backend address"),
 *		END_OPTIONS
 *	};
 *	static int do_backend(const void *cfg, const char *pin_root);
 *
 *	static const struct prog_command cmds[] = {
 *		DEFINE_COMMAND("backend", do_backend, struct backend_cfg,
 *			       backend_options, &defaults_backend,
 *			       "Add, change or remove a backend of a VIP"),
 *		END_COMMANDS
 *	};
 *	int main(int argc, char **argv)
 *	{
 *		return dispatch_commands("xdp-lb", argc, argv, cmds, pin_root);
 *	}
 *
 * -h/--help, -v/--verbose (repeatable) and --version are added to every
 * command; "help" is a built-in command. Commands match by unique prefix.
 *
 * Parsing copies the defaults, then applies the options in the order given
 * (a repeated option: the last one wins, OPT_IFNAME_MULTI appends), then the
 * positionals, then checks the required ones. The first problem is printed
 * as one error line (logging.h's pr_err(), on stderr), "xdp-lb backend:
 * invalid weight 'x': must be an integer from 0 to 65535", and the exit
 * status is 1. Nothing here calls exit().
 */
#ifndef __PARAMS_H
#define __PARAMS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>

#include "addr.h"

enum option_type {
	OPT_NONE = 0,		/* only in END_OPTIONS */
	OPT_BOOL,		/* bool: set to true; takes no argument */
	OPT_COUNT,		/* unsigned integer (1/2/4/8 bytes): +1 per use; no argument */
	OPT_STRING,		/* const char *: points into argv, any length */
	OPT_U32,		/* unsigned integer (1/2/4/8 bytes): decimal in .min-.max */
	OPT_ENUM,		/* int or enum: the value of one .enum_vals name */
	OPT_PORT,		/* __u16, host byte order: 1-65535 */
	OPT_IPADDR,		/* struct ip_addr (addr.h): see addr_parse() */
	OPT_VIP,		/* struct vip_addr (addr.h): see vip_parse() */
	OPT_MACADDR,		/* __u8[6] */
	OPT_SEED,		/* __u32[4]: see seed_parse() */
	OPT_IFNAME_MULTI,	/* struct iface_list: interfaces, resolved to ifindexes */
	__OPT_MAX,
};

struct enum_val {
	const char *name;	/* matched case-insensitively */
	int value;
};

/*
 * OPT_IFNAME_MULTI: names[i] exists, with ifindex indexes[i], at parse time.
 * The arrays are allocated while parsing and freed after the command
 * returns (free_command_cfg()); defaults must leave the list empty.
 */
struct iface_list {
	int count;
	char (*names)[IF_NAMESIZE];
	int *indexes;
};

struct prog_option {
	enum option_type type;
	const char *name;	/* long option, or the positional's name */
	size_t cfg_offset;	/* where the value goes, from DEFINE_OPTION */
	size_t cfg_size;
	char short_opt;		/* 0: long option only; never for positionals */
	const char *metavar;	/* "--weight <N>"; default by type ("<proto>") */
	const char *help;	/* one line; OPT_ENUM adds "(valid values: ...)" */
	const char *noun;	/* "invalid <noun> 'x'"; default by type or name */
	bool positional;	/* in order; an OPT_IFNAME_MULTI one takes the rest */
	bool required;
	bool hidden;		/* not listed by --help */
	__u64 min, max;		/* OPT_U32: range; max 0 = the member's maximum */
	/* OPT_U32: NULL if fine, else the reason ("must be a prime number") */
	const char *(*check)(__u64 value);
	unsigned int min_num;	/* OPT_IFNAME_MULTI: at least this many if any */
	unsigned int max_num;	/* OPT_IFNAME_MULTI: 0 = no limit */
	const struct enum_val *enum_vals;	/* OPT_ENUM; ends with { NULL } */
	bool has_set_flag;	/* set through OPT_SET_FLAG() */
	size_t set_flag_offset;	/* a bool member set to true when given */
	/*
	 * --help adds "; default <value>", the value the command's defaults
	 * hold (OPT_U32, OPT_PORT, OPT_ENUM), so the help cannot drift from
	 * them.
	 */
	bool show_default;
};

#define DEFINE_OPTION(_name, _type, _cfgtype, _member, ...)		\
	{ .name = (_name), .type = (_type),				\
	  .cfg_offset = offsetof(_cfgtype, _member),			\
	  .cfg_size = sizeof(((_cfgtype *)0)->_member),			\
	  __VA_ARGS__ }

/* Marks in a bool member whether the option (or positional) was given. */
#define OPT_SET_FLAG(_cfgtype, _member)					\
	.has_set_flag = true, .set_flag_offset = offsetof(_cfgtype, _member)

#define END_OPTIONS { .type = OPT_NONE }

/*
 * The handler's return value is the exit status: 0, or 1 for any error;
 * a negative errno also becomes 1 (anything above 255 too).
 */
typedef int (*prog_command_fn)(const void *cfg, const char *pin_root);

struct prog_command {
	const char *name;
	prog_command_fn func;
	const struct prog_option *options;	/* NULL: common options only */
	const void *defaults;			/* NULL: all zero */
	size_t cfg_size;
	const char *doc;			/* one line, for both helps */
	bool hidden;				/* not in the top-level help */
	unsigned int needs;			/* env_check() before func (env.h) */
};

/*
 * _defaults must point to a _cfgtype (or be NULL): checked at compile time.
 * More members may follow: DEFINE_COMMAND(..., "Doc", .needs = ENV_ROOT).
 */
#define DEFINE_COMMAND(_name, _func, _cfgtype, _options, _defaults, _doc, ...) \
	{ .name = (_name), .func = (_func), .options = (_options),	\
	  .defaults = (1 ? (_defaults) : (const _cfgtype *)0),		\
	  .cfg_size = sizeof(_cfgtype), .doc = (_doc), __VA_ARGS__ }

#define END_COMMANDS { .name = NULL }

/*
 * Turns "int fn(const struct x_cfg *cfg, const char *pin_root)" into a
 * prog_command_fn called _wrapper.
 */
#define DEFINE_HANDLER(_wrapper, _fn, _cfgtype)				\
	static int _wrapper(const void *cfg, const char *pin_root)	\
	{								\
		return _fn((const _cfgtype *)cfg, pin_root);		\
	}

/*
 * Runs "prog COMMAND [options] ARGS" from main()'s argc/argv (argv[0] is
 * ignored): matches the command, parses its options into a fresh config,
 * sets the log level (LOG_INFO + the number of -v) and the error prefix
 * ("prog cmd"), calls init_lib_logging(), checks what cmd->needs
 * (env_check()) and then calls cmd->func(cfg, pin_root). pin_root is only
 * passed through. Returns the exit status:
 *   - the handler's (normalized: 0, or 1 on any error);
 *   - 0 after -h/--help, --version, "help" and "help COMMAND" (on stdout);
 *   - 1 after a usage error (one line on stderr), when the environment
 *     lacks what the command needs, and with no command at all (the
 *     top-level help, on stderr).
 */
int dispatch_commands(const char *prog, int argc, char **argv,
		      const struct prog_command *cmds, const char *pin_root);

/*
 * parse_command_line(): --help or --version was handled, don't run. An
 * errno like every other result, but never one of a parse error.
 */
#define PARAMS_DONE (-ECANCELED)

/*
 * The parsing step of dispatch_commands(): argv[0] is the command word,
 * cfg holds cmd->cfg_size bytes. Returns 0 (cfg is ready; *verbose, if
 * not NULL, gets the number of -v), PARAMS_DONE, or another negative
 * errno after printing the error line. Call free_command_cfg() in every
 * case.
 */
int parse_command_line(const char *prog, const struct prog_command *cmd,
		       int argc, char **argv, void *cfg, unsigned int *verbose);
void free_command_cfg(const struct prog_command *cmd, void *cfg);

/*
 * Checks a command table for mistakes (member sizes that do not fit the
 * option type, clashing names or letters, positional order...). Prints
 * one line per problem to err and returns 0 or -EINVAL. dispatch_commands()
 * checks the command it runs and reports "internal error".
 */
int check_command_table(const char *prog, const struct prog_command *cmds,
			FILE *err);

/* "prog cmd --help": usage line, doc, required parameters, options. */
void print_command_usage(FILE *f, const char *prog,
			 const struct prog_command *cmd);
/* The top-level help: the commands with their doc lines. */
void print_commands_help(FILE *f, const char *prog,
			 const struct prog_command *cmds);
/* "prog version X using libbpf version Y and libxdp version Z" */
void print_version(FILE *f, const char *prog);

/*
 * Where dispatch_commands() and parse_command_line() write: out for help
 * and version, err for errors (it becomes logging's stream, see
 * set_log_stream()). NULL restores stdout/stderr (for tests).
 */
void params_set_output(FILE *out, FILE *err);

#endif /* __PARAMS_H */
