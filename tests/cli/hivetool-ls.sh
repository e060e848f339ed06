#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool ls: listing, -r, --json validity, odd names, HKLM prefixes and
# CurrentControlSet, exit codes; on the fixture writer's SYSTEM-like hive,
# then on the corpus's real hives.
. "$top_srcdir/tests/cli/lib.sh"
expect_exit 2 "$HIVETOOL" ls
expect_exit 2 "$HIVETOOL" ls --raw x

# ls -r --json: JSON Lines, one object per key, in the order of the text
# listing, with the full path, the name, the last-write time (as the XML
# export gives it, to the second) and the values (as the text lists them).
check_jsonl() {  # HIVE KEY
	expect_exit 0 "$HIVETOOL" ls -r "$1" "$2"
	mv "$TMP/out" "$TMP/text"
	expect_exit 0 "$HIVETOOL" export --format xml "$1" "$2"
	mv "$TMP/out" "$TMP/xml"
	expect_exit 0 "$HIVETOOL" ls -r --json "$1" "$2"
	python3 - "$TMP/out" "$TMP/text" "$TMP/xml" <<'PY' || fail "ls -r --json on $1 $2"
import json, sys
import xml.etree.ElementTree as ET
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no newline at the end"
keys = [json.loads(l) for l in lines[:-1]]
# The text listing: a key line, then "    NAME    TYPE    DATA" per value.
text = []
for l in open(sys.argv[2], encoding="utf-8").read().split("\n"):
    if l and not l.startswith("    "):
        text.append([l, 0])
    elif l:
        text[-1][1] += 1
assert [k["path"] for k in keys] == [t[0] for t in text], "paths differ from ls -r"
assert [len(k["values"]) for k in keys] == [t[1] for t in text], "value counts differ"
ns = "{urn:bcdkit:hive-xml:1}"
top = ET.parse(sys.argv[3]).getroot()
mtimes = {}
def walk(e, path):
    mtimes[path] = e.get("mtime")
    for c in e.findall(ns + "key"):
        walk(c, path + "\\" + c.get("name"))
walk(top.find(ns + "key"), top.get("path"))
assert len(mtimes) == len(keys), "%d keys in XML, %d lines" % (len(mtimes), len(keys))
for k in keys:
    assert k["path"].rpartition("\\")[2] == k["name"], k
    assert k["last_write"] == mtimes[k["path"]][:19] + "Z", (k["path"], k["last_write"])
    assert all("name" in v and "type" in v and "hex" in v for v in k["values"]), k
print(len(keys), "keys")
PY
}

# The fixture (fixtures/system-like.spec, written by scripts/mkhive.py).
F="$BK_FIXTURES/system-like.hiv"
expect_exit 0 "$HIVETOOL" ls "$F"
grep -q "^ControlSet001\$" "$TMP/out" && grep -q "^Select\$" "$TMP/out" || fail "fixture: root subkeys missing"
expect_exit 0 "$HIVETOOL" ls "$F" 'HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName'
grep -q "^ControlSet001\\\\Control\\\\ComputerName\\\\ComputerName\$" "$TMP/out" ||
	fail "fixture: CurrentControlSet not resolved: $(cat "$TMP/out")"
grep -q "ComputerName    REG_SZ    WKS-FIXTURE" "$TMP/out" || fail "fixture: ComputerName value"
grep -q "(Default)    REG_SZ    mnmsrvc" "$TMP/out" || fail "fixture: default value"
expect_exit 1 "$HIVETOOL" ls "$F" 'No\Such\Key'
grep -q "not found" "$TMP/err" || fail "fixture: not-found message"
expect_exit 0 "$HIVETOOL" ls --json "$F" Select
python3 -m json.tool "$TMP/out" >/dev/null || fail "fixture: ls --json is not JSON"
grep -q '"name": "Current", "type": 4, "type_name": "REG_DWORD", "size": 4, "hex": "01000000", "number": 1' "$TMP/out" ||
	fail "fixture: Select\\Current in JSON"
expect_exit 0 "$HIVETOOL" ls -r "$F"
grep -q "^zero{U+0000}key\$" "$TMP/out" || fail "fixture: NUL in key name not escaped"
grep -q "^    zero{U+0000}val    REG_DWORD    0x00000005 (5)\$" "$TMP/out" || fail "fixture: NUL in value name not escaped"
grep -q "^abcd_äöüß\$" "$TMP/out" && grep -q "^weird™\$" "$TMP/out" || fail "fixture: non-ASCII names"
# Every key listed once (the spec's 25 keys and the root), as reglookup counts them.
n=$(grep -c '^[^ ]' "$TMP/out")
[ "$n" = 26 ] || fail "fixture: $n keys listed, expected 26"
if command -v reglookup >/dev/null; then
	[ "$(reglookup -H -t KEY "$F" 2>/dev/null | wc -l)" = 26 ] || fail "fixture: reglookup counts otherwise"
fi
expect_exit 0 "$HIVETOOL" ls "$F" 'zero{U+0000}key'
check_jsonl "$F" 'ControlSet001'
check_jsonl "$F" 'Select'
# A wide key: 1500 subkeys in one list, all listed, in order.
{ i=0; while [ $i -lt 1500 ]; do echo "key Wide\\k$i"; i=$((i + 1)); done; } >"$TMP/wide.spec"
python3 "$top_srcdir/scripts/mkhive.py" "$TMP/wide.spec" "$TMP/wide.hiv"
expect_exit 0 "$HIVETOOL" ls -r "$TMP/wide.hiv"
[ "$(grep -c '^[^ ]' "$TMP/out")" = 1502 ] || fail "wide: $(grep -c '^[^ ]' "$TMP/out") keys listed, expected 1502"
expect_exit 0 "$HIVETOOL" ls "$TMP/wide.hiv" Wide
[ "$(sed -n 3,6p "$TMP/out" | tr '\n' ' ')" = 'Wide\k0 Wide\k1 Wide\k10 Wide\k100 ' ] ||
	fail "wide: not in the order of upper-cased names: $(sed -n 3,6p "$TMP/out")"

corpus_part "ls on real hives written by Windows (regipy-SYSTEM, yarp, hivex samples)"
S="$BK_CORPUS/hive/regipy-SYSTEM"
expect_exit 0 "$HIVETOOL" ls "$S"
grep -q "^ControlSet001\$" "$TMP/out" && grep -q "^Select\$" "$TMP/out" || fail "root subkeys missing"
expect_exit 0 "$HIVETOOL" ls "$S" 'HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName'
grep -q "^ControlSet001\\\\Control\\\\ComputerName\\\\ComputerName\$" "$TMP/out" || fail "CurrentControlSet not resolved"
grep -q "ComputerName    REG_SZ    WKS-WIN732BITA" "$TMP/out" || fail "ComputerName value"
expect_exit 1 "$HIVETOOL" ls "$S" 'No\Such\Key'
grep -q "not found" "$TMP/err" || fail "not-found message"
# --json: valid JSON, and the recursive listing of a whole hive parses.
expect_exit 0 "$HIVETOOL" ls --json "$S" Select
python3 -m json.tool "$TMP/out" >/dev/null || fail "ls --json is not JSON"
grep -q '"name": "Current", "type": 4, "type_name": "REG_DWORD", "size": 4, "hex": "01000000", "number": 1' "$TMP/out" ||
	fail "Select\\Current in JSON"
check_jsonl "$S" 'ControlSet001\Control\Class'
check_jsonl "$S" 'Select'
expect_exit 0 "$HIVETOOL" ls -r --json "$BK_CORPUS/hive/yarp-UnicodeHive"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" ||
	fail "ls -r --json invalid"
# Odd names: U+0000 escaped, Latin-1 and non-Latin-1 names as UTF-8.
expect_exit 0 "$HIVETOOL" ls -r "$BK_CORPUS/hive/hivex-special"
grep -q "^zero{U+0000}key\$" "$TMP/out" || fail "NUL in key name not escaped"
grep -q "^    zero{U+0000}val    REG_DWORD" "$TMP/out" || fail "NUL in value name not escaped"
grep -q "^abcd_äöüß\$" "$TMP/out" && grep -q "^weird™\$" "$TMP/out" || fail "non-ASCII names"
expect_exit 0 "$HIVETOOL" ls -r --json "$BK_CORPUS/hive/hivex-special"
grep -q '^{"schema": "bcdkit.hive-key-line/1", "path": "zero{U+0000}key", "name": "zero{U+0000}key", "last_write": "2014-01-10T21:06:02Z", "values": \[{"name": "zero{U+0000}val", "type": 4,' "$TMP/out" ||
	fail "special --json: $(cat "$TMP/out")"
[ "$(wc -l <"$TMP/out")" = 4 ] || fail "special --json: not one line per key"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" ||
	fail "special --json invalid"
# A key's path is the one it was listed under, not its parent field: in
# yarp-InvalidParentHive key 4900 names the root as its parent.
expect_exit 0 "$HIVETOOL" ls -r "$BK_CORPUS/hive/yarp-InvalidParentHive"
grep -q '^key_with_many_subkeys\\4900$' "$TMP/out" && ! grep -q '^4900$' "$TMP/out" ||
	fail "InvalidParentHive: 4900 listed under its parent field"
# The key with an escaped name can be named back.
expect_exit 0 "$HIVETOOL" ls "$BK_CORPUS/hive/hivex-special" 'zero{U+0000}key'
# Recursive listing counts every key (root included) as info does.
expect_exit 0 "$HIVETOOL" ls -r "$BK_CORPUS/hive/yarp-ManySubkeysHive"
n=$(grep -c '^[^ ]' "$TMP/out")
[ "$n" = 5003 ] || fail "ManySubkeysHive: $n keys listed, expected 5003"
