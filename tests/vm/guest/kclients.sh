# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh after the groups, with kshm not loaded: the kernel
# clients of examples/kernel/ (/modules/*.ko) against the real driver,
# once per backing, each group inside the leak checks of leaks.sh.
#
# - every record of kshm_gen, kshm_nlbench, kshm_fifobench and kshm_echo,
#   of odd and large sizes, arrives once, in order, every byte checked
#   (ring-bench, one short run per method);
# - kshm_gen's drop mode: what the ring cannot hold is counted, exactly,
#   in its status and in the ring's dropped counter; bad runs refused;
# - kshm_icmp: ping over loopback gives one record per packet;
# - a client cannot be unloaded while user space holds its region, nor
#   kshm under a client; unloading kshm_gen mid-run stops its thread.
KCLIENTS_GEN=/sys/module/kshm_gen/parameters

# gen_wait_done: wait (up to 20 s) until kshm_gen's run is over.
gen_wait_done() {
	local i=0
	while ! grep -q '^done' $KCLIENTS_GEN/status && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^done' $KCLIENTS_GEN/status
}

# gen_field NAME: a field of kshm_gen's status line.
gen_field() {
	tr ' ' '\n' <$KCLIENTS_GEN/status | sed -n "s/^$1=//p"
}

kclients_group() {
	local b=$1 m n bad before produced dropped stopped
	group=kclients:$b
	echo "KSHM-GROUP $group"
	leak_begin
	if ! insmod /kshm.ko; then
		result FAIL "$group/insmod_kshm"
		return
	fi
	for m in kshm_gen kshm_echo kshm_icmp; do
		expect "$group/insmod_$m" insmod /modules/$m.ko backing="$b"
	done
	for m in kshm_nlbench kshm_fifobench; do
		expect "$group/insmod_$m" insmod /modules/$m.ko
	done
	for n in gen echo-in echo-out icmp; do
		expect "$group/kshm-$n:node" test -c "/dev/kshm-$n"
		expect "$group/kshm-$n:ring_size_1MiB" \
			test "$(sysval "kshm-$n" ring_size)" -eq 1048576
		expect "$group/kshm-$n:backing_$b" \
			test "$(sysval "kshm-$n" backing)" = "$b"
	done
	expect_fail "$group/rmmod_kshm_refused_under_clients" rmmod kshm

	# Odd sizes (padding), 16 KiB, and the largest kshm_fifobench takes
	# (a record kfifo's 2-byte length).
	if ring-bench -r 1 -s 1,13,1000,16384,65535 -n 3000 >/tmp/kclients.out 2>&1; then
		result PASS "$group/every_record_once_in_order_every_method"
	else
		result FAIL "$group/every_record_once_in_order_every_method"
		cat /tmp/kclients.out
	fi
	expect "$group/echo_lost_nothing" \
		grep -q ' lost=0$' /sys/module/kshm_echo/parameters/stats
	# A spinning consumer never asks to be woken: no wake-up per record
	# (one at most, when a poll() of the run before left the flag set).
	expect "$group/busy_consumer_woken_at_most_once_per_run" \
		awk -F'|' '/^\| ring-busy/ { n++; if ($7 + 0 > 1) bad = 1 }
			END { exit bad || !n }' /tmp/kclients.out

	# Pinned while user space holds the region.
	exec 3</dev/kshm-gen
	expect_fail "$group/rmmod_kshm_gen_refused_while_open" rmmod kshm_gen
	exec 3<&-
	exec 3</dev/kshm-echo-in
	expect_fail "$group/rmmod_kshm_echo_refused_while_open" rmmod kshm_echo
	exec 3<&-

	for bad in "0 64" "10 0" "10 1048577" "ten 64" "10 64 maybe"; do
		expect_fail "$group/gen_run_refused:${bad// /_}" \
			sh -c "echo '$bad' >$KCLIENTS_GEN/run"
	done

	# ICMP: five pings over loopback, a request and a reply each.
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
	before=$(sysval kshm-icmp ring_produced)
	if ping -c 5 -A -W 2 127.0.0.1 >/tmp/kclients.ping 2>&1; then
		result PASS "$group/icmp:ping"
	else
		result FAIL "$group/icmp:ping"
		cat /tmp/kclients.ping
	fi
	expect "$group/icmp:10_records" \
		grep -qx 'captured=10 failed=0' /sys/module/kshm_icmp/parameters/stats
	expect "$group/icmp:ring_produced_10_records_of_40_bytes" \
		test $(($(sysval kshm-icmp ring_produced) - before)) -eq 400

	# Drop mode with nobody consuming: the 1 MiB ring holds 14563
	# records of 64 bytes (72 with the header); the rest are counted.
	before=$(sysval kshm-gen ring_dropped)
	echo "20000 64" >$KCLIENTS_GEN/run
	expect "$group/gen_drop:run_done" gen_wait_done
	produced=$(gen_field produced)
	dropped=$(gen_field dropped)
	expect "$group/gen_drop:produced_what_fits" test "$produced" -eq 14563
	expect "$group/gen_drop:dropped_the_rest" test "$dropped" -eq 5437
	expect "$group/gen_drop:ring_dropped_counts_them" \
		test $(($(sysval kshm-gen ring_dropped) - before)) -eq "$dropped"
	expect "$group/gen_drop:no_error" test "$(gen_field err)" -eq 0

	# Unloading mid-run (wait mode on the full ring) stops the thread.
	stopped=$(dmesg | grep -c 'kshm_gen: .* error -4$')
	echo "1000000 64 wait" >$KCLIENTS_GEN/run
	sleep 0.2
	expect "$group/rmmod_kshm_gen_mid_run" rmmod kshm_gen
	expect "$group/mid_run_thread_stopped" \
		test "$(dmesg | grep -c 'kshm_gen: .* error -4$')" -eq $((stopped + 1))

	for m in kshm_echo kshm_icmp kshm_nlbench kshm_fifobench; do
		expect "$group/rmmod_$m" rmmod $m
	done
	for n in gen echo-in echo-out icmp; do
		expect "$group/kshm-$n:node_gone" test ! -e "/dev/kshm-$n"
	done
	leak_end
}

if [ -e /modules/kshm_gen.ko ]; then
	kclients_group pages
	kclients_group vmalloc
else
	result FAIL "kclients/modules_missing (see tests/vm/run's build)"
fi
