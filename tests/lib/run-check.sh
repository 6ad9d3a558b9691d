#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-check.sh OUT: libkshm's host checks. Runs the check suites, then
# the checks that are not check tests, each printing one line
# "KSHM-RESULT PASS|FAIL|SKIP name"; ends with
# "N passed, N failed, N skipped" counting both (tests/results.sh), and
# exits non-zero on any failure. The device suites need the kshm device
# nodes, which a host does not have: they are reported as skipped, never
# as passed (they run in the VM, tests/vm/run).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/results.sh"
out=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kshm-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
CC=${CC:-cc}

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

# The check suites, with ASan and UBSan.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$out/libkshm-host-tests" 2>&1 | tee -a "$log"
suite_rc=${PIPESTATUS[0]}

# A host without the devices: the test program leaves the device suites
# out (tests/lib/main.c: they need /dev/kshm0, /dev/kshm1 and /dev/kshm).
# Unless it reported them as skipped itself, say so here, so that they
# count as skipped rather than vanish.
if ! { [ -e /dev/kshm0 ] && [ -e /dev/kshm1 ] && [ -e /dev/kshm ]; } &&
	! grep -q '^KSHM-RESULT SKIP ' "$log"; then
	result SKIP "libkshm/device_suites no kshm devices here; they run in the VM"
fi

# make install into a scratch root, then build an application the way
# one outside the tree would: only pkg-config knows where things are.
root=$tmp/root
install_lib() {
	make -s -C "$top/lib" install DESTDIR="$root" PREFIX=/usr &&
	for f in usr/include/kshm.h usr/include/kshm/linux/kshm.h \
		usr/lib/libkshm.so usr/lib/libkshm.so.0 usr/lib/libkshm.a \
		usr/lib/pkgconfig/libkshm.pc usr/share/man/man3/kshm_open.3 \
		usr/share/man/man3/kshm_create.3; do
		[ -e "$root/$f" ] || { echo "missing $f"; return 1; }
	done
}
expect install_puts_every_file_in_destdir install_lib
# A distribution's kernel headers may own <linux/kshm.h>: only
# install-uapi writes it. The consumers below find the private copy
# through pkg-config.
expect install_leaves_include_linux_alone test ! -e "$root/usr/include/linux/kshm.h"
install_uapi() {
	make -s -C "$top/lib" install-uapi DESTDIR="$tmp/uapi" PREFIX=/usr &&
	cmp "$top/include/uapi/linux/kshm.h" "$tmp/uapi/usr/include/linux/kshm.h"
}
expect install_uapi_installs_linux_kshm_h install_uapi

cat >"$tmp/app.c" <<'APP'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <kshm.h>

int main(int argc, char **argv)
{
	struct kshm *k = kshm_open(argc > 1 ? argv[1] : "/dev/kshm0", O_RDWR);

	if (!k) {
		printf("kshm_open: %s\n", strerror(errno));
		return 1;
	}
	kshm_close(k);
	return 0;
}
APP
pc() {
	PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig \
		pkg-config "$@" libkshm
}
consumer_shared() {
	$CC -Wall -Werror -o "$tmp/app" "$tmp/app.c" $(pc --cflags --libs) &&
	readelf -d "$tmp/app" | grep -q 'NEEDED.*libkshm\.so\.0' &&
	# The installed library loads and answers: /dev/null is no kshm device.
	LD_LIBRARY_PATH=$root/usr/lib "$tmp/app" /dev/null |
		grep -q 'kshm_open: Inappropriate ioctl for device'
}
consumer_static() {
	$CC -static -Wall -Werror -o "$tmp/app-static" "$tmp/app.c" \
		$(pc --cflags --libs --static) &&
	! readelf -d "$tmp/app-static" 2>/dev/null | grep -q NEEDED &&
	"$tmp/app-static" /dev/kshm-no-such-node |
		grep -q 'kshm_open: No such file or directory'
}
expect pkg_config_shared_consumer_links_and_runs consumer_shared
expect pkg_config_static_consumer_links_and_runs consumer_static
expect pkg_config_reports_the_version \
	test "$(pc --modversion)" = "$(cat "$top/VERSION")"

# The build refuses a version script whose version is not the library's.
bad_map() {
	sed 's/^LIBKSHM_[0-9.]*/LIBKSHM_9.9/' "$top/lib/libkshm.map" >"$tmp/bad.map"
	local version
	version=$(cat "$top/VERSION")
	"$top/lib/check-version.sh" "$version" "$top/lib/libkshm.map" "$top/lib/include/kshm.h" &&
	! "$top/lib/check-version.sh" "$version" "$tmp/bad.map" "$top/lib/include/kshm.h"
}
expect version_check_refuses_mismatched_map bad_map

# Man pages: groff with every warning on must stay silent.
man_clean() {
	local page warn=0
	for page in "$top"/Documentation/man/man3/*.3; do
		groff -t -man -ww -z "$page" >"$tmp/groff" 2>&1
		if [ -s "$tmp/groff" ]; then cat "$tmp/groff"; warn=1; fi
	done
	return $warn
}
expect man_pages_have_no_groff_warnings man_clean

# The guide's examples compile as shown: every ```c block, each a
# whole program.
guide_examples() {
	local n=0 f
	awk -v dir="$tmp" '/^```c$/ { on = 1; n++; next }
		/^```$/ && on { on = 0; next }
		on { print > (dir "/guide" n ".c") }' "$top/Documentation/libkshm.md" &&
	for f in "$tmp"/guide*.c; do
		[ -s "$f" ] || continue
		n=$((n + 1))
		$CC -Wall -Wextra -Werror -I"$top/lib/include" -I"$top/include/uapi" \
			-o "${f%.c}" "$f" -L"$top/build/lib" -lkshm || return 1
	done
	# The region program and the ring consumer, at least.
	[ "$n" -ge 2 ]
}
expect guide_examples_compile guide_examples

expect examples_build make -s -C "$top/examples"

read -r p f s n < <(results_tally "$log")
if [ "$n" -eq 0 ]; then
	result FAIL check_suites_printed_no_summary
	f=$((f + 1))
fi
results_line "$p" "$f" "$s"
[ "$f" -eq 0 ] || exit 1
[ "$suite_rc" -eq 0 ] || exit 1
