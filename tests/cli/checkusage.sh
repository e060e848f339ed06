#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every tool: --help goes to stdout with exit 0, --version likewise, a bogus
# option or command gives a one-line error plus "Try 'TOOL --help'." on
# stderr with exit 2 and nothing on stdout (bcdedit: Microsoft's message and
# exit 1, as bcdedit(1) documents).
set -eu
. "$top_srcdir/tests/cli/lib.sh"
n=0
for tool in hivetool bcdedit vhdtool bcdboot bcdverify; do
	bin="$top_builddir/$tool"
	[ -x "$bin" ] || continue
	n=$((n + 1))
	expect_exit 0 "$bin" --help
	[ -s "$TMP/out" ] && [ ! -s "$TMP/err" ] || fail "$tool --help: output on the wrong stream"
	grep -q "$tool" "$TMP/out" || fail "$tool --help does not name the tool"
	expect_exit 0 "$bin" --version
	grep -q "^$tool (bcdkit) " "$TMP/out" || fail "$tool --version: $(cat "$TMP/out")"
	# bcdedit speaks Microsoft's words: exit 1 and its own hint (bcdedit(1)).
	want=2 hint="Try '$tool --help'"
	[ "$tool" = bcdedit ] && want=1 hint="Run \"bcdedit /?\" for command line assistance."
	# bcdverify's exit codes are fsck's: 16 is a usage error (bcdverify(1)).
	[ "$tool" = bcdverify ] && want=16
	expect_exit $want "$bin" --bogus-option-xyz
	[ ! -s "$TMP/out" ] || fail "$tool --bogus wrote to stdout"
	grep -qF "$hint" "$TMP/err" || fail "$tool --bogus: no hint: $(cat "$TMP/err")"
	# A man page exists and its name matches.
	grep -qi "^\.TH $tool 1" "$top_srcdir/doc/$tool.1" || fail "doc/$tool.1 missing or misnamed"
	echo "ok: $tool"
done
[ "$n" -ge 1 ] || fail "no tool built"

# A bad option of a command: our one line and the hint, never getopt's own
# message as well ("hivetool ls H --jsn" once printed both), for unknown
# options and for a missing option argument.
one_error() { # EXIT CMD...: exactly the message line and the hint
	expect_exit "$@"
	[ ! -s "$TMP/out" ] || fail "'$*' wrote to stdout"
	[ "$(wc -l < "$TMP/err")" = 2 ] && tail -n 1 "$TMP/err" | grep -q "^Try '" ||
		fail "'$*': not one message and the hint: $(cat "$TMP/err")"
	grep -q "unrecognized option\|invalid option\|requires an argument" "$TMP/err" &&
		fail "'$*': getopt's own message: $(cat "$TMP/err")"
	return 0
}
H="$top_builddir/hivetool" V="$top_builddir/vhdtool"
one_error 2 "$H" ls x --jsn
one_error 2 "$H" ls x -o
one_error 2 "$H" check x --bogus
one_error 2 "$H" get x -Z
one_error 2 "$V" info x --jsn
one_error 2 "$V" create x --size
one_error 2 "$V" bootcode x --bogus
one_error 2 "$V" bootcode x --part
one_error 2 "$V" ls x --bogus
