# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh with kshm not loaded: the module-side commands of
# Documentation/getting-started.md and troubleshooting.md (their blocks
# marked <!-- run: guest -->), run as written, in order, each document in
# one shell with -e, every block's output checked against the output the
# document shows (tests/docs/guide.awk, packed in /docs by tests/vm/run).
# One KSHM-RESULT line per block. The host-side blocks (build, install)
# run in tests/docs/commands.sh.
#
# The documents run from the top of a built source tree after `sudo make
# install`; this sets up the same here: a tree whose driver/kshm.ko is
# /kshm.ko, VERSION /VERSION, build/examples the guest's /examples and
# hello-kshm the static build of the guide's own program
# (tests/docs/build); kshm.ko in /lib/modules/RELEASE/updates with depmod
# run, as make install leaves it; kshmctl is in PATH (/libexec); and a
# sudo that runs its arguments (the guest is root).
doc_moddir=/lib/modules/$(uname -r)/updates
doc_tmp=/tmp/docs
rm -rf "$doc_tmp"
mkdir -p "$doc_tmp/src/driver" "$doc_tmp/src/build" "$doc_tmp/bin" "$doc_moddir"
ln -s /kshm.ko "$doc_tmp/src/driver/kshm.ko"
ln -s /VERSION "$doc_tmp/src/VERSION"
ln -s /examples "$doc_tmp/src/build/examples"
ln -s /libexec/hello-kshm "$doc_tmp/src/hello-kshm"
printf '#!/bin/sh\nexec "$@"\n' >"$doc_tmp/bin/sudo"
chmod +x "$doc_tmp/bin/sudo"
cp /kshm.ko "$doc_moddir/kshm.ko"
depmod

for doc_name in getting-started troubleshooting; do
	echo "KSHM-GROUP docs:$doc_name"
	doc=/docs/$doc_name.md
	# As on a fresh system: kshm not loaded, tracing on, no kshm event
	# enabled (tracing.sh leaves tracing_on at 0), the kernel log's kshm
	# lines of earlier scripts gone.
	rmmod kshm 2>/dev/null
	[ -e /sys/kernel/tracing/trace ] ||
		mount -t tracefs tracefs /sys/kernel/tracing
	echo 1 >/sys/kernel/tracing/tracing_on
	echo 0 >/sys/kernel/tracing/events/enable
	dmesg -c >/dev/null

	expect "$doc_name/every_command_block_is_marked" \
		awk -v mode=lint -f /docs/guide.awk "$doc"
	awk -v mode=script -v side=guest -f /docs/guide.awk "$doc" \
		>"$doc_tmp/$doc_name.sh"
	awk -v mode=expect -v side=guest -f /docs/guide.awk "$doc" \
		>"$doc_tmp/$doc_name.expect"
	(cd "$doc_tmp/src" && PATH=$doc_tmp/bin:$PATH sh -e "$doc_tmp/$doc_name.sh") \
		>"$doc_tmp/$doc_name.log" 2>&1
	awk -v mode=check -v name="$doc_name/guest" -f /docs/guide.awk \
		"$doc_tmp/$doc_name.expect" "$doc_tmp/$doc_name.log" \
		>"$doc_tmp/$doc_name.results"
	cat "$doc_tmp/$doc_name.results"
	grep -q '^KSHM-RESULT ' "$doc_tmp/$doc_name.results" ||
		result FAIL "$doc_name/guest" "no guest block in $doc"
	# A hello-kshm a failed document left holding a region.
	if pidof hello-kshm >/dev/null; then
		kill $(pidof hello-kshm)
		sleep 1
	fi
done

# Whatever the documents left behind, for the scripts after this one.
rmmod kshm 2>/dev/null
echo 0 >/sys/kernel/tracing/events/enable
rm -f "$doc_moddir/kshm.ko"
depmod
