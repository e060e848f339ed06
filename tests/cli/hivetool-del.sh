#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool del: a value (others keep their order), an empty key, a key with
# subkeys only with -r; the root and missing names are refused.  On a copy
# of the fixture writer's SYSTEM-like hive, then of a corpus hive, a
# recursive delete leaves a hive that passes the checker and libhivex.
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

del_services() {  # HIVE: delete ControlSet001\Services, check with both readers
	expect_exit 0 "$HIVETOOL" del -r "$1" 'ControlSet001\Services'
	expect_exit 1 "$HIVETOOL" ls "$1" 'ControlSet001\Services'
	expect_exit 0 "$HIVETOOL" check "$1"
	if command -v hivexsh >/dev/null; then
		printf 'cd \\ControlSet001\nls\n' | hivexsh "$1" > "$TMP/hx" || fail "hivexsh failed on $1"
		grep -qx Services "$TMP/hx" && fail "hivex still sees Services in $1"
		grep -qx Control "$TMP/hx" || fail "hivex lost Control in $1"
	fi
}
cp "$BK_FIXTURES/system-like.hiv" "$TMP/fixture.hiv"
chmod u+w "$TMP/fixture.hiv"
del_services "$TMP/fixture.hiv"
expect_exit 0 "$HIVETOOL" get "$TMP/fixture.hiv" 'ControlSet001\Control\ComputerName\ComputerName' ComputerName
[ "$(cat "$TMP/out")" = WKS-FIXTURE ] || fail "fixture: a sibling of the deleted key changed"

corpus_part "a recursive delete in a real SYSTEM hive (regipy-SYSTEM)"
src="$BK_CORPUS/hive/regipy-SYSTEM"
[ -f "$src" ] || skip "regipy-SYSTEM not in the corpus"
cp "$src" "$TMP/SYSTEM"
chmod u+w "$TMP/SYSTEM"
del_services "$TMP/SYSTEM"
exit 0
