#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --map X:=TARGET: disk images with partition numbers (MBR primary and
# logical, GPT), the explicit mbr:/gpt: forms, and a loop block device when
# the machine allows one.  Devices print as the mapped letter, else in the
# explicit form, which reads back to the same bytes.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
need sfdisk

S="$TMP/BCD"
B() { "$BCDEDIT" --store "$S" "$@"; }
dev() { B "$@" /enum {bootmgr} > "$TMP/e"; sed -n 's/^device  *//p' "$TMP/e"; }

truncate -s 64M "$TMP/mbr.img"
printf 'label: dos\nlabel-id: 0xcafe0042\nstart=2048, size=20480, type=7\nstart=30720, size=40960, type=5\nstart=32768, size=8192, type=7\n' |
	sfdisk -q "$TMP/mbr.img"
truncate -s 64M "$TMP/gpt.img"
printf 'label: gpt\nlabel-id: 11223344-5566-7788-99AA-BBCCDDEEFF00\nstart=2048, size=20480, uuid=A1B2C3D4-0001-0002-0003-000000000004\n' |
	sfdisk -q "$TMP/gpt.img"

# A volume without a letter, as Windows prints it: \Device\HarddiskVolumeN.
"$BCDEDIT" /createstore "$S" > /dev/null
"$BCDEDIT" --store "$S" /create {bootmgr} > /dev/null
V='\Device\HarddiskVolume3'
expect_exit 0 B --map "$V=$TMP/mbr.img:1" /set {bootmgr} device "partition=$V"
[ "$(dev)" = "partition=mbr:cafe0042:1048576" ] || fail "volume name: $(dev)"
[ "$(dev --map "$V=$TMP/mbr.img:1")" = "partition=$V" ] || fail "volume name shown: $(dev --map "$V=$TMP/mbr.img:1")"
expect_exit 1 B /set {bootmgr} device 'partition=\Device\HarddiskVolume9'
grep -q 'HarddiskVolume9 is not mapped' "$TMP/err" || fail "unmapped volume name"
rm -f "$S"

expect_exit 0 "$BCDEDIT" /createstore "$S"
expect_exit 0 B /create {bootmgr} /d x
expect_exit 0 B --map "S:=$TMP/mbr.img:1" /set {bootmgr} device partition=S:
[ "$(dev)" = "partition=mbr:cafe0042:1048576" ] || fail "MBR primary: $(dev)"
[ "$(dev --map "S:=$TMP/mbr.img:1")" = "partition=S:" ] || fail "letter back"
# The option table's --NAME=VALUE spelling (case-insensitive, as every option).
[ "$(dev "--MAP=S:=$TMP/mbr.img:1")" = "partition=S:" ] || fail "--map=: $(dev "--MAP=S:=$TMP/mbr.img:1")"
[ "$(dev --map "T:=$TMP/mbr.img:5")" = "partition=mbr:cafe0042:1048576" ] || fail "other letter"
expect_exit 0 B --map "L:=$TMP/mbr.img:5" /set {bootmgr} device partition=L:
[ "$(dev)" = "partition=mbr:cafe0042:$((32768 * 512))" ] || fail "MBR logical: $(dev)"
expect_exit 0 B --map "G:=$TMP/gpt.img:1" /set {bootmgr} device 'file=[G:]\efi\x.efi'
[ "$(dev)" = 'file=[gpt:{11223344-5566-7788-99aa-bbccddeeff00}:{a1b2c3d4-0001-0002-0003-000000000004}]\efi\x.efi' ] ||
	fail "GPT: $(dev)"
[ "$(dev --map "g:=$TMP/gpt.img:1")" = 'file=[G:]\efi\x.efi' ] || fail "GPT letter"
# The explicit form is valid input and a valid map target.
expect_exit 0 B /set {bootmgr} device "$(dev)"
[ "$(dev --map 'Z:=gpt:{11223344-5566-7788-99aa-bbccddeeff00}:{a1b2c3d4-0001-0002-0003-000000000004}')" = 'file=[Z:]\efi\x.efi' ] ||
	fail "explicit map"
# What vhdtool prints for a GPT disk is what --map gpt: reads (one GUID form).
"$(bk_tool vhdtool)" partition --json "$TMP/gpt.img" > "$TMP/p.json"
g=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("gpt:%s:%s" % (j["disk_guid"], j["partitions"][0]["guid"]))' "$TMP/p.json")
[ "$(dev --map "Y:=$g")" = 'file=[Y:]\efi\x.efi' ] || fail "vhdtool's GUIDs as a map target: $g"
"$(bk_tool vhdtool)" partition "$TMP/gpt.img" > "$TMP/p.txt"
g=$(sed -n 's/^disk guid: *//p' "$TMP/p.txt")
p=$(awk '$1 == "1" { print $7 }' "$TMP/p.txt")
[ "$(dev --map "Y:=gpt:$g:$p")" = 'file=[Y:]\efi\x.efi' ] || fail "vhdtool's text GUIDs as a map target: gpt:$g:$p"
expect_exit 1 B --map "S:=$TMP/mbr.img:3" /enum
grep -q 'no partition 3' "$TMP/err" || fail "missing partition message"
expect_exit 1 B --map "S:=$TMP/gpt.img:2" /enum
expect_exit 1 B --map "S=$TMP/mbr.img:1" /enum
expect_exit 1 B /set {bootmgr} device partition=S:
grep -q 'not mapped' "$TMP/err" || fail "unmapped letter message"

# VHD and VHDX images of the same disk name the same partitions.
if command -v qemu-img >/dev/null 2>&1; then
	qemu-img convert -O vpc -o subformat=fixed "$TMP/mbr.img" "$TMP/mbr.vhd"
	qemu-img convert -O vhdx "$TMP/mbr.img" "$TMP/mbr.vhdx"
	expect_exit 0 B --map "L:=$TMP/mbr.img:5" /set {bootmgr} device partition=L:
	[ "$(dev --map "V:=$TMP/mbr.vhd:5")" = "partition=V:" ] || fail "VHD map: $(dev --map "V:=$TMP/mbr.vhd:5")"
	[ "$(dev --map "X:=$TMP/mbr.vhdx:5")" = "partition=X:" ] || fail "VHDX map"
	expect_exit 0 B --map "V:=$TMP/mbr.vhdx:1" /set {bootmgr} device partition=V:
	[ "$(dev)" = "partition=mbr:cafe0042:1048576" ] || fail "VHDX partition 1: $(dev)"
fi

# A block device, through a loop device, when permitted here.
if command -v losetup >/dev/null 2>&1 && LOOP=$(losetup -f --show -P "$TMP/mbr.img" 2>/dev/null); then
	trap 'bk_rc=$?; losetup -d "$LOOP"; bk_exit $bk_rc' EXIT
	if [ -b "${LOOP}p1" ]; then
		expect_exit 0 B --map "Q:=${LOOP}p1" /set {bootmgr} device partition=Q:
		[ "$(dev)" = "partition=mbr:cafe0042:1048576" ] || fail "block device: $(dev)"
		[ "$(dev --map "Q:=${LOOP}p1")" = "partition=Q:" ] || fail "block device letter"
	fi
fi
echo PASS
