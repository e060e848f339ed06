#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool convert with the target on tmpfs, where the data of dynamic VHD
# blocks (512 bytes past a page boundary) is copied by the kernel
# (copy_file_range) instead of read and written: every format and type,
# partial blocks, a size that is not a MiB multiple, checked with qemu-img.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_qemu
MEM=${BK_TMPFS:-/dev/shm}
[ -d "$MEM" ] && [ -w "$MEM" ] && [ "$(stat -f -c %T "$MEM")" = tmpfs ] ||
	skip "$MEM is not a writable tmpfs (set BK_TMPFS)"
D=$(mktemp -d "$MEM/bk-convert.XXXXXX")
trap 'bk_rc=$?; rm -rf "$D"; bk_exit $bk_rc' EXIT
cd "$D"

SIZE=$((24 * 1048576 + 3584))     # 24 MiB + 7 sectors
mkdata src.raw $SIZE
# Whole blocks of data too, so that runs span several target blocks.
head -c 6291456 /dev/urandom | dd of=src.raw bs=1M seek=14 conv=notrunc status=none

for fmt in vhd vhdx; do
	for type in fixed dynamic; do
		out="o-$type.$fmt"
		"$VHDTOOL" convert src.raw "$out" --type "$type"
		[ "$(qemu_vsize "$fmt" "$out")" = $SIZE ] || fail "$out: qemu-img size"
		qemu-img compare -q -f raw -F "$(qfmt "$fmt")" src.raw "$out" || fail "$out differs (qemu-img compare)"
		if [ "$fmt" = vhdx ]; then
			qemu-img check -q -f vhdx "$out" || fail "$out: qemu-img check"
		fi
		"$VHDTOOL" convert "$out" back.raw
		cmp src.raw back.raw || fail "$out: round trip differs"
		rm -f back.raw
	done
done
# Image to image on tmpfs (the source is an image, not raw).
"$VHDTOOL" convert o-dynamic.vhdx x.vhd --type dynamic
qemu-img compare -q -f raw -F vpc src.raw x.vhd || fail "VHDX -> VHD on tmpfs differs"
# Dynamic: only the blocks with data (2 MiB blocks 0, 2, 3, 7, 8, 9, 12).
[ "$(json_get o-dynamic.vhd allocated)" = $((7 * 2097152)) ] || fail "dynamic VHD allocation"
no_temp "$D"

# Where strace is installed, check that the kernel copy really ran into
# offsets that are not page-aligned (else this test would prove nothing new).
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	echo "NOTE: strace missing or not allowed to trace: kernel copy not checked" >&2
else
	rm -f k.vhd
	tool="$VHDTOOL"
	[ -x "$top_builddir/.libs/vhdtool" ] && tool="$top_builddir/.libs/vhdtool"
	# LeakSanitizer (--enable-sanitizers) cannot run under ptrace.
	LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -o trace -e trace=copy_file_range "$tool" convert src.raw k.vhd
	qemu-img compare -q -f raw -F vpc src.raw k.vhd || fail "traced VHD differs"
	awk '/copy_file_range/ { split($0, a, "\\["); split(a[3], b, "]"); if (b[1] % 4096) n++ }
		END { exit !(n > 0) }' trace || { head trace >&2; fail "no kernel copy to an unaligned offset"; }
fi
