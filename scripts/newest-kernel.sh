#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the newest kernel Debian offers (trixie-backports' linux-image-amd64:
# 7.3 today) for the VM suite. Its headers need Debian 13's glibc (2.38
# or later) and gcc-14, so they are installed in a debootstrapped Debian
# 13 tree, where kshm is built (scripts/in-chroot); the guest's vmlinuz
# is unpacked from the kernel's .deb, as scripts/deps.sh does for 6.12.
#
# The tree is cached under $KSHM_CACHE/trixie-<hash>, the hash taken over
# RECIPE and the tree's package list (bump RECIPE when a change here
# changes what the tree holds), so a second run only asks apt whether
# newer headers came out. The mirror and keyring come from the host's
# Debian entry: no host name is written here.
#
# On success writes $KSHM_CACHE/kernels-newest, one line in the format of
# $KSHM_CACHE/kernels with a fourth column, the tree to build in:
#   <release> <headers dir inside the tree> <vmlinuz> <tree>
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
suite=trixie
backports=trixie-backports
# What kshm's build needs besides the headers, which bring gcc-14 along.
tree_packages=(make binutils)
RECIPE=1
start=$SECONDS

stage() { printf 'newest-kernel: [%4ds] %s\n' $((SECONDS - start)) "$*" >&2; }
die() { stage "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing (scripts/deps.sh --flavours installs it)"

# The Debian mirror and keyring of the host's own entry.
mirror() {
	local stanza uris keyring
	stanza=$(awk 'BEGIN { RS = ""; FS = "\n" }
		/Suites:[^\n]*bookworm([ \n]|$)/ && !/security/ { print; exit }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	uris=$(sed -n 's/^URIs:[[:space:]]*//p' <<<"$stanza" | head -n1)
	keyring=$(sed -n 's/^Signed-By:[[:space:]]*//p' <<<"$stanza" | head -n1)
	if [ -z "$uris" ]; then
		uris=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
	fi
	[ -n "$uris" ] || die "cannot find the host's Debian mirror"
	echo "$uris ${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}"
}

hash=$( { echo "$RECIPE $suite $backports ${tree_packages[*]}"; } | sha256sum | cut -c1-12)
dir=$cache/$suite-$hash
root=$dir/root
in_tree() { "$top/scripts/in-chroot" "$root" "$@"; }
tree_apt() { in_tree env DEBIAN_FRONTEND=noninteractive apt-get -q "$@"; }

read -r uris keyring <<<"$(mirror)"
if [ ! -f "$dir/bootstrapped" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	stage "debootstrap $suite (log: $dir/debootstrap.log)"
	debootstrap --variant=minbase --keyring="$keyring" \
		--include="$(IFS=,; echo "${tree_packages[*]}")" \
		"$suite" "$root" "$uris" >"$dir/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$dir/debootstrap.log" >&2; die "debootstrap failed"; }
	{
		echo "Types: deb"
		echo "URIs: $uris"
		echo "Suites: $backports"
		echo "Components: main"
		echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	} >"$root/etc/apt/sources.list.d/$backports.sources"
	touch "$dir/bootstrapped"
fi
# The host's resolver may have changed since the tree was made.
cp /etc/resolv.conf "$root/etc/resolv.conf"

stage "apt-get update in the $suite tree"
tree_apt update >"$dir/apt.log" 2>&1 || { tail -n 20 "$dir/apt.log" >&2; die "apt-get update failed"; }
rel=$(in_tree apt-cache depends -t "$backports" linux-headers-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-headers-\([0-9].*-amd64\)$/\1/p' | head -n1)
[ -n "$rel" ] || die "no linux-headers-amd64 in $backports"

stage "headers of $rel"
tree_apt install -y --no-install-recommends -t "$backports" "linux-headers-$rel" \
	>>"$dir/apt.log" 2>&1 || { tail -n 20 "$dir/apt.log" >&2; die "cannot install linux-headers-$rel"; }
[ -f "$root/usr/src/linux-headers-$rel/Makefile" ] || die "no headers at /usr/src/linux-headers-$rel in the tree"

# vmlinuz from the .deb that holds it: -unsigned up to 6.12; from 7.x on
# linux-binary-<release>, which keeps it in /usr/lib/modules/<release>/.
# The host kernel is left alone, and so is the tree: only the file is
# unpacked.
kdir=$cache/kernel-$rel
vmlinuz=$kdir/boot/vmlinuz-$rel
if [ ! -f "$vmlinuz" ]; then
	stage "vmlinuz of $rel"
	dl=$root/tmp/kshm-image
	rm -rf "$dl"
	mkdir -p "$dl"
	chmod 0777 "$dl"	# apt downloads as _apt
	for pkg in "linux-binary-$rel" "linux-image-$rel-unsigned" "linux-image-$rel"; do
		in_tree sh -c 'cd /tmp/kshm-image && apt-get download -q "$1"' sh "$pkg" \
			>>"$dir/apt.log" 2>&1 || continue
		deb=$(ls "$dl"/*.deb)
		member=$(dpkg-deb -c "$deb" | awk -v a="./boot/vmlinuz-$rel" \
			-v b="./usr/lib/modules/$rel/vmlinuz" '$NF == a || $NF == b { print $NF; exit }')
		if [ -n "$member" ]; then
			mkdir -p "$kdir/boot"
			dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$member" >"$vmlinuz.tmp"
			mv "$vmlinuz.tmp" "$vmlinuz"
			break
		fi
		rm -f "$deb"
	done
	rm -rf "$dl"
	[ -f "$vmlinuz" ] || die "no package of $rel holds its vmlinuz"
fi

echo "$rel /usr/src/linux-headers-$rel $vmlinuz $root" >"$cache/kernels-newest"
# A tree of an older recipe takes 0.7 GiB: keep only this one.
for old in "$cache/$suite"-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
stage "ready: $rel"
