#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input to the xdp-lb command: on a loaded configuration (the tutorial
# topology, xdp-lb on the balancer's eth0 with a TCP, a UDP and an IPv6 VIP),
# every bad invocation must print exactly one line on standard error that
# starts with "xdp-lb" and names the problem, print nothing on standard
# output, exit with status 1, and leave the configuration unchanged: the same
# 'xdp-lb status --json', the same XDP programs on the balancer's interfaces,
# the same pins in bpffs, the same forwarding settings and the same managed
# neighbour entries. Each family of bad input also has a positive control
# (the valid form succeeds and does change the configuration), so a broken
# comparison cannot make the tests pass.
#
# Run through run-shell.sh:
#   cd tests && ./run-shell.sh net net/test-cli-errors.sh /tmp/r.txt

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_cli_bad_addresses test_cli_bad_ports test_cli_bad_protocol
	   test_cli_unknown_interface test_cli_unknown_vip
	   test_cli_duplicate_backend test_cli_bad_weight test_cli_bad_arguments
	   test_cli_bad_option_values test_cli_not_root
	   test_cli_root_without_capabilities test_cli_bpffs_not_mountable
	   test_cli_foreign_xdp_program test_cli_load_unload_state"

# an unprivileged user (nobody), and root without any capability
CLI_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
CLI_NOCAPS="setpriv --bounding-set=-all --inh-caps=-all"
# a second veth pair in the balancer's namespace, for load tests
CLI_IF0=xt0
CLI_IF1=xt1
# the longest error line we accept (user text must be shortened)
CLI_LINE_MAX=300

# The snapshot of "the configuration", as one JSON document.
# shellcheck disable=SC2016
CLI_PY_SNAP='
import json, sys
status_f, status_rc, links_f, pins_f, fwd_f, neigh_f = sys.argv[1:7]
snap = {}
raw = open(status_f).read()
if status_rc != "0":
    snap["status"] = {"error": "status --json exited %s: %s" % (status_rc, raw)}
else:
    try:
        snap["status"] = json.loads(raw)
    except ValueError as e:
        snap["status"] = {"error": "not JSON (%s): %s" % (e, raw[:500])}
snap["xdp"] = {l["ifname"]: l.get("xdp") for l in json.load(open(links_f))}
# iproute2 ("ip link set ... obj FILE") creates its tc/globals hierarchy in
# the first bpf mount it finds, which can be the private bpffs of this topology
# when another topology is being built at the same time: not xdp-lb state.
IPROUTE2 = ("./ip", "./tc", "./xdp/globals")
snap["pins"] = [p for p in open(pins_f).read().split("\n")
                if p and not any(p == i or p.startswith(i + "/") for i in IPROUTE2)]
snap["forwarding"] = sorted(open(fwd_f).read().split())
snap["managed_neighbours"] = sorted(
    l for l in open(neigh_f).read().split("\n") if l)
json.dump(snap, sys.stdout, indent=1)
'

# Compare two snapshots; print the differences and exit 1 if they differ.
# The global counters xdp_pass, pass_not_ip and pass_not_vip are left out:
# they count the packets xdp-lb passes to the kernel, and the balancer keeps
# receiving such packets without any test traffic (ARP for the managed
# neighbour entries of the backends, IPv6 neighbour discovery, router
# solicitations, MLD), so they grow while a test runs (measured: +20 in a
# minute). They must not go down (that would be a reset of the counters).
# Everything else, including every per-VIP and per-backend counter, must be
# identical.
# shellcheck disable=SC2016
CLI_PY_COMPARE='
import json, sys, difflib
VOLATILE = ("xdp_pass", "pass_not_ip", "pass_not_vip")
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
problems = []
ca = a.get("status", {}).get("counters")
cb = b.get("status", {}).get("counters")
if isinstance(ca, dict) and isinstance(cb, dict):
    for k in VOLATILE:
        if k in ca and k in cb:
            if not cb[k] >= ca[k]:
                problems.append("counter %s went down: %s -> %s" % (k, ca[k], cb[k]))
            del ca[k], cb[k]
if a != b:
    sa = json.dumps(a, indent=1, sort_keys=True).split("\n")
    sb = json.dumps(b, indent=1, sort_keys=True).split("\n")
    problems.extend(l for l in difflib.unified_diff(sa, sb, "before", "after", n=2, lineterm=""))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
'

# xdp-lb in the balancer's namespace, with the topology's private bpffs
lb()
{
	in_ns_bpffs "$NS_LB" "$XDP_LB" "$@" </dev/null
}

# cli_snapshot FILE: write the current configuration to FILE
cli_snapshot()
{
	local out=$1 d=$CLI_DIR rc
	in_ns_bpffs "$NS_LB" "$XDP_LB" status --json </dev/null \
		>"$d/snap-status" 2>&1
	rc=$?
	ip -j -n "$NS_LB" link show >"$d/snap-links" || return 1
	(cd "$TOPO_DIR/bpffs" && find . | LC_ALL=C sort) >"$d/snap-pins" ||
		return 1
	# shellcheck disable=SC2016
	in_ns "$NS_LB" sh -c 'grep -H . /proc/sys/net/ipv4/conf/*/forwarding \
		/proc/sys/net/ipv6/conf/*/forwarding' >"$d/snap-fwd" || return 1
	ip -n "$NS_LB" neigh show | awk '/ managed / { print $1, $2, $3 }' \
		>"$d/snap-neigh" || return 1
	"$XLB_PYTHON" -c "$CLI_PY_SNAP" "$d/snap-status" "$rc" "$d/snap-links" \
		"$d/snap-pins" "$d/snap-fwd" "$d/snap-neigh" >"$out"
}

# cli_baseline: take the reference snapshot that the next invocations are
# compared with (after a deliberate change of the configuration)
cli_baseline()
{
	cli_snapshot "$CLI_DIR/base" || fail "cannot take a snapshot of the configuration"
}

# a command line for messages: arguments quoted, long ones shortened
cli_fmt()
{
	local a s=
	for a; do
		if ((${#a} > 48)); then
			s+=" <${#a} characters: $(printf %q "${a:0:24}")...>"
		else
			s+=" $(printf %q "$a")"
		fi
	done
	printf '%s' "${s# }"
}

# print FILE's first lines, indented, for a failure report
cli_show()
{
	local what=$1 file=$2
	if [ -s "$file" ]; then
		echo "      $what:"
		head -c 2000 "$file" | head -n 15 | sed 's/^/        | /'
	else
		echo "      $what: (empty)"
	fi
}

# expect_bad [--as "WRAPPER ARGS"] WORD... -- ARG...
# Runs 'xdp-lb ARG...' in the balancer's namespace (behind WRAPPER, e.g. a
# setpriv or env command line, split on blanks) and checks that it exits
# with status 1, prints nothing on stdout and exactly one line on stderr,
# which starts with "xdp-lb", is at most CLI_LINE_MAX characters and contains
# every WORD (a fixed string; "a|b" accepts either a or b); and that the
# configuration is unchanged. Failures are printed with the command and its
# output and counted; cli_done fails the test if there were any.
expect_bad()
{
	local wrap=() words=() problems=() cmd rc line w alt ok alts diff
	if [ "$1" = --as ]; then
		read -r -a wrap <<<"$2"
		shift 2
	fi
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		words+=("$1")
		shift
	done
	[ "$1" = -- ] || fail "expect_bad: missing '--'"
	shift
	CLI_COUNT=$((CLI_COUNT + 1))
	cmd="${wrap[*]}${wrap[*]:+ }xdp-lb $(cli_fmt "$@")"

	in_ns_bpffs "$NS_LB" "${wrap[@]}" "$XDP_LB" "$@" </dev/null \
		>"$CLI_DIR/out" 2>"$CLI_DIR/err"
	rc=$?
	line=$(cat "$CLI_DIR/err")

	[ "$rc" -eq 1 ] || problems+=("exit status $rc, not 1")
	[ -s "$CLI_DIR/out" ] && problems+=("output on stdout")
	if [ ! -s "$CLI_DIR/err" ]; then
		problems+=("no message on stderr")
	elif [ "$(wc -l <"$CLI_DIR/err")" -ne 1 ] ||
	     [ "$(tail -c 1 "$CLI_DIR/err" | od -An -tx1 | tr -d ' \n')" != 0a ]; then
		problems+=("stderr is not exactly one line ($(wc -l <"$CLI_DIR/err") newlines)")
	else
		case $line in
		"xdp-lb "* | "xdp-lb:"*) ;;
		*) problems+=("the message does not start with 'xdp-lb'") ;;
		esac
		((${#line} <= CLI_LINE_MAX)) ||
			problems+=("the message is ${#line} characters long (more than $CLI_LINE_MAX)")
		for w in "${words[@]}"; do
			ok=
			IFS='|' read -r -a alts <<<"$w"
			for alt in "${alts[@]}"; do
				[[ $line == *"$alt"* ]] && ok=1
			done
			[ -n "$ok" ] || problems+=("the message does not contain '$w'")
		done
	fi

	if ! cli_snapshot "$CLI_DIR/after"; then
		problems+=("cannot take a snapshot of the configuration afterwards")
	elif ! diff=$("$XLB_PYTHON" -c "$CLI_PY_COMPARE" "$CLI_DIR/base" "$CLI_DIR/after"); then
		problems+=("the configuration changed")
		# compare the next invocations with the new state
		cp "$CLI_DIR/after" "$CLI_DIR/base"
	fi

	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $cmd"
		echo "       -> $line"
		return 0
	fi
	CLI_FAILED+=("$cmd: $(IFS=';'; echo "${problems[*]}")")
	echo "FAIL $cmd"
	for w in "${problems[@]}"; do
		echo "      - $w"
	done
	echo "      exit status: $rc"
	cli_show stdout "$CLI_DIR/out"
	cli_show stderr "$CLI_DIR/err"
	if [ -n "$diff" ]; then
		echo "      configuration differences:"
		printf '%s\n' "$diff" | head -n 40 | sed 's/^/        | /'
	fi
	return 1
}

# expect_change [--as "WRAPPER ARGS"] ARG...: positive control: the valid
# 'xdp-lb ARG...' succeeds and does change the configuration (which becomes
# the new baseline).
expect_change()
{
	local wrap=() cmd rc
	if [ "$1" = --as ]; then
		read -r -a wrap <<<"$2"
		shift 2
	fi
	cmd="${wrap[*]}${wrap[*]:+ }xdp-lb $(cli_fmt "$@")"
	in_ns_bpffs "$NS_LB" "${wrap[@]}" "$XDP_LB" "$@" </dev/null \
		>"$CLI_DIR/out" 2>"$CLI_DIR/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		CLI_FAILED+=("control $cmd: exit status $rc, not 0")
		echo "FAIL control $cmd: exit status $rc"
		cli_show stdout "$CLI_DIR/out"
		cli_show stderr "$CLI_DIR/err"
		return 1
	fi
	cli_snapshot "$CLI_DIR/after" || fail "cannot take a snapshot of the configuration"
	if "$XLB_PYTHON" -c "$CLI_PY_COMPARE" "$CLI_DIR/base" "$CLI_DIR/after" >/dev/null; then
		CLI_FAILED+=("control $cmd: the configuration did not change")
		echo "FAIL control $cmd: succeeded but the configuration did not change"
		return 1
	fi
	cp "$CLI_DIR/after" "$CLI_DIR/base"
	echo "ok   control: $cmd (succeeded, configuration changed)"
	return 0
}

# cli_check MESSAGE CMD...: record the failed check MESSAGE unless CMD
# succeeds
cli_check()
{
	local msg=$1
	shift
	if ! "$@"; then
		CLI_FAILED+=("$msg")
		echo "FAIL $msg"
	fi
}

# cli_done: summary; fails the test if any check failed
cli_done()
{
	local f
	echo "$CLI_COUNT bad invocations checked, ${#CLI_FAILED[@]} failed checks"
	[ ${#CLI_FAILED[@]} -eq 0 ] && return 0
	echo "Failed:"
	for f in "${CLI_FAILED[@]}"; do
		echo "  $f"
	done
	fail "${#CLI_FAILED[@]} checks failed"
}

# cli_setup: topology, a second veth pair xt0/xt1 in the balancer's
# namespace, xdp-lb loaded on eth0 with
#   10.0.0.10:8000/tcp   -> 10.0.0.2, 10.0.0.3
#   10.0.0.10:5353/udp   -> 10.0.0.2 (port 53)
#   [fd00::a]:8000/tcp   -> fd00::2, fd00::3
# and the baseline snapshot.
cli_setup()
{
	[ -x "$XDP_LB" ] || skip "$XDP_LB is missing: run 'make' first"
	command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) is not installed"
	topo_create || fail "cannot create the topology"
	CLI_DIR=$TOPO_DIR/cli
	mkdir -p "$CLI_DIR" || fail "cannot create $CLI_DIR"
	CLI_COUNT=0
	CLI_FAILED=()
	topo_on_cleanup "in_ns_bpffs $NS_LB $XDP_LB unload --all"
	check_run ip -n "$NS_LB" link add "$CLI_IF0" type veth peer name "$CLI_IF1"
	check_run ip -n "$NS_LB" link set "$CLI_IF0" up
	check_run ip -n "$NS_LB" link set "$CLI_IF1" up
	check_run lb load --flows 65536 "$HOST_IF"
	check_run lb vip "$IP4_LB:8000"
	check_run lb backend "$IP4_LB:8000" "$IP4_BE1"
	check_run lb backend "$IP4_LB:8000" "$IP4_BE2"
	check_run lb vip --proto udp "$IP4_LB:5353"
	check_run lb backend --proto udp --port 53 "$IP4_LB:5353" "$IP4_BE1"
	check_run lb vip "[$IP6_LB]:8000"
	check_run lb backend "[$IP6_LB]:8000" "$IP6_BE1"
	check_run lb backend "[$IP6_LB]:8000" "$IP6_BE2"
	cli_baseline
	# the comparison itself: two snapshots in a row are equal
	cli_snapshot "$CLI_DIR/after" || fail "cannot take a snapshot"
	"$XLB_PYTHON" -c "$CLI_PY_COMPARE" "$CLI_DIR/base" "$CLI_DIR/after" ||
		fail "two snapshots of an unchanged configuration differ"
	echo "xdp-lb loaded on $HOST_IF of $NS_LB with 3 VIPs and 5 backends"
}

# xdp program id on interface IF of the balancer's namespace (empty if none)
cli_xdp_id()
{
	ip -n "$NS_LB" -o link show "$1" | sed -n 's/.* prog\/xdp id \([0-9]*\).*/\1/p'
}

# ---------------------------------------------------------------------------

test_cli_bad_addresses()
{
	local v4="$IP4_LB:8000" v6="[$IP6_LB]:8000" bad='not a valid IPv4 or IPv6 address'
	cli_setup
	expect_bad "invalid VIP '10.0.0.300:80'" "$bad" -- vip 10.0.0.300:80
	expect_bad "invalid VIP '1.2.3'" "$bad" -- vip 1.2.3
	expect_bad "invalid VIP '[::1'" "brackets" -- vip '[::1'
	expect_bad "invalid VIP '::1]:80'" "brackets" -- vip '::1]:80'
	expect_bad "invalid VIP '[10.0.0.10]:80'" "only IPv6 addresses go in brackets" -- vip '[10.0.0.10]:80'
	expect_bad "invalid VIP '10.0.0.10:80:90'" "$bad" -- vip 10.0.0.10:80:90
	expect_bad "invalid VIP ' 10.0.0.10:80'" "$bad" -- vip ' 10.0.0.10:80'
	expect_bad "invalid VIP ''" "$bad" -- vip ''
	expect_bad "invalid VIP ':80'" "$bad" -- vip :80
	expect_bad "invalid VIP '[]:80'" "$bad" -- vip '[]:80'
	expect_bad "invalid VIP 'fd00::zz'" "$bad" -- vip fd00::zz
	expect_bad "invalid backend address '10.0.0.999'" "$bad" -- backend "$v4" 10.0.0.999
	expect_bad "invalid backend address '10.0.0.2:80'" "$bad" -- backend "$v4" 10.0.0.2:80
	expect_bad "invalid backend address '[fd00::2]'" "$bad" -- backend "$v6" '[fd00::2]'
	expect_bad "invalid VIP '10.0.0.300:8000'" "$bad" -- backend 10.0.0.300:8000 "$IP4_BE1"
	expect_bad "invalid SNAT address 'garbage'" "$bad" -- vip --snat garbage 10.0.0.20:80
	expect_bad "invalid SNAT address '10.0.0.300'" "$bad" -- vip --snat 10.0.0.300 "$v4"
	# addresses that can never be a service's or a host's
	local a
	for a in 0.0.0.0 0.1.2.3 127.0.0.1 224.0.0.1 239.255.255.250 255.255.255.255; do
		expect_bad "invalid VIP '$a:80'" "no host's|no single host's|never reach" -- vip "$a:80"
		expect_bad "invalid VIP '$a'" "no host's|no single host's|never reach" -- vip --proto udp "$a"
		expect_bad "invalid backend address '$a'" "no host's|no single host's|never reach" -- backend "$v4" "$a"
		expect_bad "invalid SNAT address '$a'" "no host's|no single host's|never reach" -- vip --snat "$a" "$v4"
	done
	for a in :: ::1 ff02::1 ff05::1:3 ::ffff:10.0.0.10; do
		expect_bad "invalid VIP '[$a]:80'" "no host's|no single host's|never reach|never appear" -- vip "[$a]:80"
		expect_bad "invalid backend address '$a'" "no host's|no single host's|never reach|never appear" -- backend "$v6" "$a"
	done
	expect_bad "invalid VIP '0.0.0.0:80'" "the unspecified address" -- vip 0.0.0.0:80
	expect_bad "invalid VIP '255.255.255.255:80'" "the broadcast address" -- vip 255.255.255.255:80
	expect_bad "invalid VIP '224.0.0.1:80'" "multicast" -- vip 224.0.0.1:80
	expect_bad "invalid VIP '127.0.0.1:80'" "loopback" -- vip 127.0.0.1:80
	expect_bad "invalid VIP '[::1]:80'" "loopback" -- vip '[::1]:80'
	expect_bad "invalid VIP '[ff02::1]:80'" "multicast" -- vip '[ff02::1]:80'
	expect_bad "invalid VIP '[::]:80'" "the unspecified address" -- vip '[::]:80'
	expect_bad "invalid VIP '::ffff:10.0.0.10'" "IPv4-mapped" "give the IPv4 address" -- vip ::ffff:10.0.0.10
	# address family mismatches
	expect_bad "fd00::2" "different address families" -- backend "$v4" "$IP6_BE1"
	expect_bad "10.0.0.2" "different address families" -- backend "$v6" "$IP4_BE1"
	expect_bad "SNAT address fd00::1" "address family" -- vip --snat fd00::1 10.0.0.20:80
	expect_bad "SNAT address 10.0.0.10" "address family" -- vip --snat "$IP4_LB" "$v6"
	expect_bad "SNAT address fd00::a" "address family" -- vip --snat "$IP6_LB" "$v4"
	# controls
	expect_change vip 10.0.0.20:80
	expect_change vip --snat 10.0.0.11 "$v4"
	expect_change backend "$v6" fd00::4
	# the neighbours of the refused ranges are fine
	expect_change vip 126.255.255.255:80
	expect_change vip 240.0.0.1:80
	cli_done
}

test_cli_bad_ports()
{
	local v4="$IP4_LB:8000" p='port must be 1-65535' mp='must be 1-65535'
	cli_setup
	expect_bad "invalid VIP '10.0.0.10:0'" "$p" -- vip 10.0.0.10:0
	expect_bad "invalid VIP '10.0.0.10:65536'" "$p" -- vip 10.0.0.10:65536
	expect_bad "invalid VIP '10.0.0.10:-1'" "$p" -- vip 10.0.0.10:-1
	expect_bad "invalid VIP '10.0.0.10:abc'" "$p" -- vip 10.0.0.10:abc
	expect_bad "invalid VIP '10.0.0.10:'" "$p" -- vip 10.0.0.10:
	expect_bad "invalid VIP '10.0.0.10:+80'" "$p" -- vip 10.0.0.10:+80
	expect_bad "invalid VIP '10.0.0.10:99999999999999999999'" "$p" -- vip 10.0.0.10:99999999999999999999
	expect_bad "invalid VIP '[fd00::a]:0'" "$p" -- vip '[fd00::a]:0'
	expect_bad "invalid VIP '[fd00::a]:65536'" "$p" -- vip '[fd00::a]:65536'
	expect_bad "invalid VIP '[fd00::a]:'" "$p" -- vip '[fd00::a]:'
	expect_bad "invalid VIP '10.0.0.10:0'" "$p" -- backend 10.0.0.10:0 "$IP4_BE1"
	expect_bad "invalid VIP '10.0.0.10:0'" "$p" -- vip --remove 10.0.0.10:0
	expect_bad "invalid port '0'" "$mp" -- backend --port 0 "$v4" "$IP4_BE1"
	expect_bad "invalid port '70000'" "$mp" -- backend --port 70000 "$v4" "$IP4_BE1"
	expect_bad "invalid port '65536'" "$mp" -- backend --port 65536 "$v4" "$IP4_BE1"
	expect_bad "invalid port '-1'" "$mp" -- backend --port -1 "$v4" "$IP4_BE1"
	expect_bad "invalid port 'abc'" "$mp" -- backend --port abc "$v4" "$IP4_BE1"
	expect_bad "invalid port ''" "$mp" -- backend --port '' "$v4" "$IP4_BE1"
	expect_bad "invalid port '0'" "$mp" -- backend -P 0 "$v4" 10.0.0.4
	# controls
	expect_change backend --port 65535 "$v4" "$IP4_BE1"
	expect_change vip 10.0.0.10:1
	cli_done
}

test_cli_bad_protocol()
{
	local v4="$IP4_LB:8000" one='must be one of tcp,udp'
	cli_setup
	expect_bad "invalid proto 'sctp'" "$one" -- vip --proto sctp "$v4"
	expect_bad "invalid proto ''" "$one" -- vip --proto '' "$v4"
	expect_bad "invalid proto 'icmp'" "$one" -- vip -p icmp 10.0.0.20:80
	expect_bad "invalid proto 'tcp=udp'" "$one" -- vip --proto=tcp=udp 10.0.0.20:80
	expect_bad "invalid proto 'sctp'" "$one" -- backend --proto sctp "$v4" "$IP4_BE1"
	expect_bad "invalid proto '17'" "$one" -- backend --proto 17 "$IP4_LB:5353" "$IP4_BE2"
	expect_bad "invalid proto 'sctp'" "$one" -- vip --remove --proto sctp "$v4"
	expect_bad "option '--proto' needs a value" -- vip 10.0.0.20:80 --proto
	# controls
	expect_change vip --proto udp "$v4"
	expect_change backend --proto udp "$IP4_LB:5353" "$IP4_BE2"
	cli_done
}

test_cli_unknown_interface()
{
	local long
	long=$(printf 'i%.0s' {1..100})
	cli_setup
	expect_bad "interface 'nosuchif0' not found" -- load nosuchif0
	expect_bad "interface 'nosuchif0' not found" -- load --mode skb nosuchif0
	expect_bad "interface 'nosuchif0' not found" -- unload nosuchif0
	expect_bad "invalid interface name 'iiiiiiiiii" "1 to 15 characters" -- load "$long"
	expect_bad "invalid interface name 'iiiiiiiiii" "1 to 15 characters" -- unload "$long"
	expect_bad "invalid interface name ''" "1 to 15 characters" -- load ''
	expect_bad "interface 'eth0/../x' not found" -- load 'eth0/../x'
	# one bad name among good ones: nothing is done at all
	expect_bad "interface 'nosuchif0' not found" -- load "$CLI_IF1" nosuchif0
	expect_bad "interface 'nosuchif0' not found" -- load nosuchif0 "$CLI_IF1"
	expect_bad "interface 'nosuchif0' not found" -- unload "$HOST_IF" nosuchif0
	cli_check "$CLI_IF1 got an XDP program" test -z "$(cli_xdp_id "$CLI_IF1")"
	# control
	expect_change load "$CLI_IF1"
	cli_done
}

test_cli_unknown_vip()
{
	cli_setup
	expect_bad "unknown VIP 10.0.0.99:8000/tcp" -- backend 10.0.0.99:8000 "$IP4_BE1"
	expect_bad "unknown VIP 10.0.0.99:8000/tcp" -- backend --remove 10.0.0.99:8000 "$IP4_BE1"
	expect_bad "unknown VIP 10.0.0.99:8000/tcp" -- vip --remove 10.0.0.99:8000
	# the VIP exists for tcp only, or udp only
	expect_bad "unknown VIP 10.0.0.10:8000/udp" -- backend --proto udp "$IP4_LB:8000" "$IP4_BE1"
	expect_bad "unknown VIP 10.0.0.10:8000/udp" -- vip --proto udp --remove "$IP4_LB:8000"
	expect_bad "unknown VIP 10.0.0.10:5353/tcp" -- vip --remove "$IP4_LB:5353"
	expect_bad "unknown VIP 10.0.0.10:5353/tcp" -- backend "$IP4_LB:5353" "$IP4_BE2"
	# all-ports VIP vs a VIP with a port, another port
	expect_bad "unknown VIP 10.0.0.10/tcp" -- backend "$IP4_LB" "$IP4_BE1"
	expect_bad "unknown VIP 10.0.0.10/tcp" -- vip --remove "$IP4_LB"
	expect_bad "unknown VIP [fd00::a]:8001/tcp" -- backend "[$IP6_LB]:8001" "$IP6_BE1"
	expect_bad "unknown VIP fd00::a/tcp" -- vip --remove "$IP6_LB"
	# control
	expect_change vip --proto udp --remove "$IP4_LB:5353"
	cli_done
}

test_cli_duplicate_backend()
{
	local v4="$IP4_LB:8000" v6="[$IP6_LB]:8000"
	cli_setup
	expect_bad "10.0.0.2 is already a backend of VIP 10.0.0.10:8000/tcp" -- backend "$v4" "$IP4_BE1"
	expect_bad "10.0.0.3 is already a backend of VIP 10.0.0.10:8000/tcp" -- backend "$v4" "$IP4_BE2"
	expect_bad "10.0.0.2 is already a backend of VIP 10.0.0.10:5353/udp" -- backend --proto udp "$IP4_LB:5353" "$IP4_BE1"
	expect_bad "fd00::2 is already a backend of VIP [fd00::a]:8000/tcp" -- backend "$v6" "$IP6_BE1"
	# the same backend, written differently
	expect_bad "fd00::2 is already a backend" -- backend "[fd00:0::a]:8000" fd00:0:0::2
	expect_bad "10.0.0.9 is not a backend of VIP 10.0.0.10:8000/tcp" -- backend --remove "$v4" 10.0.0.9
	expect_bad "fd00::9 is not a backend of VIP [fd00::a]:8000/tcp" -- backend --remove "$v6" fd00::9
	# controls
	expect_change backend --weight 2 "$v4" "$IP4_BE1"
	expect_change backend --remove "$v6" "$IP6_BE2"
	cli_done
}

test_cli_bad_weight()
{
	local v4="$IP4_LB:8000" r='must be an integer from 0 to 65535'
	cli_setup
	expect_bad "invalid weight '65536'" "$r" -- backend --weight 65536 "$v4" "$IP4_BE1"
	expect_bad "invalid weight '-1'" "$r" -- backend --weight -1 "$v4" "$IP4_BE1"
	expect_bad "invalid weight 'abc'" "$r" -- backend --weight abc "$v4" "$IP4_BE1"
	expect_bad "invalid weight '1.5'" "$r" -- backend --weight 1.5 "$v4" "$IP4_BE1"
	expect_bad "invalid weight ''" "$r" -- backend --weight '' "$v4" "$IP4_BE1"
	expect_bad "invalid weight '99999999999999999999'" "$r" -- backend --weight 99999999999999999999 "$v4" "$IP4_BE1"
	expect_bad "invalid weight '4294967296'" "$r" -- backend --weight 4294967296 "$v4" "$IP4_BE1"
	expect_bad "invalid weight '0x10'" "$r" -- backend --weight 0x10 "$v4" "$IP4_BE1"
	expect_bad "invalid weight '1e3'" "$r" -- backend -w 1e3 "$v4" 10.0.0.4
	expect_bad "invalid weight '100000'" "$r" -- backend --proto udp --weight 100000 "$IP4_LB:5353" "$IP4_BE2"
	# controls
	expect_change backend --weight 65535 "$v4" "$IP4_BE1"
	expect_change backend --weight 0 "$v4" "$IP4_BE2"
	cli_done
}

test_cli_bad_arguments()
{
	local v4="$IP4_LB:8000" long
	long=$(printf '1%.0s' {1..10000})
	cli_setup
	expect_bad "missing required parameter <addr>" -- backend "$v4"
	expect_bad "missing required parameter <vip>" -- backend
	expect_bad "missing required parameter <vip>" -- vip
	expect_bad "missing required parameter <ifname>" -- load
	expect_bad "unexpected extra argument '10.0.0.2'" -- vip "$v4" "$IP4_BE1"
	expect_bad "unexpected extra argument '10.0.0.4'" -- backend "$v4" "$IP4_BE1" 10.0.0.4
	expect_bad "unexpected extra argument 'extra'" -- status --json extra
	expect_bad "unknown option '--bogus'" -- vip --bogus "$v4"
	expect_bad "unknown option '-x'" -- vip -x "$v4"
	expect_bad "unknown option '--bogus'" -- status --bogus
	expect_bad "option '--remove' takes no argument" -- vip --remove=yes "$v4"
	expect_bad "command 'bogus' is unknown" -- bogus
	expect_bad "command 'st' is ambiguous" "status" "stats" -- st
	expect_bad "command '" "is unknown" -- "$long"
	expect_bad "invalid VIP '1111111111" "not a valid IPv4 or IPv6 address" -- vip "$long"
	expect_bad "invalid VIP '10.0.0.10:1111111111" "port must be 1-65535" -- vip "$IP4_LB:$long"
	expect_bad "invalid backend address '1111111111" "not a valid IPv4 or IPv6 address" -- backend "$v4" "$long"
	expect_bad "invalid VIP '10.0.0.10:80?extra line'" -- vip "$IP4_LB:80"$'\n'"extra line"
	expect_bad "invalid interface name" "1 to 15 characters" -- unload "$long"
	# control
	expect_change vip 10.0.0.20:80
	cli_done
}

test_cli_bad_option_values()
{
	local v4="$IP4_LB:8000"
	cli_setup
	expect_bad "invalid ring size '4'" "must be a prime number" -- vip --ring-size 4 10.0.0.20:80
	expect_bad "invalid ring size '1'" "from 2 to 131071" -- vip --ring-size 1 10.0.0.20:80
	expect_bad "invalid ring size '262139'" "from 2 to 131071" -- vip --ring-size 262139 10.0.0.20:80
	expect_bad "VIP 10.0.0.10:8000/tcp exists with another ring size" -- vip --ring-size 131071 "$v4"
	expect_bad "invalid MAC address 'zz:zz'" "six pairs of hex digits" -- backend --mac zz:zz "$v4" 10.0.0.4
	expect_bad "invalid MAC address '01:02:03:04:05'" "six pairs of hex digits" -- backend --mac 01:02:03:04:05 "$v4" "$IP4_BE1"
	expect_bad "invalid mode 'bogus'" "must be one of native,skb" -- load --mode bogus "$CLI_IF1"
	expect_bad "invalid flows '100'" "from 1024 to" -- load --flows 100 "$CLI_IF1"
	expect_bad "invalid priority '2000'" "from 0 to 1000" -- load --priority 2000 "$CLI_IF1"
	expect_bad "invalid seed 'xyz'" "hex digits" -- load --seed xyz "$CLI_IF1"
	expect_bad "invalid seed '0123456789abcdef0123456789abcdef0'" "1 to 32 hex digits" -- load --seed 0123456789abcdef0123456789abcdef0 "$CLI_IF1"
	expect_bad "--remove takes no --port, --weight or --mac" -- backend --remove --weight 2 "$v4" "$IP4_BE1"
	expect_bad "--remove takes no --port, --weight or --mac" -- backend --remove --port 80 "$v4" "$IP4_BE1"
	expect_bad "--remove takes no --port, --weight or --mac" -- backend --remove --mac 02:00:00:00:00:02 "$v4" "$IP4_BE1"
	expect_bad "invalid interval '0'" "from 1 to 3600" -- stats --interval 0 --count 1
	expect_bad "invalid count 'abc'" "must be an integer" -- stats --count abc
	# controls
	expect_change vip --ring-size 7 10.0.0.21:80
	expect_change backend --mac 02:00:00:00:00:04 "$v4" 10.0.0.4
	cli_done
}

test_cli_not_root()
{
	local v4="$IP4_LB:8000" r='must be run as root'
	# A root directory others cannot search (mode 700: so is the root of
	# the fresh-Debian chroot tool) lets no unprivileged program start at
	# all, xdp-lb or /bin/true: nothing here can be tested then.
	$CLI_NOBODY /bin/true 2>/dev/null ||
		skip "user nobody cannot run programs here (/ has mode $(stat -c %a /))"
	cli_setup
	expect_bad --as "$CLI_NOBODY" "xdp-lb status: $r" -- status
	expect_bad --as "$CLI_NOBODY" "xdp-lb status: $r" -- status --json
	expect_bad --as "$CLI_NOBODY" "xdp-lb vip: $r" -- vip 10.0.0.20:80
	expect_bad --as "$CLI_NOBODY" "xdp-lb vip: $r" -- vip --remove "$v4"
	expect_bad --as "$CLI_NOBODY" "xdp-lb backend: $r" -- backend 10.0.0.10:8000 10.0.0.4
	expect_bad --as "$CLI_NOBODY" "xdp-lb backend: $r" -- backend --weight 5 "$v4" "$IP4_BE1"
	expect_bad --as "$CLI_NOBODY" "xdp-lb backend: $r" -- backend --remove "$v4" "$IP4_BE1"
	expect_bad --as "$CLI_NOBODY" "xdp-lb load: $r" -- load "$CLI_IF1"
	expect_bad --as "$CLI_NOBODY" "xdp-lb unload: $r" -- unload "$HOST_IF"
	expect_bad --as "$CLI_NOBODY" "xdp-lb unload: $r" -- unload --all
	expect_bad --as "$CLI_NOBODY" "xdp-lb stats: $r" -- stats --count 1
	# root, same commands: controls
	expect_change vip 10.0.0.20:80
	expect_change backend --weight 5 "$v4" "$IP4_BE1"
	cli_done
}

# uid 0 without any capability (e.g. a container without CAP_SYS_ADMIN,
# CAP_NET_ADMIN or CAP_BPF): not privileged either.
test_cli_root_without_capabilities()
{
	local v4="$IP4_LB:8000" r='root|privilege|capabilit|not permitted'
	cli_setup
	expect_bad --as "$CLI_NOCAPS" "$r" -- status
	expect_bad --as "$CLI_NOCAPS" "$r" -- status --json
	expect_bad --as "$CLI_NOCAPS" "$r" -- vip 10.0.0.30:80
	expect_bad --as "$CLI_NOCAPS" "$r" -- backend --weight 3 "$v4" "$IP4_BE1"
	expect_bad --as "$CLI_NOCAPS" "$r" -- backend --remove "$v4" "$IP4_BE2"
	expect_bad --as "$CLI_NOCAPS" "$r" -- load "$CLI_IF1"
	expect_bad --as "$CLI_NOCAPS" "$r" -- unload "$HOST_IF"
	expect_bad --as "$CLI_NOCAPS" "$r" -- stats --count 1
	# control
	expect_change vip 10.0.0.30:80
	cli_done
}

test_cli_bpffs_not_mountable()
{
	local b='bpffs is not mounted at' m='mounting it failed' long
	long=$(printf 'a%.0s' {1..5000})
	cli_setup
	expect_bad --as "env XDP_LB_BPFFS=/proc/xlb-nonexistent" "$b /proc/xlb-nonexistent" "$m" -- load "$CLI_IF1"
	expect_bad --as "env XDP_LB_BPFFS=/proc/xlb-nonexistent" "$b /proc/xlb-nonexistent" "$m" -- load --flows 65536 "$CLI_IF1"
	expect_bad --as "env XDP_LB_BPFFS=/proc/xlb-nonexistent" "$b /proc/xlb-nonexistent" "$m" -- load "$HOST_IF"
	expect_bad --as "env XDP_LB_BPFFS=/dev/null" "$b /dev/null" "$m" -- load "$CLI_IF1"
	expect_bad --as "env XDP_LB_BPFFS=/proc/version/bpf" "$b /proc/version/bpf" "$m" -- load "$CLI_IF1"
	expect_bad --as "env XDP_LB_BPFFS=$long" "bpffs path" "XDP_LB_BPFFS" "too long" -- load "$CLI_IF1"
	# no state under a bpffs that is not there
	expect_bad --as "env XDP_LB_BPFFS=/proc/xlb-nonexistent" "xdp-lb is not loaded" "/proc/xlb-nonexistent" -- vip 10.0.0.20:80
	cli_check "an XDP program was attached to $CLI_IF1" test -z "$(cli_xdp_id "$CLI_IF1")"
	# control: the default bpffs, named explicitly
	expect_change --as "env XDP_LB_BPFFS=/sys/fs/bpf" load "$CLI_IF1"
	cli_done
}

test_cli_foreign_xdp_program()
{
	local id0 id1 h='already has XDP program'
	cli_setup
	# plain XDP programs, attached by iproute2 (through in_ns_bpffs: 'ip
	# -n' would write iproute2's tc/globals into some other bpffs)
	check_run in_ns_bpffs "$NS_LB" ip link set dev "$CLI_IF0" xdpdrv \
		obj "$XLB_XDP_PASS_OBJ" sec xdp
	check_run in_ns_bpffs "$NS_LB" ip link set dev "$CLI_IF1" xdpgeneric \
		obj "$XLB_XDP_PASS_OBJ" sec xdp
	id0=$(cli_xdp_id "$CLI_IF0")
	id1=$(cli_xdp_id "$CLI_IF1")
	if [ -z "$id0" ] || [ -z "$id1" ]; then
		fail "xdp_pass is not attached to $CLI_IF0 and $CLI_IF1"
	fi
	echo "xdp_pass attached: $CLI_IF0 (native) id $id0, $CLI_IF1 (generic) id $id1"
	cli_baseline
	expect_bad "$CLI_IF0" "$h 'xdp_pass' (id $id0)" -- load "$CLI_IF0"
	expect_bad "$CLI_IF0" "$h 'xdp_pass' (id $id0)" -- load --mode skb "$CLI_IF0"
	expect_bad "$CLI_IF0" "$h 'xdp_pass' (id $id0)" -- load --priority 10 "$CLI_IF0"
	expect_bad "$CLI_IF1" "$h 'xdp_pass' (id $id1)" -- load "$CLI_IF1"
	expect_bad "$CLI_IF1" "$h 'xdp_pass' (id $id1)" -- load --mode skb "$CLI_IF1"
	expect_bad "$CLI_IF0|$CLI_IF1" "$h" -- load "$CLI_IF1" "$CLI_IF0"
	expect_bad "xdp-lb is not loaded on $CLI_IF0" -- unload "$CLI_IF0"
	cli_check "xdp_pass on $CLI_IF0 is no longer id $id0" test "$(cli_xdp_id "$CLI_IF0")" = "$id0"
	cli_check "xdp_pass on $CLI_IF1 is no longer id $id1" test "$(cli_xdp_id "$CLI_IF1")" = "$id1"
	# control: without the other program, load works
	check_run ip -n "$NS_LB" link set dev "$CLI_IF0" xdpdrv off
	cli_baseline
	expect_change load "$CLI_IF0"
	cli_done
}

test_cli_load_unload_state()
{
	cli_setup
	expect_bad "already loaded on eth0" -- load "$HOST_IF"
	expect_bad "already loaded on eth0" -- load --mode skb "$HOST_IF"
	expect_bad "already loaded on eth0" -- load --flows 65536 "$HOST_IF"
	expect_bad "already loaded on eth0" -- lo "$HOST_IF"
	# one interface already loaded: the other is not loaded either
	expect_bad "already loaded on eth0" -- load "$CLI_IF1" "$HOST_IF"
	expect_bad "interface $CLI_IF1 given twice" -- load "$CLI_IF1" "$CLI_IF1"
	expect_bad "connection table" "65536" "131072" "unload every interface" -- load --flows 131072 "$CLI_IF1"
	expect_bad "xdp-lb is not loaded on lo" -- unload lo
	expect_bad "xdp-lb is not loaded on $CLI_IF1" -- unload "$CLI_IF1"
	expect_bad "xdp-lb is not loaded on $CLI_IF1" -- unload --keep-maps "$CLI_IF1"
	expect_bad "xdp-lb is not loaded on $CLI_IF1" -- unload "$HOST_IF" "$CLI_IF1"
	expect_bad "specify an interface or --all" -- unload
	expect_bad "specify an interface or --all" -- unload --keep-maps
	cli_check "an XDP program was attached to $CLI_IF1" test -z "$(cli_xdp_id "$CLI_IF1")"
	# controls
	expect_change load "$CLI_IF1"
	expect_bad "already loaded on $CLI_IF1" -- load "$CLI_IF1"
	expect_change unload "$CLI_IF1"
	cli_done
}
