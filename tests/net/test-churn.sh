#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn under load: backends added, drained, re-weighted and removed every
# second for a minute while long-lived TCP connections echo data through the
# balancer and short connections keep arriving. Run through run-shell.sh:
#   cd tests && ./run-shell.sh net net/test-churn.sh /tmp/r.txt
#
# Backends: the two real backends (10.0.0.2, 10.0.0.3) stay all the time
# (they are only re-weighted, drained and restored, never both drained at
# once); four extra backends on secondary addresses of the backends'
# namespaces (10.0.0.12 and .14 on backend 1, .13 and .15 on backend 2) come
# and go, each drained at least 2 s before it is removed. Each backend address
# runs its own xlb-churn-server.py, which answers its name first and then
# echoes. Clients (xlb-churn-client.py): CHURN_CONNS long-lived connections
# from the client that check every echoed byte (half of them opened at the
# start and kept for the whole run, the other half renewed every 5-15 s, so
# that some land on the extras), and CHURN_SHORT_RATE short connections a
# second from client2, never retried.
#
# Asserted: no connection to a backend that stays breaks, every short
# connection succeeds, no byte is wrong, at least 50 connections are open at
# every sample, every connection that broke was on an extra backend removed
# while it was open, every change is applied (status 0), and at the end the
# table holds exactly the configured backends of weight > 0. The figures are
# printed on a line starting with "figures:".
#
# CHURN_SECONDS (default 62, at least 60), CHURN_CONNS (60), CHURN_SHORT_RATE
# (20 a second), CHURN_SEED (random; printed, to replay a run's schedule).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
CHURN_SECONDS=${CHURN_SECONDS:-62}
CHURN_CONNS=${CHURN_CONNS:-60}
CHURN_SHORT_RATE=${CHURN_SHORT_RATE:-20}
CHURN_PORT=9000
CHURN_VIP=$IP4_LB:$CHURN_PORT
CHURN_STAY="$IP4_BE1 $IP4_BE2"
CHURN_EXTRAS="10.0.0.12 10.0.0.13 10.0.0.14 10.0.0.15"

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_churn_under_load"

_churn_lb()
{
	in_ns "$NS_LB" timeout 60 "$XDP_LB" "$@"
}

# name of the server on ADDR: backend1, backend2, extra12, ...
_churn_name()
{
	case $1 in
	"$IP4_BE1") echo backend1 ;;
	"$IP4_BE2") echo backend2 ;;
	*) echo "extra${1##*.}" ;;
	esac
}

# _churn_server NS ADDR: start xlb-churn-server.py on ADDR:$CHURN_PORT in NS
# (it stops by itself after 300 s) and wait until it listens (5 s at most)
_churn_server()
{
	local ns=$1 addr=$2 name ready
	name=$(_churn_name "$addr")
	ready=$TOPO_DIR/server-$name.ready
	in_ns "$ns" "$XLB_PYTHON" "$XLB_NET_DIR/xlb-churn-server.py" --addr "$addr" \
		--port "$CHURN_PORT" --name "$name" --ready "$ready" --lifetime 300 \
		</dev/null >>"$TOPO_DIR/server-$name.out" 2>&1 &
	echo $! >>"$TOPO_DIR/pids"
	wait_for 100 0.05 test -s "$ready"
}

# _churn_client NS NAME ARGS...: xlb-churn-client.py in NS in the background;
# summary in $TOPO_DIR/NAME.sum, connections in NAME.conns, status in NAME.rc
_churn_client()
{
	local ns=$1 name=$2
	shift 2
	rm -f "$TOPO_DIR/$name.rc"
	(
		in_ns "$ns" "$XLB_PYTHON" "$XLB_NET_DIR/xlb-churn-client.py" \
			--addr "$IP4_LB" --port "$CHURN_PORT" --stay backend1,backend2 \
			--out "$TOPO_DIR/$name.conns" "$@" \
			>"$TOPO_DIR/$name.sum" 2>"$TOPO_DIR/$name.err"
		echo $? >"$TOPO_DIR/$name.rc"
	) </dev/null &
	echo $! >>"$TOPO_DIR/pids"
}

# value of KEY in summary file FILE
_churn_sum()
{
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

_churn_now_us()
{
	echo "${EPOCHREALTIME/./}"
}

test_churn_under_load()
{
	local addr ns tick seed ops op kind w cur other t0 now due d rc line
	local n_add=0 n_drain=0 n_reweight=0 n_remove=0 n_restore=0 changes=0
	local -A W=() DRAINED=()
	local tbl got want sum_l sum_s v names

	[ -x "$XDP_LB" ] || skip "$XDP_LB is missing: run make first"
	command -v bpftool >/dev/null || skip "bpftool is not installed"
	((CHURN_SECONDS >= 60 && CHURN_SECONDS <= 300)) ||
		fail "CHURN_SECONDS must be 60-300, not $CHURN_SECONDS"
	topo_create || fail "cannot create the topology"
	topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"

	check_run ip -n "$NS_BE1" addr add 10.0.0.12/24 dev "$HOST_IF"
	check_run ip -n "$NS_BE2" addr add 10.0.0.13/24 dev "$HOST_IF"
	check_run ip -n "$NS_BE1" addr add 10.0.0.14/24 dev "$HOST_IF"
	check_run ip -n "$NS_BE2" addr add 10.0.0.15/24 dev "$HOST_IF"
	for addr in $CHURN_STAY $CHURN_EXTRAS; do
		case ${addr##*.} in
		2 | 12 | 14) ns=$NS_BE1 ;;
		*) ns=$NS_BE2 ;;
		esac
		_churn_server "$ns" "$addr" ||
			fail "the server on $addr did not start: $(cat "$TOPO_DIR"/server-*.out)"
	done

	check_run _churn_lb load --flows 65536 "$HOST_IF"
	check_run _churn_lb vip "$CHURN_VIP"
	for addr in $CHURN_STAY; do
		check_run _churn_lb backend "$CHURN_VIP" "$addr"
		W[$addr]=1
	done

	seed=${CHURN_SEED:-$RANDOM}
	RANDOM=$seed
	echo "churn: $CHURN_SECONDS s, seed $seed (CHURN_SEED=$seed replays the schedule)"
	# long-lived connections for the whole churn plus 3 s either side; the
	# short ones from 1 s before to 1 s after
	_churn_client "$NS_CLIENT" long --mode long --conns "$CHURN_CONNS" \
		--renew $((CHURN_CONNS / 2)) --duration $((CHURN_SECONDS + 6)) --seed "$seed"
	sleep 2
	_churn_client "$NS_CLIENT2" short --mode short --rate "$CHURN_SHORT_RATE" \
		--duration $((CHURN_SECONDS + 2)) --seed "$seed"
	sleep 1

	: >"$TOPO_DIR/changes"
	t0=$(_churn_now_us)
	for ((tick = 0; tick < CHURN_SECONDS; tick++)); do
		now=$(_churn_now_us)
		due=$((t0 + tick * 1000000))
		if ((due > now)); then
			d=$((due - now))
			sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"
		fi
		# what may happen now
		ops=()
		for addr in $CHURN_EXTRAS; do
			cur=${W[$addr]-}
			if [ -z "$cur" ]; then
				ops+=("add $addr")
			elif ((cur > 0)); then
				ops+=("reweight $addr" "drain $addr")
			elif ((tick - DRAINED[$addr] >= 2)); then
				ops+=("remove $addr")
			fi
		done
		for addr in $CHURN_STAY; do
			other=${CHURN_STAY/$addr/}
			other=${other// /}
			if ((W[$addr] > 0)); then
				ops+=("reweight $addr")
				((W[$other] > 0)) && ops+=("drain $addr")
			else
				ops+=("restore $addr")
			fi
		done
		op=${ops[RANDOM % ${#ops[@]}]}
		kind=${op% *}
		addr=${op#* }
		case $kind in
		add | restore) w=$((RANDOM % 3 + 1)) ;;
		reweight)
			w=$((RANDOM % 3 + 1))
			((w >= W[$addr])) && w=$((w + 1)) ;;	# 1-4, not the current
		drain) w=0 ;;
		remove) w=- ;;
		esac
		line="$(date +%s.%N) $kind $addr $w"
		if [ "$kind" = remove ]; then
			_churn_lb backend --remove "$CHURN_VIP" "$addr" >"$TOPO_DIR/cmd.out" 2>&1
		else
			_churn_lb backend --weight "$w" "$CHURN_VIP" "$addr" >"$TOPO_DIR/cmd.out" 2>&1
		fi
		rc=$?
		echo "$line $rc" >>"$TOPO_DIR/changes"
		echo "t=$tick (${line%% *}): $kind $addr ${w/-/} -> status $rc"
		if [ "$rc" -ne 0 ]; then
			cat "$TOPO_DIR/cmd.out"
			fail "change $tick ($kind $addr $w) failed with status $rc"
		fi
		changes=$((changes + 1))
		case $kind in
		add) n_add=$((n_add + 1)); W[$addr]=$w ;;
		drain) n_drain=$((n_drain + 1)); W[$addr]=0; DRAINED[$addr]=$tick ;;
		reweight) n_reweight=$((n_reweight + 1)); W[$addr]=$w ;;
		restore) n_restore=$((n_restore + 1)); W[$addr]=$w ;;
		remove) n_remove=$((n_remove + 1)); unset "W[$addr]" ;;
		esac
	done
	echo "churn done after $(( ($(_churn_now_us) - t0) / 1000000 )) s"

	wait_for 600 0.1 test -s "$TOPO_DIR/long.rc" -a -s "$TOPO_DIR/short.rc" ||
		fail "the clients did not finish within 60 s of the end"
	sum_l=$TOPO_DIR/long.sum
	sum_s=$TOPO_DIR/short.sum
	echo "long-lived connections (client):"; sed 's/^/  /' "$sum_l" "$TOPO_DIR/long.err"
	echo "short connections (client2):"; sed 's/^/  /' "$sum_s" "$TOPO_DIR/short.err"

	# the final state: exactly what the changes left
	_churn_lb status --json >"$TOPO_DIR/status.json" || fail "status --json failed"
	tbl=$(in_ns "$NS_LB" timeout 60 "$XLB_PYTHON" "$XLB_NET_DIR/xlb-churn-table.py" \
		--vip "$CHURN_VIP" --check --status "$TOPO_DIR/status.json" \
		--pin-dir "$(xlb_state_dir "$NS_LB")")
	echo "$tbl"
	got=$(echo "$tbl" | awk '$1 == "backend" { print $2, $6 }' | sort)
	want=$(for addr in "${!W[@]}"; do echo "$addr ${W[$addr]}"; done | sort)
	[ "$got" = "$want" ] || fail "the backends are '${got//$'\n'/, }', the changes left '${want//$'\n'/, }'"
	echo "$tbl" | grep -q '^OK$' || fail "the table does not match the configuration"

	# broken connections: only to extra backends, while they were removed
	names=
	for addr in $CHURN_STAY $CHURN_EXTRAS; do
		names="$names,$(_churn_name "$addr")=$addr"
	done
	cat "$TOPO_DIR/long.conns" "$TOPO_DIR/short.conns" >"$TOPO_DIR/all.conns"
	"$XLB_PYTHON" "$XLB_NET_DIR/xlb-churn-breaks.py" --conns "$TOPO_DIR/all.conns" \
		--changes "$TOPO_DIR/changes" --names "$names" >"$TOPO_DIR/breaks"
	rc=$?
	cat "$TOPO_DIR/breaks"

	echo "figures: ${CHURN_SECONDS} s of churn, $changes changes applied" \
		"($n_add added, $n_reweight re-weighted, $n_drain drained, $n_restore restored," \
		"$n_remove removed);" \
		"long-lived: $(_churn_sum "$sum_l" connections) connections" \
		"(at least $(_churn_sum "$sum_l" open_min) open at once, $(_churn_sum "$sum_l" full_length) lasted the whole run)," \
		"$(_churn_sum "$sum_l" bytes) bytes echoed and verified," \
		"$(_churn_sum "$sum_l" bad_stay) broken on staying backends," \
		"$(_churn_sum "$sum_l" bad_other) broken by the removal of their extra backend;" \
		"short: $(_churn_sum "$sum_s" ok) of $(_churn_sum "$sum_s" connections) succeeded" \
		"($(_churn_sum "$sum_s" slow_connects) took over 0.9 s to connect)," \
		"$(_churn_sum "$sum_s" bytes) bytes;" \
		"per backend: long $(_churn_sum "$sum_l" per_backend), short $(_churn_sum "$sum_s" per_backend)"

	[ "$rc" -eq 0 ] || fail "connections broke that no removal explains"
	for f in "$sum_l" "$sum_s"; do
		for v in bad_stay bad_unknown corrupt; do
			[ "$(_churn_sum "$f" "$v")" = 0 ] ||
				fail "$(basename "$f" .sum): $v is $(_churn_sum "$f" "$v"), not 0"
		done
	done
	[ "$(_churn_sum "$sum_s" bad_other)" = 0 ] ||
		fail "$(_churn_sum "$sum_s" bad_other) short connections to extra backends failed"
	[ "$(_churn_sum "$sum_l" stuck_threads)" = 0 ] || fail "client threads hung"
	[ "$(cat "$TOPO_DIR/long.rc")" = 0 ] || fail "the long-lived client exited with $(cat "$TOPO_DIR/long.rc")"
	[ "$(cat "$TOPO_DIR/short.rc")" = 0 ] || fail "the short client exited with $(cat "$TOPO_DIR/short.rc")"
	v=$(_churn_sum "$sum_l" open_min)
	[ "${v:-0}" -ge 50 ] || fail "only $v long-lived connections were open at one point"
	v=$(_churn_sum "$sum_l" seconds)
	[ "${v%.*}" -ge 60 ] || fail "the long-lived connections ran only $v s"
	# the connections opened first and never renewed are all on backends
	# that stay (the extras came later): each must last the whole run
	v=$(_churn_sum "$sum_l" full_length)
	[ "$v" -ge $((CHURN_CONNS - CHURN_CONNS / 2)) ] ||
		fail "only $v long-lived connections lasted the whole run"
	v=$(_churn_sum "$sum_s" connections)
	[ "$v" -ge $((CHURN_SECONDS * CHURN_SHORT_RATE / 2)) ] ||
		fail "only $v short connections were made"
	[ "$(_churn_sum "$sum_s" ok)" = "$v" ] || fail "not every short connection succeeded"
	((n_add && n_drain && n_reweight && n_remove)) ||
		fail "the churn did not add, drain, re-weight and remove (seed $seed)"
	grep -q "per_backend .*extra" "$sum_s" ||
		fail "no short connection reached an extra backend"
	grep -q "per_backend .*extra" "$sum_l" ||
		fail "no long-lived connection reached an extra backend"
	return 0
}
