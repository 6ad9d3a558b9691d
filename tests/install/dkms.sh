#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, as a user runs it, in a scratch tree: `make dkms-install` (which
# runs Debian's dkms add, build and install) for each test kernel, the
# module checked where DKMS put it, then loaded in a short VM boot of
# each kernel (tests/vm/run with VM_KSHM_KO; about 6 s a boot): insmod,
# its version, one suite of the driver's tests, the unload and leak
# checks. Then `make dkms-remove`.
#
# dkms gets scratch source, DKMS and install trees (--sourcetree,
# --dkmstree, --installtree), --kernelsourcedir, --no-depmod and a
# scratch signing key (mok_signing_key, mok_certificate), so the host's
# /usr/src, /var/lib/dkms and /lib/modules are left alone; the test
# checks that they are. Kernels whose list line names a build tree (a
# fourth column) need that tree's compiler and are not built here.
#
# Environment: DKMS_VM_SUITE, the suite of kshm-driver-tests the boot
# runs (default mmap_sharing; check's CK_RUN_SUITE, which the kernel
# command line hands to the guest's programs); DKMS_BOOT_FIRST=1 boots
# only the first kernel. Prints KSHM-RESULT lines, the VM runs' output,
# and a closing line that counts both; exits 1 on any failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
kernels_file=${KERNELS_FILE:-$cache/kernels}
s=$top/build/dkms-test
version=$(cat "$top/VERSION")
. "$top/tests/results.sh"
passed=0
failed=0
skipped=0

pass() { echo "KSHM-RESULT PASS dkms/$1"; passed=$((passed + 1)); }
fail() { echo "KSHM-RESULT FAIL dkms/$*"; failed=$((failed + 1)); }
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

finish() {
	results_line "$passed" "$failed" "$skipped"
	[ "$failed" -eq 0 ]
	exit
}

command -v dkms >/dev/null || { fail setup "dkms is not installed (scripts/deps.sh)"; finish; }
[ -s "$kernels_file" ] || { fail setup "no kernels in $kernels_file (scripts/deps.sh)"; finish; }

# What DKMS would touch without the scratch trees, before and after.
host_state() {
	ls -A /var/lib/dkms 2>/dev/null
	ls -d /usr/src/kshm-* 2>/dev/null
	ls /lib/modules/*/updates/dkms/kshm.ko* 2>/dev/null
}
before=$(host_state)

rm -rf "$s"
mkdir -p "$s/src" "$s/dkms" "$s/modules"
export mok_signing_key=$s/mok.key mok_certificate=$s/mok.pub
trees=(DKMS_SOURCE_TREE="$s/src"
       DKMS_FLAGS="--dkmstree $s/dkms --installtree $s/modules --no-depmod")

booted=()
while read -r rel kdir _ kroot; do
	[ -z "$kroot" ] || continue
	mkdir -p "$s/modules/$rel"
	log=$s/$rel.log
	if make -C "$top" dkms-install "${trees[@]}" \
			DKMS_KERNEL="-k $rel --kernelsourcedir $kdir" >"$log" 2>&1; then
		pass "$rel/make_dkms_install"
	else
		cat "$log"
		fail "$rel/make_dkms_install" "exited non-zero"
		continue
	fi
	check "$rel/dkms_status_installed" grep -q "^kshm/$version, $rel, [^:]*: installed" \
		<(dkms status --dkmstree "$s/dkms" --sourcetree "$s/src" \
			--installtree "$s/modules" -m kshm -v "$version" -k "$rel")
	ko=$(ls "$s/modules/$rel/updates/dkms/"kshm.ko* 2>/dev/null | head -n1)
	check "$rel/module_in_the_install_tree" test -n "$ko"
	[ -n "$ko" ] || continue
	check "$rel/module_version_is_VERSION" \
		test "$(modinfo -F version "$ko")" = "$version"
	check "$rel/module_vermagic_is_the_release" \
		test "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel"
	[ "${#booted[@]}" -eq 0 ] || [ -z "${DKMS_BOOT_FIRST:-}" ] || continue
	# Busybox's insmod takes no compressed module.
	case $ko in
	*.xz) xz -dc "$ko" ;;
	*.gz) gzip -dc "$ko" ;;
	*.zst) zstd -qdc "$ko" ;;
	*) cat "$ko" ;;
	esac >"$s/kshm-$rel.ko"
	booted+=("$rel")
done <"$kernels_file"

# The module DKMS built, loaded in the VM: its insmod, the version check,
# the suite and the unload must pass (tests/vm/guest/tests.sh).
[ "${#booted[@]}" -gt 0 ] || fail setup "DKMS built no module to load"
nobuild=${VM_NO_BUILD:-}
for rel in "${booted[@]}"; do
	VM_NO_BUILD=$nobuild KERNELS=$rel VM_KSHM_KO=$s/kshm-$rel.ko VM_GROUPS=pages \
		VM_ONLY=kshm-driver-tests VM_SCRIPTS=none \
		VM_KERNEL_ARGS="CK_RUN_SUITE=${DKMS_VM_SUITE:-mmap_sharing} ${VM_KERNEL_ARGS:-}" \
		"$top/tests/vm/run" 2>&1 | tee "$s/vm.log"
	rc=${PIPESTATUS[0]}
	read -r p f k < <(results_closing "$s/vm.log")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || fail "$rel/vm_run" "tests/vm/run exited $rc"
	nobuild=1	# the guest's programs are built
done

if make -C "$top" dkms-remove "${trees[@]}" >"$s/remove.log" 2>&1; then
	pass make_dkms_remove
else
	cat "$s/remove.log"
	fail make_dkms_remove "exited non-zero"
fi
left=$(cd "$s" && find src dkms modules ! -type d)
if [ -z "$left" ]; then pass dkms_remove_leaves_nothing; else echo "$left"; fail dkms_remove_leaves_nothing; fi
check host_dkms_and_modules_untouched test "$(host_state)" = "$before"
finish
