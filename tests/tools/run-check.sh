#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-check.sh OUT: the tools' host checks. Runs kshmctl's check suites,
# then checks of kshmctl's command line that need no device (usage, exit
# status, messages), its man page and its install, each printing one line
# "KSHM-RESULT PASS|FAIL name"; ends with "N passed, N failed, N skipped"
# (tests/results.sh) and exits non-zero on any failure. What needs a
# region runs in the VM: tests/vm/guest/kshmctl.sh.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/results.sh"
out=$1
kshmctl=$top/build/tools/kshmctl
man=$top/Documentation/man/man1/kshmctl.1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kshmctl-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

result() {
	echo "KSHM-RESULT $1 $2" | tee -a "$log"
	[ -z "${3:-}" ] || sed 's/^/    /' "$3"
}

# expect name command...: PASS when the command succeeds, its output shown
# only when it fails.
expect() {
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		result PASS "$name"
	else
		result FAIL "$name" "$tmp/out"
	fi
}

ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$out/kshmctl-host-tests" 2>&1 | tee -a "$log"
suite_rc=${PIPESTATUS[0]}

# exits STATUS PATTERN ARGS...: kshmctl ARGS exits STATUS and its stderr
# matches the extended regex PATTERN (empty: anything).
exits() {
	local want=$1 pattern=$2 rc
	shift 2
	"$kshmctl" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	cat "$tmp/stdout" "$tmp/stderr"
	[ "$rc" -eq "$want" ] || { echo "kshmctl $*: exit $rc, wanted $want"; return 1; }
	[ -z "$pattern" ] || grep -Eq -- "$pattern" "$tmp/stderr" ||
		{ echo "kshmctl $*: stderr does not match '$pattern'"; return 1; }
}

commands="list info resize watch dump"

help_names_every_command() {
	exits 0 '' --help && for c in $commands; do
		grep -q "^  kshmctl $c" "$tmp/stdout" || { echo "no $c"; return 1; }
	done
}
expect kshmctl/help_names_every_command help_names_every_command

command_help() {
	local c
	for c in $commands; do
		exits 0 '' "$c" --help && grep -q "^usage: kshmctl $c" "$tmp/stdout" &&
		cp "$tmp/stdout" "$tmp/help1" &&
		exits 0 '' help "$c" && cmp "$tmp/stdout" "$tmp/help1" || return 1
	done
}
expect kshmctl/each_command_has_help command_help

expect kshmctl/no_command_exits_2 exits 2 'no command' 
expect kshmctl/unknown_command_exits_2 exits 2 "no command 'frob'" frob
expect kshmctl/unknown_option_exits_2 exits 2 "Try 'kshmctl list --help'" list --bogus
expect kshmctl/info_without_region_exits_2 exits 2 'info needs a region' info
expect kshmctl/info_with_two_regions_exits_2 exits 2 'info takes one region' info kshm0 kshm1
expect kshmctl/list_takes_no_region exits 2 'list takes no region' list kshm0
expect kshmctl/resize_without_size_exits_2 exits 2 'needs a region and a size' resize kshm0
# Sizes are checked before anything is opened: no ENOENT here.
expect kshmctl/resize_bad_suffix_exits_2 exits 2 "size '12Q' is not a size" resize /nonexistent 12Q
expect kshmctl/resize_fraction_exits_2 exits 2 "size '1.5M' is not a size" resize /nonexistent 1.5M
expect kshmctl/resize_negative_exits_2 exits 2 "size '-1' is not a size" resize /nonexistent -- -1
expect kshmctl/resize_past_64_bits_exits_2 exits 2 'does not fit in 64 bits' resize /nonexistent 16777216T
expect kshmctl/resize_zero_exits_2 exits 2 'size 0' resize /nonexistent 0
expect kshmctl/dump_bad_offset_exits_2 exits 2 "offset 'x' is not a size" dump /nonexistent x
expect kshmctl/dump_bad_length_exits_2 exits 2 "length '4Z' is not a size" dump /nonexistent 0 4Z
expect kshmctl/dump_too_many_arguments_exits_2 exits 2 'dump takes' dump kshm0 0 1 2
expect kshmctl/watch_zero_count_exits_2 exits 2 "count '0'" watch -n 0 kshm0
expect kshmctl/watch_bad_interval_exits_2 exits 2 "interval 'abc'" watch -i abc kshm0
expect kshmctl/watch_tiny_interval_exits_2 exits 2 "interval '0.001'" watch -i 0.001 kshm0
expect kshmctl/bad_name_exits_2_saying_why exits 2 'Foo: not a region name' info Foo
expect kshmctl/missing_region_says_enoent exits 1 \
	'open /dev/kshm-no-such-region: No such file or directory' info no-such-region
expect kshmctl/missing_path_says_enoent exits 1 \
	'open /nonexistent/kshm9: No such file or directory' dump /nonexistent/kshm9
expect kshmctl/not_a_region_says_enotty exits 1 \
	'open /dev/null: Inappropriate ioctl for device \(not a kshm region\)' info /dev/null
if [ ! -e /dev/kshm ]; then
	expect kshmctl/list_without_driver_says_so exits 1 \
		'/dev/kshm: No such file or directory \(is the kshm module loaded\?\)' list
fi

# Man page: groff silent with every warning on; every command and option
# the tool's help mentions is in it.
man_clean() {
	groff -t -man -ww -z "$man" 2>&1 | tee "$tmp/groff"
	[ ! -s "$tmp/groff" ]
}
expect kshmctl/man_page_has_no_groff_warnings man_clean
man_covers_help() {
	local c opt text
	text=$(MANWIDTH=200 man -l "$man" 2>/dev/null | col -b) || return 1
	for c in $commands; do
		grep -q "kshmctl $c" <<<"$text" || { echo "no command $c"; return 1; }
		"$kshmctl" "$c" --help >"$tmp/help"
		for opt in $(grep -oE -- '--[a-z]+' "$tmp/help" | sort -u); do
			grep -q -- "$opt" <<<"$text" || { echo "$c: no $opt"; return 1; }
		done
	done
}
expect kshmctl/man_page_covers_every_command_and_option man_covers_help

# make install / uninstall of the tools' part: exactly two files.
install_tools() {
	local root=$tmp/root files
	make -s -C "$top/tools" install DESTDIR="$root" PREFIX=/usr || return 1
	files=$(cd "$root" && find . -type f -o -type l | sort | tr '\n' ' ')
	[ "$files" = "./usr/bin/kshmctl ./usr/share/man/man1/kshmctl.1 " ] ||
		{ echo "installed: $files"; return 1; }
	"$root/usr/bin/kshmctl" --help | grep -q '^usage: kshmctl' || return 1
	make -s -C "$top/tools" uninstall DESTDIR="$root" PREFIX=/usr || return 1
	files=$(cd "$root" && find . -type f -o -type l)
	[ -z "$files" ] || { echo "left: $files"; return 1; }
}
expect kshmctl/install_and_uninstall_two_files install_tools

read -r p f s n < <(results_tally "$log")
if [ "$n" -eq 0 ]; then
	result FAIL kshmctl/check_suites_printed_no_summary
	f=$((f + 1))
fi
results_line "$p" "$f" "$s"
[ "$f" -eq 0 ] || exit 1
[ "$suite_rc" -eq 0 ] || exit 1
