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
