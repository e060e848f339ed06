#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool get: values checked against libhivex's hivexget where it is
# installed, big data (db), default values, --raw, --json, exit codes; on
# the fixture writer's SYSTEM-like hive, then on the corpus's real hives.
. "$top_srcdir/tests/cli/lib.sh"
expect_exit 2 "$HIVETOOL" get
expect_exit 2 "$HIVETOOL" get x
expect_exit 2 "$HIVETOOL" get --raw --json x y

# The fixture (fixtures/system-like.spec, written by scripts/mkhive.py).
F="$BK_FIXTURES/system-like.hiv"
expect_exit 0 "$HIVETOOL" get "$F" Select Current
[ "$(cat "$TMP/out")" = "0x00000001 (1)" ] || fail "fixture: Select\\Current: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$F" 'HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName' ComputerName
[ "$(cat "$TMP/out")" = "WKS-FIXTURE" ] || fail "fixture: ComputerName: $(cat "$TMP/out")"
if command -v hivexget >/dev/null; then
	want=$(hivexget "$F" 'ControlSet001\Control\ComputerName\ComputerName' ComputerName 2>/dev/null)
	[ "$want" = "WKS-FIXTURE" ] || fail "fixture: hivexget disagrees: $want"
fi
expect_exit 0 "$HIVETOOL" get "$F" 'HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Control\ComputerName\ComputerName' ComputerName
[ "$(cat "$TMP/out")" = "WKS-OLDSET" ] || fail "fixture: ControlSet002: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$F" 'ControlSet001\Control\ComputerName\ComputerName'
[ "$(cat "$TMP/out")" = "mnmsrvc" ] || fail "fixture: default value: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$F" 'ControlSet001\Services\Tcpip\Parameters' SearchList
printf 'a.example\nb.example\n' | cmp -s - "$TMP/out" || fail "fixture: REG_MULTI_SZ: $(cat "$TMP/out")"
expect_exit 1 "$HIVETOOL" get "$F" Select NoSuchValue
grep -q "value 'NoSuchValue' not found" "$TMP/err" || fail "fixture: value not-found message"
expect_exit 1 "$HIVETOOL" get "$F" NoSuchKey Current
# Big data: the default value (16345 x '1') and v (81725 x '2') of key big.
expect_exit 0 "$HIVETOOL" get --raw "$F" big
[ "$(wc -c <"$TMP/out")" = 16345 ] && [ "$(tr -d 1 <"$TMP/out" | wc -c)" = 0 ] || fail "fixture: default big value"
"$HIVETOOL" get --raw "$F" big @ | cmp -s - "$TMP/out" || fail "fixture: @ differs from no name"
expect_exit 0 "$HIVETOOL" get --raw "$F" big V
[ "$(wc -c <"$TMP/out")" = 81725 ] && [ "$(tr -d 2 <"$TMP/out" | wc -c)" = 0 ] || fail "fixture: v is not 81725 x '2'"
if command -v hivexsh >/dev/null; then
	printf 'cd big\nlsval\n' | hivexsh "$F" >"$TMP/hx" 2>&1 || true
	grep -q '^"v"=hex(3):32,32' "$TMP/hx" || fail "fixture: hivexsh does not see v"
fi
expect_exit 0 "$HIVETOOL" get --json "$F" big v
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["size"]==81725 and d["hex"]=="32"*81725' "$TMP/out" ||
	fail "fixture: --json big value"
expect_exit 0 "$HIVETOOL" get --json "$F" 'zero{U+0000}key' 'zero{U+0000}val'
python3 -m json.tool "$TMP/out" >/dev/null || fail "fixture: --json invalid"
grep -q '"name": "zero{U+0000}val", "type": 4' "$TMP/out" || fail "fixture: odd value name"
expect_exit 0 "$HIVETOOL" get "$F" 'Objects\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\Elements\12000004' Element
[ "$(cat "$TMP/out")" = "Windows Boot Manager" ] || fail "fixture: BCD description: $(cat "$TMP/out")"

corpus_part "get on real hives written by Windows (regipy-SYSTEM, yarp-BigDataHive, hivex-special, a BCD store)"
S="$BK_CORPUS/hive/regipy-SYSTEM"
expect_exit 0 "$HIVETOOL" get "$S" Select Current
[ "$(cat "$TMP/out")" = "0x00000001 (1)" ] || fail "Select\\Current: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$S" 'HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName' ComputerName
[ "$(cat "$TMP/out")" = "WKS-WIN732BITA" ] || fail "ComputerName: $(cat "$TMP/out")"
if command -v hivexget >/dev/null; then
	want=$(hivexget "$S" 'ControlSet001\Control\ComputerName\ComputerName' ComputerName)
	[ "$want" = "WKS-WIN732BITA" ] || fail "hivexget disagrees: $want"
fi
expect_exit 0 "$HIVETOOL" get "$S" 'HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\ComputerName\ComputerName' ComputerName
expect_exit 1 "$HIVETOOL" get "$S" Select NoSuchValue
grep -q "value 'NoSuchValue' not found" "$TMP/err" || fail "value not-found message"
expect_exit 1 "$HIVETOOL" get "$S" NoSuchKey Current
# Big data: the default value (16345 x '1') and V (81725 x '2') of key_with_bigdata.
B="$BK_CORPUS/hive/yarp-BigDataHive"
expect_exit 0 "$HIVETOOL" get --raw "$B" key_with_bigdata
[ "$(wc -c <"$TMP/out")" = 16345 ] || fail "default big value size"
[ "$(tr -d 1 <"$TMP/out" | wc -c)" = 0 ] || fail "default big value is not all '1'"
"$HIVETOOL" get --raw "$B" key_with_bigdata @ | cmp -s - "$TMP/out" || fail "@ differs from no name"
expect_exit 0 "$HIVETOOL" get --raw "$B" key_with_bigdata v
[ "$(wc -c <"$TMP/out")" = 81725 ] && [ "$(tr -d 2 <"$TMP/out" | wc -c)" = 0 ] || fail "V is not 81725 x '2'"
if command -v hivexsh >/dev/null; then
	printf 'cd key_with_bigdata\nlsval\n' | hivexsh "$B" >"$TMP/hx" 2>&1 || true
	grep -q '^"v"=hex(3):32,32' "$TMP/hx" || fail "hivexsh does not see v"
fi
expect_exit 0 "$HIVETOOL" get --json "$B" key_with_bigdata V
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["size"]==81725 and d["hex"]=="32"*81725' "$TMP/out" ||
	fail "--json big value"
# Odd names: NUL escaped in both key and value names.
expect_exit 0 "$HIVETOOL" get --json "$BK_CORPUS/hive/hivex-special" 'zero{U+0000}key' 'zero{U+0000}val'
python3 -m json.tool "$TMP/out" >/dev/null || fail "--json invalid"
grep -q '"name": "zero{U+0000}val", "type": 4' "$TMP/out" || fail "odd value name"
# A BCD element.
expect_exit 0 "$HIVETOOL" get "$BK_CORPUS/bcd/pybcd-BCDvm" 'Objects\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\Elements\12000004' Element
[ "$(cat "$TMP/out")" = "Windows Boot Manager" ] || fail "BCD description: $(cat "$TMP/out")"
