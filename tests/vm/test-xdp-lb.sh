# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# xdp-lb beside xdp-filter under libxdp's dispatcher, on the balancer's eth0
# of the tutorial topology, in a QEMU guest with Debian's kernel (the host
# kernel is locked down and refuses freplace, which the dispatcher needs).
# Sourced by tests/run-shell.sh: each test is a function; 0 = PASS,
# 249 = SKIP, anything else = FAIL.
#
# The checks run in ONE guest boot (tests/vm/guest/xdp-lb-multiprog.sh,
# one scenario per test, sharing one topology): the first test that runs
# boots the guest for every selected test and keeps its output in a mktemp
# directory; each test then reports its own scenario. TESTS="..." selects.
#
# Environment: XDP_LB (xdp-lb binary to test, default the work tree's),
# XLB_VM_TIMEOUT (seconds for the guest run, default 600; it takes about
# 3 minutes on an idle 2-core host),
# XLB_VM_REQUESTS (requests per balanced burst, default 40).
#
# A missing qemu, guest kernel or busybox-static is a FAILURE (run-in-guest.sh
# names the Debian package), not a skip: 'make deps' installs them.

ALL_TESTS="test_filter_then_lb test_lb_then_filter test_filter_denies_while_lb_balances test_unload_either_keeps_other"

XLB_VM_DIR=${TESTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/vm
XLB_VM_TOP=$(cd "$XLB_VM_DIR/../.." && pwd)
XLB_VM_TIMEOUT=${XLB_VM_TIMEOUT:-600}
XLB_VM_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/xdp-lb-vm.XXXXXX")

# the tests of ALL_TESTS that this run selected (TESTS="a b" or all)
_xlb_vm_selected()
{
	local t
	for t in $ALL_TESTS; do
		if [ -z "${TESTS:-}" ] || echo " $TESTS " | grep -q " $t "; then
			echo "$t"
		fi
	done
}

# Boot the guest once for every selected test; later calls reuse the result.
_xlb_vm_run()
{
	local scenarios=() t start rc envs=()

	[ -f "$XLB_VM_CACHE/status" ] && return 0
	for t in $(_xlb_vm_selected); do
		scenarios+=("${t#test_}")
	done
	[ -n "${XDP_LB:-}" ] && envs+=("XDP_LB=$XDP_LB")
	[ -n "${XLB_VM_REQUESTS:-}" ] && envs+=("XLB_VM_REQUESTS=$XLB_VM_REQUESTS")
	echo "booting the guest for: ${scenarios[*]} (at most $XLB_VM_TIMEOUT s)"
	start=$SECONDS
	"$XLB_VM_DIR/run-in-guest.sh" --timeout "$XLB_VM_TIMEOUT" --mem 2048 -- \
		env "${envs[@]}" "$XLB_VM_DIR/guest/xdp-lb-multiprog.sh" \
		"${scenarios[@]}" >"$XLB_VM_CACHE/output" 2>&1
	rc=$?
	echo "$((SECONDS - start))" >"$XLB_VM_CACHE/seconds"
	echo "$rc" >"$XLB_VM_CACHE/status"
}

# lines between "=== BEGIN NAME" and "=== END NAME" of the guest's output
_xlb_vm_section()
{
	awk -v n="$1" '$0 == "=== BEGIN " n { on = 1; next }
		$0 == "=== END " n { on = 0 } on' "$XLB_VM_CACHE/output"
}

# _xlb_vm_check TEST: run (or reuse) the guest; PASS iff its scenario passed.
_xlb_vm_check()
{
	local t=$1 s=${1#test_} result rc secs req

	: >"$XLB_VM_CACHE/reported-$t"
	for req in "${XDP_LB:-$XLB_VM_TOP/xdp-lb/xdp-lb}" \
		   "$XLB_VM_TOP/tests/build/xdp_pass.bpf.o"; do
		if [ ! -e "$req" ]; then
			echo "FAIL: $req is missing: run 'make && make -C tests net-helpers' first"
			return 1
		fi
	done
	_xlb_vm_run
	rc=$(cat "$XLB_VM_CACHE/status")
	secs=$(cat "$XLB_VM_CACHE/seconds")
	echo "guest run (shared by: $(_xlb_vm_selected | tr '\n' ' ')): $secs s wall time, status $rc"
	_xlb_vm_section setup | head -n 6
	result=$(grep "^RESULT $s " "$XLB_VM_CACHE/output" | tail -n 1)
	if [ -z "$result" ]; then
		# the guest did not get to this scenario: show why
		echo "--- end of the guest's output:"
		tail -n 40 "$XLB_VM_CACHE/output"
		case $rc in
		124) echo "FAIL: the guest timed out (${XLB_VM_TIMEOUT} s) before scenario $s finished" ;;
		125) echo "FAIL: the guest ended without a status (boot failure?)" ;;
		*) echo "FAIL: no result for scenario $s (guest status $rc)" ;;
		esac
		return 1
	fi
	echo "--- scenario $s:"
	_xlb_vm_section "$s"
	echo "$result"
	[ "$result" = "RESULT $s PASS" ]
}

test_filter_then_lb()
{
	_xlb_vm_check "${FUNCNAME[0]}"
}

test_lb_then_filter()
{
	_xlb_vm_check "${FUNCNAME[0]}"
}

test_filter_denies_while_lb_balances()
{
	_xlb_vm_check "${FUNCNAME[0]}"
}

test_unload_either_keeps_other()
{
	_xlb_vm_check "${FUNCNAME[0]}"
}

# run-shell.sh calls this after each test: the shared guest output goes
# once the last selected test has reported.
cleanup_tests()
{
	local last
	last=$(_xlb_vm_selected | tail -n 1)
	[ -f "$XLB_VM_CACHE/reported-$last" ] && rm -rf "$XLB_VM_CACHE"
	return 0
}
