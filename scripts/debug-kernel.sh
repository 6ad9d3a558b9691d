#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel the hardening tests boot: Debian's linux-source-6.1
# with tinyconfig plus tests/debug-kernel/debug.config (KASAN, lockdep,
# DEBUG_VM, DEBUG_PAGEALLOC, kmemleak, fault injection, ...).
#
# The build is cached under $KSHM_CACHE/debug-kernel-<hash>, the hash taken
# over the fragment, the source tarball and RECIPE (bump it when a change
# here changes what is built), so a second run reuses it. Prints a line per stage with the elapsed time, and a progress
# line every 30 s while compiling.
#
# On success writes $KSHM_CACHE/kernels-debug, one line in the format of
# $KSHM_CACHE/kernels: "<release> <build tree> <bzImage>".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
fragment=$top/tests/debug-kernel/debug.config
tarball=${KSHM_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-$(($(nproc) + 1))}
start=$SECONDS
RECIPE=1

stage() { printf 'debug-kernel: [%4ds] %s\n' $((SECONDS - start)) "$*" >&2; }
die() { stage "error: $*"; exit 1; }

[ -f "$tarball" ] || die "$tarball missing (scripts/deps.sh installs linux-source-6.1)"
hash=$( { cat "$fragment"; stat -c '%n %s' "$tarball"; echo "$RECIPE"; } | sha256sum | cut -c1-12)
dir=$cache/debug-kernel-$hash
tree=$dir/linux
list=$cache/kernels-debug

if [ -f "$dir/done" ]; then
	stage "cached: $(cat "$dir/done")"
	cp "$dir/done" "$list"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$tree"
stage "unpacking $(basename "$tarball")"
tar -xJf "$tarball" -C "$tree" --strip-components=1

cd "$tree"
stage "configuring: tinyconfig + $(basename "$fragment")"
make -s tinyconfig >/dev/null
KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "$fragment" >"$dir/merge.log" 2>&1
scripts/config --set-str LOCALVERSION -kshm-debug --disable LOCALVERSION_AUTO
make -s olddefconfig >/dev/null
# Kconfig drops an option whose dependencies are not met without a word;
# every option the fragment sets must have survived.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	case $line in
	*=n) grep -qE "^${line%=n}=[ym]" .config && echo "$line" ;;
	*) grep -qxF "$line" .config || echo "$line" ;;
	esac
done)
[ -z "$missing" ] || die "options lost in olddefconfig: $(echo $missing)"

stage "compiling bzImage and modules with $jobs jobs (log: $dir/build.log)"
make -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 30
	kill -0 "$pid" 2>/dev/null || break
	stage "  compiling: $(grep -c '^  CC' "$dir/build.log" || true) objects so far"
done
wait "$pid" || { tail -n 40 "$dir/build.log" >&2; die "build failed"; }

release=$(make -s kernelrelease)
echo "$release $tree $tree/arch/x86/boot/bzImage" >"$dir/done"
cp "$dir/done" "$list"
stage "built $release"
# Builds of older fragments take 1.5 GiB each: keep only this one.
for old in "$cache"/debug-kernel-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
