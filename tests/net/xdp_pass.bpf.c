/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attached to the bridge-side peer of each test host's veth. veth only
 * wakes the peer's NAPI after an XDP_TX or redirect when the peer runs an
 * XDP program itself (GRO alone lets frames wait in the peer's ring until
 * other traffic arrives), so a balancer on veth needs this on its peer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
