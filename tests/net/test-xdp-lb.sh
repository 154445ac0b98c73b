#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network tests of the xdp-lb command on the host kernel: real XDP attach on
# the tutorial topology (lib.sh), real TCP and UDP clients and servers.
#   cd tests && ./run-shell.sh net net/test-xdp-lb.sh /tmp/r.txt
#
# xdp-lb runs on the host's bpffs (in_ns): its state is per network
# namespace, so concurrent topologies never share it. Every traffic loop
# is bounded in count and time; every process runs in a namespace of the
# topology and goes with it.
#
# Helpers of their own (tests/net/xlb-*.py): xlb-udp-echo.py (UDP echo
# server that answers its name, and a client) and xlb-upload.py (an HTTP
# server that takes uploads: httpd.py only serves GET).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
XLB_UDP_ECHO=$XLB_NET_DIR/xlb-udp-echo.py
XLB_UPLOAD=$XLB_NET_DIR/xlb-upload.py
# small connection table: the tests need few flows
XLB_FLOWS=65536
VIP4=$IP4_LB
VIP6=$IP6_LB

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_http_balanced test_long_lived_survives_changes
	   test_drain_no_new_connections test_removed_backend_rebalanced
	   test_checksums_on_backends test_unload_restores_networking
	   test_ipv6_vip test_udp_vip test_status_json_fields
	   test_other_traffic_passes test_two_interfaces_share_config
"
# Not in ALL_TESTS: test_gro_aggregates_from_senders reproduces a documented
# limitation of veth set-ups (GRO before the balancer's XDP hands it packets
# with checksums left to offload); run it with TESTS= to see it.

# ---------------------------------------------------------------------------
# Helpers

# lb ARGS...: xdp-lb in the balancer's namespace
lb()
{
	in_ns "$NS_LB" "$XDP_LB" "$@"
}

# lb_diag: what a failure report needs: status and the neighbour table
lb_diag()
{
	echo "---- xdp-lb status"
	lb status 2>&1
	echo "---- neighbours of the balancer"
	ip -n "$NS_LB" neigh show 2>&1
	echo "----"
}

# lb_fail MSG: print the diagnostics, then fail
lb_fail()
{
	lb_diag
	fail "$*"
}

# topo_peer_gro on|off ROLE...: GRO of the bridge-side peers of ROLEs
topo_peer_gro()
{
	local state=$1 role peer
	shift
	for role; do
		peer=PEER_${role^^}
		in_ns "$NS_SW" ethtool -K "${!peer}" gro "$state" >/dev/null || return 1
	done
}

# lb_topo: a topology for xdp-lb, with GRO off on every bridge-side peer.
# lib.sh turns it on everywhere, but the pass-everything XDP program on each
# peer is enough for the frames xdp-lb sends back with XDP_TX to be received
# (measured: GRO off on all peers, 20 requests in 0.3 s, 1 MB in 0.05 s).
# With GRO on, the bridge ports aggregate segments into GSO packets whose
# TCP checksum is only partial (CHECKSUM_PARTIAL): (1) on the senders'
# ports they reach the balancer's veth as such and xdp-lb's translation
# leaves them with wrong checksums (test_gro_aggregates_from_senders shows
# it); (2) on v-lb the balancer's own output is aggregated again, so tcpdump
# on a backend shows GSO packets ("incorrect", harmless) instead of what
# xdp-lb sent.
lb_topo()
{
	[ -x "$XDP_LB" ] || skip "$XDP_LB is not built (run make)"
	topo_create || fail "cannot create the topology"
	topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"
	topo_peer_gro off client client2 be1 be2 lb || fail "cannot turn GRO off on the peers"
}

# lb_start [LOAD OPTIONS]: lb_topo, xdp-lb loaded on the balancer's eth0
# (unloaded on cleanup)
lb_start()
{
	lb_topo
	check_run lb load --flows "$XLB_FLOWS" "$@" "$HOST_IF"
}

# lb_json FILE: write 'xdp-lb status --json' to FILE (checks it parses)
lb_json()
{
	lb status --json >"$1" 2>"$1.err" || {
		echo "xdp-lb status --json failed:" >&2
		cat "$1.err" >&2
		return 1
	}
	"$XLB_PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
}

# jget FILE EXPR: evaluate the Python expression EXPR on the status JSON in
# FILE (d: the object, c: its counters, vip(V[, PROTO]), be(V, ADDR[, PROTO]))
# and print the result. Missing VIPs/backends/keys print "MISSING".
jget()
{
	"$XLB_PYTHON" - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = d.get("counters", {})
def vip(v, proto=None):
    for x in d["vips"]:
        if x["vip"] == v and (proto is None or x["proto"] == proto):
            return x
    raise KeyError(v)
def be(v, a, proto=None):
    for b in vip(v, proto)["backends"]:
        if b["address"] == a:
            return b
    raise KeyError(a)
try:
    r = eval(sys.argv[2])
except (KeyError, IndexError, StopIteration):
    r = "MISSING"
print(r)
EOF
}

# count_lines WORD FILE: number of lines of FILE that are exactly WORD
count_lines()
{
	grep -cx -- "$1" "$2"
}

# start_udp_echo NS ADDR PORT NAME: xlb-udp-echo.py server in NS; waits until
# it is bound (at most 5 s)
start_udp_echo()
{
	local ns=$1 addr=$2 port=$3 name=$4 tag pid
	tag=$TOPO_DIR/udp-$name-${addr//:/_}-$port
	rm -f "$tag.ready"
	nsenter --net="/run/netns/$ns" -- "$XLB_PYTHON" "$XLB_UDP_ECHO" server \
		--addr "$addr" --port "$port" --name "$name" \
		--ready "$tag.ready" --lifetime 300 </dev/null >>"$tag.out" 2>&1 &
	pid=$!
	disown "$pid" 2>/dev/null
	echo "$pid" >>"$TOPO_DIR/pids"
	wait_for 50 0.1 test -s "$tag.ready" || {
		echo "UDP echo server $name on $addr:$port did not start:" >&2
		cat "$tag.out" >&2
		return 1
	}
}

# udp_client NS ARGS...: xlb-udp-echo.py client in NS (bounded: <= 120 s)
udp_client()
{
	local ns=$1
	shift
	in_ns "$ns" "$XLB_PYTHON" "$XLB_UDP_ECHO" client "$@"
}

# start_upload NS ADDR PORT NAME: xlb-upload.py (HTTP POST sink) in NS
start_upload()
{
	local ns=$1 addr=$2 port=$3 name=$4 tag pid
	tag=$TOPO_DIR/upload-$name-${addr//:/_}-$port
	rm -f "$tag.ready"
	nsenter --net="/run/netns/$ns" -- "$XLB_PYTHON" "$XLB_UPLOAD" \
		--addr "$addr" --port "$port" --name "$name" \
		--ready "$tag.ready" --lifetime 300 </dev/null >>"$tag.out" 2>&1 &
	pid=$!
	disown "$pid" 2>/dev/null
	echo "$pid" >>"$TOPO_DIR/pids"
	wait_for 50 0.1 test -s "$tag.ready" || {
		echo "upload server $name on $addr:$port did not start:" >&2
		cat "$tag.out" >&2
		return 1
	}
}

# udp_csum_errors NS: UdpInCsumErrors + Udp6InCsumErrors of NS (lib.sh only
# has the TCP counter)
udp_csum_errors()
{
	in_ns "$1" env NSTAT_HISTORY=/dev/null nstat -asz UdpInCsumErrors Udp6InCsumErrors |
		awk '$1 ~ /^Udp6?InCsumErrors$/ { v += $2 } END { print v + 0 }'
}

# backend name of an address of the topology
be_name()
{
	case $1 in
	"$IP4_BE1" | "$IP6_BE1") echo backend1 ;;
	"$IP4_BE2" | "$IP6_BE2") echo backend2 ;;
	*) echo "?" ;;
	esac
}

# stream_running OUT: the request of http_stream_start OUT has not ended
stream_running()
{
	[ ! -s "$1.rc" ]
}

# both backends with an HTTP server on their IPv4 address, port 8000, and a
# TCP VIP 10.0.0.10:8000 with the given backends
http_vip_setup()
{
	local b
	check_run start_http "$NS_BE1" "$IP4_BE1" 8000 backend1
	check_run start_http "$NS_BE2" "$IP4_BE2" 8000 backend2
	check_run lb vip "$VIP4:8000"
	for b; do
		check_run lb backend "$VIP4:8000" "$b"
	done
}

# ---------------------------------------------------------------------------
# Tests

# >= 200 requests from two clients, all answered, shared evenly, and the
# counters of 'status --json' match what the clients saw
test_http_balanced()
{
	local per=120 total out b n share json got peer port be1 be2 sum
	lb_start
	http_vip_setup "$IP4_BE1" "$IP4_BE2"

	out=$TOPO_DIR/bodies
	: >"$out"
	http_burst "$NS_CLIENT" "http://$VIP4:8000/" "$per" >>"$out"
	http_burst "$NS_CLIENT2" "http://$VIP4:8000/" "$per" >>"$out"
	total=$((2 * per))
	n=$(grep -cxE 'backend1|backend2' "$out")
	echo "$n of $total requests answered by a backend"
	sort "$out" | uniq -c
	[ "$n" -eq "$total" ] || lb_fail "only $n of $total requests succeeded"
	for b in backend1 backend2; do
		n=$(count_lines "$b" "$out")
		share=$((n * 100 / total))
		echo "$b: $n requests ($share%)"
		((share >= 35 && share <= 65)) ||
			lb_fail "$b got $share% of the requests (want 50% +-15%)"
	done

	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'vip("10.0.0.10:8000")["new_flows"]')
	echo "VIP new_flows: $got"
	[ "$got" = "$total" ] || lb_fail "VIP new_flows is $got, not $total"
	be1=$(jget "$json" 'be("10.0.0.10:8000", "10.0.0.2")["new_flows"]')
	be2=$(jget "$json" 'be("10.0.0.10:8000", "10.0.0.3")["new_flows"]')
	sum=$(jget "$json" 'sum(b["new_flows"] for b in vip("10.0.0.10:8000")["backends"])')
	echo "backend new_flows: 10.0.0.2 $be1, 10.0.0.3 $be2, sum $sum"
	[ "$sum" = "$total" ] || lb_fail "backends' new_flows sum to $sum, not $total"
	[ "$be1" = "$(count_lines backend1 "$out")" ] ||
		lb_fail "backend 10.0.0.2 counted $be1 new flows, clients saw $(count_lines backend1 "$out")"
	[ "$be2" = "$(count_lines backend2 "$out")" ] ||
		lb_fail "backend 10.0.0.3 counted $be2 new flows, clients saw $(count_lines backend2 "$out")"
	got=$(jget "$json" 'c["flows_new"]')
	[ "$got" = "$total" ] || lb_fail "counter flows_new is $got, not $total"
	got=$(jget "$json" '[k for k in ("xdp_aborted", "xdp_drop", "drop_no_backend", "drop_snat_ports_exhausted", "drop_fib_failure", "drop_no_table", "flows_rebalanced") if c[k] != 0]')
	[ "$got" = "[]" ] || lb_fail "counters that should be 0 are not: $got"
	got=$(jget "$json" 'vip("10.0.0.10:8000")["packets"] > 0 and vip("10.0.0.10:8000")["reply_packets"] > 0')
	[ "$got" = True ] || lb_fail "the VIP counted no packets or replies"

	# full NAT: the backend sees the balancer's SNAT address and a port
	# from the documented range, never the client
	for b in "$NS_CLIENT" "$NS_CLIENT2"; do
		peer=$(http_get "$b" "http://$VIP4:8000/peer") || lb_fail "GET /peer failed"
		port=${peer#* }
		echo "backend saw the request of $(_xlb_ns_name "$b") from $peer"
		[ "${peer%% *}" = "$VIP4" ] || lb_fail "backend saw source '$peer', not the SNAT address $VIP4"
		((port >= 1024 && port <= 32767)) || lb_fail "SNAT port $port outside 1024-32767"
	done
	return 0
}

# a stream through the VIP survives adding a backend and draining its own;
# new connections after the drain go to the other backend only
test_long_lived_survives_changes()
{
	local out got n nb1 json bytes=150001
	lb_start
	http_vip_setup "$IP4_BE1"

	got=$(http_get "$NS_CLIENT" "http://$VIP4:8000/") || lb_fail "GET through the VIP failed"
	[ "$got" = backend1 ] || lb_fail "the only backend is backend1, got '$got'"

	out=$TOPO_DIR/stream.out
	http_stream_start "$NS_CLIENT" "http://$VIP4:8000/stream?seconds=15&bytes=$bytes" "$out" 60
	wait_for 100 0.1 grep -qx backend1 "$out" ||
		lb_fail "the stream did not start: $(cat "$out.err" 2>/dev/null)"
	echo "stream from backend1 started"

	check_run lb backend "$VIP4:8000" "$IP4_BE2"
	stream_running "$out" || lb_fail "the stream ended too early: the test is too slow"
	got=$(http_burst "$NS_CLIENT2" "http://$VIP4:8000/" 20)
	n=$(echo "$got" | grep -cxE 'backend1|backend2')
	echo "with two backends: $(echo "$got" | sort | uniq -c | tr '\n' ' ')"
	[ "$n" -eq 20 ] || lb_fail "$((20 - n)) of 20 requests failed with two backends"

	check_run lb backend --weight 0 "$VIP4:8000" "$IP4_BE1"
	stream_running "$out" || lb_fail "the stream ended before the drain: the test is too slow"
	echo "drained backend1 after $(wc -c <"$out") of $bytes bytes"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'be("10.0.0.10:8000", "10.0.0.2")["state"]')
	[ "$got" = draining ] || lb_fail "backend1 is '$got', not draining"
	nb1=$(jget "$json" 'be("10.0.0.10:8000", "10.0.0.2")["new_flows"]')

	got=$( (http_burst "$NS_CLIENT" "http://$VIP4:8000/" 20
		http_burst "$NS_CLIENT2" "http://$VIP4:8000/" 20) | sort | uniq -c)
	echo "after the drain: $(echo "$got" | tr '\n' ' ')"
	[ "$(echo "$got" | awk '{ print $1, $2 }')" = "40 backend2" ] ||
		lb_fail "after draining backend1, 40 requests gave: $got"
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'be("10.0.0.10:8000", "10.0.0.2")["new_flows"]')
	[ "$got" = "$nb1" ] || lb_fail "drained backend1 got $((got - nb1)) new flows"

	http_stream_wait "$out" 60
	got=$?
	[ "$got" -eq 0 ] || lb_fail "the stream failed: curl status $got, $(cat "$out.err")"
	[ "$(head -n 1 "$out")" = backend1 ] || lb_fail "the stream is not from backend1"
	n=$(wc -c <"$out")
	[ "$n" -eq "$bytes" ] || lb_fail "the stream got $n bytes, not $bytes"
	echo "stream complete: $n bytes from backend1"
	for n in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(tcp_csum_errors "$n")
		[ "$got" = 0 ] || lb_fail "$n: TcpInCsumErrors is $got"
	done
	return 0
}

# open streams on both backends, drain one: it gets no new connection, its
# streams finish; weight 1 again: it gets new connections again
test_drain_no_new_connections()
{
	local i ns out outs=() got n on1=0 on2=0 drain other daddr nb json bytes=80001
	lb_start
	http_vip_setup "$IP4_BE1" "$IP4_BE2"

	# 8 streams, 4 from each client
	for ((i = 0; i < 8; i++)); do
		if ((i % 2)); then ns=$NS_CLIENT2; else ns=$NS_CLIENT; fi
		out=$TOPO_DIR/stream$i.out
		outs+=("$out")
		http_stream_start "$ns" "http://$VIP4:8000/stream?seconds=12&bytes=$bytes" "$out" 60
	done
	for out in "${outs[@]}"; do
		wait_for 100 0.1 grep -qxE 'backend1|backend2' "$out" ||
			lb_fail "stream $out did not start: $(cat "$out.err" 2>/dev/null)"
		case $(head -n 1 "$out") in
		backend1) on1=$((on1 + 1)) ;;
		backend2) on2=$((on2 + 1)) ;;
		esac
	done
	echo "streams: $on1 on backend1, $on2 on backend2"
	# drain a backend that has streams
	if ((on1 > 0)); then
		drain=backend1 daddr=$IP4_BE1 other=backend2
	else
		drain=backend2 daddr=$IP4_BE2 other=backend1
	fi
	check_run lb backend --weight 0 "$VIP4:8000" "$daddr"
	for out in "${outs[@]}"; do
		stream_running "$out" || lb_fail "stream $out ended before the drain: the test is too slow"
	done
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" "be('$VIP4:8000', '$daddr')['state'], be('$VIP4:8000', '$daddr')['weight']")
	[ "$got" = "('draining', 0)" ] || lb_fail "drained $drain shows $got"
	nb=$(jget "$json" "be('$VIP4:8000', '$daddr')['new_flows']")
	got=$(jget "$json" "be('$VIP4:8000', '$daddr')['flows']")
	echo "$drain drained with $got live flows"

	got=$( (http_burst "$NS_CLIENT" "http://$VIP4:8000/" 25
		http_burst "$NS_CLIENT2" "http://$VIP4:8000/" 25) | sort | uniq -c)
	echo "50 requests while $drain drains: $(echo "$got" | tr '\n' ' ')"
	[ "$(echo "$got" | awk '{ print $1, $2 }')" = "50 $other" ] ||
		lb_fail "with $drain drained, 50 requests gave: $got"
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" "be('$VIP4:8000', '$daddr')['new_flows']")
	[ "$got" = "$nb" ] || lb_fail "drained $drain got $((got - nb)) new flows"

	for out in "${outs[@]}"; do
		http_stream_wait "$out" 60
		got=$?
		[ "$got" -eq 0 ] || lb_fail "stream $out ($(head -n 1 "$out")) failed: curl status $got, $(cat "$out.err")"
		n=$(wc -c <"$out")
		[ "$n" -eq "$bytes" ] || lb_fail "stream $out got $n bytes, not $bytes"
	done
	echo "all 8 streams complete ($on1 on backend1, $on2 on backend2)"

	# back to weight 1: new connections reach it again
	check_run lb backend --weight 1 "$VIP4:8000" "$daddr"
	got=$(http_burst "$NS_CLIENT" "http://$VIP4:8000/" 40 | sort | uniq -c)
	echo "40 requests after the drain ended: $(echo "$got" | tr '\n' ' ')"
	echo "$got" | awk -v b="$drain" '$2 == b && $1 > 0 { f = 1 } END { exit !f }' ||
		lb_fail "$drain gets no connection with weight 1 again: $got"
	[ "$(echo "$got" | grep -cvE ' (backend1|backend2)$')" -eq 0 ] ||
		lb_fail "requests failed after the drain: $got"
	return 0
}

# a removed backend's flows are balanced again: the same UDP 5-tuples are
# answered by the remaining backend, a TCP connection is reset by it, and
# flows_rebalanced counts them
test_removed_backend_rebalanced()
{
	local sport lines got n moved=0 json before out t0
	declare -A first=()
	lb_start
	check_run start_udp_echo "$NS_BE1" "$IP4_BE1" 5353 backend1
	check_run start_udp_echo "$NS_BE2" "$IP4_BE2" 5353 backend2
	check_run lb vip --proto udp "$VIP4:5353"
	check_run lb backend --proto udp "$VIP4:5353" "$IP4_BE1"
	check_run lb backend --proto udp "$VIP4:5353" "$IP4_BE2"

	# 20 UDP flows (fixed source ports), 3 datagrams each: each flow stays
	# on one backend
	for ((sport = 40000; sport < 40020; sport++)); do
		lines=$(udp_client "$NS_CLIENT" --dst "$VIP4" --port 5353 --sport "$sport" --count 3) ||
			lb_fail "UDP flow from port $sport not answered: $lines"
		got=$(echo "$lines" | awk '{ print $4 }' | sort -u)
		[ "$(echo "$got" | wc -l)" -eq 1 ] ||
			lb_fail "UDP flow from port $sport went to several backends: $lines"
		first[$sport]=$got
		[ "$got" = backend1 ] && moved=$((moved + 1))
	done
	echo "$moved of 20 UDP flows on backend1"
	((moved > 0)) || lb_fail "no UDP flow on backend1 (20 flows)"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	before=$(jget "$json" 'c["flows_rebalanced"]')
	[ "$before" = 0 ] || lb_fail "flows_rebalanced is $before before any removal"

	check_run lb backend --proto udp --remove "$VIP4:5353" "$IP4_BE1"
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" '[b["address"] for b in vip("10.0.0.10:5353", "udp")["backends"]]')
	[ "$got" = "['10.0.0.3']" ] || lb_fail "backends after the removal: $got"
	for ((sport = 40000; sport < 40020; sport++)); do
		lines=$(udp_client "$NS_CLIENT" --dst "$VIP4" --port 5353 --sport "$sport" --count 2) ||
			lb_fail "UDP flow from port $sport not answered after the removal: $lines"
		got=$(echo "$lines" | awk '{ print $2 ":" $3, $4 }' | sort -u)
		[ "$got" = "$VIP4:5353 backend2" ] ||
			lb_fail "UDP flow from port $sport (was on ${first[$sport]}): $lines"
	done
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'c["flows_rebalanced"]')
	echo "flows_rebalanced after removing backend1: $got ($moved UDP flows were on it)"
	[ "$got" = "$moved" ] || lb_fail "flows_rebalanced is $got, $moved UDP flows were on the removed backend"

	# TCP: a stream on backend1, backend2 added, backend1 removed: the
	# stream's next segments go to backend2, which resets the connection
	check_run start_http "$NS_BE1" "$IP4_BE1" 8000 backend1
	check_run start_http "$NS_BE2" "$IP4_BE2" 8000 backend2
	check_run lb vip "$VIP4:8000"
	check_run lb backend "$VIP4:8000" "$IP4_BE1"
	out=$TOPO_DIR/stream.out
	http_stream_start "$NS_CLIENT" "http://$VIP4:8000/stream?seconds=20&bytes=200001" "$out" 60
	wait_for 100 0.1 grep -qx backend1 "$out" ||
		lb_fail "the stream did not start: $(cat "$out.err" 2>/dev/null)"
	check_run lb backend "$VIP4:8000" "$IP4_BE2"
	stream_running "$out" || lb_fail "the stream ended too early"
	lb_json "$json" || lb_fail "no JSON status"
	before=$(jget "$json" 'c["flows_rebalanced"]')
	t0=$SECONDS
	check_run lb backend --remove "$VIP4:8000" "$IP4_BE1"
	http_stream_wait "$out" 30
	got=$?
	echo "stream ended $((SECONDS - t0)) s after the removal, curl status $got," \
	     "$(wc -c <"$out") bytes: $(cat "$out.err")"
	[ "$got" -ne 124 ] || lb_fail "the stream on the removed backend still runs 30 s later"
	[ "$got" -ne 0 ] || lb_fail "the stream on the removed backend completed: its flow was not balanced again"
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'c["flows_rebalanced"]')
	((got >= before + 1)) || lb_fail "flows_rebalanced did not count the TCP flow ($before -> $got)"
	got=$(http_burst "$NS_CLIENT" "http://$VIP4:8000/" 20 | sort | uniq -c)
	echo "20 requests after the removal: $(echo "$got" | tr '\n' ' ')"
	[ "$(echo "$got" | awk '{ print $1, $2 }')" = "20 backend2" ] ||
		lb_fail "after removing backend1, 20 requests gave: $got"
	return 0
}

# every translated segment/datagram arriving on the backends and the client
# has a correct checksum: odd-sized downloads, uploads, UDP datagrams
test_checksums_on_backends() {
	local ns pids=() caps=() cap i n size got want file sum upload=1 bad ok tcpn udpn
	command -v tcpdump >/dev/null || skip "tcpdump is not installed"
	lb_start
	http_vip_setup "$IP4_BE1" "$IP4_BE2"
	check_run start_udp_echo "$NS_BE1" "$IP4_BE1" 7777 backend1
	check_run start_udp_echo "$NS_BE2" "$IP4_BE2" 7777 backend2
	check_run lb vip --proto udp "$VIP4:7777"
	check_run lb backend --proto udp "$VIP4:7777" "$IP4_BE1"
	check_run lb backend --proto udp "$VIP4:7777" "$IP4_BE2"
	if start_upload "$NS_BE1" "$IP4_BE1" 8080 backend1 &&
	   start_upload "$NS_BE2" "$IP4_BE2" 8080 backend2; then
		check_run lb vip "$VIP4:8080"
		check_run lb backend "$VIP4:8080" "$IP4_BE1"
		check_run lb backend "$VIP4:8080" "$IP4_BE2"
	else
		echo "no upload server: the upload part is left out"
		upload=
	fi

	# capture what the balancer sends: on the backends (translated client
	# packets) and on client (translated replies). Bounded in packets and
	# time; stopped below.
	for ns in "$NS_BE1" "$NS_BE2" "$NS_CLIENT"; do
		cap=$TOPO_DIR/cap-${ns##*-}
		nsenter --net="/run/netns/$ns" -- timeout 120 tcpdump -i "$HOST_IF" -nn -vv -l \
			-c 20000 -Q in "src host $VIP4 and (tcp or udp)" >"$cap" 2>"$cap.err" &
		pids+=($!)
		caps+=("$cap")
	done
	for cap in "${caps[@]}"; do
		wait_for 100 0.1 grep -q 'listening on' "$cap.err" ||
			lb_fail "tcpdump did not start: $(cat "$cap.err")"
	done

	# downloads of odd (and even) sizes, checked byte for byte
	for size in 1 3 999 1447 1448 1449 2897 65537 100001 262145; do
		for ns in "$NS_CLIENT" "$NS_CLIENT2"; do
			file=$TOPO_DIR/dl-$size
			in_ns "$ns" curl -sS -g --noproxy '*' --max-time 20 -o "$file" \
				"http://$VIP4:8000/bytes?n=$size" || lb_fail "download of $size bytes failed"
			got=$(sha256sum <"$file")
			want=$("$XLB_PYTHON" -c 'import sys
p = b"abcdefghijklmnopqrstuvwxyz0123456789\n"; n = int(sys.argv[1])
sys.stdout.buffer.write((p * (n // len(p) + 1))[:n])' "$size" | sha256sum)
			[ "$got" = "$want" ] || lb_fail "download of $size bytes is corrupt ($(wc -c <"$file") bytes)"
		done
	done
	echo "downloads ok"
	# uploads of odd sizes, checked by the server's SHA-256
	if [ -n "$upload" ]; then
		for size in 1 7 1001 1447 1449 30001 100003 500001; do
			file=$TOPO_DIR/up-$size
			head -c "$size" /dev/urandom >"$file"
			sum=$(sha256sum <"$file" | awk '{ print $1 }')
			for ns in "$NS_CLIENT" "$NS_CLIENT2"; do
				got=$(in_ns "$ns" curl -sS -g --noproxy '*' --max-time 20 -H 'Expect:' \
					--data-binary "@$file" "http://$VIP4:8080/upload") ||
					lb_fail "upload of $size bytes failed"
				case $got in
				"backend1 $size $sum" | "backend2 $size $sum") ;;
				*) lb_fail "upload of $size bytes: server said '$got'" ;;
				esac
			done
		done
		echo "uploads ok"
	fi
	# UDP datagrams of odd sizes
	for size in 1 33 555 1001 1471; do
		got=$(udp_client "$NS_CLIENT" --dst "$VIP4" --port 7777 --count 6 --size "$size" --tries 2) ||
			lb_fail "UDP datagrams of $size bytes not all answered: $got"
	done
	echo "UDP ok"

	# let the last segments arrive, then stop the captures
	sleep 1
	for i in "${!pids[@]}"; do
		kill -INT "${pids[$i]}" 2>/dev/null
	done
	for i in "${!pids[@]}"; do
		wait_for 50 0.1 eval "! kill -0 ${pids[$i]} 2>/dev/null" || kill -KILL "${pids[$i]}" 2>/dev/null
		wait "${pids[$i]}" 2>/dev/null
	done
	for cap in "${caps[@]}"; do
		tcpn=$(grep -cE 'Flags \[' "$cap")
		udpn=$(grep -cE '\[(udp sum ok|bad udp cksum)' "$cap")
		ok=$(grep -cE 'cksum 0x[0-9a-f]+ \(correct\)' "$cap")
		bad=$(grep -E 'cksum 0x[0-9a-f]+ \(incorrect|bad cksum|bad udp cksum' "$cap" | head -n 5)
		echo "${cap##*/}: $tcpn TCP segments ($ok with a correct checksum), $udpn UDP datagrams, $(tail -n 2 "$cap.err" | tr '\n' ' ')"
		[ -z "$bad" ] || lb_fail "${cap##*/}: bad checksums: $bad"
		((tcpn >= 50)) || lb_fail "${cap##*/}: only $tcpn TCP segments captured"
		((ok == tcpn)) || lb_fail "${cap##*/}: $tcpn TCP segments, $ok shown with a correct checksum"
		((udpn >= 5)) || lb_fail "${cap##*/}: only $udpn UDP datagrams captured"
		n=$(grep -c 'udp sum ok' "$cap")
		((n == udpn)) || lb_fail "${cap##*/}: $udpn UDP datagrams, $n with a correct checksum"
	done
	for ns in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(tcp_csum_errors "$ns")
		[ "$got" = 0 ] || lb_fail "${ns##*-}: TcpInCsumErrors is $got"
		got=$(udp_csum_errors "$ns")
		[ "$got" = 0 ] || lb_fail "${ns##*-}: UdpInCsumErrors is $got"
	done
	return 0
}

# after 'unload', the VIP is no longer intercepted: a server on the balancer
# itself answers, ping works, status says not loaded, the pins are gone
test_unload_restores_networking()
{
	local got rc state
	lb_start
	http_vip_setup "$IP4_BE1" "$IP4_BE2"
	check_run start_http "$NS_LB" "$IP4_LB" 8000 balancer
	state=$(xlb_state_dir "$NS_LB")
	[ -d "$state" ] || lb_fail "no pin directory $state while loaded"
	ip -n "$NS_LB" link show "$HOST_IF" | grep -q 'prog/xdp' ||
		lb_fail "no XDP program on the balancer's $HOST_IF while loaded"
	got=$(http_burst "$NS_CLIENT" "http://$VIP4:8000/" 10 | sort -u | tr '\n' ' ')
	echo "loaded: the VIP answers: $got"
	case $got in
	*balancer* | *ERROR*) lb_fail "while loaded, the VIP answered: $got" ;;
	esac

	check_run lb unload "$HOST_IF"
	ip -n "$NS_LB" link show "$HOST_IF" | grep -q 'prog/xdp' &&
		fail "an XDP program is still attached: $(ip -n "$NS_LB" -d link show "$HOST_IF")"
	[ -e "$state" ] && fail "the pin directory is left: $(ls -R "$state")"
	got=$(lb status 2>&1)
	rc=$?
	echo "status after unload (status $rc): $got"
	[ "$rc" -eq 1 ] || fail "status exited $rc after unload, not 1"
	echo "$got" | grep -qi 'not loaded' || fail "status does not say 'not loaded'"

	check_run in_ns "$NS_CLIENT" ping -q -c 2 -W 2 "$IP4_LB"
	check_run in_ns "$NS_CLIENT2" ping -q -6 -c 2 -W 2 "$IP6_LB"
	got=$(http_burst "$NS_CLIENT" "http://$VIP4:8000/" 5 | sort | uniq -c | awk '{ print $1, $2 }')
	[ "$got" = "5 balancer" ] || fail "after unload, http://$VIP4:8000/ gave: $got"
	got=$(http_get "$NS_CLIENT2" "http://$VIP4:8000/") || fail "GET from client2 after unload"
	[ "$got" = balancer ] || fail "after unload client2 got '$got'"
	# and the backends are reached directly as before
	got=$(http_get "$NS_CLIENT" "http://$IP4_BE1:8000/")
	[ "$got" = backend1 ] || fail "backend1 directly: '$got'"
	return 0
}

test_ipv6_vip()
{
	local got n c
	lb_start
	check_run start_http "$NS_BE1" "$IP6_BE1" 8000 backend1
	check_run start_http "$NS_BE2" "::" 8000 backend2
	check_run lb vip "[$VIP6]:8000"
	check_run lb backend "[$VIP6]:8000" "$IP6_BE1"
	check_run lb backend "[$VIP6]:8000" "$IP6_BE2"
	got=$(http_burst "$NS_CLIENT" "http://[$VIP6]:8000/" 50)
	echo "50 requests from client: $(echo "$got" | sort | uniq -c | tr '\n' ' ')"
	n=$(echo "$got" | grep -cxE 'backend1|backend2')
	[ "$n" -eq 50 ] || lb_fail "only $n of 50 IPv6 requests succeeded"
	for c in backend1 backend2; do
		echo "$got" | grep -qx "$c" || lb_fail "no IPv6 request reached $c"
	done
	got=$(http_burst "$NS_CLIENT2" "http://[$VIP6]:8000/" 10 | grep -cxE 'backend1|backend2')
	[ "$got" -eq 10 ] || lb_fail "only $got of 10 IPv6 requests from client2 succeeded"
	got=$(http_get "$NS_CLIENT" "http://[$VIP6]:8000/peer") || lb_fail "GET /peer failed"
	echo "backend saw $got"
	[ "${got%% *}" = "$VIP6" ] || lb_fail "backend saw source '$got', not the SNAT address $VIP6"
	got=$(http_get "$NS_CLIENT" "http://[$VIP6]:8000/bytes?n=200001" 20 | wc -c)
	[ "$got" -eq 200001 ] || lb_fail "IPv6 download: $got bytes, not 200001"
	lb_json "$TOPO_DIR/status.json" || lb_fail "no JSON status"
	got=$(jget "$TOPO_DIR/status.json" 'vip("[fd00::a]:8000")["new_flows"]')
	[ "$got" = 62 ] || lb_fail "VIP new_flows is $got, not 62"
	for c in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(tcp_csum_errors "$c")
		[ "$got" = 0 ] || lb_fail "${c##*-}: TcpInCsumErrors is $got"
	done
	return 0
}

# UDP VIP: every datagram answered, by both backends, from the VIP's address
# and port; the backends see the SNAT address; IPv6 too
test_udp_vip()
{
	local got n c json flows
	lb_start
	check_run start_udp_echo "$NS_BE1" "::" 5353 backend1
	check_run start_udp_echo "$NS_BE2" "::" 5353 backend2
	check_run lb vip --proto udp "$VIP4:5353"
	check_run lb backend --proto udp "$VIP4:5353" "$IP4_BE1"
	check_run lb backend --proto udp "$VIP4:5353" "$IP4_BE2"

	got=$(udp_client "$NS_CLIENT" --dst "$VIP4" --port 5353 --count 60 --size 41) ||
		lb_fail "not every datagram from client was answered: $(echo "$got" | grep -E 'TIMEOUT|BAD')"
	n=$(udp_client "$NS_CLIENT2" --dst "$VIP4" --port 5353 --count 20 --size 40) ||
		lb_fail "not every datagram from client2 was answered: $(echo "$n" | grep -E 'TIMEOUT|BAD')"
	# flows: distinct (client, source port) pairs
	flows=$(( $(echo "$got" | awk '{ print $1 }' | sort -u | wc -l) +
		  $(echo "$n" | awk '{ print $1 }' | sort -u | wc -l) ))
	got+=$'\n'$n
	echo "80 datagrams: $(echo "$got" | awk '{ print $2 ":" $3, $4 }' | sort | uniq -c | tr '\n' ' ')"
	n=$(echo "$got" | awk -v vip="$VIP4" '$2 == vip && $3 == 5353 && $4 ~ /^backend[12]$/' | wc -l)
	[ "$n" -eq 80 ] || lb_fail "$n of 80 answers came from $VIP4:5353 by a backend: $(echo "$got" | awk -v vip="$VIP4" '$2 != vip || $3 != 5353')"
	for c in backend1 backend2; do
		echo "$got" | awk -v b="$c" '$4 == b { f = 1 } END { exit !f }' || lb_fail "no datagram reached $c"
	done
	# full NAT: the backends saw the SNAT address and a port of the range
	n=$(echo "$got" | awk -v vip="$VIP4" '$5 == vip && $6 >= 1024 && $6 <= 32767' | wc -l)
	[ "$n" -eq 80 ] || lb_fail "backends saw other sources: $(echo "$got" | awk -v vip="$VIP4" '$5 != vip || $6 < 1024 || $6 > 32767' | head -n 5)"
	((flows >= 70)) || lb_fail "only $flows different source ports"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'vip("10.0.0.10:5353", "udp")["new_flows"], vip("10.0.0.10:5353", "udp")["reply_packets"]')
	echo "VIP new_flows, reply_packets: $got ($flows flows)"
	[ "$got" = "($flows, 80)" ] || lb_fail "VIP counters (new_flows, reply_packets) are $got, not ($flows, 80)"
	got=$(jget "$json" 'sum(b["packets"] for b in vip("10.0.0.10:5353", "udp")["backends"])')
	[ "$got" = 80 ] || lb_fail "backends counted $got packets, not 80"

	# IPv6
	check_run lb vip --proto udp "[$VIP6]:5353"
	check_run lb backend --proto udp "[$VIP6]:5353" "$IP6_BE1"
	check_run lb backend --proto udp "[$VIP6]:5353" "$IP6_BE2"
	got=$(udp_client "$NS_CLIENT2" --dst "$VIP6" --port 5353 --count 30 --size 77) ||
		lb_fail "not every IPv6 datagram was answered: $got"
	echo "30 IPv6 datagrams: $(echo "$got" | awk '{ print $2 ":" $3, $4 }' | sort | uniq -c | tr '\n' ' ')"
	n=$(echo "$got" | awk -v vip="$VIP6" '$2 == vip && $3 == 5353 && $4 ~ /^backend[12]$/ && $5 == vip' | wc -l)
	[ "$n" -eq 30 ] || lb_fail "$n of 30 IPv6 answers came from [$VIP6]:5353 with the SNAT address seen"
	for c in backend1 backend2; do
		echo "$got" | awk -v b="$c" '$4 == b { f = 1 } END { exit !f }' || lb_fail "no IPv6 datagram reached $c"
	done
	for c in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(udp_csum_errors "$c")
		[ "$got" = 0 ] || lb_fail "${c##*-}: UdpInCsumErrors is $got"
	done
	return 0
}

# the documented field names of 'status --json' and 'stats --json', and the
# text status on this host (no dispatcher: lockdown)
test_status_json_fields()
{
	local json txt got
	lb_start
	check_run lb vip "$VIP4:8000"
	check_run lb backend "$VIP4:8000" "$IP4_BE1"
	check_run lb backend --weight 0 "$VIP4:8000" "$IP4_BE2"
	check_run lb vip --proto udp --snat fd00::10 fd00::53
	check_run lb backend --proto udp --port 5300 --weight 7 --mac "$MAC_BE2" fd00::53 "$IP6_BE2"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	cat "$json"; echo
	got=$("$XLB_PYTHON" - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
errs = []
def need(obj, where, fields):
    for f, t in fields.items():
        if f not in obj:
            errs.append("%s: no field %s" % (where, f))
        elif t is not None and not isinstance(obj[f], t) or \
             (t is int and isinstance(obj[f], bool)):
            errs.append("%s.%s: %r is not %s" % (where, f, obj[f], t))
def eq(where, got, want):
    if got != want:
        errs.append("%s is %r, not %r" % (where, got, want))
num = (int, float)
need(d, "status", {"version": str, "interfaces": list, "flow_table": dict,
                   "snat_ports": dict, "vips": list, "counters": dict})
for i, x in enumerate(d.get("interfaces", [])):
    need(x, "interfaces[%d]" % i, {"name": str, "ifindex": int, "attached": bool,
         "mode": str, "dispatcher": bool, "programs": int, "priority": int,
         "program_id": int})
ifs = d.get("interfaces", [])
eq("number of interfaces", len(ifs), 1)
if ifs:
    x = ifs[0]
    eq("interfaces[0].name", x.get("name"), "eth0")
    eq("interfaces[0].mode", x.get("mode"), "native")
    eq("interfaces[0].dispatcher", x.get("dispatcher"), False)
    eq("interfaces[0].priority", x.get("priority"), 30)
    eq("interfaces[0].attached", x.get("attached"), True)
need(d.get("flow_table", {}), "flow_table", {"flows": int, "capacity": int})
eq("flow_table.capacity", d.get("flow_table", {}).get("capacity"), 65536)
need(d.get("snat_ports", {}), "snat_ports", {"min": int, "max": int})
eq("snat_ports", (d.get("snat_ports", {}).get("min"), d.get("snat_ports", {}).get("max")), (1024, 32767))
vipf = {"vip": str, "address": str, "port": int, "proto": str, "mode": str,
        "snat": str, "ring_size": int, "flows": int, "packets": int, "bytes": int,
        "reply_packets": int, "reply_bytes": int, "new_flows": int, "backends": list}
bef = {"address": str, "port": int, "weight": int, "state": str, "mac": None,
       "flows": int, "packets": int, "bytes": int, "reply_packets": int,
       "reply_bytes": int, "new_flows": int}
vips = {}
for i, v in enumerate(d.get("vips", [])):
    need(v, "vips[%d]" % i, vipf)
    vips[(v.get("vip"), v.get("proto"))] = v
    for j, b in enumerate(v.get("backends", [])):
        need(b, "vips[%d].backends[%d]" % (i, j), bef)
eq("number of VIPs", len(d.get("vips", [])), 2)
v = vips.get(("10.0.0.10:8000", "tcp"))
if v is None:
    errs.append("no VIP 10.0.0.10:8000 tcp: %s" % list(vips))
else:
    eq("tcp VIP address, port, mode, snat, ring_size",
       (v["address"], v["port"], v["mode"], v["snat"], v["ring_size"]),
       ("10.0.0.10", 8000, "nat", "10.0.0.10", 65537))
    bs = {b["address"]: b for b in v["backends"]}
    eq("tcp VIP backends", sorted(bs), ["10.0.0.2", "10.0.0.3"])
    if "10.0.0.2" in bs:
        b = bs["10.0.0.2"]
        eq("backend 10.0.0.2 weight, state, port, mac",
           (b["weight"], b["state"], b["port"], b["mac"]), (1, "active", 0, None))
    if "10.0.0.3" in bs:
        b = bs["10.0.0.3"]
        eq("backend 10.0.0.3 weight, state", (b["weight"], b["state"]), (0, "draining"))
v = vips.get(("fd00::53", "udp"))
if v is None:
    errs.append("no VIP fd00::53 udp: %s" % list(vips))
else:
    eq("udp VIP address, port, snat", (v["address"], v["port"], v["snat"]),
       ("fd00::53", 0, "fd00::10"))
    bs = v["backends"]
    eq("udp VIP backends", [b["address"] for b in bs], ["fd00::3"])
    if bs:
        b = bs[0]
        eq("backend fd00::3 weight, state, port, mac",
           (b["weight"], b["state"], b["port"], b["mac"]),
           (7, "active", 5300, "de:ad:be:ef:00:03"))
counters = ("xdp_aborted xdp_drop xdp_pass xdp_tx xdp_redirect pass_not_ip "
            "pass_not_vip pass_malformed pass_fragment_unknown "
            "pass_neighbour_unresolved drop_no_backend drop_snat_ports_exhausted "
            "drop_fib_failure drop_no_table flows_new flows_rebalanced "
            "flows_expired flows_miss_non_syn reply_entries_restored "
            "fragments_tracked icmp_to_backend icmp_to_client fib_lookups").split()
c = d.get("counters", {})
for k in counters:
    if not isinstance(c.get(k), int):
        errs.append("counters.%s: %r" % (k, c.get(k)))
print("\n".join(errs) if errs else "OK")
EOF
)
	[ "$got" = OK ] || lb_fail "status --json: $got"

	txt=$(lb status 2>&1) || lb_fail "status failed"
	echo "$txt"
	echo "$txt" | grep -E "^ *$HOST_IF +native +no \(single program\) +30 " ||
		fail "the text status does not show '$HOST_IF native no (single program) 30'"
	echo "$txt" | grep -q 'draining' || fail "the text status shows no draining backend"

	# stats --json: one report
	got=$(lb stats --json --interval 1 --count 1 2>&1) || lb_fail "stats --json failed: $got"
	echo "$got"
	got=$(echo "$got" | "$XLB_PYTHON" -c '
import json, sys
lines = [l for l in sys.stdin.read().splitlines() if l.startswith("{")]
errs = []
if len(lines) != 1:
    errs.append("%d reports, not 1" % len(lines))
for l in lines:
    r = json.loads(l)
    for f in ("time", "interval", "vips"):
        if f not in r:
            errs.append("no field " + f)
    rates = ("pps", "bps", "reply_pps", "reply_bps", "new_flows_per_s")
    for v in r.get("vips", []):
        for f in ("vip", "proto", "backends") + rates:
            if f not in v:
                errs.append("vip %s: no field %s" % (v.get("vip"), f))
        for b in v.get("backends", []):
            for f in ("address",) + rates:
                if f not in b:
                    errs.append("backend %s: no field %s" % (b.get("address"), f))
    if len(r.get("vips", [])) != 2:
        errs.append("%d VIPs, not 2" % len(r.get("vips", [])))
print("\n".join(errs) if errs else "OK")')
	[ "$got" = OK ] || fail "stats --json: $got"
	return 0
}

# a good neighbour: with xdp-lb loaded, traffic that is neither for a VIP nor
# a reply of a translated flow is left alone: the balancer's own services
# (another port of the VIP address, UDP, ping), its own connections to the
# backends (even from a port in the SNAT range), IPv6
test_other_traffic_passes()
{
	local got json rc
	lb_start
	http_vip_setup "$IP4_BE1" "$IP4_BE2"
	check_run start_http "$NS_LB" "::" 8001 balancer-8001
	check_run start_udp_echo "$NS_LB" "$IP4_LB" 5353 balancer
	check_run start_http "$NS_BE1" "$IP6_BE1" 8000 backend1-v6
	got=$(http_get "$NS_CLIENT" "http://$VIP4:8000/") || lb_fail "GET through the VIP failed"

	got=$(http_get "$NS_CLIENT" "http://$IP4_LB:8001/") || lb_fail "the balancer's own port 8001"
	[ "$got" = balancer-8001 ] || lb_fail "port 8001 of the balancer answered '$got'"
	# no IPv6 VIP and no server there: refused by the balancer's kernel
	got=$(http_get "$NS_CLIENT2" "http://[$IP6_LB]:8000/" 3 2>&1)
	rc=$?
	echo "[$IP6_LB]:8000 (no IPv6 VIP, no server): status $rc, '$got'"
	[ "$rc" -eq 7 ] || lb_fail "[$IP6_LB]:8000 was not refused by the balancer (curl status $rc)"
	got=$(http_get "$NS_CLIENT2" "http://[$IP6_LB]:8001/") || lb_fail "the balancer's own IPv6 port 8001"
	[ "$got" = balancer-8001 ] || lb_fail "IPv6 port 8001 of the balancer answered '$got'"
	got=$(udp_client "$NS_CLIENT" --dst "$IP4_LB" --port 5353 --count 5) ||
		lb_fail "UDP 5353 of the balancer (no UDP VIP): $got"
	echo "$got" | awk '$4 != "balancer" { f = 1 } END { exit !f }' && lb_fail "UDP 5353 answered by: $got"
	check_run in_ns "$NS_CLIENT" ping -q -c 2 -W 2 "$IP4_LB"
	check_run in_ns "$NS_CLIENT" ping -q -6 -c 2 -W 2 "$IP6_LB"
	# the balancer's own connections to a backend (the replies come from
	# the VIP's port 8000 to the balancer's address, the SNAT address)
	got=$(http_get "$NS_LB" "http://$IP4_BE1:8000/") || lb_fail "balancer -> backend1 failed"
	[ "$got" = backend1 ] || lb_fail "balancer -> backend1 answered '$got'"
	got=$(http_get "$NS_LB" "http://[$IP6_BE1]:8000/") || lb_fail "balancer -> backend1 over IPv6 failed"
	[ "$got" = backend1-v6 ] || lb_fail "balancer -> [backend1]:8000 answered '$got'"
	got=$(http_burst "$NS_LB" "http://$IP4_BE2:8000/" 5 | sort | uniq -c | awk '{ print $1, $2 }')
	[ "$got" = "5 backend2" ] || lb_fail "balancer -> backend2: $got"
	# from a source port inside the SNAT range
	got=$(in_ns "$NS_LB" curl -sS --noproxy '*' --max-time 5 --local-port 2000-2100 \
		"http://$IP4_BE2:8000/") || lb_fail "balancer -> backend2 from a port in 1024-32767 failed"
	[ "$got" = backend2 ] || lb_fail "balancer -> backend2 from a SNAT-range port answered '$got'"
	# and the VIP still works
	got=$(http_burst "$NS_CLIENT2" "http://$VIP4:8000/" 10 | grep -cxE 'backend1|backend2')
	[ "$got" -eq 10 ] || lb_fail "$got of 10 VIP requests after the other traffic"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'vip("10.0.0.10:8000")["new_flows"], c["xdp_drop"], c["xdp_aborted"]')
	echo "VIP new_flows, xdp_drop, xdp_aborted: $got"
	[ "$got" = "(11, 0, 0)" ] || lb_fail "counters: $got, not (11, 0, 0)"
	return 0
}

# one configuration for two interfaces: load on both, status lists both; the
# VIP works; unloading one keeps the maps and the service; unloading the
# last one removes them. The second interface is a veth pair inside the
# balancer's namespace (nothing is sent on it).
test_two_interfaces_share_config()
{
	local json got
	lb_topo
	ip -n "$NS_LB" link add eth1 type veth peer name eth1p || fail "cannot add eth1"
	ip -n "$NS_LB" link set eth1 up || fail "cannot set eth1 up"
	ip -n "$NS_LB" link set eth1p up || fail "cannot set eth1p up"
	check_run lb load --flows "$XLB_FLOWS" "$HOST_IF" eth1
	http_vip_setup "$IP4_BE1" "$IP4_BE2"
	json=$TOPO_DIR/status.json
	lb_json "$json" || lb_fail "no JSON status"
	got=$(jget "$json" 'sorted(i["name"] for i in d["interfaces"]), [v["vip"] for v in d["vips"]]')
	echo "interfaces, VIPs: $got"
	[ "$got" = "(['eth0', 'eth1'], ['10.0.0.10:8000'])" ] || lb_fail "status shows $got"
	ip -n "$NS_LB" link show eth1 | grep -q 'prog/xdp' || lb_fail "no XDP program on eth1"
	got=$(http_burst "$NS_CLIENT" "http://$VIP4:8000/" 10 | grep -cxE 'backend1|backend2')
	[ "$got" -eq 10 ] || lb_fail "$got of 10 requests with two interfaces"

	check_run lb unload eth1
	ip -n "$NS_LB" link show eth1 | grep -q 'prog/xdp' && lb_fail "eth1 still has an XDP program"
	[ -d "$(xlb_state_dir "$NS_LB")" ] || fail "unloading one of two interfaces removed the maps"
	lb_json "$json" || lb_fail "no JSON status after unloading eth1"
	got=$(jget "$json" '[i["name"] for i in d["interfaces"]], [v["vip"] for v in d["vips"]], vip("10.0.0.10:8000")["new_flows"]')
	echo "after unloading eth1: $got"
	[ "$got" = "(['eth0'], ['10.0.0.10:8000'], 10)" ] || lb_fail "status shows $got"
	got=$(http_burst "$NS_CLIENT2" "http://$VIP4:8000/" 10 | grep -cxE 'backend1|backend2')
	[ "$got" -eq 10 ] || lb_fail "$got of 10 requests after unloading eth1"

	check_run lb unload "$HOST_IF"
	[ -e "$(xlb_state_dir "$NS_LB")" ] && fail "the maps are left after unloading the last interface"
	lb status >/dev/null 2>&1 && fail "status succeeds with nothing loaded"
	return 0
}

# lib.sh's default: GRO on on every bridge-side peer, so the senders' segments
# reach the balancer's veth aggregated by GRO (GSO packets, partial TCP
# checksum). Large downloads and uploads through the VIP must still arrive
# intact, without a single segment with a bad checksum.
test_gro_aggregates_from_senders()
{
	local size=300001 file sum got ns
	lb_start
	topo_peer_gro on client client2 be1 be2 lb || fail "cannot turn GRO on on the peers"
	http_vip_setup "$IP4_BE1" "$IP4_BE2"
	check_run start_upload "$NS_BE1" "$IP4_BE1" 8080 backend1
	check_run start_upload "$NS_BE2" "$IP4_BE2" 8080 backend2
	check_run lb vip "$VIP4:8080"
	check_run lb backend "$VIP4:8080" "$IP4_BE1"
	check_run lb backend "$VIP4:8080" "$IP4_BE2"
	file=$TOPO_DIR/up
	head -c "$size" /dev/urandom >"$file"
	sum=$(sha256sum <"$file" | awk '{ print $1 }')
	for ns in "$NS_CLIENT" "$NS_CLIENT2"; do
		got=$(http_get "$ns" "http://$VIP4:8000/bytes?n=$size" 20 | wc -c)
		echo "${ns##*-}: download of $size bytes: $got bytes," \
		     "TcpInCsumErrors $(tcp_csum_errors "$ns")"
		[ "$got" -eq "$size" ] || lb_fail "download of $size bytes got $got bytes"
		got=$(in_ns "$ns" curl -sS -g --noproxy '*' --max-time 20 -H 'Expect:' \
			--data-binary "@$file" "http://$VIP4:8080/upload")
		echo "${ns##*-}: upload of $size bytes: '$got'"
		case $got in
		"backend1 $size $sum" | "backend2 $size $sum") ;;
		*) lb_fail "upload of $size bytes failed: '$got'" ;;
		esac
	done
	for ns in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(tcp_csum_errors "$ns")
		[ "$got" = 0 ] || lb_fail "${ns##*-}: TcpInCsumErrors is $got"
	done
	return 0
}
