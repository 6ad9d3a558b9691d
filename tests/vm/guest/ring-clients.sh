# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh after partial-load.sh, with kshm not loaded: the
# ring end to end against the kernel clients of examples/kernel/
# (/modules/*.ko, packed by tests/vm/run), once per backing, each group
# inside the leak checks of leaks.sh. The checks are kshm-ringtest's
# (tests/vm/kshm-ringtest.c, raw UAPI), one KSHM-RESULT line each:
#
# - echo: kshm_ring_records (default below) records of seeded random
#   sizes through kshm_echo, order and every byte checked; then random
#   bytes over echo-in's control page and data (hostile-u2k);
# - race: kshm_gen in drop mode into a 16 KiB ring, a slow consumer:
#   received + dropped == N, no duplicate, no torn record;
# - kill: a consumer SIGKILLed mid-stream, a new process carries on from
#   the control page: every record once across the two;
# - poll: wakes for a record (one wake-up), times out without one, no
#   wake-up at all for a consumer that keeps up;
# - hostile: random bytes over the control page while kshm_gen produces;
# - icmp: kshm_icmp's records against what `ping -c 5 127.0.0.1` reports
#   (a skip when the kernel cannot ping);
# - the examples that need a client module, ring-echo and ring-capture,
#   which tests.sh's groups skip.
#
# Kernel command line (tests/vm/run VM_KERNEL_ARGS=...): kshm_ring_records=N
# for another count, kshm_ring_seed=S for another seed (default: the run's
# stress seed, so that one printed seed repeats the whole run).
RING_RECORDS=${kshm_ring_records:-1000000}
# The debug kernel (KASAN, lockdep) is several times slower: a smaller
# default keeps the scenario near 30 s there too.
[ "$kshm_run" = debug ] && RING_RECORDS=${kshm_ring_records:-300000}
RING_SEED=${kshm_ring_seed:-${kshm_stress_seed:-}}

# ring_insmod NAME PARAMS...: load /modules/NAME.ko; a failure is one.
ring_insmod() {
	local m=$1
	shift
	if insmod "/modules/$m.ko" "$@" 2>/tmp/ring-insmod.err; then
		result PASS "$group/insmod_$m"
	else
		result FAIL "$group/insmod_$m" "$(cat /tmp/ring-insmod.err)"
		return 1
	fi
}

# ring_example NAME ARGS...: an example (examples/) that needs a client
# module, which tests.sh's groups skip: run here, with it loaded.
ring_example() {
	local ex=$1
	shift
	if "/examples/$ex" "$@" >/tmp/ring-example.out 2>&1; then
		result PASS "$group/example:$ex"
	else
		result FAIL "$group/example:$ex" "exit $?"
		cat /tmp/ring-example.out
	fi
}

# ring_test SCENARIO OPTIONS...: one kshm-ringtest scenario, timed.
ring_test() {
	local t=$1 start
	shift
	start=$(date +%s)
	counted "$group/$t" kshm-ringtest -g "$group" "$t" "$@"
	echo "ring-clients: $group/$t took $(($(date +%s) - start)) s"
}

ring_icmp() {
	local b=$1 cap
	if ! ip link set lo up 2>/tmp/ring-ip.err; then
		skip "$group/icmp:ping" "cannot bring lo up: $(cat /tmp/ring-ip.err)"
		return
	fi
	# kshm_icmp needs netfilter: a kernel without it cannot run this.
	if [ -r /proc/kallsyms ] && ! grep -qw nf_register_net_hook /proc/kallsyms; then
		skip "$group/icmp:ping" "the kernel has no netfilter (nf_register_net_hook)"
		return
	fi
	ring_insmod kshm_icmp backing="$b" || return
	ring_test icmp
	# The example, live beside another ping: its 10 records.
	/examples/ring-capture -c 10 -t 30 >/tmp/ring-capture.out 2>&1 &
	cap=$!
	ping -c 5 127.0.0.1 >/dev/null 2>&1
	if wait $cap && grep -q '^ring-capture: 10 packets, 0 short records, 0 dropped' \
		/tmp/ring-capture.out; then
		result PASS "$group/example:ring-capture"
	else
		result FAIL "$group/example:ring-capture"
		cat /tmp/ring-capture.out
	fi
	expect "$group/rmmod_kshm_icmp" rmmod kshm_icmp
}

ring_clients_group() {
	local b=$1 seed=
	group=ring-clients:$b
	echo "KSHM-GROUP $group"
	[ -n "$RING_SEED" ] && seed="-S $RING_SEED"
	leak_begin
	if ! insmod /kshm.ko; then
		result FAIL "$group/insmod_kshm"
		return
	fi
	if ring_insmod kshm_echo backing="$b"; then
		# $seed: nothing or "-S N", unquoted on purpose.
		ring_test echo -n "$RING_RECORDS" $seed
		ring_example ring-echo 100000 $RING_SEED
		# Last: it leaves echo-in broken for good.
		ring_test hostile-u2k $seed
		expect "$group/rmmod_kshm_echo" rmmod kshm_echo
	fi
	# A small ring fills in no time; wait mode waits for a consumer
	# that is being killed and replaced.
	if ring_insmod kshm_gen backing="$b" ring_size=16384 wait_ms=30000; then
		ring_test race
		ring_test kill $seed
		ring_test poll
		# Last: it leaves the ring broken for good.
		ring_test hostile $seed
		expect "$group/rmmod_kshm_gen" rmmod kshm_gen
	fi
	ring_icmp "$b"
	for n in echo-in echo-out gen icmp; do
		expect "$group/kshm-$n:node_gone" test ! -e "/dev/kshm-$n"
	done
	leak_end
}

if [ -e /modules/kshm_gen.ko ]; then
	ring_clients_group pages
	ring_clients_group vmalloc
else
	result FAIL "ring-clients/modules_missing (see tests/vm/run's build)"
fi
