# SPDX-License-Identifier: GPL-2.0
# configure's error paths: every missing piece is named together with the
# Debian package that provides it, and configure exits non-zero without
# touching an existing config.mk. Sourced by tests/run-shell.sh.

ALL_TESTS="test_configure_ok test_configure_missing_clang test_configure_missing_bpftool
test_configure_needs_no_llc test_configure_missing_pkgconfig_modules test_configure_keeps_config"

# Runs configure in a scratch copy so the real config.mk is never touched.
cfg_run()
{
	local dir
	dir=$(mktemp -d)
	cp "$TOP_DIR/configure" "$dir/"
	(cd "$dir" && env "$@" sh ./configure) >"$dir/out" 2>&1
	echo "rc=$?" >>"$dir/out"
	cat "$dir/out"
	[ -f "$dir/config.mk" ] && echo "config.mk written"
	rm -rf "$dir"
}

expect()
{
	# expect OUTPUT PATTERN...
	local out=$1
	shift
	for pat in "$@"; do
		if ! grep -qE -- "$pat" <<<"$out"; then
			echo "expected /$pat/ in configure output:"
			echo "$out"
			return 1
		fi
	done
}

test_configure_ok()
{
	local out
	out=$(cfg_run V=)
	expect "$out" 'rc=0' 'config.mk written' 'libxdp: 1\.' 'libbpf: 1\.'
}

test_configure_missing_clang()
{
	local out
	out=$(cfg_run CLANG=/nonexistent/clang)
	expect "$out" 'rc=1' 'missing: CLANG.*Debian package: clang\)' \
		'requirement\(s\) missing'
	! grep -q 'config.mk written' <<<"$out"
}

test_configure_missing_bpftool()
{
	local out
	out=$(cfg_run BPFTOOL=/nonexistent/bpftool)
	expect "$out" 'rc=1' 'missing: BPFTOOL.*Debian package: bpftool\)' \
		'1 requirement\(s\) missing'
}

# BPF objects are built by clang alone (-target bpf): llc is no requirement.
test_configure_needs_no_llc()
{
	local out
	out=$(cfg_run LLC=/nonexistent/llc)
	expect "$out" 'rc=0' 'config.mk written'
	! grep -q 'LLC' <<<"$out"
}

test_configure_missing_pkgconfig_modules()
{
	local out
	# an empty pkg-config search path hides every library
	out=$(cfg_run PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH=)
	expect "$out" 'rc=1' \
		'missing: libbpf >= 1.1 .*Debian package: libbpf-dev\)' \
		'missing: libxdp >= 1.3 .*Debian package: libxdp-dev\)' \
		'missing: libelf .*Debian package: libelf-dev\)' \
		'missing: zlib .*Debian package: zlib1g-dev\)' \
		'cmocka: not found.*libcmocka-dev'
}

test_configure_keeps_config()
{
	local dir out
	dir=$(mktemp -d)
	cp "$TOP_DIR/configure" "$dir/"
	echo "SENTINEL:=1" >"$dir/config.mk"
	(cd "$dir" && CLANG=/nonexistent sh ./configure) >/dev/null 2>&1
	out=$(cat "$dir/config.mk")
	ls "$dir" | grep -q '^config\.' && [ "$(ls -d "$dir"/config.*/ 2>/dev/null)" = "" ]
	local rc=$?
	rm -rf "$dir"
	[ "$out" = "SENTINEL:=1" ] && [ $rc -eq 0 ]
}
