#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool bootcode: MBR code written with the signature and table kept, the
# partition made active, volume boot code recognised by its BOOTMGR string
# and copied from another volume with the target's BPB kept; refusals leave
# the image unchanged.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need_ntfs
need ntfsfix
need mkfs.fat
MBR=/usr/lib/syslinux/mbr/mbr.bin
[ -r "$MBR" ] || skip "syslinux-common's mbr.bin not installed"

U="$TMP/u.img"
"$VHDTOOL" build "$U" --size 64M --mbr --part ntfs:20M --part ntfs:rest >/dev/null
sum() { sha256sum < "$1"; }

# No active partition among two: refused, nothing written.
before=$(sum "$U")
expect_exit 1 "$VHDTOOL" bootcode "$U"
grep -q 'no active partition' "$TMP/err" || fail "no reason given: $(cat "$TMP/err")"
[ "$(sum "$U")" = "$before" ] || fail "a refused bootcode changed the image"

dd if="$U" of="$TMP/mbr0" bs=512 count=1 status=none
expect_exit 0 "$VHDTOOL" bootcode "$U" --part 2
grep -q 'cannot BIOS-boot Windows' "$TMP/err" || fail "no warning about the volume boot code"
cmp -s -n 440 "$U" "$MBR" || fail "MBR code is not mbr.bin"
dd if="$U" of="$TMP/mbr1" bs=512 count=1 status=none
# Signature (0x1B8-0x1BD), table apart from the status bytes, and 55 AA kept.
python3 - "$TMP/mbr0" "$TMP/mbr1" <<'PY' || fail "the MBR's signature or table changed"
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert a[0x1B8:0x1BE] == b[0x1B8:0x1BE]
for i in range(4):
    e = 0x1BE + 16 * i
    assert a[e + 1:e + 16] == b[e + 1:e + 16]
assert b[0x1BE] == 0x00 and b[0x1CE] == 0x80, "partition 2 is not the only active one"
assert b[510:512] == b"\x55\xaa"
PY
expect_exit 1 "$VHDTOOL" bootcode "$U" --check
grep -q 'does not load BOOTMGR' "$TMP/out" || fail "--check: $(cat "$TMP/out")"

# Volume boot code standing in for Windows' (synthetic: an mkntfs boot
# sector whose code area names BOOTMGR as Windows' NTFS code does).
S="$TMP/src.img"
"$VHDTOOL" build "$S" --size 32M --mbr --part ntfs:rest >/dev/null
dd if="$S" of="$TMP/vbr.bin" bs=512 skip=2048 count=16 status=none
printf 'B\000O\000O\000T\000M\000G\000R\000' | dd of="$TMP/vbr.bin" bs=1 seek=600 conv=notrunc status=none
off2=$("$VHDTOOL" partition "$U" --json | python3 -c 'import json,sys; print([p["offset"] for p in json.load(sys.stdin)["partitions"] if p["number"] == 2][0])')
dd if="$U" of="$TMP/bpb0" bs=1 skip=$((off2 + 11)) count=73 status=none
expect_exit 0 "$VHDTOOL" bootcode "$U" --part 2 --vbr-from "$TMP/vbr.bin" -v
expect_exit 0 "$VHDTOOL" bootcode "$U" --check
dd if="$U" of="$TMP/bpb1" bs=1 skip=$((off2 + 11)) count=73 status=none
cmp -s "$TMP/bpb0" "$TMP/bpb1" || fail "the target's BPB changed"
dd if="$U" of="$TMP/code" bs=512 skip=$((off2 / 512 + 1)) count=15 status=none
dd if="$TMP/vbr.bin" of="$TMP/code0" bs=512 skip=1 count=15 status=none
cmp -s "$TMP/code" "$TMP/code0" || fail "the code sectors were not copied"
part_raw "$U" 2 "$TMP/p2.raw"
ntfsfix -n "$TMP/p2.raw" >"$TMP/nf" 2>&1 || { cat "$TMP/nf" >&2; fail "ntfsfix after the copy"; }
# Copied from IMAGE:PART as well.
"$VHDTOOL" build "$TMP/w.img" --size 32M --mbr --part ntfs:rest >/dev/null
dd if="$TMP/vbr.bin" of="$TMP/w.img" bs=512 seek=2048 conv=notrunc status=none
expect_exit 0 "$VHDTOOL" bootcode "$U" --part 1 --vbr-from "$TMP/w.img:1"
grep -q 'cannot BIOS-boot' "$TMP/err" && fail "IMAGE:PART source not used"

# A FAT boot sector into NTFS: refused before anything is written.
mkfs.fat -F 16 -C "$TMP/fat.raw" 16384 >/dev/null
before=$(sum "$U")
expect_exit 1 "$VHDTOOL" bootcode "$U" --part 2 --vbr-from "$TMP/fat.raw"
grep -q 'not for the file system' "$TMP/err" || fail "mismatch: $(cat "$TMP/err")"
[ "$(sum "$U")" = "$before" ] || fail "a refused --vbr-from changed the image"

# GPT: refused.
"$VHDTOOL" build "$TMP/g.img" --size 32M --gpt --part ntfs:rest >/dev/null
expect_exit 1 "$VHDTOOL" bootcode "$TMP/g.img" --part 1
grep -q 'not an MBR disk' "$TMP/err" || fail "GPT: $(cat "$TMP/err")"
echo "ok"
