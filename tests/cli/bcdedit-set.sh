#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# /set and /deletevalue for every element format and custom: types, and the
# refusals (malformed GUIDs, unknown names, wrong formats, out-of-range
# values, missing objects): exit 1, a clear message, the file untouched.
# On a copy of the fixture writer's store (fixtures/bcd-small.spec): nothing
# here depends on who wrote the store.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

BCD="$TMP/bcd-small.copy"
cp "$BK_FIXTURES/bcd-small.hiv" "$BCD"
chmod u+w "$BCD"
W7='{efd09c92-55fb-11e2-aa98-9d073f340da7}'
B() { "$BCDEDIT" --store "$BCD" --map C:=mbr:36234da4:1048576 "$@"; }
line() { B /enum "$1" > "$TMP/enum"; grep "^$2 " "$TMP/enum" | sed "s/^$2  *//"; }

expect_exit 0 B /set $W7 description "Windows 7 (copy)"
[ "$(line $W7 description)" = "Windows 7 (copy)" ] || fail "string"
expect_exit 0 B /set $W7 nx AlwaysOn
[ "$(line $W7 nx)" = "AlwaysOn" ] || fail "enum name"
expect_exit 0 B /set $W7 nx 1
[ "$(line $W7 nx)" = "OptOut" ] || fail "enum number"
expect_exit 0 B /set $W7 recoveryenabled off
[ "$(line $W7 recoveryenabled)" = "No" ] || fail "boolean"
expect_exit 0 B /set $W7 truncatememory 0x1000
[ "$(line $W7 truncatememory)" = "4096" ] || fail "integer"
expect_exit 0 B /set $W7 resumeobject '{efd09c91-55fb-11e2-aa98-9d073f340da7}'
expect_exit 0 B /set $W7 inherit {bootloadersettings} {globalsettings}
B /enum $W7 > "$TMP/enum"
grep -A1 '^inherit' "$TMP/enum" | sed 's/^inherit *//; s/^ *//' > "$TMP/inh"
printf '%s\n' '{bootloadersettings}' '{globalsettings}' | diff - "$TMP/inh" || fail "object list"
expect_exit 0 B /set $W7 allowedinmemorysettings "0x15000075 0x16000010"
B /enum $W7 > "$TMP/enum"
grep -A1 '^allowedinmemorysettings' "$TMP/enum" | sed 's/^[a-z]* *//; s/^ *//' > "$TMP/il"
printf '%s\n' 0x15000075 0x16000010 | diff - "$TMP/il" || fail "integer list"
expect_exit 0 B /set $W7 device partition=C:
[ "$(line $W7 device)" = "partition=C:" ] || fail "device"
expect_exit 0 B /set $W7 osdevice 'file=[C:]\a\b.wim'
[ "$(line $W7 osdevice)" = 'file=[C:]\a\b.wim' ] || fail "file device"
expect_exit 0 B /set $W7 custom:12345678 "hello"
[ "$(line $W7 custom:12345678)" = "hello" ] || fail "custom string"
expect_exit 0 B /set $W7 custom:45000001 7
[ "$(line $W7 custom:45000001)" = "7" ] || fail "custom integer"
expect_exit 0 B /set $W7 custom:26000010 no
[ "$(line $W7 detecthal)" = "No" ] || fail "custom: of a named element"
# A device set on a resume object goes by the resume name of 21000001.
expect_exit 0 B /set '{efd09c91-55fb-11e2-aa98-9d073f340da7}' filedevice boot
[ "$(line '{efd09c91-55fb-11e2-aa98-9d073f340da7}' filedevice)" = "boot" ] || fail "filedevice"
expect_exit 0 B /deletevalue $W7 custom:12345678
B /enum $W7 | grep -q custom:12345678 && fail "deletevalue"
# A ramdisk may name an options object that does not exist yet: a warning.
expect_exit 0 B /set $W7 device 'ramdisk=[boot]\sources\boot.wim,{00000000-0000-0000-0000-000000000001}'
grep -q 'warning: .*{00000000-0000-0000-0000-000000000001} does not exist yet' "$TMP/err" ||
	fail "no warning for a missing options object"
[ "$(line $W7 device)" = 'ramdisk=[boot]\sources\boot.wim,{00000000-0000-0000-0000-000000000001}' ] ||
	fail "ramdisk with a future options object"
expect_exit 0 B /timeout 7
[ "$(line {bootmgr} timeout)" = "7" ] || fail "timeout"

# Refusals: exit 1, one line naming the problem, not a byte written.
cp "$BCD" "$TMP/saved"
refuse() {
	expect_exit 1 B "$@"
	grep -q . "$TMP/err" || fail "no message for $*"
	[ "$(wc -l < "$TMP/err")" -le 3 ] || fail "message too long for $*"
	cmp -s "$BCD" "$TMP/saved" || fail "store changed by refused '$*'"
}
refuse /set '{efd09c92-55fb-11e2-aa98-9d073f340da}' description x
refuse /set '{efd09c92-55fb-11e2-aa98-9d073f340da8}' description x
refuse /set $W7 nosuchelement 1
refuse /set $W7 filedevice boot
refuse /set $W7 nx Sometimes
refuse /set $W7 nx 9
refuse /set $W7 recoveryenabled maybe
refuse /set $W7 truncatememory 12x
refuse /set $W7 truncatememory 99999999999999999999999
refuse /set $W7 resumeobject '{00000000-0000-0000-0000-000000000001}'
refuse /set $W7 inherit {globalsettings} {nosuchalias}
refuse /set $W7 device partition=Q:
refuse /set $W7 custom:xyz 1
refuse /deletevalue $W7 custom:77777777
refuse /deletevalue $W7 nosuchelement
refuse /default '{00000000-0000-0000-0000-000000000001}'
grep -q 'does not exist' "$TMP/err" || fail "missing object message"
expect_exit 1 B /timeout soon
cmp -s "$BCD" "$TMP/saved" || fail "store changed"
echo PASS
