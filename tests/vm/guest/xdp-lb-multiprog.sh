#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xdp-lb-multiprog.sh [SCENARIO...]
#
# xdp-lb next to xdp-filter on one interface, under libxdp's dispatcher.
# Meant to run as root INSIDE the guest of tests/vm/run-in-guest.sh (a kernel
# without lockdown, so freplace and the dispatcher work); driven by
# tests/vm/test-xdp-lb.sh.
#
# Builds the tutorial topology once (tests/net/lib.sh: client 10.0.0.1,
# client2 10.0.0.4, backends 10.0.0.2/10.0.0.3 with an HTTP server on port
# 8000, the balancer 10.0.0.10 with an HTTP server of its own on port 9000,
# which is not a VIP), then runs each SCENARIO (default: all) on the
# balancer's eth0, starting from and returning to an interface without XDP:
#
#   filter_then_lb                   xdp-filter, then xdp-lb
#   lb_then_filter                   xdp-lb, then xdp-filter
#   filter_denies_while_lb_balances  deny client2 (source address) and a port
#   unload_either_keeps_other        unload one, the other keeps working
#
# Every tool (xdp-filter, xdp-lb, xdp-loader) runs in the balancer's
# namespace on the guest's own bpffs (/sys/fs/bpf, which only this topology
# uses), so all of them see the same libxdp dispatcher state in
# /sys/fs/bpf/xdp.
#
# Output: each scenario's log between "=== BEGIN name" and "=== END name",
# then one line "RESULT name PASS" or "RESULT name FAIL: reason". Exit 0 when
# every scenario passed, 1 otherwise.
#
# Environment: XDP_LB (the xdp-lb binary, default the work tree's),
# XLB_VM_REQUESTS (requests per balanced burst, default 40).

# shellcheck disable=SC2317,SC2015 # functions called indirectly (scn_$name,
# cleanup hook); "A && B || fail" means "fail unless A and B"
# (no "set -u": tests/net/lib.sh is not written for it)

GUEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$GUEST_DIR/../../.." && pwd)
XDP_LB=${XDP_LB:-$SRC_DIR/xdp-lb/xdp-lb}
REQUESTS=${XLB_VM_REQUESTS:-40}
ALL_SCENARIOS="filter_then_lb lb_then_filter filter_denies_while_lb_balances unload_either_keeps_other"
FLOWS=65536
OWN_PORT=9000		# the balancer's own HTTP server: not a VIP
DENIED_WAIT=3		# seconds a request that must be dropped is given

# shellcheck source=tests/net/lib.sh
. "$SRC_DIR/tests/net/lib.sh"

VIP=$IP4_LB:8000
VIP_URL=http://$VIP/
OWN_URL=http://$IP4_LB:$OWN_PORT/

# ---------------------------------------------------------------- tools
# All three tools in the balancer's namespace. The guest's /sys/fs/bpf is a
# bpffs of its own and holds this one topology, so they use it directly
# (in_ns, not in_ns_bpffs: fewer processes per call, which count under TCG).
lbns() { in_ns "$NS_LB" "$@"; }
xlb() { lbns "$XDP_LB" "$@"; }
xfilter() { lbns xdp-filter "$@"; }
xloader() { lbns xdp-loader "$@"; }

# ---------------------------------------------------------------- diagnostics
# Compact state dump for failures: xdp-loader status, xdp-lb status without
# zero counters, xdp-filter's counters and filters.
show_state()
{
	echo "--- xdp-loader status $HOST_IF:"
	xloader status "$HOST_IF" 2>&1 | grep -v '^$'
	echo "--- xdp-lb status (zero counters left out):"
	xlb status 2>&1 | awk '!/^ *$/ && !($0 ~ /^  [a-z_]+ +0$/)'
	echo "--- xdp-filter status (counters, filters):"
	xfilter status 2>&1 | grep -E 'XDP_(DROP|PASS)|^  [0-9a-f:.]+ +[a-z]|mode\)|not loaded|rror'
}

# scenario_fail REASON: dump the state, then exit the scenario's subshell.
scenario_fail()
{
	show_state
	echo "FAIL: $*"
	exit 1
}

# guest uptime in tenths of a second; elapsed T0: "N.N s" since T0
now() { local u; read -r u _ </proc/uptime; u=${u/./}; echo "${u%?}"; }
elapsed() { local d=$(($(now) - $1)); echo "$((d / 10)).$((d % 10)) s"; }

# a command line as the user would type it
shown() { echo "$*" | sed 's/^xlb /xdp-lb /; s/^xfilter /xdp-filter /; s/^xloader /xdp-loader /'; }

# must CMD...: print and run CMD, fail the scenario if it fails.
must()
{
	local out rc t0
	t0=$(now)
	out=$("$@" 2>&1)
	rc=$?
	echo "+ $(shown "$@")  ($(elapsed "$t0"))"
	[ -n "$out" ] && printf '%s\n' "$out"
	[ "$rc" -eq 0 ] || scenario_fail "'$(shown "$@")' exited with status $rc"
}

# ---------------------------------------------------------------- XDP state
# The chain on eth0 as one string, from xdp-loader status:
#   NONE                        no XDP program
#   SINGLE name                 one program without dispatcher
#   DISPATCHER|10 name|30 name  the dispatcher and its programs, in order
chain_of()
{
	awk -v ifn="$HOST_IF" '
		$1 == ifn && /No XDP program/ { s = "NONE"; inif = 0; next }
		$1 == ifn && $2 == "xdp_dispatcher" { s = "DISPATCHER"; inif = 1; next }
		$1 == ifn { s = "SINGLE " $2; inif = 0; next }
		$1 == "=>" && inif { s = s "|" $2 " " $3; next }
		{ inif = 0 }
		END { print (s == "" ? "MISSING" : s) }'
}

# assert_chain PATTERN: the chain (see chain_of) must be PATTERN, where '*'
# stands for any characters but '|' (one program's name), e.g.
# "DISPATCHER|10 xdpfilt_*|30 xdp_lb".
assert_chain()
{
	local status chain re
	status=$(xloader status "$HOST_IF" 2>&1)
	echo "+ xdp-loader status $HOST_IF"
	printf '%s\n' "$status" | grep -v '^$'
	chain=$(printf '%s\n' "$status" | chain_of)
	re=${1//|/\\|}
	re="^${re//\*/[^|]*}\$"
	[[ $chain =~ $re ]] ||
		scenario_fail "XDP chain on $HOST_IF is '$chain', expected '$1'"
	echo "OK: XDP chain on $HOST_IF: $chain"
}

# JSON without python (its start-up takes seconds under TCG): the status is
# one line; an object's own fields come before any nested array.
# json_field TEXT FIELD: the number, true or false after "FIELD": in TEXT
json_field()
{
	printf '%s\n' "$1" | grep -o "\"$2\":[a-z0-9]*" | head -n 1 | cut -d: -f2
}

# lb_json_iface: "attached dispatcher programs priority" of eth0 from
# 'xdp-lb status --json' ("-" when eth0 is not listed).
lb_json_iface()
{
	local obj f out=
	obj=$(xlb status --json 2>/dev/null | grep -o "{\"name\":\"$HOST_IF\"[^}]*}")
	[ -n "$obj" ] || { echo "-"; return; }
	for f in attached dispatcher programs priority; do
		out="$out${out:+ }$(json_field "$obj" "$f")"
	done
	echo "$out"
}

# assert_lb_dispatcher N: xdp-lb status says eth0 runs under the dispatcher,
# with N programs, at priority 30 (text "yes (N programs)", "yes (1
# program)", and JSON).
assert_lb_dispatcher()
{
	local n=$1 text row got progs=programs
	[ "$n" = 1 ] && progs=program
	text=$(xlb status 2>&1)
	row=$(printf '%s\n' "$text" | awk -v ifn="$HOST_IF" '$1 == ifn')
	echo "+ xdp-lb status: $row"
	case $row in
	*" yes ($n $progs)"*) ;;
	*) scenario_fail "xdp-lb status does not show '$HOST_IF ... dispatcher yes ($n $progs)'" ;;
	esac
	got=$(lb_json_iface)
	echo "+ xdp-lb status --json: $HOST_IF attached/dispatcher/programs/priority: $got"
	[ "$got" = "true true $n 30" ] ||
		scenario_fail "xdp-lb status --json for $HOST_IF: '$got', expected 'true true $n 30'"
	echo "OK: xdp-lb status: $HOST_IF under the dispatcher ($n programs), priority 30"
}

# assert_lb_not_loaded: xdp-lb does not report eth0 any more.
assert_lb_not_loaded()
{
	local out
	out=$(xlb status 2>&1)
	echo "+ xdp-lb status: $(printf '%s\n' "$out" | head -n 1)"
	[ "$(lb_json_iface)" = "-" ] ||
		scenario_fail "xdp-lb status still lists $HOST_IF after unload"
	echo "OK: xdp-lb is not loaded on $HOST_IF"
}

# vip_counter FIELD: FIELD (packets, new_flows, ...) of the VIP, JSON status
vip_counter()
{
	local obj v
	obj=$(xlb status --json 2>/dev/null | grep -o "{\"vip\":\"$VIP\"[^[]*")
	v=$(json_field "$obj" "$1")
	echo "${v:-?}"
}

# filter_count ACTION: xdp-filter's packet counter for XDP_PASS or XDP_DROP
filter_count()
{
	xfilter status 2>/dev/null | awk -v a="$1" '$1 == a { print $2; exit }'
}

is_num() { case ${1:-x} in *[!0-9]*) return 1 ;; esac; return 0; }

# lb_up: load xdp-lb on eth0 and configure the VIP with both backends.
lb_up()
{
	local t0
	t0=$(now)
	if ! xlb load --flows "$FLOWS" "$HOST_IF"; then
		# name the reason (the verifier's or libxdp's last words)
		echo "--- xdp-lb load -vv, without libbpf's object dump:"
		xlb load -vv --flows "$FLOWS" "$HOST_IF" 2>&1 |
			grep -v '^ *libbpf: ' | tail -n 10
		scenario_fail "xdp-lb load --flows $FLOWS $HOST_IF failed"
	fi
	echo "+ xdp-lb load --flows $FLOWS $HOST_IF  ($(elapsed "$t0"))"
	must xlb vip "$VIP"
	must xlb backend "$VIP" "$IP4_BE1"
	must xlb backend "$VIP" "$IP4_BE2"
}

filter_up()
{
	must xfilter load "$HOST_IF"
}

# ---------------------------------------------------------------- traffic
# burst NS URL COUNT: COUNT requests, each its own TCP connection (the test
# server closes every one), from ONE curl process: under TCG starting a
# process costs more than a request. One line per request, the body (or
# nothing for a failed one); at most 200 requests of 5 s each.
burst()
{
	local ns=$1 url=$2 count=$3 urls=() i
	((count <= 200)) || count=200
	for ((i = 0; i < count; i++)); do
		urls+=("$url")
	done
	in_ns "$ns" curl -sS -g --noproxy '*' --max-time 5 -w '\n' "${urls[@]}" 2>/dev/null
}

# balanced NS COUNT: COUNT requests from NS to the VIP all reach a backend,
# each backend at least max(1, COUNT/10) of them.
balanced()
{
	local ns=$1 count=$2 out b1 b2 bad min start=$SECONDS
	out=$(burst "$ns" "$VIP_URL" "$count")
	b1=$(printf '%s\n' "$out" | grep -cx backend1)
	b2=$(printf '%s\n' "$out" | grep -cx backend2)
	bad=$((count - b1 - b2))
	min=$((count / 10))
	((min >= 1)) || min=1
	echo "$count requests from $(_xlb_ns_name "$ns") to $VIP: backend1 $b1," \
		"backend2 $b2, failed or wrong $bad ($((SECONDS - start)) s)"
	[ "$bad" -eq 0 ] ||
		scenario_fail "$bad of $count requests from $(_xlb_ns_name "$ns") to $VIP failed: $(printf '%s\n' "$out" | sort | uniq -c | tr '\n' ' ')"
	{ [ "$b1" -ge "$min" ] && [ "$b2" -ge "$min" ]; } ||
		scenario_fail "requests not balanced over both backends (backend1 $b1, backend2 $b2, want at least $min each)"
}

# all_ok NS URL COUNT EXPECTED: COUNT requests, every body is EXPECTED
# (a pattern, e.g. "backend[12]").
all_ok()
{
	local ns=$1 url=$2 count=$3 want=$4 out n
	out=$(burst "$ns" "$url" "$count")
	n=$(printf '%s\n' "$out" | grep -cx "$want")
	echo "$count requests from $(_xlb_ns_name "$ns") to $url: $n answered '$want'"
	[ "$n" -eq "$count" ] ||
		scenario_fail "only $n of $count requests from $(_xlb_ns_name "$ns") to $url answered '$want': $(printf '%s\n' "$out" | sort | uniq -c | tr '\n' ' ')"
}

# blocked NS URL: one request (DENIED_WAIT s) must get no answer at all.
blocked()
{
	local ns=$1 url=$2 body rc
	body=$(http_get "$ns" "$url" "$DENIED_WAIT" 2>&1)
	rc=$?
	echo "request from $(_xlb_ns_name "$ns") to $url: curl status $rc ($(printf '%s' "$body" | head -c 100))"
	[ "$rc" -ne 0 ] ||
		scenario_fail "a request from $(_xlb_ns_name "$ns") to $url was answered ('$body'), expected it dropped"
	[ "$rc" -eq 28 ] ||
		scenario_fail "a request from $(_xlb_ns_name "$ns") to $url failed with curl status $rc, expected a timeout (28: dropped, no reset)"
}

if command -v ping >/dev/null 2>&1; then
	PING=(ping)
else
	PING=(busybox ping)
fi

# ping_from NS ADDR: 0 when ADDR answers (2 pings within 3 s)
ping_from()
{
	in_ns "$1" "${PING[@]}" -c 2 -i 0.3 -w 3 "$2" >/dev/null 2>&1
}

# ---------------------------------------------------------------- scenarios

scn_filter_then_lb()
{
	local pass0 pass1 nf0 nf1
	assert_chain "NONE"
	filter_up
	assert_chain "DISPATCHER|10 xdpfilt_*"
	lb_up
	assert_chain "DISPATCHER|10 xdpfilt_*|30 xdp_lb"
	assert_lb_dispatcher 2

	pass0=$(filter_count XDP_PASS)
	nf0=$(vip_counter new_flows)
	balanced "$NS_CLIENT" "$REQUESTS"
	pass1=$(filter_count XDP_PASS)
	nf1=$(vip_counter new_flows)
	echo "xdp-filter XDP_PASS: $pass0 -> $pass1; xdp-lb new flows on $VIP: $nf0 -> $nf1"
	is_num "$pass0" && is_num "$pass1" && is_num "$nf0" && is_num "$nf1" ||
		scenario_fail "cannot read xdp-filter's or xdp-lb's counters"
	# at least SYN, request and FIN from the client per connection
	[ $((pass1 - pass0)) -ge $((3 * REQUESTS)) ] ||
		scenario_fail "xdp-filter passed only $((pass1 - pass0)) packets for $REQUESTS connections: the traffic did not go through it"
	[ $((nf1 - nf0)) -ge "$REQUESTS" ] ||
		scenario_fail "xdp-lb counted $((nf1 - nf0)) new flows for $REQUESTS connections"
	echo "OK: the traffic passed xdp-filter (prio 10), then xdp-lb (prio 30)"
}

scn_lb_then_filter()
{
	local pass0 pass1
	assert_chain "NONE"
	lb_up
	# libxdp attaches even a single program through a dispatcher
	assert_chain "DISPATCHER|30 xdp_lb"
	assert_lb_dispatcher 1
	filter_up
	# the priorities, not the load order, decide: the filter runs first
	assert_chain "DISPATCHER|10 xdpfilt_*|30 xdp_lb"
	assert_lb_dispatcher 2

	pass0=$(filter_count XDP_PASS)
	balanced "$NS_CLIENT" "$REQUESTS"
	pass1=$(filter_count XDP_PASS)
	echo "xdp-filter XDP_PASS: $pass0 -> $pass1"
	is_num "$pass0" && is_num "$pass1" ||
		scenario_fail "cannot read xdp-filter's counters"
	[ $((pass1 - pass0)) -ge $((3 * REQUESTS)) ] ||
		scenario_fail "xdp-filter passed only $((pass1 - pass0)) packets for $REQUESTS connections"
	all_ok "$NS_CLIENT" "$OWN_URL" 3 balancer
}

scn_filter_denies_while_lb_balances()
{
	local drop0 drop1 pk0 pk1
	assert_chain "NONE"
	filter_up
	lb_up
	assert_chain "DISPATCHER|10 xdpfilt_*|30 xdp_lb"
	assert_lb_dispatcher 2

	# client2 denied by source address (default policy allow: listed = dropped)
	must xfilter ip --mode src "$IP4_CLIENT2"
	drop0=$(filter_count XDP_DROP)
	pk0=$(vip_counter packets)
	blocked "$NS_CLIENT2" "$VIP_URL"
	blocked "$NS_CLIENT2" "$VIP_URL"
	drop1=$(filter_count XDP_DROP)
	pk1=$(vip_counter packets)
	echo "xdp-filter XDP_DROP: $drop0 -> $drop1; xdp-lb packets to $VIP: $pk0 -> $pk1"
	is_num "$drop0" && is_num "$drop1" && is_num "$pk0" && is_num "$pk1" ||
		scenario_fail "cannot read xdp-filter's or xdp-lb's counters"
	[ $((drop1 - drop0)) -ge 2 ] ||
		scenario_fail "xdp-filter dropped $((drop1 - drop0)) packets for 2 denied connections"
	[ "$pk1" -eq "$pk0" ] ||
		scenario_fail "xdp-lb saw $((pk1 - pk0)) packets of the denied client: the filter did not run first"
	echo "OK: client2's packets were dropped by xdp-filter before xdp-lb saw them"
	balanced "$NS_CLIENT" "$REQUESTS"

	# a denied port (destination 9000, the balancer's own server)
	must xfilter port "$OWN_PORT"
	blocked "$NS_CLIENT" "$OWN_URL"
	all_ok "$NS_CLIENT" "$VIP_URL" 5 "backend[12]"
	must xfilter port --remove "$OWN_PORT"
	all_ok "$NS_CLIENT" "$OWN_URL" 2 balancer

	# lifting the address filter lets client2 through to the backends
	must xfilter ip --remove --mode src "$IP4_CLIENT2"
	all_ok "$NS_CLIENT2" "$VIP_URL" 10 "backend[12]"
}

scn_unload_either_keeps_other()
{
	local body rc drop0 drop1
	assert_chain "NONE"
	filter_up
	lb_up
	must xfilter ip --mode src "$IP4_CLIENT2"
	assert_chain "DISPATCHER|10 xdpfilt_*|30 xdp_lb"
	balanced "$NS_CLIENT" 20

	# 1. without xdp-lb, xdp-filter keeps filtering
	must xlb unload "$HOST_IF"
	assert_chain "DISPATCHER|10 xdpfilt_*"
	assert_lb_not_loaded
	drop0=$(filter_count XDP_DROP)
	if ping_from "$NS_CLIENT2" "$IP4_LB"; then
		scenario_fail "client2's pings reach the balancer although xdp-filter denies $IP4_CLIENT2"
	fi
	drop1=$(filter_count XDP_DROP)
	echo "client2 -> $IP4_LB ping: no answer; xdp-filter XDP_DROP $drop0 -> $drop1"
	is_num "$drop0" && is_num "$drop1" && [ $((drop1 - drop0)) -ge 1 ] ||
		scenario_fail "xdp-filter did not count client2's pings as dropped ($drop0 -> $drop1)"
	ping_from "$NS_CLIENT" "$IP4_LB" ||
		scenario_fail "client's pings to the balancer are lost with xdp-filter alone"
	echo "client -> $IP4_LB ping: answered"
	all_ok "$NS_CLIENT" "$OWN_URL" 2 balancer
	blocked "$NS_CLIENT2" "$OWN_URL"
	# nothing balances the VIP any more: the balancer's stack refuses it
	body=$(http_get "$NS_CLIENT" "$VIP_URL" 3 2>&1)
	rc=$?
	echo "request from client to $VIP_URL without xdp-lb: curl status $rc ($body)"
	case $body in
	*backend*) scenario_fail "a backend answered on $VIP after xdp-lb was unloaded" ;;
	esac
	[ "$rc" -ne 0 ] || scenario_fail "the VIP answered '$body' after xdp-lb was unloaded"
	echo "OK: xdp-filter alone still filters; other traffic reaches the balancer"

	# 2. xdp-lb back, then without xdp-filter, xdp-lb keeps balancing
	lb_up
	assert_chain "DISPATCHER|10 xdpfilt_*|30 xdp_lb"
	assert_lb_dispatcher 2
	blocked "$NS_CLIENT2" "$VIP_URL"
	balanced "$NS_CLIENT" 20
	must xfilter unload "$HOST_IF"
	# libxdp rebuilds the dispatcher around the remaining program
	assert_chain "DISPATCHER|30 xdp_lb"
	assert_lb_dispatcher 1
	balanced "$NS_CLIENT" 20
	balanced "$NS_CLIENT2" 20
	all_ok "$NS_CLIENT" "$OWN_URL" 2 balancer

	must xlb unload "$HOST_IF"
	assert_chain "NONE"
	echo "OK: either program can go, the other keeps working"
}

# Back to an interface without XDP programs, whatever the scenario left.
reset_xdp()
{
	xlb unload --all >/dev/null 2>&1
	xfilter unload --all >/dev/null 2>&1
	[ "$(xloader status "$HOST_IF" 2>&1 | chain_of)" = NONE ] && return 0
	xloader unload "$HOST_IF" --all >/dev/null 2>&1
	[ "$(xloader status "$HOST_IF" 2>&1 | chain_of)" = NONE ]
}

# ---------------------------------------------------------------- main

main()
{
	local s t lockdown failed=0 rc reason log start

	# shellcheck disable=SC2086 # a list of words
	[ $# -gt 0 ] || set -- $ALL_SCENARIOS
	for s; do
		case " $ALL_SCENARIOS " in
		*" $s "*) ;;
		*) echo "unknown scenario '$s' (known: $ALL_SCENARIOS)"; return 2 ;;
		esac
	done

	echo "=== BEGIN setup"
	echo "kernel: $(uname -r)"
	lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo "(no lockdown file)")
	echo "lockdown: $lockdown"
	case $lockdown in
	*"[none]"*|"(no "*) ;;
	*) echo "FAIL: lockdown is active: the dispatcher cannot work here"; return 1 ;;
	esac
	for t in xdp-filter xdp-loader ip; do
		command -v "$t" >/dev/null ||
			{ echo "FAIL: $t not found (Debian packages xdp-tools, iproute2)"; return 1; }
	done
	[ -x "$XDP_LB" ] || { echo "FAIL: $XDP_LB is missing (run make)"; return 1; }
	[ -f "$XLB_XDP_PASS_OBJ" ] ||
		{ echo "FAIL: $XLB_XDP_PASS_OBJ is missing (make -C tests net-helpers)"; return 1; }
	echo "xdp-lb: $XDP_LB ($("$XDP_LB" --version 2>&1 | head -n 1))"
	echo "xdp-tools: $(dpkg-query -W -f '${Version}' xdp-tools 2>/dev/null || echo '?')"
	# the topology and its servers, shared by the scenarios
	modprobe veth >/dev/null 2>&1
	topo_create || { echo "FAIL: cannot create the topology"; return 1; }
	start_http "$NS_BE1" "$IP4_BE1" 8000 backend1 &&
		start_http "$NS_BE2" "$IP4_BE2" 8000 backend2 &&
		start_http "$NS_LB" "$IP4_LB" "$OWN_PORT" balancer ||
		{ echo "FAIL: cannot start the HTTP servers"; return 1; }
	topo_on_cleanup "reset_xdp"
	echo "setup done after $(cut -d' ' -f1 /proc/uptime) s of guest uptime"
	echo "=== END setup"

	log=$(mktemp) || return 1
	for s; do
		echo "=== BEGIN $s"
		start=$SECONDS
		if ! reset_xdp; then
			echo "FAIL: cannot remove the XDP programs left on $HOST_IF" >"$log"
			rc=1
		else
			("scn_$s") >"$log" 2>&1 </dev/null
			rc=$?
		fi
		cat "$log"
		echo "($s: $((SECONDS - start)) s)"
		echo "=== END $s"
		if [ "$rc" -eq 0 ]; then
			echo "RESULT $s PASS"
		else
			failed=1
			reason=$(grep '^FAIL: ' "$log" | tail -n 1)
			echo "RESULT $s FAIL: ${reason#FAIL: }"
		fi
	done
	rm -f "$log"
	reset_xdp
	return $failed
}

main "$@"
exit $?
