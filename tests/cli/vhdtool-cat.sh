#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool cat: files inside the NTFS partition of raw, VHD and VHDX images
# built here come out byte for byte (large, small, empty files; "\" and "/"
# paths); folders, missing files and non-NTFS partitions are errors.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
need_wimlib
PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs wimlib-imagex; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

mkdir -p "$TMP/src/Boot"
head -c 3000001 /dev/urandom > "$TMP/src/Boot/BCD"
printf 'small\n' > "$TMP/src/small.txt"
: > "$TMP/src/empty.txt"
wimlib-imagex capture "$TMP/src" "$TMP/t.wim" Test --compress=LZX >/dev/null || fail "capture"

for f in raw vhd vhdx; do
	I="$TMP/d.$f"
	expect_exit 0 "$VHDTOOL" build "$I" --size 64M --format $f --mbr --part fat32:4M:empty \
		--part ntfs:rest:active:wim="$TMP/t.wim"
	"$VHDTOOL" cat "$I:2" /Boot/BCD > "$TMP/bcd" || fail "$f: cat BCD"
	cmp "$TMP/bcd" "$TMP/src/Boot/BCD" || fail "$f: BCD differs"
	"$VHDTOOL" cat "$I" 'Boot\BCD' | cmp - "$TMP/src/Boot/BCD" || fail "$f: backslash path"
	expect_exit 0 "$VHDTOOL" cat "$I" small.txt
	cmp "$TMP/out" "$TMP/src/small.txt" || fail "$f: small.txt"
	expect_exit 0 "$VHDTOOL" cat "$I" /empty.txt
	[ ! -s "$TMP/out" ] || fail "$f: empty.txt not empty"
done

I="$TMP/d.vhdx"
expect_exit 1 "$VHDTOOL" cat "$I" /Boot
grep -q 'Boot: is a folder' "$TMP/err" || fail "folder: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "folder: output"
expect_exit 1 "$VHDTOOL" cat "$I" /Boot/none
grep -q 'no such file or folder' "$TMP/err" || fail "missing: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" cat "$I:1" /small.txt
grep -q 'd.vhdx:1: neither NTFS nor FAT' "$TMP/err" || fail "FAT partition: $(cat "$TMP/err")"
# A damaged NTFS boot sector is a clean error.
cp "$TMP/d.raw" "$TMP/bad.img"
printf 'XXXX' | dd of="$TMP/bad.img" bs=1 seek=$((5 * 1048576 + 11)) conv=notrunc status=none
expect_exit 1 "$VHDTOOL" cat "$TMP/bad.img:2" /small.txt
grep -q 'bad.img:2: damaged NTFS: bad boot sector' "$TMP/err" || fail "damaged volume: $(cat "$TMP/err")"
# Writing to a closed pipe or a full disk fails.
if [ -w /dev/full ]; then
	set +e
	"$VHDTOOL" cat "$I" /Boot/BCD > /dev/full 2>"$TMP/err"
	rc=$?
	set -e
	[ $rc = 1 ] || fail "/dev/full: exit $rc"
	grep -q 'write error' "$TMP/err" || fail "/dev/full: $(cat "$TMP/err")"
fi
expect_exit 2 "$VHDTOOL" cat "$I"
expect_exit 2 "$VHDTOOL" cat "$I" a b
exit 0
