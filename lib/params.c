/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommand and option parsing for xdp-lb; see params.h.
 *
 * Options are parsed with getopt_long() in "return in order" mode ("-" at
 * the start of the option string): positionals come back one by one, so
 * options may follow them ("xdp-lb vip 10.0.0.1:80 --proto udp") without
 * getopt permuting argv, and POSIXLY_CORRECT changes nothing. getopt's own
 * messages are off (":" and opterr = 0): every error is one line of ours.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <net/if.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "env.h"
#include "logging.h"
#include "params.h"

#ifndef XDP_LB_VERSION
#define XDP_LB_VERSION "unknown"
#endif
#ifndef LIBBPF_VERSION_STR
#define LIBBPF_VERSION_STR "unknown"
#endif
#ifndef LIBXDP_VERSION_STR
#define LIBXDP_VERSION_STR "unknown"
#endif

/* Help layout: " -w, --weight <N>" is padded to this column. */
#define HELP_COLUMN 28
/* Longest user text quoted back in an error message. */
#define QUOTE_MAX 64

/* getopt values of options without a letter, and of --version. */
#define VAL_LONG_BASE 0x100
#define VAL_VERSION 0x10000
#define VAL_HELP 'h'
#define VAL_VERBOSE 'v'

static FILE *out_file;

static FILE *out_f(void)
{
	return out_file ? out_file : stdout;
}

void params_set_output(FILE *out, FILE *err)
{
	out_file = out;
	set_log_stream(err);
}

/*
 * User text for an error line: at most QUOTE_MAX characters (then "..."),
 * control characters as '?', so that the message stays one short line.
 */
static const char *quote(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i < QUOTE_MAX && i + 4 < len; i++)
		buf[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	if (s[i])
		strcpy(buf + i, "...");
	else
		buf[i] = '\0';
	return buf;
}

#define QUOTE_BUFSIZE (QUOTE_MAX + 4)

/* Iteration over an option table; a NULL table has no options. */
#define FOR_EACH_OPTION(opt, opts)					\
	for ((opt) = (opts); (opt) && (opt)->type != OPT_NONE; (opt)++)

static size_t count_options(const struct prog_option *opts)
{
	const struct prog_option *opt;
	size_t n = 0;

	FOR_EACH_OPTION(opt, opts)
		n++;
	return n;
}

static bool is_multi(const struct prog_option *opt)
{
	return opt->type == OPT_IFNAME_MULTI;
}

static bool takes_arg(const struct prog_option *opt)
{
	return opt->type != OPT_BOOL && opt->type != OPT_COUNT;
}

static bool is_uint_size(size_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static __u64 uint_max(size_t size)
{
	return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

static __u64 u32_max(const struct prog_option *opt)
{
	__u64 max = uint_max(opt->cfg_size);

	if (max > UINT32_MAX)
		max = UINT32_MAX;
	return opt->max && opt->max < max ? opt->max : max;
}

static void store_uint(void *p, size_t size, __u64 v)
{
	switch (size) {
	case 1: *(__u8 *)p = v; break;
	case 2: *(__u16 *)p = v; break;
	case 4: *(__u32 *)p = v; break;
	case 8: *(__u64 *)p = v; break;
	}
}

static __u64 load_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const __u8 *)p;
	case 2: return *(const __u16 *)p;
	case 4: return *(const __u32 *)p;
	case 8: return *(const __u64 *)p;
	}
	return 0;
}

static const char *default_metavar(const struct prog_option *opt)
{
	switch (opt->type) {
	case OPT_U32:
		return "N";
	case OPT_PORT:
		return "port";
	case OPT_IPADDR:
		return "addr";
	case OPT_VIP:
		return "vip";
	case OPT_MACADDR:
		return "mac";
	case OPT_SEED:
		return "hex";
	case OPT_IFNAME_MULTI:
		return "ifname";
	default:
		return opt->name;
	}
}

static const char *metavar(const struct prog_option *opt)
{
	if (opt->metavar)
		return opt->metavar;
	return opt->positional ? opt->name : default_metavar(opt);
}

/* What an error calls the value: "invalid <noun> 'x'". */
static const char *noun(const struct prog_option *opt)
{
	if (opt->noun)
		return opt->noun;
	switch (opt->type) {
	case OPT_VIP:
		return "VIP";
	case OPT_IPADDR:
		return "address";
	case OPT_MACADDR:
		return "MAC address";
	case OPT_PORT:
		return "port";
	case OPT_SEED:
		return "seed";
	case OPT_IFNAME_MULTI:
		return "interface name";
	default:
		return opt->name;
	}
}

/* "native,skb": the names of an OPT_ENUM's values. */
static const char *enum_vals_str(const struct enum_val *v, char *buf,
				 size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; v && v->name && used < len; v++)
		used += snprintf(buf + used, len - used, "%s%s", v->name,
				 v[1].name ? "," : "");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Help and version                                                   */

static void print_help_line(FILE *f, const char *left, const char *help,
			    const struct enum_val *vals)
{
	int n = fprintf(f, "%s", left);
	char names[256];

	if (n >= HELP_COLUMN)
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(f, "%*s", HELP_COLUMN - n, "");
	fprintf(f, "%s", help ? help : "");
	if (vals)
		fprintf(f, "%s(valid values: %s)", help && *help ? " " : "",
			enum_vals_str(vals, names, sizeof(names)));
	fputc('\n', f);
}

/* The defaults' value of an option, as --help shows it ("1", "tcp"). */
static const char *default_str(const struct prog_command *cmd,
			       const struct prog_option *opt, char *buf,
			       size_t len)
{
	const struct enum_val *ev;
	__u64 v = 0;

	if (cmd->defaults)
		v = load_uint((const char *)cmd->defaults + opt->cfg_offset,
			      opt->cfg_size);
	if (opt->type == OPT_ENUM) {
		/* as parse_value() stores it */
		for (ev = opt->enum_vals; ev->name; ev++)
			if (((__u64)(__s64)ev->value & uint_max(opt->cfg_size)) == v)
				return ev->name;
		return "?";
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static void print_option_line(FILE *f, const struct prog_command *cmd,
			      const struct prog_option *opt)
{
	char left[128], help[256], dflt[32];
	const char *text = opt->help;

	if (opt->positional) {
		snprintf(left, sizeof(left), "  <%s>%s", metavar(opt),
			 is_multi(opt) ? "..." : "");
	} else {
		char sh[8] = "    ";

		if (opt->short_opt)
			snprintf(sh, sizeof(sh), "-%c, ", opt->short_opt);
		if (takes_arg(opt))
			snprintf(left, sizeof(left), " %s--%s <%s>", sh, opt->name,
				 metavar(opt));
		else
			snprintf(left, sizeof(left), " %s--%s", sh, opt->name);
	}
	if (opt->show_default) {
		snprintf(help, sizeof(help), "%s; default %s",
			 opt->help ? opt->help : "",
			 default_str(cmd, opt, dflt, sizeof(dflt)));
		text = help;
	}
	print_help_line(f, left, text,
			opt->type == OPT_ENUM ? opt->enum_vals : NULL);
}

/* Where --help lists an option. */
enum help_section {
	HELP_REQUIRED,		/* "Required parameters" */
	HELP_POSITIONAL,	/* "Optional parameters" */
	HELP_OPTION,		/* "Options" */
};

static enum help_section help_section(const struct prog_option *opt)
{
	if (opt->required)
		return HELP_REQUIRED;
	return opt->positional ? HELP_POSITIONAL : HELP_OPTION;
}

/* A section's title and options, if it has any; returns how many. */
static int print_section(FILE *f, const struct prog_command *cmd,
			 enum help_section sec, const char *title)
{
	const struct prog_option *opt;
	int n = 0;

	FOR_EACH_OPTION(opt, cmd->options) {
		if (opt->hidden || help_section(opt) != sec)
			continue;
		if (!n++)
			fprintf(f, "%s:\n", title);
		print_option_line(f, cmd, opt);
	}
	return n;
}

void print_command_usage(FILE *f, const char *prog,
			 const struct prog_command *cmd)
{
	const struct prog_option *opt;

	fprintf(f, "Usage: %s %s [options]", prog, cmd->name);
	FOR_EACH_OPTION(opt, cmd->options) {
		if (!opt->positional)
			continue;
		if (opt->required)
			fprintf(f, " <%s>%s", metavar(opt), is_multi(opt) ? "..." : "");
		else
			fprintf(f, " [<%s>%s]", metavar(opt), is_multi(opt) ? "..." : "");
	}
	fprintf(f, "\n\n");
	if (cmd->doc)
		fprintf(f, " %s\n\n", cmd->doc);

	if (print_section(f, cmd, HELP_REQUIRED, "Required parameters"))
		fputc('\n', f);
	if (print_section(f, cmd, HELP_POSITIONAL, "Optional parameters"))
		fputc('\n', f);
	if (!print_section(f, cmd, HELP_OPTION, "Options"))
		fprintf(f, "Options:\n");
	print_help_line(f, " -v, --verbose",
			"Show more messages (-vv: also libbpf and libxdp debugging)",
			NULL);
	print_help_line(f, "     --version", "Show the version and exit", NULL);
	print_help_line(f, " -h, --help", "Show this help and exit", NULL);
}

void print_commands_help(FILE *f, const char *prog,
			 const struct prog_command *cmds)
{
	const struct prog_command *cmd;

	fprintf(f, "Usage: %s COMMAND [options]\n\n", prog);
	fprintf(f, "COMMAND can be one of:\n");
	for (cmd = cmds; cmd->name; cmd++) {
		if (!cmd->hidden)
			fprintf(f, "       %-12s- %s\n", cmd->name,
				cmd->doc ? cmd->doc : "");
	}
	fprintf(f, "       %-12s- %s\n", "help", "Show this help, or a command's");
	fprintf(f, "\nUse '%s COMMAND --help' to see the options of each command.\n",
		prog);
}

/*
 * The libbpf version is the one running: the full version from configure
 * when it matches, major.minor otherwise (libbpf only reports those two).
 */
void print_version(FILE *f, const char *prog)
{
	char rt[32];
	size_t n;

	n = snprintf(rt, sizeof(rt), "%u.%u", libbpf_major_version(),
		     libbpf_minor_version());
	fprintf(f, "%s version %s using libbpf version %s and libxdp version %s\n",
		prog, XDP_LB_VERSION,
		!strncmp(LIBBPF_VERSION_STR, rt, n) &&
		(LIBBPF_VERSION_STR[n] == '.' || LIBBPF_VERSION_STR[n] == '\0') ?
		LIBBPF_VERSION_STR : rt, LIBXDP_VERSION_STR);
}

/* ------------------------------------------------------------------ */
/* Table checks                                                        */

static size_t expected_size(const struct prog_option *opt)
{
	switch (opt->type) {
	case OPT_BOOL:
		return sizeof(bool);
	case OPT_STRING:
		return sizeof(const char *);
	case OPT_PORT:
		return sizeof(__u16);
	case OPT_IPADDR:
		return sizeof(struct ip_addr);
	case OPT_VIP:
		return sizeof(struct vip_addr);
	case OPT_MACADDR:
		return 6;
	case OPT_SEED:
		return 4 * sizeof(__u32);
	case OPT_IFNAME_MULTI:
		return sizeof(struct iface_list);
	default:
		return 0; /* any unsigned size */
	}
}

static bool reserved_name(const char *name)
{
	return !strcmp(name, "help") || !strcmp(name, "verbose") ||
	       !strcmp(name, "version");
}

static const char *check_option(const struct prog_command *cmd,
				const struct prog_option *opt,
				bool *seen_optional_pos, bool *seen_multi_pos)
{
	const struct prog_option *o;
	size_t size = expected_size(opt);

	if (opt->type <= OPT_NONE || opt->type >= __OPT_MAX)
		return "unknown option type";
	if (!opt->name || !*opt->name || strchr(opt->name, '=') ||
	    strchr(opt->name, ' '))
		return "missing or bad name";
	if (opt->cfg_offset + opt->cfg_size > cmd->cfg_size)
		return "member outside the config struct";
	if (size ? opt->cfg_size != size : !is_uint_size(opt->cfg_size))
		return "member size does not fit the option type";
	if (opt->has_set_flag &&
	    opt->set_flag_offset + sizeof(bool) > cmd->cfg_size)
		return "set flag outside the config struct";
	if (opt->type == OPT_ENUM && (!opt->enum_vals || !opt->enum_vals[0].name))
		return "enum without values";
	if (opt->show_default && opt->type != OPT_U32 && opt->type != OPT_PORT &&
	    opt->type != OPT_ENUM)
		return "no default to show for this option type";
	if (opt->type == OPT_U32 && opt->min > u32_max(opt))
		return "min above max";
	if (reserved_name(opt->name) && !opt->positional)
		return "name clashes with a common option";
	if (opt->positional) {
		if (opt->short_opt)
			return "positional with a short option";
		if (!takes_arg(opt))
			return "positional that takes no value";
		if (*seen_multi_pos)
			return "positional after a multi-valued positional";
		if (opt->required && *seen_optional_pos)
			return "required positional after an optional one";
		if (!opt->required)
			*seen_optional_pos = true;
		if (is_multi(opt))
			*seen_multi_pos = true;
	} else if (opt->short_opt) {
		if (!isalnum((unsigned char)opt->short_opt))
			return "short option must be a letter or digit";
		if (opt->short_opt == 'h' || opt->short_opt == 'v')
			return "short option clashes with -h or -v";
	}
	if (opt->max_num && opt->min_num > opt->max_num)
		return "min_num above max_num";
	for (o = cmd->options; o != opt; o++) {
		if (!strcmp(o->name, opt->name))
			return "duplicate name";
		if (opt->short_opt && o->short_opt == opt->short_opt)
			return "duplicate short option";
	}
	return NULL;
}

int check_command_table(const char *prog, const struct prog_command *cmds,
			FILE *err)
{
	const struct prog_command *cmd, *c;
	const struct prog_option *opt;
	int ret = 0;

	for (cmd = cmds; cmd->name; cmd++) {
		bool opt_pos = false, multi_pos = false;
		const char *why = NULL;

		if (!*cmd->name || !strcmp(cmd->name, "help") || cmd->name[0] == '-')
			why = "bad command name";
		else if (!cmd->func)
			why = "no handler";
		for (c = cmds; !why && c != cmd; c++)
			if (!strcmp(c->name, cmd->name))
				why = "duplicate command";
		if (why) {
			fprintf(err, "%s: internal error in command '%s': %s\n",
				prog, cmd->name, why);
			ret = -EINVAL;
		}
		FOR_EACH_OPTION(opt, cmd->options) {
			why = check_option(cmd, opt, &opt_pos, &multi_pos);
			if (!why)
				continue;
			fprintf(err, "%s: internal error in command '%s', option '%s': %s\n",
				prog, cmd->name, opt->name ? opt->name : "?", why);
			ret = -EINVAL;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

struct parse_ctx {
	const char *prog;
	const struct prog_command *cmd;
	char *cfg;
	bool *seen;		/* per option */
};

static int append_iface(struct parse_ctx *ctx, const struct prog_option *opt,
			const char *name)
{
	struct iface_list *l = (void *)(ctx->cfg + opt->cfg_offset);
	char (*names)[IF_NAMESIZE];
	char q[QUOTE_BUFSIZE];
	size_t len = strnlen(name, IF_NAMESIZE);
	unsigned int idx;
	int *indexes;

	if (!len || len >= IF_NAMESIZE) {
		pr_err("invalid %s '%s': must be 1 to %d characters\n", noun(opt),
		       quote(name, q, sizeof(q)), IF_NAMESIZE - 1);
		return -EINVAL;
	}
	idx = if_nametoindex(name);
	if (!idx) {
		pr_err("interface '%s' not found\n",
		       quote(name, q, sizeof(q)));
		return -ENODEV;
	}
	if (opt->max_num && (unsigned int)l->count >= opt->max_num) {
		pr_err("too many values for <%s> (at most %u)\n", metavar(opt),
		       opt->max_num);
		return -E2BIG;
	}
	names = realloc(l->names, (l->count + 1) * sizeof(*names));
	if (!names)
		goto nomem;
	l->names = names;
	indexes = realloc(l->indexes, (l->count + 1) * sizeof(*indexes));
	if (!indexes)
		goto nomem;
	l->indexes = indexes;
	memcpy(l->names[l->count], name, len + 1);
	l->indexes[l->count] = idx;
	l->count++;
	return 0;
nomem:
	pr_err("out of memory\n");
	return -ENOMEM;
}

/* Parses one value (an option's argument or a positional) into cfg. */
static int parse_value(struct parse_ctx *ctx, const struct prog_option *opt,
		       const char *arg)
{
	char q[QUOTE_BUFSIZE], reason[320];
	void *p = ctx->cfg + opt->cfg_offset;
	const struct enum_val *ev;
	const char *why = NULL;
	int err = 0;
	__u32 v;

	switch (opt->type) {
	case OPT_BOOL:
		*(bool *)p = true;
		break;
	case OPT_COUNT:
		store_uint(p, opt->cfg_size, load_uint(p, opt->cfg_size) + 1);
		break;
	case OPT_STRING:
		*(const char **)p = arg;
		break;
	case OPT_U32:
		if (u32_parse(arg, opt->min, u32_max(opt), &v)) {
			snprintf(reason, sizeof(reason),
				 "must be an integer from %llu to %llu",
				 (unsigned long long)opt->min,
				 (unsigned long long)u32_max(opt));
			why = reason;
		} else if (!opt->check || !(why = opt->check(v))) {
			store_uint(p, opt->cfg_size, v);
		}
		break;
	case OPT_ENUM:
		for (ev = opt->enum_vals; ev->name; ev++)
			if (!strcasecmp(ev->name, arg))
				break;
		if (ev->name) {
			store_uint(p, opt->cfg_size, (__u64)(__s64)ev->value);
			break;
		}
		strcpy(reason, "must be one of ");
		enum_vals_str(opt->enum_vals, reason + strlen(reason),
			      sizeof(reason) - strlen(reason));
		why = reason;
		break;
	case OPT_PORT:
		if (port_parse(arg, p))
			why = "must be 1-65535";
		break;
	case OPT_IPADDR:
	case OPT_VIP: {
		union lb_addr *addr;
		__u8 *family;

		if (opt->type == OPT_VIP) {
			struct vip_addr *va = p;

			family = &va->family;
			addr = &va->addr;
			err = vip_parse(arg, family, addr, &va->port);
		} else {
			struct ip_addr *a = p;

			family = &a->family;
			addr = &a->addr;
			err = addr_parse(arg, family, addr);
		}
		why = err ? addr_strerror(err) : addr_unusable(*family, addr);
		break;
	}
	case OPT_MACADDR:
		if (mac_parse(arg, p))
			why = "must be six pairs of hex digits like aa:bb:cc:dd:ee:ff";
		break;
	case OPT_SEED:
		if (seed_parse(arg, p))
			why = "must be 1 to 32 hex digits, optionally after 0x";
		break;
	case OPT_IFNAME_MULTI:
		err = append_iface(ctx, opt, arg);
		if (err)
			return err;
		break;
	default:
		return -EINVAL;
	}
	if (why) {
		pr_err("invalid %s '%s': %s\n", noun(opt),
		       quote(arg, q, sizeof(q)), why);
		return -EINVAL;
	}
	if (opt->has_set_flag)
		*(bool *)(ctx->cfg + opt->set_flag_offset) = true;
	ctx->seen[opt - ctx->cmd->options] = true;
	return 0;
}

static const struct prog_option *option_by_val(const struct prog_command *cmd,
					       int val)
{
	const struct prog_option *opt;

	FOR_EACH_OPTION(opt, cmd->options) {
		if (opt->positional)
			continue;
		if (val < VAL_LONG_BASE ? opt->short_opt == val :
		    val - VAL_LONG_BASE == opt - cmd->options)
			return opt;
	}
	return NULL;
}

/* The canonical spelling of an option getopt reported by value. */
static const char *val_name(const struct prog_command *cmd, int val)
{
	const struct prog_option *opt = option_by_val(cmd, val);

	if (opt)
		return opt->name;
	switch (val) {
	case VAL_HELP:
		return "help";
	case VAL_VERBOSE:
		return "verbose";
	case VAL_VERSION:
		return "version";
	}
	return NULL;
}

/* getopt returned '?': says which option is unknown, ambiguous or misused. */
static void bad_option(struct parse_ctx *ctx, const struct option *lopts,
		       int argc, char **argv)
{
	const char *cmd = ctx->cmd->name, *text, *name;
	char q[QUOTE_BUFSIZE], cand[256] = "";
	const struct option *lo;
	size_t len, used = 0;
	int n = 0;

	if (optopt && (name = val_name(ctx->cmd, optopt))) {
		pr_err("option '--%s' takes no argument\n", name);
		return;
	}
	if (optopt) {
		char s[2] = { (char)optopt, '\0' };

		pr_err("unknown option '-%s', see '%s %s --help'\n",
		       quote(s, q, sizeof(q)), ctx->prog, cmd);
		return;
	}
	/* a long option: getopt has stepped past it */
	text = optind > 1 && optind <= argc ? argv[optind - 1] : "?";
	if (!strncmp(text, "--", 2)) {
		name = text + 2;
		len = strcspn(name, "=");
		for (lo = lopts; len && lo->name; lo++) {
			if (strncmp(lo->name, name, len))
				continue;
			n++;
			if (used < sizeof(cand) - 1)
				used += snprintf(cand + used, sizeof(cand) - used,
						 "%s--%s", n > 1 ? ", " : "", lo->name);
		}
	}
	if (n > 1)
		pr_err("option '%s' is ambiguous (%s)\n",
		       quote(text, q, sizeof(q)), cand);
	else
		pr_err("unknown option '%s', see '%s %s --help'\n",
		       quote(text, q, sizeof(q)), ctx->prog, cmd);
}

static int parse_positionals(struct parse_ctx *ctx, char **pos, int npos)
{
	const struct prog_option *opt;
	char q[QUOTE_BUFSIZE];
	int i = 0, nslots = 0, err;
	bool multi = false;

	FOR_EACH_OPTION(opt, ctx->cmd->options) {
		if (!opt->positional)
			continue;
		nslots++;
		if (is_multi(opt)) {
			multi = true;
			if (opt->max_num && npos >= nslots &&
			    (unsigned int)(npos - nslots + 1) > opt->max_num) {
				pr_err("too many values for <%s> (at most %u)\n",
				       metavar(opt), opt->max_num);
				return -E2BIG;
			}
		}
	}
	if (!multi && npos > nslots) {
		pr_err("unexpected extra argument '%s'\n",
		       quote(pos[nslots], q, sizeof(q)));
		return -E2BIG;
	}

	FOR_EACH_OPTION(opt, ctx->cmd->options) {
		if (!opt->positional)
			continue;
		do {
			if (i >= npos)
				return 0;
			err = parse_value(ctx, opt, pos[i++]);
			if (err)
				return err;
		} while (is_multi(opt));
	}
	return 0;
}

static int check_required(struct parse_ctx *ctx)
{
	const struct prog_option *opt;
	const struct iface_list *l;

	FOR_EACH_OPTION(opt, ctx->cmd->options) {
		bool seen = ctx->seen[opt - ctx->cmd->options];

		if (opt->required && !seen) {
			if (opt->positional)
				pr_err("missing required parameter <%s>\n", metavar(opt));
			else
				pr_err("missing required option --%s\n", opt->name);
			return -EINVAL;
		}
		if (!is_multi(opt) || !seen)
			continue;
		l = (const void *)(ctx->cfg + opt->cfg_offset);
		if ((unsigned int)l->count < opt->min_num) {
			pr_err("too few values for <%s> (at least %u)\n",
			       metavar(opt), opt->min_num);
			return -EINVAL;
		}
	}
	return 0;
}

int parse_command_line(const char *prog, const struct prog_command *cmd,
		       int argc, char **argv, void *cfg, unsigned int *verbose)
{
	size_t nopts = count_options(cmd->options), nchars = 0, i;
	struct parse_ctx ctx = { .prog = prog, .cmd = cmd, .cfg = cfg };
	const struct prog_option *opt;
	struct option *lopts = NULL;
	unsigned int nverbose = 0;
	char **pos = NULL, *sopts = NULL;
	int npos = 0, c, err;

	set_log_prefix(prog, cmd->name);
	if (cmd->defaults)
		memcpy(cfg, cmd->defaults, cmd->cfg_size);
	else
		memset(cfg, 0, cmd->cfg_size);

	err = -ENOMEM;
	ctx.seen = calloc(nopts + 1, sizeof(*ctx.seen));
	lopts = calloc(nopts + 4, sizeof(*lopts));
	sopts = calloc(2 * nopts + 8, 1);
	pos = calloc(argc + 1, sizeof(*pos));
	if (!ctx.seen || !lopts || !sopts || !pos) {
		pr_err("out of memory\n");
		goto out;
	}

	/* "-" returns positionals in order, ":" reports missing arguments */
	sopts[nchars++] = '-';
	sopts[nchars++] = ':';
	i = 0;
	FOR_EACH_OPTION(opt, cmd->options) {
		size_t idx = opt - cmd->options;

		if (opt->positional)
			continue;
		lopts[i].name = opt->name;
		lopts[i].has_arg = takes_arg(opt) ? required_argument : no_argument;
		lopts[i].val = opt->short_opt ? opt->short_opt : (int)(VAL_LONG_BASE + idx);
		i++;
		if (opt->short_opt) {
			sopts[nchars++] = opt->short_opt;
			if (takes_arg(opt))
				sopts[nchars++] = ':';
		}
	}
	lopts[i++] = (struct option){ "verbose", no_argument, NULL, VAL_VERBOSE };
	lopts[i++] = (struct option){ "version", no_argument, NULL, VAL_VERSION };
	lopts[i++] = (struct option){ "help", no_argument, NULL, VAL_HELP };
	strcpy(sopts + nchars, "hv");

	/* optind = 0 makes glibc start over, whatever an earlier parse left */
	optind = 0;
	opterr = 0;
	err = -EINVAL;
	while ((c = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		switch (c) {
		case 1:
			pos[npos++] = optarg;
			continue;
		case VAL_HELP:
			print_command_usage(out_f(), prog, cmd);
			err = PARAMS_DONE;
			goto out;
		case VAL_VERSION:
			print_version(out_f(), prog);
			err = PARAMS_DONE;
			goto out;
		case VAL_VERBOSE:
			nverbose++;
			continue;
		case ':':
			pr_err("option '--%s' needs a value\n",
			       val_name(cmd, optopt) ?: "?");
			err = -EINVAL;
			goto out;
		case '?':
			bad_option(&ctx, lopts, argc, argv);
			err = -EINVAL;
			goto out;
		}
		opt = option_by_val(cmd, c);
		if (!opt) {
			pr_err("internal error: option %d\n", c);
			err = -EINVAL;
			goto out;
		}
		err = parse_value(&ctx, opt, takes_arg(opt) ? optarg : NULL);
		if (err)
			goto out;
	}
	/* after "--" everything is positional */
	while (optind < argc)
		pos[npos++] = argv[optind++];

	err = parse_positionals(&ctx, pos, npos);
	if (err)
		goto out;
	err = check_required(&ctx);
	if (err)
		goto out;
	if (verbose)
		*verbose = nverbose;
out:
	free(ctx.seen);
	free(lopts);
	free(sopts);
	free(pos);
	return err;
}

void free_command_cfg(const struct prog_command *cmd, void *cfg)
{
	const struct prog_option *opt;
	struct iface_list *l;

	if (!cfg)
		return;
	FOR_EACH_OPTION(opt, cmd->options) {
		if (!is_multi(opt))
			continue;
		l = (void *)((char *)cfg + opt->cfg_offset);
		free(l->names);
		free(l->indexes);
		memset(l, 0, sizeof(*l));
	}
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

/* The built-in "help" command is matched like the others. */
static const struct prog_command help_cmd = { .name = "help" };

/* Counts and lists (in cand) the commands of which word is a prefix. */
static void match_prefix(const struct prog_command *cmd, const char *word,
			 const struct prog_command **found, int *n,
			 char *cand, size_t size)
{
	size_t used = strlen(cand);

	if (strncmp(cmd->name, word, strlen(word)))
		return;
	*found = cmd;
	(*n)++;
	if (used < size - 1)
		snprintf(cand + used, size - used, "%s%s", *n > 1 ? ", " : "",
			 cmd->name);
}

/*
 * Finds the command a word names: exactly, or as the prefix of exactly
 * one. Prints the error and returns NULL otherwise.
 */
static const struct prog_command *find_command(const char *prog,
					       const struct prog_command *cmds,
					       const char *word)
{
	const struct prog_command *cmd, *found = NULL;
	char q[QUOTE_BUFSIZE], cand[256] = "";
	int n = 0;

	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, word))
			return cmd;
	if (!strcmp(help_cmd.name, word))
		return &help_cmd;
	if (*word) {
		for (cmd = cmds; cmd->name; cmd++)
			match_prefix(cmd, word, &found, &n, cand, sizeof(cand));
		match_prefix(&help_cmd, word, &found, &n, cand, sizeof(cand));
	}
	if (n == 1)
		return found;
	if (n > 1)
		pr_err("command '%s' is ambiguous (%s), try '%s help'\n",
		       quote(word, q, sizeof(q)), cand, prog);
	else
		pr_err("command '%s' is unknown, try '%s help'\n",
		       quote(word, q, sizeof(q)), prog);
	return NULL;
}

static int do_help(const char *prog, const struct prog_command *cmds,
		   int argc, char **argv)
{
	const struct prog_command *cmd;
	char q[QUOTE_BUFSIZE];

	if (argc > 2) {
		set_log_prefix(prog, "help");
		pr_err("unexpected extra argument '%s'\n",
		       quote(argv[2], q, sizeof(q)));
		return 1;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_commands_help(out_f(), prog, cmds);
		return 0;
	}
	cmd = find_command(prog, cmds, argv[1]);
	if (!cmd)
		return 1;
	if (cmd == &help_cmd)
		print_commands_help(out_f(), prog, cmds);
	else
		print_command_usage(out_f(), prog, cmd);
	return 0;
}

int dispatch_commands(const char *prog, int argc, char **argv,
		      const struct prog_command *cmds, const char *pin_root)
{
	const struct prog_command *cmd;
	unsigned int verbose = 0;
	char q[QUOTE_BUFSIZE];
	void *cfg = NULL;
	int ret;

	set_log_prefix(prog, NULL);
	if (argc < 2) {
		print_commands_help(get_log_stream(), prog, cmds);
		return 1;
	}
	if (argv[1][0] == '-' && argv[1][1]) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			print_commands_help(out_f(), prog, cmds);
			return 0;
		}
		if (!strcmp(argv[1], "--version")) {
			print_version(out_f(), prog);
			return 0;
		}
		pr_err("unknown option '%s', options go after the command, try '%s help'\n",
		       quote(argv[1], q, sizeof(q)), prog);
		return 1;
	}
	cmd = find_command(prog, cmds, argv[1]);
	if (!cmd)
		return 1;
	if (cmd == &help_cmd)
		return do_help(prog, cmds, argc - 1, argv + 1);

	/* a table mistake must not look like a user error, nor crash */
	if (check_command_table(prog, (struct prog_command[]){ *cmd, END_COMMANDS },
				get_log_stream()))
		return 1;
	set_log_prefix(prog, cmd->name);

	cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
	if (!cfg) {
		pr_err("out of memory\n");
		return 1;
	}
	ret = parse_command_line(prog, cmd, argc - 1, argv + 1, cfg, &verbose);
	if (ret) {
		ret = ret == PARAMS_DONE ? 0 : 1;
		goto out;
	}
	/* set_log_level() clamps to LOG_VERBOSE */
	set_log_level((enum logging_print_level)(LOG_INFO + verbose));
	init_lib_logging();
	ret = env_check(cmd->needs) ?: cmd->func(cfg, pin_root);
	if (ret < 0 || ret > 255)
		ret = 1;
out:
	free_command_cfg(cmd, cfg);
	free(cfg);
	return ret;
}
