#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: kshm-bench once per backing.
for backing in pages vmalloc; do
	insmod /kshm.ko backing=$backing max_size=67108864 || exit 1
	kshm-bench /dev/kshm0
	rmmod kshm
	echo
done
