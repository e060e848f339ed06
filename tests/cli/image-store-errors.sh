#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stores inside images that cannot be used: a missing file, a missing
# partition, a damaged FAT or NTFS volume, a file that is not a hive, a hive
# that is not a store, a truncated image.  Each gives one line on stderr
# naming IMAGE:PART (and the path where there is one), a non-zero exit, and
# the image is not written (same bytes, same modification time).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
BCDEDIT="${BK_TOOLDIR:-$top_builddir}/bcdedit"

fat="$TMP/esp.img"
"$VHDTOOL" build "$fat" --size 64M --gpt --part esp:40M >/dev/null
"$VHDTOOL" mkdir "$fat:1:\\Boot"
"$BCDEDIT" /createstore "$fat:1:\\Boot\\BCD" >/dev/null
printf 'plain text\n' > "$TMP/text"
"$VHDTOOL" cp "$TMP/text" "$fat:1:\\Boot\\TEXT"
"$HIVETOOL" create "$TMP/plain.hiv"
"$VHDTOOL" cp "$TMP/plain.hiv" "$fat:1:\\Boot\\PLAIN"

ntfs="$TMP/ntfs.img"
"$VHDTOOL" build "$ntfs" --size 64M --mbr --part ntfs:60M:active >/dev/null
"$VHDTOOL" mkdir "$ntfs:1:\\Boot"
"$BCDEDIT" /createstore "$ntfs:1:\\Boot\\BCD" >/dev/null

# refused WANT_EXIT WANT_TEXT IMAGE CMD...: one line naming WANT_TEXT, the image unchanged.
refused() {
	want=$1 text=$2 image=$3
	shift 3
	before=$(sha256sum < "$image")
	touch -d '2001-01-01 00:00:00' "$image"
	expect_exit "$want" "$@"
	# bcdedit speaks Microsoft's words first (bcdedit(1) DIAGNOSTICS): its
	# message, the Windows reason, then one line of ours; the other tools
	# print one line.
	case $1 in
	*/bcdedit) sed -n '$p' "$TMP/err" >"$TMP/ours"
		grep -q '^bcdedit: ' "$TMP/ours" || { cat "$TMP/err" >&2; fail "$*: no detail line"; } ;;
	*) [ "$(wc -l < "$TMP/err")" = 1 ] || { cat "$TMP/err" >&2; fail "$*: not one line"; }
		cp "$TMP/err" "$TMP/ours" ;;
	esac
	grep -qF -- "$text" "$TMP/ours" || { cat "$TMP/err" >&2; fail "$*: does not name $text"; }
	[ "$(sha256sum < "$image")" = "$before" ] || fail "$*: the image was written"
	[ "$(stat -c %Y "$image")" = "$(date -d '2001-01-01 00:00:00' +%s)" ] ||
		fail "$*: the image was touched"
}

for img in "$fat" "$ntfs"; do
	refused 1 "$img:1:\\Boot\\Nope" "$img" "$BCDEDIT" --store "$img:1:\\Boot\\Nope" /enum
	refused 1 "$img:1:\\Boot\\Nope" "$img" "$BCDEDIT" /store "$img:1:\\Boot\\Nope" /set '{bootmgr}' timeout 3
	refused 2 "$img:1:\\Boot\\Nope" "$img" "$HIVETOOL" get "$img:1:\\Boot\\Nope" x
	refused 2 "$img:1:\\Boot\\Nope" "$img" "$HIVETOOL" set "$img:1:\\Boot\\Nope" x v REG_SZ y
	refused 1 "$img:7:\\Boot\\BCD" "$img" "$BCDEDIT" --store "$img:7:\\Boot\\BCD" /enum
	refused 1 "$img:1:\\Boot: is a folder" "$img" "$BCDEDIT" --store "$img:1:\\Boot" /enum
	refused 1 "$img:1:\\Boot\\BCD: already exists" "$img" "$BCDEDIT" /createstore "$img:1:\\Boot\\BCD"
done
refused 1 "$fat:1:\\Boot\\TEXT: not a registry hive" "$fat" \
	"$BCDEDIT" --store "$fat:1:\\Boot\\TEXT" /set '{bootmgr}' timeout 3
refused 1 "$fat:1:\\Boot\\PLAIN: not a BCD store" "$fat" \
	"$BCDEDIT" --store "$fat:1:\\Boot\\PLAIN" /set '{bootmgr}' timeout 3

# A damaged FAT boot sector (0 bytes per sector) and NTFS boot sector (no
# "NTFS" signature, then an MFT cluster past the end of the volume).
cp "$fat" "$TMP/bad-fat.img"
printf '\000\000' | dd of="$TMP/bad-fat.img" bs=1 seek=$((1048576 + 11)) conv=notrunc status=none
refused 1 "$TMP/bad-fat.img:1" "$TMP/bad-fat.img" \
	"$BCDEDIT" --store "$TMP/bad-fat.img:1:\\Boot\\BCD" /set '{bootmgr}' timeout 3
refused 2 "$TMP/bad-fat.img:1" "$TMP/bad-fat.img" "$HIVETOOL" ls "$TMP/bad-fat.img:1:\\Boot\\BCD"
cp "$ntfs" "$TMP/bad-ntfs.img"
printf 'XXXX' | dd of="$TMP/bad-ntfs.img" bs=1 seek=$((1048576 + 3)) conv=notrunc status=none
refused 1 "$TMP/bad-ntfs.img:1" "$TMP/bad-ntfs.img" \
	"$BCDEDIT" --store "$TMP/bad-ntfs.img:1:\\Boot\\BCD" /set '{bootmgr}' timeout 3
cp "$ntfs" "$TMP/bad-mft.img"
printf '\377\377\377\000' | dd of="$TMP/bad-mft.img" bs=1 seek=$((1048576 + 48)) conv=notrunc status=none
refused 1 "$TMP/bad-mft.img:1" "$TMP/bad-mft.img" \
	"$BCDEDIT" --store "$TMP/bad-mft.img:1:\\Boot\\BCD" /set '{bootmgr}' timeout 3

# A truncated image: the partition runs past its end.
head -c 20M "$fat" > "$TMP/short.img"
refused 1 "$TMP/short.img" "$TMP/short.img" \
	"$BCDEDIT" --store "$TMP/short.img:1:\\Boot\\BCD" /set '{bootmgr}' timeout 3
echo "ok: damaged and missing stores inside images are refused, nothing written"
