# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh without kshm loaded: bad parameters refuse the load
# cleanly, good ones create the right nodes.
echo "KSHM-GROUP params"

for p in "nr_devs=0" "nr_devs=65" "nr_devs=4294967296" "size=0" \
	 "backing=foo" "size=2097152 max_size=1048576" "max_size=100" \
	 "max_size=18446744073709551615" "size=1099511627776" \
	 "size=18446744073709551615" "size=5000 max_size=5000" \
	 "mode=04755" "fault_around=0" "fault_around=3" "fault_around=1024" \
	 "fault_around=-1" "backing=huge max_size=1048576"; do
	expect_fail "params/load_refused:${p// /,}" insmod /kshm.ko $p
	expect "params/nothing_left_after:${p// /,}" test ! -e /sys/module/kshm
done

if insmod /kshm.ko nr_devs=3 size=5000 mode=0660; then
	expect params/nr_devs_3_creates_kshm2 test -c /dev/kshm2
	expect params/nr_devs_3_no_kshm3 test ! -e /dev/kshm3
	expect params/size_rounded_to_pages test "$(sysval kshm1 size)" -eq 8192
	expect params/mode_applied \
		test "$(stat -c %a /dev/kshm0)" = 660
	rmmod kshm
else
	result FAIL params/load_nr_devs_3
fi
if insmod /kshm.ko; then
	expect params/default_mode_0600 test "$(stat -c %a /dev/kshm0)" = 600
	expect params/default_size_1MiB test "$(sysval kshm0 size)" -eq 1048576
	expect params/default_backing_pages test "$(sysval kshm0 backing)" = pages
	expect params/default_one_device test ! -e /dev/kshm1
	expect params/default_fault_around_16 \
		test "$(cat /sys/module/kshm/parameters/fault_around)" = 16
	expect params/default_prefault_off \
		test "$(cat /sys/module/kshm/parameters/prefault)" = N
	rmmod kshm
else
	result FAIL params/load_defaults
fi
# Backing "huge" rounds the default 1 MiB up to one 2 MiB block.
if insmod /kshm.ko backing=huge; then
	expect params/huge_size_rounded_to_2MiB \
		test "$(sysval kshm0 size)" -eq 2097152
	expect params/huge_backing test "$(sysval kshm0 backing)" = huge
	rmmod kshm
else
	result FAIL params/load_backing_huge
fi
