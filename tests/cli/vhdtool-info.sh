#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool info: image fields in text and JSON, and the partition table as
# sfdisk and sgdisk wrote it, read through every image format.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
cd "$TMP"
PATH="$PATH:/usr/sbin:/sbin"

# Image fields.
"$VHDTOOL" create a.vhd --size 64M --type fixed
"$VHDTOOL" info a.vhd > a.txt
grep -q '^format: *vhd$' a.txt || fail "format: $(cat a.txt)"
grep -q '^type: *fixed$' a.txt || fail "type"
grep -q '^virtual size: *67108864 bytes' a.txt || fail "virtual size"
grep -q '^file size: *67109376 bytes' a.txt || fail "file size"
grep -q '^geometry: *963/8/17 (C/H/S)' a.txt || fail "geometry"
grep -q '^creator: *win  10.0 Wi2k' a.txt || fail "creator"
# GUIDs in the one form bcdedit reads back: braces, lower case.
grep -q '^disk id: *{[0-9a-f]\{8\}-[0-9a-f]\{4\}-4[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}}$' a.txt ||
	fail "disk id is not a version 4 UUID"
"$VHDTOOL" create b.vhdx --size 100M
"$VHDTOOL" info --json b.vhdx > b.json
python3 - b.json <<'PY' || fail "info --json fields"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["format"] == "vhdx" and j["type"] == "dynamic", j
assert j["virtual_size"] == 100 * 2**20 and j["allocated"] == 0, j
assert j["block_size"] == 32 * 2**20 and j["logical_sector"] == 512, j
assert j["creator"].startswith("bcdkit "), j
assert j["partition_table"] is None and j["log_replayed"] is False, j
assert "geometry" not in j, j
PY
# The disk id shown is the one stored (VHD: big-endian bytes at 0x44).
id=$(sed -n 's/^disk id: *//p' a.txt | tr -d '{}-')
stored=$(tail -c 512 a.vhd | od -An -tx1 -j68 -N16 | tr -d ' \n')
[ "$id" = "$stored" ] || fail "disk id $id, stored $stored"

# MBR written by sfdisk.
command -v sfdisk >/dev/null || skip "sfdisk not installed"
truncate -s 64M mbr.raw
sfdisk -q mbr.raw <<'SF'
label: dos
label-id: 0x1a2b3c4d
start=2048, size=20480, type=7, bootable
start=22528, size=40960, type=ef
SF
for f in raw vhd vhdx; do
	[ $f = raw ] || "$VHDTOOL" convert mbr.raw mbr.$f
	"$VHDTOOL" info --json mbr.$f > m.json
	python3 - m.json <<'PY' || fail "MBR partitions through $f"
import json, sys
t = json.load(open(sys.argv[1]))["partition_table"]
assert t["type"] == "mbr" and t["signature"] == "0x1A2B3C4D", t
p = t["partitions"]
assert [(x["number"], x["offset"], x["size"], x["type"], x["active"]) for x in p] == [
    (1, 1048576, 10485760, 7, True), (2, 11534336, 20971520, 0xEF, False)], p
PY
done
"$VHDTOOL" info mbr.vhd > m.txt
grep -q '^partitions: *mbr, signature 0x1A2B3C4D' m.txt || fail "MBR text: $(cat m.txt)"
grep -q '^1 *1048576 *11534336 *10485760 *ntfs *0x07 *active' m.txt || fail "MBR text line"

# GPT written by sgdisk, with chosen GUIDs.
command -v sgdisk >/dev/null || skip "sgdisk not installed"
truncate -s 64M gpt.raw
sgdisk -U 11111111-2222-3333-4444-555555555555 \
	-n 1:2048:+16M -t 1:ef00 -u 1:AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE -c 1:boot \
	-n 2:0:0 -t 2:0700 -u 2:01234567-89AB-CDEF-0123-456789ABCDEF gpt.raw >/dev/null
"$VHDTOOL" convert gpt.raw gpt.vhdx --type fixed
"$VHDTOOL" info --json gpt.vhdx > g.json
python3 - g.json <<'PY' || fail "GPT partitions"
import json, sys
t = json.load(open(sys.argv[1]))["partition_table"]
assert t["type"] == "gpt" and t["disk_guid"] == "{11111111-2222-3333-4444-555555555555}", t
p = t["partitions"]
assert p[0]["offset"] == 1048576 and p[0]["size"] == 16 * 2**20, p
assert p[0]["kind"] == "esp" and p[0]["type_guid"] == "{c12a7328-f81f-11d2-ba4b-00a0c93ec93b}", p
assert p[0]["guid"] == "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}" and p[0]["name"] == "boot", p
assert p[1]["guid"] == "{01234567-89ab-cdef-0123-456789abcdef}", p
assert p[1]["type_guid"] == "{ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}", p
assert p[1]["offset"] + p[1]["size"] <= 64 * 2**20 - 33 * 512, p
PY
"$VHDTOOL" info gpt.vhdx > g.txt
grep -q '^partitions: *gpt, disk guid {11111111-2222-3333-4444-555555555555}' g.txt || fail "GPT text"

# A damaged table: info says so and fails.
cp mbr.raw badmbr.raw
printf '\001\001\001\001\001\001\001\001\001\001\001\001\001\001\001\001' |
	dd of=badmbr.raw bs=1 seek=$((446 + 16)) conv=notrunc status=none
# Exit 2, as for a damaged VHD (vhdtool-damaged.sh).
expect_exit 2 "$VHDTOOL" info badmbr.raw
grep -q 'badmbr.raw' "$TMP/err" || fail "damaged table message: $(cat "$TMP/err")"

# A file that is no disk image at all (empty, random bytes): one line saying
# nothing was found, exit 2, and no report of a disk of that size.
: > empty.raw
head -c 1048576 /dev/urandom > random.raw
for f in empty.raw random.raw; do
	expect_exit 2 "$VHDTOOL" info "$f"
	[ ! -s "$TMP/out" ] || fail "$f: a report was printed: $(cat "$TMP/out")"
	[ "$(wc -l < "$TMP/err")" = 1 ] && grep -q "^vhdtool: $f: not a disk image: .*no partition table" "$TMP/err" ||
		fail "$f: message: $(cat "$TMP/err")"
	expect_exit 2 "$VHDTOOL" info --json "$f"
	[ ! -s "$TMP/out" ] || fail "$f: JSON was printed"
done
# A partition image (a file system from sector 0, no table) is a disk.
if command -v mkfs.vfat >/dev/null 2>&1 || [ -x /sbin/mkfs.vfat ]; then
	mkfs.vfat -C fs.raw 8192 >/dev/null
	expect_exit 0 "$VHDTOOL" info --json fs.raw
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["partition_table"] is None' "$TMP/out" ||
		fail "partition image: $(cat "$TMP/out")"
fi
