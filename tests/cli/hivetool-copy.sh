#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool copy: a subtree within a hive and from another hive (--from); the
# copy equals the source (hivetool diff between exports), class names and
# values survive (also from the fixture writer's SYSTEM-like hive and a
# corpus hive); copying into itself and onto an existing key is refused.
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/c.hiv"
expect_exit 0 "$HIVETOOL" create "$f"
expect_exit 0 "$HIVETOOL" mkkey -p "$f" 'S\T\U'
expect_exit 0 "$HIVETOOL" set "$f" 'S\T' v REG_SZ text
expect_exit 0 "$HIVETOOL" set "$f" 'S\T\U' w REG_DWORD 7
expect_exit 0 "$HIVETOOL" copy "$f" S 'S2'
expect_exit 0 "$HIVETOOL" get "$f" 'S2\T\U' w
grep -q 7 "$TMP/out" || fail "copied value: $(cat "$TMP/out")"
expect_exit 1 "$HIVETOOL" copy "$f" S 'S\T\Inner'
grep -q 'own subtree' "$TMP/err" || fail "no own-subtree message: $(cat "$TMP/err")"
expect_exit 1 "$HIVETOOL" copy "$f" S 's2'
expect_exit 1 "$HIVETOOL" copy "$f" Nope X
expect_exit 0 "$HIVETOOL" check "$f"

copy_control() {  # SOURCE-HIVE: copy ControlSet001\Control into a new 1.3 hive
	g="$TMP/g.hiv"
	rm -f "$g"
	expect_exit 0 "$HIVETOOL" create "$g" --minor 3
	expect_exit 0 "$HIVETOOL" mkkey "$g" ControlSet001
	expect_exit 0 "$HIVETOOL" copy "$g" 'ControlSet001\Control' 'ControlSet001\Control' --from "$1"
	expect_exit 0 "$HIVETOOL" check "$g"
	"$HIVETOOL" export "$1" 'ControlSet001\Control' --prefix X > "$TMP/a.reg"
	"$HIVETOOL" export "$g" 'ControlSet001\Control' --prefix X > "$TMP/b.reg"
	cmp -s "$TMP/a.reg" "$TMP/b.reg" || fail "copied subtree of $1 exports differently"
	if command -v hivexregedit >/dev/null; then
		hivexregedit --export "$g" '\ControlSet001\Control' > /dev/null || fail "hivex cannot export the copy of $1"
	fi
}
# From the fixture writer's SYSTEM-like hive (fixtures/system-like.spec).
copy_control "$BK_FIXTURES/system-like.hiv"
expect_exit 0 "$HIVETOOL" get "$TMP/g.hiv" 'ControlSet001\Control\Class\{4d36e968-e325-11ce-bfc1-08002be10318}\0000' DriverDesc
[ "$(cat "$TMP/out")" = "Fixture Display Adapter" ] || fail "fixture: copied value: $(cat "$TMP/out")"

corpus_part "copy --from a real SYSTEM hive (regipy-SYSTEM)"
src="$BK_CORPUS/hive/regipy-SYSTEM"
[ -f "$src" ] || skip "regipy-SYSTEM not in the corpus"
copy_control "$src"
exit 0
