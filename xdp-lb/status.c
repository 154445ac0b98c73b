/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp-lb status / stats: what is loaded where, the configuration, flows and
 * counters, as a table or as JSON with stable field names (man page).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "xdp-lb.h"
#include "bpffs.h"
#include "format.h"
#include "logging.h"
#include "netns.h"

struct snapshot {
	const char *state_dir;  /* where this namespace's state is pinned */
	__u64 netns_inode;
	struct pinned_iface *ifs;
	int nr_ifs;
	struct lb_config cfg;
	__u32 flow_capacity;
	struct lb_flow_counts flows;
	__u64 stats[LB_STAT_SLOTS];
	struct lb_vip_entry *vips;
	size_t nr_vips;
	struct lb_traffic *vip_traffic;
	struct lb_backend_entry **backends;
	size_t *nr_backends;
	struct lb_traffic **be_traffic;
};

static void snapshot_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nr_vips; i++) {
		if (s->backends)
			free(s->backends[i]);
		if (s->be_traffic)
			free(s->be_traffic[i]);
	}
	free(s->backends);
	free(s->be_traffic);
	free(s->nr_backends);
	free(s->vip_traffic);
	free(s->vips);
	free(s->ifs);
	lb_flow_counts_free(&s->flows);
	memset(s, 0, sizeof(*s));
}

/*
 * whole: everything status shows (interfaces, configuration, flow table,
 * counters); otherwise only what stats shows every interval, the traffic
 * of every VIP and backend.
 */
static int snapshot_take(const struct lb_maps *m, const char *pin_root,
			 bool whole, struct snapshot *s)
{
	size_t i, j;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (whole) {
		err = pin_prog_list(pin_root, PROG_FUNC, &s->ifs, &s->nr_ifs);
		if (!err)
			err = lb_config_get(m, &s->cfg);
		if (!err)
			err = lb_map_max_entries(m->fd[LB_MI_CT_FWD],
						 &s->flow_capacity);
		if (!err)
			err = lb_flows_count(m, &s->flows);
		if (!err)
			err = lb_stats_read(m, s->stats);
	}
	if (!err)
		err = lb_vip_list(m, &s->vips, &s->nr_vips);
	if (err)
		goto err;
	s->vip_traffic = calloc(s->nr_vips + 1, sizeof(*s->vip_traffic));
	s->backends = calloc(s->nr_vips + 1, sizeof(*s->backends));
	s->nr_backends = calloc(s->nr_vips + 1, sizeof(*s->nr_backends));
	s->be_traffic = calloc(s->nr_vips + 1, sizeof(*s->be_traffic));
	if (!s->vip_traffic || !s->backends || !s->nr_backends || !s->be_traffic) {
		err = -ENOMEM;
		goto err;
	}
	for (i = 0; i < s->nr_vips; i++) {
		err = lb_traffic_read(m, false, s->vips[i].vip.id, &s->vip_traffic[i]);
		if (!err)
			err = lb_backend_list(m, s->vips[i].vip.id, &s->backends[i],
					      &s->nr_backends[i]);
		if (err)
			goto err;
		s->be_traffic[i] = calloc(s->nr_backends[i] + 1,
					  sizeof(*s->be_traffic[i]));
		if (!s->be_traffic[i]) {
			err = -ENOMEM;
			goto err;
		}
		for (j = 0; j < s->nr_backends[i]; j++) {
			err = lb_traffic_read(m, true, s->backends[i][j].id,
					      &s->be_traffic[i][j]);
			if (err)
				goto err;
		}
	}
	return 0;
err:
	snapshot_free(s);
	return err;
}

static const char *vip_text(const struct lb_vip_entry *v, char *buf, size_t len)
{
	return vip_str(v->key.family, &v->key.addr, ntohs(v->key.port), buf, len);
}

/* live flows of a VIP or backend id (0 for an id beyond the count) */
static unsigned long long vip_flows(const struct snapshot *s, __u32 id)
{
	return id < s->flows.nr_vips ? s->flows.per_vip[id] : 0;
}

static unsigned long long be_flows(const struct snapshot *s, __u32 id)
{
	return id < s->flows.nr_backends ? s->flows.per_backend[id] : 0;
}

static void print_text(const struct snapshot *s)
{
	char a[VIP_STRLEN], b[ADDR_STRLEN];
	size_t i, j;
	int k;

	printf("CURRENT XDP-LB STATUS:\n\n");
	printf("State: %s (network namespace inode %llu)\n\n", s->state_dir,
	       (unsigned long long)s->netns_inode);
	printf("Loaded on interfaces:\n");
	printf("  %-16s %-8s %-28s %-9s %s\n", "Interface", "Mode",
	       "Dispatcher", "Priority", "Program id");
	for (k = 0; k < s->nr_ifs; k++) {
		const struct pinned_iface *f = &s->ifs[k];
		char d[64];

		if (!f->attached)
			snprintf(d, sizeof(d), "not attached (stale pin)");
		else if (f->dispatcher)
			snprintf(d, sizeof(d), "yes (%d program%s)",
				 f->progs_on_iface,
				 f->progs_on_iface == 1 ? "" : "s");
		else
			snprintf(d, sizeof(d), "no (single program)");
		printf("  %-16s %-8s %-28s %-9u %u\n", f->name, mode_str(f->mode),
		       d, f->priority, f->prog_id);
	}
	if (!s->nr_ifs)
		printf("  (none)\n");

	printf("\nConnection table: %llu live flows, %u slots (%.1f%% full)\n",
	       (unsigned long long)s->flows.total, s->flow_capacity,
	       s->flow_capacity ? 100.0 * s->flows.total / s->flow_capacity : 0.0);
	printf("SNAT source ports: %u-%u\n", s->cfg.port_min, s->cfg.port_max);

	printf("\nVIPs:\n");
	if (!s->nr_vips)
		printf("  (none)\n");
	for (i = 0; i < s->nr_vips; i++) {
		const struct lb_vip_entry *v = &s->vips[i];
		const struct lb_traffic *t = &s->vip_traffic[i];

		printf("  %-40s %s  mode nat  snat %s  ring %u  flows %llu  "
		       "packets %llu  bytes %llu  replies %llu  new flows %llu\n",
		       vip_text(v, a, sizeof(a)), proto_str(v->key.proto),
		       addr_str(v->key.family, &v->vip.snat, b, sizeof(b)),
		       v->vip.ring_size,
		       vip_flows(s, v->vip.id),
		       (unsigned long long)t->packets, (unsigned long long)t->bytes,
		       (unsigned long long)t->reply_packets,
		       (unsigned long long)t->new_flows);
		if (!s->nr_backends[i])
			printf("    (no backends)\n");
		for (j = 0; j < s->nr_backends[i]; j++) {
			const struct lb_backend_entry *be = &s->backends[i][j];
			const struct lb_traffic *bt = &s->be_traffic[i][j];
			char port[16] = "", mac[sizeof(" mac ") + MAC_STRLEN] = "";

			if (be->be.port)
				snprintf(port, sizeof(port), " port %u", ntohs(be->be.port));
			if (be->be.flags & LB_BACKEND_F_STATIC_MAC) {
				strcpy(mac, " mac ");
				mac_str(be->be.mac, mac + 5, sizeof(mac) - 5);
			}
			printf("    %-38s weight %-5u %-9s flows %llu  packets %llu  "
			       "bytes %llu  replies %llu  new flows %llu%s%s\n",
			       addr_str(be->be.family, &be->be.addr, a, sizeof(a)),
			       be->be.weight, be->be.weight ? "active" : "draining",
			       be_flows(s, be->id),
			       (unsigned long long)bt->packets,
			       (unsigned long long)bt->bytes,
			       (unsigned long long)bt->reply_packets,
			       (unsigned long long)bt->new_flows, port, mac);
		}
	}

	printf("\nGlobal counters:\n");
	for (k = 0; k < LB_STAT_MAX; k++)
		printf("  %-28s %llu\n", lb_stat_names[k],
		       (unsigned long long)s->stats[k]);
}

static void print_json(const struct snapshot *s)
{
	char a[VIP_STRLEN];
	size_t i, j;
	int k;

	printf("{\"version\":");
	json_str(stdout, XDP_LB_VERSION);
	printf(",\"state\":{\"dir\":");
	json_str(stdout, s->state_dir);
	printf(",\"netns_inode\":%llu}", (unsigned long long)s->netns_inode);
	printf(",\"interfaces\":[");
	for (k = 0; k < s->nr_ifs; k++) {
		const struct pinned_iface *f = &s->ifs[k];

		printf("%s{\"name\":", k ? "," : "");
		json_str(stdout, f->name);
		printf(",\"ifindex\":%d,\"attached\":%s,\"mode\":\"%s\","
		       "\"dispatcher\":%s,\"programs\":%d,\"priority\":%u,"
		       "\"program_id\":%u}",
		       f->ifindex, f->attached ? "true" : "false", mode_str(f->mode),
		       f->dispatcher ? "true" : "false", f->progs_on_iface,
		       f->priority, f->prog_id);
	}
	printf("],\"flow_table\":{\"flows\":%llu,\"capacity\":%u},"
	       "\"snat_ports\":{\"min\":%u,\"max\":%u},\"vips\":[",
	       (unsigned long long)s->flows.total, s->flow_capacity,
	       s->cfg.port_min, s->cfg.port_max);
	for (i = 0; i < s->nr_vips; i++) {
		const struct lb_vip_entry *v = &s->vips[i];
		const struct lb_traffic *t = &s->vip_traffic[i];

		printf("%s{\"vip\":\"%s\"", i ? "," : "", vip_text(v, a, sizeof(a)));
		printf(",\"address\":\"%s\",\"port\":%u,\"proto\":\"%s\","
		       "\"mode\":\"nat\"",
		       addr_str(v->key.family, &v->key.addr, a, sizeof(a)),
		       ntohs(v->key.port), proto_str(v->key.proto));
		printf(",\"snat\":\"%s\",\"ring_size\":%u,\"flows\":%llu,"
		       "\"packets\":%llu,\"bytes\":%llu,\"reply_packets\":%llu,"
		       "\"reply_bytes\":%llu,\"new_flows\":%llu,\"backends\":[",
		       addr_str(v->key.family, &v->vip.snat, a, sizeof(a)),
		       v->vip.ring_size,
		       vip_flows(s, v->vip.id),
		       (unsigned long long)t->packets, (unsigned long long)t->bytes,
		       (unsigned long long)t->reply_packets,
		       (unsigned long long)t->reply_bytes,
		       (unsigned long long)t->new_flows);
		for (j = 0; j < s->nr_backends[i]; j++) {
			const struct lb_backend_entry *be = &s->backends[i][j];
			const struct lb_traffic *bt = &s->be_traffic[i][j];
			char mac[MAC_STRLEN];

			printf("%s{\"address\":\"%s\",\"port\":%u,\"weight\":%u,"
			       "\"state\":\"%s\",\"mac\":",
			       j ? "," : "",
			       addr_str(be->be.family, &be->be.addr, a, sizeof(a)),
			       ntohs(be->be.port), be->be.weight,
			       be->be.weight ? "active" : "draining");
			if (be->be.flags & LB_BACKEND_F_STATIC_MAC) {
				mac_str(be->be.mac, mac, sizeof(mac));
				printf("\"%s\"", mac);
			} else {
				printf("null");
			}
			printf(",\"flows\":%llu,\"packets\":%llu,\"bytes\":%llu,"
			       "\"reply_packets\":%llu,\"reply_bytes\":%llu,"
			       "\"new_flows\":%llu}",
			       be_flows(s, be->id),
			       (unsigned long long)bt->packets,
			       (unsigned long long)bt->bytes,
			       (unsigned long long)bt->reply_packets,
			       (unsigned long long)bt->reply_bytes,
			       (unsigned long long)bt->new_flows);
		}
		printf("]}");
	}
	printf("],\"counters\":{");
	for (k = 0; k < LB_STAT_MAX; k++)
		printf("%s\"%s\":%llu", k ? "," : "", lb_stat_names[k],
		       (unsigned long long)s->stats[k]);
	printf("}}\n");
}

int do_status(const struct status_req *req, const char *pin_root)
{
	struct cmd_state st;
	struct netns_id ns;
	struct snapshot s;
	int err;

	err = cmd_state_open(pin_root, &st);
	if (err)
		return err;
	err = snapshot_take(&st.maps, pin_root, true, &s);
	cmd_state_close(&st);
	if (err) {
		pr_err("cannot read the state in %s: %s\n", pin_root,
		       strerror(-err));
		return err;
	}
	s.state_dir = pin_root;
	if (!netns_self(&ns))
		s.netns_inode = ns.inode;
	if (req->json)
		print_json(&s);
	else
		print_text(&s);
	snapshot_free(&s);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double rate(__u64 now, __u64 before, double secs)
{
	return now >= before ? (now - before) / secs : 0;
}

/* Find the entry of the same VIP/backend in the previous snapshot. */
static const struct lb_traffic *prev_vip(const struct snapshot *p,
					 const struct lb_vip_entry *v, size_t *pi)
{
	size_t i;

	for (i = 0; i < p->nr_vips; i++) {
		if (!memcmp(&p->vips[i].key, &v->key, sizeof(v->key)) &&
		    p->vips[i].vip.gen == v->vip.gen) {
			*pi = i;
			return &p->vip_traffic[i];
		}
	}
	return NULL;
}

static const struct lb_traffic *prev_be(const struct snapshot *p, size_t pi,
					const struct lb_backend_entry *be)
{
	size_t j;

	for (j = 0; j < p->nr_backends[pi]; j++)
		if (p->backends[pi][j].id == be->id &&
		    p->backends[pi][j].be.gen == be->be.gen)
			return &p->be_traffic[pi][j];
	return NULL;
}

static void print_rates(const char *label, bool json,
			const struct lb_traffic *now,
			const struct lb_traffic *before, double secs)
{
	static const struct lb_traffic zero;
	double pps, bps, reply_pps, reply_bps, new_flows;

	if (!before)
		before = &zero;
	pps = rate(now->packets, before->packets, secs);
	bps = 8 * rate(now->bytes, before->bytes, secs);
	reply_pps = rate(now->reply_packets, before->reply_packets, secs);
	reply_bps = 8 * rate(now->reply_bytes, before->reply_bytes, secs);
	new_flows = rate(now->new_flows, before->new_flows, secs);
	if (json)
		printf("\"pps\":%.1f,\"bps\":%.1f,\"reply_pps\":%.1f,"
		       "\"reply_bps\":%.1f,\"new_flows_per_s\":%.1f",
		       pps, bps, reply_pps, reply_bps, new_flows);
	else
		printf("%-44s %12.1f %14.1f %12.1f %14.1f %12.1f\n", label,
		       pps, bps, reply_pps, reply_bps, new_flows);
}

static void print_interval(const struct snapshot *s, const struct snapshot *p,
			   double secs, bool json)
{
	/* a backend's label is indented by two spaces */
	char a[VIP_STRLEN], label[VIP_LABEL_STRLEN + 2];
	size_t i, j, pi = 0;

	if (json)
		printf("{\"time\":%.3f,\"interval\":%.3f,\"vips\":[",
		       (double)time(NULL), secs);
	else
		printf("%-44s %12s %14s %12s %14s %12s\n", "VIP / backend", "pkt/s",
		       "bit/s", "reply pkt/s", "reply bit/s", "new flows/s");
	for (i = 0; i < s->nr_vips; i++) {
		const struct lb_vip_entry *v = &s->vips[i];
		const struct lb_traffic *pv = prev_vip(p, v, &pi);

		vip_text(v, a, sizeof(a));
		vip_label(v->key.family, &v->key.addr, ntohs(v->key.port),
			  v->key.proto, label, sizeof(label));
		if (json)
			printf("%s{\"vip\":\"%s\",\"proto\":\"%s\",", i ? "," : "",
			       a, proto_str(v->key.proto));
		print_rates(label, json, &s->vip_traffic[i], pv, secs);
		if (json)
			printf(",\"backends\":[");
		for (j = 0; j < s->nr_backends[i]; j++) {
			const struct lb_backend_entry *be = &s->backends[i][j];

			snprintf(label, sizeof(label), "  %s",
				 addr_str(be->be.family, &be->be.addr, a, sizeof(a)));
			if (json)
				printf("%s{\"address\":\"%s\",", j ? "," : "", label + 2);
			print_rates(label, json, &s->be_traffic[i][j],
				    pv ? prev_be(p, pi, be) : NULL, secs);
			if (json)
				printf("}");
		}
		if (json)
			printf("]}");
	}
	if (json)
		printf("]}\n");
	else
		printf("\n");
	fflush(stdout);
}

int do_stats(const struct stats_req *req, const char *pin_root)
{
	struct snapshot s, prev;
	struct timespec t0, t1;
	struct cmd_state st;
	__u32 n = 0;
	int err;

	err = cmd_state_open(pin_root, &st);
	if (err)
		return err;
	/* The lock is only held to open the maps: reading needs none. */
	pin_dir_unlock(st.lock);
	st.lock = -1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	err = snapshot_take(&st.maps, pin_root, false, &prev);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!err && !stop && (!req->count || n < req->count)) {
		struct timespec req_ts = { .tv_sec = req->interval };

		while (nanosleep(&req_ts, &req_ts) && !stop)
			;
		if (stop)
			break;
		err = snapshot_take(&st.maps, pin_root, false, &s);
		if (err)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		print_interval(&s, &prev, (t1.tv_sec - t0.tv_sec) +
			       (t1.tv_nsec - t0.tv_nsec) / 1e9, req->json);
		snapshot_free(&prev);
		prev = s;
		t0 = t1;
		n++;
	}
	snapshot_free(&prev);
	cmd_state_close(&st);
	if (err)
		pr_err("cannot read the state in %s: %s\n", pin_root,
		       strerror(-err));
	return err;
}
