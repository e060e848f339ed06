#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool ls on corpus hives: listing, -r, --json validity, odd names,
# HKLM prefixes and CurrentControlSet, exit codes.
. "$top_srcdir/tests/cli/lib.sh"
expect_exit 2 "$HIVETOOL" ls
expect_exit 2 "$HIVETOOL" ls --raw x
need_corpus
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
expect_exit 0 "$HIVETOOL" ls -r --json "$BK_CORPUS/hive/yarp-UnicodeHive"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out" || fail "ls -r --json invalid"
# Odd names: U+0000 escaped, Latin-1 and non-Latin-1 names as UTF-8.
expect_exit 0 "$HIVETOOL" ls -r "$BK_CORPUS/hive/hivex-special"
grep -q "^zero{U+0000}key\$" "$TMP/out" || fail "NUL in key name not escaped"
grep -q "^    zero{U+0000}val    REG_DWORD" "$TMP/out" || fail "NUL in value name not escaped"
grep -q "^abcd_äöüß\$" "$TMP/out" && grep -q "^weird™\$" "$TMP/out" || fail "non-ASCII names"
expect_exit 0 "$HIVETOOL" ls -r --json "$BK_CORPUS/hive/hivex-special"
python3 -m json.tool "$TMP/out" >/dev/null || fail "special --json invalid"
# The key with an escaped name can be named back.
expect_exit 0 "$HIVETOOL" ls "$BK_CORPUS/hive/hivex-special" 'zero{U+0000}key'
# Recursive listing counts every key (root included) as info does.
expect_exit 0 "$HIVETOOL" ls -r "$BK_CORPUS/hive/yarp-ManySubkeysHive"
n=$(grep -c '^[^ ]' "$TMP/out")
[ "$n" = 5003 ] || fail "ManySubkeysHive: $n keys listed, expected 5003"
