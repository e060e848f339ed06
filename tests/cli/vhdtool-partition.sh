#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool partition: new MBR and GPT tables on raw, VHD and VHDX images, as
# sfdisk and sgdisk read them; edits (signature, active flag, type, GUIDs);
# listing (text and JSON); refused requests leave the image untouched.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
command -v sfdisk >/dev/null 2>&1 || skip "sfdisk not installed"
command -v sgdisk >/dev/null 2>&1 || skip "sgdisk not installed"

# jget FILE EXPR: a value from "vhdtool partition --json FILE" (python expression on j).
jget() {
	"$VHDTOOL" partition --json "$1" |
		python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

# ---- MBR on a raw image ------------------------------------------------------
D="$TMP/mbr.img"
expect_exit 0 "$VHDTOOL" create "$D" --size 64M
expect_exit 0 "$VHDTOOL" partition "$D" --mbr --add ntfs:10M:active --add fat32:3M --add esp:rest
[ ! -s "$TMP/out" ] || fail "partition wrote to stdout"
sfdisk --dump "$D" > "$TMP/dump" || fail "sfdisk cannot read the MBR"
grep -q "^$D""1 : start= *2048, size= *20480, type=7, bootable$" "$TMP/dump" || fail "p1: $(cat "$TMP/dump")"
grep -q "^$D""2 : start= *22528, size= *6144, type=c$" "$TMP/dump" || fail "p2: $(cat "$TMP/dump")"
grep -q "^$D""3 : start= *28672, size= *102400, type=ef$" "$TMP/dump" || fail "p3: $(cat "$TMP/dump")"
sig=$(jget "$D" 'j["signature"]')
grep -qi "^label-id: $sig\$" "$TMP/dump" || fail "signature $sig not what sfdisk sees"
[ "$(jget "$D" 'j["partitions"][0]["offset"]')" = 1048576 ] || fail "json offset"
[ "$(jget "$D" 'j["partitions"][2]["kind"]')" = esp ] || fail "json kind"
expect_exit 0 "$VHDTOOL" partition "$D"
grep -q '^table: *mbr$' "$TMP/out" || fail "text listing: table"
grep -Eq '^1 +1048576 +11534336 +10485760 +ntfs +0x07 +active$' "$TMP/out" || fail "text listing: $(cat "$TMP/out")"

# Edits: signature, active flag, type (the image keeps its permissions).
chmod 0640 "$D"
expect_exit 0 "$VHDTOOL" partition "$D" --signature 0x12345678 --set-active 2 --set-type 3:ntfs
[ "$(stat -c %a "$D")" = 640 ] || fail "permissions changed to $(stat -c %a "$D")"
sfdisk --dump "$D" > "$TMP/dump"
grep -q '^label-id: 0x12345678$' "$TMP/dump" || fail "signature edit"
grep -q "^$D""1 : start= *2048, size= *20480, type=7$" "$TMP/dump" || fail "active not cleared"
grep -q "^$D""2 : .*type=c, bootable$" "$TMP/dump" || fail "active not set"
grep -q "^$D""3 : .*type=7$" "$TMP/dump" || fail "type edit"
expect_exit 0 "$VHDTOOL" partition "$D" --set-active 0
! grep -q bootable "$(sfdisk --dump "$D" > "$TMP/dump"; echo "$TMP/dump")" || fail "--set-active 0"
ls -A "$TMP" | grep -q -e 'vhdtool-' -e '\.tmp[0-9]' && fail "temporary file left behind"

# Refused requests: nothing changes.
before=$(sha256sum < "$D")
expect_exit 1 "$VHDTOOL" partition "$D" --mbr --add msr:1M
grep -q 'needs a GPT' "$TMP/err" || fail "msr on MBR: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" partition "$D" --mbr --add ntfs:100M
grep -q 'no room' "$TMP/err" || fail "too big: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" partition "$D" --mbr --add ntfs:1M:active --add ntfs:1M:active
expect_exit 1 "$VHDTOOL" partition "$D" --set-type 4:ntfs
grep -q 'no partition 4' "$TMP/err" || fail "missing partition: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" partition "$D" --disk-guid C12A7328-F81F-11D2-BA4B-00A0C93EC93B
grep -q 'the disk has an MBR' "$TMP/err" || fail "GUID on MBR: $(cat "$TMP/err")"
[ "$before" = "$(sha256sum < "$D")" ] || fail "a refused request changed the image"
ls -A "$TMP" | grep -q -e 'vhdtool-' -e '\.tmp[0-9]' && fail "temporary file left behind"

# ---- GPT on dynamic VHD and VHDX (checked on a raw copy by sgdisk) -----------
for fmt in vhd vhdx raw; do
	G="$TMP/gpt.$fmt"
	expect_exit 0 "$VHDTOOL" create "$G" --size 100M --format $fmt
	expect_exit 0 "$VHDTOOL" partition "$G" --gpt --add esp:16M --add msr:16M --add ntfs:rest
	[ "$("$VHDTOOL" info --json "$G" | python3 -c 'import json,sys; print(json.load(sys.stdin)["format"])')" = $fmt ] ||
		fail "$fmt: format changed"
	if [ $fmt = raw ]; then R="$G"; else
		need_qemu
		R="$TMP/gpt-$fmt.raw"
		qemu-img convert -f "$(qfmt $fmt)" -O raw "$G" "$R" || fail "$fmt: qemu-img convert"
	fi
	[ "$(stat -c %s "$R")" = 104857600 ] || fail "$fmt: size"
	sgdisk -v "$R" > "$TMP/v" 2>&1 || fail "$fmt: sgdisk -v: $(cat "$TMP/v")"
	grep -q '^No problems found' "$TMP/v" || fail "$fmt: sgdisk -v: $(cat "$TMP/v")"
	sfdisk --dump "$R" > "$TMP/dump"
	grep -q "1 : start= *2048, size= *32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B" "$TMP/dump" || fail "$fmt: esp"
	grep -q "2 : start= *34816, size= *32768, type=E3C9E316-0B5C-4DB8-817D-F92DF00215AE" "$TMP/dump" || fail "$fmt: msr"
	grep -q "3 : start= *67584, size= *135168, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" "$TMP/dump" || fail "$fmt: data: $(cat "$TMP/dump")"
	guid=$(jget "$G" 'j["disk_guid"].strip("{}").upper()')
	grep -q "^label-id: $guid\$" "$TMP/dump" || fail "$fmt: disk GUID"
	pg=$(jget "$G" 'j["partitions"][2]["guid"].strip("{}").upper()')
	grep -q "3 : .*uuid=$pg" "$TMP/dump" || fail "$fmt: partition GUID"
	# The protective MBR as fdisk sees it.
	[ "$(od -An -tx1 -j450 -N1 "$R" | tr -d ' ')" = ee ] || fail "$fmt: protective MBR type"
done

# GUID edits keep a valid GPT.
G="$TMP/gpt.raw"
expect_exit 0 "$VHDTOOL" partition "$G" --disk-guid 11111111-2222-3333-4444-555555555555 \
	--part-guid 2:66666666-7777-8888-9999-AAAAAAAAAAAA --set-type 3:esp
sgdisk -v "$G" | grep -q '^No problems found' || fail "sgdisk after GUID edits"
sfdisk --dump "$G" > "$TMP/dump"
grep -q '^label-id: 11111111-2222-3333-4444-555555555555$' "$TMP/dump" || fail "disk GUID edit"
grep -q '2 : .*uuid=66666666-7777-8888-9999-AAAAAAAAAAAA' "$TMP/dump" || fail "partition GUID edit"
grep -q '3 : .*type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B' "$TMP/dump" || fail "GPT type edit"
expect_exit 1 "$VHDTOOL" partition "$G" --set-active 1
expect_exit 1 "$VHDTOOL" partition "$G" --signature 0x1
ls -A "$TMP" | grep -q -e 'vhdtool-' -e '\.tmp[0-9]' && fail "temporary file left behind"
expect_exit 1 "$VHDTOOL" partition "$G" --gpt --add ntfs:1M:active
grep -q 'only on MBR' "$TMP/err" || fail "active on GPT: $(cat "$TMP/err")"

# A VHDX with 4 KiB logical sectors (metadata item patched; the metadata
# region has no checksum) is refused, not converted to 512-byte sectors.
K="$TMP/4k.vhdx"
expect_exit 0 "$VHDTOOL" create "$K" --size 64M
python3 - "$K" <<'PY' || fail "cannot patch the logical sector size"
import struct, sys, uuid
f = open(sys.argv[1], "r+b")
data = f.read()
lss = uuid.UUID("8141BF1D-A96F-4709-BA47-F233A8FAAB5F").bytes_le
meta = uuid.UUID("8B7CA206-4790-4B9A-B8FE-575F050F886E").bytes_le
rt = 192 * 1024
for i in range(struct.unpack_from("<I", data, rt + 8)[0]):
    e = rt + 16 + 32 * i
    if data[e:e + 16] == meta:
        moff = struct.unpack_from("<Q", data, e + 16)[0]
for i in range(struct.unpack_from("<H", data, moff + 10)[0]):
    e = moff + 32 + 32 * i
    if data[e:e + 16] == lss:
        f.seek(moff + struct.unpack_from("<I", data, e + 16)[0])
        f.write(struct.pack("<I", 4096))
        sys.exit(0)
sys.exit(1)
PY
[ "$("$VHDTOOL" info --json "$K" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["logical_sector"])')" = 4096 ] ||
	fail "patch did not take"
before=$(sha256sum < "$K")
expect_exit 1 "$VHDTOOL" partition "$K" --gpt --add ntfs:rest
grep -q '4096-byte sectors' "$TMP/err" || fail "4K write: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" partition "$K"
grep -q '4096-byte sectors' "$TMP/err" || fail "4K read: $(cat "$TMP/err")"
[ "$before" = "$(sha256sum < "$K")" ] || fail "4K image changed"

# A table the tools wrote is read the same way (sgdisk -> vhdtool).
S="$TMP/sg.img"
truncate -s 50M "$S"
sgdisk -n 1:2048:+10M -t 1:EF00 -n 2:0:0 -t 2:0700 "$S" >/dev/null || fail "sgdisk -n"
expect_exit 0 "$VHDTOOL" partition --json "$S"
python3 - "$TMP/out" <<'PY' || fail "sgdisk table read back: $(cat "$TMP/out")"
import json, sys
j = json.load(open(sys.argv[1]))
p = j["partitions"]
assert j["table"] == "gpt" and len(p) == 2, j
assert p[0]["offset"] == 1048576 and p[0]["size"] == 10 * 2**20 and p[0]["kind"] == "esp", p[0]
assert p[1]["offset"] == 11 * 2**20 and p[1]["kind"] == "ntfs", p[1]
PY

# Logical partitions of an extended partition (made by sfdisk) are numbered
# from 5 as Linux numbers them; such a table is not rewritten.
E="$TMP/ext.img"
truncate -s 64M "$E"
printf 'label: dos\nlabel-id: 0xdeadbeef\nstart=2048, size=8192, type=7\nstart=10240, size=100000, type=5\nstart=12288, size=4096, type=7\nstart=18432, size=8192, type=c\n' |
	sfdisk -q "$E" || fail "sfdisk extended"
expect_exit 0 "$VHDTOOL" partition "$E"
grep -Eq '^5 +6291456 +8388608 +2097152 +ntfs +0x07$' "$TMP/out" || fail "logical 5: $(cat "$TMP/out")"
grep -Eq '^6 +9437184 +13631488 +4194304 +fat32 +0x0C$' "$TMP/out" || fail "logical 6: $(cat "$TMP/out")"
before=$(sha256sum < "$E")
expect_exit 1 "$VHDTOOL" partition "$E" --signature 0x1
grep -q "^vhdtool: $E: cannot write an MBR with an extended partition" "$TMP/err" || fail "extended edit: $(cat "$TMP/err")"
[ "$before" = "$(sha256sum < "$E")" ] || fail "refused edit changed the image"
ls -A "$TMP" | grep -q -e 'vhdtool-' -e '\.tmp[0-9]' && fail "temporary file left behind"

# Usage errors.
for args in "partition" "partition $D --add ntfs:1M" "partition $D --mbr" \
	"partition $D --mbr --gpt --add ntfs:1M" "partition $D --mbr --add ext4:1M" \
	"partition $D --json --mbr --add ntfs:1M" "partition $D --mbr --add ntfs:1M --set-active 1" \
	"partition $D --set-type 1:ext4" "partition $D --part-guid 1:xyz" "partition $D extra" \
	"partition $D --mbr --add ntfs:1M:wim=x.wim" "partition $D --size 1M"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$VHDTOOL" $args
	grep -q "Try 'vhdtool --help'" "$TMP/err" || fail "'$args': no hint"
done
expect_exit 2 "$VHDTOOL" partition "$TMP/missing.img"

# usage() and the man page SYNOPSIS name the same commands.
expect_exit 0 "$VHDTOOL" --help
for c in partition build ls cat; do
	grep -q "^  $c " "$TMP/out" || fail "--help lacks $c"
	grep -q "^\.B vhdtool $c\$" "$top_srcdir/doc/vhdtool.1" || fail "man page SYNOPSIS lacks $c"
done
exit 0
