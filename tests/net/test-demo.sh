#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's first command ends in tests/demo.sh: it must balance every
# request and leave nothing behind. Running it here also puts the programs
# it runs under the layer's packages check (run-tests.sh).
#   cd tests && ./run-shell.sh net net/test-demo.sh /tmp/r.txt

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOP_DIR=${TOP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# shellcheck disable=SC2034 # read by run-shell.sh
ALL_TESTS="test_demo"

test_demo()
{
	local out rc topo b n
	[ "$(id -u)" = 0 ] || skip "the demo needs root"
	out=$(timeout 300 bash "$TOP_DIR/tests/demo.sh" 2>&1)
	rc=$?
	echo "$out" | tail -n 40
	[ $rc -eq 0 ] || fail "the demo exited with status $rc"
	grep -qx 'demo: OK, all 120 requests were balanced by xdp-lb' <<<"$out" ||
		fail "the demo did not report 120 balanced requests"
	for b in backend1 backend2; do
		n=$(awk -v b="$b" '$1 == b && $3 == "requests" { print $2 }' <<<"$out")
		[ "${n:-0}" -gt 0 ] || fail "$b got no request"
	done
	topo=$(sed -n 's/^topology \(xlb-[0-9]*-[0-9a-f]*\) created$/\1/p' <<<"$out")
	[ -n "$topo" ] || fail "the demo did not say which topology it made"
	ip netns list | grep -q "^$topo-" && fail "the demo left namespaces of $topo"
	[ -e "$XLB_STATE_BASE/$topo" ] && fail "the demo left $XLB_STATE_BASE/$topo"
	return 0
}
