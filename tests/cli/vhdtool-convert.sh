#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool convert: raw <-> VHD <-> VHDX in every direction and type, with a
# size that is not a MiB multiple; checked with qemu-img and libvhdi.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_qemu
need_vhdi
cd "$TMP"

SIZE=$((48 * 1048576 + 3584))     # 48 MiB + 7 sectors
mkdata src.raw $SIZE

for fmt in vhd vhdx; do
	for type in fixed dynamic; do
		out="o-$type.$fmt"
		"$VHDTOOL" convert src.raw "$out" --type "$type" 2>err
		[ ! -s err ] || fail "convert printed on a non-terminal: $(cat err)"
		[ "$(json_get "$out" type)" = "$type" ] || fail "$out: type"
		[ "$(qemu_vsize "$fmt" "$out")" = $SIZE ] || fail "$out: qemu-img size"
		[ "$(vhdi_size "$out")" = $SIZE ] || fail "$out: vhdiinfo size"
		qemu-img compare -q -f raw -F "$(qfmt "$fmt")" src.raw "$out" || fail "$out differs (qemu-img compare)"
		if [ "$fmt" = vhdx ]; then
			qemu-img check -q -f vhdx "$out" || fail "$out: qemu-img check"
		fi
		# And back, by us and by qemu-img.
		"$VHDTOOL" convert "$out" back.raw
		cmp src.raw back.raw || fail "$out: round trip differs"
		qemu-img convert -f "$(qfmt "$fmt")" -O raw "$out" q.raw
		cmp src.raw q.raw || fail "$out: qemu-img reads other bytes"
		rm -f back.raw q.raw
	done
done

# Dynamic images hold only the blocks with data: 2 MiB blocks 0, 2, 3
# and the last one.
[ "$(json_get o-dynamic.vhd allocated)" = $((4 * 2097152)) ] || fail "dynamic VHD allocation"
[ "$(stat -c %s o-dynamic.vhd)" -le $((11 * 1048576)) ] || fail "dynamic VHD file too large"

# Image to image directly, across formats and types.
"$VHDTOOL" convert o-dynamic.vhd x.vhdx --type fixed
"$VHDTOOL" convert x.vhdx y.vhd --format vhd --type dynamic
"$VHDTOOL" convert y.vhd z.img --block-size 1M
"$VHDTOOL" convert o-fixed.vhdx w.vhdx --block-size 1M
[ "$(json_get w.vhdx block_size)" = 1048576 ] || fail "--block-size on convert"
for f in x.vhdx y.vhd z.img w.vhdx; do
	"$VHDTOOL" convert "$f" r.raw --force
	cmp src.raw r.raw || fail "$f differs"
done
# A raw output is sparse: its holes are where the source had zeros.
[ "$(du -k z.img | cut -f1)" -lt 20000 ] || fail "raw output not sparse"

# An odd-sized raw input grows to a whole sector of zeros.
head -c 1000 /dev/urandom > odd.raw
"$VHDTOOL" convert odd.raw odd.vhdx
[ "$(json_get odd.vhdx virtual_size)" = 1024 ] || fail "odd size"
"$VHDTOOL" convert odd.vhdx odd2.raw
cmp -n 1000 odd.raw odd2.raw || fail "odd data"

# A progress bar on a terminal only.
if script -qec "true" /dev/null >/dev/null 2>&1; then
	script -qec "'$VHDTOOL' convert src.raw tty.vhd" /dev/null > tty.log
	grep -q '100%' tty.log || fail "no progress bar on a terminal"
	cmp -s o-dynamic.vhd tty.vhd && fail "test is meaningless" || true
	qemu-img compare -q -f raw -F vpc src.raw tty.vhd || fail "tty.vhd differs"
fi

# Replacing an existing output is atomic; a failure leaves it untouched.
cp o-dynamic.vhd keep.vhd
printf 'garbage' > bad.vhd
truncate -s 1M bad.vhd
printf 'conectix' | dd of=bad.vhd conv=notrunc status=none
expect_exit 2 "$VHDTOOL" convert bad.vhd keep.vhd --force
grep -q 'bad.vhd' "$TMP/err" || fail "error does not name the input"
cmp keep.vhd o-dynamic.vhd || fail "failed convert changed the target"
expect_exit 1 "$VHDTOOL" convert src.raw nodir/out.vhd
expect_exit 2 "$VHDTOOL" convert missing.raw out.vhd
[ ! -e out.vhd ] || fail "failed convert created the target"
no_temp .

# A VHDX with 4 KiB logical sectors (Windows makes them with
# -LogicalSectorSizeBytes 4096; qemu-img refuses them), made here from one
# of ours by vhdx-tables.py: the sector size item patched and the block
# table relaid.  A sector-bitmap entry follows every 2^23 sectors' worth of
# blocks: 4 GiB at 512 bytes, 32 GiB at 4096, so in a 6 GiB image the data
# past 4 GiB is found only if the reader counts in 4 KiB sectors.
truncate -s 6G s4.raw
head -c 3000000 /dev/urandom | dd of=s4.raw conv=notrunc status=none
head -c 1000000 /dev/urandom | dd of=s4.raw bs=1M seek=5200 conv=notrunc status=none
"$VHDTOOL" convert s4.raw s4.vhdx
python3 "$top_srcdir/tests/cli/vhdx-tables.py" to-4k s4.vhdx
[ "$(json_get s4.vhdx logical_sector)" = 4096 ] || fail "4 KiB logical sectors not patched in"
"$VHDTOOL" convert s4.vhdx s4back.raw 2>/dev/null
qemu-img compare -q -f raw -F raw s4.raw s4back.raw || fail "VHDX with 4 KiB sectors reads other bytes"
