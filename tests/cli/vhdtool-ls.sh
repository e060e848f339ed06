#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool ls: folders inside the NTFS partition of images built here (VHDX
# with GPT, raw with MBR, a partition-less NTFS volume), the IMAGE:PART
# syntax, and the errors: missing path, non-NTFS partition, no partition.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
need_wimlib
PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs wimlib-imagex; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

mkdir -p "$TMP/src/Windows/System32" "$TMP/src/Empty dir"
printf 'hello\n' > "$TMP/src/hello.txt"
head -c 123457 /dev/urandom > "$TMP/src/Windows/System32/big.bin"
printf '' > "$TMP/src/Windows/System32/zero.bin"
wimlib-imagex capture "$TMP/src" "$TMP/t.wim" Test >/dev/null || fail "capture"
I="$TMP/d.vhdx"
expect_exit 0 "$VHDTOOL" build "$I" --size 64M --gpt --part esp:8M --part ntfs:rest:wim="$TMP/t.wim"

# names NAME...: the listing holds exactly these names (last column).
names() {
	sed 's/^[d-] *[0-9]*  [0-9-]* [0-9:]*  //' "$TMP/out" | sort > "$TMP/names"
	printf '%s\n' "$@" | sort | cmp -s - "$TMP/names" || fail "listing: $(cat "$TMP/out")"
}

# Two partitions, none active: the partition must be named.
expect_exit 1 "$VHDTOOL" ls "$I"
grep -q 'd.vhdx: 2 partitions and none active: give a partition number' "$TMP/err" ||
	fail "default partition: $(cat "$TMP/err")"
expect_exit 0 "$VHDTOOL" ls "$I:2"
names "Empty dir" Windows hello.txt
grep -Eq '^- +6  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  hello.txt$' "$TMP/out" || fail "file line: $(cat "$TMP/out")"
grep -Eq '^d +0  .*  Windows$' "$TMP/out" || fail "folder line"
[ ! -s "$TMP/err" ] || fail "stderr: $(cat "$TMP/err")"
expect_exit 0 "$VHDTOOL" ls "$I:2" /Windows/System32
names big.bin zero.bin
grep -Eq '^- +123457  .*  big.bin$' "$TMP/out" || fail "size of big.bin"
expect_exit 0 "$VHDTOOL" ls "$I:2" 'Windows\System32\'
names big.bin zero.bin
expect_exit 0 "$VHDTOOL" ls "$I:2:/Empty dir"
[ ! -s "$TMP/out" ] || fail "empty folder listed something"
# A file: one line, like ls(1).
expect_exit 0 "$VHDTOOL" ls "$I:2" /Windows/System32/big.bin
names big.bin

# Errors.
expect_exit 1 "$VHDTOOL" ls "$I:2" /nope
grep -q 'nope: no such file or folder' "$TMP/err" || fail "missing: $(cat "$TMP/err")"
# The ESP is formatted (FAT) by build, and empty.
expect_exit 0 "$VHDTOOL" ls "$I:1" /
[ ! -s "$TMP/out" ] || fail "ESP not empty: $(cat "$TMP/out")"
expect_exit 1 "$VHDTOOL" ls "$I:3" /
grep -q 'no partition 3' "$TMP/err" || fail "no partition: $(cat "$TMP/err")"
expect_exit 2 "$VHDTOOL" ls "$TMP/none.vhdx:2" /
expect_exit 2 "$VHDTOOL" ls
expect_exit 2 "$VHDTOOL" ls "$I:2" / extra
expect_exit 2 "$VHDTOOL" ls "$I:2" --json

# Raw MBR image; and a bare NTFS volume without a partition table.
expect_exit 0 "$VHDTOOL" build "$TMP/m.img" --size 32M --mbr --part ntfs:rest:active:wim="$TMP/t.wim:1"
expect_exit 0 "$VHDTOOL" ls "$TMP/m.img:1" /
names "Empty dir" Windows hello.txt
truncate -s 16M "$TMP/vol.img"
mkntfs -F -Q -q "$TMP/vol.img" >/dev/null 2>&1 || fail "mkntfs"
expect_exit 0 "$VHDTOOL" ls "$TMP/vol.img"
[ ! -s "$TMP/out" ] || fail "fresh volume not empty: $(cat "$TMP/out")"
# An image whose name ends in :N is taken whole when it exists.
cp "$TMP/vol.img" "$TMP/odd:1"
expect_exit 0 "$VHDTOOL" ls "$TMP/odd:1" /
exit 0
