#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool create: every format and type, exact sizes as qemu-img and libvhdi
# see them, the format chosen by the extension, atomic replacement.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_qemu
need_vhdi
cd "$TMP"

# SIZE ARG -> expected bytes: MiB-rounded by default, exact with --exact.
check() { # FILE FORMAT TYPE EXPECTED-SIZE
	[ "$(json_get "$1" format)" = "$2" ] || fail "$1: format"
	[ "$(json_get "$1" type)" = "$3" ] || fail "$1: type"
	[ "$(json_get "$1" virtual_size)" = "$4" ] || fail "$1: size"
	[ "$(qemu_vsize "$2" "$1")" = "$4" ] || fail "$1: qemu-img sees $(qemu_vsize "$2" "$1")"
	if [ "$2" != raw ]; then
		[ "$(vhdi_size "$1")" = "$4" ] || fail "$1: vhdiinfo sees $(vhdi_size "$1")"
	fi
	if [ "$2" = vhdx ]; then
		qemu-img check -f vhdx "$1" >/dev/null || fail "$1: qemu-img check"
	fi
	# A new disk reads as zeros (qemu-img compare skips what both sides
	# report unallocated, and reads everything else).
	truncate -s "$4" zero.raw
	qemu-img compare -q -f "$(qfmt "$2")" -F raw "$1" zero.raw || fail "$1: not all zeros"
	rm -f zero.raw
}

for fmt in vhd vhdx; do
	for type in fixed dynamic; do
		"$VHDTOOL" create "a-$type.$fmt" --size 64M --type "$type"
		check "a-$type.$fmt" "$fmt" "$type" 67108864
		# Not a MiB multiple: 100 MiB + 3 sectors.
		"$VHDTOOL" create "b-$type.$fmt" --size $((104857600 + 1536)) --exact --type "$type"
		check "b-$type.$fmt" "$fmt" "$type" $((104857600 + 1536))
	done
done

# Rounded up to a MiB by default; "expandable" means dynamic; K/s suffixes.
"$VHDTOOL" create r.vhd --size 1000000 --type expandable
check r.vhd vhd dynamic 1048576
"$VHDTOOL" create s.vhdx --size 4095s --exact
check s.vhdx vhdx dynamic $((4095 * 512))

# The diskpart example: 15000 MiB, geometry from the VHD algorithm.
"$VHDTOOL" create big.vhd --size 15000M
check big.vhd vhd dynamic 15728640000
"$VHDTOOL" info big.vhd > info.txt
grep -q 'geometry: *30476/16/63 (C/H/S)' info.txt || fail "15000M geometry: $(cat info.txt)"
"$VHDTOOL" create big.vhdx --size 15000M
check big.vhdx vhdx dynamic 15728640000
[ "$(stat -c %s big.vhdx)" -le $((8 * 1048576)) ] || fail "empty dynamic VHDX is large"

# Format from the extension, overridden by --format; raw is a sparse file.
"$VHDTOOL" create disk.img --size 10M
[ "$(stat -c %s disk.img)" = 10485760 ] || fail "raw size"
# A blank raw file has nothing that makes it a disk: info says so (exit 2);
# with a partition table it is a raw disk.
expect_exit 2 "$VHDTOOL" info disk.img
grep -q "disk.img: not a disk image: .*no partition table" "$TMP/err" || fail "blank raw: $(cat "$TMP/err")"
"$VHDTOOL" partition disk.img --mbr --add ntfs:rest >/dev/null
[ "$(json_get disk.img format)" = raw ] || fail "raw format"
"$VHDTOOL" create other.img --size 10M --format vhdx --type fixed
check other.img vhdx fixed 10485760
"$VHDTOOL" create custom.vhdx --size 64M --block-size 1M
[ "$(json_get custom.vhdx block_size)" = 1048576 ] || fail "--block-size"
check custom.vhdx vhdx dynamic 67108864
"$VHDTOOL" create custom.vhd --size 64M --block-size 512K
[ "$(json_get custom.vhd block_size)" = 524288 ] || fail "--block-size vhd"
check custom.vhd vhd dynamic 67108864

# An existing file is refused without --force (doc/safety.md); with it the
# replacement is atomic and keeps nothing of the old one.
echo old > keep.vhd
expect_exit 1 "$VHDTOOL" create keep.vhd --size 2M
grep -qx "vhdtool: keep.vhd: file exists (use --force to replace it)" "$TMP/err" ||
	fail "existing output: $(cat "$TMP/err")"
[ "$(cat keep.vhd)" = old ] || fail "existing output replaced without --force"
"$VHDTOOL" create keep.vhd --size 2M --force
check keep.vhd vhd dynamic 2097152
no_temp .

# Failures: exit 1, one line naming the file, nothing created.
expect_exit 1 "$VHDTOOL" create nodir/x.vhd --size 1M
grep -q 'nodir/x.vhd' "$TMP/err" || fail "error does not name the file"
expect_exit 1 "$VHDTOOL" create huge.vhd --size 2041G
grep -q 'huge.vhd.*VHD limit' "$TMP/err" || fail "VHD limit message: $(cat "$TMP/err")"
[ ! -e huge.vhd ] || fail "failed create left a file"
expect_exit 1 "$VHDTOOL" create x.img --size 1M --type dynamic
expect_exit 1 "$VHDTOOL" create x.vhdx --size 1M --block-size 512K
[ ! -e x.img ] && [ ! -e x.vhdx ] || fail "failed create left a file"
# Never renamed over something that is not a file (a folder, a device).
mkdir adir
expect_exit 1 "$VHDTOOL" create adir --size 1M
grep -q 'adir: exists and is not a regular file' "$TMP/err" || fail "folder target: $(cat "$TMP/err")"
[ -d adir ] || fail "folder replaced"
mkfifo afifo
expect_exit 1 "$VHDTOOL" convert keep.vhd afifo
[ -p afifo ] || fail "fifo replaced"
no_temp .
