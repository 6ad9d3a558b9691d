#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, one KSHM-RESULT line each:
#   - sparse (C=2) over driver/ against every test kernel's headers
#   - checkpatch.pl --no-tree --strict -f over driver/ and the UAPI header,
#     and kernel-doc over driver/ (both from Debian's linux-source-6.1
#     tarball)
#   - cppcheck and gcc -fanalyzer over lib/ and tools/
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
out=$top/build/static
status=0

result() {
	echo "KSHM-RESULT $1 $2"
	[ "$1" = PASS ] || status=1
}

# check NAME LOG: PASS when LOG is empty, else show it.
verdict() {
	if [ -s "$2" ]; then
		result FAIL "$1"
		sed 's/^/    /' "$2"
	else
		result PASS "$1"
	fi
}

mkdir -p "$out"

while read -r rel kdir _; do
	dir=$out/sparse-$rel
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$top/driver" "$top/include" "$top/VERSION" "$dir/"
	make -C "$kdir" M="$dir/driver" C=2 modules >"$dir/log" 2>&1 ||
		echo "build failed" >>"$dir/log"
	# Sparse and the compiler report as "file:line:col: warning|error".
	grep -E '(warning|error):|build failed' "$dir/log" | grep -v 'BTF' >"$dir/findings"
	verdict "static/sparse:$rel" "$dir/findings"
done <"$cache/kernels"

checkpatch_dir=$cache/checkpatch
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n1)
if [ ! -x "$checkpatch_dir/scripts/kernel-doc" ] && [ -n "$tarball" ]; then
	mkdir -p "$checkpatch_dir"
	top_dir=$(tar -tJf "$tarball" | head -n1 | cut -d/ -f1)
	tar -xJf "$tarball" -C "$checkpatch_dir" --strip-components=1 \
		"$top_dir/scripts/checkpatch.pl" "$top_dir/scripts/spelling.txt" \
		"$top_dir/scripts/const_structs.checkpatch" \
		"$top_dir/scripts/kernel-doc"
fi
if [ -x "$checkpatch_dir/scripts/checkpatch.pl" ]; then
	"$checkpatch_dir/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--show-types -f "$top"/driver/*.[ch] \
		"$top/include/uapi/linux/kshm.h" >"$out/checkpatch" 2>&1
	verdict static/checkpatch "$out/checkpatch"
else
	echo "checkpatch.pl not found (install linux-source-6.1)" >"$out/checkpatch"
	verdict static/checkpatch "$out/checkpatch"
fi

if [ -x "$checkpatch_dir/scripts/kernel-doc" ]; then
	"$checkpatch_dir/scripts/kernel-doc" -none "$top"/driver/*.[ch] \
		"$top/include/uapi/linux/kshm.h" >"$out/kernel-doc" 2>&1
else
	echo "kernel-doc not found (install linux-source-6.1)" >"$out/kernel-doc"
fi
verdict static/kernel-doc "$out/kernel-doc"

# cppcheck and -fanalyzer over user-space code: the library (built with
# -D_GNU_SOURCE) and the tools (which define it themselves).
for dir in lib tools; do
	defs=
	[ "$dir" != lib ] || defs=-D_GNU_SOURCE
	cppcheck --quiet --enable=warning,portability,performance \
		--error-exitcode=1 --inline-suppr -I "$top/lib/include" \
		-I "$top/include/uapi" "$top/$dir" >"$out/cppcheck-$dir" 2>&1 ||
		[ -s "$out/cppcheck-$dir" ] || echo "cppcheck failed" >"$out/cppcheck-$dir"
	verdict "static/cppcheck:$dir" "$out/cppcheck-$dir"

	: >"$out/analyzer-$dir"
	for f in "$top/$dir"/*.c; do
		gcc -fanalyzer -Wall -Wextra -fsyntax-only -I "$top/lib/include" \
			-I "$top/include/uapi" $defs "$f" >>"$out/analyzer-$dir" 2>&1
	done
	verdict "static/fanalyzer:$dir" "$out/analyzer-$dir"
done
exit $status
