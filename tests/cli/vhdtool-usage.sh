#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool: --help/--version/bad usage exit codes and streams.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"

expect_exit 0 "$VHDTOOL" --help
grep -q '^Usage: vhdtool COMMAND' "$TMP/out" || fail "--help not on stdout"
[ ! -s "$TMP/err" ] || fail "--help wrote to stderr"
for c in create info convert; do grep -q "^  $c " "$TMP/out" || fail "--help lacks $c"; done
expect_exit 0 "$VHDTOOL" create --help
grep -q '^Usage:' "$TMP/out" || fail "create --help"
expect_exit 0 "$VHDTOOL" --version
grep -q '^vhdtool (bcdkit) ' "$TMP/out" || fail "--version output"

# The SYNOPSIS of the man page names the same commands as usage().
for c in create info convert; do
	grep -q "^\.B vhdtool $c" "$top_srcdir/doc/vhdtool.1" || fail "man page lacks $c"
done

for args in "" "bogus" "--bogus" "info" "info a b" "create x.vhd" \
	"create x.vhd --size 0" "create x.vhd --size 12Q" "create x.vhd --size 1M --format qcow2" \
	"create x.vhd --size 1M --type sparse" "create x.vhd --size 1M --block-size 3M" \
	"create x.vhd --size 1000 --exact" "info x --size 1M" "convert a" "convert a b --json" \
	"info --bogus x"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$VHDTOOL" $args
	[ ! -s "$TMP/out" ] || fail "'$args' wrote to stdout"
	[ "$(wc -l < "$TMP/err")" -le 2 ] || fail "'$args': long error"
	grep -q "Try 'vhdtool --help'" "$TMP/err" || fail "'$args': no hint"
done
[ ! -e x.vhd ] || fail "a failed usage created a file"
