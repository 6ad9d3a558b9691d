# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/check, tests/vm/results.sh and tests/lib/run-check.sh:
# the one parser of test output. What it reads:
#
#   KSHM-RESULT PASS name            one passed test
#   KSHM-RESULT FAIL name [detail]   one failed test
#   KSHM-RESULT SKIP name reason     one skipped test: it did not run (no
#                                    device, no kernel feature); never a pass
#   Running suite(s): NAME           a check program starts its tests
#   N%: Checks: C, Failures: F, Errors: E
#                                    a check program's summary: C - F - E
#                                    passed, F + E failed
#   KSHM-RUN group program rc=N      (the VM guest) a check program ended
#   N passed, N failed, N skipped    a closing line (results_closing)
#
# Skips inside a check program: the check framework has no skipped state,
# so a test that skips (KSHM_SKIP, tests/include/kshm-skip.h) prints its
# SKIP line and returns, and check counts it as passed. A SKIP line
# between "Running suite(s):" and the summary is therefore moved from the
# summary's passes to the skipped count. A SKIP line anywhere else (a
# script, a program that prints its own results) is simply one skip.
#
# Exit code 77 (as in liburing and automake): the program skipped itself
# as a whole. A KSHM-RUN line with rc=77 counts as one skip unless the
# program printed SKIP lines or a summary of its own.

# results_tally [-v] LOG: counts LOG's results. Prints
# "passed failed skipped summaries" as its last line; with -v, first the
# lines a reader needs: groups, failures and skips, check summaries and
# check's failure lines, a check program that ended without a summary
# or with a non-zero exit despite a clean summary (each one failure).
results_tally() {
	local show=0
	[ "$1" = -v ] && { show=1; shift; }
	awk -v show="$show" '
	function out(s) { if (show) print s }
	function run_end(rc) {
		if (rc == 77) {
			if (!summary && !run_skips) {
				out("SKIP " $0 " (exit 77)"); skipped++
			}
		} else if (!summary) {
			out("FAIL " $0 " (no results)"); failed++
		} else if (rc != 0 && !run_failed) {
			out("FAIL " $0); failed++
		}
		summary = 0; run_failed = 0; run_skips = 0
		in_check = 0; check_skips = 0
	}
	/^KSHM-GROUP / { out($0); next }
	/^KSHM-RESULT PASS stress/ { out($0) }
	/^KSHM-RESULT PASS / { passed++; next }
	/^KSHM-RESULT FAIL / { out($0); failed++; next }
	/^KSHM-RESULT SKIP / {
		out($0); skipped++; run_skips++
		if (in_check) check_skips++
		next
	}
	/^Running suite\(s\):/ { in_check = 1; check_skips = 0; next }
	/^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
		out($0)
		gsub(/,/, "")
		ok = $3 - $5 - $7
		moved = check_skips < ok ? check_skips : ok
		passed += ok - moved; failed += $5 + $7; summaries++
		summary = 1; run_failed = ($5 + $7) > 0
		in_check = 0; check_skips = 0
		next
	}
	/:[FE]:[^:]*:[^:]*:[0-9]+: / { out($0); next }
	/^KSHM-RUN / { split($NF, kv, "="); run_end(kv[2] + 0); next }
	END { print passed + 0, failed + 0, skipped + 0, summaries + 0 }
	' "$1"
}

# results_closing LOG: the last closing line in LOG as "passed failed
# skipped" (0 0 0 when there is none; an old "N passed, N failed" line
# counts no skips).
results_closing() {
	awk '
	/^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ {
		p = $1; f = $3; s = NF >= 6 ? $5 : 0
	}
	END { print p + 0, f + 0, s + 0 }' "$1"
}

# results_line PASSED FAILED SKIPPED: the closing line every runner ends
# with. CI reads it; keep the "N passed, N failed" prefix.
results_line() {
	echo "$1 passed, $2 failed, $3 skipped"
}
