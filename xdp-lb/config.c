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
	char name[VIP_LABEL_STRLEN], a[ADDR_STRLEN];
	struct cmd_state st;
	struct lb_vip vip;
	int err;

	vip_name(&req->vip, req->proto, name, sizeof(name));
	if (req->remove && (req->snat_set || req->ring_size_set)) {
		pr_err("--remove takes no --snat or --ring-size\n");
		return -EINVAL;
	}
	if (req->snat_set && req->snat.family != req->vip.family) {
		pr_err("SNAT address %s is not of the VIP's address family\n",
		       addr_str(req->snat.family, &req->snat.addr, a, sizeof(a)));
		return -EINVAL;
	}
	vip_key_of(&req->vip, req->proto, &key);
	snat = req->snat_set ? &req->snat.addr : &req->vip.addr;

	err = cmd_state_open(pin_root, &st);
	if (err)
		return err;
	if (req->remove) {
		err = lb_vip_remove(&st.maps, &key);
		if (err == -ENOENT)
			pr_err("unknown VIP %s\n", name);
		else if (err)
			pr_err("cannot remove VIP %s: %s\n", name, strerror(-err));
		goto out;
	}
	if (!req->snat_set && lb_vip_get(&st.maps, &key, &vip) == 0)
		snat = &vip.snat; /* an update without --snat keeps it */
	/* without --ring-size a VIP keeps its size, a new one gets the default */
	err = lb_vip_set(&st.maps, &key, snat,
			 req->ring_size_set ? req->ring_size : 0);
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
	cmd_state_close(&st);
	return err;
}

int do_backend(const struct backend_req *req, const char *pin_root)
{
	struct lb_backend_spec spec;
	struct lb_vip_key key;
	char name[VIP_LABEL_STRLEN], a[ADDR_STRLEN];
	struct cmd_state st;
	struct lb_vip vip;
	bool must_be_new;
	int err;

	vip_name(&req->vip, req->proto, name, sizeof(name));
	addr_str(req->addr.family, &req->addr.addr, a, sizeof(a));
	if (req->remove && (req->port_set || req->weight_set || req->mac_set)) {
		pr_err("--remove takes no --port, --weight or --mac\n");
		return -EINVAL;
	}
	if (req->addr.family != req->vip.family) {
		pr_err("backend %s and VIP %s are of different address "
		       "families\n", a, name);
		return -EINVAL;
	}
	vip_key_of(&req->vip, req->proto, &key);

	err = cmd_state_open(pin_root, &st);
	if (err)
		return err;
	err = lb_vip_get(&st.maps, &key, &vip);
	if (err) {
		pr_err("unknown VIP %s\n", name);
		goto out;
	}
	if (req->remove) {
		err = lb_backend_remove(&st.maps, &key, req->addr.family, &req->addr.addr);
		if (err == -ENOENT)
			pr_err("%s is not a backend of VIP %s\n", a, name);
		else if (err)
			pr_err("cannot remove backend %s: %s\n", a,
			       strerror(-err));
		goto out;
	}

	memset(&spec, 0, sizeof(spec));
	spec.family = req->addr.family;
	spec.addr = req->addr.addr;
	spec.weight = req->weight;
	spec.keep_weight = !req->weight_set;
	spec.port = htons(req->port);
	spec.keep_port = !req->port_set;
	spec.has_mac = req->mac_set;
	memcpy(spec.mac, req->mac, sizeof(spec.mac));
	/* without a change to make, an existing backend is a mistake */
	must_be_new = !req->port_set && !req->weight_set && !req->mac_set;
	err = lb_backend_set(&st.maps, &key, &spec, must_be_new);
	if (err == -EEXIST)
		pr_err("%s is already a backend of VIP %s (change it with "
		       "--weight, --port or --mac)\n", a, name);
	else if (err == -ENOSPC)
		pr_err("no room for backend %s: every backend slot is in use\n", a);
	else if (err)
		pr_err("cannot set backend %s: %s\n", a, strerror(-err));
out:
	cmd_state_close(&st);
	return err;
}
