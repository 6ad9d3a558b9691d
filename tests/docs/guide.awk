# SPDX-License-Identifier: GPL-2.0
#
# The runnable parts of a Markdown guide (Documentation/getting-started.md),
# for a test to run them as written. POSIX awk: the same file runs on the
# host and under busybox in the VM guest.
#
# An HTML comment, alone on the last non-blank line before a fenced block,
# says what the block is:
#   <!-- run: host -->         commands run on the host (build, install)
#   <!-- run: guest -->        commands run in the VM guest (the module)
#   <!-- run: guest fails -->  as above; the block's last command must fail
#   <!-- output -->            what the run block before it prints: each
#                              line must appear in its output, in order;
#                              "..." in a line stands for anything
#   <!-- file: NAME -->        a file the reader saves as NAME
#   <!-- not run: REASON -->   commands on purpose not run here
# A sh/bash/console block without one of these is an error (mode=lint):
# nothing in the guide may be printed-only by accident.
#
# Modes (-v mode=...):
#   lint              report untagged command blocks and stray markers;
#                     exit 1 if any
#   script side=S     a sh script running side S's blocks in order, each
#                     between "@@GS-BLOCK id" and "@@GS-END id" lines, and
#                     writing every file block where it stands; run it
#                     with sh -e so that a failing command stops it
#   expect side=S     "B<TAB>id<TAB>first line" per block of side S, then
#                     "E<TAB>id<TAB>line" per line of its output block
#   file name=NAME    the content of file block NAME
#   check name=PREFIX  with ARGV[1] an expect list and ARGV[2] the output
#                     of the script: one KSHM-RESULT line per block; a
#                     block id is the line number of its opening fence.

# The marker on a line, or "".
function marker(line) {
	if (line !~ /^<!-- *(run: *(host|guest)( fails)?|output|file: *[^ ]+|not run:.*) *-->[ \t]*$/)
		return ""
	sub(/^<!-- */, "", line)
	sub(/ *-->[ \t]*$/, "", line)
	return line
}

function lint_error(msg) {
	printf "%s:%d: %s\n", FILENAME, NR, msg
	errors++
}

# Does @line hold @pat, where "..." in @pat matches anything?
function matches(line, pat,    i, piece, j) {
	for (;;) {
		i = index(pat, "...")
		piece = i ? substr(pat, 1, i - 1) : pat
		if (piece != "") {
			j = index(line, piece)
			if (!j)
				return 0
			line = substr(line, j + length(piece))
		}
		if (!i)
			return 1
		pat = substr(pat, i + 3)
	}
}

function strip(s) {
	sub(/[ \t\r]+$/, "", s)
	return s
}

BEGIN {
	if (mode == "check") {
		FS = "\t"
	}
	in_block = 0
	pending = ""
	last_run = 0
	last_side = ""
}

# check: the expect list, then the log.
mode == "check" && FNR == NR {
	if ($1 == "B") {
		ids[++nids] = $2
		first[$2] = $3
	} else if ($1 == "E") {
		nexpl[$2]++
		expl[$2, nexpl[$2]] = strip($3)
	}
	next
}
mode == "check" {
	if ($0 ~ /^@@GS-BLOCK /) {
		split($0, f, " ")
		cur = f[2]
		started[cur] = 1
		want[cur] = 1
		next
	}
	if ($0 ~ /^@@GS-END /) {
		split($0, f, " ")
		ended[f[2]] = 1
		cur = ""
		next
	}
	if ($0 ~ /^@@GS-SUCCEEDED /) {
		split($0, f, " ")
		succeeded[f[2]] = 1
		next
	}
	if (cur == "")
		next
	nout[cur]++
	out[cur, nout[cur]] = $0
	if (want[cur] <= nexpl[cur] && matches(strip($0), expl[cur, want[cur]]))
		want[cur]++
	next
}

mode != "check" && !in_block {
	m = marker($0)
	if (m != "") {
		if (pending != "" && mode == "lint")
			lint_error("two markers for one block")
		pending = m
		next
	}
	if ($0 ~ /^<!-- *(run|output|file|not run)/ && mode == "lint")
		lint_error("malformed marker: " $0)
	if ($0 ~ /^```/) {
		in_block = 1
		id = NR
		lang = $0
		sub(/^```[ \t]*/, "", lang)
		sub(/[ \t].*/, "", lang)
		kind = pending
		pending = ""
		nlines = 0
		if (kind == "" && lang ~ /^(sh|bash|console|shell)$/ && mode == "lint")
			lint_error("a command block without a marker (<!-- run: ... --> or <!-- not run: ... -->)")
		if (kind == "output" && !last_run && mode == "lint")
			lint_error("an output block with no run block before it")
		next
	}
	if ($0 !~ /^[ \t]*$/)
		pending = ""
	next
}

mode != "check" && in_block && /^```[ \t]*$/ {
	in_block = 0
	if (kind ~ /^run:/) {
		bside = kind
		sub(/^run: */, "", bside)
		fails = bside ~ / fails$/
		sub(/ fails$/, "", bside)
		last_run = id
		last_side = bside
		if (bside == side) {
			if (mode == "script") {
				printf "echo '@@GS-BLOCK %d'\n", id
				if (fails) {
					print "if ("
					for (i = 1; i <= nlines; i++)
						print lines[i]
					printf "); then echo '@@GS-SUCCEEDED %d'; fi\n", id
				} else {
					for (i = 1; i <= nlines; i++)
						print lines[i]
				}
				printf "echo '@@GS-END %d'\n", id
			} else if (mode == "expect") {
				printf "B\t%d\t%s\n", id, lines[1]
			}
		}
	} else if (kind == "output") {
		if (mode == "expect" && last_side == side)
			for (i = 1; i <= nlines; i++)
				if (lines[i] !~ /^[ \t]*$/)
					printf "E\t%d\t%s\n", last_run, lines[i]
		if (mode == "lint" && !nlines)
			lint_error("an empty output block")
	} else if (kind ~ /^file:/) {
		fname = kind
		sub(/^file: */, "", fname)
		if (mode == "file" && fname == name)
			for (i = 1; i <= nlines; i++)
				print lines[i]
		if (mode == "script") {
			printf "cat >%s <<'@@GS-FILE'\n", fname
			for (i = 1; i <= nlines; i++)
				print lines[i]
			print "@@GS-FILE"
		}
	}
	next
}

mode != "check" && in_block {
	lines[++nlines] = $0
	next
}

END {
	if (mode == "lint") {
		if (in_block)
			lint_error("a fenced block is not closed")
		exit (errors > 0)
	}
	if (mode != "check")
		exit 0
	for (i = 1; i <= nids; i++) {
		b = ids[i]
		what = name ":L" b
		detail = first[b]
		if (!started[b]) {
			printf "KSHM-RESULT FAIL %s never ran (a command before it failed): %s\n", what, detail
			continue
		}
		if (!ended[b]) {
			printf "KSHM-RESULT FAIL %s a command failed: %s\n", what, detail
		} else if (succeeded[b]) {
			printf "KSHM-RESULT FAIL %s should have failed and did not: %s\n", what, detail
		} else if (want[b] <= nexpl[b]) {
			printf "KSHM-RESULT FAIL %s its output lacks \"%s\": %s\n", what, expl[b, want[b]], detail
		} else {
			printf "KSHM-RESULT PASS %s %s\n", what, detail
			continue
		}
		# The end of its output, where a failure shows.
		j = (nout[b] > 40) ? nout[b] - 39 : 1
		printf("    its output%s:\n", (j > 1) ? " (last 40 lines)" : "")
		for (; j <= nout[b]; j++)
			print "    | " out[b, j]
	}
}
