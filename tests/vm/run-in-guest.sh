#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-in-guest.sh [--timeout SECONDS] [--mem MB] -- COMMAND [ARGS...]
#
# Runs COMMAND as root inside a throw-away QEMU guest that boots Debian's own
# kernel (package linux-image-amd64, no lockdown) under software emulation
# (TCG), with the host root filesystem shared read-only over virtio-9p. Used
# for what the host kernel refuses (freplace, hence libxdp's multi-program
# dispatcher). COMMAND runs in the caller's working directory; its stdout and
# stderr (merged) are printed here once it is done, and this script exits with
# COMMAND's exit status.
#
# Exit status: COMMAND's, or
#   2    a requirement is missing (the message names the Debian package)
#   124  the timeout (default 300 s) was exceeded; qemu was killed
#   125  the guest ended without reporting a status (boot failure, panic)
#
# Environment: KEEP_VM_RUN=1 keeps the per-run directory (console log, output);
# VM_KERNEL_VERSION=6.1.0-NN-amd64 picks a kernel; VM_APPEND adds kernel
# command-line arguments; VM_VERBOSE=1 prints progress messages;
# XLB_EXEC_RECORD=LOG appends what the guest executes to LOG (exec-record).

set -u

ME=run-in-guest
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
SCRIPT_DIR=$(dirname "$SCRIPT")
VM_BUILD_DIR=${VM_BUILD_DIR:-$(dirname "$SCRIPT_DIR")/build/vm}

timeout_s=300
mem_mb=2048

usage()
{
	echo "usage: $0 [--timeout SECONDS] [--mem MB] -- COMMAND [ARGS...]" >&2
	exit 2
}

say() { echo "$ME: $*" >&2; }
info() { [ "${VM_VERBOSE:-0}" = 1 ] && say "$@"; return 0; }
die() { say "$*"; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--timeout=*) timeout_s=${1#*=}; shift ;;
	--mem) [ $# -ge 2 ] || usage; mem_mb=$2; shift 2 ;;
	--mem=*) mem_mb=${1#*=}; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	-*) say "unknown option '$1'"; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
case $timeout_s in ''|*[!0-9]*) say "--timeout needs a number of seconds"; usage ;; esac
case $mem_mb in ''|*[!0-9]*) say "--mem needs a number of megabytes"; usage ;; esac

# ---------------------------------------------------------------- requirements
# One line naming the missing piece and its Debian package, exit 2.
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	die "qemu-system-x86_64 not found: install Debian package qemu-system-x86 ('make deps' as root)"
command -v cpio >/dev/null 2>&1 ||
	die "cpio not found: install Debian package cpio ('make deps' as root)"
command -v gzip >/dev/null 2>&1 ||
	die "gzip not found: install Debian package gzip"
BUSYBOX=/bin/busybox
# static: no program interpreter (not ldd, which runs every loader it knows)
if [ ! -x "$BUSYBOX" ] || LC_ALL=C readelf -l "$BUSYBOX" 2>&1 | grep -q 'program interpreter'; then
	die "static $BUSYBOX not found: install Debian package busybox-static ('make deps' as root)"
fi
command -v modprobe >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
command -v modprobe >/dev/null 2>&1 ||
	die "modprobe not found: install Debian package kmod"

# The newest /boot/vmlinuz-*-amd64 whose modules are installed.
pick_kernel()
{
	local v k
	if [ -n "${VM_KERNEL_VERSION:-}" ]; then
		echo "$VM_KERNEL_VERSION"
		return
	fi
	for k in /boot/vmlinuz-*-amd64; do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		[ -f "/lib/modules/$v/modules.dep" ] && echo "$v"
	done | sort -V | tail -n 1
}
KVER=$(pick_kernel)
if [ -z "$KVER" ] || [ ! -r "/boot/vmlinuz-$KVER" ] || [ ! -f "/lib/modules/$KVER/modules.dep" ]; then
	die "no Debian kernel /boot/vmlinuz-*-amd64 with modules in /lib/modules: install Debian package linux-image-amd64 ('make deps' as root)"
fi
KERNEL=/boot/vmlinuz-$KVER

mkdir -p "$VM_BUILD_DIR" || die "cannot create $VM_BUILD_DIR"

# -------------------------------------------------------------- guest scripts
# Stage 1, /init of the initramfs (busybox sh): load the 9p/virtio modules,
# mount the host root read-only, a tmpfs on its /run, the writable share on
# /run/vm-io, then switch_root into stage 2.
read -r -d '' STAGE1 <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /newroot
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
fail() {
	echo "vm-stage1: $*" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 30
	exit 1
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
while read -r m; do
	insmod "/modules/$m" || fail "insmod $m failed"
done </modules.list
mount_9p() {
	# The virtio device may register a moment after insmod: bounded retry.
	i=0
	while [ $i -lt 100 ]; do
		mount -t 9p -o "$1" "$2" "$3" 2>/dev/null && return 0
		i=$((i + 1))
		sleep 0.1
	done
	mount -t 9p -o "$1" "$2" "$3"
}
mount_9p trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /newroot ||
	fail "cannot mount the host root (9p tag hostroot)"
mount -t tmpfs -o mode=0755 tmpfs /newroot/run || fail "tmpfs on /run"
mkdir -p /newroot/run/vm-io
mount_9p trans=virtio,version=9p2000.L,rw,msize=262144 vmio /newroot/run/vm-io ||
	fail "cannot mount the result share (9p tag vmio)"
cp /stage2 /newroot/run/vm-init && chmod 0755 /newroot/run/vm-init || fail "copy stage2"
# A busybox on tmpfs for the last moments, when 9p may be gone already.
cp /bin/busybox /newroot/run/vm-busybox
umount /proc /sys
umount /dev 2>/dev/null
exec switch_root /newroot /run/vm-init
fail "switch_root failed"
EOF

# Stage 2, runs on the (read-only) host root as PID 1 with the host's
# /bin/sh: mount the pseudo filesystems, run /run/vm-io/cmd, report its
# output and status into /run/vm-io, power off.
read -r -d '' STAGE2 <<'EOF'
#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
IO=/run/vm-io
log() { echo "vm-init: $*" >/dev/console 2>/dev/null || echo "vm-init: $*"; }
poweroff_now() {
	sync
	umount $IO 2>/dev/null
	echo o >/proc/sysrq-trigger
	# Power-off runs asynchronously and shuts 9p down: wait from tmpfs.
	# Should it not happen, init exits after 60 s, the kernel panics and
	# panic=-1 with qemu's -no-reboot ends the VM.
	exec /run/vm-busybox sleep 60
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
[ -L /var/run ] || mount -t tmpfs -o mode=0755 tmpfs /var/run
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t bpf -o mode=0700 bpf /sys/fs/bpf || log "cannot mount bpffs"
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /run/netns /run/lock
ip link set lo up 2>/dev/null || busybox ip link set lo up
hostname xdp-lb-vm 2>/dev/null
echo 1 >/proc/sys/kernel/sysrq
# The caller's tree, when it lies where the guest has its own tmpfs.
if [ -r $IO/extra_path ]; then
	x=$(cat $IO/extra_path)
	mkdir -p "$x" &&
		mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose extra "$x" ||
		log "cannot mount the shared tree at $x"
fi
[ -r $IO/cmd ] || { log "no $IO/cmd"; poweroff_now; }
/bin/bash $IO/cmd </dev/null >$IO/output 2>&1
rc=$?
echo $rc >$IO/status.tmp && mv $IO/status.tmp $IO/status
log "command exited with status $rc"
poweroff_now
EOF

# ------------------------------------------------------------------ initramfs
# Cached per kernel version and content of this script.
script_hash=$(sha256sum "$SCRIPT" | cut -c1-12)
INITRAMFS=$VM_BUILD_DIR/initramfs-$KVER-$script_hash.cpio.gz

# Module paths in load order: each list is dependency-ordered by modprobe,
# duplicates keep their first position.
module_paths()
{
	local m line
	for m in virtio_pci 9pnet_virtio 9p; do
		modprobe -S "$KVER" --show-depends "$m" ||
			{ echo "ERROR $m"; continue; }
	done | while read -r line; do
		case $line in
		insmod\ *) line=${line#insmod }; echo "${line%% *}" ;;
		builtin\ *) ;;
		*) echo "ERROR $line" ;;
		esac
	done | awk '!seen[$0]++'
}

build_initramfs()
{
	local tmp p name
	tmp=$(mktemp -d "$VM_BUILD_DIR/initramfs.XXXXXX") || return 1
	(
		set -e
		cd "$tmp"
		mkdir -p root/bin root/modules
		cp "$BUSYBOX" root/bin/busybox
		: >root/modules.list
		module_paths >paths
		if grep -q '^ERROR' paths; then
			echo "cannot resolve modules: $(grep '^ERROR' paths | tr '\n' ' ')" >&2
			exit 1
		fi
		while read -r p; do
			name=$(basename "$p")
			case $p in
			*.ko) cp "$p" "root/modules/$name" ;;
			*.ko.xz) name=${name%.xz}; xz -dc "$p" >"root/modules/$name" ;;
			*.ko.zst) name=${name%.zst}; zstd -qdc "$p" >"root/modules/$name" ;;
			*.ko.gz) name=${name%.gz}; gzip -dc "$p" >"root/modules/$name" ;;
			*) echo "unknown module format: $p" >&2; exit 1 ;;
			esac
			echo "$name" >>root/modules.list
		done <paths
		printf '%s\n' "$STAGE1" >root/init
		printf '%s\n' "$STAGE2" >root/stage2
		chmod 0755 root/init root/stage2
		(cd root && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 >initramfs.cpio.gz
	) && mv -f "$tmp/initramfs.cpio.gz" "$INITRAMFS"
	local rc=$?
	[ $rc -eq 0 ] && info "modules: $(tr '\n' ' ' <"$tmp/root/modules.list")"
	rm -rf "$tmp"
	return $rc
}

if [ ! -s "$INITRAMFS" ]; then
	info "building $INITRAMFS"
	build_initramfs || die "building the guest initramfs failed (kernel $KVER)"
	# Drop images of earlier versions of this script (qemu reads its
	# initramfs at start, so running guests are not affected).
	find "$VM_BUILD_DIR" -maxdepth 1 -name 'initramfs-*.cpio.gz' \
		! -name "${INITRAMFS##*/}" -delete 2>/dev/null
fi

# -------------------------------------------------------------------- the run
RUN=$(mktemp -d "$VM_BUILD_DIR/run.XXXXXX") || die "cannot create a run directory in $VM_BUILD_DIR"
QEMU_PID=

# shellcheck disable=SC2317 # called from the trap
cleanup()
{
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill -KILL "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	if [ "${KEEP_VM_RUN:-0}" = 1 ]; then
		say "kept run directory $RUN"
	else
		rm -rf "$RUN"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$RUN/io"
GUEST_RECORD=
if [ -n "${XLB_EXEC_RECORD:-}" ] && [ -x "$SCRIPT_DIR/../build/exec-record" ]; then
	GUEST_RECORD=$(cd "$SCRIPT_DIR/../build" && pwd)/exec-record
fi
# The command as a bash script: cd to the caller's directory, exec COMMAND.
# shellcheck disable=SC2016 # $dir is expanded in the guest
{
	printf 'dir=%q\n' "$PWD"
	printf 'cd -- "$dir" 2>/dev/null || {\n'
	printf '\techo "run-in-guest: the working directory $dir is not visible in the guest (the guest has its own /tmp, /var/tmp, /run, /dev)" >&2\n'
	printf '\texit 125\n}\n'
	printf 'exec'
	# the programs the guest runs count as the caller's (run-tests.sh)
	[ -n "$GUEST_RECORD" ] && printf ' %q /run/vm-io/execs --' "$GUEST_RECORD"
	printf ' %q' "$@"
	printf '\n'
} >"$RUN/io/cmd"

# The host root is shared read-only, but the guest has its own /tmp,
# /var/tmp, /run and /dev: a source tree there (a CI clone in /tmp, say)
# gets a read-only share of its own, mounted at the same path.
SHARE_DIR=${VM_SHARE_DIR:-$(cd "$(dirname "$SCRIPT")/../.." && pwd)}
EXTRA_SHARE=()
case $SHARE_DIR/ in
/tmp/*|/var/tmp/*|/run/*|/dev/*)
	EXTRA_SHARE=(-fsdev "local,id=x,path=$SHARE_DIR,security_model=none,readonly=on,multidevs=remap"
		     -device virtio-9p-pci,fsdev=x,mount_tag=extra)
	printf '%s\n' "$SHARE_DIR" >"$RUN/io/extra_path"
	;;
esac

APPEND="console=ttyS0 panic=-1 oops=panic quiet mitigations=off rdinit=/init ${VM_APPEND:-}"

info "kernel $KVER, ${mem_mb} MB, timeout ${timeout_s} s, run dir $RUN"
start=$SECONDS
qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -m "$mem_mb" -smp 2 \
	-nographic -no-reboot -nic none \
	-kernel "$KERNEL" -initrd "$INITRAMFS" -append "$APPEND" \
	-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
	-fsdev "local,id=o,path=$RUN/io,security_model=none,multidevs=remap" \
	-device virtio-9p-pci,fsdev=o,mount_tag=vmio \
	"${EXTRA_SHARE[@]}" \
	</dev/null >"$RUN/console.log" 2>&1 &
QEMU_PID=$!

# Bounded wait: poll every 0.2 s until qemu exits or the timeout passes.
timed_out=0
deadline=$((SECONDS + timeout_s))
while kill -0 "$QEMU_PID" 2>/dev/null; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		timed_out=1
		kill -KILL "$QEMU_PID" 2>/dev/null
		break
	fi
	sleep 0.2
done
wait "$QEMU_PID" 2>/dev/null
qemu_rc=$?
QEMU_PID=
info "guest ran $((SECONDS - start)) s (qemu status $qemu_rc)"

show_console_tail()
{
	grep -a -m 5 -E 'Kernel panic|vm-stage1:|vm-init:|Oops|BUG:' "$RUN/console.log" |
		sed "s/^/$ME: console: /" >&2
	say "last lines of the guest console ($RUN/console.log):"
	tail -n 25 "$RUN/console.log" | sed 's/^/  | /' >&2
}

[ -f "$RUN/io/output" ] && cat "$RUN/io/output"
[ -n "$GUEST_RECORD" ] && [ -f "$RUN/io/execs" ] && cat "$RUN/io/execs" >>"$XLB_EXEC_RECORD"

if [ $timed_out = 1 ]; then
	say "timeout: the guest did not finish within $timeout_s s; qemu killed"
	show_console_tail
	exit 124
fi
if [ ! -f "$RUN/io/status" ]; then
	say "the guest ended without reporting an exit status (qemu status $qemu_rc)"
	show_console_tail
	exit 125
fi
rc=$(cat "$RUN/io/status")
case $rc in ''|*[!0-9]*) say "bad status '$rc' from the guest"; show_console_tail; exit 125 ;; esac
[ "$rc" -ne 0 ] && [ "${VM_VERBOSE:-0}" = 1 ] && show_console_tail
exit "$rc"
