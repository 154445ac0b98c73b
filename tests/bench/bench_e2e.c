/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One end-to-end run on the tutorial topology (bench-e2e.sh builds it and
 * sets the balancer up): generate UDP frames on the client for a bounded
 * time and count, on the backends, the frames that arrive intact.
 *
 *  - generator: e2e_gen run with BPF_PROG_TEST_RUN in live-frames mode on
 *    the client's interface, in chunks, until --time has passed;
 *  - counting: e2e_count attached to every backend's interface (counts,
 *    checks addresses and checksums, drops);
 *  - modes: "direct" sends straight to the backends (no balancer on the
 *    path), "bounce" sends to the VIP and attaches e2e_bounce to the
 *    balancer, "nat" sends to the VIP through whatever the script set up
 *    on the balancer (xdp-lb, nftables) and expects the SNAT address as
 *    source.
 *
 * Prints one line of key=value pairs. Exits non-zero when a frame arrived
 * damaged or a backend got nothing: the rate of a broken path means nothing.
 * Everything it attaches is detached before it exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_e2e.h"
#include "bench_e2e.skel.h"

#define MAX_BACKENDS E2E_MAX_TARGETS

enum e2e_mode { MODE_DIRECT, MODE_BOUNCE, MODE_NAT };

static struct {
	enum e2e_mode mode;
	const char *ns_client;
	const char *ns_lb;
	const char *ns_be[MAX_BACKENDS];
	int backends;
	const char *ifname;
	const char *vip;	/* default: the balancer's address */
	const char *snat;	/* default: the VIP */
	int port;
	int flows;
	double seconds;
	int cpu;
	int batch;
	int chunk;
} O = {
	.ifname = "eth0",
	.port = 8000,
	.flows = 64,
	.seconds = 2.0,
	.cpu = -1,
	.batch = 64,
	.chunk = 16384,
};

/* a host of the topology: its namespace and interface */
struct host {
	const char *ns;
	int ns_fd;
	int ifindex;
	__u8 mac[ETH_ALEN];
	__u32 ip;		/* network byte order */
	struct bench_e2e *skel;	/* what is attached to it, if anything */
};

static struct host client, lb, be[MAX_BACKENDS];
static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: bench_e2e --mode direct|bounce|nat --client NS --lb NS\n"
"                 --backend NS --backend NS [options]\n"
"  --ifname IF      every host's interface (eth0)\n"
"  --vip ADDR       destination of the frames (the balancer's address)\n"
"  --snat ADDR      source the backends expect in nat mode (the VIP)\n"
"  --port N         UDP destination port (8000)\n"
"  --flows N        distinct source ports (64)\n"
"  --time S         seconds of traffic (2)\n"
"  --cpu N          CPU the generator (and so every hop) runs on\n"
"  --batch N        frames per live-frames batch (64)\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int enter_ns(struct host *h)
{
	if (setns(h->ns_fd, CLONE_NEWNET)) {
		fprintf(stderr, "bench_e2e: cannot enter namespace %s: %s\n",
			h->ns, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Open the host's namespace and read its interface's index, MAC and IPv4
 * address from inside it. */
static int host_init(struct host *h, const char *ns)
{
	char path[128];
	struct ifreq ifr = {};
	int sock = -1, err;

	h->ns = ns;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	h->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->ns_fd < 0) {
		err = -errno;
		fprintf(stderr, "bench_e2e: no namespace %s: %s\n", ns,
			strerror(errno));
		return err;
	}
	err = enter_ns(h);
	if (err)
		return err;
	h->ifindex = if_nametoindex(O.ifname);
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!h->ifindex || sock < 0) {
		err = -errno;
		goto out;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", O.ifname);
	if (ioctl(sock, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		goto out;
	}
	memcpy(h->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(sock, SIOCGIFADDR, &ifr)) {
		err = -errno;
		goto out;
	}
	h->ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	err = 0;
out:
	if (err)
		fprintf(stderr, "bench_e2e: %s in namespace %s: %s\n", O.ifname,
			ns, strerror(-err));
	if (sock >= 0)
		close(sock);
	return err;
}

/* Attach prog (of h->skel, already loaded) to h's interface; never replaces
 * a program that is already there. */
static int host_attach(struct host *h, struct bpf_program *prog)
{
	int err = enter_ns(h);

	if (err)
		return err;
	err = bpf_xdp_attach(h->ifindex, bpf_program__fd(prog),
			     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err)
		fprintf(stderr, "bench_e2e: cannot attach %s to %s in %s: %s\n",
			bpf_program__name(prog), O.ifname, h->ns,
			strerror(-err));
	return err;
}

static void host_detach(struct host *h, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts,
		    .old_prog_fd = bpf_program__fd(prog));

	if (enter_ns(h))
		return;
	/* only our own program: XDP_FLAGS_REPLACE with its fd */
	bpf_xdp_detach(h->ifindex, XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE,
		       &opts);
}

static struct bench_e2e *skel_open(void)
{
	struct bench_e2e *skel = bench_e2e__open();

	if (!skel) {
		fprintf(stderr, "bench_e2e: cannot open the BPF object: %s\n",
			strerror(errno));
		return NULL;
	}
	/* each instance runs one program; the others need not be loaded */
	bpf_program__set_autoload(skel->progs.e2e_gen, false);
	bpf_program__set_autoload(skel->progs.e2e_bounce, false);
	bpf_program__set_autoload(skel->progs.e2e_count, false);
	return skel;
}

static int skel_load(struct bench_e2e *skel, struct bpf_program *prog)
{
	int err;

	bpf_program__set_autoload(prog, true);
	err = bench_e2e__load(skel);
	if (err)
		fprintf(stderr, "bench_e2e: cannot load %s: %s\n",
			bpf_program__name(prog), strerror(-err));
	return err;
}

static int counters_attach(__u32 src_ip, bool to_vip, __u32 vip)
{
	struct e2e_count_cfg *cfg;
	int i, err;

	for (i = 0; i < O.backends; i++) {
		be[i].skel = skel_open();
		if (!be[i].skel)
			return -ENOMEM;
		cfg = (struct e2e_count_cfg *)&be[i].skel->rodata->count_cfg;
		cfg->src_ip = src_ip;
		cfg->dst_ip = to_vip ? vip : be[i].ip;
		cfg->dport = O.port;
		err = skel_load(be[i].skel, be[i].skel->progs.e2e_count);
		if (!err)
			err = host_attach(&be[i], be[i].skel->progs.e2e_count);
		if (err) {
			bench_e2e__destroy(be[i].skel);
			be[i].skel = NULL;
			return err;
		}
	}
	return 0;
}

static int bounce_attach(void)
{
	struct e2e_bounce_cfg *cfg;
	int i, err;

	lb.skel = skel_open();
	if (!lb.skel)
		return -ENOMEM;
	cfg = (struct e2e_bounce_cfg *)&lb.skel->rodata->bounce_cfg;
	for (i = 0; i < O.backends; i++)
		memcpy(cfg->backend_mac[i], be[i].mac, ETH_ALEN);
	memcpy(cfg->own_mac, lb.mac, ETH_ALEN);
	cfg->dport = O.port;
	cfg->backends = O.backends;
	err = skel_load(lb.skel, lb.skel->progs.e2e_bounce);
	if (!err)
		err = host_attach(&lb, lb.skel->progs.e2e_bounce);
	if (err) {
		bench_e2e__destroy(lb.skel);
		lb.skel = NULL;
	}
	return err;
}

static void detach_all(void)
{
	int i;

	for (i = 0; i < O.backends; i++) {
		if (!be[i].skel)
			continue;
		host_detach(&be[i], be[i].skel->progs.e2e_count);
		bench_e2e__destroy(be[i].skel);
		be[i].skel = NULL;
	}
	if (lb.skel) {
		host_detach(&lb, lb.skel->progs.e2e_bounce);
		bench_e2e__destroy(lb.skel);
		lb.skel = NULL;
	}
}

/* counters of backend i, summed over CPUs */
static int counters_read(int i, __u64 out[E2E_CNT_MAX])
{
	int ncpus = libbpf_num_possible_cpus(), fd, c, k, err = 0;
	__u64 *vals;

	if (ncpus <= 0)
		return -EINVAL;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	fd = bpf_map__fd(be[i].skel->maps.e2e_counters);
	for (k = 0; k < E2E_CNT_MAX; k++) {
		__u32 key = k;

		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &key, vals)) {
			err = -errno;
			goto out;
		}
		for (c = 0; c < ncpus; c++)
			out[k] += vals[c];
	}
out:
	free(vals);
	return err;
}

static int counters_sum(__u64 per_be[MAX_BACKENDS][E2E_CNT_MAX],
			__u64 total[E2E_CNT_MAX])
{
	int i, k, err;

	memset(total, 0, sizeof(__u64) * E2E_CNT_MAX);
	for (i = 0; i < O.backends; i++) {
		err = counters_read(i, per_be[i]);
		if (err)
			return err;
		for (k = 0; k < E2E_CNT_MAX; k++)
			total[k] += per_be[i][k];
	}
	return 0;
}

static int generate(int prog_fd, int frames)
{
	__u8 frame[E2E_FRAME_LEN] = {};
	struct xdp_md ctx_in = {
		.data_end = sizeof(frame),
		.ingress_ifindex = client.ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = frame,
		    .data_size_in = sizeof(frame),
		    .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .repeat = frames,
		    .batch_size = O.batch);

	if (stop)
		return -EINTR;
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	return 0;
}

static int run(void)
{
	__u64 base[MAX_BACKENDS][E2E_CNT_MAX], mid[MAX_BACKENDS][E2E_CNT_MAX];
	__u64 end[MAX_BACKENDS][E2E_CNT_MAX];
	__u64 tbase[E2E_CNT_MAX], tmid[E2E_CNT_MAX], tend[E2E_CNT_MAX];
	struct bench_e2e *gen = NULL;
	struct e2e_gen_cfg *cfg;
	struct in_addr a;
	__u64 sent = 0;
	__u32 vip = lb.ip, snat, src;
	double t0, t1;
	int i, err, prog_fd;

	if (O.vip && inet_pton(AF_INET, O.vip, &a) == 1)
		vip = a.s_addr;
	else if (O.vip)
		return -EINVAL;
	snat = vip;
	if (O.snat && inet_pton(AF_INET, O.snat, &a) == 1)
		snat = a.s_addr;
	else if (O.snat)
		return -EINVAL;

	/* what the backends must see, by mode */
	src = O.mode == MODE_NAT ? snat : client.ip;
	err = counters_attach(src, O.mode == MODE_BOUNCE, vip);
	if (!err && O.mode == MODE_BOUNCE)
		err = bounce_attach();
	if (err)
		goto out;

	gen = skel_open();
	if (!gen) {
		err = -ENOMEM;
		goto out;
	}
	cfg = (struct e2e_gen_cfg *)&gen->rodata->gen_cfg;
	if (O.mode == MODE_DIRECT) {
		for (i = 0; i < O.backends; i++) {
			memcpy(cfg->target[i].mac, be[i].mac, ETH_ALEN);
			cfg->target[i].ip = be[i].ip;
		}
		cfg->targets = O.backends;
	} else {
		memcpy(cfg->target[0].mac, lb.mac, ETH_ALEN);
		cfg->target[0].ip = vip;
		cfg->targets = 1;
	}
	cfg->flows = O.flows;
	memcpy(cfg->src_mac, client.mac, ETH_ALEN);
	cfg->src_ip = client.ip;
	cfg->sport = 20000;
	cfg->dport = O.port;
	err = skel_load(gen, gen->progs.e2e_gen);
	if (err)
		goto out;
	prog_fd = bpf_program__fd(gen->progs.e2e_gen);

	err = enter_ns(&client);
	if (err)
		goto out;
	/* warm-up: flow tables, conntrack and the bridge's FDB */
	err = generate(prog_fd, 4 * O.flows);
	if (err) {
		fprintf(stderr, "bench_e2e: live-frames test run failed: %s\n",
			strerror(-err));
		goto out;
	}
	usleep(200000);
	err = counters_sum(base, tbase);
	if (err)
		goto out;

	t0 = now();
	do {
		err = generate(prog_fd, O.chunk);
		if (err) {
			fprintf(stderr, "bench_e2e: live-frames test run failed: %s\n",
				strerror(-err));
			goto out;
		}
		sent += O.chunk;
		t1 = now();
	} while (t1 - t0 < O.seconds);
	err = counters_sum(mid, tmid);
	if (err)
		goto out;
	/* frames still queued somewhere count for the totals, not the rate */
	usleep(200000);
	err = counters_sum(end, tend);
	if (err)
		goto out;

	printf("seconds=%.3f sent=%llu received=%llu valid=%llu bad_addr=%llu bad_csum=%llu",
	       t1 - t0, (unsigned long long)sent,
	       (unsigned long long)(tend[E2E_CNT_SEEN] - tbase[E2E_CNT_SEEN]),
	       (unsigned long long)(tend[E2E_CNT_VALID] - tbase[E2E_CNT_VALID]),
	       (unsigned long long)(tend[E2E_CNT_BAD_ADDR] - tbase[E2E_CNT_BAD_ADDR]),
	       (unsigned long long)(tend[E2E_CNT_BAD_CSUM] - tbase[E2E_CNT_BAD_CSUM]));
	for (i = 0; i < O.backends; i++)
		printf(" be%d=%llu", i + 1,
		       (unsigned long long)(end[i][E2E_CNT_VALID] - base[i][E2E_CNT_VALID]));
	printf(" pps=%.0f\n", (tmid[E2E_CNT_VALID] - tbase[E2E_CNT_VALID]) / (t1 - t0));

	if (tend[E2E_CNT_BAD_ADDR] != tbase[E2E_CNT_BAD_ADDR] ||
	    tend[E2E_CNT_BAD_CSUM] != tbase[E2E_CNT_BAD_CSUM]) {
		fprintf(stderr, "bench_e2e: frames arrived damaged or misaddressed\n");
		err = -EPROTO;
	}
	for (i = 0; i < O.backends; i++) {
		if (end[i][E2E_CNT_VALID] == base[i][E2E_CNT_VALID]) {
			fprintf(stderr, "bench_e2e: backend in %s got no frame\n",
				be[i].ns);
			err = -EPROTO;
		}
	}
out:
	bench_e2e__destroy(gen);
	detach_all();
	return err;
}

static void on_signal(int sig)
{
	/* the test run in progress stops (EINTR); run() detaches and returns */
	stop = sig;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "client", required_argument, NULL, 'c' },
		{ "lb", required_argument, NULL, 'l' },
		{ "backend", required_argument, NULL, 'b' },
		{ "ifname", required_argument, NULL, 'i' },
		{ "vip", required_argument, NULL, 'V' },
		{ "snat", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, 'p' },
		{ "flows", required_argument, NULL, 'f' },
		{ "time", required_argument, NULL, 't' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "batch", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, i, err;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "direct"))
				O.mode = MODE_DIRECT;
			else if (!strcmp(optarg, "bounce"))
				O.mode = MODE_BOUNCE;
			else if (!strcmp(optarg, "nat"))
				O.mode = MODE_NAT;
			else
				goto bad;
			break;
		case 'c': O.ns_client = optarg; break;
		case 'l': O.ns_lb = optarg; break;
		case 'b':
			if (O.backends == MAX_BACKENDS)
				goto bad;
			O.ns_be[O.backends++] = optarg;
			break;
		case 'i': O.ifname = optarg; break;
		case 'V': O.vip = optarg; break;
		case 'S': O.snat = optarg; break;
		case 'p': O.port = atoi(optarg); break;
		case 'f': O.flows = atoi(optarg); break;
		case 't': O.seconds = atof(optarg); break;
		case 'C': O.cpu = atoi(optarg); break;
		case 'B': O.batch = atoi(optarg); break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc || !O.ns_client || !O.ns_lb || !O.backends ||
	    O.port <= 0 || O.port > 65535 || O.flows <= 0 ||
	    O.flows > 65535 - 20000 || O.seconds <= 0 || O.seconds > 60 ||
	    O.batch <= 0 || O.batch > 256)
		goto bad;

	if (O.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(O.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "bench_e2e: cannot run on CPU %d: %s\n",
				O.cpu, strerror(errno));
			return 1;
		}
	}
	if (host_init(&client, O.ns_client) || host_init(&lb, O.ns_lb))
		return 1;
	for (i = 0; i < O.backends; i++)
		if (host_init(&be[i], O.ns_be[i]))
			return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = run();
	if (stop)
		return 128 + stop;
	return err ? 1 : 0;
bad:
	usage(stderr);
	return 2;
}
