#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-shell.sh LAYER FILE RESULTS: runs the shell tests of FILE in the
# xdp-tools manner. FILE defines ALL_TESTS (function names) and may define
# cleanup_tests. Each test runs in its own subshell; exit 0 is PASS, 249 is
# SKIP, anything else FAIL (its output is shown indented). TESTS="a b"
# restricts the run, V=1 shows all output.
layer=$1 file=$2 res=$3
export TESTS_DIR=${TESTS_DIR:-$(cd "$(dirname "$0")" && pwd)}
export TOP_DIR=${TOP_DIR:-$(cd "$TESTS_DIR/.." && pwd)}
SKIPPED_TEST=249

# shellcheck disable=SC1090
. "$file"
for t in $ALL_TESTS; do
	if [ -n "$TESTS" ] && ! echo " $TESTS " | grep -q " $t "; then
		continue
	fi
	out=$(mktemp)
	( set -o pipefail; "$t" ) >"$out" 2>&1
	rc=$?
	if declare -F cleanup_tests >/dev/null; then
		cleanup_tests >>"$out" 2>&1
	fi
	if [ $rc -eq 0 ]; then
		echo "PASS $layer/$t" >>"$res"; echo "  [$t] PASS"
		[ -n "$V" ] && sed 's/^/    /' "$out"
	elif [ $rc -eq $SKIPPED_TEST ]; then
		echo "SKIP $layer/$t" >>"$res"; echo "  [$t] SKIPPED"
		sed 's/^/    /' "$out" | tail -n 3
	else
		echo "FAIL $layer/$t" >>"$res"; echo "  [$t] FAIL (status $rc)"
		sed 's/^/    /' "$out" | tail -n 60
	fi
	rm -f "$out"
done
