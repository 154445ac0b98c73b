/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp-lb vip / backend: change the configuration in the pinned maps.
 * Everything is validated before anything is written, and each change
 * swaps the VIP's Maglev table whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "xdp-lb.h"
#include "format.h"
#include "logging.h"
#include "neigh.h"

static void vip_key_of(const struct vip_addr *v, int proto, struct lb_vip_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = v->family;
	k->addr = v->addr;
	k->port = htons(v->port);
	k->proto = proto;
}

static const char *vip_name(const struct vip_addr *v, int proto, char *buf,
			    size_t len)
{
	return vip_label(v->family, &v->addr, v->port, proto, buf, len);
}

int do_vip(const struct vip_req *req, const char *pin_root)
{
	struct lb_vip_key key;
	const union lb_addr *snat;
	struct lb_maps maps;
	char name[VIP_LABEL_STRLEN], a[ADDR_STRLEN];
	struct lb_vip vip;
	int lock, err;

	vip_name(&req->vip, req->proto, name, sizeof(name));
	if (req->remove && (req->snat_set || req->ring_size)) {
		pr_err("--remove takes no --snat or --ring-size\n");
		return 1;
	}
	if (req->snat_set && req->snat.family != req->vip.family) {
		pr_err("SNAT address %s is not of the VIP's address family\n",
		       addr_str(req->snat.family, &req->snat.addr, a, sizeof(a)));
		return 1;
	}
	vip_key_of(&req->vip, req->proto, &key);
	snat = req->snat_set ? &req->snat.addr : &req->vip.addr;

	lock = lb_open_state(pin_root, &maps);
	if (lock < 0)
		return 1;
	if (req->remove) {
		err = lb_vip_remove(&maps, &key);
		if (err == -ENOENT)
			pr_err("unknown VIP %s\n", name);
		else if (err)
			pr_err("cannot remove VIP %s: %s\n", name, strerror(-err));
		goto out;
	}
	if (!req->snat_set && lb_vip_get(&maps, &key, &vip) == 0)
		snat = &vip.snat; /* an update without --snat keeps it */
	err = lb_vip_set(&maps, &key, snat, req->ring_size);
	if (err == -EBUSY)
		pr_err("VIP %s exists with another ring size; remove it "
		       "first to change the size\n", name);
	else if (err == -ENOSPC)
		pr_err("no room for VIP %s: every VIP slot is in use\n", name);
	else if (err == -EINVAL)
		pr_err("invalid VIP %s (ring size must be a prime up to %u)\n",
		       name, LB_RING_SIZE_MAX);
	else if (err)
		pr_err("cannot set VIP %s: %s\n", name, strerror(-err));
out:
	lb_close_state(lock, &maps);
	return err ? 1 : 0;
}

int do_backend(const struct backend_req *req, const char *pin_root)
{
	struct lb_backend_entry *list = NULL, *cur = NULL;
	struct lb_backend_spec spec;
	struct lb_vip_key key;
	struct lb_maps maps;
	char name[VIP_LABEL_STRLEN], a[ADDR_STRLEN];
	struct lb_vip vip;
	size_t n = 0, i;
	int lock, err;

	vip_name(&req->vip, req->proto, name, sizeof(name));
	addr_str(req->addr.family, &req->addr.addr, a, sizeof(a));
	if (req->remove && (req->port_set || req->weight_set || req->mac_set)) {
		pr_err("--remove takes no --port, --weight or --mac\n");
		return 1;
	}
	if (req->addr.family != req->vip.family) {
		pr_err("backend %s and VIP %s are of different address "
		       "families\n", a, name);
		return 1;
	}
	vip_key_of(&req->vip, req->proto, &key);

	lock = lb_open_state(pin_root, &maps);
	if (lock < 0)
		return 1;
	err = lb_vip_get(&maps, &key, &vip);
	if (err) {
		pr_err("unknown VIP %s\n", name);
		goto out;
	}
	if (req->remove) {
		err = lb_backend_remove(&maps, &key, req->addr.family, &req->addr.addr);
		if (err == -ENOENT)
			pr_err("%s is not a backend of VIP %s\n", a, name);
		else if (err)
			pr_err("cannot remove backend %s: %s\n", a,
			       strerror(-err));
		goto out;
	}

	err = lb_backend_list(&maps, vip.id, &list, &n);
	if (err) {
		pr_err("cannot read the backends of %s: %s\n", name,
		       strerror(-err));
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!memcmp(&list[i].be.addr, &req->addr.addr, sizeof(req->addr.addr)))
			cur = &list[i];
	if (cur && !req->port_set && !req->weight_set && !req->mac_set) {
		pr_err("%s is already a backend of VIP %s (change it with "
		       "--weight, --port or --mac)\n", a, name);
		err = -EEXIST;
		goto out;
	}
	memset(&spec, 0, sizeof(spec));
	spec.family = req->addr.family;
	spec.addr = req->addr.addr;
	spec.weight = cur ? cur->be.weight : LB_WEIGHT_DEFAULT;
	spec.port = cur ? cur->be.port : 0;
	if (req->weight_set)
		spec.weight = req->weight;
	if (req->port_set)
		spec.port = htons(req->port);
	if (req->mac_set) {
		spec.has_mac = true;
		memcpy(spec.mac, req->mac, 6);
	}
	/*
	 * Have the kernel resolve the next hop before the table can send the
	 * backend a first packet (lb_recover() does it again after a kill).
	 */
	if (!spec.has_mac) {
		int nerr = neigh_ensure_managed(spec.family, &spec.addr);

		if (nerr)
			pr_warn("Warning: no managed neighbour entry for %s (%s): its "
				"first packets go to the kernel until it is resolved\n",
				a, strerror(-nerr));
	}
	err = lb_backend_set(&maps, &key, &spec, false);
	if (err == -ENOSPC)
		pr_err("no room for backend %s: every backend slot is in use\n", a);
	else if (err)
		pr_err("cannot set backend %s: %s\n", a, strerror(-err));
out:
	free(list);
	lb_close_state(lock, &maps);
	return err ? 1 : 0;
}
