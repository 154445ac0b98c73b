#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xdp-lb keeps one state per network namespace, on the host's one bpffs
# (<bpffs>/xdp-lb/netns-<inode>): balancers in two namespaces never see or
# change each other's configuration, concurrent commands in several
# namespaces do not interfere, and a namespace that inherits the inode
# number of a deleted one starts empty. Everything here runs xdp-lb through
# in_ns, on the host's /sys/fs/bpf, as a user would.
#   cd tests && ./run-shell.sh net net/test-netns.sh /tmp/r.txt

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
NETNS_PIN_BASE=/sys/fs/bpf/xdp-lb

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_netns_two_balancers test_netns_concurrent_commands
	   test_netns_inherited_inode"

# lb_in NS ARGS...: xdp-lb in namespace NS, on the host's bpffs
lb_in()
{
	local ns=$1
	shift
	in_ns "$ns" timeout 60 "$XDP_LB" "$@" </dev/null
}

netns_inode()
{
	stat -L -c %i "/run/netns/$1"
}

# netns_json NS EXPR: a Python expression on 'xdp-lb status --json' in NS
# (d: the object); prints the result
netns_json()
{
	lb_in "$1" status --json | "$XLB_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}

# the VIPs of NS, one "ADDR:PORT/PROTO" per line, sorted
netns_vips()
{
	netns_json "$1" '"\n".join(sorted(v["vip"] + "/" + v["proto"] for v in d["vips"]))'
}

# netns_topo: a topology whose balancer is unloaded on cleanup; sets the
# same variables as topo_create
netns_topo()
{
	topo_create || fail "cannot create a topology"
	topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"
}

# http_names NS URL COUNT: the sorted distinct answers of COUNT requests
http_names()
{
	http_burst "$1" "$2" "$3" | sort | uniq -c
}

# ---------------------------------------------------------------------------

# Two topologies, each with its own balancer and VIP on the shared bpffs:
# each sees only its own state, both balance, and 'unload --all' in one
# leaves the other balancing with its configuration intact.
test_netns_two_balancers()
{
	local a_lb a_client a_be1 a_be2 b_lb b_client dir_a dir_b out before after
	[ -x "$XDP_LB" ] || skip "$XDP_LB is not built"

	netns_topo
	a_lb=$NS_LB a_client=$NS_CLIENT a_be1=$NS_BE1 a_be2=$NS_BE2
	check_run start_http "$a_be1" "$IP4_BE1" 8000 backend1
	check_run start_http "$a_be2" "$IP4_BE2" 8000 backend2
	netns_topo
	b_lb=$NS_LB b_client=$NS_CLIENT
	check_run start_http "$NS_BE1" "$IP4_BE1" 9000 b-backend1

	check_run lb_in "$a_lb" load --flows 65536 "$HOST_IF"
	check_run lb_in "$b_lb" load --flows 65536 "$HOST_IF"
	check_run lb_in "$a_lb" vip "$IP4_LB:8000"
	check_run lb_in "$a_lb" backend "$IP4_LB:8000" "$IP4_BE1"
	check_run lb_in "$a_lb" backend "$IP4_LB:8000" "$IP4_BE2"
	check_run lb_in "$b_lb" vip "$IP4_LB:9000"
	# the same backend address on the other side: not "already present"
	check_run lb_in "$b_lb" backend "$IP4_LB:9000" "$IP4_BE1"

	dir_a=$(netns_json "$a_lb" 'd["state"]["dir"]')
	dir_b=$(netns_json "$b_lb" 'd["state"]["dir"]')
	echo "state: $dir_a and $dir_b"
	[ "$dir_a" = "$NETNS_PIN_BASE/netns-$(netns_inode "$a_lb")" ] ||
		fail "the first balancer's state is in $dir_a"
	[ "$dir_b" = "$NETNS_PIN_BASE/netns-$(netns_inode "$b_lb")" ] ||
		fail "the second balancer's state is in $dir_b"
	[ "$(netns_vips "$a_lb")" = "10.0.0.10:8000/tcp" ] ||
		fail "first namespace's VIPs: $(netns_vips "$a_lb")"
	[ "$(netns_vips "$b_lb")" = "10.0.0.10:9000/tcp" ] ||
		fail "second namespace's VIPs: $(netns_vips "$b_lb")"
	out=$(lb_in "$a_lb" status)
	grep -q "^State: $dir_a (network namespace inode" <<<"$out" ||
		fail "status does not say where its state lives"
	# none in the clients' namespaces
	out=$(lb_in "$a_client" status 2>&1)
	grep -q 'not loaded in this network namespace' <<<"$out" ||
		fail "a namespace without a balancer sees one: $out"

	out=$(http_names "$a_client" "http://$IP4_LB:8000/" 40)
	echo "first VIP: $out"
	grep -q ' backend1$' <<<"$out" && grep -q ' backend2$' <<<"$out" ||
		fail "the first VIP did not reach both backends"
	grep -q ERROR <<<"$out" && fail "requests to the first VIP failed"
	out=$(http_names "$b_client" "http://$IP4_LB:9000/" 20)
	echo "second VIP: $out"
	[ "$(echo "$out" | awk '{ print $1, $2 }')" = "20 b-backend1" ] ||
		fail "the second VIP did not answer every request from its backend"

	before=$(netns_json "$b_lb" 'json.dumps(d["vips"][0]["backends"][0]["address"]) + str(d["interfaces"])')
	check_run lb_in "$a_lb" unload --all
	[ ! -e "$dir_a" ] || fail "$dir_a is still there after unload --all"
	[ -d "$dir_b" ] || fail "unload --all in one namespace removed $dir_b"
	after=$(netns_json "$b_lb" 'json.dumps(d["vips"][0]["backends"][0]["address"]) + str(d["interfaces"])')
	[ "$before" = "$after" ] || fail "the second balancer changed: $before -> $after"
	out=$(http_names "$b_client" "http://$IP4_LB:9000/" 20)
	echo "second VIP after the first unload: $out"
	[ "$(echo "$out" | awk '{ print $1, $2 }')" = "20 b-backend1" ] ||
		fail "the second balancer stopped balancing when the first was unloaded"
	# and the first namespace is back to plain networking
	out=$(http_get "$a_client" "http://$IP4_LB:8000/" 2 2>&1)
	[ "$out" = backend1 ] || [ "$out" = backend2 ] &&
		fail "the first VIP still answers after unload: $out"
	return 0
}

# netns_bare NAME: a namespace $TOPO_ID-NAME with a veth pair up inside
# (removed with the topology)
netns_bare()
{
	local ns=$TOPO_ID-$1
	ip netns add "$ns" || return 1
	ip -n "$ns" link add v0 type veth peer name v1 &&
		ip -n "$ns" link set v0 up && ip -n "$ns" link set v1 up &&
		ip -n "$ns" addr add 10.0.0.1/8 dev v0
}

# Commands in three namespaces at once on the shared bpffs: two build their
# own VIP sets, the third loads and unloads --all in a loop. Each ends with
# exactly its own state.
test_netns_concurrent_commands()
{
	local ns pids=() p rc=0 want got
	[ -x "$XDP_LB" ] || skip "$XDP_LB is not built"
	topo_create || fail "cannot create a topology"
	for ns in n1 n2 n3; do
		check_run netns_bare "$ns"
		topo_on_cleanup "in_ns $TOPO_ID-$ns $XDP_LB unload --all"
	done
	check_run lb_in "$TOPO_ID-n1" load --flows 65536 v0
	check_run lb_in "$TOPO_ID-n2" load --flows 65536 v0

	(
		for p in $(seq 1000 1019); do
			lb_in "$TOPO_ID-n1" vip "10.1.0.1:$p" || exit 1
			lb_in "$TOPO_ID-n1" backend "10.1.0.1:$p" 10.1.0.2 || exit 1
		done
	) &
	pids+=($!)
	(
		for p in $(seq 2000 2019); do
			lb_in "$TOPO_ID-n2" vip --proto udp "10.2.0.1:$p" || exit 1
			if [ $((p % 2)) -eq 0 ]; then
				lb_in "$TOPO_ID-n2" vip --remove --proto udp "10.2.0.1:$p" || exit 1
			fi
		done
	) &
	pids+=($!)
	(
		for p in $(seq 1 8); do
			lb_in "$TOPO_ID-n3" load --flows 4096 v0 || exit 1
			lb_in "$TOPO_ID-n3" vip "10.3.0.1:$p" || exit 1
			lb_in "$TOPO_ID-n3" unload --all || exit 1
		done
	) &
	pids+=($!)
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	[ $rc -eq 0 ] || fail "a command failed while others ran in other namespaces"

	want=$(for p in $(seq 1000 1019); do echo "10.1.0.1:$p/tcp"; done | sort)
	got=$(netns_vips "$TOPO_ID-n1")
	[ "$got" = "$want" ] || fail "first namespace's VIPs: $(echo $got)"
	got=$(netns_json "$TOPO_ID-n1" 'sum(len(v["backends"]) for v in d["vips"])')
	[ "$got" = 20 ] || fail "first namespace has $got backends, not 20"
	want=$(for p in $(seq 2001 2 2019); do echo "10.2.0.1:$p/udp"; done | sort)
	got=$(netns_vips "$TOPO_ID-n2")
	[ "$got" = "$want" ] || fail "second namespace's VIPs: $(echo $got)"
	got=$(lb_in "$TOPO_ID-n3" status 2>&1)
	grep -q 'not loaded in this network namespace' <<<"$got" ||
		fail "the third namespace still has state after its last unload --all"
	[ -d "$NETNS_PIN_BASE/netns-$(netns_inode "$TOPO_ID-n1")" ] ||
		fail "the first namespace's state directory is gone"
	echo "20 + 10 VIPs where they belong; 8 load/unload cycles beside them"
}

# netns_reuse TAG: a namespace loaded with a VIP and a backend is deleted
# (its pins stay); new namespaces are made until one gets its inode number
# (the kernel hands them out lowest first, so each new one, kept, takes the
# next free number). Sets REUSED_NS and REUSED_INO, or skips.
netns_reuse()
{
	local tag=$1 i gone=$TOPO_ID-$1-gone
	REUSED_NS=
	check_run netns_bare "$tag-gone"
	REUSED_INO=$(netns_inode "$gone")
	check_run lb_in "$gone" load --flows 4096 v0
	check_run lb_in "$gone" vip 10.9.0.1:80
	check_run lb_in "$gone" backend 10.9.0.1:80 10.9.0.2
	check_run ip netns del "$gone"
	[ -d "$NETNS_PIN_BASE/netns-$REUSED_INO" ] || fail "no state left behind: nothing to test"
	for ((i = 0; i < 60; i++)); do
		ip netns add "$TOPO_ID-$tag-$i" || fail "cannot create a namespace"
		if [ "$(netns_inode "$TOPO_ID-$tag-$i")" = "$REUSED_INO" ]; then
			REUSED_NS=$TOPO_ID-$tag-$i
			break
		fi
		sleep 0.05
	done
	[ -n "$REUSED_NS" ] ||
		skip "no new namespace got inode $REUSED_INO within 60 (other processes took it)"
	echo "$REUSED_NS got inode $REUSED_INO of the deleted namespace"
	topo_on_cleanup "in_ns $REUSED_NS $XDP_LB unload --all"
	ip -n "$REUSED_NS" link add v0 type veth peer name v1 &&
		ip -n "$REUSED_NS" link set v0 up && ip -n "$REUSED_NS" link set v1 up &&
		ip -n "$REUSED_NS" addr add 10.0.0.1/8 dev v0 || fail "cannot add a veth pair"
}

# A namespace deleted while loaded leaves its pins behind; a later namespace
# with its inode number must not inherit them, whether its first command
# reads the state (status) or creates it (load).
test_netns_inherited_inode()
{
	local out
	[ -x "$XDP_LB" ] || skip "$XDP_LB is not built"
	topo_create || fail "cannot create a topology"

	netns_reuse a
	out=$(lb_in "$REUSED_NS" status 2>&1)
	echo "$out"
	grep -q 'not loaded in this network namespace (removed what a deleted namespace left' <<<"$out" ||
		fail "status in the new namespace did not refuse the deleted one's state"
	[ ! -e "$NETNS_PIN_BASE/netns-$REUSED_INO" ] || fail "the deleted namespace's state is still there"

	netns_reuse b
	check_run lb_in "$REUSED_NS" load --flows 4096 v0
	out=$(netns_vips "$REUSED_NS")
	[ -z "$out" ] || fail "the new namespace inherited VIPs: $out"
	check_run lb_in "$REUSED_NS" vip 10.9.0.1:80
	# not "already present": the old backend went with the old state
	check_run lb_in "$REUSED_NS" backend 10.9.0.1:80 10.9.0.2
	check_run lb_in "$REUSED_NS" unload --all
}
