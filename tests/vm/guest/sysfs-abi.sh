# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh with kshm not loaded: what the driver really puts in
# sysfs against Documentation/ABI/testing/sysfs-class-misc-kshm (packed
# as /docs/): the attributes of a load-time region, of a run-time one and
# of ring regions (kshm_echo's), the control node's (none), and the module
# parameters. An attribute the file does not document fails, an entry the
# driver does not create fails, and so does (RO)/(RW) against the file's
# mode. tests/docs/sysfs-abi.sh checks the same from the sources.
echo "KSHM-GROUP sysfs-abi"
sa_doc=/docs/sysfs-class-misc-kshm
sa=/tmp/sysfs-abi
rm -rf "$sa"
mkdir -p "$sa"

# sa_documented PREFIX: "NAME RO|RW" for every What: PREFIX/NAME entry,
# from the (RO)/(RW) that starts its Description.
sa_documented() {
	awk -v prefix="$1/" '
	/^What:/ {
		if (!in_what)
			n = 0
		in_what = 1
		w = $2
		if (substr(w, 1, length(prefix)) == prefix &&
		    length(w) > length(prefix))
			names[++n] = substr(w, length(prefix) + 1)
		next
	}
	{ in_what = 0 }
	/^Description:/ {
		mode = "?"
		if ($0 ~ /\(RO\)/) mode = "RO"
		else if ($0 ~ /\(RW\)/) mode = "RW"
		desc = 1
		next
	}
	desc && /^[ \t]+[^ \t]/ {
		if (mode == "?" && $0 ~ /^[ \t]+\(RO\)/) mode = "RO"
		if (mode == "?" && $0 ~ /^[ \t]+\(RW\)/) mode = "RW"
		desc = 0
		for (i = 1; i <= n; i++) print names[i], mode
		n = 0
	}' "$sa_doc" | sort
}

# sa_actual DIR [SKIP...]: "NAME RO|RW" for every regular file in DIR but
# the SKIP ones (the driver core's own), RW when its owner may write it.
sa_actual() {
	local dir=$1 f name skipped s
	shift
	for f in "$dir"/*; do
		[ -f "$f" ] && [ ! -L "$f" ] || continue
		name=${f##*/}
		skipped=
		for s in "$@"; do
			[ "$name" = "$s" ] && skipped=1
		done
		[ -z "$skipped" ] || continue
		case $(stat -c %A "$f") in
		?rw*)	echo "$name RW" ;;
		*)	echo "$name RO" ;;
		esac
	done | sort
}

# sa_same NAME ACTUAL DOCUMENTED: PASS when the two lists are equal, else
# the lines that differ.
sa_same() {
	if [ ! -s "$2" ]; then
		result FAIL "sysfs-abi/$1 (nothing found in sysfs)"
	elif cmp -s "$2" "$3"; then
		result PASS "sysfs-abi/$1"
	else
		result FAIL "sysfs-abi/$1 (- sysfs, + $sa_doc)"
		diff "$2" "$3" | grep -E '^[-+][^-+]' | sed 's/^/    /'
	fi
}

sa_documented "/sys/class/misc/kshm<N>" >"$sa/doc-loaded"
sa_documented "/sys/class/misc/kshm-<NAME>" >"$sa/doc-runtime"
sa_documented /sys/module/kshm/parameters >"$sa/doc-params"
expect sysfs-abi/every_entry_says_RO_or_RW \
	sh -c "! grep -q ' ?\$' $sa/doc-loaded $sa/doc-runtime $sa/doc-params"

if insmod /kshm.ko nr_devs=1; then
	sa_actual /sys/class/misc/kshm0 dev uevent >"$sa/kshm0"
	sa_same load_time_region_attributes "$sa/kshm0" "$sa/doc-loaded"
	if kshm-create abi 65536; then
		sa_actual /sys/class/misc/kshm-abi dev uevent >"$sa/runtime"
		sa_same run_time_region_attributes "$sa/runtime" "$sa/doc-runtime"
		kshm-create -d abi
	else
		result FAIL sysfs-abi/run_time_region_attributes "(kshm-create)"
	fi
	# The control node has the driver core's files and nothing of ours.
	expect sysfs-abi/control_node_has_no_attributes \
		test -z "$(sa_actual /sys/class/misc/kshm dev uevent)"
	sa_actual /sys/module/kshm/parameters >"$sa/params"
	sa_same module_parameters "$sa/params" "$sa/doc-params"
	expect sysfs-abi/module_version_documented sh -c \
		"test -f /sys/module/kshm/version && grep -q '^What:[[:space:]]*/sys/module/kshm/version\$' $sa_doc"
	# Ring regions: kshm_echo makes one of each direction.
	if [ -f /modules/kshm_echo.ko ] && insmod /modules/kshm_echo.ko; then
		for sa_n in echo-in echo-out; do
			sa_d=/sys/class/misc/kshm-$sa_n
			expect "sysfs-abi/ring_region_$sa_n:holds_a_ring" \
				test "$(cat "$sa_d/ring_size")" -gt 0
			sa_actual "$sa_d" dev uevent >"$sa/$sa_n"
			sa_same "ring_region_${sa_n}_attributes" "$sa/$sa_n" \
				"$sa/doc-runtime"
		done
		rmmod kshm_echo
	else
		skip sysfs-abi/ring_region_attributes "no kshm_echo.ko (VM_KSHM_KO)"
	fi
	rmmod kshm
else
	result FAIL sysfs-abi/insmod
fi
