#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest. kshm_run (from the kernel command line) picks
# tests.sh or demo.sh. Markers let the host tell a finished run from a
# hung or crashed one.
export PATH=/bin:/libexec:/examples
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
echo "KSHM-BEGIN $(uname -r)"
case "$kshm_run" in
demo)	/demo.sh ;;
bench)	/bench.sh ;;
*)	/tests.sh ;;
esac
echo KSHM-DMESG-BEGIN
dmesg
echo KSHM-DMESG-END
echo KSHM-END
poweroff -f
