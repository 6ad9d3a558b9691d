#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, after kshm-bench: ring-bench (tools/ring-bench.c), the kshm
# ring against netlink and read() kernel->user, and round trips through
# kshm_echo, with kshm.ko (backing pages) and the client modules loaded.
echo "== ring-bench"
if [ ! -e /modules/kshm_gen.ko ]; then
	echo "ring-bench: no client modules in /modules (see tests/vm/run)"
	exit 1
fi
insmod /kshm.ko || exit 1
for m in kshm_gen kshm_echo kshm_nlbench kshm_fifobench; do
	insmod /modules/$m.ko || exit 1
done
# What the figures depend on: the CPU QEMU emulates and the mitigations
# the kernel runs with (they set the cost of a system call).
grep -m1 'model name' /proc/cpuinfo
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	[ -r "$f" ] && printf '%s: %s; ' "${f##*/}" "$(cat "$f")"
done
echo
ring-bench -r 5
rc=$?
cat /sys/module/kshm_echo/parameters/stats
rmmod kshm_gen kshm_echo kshm_nlbench kshm_fifobench
rmmod kshm
exit $rc
