#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool build: a WIM captured here from a small folder is applied to an
# NTFS partition of raw (MBR), VHDX (GPT) and fixed VHD (MBR) images, as an
# unprivileged process with no mount.  Checked with other tools: sfdisk
# --dump, sgdisk -v, ntfsls/ntfscat on the partition bytes, and the NTFS
# boot sector's hidden-sectors field (0x1C) against the partition start.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
need_wimlib
PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs wimlib-imagex ntfsls ntfscat sfdisk sgdisk; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
need_qemu

# The source tree and its WIM.
mkdir -p "$TMP/src/Windows/System32/config" "$TMP/src/Boot"
head -c 250000 /dev/urandom > "$TMP/src/Windows/System32/config/SYSTEM"
printf 'boot\n' > "$TMP/src/Boot/readme.txt"
wimlib-imagex capture "$TMP/src" "$TMP/t.wim" Test >/dev/null || fail "wimlib-imagex capture"

# check_ntfs RAW N LABEL: partition N of raw disk RAW holds the WIM's files.
check_ntfs() {
	start=$(sfdisk --dump "$1" | sed -n "s|^$1$2 : start= *\([0-9]*\),.*|\1|p")
	size=$(sfdisk --dump "$1" | sed -n "s|^$1$2 : start= *[0-9]*, size= *\([0-9]*\),.*|\1|p")
	[ -n "$start" ] || fail "$1: no partition $2"
	dd if="$1" of="$TMP/part.img" bs=512 skip="$start" count="$size" status=none
	hidden=$(od -An -tu4 -j28 -N4 "$TMP/part.img" | tr -d ' ')
	[ "$hidden" = "$start" ] || fail "$1: hidden sectors $hidden, partition starts at $start"
	[ "$(od -An -tu2 -j24 -N2 "$TMP/part.img" | tr -d ' ')" = 63 ] || fail "$1: sectors per track"
	[ "$(od -An -tu2 -j26 -N2 "$TMP/part.img" | tr -d ' ')" = 255 ] || fail "$1: heads"
	ntfsls "$TMP/part.img" > "$TMP/ls" || fail "$1: ntfsls"
	grep -qx Windows "$TMP/ls" && grep -qx Boot "$TMP/ls" || fail "$1: ntfsls: $(cat "$TMP/ls")"
	ntfscat "$TMP/part.img" /Windows/System32/config/SYSTEM | cmp - "$TMP/src/Windows/System32/config/SYSTEM" ||
		fail "$1: SYSTEM differs"
	if [ -n "$3" ]; then
		ntfsinfo -m "$TMP/part.img" 2>/dev/null | grep -q "Volume Name: $3\$" || fail "$1: volume label"
	fi
}

# ---- raw, MBR, active NTFS from the WIM, and a copied partition image ------------
head -c 1048576 /dev/urandom > "$TMP/blob.img"
expect_exit 0 "$VHDTOOL" build "$TMP/a.img" --size 100M --mbr --part fat32:2M:image="$TMP/blob.img" \
	--part ntfs:rest:active:label=WINVOL:wim="$TMP/t.wim:1"
[ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] || fail "build printed something: $(cat "$TMP/out" "$TMP/err")"
[ "$(stat -c %s "$TMP/a.img")" = 104857600 ] || fail "raw size"
sfdisk --dump "$TMP/a.img" > "$TMP/dump" || fail "sfdisk --dump"
grep -q "a.img1 : start= *2048, size= *4096, type=c$" "$TMP/dump" || fail "p1: $(cat "$TMP/dump")"
grep -q "a.img2 : start= *6144, size= *198656, type=7, bootable$" "$TMP/dump" || fail "p2: $(cat "$TMP/dump")"
check_ntfs "$TMP/a.img" 2 WINVOL
dd if="$TMP/a.img" bs=512 skip=2048 count=2048 status=none | cmp - "$TMP/blob.img" || fail "image= copy"
dd if="$TMP/a.img" bs=512 skip=4096 count=2048 status=none | cmp - /dev/zero 2>&1 | grep -q EOF ||
	fail "rest of the image= partition not zero"

# ---- an NTFS image made elsewhere (hidden sectors 0) gets the right field --------
truncate -s 20M "$TMP/vol.img"
mkntfs -F -Q -q -p 0 -L COPIED "$TMP/vol.img" >/dev/null 2>&1 || fail "mkntfs vol.img"
wimlib-imagex apply "$TMP/t.wim" 1 "$TMP/vol.img" >/dev/null 2>&1 || fail "wimlib-imagex apply"
[ "$(od -An -tu4 -j28 -N4 "$TMP/vol.img" | tr -d ' ')" = 0 ] || fail "vol.img hidden sectors"
expect_exit 0 "$VHDTOOL" build "$TMP/i.img" --size 64M --mbr --part esp:3M \
	--part ntfs:rest:active:image="$TMP/vol.img"
check_ntfs "$TMP/i.img" 2 COPIED
total=$(od -An -tu8 -j40 -N8 "$TMP/part.img" | tr -d ' ')
[ "$(od -An -tu4 -j$((total * 512 + 28)) -N4 "$TMP/part.img" | tr -d ' ')" = 8192 ] ||
	fail "backup boot sector hidden sectors"

# ---- dynamic VHDX, GPT: ESP, MSR, NTFS --------------------------------------------
expect_exit 0 "$VHDTOOL" build "$TMP/b.vhdx" --size 200M --gpt --part esp:32M --part msr:16M \
	--part ntfs:rest:wim="$TMP/t.wim"
[ "$("$VHDTOOL" info --json "$TMP/b.vhdx" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["format"], j["type"])')" = "vhdx dynamic" ] ||
	fail "b.vhdx format"
qemu-img check -f vhdx "$TMP/b.vhdx" >/dev/null || fail "qemu-img check"
qemu-img convert -f vhdx -O raw "$TMP/b.vhdx" "$TMP/b.raw"
sgdisk -v "$TMP/b.raw" > "$TMP/v" 2>&1; grep -q '^No problems found' "$TMP/v" || fail "sgdisk -v: $(cat "$TMP/v")"
sfdisk --dump "$TMP/b.raw" > "$TMP/dump" || fail "sfdisk --dump gpt"
grep -q "b.raw1 : start= *2048, size= *65536, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B" "$TMP/dump" || fail "esp"
grep -q "b.raw2 : start= *67584, size= *32768, type=E3C9E316-0B5C-4DB8-817D-F92DF00215AE" "$TMP/dump" || fail "msr"
grep -q "b.raw3 : start= *100352, .*type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" "$TMP/dump" || fail "data"
check_ntfs "$TMP/b.raw" 3 ""

# ---- fixed VHD, MBR ---------------------------------------------------------------
expect_exit 0 "$VHDTOOL" build "$TMP/c.vhd" --size 64M --format vhd --type fixed --mbr \
	--part ntfs:rest:active:wim="$TMP/t.wim:1"
[ "$(stat -c %s "$TMP/c.vhd")" = $((64 * 1048576 + 512)) ] || fail "fixed VHD size"
qemu-img convert -f vpc -O raw "$TMP/c.vhd" "$TMP/c.raw"
check_ntfs "$TMP/c.raw" 1 ""

# ---- errors: nothing left behind --------------------------------------------------
expect_exit 1 "$VHDTOOL" build "$TMP/e.img" --size 64M --mbr --part ntfs:rest:wim="$TMP/none.wim"
grep -q 'none.wim' "$TMP/err" || fail "missing WIM: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" build "$TMP/e.img" --size 64M --mbr --part ntfs:rest:wim="$TMP/t.wim:2"
grep -q 'image 2' "$TMP/err" || fail "bad index: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" build "$TMP/e.img" --size 8M --mbr --part ntfs:16M
grep -q 'no room' "$TMP/err" || fail "too big: $(cat "$TMP/err")"
head -c 1048577 /dev/zero > "$TMP/big.img"
expect_exit 1 "$VHDTOOL" build "$TMP/e.img" --size 8M --mbr --part fat32:1M:image="$TMP/blob.img" \
	--part fat32:1M:image="$TMP/big.img"
grep -q 'do not fit' "$TMP/err" || fail "image too big: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" build "$TMP/e.img" --size 8M --mbr --part msr:1M
[ ! -e "$TMP/e.img" ] || fail "failed build left the output"
ls -A "$TMP" | grep -q 'vhdtool-part\|\.tmp' && fail "temporary file left: $(ls -A "$TMP")"
# An existing output is replaced only by a complete image.
cp "$TMP/blob.img" "$TMP/keep.img"
expect_exit 1 "$VHDTOOL" build "$TMP/keep.img" --size 64M --mbr --part ntfs:rest:wim="$TMP/none.wim"
cmp "$TMP/keep.img" "$TMP/blob.img" || fail "failed build changed the existing output"

# Usage errors.
for args in "build" "build x.img" "build x.img --size 10M --mbr" "build x.img --mbr --part ntfs:1M" \
	"build x.img --size 10M --part ntfs:1M" "build x.img --size 10M --mbr --part ntfs" \
	"build x.img --size 10M --gpt --part bogus:1M" "build x.img --size 10M --mbr --add ntfs:1M" \
	"build x.img --size 10M --mbr --part ntfs:1M --json" "build x.img y.img --size 10M --mbr --part ntfs:1M"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$VHDTOOL" $args
	grep -q "Try 'vhdtool --help'" "$TMP/err" || fail "'$args': no hint"
done
exit 0
