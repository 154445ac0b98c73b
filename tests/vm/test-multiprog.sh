# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2016
#
# Multi-program XDP (libxdp dispatcher) tests. They run in a QEMU guest with
# Debian's kernel (tests/vm/run-in-guest.sh) because the host kernel is locked
# down and refuses freplace. Sourced by tests/run-shell.sh: each test is a
# function; 0 = PASS, 249 = SKIP, anything else = FAIL.
#
# A missing qemu, guest kernel or busybox-static is a FAILURE (run-in-guest.sh
# names the Debian package), not a skip: 'make deps' installs them.

ALL_TESTS="test_dispatcher_two_programs"

VM_DIR=${TESTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/vm
VM_TIMEOUT=${VM_TIMEOUT:-300}

# xdp-filter, then a second program on the same veth; xdp-loader status must
# show xdp_dispatcher with both programs, and traffic must pass the chain.
test_dispatcher_two_programs()
{
	local start rc
	start=$SECONDS
	"$VM_DIR/run-in-guest.sh" --timeout "$VM_TIMEOUT" -- \
		"$VM_DIR/guest/multiprog-xdp-filter.sh"
	rc=$?
	echo "guest run: $((SECONDS - start)) s wall time, status $rc"
	[ $rc -eq 0 ] || return 1

	# For the record, not a failure either way: on a locked-down host
	# the same steps must fall back to a single program. Run in private
	# network and mount namespaces, which vanish with everything in them.
	if command -v unshare >/dev/null && command -v xdp-filter >/dev/null; then
		local out hrc
		echo "--- the same steps on the host kernel ($(uname -r)):"
		out=$(unshare --net --mount --propagation private bash -c \
			'mount -t bpf bpf /sys/fs/bpf && exec "$0" --expect-fallback' \
			"$VM_DIR/guest/multiprog-xdp-filter.sh" 2>&1)
		hrc=$?
		echo "$out" | tail -n 3
		if [ $hrc -eq 0 ]; then
			echo "host: single-program fallback, as documented (the VM is needed)"
		else
			echo "NOTE: the host did not fall back as expected; see above"
		fi
	fi
	return 0
}
