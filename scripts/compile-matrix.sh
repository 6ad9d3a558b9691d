#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kshm.ko and the client modules (examples/kernel/, tests/kmod/) with
# W=1 and warnings as errors against every kernel of a list: by default
# $KSHM_CACHE/kernels-matrix, which `scripts/deps.sh --matrix` writes (6.1
# and 6.12, each in amd64, cloud-amd64 and rt-amd64). Lines are those of
# tests/vm/run's lists, "<release> <headers dir> [<vmlinuz> [<tree>]]";
# with a tree, the build runs in it (scripts/in-chroot), so
# MATRIX_FILES="$HOME/.cache/kshm/kernels-newest" builds for 7.3 as well.
#
# A build fails on an error and on any warning in its log, the compiler's
# (KCFLAGS=-Werror makes them errors anyway) and modpost's. Prints a
# KSHM-RESULT line per kernel, the first lines of a failed build's log,
# then "N passed, N failed, N skipped"; exits non-zero on any failure.
#
# Environment: MATRIX_FILES (space-separated lists), KSHM_CACHE,
# JOBS (default: the number of CPUs).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
lists=${MATRIX_FILES:-$cache/kernels-matrix}
jobs=${JOBS:-$(nproc)}
out=$top/build/matrix
mkdir -p "$out"
. "$top/tests/results.sh"

passed=0
failed=0

# kbuild for one kernel: on the host, or in its tree with $dir mounted.
kmake() {
	if [ -n "$root" ]; then
		"$top/scripts/in-chroot" "$root" --bind "$dir" make "$@"
	else
		make "$@"
	fi
}

# build RELEASE HEADERS: the module, then its clients against its
# Module.symvers, into $dir; the log in $dir/build.log.
build() {
	local kdir=$2 src=$dir/src w=(W=1 KCFLAGS=-Werror -j"$jobs")
	rm -rf "$dir"
	mkdir -p "$src/examples" "$src/tests"
	cp -r "$top/driver" "$top/include" "$top/VERSION" "$src/"
	cp -r "$top/examples/kernel" "$src/examples/"
	cp -r "$top/tests/kmod" "$src/tests/"
	kmake -C "$kdir" M="$src/driver" "${w[@]}" modules &&
		kmake -C "$kdir" M="$src/examples/kernel" "${w[@]}" \
			KBUILD_EXTRA_SYMBOLS="$src/driver/Module.symvers" modules &&
		kmake -C "$kdir" M="$src/tests/kmod" "${w[@]}" \
			KBUILD_EXTRA_SYMBOLS="$src/driver/Module.symvers" modules
}

n=0
for list in $lists; do
	[ -s "$list" ] || { echo "compile-matrix: no kernels in $list; run scripts/deps.sh --matrix" >&2; exit 1; }
	while read -r rel kdir _ root; do
		[ -n "$rel" ] || continue
		n=$((n + 1))
		dir=$out/$rel
		start=$SECONDS
		rc=0
		build "$rel" "$kdir" >"$out.$rel.log" 2>&1 </dev/null || rc=$?
		mv "$out.$rel.log" "$dir/build.log"
		warnings=$(grep -cE 'warning:|WARNING:' "$dir/build.log" || true)
		if [ "$rc" -eq 0 ] && [ "$warnings" -eq 0 ] && [ -f "$dir/src/driver/kshm.ko" ]; then
			echo "KSHM-RESULT PASS compile:$rel ($((SECONDS - start)) s)"
			passed=$((passed + 1))
		else
			echo "KSHM-RESULT FAIL compile:$rel make exited $rc, $warnings warning lines ($dir/build.log)"
			grep -E 'error|warning:|WARNING:' "$dir/build.log" | head -n 20 | sed 's/^/  /'
			failed=$((failed + 1))
		fi
	done <"$list"
done
[ "$n" -gt 0 ] || { echo "compile-matrix: no kernel listed in $lists" >&2; exit 1; }
results_line "$passed" "$failed" 0
[ "$failed" -eq 0 ]
