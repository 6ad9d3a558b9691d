#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: kshm-bench once per backing, then ring-bench (ring-bench.sh),
# then fault-bench (fault-bench.sh). kshm_bench, from the kernel command
# line (tests/vm/run's VM_BENCH), names the ones to run, comma-separated:
# kshm, ring, fault (default all).
want() {
	case ",${kshm_bench:-all}," in
	*,all,* | *,"$1",*) return 0 ;;
	esac
	return 1
}
rc=0
if want kshm; then
	for backing in pages vmalloc; do
		insmod /kshm.ko backing=$backing max_size=67108864 || exit 1
		kshm-bench /dev/kshm0
		rmmod kshm
		echo
	done
fi
# The ring against netlink and read(): tools/ring-bench.c.
if want ring; then
	/ring-bench.sh || rc=1
fi
# First touches and consumption: tools/fault-bench.c.
if want fault; then
	/fault-bench.sh || rc=1
fi
exit $rc
