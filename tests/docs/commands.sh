#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host-side commands of Documentation/getting-started.md and
# troubleshooting.md (the blocks marked <!-- run: host -->: packages,
# make, make install, building the guide's program with pkg-config, make
# uninstall), run as written, in order, in one bash -e per document, from
# a fresh copy of the source tree, each block's output checked against
# what the document shows (tests/docs/guide.awk). Every command block of
# the documents must carry a marker (lint). The module-side blocks run in
# the VM (tests/vm/guest/docs.sh).
#
# Nothing outside the scratch directory is written: a few stand-ins in
# front of PATH keep the commands as the reader types them:
#   sudo      runs its arguments (the test already runs as itself);
#   uname -r  says the first test kernel ($KSHM_CACHE/kernels), whose
#             headers are installed, rather than the host's, which has
#             none and cannot load modules;
#   apt-get   is apt-get --simulate: every package must exist and
#             install, nothing is installed;
#   pkg-config  finds libkshm in the scratch root (PKG_CONFIG_SYSROOT_DIR,
#             unless the caller set one), as it finds it in /usr/local
#             after a real install;
# and DESTDIR, in the environment, sends make install and uninstall to
# that scratch root. After the guide's make uninstall the root must hold
# no file.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSHM_CACHE:-$HOME/.cache/kshm}
awk_prog=$top/tests/docs/guide.awk
docs="getting-started troubleshooting"
status=0

# result PASS|FAIL DOC NAME: one line the caller counts.
result() {
	echo "KSHM-RESULT $1 $2/host:$3"
	[ "$1" != FAIL ] || status=1
}

# The checker must be able to fail: a made-up document with one block of
# each kind of fault, run through the same steps as the real ones.
selftest=$(mktemp -d)
trap 'rm -rf "$selftest"' EXIT
cat >"$selftest/doc.md" <<'EOF'
<!-- run: host -->
```sh
echo "...a match"
```

<!-- output -->
```text
...match
```

<!-- run: host -->
```sh
echo one
```

<!-- output -->
```text
two
```

<!-- run: host fails -->
```sh
true
```

<!-- run: host -->
```sh
false
echo not reached
```

<!-- run: host -->
```sh
echo never run
```

```sh
echo unmarked
```
EOF
awk -v mode=script -v side=host -f "$awk_prog" "$selftest/doc.md" >"$selftest/run.sh"
awk -v mode=expect -v side=host -f "$awk_prog" "$selftest/doc.md" >"$selftest/expect"
(cd "$selftest" && bash -e run.sh) >"$selftest/log" 2>&1
awk -v mode=check -v name=t -f "$awk_prog" "$selftest/expect" "$selftest/log" \
	>"$selftest/results"
for want in "PASS t:L2 " "FAIL t:L12 its output lacks \"two\"" \
	    "FAIL t:L22 should have failed" "FAIL t:L27 a command failed" \
	    "FAIL t:L33 never ran"; do
	if grep -qF "KSHM-RESULT $want" "$selftest/results"; then
		echo "KSHM-RESULT PASS docs/host:checker_reports:${want// /_}"
	else
		echo "KSHM-RESULT FAIL docs/host:checker_reports:${want// /_}"
		sed 's/^/    /' "$selftest/results"
		status=1
	fi
done
lint=$(awk -v mode=lint -f "$awk_prog" "$selftest/doc.md")
if grep -q ':37: a command block without a marker' <<<"$lint"; then
	echo "KSHM-RESULT PASS docs/host:lint_reports_an_unmarked_block"
else
	echo "KSHM-RESULT FAIL docs/host:lint_reports_an_unmarked_block"
	status=1
fi

{ read -r rel _ <"$cache/kernels"; } 2>/dev/null || rel=
if [ -z "$rel" ] || [ ! -f "/lib/modules/$rel/build/Makefile" ]; then
	echo "KSHM-RESULT FAIL docs/host:headers no test kernel with headers in /lib/modules (scripts/deps.sh)"
	exit 1
fi
# What the real system must not gain from a DESTDIR run.
watched="/usr/local/bin/kshmctl /usr/local/lib/libkshm.so.0 /usr/local/include/kshm.h
/lib/modules/$rel/updates/kshm.ko"
before=$(ls -d $watched 2>/dev/null)

# stand_ins DIR ROOT: the commands of the header in DIR, for ROOT.
stand_ins() {
	local bin=$1 root=$2
	cat >"$bin/sudo" <<'EOF'
#!/bin/sh
exec "$@"
EOF
	cat >"$bin/uname" <<EOF
#!/bin/sh
[ "\$*" = -r ] && { echo "$rel"; exit 0; }
exec /bin/uname "\$@"
EOF
	cat >"$bin/apt-get" <<'EOF'
#!/bin/sh
exec /usr/bin/apt-get --simulate -o Debug::NoLocking=1 "$@"
EOF
	cat >"$bin/pkg-config" <<EOF
#!/bin/sh
case " \$* " in
*" libkshm "*)
	if [ -z "\${PKG_CONFIG_SYSROOT_DIR:-}" ]; then
		export PKG_CONFIG_SYSROOT_DIR=$root
		export PKG_CONFIG_LIBDIR=$root/usr/local/lib/pkgconfig
	fi ;;
esac
exec /usr/bin/pkg-config "\$@"
EOF
	chmod +x "$bin"/*
}

for name in $docs; do
	doc=$top/Documentation/$name.md
	if awk -v mode=lint -f "$awk_prog" "$doc"; then
		result PASS "$name" every_command_block_is_marked
	else
		result FAIL "$name" every_command_block_is_marked
	fi
	scratch=$top/build/docs/$name
	rm -rf "$scratch"
	mkdir -p "$scratch/src" "$scratch/bin" "$scratch/root"
	awk -v mode=expect -v side=host -f "$awk_prog" "$doc" >"$scratch/expect"
	# Most documents have only module-side commands.
	grep -q '^B' "$scratch/expect" || continue
	awk -v mode=script -v side=host -f "$awk_prog" "$doc" >"$scratch/run.sh"
	# A fresh tree: the sources as they are now, tracked or not, no build/.
	(cd "$top" && git ls-files -co --exclude-standard -z |
		grep -zv '^build/' | xargs -0 cp --parents -t "$scratch/src")
	stand_ins "$scratch/bin" "$scratch/root"
	(
		cd "$scratch/src" || exit 1
		export PATH=$scratch/bin:$PATH DESTDIR=$scratch/root
		unset MAKEFLAGS MAKELEVEL
		bash -e "$scratch/run.sh"
	) >"$scratch/log" 2>&1
	awk -v mode=check -v name="$name/host" -f "$awk_prog" \
		"$scratch/expect" "$scratch/log" | tee "$scratch/results"
	grep -q '^KSHM-RESULT FAIL' "$scratch/results" && status=1
	left=$(find "$scratch/root" ! -type d)
	if [ -z "$left" ]; then
		result PASS "$name" make_uninstall_leaves_nothing
	else
		result FAIL "$name" make_uninstall_leaves_nothing
		sed 's/^/    /' <<<"$left"
	fi
done

# The guide must have host commands: without them nothing above ran.
grep -q '<!-- run: host -->' "$top/Documentation/getting-started.md" ||
	result FAIL getting-started has_host_commands
after=$(ls -d $watched 2>/dev/null)
if [ "$before" = "$after" ]; then
	echo "KSHM-RESULT PASS docs/host:nothing_written_outside_the_scratch_roots"
else
	echo "KSHM-RESULT FAIL docs/host:nothing_written_outside_the_scratch_roots"
	diff <(echo "$before") <(echo "$after") | sed 's/^/    /'
	status=1
fi
exit $status
