#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-cmocka.sh LAYER BINARY RESULTS: runs one cmocka binary with TAP output
# and appends one PASS/FAIL/SKIP line per test case to RESULTS.
layer=$1 bin=$2 res=$3
name=$(basename "$bin")
out=$(mktemp)
CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$bin" >"$out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"not ok "*"# SKIP"*)
		t=${line##*# SKIP }; echo "SKIP $layer/$name:$t" >>"$res"
		echo "  [$name:$t] SKIPPED" ;;
	"not ok "*" - "*)
		t=${line#*- }; echo "FAIL $layer/$name:$t" >>"$res"
		echo "  [$name:$t] FAIL" ;;
	"ok "*" - "*)
		t=${line#*- }; echo "PASS $layer/$name:$t" >>"$res"
		echo "  [$name:$t] PASS" ;;
	esac
done <"$out"
if [ $rc -ne 0 ] || grep -q '^not ok' "$out" || [ -n "$V" ]; then
	grep -v -E '^(ok |1\.\.)' "$out" | sed 's/^/    /'
fi
# A crash or timeout before the first test case still has to count.
if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
	echo "FAIL $layer/$name:exit-status-$rc" >>"$res"
	echo "  [$name] FAIL (exit status $rc)"
fi
rm -f "$out"
