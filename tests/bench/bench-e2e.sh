#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-e2e.sh [--smoke]: the end-to-end suite. On the tutorial topology
# (tests/net/lib.sh: client, balancer and two backends on one bridge, in
# namespaces this script creates and removes), the same generator sends UDP
# to the VIP and the same counter on the backends counts the frames that
# arrive intact, through four configurations of the balancer:
#
#   direct   no balancer: the generator addresses the backends itself
#   bounce   an XDP program that only rewrites the MACs and bounces (XDP_TX)
#   xdp-lb   xdp-lb, VIP 10.0.0.10:8000/udp over both backends
#   nftables DNAT (jhash over source address and port) + SNAT to the VIP
#
# The configurations take turns within every round, so a slow moment of the
# shared machine hits all of them alike; ratios are taken per round and then
# the median. Writes the markdown report to $RESULTS_E2E.
#
# Never asserts a rate: the exit status only says whether every run carried
# intact frames to both backends (bench_e2e checks addresses, lengths and
# checksums of every frame). --smoke: one short round, no report.

cd "$(dirname "$0")" || exit 1
BENCH_DIR=$PWD
TOP_DIR=$(cd ../.. && pwd)
RESULTS_E2E=${RESULTS_E2E:-$PWD/results-e2e.md}
E2E_ROUNDS=${E2E_ROUNDS:-5}
E2E_TIME=${E2E_TIME:-2}
E2E_FLOWS=${E2E_FLOWS:-64 10000}
E2E_CPU=${E2E_CPU:-1}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
BENCH_E2E=$BENCH_DIR/build/bench_e2e
VIP=10.0.0.10
PORT=8000
CONFIGS="direct bounce xdp-lb nftables"
smoke=

die()
{
	echo "bench-e2e: $*" >&2
	exit 1
}

if [ "$1" = "--smoke" ]; then
	smoke=1
	E2E_ROUNDS=1
	E2E_TIME=0.3
	E2E_FLOWS=64
elif [ -n "$1" ]; then
	die "usage: bench-e2e.sh [--smoke]"
fi
[ "$(id -u)" = 0 ] || die "must run as root (namespaces, XDP)"
[ -x "$BENCH_E2E" ] || die "$BENCH_E2E is not built (make -C tests/bench build)"
[ -x "$XDP_LB" ] || die "$XDP_LB is not built (make)"
command -v nft >/dev/null 2>&1 || die "nft is missing (Debian package nftables)"
[ "$(nproc)" -gt "$E2E_CPU" ] || E2E_CPU=0

# shellcheck source-path=SCRIPTDIR source=../net/lib.sh
. "$TOP_DIR/tests/net/lib.sh"
[ -f "$XLB_XDP_PASS_OBJ" ] || die "$XLB_XDP_PASS_OBJ is not built (make -C tests net-helpers)"

data=$(mktemp) || exit 1
# topo_create's trap removes the topology on exit; this one the data file
trap 'rm -f "$data"' EXIT
topo_create >/dev/null || die "cannot create the topology"
topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"

lb()
{
	in_ns "$NS_LB" "$XDP_LB" "$@"
}

# The bridge learns where every MAC lives, the hosts their neighbours; the
# balancer forwards (nftables needs it, xdp-lb load sets it anyway) and
# never sends ICMP redirects (nftables forwards out of the interface the
# frames came in on).
for ip in "$IP4_LB" "$IP4_BE1" "$IP4_BE2"; do
	in_ns "$NS_CLIENT" ping -c 1 -W 2 "$ip" >/dev/null ||
		die "client cannot reach $ip"
done
for ip in "$IP4_BE1" "$IP4_BE2"; do
	in_ns "$NS_LB" ping -c 1 -W 2 "$ip" >/dev/null ||
		die "balancer cannot reach $ip"
done
in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1 \
	net.ipv4.conf.all.send_redirects=0 \
	"net.ipv4.conf.$HOST_IF.send_redirects=0" || die "sysctl failed"

config_up()
{
	case $1 in
	direct|bounce) ;;
	xdp-lb)
		# its one-line notice about the dispatcher only on failure
		# shellcheck disable=SC2153 # TOPO_DIR: set by topo_create
		{ lb load "$HOST_IF" >/dev/null 2>"$TOPO_DIR/load.err" ||
		  { cat "$TOPO_DIR/load.err" >&2; false; }; } &&
		lb vip -p udp "$VIP:$PORT" &&
		lb backend -p udp "$VIP:$PORT" "$IP4_BE1" &&
		lb backend -p udp "$VIP:$PORT" "$IP4_BE2"
		;;
	nftables)
		in_ns "$NS_LB" nft -f - <<EOF
table ip xlb_bench {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $VIP udp dport $PORT dnat to jhash ip saddr . udp sport mod 2 map { 0 : $IP4_BE1, 1 : $IP4_BE2 }
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		ip daddr { $IP4_BE1, $IP4_BE2 } udp dport $PORT snat to $VIP
	}
}
EOF
		;;
	esac
}

config_down()
{
	case $1 in
	direct|bounce) ;;
	xdp-lb) lb unload --all >/dev/null ;;
	nftables)
		# conntrack entries stay: every round starts warm, like
		# xdp-lb's flow table
		in_ns "$NS_LB" nft delete table ip xlb_bench
		;;
	esac
}

# run CONFIG FLOWS ROUND: one measurement, appended to $data
run()
{
	local config=$1 flows=$2 round=$3 mode out rc
	case $config in
	direct|bounce) mode=$config ;;
	*) mode=nat ;;
	esac
	config_up "$config" || die "cannot set up $config"
	out=$(timeout 60 "$BENCH_E2E" --mode "$mode" --client "$NS_CLIENT" \
		--lb "$NS_LB" --backend "$NS_BE1" --backend "$NS_BE2" \
		--ifname "$HOST_IF" --vip "$VIP" --port "$PORT" \
		--flows "$flows" --time "$E2E_TIME" --cpu "$E2E_CPU")
	rc=$?
	config_down "$config" || die "cannot undo $config"
	[ "$rc" -eq 0 ] || die "$config, $flows flows: bench_e2e failed (status $rc): $out"
	printf '%-9s %6s flows, round %s: %s\n' "$config" "$flows" "$round" "$out"
	echo "config=$config flows=$flows round=$round $out" >>"$data"
}

start=$(date +%s)
for flows in $E2E_FLOWS; do
	configs=$CONFIGS
	for ((round = 1; round <= E2E_ROUNDS; round++)); do
		for config in $configs; do
			run "$config" "$flows" "$round"
		done
		# next round, next order: no configuration always goes first
		configs="${configs#* } ${configs%% *}"
	done
done
[ -n "$smoke" ] && exit 0

"$XLB_PYTHON" "$BENCH_DIR/e2e-report.py" "$data" "$RESULTS_E2E" \
	"rounds=$E2E_ROUNDS" "time=$E2E_TIME" "cpu=$E2E_CPU" \
	"elapsed=$(($(date +%s) - start))" || die "cannot write the report"
