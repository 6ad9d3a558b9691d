#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything kshm needs to build and test on Debian 12, and fetch
# the guest kernels the VM tests boot. Idempotent: when everything is
# already in place it returns in well under a second.
#
# The kernels are recorded in $KSHM_CACHE/kernels, one line per kernel:
#   <release> <headers build dir> <vmlinuz>
# which tests/vm/run reads.
#
# Usage: scripts/deps.sh [--matrix] [--flavours]
#   --matrix    also the headers `make compile-matrix` builds against: 6.1
#               and 6.12, each in amd64, cloud-amd64 and rt-amd64, listed
#               in $KSHM_CACHE/kernels-matrix ("<release> <headers dir>")
#   --flavours  also the kernels `make check-flavours` boots, listed in
#               $KSHM_CACHE/kernels-flavours: 6.1 rt-amd64 (PREEMPT_RT),
#               and the newest kernel Debian offers, built for in a Debian
#               13 tree (scripts/newest-kernel.sh)
#
# Environment: KSHM_CACHE (default ~/.cache/kshm), KSHM_DEPS_EXTRA (more
# package names, e.g. for the debug kernel build).
set -euo pipefail

want_matrix=
want_flavours=
for arg; do
	case $arg in
	--matrix) want_matrix=1 ;;
	--flavours) want_flavours=1 ;;
	*) echo "usage: $0 [--matrix] [--flavours]" >&2; exit 2 ;;
	esac
done

cache=${KSHM_CACHE:-$HOME/.cache/kshm}
kernels_file=$cache/kernels
sources_dir=/etc/apt/sources.list.d
backports_file=$sources_dir/kshm-bookworm-backports.sources

packages=(gcc make libc6-dev check pkg-config busybox-static cpio
	  qemu-system-x86 sparse groff-base man-db kmod bc flex bison
	  libelf-dev libssl-dev dwarves cppcheck linux-source-6.1 xz-utils perl
	  gnuplot-nox dkms
	  ${KSHM_DEPS_EXTRA:-})
[ -z "$want_flavours" ] || packages+=(debootstrap)
matrix_file=$cache/kernels-matrix
flavours_file=$cache/kernels-flavours
headers_root=$cache/headers

log() { echo "deps: $*" >&2; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { log "run as root or install sudo"; exit 1; }
	sudo_cmd=(sudo)
fi
as_root() { "${sudo_cmd[@]}" "$@"; }
apt_install() {
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "$@" >&2
}

all_installed() {
	local st
	st=$(dpkg-query -W -f='${db:Status-Status}\n' "$@" 2>/dev/null) || return 1
	! grep -qv '^installed$' <<<"$st"
}

kernels_ready() {
	local rel build vmlinuz n=0
	[ -s "$kernels_file" ] || return 1
	while read -r rel build vmlinuz; do
		[ -f "$build/Makefile" ] && [ -f "$vmlinuz" ] || return 1
		n=$((n + 1))
	done <"$kernels_file"
	[ "$n" -ge 2 ]
}

# list_ready FILE N: FILE lists N kernels or more, each with its headers
# (inside its tree, when a fourth column names one) and its vmlinuz, if
# the line has one.
list_ready() {
	local rel build vmlinuz root n=0
	[ -s "$1" ] || return 1
	while read -r rel build vmlinuz root; do
		[ -f "$root$build/Makefile" ] || return 1
		[ -z "$vmlinuz" ] || [ -f "$vmlinuz" ] || return 1
		n=$((n + 1))
	done <"$1"
	[ "$n" -ge "$2" ]
}

if all_installed "${packages[@]}" && kernels_ready &&
	{ [ -z "$want_matrix" ] || list_ready "$matrix_file" 6; } &&
	{ [ -z "$want_flavours" ] || list_ready "$flavours_file" 2; }; then
	exit 0
fi

# bookworm-backports carries the 6.12 kernel. Take the mirror and keyring
# from the existing Debian entry, so no host name is written down here.
add_backports() {
	local stanza uris keyring
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	stanza=$(awk 'BEGIN { RS = ""; FS = "\n" }
		/Suites:[^\n]*bookworm([ \n]|$)/ && !/security/ { print; exit }' \
		"$sources_dir"/*.sources 2>/dev/null || true)
	uris=$(sed -n 's/^URIs:[[:space:]]*//p' <<<"$stanza" | head -n1)
	keyring=$(sed -n 's/^Signed-By:[[:space:]]*//p' <<<"$stanza" | head -n1)
	if [ -z "$uris" ]; then
		uris=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
	fi
	[ -n "$uris" ] || { log "cannot find the Debian mirror to add bookworm-backports"; exit 1; }
	log "adding bookworm-backports from the existing mirror entry"
	{
		echo "Types: deb"
		echo "URIs: $uris"
		echo "Suites: bookworm-backports"
		echo "Components: main"
		if [ -n "$keyring" ]; then
			echo "Signed-By: $keyring"
		fi
	} | as_root tee "$backports_file" >/dev/null
}

add_backports
log "apt-get update"
as_root apt-get update -q >&2
apt_install "${packages[@]}"

# The kernel release a headers meta package points to, e.g. 6.1.0-56-amd64;
# empty when there is no such package.
release_of() {
	{ apt-cache depends "$@" 2>/dev/null || true; } |
		sed -n 's/^ *Depends: linux-headers-\([0-9].*-amd64\)$/\1/p' | head -n1
}

# The newest release whose generic amd64 headers match a series, e.g.
# 6.12: for mirrors that carry linux-headers-6.12.95+deb12-amd64 but not
# the linux-headers-6.12-amd64 meta package.
newest_release() {
	{ apt-cache pkgnames "linux-headers-$1." 2>/dev/null || true; } |
		sed -n "s/^linux-headers-\($1\.[0-9][^-]*\)-amd64\$/\1-amd64/p" |
		sort -V | tail -n1
}

# Unpack vmlinuz of a release from its image .deb (the host kernel is left
# alone: installing the image would also run initramfs generation).
fetch_vmlinuz() {
	local rel=$1 dir=$cache/kernel-$1 tmp deb
	[ -f "$dir/boot/vmlinuz-$rel" ] && return 0
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "linux-image-$rel-unsigned" >&2 ||
		apt-get download -q "linux-image-$rel" >&2)
	deb=$(ls "$tmp"/*.deb)
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
	# Keep only what the guest boots; the module tree is not needed.
	find "$dir" -mindepth 1 -maxdepth 1 ! -name boot -exec rm -rf {} +
	rm -rf "$tmp"
	[ -f "$dir/boot/vmlinuz-$rel" ]
}

mkdir -p "$cache"
rel61=$(release_of linux-headers-amd64)
rel612=$(release_of -t bookworm-backports linux-headers-6.12-amd64)
[ -n "$rel612" ] || rel612=$(release_of linux-headers-6.12-amd64)
[ -n "$rel612" ] || rel612=$(newest_release 6.12)
[ -n "$rel61" ] || { log "no 6.1 headers package found"; exit 1; }
[ -n "$rel612" ] || { log "no 6.12 headers package found in bookworm-backports"; exit 1; }

apt_install "linux-headers-$rel61"
apt_install -t bookworm-backports "linux-headers-$rel612" ||
	apt_install "linux-headers-$rel612"

tmpk=$(mktemp)
for rel in "$rel61" "$rel612"; do
	log "kernel $rel"
	fetch_vmlinuz "$rel"
	echo "$rel /usr/src/linux-headers-$rel $cache/kernel-$rel/boot/vmlinuz-$rel" >>"$tmpk"
done
mv "$tmpk" "$kernels_file"
kernels_ready
log "ready: $(cut -d' ' -f1 "$kernels_file" | tr '\n' ' ')"

# The headers of another flavour of a release, unpacked from their .debs
# (with the common and kbuild packages they name) into $headers_root
# rather than installed: the 6.12 flavours' header packages depend on
# their kernel images, which apt would install on the host, running its
# initramfs and DKMS hooks. Only the arch directory's Makefile names an
# absolute path (the common directory's), and it is pointed inside.
unpack_headers() {
	local rel=$1 dir=$headers_root/usr/src/linux-headers-$1 tmp deps deb
	[ -f "$dir/Makefile" ] && return 0
	deps=$({ apt-cache depends "linux-headers-$rel" 2>/dev/null || true; } |
		sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ <>]*\)$/\1/p' | sort -u)
	tmp=$(mktemp -d)
	# shellcheck disable=SC2086 # one package name a word
	(cd "$tmp" && apt-get download -q "linux-headers-$rel" $deps >&2)
	mkdir -p "$headers_root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$headers_root"
	done
	rm -rf "$tmp"
	sed -i "s|^include /usr/src/|include $headers_root/usr/src/|" "$dir/Makefile"
	[ -f "$dir/Makefile" ]
}

# A flavour's headers: those the base install put in /usr/src, else
# unpacked.
flavour_headers() {
	if [ -f "/usr/src/linux-headers-$1/Makefile" ]; then
		echo "/usr/src/linux-headers-$1"
	else
		unpack_headers "$1"
		echo "$headers_root/usr/src/linux-headers-$1"
	fi
}

if [ -n "$want_matrix" ]; then
	tmpk=$(mktemp)
	for rel in "$rel61" "$rel612"; do
		for flavour in amd64 cloud-amd64 rt-amd64; do
			frel=${rel%-amd64}-$flavour
			log "headers $frel"
			echo "$frel $(flavour_headers "$frel")" >>"$tmpk"
		done
	done
	mv "$tmpk" "$matrix_file"
	list_ready "$matrix_file" 6
	log "compile matrix: $(cut -d' ' -f1 "$matrix_file" | tr '\n' ' ')"
fi

if [ -n "$want_flavours" ]; then
	rt=${rel61%-amd64}-rt-amd64
	log "kernel $rt"
	fetch_vmlinuz "$rt"
	tmpk=$(mktemp)
	echo "$rt $(flavour_headers "$rt") $cache/kernel-$rt/boot/vmlinuz-$rt" >"$tmpk"
	as_root env KSHM_CACHE="$cache" "$(dirname "$0")/newest-kernel.sh"
	cat "$cache/kernels-newest" >>"$tmpk"
	mv "$tmpk" "$flavours_file"
	list_ready "$flavours_file" 2
	log "flavours: $(cut -d' ' -f1 "$flavours_file" | tr '\n' ' ')"
fi
