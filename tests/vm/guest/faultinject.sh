# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh on the debug kernel: the stress tester with failslab
# and fail_page_alloc failing a share of the allocations of the tester's
# own tasks (task-filter; the tester sets /proc/thread-self/make-it-fail).
FI=/sys/kernel/debug

fault_inject_set() {
	local attr=$1 percent=$2
	[ -d "$FI/$attr" ] || return 1
	echo "$percent" >"$FI/$attr/probability"
	echo 1 >"$FI/$attr/interval"
	echo -1 >"$FI/$attr/times"
	echo 0 >"$FI/$attr/space"
	echo 0 >"$FI/$attr/verbose"
	echo Y >"$FI/$attr/task-filter"
	# Fail GFP_KERNEL (sleeping) allocations too, where kshm allocates.
	echo N >"$FI/$attr/ignore-gfp-wait"
	[ -e "$FI/$attr/ignore-gfp-highmem" ] && echo N >"$FI/$attr/ignore-gfp-highmem"
	# fail_page_alloc skips order-0 pages by default: kshm's are order 0.
	[ -e "$FI/$attr/min-order" ] && echo 0 >"$FI/$attr/min-order"
	return 0
}

if fault_inject_set failslab 5 && fault_inject_set fail_page_alloc 5; then
	counted "$group/stress_fault_inject" kshm-stress --fault-inject --rings \
		--seed "$kshm_stress_seed" --ops $((kshm_stress_ops / 5)) \
		/dev/kshm0 /dev/kshm1
	fault_inject_set failslab 0
	fault_inject_set fail_page_alloc 0
	echo "fault injection: failslab $(cat $FI/failslab/times), fail_page_alloc $(cat $FI/fail_page_alloc/times) left of -1"
else
	result FAIL "$group/fault_injection_unavailable"
fi
