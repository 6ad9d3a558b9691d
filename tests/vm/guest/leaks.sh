# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh: leak checks around one module parameter group.
#
# leak_begin before insmod records the free page count (and clears
# kmemleak where the kernel has it); leak_end, with every user gone,
# shrinks the regions to their minimum (0 is refused by the ABI): one
# page, or one 2 MiB block for backing "huge"; checks resident_pages,
# scans kmemleak, unloads, and checks the free page
# count came back to within LEAK_MARGIN pages (8 MiB; a group touches up
# to 64 MiB per region; the debug kernel's metadata and the memory cgroup
# the security tests leave dying take close to 1,000 pages). leak_fill_cycle is the sharp version: 256 MiB
# written and unloaded must all come back, within FILL_MARGIN pages.
LEAK_MARGIN=2048
KMEMLEAK=/sys/kernel/debug/kmemleak
FILL_MARGIN=512

# Free pages with caches dropped, slab caches shrunk (which also empties
# KASAN's quarantine of freed objects) and the per-CPU free lists kept
# tiny: all of them hold thousands of pages nr_free_pages does not count.
free_pages() {
	local shrink
	echo 1000000 >/proc/sys/vm/percpu_pagelist_high_fraction
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for shrink in /sys/kernel/slab/*/shrink; do
		echo 1 >"$shrink"
	done 2>/dev/null
	echo 1 >/proc/sys/vm/compact_memory
	awk '$1 == "nr_free_pages" { print $2 }' /proc/vmstat
}

leak_begin() {
	[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
	free_before=$(free_pages)
}

leak_end() {
	local dev n
	for dev in /sys/class/misc/kshm[0-9]* /sys/class/misc/kshm-*; do
		[ -e "$dev" ] || continue
		n=${dev##*/}
		expect "$group/leaks:$n:shrink_to_one_page" kshm-resize "/dev/$n" 4096
		expect "$group/leaks:$n:resident_pages_within_minimum_size" \
			test "$(cat "$dev/resident_pages")" -le $(($(cat "$dev/size") / 4096))
		expect "$group/leaks:$n:mappings_0" test "$(cat "$dev/mappings")" -eq 0
	done
	if [ -w "$KMEMLEAK" ]; then
		# Scan while kshm is loaded so backtraces name its functions;
		# twice, as kmemleak reports an object only once it is sure.
		echo scan >"$KMEMLEAK"
		sleep 1
		echo scan >"$KMEMLEAK"
		if grep -q kshm "$KMEMLEAK"; then
			result FAIL "$group/leaks:kmemleak"
			cat "$KMEMLEAK"
		else
			result PASS "$group/leaks:kmemleak"
		fi
	fi
	if [ -r /sys/kernel/debug/page_owner ]; then
		# Pages kshm itself still holds: a region's page from the
		# "pages" backing, a 2 MiB block (one allocation) of "huge",
		# or a page of a vmalloc area kshm asked for.
		# (Slab pages, KASAN's vmalloc shadow and kernel page tables
		# also name kshm in their allocation stack, but are shared
		# infrastructure the kernel keeps.) Each
		# region was shrunk to one page, so at most one per region.
		# cat: page_owner fails reads larger than it can kmalloc.
		n=$(cat /sys/kernel/debug/page_owner | awk '
			/kshm_pages_get_page|kshm_huge_get_page|__vmalloc_node_range/ { held = 1 }
			/kshm_/ { ours = 1 }
			/kasan_|_alloc_kernel|p[mu4]d_alloc|^PFN.*slab/ { infra = 1 }
			/^$/ { if (held && ours && !infra) n++; held = ours = infra = 0 }
			END { print n + 0 }')
		regions=$(ls -d /sys/class/misc/kshm[0-9]* /sys/class/misc/kshm-* 2>/dev/null | wc -l)
		echo "page_owner: $n pages held by kshm, $regions regions"
		[ "$n" -le "$regions" ] || cat /sys/kernel/debug/page_owner | awk '
			/^Page allocated/ { r = "" } { r = r "\n" $0 }
			/kshm_pages_get_page|kshm_huge_get_page|__vmalloc_node_range/ { held = 1 }
			/kshm_/ { ours = 1 }
			/kasan_|_alloc_kernel|p[mu4]d_alloc|^PFN.*slab/ { infra = 1 }
			/^$/ { if (held && ours && !infra) print r; held = ours = infra = 0 }' 
		expect "$group/leaks:page_owner_at_most_one_page_per_region" \
			test "$n" -le "$regions"
	fi
	expect "$group/rmmod_after_everything_closed" rmmod kshm
	free_after=$(free_pages)
	echo "free pages: $free_before before insmod, $free_after after rmmod"
	expect "$group/leaks:free_pages_back_within_${LEAK_MARGIN}" \
		test $((free_before - free_after)) -le $LEAK_MARGIN
}

# leak_fill_cycle BACKING: load with a 256 MiB region, write all of it,
# unload; every page must come back.
leak_fill_cycle() {
	local before after
	before=$(free_pages)
	if ! insmod /kshm.ko backing="$1" size=268435456 max_size=268435456; then
		result FAIL "leaks:$1:fill_cycle_insmod"
		return
	fi
	dd if=/dev/zero of=/dev/kshm0 bs=1M count=256 2>/dev/null
	expect "leaks:$1:fill_cycle_resident_65536" \
		test "$(sysval kshm0 resident_pages)" -eq 65536
	rmmod kshm
	after=$(free_pages)
	echo "free pages: $before before, $after after a 256 MiB $1 cycle"
	expect "leaks:$1:fill_cycle_free_pages_back_within_$FILL_MARGIN" \
		test $((before - after)) -le $FILL_MARGIN
}
