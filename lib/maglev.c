/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev lookup table builder.
 *
 * Every backend of weight > 0 walks its own permutation of the slots,
 * pos_j = (offset + j * skip) mod M, with offset and skip taken from a keyed
 * hash of its identity; M is prime and 1 <= skip < M, so the walk visits
 * every slot. Backends take turns claiming the next still-free slot of their
 * walk until the table is full.
 *
 * Turns are weighted: a backend's c-th claim (c = 0, 1, ...) happens at the
 * virtual time (2c + 1) / (2 * weight), and claims are served in order of
 * virtual time, ties going to the backend that sorts first. With equal
 * weights this is the plain round robin of the paper; in general a backend
 * gets a share of the table proportional to its weight. A min-heap orders
 * the turns, so a build costs O(n log n + M log n) plus the walks' skips
 * over already claimed slots (O(M log M) expected in total).
 *
 * Backends are sorted by (family, address bytes, port) first and the keyed
 * hash covers only that identity, so the table does not depend on the order
 * of the input array nor on anything local to the process: the same set of
 * backends, weights, M and key give the same table on every balancer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maglev.h"

/* hash.h keeps its "#pragma unroll" to clang */
#include <xdp_lb/hash.h>

/* Salts of the two hashes of a backend's identity. */
#define MAGLEV_SALT_OFFSET 0x6f666673U	/* "offs" */
#define MAGLEV_SALT_SKIP 0x736b6970U	/* "skip" */

/* family, 16 address bytes, port in network byte order: memcmp() order. */
#define MAGLEV_IDENT_LEN 19

struct maglev_ent {
	__u8 ident[MAGLEV_IDENT_LEN];
	__u32 id;
	__u32 weight;
	__u32 pos;	/* next slot of the walk */
	__u32 skip;
	__u32 claims;	/* slots claimed so far */
};

bool maglev_is_prime(__u32 n)
{
	__u32 d;

	if (n < 2)
		return false;
	if (n < 4)
		return true;
	if (n % 2 == 0 || n % 3 == 0)
		return false;
	/* d * d fits: d stays below 65536 + 6 when n < 2^32 */
	for (d = 5; (__u64)d * d <= n; d += 6) {
		if (n % d == 0 || n % (d + 2) == 0)
			return false;
	}
	return true;
}

const char *maglev_size_check(__u64 n)
{
	if (n > LB_RING_SIZE_MAX)
		return "too large for a Maglev table";
	return maglev_is_prime(n) ? NULL : "must be a prime number";
}

static void maglev_ident(const struct maglev_backend *b, __u8 *ident)
{
	memset(ident, 0, MAGLEV_IDENT_LEN);
	ident[0] = b->family;
	/* An IPv4 address is its first word only; ignore whatever follows. */
	if (b->family == LB_AF_INET)
		memcpy(&ident[1], &b->addr.v4, sizeof(b->addr.v4));
	else
		memcpy(&ident[1], b->addr.bytes, sizeof(b->addr.bytes));
	memcpy(&ident[17], &b->port, sizeof(b->port));
}

/* Little-endian load, so that the hash is the same on every host. */
static __u64 maglev_load64(const __u8 *p)
{
	__u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static __u64 maglev_hash(const __u8 *ident, __u32 salt, const __u32 key[4])
{
	__u64 m[3];

	m[0] = maglev_load64(&ident[1]);
	m[1] = maglev_load64(&ident[9]);
	m[2] = (__u64)ident[0] | (__u64)ident[17] << 8 | (__u64)ident[18] << 16 |
	       (__u64)salt << 32;
	return lb_siphash13(m, 3, key);
}

static int maglev_ent_cmp(const void *pa, const void *pb)
{
	const struct maglev_ent *a = pa, *b = pb;

	return memcmp(a->ident, b->ident, MAGLEV_IDENT_LEN);
}

/*
 * Whether heap entry a takes its turn before b: earlier virtual time
 * (2 * claims + 1) / (2 * weight), then lower index in sorted order.
 * Products stay below 2^18 * 2^16.
 */
static bool maglev_before(const struct maglev_ent *ents, size_t a, size_t b)
{
	__u64 ta = (2 * (__u64)ents[a].claims + 1) * ents[b].weight;
	__u64 tb = (2 * (__u64)ents[b].claims + 1) * ents[a].weight;

	if (ta != tb)
		return ta < tb;
	return a < b;
}

static void maglev_sift_down(const struct maglev_ent *ents, size_t *heap,
			     size_t len, size_t i)
{
	size_t tmp, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= len)
			break;
		if (c + 1 < len && maglev_before(ents, heap[c + 1], heap[c]))
			c++;
		if (!maglev_before(ents, heap[c], heap[i]))
			break;
		tmp = heap[i];
		heap[i] = heap[c];
		heap[c] = tmp;
		i = c;
	}
}

int maglev_build(const struct maglev_backend *be, size_t n, __u32 ring_size,
		 const __u32 key[4], __u32 *table)
{
	struct maglev_ent *ents = NULL;
	size_t *heap = NULL;
	size_t i, active = 0;
	__u32 filled, slot;
	int err = 0;

	if (ring_size < 2 || ring_size > LB_RING_SIZE_MAX ||
	    !maglev_is_prime(ring_size))
		return -EINVAL;
	if (!table || !key || (n && !be))
		return -EINVAL;

	for (i = 0; i < n; i++) {
		if (be[i].family != LB_AF_INET && be[i].family != LB_AF_INET6)
			return -EINVAL;
		if (be[i].weight > MAGLEV_MAX_WEIGHT)
			return -ERANGE;
		if (be[i].weight && be[i].id == LB_BACKEND_NONE)
			return -EINVAL;
		if (be[i].weight)
			active++;
	}

	if (n) {
		ents = calloc(n, sizeof(*ents));
		heap = calloc(active ? active : 1, sizeof(*heap));
		if (!ents || !heap) {
			err = -ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++) {
			maglev_ident(&be[i], ents[i].ident);
			ents[i].id = be[i].id;
			ents[i].weight = be[i].weight;
		}
		qsort(ents, n, sizeof(*ents), maglev_ent_cmp);
		/* Drained backends count too: a duplicate is a configuration error. */
		for (i = 1; i < n; i++) {
			if (!maglev_ent_cmp(&ents[i - 1], &ents[i])) {
				err = -EINVAL;
				goto out;
			}
		}
	}

	for (slot = 0; slot < ring_size; slot++)
		table[slot] = LB_BACKEND_NONE;
	if (!active)
		goto out;

	/* Keep the active backends in sorted order: heap[] holds their indices. */
	active = 0;
	for (i = 0; i < n; i++) {
		struct maglev_ent *e = &ents[i];

		if (!e->weight)
			continue;
		e->pos = maglev_hash(e->ident, MAGLEV_SALT_OFFSET, key) % ring_size;
		e->skip = maglev_hash(e->ident, MAGLEV_SALT_SKIP, key) %
			  (ring_size - 1) + 1;
		heap[active++] = i;
	}
	for (i = active / 2; i-- > 0;)
		maglev_sift_down(ents, heap, active, i);

	for (filled = 0; filled < ring_size; filled++) {
		struct maglev_ent *e = &ents[heap[0]];

		/* The walk covers all slots and one is free: this ends. */
		while (table[e->pos] != LB_BACKEND_NONE) {
			e->pos += e->skip;
			if (e->pos >= ring_size)
				e->pos -= ring_size;
		}
		table[e->pos] = e->id;
		e->pos += e->skip;
		if (e->pos >= ring_size)
			e->pos -= ring_size;
		e->claims++;
		maglev_sift_down(ents, heap, active, 0);
	}

out:
	free(heap);
	free(ents);
	return err;
}
