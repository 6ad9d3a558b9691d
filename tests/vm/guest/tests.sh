#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test program once per module parameter group, the examples,
# the stress tester and the module-level tests (unload while in use, leak
# checks), then the load refusals. With kshm_run=debug (the debug
# kernel), add the stress tester under fault injection.
. /lib.sh
. /leaks.sh

# kshm_groups, kshm_only, kshm_scripts: tests/vm/run's VM_GROUPS, VM_ONLY
# and VM_SCRIPTS, for a developer's shorter runs ("all" by default).
wanted() {
	[ "$1" = all ] && return 0
	case ",$1," in *",$2,"*) return 0 ;; esac
	return 1
}
only=$kshm_only
[ "${only:-all}" = all ] && only='*'
grep -v '^#' /groups | while read -r group kernels params; do
	[ -n "$group" ] || continue
	# shellcheck disable=SC2254 # a glob on purpose
	case $(uname -r) in $kernels) ;; *) continue ;; esac
	wanted "${kshm_groups:-all}" "$group" || continue
	echo "KSHM-GROUP $group ($params)"
	leak_begin
	if ! insmod /kshm.ko $params; then
		result FAIL "$group/insmod"
		continue
	fi
	# The module is the one this tree's VERSION names (MODULE_VERSION).
	expect "$group/module_version_is_VERSION" \
		test "$(cat /sys/module/kshm/version)" = "$(cat /VERSION)"
	# A fresh "pages" or "huge" region holds no memory until something
	# touches it.
	case $group in
	pages* | huge*)
		expect "$group/fresh_regions_have_no_resident_pages" \
			test "$(sysval kshm0 resident_pages)$(sysval kshm1 resident_pages)" = 00
	esac
	for t in /tests/$only; do
		[ -x "$t" ] || continue
		KSHM_GROUP=$group CK_VERBOSITY=verbose CK_DEFAULT_TIMEOUT=120 "$t"
		echo "KSHM-RUN $group ${t##*/} rc=$?"
	done
	# A developer's VM_ONLY run stops at the test programs.
	if [ "${kshm_only:-all}" = all ]; then
		# Every example must run and succeed against the real driver.
		# Examples that need a client module exit 77 without it: a skip
		# here; ring-clients.sh runs them with their modules loaded.
		for ex in /examples/*; do
			[ -x "$ex" ] || continue
			"$ex" >/tmp/example.out 2>&1
			case $? in
			0)	result PASS "$group/example:${ex##*/}" ;;
			77)	skip "$group/example:${ex##*/}" "$(tail -n 1 /tmp/example.out)" ;;
			*)	result FAIL "$group/example:${ex##*/}"
				cat /tmp/example.out ;;
			esac
		done
		# Seeded random operations from 4 workers in 2 processes, checked
		# against a model of every byte.
		counted "$group/stress" kshm-stress --rings --seed "$kshm_stress_seed" \
			--ops "$kshm_stress_ops" /dev/kshm0 /dev/kshm1
		[ "$kshm_run" = debug ] && . /faultinject.sh
		. /lifecycle.sh
	fi
	leak_end
done
# After a VM_ONLY run, only the scripts VM_SCRIPTS names ("leaks" is
# the leak cycles).
scripts=${kshm_scripts:-all}
[ "${kshm_only:-all}" = all ] || [ "$scripts" != all ] || scripts=none
if wanted "$scripts" leaks; then
	echo "KSHM-GROUP leaks"
	leak_fill_cycle pages
	leak_fill_cycle vmalloc
	leak_fill_cycle huge
fi
for s in partial-load kapi ring-clients kclients tracing params kshmctl sysfs-abi \
	docs; do
	wanted "$scripts" $s && . /$s.sh
done
