#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults and concurrency: xdp-lb's control plane under concurrent writers,
# commands killed with SIGKILL midway, a second load and an unload under
# traffic, pins removed by hand, and a bpffs that is not mounted. Run through
# run-shell.sh:
#   cd tests && ./run-shell.sh net net/test-faults.sh /tmp/r.txt
#
# Every test builds its own tutorial topology (lib.sh); xdp-lb runs in the
# balancer's namespace with the topology's private bpffs (in_ns_bpffs), so its
# pins are /sys/fs/bpf/xdp-lb/netns-<inode> there (it removes them by hand).
# The VIP's Maglev table is read from the pinned maps with bpftool
# (xlb-churn-table.py).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
FLT_TABLE=$XLB_NET_DIR/xlb-churn-table.py
# the balancer's state directory inside in_ns_bpffs, set by _flt_topo
FLT_PIN_DIR=
FLT_PORT=8000
FLT_VIP=$IP4_LB:$FLT_PORT

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_concurrent_writers test_kill9_during_updates
	   test_load_twice_and_unload_under_traffic test_pins_removed_by_hand
	   test_pin_dir_removed_by_hand test_bpffs_missing"

# ---------------------------------------------------------------------------
# helpers

# xdp-lb in the balancer's namespace, on the topology's bpffs; at most 60 s
_flt_lb()
{
	in_ns_bpffs "$NS_LB" timeout 60 "$XDP_LB" "$@"
}

# _flt_lb_run CMD...: print and run xdp-lb CMD; fail the test unless it exits 0
_flt_lb_run()
{
	check_run _flt_lb "$@"
}

# xlb-churn-table.py on the balancer's pins (see there); extra arguments
# are passed on
_flt_table()
{
	in_ns_bpffs "$NS_LB" timeout 60 "$XLB_PYTHON" "$FLT_TABLE" --vip "$FLT_VIP" \
		--pin-dir "$FLT_PIN_DIR" "$@"
}

# "ADDR WEIGHT" lines, sorted, of the backends a _flt_table output lists
_flt_config_of()
{
	awk '$1 == "backend" { print $2, $6 }' | sort
}

_flt_have_xdp()
{
	ip -n "$NS_LB" -d link show dev "$HOST_IF" | grep -q 'prog/xdp'
}

_flt_xdp_prog()
{
	ip -n "$NS_LB" -d link show dev "$HOST_IF" | grep -o 'prog/xdp id [0-9]*'
}

_flt_pins_gone()
{
	in_ns_bpffs "$NS_LB" test ! -e "$FLT_PIN_DIR"
}

# topology, xdp-lb loaded on the balancer (unloaded again on cleanup)
_flt_topo()
{
	[ -x "$XDP_LB" ] || skip "$XDP_LB is missing: run make first"
	command -v bpftool >/dev/null || skip "bpftool is not installed"
	topo_create || fail "cannot create the topology"
	topo_on_cleanup "in_ns_bpffs $NS_LB $XDP_LB unload --all"
	FLT_PIN_DIR=$(xlb_state_dir "$NS_LB")
}

# the topology with an HTTP server on every address of both backends ("::"),
# xdp-lb loaded, VIP $FLT_VIP with both backends
_flt_setup()
{
	_flt_topo
	check_run start_http "$NS_BE1" :: "$FLT_PORT" backend1
	check_run start_http "$NS_BE2" :: "$FLT_PORT" backend2
	_flt_lb_run load --flows 65536 "$HOST_IF"
	_flt_lb_run vip "$FLT_VIP"
	_flt_lb_run backend "$FLT_VIP" "$IP4_BE1"
	_flt_lb_run backend "$FLT_VIP" "$IP4_BE2"
}

# _flt_traffic_start OUT MAX_REQUESTS MAX_SECONDS: sequential HTTP requests
# to the VIP from the client in the background, one line per request in OUT
# ("OK <backend>" or "ERROR <curl status>"), until $OUT.stop exists or a
# bound is reached. Sets TRAFFIC_PID.
_flt_traffic_start()
{
	local out=$1 max=$2 secs=$3
	rm -f "$out" "$out.stop" "$out.done"
	(
		local i body start=$SECONDS
		for ((i = 0; i < max; i++)); do
			[ -e "$out.stop" ] && break
			((SECONDS - start >= secs)) && break
			if body=$(http_get "$NS_CLIENT" "http://$FLT_VIP/" 5 2>/dev/null); then
				echo "OK $body" >>"$out"
			else
				echo "ERROR $?" >>"$out"
			fi
		done
		touch "$out.done"
	) </dev/null >/dev/null 2>&1 &
	TRAFFIC_PID=$!
	# stop it on cleanup if it still runs (not once it is done: its pid
	# may belong to another process by then)
	topo_on_cleanup "[ -e $out.done ] || kill $TRAFFIC_PID"
}

# _flt_traffic_stop OUT: stop the loop (at most 15 s) and check every
# request succeeded and reached a backend; prints a summary
_flt_traffic_stop()
{
	local out=$1 total ok
	touch "$out.stop"
	wait_for 150 0.1 test -e "$out.done" || fail "the request loop did not stop"
	total=$(wc -l <"$out")
	ok=$(grep -c -E '^OK backend[12]$' "$out")
	echo "HTTP requests during the run: $ok of $total succeeded" \
		"($(awk '{ print $2 }' "$out" | sort | uniq -c | xargs))"
	[ "$total" -ge 10 ] || fail "only $total requests were made during the run"
	[ "$ok" -eq "$total" ] || fail "$((total - ok)) of $total requests to the VIP failed"
	return 0
}

# _flt_one_line_error OUT ERR RC CMD: an xdp-lb command that must fail
# cleanly: status 1 (not a hang: timeout gives 124; not a crash: >= 128),
# nothing on stdout, exactly one line on stderr, naming the command
_flt_one_line_error()
{
	local out=$1 err=$2 rc=$3 cmd=$4 n
	echo "  -> status $rc, stderr: $(cat "$err")"
	[ "$rc" -ne 124 ] || fail "'xdp-lb $cmd' hung (killed after 60 s)"
	[ "$rc" -eq 1 ] || fail "'xdp-lb $cmd' exited with status $rc, not 1"
	[ -s "$out" ] && fail "'xdp-lb $cmd' printed on stdout: $(head -c 300 "$out")"
	n=$(wc -l <"$err")
	[ "$n" -eq 1 ] || fail "'xdp-lb $cmd' printed $n lines on stderr, not one"
	grep -q "^xdp-lb ${cmd%% *}: ." "$err" ||
		fail "'xdp-lb $cmd': the message does not start with 'xdp-lb ${cmd%% *}: '"
	return 0
}

# ---------------------------------------------------------------------------
# 1. Concurrent writers

# _flt_writer K LOG: writer K's 15 commands on its own backend 10.0.0.(20+K)
# and on the shared backend $IP4_BE2, one line per command in LOG:
# "J rc=RC xdp-lb ARGS". Its own backend is drained before each removal, so
# no request in flight is cut. Its last weight for the shared backend is
# K + 1 (distinct per writer, and no writer sets it earlier).
_flt_writer()
{
	local k=$1 log=$2 own=10.0.0.$((20 + $1)) j rc
	local -a cmds=(
		"backend $FLT_VIP $own"
		"backend --weight $((20 + k)) $FLT_VIP $IP4_BE2"
		"backend --weight $((k % 3 + 2)) $FLT_VIP $own"
		"backend --weight $((30 + k)) $FLT_VIP $IP4_BE2"
		"backend --weight 0 $FLT_VIP $own"
		"backend --remove $FLT_VIP $own"
		"backend --weight 2 $FLT_VIP $own"
		"backend --weight $((40 + k)) $FLT_VIP $IP4_BE2"
		"backend --weight 0 $FLT_VIP $own"
		"backend --remove $FLT_VIP $own"
		"backend --weight $((k % 4 + 1)) $FLT_VIP $own"
		"backend --weight 3 $FLT_VIP $own"
		"backend --weight $((k + 1)) $FLT_VIP $IP4_BE2"
		"backend --weight 0 $FLT_VIP $own"
	)
	case $((k % 3)) in
	0) cmds+=("backend --remove $FLT_VIP $own") ;;
	1) cmds+=("backend --weight 0 $FLT_VIP $own") ;;
	2) cmds+=("backend --weight $((k % 4 + 1)) $FLT_VIP $own") ;;
	esac
	for ((j = 0; j < ${#cmds[@]}; j++)); do
		# shellcheck disable=SC2086 # split into words on purpose
		_flt_lb ${cmds[j]} >"$log.$j.out" 2>&1
		rc=$?
		echo "$j rc=$rc xdp-lb ${cmds[j]}" >>"$log"
	done
}

# what writer K's commands leave: its backend's "ADDR WEIGHT" (nothing if
# removed)
_flt_writer_final()
{
	local k=$1
	case $((k % 3)) in
	0) ;;
	1) echo "10.0.0.$((20 + k)) 0" ;;
	2) echo "10.0.0.$((20 + k)) $((k % 4 + 1))" ;;
	esac
}

# 8 writers at once on one VIP, each with its own backend, all changing the
# weight of one shared backend: every command succeeds, and the result is
# that of some serial order (each own backend as its writer left it, the
# shared weight the last one of some writer, the table exactly the backends
# of weight > 0 in proportion). HTTP requests meanwhile all succeed.
test_concurrent_writers()
{
	local k pids=() n_cmds bad want got shared out t0 tbl
	_flt_setup
	# the writers' addresses exist: requests balanced to them are answered
	for k in 1 2 3 4 5 6 7 8; do
		if ((k <= 4)); then
			check_run ip -n "$NS_BE1" addr add "10.0.0.$((20 + k))/24" dev "$HOST_IF"
		else
			check_run ip -n "$NS_BE2" addr add "10.0.0.$((20 + k))/24" dev "$HOST_IF"
		fi
	done
	out=$TOPO_DIR/traffic
	_flt_traffic_start "$out" 3000 240

	t0=$SECONDS
	for k in 1 2 3 4 5 6 7 8; do
		rm -f "$TOPO_DIR/writer$k.log"
		_flt_writer "$k" "$TOPO_DIR/writer$k.log" </dev/null >/dev/null 2>&1 &
		pids+=($!)
	done
	# each writer runs 15 commands of at most 60 s each; wait at most 300 s
	# shellcheck disable=SC2016 # expanded by eval, at each try
	if ! wait_for 3000 0.1 eval '[ "$(cat "$TOPO_DIR"/writer?.log 2>/dev/null | wc -l)" -ge 120 ]'; then
		kill "${pids[@]}" 2>/dev/null
		fail "the writers did not finish within 300 s"
	fi
	wait "${pids[@]}"
	echo "8 writers x 15 commands took $((SECONDS - t0)) s"
	_flt_traffic_stop "$out"

	n_cmds=$(cat "$TOPO_DIR"/writer?.log | wc -l)
	[ "$n_cmds" -eq 120 ] || fail "$n_cmds commands were recorded, not 120"
	bad=$(grep -v ' rc=0 ' "$TOPO_DIR"/writer?.log)
	if [ -n "$bad" ]; then
		echo "$bad"
		for k in 1 2 3 4 5 6 7 8; do
			awk '$2 != "rc=0" { print $1 }' "$TOPO_DIR/writer$k.log" |
				while read -r j; do
					echo "writer $k command $j:"
					cat "$TOPO_DIR/writer$k.log.$j.out"
				done
		done
		fail "$(echo "$bad" | wc -l) writer commands failed"
	fi

	_flt_lb status --json >"$TOPO_DIR/status.json" || fail "status --json failed"
	tbl=$(_flt_table --check --status "$TOPO_DIR/status.json")
	echo "$tbl"
	echo "$tbl" | grep -q '^OK$' || fail "the table or status is inconsistent"
	got=$(echo "$tbl" | _flt_config_of)
	shared=$(echo "$got" | awk -v a="$IP4_BE2" '$1 == a { print $2 }')
	case $shared in
	2 | 3 | 4 | 5 | 6 | 7 | 8 | 9)
		echo "the shared backend's weight $shared is writer $((shared - 1))'s last" ;;
	*) fail "the shared backend $IP4_BE2 has weight '$shared', not the last" \
		"weight of any writer (2-9)" ;;
	esac
	want=$({
		echo "$IP4_BE1 1"
		echo "$IP4_BE2 $shared"
		for k in 1 2 3 4 5 6 7 8; do
			_flt_writer_final "$k"
		done
	} | sort)
	if [ "$got" != "$want" ]; then
		echo "expected backends:"; echo "$want"
		echo "configured backends:"; echo "$got"
		fail "the final backends are not those of a serial order of the commands"
	fi
	return 0
}

# ---------------------------------------------------------------------------
# 2. SIGKILL during updates

# current configuration as "ADDR WEIGHT" lines (from the pinned maps)
_flt_config_now()
{
	_flt_table | _flt_config_of
}

# _flt_apply CONFIG ADDR WEIGHT|-: CONFIG with ADDR set to WEIGHT (or removed)
_flt_apply()
{
	{
		echo "$1" | awk -v a="$2" 'NF && $1 != a'
		[ "$3" = - ] || echo "$2 $3"
	} | sort
}

# 30 backend commands, each killed with SIGKILL 0-30 ms after it started,
# while HTTP requests flow. After each: the next command (status) works and
# repairs a half-done update; the configuration is the old or the new one;
# the table holds exactly the configured backends of weight > 0. Backend 1
# keeps weight 1 throughout, so the table is never allowed to be empty.
test_kill9_during_updates()
{
	local i op addr cur new old_cfg new_cfg cfg tbl pre pidf pid bg rc delay
	local out old_ids ids id killed=0 finished=0 dirty=0 as_old=0 as_new=0
	_flt_setup
	check_run ip -n "$NS_BE1" addr add 10.0.0.12/24 dev "$HOST_IF"
	check_run ip -n "$NS_BE2" addr add 10.0.0.13/24 dev "$HOST_IF"
	out=$TOPO_DIR/traffic
	_flt_traffic_start "$out" 5000 300

	tbl=$(_flt_table) || fail "cannot read the table"
	for ((i = 0; i < 30; i++)); do
		# tbl: the state before this command (read after the last one)
		old_cfg=$(echo "$tbl" | _flt_config_of)
		old_ids=$(echo "$tbl" | awk '$1 == "backend" { print $4 }')
		# alternate: backend 2's weight, extra backend .12, extra .13
		case $((i % 3)) in
		0) addr=$IP4_BE2 ;;
		1) addr=10.0.0.12 ;;
		2) addr=10.0.0.13 ;;
		esac
		cur=$(echo "$old_cfg" | awk -v a="$addr" '$1 == a { print $2 }')
		if [ "$addr" = "$IP4_BE2" ]; then
			new=$(((cur + 1) % 4))		# 0 (drained) to 3
			op="backend --weight $new $FLT_VIP $addr"
		else
			case $cur in
			"") new=2; op="backend --weight 2 $FLT_VIP $addr" ;;
			2) new=1; op="backend --weight 1 $FLT_VIP $addr" ;;
			1) new=0; op="backend --weight 0 $FLT_VIP $addr" ;;
			0) new=-; op="backend --remove $FLT_VIP $addr" ;;
			esac
		fi
		new_cfg=$(_flt_apply "$old_cfg" "$addr" "$new")

		pidf=$TOPO_DIR/kill.pid
		rm -f "$pidf"
		# shellcheck disable=SC2016,SC2086
		in_ns_bpffs "$NS_LB" sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
			"$XDP_LB" $op >"$TOPO_DIR/kill.out" 2>&1 &
		bg=$!
		wait_for 500 0.01 test -s "$pidf" ||
			{ kill -9 "$bg"; fail "command $i did not start"; }
		pid=$(cat "$pidf")
		delay=$((RANDOM % 31))
		sleep "$(printf '0.%03d' "$delay")"
		# only while it is still ours: our job has not reaped it yet
		if kill -0 "$bg" 2>/dev/null &&
		   grep -qxE 'xdp-lb|sh' "/proc/$pid/comm" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null
		fi
		wait "$bg"
		rc=$?
		case $rc in
		0) finished=$((finished + 1)) ;;
		137) killed=$((killed + 1)) ;;
		*) cat "$TOPO_DIR/kill.out"
		   fail "'xdp-lb $op' exited with status $rc" ;;
		esac

		# before any repair: what the data plane sees right now
		pre=$(_flt_table) || fail "cannot read the table after command $i"
		if echo "$pre" | grep -q '^vip .* dirty [1-9]'; then
			dirty=$((dirty + 1))
		fi
		echo "$pre" | grep -q '^empty-slots' &&
			fail "after killing '$op': the table has empty slots: $pre"
		ids=$(echo "$pre" | awk '$1 == "backend" && $8 > 0 { print $4 }
					 $1 == "stray" { print $2 }')
		[ -n "$ids" ] || fail "after killing '$op': the table is empty"
		for id in $ids; do
			echo "$old_ids" | grep -qx "$id" ||
				echo "$pre" | grep -q "^backend .* id $id " ||
				fail "after killing '$op': the table points to backend" \
					"id $id, neither old nor new: $pre"
		done

		# the next command works and finishes the update
		_flt_lb status --json >"$TOPO_DIR/status.json" ||
			fail "status after killing '$op' (${delay} ms) failed"
		tbl=$(_flt_table --check --status "$TOPO_DIR/status.json")
		cfg=$(echo "$tbl" | _flt_config_of)
		if [ "$cfg" = "$old_cfg" ]; then
			as_old=$((as_old + 1)); rc="old set"
		elif [ "$cfg" = "$new_cfg" ]; then
			as_new=$((as_new + 1)); rc="new set"
		else
			echo "$tbl"
			fail "after killing '$op': the backends are neither the old" \
				"set (${old_cfg//$'\n'/, }) nor the new one (${new_cfg//$'\n'/, })"
		fi
		echo "$i: xdp-lb $op: killed after $delay ms -> $rc: ${cfg//$'\n'/, }" \
			"(failed requests so far: $(grep -c ERROR "$out"))"
		if ! echo "$tbl" | grep -q '^OK$'; then
			echo "$tbl"
			fail "after killing '$op' and running status, the table is wrong"
		fi
	done
	echo "30 commands: $killed killed, $finished finished first;" \
		"$dirty left the VIP marked dirty; afterwards $as_old old sets, $as_new new"
	# for diagnosis: the balancer's neighbours and its drop/pass counters
	echo "neighbours of the balancer:"
	ip -n "$NS_LB" -4 neigh show dev "$HOST_IF"
	for addr in $(echo "$cfg" | awk '$2 > 0 { print $1 }'); do
		ip -n "$NS_LB" -4 neigh show dev "$HOST_IF" to "$addr" | grep -q lladdr ||
			echo "DIAGNOSIS: backend $addr (weight > 0) has no neighbour entry" \
				"on the balancer: translated packets to it are passed to the kernel"
	done
	_flt_lb status --json | "$XLB_PYTHON" -c 'import json, sys
c = json.load(sys.stdin)["counters"]
print(" ".join("%s=%d" % (k, v) for k, v in c.items() if v and k.startswith(("drop", "pass_n", "flows_r"))))'
	_flt_traffic_stop "$out"
	_flt_lb status --json >"$TOPO_DIR/status.json" || fail "final status failed"
	tbl=$(_flt_table --check --status "$TOPO_DIR/status.json")
	echo "$tbl"
	echo "$tbl" | grep -q '^OK$' || fail "status --json does not match the table"
	return 0
}

# ---------------------------------------------------------------------------
# 3. A second load; unload under traffic

test_load_twice_and_unload_under_traffic()
{
	local got prog1 prog2 err rc c s out streams=() t0 secs
	_flt_setup
	got=$(http_get "$NS_CLIENT" "http://$FLT_VIP/") || fail "GET before the second load"
	case $got in backend1 | backend2) ;; *) fail "GET returned '$got'" ;; esac
	prog1=$(_flt_xdp_prog) || fail "no XDP program on $HOST_IF"

	for c in "load --flows 65536 $HOST_IF" "load $HOST_IF"; do
		echo "+ xdp-lb $c (a second time)"
		# shellcheck disable=SC2086
		_flt_lb $c >"$TOPO_DIR/out" 2>"$TOPO_DIR/err"
		rc=$?
		_flt_one_line_error "$TOPO_DIR/out" "$TOPO_DIR/err" "$rc" "$c"
		grep -q "already loaded on $HOST_IF" "$TOPO_DIR/err" ||
			fail "the message does not say xdp-lb is already loaded on $HOST_IF"
	done
	prog2=$(_flt_xdp_prog) || fail "the second load removed the XDP program"
	[ "$prog1" = "$prog2" ] || fail "the program changed: $prog1 -> $prog2"
	_flt_lb_run status
	got=$(http_burst "$NS_CLIENT" "http://$FLT_VIP/" 10 | sort | uniq -c | xargs)
	echo "after the second load: $got"
	echo "$got" | grep -q ERROR && fail "requests fail after the second load"

	# long-lived streams (10 s, 10000 bytes each) and short requests
	for s in 1 2 3 4; do
		c=$NS_CLIENT
		((s % 2)) && c=$NS_CLIENT2
		http_stream_start "$c" "http://$FLT_VIP/stream?seconds=10&bytes=10000" \
			"$TOPO_DIR/stream$s" 15
		streams+=("$TOPO_DIR/stream$s")
	done
	out=$TOPO_DIR/traffic
	_flt_traffic_start "$out" 2000 60
	# shellcheck disable=SC2016 # expanded by eval, at each try
	wait_for 50 0.1 eval '[ "$(cat "$TOPO_DIR"/stream[1-4] 2>/dev/null | wc -c)" -gt 2000 ]' ||
		fail "the streams do not flow through the balancer"
	echo "streams flowing: $(cat "${streams[@]}" | wc -c) bytes so far"

	t0=$SECONDS
	_flt_lb_run unload "$HOST_IF"
	secs=$((SECONDS - t0))
	echo "unload took $secs s"
	_flt_have_xdp && fail "an XDP program is still attached: $(_flt_xdp_prog)"
	_flt_pins_gone || fail "$FLT_PIN_DIR is still there after the last unload"
	_flt_lb status >"$TOPO_DIR/out" 2>"$TOPO_DIR/err"
	rc=$?
	_flt_one_line_error "$TOPO_DIR/out" "$TOPO_DIR/err" "$rc" status
	grep -q "not loaded" "$TOPO_DIR/err" || fail "status does not say 'not loaded'"

	# in-flight streams are no longer balanced: they end, cut, in bounded time
	# (curl's --max-time: nothing tells the client its server is gone)
	for s in "${streams[@]}"; do
		http_stream_wait "$s" 30
		rc=$?
		[ "$rc" -eq 124 ] && fail "stream $s did not end"
		got=$(wc -c <"$s")
		echo "stream $s: curl status $rc after $got bytes ($(cat "$s.err"))"
		if [ "$rc" -eq 0 ] || [ "$got" -ge 10000 ]; then
			fail "stream $s completed although the balancer was unloaded"
		fi
	done
	touch "$out.stop"
	wait_for 150 0.1 test -e "$out.done" || fail "the request loop did not stop"
	echo "requests during the unload: $(awk '{ print $1 }' "$out" | sort | uniq -c | xargs)"
	# nothing crashed: the balancer host and the backends are fine
	check_run in_ns "$NS_CLIENT" ping -q -c 1 -W 2 "$IP4_LB"
	got=$(http_get "$NS_CLIENT" "http://$IP4_BE1:$FLT_PORT/") || fail "backend1 is gone"
	[ "$got" = backend1 ] || fail "backend1 answers '$got'"

	# load again and configure: traffic works again
	_flt_lb_run load --flows 65536 "$HOST_IF"
	_flt_lb_run vip "$FLT_VIP"
	_flt_lb_run backend "$FLT_VIP" "$IP4_BE1"
	_flt_lb_run backend "$FLT_VIP" "$IP4_BE2"
	got=$(http_burst "$NS_CLIENT" "http://$FLT_VIP/" 20 | sort | uniq -c | xargs)
	echo "after re-loading: $got"
	echo "$got" | grep -q ERROR && fail "requests fail after re-loading"
	http_stream_start "$NS_CLIENT2" "http://$FLT_VIP/stream?seconds=1&bytes=3000" \
		"$TOPO_DIR/stream9" 10
	http_stream_wait "$TOPO_DIR/stream9" 15 || fail "a stream after re-loading failed"
	[ "$(wc -c <"$TOPO_DIR/stream9")" -eq 3000 ] || fail "a stream after re-loading was cut"
	return 0
}

# ---------------------------------------------------------------------------
# 4. Pins removed by hand

# _flt_after_pins_removed: every command that needs the state fails cleanly
_flt_after_pins_removed()
{
	local c rc got
	for c in status "status --json" "stats --count 1" "vip $FLT_VIP" \
		 "vip $IP4_LB:8001" "vip --remove $FLT_VIP" \
		 "backend $FLT_VIP $IP4_CLIENT2" "backend --weight 5 $FLT_VIP $IP4_BE1" \
		 "backend --remove $FLT_VIP $IP4_BE2"; do
		echo "+ xdp-lb $c"
		# shellcheck disable=SC2086
		_flt_lb $c >"$TOPO_DIR/out" 2>"$TOPO_DIR/err"
		rc=$?
		_flt_one_line_error "$TOPO_DIR/out" "$TOPO_DIR/err" "$rc" "$c"
	done
	# for the record: what a load of the interface says now
	_flt_lb load --flows 65536 "$HOST_IF" >"$TOPO_DIR/out" 2>&1
	echo "(xdp-lb load --flows 65536 $HOST_IF: status $?: $(cat "$TOPO_DIR/out"))"
	# the data plane keeps its maps: it still balances
	got=$(http_burst "$NS_CLIENT" "http://$FLT_VIP/" 5 | grep -c '^backend[12]$')
	[ "$got" -eq 5 ] || fail "only $got of 5 requests worked with the pins gone"
}

# _flt_way_back: 'xdp-lb unload --all', the documented way back, removes the
# program and what is left of the pins; then xdp-lb loads and works again.
# Reports a failure only at the end, after trying 'ip link set xdp off'.
_flt_way_back()
{
	local err='' got
	echo "+ xdp-lb unload --all"
	_flt_lb unload --all || err="'xdp-lb unload --all' failed (status $?)"
	if _flt_have_xdp; then
		err="after 'xdp-lb unload --all' (which exited 0) the XDP program is still attached: $(_flt_xdp_prog)"
		echo "$err"
		echo "trying 'ip link set dev $HOST_IF xdp off' instead"
		check_run ip -n "$NS_LB" link set dev "$HOST_IF" xdp off
		_flt_have_xdp && fail "$err; and 'ip link set xdp off' did not remove it"
	fi
	_flt_pins_gone || err="${err:+$err; }$FLT_PIN_DIR is still there after 'unload --all'"
	_flt_lb_run load --flows 65536 "$HOST_IF"
	_flt_lb_run vip "$FLT_VIP"
	_flt_lb_run backend "$FLT_VIP" "$IP4_BE1"
	got=$(http_burst "$NS_CLIENT" "http://$FLT_VIP/" 5 | sort | uniq -c | xargs)
	echo "after re-loading: $got"
	[ "$got" = "5 backend1" ] || err="${err:+$err; }requests after re-loading: $got"
	[ -z "$err" ] || fail "$err"
	return 0
}

# the map pins removed (rm /sys/fs/bpf/xdp-lb/netns-<inode>/lb_*), the
# program pin left
test_pins_removed_by_hand()
{
	_flt_setup
	check_run in_ns_bpffs "$NS_LB" sh -c "rm -f $FLT_PIN_DIR/lb_*"
	in_ns_bpffs "$NS_LB" find "$FLT_PIN_DIR"
	_flt_after_pins_removed
	_flt_way_back
}

# the whole pin directory removed (rm -rf /sys/fs/bpf/xdp-lb/netns-<inode>)
test_pin_dir_removed_by_hand()
{
	_flt_setup
	check_run in_ns_bpffs "$NS_LB" rm -rf "$FLT_PIN_DIR"
	_flt_after_pins_removed
	# for the record: unloading the interface by name
	_flt_lb unload "$HOST_IF" >"$TOPO_DIR/out" 2>&1
	echo "(xdp-lb unload $HOST_IF: status $?: $(cat "$TOPO_DIR/out"))"
	_flt_way_back
}

# ---------------------------------------------------------------------------
# 5. bpffs not mounted

# XDP_LB_BPFFS pointing to an empty directory that is no bpffs: status and vip
# say "not loaded" (and mount nothing); load mounts bpffs there and works.
# These commands run in the host's mount namespace (in_ns), so that the
# mount outlives them; libxdp's own state (LIBXDP_BPFFS) goes to the
# topology's private bpffs, never to the host's /sys/fs/bpf.
test_bpffs_missing()
{
	local alt c rc got
	_flt_topo
	check_run start_http "$NS_BE1" "$IP4_BE1" "$FLT_PORT" backend1
	check_run start_http "$NS_BE2" "$IP4_BE2" "$FLT_PORT" backend2
	check_run in_ns_bpffs "$NS_LB" true	# mounts the topology's bpffs
	mountpoint -q "$TOPO_DIR/bpffs" || fail "the topology's bpffs is not mounted"
	alt=$TOPO_DIR/alt-bpffs
	mkdir "$alt" || fail "cannot create $alt"
	topo_on_cleanup "umount $alt"
	topo_on_cleanup "in_ns $NS_LB env XDP_LB_BPFFS=$alt LIBXDP_BPFFS=$TOPO_DIR/bpffs $XDP_LB unload --all"
	altlb() {
		in_ns "$NS_LB" env XDP_LB_BPFFS="$alt" LIBXDP_BPFFS="$TOPO_DIR/bpffs" \
			timeout 60 "$XDP_LB" "$@"
	}

	for c in status "status --json" "vip $FLT_VIP" "backend $FLT_VIP $IP4_BE1" \
		 "stats --count 1"; do
		echo "+ XDP_LB_BPFFS=$alt xdp-lb $c"
		# shellcheck disable=SC2086
		altlb $c >"$TOPO_DIR/out" 2>"$TOPO_DIR/err"
		rc=$?
		_flt_one_line_error "$TOPO_DIR/out" "$TOPO_DIR/err" "$rc" "$c"
		grep -q "not loaded" "$TOPO_DIR/err" || fail "the message does not say 'not loaded'"
		mountpoint -q "$alt" && fail "'xdp-lb $c' mounted bpffs on $alt"
		[ -z "$(ls -A "$alt")" ] || fail "'xdp-lb $c' created $(ls -A "$alt") in $alt"
	done

	echo "+ XDP_LB_BPFFS=$alt xdp-lb load --flows 65536 $HOST_IF"
	altlb load --flows 65536 "$HOST_IF" || fail "load with XDP_LB_BPFFS=$alt failed"
	mountpoint "$alt" || fail "load did not mount bpffs on $alt"
	[ "$(stat -f -c %T "$alt")" = bpf_fs ] || fail "$alt is not a bpffs"
	[ -e "$alt/${FLT_PIN_DIR#/sys/fs/bpf/}/lb_config" ] ||
		fail "no pins in $alt/${FLT_PIN_DIR#/sys/fs/bpf/}"
	_flt_have_xdp || fail "no XDP program on $HOST_IF after load"
	check_run altlb vip "$FLT_VIP"
	check_run altlb backend "$FLT_VIP" "$IP4_BE1"
	check_run altlb backend "$FLT_VIP" "$IP4_BE2"
	check_run altlb status
	got=$(http_burst "$NS_CLIENT" "http://$FLT_VIP/" 20 | sort | uniq -c | xargs)
	echo "requests: $got"
	echo "$got" | grep -q ERROR && fail "requests through the balancer failed"
	if ! echo "$got" | grep -q backend1 || ! echo "$got" | grep -q backend2; then
		fail "the requests were not balanced over both backends: $got"
	fi
	# the default location knows nothing of it
	_flt_pins_gone || fail "load also pinned in the default $FLT_PIN_DIR"
	check_run altlb unload --all
	_flt_have_xdp && fail "the XDP program is still attached after unload --all"
	return 0
}
