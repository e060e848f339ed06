#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# REGEDIT4 files are in an ANSI code page: hivetool import and export read and
# write them as Windows-1252, or the code page --codepage names.  Fixtures
# from scripts/mkreg4.sh (bytes spelled out, no iconv); libhivex reads the
# imported hives back.  A name iconv does not know is one line and exit 2; a
# character the code page lacks is an error naming its key and value.
. "$top_srcdir/tests/cli/lib.sh"
sh "$top_srcdir/scripts/mkreg4.sh" "$TMP"
pre='HKEY_LOCAL_MACHINE\SOFTWARE'
hex() { od -v -An -tx1 "$1" | tr -d ' \n'; }

# Windows-1252 by default: names, a REG_SZ, hex(2) and hex(7) data.
expect_exit 0 "$HIVETOOL" import "$TMP/a.hiv" "$TMP/cp1252.reg" --create
expect_exit 0 "$HIVETOOL" get "$TMP/a.hiv" 'Café' 'Chaîne' --raw
[ "$(hex "$TMP/out")" = 2500e90025000000 ] || fail "hex(2) data: $(hex "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$TMP/a.hiv" 'Café' Menu --raw
[ "$(hex "$TMP/out")" = e9000000ac2000000000 ] || fail "hex(7) data: $(hex "$TMP/out")"
if command -v hivexget >/dev/null 2>&1; then
	[ "$(hivexget "$TMP/a.hiv" '\Café' Prix)" = '5 €' ] || fail "hivexget: $(hivexget "$TMP/a.hiv" '\Café' Prix)"
	[ "$(hivexget "$TMP/a.hiv" '\Café' 'Chaîne')" = '%é%' ] || fail "hivexget REG_EXPAND_SZ"
	[ "$(hivexget "$TMP/a.hiv" '\Café' Menu | tr '\n' ,)" = 'é,€,,' ] || fail "hivexget REG_MULTI_SZ"
else
	echo "hivexget not installed: libhivex check skipped"
fi
# Export gives the fixture's bytes back; so does a second round.
expect_exit 0 "$HIVETOOL" export "$TMP/a.hiv" --format reg4 --prefix "$pre" -o "$TMP/a.reg"
cmp "$TMP/cp1252.reg" "$TMP/a.reg" || fail "CP1252 export differs from the fixture"
expect_exit 0 "$HIVETOOL" import "$TMP/a2.hiv" "$TMP/a.reg" --create --codepage windows-1252
expect_exit 0 "$HIVETOOL" export "$TMP/a2.hiv" --format reg4 --prefix "$pre" -o "$TMP/a2.reg"
cmp "$TMP/cp1252.reg" "$TMP/a2.reg" || fail "CP1252 round trip differs"

# Windows-1251 with --codepage, both ways.
expect_exit 0 "$HIVETOOL" import "$TMP/b.hiv" "$TMP/cp1251.reg" --create --codepage CP1251
if command -v hivexget >/dev/null 2>&1; then
	[ "$(hivexget "$TMP/b.hiv" '\Привет' 'Имя')" = 'Мир' ] || fail "hivexget CP1251"
fi
expect_exit 0 "$HIVETOOL" export "$TMP/b.hiv" --format reg4 --codepage CP1251 --prefix "$pre" -o "$TMP/b.reg"
cmp "$TMP/cp1251.reg" "$TMP/b.reg" || fail "CP1251 export differs from the fixture"

# Cyrillic has no place in Windows-1252: an error naming the key and value,
# exit 2, and no output file.
expect_exit 2 "$HIVETOOL" export "$TMP/b.hiv" --format reg4 -o "$TMP/c.reg"
grep -qF 'key "\Привет": U+041F has no character in code page CP1252' "$TMP/err" ||
	fail "unrepresentable: $(cat "$TMP/err")"
[ ! -e "$TMP/c.reg" ] || fail "output written after an error"
expect_exit 0 "$HIVETOOL" mkkey "$TMP/b.hiv" K
expect_exit 0 "$HIVETOOL" set "$TMP/b.hiv" K 'Имя' REG_SZ x
expect_exit 2 "$HIVETOOL" export "$TMP/b.hiv" K --format reg4 -o "$TMP/c.reg"
grep -qF 'key "\K", value "Имя": U+0418 has no character in code page CP1252' "$TMP/err" ||
	fail "unrepresentable: $(cat "$TMP/err")"
[ ! -e "$TMP/c.reg" ] || fail "output written after an error"
ls "$TMP" | grep -q '^c\.reg' && fail "temporary left: $(ls "$TMP")"

# An unknown code page: one line, exit 2, nothing written or created.
sum=$(sha256sum < "$TMP/a.hiv")
expect_exit 2 "$HIVETOOL" import "$TMP/a.hiv" "$TMP/cp1251.reg" --codepage NO-SUCH-CP
[ "$(wc -l < "$TMP/err")" = 1 ] || fail "more than one line: $(cat "$TMP/err")"
grep -q 'codepage.*NO-SUCH-CP' "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ "$(sha256sum < "$TMP/a.hiv")" = "$sum" ] || fail "hive changed"
expect_exit 2 "$HIVETOOL" import "$TMP/new.hiv" "$TMP/cp1251.reg" --create --codepage NO-SUCH-CP
[ ! -e "$TMP/new.hiv" ] || fail "hive created"
expect_exit 2 "$HIVETOOL" export "$TMP/a.hiv" --format reg4 --codepage NO-SUCH-CP -o "$TMP/d.reg"
[ "$(wc -l < "$TMP/err")" = 1 ] || fail "more than one line: $(cat "$TMP/err")"
[ ! -e "$TMP/d.reg" ] || fail "output written"
# --codepage is for REGEDIT4 only.
expect_exit 2 "$HIVETOOL" export "$TMP/a.hiv" --codepage CP1251

# A byte the code page does not have: the file and its line, hive unchanged.
expect_exit 2 "$HIVETOOL" import "$TMP/a.hiv" "$TMP/cp1252-bad.reg"
grep -qF 'cp1252-bad.reg: line 4: byte 0x81 is not a character of code page CP1252' "$TMP/err" ||
	fail "bad byte: $(cat "$TMP/err")"
[ "$(sha256sum < "$TMP/a.hiv")" = "$sum" ] || fail "hive changed"
exit 0
