#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool partition on damaged tables: overlapping MBR entries, entries past
# the end of the disk, bad GPT CRCs (one copy: warning and the other copy;
# both: error), a truncated GPT disk.  Clear one-line errors, exit 2 (as for
# a damaged VHD: unreadable input), never a crash; a damaged image is never
# changed.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"

# poke FILE OFFSET HEXBYTES: overwrite bytes in place.
poke() {
	python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))" "$@"
}

# flip FILE OFFSET: invert one byte in place, so it always changes (writing a
# fixed value would leave a byte of the random disk GUID that already held it).
flip() {
	python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); b=f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xff]))" "$@"
}

# expect_damaged FILE MESSAGE: listing fails with exit 2 and MESSAGE.
expect_damaged() {
	expect_exit 2 "$VHDTOOL" partition "$1"
	grep -q "$2" "$TMP/err" || fail "$1: expected '$2', got: $(cat "$TMP/err")"
	[ "$(wc -l < "$TMP/err")" = 1 ] || fail "$1: more than one line of error"
	[ ! -s "$TMP/out" ] || fail "$1: output on error"
}

# ---- MBR -----------------------------------------------------------------------
M="$TMP/m.img"
expect_exit 0 "$VHDTOOL" create "$M" --size 16M
# No table at all is "not found" (1), not damage.
expect_exit 1 "$VHDTOOL" partition "$M"
grep -q "no partition table" "$TMP/err" || fail "no table: $(cat "$TMP/err")"
expect_exit 0 "$VHDTOOL" partition "$M" --mbr --add ntfs:4M --add ntfs:4M
# Entry 2 starts inside entry 1 (LBA 4096 < 2048 + 8192).
poke "$M" $((0x1CE + 8)) 00100000
expect_damaged "$M" "partitions 1 and 2 overlap"
# Entry 2 runs past the end of the 16 MiB disk.
poke "$M" $((0x1CE + 8)) 00500000
poke "$M" $((0x1CE + 12)) 00800000
expect_damaged "$M" "partition 2 .*outside"
before=$(sha256sum < "$M")
expect_exit 2 "$VHDTOOL" partition "$M" --set-active 1
[ "$before" = "$(sha256sum < "$M")" ] || fail "edit of a damaged table changed the image"
# A new table replaces a damaged one.
expect_exit 0 "$VHDTOOL" partition "$M" --mbr --add ntfs:rest
expect_exit 0 "$VHDTOOL" partition "$M"

# ---- GPT -----------------------------------------------------------------------
G="$TMP/g.img"
expect_exit 0 "$VHDTOOL" create "$G" --size 32M
expect_exit 0 "$VHDTOOL" partition "$G" --gpt --add esp:4M --add ntfs:rest
last=$((32 * 2048 - 1))
cp "$G" "$TMP/good.img"

# Primary header CRC broken: warning, the backup is listed.
flip "$G" $((512 + 60))
expect_exit 0 "$VHDTOOL" partition "$G"
grep -q 'primary GPT is damaged' "$TMP/err" || fail "no warning for the primary: $(cat "$TMP/err")"
grep -Eq '^2 +5242880 ' "$TMP/out" || fail "backup not used: $(cat "$TMP/out")"
[ "$("$VHDTOOL" partition --json "$G" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["primary_ok"])')" = False ] ||
	fail "json primary_ok"
# Both headers broken: error.
flip "$G" $((last * 512 + 60))
expect_damaged "$G" "GPT primary header: bad header CRC; backup header: bad header CRC"
# Editing rewrites a good table from the surviving copy.
cp "$TMP/good.img" "$G"
flip "$G" $((1024 + 200))                # primary entry array CRC
expect_exit 0 "$VHDTOOL" partition "$G"
grep -q 'primary GPT is damaged' "$TMP/err" || fail "array CRC not noticed"
expect_exit 0 "$VHDTOOL" partition "$G" --set-type 2:ntfs
expect_exit 0 "$VHDTOOL" partition "$G"
[ ! -s "$TMP/err" ] || fail "table not repaired: $(cat "$TMP/err")"
if command -v sgdisk >/dev/null 2>&1; then
	sgdisk -v "$G" | grep -q '^No problems found' || fail "repaired GPT not valid for sgdisk"
fi

# Disk cut short: the backup is gone and partition 2 runs past the end.
cp "$TMP/good.img" "$G"
truncate -s 20M "$G"
expect_damaged "$G" "usable range outside the disk"
# Disk grown: the backup is not at the last sector any more (warning).
cp "$TMP/good.img" "$G"
truncate -s 40M "$G"
expect_exit 0 "$VHDTOOL" partition "$G"
grep -q 'backup GPT is damaged or not at the last sector' "$TMP/err" || fail "grown disk: $(cat "$TMP/err")"

# Random garbage in the table sectors: exit 0, 1 or 2, never a crash.
i=0
while [ $i -lt 40 ]; do
	cp "$TMP/good.img" "$G"
	head -c 17408 /dev/urandom | dd of="$G" bs=1 seek=446 conv=notrunc status=none
	[ $((i % 2)) = 0 ] && poke "$G" 450 ee && poke "$G" 510 55aa
	set +e
	"$VHDTOOL" partition "$G" >/dev/null 2>&1
	rc=$?
	set -e
	[ $rc -le 2 ] || fail "garbage table: exit $rc"
	i=$((i + 1))
done
exit 0
