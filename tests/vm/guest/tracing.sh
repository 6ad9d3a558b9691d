# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh after the groups, with kshm not loaded: kshm's
# tracepoints (driver/kshm_trace.h, Documentation/tracing.md), enabled
# through tracefs, checked field by field against operations whose
# effects are known exactly:
#
# - kshm_map, kshm_fault, kshm_unmap, kshm_resize: kshm-trace-ops (see
#   tests/vm/kshm-trace-ops.c for the sequence and the expected fields);
# - kshm_ring_produce and kshm_ring_drop: kshm_gen into a one-page ring
#   that nobody consumes: one produce event per record it committed, one
#   drop event per record refused, with the running dropped count;
# - kshm_ring_consume (and produce): ring-echo through kshm_echo, every
#   record consumed from echo-in produced back on echo-out, same lengths.
# The fault_log dmesg line must agree with the fault events.
# kshm_fault_raced's fields are checked by tests/vm/huge_races.c, which
# forces the races it reports (6.12 and later); here only that it exists.
echo "KSHM-GROUP tracing"
group=tracing
tr=/sys/kernel/tracing
[ -d "$tr/events" ] || mount -t tracefs tracefs "$tr" 2>/dev/null
[ -d "$tr/events" ] || tr=/sys/kernel/debug/tracing

# trace_start EVENTS...: a clean buffer with only these kshm events on.
# Only kshm's events are ever switched (not events/enable, which patches
# every tracepoint of the kernel, hundreds of code sites, under TCG).
trace_start() {
	local e
	echo 0 >"$tr/tracing_on"
	echo 0 >"$tr/events/kshm/enable"
	echo >"$tr/trace"
	for e in "$@"; do
		echo 1 >"$tr/events/kshm/$e/enable" || return 1
	done
	echo 1 >"$tr/tracing_on"
}

# trace_stop FILE: the events recorded, one per line, without the header.
trace_stop() {
	echo 0 >"$tr/tracing_on"
	grep -v '^#' "$tr/trace" >"$1"
	echo 0 >"$tr/events/kshm/enable"
}

# has FILE PATTERN: exactly one line of FILE matches PATTERN (grep -E).
has() {
	[ "$(grep -cE "$2" "$1")" -eq 1 ]
}

if ! insmod /kshm.ko backing=pages nr_devs=1 max_size=67108864; then
	result FAIL tracing/insmod
elif [ ! -w "$tr/tracing_on" ]; then
	skip tracing/tracefs "no tracefs in this kernel"
	rmmod kshm
else
	expect tracing/events_exist test -d "$tr/events/kshm/kshm_fault" -a \
		-d "$tr/events/kshm/kshm_map" -a -d "$tr/events/kshm/kshm_unmap" -a \
		-d "$tr/events/kshm/kshm_resize" -a -d "$tr/events/kshm/kshm_ring_produce" -a \
		-d "$tr/events/kshm/kshm_ring_consume" -a -d "$tr/events/kshm/kshm_ring_drop" -a \
		-d "$tr/events/kshm/kshm_fault_raced"
	echo 1 >/sys/module/kshm/parameters/fault_log
	dmesg -c >/dev/null
	trace_start kshm_fault kshm_map kshm_unmap kshm_resize
	out=$(kshm-trace-ops /dev/kshm0)
	rc=$?
	trace_stop /tmp/trace.ops
	echo 0 >/sys/module/kshm/parameters/fault_log
	size=${out#size=}
	grown=$((size + $(getconf PAGESIZE 2>/dev/null || echo 4096)))
	expect tracing/ops_ran test "$rc" -eq 0
	expect tracing/map_event has /tmp/trace.ops \
		"kshm_map: kshm0 pgoff=0 pages=16 mappings=1\$"
	expect tracing/fault_write_event has /tmp/trace.ops \
		"kshm_fault: kshm0 pgoff=0 write=1 pages=4 pmd=0 result=0(x0)?\$"
	expect tracing/fault_read_event has /tmp/trace.ops \
		"kshm_fault: kshm0 pgoff=8 write=0 pages=4 pmd=0 result=0(x0)?\$"
	expect tracing/two_faults_only test "$(grep -c 'kshm_fault:' /tmp/trace.ops)" -eq 2
	expect tracing/resize_ebusy_event has /tmp/trace.ops \
		"kshm_resize: kshm0 old_size=$size new_size=$size result=-16\$"
	expect tracing/unmap_event has /tmp/trace.ops \
		"kshm_unmap: kshm0 pgoff=0 pages=16 mappings=0\$"
	expect tracing/resize_grow_event has /tmp/trace.ops \
		"kshm_resize: kshm0 old_size=$size new_size=$grown result=0\$"
	expect tracing/resize_back_event has /tmp/trace.ops \
		"kshm_resize: kshm0 old_size=$grown new_size=$size result=0\$"
	# The dmesg line is printed from the same place, with the same pages.
	expect tracing/fault_log_agrees sh -c \
		"dmesg | grep -q 'kshm: kshm0: fault pgoff=0 write=1 pages=4 pid=' &&
		 dmesg | grep -q 'kshm: kshm0: fault pgoff=8 write=0 pages=4 pid='"
	grep kshm /tmp/trace.ops | head -n 20
	rmmod kshm
	if [ -e /modules/kshm_gen.ko ] && [ -e /modules/kshm_echo.ko ]; then
		insmod /kshm.ko
		# kshm_gen: 100 records of 64 bytes into a 4 KiB ring with no
		# consumer: 56 fit (72 bytes each), the rest are dropped.
		insmod /modules/kshm_gen.ko ring_size=4096
		trace_start kshm_ring_produce kshm_ring_drop
		echo "100 64" >/sys/module/kshm_gen/parameters/run
		n=0
		while ! grep -q '^done' /sys/module/kshm_gen/parameters/status && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		trace_stop /tmp/trace.gen
		st=$(cat /sys/module/kshm_gen/parameters/status)
		produced=$(echo "$st" | sed -n 's/.* produced=\([0-9]*\).*/\1/p')
		dropped=$(echo "$st" | sed -n 's/.* dropped=\([0-9]*\).*/\1/p')
		expect tracing/gen_finished test -n "$produced" -a -n "$dropped"
		expect tracing/gen_filled_and_dropped test "${produced:-0}" -gt 0 -a "${dropped:-0}" -gt 0
		expect tracing/produce_event_per_record test \
			"$(grep -cE 'kshm_ring_produce: kshm-gen off=[0-9]+ len=64 discard=0$' /tmp/trace.gen)" -eq "${produced:--1}"
		expect tracing/drop_event_per_record test \
			"$(grep -cE 'kshm_ring_drop: kshm-gen len=64 dropped=[0-9]+$' /tmp/trace.gen)" -eq "${dropped:--1}"
		expect tracing/drop_count_runs_to_total has /tmp/trace.gen \
			"kshm_ring_drop: kshm-gen len=64 dropped=${dropped:-x}\$"
		expect tracing/first_record_at_zero has /tmp/trace.gen \
			"kshm_ring_produce: kshm-gen off=0 len=64 discard=0\$"
		rmmod kshm_gen
		# kshm_echo: every record ring-echo sends is consumed from
		# echo-in and produced back on echo-out with its length.
		insmod /modules/kshm_echo.ko
		trace_start kshm_ring_produce kshm_ring_consume
		/examples/ring-echo 200 1 >/tmp/ring-echo.out 2>&1
		rc=$?
		trace_stop /tmp/trace.echo
		expect tracing/echo_ran test "$rc" -eq 0
		grep 'kshm_ring_consume: kshm-echo-in ' /tmp/trace.echo |
			sed 's/.* len=\([0-9]*\) .*/\1/' >/tmp/trace.in
		grep 'kshm_ring_produce: kshm-echo-out ' /tmp/trace.echo |
			sed 's/.* len=\([0-9]*\) .*/\1/' >/tmp/trace.out
		expect tracing/consume_event_per_record test "$(wc -l </tmp/trace.in)" -eq 200
		expect tracing/echo_lengths_match cmp -s /tmp/trace.in /tmp/trace.out
		rmmod kshm_echo
		rmmod kshm
	else
		result FAIL tracing/client_modules "no /modules/kshm_gen.ko or kshm_echo.ko"
	fi
fi
