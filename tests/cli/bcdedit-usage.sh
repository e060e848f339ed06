#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Help, version and usage errors: streams and exit codes; the SYNOPSIS of
# bcdedit(1) matches the usage line.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

expect_exit 0 "$BCDEDIT" --help
grep -q '^Usage: bcdedit \[--store FILE\] \[OPTIONS\] \[COMMAND \[ARGUMENTS\]\]$' "$TMP/out" || fail "usage line"
[ -s "$TMP/err" ] && fail "help wrote to stderr"
expect_exit 0 "$BCDEDIT" -h
expect_exit 0 "$BCDEDIT" '/?'
expect_exit 0 "$BCDEDIT" -V
grep -q 'bcdkit' "$TMP/out" || fail "version"
expect_exit 0 "$BCDEDIT" --version
for bad in "--bogus" "/bogus x" "/enum all /frobnicate"; do
	# shellcheck disable=SC2086
	expect_exit 1 "$BCDEDIT" --store /nonexistent $bad
	head -n1 "$TMP/err" | grep -qx "The parameter is incorrect." || fail "first line for $bad"
	grep -q "bcdedit /?" "$TMP/err" || fail "no hint for $bad"
	[ -s "$TMP/out" ] && fail "usage error wrote to stdout"
done
expect_exit 1 "$BCDEDIT" /enum all
grep -q 'no store given' "$TMP/err" || fail "missing --store"
expect_exit 1 "$BCDEDIT" --store
expect_exit 1 "$BCDEDIT" --store /nonexistent/BCD /enum
grep -q '/nonexistent/BCD' "$TMP/err" || fail "error does not name the file"
expect_exit 1 "$BCDEDIT" --store /nonexistent/BCD --map 'C:=nothing-here' /enum
grep -q 'nothing-here' "$TMP/err" || fail "map error does not name the target"

# The man page's SYNOPSIS is the usage line.
man_syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$top_srcdir/doc/bcdedit.1" | grep -v '^\.S' | tr '\n' ' ' |
	sed 's/\\fB//g; s/\\fI//g; s/\\fR//g; s/\\-/-/g; s/^\.B //; s/ *$//')
[ "$man_syn" = "bcdedit [--store FILE] [OPTIONS] [COMMAND [ARGUMENTS]]" ] || fail "SYNOPSIS: $man_syn"
echo PASS
