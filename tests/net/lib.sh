#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/net/lib.sh: helpers for the network tests, sourced by every
# tests/net/test-*.sh (see README.md for the topology and the API).
#
# Safety rules kept here: traffic only flows between network namespaces that
# topo_create makes; every wait and traffic loop is bounded; everything a
# topology creates (namespaces, processes, private bpffs, state directory) is
# removed by topo_destroy, which a trap runs on EXIT/INT/TERM/HUP of the shell
# that created the topology (each test runs in its own subshell of
# run-shell.sh, so each test cleans up after itself), and cleanup_tests
# removes whatever this run (same $$) may still have left.
#
# Functions that call skip/fail exit the current shell: call them from the
# test function itself, not inside $(...).

XLB_NET_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SKIPPED_TEST=${SKIPPED_TEST:-249}
# per-topology state directories live in $XLB_STATE_BASE/<topology id>
XLB_STATE_BASE=${XLB_STATE_BASE:-/tmp}
# built by tests/Makefile; see xdp_pass.bpf.c for why the peers need it
XLB_XDP_PASS_OBJ=${XLB_XDP_PASS_OBJ:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/xdp_pass.bpf.o}
# test HTTP servers stop by themselves after this many seconds
XLB_SERVER_LIFETIME=${XLB_SERVER_LIFETIME:-900}
if [ -x /usr/bin/python3 ]; then
	XLB_PYTHON=/usr/bin/python3
else
	XLB_PYTHON=python3
fi

# ---------------------------------------------------------------------------
# Topology constants. Roles: client client2 be1 be2 lb (NS_<ROLE>, ...).
HOST_IF=eth0		# each host's interface, inside its namespace
BRIDGE=br0		# the bridge, inside $NS_SW
IP4_PREFIX=24
IP6_PREFIX=64
IP4_CLIENT=10.0.0.1;  IP6_CLIENT=fd00::1;  MAC_CLIENT=de:ad:be:ef:00:01
IP4_BE1=10.0.0.2;     IP6_BE1=fd00::2;     MAC_BE1=de:ad:be:ef:00:02
IP4_BE2=10.0.0.3;     IP6_BE2=fd00::3;     MAC_BE2=de:ad:be:ef:00:03
IP4_LB=10.0.0.10;     IP6_LB=fd00::a;      MAC_LB=de:ad:be:ef:00:0a
IP4_CLIENT2=10.0.0.4; IP6_CLIENT2=fd00::4; MAC_CLIENT2=de:ad:be:ef:00:04
# bridge-side veth peers (inside $NS_SW, so fixed names never collide)
PEER_CLIENT=v-client; PEER_CLIENT2=v-client2
PEER_BE1=v-be1; PEER_BE2=v-be2; PEER_LB=v-lb
XLB_ROLES="client client2 be1 be2 lb"
export HOST_IF BRIDGE IP4_PREFIX IP6_PREFIX
export IP4_CLIENT IP4_CLIENT2 IP4_BE1 IP4_BE2 IP4_LB
export IP6_CLIENT IP6_CLIENT2 IP6_BE1 IP6_BE2 IP6_LB
export MAC_CLIENT MAC_CLIENT2 MAC_BE1 MAC_BE2 MAC_LB
export PEER_CLIENT PEER_CLIENT2 PEER_BE1 PEER_BE2 PEER_LB

# ---------------------------------------------------------------------------
# Generic helpers

skip()
{
	echo "SKIP: $*"
	exit "$SKIPPED_TEST"
}

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

# check_run CMD...: print and run CMD; fail the test if it exits non-zero.
check_run()
{
	local rc
	echo "+ $*"
	"$@"
	rc=$?
	[ "$rc" -eq 0 ] || fail "'$*' exited with status $rc"
	return 0
}

# wait_for COUNT INTERVAL CMD...: run CMD up to COUNT times, INTERVAL seconds
# apart, until it succeeds. Returns 1 if it never did.
wait_for()
{
	local count=$1 interval=$2 i
	shift 2
	for ((i = 0; i < count; i++)); do
		"$@" && return 0
		((i + 1 < count)) && sleep "$interval"
	done
	return 1
}

_xlb_rand()
{
	od -An -N3 -tx1 /dev/urandom | tr -d ' \n'
}

_xlb_require()
{
	local t
	[ "$(id -u)" = 0 ] || skip "the network tests need root"
	for t in ip nsenter unshare ethtool curl ping nstat mountpoint od "$XLB_PYTHON"; do
		command -v "$t" >/dev/null 2>&1 || skip "tool '$t' is not installed"
	done
}

# Make sure bpffs is mounted on /sys/fs/bpf of the host (nsenter keeps the
# host's mount namespace, so tools run by in_ns see it).
_xlb_ensure_bpffs()
{
	[ -n "$_XLB_BPFFS_OK" ] && return 0
	if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
		mount -t bpf bpf /sys/fs/bpf || {
			echo "cannot mount bpffs on /sys/fs/bpf" >&2
			return 1
		}
	fi
	_XLB_BPFFS_OK=1
}

# in_ns NS CMD...: run CMD in network namespace NS, keeping the host's mount
# namespace (bpffs stays visible, unlike with 'ip netns exec', which remounts
# /sys).
in_ns()
{
	local ns=$1
	shift
	_xlb_ensure_bpffs || return 1
	nsenter --net="/run/netns/$ns" -- "$@"
}

# xlb_state_dir NS: where xdp-lb keeps the state of namespace NS on the
# host's bpffs (one directory per network namespace, named by its inode)
xlb_state_dir()
{
	echo "/sys/fs/bpf/xdp-lb/netns-$(stat -L -c %i "/run/netns/$1")"
}

# in_ns_bpffs NS CMD...: like in_ns, but CMD sees a bpffs instance private to
# NS's topology on /sys/fs/bpf, and a private directory on /run, both kept
# for the life of the topology. For tools that keep global state by
# interface name (xdp-filter pins /sys/fs/bpf/xdp-filter/programs/eth0 and
# locks /run/xdp-filter.lck): every topology's interface is called eth0, so
# on the shared bpffs two concurrent runs would overwrite and remove each
# other's state. /run/netns is hidden from CMD.
in_ns_bpffs()
{
	local ns=$1 dir
	shift
	dir=$(_xlb_ns_dir "$ns") || return 1
	mkdir -p "$dir/bpffs" "$dir/run" || return 1
	if ! mountpoint -q "$dir/bpffs"; then
		mount -t bpf bpf "$dir/bpffs" || return 1
	fi
	# shellcheck disable=SC2016
	nsenter --net="/run/netns/$ns" -- unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" /sys/fs/bpf && mount --bind "$2" /run &&
		       shift 2 && exec "$@"' xlb-bpffs "$dir/bpffs" "$dir/run" "$@"
}

# state directory of the topology that NS belongs to
_xlb_ns_dir()
{
	local id=${1%-*}
	case $id in
	xlb-*) ;;
	*) echo "not a test namespace: $1" >&2; return 1 ;;
	esac
	[ -d "$XLB_STATE_BASE/$id" ] || {
		echo "no topology for namespace $1" >&2
		return 1
	}
	echo "$XLB_STATE_BASE/$id"
}

# default HTTP identity of a host, from its namespace name
_xlb_ns_name()
{
	case ${1##*-} in
	client) echo client ;;
	client2) echo client2 ;;
	be1) echo backend1 ;;
	be2) echo backend2 ;;
	lb) echo balancer ;;
	*) echo "$1" ;;
	esac
}

# ---------------------------------------------------------------------------
# Topology

_xlb_install_trap()
{
	[ "${_XLB_TRAP_OWNER:-}" = "$BASHPID" ] && return 0
	_XLB_TRAP_OWNER=$BASHPID
	trap '_xlb_cleanup_all' EXIT
	trap '_xlb_cleanup_all; trap - EXIT; exit 130' INT
	trap '_xlb_cleanup_all; trap - EXIT; exit 143' TERM
	trap '_xlb_cleanup_all; trap - EXIT; exit 129' HUP
}

_xlb_cleanup_all()
{
	local id
	for id in $XLB_TOPOS; do
		topo_destroy "$id"
	done
	XLB_TOPOS=
}

# namespaces that currently exist for topology ID
_xlb_topo_ns()
{
	ip netns list 2>/dev/null | awk -v p="$1-" 'index($1, p) == 1 { print $1 }'
}

_xlb_ns_pids()
{
	local ns
	for ns; do
		ip netns pids "$ns" 2>/dev/null
	done
}

# end the processes running in the given namespaces (all started by us)
_xlb_kill_ns_procs()
{
	local pids i
	pids=$(_xlb_ns_pids "$@")
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	for ((i = 0; i < 30; i++)); do
		pids=$(_xlb_ns_pids "$@")
		[ -z "$pids" ] && return 0
		sleep 0.1
	done
	echo "killing stubborn processes: $pids" >&2
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	sleep 0.2
}

_xlb_links_up()
{
	local role u ns peer
	for role in $XLB_ROLES; do
		u=NS_${role^^}; ns=${!u}
		u=PEER_${role^^}; peer=${!u}
		ip -n "$ns" -o link show "$HOST_IF" | grep -q 'state UP' || return 1
		ip -n "$NS_SW" -o link show "$peer" | grep -q 'state UP' || return 1
	done
}

_xlb_build()
{
	local role u ns peer ip4 ip6 mac
	for ns in "$NS_SW" "$NS_CLIENT" "$NS_CLIENT2" "$NS_BE1" "$NS_BE2" "$NS_LB"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up || return 1
	done
	# the switch is pure layer 2: no IPv6 addresses or router solicitations
	in_ns "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return 1
	# no STP (ports forward at once), no multicast snooping (IPv6 neighbour
	# discovery is plain flooding, no querier needed)
	ip -n "$NS_SW" link add "$BRIDGE" type bridge stp_state 0 \
		mcast_snooping 0 || return 1
	ip -n "$NS_SW" link set "$BRIDGE" up || return 1

	for role in $XLB_ROLES; do
		u=${role^^}
		ns=NS_$u; ns=${!ns}
		peer=PEER_$u; peer=${!peer}
		ip4=IP4_$u; ip4=${!ip4}
		ip6=IP6_$u; ip6=${!ip6}
		mac=MAC_$u; mac=${!mac}
		# no duplicate address detection: addresses usable at once
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
		ip -n "$NS_SW" link add "$peer" type veth \
			peer name "$HOST_IF" netns "$ns" || return 1
		ip -n "$ns" link set "$HOST_IF" address "$mac" || return 1
		ip -n "$ns" addr add "$ip4/$IP4_PREFIX" dev "$HOST_IF" || return 1
		ip -n "$ns" addr add "$ip6/$IP6_PREFIX" dev "$HOST_IF" nodad || return 1
		# Senders on veth leave TCP/UDP checksums to "offload"
		# (CHECKSUM_PARTIAL). A frame the balancer bounces with XDP_TX
		# loses that state, so the pending checksum would go out
		# unfinished. With TX checksum offload off, every host puts a
		# complete checksum on the wire (and real errors show up in
		# TcpInCsumErrors of the receiver).
		in_ns "$ns" ethtool -K "$HOST_IF" tx off >/dev/null || return 1
		ip -n "$NS_SW" link set "$peer" master "$BRIDGE" || return 1
		# A frame sent with XDP_TX or redirected into a veth is only
		# received promptly if the peer runs an XDP program itself
		# (which also gives it the NAPI it needs): with GRO alone the
		# frame waits in the peer's ring until other traffic arrives,
		# without either it is dropped. So every bridge-side peer
		# gets a pass-everything program. GRO stays off: it would
		# merge senders' segments into packets whose checksum is left
		# to offload, which the balancer cannot complete in XDP.
		if [ -f "$XLB_XDP_PASS_OBJ" ]; then
			# in_ns, not "ip -n": iproute2 pins its globals in
			# bpffs, and must use the host's, never a topology's
			in_ns "$NS_SW" ip link set dev "$peer" xdpdrv \
				obj "$XLB_XDP_PASS_OBJ" sec xdp || return 1
		fi
		ip -n "$NS_SW" link set "$peer" up || return 1
		ip -n "$ns" link set "$HOST_IF" up || return 1
	done
	wait_for 50 0.1 _xlb_links_up || {
		echo "links did not come up" >&2
		return 1
	}
}

# topo_create: build a new topology (see README.md) with namespace names
# unique to this run and this call; set TOPO_ID, TOPO_DIR and NS_*; register
# the cleanup trap in the calling shell. Skips the test if not root or a tool
# is missing; returns 1 (after removing what it made) if building fails.
topo_create()
{
	local id i
	_xlb_require
	_xlb_ensure_bpffs || return 1
	for ((i = 0; i < 20; i++)); do
		id=xlb-$$-$(_xlb_rand)
		[ -e "/run/netns/$id-sw" ] || [ -e "$XLB_STATE_BASE/$id" ] || break
	done
	mkdir -m 700 "$XLB_STATE_BASE/$id" || return 1
	_xlb_install_trap
	XLB_TOPOS="$XLB_TOPOS $id"
	TOPO_ID=$id
	TOPO_DIR=$XLB_STATE_BASE/$id
	NS_SW=$id-sw
	NS_CLIENT=$id-client
	NS_CLIENT2=$id-client2
	NS_BE1=$id-be1
	NS_BE2=$id-be2
	NS_LB=$id-lb
	export TOPO_ID TOPO_DIR NS_SW NS_CLIENT NS_CLIENT2 NS_BE1 NS_BE2 NS_LB
	if ! _xlb_build; then
		echo "topo_create: building topology $id failed" >&2
		topo_destroy "$id"
		return 1
	fi
	echo "topology $id created"
	return 0
}

# topo_on_cleanup CMD: run the shell command CMD (eval'd, errors ignored)
# when the current topology is destroyed, before its processes are killed
# and its namespaces deleted. Hooks run newest first.
topo_on_cleanup()
{
	[ -n "$TOPO_DIR" ] && [ -d "$TOPO_DIR" ] || return 1
	printf '%s\n' "$*" >>"$TOPO_DIR/hooks"
}

# topo_destroy [ID]: remove topology ID (default: the current one).
# Idempotent.
topo_destroy()
{
	local id=${1:-$TOPO_ID} dir line nss ns t
	[ -n "$id" ] || return 0
	case $id in
	xlb-*) ;;
	*) echo "topo_destroy: not a topology id: $id" >&2; return 1 ;;
	esac
	dir=$XLB_STATE_BASE/$id
	if [ -f "$dir/hooks" ]; then
		tac "$dir/hooks" | while IFS= read -r line; do
			(eval "$line") </dev/null >/dev/null 2>&1
		done
		rm -f "$dir/hooks"
	fi
	nss=$(_xlb_topo_ns "$id")
	# shellcheck disable=SC2086
	_xlb_kill_ns_procs $nss
	for ns in $nss; do
		[ "$ns" = "$id-sw" ] || ip netns del "$ns"
	done
	for ns in $nss; do
		[ "$ns" = "$id-sw" ] && ip netns del "$ns"
	done
	if mountpoint -q "$dir/bpffs" 2>/dev/null; then
		umount "$dir/bpffs" 2>/dev/null || umount -l "$dir/bpffs"
	fi
	if [ -d "$dir" ] && ! mountpoint -q "$dir/bpffs" 2>/dev/null; then
		rm -rf "$dir"
	fi
	local rest=
	for t in $XLB_TOPOS; do
		[ "$t" = "$id" ] || rest="$rest $t"
	done
	XLB_TOPOS=$rest
	[ "$id" = "$TOPO_ID" ] && TOPO_ID=
	return 0
}

# cleanup_tests: run by run-shell.sh after each test, in its own shell (same
# $$ as the test subshells): removes any topology of this run still there.
topo_cleanup_run()
{
	local ids id
	ids=$({
		ip netns list 2>/dev/null | awk '{ print $1 }' |
			grep "^xlb-$$-" | sed 's/-[^-]*$//'
		for id in "$XLB_STATE_BASE"/xlb-"$$"-*; do
			[ -d "$id" ] && basename "$id"
		done
	} | sort -u)
	for id in $ids; do
		echo "cleanup_tests: removing leftover topology $id"
		topo_destroy "$id"
	done
	return 0
}

cleanup_tests()
{
	topo_cleanup_run
}

# ---------------------------------------------------------------------------
# Servers and clients

_xlb_wait_ready()
{
	local file=$1 pid=$2 i
	for ((i = 0; i < 100; i++)); do
		[ -s "$file" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# start_http NS ADDR PORT [NAME]: start the test HTTP server (httpd.py) in
# NS, listening on ADDR (IPv4, IPv6, or "::" for both) and PORT; GET /
# returns NAME (default from NS: client, client2, backend1, backend2,
# balancer). It also serves /peer, /bytes?n=N and /stream?seconds=S&bytes=N.
# Waits until it listens (at most 5 s). Sets HTTP_PID.
start_http()
{
	local ns=$1 addr=$2 port=$3 name=${4:-$(_xlb_ns_name "$1")} dir tag
	dir=$(_xlb_ns_dir "$ns") || return 1
	tag=httpd-$name-${addr//:/_}-$port
	rm -f "$dir/$tag.ready"
	nsenter --net="/run/netns/$ns" -- "$XLB_PYTHON" "$XLB_NET_DIR/httpd.py" \
		--addr "$addr" --port "$port" --name "$name" \
		--log "$dir/$tag.log" --ready "$dir/$tag.ready" \
		--lifetime "$XLB_SERVER_LIFETIME" \
		</dev/null >>"$dir/$tag.out" 2>&1 &
	HTTP_PID=$!
	disown "$HTTP_PID" 2>/dev/null
	echo "$HTTP_PID" >>"$dir/pids"
	if ! _xlb_wait_ready "$dir/$tag.ready" "$HTTP_PID"; then
		echo "start_http: $name on $addr port $port in $ns did not start:" >&2
		cat "$dir/$tag.out" >&2
		return 1
	fi
	return 0
}

_xlb_curl()
{
	local ns=$1
	shift
	in_ns "$ns" curl -sS -g --noproxy '*' "$@"
}

# http_get NS URL [MAX_TIME]: one request (MAX_TIME s at most, default 5; no
# retry); prints the body. Returns curl's status (28: timed out).
http_get()
{
	_xlb_curl "$1" --max-time "${3:-5}" "$2"
}

# http_burst NS URL COUNT: COUNT sequential requests (each its own TCP
# connection), one output line per response body, "ERROR" for a failed one.
# Returns 1 if any failed. At most 10000 requests and 300 s.
http_burst()
{
	local ns=$1 url=$2 count=$3 i body rc=0 start=$SECONDS
	((count <= 10000)) || count=10000
	for ((i = 0; i < count; i++)); do
		if ((SECONDS - start > 300)); then
			echo "http_burst: time limit reached after $i requests" >&2
			return 1
		fi
		if body=$(http_get "$ns" "$url" 2>/dev/null); then
			printf '%s\n' "$body"
		else
			echo ERROR
			rc=1
		fi
	done
	return $rc
}

# http_stream_start NS URL OUT [MAX_TIME]: start a long-lived request in the
# background (for /stream); the body goes to OUT, curl's exit status to
# OUT.rc when it ends. MAX_TIME (default 60 s) bounds it. Sets STREAM_PID.
http_stream_start()
{
	local ns=$1 url=$2 out=$3 max=${4:-60} dir
	dir=$(_xlb_ns_dir "$ns") || return 1
	rm -f "$out.rc"
	(
		_xlb_curl "$ns" --max-time "$max" -o "$out" "$url" 2>"$out.err"
		echo $? >"$out.rc"
	) </dev/null &
	STREAM_PID=$!
	disown "$STREAM_PID" 2>/dev/null
	echo "$STREAM_PID" >>"$dir/pids"
}

# http_stream_wait OUT [TIMEOUT]: wait (at most TIMEOUT s, default 70) for
# the request started by http_stream_start; returns curl's exit status, or
# 124 on timeout.
http_stream_wait()
{
	local out=$1 timeout=${2:-70}
	wait_for $((timeout * 10)) 0.1 test -s "$out.rc" || return 124
	return "$(cat "$out.rc")"
}

# tcp_csum_errors NS: print TcpInCsumErrors (TCP segments received with a bad
# checksum, IPv4 and IPv6) of namespace NS.
tcp_csum_errors()
{
	in_ns "$1" env NSTAT_HISTORY=/dev/null nstat -asz TcpInCsumErrors |
		awk '$1 == "TcpInCsumErrors" { v = $2 } END { print v + 0 }'
}
