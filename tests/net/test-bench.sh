#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark harnesses (tests/bench) must keep working: 'make bench' is
# only run by hand, so here every scenario runs once, briefly, with its
# checks (verdicts and output bytes per packet; intact frames at both
# backends end to end). No timing is asserted. The end-to-end counter is
# also shown to catch what it must catch: frames that never arrive and
# frames with the wrong addresses.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_bench_pkt_smoke test_bench_e2e_smoke test_bench_e2e_counter"

# shellcheck disable=SC2153 # TOP_DIR: set by run-shell.sh
BENCH_DIR=$TOP_DIR/tests/bench
BENCH_E2E=$BENCH_DIR/build/bench_e2e
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}

test_bench_pkt_smoke()
{
	[ -x "$BENCH_DIR/build/bench_pkt" ] || fail "bench_pkt is not built"
	check_run "$BENCH_DIR/bench-pkt.sh" --smoke
}

# direct, bounce-only, xdp-lb and nftables, one short round each
test_bench_e2e_smoke()
{
	local out
	[ -x "$BENCH_E2E" ] || fail "bench_e2e is not built"
	out=$("$BENCH_DIR/bench-e2e.sh" --smoke 2>&1) ||
		fail "bench-e2e.sh --smoke failed: $out"
	echo "$out"
	for c in direct bounce xdp-lb nftables; do
		echo "$out" | grep -q "^$c .* bad_addr=0 bad_csum=0 .*pps=[1-9]" ||
			fail "no intact frames through $c"
	done
}

# bench_e2e ARGS...: one run on this test's topology
e2e()
{
	timeout 30 "$BENCH_E2E" --client "$NS_CLIENT" --lb "$NS_LB" \
		--backend "$NS_BE1" --backend "$NS_BE2" --vip "$IP4_LB" \
		--time 0.2 "$@"
}

# the counter rejects what it must: nothing arriving, wrong source address
test_bench_e2e_counter()
{
	local out
	[ -x "$BENCH_E2E" ] || fail "bench_e2e is not built"
	[ -x "$XDP_LB" ] || fail "$XDP_LB is not built"
	topo_create || fail "cannot create the topology"
	topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"
	in_ns "$NS_CLIENT" ping -c 1 -W 2 "$IP4_LB" >/dev/null || fail "no ping"

	# no balancer set up: frames to the VIP end in the balancer's stack
	out=$(e2e --mode nat 2>&1) && fail "nothing balanced, yet it passed: $out"
	echo "$out" | grep -q "got no frame" || fail "unexpected failure: $out"

	check_run in_ns "$NS_LB" "$XDP_LB" load "$HOST_IF"
	check_run in_ns "$NS_LB" "$XDP_LB" vip -p udp "$IP4_LB:8000"
	check_run in_ns "$NS_LB" "$XDP_LB" backend -p udp "$IP4_LB:8000" "$IP4_BE1"
	check_run in_ns "$NS_LB" "$XDP_LB" backend -p udp "$IP4_LB:8000" "$IP4_BE2"
	# xdp-lb's source is the VIP, not this address
	out=$(e2e --mode nat --snat 10.0.0.99 2>&1) &&
		fail "wrong source accepted: $out"
	echo "$out" | grep -q "misaddressed" || fail "unexpected failure: $out"
	echo "$out" | grep -q " valid=0 " || fail "misaddressed frames counted: $out"
	# and the same run with the right source passes
	out=$(e2e --mode nat 2>&1) || fail "xdp-lb run failed: $out"
	echo "$out"
	# nothing of the benchmark is left on the interfaces
	for ns in "$NS_BE1" "$NS_BE2"; do
		ip -n "$ns" link show "$HOST_IF" | grep -q 'xdp' &&
			fail "bench_e2e left its program on $ns"
	done
	return 0
}
