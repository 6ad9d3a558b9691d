#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a DESTDIR, for each test kernel: kshm.ko built against
# that kernel's headers and installed by kbuild's modules_install into the
# same root, the library, kshmctl, the udev rule and the modprobe.d
# example. The files must be exactly those of tests/install/manifest;
# install-uapi must add <linux/kshm.h> and nothing else; make uninstall
# and uninstall-uapi must leave no file behind.
#
# It works on a copy of the tree (build/install-test/src), so the
# developer's driver/ gets no objects built for a test kernel. The first
# kernel takes INSTALL_MOD_PATH from DESTDIR (the default), the second
# passes it. Kernels whose list line names a build tree (a fourth column)
# need that tree's compiler and are not built here. Prints KSHM-RESULT
# lines (tests/results.sh); exits 1 on any failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
kernels_file=${KERNELS_FILE:-$cache/kernels}
out=$top/build/install-test
src=$out/src
version=$(cat "$top/VERSION")
failed=0

pass() { echo "KSHM-RESULT PASS install/$1"; }
fail() { echo "KSHM-RESULT FAIL install/$*"; failed=1; }
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# The files under a root, relative to it, with the kernel release and the
# version written as in the manifest. kbuild compresses modules when the
# kernel's config says so (Debian's 6.12: kshm.ko.xz); either is kshm.ko.
listing() {
	local root=$1 rel=$2
	(cd "$root" && find . ! -type d | sed 's|^\./||') |
		sed -e "s|^lib/modules/$rel/|lib/modules/@RELEASE@/|" \
		    -e 's#\(/kshm\.ko\)\.\(xz\|gz\|zst\)$#\1#' \
		    -e "s|\.so\.$version\$|.so.@VERSION@|" | LC_ALL=C sort
}

# Every module parameter appears, commented, in the modprobe.d example.
params_documented() {
	local ko=$1 conf=$2 p ok=0
	for p in $(modinfo -F parmtype "$ko" | cut -d: -f1); do
		grep -q "^#options kshm $p=" "$conf" ||
			{ echo "modprobe.d/kshm.conf: no line for parameter $p"; ok=1; }
	done
	! grep -qv '^#\|^$' "$conf" || { echo "modprobe.d/kshm.conf: a line is not commented out"; ok=1; }
	return $ok
}

[ -s "$kernels_file" ] || { fail setup "no kernels in $kernels_file (scripts/deps.sh)"; exit 1; }
rm -rf "$out"
mkdir -p "$src"
tar -C "$top" -cf - --exclude=./build --exclude=./.git --exclude='*.o' \
	--exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude=modules.order --exclude=Module.symvers . | tar -C "$src" -xf -
manifest=$out/manifest
grep -v '^#' "$top/tests/install/manifest" | LC_ALL=C sort >"$manifest"

n=0
while read -r rel kdir _ kroot; do
	[ -z "$kroot" ] || continue
	n=$((n + 1))
	root=$out/root-$rel
	log=$out/$rel.log
	modpath=()
	[ "$n" -eq 1 ] || modpath=(INSTALL_MOD_PATH="$root")
	if ! make -C "$src" install DESTDIR="$root" PREFIX=/usr KDIR="$kdir" \
			"${modpath[@]}" >"$log" 2>&1; then
		cat "$log"
		fail "$rel/make_install" "exited non-zero"
		continue
	fi
	pass "$rel/make_install"

	if listing "$root" "$rel" | diff -u "$manifest" - >"$out/diff" 2>&1; then
		pass "$rel/files_are_the_manifest"
	else
		cat "$out/diff"
		fail "$rel/files_are_the_manifest" "(if intended, update tests/install/manifest)"
	fi
	ko=$(ls "$root/lib/modules/$rel/updates/"kshm.ko* 2>/dev/null | head -n1)
	check "$rel/module_version_is_VERSION" \
		test "$(modinfo -F version "$ko" 2>/dev/null)" = "$version"
	check "$rel/module_vermagic_is_the_release" \
		test "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$rel"
	check "$rel/pc_version_is_VERSION" \
		grep -qx "Version: $version" "$root/usr/lib/pkgconfig/libkshm.pc"
	check "$rel/modprobe_example_names_every_parameter" \
		params_documented "$ko" "$root/usr/lib/modprobe.d/kshm.conf"
	check "$rel/install_leaves_include_linux_alone" \
		test ! -e "$root/usr/include/linux"

	make -s -C "$src" install-uapi DESTDIR="$root" PREFIX=/usr >>"$log" 2>&1
	added=$(listing "$root" "$rel" | LC_ALL=C comm -13 "$manifest" - | tr '\n' ' ')
	check "$rel/install_uapi_adds_only_linux_kshm_h" \
		test "$added" = "usr/include/linux/kshm.h "
	make -s -C "$src" uninstall-uapi DESTDIR="$root" PREFIX=/usr >>"$log" 2>&1
	check "$rel/uninstall_uapi_removes_it" \
		test ! -e "$root/usr/include/linux/kshm.h"

	if ! make -C "$src" uninstall DESTDIR="$root" PREFIX=/usr KDIR="$kdir" \
			"${modpath[@]}" >>"$log" 2>&1; then
		cat "$log"
		fail "$rel/make_uninstall" "exited non-zero"
		continue
	fi
	left=$(cd "$root" && find . ! -type d -o -type d -name '*kshm*')
	if [ -z "$left" ]; then
		pass "$rel/uninstall_leaves_nothing"
	else
		echo "$left"
		fail "$rel/uninstall_leaves_nothing"
	fi
done <"$kernels_file"
[ "$n" -gt 0 ] || fail setup "no kernel in $kernels_file"
exit $failed
