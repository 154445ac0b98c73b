/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI'16): user space builds a
 * lookup table of prime size M whose slots hold backend ids; the XDP
 * program picks table[flow_hash % M] for a new flow.
 *
 * The table depends only on the set of backends (family, address, port),
 * their weights, M and the hash key, never on the order they are given in,
 * so that every balancer sharing the configuration and the seed builds the
 * same table. Shares are proportional to the weights, and removing or adding
 * a backend moves few flows that belong to the other backends.
 */
#ifndef __MAGLEV_H
#define __MAGLEV_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdp_lb/lb_common.h>

/* Largest accepted weight (lb_backend.weight is a __u16). */
#define MAGLEV_MAX_WEIGHT 65535

struct maglev_backend {
	__u32 id;		/* value stored in table slots */
	__u32 weight;		/* 0 = drained: owns no slot */
	union lb_addr addr;	/* IPv4: v4 only, the other words are ignored */
	__u16 port;		/* network byte order */
	__u8 family;		/* LB_AF_INET / LB_AF_INET6 */
};

/* Whether n is a prime number (0 and 1 are not). */
bool maglev_is_prime(__u32 n);

/*
 * NULL if n can be the size of a table (a prime up to LB_RING_SIZE_MAX),
 * else why not ("must be a prime number"). Fits params.h's OPT_U32 .check.
 */
const char *maglev_size_check(__u64 n);

/*
 * Fills table[0..ring_size-1] with backend ids. ring_size must be prime,
 * >= 2 and <= LB_RING_SIZE_MAX. With no backend of weight > 0 every slot is
 * LB_BACKEND_NONE. A backend's identity is (family, address, port); its id
 * only appears in the slots it owns.
 *
 * Returns 0, or a negative errno with table left untouched:
 *   -EINVAL  bad ring_size, NULL argument, family other than LB_AF_INET or
 *            LB_AF_INET6, two backends with the same identity, or a backend
 *            of weight > 0 whose id is LB_BACKEND_NONE;
 *   -ERANGE  a weight above MAGLEV_MAX_WEIGHT;
 *   -ENOMEM  allocation failure.
 */
int maglev_build(const struct maglev_backend *be, size_t n, __u32 ring_size,
		 const __u32 key[4], __u32 *table);

#endif /* __MAGLEV_H */
