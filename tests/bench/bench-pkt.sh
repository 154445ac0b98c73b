#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-pkt.sh [--smoke]: the per-packet suite. Runs build/bench_pkt (which
# makes its own network namespace and leaves nothing behind), writes the
# markdown report to $RESULTS and plots net cost per packet by tracked
# flows to $PLOT. --smoke checks every scenario once, in a few seconds.
#
# Never asserts a timing: the exit status only says whether every scenario
# did what it should (verdicts, output bytes, counters).

cd "$(dirname "$0")" || exit 1
RESULTS=${RESULTS:-$PWD/results.md}
PLOT=${PLOT:-$PWD/results-flows.png}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_TIME=${BENCH_TIME:-0.5}

if [ "$(id -u)" != 0 ]; then
	echo "bench-pkt: must run as root (network namespace, BPF)" >&2
	exit 1
fi
if [ "$1" = "--smoke" ]; then
	exec timeout 120 ./build/bench_pkt --smoke
fi

data=$(mktemp) || exit 1
trap 'rm -f "$data"' EXIT INT TERM

# About 2 minutes of kernel time with the defaults, more on a busy machine;
# the timeout only stops a hung run.
timeout 1200 ./build/bench_pkt --runs "$BENCH_RUNS" --time "$BENCH_TIME" \
	--results "$RESULTS" --data "$data" --plot "$PLOT" || exit 1

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench-pkt: gnuplot is missing (Debian package gnuplot-nox): no plot" >&2
	exit 0
fi
gnuplot -e "data='$data'; out='$PLOT'" plot-flows.gp || {
	echo "bench-pkt: gnuplot failed: no plot" >&2
	exit 1
}
echo "plot: $PLOT"
