#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdedit --store IMAGE:PART:\path on a FAT32 ESP and on an NTFS volume, in a
# raw image, a dynamic VHD and a dynamic VHDX: the edit changes the store and
# nothing else (every other file in the volume hashes the same, nothing is
# left beside the store), the store read out of the image is read by libhivex
# with the new value, and the volume passes fsck.fat / ntfsfix afterwards.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
BCDEDIT="${BK_TOOLDIR:-$top_builddir}/bcdedit"
BOOTMGR='{9dea862c-5cdd-4e70-acc1-f32b344d4795}'

command -v hivexregedit >/dev/null 2>&1 || skip "hivexregedit not installed (libwin-hivex-perl)"
command -v fsck.fat >/dev/null 2>&1 || skip "fsck.fat not installed (dosfstools)"
command -v ntfsfix >/dev/null 2>&1 || skip "ntfsfix not installed (ntfs-3g)"

# mkvol IMG FORMAT FS: one partition, an empty FAT32 ESP or an NTFS volume.
mkvol() {
	case $3 in
	fat)
		"$VHDTOOL" build "$1" --size 128M --format "$2" --gpt --part esp:100M >/dev/null
		;;
	ntfs)
		"$VHDTOOL" build "$1" --size 128M --format "$2" --mbr --part ntfs:100M:active >/dev/null
		;;
	esac
}

# tree_hashes IMG DIR: every file of partition 1 but \Boot\BCD, "hash  path".
tree_hashes() {
	rm -rf "$2"
	"$VHDTOOL" cp -r "$1:1:\\" "$2"
	(cd "$2" && find . -type f ! -path ./Boot/BCD -print0 | sort -z | xargs -0 sha256sum)
	(cd "$2" && find . | sort)
}

# check_fs IMG FS: the volume as a raw file, checked by the independent tools.
check_fs() {
	"$VHDTOOL" convert "$1" "$TMP/check.raw" --format raw >/dev/null
	off=$("$VHDTOOL" partition --json "$TMP/check.raw" |
		python3 -c 'import json,sys; p=json.load(sys.stdin)["partitions"][0]; print(p["offset"], p["size"])')
	set -- $off "$2"
	dd if="$TMP/check.raw" of="$TMP/vol.raw" bs=1M skip=$(($1 / 1048576)) \
		count=$(($2 / 1048576)) status=none
	case $3 in
	fat) fsck.fat -n "$TMP/vol.raw" >"$TMP/fsck" 2>&1 || { cat "$TMP/fsck" >&2; fail "fsck.fat: $img"; } ;;
	ntfs) ntfsfix -n "$TMP/vol.raw" >"$TMP/fsck" 2>&1 || { cat "$TMP/fsck" >&2; fail "ntfsfix: $img"; } ;;
	esac
	rm -f "$TMP/check.raw" "$TMP/vol.raw"
}

head -c 200000 /dev/urandom > "$TMP/loader.efi"
printf 'not a hive\r\n' > "$TMP/readme.txt"

for fs in fat ntfs; do
	for fmt in raw vhd vhdx; do
		img="$TMP/disk-$fs.$fmt"
		store="$img:1:\\Boot\\BCD"
		mkvol "$img" "$fmt" "$fs"
		"$VHDTOOL" mkdir -p "$img:1:\\Boot" "$img:1:\\EFI\\Microsoft\\Boot\\en-US"
		"$VHDTOOL" cp "$TMP/loader.efi" "$img:1:\\EFI\\Microsoft\\Boot\\bootmgfw.efi"
		"$VHDTOOL" cp "$TMP/readme.txt" "$img:1:\\Boot\\readme.txt"
		"$VHDTOOL" cp "$TMP/readme.txt" "$img:1:\\EFI\\Microsoft\\Boot\\en-US\\x.mui"
		"$BCDEDIT" /createstore "$store" >/dev/null
		"$BCDEDIT" /store "$store" /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
		tree_hashes "$img" "$TMP/before" > "$TMP/before.sums"

		"$BCDEDIT" --store "$store" /set '{bootmgr}' timeout 12 > "$TMP/out"
		grep -q "The operation completed successfully." "$TMP/out" || fail "$store: /set"

		tree_hashes "$img" "$TMP/after" > "$TMP/after.sums"
		diff -u "$TMP/before.sums" "$TMP/after.sums" >&2 ||
			fail "$img: files other than \\Boot\\BCD changed"
		"$BCDEDIT" --store "$store" /enum all > "$TMP/enum"
		grep -q '^timeout  *12$' "$TMP/enum" || { cat "$TMP/enum" >&2; fail "$store: timeout not 12"; }
		# The store as libhivex reads it, out of the image.
		"$VHDTOOL" cat "$store" > "$TMP/BCD"
		hivexregedit --export "$TMP/BCD" '\' > "$TMP/reg"
		tr -d '\r' < "$TMP/reg" | grep -A1 -F "[\\Objects\\$BOOTMGR\\Elements\\25000004]" |
			grep -q '"Element"=hex(3):0c,00,00,00,00,00,00,00' ||
			{ cat "$TMP/reg" >&2; fail "$store: libhivex does not see timeout 12"; }
		"$HIVETOOL" check "$TMP/BCD" >/dev/null || fail "$store: hivetool check"
		check_fs "$img" "$fs"
		# /export out of the image and /import back into it.
		rm -f "$TMP/exported"
		"$BCDEDIT" --store "$store" /export "$TMP/exported" >/dev/null
		"$BCDEDIT" --store "$TMP/exported" /set '{bootmgr}' timeout 21 >/dev/null
		"$BCDEDIT" --store "$store" /import "$TMP/exported" >/dev/null
		"$BCDEDIT" --store "$store" /enum all | grep -q '^timeout  *21$' || fail "$store: /import"
		rm -f "$img"
		echo "ok: $fs in $fmt"
	done
done
