/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeps a backend's next hop resolved. XDP cannot resolve a neighbour, and
 * a translated packet handed to the stack (its source is a local address)
 * does not make the kernel resolve one either. A "managed" neighbour entry
 * (NTF_EXT_MANAGED, Linux 5.16+) makes the kernel resolve the next hop
 * itself and keep it reachable, so the FIB lookup of the first packet of a
 * flow already finds the MAC address.
 */
#ifndef __NEIGH_H
#define __NEIGH_H

#include <linux/types.h>
#include <xdp_lb/lb_common.h>

/*
 * Finds the route to addr and creates a managed neighbour entry for its next
 * hop (the gateway, or addr itself when on-link). Returns 0 (also when an
 * entry exists already, or addr is local), or a negative errno.
 */
int neigh_ensure_managed(__u8 family, const union lb_addr *addr);

#endif /* __NEIGH_H */
