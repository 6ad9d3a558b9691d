# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/vm/run (and tested by tests/vm/results-test): how a
# guest's console log becomes a verdict.

# Counts results in a console log; prints "passed failed" last.
tally() {
	awk '
	function run_end(rc) {
		if (!summary) { print "FAIL " $0 " (no results)"; failed++ }
		else if (rc != 0 && !run_failed) { print "FAIL " $0; failed++ }
		summary = 0; run_failed = 0
	}
	/^KSHM-GROUP / { print; next }
	/^KSHM-RESULT PASS stress/ { print }
	/^KSHM-RESULT PASS / { passed++; next }
	/^KSHM-RESULT FAIL / { print; failed++; next }
	/^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
		gsub(/,/, "")
		passed += $3 - $5 - $7; failed += $5 + $7
		summary = 1; run_failed = ($5 + $7) > 0
		print; next
	}
	/:[FE]:[^:]*:[^:]*:[0-9]+: / { print; next }
	/^KSHM-RUN / { split($NF, kv, "="); run_end(kv[2]); next }
	END { print passed + 0, failed + 0 }
	' "$1"
}

# Kernel splats anywhere on the console fail the run.
scan_splats() {
	grep -nE 'BUG:|WARNING:|Oops|KASAN|possible circular locking|possible recursive locking|Bad page|general protection|Kernel panic|kernel BUG' "$1" || true
}

# judge LOG: print what matters in a console log and, last, "passed failed".
# Besides the tests' own results, a guest that did not print its end
# marker, a log with no result at all, and a kernel splat each count as a
# failure.
judge() {
	local log=$1 res p f splats
	res=$(tally "$log")
	sed '$d' <<<"$res"
	read -r p f <<<"$(tail -n1 <<<"$res")"
	if ! grep -q '^KSHM-END' "$log"; then
		echo "FAIL the guest did not finish; its last lines:"
		tail -n 30 "$log"
		f=$((f + 1))
	fi
	if [ "$p" -eq 0 ]; then
		echo "FAIL no test results"
		f=$((f + 1))
	fi
	splats=$(scan_splats "$log")
	if [ -n "$splats" ]; then
		echo "FAIL the kernel log reports:"
		echo "$splats"
		f=$((f + 1))
	fi
	echo "$p $f"
}
