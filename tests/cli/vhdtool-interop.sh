#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Images written by qemu-img, in every VHD/VHDX variant it makes, read the
# same through vhdtool as through qemu-img.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_qemu
cd "$TMP"

mkdata src.raw $((40 * 1048576 + 1024))
n=0
for spec in "vpc subformat=dynamic" "vpc subformat=fixed" \
	"vpc subformat=dynamic,force_size=on" "vpc subformat=fixed,force_size=on" \
	"vhdx subformat=dynamic" "vhdx subformat=fixed" \
	"vhdx subformat=dynamic,block_size=1M,block_state_zero=off" \
	"vhdx subformat=dynamic,block_size=64M"; do
	set -- $spec
	rm -f q.img q.raw m.raw
	qemu-img convert -f raw -O "$1" -o "$2" src.raw q.img
	qemu-img convert -f "$1" -O raw q.img q.raw
	"$VHDTOOL" convert q.img m.raw
	cmp q.raw m.raw || fail "$spec: vhdtool reads other bytes than qemu-img"
	want=vhd; [ "$1" = vhdx ] && want=vhdx
	[ "$(json_get q.img format)" = "$want" ] || fail "$spec: probed as $(json_get q.img format)"
	# qemu's own fixed VHD probes as raw in qemu-img; we find its footer.
	[ "$(json_get q.img virtual_size)" = "$(qemu_vsize "$want" q.img)" ] || fail "$spec: size"
	n=$((n + 1))
done
[ $n = 8 ] || fail "ran $n cases"

# Past the first chunk of a VHDX block table (4096 blocks of 1 MiB = 4 GiB),
# where sector-bitmap entries are interleaved: both directions agree.
truncate -s 6G big.raw
head -c 1000 /dev/urandom | dd of=big.raw bs=1M seek=4095 conv=notrunc status=none
head -c 3000000 /dev/urandom | dd of=big.raw bs=1M seek=5120 conv=notrunc status=none
"$VHDTOOL" convert big.raw big.vhdx --block-size 1M
qemu-img compare -q -f raw -F vhdx big.raw big.vhdx || fail "6 GiB VHDX written by vhdtool differs"
qemu-img check -q -f vhdx big.vhdx || fail "6 GiB VHDX: qemu-img check"
qemu-img convert -f raw -O vhdx -o block_size=1M big.raw bigq.vhdx
"$VHDTOOL" convert bigq.vhdx bigback.raw
qemu-img compare -q -f raw -F raw big.raw bigback.raw || fail "6 GiB VHDX written by qemu-img differs"
"$VHDTOOL" convert big.raw big.vhd
qemu-img compare -q -f raw -F vpc big.raw big.vhd || fail "6 GiB VHD differs"
