# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh without kshm loaded: a load that fails part way
# (the third region cannot be allocated) must never have shown a node.
# Every region is allocated before any node is registered, so no process
# can open or map /dev/kshm0 of a module that is about to be freed.
#
# The failure is real, not injected: insmod runs in a memory cgroup of
# 80 MiB, and backing vmalloc charges each 32 MiB region to it.
echo "KSHM-GROUP partial-load"
cg=/sys/fs/cgroup/kshm-load
mkdir -p $cg
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
echo 80M >$cg/memory.max

kshm-uevents >/tmp/uevents &
uev=$!
# An opener that would hold kshm0 if it ever appeared.
(while [ ! -e /tmp/load-done ]; do
	head -c 1 /dev/kshm0 >/dev/null 2>&1 && echo opened >/tmp/opened
done) &
opener=$!
i=0
while ! grep -q ready /tmp/uevents 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

expect_fail partial-load/insmod_fails_on_a_later_region \
	sh -c "echo \$\$ >$cg/cgroup.procs && exec insmod /kshm.ko nr_devs=3 backing=vmalloc size=33554432 max_size=33554432"
touch /tmp/load-done
wait $opener
sleep 0.5
grep -v ready /tmp/uevents >/tmp/uevents_failed
expect partial-load/failure_named_a_later_region \
	sh -c "dmesg | grep -qE 'kshm: cannot allocate region [12] of 3'"
expect partial-load/nothing_left test ! -e /sys/module/kshm
expect partial-load/no_opener_got_a_node test ! -e /tmp/opened
# The same load outside the cgroup succeeds (the limit was the cause),
# and its nodes' uevents show that the listener hears them.
if insmod /kshm.ko nr_devs=3 backing=vmalloc size=33554432 max_size=33554432; then
	result PASS partial-load/same_load_without_limit_succeeds
	sleep 0.5
	expect partial-load/listener_hears_a_real_load \
		grep -q 'add kshm0' /tmp/uevents
	rmmod kshm
else
	result FAIL partial-load/same_load_without_limit_succeeds
fi
kill $uev
if [ -s /tmp/uevents_failed ]; then
	result FAIL partial-load/no_node_appeared_during_the_failed_load
	cat /tmp/uevents_failed
else
	result PASS partial-load/no_node_appeared_during_the_failed_load
fi
rmdir $cg
rm -f /tmp/uevents /tmp/uevents_failed /tmp/opened /tmp/load-done
