#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool cp round trips: a host tree of 1,000 files (spaces, non-ASCII,
# mixed case, 0 bytes to 64 MiB, 20 folders deep) copied into NTFS and FAT32
# (and FAT16) partitions of raw, fixed VHD, dynamic VHD and dynamic VHDX
# images and back out is identical by hash; then the independent checkers
# accept the volume, on a raw copy made with vhdtool convert: ntfsfix -n and
# ntfsls for NTFS, fsck.fat -n, mdir and mtype for FAT.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs ntfsfix ntfsls fsck.fat mdir mtype python3; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

python3 "$top_srcdir/tests/gen/mktree.py" "$TMP/tree" 1000 $((64 << 20))
nfiles=$(find "$TMP/tree" -type f | wc -l)
[ "$nfiles" -eq 1000 ] || fail "generator made $nfiles files"

# manifest DIR: one line per folder and per file (with its hash), sorted.
manifest() {
	(cd "$1" && find . -mindepth 1 -type d -printf 'd %p\n' &&
		find . -type f -print0 | xargs -0 sha256sum | sed 's/^/f /') |
		LC_ALL=C sort
}
manifest "$TMP/tree" > "$TMP/want"

# check_ntfs RAW: the partition at 1 MiB to the end passes ntfsfix -n and
# ntfsls sees every file.
check_ntfs() {
	dd if="$1" of="$TMP/vol" bs=1M skip=1 status=none
	ntfsfix -n "$TMP/vol" > "$TMP/fix" 2>&1 || { cat "$TMP/fix" >&2; fail "$2: ntfsfix -n"; }
	n=$(ntfsls -R "$TMP/vol" 2>/dev/null | grep -c '\.bin$') || true
	[ "$n" -eq 1000 ] || fail "$2: ntfsls sees $n files"
	rm -f "$TMP/vol"
}

# check_fat RAW: fsck.fat -n, mdir sees every file, mtype gives the big one.
check_fat() {
	dd if="$1" of="$TMP/vol" bs=1M skip=1 status=none
	fsck.fat -n "$TMP/vol" > "$TMP/fsck" 2>&1 || { cat "$TMP/fsck" >&2; fail "$2: fsck.fat -n"; }
	n=$(LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mdir -/ -b -i "$TMP/vol" ::/ 2>/dev/null |
		grep -c '\.bin$') || true
	[ "$n" -eq 1000 ] || fail "$2: mdir sees $n files"
	big=$(cd "$TMP/tree" && find . -type f -size +60M | head -n 1)
	LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mtype -i "$TMP/vol" "::/tree/${big#./}" |
		cmp - "$TMP/tree/$big" ||
		fail "$2: mtype of the big file"
	rm -f "$TMP/vol"
}

for fs in ntfs fat32 fat16; do
	for c in raw:fixed vhd:fixed vhd:dynamic vhdx:dynamic; do
		f=${c%:*}
		t=${c#*:}
		# FAT16 once, in the format with the most moving parts.
		[ $fs != fat16 ] || [ $c = vhdx:dynamic ] || continue
		I="$TMP/d.$f"
		what="$fs in $c"
		expect_exit 0 "$VHDTOOL" build "$I" --size 300M --format $f --type $t --mbr \
			--part $fs:rest:active
		expect_exit 0 "$VHDTOOL" cp -r "$TMP/tree" "$I:/"
		[ ! -s "$TMP/err" ] || fail "$what: cp in: $(cat "$TMP/err")"
		expect_exit 0 "$VHDTOOL" cp -r "$I:1:\\TREE" "$TMP/back"
		manifest "$TMP/back" > "$TMP/got"
		cmp -s "$TMP/want" "$TMP/got" || { diff "$TMP/want" "$TMP/got" | head >&2; fail "$what: differs"; }
		expect_exit 0 "$VHDTOOL" convert "$I" "$TMP/r.img" --format raw
		case $fs in
		ntfs) check_ntfs "$TMP/r.img" "$what" ;;
		*) check_fat "$TMP/r.img" "$what" ;;
		esac
		rm -rf "$TMP/back" "$TMP/r.img" "$I"
		echo "ok: $what"
	done
done
exit 0
