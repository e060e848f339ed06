#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool import: UTF-16LE (regedit), UTF-8 and REGEDIT4 files, standard
# input, deletions, --prefix, --create; a malformed line gives its file and
# line number, exit 2, and leaves the hive file byte for byte as it was.
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/i.hiv"
get() { expect_exit 0 "$HIVETOOL" get "$f" "$1" "$2" --raw; od -v -An -tx1 "$TMP/out" | tr -d ' \n'; }

# A regedit file (UTF-16LE with BOM, CRLF) into a new hive.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\r\n"s"="C:\\\\x"\r\n"d"=dword:0000002a\r\n"h"=hex:de,ad,\\\r\n  be,ef\r\n@="def"\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Sub]\r\n"m"=hex(7):61,00,00,00,00,00\r\n' \
	| iconv -f UTF-8 -t UTF-16LE > "$TMP/body"
{ printf '\377\376'; cat "$TMP/body"; } > "$TMP/a.reg"
expect_exit 0 "$HIVETOOL" import "$f" "$TMP/a.reg" --create
grep -q "2 keys, 5 values set" "$TMP/out" || fail "report: $(cat "$TMP/out")"
[ "$(get Vendor d)" = 2a000000 ] || fail "dword"
[ "$(get Vendor h)" = deadbeef ] || fail "continued hex"
[ "$(get Vendor s)" = 43003a005c0078000000 ] || fail "string"
[ "$(get Vendor @)" = 6400650066000000 ] || fail "default value"
[ "$(get 'Vendor\Sub' m)" = 610000000000 ] || fail "multi-string"
# libhivex reads the result too.
if command -v hivexget >/dev/null 2>&1; then
	[ "$(hivexget "$f" '\Vendor' d)" = 42 ] || fail "hivexget: $(hivexget "$f" '\Vendor' d)"
fi

# UTF-8 from standard input, REGEDIT4, deletions and a prefix.
printf 'REGEDIT4\n\n; comment\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\n"s"=-\n@=-\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Sub]\n' > "$TMP/b.reg"
expect_exit 0 "$HIVETOOL" import "$f" - < "$TMP/b.reg"
grep -q "1 key and 2 values deleted" "$TMP/out" || fail "report: $(cat "$TMP/out")"
expect_exit 1 "$HIVETOOL" get "$f" Vendor s
expect_exit 1 "$HIVETOOL" ls "$f" 'Vendor\Sub'
printf 'REGEDIT4\n[X\\Y\\Vendor\\New]\n"n"=dword:1\n' > "$TMP/c.reg"
cp "$f" "$TMP/before.hiv"
expect_exit 0 "$HIVETOOL" import "$f" "$TMP/c.reg" --prefix 'x\y' --backup
cmp "$f.bak" "$TMP/before.hiv" || fail "--backup copy"
[ "$(get 'Vendor\New' n)" = 01000000 ] || fail "--prefix"
expect_exit 2 "$HIVETOOL" import "$f" "$TMP/c.reg" --prefix 'Other'
grep -q "c.reg: line 2: key is not under the prefix" "$TMP/err" || fail "prefix message: $(cat "$TMP/err")"

# A malformed line: error naming the file and the line, exit 2, file unchanged.
sum=$(sha256sum < "$f")
printf 'REGEDIT4\n\n[HKLM\\S\\Vendor]\n"ok"=dword:1\n[-HKLM\\S\\Vendor\\New]\n[HKLM\\S\\Vendor]\n"bad"=hex:01,0g\n' > "$TMP/bad.reg"
expect_exit 2 "$HIVETOOL" import "$f" "$TMP/bad.reg"
grep -qF "bad.reg: line 7: ',' expected after a hex byte" "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ "$(sha256sum < "$f")" = "$sum" ] || fail "hive changed by a failed import"
expect_exit 0 "$HIVETOOL" get "$f" 'Vendor\New' n
expect_exit 1 "$HIVETOOL" get "$f" Vendor ok
ls "$TMP" | grep 'i\.hiv\.' | grep -qv '\.bak$' && fail "temporary file left: $(ls "$TMP")"

# Not a .reg file at all; a file that does not exist; usage.
printf 'hello\n' > "$TMP/x.reg"
expect_exit 2 "$HIVETOOL" import "$f" "$TMP/x.reg"
grep -q "x.reg: line 1: not a .reg file" "$TMP/err" || fail "$(cat "$TMP/err")"
expect_exit 2 "$HIVETOOL" import "$f" "$TMP/none.reg"
expect_exit 2 "$HIVETOOL" import "$f"
expect_exit 2 "$HIVETOOL" import "$f" "$TMP/a.reg" --bogus
[ "$(sha256sum < "$f")" = "$sum" ] || fail "hive changed"

# A dirty hive without logs is refused (naming the hive, not the .reg file)
# unless forced.
sec="${BK_CORPUS:-/nonexistent}/hive/regipy-SECURITY"
if [ -f "$sec" ]; then
	cp "$sec" "$TMP/sec.hiv"
	chmod u+w "$TMP/sec.hiv"
	sum=$(sha256sum < "$TMP/sec.hiv")
	expect_exit 1 "$HIVETOOL" import "$TMP/sec.hiv" "$TMP/c.reg"
	grep -q "sec.hiv: hive is dirty" "$TMP/err" || fail "dirty message: $(cat "$TMP/err")"
	grep -q "c.reg" "$TMP/err" && fail "dirty message names the .reg file"
	[ "$(sha256sum < "$TMP/sec.hiv")" = "$sum" ] || fail "dirty hive written"
	expect_exit 0 "$HIVETOOL" import "$TMP/sec.hiv" "$TMP/c.reg" --force
	expect_exit 0 "$HIVETOOL" get "$TMP/sec.hiv" 'X\Y\Vendor\New' n
fi
exit 0
