/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp-lb load / unload: attach the data plane through libxdp, with its maps
 * pinned under <bpffs>/xdp-lb so that every interface and every later
 * invocation shares one configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp-lb.h"
#include "xdp_lb.skel.h"
#include "bpffs.h"
#include "format.h"
#include "logging.h"
#include "netns.h"

/* bpf_fib_lookup() only answers on interfaces that forward. */
static int enable_forwarding(const char *ifname)
{
	static const char *const fmts[] = {
		"/proc/sys/net/ipv4/conf/%s/forwarding",
		"/proc/sys/net/ipv6/conf/%s/forwarding",
	};
	char path[256];
	int i, fd, err = 0;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), fmts[i], ifname);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT) /* IPv6 may be disabled */
				err = -errno;
			continue;
		}
		if (write(fd, "1", 1) != 1)
			err = -errno;
		close(fd);
	}
	if (!err)
		pr_debug("Enabled forwarding on %s (needed by the FIB lookup)\n",
			 ifname);
	return err;
}

/*
 * Refuse early, with a clear message, an interface whose XDP program was
 * not attached through libxdp's dispatcher: libxdp would refuse it too
 * ("Existing program is not using a dispatcher").
 */
static int check_iface_free(const char *ifname, int ifindex)
{
	struct xdp_multiprog *mp;
	struct xdp_program *main;
	int err = 0;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp))
		return 0; /* nothing attached */
	if (xdp_multiprog__is_legacy(mp)) {
		main = xdp_multiprog__main_prog(mp);
		if (main && !strcmp(xdp_program__name(main), PROG_FUNC))
			pr_err("interface %s already runs xdp-lb (id %u) but "
			       "its state is gone; run 'xdp-lb unload --all' first\n",
			       ifname, xdp_program__id(main));
		else
			pr_err("interface %s already has XDP program '%s' (id %u) "
			       "attached without libxdp's dispatcher; unload it first\n",
			       ifname, main ? xdp_program__name(main) : "?",
			       main ? xdp_program__id(main) : 0);
		err = -EBUSY;
	}
	xdp_multiprog__close(mp);
	return err;
}

static int attach_one(const struct load_req *req, const char *pin_root,
		      int i, const __u32 sizes[LB_CAP_COUNT], bool *legacy)
{
	const char *ifname = req->ifaces.names[i];
	int ifindex = req->ifaces.indexes[i];
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .prog_name = PROG_FUNC);
	struct xdp_program *prog = NULL;
	struct xdp_multiprog *mp;
	struct xdp_lb *skel;
	struct bpf_map *map;
	char path[4096];
	int err, m;

	skel = xdp_lb__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the embedded BPF object: %s\n", strerror(-err));
		return err;
	}
	for (m = 0; m < LB_MI_COUNT; m++) {
		enum lb_capacity cap = lb_map_capacity[m];

		map = bpf_object__find_map_by_name(skel->obj, lb_map_names[m]);
		snprintf(path, sizeof(path), "%s/%s", pin_root, lb_map_names[m]);
		if (!map || bpf_map__set_pin_path(map, path) ||
		    (cap != LB_CAP_FIXED &&
		     bpf_map__set_max_entries(map, sizes[cap]))) {
			err = -EINVAL;
			pr_err("cannot size or pin map %s\n", lb_map_names[m]);
			goto out;
		}
	}
	xopts.obj = skel->obj;
	prog = xdp_program__create(&xopts);
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		pr_err("cannot create the XDP program: %s\n", strerror(-err));
		goto out;
	}
	err = xdp_program__set_run_prio(prog, req->priority);
	if (err) {
		pr_err("cannot set run priority %u: %s\n", req->priority,
		       strerror(-err));
		goto out;
	}
	silence_lib_logging();
	err = xdp_program__attach(prog, ifindex, req->mode, 0);
	init_lib_logging();
	if (err) {
		char buf[256];

		libxdp_strerror(err, buf, sizeof(buf));
		if (err == -EINVAL && lb_maps_pinned(pin_root))
			pr_err("cannot attach on %s: the pinned state in %s does "
			       "not match this xdp-lb (other version or sizes); "
			       "run 'xdp-lb unload --all' first\n", ifname, pin_root);
		else if (err == -EOPNOTSUPP && req->mode == XDP_MODE_NATIVE)
			pr_err("cannot attach on %s in native mode: %s "
			       "(try --mode skb)\n", ifname, buf);
		else
			pr_err("cannot attach on %s: %s (%d)\n", ifname, buf, err);
		goto out;
	}

	err = pin_prog_add(pin_root, ifname, prog);
	if (err) {
		pin_prog_path(path, sizeof(path), pin_root, ifname, PROG_FUNC);
		pr_err("cannot pin the program at %s: %s\n", path, strerror(-err));
		xdp_program__detach(prog, ifindex, req->mode, 0);
		pin_prog_remove(pin_root, ifname, PROG_FUNC);
		goto out;
	}
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	*legacy = !libxdp_get_error(mp) && xdp_multiprog__is_legacy(mp);
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	err = enable_forwarding(ifname);
	if (err)
		pr_warn("Warning: could not enable forwarding on %s (%s): backends "
			"will not be reachable through the FIB\n", ifname,
			strerror(-err));
	err = 0;
out:
	xdp_program__close(prog);
	xdp_lb__destroy(skel);
	return err;
}

static int detach_iface(const char *pin_root, const char *ifname, int ifindex)
{
	enum xdp_attach_mode mode;
	struct xdp_program *prog;
	int err = 0;

	prog = pin_prog_get(pin_root, ifname, PROG_FUNC, ifindex, &mode);
	if (prog && mode != XDP_MODE_UNSPEC) {
		err = xdp_program__detach(prog, ifindex, mode, 0);
		if (err) {
			char buf[256];

			libxdp_strerror(err, buf, sizeof(buf));
			pr_err("cannot detach from %s: %s\n", ifname, buf);
		}
	}
	xdp_program__close(prog);
	if (!err)
		err = pin_prog_remove(pin_root, ifname, PROG_FUNC);
	return err;
}

/* The first load creates the maps: give them a configuration. */
static int init_config(const char *pin_root, const struct load_req *req,
		       bool created)
{
	struct lb_config cfg;
	struct lb_maps maps;
	struct lb_vip_entry *vips = NULL;
	size_t n = 0, i;
	int err;

	err = lb_maps_open_pinned(pin_root, &maps);
	if (err) {
		pr_err("cannot open the pinned maps in %s: %s\n", pin_root,
		       strerror(-err));
		return err;
	}
	err = lb_config_get(&maps, &cfg);
	if (err)
		goto out;
	if (created || cfg.version == 0) {
		struct netns_id ns = {};

		lb_config_default(&cfg);
		if (!netns_self(&ns))
			cfg.netns_cookie = (__u32)ns.cookie;
		if (req->seed_set) {
			memcpy(cfg.hash_key, req->seed, sizeof(cfg.hash_key));
		} else if (getrandom(cfg.hash_key, sizeof(cfg.hash_key), 0) !=
			   sizeof(cfg.hash_key)) {
			err = -errno;
			goto out;
		}
		err = lb_config_set(&maps, &cfg);
		goto out;
	}
	if (cfg.version != LB_STATE_VERSION) {
		pr_err("the pinned state in %s has version %u, this xdp-lb "
		       "uses %u; run 'xdp-lb unload --all' first\n", pin_root,
		       cfg.version, LB_STATE_VERSION);
		err = -EINVAL;
		goto out;
	}
	if (!req->seed_set || !memcmp(cfg.hash_key, req->seed, sizeof(req->seed)))
		goto out;
	/* A new seed: every table is rebuilt with it. */
	memcpy(cfg.hash_key, req->seed, sizeof(cfg.hash_key));
	err = lb_config_set(&maps, &cfg);
	if (!err)
		err = lb_vip_list(&maps, &vips, &n);
	for (i = 0; !err && i < n; i++)
		err = lb_ring_rebuild(&maps, &vips[i].vip);
	free(vips);
out:
	if (err)
		pr_err("cannot initialise the configuration: %s\n", strerror(-err));
	lb_maps_close(&maps);
	return err;
}

/*
 * Capacities of the maps (by enum lb_capacity): as requested, or the
 * defaults, when they are created; as pinned otherwise. Asking for other
 * sizes than the pinned ones is an error, since resizing loses the state.
 */
static int map_sizes_get(const struct load_req *req, const char *pin_root,
			 bool created, __u32 sizes[LB_CAP_COUNT])
{
	/* what each capacity sizes: a map to read it from, its name */
	static const struct {
		enum lb_map_index map;
		const char *what;
	} caps[LB_CAP_COUNT] = {
		[LB_CAP_FLOWS] = { LB_MI_CT_FWD, "connection table" },
		[LB_CAP_VIPS] = { LB_MI_VIPS, "VIP table" },
		[LB_CAP_BACKENDS] = { LB_MI_BACKENDS, "backend table" },
	};
	int i, err;

	for (i = 0; i < LB_CAP_COUNT; i++) {
		if (i == LB_CAP_FIXED)
			continue;
		sizes[i] = req->capacity[i];
		if (created)
			continue;
		err = lb_map_pinned_max_entries(pin_root, caps[i].map, &sizes[i]);
		if (err) {
			pr_err("cannot read the pinned %s: %s\n",
			       caps[i].what, strerror(-err));
			return err;
		}
		if (req->capacity_set[i] && req->capacity[i] != sizes[i]) {
			pr_err("the %s exists with room for %u entries; unload "
			       "every interface to resize it to %u\n", caps[i].what,
			       sizes[i], req->capacity[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int do_load(const struct load_req *req, const char *pin_root)
{
	enum xdp_attach_mode mode;
	struct xdp_program *prog;
	bool created, dropped, legacy = false;
	__u32 sizes[LB_CAP_COUNT];
	int lock, i, j, err = 0;

	err = cmd_state_lock(pin_root, true, &lock, &dropped);
	if (err)
		return err;
	created = !lb_maps_pinned(pin_root);
	err = map_sizes_get(req, pin_root, created, sizes);
	if (err)
		goto out;

	/* Check every interface before touching any. */
	for (i = 0; i < req->ifaces.count; i++) {
		const char *ifname = req->ifaces.names[i];

		for (j = 0; j < i; j++) {
			if (!strcmp(req->ifaces.names[j], ifname)) {
				pr_err("interface %s given twice\n", ifname);
				err = -EINVAL;
				goto out;
			}
		}
		prog = pin_prog_get(pin_root, ifname, PROG_FUNC,
				   req->ifaces.indexes[i], &mode);
		xdp_program__close(prog);
		if (prog && mode != XDP_MODE_UNSPEC) {
			pr_err("xdp-lb is already loaded on %s (%s mode)\n",
			       ifname, mode_str(mode));
			err = -EEXIST;
			goto out;
		}
		err = check_iface_free(ifname, req->ifaces.indexes[i]);
		if (err)
			goto out;
	}

	for (i = 0; i < req->ifaces.count; i++) {
		err = attach_one(req, pin_root, i, sizes, &legacy);
		if (err)
			break;
		if (i == 0) {
			err = init_config(pin_root, req, created);
			if (err) {
				i++;
				break;
			}
		}
		if (legacy)
			pr_info("Loaded on %s in %s mode as a single program: this "
				"kernel cannot run libxdp's dispatcher, so no other XDP "
				"program can share the interface\n",
				req->ifaces.names[i], mode_str(req->mode));
		else
			pr_debug("Loaded on %s in %s mode under libxdp's dispatcher "
				 "(priority %u)\n", req->ifaces.names[i],
				 mode_str(req->mode), req->priority);
	}
	if (err) {
		/* Leave things as they were: undo this invocation's attaches. */
		for (j = 0; j < i && j < req->ifaces.count; j++)
			detach_iface(pin_root, req->ifaces.names[j],
				     req->ifaces.indexes[j]);
		if (created) {
			struct pinned_iface *st;
			int n;

			if (pin_prog_list(pin_root, PROG_FUNC, &st, &n) == 0 && n == 0)
				cmd_state_remove(pin_root);
			free(st);
		}
	}
out:
	pin_dir_unlock(lock);
	return err;
}

/* The interfaces with a pin of xdp-lb's program. */
static int pinned_ifaces(const char *pin_root, struct pinned_iface **st, int *n)
{
	int err = pin_prog_list(pin_root, PROG_FUNC, st, n);

	if (err)
		pr_err("cannot read %s: %s\n", pin_root, strerror(-err));
	return err;
}

int do_unload(const struct unload_req *req, const char *pin_root)
{
	struct pinned_iface *st = NULL;
	bool dropped;
	int lock, n = 0, i, j, err = 0;

	if (!req->all && req->ifaces.count == 0) {
		pr_err("specify an interface or --all\n");
		return -EINVAL;
	}
	if (!bpffs_is_mounted(bpffs_mount_point()) || access(pin_root, F_OK)) {
		if (req->all) {
			pin_prog_detach_unpinned(PROG_FUNC);
			return 0;
		}
		pr_err("xdp-lb is not loaded on %s\n", req->ifaces.names[0]);
		return -ENOENT;
	}
	err = cmd_state_lock(pin_root, false, &lock, &dropped);
	if (err)
		return err;
	err = pinned_ifaces(pin_root, &st, &n);
	if (err)
		goto out;
	for (i = 0; i < req->ifaces.count; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(st[j].name, req->ifaces.names[i]) && st[j].attached)
				break;
		if (j == n) {
			pr_err("xdp-lb is not loaded on %s\n", req->ifaces.names[i]);
			err = -ENOENT;
			goto out;
		}
	}
	if (req->all) {
		/* also cleans up pins whose interface or program is gone */
		for (j = 0; j < n; j++)
			err = detach_iface(pin_root, st[j].name, st[j].ifindex) ?: err;
	} else {
		for (i = 0; i < req->ifaces.count; i++)
			err = detach_iface(pin_root, req->ifaces.names[i],
					   req->ifaces.indexes[i]) ?: err;
	}
	free(st);
	st = NULL;
	if (err)
		goto out;
	err = pinned_ifaces(pin_root, &st, &n);
	if (err)
		goto out;
	if (req->all)
		pin_prog_detach_unpinned(PROG_FUNC);
	if (n == 0 && !req->keep_maps) {
		pr_debug("Last interface unloaded: removing %s\n", pin_root);
		err = cmd_state_remove(pin_root);
		if (err)
			pr_err("cannot remove %s: %s\n", pin_root, strerror(-err));
	}
out:
	free(st);
	pin_dir_unlock(lock);
	return err;
}
