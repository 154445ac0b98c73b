#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First network tests: they exercise the test harness (lib.sh) on the
# tutorial topology, without xdp-lb itself. Run through run-shell.sh:
#   cd tests && ./run-shell.sh net net/test-topology.sh /tmp/r.txt

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_topology_layout test_topology_ping test_topology_http
	   test_xdp_attach_real test_unique_names"

# every host: eth0 with its MAC and addresses, TX checksum offload off; every
# bridge-side peer: a bridge port with GRO off and a pass-all XDP program
test_topology_layout()
{
	local role u ns peer ip4 ip6 mac out
	topo_create || fail "cannot create the topology"
	for role in $XLB_ROLES; do
		u=${role^^}
		ns=NS_$u; ns=${!ns}
		peer=PEER_$u; peer=${!peer}
		ip4=IP4_$u; ip4=${!ip4}
		ip6=IP6_$u; ip6=${!ip6}
		mac=MAC_$u; mac=${!mac}
		case $ns in
		"$TOPO_ID"-*) ;;
		*) fail "namespace $ns is not named after $TOPO_ID" ;;
		esac
		out=$(ip -n "$ns" addr show dev "$HOST_IF") ||
			fail "$ns has no $HOST_IF"
		echo "$out" | grep -q "link/ether $mac " || fail "$ns: MAC is not $mac"
		echo "$out" | grep -q "inet $ip4/24 " || fail "$ns: no $ip4/24"
		echo "$out" | grep -q "inet6 $ip6/64 " || fail "$ns: no $ip6/64"
		echo "$out" | grep -q tentative && fail "$ns: tentative address"
		in_ns "$ns" ethtool -k "$HOST_IF" | grep -q '^tx-checksumming: off' ||
			fail "$ns: TX checksum offload is on"
		ip -n "$NS_SW" link show "$peer" | grep -q "master $BRIDGE" ||
			fail "$peer is not a port of $BRIDGE"
		in_ns "$NS_SW" ethtool -k "$peer" |
			grep -q '^generic-receive-offload: off' ||
			fail "GRO is on on $peer"
		ip -n "$NS_SW" link show "$peer" | grep -q 'prog/xdp' ||
			fail "no XDP program on $peer"
		echo "$role: ns $ns, $HOST_IF $mac $ip4 $ip6, peer $peer ok"
	done
	return 0
}

test_topology_ping()
{
	local c dst
	topo_create || fail "cannot create the topology"
	for c in "$NS_CLIENT" "$NS_CLIENT2"; do
		for dst in "$IP4_BE1" "$IP4_BE2" "$IP4_LB"; do
			check_run in_ns "$c" ping -q -c 1 -W 2 "$dst"
		done
		for dst in "$IP6_BE1" "$IP6_BE2" "$IP6_LB"; do
			check_run in_ns "$c" ping -q -6 -c 1 -W 2 "$dst"
		done
	done
	return 0
}

test_topology_http()
{
	local c url want got out
	topo_create || fail "cannot create the topology"
	# IPv4 and IPv6 servers on port 80 of each backend
	check_run start_http "$NS_BE1" "$IP4_BE1" 80
	check_run start_http "$NS_BE1" "$IP6_BE1" 80
	check_run start_http "$NS_BE2" "$IP4_BE2" 80
	check_run start_http "$NS_BE2" "$IP6_BE2" 80
	for c in "$NS_CLIENT" "$NS_CLIENT2"; do
		for url in "backend1 http://$IP4_BE1/" "backend1 http://[$IP6_BE1]/" \
			   "backend2 http://$IP4_BE2/" "backend2 http://[$IP6_BE2]/"; do
			want=${url%% *}
			url=${url#* }
			got=$(http_get "$c" "$url") || fail "GET $url from $c failed"
			[ "$got" = "$want" ] ||
				fail "GET $url from $c returned '$got', not '$want'"
			echo "$c: $url -> $got"
		done
	done
	# the backend sees each client's own address
	got=$(http_get "$NS_CLIENT2" "http://$IP4_BE1/peer") || fail "GET /peer"
	[ "${got%% *}" = "$IP4_CLIENT2" ] || fail "/peer said '$got'"
	got=$(http_get "$NS_CLIENT" "http://[$IP6_BE2]/peer") || fail "GET /peer"
	[ "${got%% *}" = "$IP6_CLIENT" ] || fail "/peer said '$got'"
	# sequential requests, one line each
	got=$(http_burst "$NS_CLIENT" "http://$IP4_BE2/" 5 | sort | uniq -c |
	      awk '{ print $1, $2 }')
	[ "$got" = "5 backend2" ] || fail "http_burst gave '$got'"
	# an odd-sized body and a slow stream in the background
	got=$(http_get "$NS_CLIENT" "http://$IP4_BE1/bytes?n=100001" | wc -c)
	[ "$got" -eq 100001 ] || fail "/bytes returned $got bytes"
	out=$TOPO_DIR/stream.out
	http_stream_start "$NS_CLIENT2" "http://[$IP6_BE2]/stream?seconds=1&bytes=3001" "$out" 10
	http_stream_wait "$out" 15 || fail "stream request failed ($?)"
	[ "$(head -n 1 "$out")" = backend2 ] || fail "stream is not from backend2"
	[ "$(wc -c <"$out")" -eq 3001 ] || fail "stream: $(wc -c <"$out") bytes"
	# and no segment had a bad checksum anywhere
	for c in "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2"; do
		got=$(tcp_csum_errors "$c")
		[ "$got" = 0 ] || fail "$c: TcpInCsumErrors is $got"
	done
	return 0
}

_lb_xdp_prog()
{
	ip -n "$NS_LB" -d link show "$HOST_IF" | grep -o 'prog/xdp id [0-9]* name [a-z_]*'
}

# Debian's real xdp-filter on the balancer's eth0. On the host kernel libxdp
# cannot use its dispatcher (lockdown refuses freplace), so it attaches the
# single program directly (legacy mode): expected.
# xdp-filter keeps its state under /sys/fs/bpf/xdp-filter, keyed by interface
# name, and every topology's interface is called eth0: it runs through
# in_ns_bpffs so that concurrent runs do not share (and remove) that state.
# Policy: the default "allow" policy, in which 'xdp-filter port 8000' DROPS
# port 8000. (With '-p deny' the ports added are the only traffic allowed:
# port 8000 would still work and ping/ARP would be dropped.)
test_xdp_attach_real()
{
	local url got
	command -v xdp-filter >/dev/null || skip "xdp-filter (xdp-tools) is missing"
	topo_create || fail "cannot create the topology"
	check_run start_http "$NS_LB" "$IP4_LB" 8000
	check_run start_http "$NS_LB" "$IP4_LB" 8001 balancer-8001
	url=http://$IP4_LB:8000/
	got=$(http_get "$NS_CLIENT" "$url") || fail "GET $url before loading"
	[ "$got" = balancer ] || fail "GET $url returned '$got'"

	topo_on_cleanup "in_ns_bpffs $NS_LB xdp-filter unload $HOST_IF"
	check_run in_ns_bpffs "$NS_LB" xdp-filter load "$HOST_IF"
	got=$(_lb_xdp_prog) || fail "no XDP program on the balancer's $HOST_IF"
	echo "attached: $got"
	case $got in
	*name\ xdpfilt_*) ;;
	*) fail "the attached program is not xdp-filter's" ;;
	esac
	ip -n "$NS_LB" link show "$HOST_IF" | grep -qw xdp ||
		fail "xdp-filter is not attached in native mode"
	got=$(http_get "$NS_CLIENT" "$url") || fail "GET $url with no rule"
	[ "$got" = balancer ] || fail "GET $url with no rule returned '$got'"

	check_run in_ns_bpffs "$NS_LB" xdp-filter port 8000
	if got=$(http_get "$NS_CLIENT" "$url" 2); then
		fail "GET $url still works with port 8000 filtered ('$got')"
	fi
	echo "GET $url blocked as expected"
	check_run in_ns "$NS_CLIENT" ping -q -c 1 -W 2 "$IP4_LB"
	check_run in_ns "$NS_CLIENT" ping -q -6 -c 1 -W 2 "$IP6_LB"
	got=$(http_get "$NS_CLIENT2" "http://$IP4_LB:8001/") ||
		fail "port 8001 is blocked too"
	[ "$got" = balancer-8001 ] || fail "port 8001 returned '$got'"
	got=$(in_ns_bpffs "$NS_LB" xdp-filter status)
	echo "$got"
	echo "$got" | awk '$1 == "XDP_DROP" { exit !($2 > 0) }' ||
		fail "xdp-filter counted no XDP_DROP"

	check_run in_ns_bpffs "$NS_LB" xdp-filter unload "$HOST_IF"
	if got=$(_lb_xdp_prog); then
		fail "an XDP program is still attached after unload: $got"
	fi
	got=$(http_get "$NS_CLIENT" "$url") || fail "GET $url after unload"
	[ "$got" = balancer ] || fail "GET $url after unload returned '$got'"
	return 0
}

test_unique_names()
{
	local a_id a_dir a_lb a_be1 a_cli a_pid ns n got
	topo_create || fail "cannot create the first topology"
	a_id=$TOPO_ID a_dir=$TOPO_DIR
	a_cli=$NS_CLIENT a_be1=$NS_BE1 a_lb=$NS_LB
	check_run start_http "$NS_BE1" "$IP4_BE1" 80 backend1-a
	a_pid=$HTTP_PID

	topo_create || fail "cannot create the second topology"
	[ "$TOPO_ID" != "$a_id" ] || fail "both topologies are called $a_id"
	for ns in "$NS_SW" "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2" "$NS_LB"; do
		case $ns in
		"$a_cli" | "$a_be1" | "$a_lb" | "$a_id"-*)
			fail "namespace $ns is in both topologies" ;;
		esac
	done
	n=$(ip netns list | grep -c "^$a_id-")
	[ "$n" -eq 6 ] || fail "the first topology has $n namespaces, not 6"
	n=$(ip netns list | grep -c "^$TOPO_ID-")
	[ "$n" -eq 6 ] || fail "the second topology has $n namespaces, not 6"
	# same addresses, same port, separate worlds
	check_run start_http "$NS_BE1" "$IP4_BE1" 80 backend1-b
	got=$(http_get "$a_cli" "http://$IP4_BE1/")
	[ "$got" = backend1-a ] || fail "first topology's backend1 said '$got'"
	got=$(http_get "$NS_CLIENT" "http://$IP4_BE1/")
	[ "$got" = backend1-b ] || fail "second topology's backend1 said '$got'"

	check_run topo_destroy "$a_id"
	n=$(ip netns list | grep -c "^$a_id-")
	[ "$n" -eq 0 ] || fail "$n namespaces of the first topology are left"
	[ -e "$a_dir" ] && fail "state directory $a_dir is left"
	if [ -e "/proc/$a_pid" ] && ! grep -q '^State:.*Z' "/proc/$a_pid/status"; then
		fail "server $a_pid of the first topology still runs"
	fi
	check_run topo_destroy "$a_id"	# idempotent
	n=$(ip netns list | grep -c "^$TOPO_ID-")
	[ "$n" -eq 6 ] || fail "the second topology lost namespaces ($n left)"
	check_run in_ns "$NS_CLIENT" ping -q -c 1 -W 2 "$IP4_BE2"
	got=$(http_get "$NS_CLIENT" "http://$IP4_BE1/")
	[ "$got" = backend1-b ] || fail "second topology's backend1 said '$got' after"
	return 0
}
