// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command-line layer (lib/params.c, lib/logging.c).
 *
 * A toy command table mirrors xdp-lb's grammar; its handlers only record
 * what they were given. Each case runs dispatch_commands() with stdout and
 * stderr captured in memory and checks the exit status and the exact
 * output: one line on stderr for every usage error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "addr.h"
#include "format.h"
#include "logging.h"
#include "maglev.h"
#include "params.h"

#define PROG "xdp-lb"
#define LONG_LEN (100 * 1024)

/* ---- the toy command table ---------------------------------------- */

enum { MODE_NATIVE = 1, MODE_SKB = 2 };

struct load_cfg {
	int mode;
	__u32 priority;
	__u32 flows;
	__u32 seed[4];
	bool seed_set;
	struct iface_list ifaces;
};

struct unload_cfg {
	bool all;
	bool keep_maps;
	struct iface_list ifaces;
};

struct status_cfg {
	bool json;
};

struct vip_cfg {
	struct vip_addr vip;
	int proto;
	struct ip_addr snat;
	bool snat_set;
	__u32 ring_size;
	bool remove;
};

struct backend_cfg {
	struct vip_addr vip;
	struct ip_addr addr;
	int proto;
	__u16 port;
	bool port_set;
	__u32 weight;
	bool weight_set;
	__u8 mac[6];
	bool mac_set;
	bool remove;
};

struct stats_cfg {
	__u32 interval;
	__u32 count;
	bool json;
};

static const struct enum_val mode_vals[] = {
	{ "native", MODE_NATIVE }, { "skb", MODE_SKB }, { NULL, 0 }
};

static const struct enum_val proto_vals[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { NULL, 0 }
};

static const struct load_cfg defaults_load = {
	.mode = MODE_NATIVE, .priority = 30,
};
static const struct unload_cfg defaults_unload = {};
static const struct vip_cfg defaults_vip = {
	.proto = IPPROTO_TCP, .ring_size = LB_RING_SIZE_DEFAULT,
};
static const struct backend_cfg defaults_backend = {
	.proto = IPPROTO_TCP, .weight = 1,
};
static const struct stats_cfg defaults_stats = { .interval = 1 };

static const struct prog_option load_options[] = {
	DEFINE_OPTION("mode", OPT_ENUM, struct load_cfg, mode,
		      .short_opt = 'm', .enum_vals = mode_vals,
		      .help = "Attach mode; default native"),
	DEFINE_OPTION("priority", OPT_U32, struct load_cfg, priority,
		      .short_opt = 'P', .min = 1, .max = 1000,
		      .help = "Run priority under libxdp's dispatcher; default 30"),
	DEFINE_OPTION("flows", OPT_U32, struct load_cfg, flows,
		      .short_opt = 'f', .min = 1024, .max = 1U << 24,
		      .help = "Connection-table size"),
	DEFINE_OPTION("seed", OPT_SEED, struct load_cfg, seed,
		      .short_opt = 's', OPT_SET_FLAG(struct load_cfg, seed_set),
		      .help = "Flow hash key, up to 32 hex digits"),
	DEFINE_OPTION("ifname", OPT_IFNAME_MULTI, struct load_cfg, ifaces,
		      .positional = true, .required = true, .max_num = 8,
		      .help = "Interfaces to load on"),
	END_OPTIONS
};

static const struct prog_option unload_options[] = {
	DEFINE_OPTION("all", OPT_BOOL, struct unload_cfg, all,
		      .short_opt = 'a', .help = "Unload from every interface"),
	DEFINE_OPTION("keep-maps", OPT_BOOL, struct unload_cfg, keep_maps,
		      .short_opt = 'k', .help = "Keep the configuration"),
	DEFINE_OPTION("ifname", OPT_IFNAME_MULTI, struct unload_cfg, ifaces,
		      .positional = true, .help = "Interfaces to unload from"),
	END_OPTIONS
};

static const struct prog_option status_options[] = {
	DEFINE_OPTION("json", OPT_BOOL, struct status_cfg, json,
		      .short_opt = 'j', .help = "Print JSON"),
	END_OPTIONS
};

static const struct prog_option vip_options[] = {
	DEFINE_OPTION("proto", OPT_ENUM, struct vip_cfg, proto,
		      .short_opt = 'p', .enum_vals = proto_vals,
		      .help = "Protocol; default tcp"),
	DEFINE_OPTION("snat", OPT_IPADDR, struct vip_cfg, snat,
		      .short_opt = 's', .noun = "SNAT address",
		      OPT_SET_FLAG(struct vip_cfg, snat_set),
		      .help = "Source address towards the backends"),
	DEFINE_OPTION("ring-size", OPT_U32, struct vip_cfg, ring_size,
		      .min = 3, .max = LB_RING_SIZE_MAX, .check = maglev_size_check,
		      .help = "Maglev table size, a prime; default 65537"),
	DEFINE_OPTION("remove", OPT_BOOL, struct vip_cfg, remove,
		      .short_opt = 'r', .help = "Remove the VIP"),
	DEFINE_OPTION("vip", OPT_VIP, struct vip_cfg, vip,
		      .positional = true, .required = true,
		      .help = "ADDR[:PORT] or [IPV6]:PORT"),
	END_OPTIONS
};

static const struct prog_option backend_options[] = {
	DEFINE_OPTION("proto", OPT_ENUM, struct backend_cfg, proto,
		      .short_opt = 'p', .enum_vals = proto_vals,
		      .help = "Protocol of the VIP; default tcp"),
	DEFINE_OPTION("port", OPT_PORT, struct backend_cfg, port,
		      .short_opt = 'P', OPT_SET_FLAG(struct backend_cfg, port_set),
		      .help = "Backend port; default the VIP's"),
	DEFINE_OPTION("weight", OPT_U32, struct backend_cfg, weight,
		      .short_opt = 'w', .max = 65535,
		      OPT_SET_FLAG(struct backend_cfg, weight_set),
		      .help = "Relative share of new flows; default 1"),
	DEFINE_OPTION("mac", OPT_MACADDR, struct backend_cfg, mac,
		      .short_opt = 'M', OPT_SET_FLAG(struct backend_cfg, mac_set),
		      .help = "Backend MAC address, instead of the neighbour table"),
	DEFINE_OPTION("remove", OPT_BOOL, struct backend_cfg, remove,
		      .short_opt = 'r', .help = "Remove the backend"),
	DEFINE_OPTION("vip", OPT_VIP, struct backend_cfg, vip,
		      .positional = true, .required = true,
		      .help = "The VIP, as given to 'vip'"),
	DEFINE_OPTION("addr", OPT_IPADDR, struct backend_cfg, addr,
		      .positional = true, .required = true,
		      .noun = "backend address", .help = "Backend address"),
	END_OPTIONS
};

static const struct prog_option stats_options[] = {
	DEFINE_OPTION("interval", OPT_U32, struct stats_cfg, interval,
		      .short_opt = 'i', .metavar = "SECONDS", .min = 1, .max = 86400,
		      .help = "Seconds between reports; default 1"),
	DEFINE_OPTION("count", OPT_U32, struct stats_cfg, count,
		      .short_opt = 'c', .help = "Stop after N reports"),
	DEFINE_OPTION("json", OPT_BOOL, struct stats_cfg, json,
		      .short_opt = 'j', .help = "Print JSON"),
	END_OPTIONS
};

/* What the last handler call saw. */
static struct {
	int calls;
	const char *cmd;
	union {
		struct load_cfg load;
		struct unload_cfg unload;
		struct status_cfg status;
		struct vip_cfg vip;
		struct backend_cfg backend;
		struct stats_cfg stats;
	};
	int nifaces;
	char ifnames[8][IF_NAMESIZE];
	int ifindexes[8];
	const char *pin_root;
	enum logging_print_level level;
	int ret;		/* what the handler returns */
} seen;

static void record_ifaces(const struct iface_list *l)
{
	int i;

	seen.nifaces = l->count;
	for (i = 0; i < l->count && i < 8; i++) {
		memcpy(seen.ifnames[i], l->names[i], IF_NAMESIZE);
		seen.ifindexes[i] = l->indexes[i];
	}
}

#define HANDLER(_name, _type)						\
	static int do_##_name(const void *cfg, const char *pin_root)	\
	{								\
		seen.calls++;						\
		seen.cmd = #_name;					\
		memcpy(&seen._name, cfg, sizeof(_type));		\
		seen.pin_root = pin_root;				\
		seen.level = get_log_level();				\
		return seen.ret;					\
	}

/* status goes through DEFINE_HANDLER, as the real commands may */
static int typed_status(const struct status_cfg *cfg, const char *pin_root)
{
	seen.calls++;
	seen.cmd = "status";
	seen.status = *cfg;
	seen.pin_root = pin_root;
	seen.level = get_log_level();
	return seen.ret;
}
DEFINE_HANDLER(do_status, typed_status, struct status_cfg)
HANDLER(vip, struct vip_cfg)
HANDLER(backend, struct backend_cfg)
HANDLER(stats, struct stats_cfg)

static int do_load(const void *cfg, const char *pin_root)
{
	const struct load_cfg *c = cfg;

	seen.calls++;
	seen.cmd = "load";
	seen.load = *c;
	seen.pin_root = pin_root;
	record_ifaces(&c->ifaces);
	return seen.ret;
}

static int do_unload(const void *cfg, const char *pin_root)
{
	const struct unload_cfg *c = cfg;

	seen.calls++;
	seen.cmd = "unload";
	seen.unload = *c;
	record_ifaces(&c->ifaces);
	return seen.ret;
}

static const struct prog_command cmds[] = {
	DEFINE_COMMAND("load", do_load, struct load_cfg, load_options,
		       &defaults_load, "Load xdp-lb on interfaces"),
	DEFINE_COMMAND("unload", do_unload, struct unload_cfg, unload_options,
		       &defaults_unload, "Unload xdp-lb from interfaces"),
	DEFINE_COMMAND("status", do_status, struct status_cfg, status_options,
		       NULL, "Show the configuration and where xdp-lb runs"),
	DEFINE_COMMAND("vip", do_vip, struct vip_cfg, vip_options,
		       &defaults_vip, "Add, change or remove a VIP"),
	DEFINE_COMMAND("backend", do_backend, struct backend_cfg,
		       backend_options, &defaults_backend,
		       "Add, change or remove a backend of a VIP"),
	DEFINE_COMMAND("stats", do_stats, struct stats_cfg, stats_options,
		       &defaults_stats, "Show traffic statistics"),
	END_COMMANDS
};

/* ---- running it --------------------------------------------------- */

struct result {
	int rc;
	char *out;
	char *err;
};

static struct result res;

static void free_result(void)
{
	free(res.out);
	free(res.err);
	memset(&res, 0, sizeof(res));
}

/* Runs "xdp-lb ARGS..." on a table; argv gets private copies of the args. */
static int run_argv(const struct prog_command *table, int n, const char **args)
{
	char **argv = calloc(n + 2, sizeof(*argv));
	size_t out_len, err_len;
	FILE *out, *err;
	int i;

	free_result();
	assert_non_null(argv);
	argv[0] = strdup("/usr/sbin/xdp-lb");
	for (i = 0; i < n; i++)
		argv[i + 1] = strdup(args[i]);
	out = open_memstream(&res.out, &out_len);
	err = open_memstream(&res.err, &err_len);
	assert_non_null(out);
	assert_non_null(err);
	params_set_output(out, err);
	seen.calls = 0;
	res.rc = dispatch_commands(PROG, n + 1, argv, table, "/sys/fs/bpf/xdp-lb");
	params_set_output(NULL, NULL);
	fclose(out);
	fclose(err);
	for (i = 0; i < n + 1; i++)
		free(argv[i]);
	free(argv);
	set_log_level(LOG_INFO);
	return res.rc;
}

#define RUN(...)							\
	({								\
		const char *_a[] = { __VA_ARGS__ };			\
		run_argv(cmds, sizeof(_a) / sizeof(_a[0]), _a);		\
	})

/* Exit status 1, nothing on stdout, the handler not run, exactly this line. */
#define EXPECT_ERR(_line, ...)						\
	do {								\
		RUN(__VA_ARGS__);					\
		if (res.rc != 1 || strcmp(res.err, _line "\n") ||	\
		    *res.out || seen.calls)				\
			fail_msg("rc %d, calls %d, stderr '%s', expected '%s'", \
				 res.rc, seen.calls, res.err, _line);	\
	} while (0)

/* Exit status 0, the handler run once, nothing on stderr. */
#define EXPECT_OK(...)							\
	do {								\
		RUN(__VA_ARGS__);					\
		if (res.rc != 0 || *res.err || seen.calls != 1)		\
			fail_msg("rc %d, calls %d, stderr '%s'", res.rc, \
				 seen.calls, res.err);			\
	} while (0)

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *long_str(const char *prefix, char fill)
{
	char *s = malloc(LONG_LEN + 1);
	size_t n = strlen(prefix);

	assert_non_null(s);
	memcpy(s, prefix, n);
	memset(s + n, fill, LONG_LEN - n);
	s[LONG_LEN] = '\0';
	return s;
}

static int teardown(void **state)
{
	free_result();
	memset(&seen, 0, sizeof(seen));
	return 0;
}

/* ---- the table itself --------------------------------------------- */

static void test_table_is_valid(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(check_command_table(PROG, cmds, f), 0);
	fclose(f);
	assert_string_equal(buf, "");
	free(buf);
}

struct bad_cfg {
	__u32 a;
	__u16 small;
	bool b;
	struct iface_list l;
};

static const struct prog_option bad_options[] = {
	DEFINE_OPTION("a", OPT_U32, struct bad_cfg, a, .short_opt = 'x'),
	DEFINE_OPTION("b", OPT_BOOL, struct bad_cfg, b, .short_opt = 'x'),
	DEFINE_OPTION("port", OPT_PORT, struct bad_cfg, a),
	DEFINE_OPTION("help", OPT_BOOL, struct bad_cfg, b),
	DEFINE_OPTION("h", OPT_BOOL, struct bad_cfg, b, .short_opt = 'h'),
	DEFINE_OPTION("a", OPT_U32, struct bad_cfg, small, .min = 70000),
	DEFINE_OPTION("e", OPT_ENUM, struct bad_cfg, a),
	DEFINE_OPTION("l", OPT_IFNAME_MULTI, struct bad_cfg, l, .positional = true),
	DEFINE_OPTION("after", OPT_U32, struct bad_cfg, a, .positional = true),
	END_OPTIONS
};

static int do_nothing(const void *cfg, const char *pin_root)
{
	seen.calls++;
	return 0;
}

static const struct prog_command bad_cmds[] = {
	DEFINE_COMMAND("bad", do_nothing, struct bad_cfg, bad_options, NULL, "Bad"),
	DEFINE_COMMAND("bad", do_nothing, struct bad_cfg, NULL, NULL, "Again"),
	DEFINE_COMMAND("help", do_nothing, struct bad_cfg, NULL, NULL, "Help"),
	END_COMMANDS
};

static void test_table_mistakes(void **state)
{
	static const char *const want[] = {
		"option 'b': duplicate short option",
		"option 'port': member size does not fit the option type",
		"option 'help': name clashes with a common option",
		"option 'h': short option clashes with -h or -v",
		"option 'a': min above max",
		"option 'e': enum without values",
		"option 'after': positional after a multi-valued positional",
		"command 'bad': duplicate command",
		"command 'help': bad command name",
	};
	char *buf = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(check_command_table(PROG, bad_cmds, f), -EINVAL);
	fclose(f);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(buf, want[i]))
			fail_msg("'%s' not reported in:\n%s", want[i], buf);
	free(buf);

	/* running a broken command reports an internal error, exit 1 */
	{
		const char *args[] = { "bad" };

		assert_int_equal(run_argv(bad_cmds, 1, args), 1);
		assert_non_null(strstr(res.err, "xdp-lb: internal error in command 'bad'"));
		assert_int_equal(seen.calls, 0);
	}
}

/* ---- commands, prefixes, top level -------------------------------- */

static void test_top_level(void **state)
{
	RUN();
	assert_int_equal(res.rc, 1);
	assert_string_equal(res.out, "");
	assert_non_null(strstr(res.err, "Usage: xdp-lb COMMAND [options]\n"));
	assert_non_null(strstr(res.err, "       backend     - Add, change or remove a backend of a VIP\n"));

	RUN("help");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.err, "");
	assert_string_equal(res.out,
		"Usage: xdp-lb COMMAND [options]\n"
		"\n"
		"COMMAND can be one of:\n"
		"       load        - Load xdp-lb on interfaces\n"
		"       unload      - Unload xdp-lb from interfaces\n"
		"       status      - Show the configuration and where xdp-lb runs\n"
		"       vip         - Add, change or remove a VIP\n"
		"       backend     - Add, change or remove a backend of a VIP\n"
		"       stats       - Show traffic statistics\n"
		"       help        - Show this help, or a command's\n"
		"\n"
		"Use 'xdp-lb COMMAND --help' to see the options of each command.\n");

	RUN("--help");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "COMMAND can be one of:"));
	RUN("-h");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "COMMAND can be one of:"));
	RUN("he");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "COMMAND can be one of:"));

	RUN("help", "--help");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "COMMAND can be one of:"));

	RUN("help", "vip");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "Usage: xdp-lb vip [options] <vip>\n"));
	RUN("help", "b");
	assert_int_equal(res.rc, 0);
	assert_non_null(strstr(res.out, "Usage: xdp-lb backend [options] <vip> <addr>\n"));

	EXPECT_ERR("xdp-lb: command 'foo' is unknown, try 'xdp-lb help'", "help", "foo");
	EXPECT_ERR("xdp-lb help: unexpected extra argument 'x'", "help", "vip", "x");
	EXPECT_ERR("xdp-lb: command 'foo' is unknown, try 'xdp-lb help'", "foo");
	EXPECT_ERR("xdp-lb: command '' is unknown, try 'xdp-lb help'", "");
	EXPECT_ERR("xdp-lb: command 'loader' is unknown, try 'xdp-lb help'", "loader");
	EXPECT_ERR("xdp-lb: command 'Load' is unknown, try 'xdp-lb help'", "Load");
	{
		char *s = long_str("", 'z');

		EXPECT_ERR("xdp-lb: command 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...' is unknown, try 'xdp-lb help'",
			   s, "--json");
		s[1] = '\0';
		EXPECT_ERR("xdp-lb: command 'z' is unknown, try 'xdp-lb help'", s);
		free(s);
	}
	EXPECT_ERR("xdp-lb: unknown option '-v', options go after the command, try 'xdp-lb help'",
		   "-v", "status");
	EXPECT_ERR("xdp-lb: unknown option '--json', options go after the command, try 'xdp-lb help'",
		   "--json");
}

static void test_prefixes(void **state)
{
	EXPECT_OK("lo", "lo");
	assert_string_equal(seen.cmd, "load");
	EXPECT_OK("l", "lo");
	assert_string_equal(seen.cmd, "load");
	EXPECT_OK("u");
	assert_string_equal(seen.cmd, "unload");
	EXPECT_OK("v", "10.0.0.1");
	assert_string_equal(seen.cmd, "vip");
	EXPECT_OK("b", "10.0.0.1", "10.0.0.2");
	assert_string_equal(seen.cmd, "backend");
	EXPECT_OK("statu");
	assert_string_equal(seen.cmd, "status");
	EXPECT_OK("stats");
	assert_string_equal(seen.cmd, "stats");
	EXPECT_OK("status");
	assert_string_equal(seen.cmd, "status");

	EXPECT_ERR("xdp-lb: command 's' is ambiguous (status, stats), try 'xdp-lb help'", "s");
	EXPECT_ERR("xdp-lb: command 'stat' is ambiguous (status, stats), try 'xdp-lb help'",
		   "stat", "--json");
}

static void test_version(void **state)
{
	char want[256];

	snprintf(want, sizeof(want), "xdp-lb version %s using libbpf version %s"
		 " and libxdp version %s\n", XDP_LB_VERSION, LIBBPF_VERSION_STR,
		 LIBXDP_VERSION_STR);
	/* configure's libbpf is the one that runs */
	{
		char rt[32];

		snprintf(rt, sizeof(rt), "%u.%u.", libbpf_major_version(),
			 libbpf_minor_version());
		assert_int_equal(strncmp(LIBBPF_VERSION_STR, rt, strlen(rt)), 0);
	}
	RUN("--version");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out, want);
	assert_string_equal(res.err, "");
	RUN("vip", "--version");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out, want);
	assert_int_equal(seen.calls, 0);
	RUN("load", "--vers");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.out, want);
}

/* ---- help --------------------------------------------------------- */

static void test_help_backend(void **state)
{
	RUN("backend", "--help");
	assert_int_equal(res.rc, 0);
	assert_int_equal(seen.calls, 0);
	assert_string_equal(res.err, "");
	assert_string_equal(res.out,
		"Usage: xdp-lb backend [options] <vip> <addr>\n"
		"\n"
		" Add, change or remove a backend of a VIP\n"
		"\n"
		"Required parameters:\n"
		"  <vip>                     The VIP, as given to 'vip'\n"
		"  <addr>                    Backend address\n"
		"\n"
		"Options:\n"
		" -p, --proto <proto>        Protocol of the VIP; default tcp (valid values: tcp,udp)\n"
		" -P, --port <port>          Backend port; default the VIP's\n"
		" -w, --weight <N>           Relative share of new flows; default 1\n"
		" -M, --mac <mac>            Backend MAC address, instead of the neighbour table\n"
		" -r, --remove               Remove the backend\n"
		" -v, --verbose              Show more messages (-vv: also libbpf and libxdp debugging)\n"
		"     --version              Show the version and exit\n"
		" -h, --help                 Show this help and exit\n");
}

static void test_help_every_command(void **state)
{
	static const char *const usage[] = {
		"Usage: xdp-lb load [options] <ifname>...\n",
		"Usage: xdp-lb unload [options] [<ifname>...]\n",
		"Usage: xdp-lb status [options]\n",
		"Usage: xdp-lb vip [options] <vip>\n",
		"Usage: xdp-lb backend [options] <vip> <addr>\n",
		"Usage: xdp-lb stats [options]\n",
	};
	int i;

	for (i = 0; cmds[i].name; i++) {
		RUN(cmds[i].name, "-h");
		assert_int_equal(res.rc, 0);
		assert_int_equal(seen.calls, 0);
		assert_string_equal(res.err, "");
		if (strncmp(res.out, usage[i], strlen(usage[i])))
			fail_msg("%s", res.out);
		assert_non_null(strstr(res.out, " -h, --help "));
	}
	RUN("vip", "--help");
	assert_non_null(strstr(res.out,
		"     --ring-size <N>        Maglev table size, a prime; default 65537\n"));
	RUN("load", "--help");
	assert_non_null(strstr(res.out,
		" -m, --mode <mode>          Attach mode; default native (valid values: native,skb)\n"));
	assert_non_null(strstr(res.out, "Required parameters:\n  <ifname>...  "));
	RUN("unload", "--help");
	assert_non_null(strstr(res.out, "Optional parameters:\n  <ifname>...  "));
	RUN("stats", "--help");
	assert_non_null(strstr(res.out, " -i, --interval <SECONDS>   Seconds"));
	/* help wins over missing parameters, and over later bad values */
	RUN("backend", "-h", "--weight", "x");
	assert_int_equal(res.rc, 0);
	RUN("vip", "1.2.3", "--help");
	assert_int_equal(res.rc, 0);
	/* a long left column goes on a line of its own */
	{
		char *buf = NULL;
		size_t len;
		FILE *f = open_memstream(&buf, &len);
		static const struct prog_option o[] = {
			DEFINE_OPTION("a-very-long-option-name", OPT_U32,
				      struct stats_cfg, count, .help = "Help"),
			END_OPTIONS
		};
		const struct prog_command c = DEFINE_COMMAND("x", do_nothing,
			struct stats_cfg, o, NULL, "X");

		print_command_usage(f, PROG, &c);
		fclose(f);
		assert_non_null(strstr(buf, "     --a-very-long-option-name <N>\n"
				       "                            Help\n"));
		free(buf);
	}
}

/* --help shows the defaults' values where an option asks for it. */
static void test_help_defaults(void **state)
{
	struct dflt_cfg {
		__u32 n;
		__u16 port;
		__u8 proto;
		__u32 none;
	};
	static const struct dflt_cfg defaults = {
		.n = 42, .port = 8080, .proto = IPPROTO_UDP,
	};
	static const struct prog_option o[] = {
		DEFINE_OPTION("n", OPT_U32, struct dflt_cfg, n,
			      .help = "A number", .show_default = true),
		DEFINE_OPTION("port", OPT_PORT, struct dflt_cfg, port,
			      .help = "A port", .show_default = true),
		DEFINE_OPTION("proto", OPT_ENUM, struct dflt_cfg, proto,
			      .enum_vals = proto_vals, .help = "A protocol",
			      .show_default = true),
		DEFINE_OPTION("none", OPT_U32, struct dflt_cfg, none,
			      .help = "No default shown"),
		END_OPTIONS
	};
	static const struct prog_option bad[] = {
		DEFINE_OPTION("b", OPT_BOOL, struct status_cfg, json,
			      .show_default = true),
		END_OPTIONS
	};
	const struct prog_command c[] = {
		DEFINE_COMMAND("x", do_nothing, struct dflt_cfg, o, &defaults, "X"),
		END_COMMANDS
	};
	const struct prog_command b[] = {
		DEFINE_COMMAND("y", do_nothing, struct status_cfg, bad, NULL, "Y"),
		END_COMMANDS
	};
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(check_command_table(PROG, c, f), 0);
	print_command_usage(f, PROG, &c[0]);
	assert_int_equal(check_command_table(PROG, b, f), -EINVAL);
	fclose(f);
	assert_non_null(strstr(buf, "     --n <N>                A number; default 42\n"));
	assert_non_null(strstr(buf, "     --port <port>          A port; default 8080\n"));
	assert_non_null(strstr(buf, "     --proto <proto>        A protocol; default udp (valid values: tcp,udp)\n"));
	assert_non_null(strstr(buf, "     --none <N>             No default shown\n"));
	assert_non_null(strstr(buf, "option 'b': no default to show for this option type"));
	free(buf);
}

/* ---- load / unload ------------------------------------------------ */

static void test_load(void **state)
{
	int lo = if_nametoindex("lo");

	assert_true(lo > 0);
	EXPECT_OK("load", "lo");
	assert_int_equal(seen.load.mode, MODE_NATIVE);
	assert_int_equal(seen.load.priority, 30);
	assert_int_equal(seen.load.flows, 0);
	assert_false(seen.load.seed_set);
	assert_int_equal(seen.nifaces, 1);
	assert_string_equal(seen.ifnames[0], "lo");
	assert_int_equal(seen.ifindexes[0], lo);
	assert_string_equal(seen.pin_root, "/sys/fs/bpf/xdp-lb");

	EXPECT_OK("load", "--mode", "skb", "--priority", "1000", "--flows", "65536",
		  "--seed", "0xdeadbeef", "lo", "lo");
	assert_int_equal(seen.load.mode, MODE_SKB);
	assert_int_equal(seen.load.priority, 1000);
	assert_int_equal(seen.load.flows, 65536);
	assert_true(seen.load.seed_set);
	assert_int_equal(seen.load.seed[0], 0xdeadbeef);
	assert_int_equal(seen.load.seed[1], 0);
	assert_int_equal(seen.nifaces, 2);

	EXPECT_OK("load", "lo", "-m", "SKB", "-P1", "-f", "1024", "-s",
		  "0123456789abcdef0011223344556677");
	assert_int_equal(seen.load.mode, MODE_SKB);
	assert_int_equal(seen.load.priority, 1);
	assert_int_equal(seen.load.seed[3], 0x01234567);
	assert_int_equal(seen.load.seed[0], 0x44556677);

	EXPECT_OK("load", "--mode=native", "--prio=5", "--", "lo");
	assert_int_equal(seen.load.mode, MODE_NATIVE);
	assert_int_equal(seen.load.priority, 5);
}

static void test_load_errors(void **state)
{
	char *s, line[256];

	EXPECT_ERR("xdp-lb load: missing required parameter <ifname>", "load");
	EXPECT_ERR("xdp-lb load: missing required parameter <ifname>", "load", "-m", "skb");
	EXPECT_ERR("xdp-lb load: interface 'nosuchif0' not found", "load", "nosuchif0");
	EXPECT_ERR("xdp-lb load: interface 'nosuchif0' not found", "load", "lo", "nosuchif0");
	EXPECT_ERR("xdp-lb load: invalid interface name 'abcdefghijklmnop': must be 1 to 15 characters",
		   "load", "abcdefghijklmnop");
	EXPECT_ERR("xdp-lb load: invalid interface name '': must be 1 to 15 characters",
		   "load", "");
	EXPECT_ERR("xdp-lb load: too many values for <ifname> (at most 8)",
		   "load", "lo", "lo", "lo", "lo", "lo", "lo", "lo", "lo", "lo");
	EXPECT_ERR("xdp-lb load: invalid mode 'hw': must be one of native,skb",
		   "load", "--mode", "hw", "lo");
	EXPECT_ERR("xdp-lb load: invalid mode '': must be one of native,skb",
		   "load", "--mode=", "lo");
	EXPECT_ERR("xdp-lb load: invalid priority '0': must be an integer from 1 to 1000",
		   "load", "-P", "0", "lo");
	EXPECT_ERR("xdp-lb load: invalid priority '1001': must be an integer from 1 to 1000",
		   "load", "-P", "1001", "lo");
	EXPECT_ERR("xdp-lb load: invalid priority '-1': must be an integer from 1 to 1000",
		   "load", "--priority", "-1", "lo");
	EXPECT_ERR("xdp-lb load: invalid flows '1023': must be an integer from 1024 to 16777216",
		   "load", "--flows", "1023", "lo");
	EXPECT_ERR("xdp-lb load: invalid seed 'xyz': must be 1 to 32 hex digits, optionally after 0x",
		   "load", "--seed", "xyz", "lo");
	EXPECT_ERR("xdp-lb load: invalid seed '0x': must be 1 to 32 hex digits, optionally after 0x",
		   "load", "--seed", "0x", "lo");
	EXPECT_ERR("xdp-lb load: invalid seed '0x123456789012345678901234567890123': must be 1 to 32 hex digits, optionally after 0x",
		   "load", "--seed", "0x123456789012345678901234567890123", "lo");
	EXPECT_ERR("xdp-lb load: option '--mode' needs a value", "load", "lo", "--mode");
	EXPECT_ERR("xdp-lb load: option '--seed' needs a value", "load", "lo", "-s");
	EXPECT_ERR("xdp-lb load: unknown option '--all', see 'xdp-lb load --help'",
		   "load", "--all", "lo");
	/* --p matches --priority only: no ambiguity with common options */
	EXPECT_OK("load", "--p", "7", "lo");
	assert_int_equal(seen.load.priority, 7);

	s = long_str("", 'e');
	EXPECT_ERR("xdp-lb load: invalid interface name 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee...': must be 1 to 15 characters",
		   "load", s);
	free(s);
	s = long_str("", '9');
	snprintf(line, sizeof(line), "xdp-lb load: invalid priority '%.64s...': must be an integer from 1 to 1000\n", s);
	RUN("load", "-P", s, "lo");
	assert_int_equal(res.rc, 1);
	assert_string_equal(res.err, line);
	free(s);
}

static void test_unload(void **state)
{
	EXPECT_OK("unload");
	assert_false(seen.unload.all);
	assert_false(seen.unload.keep_maps);
	assert_int_equal(seen.nifaces, 0);
	EXPECT_OK("unload", "--all", "--keep-maps");
	assert_true(seen.unload.all);
	assert_true(seen.unload.keep_maps);
	EXPECT_OK("unload", "-ak", "lo");
	assert_true(seen.unload.all);
	assert_true(seen.unload.keep_maps);
	assert_int_equal(seen.nifaces, 1);
	EXPECT_OK("unload", "lo", "--keep");
	assert_true(seen.unload.keep_maps);
	EXPECT_ERR("xdp-lb unload: interface 'nosuchif0' not found", "unload", "nosuchif0");
	EXPECT_ERR("xdp-lb unload: option '--all' takes no argument", "unload", "--all=yes");
	EXPECT_ERR("xdp-lb unload: unknown option '-x', see 'xdp-lb unload --help'",
		   "unload", "-ax");
}

/* ---- status / stats ----------------------------------------------- */

static void test_status_stats(void **state)
{
	EXPECT_OK("status");
	assert_false(seen.status.json);
	EXPECT_OK("status", "-j");
	assert_true(seen.status.json);
	EXPECT_ERR("xdp-lb status: unexpected extra argument 'eth0'", "status", "eth0");
	EXPECT_ERR("xdp-lb status: unknown option '--jsonx', see 'xdp-lb status --help'",
		   "status", "--jsonx");

	EXPECT_OK("stats");
	assert_int_equal(seen.stats.interval, 1);
	assert_int_equal(seen.stats.count, 0);
	EXPECT_OK("stats", "--interval", "5", "--count", "3", "--json");
	assert_int_equal(seen.stats.interval, 5);
	assert_int_equal(seen.stats.count, 3);
	assert_true(seen.stats.json);
	EXPECT_OK("stats", "-i86400", "-c", "4294967295", "-j");
	assert_int_equal(seen.stats.interval, 86400);
	assert_int_equal(seen.stats.count, 4294967295U);
	EXPECT_ERR("xdp-lb stats: invalid interval '0': must be an integer from 1 to 86400",
		   "stats", "--interval", "0");
	EXPECT_ERR("xdp-lb stats: invalid interval '1.5': must be an integer from 1 to 86400",
		   "stats", "-i", "1.5");
	EXPECT_ERR("xdp-lb stats: invalid count '4294967296': must be an integer from 0 to 4294967295",
		   "stats", "-c", "4294967296");
	EXPECT_ERR("xdp-lb stats: invalid count '-1': must be an integer from 0 to 4294967295",
		   "stats", "--count=-1");
	EXPECT_ERR("xdp-lb stats: invalid count ' 3': must be an integer from 0 to 4294967295",
		   "stats", "--count", " 3");
	EXPECT_ERR("xdp-lb stats: unexpected extra argument '5'", "stats", "5");
}

/* ---- vip ---------------------------------------------------------- */

static void test_vip(void **state)
{
	char buf[VIP_STRLEN];

	EXPECT_OK("vip", "10.0.0.10:8000");
	assert_int_equal(seen.vip.vip.family, LB_AF_INET);
	assert_int_equal(seen.vip.vip.port, 8000);
	assert_string_equal(vip_str(seen.vip.vip.family, &seen.vip.vip.addr,
				    seen.vip.vip.port, buf, sizeof(buf)),
			    "10.0.0.10:8000");
	assert_int_equal(seen.vip.proto, IPPROTO_TCP);
	assert_int_equal(seen.vip.ring_size, LB_RING_SIZE_DEFAULT);
	assert_false(seen.vip.snat_set);
	assert_false(seen.vip.remove);

	EXPECT_OK("vip", "10.0.0.10");
	assert_int_equal(seen.vip.vip.port, 0);
	EXPECT_OK("vip", "fd00::a");
	assert_int_equal(seen.vip.vip.family, LB_AF_INET6);
	assert_int_equal(seen.vip.vip.port, 0);
	EXPECT_OK("vip", "[fd00::a]:53", "--proto", "udp", "--snat", "fd00::1",
		  "--ring-size", "131071");
	assert_string_equal(vip_str(seen.vip.vip.family, &seen.vip.vip.addr,
				    seen.vip.vip.port, buf, sizeof(buf)),
			    "[fd00::a]:53");
	assert_int_equal(seen.vip.proto, IPPROTO_UDP);
	assert_true(seen.vip.snat_set);
	assert_int_equal(seen.vip.snat.family, LB_AF_INET6);
	assert_string_equal(addr_str(seen.vip.snat.family, &seen.vip.snat.addr,
				     buf, sizeof(buf)), "fd00::1");
	assert_int_equal(seen.vip.ring_size, 131071);
	EXPECT_OK("vip", "-p", "UDP", "-s", "10.1.1.1", "-r", "10.0.0.1:80");
	assert_int_equal(seen.vip.proto, IPPROTO_UDP);
	assert_true(seen.vip.remove);
	EXPECT_OK("vip", "--rem", "--ring=3", "10.0.0.1:80");
	assert_true(seen.vip.remove);
	assert_int_equal(seen.vip.ring_size, 3);
	/* the last of a repeated option wins */
	EXPECT_OK("vip", "-p", "udp", "-p", "tcp", "10.0.0.1");
	assert_int_equal(seen.vip.proto, IPPROTO_TCP);
}

static void test_vip_errors(void **state)
{
	char *s;

	EXPECT_ERR("xdp-lb vip: missing required parameter <vip>", "vip");
	EXPECT_ERR("xdp-lb vip: missing required parameter <vip>", "vip", "--proto", "udp");
	EXPECT_ERR("xdp-lb vip: unexpected extra argument 'x'", "vip", "10.0.0.1", "x");
	EXPECT_ERR("xdp-lb vip: unexpected extra argument '10.0.0.2:80'",
		   "vip", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:0': port must be 1-65535", "vip", "1.2.3.4:0");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:65536': port must be 1-65535",
		   "vip", "1.2.3.4:65536");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:': port must be 1-65535", "vip", "1.2.3.4:");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:abc': port must be 1-65535",
		   "vip", "1.2.3.4:abc");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:80x': port must be 1-65535",
		   "vip", "1.2.3.4:80x");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4:-80': port must be 1-65535",
		   "vip", "1.2.3.4:-80");
	EXPECT_ERR("xdp-lb vip: invalid VIP '[::1]:0': port must be 1-65535", "vip", "[::1]:0");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3': not a valid IPv4 or IPv6 address",
		   "vip", "1.2.3");
	EXPECT_ERR("xdp-lb vip: invalid VIP '': not a valid IPv4 or IPv6 address", "vip", "");
	EXPECT_ERR("xdp-lb vip: invalid VIP 'example.com:80': not a valid IPv4 or IPv6 address",
		   "vip", "example.com:80");
	EXPECT_ERR("xdp-lb vip: invalid VIP '[::1': unbalanced brackets, write an IPv6 address with a port as [ADDR]:PORT",
		   "vip", "[::1");
	EXPECT_ERR("xdp-lb vip: invalid VIP '::1]:80': unbalanced brackets, write an IPv6 address with a port as [ADDR]:PORT",
		   "vip", "::1]:80");
	EXPECT_ERR("xdp-lb vip: invalid VIP '[10.0.0.1]:80': only IPv6 addresses go in brackets",
		   "vip", "[10.0.0.1]:80");
	EXPECT_ERR("xdp-lb vip: invalid VIP '1.2.3.4?': not a valid IPv4 or IPv6 address",
		   "vip", "1.2.3.4\n");
	EXPECT_ERR("xdp-lb vip: invalid proto 'sctp': must be one of tcp,udp",
		   "vip", "--proto", "sctp", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid proto '': must be one of tcp,udp",
		   "vip", "-p", "", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid SNAT address '1.2.3': not a valid IPv4 or IPv6 address",
		   "vip", "--snat", "1.2.3", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid SNAT address '[fd00::1]': not a valid IPv4 or IPv6 address",
		   "vip", "--snat", "[fd00::1]", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid ring-size '100': must be a prime number",
		   "vip", "--ring-size", "100", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid ring-size '131072': must be an integer from 3 to 131071",
		   "vip", "--ring-size", "131072", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: invalid ring-size '0x101': must be an integer from 3 to 131071",
		   "vip", "--ring-size", "0x101", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: option '--r' is ambiguous (--ring-size, --remove)",
		   "vip", "--r", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: option '--r=5' is ambiguous (--ring-size, --remove)",
		   "vip", "--r=5", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: option '--ver' is ambiguous (--verbose, --version)",
		   "vip", "--ver", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: option '--remove' takes no argument",
		   "vip", "--remove=1", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: option '--snat' needs a value", "vip", "10.0.0.1", "--snat");
	EXPECT_ERR("xdp-lb vip: option '--ring-size' needs a value", "vip", "10.0.0.1", "--ring-size");
	EXPECT_ERR("xdp-lb vip: unknown option '--weight', see 'xdp-lb vip --help'",
		   "vip", "--weight", "1", "10.0.0.1");
	EXPECT_ERR("xdp-lb vip: unknown option '-w', see 'xdp-lb vip --help'",
		   "vip", "-w", "1", "10.0.0.1");
	/* the first problem is the one reported */
	EXPECT_ERR("xdp-lb vip: invalid proto 'x': must be one of tcp,udp",
		   "vip", "-p", "x", "--snat", "y", "1.2.3");

	s = long_str("10.0.0.1:", '8');
	EXPECT_ERR("xdp-lb vip: invalid VIP '10.0.0.1:8888888888888888888888888888888888888888888888888888888...': port must be 1-65535",
		   "vip", s);
	free(s);
	s = long_str("--", 'x');
	EXPECT_ERR("xdp-lb vip: unknown option '--xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...', see 'xdp-lb vip --help'",
		   "vip", s, "10.0.0.1");
	free(s);
	s = long_str("[", ':');
	RUN("vip", "--snat", "10.0.0.2", s);
	assert_int_equal(res.rc, 1);
	assert_int_equal(count_lines(res.err), 1);
	assert_true(strlen(res.err) < 250);
	free(s);
}

/* ---- backend ------------------------------------------------------ */

static void test_backend(void **state)
{
	const __u8 mac[6] = { 0x02, 0, 0, 0, 0xab, 0xcd };
	char buf[VIP_STRLEN];

	EXPECT_OK("backend", "10.0.0.10:8000", "10.0.1.1");
	assert_int_equal(seen.backend.vip.port, 8000);
	assert_int_equal(seen.backend.addr.family, LB_AF_INET);
	assert_string_equal(addr_str(seen.backend.addr.family, &seen.backend.addr.addr,
				     buf, sizeof(buf)), "10.0.1.1");
	assert_int_equal(seen.backend.proto, IPPROTO_TCP);
	assert_int_equal(seen.backend.weight, 1);
	assert_false(seen.backend.weight_set);
	assert_false(seen.backend.port_set);
	assert_false(seen.backend.mac_set);
	assert_false(seen.backend.remove);

	EXPECT_OK("backend", "--proto", "udp", "--port", "9000", "--weight", "0",
		  "--mac", "02:00:00:00:AB:cd", "[fd00::a]:53", "fd00::1:2");
	assert_int_equal(seen.backend.proto, IPPROTO_UDP);
	assert_true(seen.backend.port_set);
	assert_int_equal(seen.backend.port, 9000);
	assert_true(seen.backend.weight_set);
	assert_int_equal(seen.backend.weight, 0);
	assert_true(seen.backend.mac_set);
	assert_memory_equal(seen.backend.mac, mac, 6);
	assert_int_equal(seen.backend.vip.family, LB_AF_INET6);
	assert_int_equal(seen.backend.addr.family, LB_AF_INET6);

	EXPECT_OK("backend", "10.0.0.10", "10.0.1.1", "-w65535", "-P", "1", "-r",
		  "-M", "02:00:00:00:ab:cd");
	assert_int_equal(seen.backend.weight, 65535);
	assert_int_equal(seen.backend.port, 1);
	assert_true(seen.backend.remove);
	EXPECT_OK("backend", "-rw", "7", "10.0.0.10", "10.0.1.1");
	assert_true(seen.backend.remove);
	assert_int_equal(seen.backend.weight, 7);
	EXPECT_OK("backend", "--weight=2", "--weight", "3", "10.0.0.10", "10.0.1.1");
	assert_int_equal(seen.backend.weight, 3);
}

static void test_backend_errors(void **state)
{
	EXPECT_ERR("xdp-lb backend: invalid weight 'x': must be an integer from 0 to 65535",
		   "backend", "--weight", "x", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid weight '65536': must be an integer from 0 to 65535",
		   "backend", "-w", "65536", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid weight '-1': must be an integer from 0 to 65535",
		   "backend", "-w", "-1", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid weight '': must be an integer from 0 to 65535",
		   "backend", "--weight=", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '0': must be 1-65535",
		   "backend", "--port", "0", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '65536': must be 1-65535",
		   "backend", "--port", "65536", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '-1': must be 1-65535",
		   "backend", "--port", "-1", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '0x50': must be 1-65535",
		   "backend", "--port", "0x50", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '': must be 1-65535",
		   "backend", "-P", "", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid port '80x': must be 1-65535",
		   "backend", "-P", "80x", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid MAC address 'aa:bb:cc:dd:ee': must be six pairs of hex digits like aa:bb:cc:dd:ee:ff",
		   "backend", "--mac", "aa:bb:cc:dd:ee", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid MAC address 'aa-bb-cc-dd-ee-ff': must be six pairs of hex digits like aa:bb:cc:dd:ee:ff",
		   "backend", "-M", "aa-bb-cc-dd-ee-ff", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: invalid proto 'icmp': must be one of tcp,udp",
		   "backend", "-p", "icmp", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: missing required parameter <vip>", "backend");
	EXPECT_ERR("xdp-lb backend: missing required parameter <addr>", "backend", "10.0.0.10:80");
	EXPECT_ERR("xdp-lb backend: unexpected extra argument '5'",
		   "backend", "10.0.0.10:80", "10.0.1.1", "5");
	EXPECT_ERR("xdp-lb backend: invalid backend address '10.0.1.1:80': not a valid IPv4 or IPv6 address",
		   "backend", "10.0.0.10:80", "10.0.1.1:80");
	EXPECT_ERR("xdp-lb backend: invalid backend address '[fd00::1]': not a valid IPv4 or IPv6 address",
		   "backend", "[fd00::a]:80", "[fd00::1]");
	EXPECT_ERR("xdp-lb backend: invalid backend address '1.2.3': not a valid IPv4 or IPv6 address",
		   "backend", "10.0.0.10:80", "1.2.3");
	EXPECT_ERR("xdp-lb backend: invalid VIP '10.0.0.10:0': port must be 1-65535",
		   "backend", "10.0.0.10:0", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: option '--weight' needs a value",
		   "backend", "10.0.0.10:80", "10.0.1.1", "-w");
	EXPECT_ERR("xdp-lb backend: option '--p' is ambiguous (--proto, --port)",
		   "backend", "--p", "80", "10.0.0.10:80", "10.0.1.1");
	EXPECT_ERR("xdp-lb backend: unknown option '--snat', see 'xdp-lb backend --help'",
		   "backend", "--snat", "1.1.1.1", "10.0.0.10:80", "10.0.1.1");
}

/* ---- verbosity, exit statuses ------------------------------------- */

static void test_verbose_and_status(void **state)
{
	EXPECT_OK("status");
	assert_int_equal(seen.level, LOG_INFO);
	EXPECT_OK("status", "-v");
	assert_int_equal(seen.level, LOG_DEBUG);
	EXPECT_OK("status", "-vv");
	assert_int_equal(seen.level, LOG_VERBOSE);
	EXPECT_OK("status", "--verbose", "-v", "--verb", "-v");
	assert_int_equal(seen.level, LOG_VERBOSE);
	EXPECT_OK("vip", "-v", "10.0.0.1", "-v");
	assert_int_equal(seen.level, LOG_VERBOSE);

	/* the handler's status is the exit status, never a negative errno */
	seen.ret = -ENOENT;
	RUN("status");
	assert_int_equal(res.rc, 1);
	seen.ret = 1;
	RUN("status");
	assert_int_equal(res.rc, 1);
	seen.ret = 2;
	RUN("status");
	assert_int_equal(res.rc, 2);
	seen.ret = 256;
	RUN("status");
	assert_int_equal(res.rc, 1);
	seen.ret = 0;
}

/* parse_command_line() on its own, as a test of the real table would use it */
static void test_parse_only(void **state)
{
	char *argv[] = { "backend", "-v", "10.0.0.1:80", "-vv", "10.0.0.2", NULL };
	char *argv2[] = { "load", "lo", "lo", NULL };
	struct backend_cfg cfg;
	struct load_cfg lcfg;
	unsigned int verbose = 0;
	FILE *null;

	assert_int_equal(parse_command_line(PROG, &cmds[4], 5, argv, &cfg, &verbose), 0);
	assert_int_equal(verbose, 3);
	assert_int_equal(cfg.vip.port, 80);
	assert_int_equal(cfg.weight, 1);
	free_command_cfg(&cmds[4], &cfg);

	assert_int_equal(parse_command_line(PROG, &cmds[0], 3, argv2, &lcfg, NULL), 0);
	assert_int_equal(lcfg.ifaces.count, 2);
	assert_string_equal(lcfg.ifaces.names[1], "lo");
	free_command_cfg(&cmds[0], &lcfg);
	assert_int_equal(lcfg.ifaces.count, 0);
	assert_null(lcfg.ifaces.names);

	null = fopen("/dev/null", "w");
	assert_non_null(null);
	params_set_output(null, null);
	argv[2] = "--help";
	assert_int_equal(parse_command_line(PROG, &cmds[4], 5, argv, &cfg, NULL), PARAMS_DONE);
	free_command_cfg(&cmds[4], &cfg);
	argv[2] = "--bogus";
	assert_true(parse_command_line(PROG, &cmds[4], 5, argv, &cfg, NULL) < 0);
	free_command_cfg(&cmds[4], &cfg);
	params_set_output(NULL, NULL);
	fclose(null);
}

/* ---- logging ------------------------------------------------------ */

static char *log_buf;
static size_t log_len;
static FILE *log_f;

static void log_start(enum logging_print_level level)
{
	log_f = open_memstream(&log_buf, &log_len);
	assert_non_null(log_f);
	set_log_stream(log_f);
	set_log_level(level);
}

static char *log_end(void)
{
	set_log_stream(NULL);
	set_log_level(LOG_INFO);
	fclose(log_f);
	return log_buf;
}

/* Makes libbpf warn ("elf: ... is not a proper ELF object"). */
static void libbpf_warn(void)
{
	char junk[64] = { 1, 2, 3 };

	assert_null(bpf_object__open_mem(junk, sizeof(junk), NULL));
}

/* Makes libxdp warn ("couldn't get program fd"). */
static void libxdp_warn(void)
{
	struct xdp_program *p = xdp_program__from_id(0);

	assert_true(libxdp_get_error(p) != 0);
}

static void test_logging(void **state)
{
	char *s;

	assert_int_equal(get_log_level(), LOG_INFO);
	log_start(LOG_INFO);
	pr_warn("w %d\n", 1);
	pr_info("i %s\n", "x");
	pr_debug("d\n");
	pr_verbose("vv\n");
	s = log_end();
	assert_string_equal(s, "w 1\ni x\n");
	free(s);

	log_start(LOG_VERBOSE);
	pr_debug("d\n");
	pr_verbose("vv\n");
	s = log_end();
	assert_string_equal(s, "d\nvv\n");
	free(s);

	log_start(LOG_WARN);
	pr_info("i\n");
	s = log_end();
	assert_string_equal(s, "");
	free(s);

	/* clamped */
	assert_int_equal(set_log_level(LOG_VERBOSE + 5), LOG_INFO);
	assert_int_equal(get_log_level(), LOG_VERBOSE);
	set_log_level(LOG_INFO);
}

static void test_lib_logging(void **state)
{
	char *s;

	init_lib_logging();
	/* library warnings are hidden by default */
	log_start(LOG_INFO);
	libbpf_warn();
	libxdp_warn();
	s = log_end();
	assert_string_equal(s, "");
	free(s);

	/* shown at -v, indented, without the library's info messages */
	log_start(LOG_DEBUG);
	libbpf_warn();
	libxdp_warn();
	s = log_end();
	assert_non_null(strstr(s, "  libbpf: elf: "));
	assert_non_null(strstr(s, "\n libxdp: "));
	assert_null(strstr(s, "loading object"));
	if (count_lines(s) != 2)
		fail_msg("%s", s);
	free(s);

	/* everything at -vv */
	log_start(LOG_VERBOSE);
	libbpf_warn();
	s = log_end();
	assert_non_null(strstr(s, "  libbpf: loading object"));
	assert_non_null(strstr(s, "  libbpf: elf: "));
	free(s);

	/* silenced: nothing at -v, everything at -vv */
	silence_lib_logging();
	log_start(LOG_DEBUG);
	libbpf_warn();
	libxdp_warn();
	s = log_end();
	assert_string_equal(s, "");
	free(s);
	log_start(LOG_VERBOSE);
	libbpf_warn();
	s = log_end();
	assert_non_null(strstr(s, "  libbpf: elf: "));
	free(s);

	/* and back */
	init_lib_logging();
	log_start(LOG_DEBUG);
	libbpf_warn();
	s = log_end();
	assert_non_null(strstr(s, "  libbpf: elf: "));
	free(s);
	libbpf_set_print(NULL);
	libxdp_set_print(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_table_is_valid, teardown),
		cmocka_unit_test_teardown(test_table_mistakes, teardown),
		cmocka_unit_test_teardown(test_top_level, teardown),
		cmocka_unit_test_teardown(test_prefixes, teardown),
		cmocka_unit_test_teardown(test_version, teardown),
		cmocka_unit_test_teardown(test_help_backend, teardown),
		cmocka_unit_test_teardown(test_help_every_command, teardown),
		cmocka_unit_test_teardown(test_help_defaults, teardown),
		cmocka_unit_test_teardown(test_load, teardown),
		cmocka_unit_test_teardown(test_load_errors, teardown),
		cmocka_unit_test_teardown(test_unload, teardown),
		cmocka_unit_test_teardown(test_status_stats, teardown),
		cmocka_unit_test_teardown(test_vip, teardown),
		cmocka_unit_test_teardown(test_vip_errors, teardown),
		cmocka_unit_test_teardown(test_backend, teardown),
		cmocka_unit_test_teardown(test_backend_errors, teardown),
		cmocka_unit_test_teardown(test_verbose_and_status, teardown),
		cmocka_unit_test_teardown(test_parse_only, teardown),
		cmocka_unit_test_teardown(test_logging, teardown),
		cmocka_unit_test_teardown(test_lib_logging, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
