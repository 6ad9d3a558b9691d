#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: load kshm with the per-fault log on and run the first
# examples a newcomer should see.
echo "== insmod kshm.ko fault_log=1"
insmod /kshm.ko fault_log=1 || exit 1
for ex in map-twice fault-log; do
	[ -x "/examples/$ex" ] || continue
	echo
	echo "== $ex"
	"/examples/$ex"
done
echo
echo "== kshm lines in dmesg"
dmesg | grep -E ' kshm[0-9]*: ' | tail -n 20
rmmod kshm
