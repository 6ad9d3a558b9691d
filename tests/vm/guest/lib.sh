# SPDX-License-Identifier: GPL-2.0
# Shell helpers for the guest scripts.

# result PASS|FAIL name [detail]: one line the host counts.
result() {
	echo "KSHM-RESULT $*"
}

# skip name reason...: a test that could not run here; never a pass.
skip() {
	local name=$1
	shift
	echo "KSHM-RESULT SKIP $name $*"
}

# expect name command...: PASS when the command succeeds.
expect() {
	local name=$1
	shift
	if "$@"; then result PASS "$name"; else result FAIL "$name"; fi
}

# expect_fail name command...: PASS when the command fails.
expect_fail() {
	local name=$1
	shift
	if "$@"; then result FAIL "$name"; else result PASS "$name"; fi
}

sysval() {
	cat "/sys/class/misc/$1/$2"
}

# counted name command...: run a program that prints its own KSHM-RESULT
# line; no such line (a crash, a missing program) is a failure, unless
# the program exited 77: it could not run here, a skip.
counted() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	echo "$out" | grep -q '^KSHM-RESULT ' && return
	if [ "$rc" -eq 77 ]; then
		skip "$name" "exit 77"
	else
		result FAIL "$name (no result, exit $rc)"
	fi
}
