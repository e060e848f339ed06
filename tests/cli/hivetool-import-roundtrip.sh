#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# .reg round trip: regipy-SYSTEM exported to .reg and imported into an
# empty hive has the same content as seen by libhivex (hivexregedit --export
# of both is identical) in a file at most 1.2 times the original's size.
# Hives with odd names (NUL, CR LF, Latin-1, other UTF-16) survive export,
# import and a second export byte for byte, in both .reg dialects (REGEDIT4
# in UTF-8, which holds every name; in Windows-1252 where the names fit).
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
H="$BK_CORPUS/hive"

orig="$H/regipy-SYSTEM"
expect_exit 0 "$HIVETOOL" export "$orig" -o "$TMP/sys.reg"
expect_exit 0 "$HIVETOOL" import "$TMP/new.hiv" "$TMP/sys.reg" --create
grep -q "30756 keys, 73456 values set" "$TMP/out" || fail "import: $(cat "$TMP/out")"
size=$(stat -c %s "$TMP/new.hiv")
limit=$(( $(stat -c %s "$orig") * 12 / 10 ))
echo "regipy-SYSTEM: $(stat -c %s "$orig") bytes; imported copy: $size bytes (limit $limit)"
[ "$size" -le "$limit" ] || fail "imported hive is $size bytes, over $limit"
expect_exit 0 "$HIVETOOL" check "$TMP/new.hiv"
if command -v hivexregedit >/dev/null 2>&1; then
	hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$orig" '\' > "$TMP/a.txt" 2>/dev/null
	hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$TMP/new.hiv" '\' > "$TMP/b.txt" 2>/dev/null
	[ -s "$TMP/a.txt" ] || fail "hivexregedit produced nothing"
	cmp "$TMP/a.txt" "$TMP/b.txt" || fail "libhivex sees different content"
else
	echo "hivexregedit not installed: libhivex comparison skipped"
fi
# Our own export of the copy is the same text.
expect_exit 0 "$HIVETOOL" export "$TMP/new.hiv" --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' -o "$TMP/again.reg"
cmp "$TMP/sys.reg" "$TMP/again.reg" || fail "second export differs"

for name in hivex-special yarp-BogusKeyNamesHive yarp-UnicodeHive yarp-ExtendedASCIIHive; do
	for fmt in reg reg4,UTF-8 reg4,CP1252; do
		cp=
		case $fmt in reg4,*) cp="--codepage ${fmt#*,}" ;; esac
		case $name,$fmt in hivex-special,*CP1252|yarp-UnicodeHive,*CP1252) continue ;; esac
		rm -f "$TMP/n.hiv" "$TMP/1.reg" "$TMP/2.reg"   # outputs are never silently replaced
		expect_exit 0 "$HIVETOOL" export "$H/$name" --format ${fmt%,*} $cp --prefix 'HKCU' -o "$TMP/1.reg"
		expect_exit 0 "$HIVETOOL" import "$TMP/n.hiv" "$TMP/1.reg" --create $cp
		expect_exit 0 "$HIVETOOL" export "$TMP/n.hiv" --format ${fmt%,*} $cp --prefix 'HKCU' -o "$TMP/2.reg"
		cmp "$TMP/1.reg" "$TMP/2.reg" || fail "$name ($fmt): second export differs"
	done
done
# The escapes are there: a NUL in a key name, CR LF in another.
iconv -f UTF-16 -t UTF-8 "$TMP/1.reg" >/dev/null 2>&1 || true
expect_exit 0 "$HIVETOOL" export "$H/yarp-BogusKeyNamesHive" --format reg4 --codepage UTF-8 --prefix X
grep -q '^\[X\\testnu{U+0000}l\]' "$TMP/out" || fail "NUL escape: $(cat -A "$TMP/out")"
grep -q '^\[X\\testnew{U+000D}{U+000A}ne\]' "$TMP/out" || fail "CR LF escape"
exit 0
