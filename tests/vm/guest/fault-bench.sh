#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, after ring-bench: fault-bench (tools/fault-bench.c), the
# first touch of kshm mappings (fault-around, prefault, backing huge)
# against memfd and anonymous shared memory, and consuming what the
# kernel wrote through the mapping against read(). kshm.ko loads with its
# defaults; each configuration sets its region's policy itself. The
# regions are 64 MiB, made and destroyed one at a time (the guest has
# 1024 MiB).
echo "== fault-bench"
insmod /kshm.ko || exit 1
grep -m1 'model name' /proc/cpuinfo
echo "fault_around=$(cat /sys/module/kshm/parameters/fault_around) prefault=$(cat /sys/module/kshm/parameters/prefault)"
fault-bench -r 5
rc=$?
rmmod kshm
exit $rc
