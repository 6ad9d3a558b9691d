#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-abi.sh [OUT]: Documentation/abi.md against include/uapi/linux/kshm.h,
# so that the two cannot drift apart again. One KSHM-RESULT line per check:
#   - abi-check.c builds: abi-layout.h's static asserts pin every struct
#     size, field offset and command number to the header; also with -m32
#     (the same layout for 32-bit processes) where the compiler can;
#   - the program's list covers every struct and command of the header,
#     and no struct has a gap (implicit padding);
#   - abi.md's "Sizes and numbers" table has exactly one row per struct
#     and per command, with the program's value, and no other row; each
#     struct's field table under "### `struct NAME`" lists the program's
#     fields at its offsets, in order;
#   - and the check can fail: a moved command number stops the build, a
#     wrong number in a copy of abi.md is found.
# Exits non-zero on any failure. ABI_DOC overrides the document.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build/tests/abi}
doc=${ABI_DOC:-$top/Documentation/abi.md}
uapi=$top/include/uapi
CC=${CC:-cc}
CFLAGS="-Wall -Wextra -Werror -std=gnu11"
status=0
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kshm-abi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

result() {
	echo "KSHM-RESULT $1 abi/$2"
	[ "$1" != FAIL ] || status=1
	[ -z "${3:-}" ] || sed 's/^/    /' "$3"
}

# The numbers, pinned by the static asserts.
if $CC $CFLAGS -I"$uapi" -o "$out/abi-check" "$here/abi-check.c" \
	>"$tmp/cc" 2>&1; then
	result PASS header_matches_static_asserts
else
	result FAIL header_matches_static_asserts "$tmp/cc"
	exit 1
fi

# The same asserts for a 32-bit process. Only the compiler's <stddef.h>
# and the kernel headers are needed; <asm/...> comes from the host's
# multiarch directory (identical for x86's two ABIs where it matters).
m32() {
	$CC -m32 $CFLAGS -fsyntax-only -I"$uapi" -I"$here" \
		-I"/usr/include/$($CC -print-multiarch 2>/dev/null)" -x c -
}
if ! echo '#include <linux/types.h>' | m32 >/dev/null 2>&1; then
	echo "KSHM-RESULT SKIP abi/header_matches_static_asserts_32bit no -m32 compiler"
elif echo '#include "abi-layout.h"' | m32 >"$tmp/cc" 2>&1; then
	result PASS header_matches_static_asserts_32bit
else
	result FAIL header_matches_static_asserts_32bit "$tmp/cc"
fi

if "$out/abi-check" >"$out/abi.txt" 2>"$tmp/run"; then
	result PASS no_implicit_padding
else
	result FAIL no_implicit_padding "$tmp/run"
fi

# Every struct and command of the header is in the program's list.
{
	sed -n 's/^struct \(kshm_[a-z0-9_]*\) {.*/struct \1/p' "$uapi/linux/kshm.h"
	sed -n 's/^#define[[:space:]]\{1,\}\(KSHM_IOC_[A-Z0-9_]*\)[[:space:]]\{1,\}_IO.*/ioctl \1/p' \
		"$uapi/linux/kshm.h"
} | sort >"$tmp/header-names"
awk '$1 == "struct" || $1 == "ioctl" { print $1, $2 }' "$out/abi.txt" |
	sort >"$tmp/program-names"
if diff -u "$tmp/header-names" "$tmp/program-names" >"$tmp/diff"; then
	result PASS every_struct_and_command_is_pinned
else
	echo "header (-) against tests/abi/abi-layout.h (+):" | cat - "$tmp/diff" >"$tmp/why"
	result FAIL every_struct_and_command_is_pinned "$tmp/why"
fi

# doc_rows DOC: the document's rows, in the program's format:
#   struct TAG SIZE / ioctl COMMAND VALUE   from "## Sizes and numbers"
#   field TAG FIELD OFFSET                  from the tables under
#                                           "### `struct TAG`"
doc_rows() {
	awk '
	function cell(i,   c) { c = f[i]; gsub(/^ +| +$|`/, "", c); return c }
	/^#/ {
		table = /^## Sizes and numbers/
		tag = ""
		if (match($0, /^###+ `struct kshm_[a-z0-9_]+`/)) {
			tag = substr($0, RSTART, RLENGTH)
			sub(/^###+ `struct /, "", tag); sub(/`$/, "", tag)
		}
		next
	}
	!/^\|/ { next }
	{ split($0, f, "|") }
	table && cell(2) ~ /^struct kshm_/ {
		split(cell(2), s, " "); print "struct", s[2], cell(3); next
	}
	table && cell(2) ~ /^KSHM_IOC_/ { print "ioctl", cell(2), cell(3); next }
	tag != "" && cell(2) ~ /^[0-9]+$/ { print "field", tag, cell(3), cell(2) }
	' "$1"
}

# compare_doc DOC [quiet]: one result per struct, command and field
# table; returns non-zero on any difference.
compare_doc() {
	local doc=$1 quiet=${2:-} rc=0 kind name want rows label
	doc_rows "$doc" >"$tmp/doc"
	report() {
		[ -n "$quiet" ] || result "$@"
		[ "$1" = PASS ] || rc=1
	}
	while read -r kind name want _; do
		case $kind in
		struct|ioctl) ;;
		*) continue ;;
		esac
		label=$name
		[ "$kind" = ioctl ] || label=struct_$name
		rows=$(awk -v k="$kind" -v n="$name" '$1 == k && $2 == n { print $3 }' "$tmp/doc")
		if [ -z "$rows" ]; then
			echo "no row for $kind $name in ${doc#"$top"/}" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		elif [ "$(wc -l <<<"$rows")" -ne 1 ]; then
			echo "$(wc -l <<<"$rows") rows for $name in ${doc#"$top"/}" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		elif [ "$rows" != "$want" ]; then
			echo "${doc#"$top"/} says $rows, the header $want" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		else
			report PASS "doc:$label"
		fi
	done <"$out/abi.txt"
	# Rows naming nothing the header has.
	awk '$1 == "struct" || $1 == "ioctl" { print $1, $2 }' "$tmp/doc" |
		sort -u | comm -23 - "$tmp/program-names" >"$tmp/extra"
	if [ -s "$tmp/extra" ]; then
		report FAIL "doc:no_rows_for_unknown_names" "$tmp/extra"
	else
		report PASS "doc:no_rows_for_unknown_names"
	fi
	for name in $(awk '$1 == "struct" { print $2 }' "$out/abi.txt"); do
		awk -v t="$name" '$1 == "field" && $2 == t { print $3, $4 }' \
			"$out/abi.txt" >"$tmp/want"
		awk -v t="$name" '$1 == "field" && $2 == t { print $3, $4 }' \
			"$tmp/doc" >"$tmp/got"
		if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			report PASS "doc:fields_of_$name"
		else
			echo "fields and offsets: header (-), ${doc#"$top"/} (+)" |
				cat - "$tmp/diff" >"$tmp/why"
			report FAIL "doc:fields_of_$name" "$tmp/why"
		fi
	done
	return $rc
}

compare_doc "$doc" || status=1

# The check can fail. A copy of the document with one command number
# changed must be caught...
sed 's/^\(| `KSHM_IOC_SET_SIZE` | `0x\)4010e711/\14010e712/' "$doc" >"$tmp/broken.md"
if cmp -s "$doc" "$tmp/broken.md"; then
	echo "KSHM-RESULT FAIL abi/catches_a_wrong_number_in_the_doc (no KSHM_IOC_SET_SIZE row to break)"
	status=1
elif compare_doc "$tmp/broken.md" quiet; then
	echo "KSHM-RESULT FAIL abi/catches_a_wrong_number_in_the_doc"
	status=1
else
	echo "KSHM-RESULT PASS abi/catches_a_wrong_number_in_the_doc"
fi
# ...and so must a copy of the header whose command moved.
mkdir -p "$tmp/uapi/linux"
sed 's/_IOW(KSHM_IOC_MAGIC, 0x11,/_IOW(KSHM_IOC_MAGIC, 0x12,/' \
	"$uapi/linux/kshm.h" >"$tmp/uapi/linux/kshm.h"
if cmp -s "$uapi/linux/kshm.h" "$tmp/uapi/linux/kshm.h"; then
	echo "KSHM-RESULT FAIL abi/catches_a_moved_command_in_the_header (no 0x11 command to move)"
	status=1
elif $CC $CFLAGS -fsyntax-only -I"$tmp/uapi" "$here/abi-check.c" >/dev/null 2>&1; then
	echo "KSHM-RESULT FAIL abi/catches_a_moved_command_in_the_header"
	status=1
else
	echo "KSHM-RESULT PASS abi/catches_a_moved_command_in_the_header"
fi
exit $status
