# SPDX-License-Identifier: GPL-2.0
# A fresh Debian 12 machine gets exactly what lib/install-deps.sh installs:
# every file the build reads outside the tree (headers, libraries, start
# files) must come from those packages, and BPF objects must read no C
# library header at all. The commands each test layer runs are checked the
# same way by run-tests.sh (exec-record, "commands_from_installed_packages").
# The last tests prove the checks catch what they are for. Sourced by
# tests/run-shell.sh.

ALL_TESTS="test_build_reads_installed_packages test_every_build_step_recorded
test_bpf_objects_read_no_libc test_check_names_unlisted_package
test_check_refuses_libc_in_bpf test_exec_record_names_unlisted_command"

PKG_CHECK=$TOP_DIR/tests/deps/check-packages.py
EXEC_RECORD=$TOP_DIR/tests/build/exec-record
# where the build writes its dependency files (*.d, *.ld.d)
BUILD_DIRS="$TOP_DIR/lib $TOP_DIR/xdp-lb $TOP_DIR/tests/build $TOP_DIR/tests/bench/build"

_pkg_python()
{
	command -v python3 >/dev/null || { echo "python3 is missing"; return 1; }
	command -v dpkg-query >/dev/null || { echo "not a Debian system: no dpkg-query"; return 1; }
}

test_build_reads_installed_packages()
{
	_pkg_python || return 1
	# shellcheck disable=SC2086
	python3 "$PKG_CHECK" build $BUILD_DIRS
}

# The check above only sees steps that wrote a dependency file: every object
# and program of the build must have one, or a new Makefile rule could slip
# past it.
test_every_build_step_recorded()
{
	local f rc=0 n=0
	# shellcheck disable=SC2086
	for f in $(find $BUILD_DIRS -name '*.o' -o -name '*.bpf.o'); do
		n=$((n + 1))
		[ -s "$f.d" ] || { echo "no dependency file for $f"; rc=1; }
	done
	for f in "$TOP_DIR/xdp-lb/xdp-lb" "$TOP_DIR"/tests/build/unit/test_* \
		 "$TOP_DIR"/tests/build/bpf/test_* "$TOP_DIR"/tests/bench/build/bench_pkt \
		 "$TOP_DIR"/tests/bench/build/bench_e2e "$EXEC_RECORD"; do
		case $f in *.d|*.o) continue ;; esac
		n=$((n + 1))
		[ -x "$f" ] || { echo "not built: $f"; rc=1; continue; }
		[ -s "$f.ld.d" ] || { echo "no linker dependency file for $f"; rc=1; }
	done
	echo "$n build products checked"
	[ "$n" -ge 30 ] || { echo "too few build products: is the tree built?"; rc=1; }
	return $rc
}

# The cause of the fresh-machine failure itself: glibc's headers under
# -target bpf. A direct look, independent of dpkg.
test_bpf_objects_read_no_libc()
{
	local d rc=0 n=0
	# shellcheck disable=SC2086
	for d in $(find $BUILD_DIRS -name '*.bpf.o.d'); do
		n=$((n + 1))
		if grep -qE '/usr/include/(features\.h|([^ ]*/)?gnu/stubs|([^ ]*/)?sys/)' "$d"; then
			echo "$d: a BPF object reads glibc headers:"
			grep -oE '/usr/include/[^ ]*(features\.h|gnu/stubs[^ ]*|sys/[^ ]*)' "$d" | sort -u | sed 's/^/  /'
			rc=1
		fi
		grep -q 'linux/bpf\.h' "$d" || { echo "$d lists no linux/bpf.h: not a BPF compile?"; rc=1; }
	done
	[ "$n" -ge 4 ] || { echo "only $n BPF dependency files found"; rc=1; }
	return $rc
}

# With libxdp-dev left out of the list, the same build must fail the check
# and name the header and the package.
test_check_names_unlisted_package()
{
	local list out rc
	_pkg_python || return 1
	list=$(mktemp)
	sh "$TOP_DIR/lib/install-deps.sh" --list | grep -vx 'libxdp-dev' >"$list"
	# shellcheck disable=SC2086
	out=$(python3 "$PKG_CHECK" --install-list "$list" build $BUILD_DIRS)
	rc=$?
	rm -f "$list"
	echo "$out"
	[ $rc -eq 1 ] || { echo "expected exit status 1, got $rc"; return 1; }
	grep -q '^/usr/include/xdp/libxdp.h: from package libxdp-dev, which lib/install-deps.sh does not install' <<<"$out" &&
		grep -q 'libxdp.so: from package libxdp-dev' <<<"$out"
}

test_check_refuses_libc_in_bpf()
{
	local dir out rc
	_pkg_python || return 1
	dir=$(mktemp -d)
	printf 'x.bpf.o: x.bpf.c /usr/include/linux/bpf.h \\\n /usr/include/features.h\n' >"$dir/x.bpf.o.d"
	out=$(python3 "$PKG_CHECK" build "$dir")
	rc=$?
	rm -rf "$dir"
	echo "$out"
	[ $rc -eq 1 ] && grep -q '^/usr/include/features.h: a C library header in a BPF object' <<<"$out"
}

# exec-record sees what runs below it, whoever starts it (shell, Python, an
# orphan), and the check names a command whose package is not listed.
test_exec_record_names_unlisted_command()
{
	local dir out rc
	_pkg_python || return 1
	[ "$(id -u)" = 0 ] || return "$SKIPPED_TEST"
	[ -x "$EXEC_RECORD" ] || { echo "$EXEC_RECORD not built"; return 1; }
	dir=$(mktemp -d)
	# the inner subshell is orphaned at once: what it runs later is
	# recorded only if exec-record adopted it (child subreaper)
	"$EXEC_RECORD" "$dir/log" -- /bin/sh -c '
		/usr/bin/python3 -c "import subprocess; subprocess.run([\"/usr/bin/curl\", \"--version\"], stdout=subprocess.DEVNULL)"
		( ( /usr/bin/sleep 0.1; /usr/bin/basename x >/dev/null ) & )
		/usr/bin/sleep 1'
	rc=$?
	echo "recorded:"; sed 's/^/  /' "$dir/log"
	if [ $rc -ne 0 ] || grep -q '^# not recorded' "$dir/log"; then
		rm -rf "$dir"
		echo "exec-record failed (status $rc)"
		return 1
	fi
	for f in /usr/bin/dash /usr/bin/python3 /usr/bin/curl /usr/bin/sleep \
		 /usr/bin/basename; do
		grep -qx "$(readlink -f $f)" "$dir/log" || grep -qx "$f" "$dir/log" ||
			{ echo "missing from the record: $f"; rm -rf "$dir"; return 1; }
	done
	sh "$TOP_DIR/lib/install-deps.sh" --list | grep -vx 'curl' >"$dir/list"
	out=$(python3 "$PKG_CHECK" --install-list "$dir/list" execs "$dir/log")
	rc=$?
	rm -rf "$dir"
	echo "$out"
	[ $rc -eq 1 ] && grep -q '^/usr/bin/curl: from package curl, which lib/install-deps.sh does not install' <<<"$out"
}
