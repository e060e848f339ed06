#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdverify on bcdboot's stick, Windows in a VHD and in a VHDX:
# the stick verifies clean (exit 0) as BIOS, UEFI and ALL.  For BIOS,
# "clean" is exit 0 with one warning and nothing else: the synthetic stick
# has no Windows volume boot code (bcdkit cannot write it; bcdboot says so
# too), so BCD-VBR-BOOTCODE is reported as a warning, below the default
# --fail-on error; --fail-on warning makes it exit 4.  The VHD or VHDX is
# opened where it lies on the stick (image -> partition -> file -> disk ->
# partition -> files), so findings inside it are reported: winload or
# systemroot missing in it, its partition table gone, another VHD in its
# place, the file missing or no VHD at all.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need mkfs.fat
need_ntfs
BV="$top_builddir/bcdverify"

mk_windows_loaders "$TMP/tree/Windows"

# ids: the finding IDs of the last run, one line.
ids() { grep -o ' BCD-[A-Z0-9-]*: ' "$TMP/out" | tr -d ' :' | sort -u | tr '\n' ' '; }

# swap IMG EXT FILE: FILE put on the stick in place of its x.EXT.
swap() {
	"$VHDTOOL" rm "$1:2:\\x.$2" >/dev/null
	"$VHDTOOL" cp "$3" "$1:2:\\x.$2" >/dev/null
}

for ext in vhd vhdx; do
	W="$TMP/w.$ext"
	mk_winvhd "$W" "$TMP/tree"
	# ---- the stick, clean as BIOS, UEFI and ALL ---------------------------------------
	for fw in BIOS UEFI ALL; do
		U="$TMP/usb-$fw-$ext.img"
		mk_usb "$U"
		"$VHDTOOL" cp "$W" "$U:2:\\x.$ext" >/dev/null
		expect_exit 0 "$BCDBOOT" "$U:2:\\x.$ext:1:\\Windows" /s "$U" /f $fw
		expect_exit 0 "$BV" "$U"
		n=$(grep -c "^$U:[12]:.*BCD" "$TMP/out")
		want=1; [ $fw = ALL ] && want=2
		[ "$n" = "$want" ] || { cat "$TMP/out"; fail "$fw $ext stick: $n stores found, want $want"; }
		got=$(ids)
		if [ $fw = UEFI ]; then
			[ -z "$got" ] || fail "UEFI $ext stick: findings $got"
			grep -q "^$U:1:\\\\EFI\\\\Microsoft\\\\Boot\\\\BCD: clean\$" "$TMP/out" ||
				fail "UEFI $ext stick: not clean: $(cat "$TMP/out")"
			expect_exit 0 "$BV" "$U" --fail-on info
		else
			[ "$got" = "BCD-VBR-BOOTCODE " ] || fail "$fw $ext stick: findings $got"
			expect_exit 4 "$BV" "$U" --fail-on warning
		fi
		expect_exit 0 "$BV" --json "$U"
		python3 - "$top_srcdir/doc/bcdverify-schema.json" "$TMP/out" <<'PY' || fail "$fw $ext: JSON"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
	done
	UE="$TMP/usb-UEFI-$ext.img"
	BI="$TMP/usb-BIOS-$ext.img"

	# ---- inside the VHD: winload missing, then all of Windows ----------------------------
	cp "$W" "$TMP/nowinload.$ext"
	"$VHDTOOL" rm "$TMP/nowinload.$ext:1:\\Windows\\System32\\winload.efi" >/dev/null
	cp "$UE" "$TMP/nowinload.img"
	swap "$TMP/nowinload.img" $ext "$TMP/nowinload.$ext"
	expect_exit 4 "$BV" "$TMP/nowinload.img"
	has BCD-FILE-MISSING "$ext: winload.efi removed inside"
	grep -q "winload.efi is missing on $TMP/nowinload.img:2:\\\\x.$ext:1, which device names" \
		"$TMP/out" || fail "$ext: winload missing: $(cat "$TMP/out")"
	[ "$(ids)" = "BCD-FILE-MISSING " ] || fail "$ext: winload missing: $(ids)"

	cp "$W" "$TMP/nowin.$ext"
	"$VHDTOOL" rm -r "$TMP/nowin.$ext:1:\\Windows" >/dev/null
	cp "$BI" "$TMP/nowin.img"
	swap "$TMP/nowin.img" $ext "$TMP/nowin.$ext"
	expect_exit 4 "$BV" "$TMP/nowin.img"
	has BCD-FILE-SYSTEMROOT "$ext: Windows removed inside"
	grep -q "BCD-FILE-SYSTEMROOT: \\\\Windows is missing on $TMP/nowin.img:2:\\\\x.$ext:1, which osdevice" \
		"$TMP/out" || fail "$ext: systemroot missing: $(cat "$TMP/out")"

	# ---- the file: missing, not a VHD, its table gone, another VHD ------------------------
	cp "$UE" "$TMP/novhd.img"
	"$VHDTOOL" rm "$TMP/novhd.img:2:\\x.$ext" >/dev/null
	expect_exit 4 "$BV" "$TMP/novhd.img"
	has BCD-VHD-MISSING "$ext removed"

	head -c 65536 /dev/zero > "$TMP/zero.$ext"
	cp "$UE" "$TMP/badvhd.img"
	swap "$TMP/badvhd.img" $ext "$TMP/zero.$ext"
	expect_exit 4 "$BV" "$TMP/badvhd.img"
	has BCD-VHD-DAMAGED "$ext zeroed"

	# The partition table inside gone (its first sector zeroed).
	"$VHDTOOL" convert "$W" "$TMP/w.raw" --format raw --force >/dev/null
	dd if=/dev/zero of="$TMP/w.raw" bs=512 count=1 conv=notrunc status=none
	"$VHDTOOL" convert "$TMP/w.raw" "$TMP/notable.$ext" --format $ext --type dynamic >/dev/null
	cp "$UE" "$TMP/notable.img"
	swap "$TMP/notable.img" $ext "$TMP/notable.$ext"
	expect_exit 4 "$BV" "$TMP/notable.img"
	has BCD-VHD-NOTABLE "$ext partition table zeroed"

	# Another VHD put in its place: its partition is not the one the store names.
	mk_winvhd "$TMP/other.$ext" "$TMP/tree"
	cp "$UE" "$TMP/other.img"
	swap "$TMP/other.img" $ext "$TMP/other.$ext"
	expect_exit 4 "$BV" "$TMP/other.img"
	has BCD-VHD-NOPART "another $ext"

	# ---- the locate layout bcdedit writes (vhd=[D:]\x.vhd) --------------------------------
	cp "$UE" "$TMP/loc.img"
	S="$TMP/loc.img:1:\\EFI\\Microsoft\\Boot\\BCD"
	"$BCDEDIT" --store "$S" --map "D:=$TMP/loc.img:2" /set '{default}' osdevice "vhd=[D:]\\x.$ext" >/dev/null
	"$BCDEDIT" --store "$S" --map "D:=$TMP/loc.img:2" /enum '{default}' | grep -q "^osdevice  *vhd=\[D:\]\\\\x.$ext" ||
		fail "$ext: bcdedit did not write the locate layout"
	expect_exit 0 "$BV" "$TMP/loc.img"
	[ -z "$(ids)" ] || fail "$ext: locate layout: $(ids)"
	swap "$TMP/loc.img" $ext "$TMP/nowin.$ext"
	expect_exit 4 "$BV" "$TMP/loc.img"
	grep -q "BCD-FILE-SYSTEMROOT: \\\\Windows is missing on $TMP/loc.img:2:\\\\x.$ext:1, which osdevice" \
		"$TMP/out" || fail "$ext: locate layout, systemroot missing: $(cat "$TMP/out")"
	# The same with the VHD on the FAT ESP (the FAT driver's reads inside a file).
	cp "$UE" "$TMP/locfat.img"
	S="$TMP/locfat.img:1:\\EFI\\Microsoft\\Boot\\BCD"
	"$VHDTOOL" cp "$TMP/nowin.$ext" "$TMP/locfat.img:1:\\x.$ext" >/dev/null
	"$BCDEDIT" --store "$S" --map "E:=$TMP/locfat.img:1" /set '{default}' osdevice "vhd=[E:]\\x.$ext" >/dev/null
	expect_exit 4 "$BV" "$TMP/locfat.img"
	grep -q "BCD-FILE-SYSTEMROOT: \\\\Windows is missing on $TMP/locfat.img:1:\\\\x.$ext:1, which osdevice" \
		"$TMP/out" || fail "$ext: VHD on FAT, systemroot missing: $(cat "$TMP/out")"
	swap1() { "$VHDTOOL" rm "$1:1:\\x.$2" >/dev/null; "$VHDTOOL" cp "$3" "$1:1:\\x.$2" >/dev/null; }
	swap1 "$TMP/locfat.img" $ext "$W"
	expect_exit 0 "$BV" "$TMP/locfat.img"
	[ -z "$(ids)" ] || fail "$ext: VHD on FAT: $(ids)"
done
echo ok
