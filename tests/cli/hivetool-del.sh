#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool del: a value (others keep their order), an empty key, a key with
# subkeys only with -r; the root and missing names are refused.  On a corpus
# hive copy, a recursive delete leaves a hive that passes the checker and
# libhivex.
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/d.hiv"
expect_exit 0 "$HIVETOOL" create "$f"
expect_exit 0 "$HIVETOOL" mkkey -p "$f" 'A\B\C'
for v in one two three; do expect_exit 0 "$HIVETOOL" set "$f" A "$v" REG_DWORD 1; done
expect_exit 0 "$HIVETOOL" del "$f" A two
expect_exit 0 "$HIVETOOL" ls "$f" A
[ "$(grep -E '^ +(one|three) ' "$TMP/out" | awk '{print $1}' | tr '\n' ' ')" = "one three " ] ||
	fail "value order after delete: $(cat "$TMP/out")"
expect_exit 1 "$HIVETOOL" del "$f" A two
expect_exit 1 "$HIVETOOL" del "$f" A
grep -q 'subkeys' "$TMP/err" || fail "no subkeys message"
expect_exit 2 "$HIVETOOL" del "$f" A one -r
expect_exit 0 "$HIVETOOL" del "$f" 'A\B\C'
expect_exit 0 "$HIVETOOL" del -r "$f" A
expect_exit 1 "$HIVETOOL" get "$f" A one
expect_exit 1 "$HIVETOOL" del -r "$f" ''
expect_exit 1 "$HIVETOOL" del "$f" Nope
expect_exit 0 "$HIVETOOL" check "$f"

need_corpus
src="$BK_CORPUS/hive/regipy-SYSTEM"
[ -f "$src" ] || skip "regipy-SYSTEM not in the corpus"
cp "$src" "$TMP/SYSTEM"
chmod u+w "$TMP/SYSTEM"
expect_exit 0 "$HIVETOOL" del -r "$TMP/SYSTEM" 'ControlSet001\Services'
expect_exit 1 "$HIVETOOL" ls "$TMP/SYSTEM" 'ControlSet001\Services'
expect_exit 0 "$HIVETOOL" check "$TMP/SYSTEM"
if command -v hivexsh >/dev/null; then
	printf 'cd \\ControlSet001\nls\n' | hivexsh "$TMP/SYSTEM" > "$TMP/hx" || fail "hivexsh failed"
	grep -qx Services "$TMP/hx" && fail "hivex still sees Services"
	grep -qx Control "$TMP/hx" || fail "hivex lost Control"
fi
exit 0
