# SPDX-License-Identifier: GPL-2.0
# The man page documents exactly what the command does: every option that
# 'xdp-lb CMD --help' lists is a .SS heading of that command's section, and
# every option heading there is an option of the command; every counter of
# headers/xdp_lb/counters.h is named in COUNTERS; the page is lint clean.
# Sourced by tests/run-shell.sh.

ALL_TESTS="test_manpage_lint test_manpage_matches_help test_help_commands_in_synopsis
	test_manpage_counters"

XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
MAN_PAGE=$TOP_DIR/man/xdp-lb.8
COMMANDS="load unload status vip backend stats"
COUNTERS_H=$TOP_DIR/headers/xdp_lb/counters.h

test_manpage_lint()
{
	make -s -C "$TOP_DIR/man" lint
}

# Option headings of one command's section: '-m, --mode <mode>' lines.
man_options()
{
	local cmd=${1^^}
	awk -v sec="The $cmd command" '
		/^\.SH / { insec = (index($0, sec) > 0); next }
		insec && /^\.SS / { sub(/^\.SS "/, ""); sub(/"$/, ""); print }
	' "$MAN_PAGE"
}

help_options()
{
	"$XDP_LB" "$1" --help | sed -n '/^Options:/,$p' | grep -E '^ +(-.,|   ) --' |
		sed -E 's/^ +//; s/^    //; s/  +.*$//'
}

test_manpage_matches_help()
{
	local cmd rc=0 h m
	[ -x "$XDP_LB" ] || { echo "$XDP_LB not built"; return 1; }
	for cmd in $COMMANDS; do
		h=$(help_options "$cmd" | grep -v -e '--version' | sort)
		m=$(man_options "$cmd" | sort)
		if [ -z "$h" ] || [ "$h" != "$m" ]; then
			echo "xdp-lb $cmd: --help and man page differ:"
			diff <(echo "$h") <(echo "$m") | sed 's/^/  /'
			rc=1
		fi
	done
	return $rc
}

test_help_commands_in_synopsis()
{
	local cmd rc=0
	for cmd in $COMMANDS; do
		"$XDP_LB" help 2>&1 | grep -qE "^ +$cmd +- " || { echo "help lacks $cmd"; rc=1; }
		grep -qE "^ +$cmd +\\\\- " "$MAN_PAGE" || { echo "man SYNOPSIS lacks $cmd"; rc=1; }
		grep -q "^\.SH \"The ${cmd^^} command\"" "$MAN_PAGE" || { echo "no section for $cmd"; rc=1; }
	done
	return $rc
}

# The names LB_STAT_LIST gives the counters: X(ID, "name") lines.
counter_names()
{
	sed -nE 's/^[[:space:]]*X\([A-Z0-9_]+,[[:space:]]*"([a-z0-9_]+)"\).*/\1/p' "$COUNTERS_H"
}

test_manpage_counters()
{
	local name names rc=0 section
	names=$(counter_names)
	# every entry of the list was read
	[ "$(echo "$names" | wc -l)" -eq "$(grep -cE '^[[:space:]]*X\(' "$COUNTERS_H")" ] ||
		{ echo "cannot read every counter of $COUNTERS_H"; return 1; }
	section=$(awk '/^\.SH / { insec = ($0 ~ /"COUNTERS"/); next } insec' "$MAN_PAGE")
	[ -n "$section" ] || { echo "no COUNTERS section"; return 1; }
	for name in $names; do
		grep -qF "\\fB$name\\fP" <<<"$section" ||
			{ echo "counter $name is not documented in COUNTERS"; rc=1; }
	done
	return $rc
}
