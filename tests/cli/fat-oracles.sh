#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The FAT driver against independent tools, both ways:
#  - volumes we format and fill (FAT12, FAT16, FAT32, whole disk and inside a
#    partition) pass "fsck.fat -n" without a complaint, and mtools (mdir,
#    mtype, mcopy, mlabel) list and read exactly what we wrote, also after
#    replace, rename, remove and attribute edits;
#  - volumes made by mkfs.fat and filled by mcopy read back identically
#    through our driver, and stay clean for fsck.fat after we edit them.
# Skips (77) without dosfstools or mtools.
. "$top_srcdir/tests/cli/lib.sh"
VHDTOOL=$(bk_tool vhdtool)
FSCTL="$top_builddir/tests/gen/fsctl"
PATH=$PATH:/usr/sbin:/sbin
for t in mkfs.fat fsck.fat mdir mtype mcopy mlabel mattrib; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not installed (dosfstools, mtools)"
done
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8

# mktree DIR: nested folders (12 deep), spaces, non-ASCII, mixed case,
# all-lower 8.3 names, 0 bytes to 3 MiB, 40 long names sharing a prefix.
mktree() {
	d="$1/Dir A/Sub Folder/deep"
	mkdir -p "$d" "$1/EFI/Boot" "$1/empty folder" "$1/Ünïcödé €uro" "$1/Many"
	deep="$1/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12"
	mkdir -p "$deep"
	printf 'hello\n' > "$1/readme.txt"
	printf 'UPPER\n' > "$1/UPPER.TXT"
	: > "$1/EFI/Boot/empty.efi"
	head -c 1 /dev/urandom > "$d/one byte"
	head -c 4095 /dev/urandom > "$d/Almost Four K.bin"
	head -c 4097 /dev/urandom > "$1/Dir A/Mixed Case Name.Data"
	head -c 3145745 /dev/urandom > "$1/Dir A/big file.bin"
	printf 'deep\n' > "$deep/at the bottom.txt"
	printf 'unicode\n' > "$1/Ünïcödé €uro/Ärger ñandú 日本.txt"
	i=0
	while [ $i -lt 40 ]; do
		printf '%s\n' "$i" > "$1/Many/Long file name number $i.txt"
		i=$((i + 1))
	done
}

# fsck_clean IMG: fsck.fat -n exits 0 and says nothing but its banner and
# the summary line.
fsck_clean() {
	set +e
	fsck.fat -n "$1" > "$TMP/fsck" 2>&1
	rc=$?
	set -e
	extra=$(grep -v -e '^fsck\.fat ' -e "^$1: [0-9]* files, " "$TMP/fsck" || true)
	if [ $rc -ne 0 ] || [ -n "$extra" ]; then
		cat "$TMP/fsck" >&2
		fail "fsck.fat -n $1: exit $rc, complaints above"
	fi
}

# same_tree A B: identical names and contents.
same_tree() {
	diff -r "$1" "$2" > "$TMP/diff" 2>&1 || { cat "$TMP/diff" >&2; fail "$3: trees differ"; }
}

mktree "$TMP/tree"

# ---- ours -> dosfstools/mtools ------------------------------------------------
for spec in fat12:8M fat16:64M fat32:100M; do
	type=${spec%%:*}
	img="$TMP/$type.img"
	rm -f "$img"
	truncate -s "${spec#*:}" "$img"
	"$FSCTL" format "$img" 0 "$type" TestVol
	"$FSCTL" info "$img" 0 | grep -q "^$type " || fail "$type: wrong type: $("$FSCTL" info "$img" 0)"
	"$FSCTL" import "$img" 0 "$TMP/tree" /
	fsck_clean "$img"
	rm -rf "$TMP/out"
	mcopy -s -i "$img" ::/ "$TMP/out"
	same_tree "$TMP/tree" "$TMP/out" "$type: mcopy of our volume"
	mtype -i "$img" "::/Dir A/Sub Folder/deep/one byte" | cmp - "$TMP/tree/Dir A/Sub Folder/deep/one byte"
	mlabel -s -i "$img" :: | grep -q TESTVOL || fail "$type: label not seen by mlabel"
	mdir -i "$img" ::/ > "$TMP/mdir"
	# An all-lower 8.3 name is stored without a long name, shown lower case.
	grep -q '^readme   txt ' "$TMP/mdir" || { cat "$TMP/mdir" >&2; fail "$type: readme.txt"; }
	mdir -i "$img" ::/Many > "$TMP/mdir"
	[ "$(grep -c 'Long file name number' "$TMP/mdir")" = 40 ] || fail "$type: Many"
	# Edits, mirrored on a host copy.
	cp -r "$TMP/tree" "$TMP/want"
	head -c 10000 /dev/urandom > "$TMP/new"
	"$FSCTL" put "$img" 0 "$TMP/new" "dir a/BIG FILE.BIN"
	cp "$TMP/new" "$TMP/want/Dir A/big file.bin"
	"$FSCTL" mv "$img" 0 readme.txt "EFI/Boot/Read Me.txt"
	mv "$TMP/want/readme.txt" "$TMP/want/EFI/Boot/Read Me.txt"
	"$FSCTL" mv "$img" 0 UPPER.TXT "Dir A/Mixed Case Name.Data" replace
	mv "$TMP/want/UPPER.TXT" "$TMP/want/Dir A/Mixed Case Name.Data"
	"$FSCTL" rmtree "$img" 0 l1/l2/l3
	rm -rf "$TMP/want/l1/l2/l3"
	"$FSCTL" rm "$img" 0 "Many/Long file name number 7.txt"
	rm "$TMP/want/Many/Long file name number 7.txt"
	"$FSCTL" attr "$img" 0 "EFI/Boot/Read Me.txt" 3 0
	fsck_clean "$img"
	rm -rf "$TMP/out"
	mcopy -s -i "$img" ::/ "$TMP/out"
	same_tree "$TMP/want" "$TMP/out" "$type: mcopy after edits"
	attrs=$(mattrib -i "$img" "::/EFI/Boot/Read Me.txt" | sed 's/::.*//')
	case $attrs in *H*R*|*R*H*) ;; *) fail "$type: mattrib shows '$attrs', want R and H" ;; esac
	rm -rf "$TMP/want"
done

# ---- inside a partition (hidden sectors, offset access) ------------------------
img="$TMP/part.img"
truncate -s 130M "$img"
"$VHDTOOL" partition "$img" --mbr --add fat32:rest:active > /dev/null
"$FSCTL" format "$img" 1 fat32 ESP
"$FSCTL" import "$img" 1 "$TMP/tree" /
rm -rf "$TMP/out"
mcopy -s -i "$img@@1M" ::/ "$TMP/out"
same_tree "$TMP/tree" "$TMP/out" "partition 1"
dd if="$img" of="$TMP/vol.img" bs=1M skip=1 status=none
fsck_clean "$TMP/vol.img"
hidden=$(od -A n -t u4 -j 28 -N 4 "$TMP/vol.img" | tr -d ' ')
[ "$hidden" = 2048 ] || fail "hidden sectors $hidden, want 2048"
rm -f "$img" "$TMP/vol.img"

# ---- mkfs.fat/mcopy -> ours -----------------------------------------------------
for spec in 12:8M 16:64M 32:100M; do
	bits=${spec%%:*}
	img="$TMP/mk$bits.img"
	rm -f "$img"
	size=${spec#*:}
	mkfs.fat -C -F "$bits" -n OTHERS "$img" $((${size%M} * 1024)) > /dev/null
	(cd "$TMP/tree" && mcopy -s -i "$img" -- * ::/)
	rm -rf "$TMP/out"
	"$FSCTL" export "$img" 0 / "$TMP/out"
	same_tree "$TMP/tree" "$TMP/out" "FAT$bits from mkfs.fat read by us"
	"$FSCTL" info "$img" 0 | grep -q "^fat$bits .* OTHERS$" ||
		fail "FAT$bits from mkfs.fat: $("$FSCTL" info "$img" 0)"
	"$FSCTL" get "$img" 0 "ünïcödé €URO/ärger ñandú 日本.TXT" | cmp - "$TMP/tree/Ünïcödé €uro/Ärger ñandú 日本.txt"
	# Our edits keep the foreign volume clean.
	"$FSCTL" put "$img" 0 "$TMP/tree/Dir A/big file.bin" "Many/copy of big.bin"
	"$FSCTL" rmtree "$img" 0 "Dir A"
	"$FSCTL" mkdir "$img" 0 "New/Folder"
	fsck_clean "$img"
	mtype -i "$img" "::/Many/copy of big.bin" | cmp - "$TMP/tree/Dir A/big file.bin"
	rm -f "$img"
done
echo "fat-oracles: ok"
