#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the given test layers one after the other (each even when an earlier
# one failed), then prints one summary line: "N passed, N failed".
# Every test reports one line "PASS|FAIL|SKIP <layer>/<name>" into
# results/<layer>.txt; this script only counts those lines.

cd "$(dirname "$0")" || exit 1
export TESTS_DIR=$PWD
export TOP_DIR=${TOP_DIR:-$(cd .. && pwd)}
mkdir -p results

run_layer()
{
	local layer=$1
	local res=results/$layer.txt

	: >"$res"
	echo "=== layer: $layer"
	case $layer in
	unit)
		for t in build/unit/test_*; do
			[ -x "$t" ] && ./run-cmocka.sh unit "$t" "$res"
		done
		for t in unit/*.sh; do
			[ -f "$t" ] && ./run-shell.sh unit "$t" "$res"
		done
		;;
	bpf)
		for t in build/bpf/test_*; do
			[ -x "$t" ] && ./run-cmocka.sh bpf "$t" "$res"
		done
		;;
	net)
		for t in net/test-*.sh; do
			[ -f "$t" ] && ./run-shell.sh net "$t" "$res"
		done
		;;
	vm)
		for t in vm/test-*.sh; do
			[ -f "$t" ] && ./run-shell.sh vm "$t" "$res"
		done
		;;
	*)
		echo "unknown test layer '$layer' (valid: unit bpf net vm)" >&2
		echo "FAIL $layer/unknown-layer" >>"$res"
		;;
	esac
	local p f s
	p=$(grep -c '^PASS ' "$res")
	f=$(grep -c '^FAIL ' "$res")
	s=$(grep -c '^SKIP ' "$res")
	echo "=== layer $layer: $p passed, $f failed, $s skipped"
	if [ "$((p + f))" -eq 0 ]; then
		echo "FAIL $layer/no-tests-ran" >>"$res"
		echo "=== layer $layer ran no test: counted as a failure"
	fi
}

[ $# -gt 0 ] || set -- unit bpf net vm
for layer in "$@"; do
	run_layer "$layer"
done

total_p=0 total_f=0 total_s=0
for layer in "$@"; do
	total_p=$((total_p + $(grep -c '^PASS ' "results/$layer.txt")))
	total_f=$((total_f + $(grep -c '^FAIL ' "results/$layer.txt")))
	total_s=$((total_s + $(grep -c '^SKIP ' "results/$layer.txt")))
done
if [ "$total_f" -gt 0 ]; then
	echo "Failed tests:"
	for layer in "$@"; do grep '^FAIL ' "results/$layer.txt" | sed 's/^/  /'; done
fi
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
