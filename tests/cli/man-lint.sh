#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every man page renders without a warning (groff -ww, and mandoc's linter
# where installed), uses no escape that renders as something else than it
# reads (\' is an acute accent, not a quote), never continues a sentence on
# an alternating-font macro line (".IB X Y .  More words" runs the words
# together), and has the sections a reader looks for.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
command -v groff >/dev/null || skip "groff not installed"
n=0
for page in "$top_srcdir"/doc/*.[1-8]; do
	[ -e "$page" ] || continue
	n=$((n + 1))
	name=$(basename "$page")
	LC_ALL=C.UTF-8 groff -ww -b -z -man -Tutf8 "$page" >"$TMP/groff" 2>&1 || true
	[ ! -s "$TMP/groff" ] || { cat "$TMP/groff"; fail "$name: groff warnings"; }
	if command -v mandoc >/dev/null; then
		mandoc -Tlint -Wwarning "$page" >"$TMP/mandoc" 2>&1 || true
		[ ! -s "$TMP/mandoc" ] || { cat "$TMP/mandoc"; fail "$name: mandoc warnings"; }
	fi
	if grep -n "\\\\'" "$page" >"$TMP/acute"; then
		cat "$TMP/acute"; fail "$name: \\' renders as an acute accent; write ' or \\(aq"
	fi
	# An alternating-font macro whose arguments go on after a lone
	# full stop and three or more words: the rest of the sentence loses its
	# spaces (a lone "." inside a file name pattern is fine).
	awk -v f="$name" '
		/^\.(BI|IB|BR|RB|IR|RI)[ \t]/ {
			line = $0; sub(/^\.[A-Z][A-Z][ \t]+/, "", line)
			gsub(/"[^"]*"/, "Q", line)
			k = split(line, a, /[ \t]+/)
			for (i = 1; i < k; i++)
				if (a[i] == "." && k - i >= 3) {
					print f ":" NR ": sentence continues on a font macro line: " $0
					bad = 1
				}
		}
		END { exit bad }' "$page" || fail "$name: run-on font macro"
	# Programs have an exit status, library functions a return value.
	case $name in *.3) status="RETURN VALUE" ;; *) status="EXIT STATUS" ;; esac
	for sec in NAME SYNOPSIS DESCRIPTION "$status" EXAMPLES FILES "SEE ALSO" \
		"REPORTING BUGS" COPYRIGHT; do
		grep -q "^\.SH \"*$sec\"*\$" "$page" || fail "$name: no $sec section"
	done
	# Where to report bugs: the same place on every page, in README.md and
	# in configure's bug-report argument.
	sed -n '/^\.SH REPORTING BUGS/,/^\.SH/p' "$page" | tr '\n' ' ' |
		grep -q "Report bugs to the bcdkit project's issue tracker" ||
		fail "$name: REPORTING BUGS does not name the project's issue tracker"
	echo "ok: $name"
done
sed -n '/^## Reporting bugs$/,/^## /p' "$top_srcdir/README.md" | tr '\n' ' ' |
	grep -q "Report bugs to the bcdkit project's issue tracker" ||
	fail "README.md: no Reporting bugs section naming the project's issue tracker"
grep -q '^#define PACKAGE_BUGREPORT "the bcdkit issue tracker; see README.md, Reporting bugs"$' \
	"$top_builddir/config.h" || fail "configure's bug-report argument does not point to README.md"
[ "$n" -ge 3 ] || fail "only $n man pages found"
