#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: load kshm with the per-fault log on and run the first
# examples a newcomer should see, then the kernel side: kshm_icmp.ko
# writes one ring record per ICMP packet from a netfilter hook, and
# ring-capture prints them live while ping runs.
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

if [ -f /modules/kshm_icmp.ko ] && [ -x /examples/ring-capture ]; then
	echo
	echo "== insmod kshm_icmp.ko; ring-capture -c 10 while ping -c 5 127.0.0.1"
	ip link set lo up
	insmod /modules/kshm_icmp.ko || exit 1
	ring-capture -c 10 -t 20 &
	capture=$!
	sleep 1
	ping -c 5 127.0.0.1
	wait $capture
	echo "ring-capture exited $?"
	rmmod kshm_icmp
fi
rmmod kshm
