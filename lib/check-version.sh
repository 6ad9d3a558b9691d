#!/bin/sh
# SPDX-License-Identifier: MIT OR LGPL-2.1-or-later
# check-version.sh VERSION MAP HEADER: fail unless the newest node of the
# version script and KSHM_VERSION_MAJOR/MINOR of the header both say
# MAJOR.MINOR of VERSION. The build runs it before linking libkshm.so.
version=$1 map=$2 header=$3
want=$(echo "$version" | cut -d. -f1,2)

got=$(sed -n 's/^LIBKSHM_\([0-9.]*\)[[:space:]]*{.*/\1/p' "$map" | tail -n 1)
if [ "$got" != "$want" ]; then
	echo "$map: newest node is LIBKSHM_$got, but the library is $version" >&2
	exit 1
fi
major=$(sed -n 's/^#define KSHM_VERSION_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' "$header")
minor=$(sed -n 's/^#define KSHM_VERSION_MINOR[[:space:]]*\([0-9]*\).*/\1/p' "$header")
if [ "$major.$minor" != "$want" ]; then
	echo "$header: KSHM_VERSION is $major.$minor, but the library is $version" >&2
	exit 1
fi
