#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool on block devices (needs root and a free loop device; else skipped):
# a raw disk and a VHDX seen through loop devices are probed by content.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
PATH="$PATH:/usr/sbin:/sbin"
[ "$(id -u)" = 0 ] || skip "not root"
command -v losetup >/dev/null || skip "losetup not installed"
cd "$TMP"

LOOPS=""
cleanup() {
	bk_rc=$?
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null || true; done
	bk_exit $bk_rc
}
trap cleanup EXIT
# attach FILE: the loop device is in $L (not a subshell, so that the
# cleanup knows it).
attach() {
	L=$(losetup -f --show "$1" 2>/dev/null) || skip "no loop device available"
	LOOPS="$LOOPS $L"
	[ -b "$L" ] || skip "no loop device available"
}

mkdata src.raw $((20 * 1048576))
attach src.raw
L1=$L
[ "$(json_get "$L1" format)" = raw ] || fail "$L1 format"
[ "$(json_get "$L1" block_device)" = True ] || fail "$L1 not reported as a block device"
[ "$(json_get "$L1" virtual_size)" = $((20 * 1048576)) ] || fail "$L1 size"
"$VHDTOOL" convert "$L1" out.vhd
"$VHDTOOL" convert out.vhd back.raw
cmp src.raw back.raw || fail "block device -> VHD -> raw differs"

"$VHDTOOL" convert src.raw img.vhdx
attach img.vhdx
L2=$L
[ "$(json_get "$L2" format)" = vhdx ] || fail "VHDX on $L2 not probed"
"$VHDTOOL" convert "$L2" back2.raw
cmp src.raw back2.raw || fail "VHDX through a block device differs"
