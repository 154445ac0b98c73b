#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Installs, non-interactively and only when missing, every Debian package that
# building xdp-lb, its tests and its demo need. This is the only place in the
# project that runs apt-get. 'install-deps.sh --list' prints the names only:
# the unit tests check that the build reads, and the tests run, nothing from
# any other package (tests/deps/check-packages.py).

set -e

# Build: tool chain and libraries.
PKGS_BUILD="make gcc libc6-dev pkg-config clang bpftool libbpf-dev libxdp-dev
libelf-dev zlib1g-dev linux-libc-dev"
# Test layers and demo: unit tests, namespaces and traffic, real xdp-filter,
# captures, the QEMU guest (Debian's kernel, busybox for the initramfs).
PKGS_TEST="libcmocka-dev iproute2 ethtool tcpdump curl python3 xdp-tools
nftables socat kmod cpio qemu-system-x86 linux-image-amd64 busybox-static
mandoc groff-base util-linux procps iputils-ping gnuplot-nox"

if [ "${1:-}" = --list ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $PKGS_BUILD $PKGS_TEST
	exit 0
fi

want=""
for p in $PKGS_BUILD $PKGS_TEST; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || want="$want $p"
done

if [ -z "$want" ]; then
	echo "deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$want; run 'make deps' as root" >&2
	exit 1
fi

echo "deps: installing:$want"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $want
