#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# multiprog-xdp-filter.sh [--expect-fallback]
#
# Two XDP programs on one interface through libxdp's dispatcher: Debian's
# `xdp-filter load IF`, then `xdp-loader load IF xsk_def_xdp_prog.o` (an
# XDP_PASS program shipped by libxdp). Asserts from `xdp-loader status IF`
# that the interface row shows xdp_dispatcher and that exactly two `=>` rows
# follow, one for xdp-filter's program (xdpfilt_*) and one for xsk_def_prog.
# Then sends a few pings from a peer namespace across the veth and asserts
# they pass through the chain and that xdp-filter's XDP_PASS counter grew.
#
# Meant to run as root INSIDE the guest of tests/vm/run-in-guest.sh (a kernel
# without lockdown). With --expect-fallback it runs the same load steps and
# asserts the opposite, what a locked-down host does: no dispatcher, the
# second program is refused. Exit 0 when the expectation holds, 1 otherwise.
# It only creates a veth pair and one network namespace of its own, and
# removes them on exit.

set -u

MODE=multiprog
[ "${1:-}" = --expect-fallback ] && MODE=fallback

IF=mpx0
PEER=mpx1
NS=mpx-peer-$$
ADDR=10.211.0.1
PEER_ADDR=10.211.0.2
BPF_DIR=/usr/lib/x86_64-linux-gnu/bpf
SECOND_OBJ=$BPF_DIR/xsk_def_xdp_prog.o
SECOND_NAME=xsk_def_prog
PINGS=3

fail()
{
	echo "FAIL: $*"
	exit 1
}

# shellcheck disable=SC2317 # called from the trap
cleanup()
{
	xdp-filter unload "$IF" >/dev/null 2>&1
	xdp-loader unload "$IF" --all >/dev/null 2>&1
	ip link del "$IF" >/dev/null 2>&1
	ip netns del "$NS" >/dev/null 2>&1
}
trap cleanup EXIT

for t in xdp-filter xdp-loader ip; do
	command -v "$t" >/dev/null || fail "$t not found (Debian packages xdp-tools, iproute2)"
done
[ -f "$SECOND_OBJ" ] || fail "$SECOND_OBJ not found (Debian package libxdp1)"

echo "kernel: $(uname -r)"
if [ -r /sys/kernel/security/lockdown ]; then
	lockdown=$(cat /sys/kernel/security/lockdown)
else
	lockdown="(no /sys/kernel/security/lockdown)"
fi
echo "lockdown: $lockdown"
if [ "$MODE" = multiprog ]; then
	case $lockdown in
	*"[none]"*|"(no "*) ;;
	*) fail "lockdown is active ($lockdown): freplace and the dispatcher cannot work here" ;;
	esac
fi

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs"
ip link show "$IF" >/dev/null 2>&1 && fail "interface $IF exists already"
if ! ip link add "$IF" type veth peer name "$PEER" 2>/dev/null; then
	modprobe veth || fail "cannot load the veth module"
	ip link add "$IF" type veth peer name "$PEER" || fail "cannot create veth $IF/$PEER"
fi
ip link set "$IF" up || fail "cannot set $IF up"
ip link set "$PEER" up || fail "cannot set $PEER up"

echo "+ xdp-filter load $IF"
xdp-filter load -v "$IF" 2>&1 || fail "xdp-filter load $IF failed"
echo "+ xdp-loader load $IF $SECOND_OBJ"
xdp-loader load -v "$IF" "$SECOND_OBJ" 2>&1
second_rc=$?
echo "+ xdp-loader status $IF"
status=$(xdp-loader status "$IF" 2>&1)
echo "$status"

# The interface row: "IF  xdp_dispatcher  native ID TAG"; the programs:
# " =>  PRIO  NAME  ID  TAG  ACTIONS".
disp_rows=$(echo "$status" | awk -v ifn="$IF" '$1 == ifn && $2 == "xdp_dispatcher"' | wc -l)
progs=$(echo "$status" | awk -v ifn="$IF" '
	$1 == ifn { inif = ($2 == "xdp_dispatcher"); next }
	$1 == "=>" && inif { print $3; next }
	{ inif = 0 }')
nprogs=$(echo "$progs" | grep -c .)

if [ "$MODE" = fallback ]; then
	[ "$disp_rows" -eq 0 ] || fail "xdp_dispatcher is attached on $IF: this kernel runs the dispatcher"
	[ "$second_rc" -ne 0 ] || fail "the second program loaded without a dispatcher"
	echo "OK: no dispatcher; the second program was refused (single-program fallback)"
	exit 0
fi

[ "$second_rc" -eq 0 ] || fail "xdp-loader load of $SECOND_OBJ failed (status $second_rc)"
[ "$disp_rows" -eq 1 ] || fail "no xdp_dispatcher row for $IF in xdp-loader status"
[ "$nprogs" -eq 2 ] || fail "expected 2 programs under xdp_dispatcher on $IF, found $nprogs: $(echo "$progs" | tr '\n' ' ')"
echo "$progs" | grep -q '^xdpfilt_' || fail "xdp-filter's program (xdpfilt_*) is not under the dispatcher"
echo "$progs" | grep -qx "$SECOND_NAME" || fail "$SECOND_NAME is not under the dispatcher"
echo "OK: xdp_dispatcher on $IF runs: $(echo "$progs" | tr '\n' ' ')"

# Traffic through the chain: pings from a namespace of our own, received on
# $IF, must pass both programs; xdp-filter counts them as XDP_PASS.
pass_count()
{
	xdp-filter status 2>/dev/null | awk '$1 == "XDP_PASS" { print $2; exit }'
}
if command -v ping >/dev/null 2>&1; then
	PING=(ping)
else
	PING=(busybox ping)
fi
ip netns add "$NS" || fail "cannot create namespace $NS"
ip link set "$PEER" netns "$NS" || fail "cannot move $PEER into $NS"
ip addr add "$ADDR/24" dev "$IF" || fail "cannot address $IF"
ip -n "$NS" addr add "$PEER_ADDR/24" dev "$PEER" || fail "cannot address $PEER"
ip -n "$NS" link set "$PEER" up || fail "cannot set $PEER up"
ip -n "$NS" link set lo up
before=$(pass_count)
echo "+ ping -c $PINGS -i 0.2 -w 10 $ADDR (from $NS)"
ip netns exec "$NS" "${PING[@]}" -c "$PINGS" -i 0.2 -w 10 "$ADDR" 2>&1 ||
	fail "pings across the dispatcher chain on $IF were lost"
after=$(pass_count)
echo "xdp-filter XDP_PASS packets: before ${before:-?}, after ${after:-?}"
case "${before:-x}${after:-x}" in *[!0-9]*) fail "cannot read xdp-filter's XDP_PASS counter" ;; esac
[ $((after - before)) -ge "$PINGS" ] ||
	fail "xdp-filter counted $((after - before)) passed packets, expected at least $PINGS"
echo "OK: $PINGS pings passed the chain, counted by xdp-filter"
exit 0
