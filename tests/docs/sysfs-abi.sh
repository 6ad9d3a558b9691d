#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/ABI/testing/sysfs-class-misc-kshm against the driver's
# sources, on the host, in a second:
#   - every attribute the driver puts in an attribute group (&dev_attr_X)
#     has an entry under both /sys/class/misc/kshm<N>/ and kshm-<NAME>/,
#     and every entry there is such an attribute;
#   - every module parameter with a sysfs mode (module_param*) has an entry
#     under /sys/module/kshm/parameters/, and only those, and MODULE_VERSION
#     one for /sys/module/kshm/version;
#   - each entry's "(RO)"/"(RW)" is the mode the driver gives it;
#   - the kernel's scripts/get_abi.pl validates the file's format.
# The comparison is first shown to catch an undocumented attribute, a
# stale entry and a wrong mode, on copies. The VM guest checks the same
# against a live sysfs (tests/vm/guest/sysfs-abi.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
doc=$top/Documentation/ABI/testing/sysfs-class-misc-kshm
status=0

result() {
	echo "KSHM-RESULT $1 docs/sysfs-abi:$2"
	[ "$1" != FAIL ] || status=1
}

# abi_diff DRIVER_DIR DOC: one line per disagreement; none when they agree.
abi_diff() {
	perl -e '
	use strict;
	my ($drv, $doc) = @ARGV;
	my $src = "";
	for my $f (glob("$drv/*.c")) {
		open(my $fh, "<", $f) or die "$f: $!";
		local $/;
		$src .= <$fh>;
	}
	$src =~ s{/\*.*?\*/}{}gs;
	$src =~ s{//[^\n]*}{}g;

	# The attributes: DEVICE_ATTR_XX(name), and the ring macro, whose
	# body says its own DEVICE_ATTR_XX(ring_##_name).
	my (%defined, %grouped, %param);
	my %modes = (RO => "RO", ADMIN_RO => "RO", RW => "RW", ADMIN_RW => "RW",
		     WO => "WO");
	while ($src =~ /\bDEVICE_ATTR_(\w+)\((\w+)\)/g) {
		$defined{$2} = $modes{$1} // "?";
	}
	if ($src =~ /#define\s+KSHM_RING_ATTR\(.*?DEVICE_ATTR_(\w+)\(ring_##_name\)/s) {
		my $m = $modes{$1} // "?";
		$defined{"ring_$1"} = $m while $src =~ /^KSHM_RING_ATTR\((\w+),/mg;
	}
	$grouped{$1} = 1 while $src =~ /&dev_attr_(\w+)\.attr\b/g;
	# module_param(name, type, perm), _named(name, var, type, perm),
	# _cb(name, ops, arg, perm): the perm is the last argument; 0 makes
	# no sysfs file.
	while ($src =~ /\bmodule_param(?:_named|_cb)?\(\s*(\w+)\s*,(.*?)\)\s*;/gs) {
		my ($name, $perm) = ($1, (split /,/, $2)[-1]);
		$perm =~ s/\s//g;
		next unless $perm =~ /^0[0-7]*$/ && oct($perm);
		$param{$name} = oct($perm) & 0222 ? "RW" : "RO";
	}
	my $version = $src =~ /\bMODULE_VERSION\(/;

	for my $a (sort keys %defined) {
		print "attribute $a is defined but in no attribute group\n"
			unless $grouped{$a};
	}

	# The file: the (RO)/(RW) of each entry, for each of its What: lines.
	open(my $fh, "<", $doc) or die "$doc: $!";
	my (@whats, %doc, $in_what, $in_desc);
	while (<$fh>) {
		if (/^What:\s*(\S+)/) {
			@whats = () unless $in_what;
			push @whats, $1;
			$in_what = 1;
			next;
		}
		$in_what = 0;
		if (/^Description:\s*(.*)/) {
			$in_desc = 1;
			$_ = $1;
			next unless /\S/;
		}
		if ($in_desc && /\S/) {
			my $m = /^\s*\((R[OW])\)/ ? $1 : "?";
			$doc{$_} = $m for @whats;
			$in_desc = 0;
		}
	}

	my %want;
	for my $a (keys %grouped) {
		my $m = $defined{$a} // "?";
		$want{"/sys/class/misc/kshm<N>/$a"} = $m;
		$want{"/sys/class/misc/kshm-<NAME>/$a"} = $m;
	}
	$want{"/sys/module/kshm/parameters/$_"} = $param{$_} for keys %param;
	$want{"/sys/module/kshm/version"} = "RO" if $version;
	# The region directories themselves.
	my %dirs = map { $_ => 1 } ("/sys/class/misc/kshm<N>/",
				    "/sys/class/misc/kshm-<NAME>/");
	for my $w (sort keys %want) {
		if (!exists $doc{$w}) {
			print "$w: the driver makes it, the file does not document it\n";
		} elsif ($doc{$w} ne $want{$w}) {
			print "$w: the driver makes it $want{$w}, the file says ($doc{$w})\n";
		}
	}
	for my $w (sort keys %doc) {
		next if $dirs{$w} || exists $want{$w};
		print "$w: documented, but the driver makes no such file\n";
	}
	' "$1" "$2"
}

# The comparison must be able to fail: three made-up disagreements.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$top/driver" "$scratch/driver"
cp "$doc" "$scratch/doc"
cat >"$scratch/driver/kshm_bogus.c" <<'EOF'
static DEVICE_ATTR_RO(bogus);
static struct attribute *kshm_bogus_attrs[] = { &dev_attr_bogus.attr, NULL };
EOF
if abi_diff "$scratch/driver" "$doc" | grep -q 'kshm<N>/bogus: the driver makes it'; then
	result PASS catches_an_undocumented_attribute
else
	result FAIL catches_an_undocumented_attribute
fi
rm "$scratch/driver/kshm_bogus.c"
printf '\nWhat:\t\t/sys/class/misc/kshm<N>/gone\nDescription:\n\t\t(RO) Gone.\n' >>"$scratch/doc"
if abi_diff "$scratch/driver" "$scratch/doc" | grep -q 'kshm<N>/gone: documented, but'; then
	result PASS catches_a_stale_entry
else
	result FAIL catches_a_stale_entry
fi
sed -i 's/module_param_named(fault_log, kshm_fault_log, bool, 0644)/module_param_named(fault_log, kshm_fault_log, bool, 0444)/' \
	"$scratch/driver/kshm_main.c"
if abi_diff "$scratch/driver" "$doc" | grep -q 'parameters/fault_log: the driver makes it RO, the file says (RW)'; then
	result PASS catches_a_wrong_mode
else
	result FAIL catches_a_wrong_mode
fi

abi_diff "$top/driver" "$doc" >"$scratch/diff" 2>&1
if [ -s "$scratch/diff" ]; then
	result FAIL the_file_documents_exactly_what_the_driver_makes
	sed 's/^/    /' "$scratch/diff"
else
	result PASS the_file_documents_exactly_what_the_driver_makes
fi

# The kernel's own ABI parser, from Debian's linux-source-6.1 (as
# scripts/static-checks.sh takes checkpatch.pl), cached.
get_abi=$cache/checkpatch/scripts/get_abi.pl
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n1)
if [ ! -f "$get_abi" ] && [ -n "$tarball" ]; then
	mkdir -p "$(dirname "$get_abi")"
	top_dir=$(tar -tJf "$tarball" | head -n1 | cut -d/ -f1)
	tar -xJf "$tarball" -C "$scratch" "$top_dir/scripts/get_abi.pl" &&
		mv "$scratch/$top_dir/scripts/get_abi.pl" "$get_abi"
fi
if [ -f "$get_abi" ]; then
	perl "$get_abi" --dir "$top/Documentation/ABI" validate >"$scratch/validate" 2>&1
	if [ -s "$scratch/validate" ]; then
		result FAIL get_abi_validate
		sed 's/^/    /' "$scratch/validate"
	else
		result PASS get_abi_validate
	fi
else
	echo "KSHM-RESULT SKIP docs/sysfs-abi:get_abi_validate no linux-source-6.1 for scripts/get_abi.pl"
fi
exit $status
