# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh without kshm loaded: kshmctl (tools/kshmctl.c)
# against the driver. Every subcommand's output is checked against
# sysfs, busybox's hexdump or the region's known contents, and its
# errors (missing region, bad size, a mapped region, past the end) for
# their exit status and message. Names start with kc_: tests.sh's own
# variables live on around this file.
echo "KSHM-GROUP kshmctl"

# kc ARGS...: run kshmctl; stdout in /tmp/kc.out, stderr in /tmp/kc.err,
# its exit status in kc_rc.
kc() {
	kshmctl "$@" >/tmp/kc.out 2>/tmp/kc.err
	kc_rc=$?
}

# kc_ok name ARGS...: PASS when kshmctl ARGS exits 0 (it stays in /tmp).
kc_ok() {
	local name=$1
	shift
	kc "$@"
	if [ "$kc_rc" -eq 0 ]; then
		result PASS "kshmctl/$name"
	else
		result FAIL "kshmctl/$name (exit $kc_rc: $(head -c 300 /tmp/kc.err))"
	fi
}

# kc_fails name STATUS REGEX ARGS...: PASS when kshmctl ARGS exits STATUS
# and says something matching REGEX on stderr.
kc_fails() {
	local name=$1 want=$2 pattern=$3
	shift 3
	kc "$@"
	if [ "$kc_rc" -eq "$want" ] && grep -Eq -- "$pattern" /tmp/kc.err; then
		result PASS "kshmctl/$name"
	else
		result FAIL "kshmctl/$name (exit $kc_rc, wanted $want: $(head -c 300 /tmp/kc.err))"
	fi
}

# kc_same name A B: PASS when the strings are equal, else show both.
kc_same() {
	if [ "$2" = "$3" ]; then
		result PASS "kshmctl/$1"
	else
		result FAIL "kshmctl/$1 (got '$2', want '$3')"
	fi
}

# kc_field KEY [FILE]: the first word after "KEY:" in info's text output.
kc_field() {
	awk -v k="$1:" '$1 == k { print $2 }' "${2:-/tmp/kc.out}"
}

# kc_json KEY: the value of KEY in one JSON line on stdin.
kc_json() {
	sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p"
}

# kc_bytes SHORT: 64K -> 65536, as kshmctl's short sizes read.
kc_bytes() {
	echo "$1" | awk '{ n = $0; m = 1; u = substr(n, length(n))
		if (u == "K") m = 1024; else if (u == "M") m = 1048576
		else if (u == "G") m = 1073741824
		else if (u == "T") m = 1099511627776
		if (m > 1) n = substr(n, 1, length(n) - 1)
		printf "%.0f\n", n * m }'
}

# kc_hold DEV: kshm-hold maps a page of DEV until kc_release.
kc_hold() {
	rm -f /tmp/kc.fifo /tmp/kc.hold
	mkfifo /tmp/kc.fifo
	kshm-hold "$1" </tmp/kc.fifo >/tmp/kc.hold &
	kc_holder=$!
	exec 5>/tmp/kc.fifo
	kc_i=0
	while ! grep -q ready /tmp/kc.hold 2>/dev/null && [ $kc_i -lt 100 ]; do
		sleep 0.1
		kc_i=$((kc_i + 1))
	done
	grep -q ready /tmp/kc.hold
}

kc_release() {
	exec 5>&-
	wait $kc_holder
}

# kc_wait_lines FILE N: until FILE has N lines (at most 10 s).
kc_wait_lines() {
	kc_i=0
	# The background job may not have created the file yet: 0 lines.
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $kc_i -lt 100 ]; do
		sleep 0.1
		kc_i=$((kc_i + 1))
	done
}

kc_counters="around_pages prefault_pages huge_maps huge_fallbacks fault_around"

# kc_info_matches_sysfs node: info's text and JSON against sysfs.
kc_info_matches_sysfs() {
	local node=$1 f want ok=1 json
	kc info "$node"
	cp /tmp/kc.out /tmp/kc.info
	kc info --json "$node"
	json=$(cat /tmp/kc.out)
	for f in size resident_pages faults mappings backing $kc_counters; do
		if [ ! -e "/sys/class/misc/$node/$f" ]; then
			# A driver without the counter: kshmctl shows no field.
			grep -q "^$f:" /tmp/kc.info && { echo "$node: $f shown"; ok=0; }
			continue
		fi
		want=$(sysval "$node" "$f")
		[ "$(kc_field "$f" /tmp/kc.info)" = "$want" ] ||
			{ echo "$node $f: text $(kc_field "$f" /tmp/kc.info), sysfs $want"; ok=0; }
		[ "$f" = backing ] && want="\"$want\""
		[ "$(echo "$json" | kc_json "$f")" = "$want" ] ||
			{ echo "$node $f: json $(echo "$json" | kc_json "$f"), sysfs $want"; ok=0; }
	done
	if [ -e "/sys/class/misc/$node/fault_flags" ]; then
		want=$(sysval "$node" fault_flags)
		[ "$(kc_field fault_flags /tmp/kc.info)" = "$want" ] ||
			{ echo "$node fault_flags: $(kc_field fault_flags /tmp/kc.info), sysfs $want"; ok=0; }
		[ "$(echo "$json" | kc_json fault_flags)" = "$((want))" ] ||
			{ echo "$node fault_flags json: $json"; ok=0; }
	fi
	[ $ok -eq 1 ]
}

kc_list_tests() {
	local n row ok json
	kc_ok list_exits_0 list
	kc_same list_names_every_region_in_order \
		"$(awk 'NR > 1 { printf "%s ", $1 }' /tmp/kc.out)" \
		"kshm0 kshm1 kshm-ctlpages kshm-ctlvm "
	ok=1
	for n in kshm0 kshm1 kshm-ctlpages kshm-ctlvm; do
		row=$(awk -v n="$n" '$1 == n' /tmp/kc.out)
		set -- $row
		[ "$(kc_bytes "$2")" = "$(sysval "$n" size)" ] &&
		[ "$3" = "$(sysval "$n" resident_pages)" ] &&
		[ "$4" = "$(sysval "$n" faults)" ] &&
		[ "$5" = "$(sysval "$n" mappings)" ] &&
		[ "$6" = "$(sysval "$n" backing)" ] ||
			{ echo "list row '$row' is not what sysfs says"; ok=0; }
	done
	expect kshmctl/list_rows_match_sysfs test $ok -eq 1

	kc_ok list_json_exits_0 list --json
	json=/tmp/kc.list.json
	cp /tmp/kc.out $json
	expect kshmctl/list_json_parses kshm-json-check <$json
	# The checker is no rubber stamp: a stray comma fails it.
	expect_fail kshmctl/json_checker_refuses_a_stray_comma \
		sh -c "sed 's/^]}\$/,]}/' $json | kshm-json-check"
	kc_same list_json_has_one_object_per_region \
		"$(grep -c '"name": ' $json)" 4
	ok=1
	for n in kshm0 kshm1 kshm-ctlpages kshm-ctlvm; do
		row=$(grep "\"name\": \"$n\"" $json)
		[ "$(echo "$row" | kc_json path)" = "\"/dev/$n\"" ] &&
		[ "$(echo "$row" | kc_json size)" = "$(sysval "$n" size)" ] &&
		[ "$(echo "$row" | kc_json resident_pages)" = "$(sysval "$n" resident_pages)" ] &&
		[ "$(echo "$row" | kc_json faults)" = "$(sysval "$n" faults)" ] &&
		[ "$(echo "$row" | kc_json mappings)" = "$(sysval "$n" mappings)" ] &&
		[ "$(echo "$row" | kc_json backing)" = "\"$(sysval "$n" backing)\"" ] ||
			{ echo "list --json '$row' is not what sysfs says"; ok=0; }
	done
	expect kshmctl/list_json_matches_sysfs test $ok -eq 1
	kc_same list_json_index_of_a_created_region_is_null \
		"$(grep '"name": "kshm-ctlvm"' $json | kc_json index)" null
}

kc_info_tests() {
	local a b c
	kc_ok info_by_name_exits_0 info kshm0
	a=$(cat /tmp/kc.out)
	kc info /dev/kshm0
	kc_same info_by_path_is_info_by_name "$(cat /tmp/kc.out)" "$a"
	kc info ctlpages
	a=$(cat /tmp/kc.out)
	kc info kshm-ctlpages
	b=$(cat /tmp/kc.out)
	kc info /dev/kshm-ctlpages
	c=$(cat /tmp/kc.out)
	expect kshmctl/info_bare_name_prefixed_name_and_path_agree \
		test -n "$a" -a "$a" = "$b" -a "$b" = "$c"
	kc_same info_index_of_kshm1 "$(kshmctl info kshm1 | kc_field index -)" 1
	kc_same info_index_of_a_created_region \
		"$(kshmctl info ctlpages | kc_field index -)" none
	kc_same info_max_size_of_a_created_region \
		"$(kshmctl info ctlpages | kc_field max_size -)" 8388608
	for a in kshm0 kshm-ctlpages kshm-ctlvm; do
		expect "kshmctl/info_matches_sysfs:$a" kc_info_matches_sysfs "$a"
		kshmctl info --json "$a" >/tmp/kc.json
		expect "kshmctl/info_json_parses:$a" kshm-json-check </tmp/kc.json
	done
	kc_fails info_missing_region_says_enoent 1 \
		'open /dev/kshm9: No such file or directory' info kshm9
	kc_fails info_missing_name_says_enoent 1 \
		'open /dev/kshm-nosuch: No such file or directory' info nosuch
	kc_fails info_control_node_is_not_a_region 1 \
		'open /dev/kshm: Inappropriate ioctl for device \(not a kshm region\)' info kshm
	kc_fails info_bad_name_exits_2 2 'not a region name' info BAD
}

kc_resize_tests() {
	kc_ok resize_64K resize kshm1 64K
	kc_same resize_64K_sets_65536 "$(sysval kshm1 size)" 65536
	kc_same resize_says_new_and_old_size "$(cat /tmp/kc.out)" \
		"/dev/kshm1: size 64K (was 1M)"
	kc_ok resize_16M resize kshm1 16M
	kc_same resize_16M_sets_16777216 "$(sysval kshm1 size)" 16777216
	kc_ok resize_plain_bytes resize kshm1 5000
	kc_same resize_rounds_up_to_a_page "$(sysval kshm1 size)" 8192
	kc_ok resize_hex resize kshm1 0x3000
	kc_same resize_hex_sets_12288 "$(sysval kshm1 size)" 12288
	kc_ok resize_by_created_name resize ctlpages 4m
	kc_same resize_by_created_name_sets_4M "$(sysval kshm-ctlpages size)" 4194304
	kc_fails resize_1G_above_max_size_says_einval 1 \
		'resize /dev/kshm1 to 1G: Invalid argument \(its max_size is 64M\)' \
		resize kshm1 1G
	kc_fails resize_bad_suffix_exits_2 2 "size '12Q' is not a size" resize kshm1 12Q
	kc_same resize_refused_leaves_the_size "$(sysval kshm1 size)" 12288
	kc_fails resize_missing_region_says_enoent 1 \
		'open /dev/kshm9: No such file or directory' resize kshm9 1M
	if kc_hold /dev/kshm1; then
		kc_fails resize_mapped_region_says_ebusy 1 \
			'resize /dev/kshm1 to 1M: Device or resource busy \(the region is mapped: 1 mapping;' \
			resize kshm1 1M
		kc_same resize_busy_leaves_the_size "$(sysval kshm1 size)" 12288
		kc_release
		expect kshmctl/resize_busy_region_keeps_the_mapping_intact test $? -eq 0
		kc_ok resize_once_unmapped resize kshm1 1M
	else
		result FAIL kshmctl/resize_mapped_region:hold
		kc_release
	fi
}

kc_watch_tests() {
	local f1 f2 t1 t2 ok
	kc_ok watch_count_3 watch -n 3 -i 0.2 kshm0
	kc_same watch_prints_a_header_and_3_lines "$(wc -l </tmp/kc.out)" 4
	kc_same watch_first_line_has_no_rates \
		"$(awk 'NR == 2 { print $5, $7 }' /tmp/kc.out)" "- -"
	kc_same watch_faults_column_matches_sysfs \
		"$(awk 'NR == 4 { print $6 }' /tmp/kc.out)" "$(sysval kshm0 faults)"
	kc_same watch_rates_are_zero_when_idle \
		"$(awk 'NR == 4 { print $5, $7 }' /tmp/kc.out)" "0.0 0.0"
	if [ -e /sys/class/misc/kshm0/around_pages ]; then
		expect kshmctl/watch_shows_around_pages grep -q 'AROUND/s' /tmp/kc.out
	else
		expect_fail kshmctl/watch_no_around_pages_without_the_counter \
			grep -q AROUND /tmp/kc.out
	fi

	# One fault between two samples: +1 fault, 1/interval per second.
	# The fault is inside the window when kshm-hold is done while watch
	# still runs; on a loaded host a TCG guest can take seconds to start
	# kshm-hold, so a window missed at 5 s is tried once more at 10 s.
	for i in 5 10; do
		rm -f /tmp/kc.watch
		kshmctl watch -n 2 -i $i kshm0 >/tmp/kc.watch 2>&1 &
		kc_pid=$!
		kc_wait_lines /tmp/kc.watch 2
		kshm-hold /dev/kshm0 </dev/null >/dev/null
		kill -0 $kc_pid 2>/dev/null && break
		wait $kc_pid
		echo "kshmctl.sh: the fault came after watch's window of $i s"
	done
	wait $kc_pid
	expect kshmctl/watch_in_background_exits_0 test $? -eq 0
	set -- $(awk 'NR == 2 { print $1, $6 } NR == 3 { print $1, $6, $7 }' /tmp/kc.watch)
	t1=$1 f1=$2 t2=$3 f2=$4
	kc_same watch_counts_the_fault "$((f2 - f1))" 1
	ok=$(awk -v r="$5" -v t1="$t1" -v t2="$t2" \
		'BEGIN { w = 1 / (t2 - t1); print (r > w - 0.05 && r < w + 0.05) }')
	if [ "$ok" = 1 ]; then
		result PASS kshmctl/watch_rate_is_faults_per_second
	else
		result FAIL "kshmctl/watch_rate_is_faults_per_second ($(cat /tmp/kc.watch))"
	fi

	# A region destroyed under watch lives on while kshmctl holds it.
	if kshm-create ctltmp 65536; then
		rm -f /tmp/kc.watch
		kshmctl watch -n 3 -i 0.5 ctltmp >/tmp/kc.watch 2>&1 &
		kc_pid=$!
		kc_wait_lines /tmp/kc.watch 2
		kshm-create -d ctltmp
		wait $kc_pid
		expect kshmctl/watch_survives_destroy test $? -eq 0
		kc_same watch_survives_destroy_all_lines "$(wc -l </tmp/kc.watch)" 4
		expect kshmctl/watch_destroyed_node_is_gone test ! -e /dev/kshm-ctltmp
	else
		result FAIL kshmctl/watch_survives_destroy:create
	fi
	kc_fails watch_missing_region_says_enoent 1 'No such file or directory' \
		watch -n 1 kshm9
	kc_fails watch_zero_count_exits_2 2 "count '0'" watch -n 0 kshm0
}

kc_dump_tests() {
	local size
	printf 'kshmctl dump test\n' |
		dd of=/dev/kshm0 bs=1 seek=4096 conv=notrunc 2>/dev/null
	kc_ok dump_range dump kshm0 4096 32
	hexdump -C -s 4096 -n 32 /dev/kshm0 >/tmp/kc.ref
	expect kshmctl/dump_range_is_hexdump_C cmp /tmp/kc.out /tmp/kc.ref
	expect kshmctl/dump_shows_what_was_written \
		grep -q '|kshmctl dump tes|' /tmp/kc.out
	kshmctl dump kshm0 0x1000 32 >/tmp/kc.hex
	expect kshmctl/dump_offset_in_hex cmp /tmp/kc.hex /tmp/kc.ref
	kshmctl dump kshm0 4K 0x20 >/tmp/kc.hex
	expect kshmctl/dump_offset_with_suffix cmp /tmp/kc.hex /tmp/kc.ref
	kc_ok dump_whole_region dump kshm0
	hexdump -C /dev/kshm0 >/tmp/kc.ref
	expect kshmctl/dump_whole_region_is_hexdump_C cmp /tmp/kc.out /tmp/kc.ref
	kc_ok dump_to_the_end dump kshm0 0xffff0
	kc_same dump_last_line "$(tail -n 1 /tmp/kc.out)" 00100000

	# The copy path: a fresh "pages" region reads as zeros, and stays
	# without memory and without faults.
	if kshm-create ctlfresh 1048576 0; then
		kc_ok dump_fresh_region dump ctlfresh
		kc_same dump_fresh_region_is_zeros_in_one_run "$(cat /tmp/kc.out)" \
"00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00100000"
		kc_same dump_allocates_nothing "$(sysval kshm-ctlfresh resident_pages)" 0
		kc_same dump_faults_nothing "$(sysval kshm-ctlfresh faults)" 0
		kshm-create -d ctlfresh
	else
		result FAIL kshmctl/dump_fresh_region:create
	fi
	kc_ok dump_all_lines dump -v ctlvm
	kc_same dump_all_prints_every_line "$(wc -l </tmp/kc.out)" 4097

	size=$(sysval kshm0 size)
	kc_fails dump_offset_past_the_end 1 \
		'offset 1M is past the end of the region \(size 1M\)' dump kshm0 1M
	kc_fails dump_length_past_the_end 1 \
		'run past the end of the region \(size 1M\)' dump kshm0 0 $((size + 1))
	kc_fails dump_offset_far_past_the_end 1 'past the end' dump kshm0 1T 16
	kc_ok dump_nothing_at_the_end dump kshm0 1M 0
	kc_same dump_nothing_prints_nothing "$(cat /tmp/kc.out)" ""
	kc_fails dump_bad_offset_exits_2 2 "offset '4X' is not a size" dump kshm0 4X
	kc_fails dump_missing_region_says_enoent 1 \
		'open /dev/kshm-nosuch: No such file or directory' dump kshm-nosuch
}

if insmod /kshm.ko nr_devs=2 backing=pages max_size=67108864; then
	expect kshmctl/create_ctlpages kshm-create ctlpages 2097152 0
	expect kshmctl/create_ctlvm kshm-create ctlvm 65536 1
	# Something in the counters: a fault on kshm0, pages written by copy.
	kshm-hold /dev/kshm0 </dev/null >/dev/null
	head -c 20000 /dev/urandom >/dev/kshm-ctlpages
	kc_list_tests
	kc_info_tests
	kc_resize_tests
	kc_watch_tests
	kc_dump_tests
	kshm-create -d ctlpages
	kshm-create -d ctlvm
	expect kshmctl/rmmod rmmod kshm
	kc_fails list_without_the_module_says_so 1 \
		'list regions through /dev/kshm: No such file or directory \(is the kshm module loaded\?\)' list
else
	result FAIL kshmctl/insmod
fi
rm -f /tmp/kc.*
