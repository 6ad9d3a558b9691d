#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Self-test of kshm-stress on the host, without the module: option
# parsing, the clean failure without /dev/kshm0, then short runs against
# fake-kshm.so (a tmpfs stand-in for the driver), without and with
# --regions and --rings. It tests the tester's model and bookkeeping, not
# the driver. The --rings runs make 7 x OPS operations: the ring
# operations are an eighth of the mix, and a ring must be set up first.
# usage: run.sh BIN FAKE_SO [OPS]
bin=$1 fake=$2 ops=${3:-3000}
fails=0
dir=$(mktemp -d /dev/shm/kshm-stress-selftest.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT

check() {
	if [ "$1" = ok ]; then
		echo "selftest: PASS $2"
	else
		echo "selftest: FAIL $2"
		fails=$((fails + 1))
	fi
}

"$bin" --help >"$dir/out" 2>&1 && grep -q '^usage: kshm-stress' "$dir/out"
check "$([ $? = 0 ] && echo ok)" "--help exits 0 with the usage"

"$bin" --bogus >"$dir/out" 2>&1
check "$([ $? = 2 ] && echo ok)" "an unknown option exits 2"

"$bin" --seed 1 --ops 10 "$dir/none0" >"$dir/out" 2>&1
rc=$?
check "$([ $rc = 1 ] && grep -q "^KSHM-RESULT FAIL stress:seed=1:ops=10 open $dir/none0: No such file" "$dir/out" && ! grep -q '^op ' "$dir/out" && echo ok)" \
	"a missing device: one FAIL line, exit 1, no table"

# seed 0 is a seed like any other
# --fault-inject: the fake fails 5% of the calls of the threads that ask;
# an open racing a destroy may give ENODEV or another region, as misc does.
for args in "--seed 0 --ops $ops" "--regions --seed 7 --ops $ops" \
	    "--regions --seed 8 --ops $ops --max-pages 16" \
	    "--fault-inject --regions --seed 9 --ops $ops" \
	    "--rings --seed 10 --ops $((ops * 7))" \
	    "--fault-inject --rings --seed 12 --ops $((ops * 7))"; do
	rm -rf "$dir/fake"
	KSHM_FAKE_MISC=1 KSHM_FAKE_ENOMEM=5 KSHM_FAKE_DIR=$dir/fake \
		LD_PRELOAD=$fake "$bin" $args \
		--time-limit 300 >"$dir/out" 2>&1
	rc=$?
	tail -n 3 "$dir/out" | sed 's/^/  /'
	check "$([ $rc = 0 ] && grep -q '^KSHM-RESULT PASS' "$dir/out" && echo ok)" \
		"against the fake: $args"
	case $args in *--regions* | *--rings*)
		# Everything made at run time is destroyed at the end.
		left=$(ls "$dir/fake" | grep -c '^kshm-')
		check "$([ "$left" = 0 ] && echo ok)" "no run-time region left ($args)"
	esac
done
# Each planted bug must fail the run (the fake's KSHM_FAKE_BUG).
for bug in destroy-zeroes destroy-keeps create-twice list-skips open-other \
	   ring-views ring-nobreak ring-k2u-write ring-early-pollout \
	   ring-setup-mapped; do
	rm -rf "$dir/fake"
	case $bug in
	ring-*)	args="--rings --seed 3 --ops $((ops * 7))" ;;
	*)	args="--regions --seed 3 --ops $ops" ;;
	esac
	KSHM_FAKE_BUG=$bug KSHM_FAKE_DIR=$dir/fake LD_PRELOAD=$fake "$bin" \
		$args --time-limit 300 >"$dir/out" 2>&1
	rc=$?
	grep '^KSHM-RESULT' "$dir/out" | cut -c1-200 | sed 's/^/  /'
	check "$([ $rc = 1 ] && grep -q '^KSHM-RESULT FAIL' "$dir/out" && echo ok)" \
		"planted bug $bug is caught"
	left=$(ls "$dir/fake" | grep -c '^kshm-')
	[ $bug = destroy-keeps ] ||
		check "$([ "$left" = 0 ] && echo ok)" "no run-time region left after a failure ($bug)"
done
echo "selftest: $fails failed"
[ $fails = 0 ]
