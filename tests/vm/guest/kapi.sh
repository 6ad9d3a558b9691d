# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh without kshm loaded: a client module of the in-kernel
# API (/modules/kshm_kapi_test.ko). Its load runs the kernel-side checks; here,
# user space finds what it wrote, and unloading it while user space holds
# its region is refused (kshm_create: pinned) or safe (unpinned).
echo "KSHM-GROUP kapi"

# hold_region: kshm-kapi-pattern maps /dev/kshm-kapi, closes the fd and
# waits; its stdin is fd 4 here.
hold_region() {
	rm -f /tmp/kapi.fifo /tmp/kapi.out
	mkfifo /tmp/kapi.fifo
	kshm-kapi-pattern /dev/kshm-kapi hold </tmp/kapi.fifo >/tmp/kapi.out &
	holder=$!
	exec 4>/tmp/kapi.fifo
	i=0
	while ! grep -q ready /tmp/kapi.out 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q ready /tmp/kapi.out
}

release_region() {
	echo go >&4
	exec 4>&-
	wait $holder
}

for backing in 0 1; do
	g=kapi:backing$backing
	if ! insmod /kshm.ko; then
		result FAIL "$g/insmod_kshm"
		continue
	fi
	if insmod /modules/kshm_kapi_test.ko backing=$backing; then
		result PASS "$g/pinned:kernel_side_checks"
		expect "$g/pinned:user_sees_what_the_kernel_wrote" \
			kshm-kapi-pattern /dev/kshm-kapi
		exec 3</dev/kshm-kapi
		expect_fail "$g/pinned:rmmod_refused_while_open" rmmod kshm_kapi_test
		exec 3<&-
		if hold_region; then
			expect_fail "$g/pinned:rmmod_refused_while_mapped" \
				rmmod kshm_kapi_test
			release_region
			expect "$g/pinned:mapping_intact" test $? -eq 0
		else
			result FAIL "$g/pinned:hold_region"
		fi
		expect "$g/pinned:rmmod_once_released" rmmod kshm_kapi_test
		expect "$g/pinned:node_gone" test ! -e /dev/kshm-kapi
	else
		result FAIL "$g/pinned:kernel_side_checks"
		dmesg | grep kshm_kapi_test | tail -n 5
	fi

	if insmod /modules/kshm_kapi_test.ko pinned=0 backing=$backing; then
		result PASS "$g/unpinned:kernel_side_checks"
		if hold_region; then
			expect "$g/unpinned:rmmod_while_mapped" rmmod kshm_kapi_test
			expect "$g/unpinned:node_gone_at_once" test ! -e /dev/kshm-kapi
			expect_fail "$g/unpinned:kshm_still_in_use" rmmod kshm
			release_region
			expect "$g/unpinned:mapping_intact_and_writable_after_rmmod" \
				test $? -eq 0
		else
			result FAIL "$g/unpinned:hold_region"
			rmmod kshm_kapi_test
		fi
	else
		result FAIL "$g/unpinned:kernel_side_checks"
		dmesg | grep kshm_kapi_test | tail -n 5
	fi
	expect "$g/no_failed_check_logged" \
		sh -c "! dmesg | grep -q 'kshm_kapi_test: FAIL'"
	expect "$g/rmmod_kshm" rmmod kshm
done
rm -f /tmp/kapi.fifo /tmp/kapi.out
