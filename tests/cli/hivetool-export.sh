#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool export: the three formats on a hive made with hivetool, a subtree,
# --prefix, -o (atomic: no temporary file left, an existing file refused
# without --force and replaced only on success), usage errors and a missing key.
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/e.hiv"
expect_exit 0 "$HIVETOOL" create "$f" --root ROOT
expect_exit 0 "$HIVETOOL" mkkey "$f" A
expect_exit 0 "$HIVETOOL" mkkey "$f" 'A\B'
expect_exit 0 "$HIVETOOL" set "$f" A s REG_SZ 'C:\x "q"'
expect_exit 0 "$HIVETOOL" set "$f" A d REG_DWORD 0x2a
expect_exit 0 "$HIVETOOL" set "$f" 'A\B' e REG_EXPAND_SZ '%x%'

# reg: UTF-16LE with a BOM, CRLF, regedit's layout; the default prefix comes
# from the hive's file name.
expect_exit 0 "$HIVETOOL" export "$f"
[ "$(head -c 2 "$TMP/out" | od -An -tx1 | tr -d ' ')" = fffe ] || fail "no UTF-16LE BOM"
iconv -f UTF-16 -t UTF-8 "$TMP/out" > "$TMP/reg.txt"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\E]\r\n\r\n[HKEY_LOCAL_MACHINE\\E\\A]\r\n"s"="C:\\\\x \\"q\\""\r\n"d"=dword:0000002a\r\n\r\n[HKEY_LOCAL_MACHINE\\E\\A\\B]\r\n"e"=hex(2):25,00,78,00,25,00,00,00\r\n\r\n' > "$TMP/want"
cmp "$TMP/reg.txt" "$TMP/want" || { diff "$TMP/reg.txt" "$TMP/want" >&2; fail "reg output"; }

# reg4: REGEDIT4, UTF-8, hex(2) as 8-bit text; a subtree with a prefix.
expect_exit 0 "$HIVETOOL" export "$f" 'A\B' --format reg4 --prefix 'HKLM\SOFTWARE'
printf 'REGEDIT4\r\n\r\n[HKLM\\SOFTWARE\\A\\B]\r\n"e"=hex(2):25,78,25,00\r\n\r\n' > "$TMP/want"
cmp "$TMP/out" "$TMP/want" || fail "reg4 output: $(cat -A "$TMP/out")"

# xml: well-formed, every key and value there.
expect_exit 0 "$HIVETOOL" export "$f" --format xml
python3 - "$TMP/out" <<'PY' || fail "xml output"
import sys, xml.etree.ElementTree as ET
ns = {"h": "urn:bcdkit:hive-xml:1"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{urn:bcdkit:hive-xml:1}hive"
k = root.find("h:key/h:key[@name='A']", ns)
vals = {v.get("name"): (v.get("type"), v.text or "") for v in k.findall("h:value", ns)}
assert vals["d"] == ("4", "2a000000"), vals
assert vals["s"][0] == "1" and vals["s"][1].endswith("0000"), vals
assert k.find("h:key[@name='B']/h:value[@name='e']", ns) is not None
PY

# -o: an existing file is refused without --force, with the message every
# tool gives; with it, written atomically, replacing the old file; nothing
# left behind.
echo old > "$TMP/o.reg"
expect_exit 1 "$HIVETOOL" export "$f" -o "$TMP/o.reg"
grep -qx "hivetool: $TMP/o.reg: file exists (use --force to replace it)" "$TMP/err" ||
	fail "existing output message: $(cat "$TMP/err")"
[ "$(cat "$TMP/o.reg")" = old ] || fail "existing output changed without --force"
expect_exit 1 "$HIVETOOL" export "$f" -o "$f" --force
grep -q "is the input file" "$TMP/err" || fail "input as output: $(cat "$TMP/err")"
expect_exit 0 "$HIVETOOL" export "$f" -o "$TMP/o.reg" --force
cmp "$TMP/o.reg" "$TMP/reg.txt" >/dev/null 2>&1 && fail "-o wrote UTF-8?"
iconv -f UTF-16 -t UTF-8 "$TMP/o.reg" | cmp - "$TMP/reg.txt" || fail "-o content"
[ "$(ls "$TMP" | grep -c '^o\.reg')" = 1 ] || fail "temporary file left: $(ls "$TMP")"
# A failed export leaves an existing output alone.
expect_exit 1 "$HIVETOOL" export "$f" 'No\Such' -o "$TMP/o.reg" --force
grep -q "not found" "$TMP/err" || fail "missing key message: $(cat "$TMP/err")"
iconv -f UTF-16 -t UTF-8 "$TMP/o.reg" | cmp - "$TMP/reg.txt" || fail "-o changed by a failed export"
expect_exit 1 "$HIVETOOL" export "$f" -o "$TMP/nodir/x.reg"
# A device is written to, not replaced.
expect_exit 0 "$HIVETOOL" export "$f" -o /dev/null
[ -c /dev/null ] || fail "/dev/null replaced"

# Usage errors exit 2 with a hint.
expect_exit 2 "$HIVETOOL" export "$f" --format json
grep -q "Try 'hivetool --help'" "$TMP/err" || fail "no hint"
expect_exit 2 "$HIVETOOL" export "$f" --format xml --prefix X
expect_exit 2 "$HIVETOOL" export
expect_exit 2 "$HIVETOOL" export "$TMP/missing.hiv"
expect_exit 0 "$HIVETOOL" export --help
grep -q 'export HIVE \[KEY\]' "$TMP/out" || fail "--help"

# A damaged hive: refused as it is; with --salvage the unreadable values are
# noted and skipped, and what is exported imports again.
bad="${BK_CORPUS:-/nonexistent}/hive/regipy-corrupted_system_hive"
if [ -f "$bad" ]; then
	expect_exit 2 "$HIVETOOL" export "$bad"
	for fmt in reg xml; do
		expect_exit 0 "$HIVETOOL" export --salvage --format $fmt "$bad" -o "$TMP/salv.$fmt"
		grep -q "note: export: skipped: .*not a cell" "$TMP/err" || fail "no skip note ($fmt)"
	done
	expect_exit 0 "$HIVETOOL" import "$TMP/salv.hiv" "$TMP/salv.reg" --create
else
	echo "corpus not found: salvage part skipped"
fi
exit 0
