#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation's links, on the host:
#   - Documentation/index.md links every document (each *.md, the ABI
#     file, the man page directories) and README.md links the index;
#   - every relative link in README.md and Documentation/*.md names a file
#     that exists, and a #fragment a heading of it (GitHub's anchors:
#     lower case, punctuation dropped, spaces as hyphens).
# First shown to catch a missing file, a missing anchor and a document the
# index leaves out, on a made-up tree.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
status=0

# anchors FILE: the anchors of FILE's headings, one a line.
anchors() {
	sed -n 's/^#\{1,6\} \{1,\}//p' "$1" | tr 'A-Z' 'a-z' |
		sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}

# broken_links TOP: one line per relative link of TOP's documents that
# leads nowhere.
broken_links() {
	local f dir link path frag target
	for f in "$1/README.md" "$1"/Documentation/*.md; do
		dir=$(dirname "$f")
		grep -o '](\([^) ]*\))' "$f" | sed 's/^](//; s/)$//' |
		while read -r link; do
			case $link in
			http://* | https://* | mailto:*) continue ;;
			esac
			path=${link%%#*}
			frag=
			[ "$path" = "$link" ] || frag=${link#*#}
			target=$dir/$path
			[ -n "$path" ] || target=$f
			if [ ! -e "$target" ]; then
				echo "${f#"$1"/}: $link: no such file"
			elif [ -n "$frag" ] && { [ ! -f "$target" ] ||
				! anchors "$target" | grep -qxF -- "$frag"; }; then
				echo "${f#"$1"/}: $link: no such heading"
			fi
		done
	done
}

# unindexed TOP: the documents TOP's index does not link, and the index
# if README.md does not.
unindexed() {
	local index=$1/Documentation/index.md f
	[ -f "$index" ] || { echo "Documentation/index.md: missing"; return; }
	for f in "$1"/Documentation/*.md "$1"/Documentation/ABI/testing/* \
		 "$1"/Documentation/man/man1 "$1"/Documentation/man/man3; do
		[ -e "$f" ] || continue
		f=${f#"$1"/Documentation/}
		[ "$f" = index.md ] && continue
		# man3/ is one link for its pages; man1's one page is linked itself.
		grep -qE "\]\($f[/)#]|\]\($f/?\)|\]\($f/[^)]*\)" "$index" ||
			echo "Documentation/index.md: no link to $f"
	done
	grep -qF '](Documentation/index.md)' "$1/README.md" ||
		echo "README.md: no link to Documentation/index.md"
}

result() {
	echo "KSHM-RESULT $1 docs/links:$2"
	[ "$1" = PASS ] || status=1
}

# The checks must be able to fail.
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/Documentation"
printf '# Top\n[a](Documentation/index.md)\n' >"$fake/README.md"
printf '# Index\n\n- [a](a.md)\n' >"$fake/Documentation/index.md"
printf '# A doc\n\n## Some heading\n[x](b.md) [y](#some-heading) [z](#nowhere)\n' \
	>"$fake/Documentation/a.md"
printf '# B\n' >"$fake/Documentation/c.md"
found=$(broken_links "$fake"; unindexed "$fake")
for want in "a.md: b.md: no such file" "a.md: #nowhere: no such heading" \
	    "no link to c.md"; do
	if grep -qF -- "$want" <<<"$found"; then
		result PASS "catches:${want// /_}"
	else
		result FAIL "catches:${want// /_}"
	fi
done
if grep -qF '#some-heading' <<<"$found"; then
	result FAIL accepts_a_good_anchor
else
	result PASS accepts_a_good_anchor
fi

found=$(broken_links "$top")
if [ -z "$found" ]; then
	result PASS every_relative_link_leads_somewhere
else
	result FAIL every_relative_link_leads_somewhere
	sed 's/^/    /' <<<"$found"
fi
found=$(unindexed "$top")
if [ -z "$found" ]; then
	result PASS the_index_links_every_document
else
	result FAIL the_index_links_every_document
	sed 's/^/    /' <<<"$found"
fi
exit $status
