#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: kshm-bench once per backing, then ring-bench (ring-bench.sh).
for backing in pages vmalloc; do
	insmod /kshm.ko backing=$backing max_size=67108864 || exit 1
	kshm-bench /dev/kshm0
	rmmod kshm
	echo
done
# The ring against netlink and read(): tools/ring-bench.c.
/ring-bench.sh
