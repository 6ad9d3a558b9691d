# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/vm/run (and tested by tests/vm/results-test): how a
# guest's console log becomes a verdict. The counting is tests/results.sh's.

. "$(dirname "${BASH_SOURCE[0]}")/../results.sh"

# Kernel splats anywhere on the console fail the run.
scan_splats() {
	grep -nE 'BUG:|WARNING:|Oops|KASAN|possible circular locking|possible recursive locking|Bad page|general protection|Kernel panic|kernel BUG' "$1" || true
}

# judge LOG: print what matters in a console log and, last,
# "passed failed skipped". Besides the tests' own results, each of these
# counts as one failure:
# - a guest that did not print its end marker (hung, crashed, timed out);
# - a log where no test passed: no results at all, or only skips (the
#   guest ran, but nothing was tested, and the VM suite is where the
#   device tests must run);
# - a kernel splat.
judge() {
	local log=$1 res p f s splats
	res=$(results_tally -v "$log")
	sed '$d' <<<"$res"
	read -r p f s _ <<<"$(tail -n1 <<<"$res")"
	if ! grep -q '^KSHM-END' "$log"; then
		echo "FAIL the guest did not finish; its last lines:"
		tail -n 30 "$log"
		f=$((f + 1))
	fi
	if [ "$p" -eq 0 ]; then
		if [ "$s" -gt 0 ]; then
			echo "FAIL no test passed ($s skipped): nothing was tested"
		else
			echo "FAIL no test results"
		fi
		f=$((f + 1))
	fi
	splats=$(scan_splats "$log")
	if [ -n "$splats" ]; then
		echo "FAIL the kernel log reports:"
		echo "$splats"
		f=$((f + 1))
	fi
	echo "$p $f $s"
}
