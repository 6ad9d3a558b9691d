#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-abi.sh [OUT]: Documentation/abi.md against include/uapi/linux/kshm.h,
# so that the two cannot drift apart again. One KSHM-RESULT line per check:
#   - abi-check.c builds: abi-layout.h's static asserts pin every struct
#     size, field offset and command number to the header; also with -m32
#     (the same layout for 32-bit processes) where the compiler can;
#   - the program's list covers every struct, command and constant
#     (every other #define KSHM_*) of the header, no struct has a gap
#     (implicit padding), and no two commands share a number;
#   - abi.md's "Sizes and numbers" table has exactly one row per struct
#     and per command, its "### Constants" table one per constant, with
#     the program's value, and no other row; each struct's field table
#     under "### `struct NAME`" lists the program's fields at its
#     offsets, in order;
#   - and the check can fail: a moved command number or ring field stops
#     the build, a struct or constant the list lacks is found, and so is
#     a wrong number, offset or constant in a copy of abi.md.
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

# header_names HEADER: its structs, commands (a #define KSHM_* of _IO*)
# and constants (every other #define KSHM_*), as "struct|ioctl|const NAME".
header_names() {
	awk '
	/^struct kshm_[a-z0-9_]+ \{/ { print "struct", $2 }
	$1 == "#define" && $2 ~ /^KSHM_[A-Z0-9_]+$/ {
		print ($3 ~ /^_IO/ ? "ioctl" : "const"), $2
	}' "$1" | sort
}
awk '$1 == "struct" || $1 == "ioctl" || $1 == "const" { print $1, $2 }' \
	"$out/abi.txt" | sort >"$tmp/program-names"

# pinned HEADER: every name of HEADER is in the program's list, and the
# list has nothing else; the difference in $tmp/why.
pinned() {
	header_names "$1" >"$tmp/header-names"
	diff -u "$tmp/header-names" "$tmp/program-names" >"$tmp/diff" && return
	echo "header (-) against tests/abi/abi-layout.h (+):" | cat - "$tmp/diff" >"$tmp/why"
	return 1
}
if pinned "$uapi/linux/kshm.h"; then
	result PASS every_struct_command_and_constant_is_pinned
else
	result FAIL every_struct_command_and_constant_is_pinned "$tmp/why"
fi

# Two commands with one number would be told apart by their size only.
awk '$1 == "ioctl" { print $3 }' "$out/abi.txt" | while read -r value; do
	printf '%#x\n' $((value & 0xff))
done | sort | uniq -d >"$tmp/dup"
if [ -s "$tmp/dup" ]; then
	sed 's/^/command number used twice: /' "$tmp/dup" >"$tmp/why"
	result FAIL distinct_command_numbers "$tmp/why"
else
	result PASS distinct_command_numbers
fi

# doc_rows DOC: the document's rows, in the program's format:
#   struct TAG SIZE / ioctl COMMAND VALUE   from "## Sizes and numbers"
#   const NAME VALUE                        from "### Constants"
#   field TAG FIELD OFFSET                  from the tables under
#                                           "### `struct TAG`"
doc_rows() {
	awk '
	function cell(i,   c) { c = f[i]; gsub(/^ +| +$|`/, "", c); return c }
	/^#/ {
		table = /^## Sizes and numbers/
		consts = /^### Constants/
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
	consts && cell(2) ~ /^KSHM_[A-Z0-9_]+$/ { print "const", cell(2), cell(3); next }
	tag != "" && cell(2) ~ /^[0-9]+$/ { print "field", tag, cell(3), cell(2) }
	' "$1"
}

# same_number A B: two numbers, decimal or 0x hex, are equal.
same_number() {
	[[ $1 =~ ^(0[xX][0-9a-fA-F]+|[0-9]+)$ && $2 =~ ^(0[xX][0-9a-fA-F]+|[0-9]+)$ ]] &&
		[ $(($1)) -eq $(($2)) ]
}

# compare_doc DOC [quiet]: one result per struct, command, constant and
# field table; returns non-zero on any difference.
compare_doc() {
	local doc=$1 quiet=${2:-} rc=0 kind name want rows label
	doc_rows "$doc" >"$tmp/doc"
	report() {
		[ -n "$quiet" ] || result "$@"
		[ "$1" = PASS ] || rc=1
	}
	while read -r kind name want _; do
		case $kind in
		struct) label=struct_$name ;;
		ioctl|const) label=$name ;;
		*) continue ;;
		esac
		rows=$(awk -v k="$kind" -v n="$name" '$1 == k && $2 == n { print $3 }' "$tmp/doc")
		if [ -z "$rows" ]; then
			echo "no row for $kind $name in ${doc#"$top"/}" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		elif [ "$(wc -l <<<"$rows")" -ne 1 ]; then
			echo "$(wc -l <<<"$rows") rows for $name in ${doc#"$top"/}" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		elif [ "$rows" != "$want" ] &&
			! { [ "$kind" = const ] && same_number "$rows" "$want"; }; then
			echo "${doc#"$top"/} says $rows, the header $want" >"$tmp/why"
			report FAIL "doc:$label" "$tmp/why"
		else
			report PASS "doc:$label"
		fi
	done <"$out/abi.txt"
	# Rows naming nothing the header has.
	awk '$1 == "struct" || $1 == "ioctl" || $1 == "const" { print $1, $2 }' "$tmp/doc" |
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

# The check can fail.
# doc_mutant NAME SED: a copy of the document changed by SED is caught.
doc_mutant() {
	sed "$2" "$doc" >"$tmp/broken.md"
	if cmp -s "$doc" "$tmp/broken.md"; then
		echo "KSHM-RESULT FAIL abi/$1 (no row to change in ${doc#"$top"/})"
		status=1
	elif compare_doc "$tmp/broken.md" quiet; then
		echo "KSHM-RESULT FAIL abi/$1"
		status=1
	else
		echo "KSHM-RESULT PASS abi/$1"
	fi
}
doc_mutant catches_a_wrong_number_in_the_doc \
	's/^\(| `KSHM_IOC_SET_SIZE` | `0x\)4010e711/\14010e7ff/'
doc_mutant catches_a_wrong_offset_in_the_doc \
	's/^| 64 | `consumer` |/| 56 | `consumer` |/'
doc_mutant catches_a_wrong_constant_in_the_doc \
	's/^\(| `KSHM_REC_BUSY` | \)`0x1`/\1`0x4`/'
doc_mutant catches_a_missing_row_in_the_doc \
	'/^| `KSHM_IOC_RING_NOTIFY` |/d'

# header_mutant NAME SED: a copy of the header changed by SED no longer
# builds against the static asserts.
mkdir -p "$tmp/uapi/linux"
header_mutant() {
	sed "$2" "$uapi/linux/kshm.h" >"$tmp/uapi/linux/kshm.h"
	if cmp -s "$uapi/linux/kshm.h" "$tmp/uapi/linux/kshm.h"; then
		echo "KSHM-RESULT FAIL abi/$1 (nothing to change in the header)"
		status=1
	elif $CC $CFLAGS -fsyntax-only -I"$tmp/uapi" "$here/abi-check.c" >/dev/null 2>&1; then
		echo "KSHM-RESULT FAIL abi/$1"
		status=1
	else
		echo "KSHM-RESULT PASS abi/$1"
	fi
}
header_mutant catches_a_moved_command_in_the_header \
	's/_IOW(KSHM_IOC_MAGIC, 0x11,/_IOW(KSHM_IOC_MAGIC, 0x1f,/'
header_mutant catches_a_moved_ring_field_in_the_header \
	's/__u8 __line0\[48\];/__u8 __line0[40];/'
header_mutant catches_a_changed_constant_in_the_header \
	's/^\(#define[[:space:]]\{1,\}KSHM_REC_DISCARD\)[[:space:]].*/\1 4/'

# ...and a struct and a constant the list lacks are found.
sed 's/^#define KSHM_IOC_MAGIC.*/&\n#define KSHM_NEW_CONSTANT\t3\nstruct kshm_new {\n\t__u64 x;\n};/' \
	"$uapi/linux/kshm.h" >"$tmp/uapi/linux/kshm.h"
if cmp -s "$uapi/linux/kshm.h" "$tmp/uapi/linux/kshm.h"; then
	echo "KSHM-RESULT FAIL abi/catches_an_unpinned_struct_and_constant (no KSHM_IOC_MAGIC to add after)"
	status=1
elif pinned "$tmp/uapi/linux/kshm.h" ||
	! grep -q '^-struct kshm_new$' "$tmp/why" ||
	! grep -q '^-const KSHM_NEW_CONSTANT$' "$tmp/why"; then
	echo "KSHM-RESULT FAIL abi/catches_an_unpinned_struct_and_constant"
	status=1
else
	echo "KSHM-RESULT PASS abi/catches_an_unpinned_struct_and_constant"
fi
exit $status
