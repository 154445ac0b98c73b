#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the given test layers one after the other (each even when an earlier
# one failed), then prints one summary line: "N passed, N failed".
# Every test reports one line "PASS|FAIL|SKIP <layer>/<name>" into
# results/<layer>.txt; this script only counts those lines.
#
# Each layer runs under deps/exec-record, which notes every program the
# layer executes (results/<layer>.execs, the QEMU guest's included); the
# layer's last test, commands_from_installed_packages, checks that each comes
# from a package lib/install-deps.sh installs.

cd "$(dirname "$0")" || exit 1
# The system's programs, as on a fresh machine, before whatever a user put
# first in PATH (a pyenv python3, say).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}
export TESTS_DIR=$PWD
export TOP_DIR=${TOP_DIR:-$(cd .. && pwd)}
mkdir -p results

run_layer()
{
	local layer=$1
	local res=results/$layer.txt

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
}

# The programs the layer ran come from packages install-deps installs.
check_commands()
{
	local layer=$1 log=$2 res=results/$1.txt name out rc
	name=$layer/commands_from_installed_packages
	out=$(python3 deps/check-packages.py execs "$log" 2>&1)
	rc=$?
	case $rc in
	0) echo "PASS $name" >>"$res"; echo "  [commands_from_installed_packages] PASS" ;;
	3) echo "SKIP $name" >>"$res"; echo "  [commands_from_installed_packages] SKIPPED"
	   echo "$out" | sed 's/^/    /' ;;
	*) echo "FAIL $name" >>"$res"; echo "  [commands_from_installed_packages] FAIL"
	   echo "$out" | sed 's/^/    /' ;;
	esac
}

run_recorded()
{
	local layer=$1
	local res=results/$layer.txt log=$PWD/results/$layer.execs

	: >"$res"
	rm -f "$log"
	echo "=== layer: $layer"
	if [ -x build/exec-record ] && [ "$(id -u)" -eq 0 ]; then
		XLB_EXEC_RECORD=$log build/exec-record "$log" -- "$0" --layer "$layer"
	else
		echo "# not recorded: build/exec-record missing or not root" >"$log"
		run_layer "$layer"
	fi
	check_commands "$layer" "$log"
	local p f s
	p=$(grep -c '^PASS ' "$res")
	f=$(grep -c '^FAIL ' "$res")
	s=$(grep -c '^SKIP ' "$res")
	echo "=== layer $layer: $p passed, $f failed, $s skipped"
	if ! grep -v '/commands_from_installed_packages$' "$res" | grep -qE '^(PASS|FAIL) '; then
		echo "FAIL $layer/no-tests-ran" >>"$res"
		echo "=== layer $layer ran no test: counted as a failure"
	fi
}

if [ "${1:-}" = --layer ]; then
	run_layer "$2"
	exit 0
fi

[ $# -gt 0 ] || set -- unit bpf net vm
for layer in "$@"; do
	run_recorded "$layer"
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
