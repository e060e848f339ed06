#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Images written by Windows (the shared corpus) read as qemu-img reads them;
# the VHDX with an unreplayed log reads as qemu-img does after
# "qemu-img check -r all" on a copy, and the original is not modified.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_corpus
need_qemu
cd "$TMP"
C="$BK_CORPUS/vhd"

"$VHDTOOL" convert "$C/win-fixed-3MiB.vhd" m.raw
qemu-img convert -f vpc -O raw "$C/win-fixed-3MiB.vhd" q.raw
cmp m.raw q.raw || fail "win-fixed-3MiB.vhd differs"
[ "$(json_get "$C/win-fixed-3MiB.vhd" virtual_size)" = 3145728 ] || fail "fixed VHD size"
[ "$(json_get "$C/win-fixed-3MiB.vhd" type)" = fixed ] || fail "fixed VHD type"
"$VHDTOOL" info "$C/win-fixed-3MiB.vhd" > info.txt
grep -q 'geometry: *90/4/17' info.txt || fail "geometry"
grep -q 'creator: *win  10.0 Wi2k' info.txt || fail "creator"

for f in win10-dynamic-1GiB-btrfs win10-dynamic-10GiB-swap; do
	gunzip -c "$C/$f.vhdx.gz" > "$f.vhdx"
	"$VHDTOOL" convert "$f.vhdx" m.raw --force
	qemu-img convert -f vhdx -O raw "$f.vhdx" q.raw
	# Both outputs are sparse; qemu-img compare reads their data and checks
	# that every hole of one is zeros in the other (a 10 GiB cmp is slow).
	qemu-img compare -q -f raw -F raw m.raw q.raw || fail "$f differs"
	[ "$(json_get "$f.vhdx" virtual_size)" = "$(qemu_vsize vhdx "$f.vhdx")" ] || fail "$f size"
	[ "$(json_get "$f.vhdx" logical_sector)" = 512 ] || fail "$f sector size"
	[ "$(json_get "$f.vhdx" physical_sector)" = 4096 ] || fail "$f physical sector size"
	rm -f m.raw q.raw
done

gunzip -c "$C/win10-dirty-log.vhdx.gz" > dirty.vhdx
cp dirty.vhdx pristine.vhdx
cp dirty.vhdx fixed-by-qemu.vhdx
qemu-img check -q -r all -f vhdx fixed-by-qemu.vhdx >/dev/null 2>&1 || true
qemu-img convert -f vhdx -O raw fixed-by-qemu.vhdx q.raw
"$VHDTOOL" convert dirty.vhdx m.raw --force 2>err
grep -q 'log' err || fail "no note about the replayed log"
qemu-img compare -q -f raw -F raw m.raw q.raw || fail "replayed log differs from qemu-img's replay"
[ "$(json_get dirty.vhdx virtual_size)" = 1073741824 ] || fail "dirty size"
[ "$(json_get dirty.vhdx log_replayed)" = True ] || fail "log_replayed not reported"
cmp dirty.vhdx pristine.vhdx || fail "reading changed the file"

# A VHDX vhdtool creates is laid out as Windows 10 lays out its own (the
# closest check possible without Windows): same header fields, region table
# and metadata table (item GUIDs, offsets, lengths, flags), block size and
# sector sizes.  Read by an independent parser written from [MS-VHDX].
"$VHDTOOL" create ours.vhdx --size 1G
python3 "$top_srcdir/tests/cli/vhdx-tables.py" layout win10-dynamic-1GiB-btrfs.vhdx > win.layout
python3 "$top_srcdir/tests/cli/vhdx-tables.py" layout ours.vhdx > ours.layout
diff win.layout ours.layout || fail "new VHDX laid out unlike Windows 10's"
grep -c meta ours.layout | grep -qx 5 || fail "layout: not five metadata items"
