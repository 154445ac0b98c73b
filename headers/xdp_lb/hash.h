/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keyed flow hash shared by the XDP program and user space: SipHash-1-3
 * over whole 64-bit words. The key comes from the configured seed, so an
 * outsider cannot aim flows at one backend, and balancers that share the
 * seed and configuration pick the same backend for the same flow.
 */
#ifndef __XDP_LB_HASH_H
#define __XDP_LB_HASH_H

#include <linux/types.h>
#include "lb_common.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u64 lb_rotl64(__u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define LB_SIPROUND(v0, v1, v2, v3)                                            \
	do {                                                                   \
		v0 += v1; v1 = lb_rotl64(v1, 13); v1 ^= v0;                    \
		v0 = lb_rotl64(v0, 32);                                        \
		v2 += v3; v3 = lb_rotl64(v3, 16); v3 ^= v2;                    \
		v0 += v3; v3 = lb_rotl64(v3, 21); v3 ^= v0;                    \
		v2 += v1; v1 = lb_rotl64(v1, 17); v1 ^= v2;                    \
		v2 = lb_rotl64(v2, 32);                                        \
	} while (0)

/* SipHash-1-3 of n 64-bit words (n is a compile-time constant at call sites). */
static __always_inline __u64 lb_siphash13(const __u64 *m, int n,
					  const __u32 key[4])
{
	__u64 k0 = (__u64)key[0] | ((__u64)key[1] << 32);
	__u64 k1 = (__u64)key[2] | ((__u64)key[3] << 32);
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;
	__u64 b = ((__u64)n * 8) << 56;
	int i;

#ifdef __clang__
#pragma unroll
#endif
	for (i = 0; i < n; i++) {
		v3 ^= m[i];
		LB_SIPROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	v3 ^= b;
	LB_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	LB_SIPROUND(v0, v1, v2, v3);
	LB_SIPROUND(v0, v1, v2, v3);
	LB_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* lb_flow_hash() reads the key as whole 64-bit words, padding included. */
_Static_assert(sizeof(struct lb_flow_key) % sizeof(__u64) == 0,
	       "struct lb_flow_key is not a whole number of 64-bit words");

/* The hash a new flow is balanced by: all of its 5-tuple, nothing else. */
static __always_inline __u32 lb_flow_hash(const struct lb_flow_key *k,
					  const __u32 key[4])
{
	__u64 h = lb_siphash13((const __u64 *)k,
			       sizeof(struct lb_flow_key) / sizeof(__u64), key);

	return (__u32)(h ^ (h >> 32));
}

#endif /* __XDP_LB_HASH_H */
