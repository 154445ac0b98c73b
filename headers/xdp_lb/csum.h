/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incremental Internet checksum updates (RFC 1624) for the XDP program.
 *
 * Every rewrite of a checksummed field goes through lb_set16()/lb_set32(),
 * which accumulate (~old + new) into a 64-bit delta; lb_csum_apply() then
 * folds the delta into a stored checksum. This never looks at the packet
 * length, so odd-length segments, Ethernet padding and IP options cannot
 * corrupt it, and a pseudo-header change is just more words in the delta.
 * Words are read from the packet as stored (network order) on both sides of
 * the sum, which the ones' complement sum does not mind.
 */
#ifndef __XDP_LB_CSUM_H
#define __XDP_LB_CSUM_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u16 lb_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffffULL) + (sum >> 32);
	sum = (sum & 0xffffffffULL) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Replace a 16-bit field, accounting the change in *delta. */
static __always_inline void lb_set16(__u16 *field, __u16 val, __u64 *delta)
{
	*delta += (__u16)~*field;
	*delta += val;
	*field = val;
}

/* Replace a 32-bit field (any alignment the packet gives), likewise. */
static __always_inline void lb_set32(__u32 *field, __u32 val, __u64 *delta)
{
	*delta += (__u32)~*field;
	*delta += val;
	*field = val;
}

/* New checksum after data covered by it changed by delta. */
static __always_inline __u16 lb_csum_update(__u16 csum, __u64 delta)
{
	return (__u16)~lb_csum_fold((__u64)(__u16)~csum + delta);
}

/*
 * UDP over IPv4 with checksum 0 carries no checksum and must stay 0; a
 * computed 0 is sent as 0xffff (RFC 768), in both families.
 */
static __always_inline __u16 lb_udp_csum_update(__u16 csum, __u64 delta,
						int may_be_zero)
{
	__u16 res;

	if (csum == 0 && may_be_zero)
		return 0;
	res = lb_csum_update(csum, delta);
	return res ? res : 0xffff;
}

#endif /* __XDP_LB_CSUM_H */
