#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdboot with host folders as WINDIR and TARGET: BIOS, UEFI and ALL, the
# files and the store (read back with libhivex and decoded here), a second
# run giving the same store apart from timestamps, /d, /c, /m, the template,
# and a planted symbolic link that must not be followed.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need hivexregedit
need iconv

W="$TMP/tree/Windows"
mk_windows "$W"
DEV="--os-device mbr:1234abcd:2097152 --system-device mbr:1234abcd:1048576"
# Partition devices as Windows writes them (doc/bcd-format-notes.md,
# "Partition payload").
part_dev() {   # OFFSET-HEX16 -> element bytes
	printf '%032d06000000000000004800000000000000%s%016d0000000001000000cdab3412%024d%032d' \
		0 "$1" 0 0 0
}
SYS_DEV=$(part_dev 0000100000000000)
OS_DEV=$(part_dev 0000200000000000)

# ---- BIOS -----------------------------------------------------------------------
S="$TMP/sys"; mkdir "$S"
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV
grep -qx 'Boot files successfully created.' "$TMP/out" || fail "no success message"
grep -q 'no boot code written' "$TMP/err" || fail "no warning about the boot code of a folder"
for f in bootmgr Boot/BCD Boot/memtest.exe Boot/en-US/bootmgr.exe.mui Boot/Fonts/segmono_boot.ttf \
	 Boot/Resources/bootres.dll; do
	[ -f "$S/$f" ] || fail "BIOS: $f missing"
done
[ ! -e "$S/Boot/bootmgr" ] || fail "BIOS: bootmgr belongs at the root, not in \\Boot"
cmp -s "$S/bootmgr" "$W/Boot/PCAT/bootmgr" || fail "BIOS: bootmgr differs from its source"
check_store "$S/Boot/BCD"
D="$S/Boot/BCD.dump"
[ "$(elem "$D" 10100002 11000001)" = "$SYS_DEV" ] || fail "{bootmgr} device: $(elem "$D" 10100002 11000001)"
[ -z "$(elem "$D" 10100002 12000002)" ] || fail "BIOS {bootmgr} has a path"
[ "$(elem "$D" 10200003 11000001)" = "$OS_DEV" ] || fail "loader device"
[ "$(elem "$D" 10200003 21000001)" = "$OS_DEV" ] || fail "loader osdevice"
[ "$(elem "$D" 10200004 21000001)" = "$OS_DEV" ] || fail "resume filedevice"
[ "$(elem "$D" 10200003 12000002)" = "$(utf16 '\Windows\system32\winload.exe')" ] || fail "loader path"
[ "$(elem "$D" 10200003 12000004)" = "$(utf16 'Windows 10 Pro (synthetic)')" ] ||
	fail "loader description is not the SOFTWARE hive's ProductName"
[ "$(elem "$D" 10200003 22000002)" = "$(utf16 '\Windows')" ] || fail "systemroot"
[ "$(elem "$D" 10200005 12000002)" = "$(utf16 '\boot\memtest.exe')" ] || fail "memdiag path"
loader=$(awk '$2 == "10200003" { print $1; exit }' "$D")
resume=$(awk '$2 == "10200004" { print $1; exit }' "$D")
[ "$(elem "$D" 10100002 23000003)" = "$(utf16 "$loader")" ] || fail "default is not the new loader"
[ "$(elem "$D" 10100002 23000006)" = "$(utf16 "$resume")" ] || fail "{bootmgr} resumeobject"
[ "$(elem "$D" 10200003 23000003)" = "$(utf16 "$resume")" ] || fail "loader resumeobject"
[ "$(elem "$D" 10100002 24000001)" = "$(utf16 "$loader")0000" ] || fail "displayorder"
[ "$(elem "$D" 10200003 25000020)" = 0000000000000000 ] || fail "nx is not OptIn"
[ "$(elem "$D" 10200003 250000c2)" = 0100000000000000 ] || fail "bootmenupolicy is not Standard"
for o in '{globalsettings}' '{bootloadersettings}' '{resumeloadersettings}' '{dbgsettings}' \
	 '{emssettings}' '{badmemory}' '{hypervisorsettings}'; do
	"$BCDEDIT" --store "$S/Boot/BCD" /enum "$o" >/dev/null 2>&1 || fail "$o missing"
done

# A second run replaces its own entry: the same store apart from timestamps.
cp "$S/Boot/BCD" "$TMP/bios1"
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV
$CHECK same "$TMP/bios1" "$S/Boot/BCD" >/dev/null || fail "second BIOS run changed the store"
[ "$(grep -c ' 10200003 12000002 ' "$D")" = 1 ] || fail "duplicate loaders"

# ---- /d, /c, /m ------------------------------------------------------------------
"$BCDEDIT" --store "$S/Boot/BCD" /copy '{default}' /d "Other Windows" > "$TMP/copy.out"
other=$(grep -o '{[0-9a-f-]*}' "$TMP/copy.out" | head -n1)
"$BCDEDIT" --store "$S/Boot/BCD" /set "$other" osdevice partition=mbr:1234abcd:9437184 >/dev/null
"$BCDEDIT" --store "$S/Boot/BCD" /default "$other" >/dev/null
"$BCDEDIT" --store "$S/Boot/BCD" /set '{default}' quietboot Yes >/dev/null   # on $other
"$BCDEDIT" --store "$S/Boot/BCD" /set "$loader" quietboot Yes >/dev/null
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV /d /m
check_store "$S/Boot/BCD"
[ "$(elem "$D" 10100002 23000003)" = "$(utf16 "$other")" ] || fail "/d did not keep the default"
[ "$(elem "$D" "$loader" 26000041)" = 01 ] || fail "/m did not keep the replaced entry's quietboot"
[ "$(elem "$D" "$other" 26000041)" = 01 ] || fail "the other entry lost a value"
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV
check_store "$S/Boot/BCD"
[ "$(elem "$D" 10100002 23000003)" = "$(utf16 "$loader")" ] || fail "without /d the default is not the new loader"
[ -z "$(elem "$D" "$loader" 26000041)" ] || fail "without /m the replaced entry's values stayed"
[ -n "$(elem "$D" "$other" 12000004)" ] || fail "the other entry was dropped without /c"
"$BCDEDIT" --store "$S/Boot/BCD" /set "$other" quietboot Yes >/dev/null
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV /m "$other"
check_store "$S/Boot/BCD"
[ "$(elem "$D" "$loader" 26000041)" = 01 ] || fail "/m {id} did not merge that loader's values"
expect_exit 0 "$BCDBOOT" "$W" /s "$S" /f BIOS $DEV /c
check_store "$S/Boot/BCD"
[ -z "$(elem "$D" "$other" 12000004)" ] || fail "/c kept the other entry"
[ "$(grep -c ' 10200003 12000002 ' "$D")" = 1 ] || fail "/c: not exactly one loader"

# ---- UEFI and ALL ------------------------------------------------------------------
E="$TMP/esp"; mkdir "$E"
expect_exit 0 "$BCDBOOT" "$W" /s "$E" /f UEFI $DEV /l de-DE
for f in EFI/Microsoft/Boot/BCD EFI/Microsoft/Boot/bootmgfw.efi EFI/Microsoft/Boot/memtest.efi \
	 EFI/Microsoft/Boot/en-US/bootmgfw.efi.mui EFI/Microsoft/Boot/Fonts/segmono_boot.ttf \
	 EFI/Microsoft/Boot/Resources/bootres.dll EFI/Boot/bootx64.efi; do
	[ -f "$E/$f" ] || fail "UEFI: $f missing"
done
[ -d "$E/EFI/Microsoft/Recovery" ] || fail "UEFI: no \\EFI\\Microsoft\\Recovery"
cmp -s "$E/EFI/Boot/bootx64.efi" "$W/Boot/EFI/bootmgfw.efi" || fail "bootx64.efi is not bootmgfw.efi"
[ ! -e "$E/bootmgr" ] && [ ! -e "$E/Boot" ] || fail "UEFI wrote BIOS files"
check_store "$E/EFI/Microsoft/Boot/BCD"
D="$E/EFI/Microsoft/Boot/BCD.dump"
[ "$(elem "$D" 10100002 12000002)" = "$(utf16 '\EFI\Microsoft\Boot\bootmgfw.efi')" ] || fail "UEFI {bootmgr} path"
[ "$(elem "$D" 10200003 12000002)" = "$(utf16 '\Windows\system32\winload.efi')" ] || fail "UEFI loader path"
[ "$(elem "$D" 10200004 12000002)" = "$(utf16 '\Windows\system32\winresume.efi')" ] || fail "UEFI resume path"
[ "$(elem "$D" 10200005 12000002)" = "$(utf16 '\EFI\Microsoft\Boot\memtest.efi')" ] || fail "UEFI memdiag path"
[ "$(elem "$D" 10200003 12000005)" = "$(utf16 'de-DE')" ] || fail "/l did not set the locale"
[ "$(elem "$D" 10200003 16000060)" = 01 ] || fail "UEFI loader without isolatedcontext"
cp "$E/EFI/Microsoft/Boot/BCD" "$TMP/uefi1"
expect_exit 0 "$BCDBOOT" "$W" /s "$E" /f UEFI $DEV /l de-DE
$CHECK same "$TMP/uefi1" "$E/EFI/Microsoft/Boot/BCD" >/dev/null || fail "second UEFI run changed the store"

A="$TMP/all"; mkdir "$A"
expect_exit 0 "$BCDBOOT" "$W" /s "$A" /f ALL $DEV
check_store "$A/Boot/BCD"
check_store "$A/EFI/Microsoft/Boot/BCD"
[ -f "$A/bootmgr" ] && [ -f "$A/EFI/Boot/bootx64.efi" ] || fail "ALL: files of one firmware missing"
l1=$(awk '$2 == "10200003" { print $1; exit }' "$A/Boot/BCD.dump")
l2=$(awk '$2 == "10200003" { print $1; exit }' "$A/EFI/Microsoft/Boot/BCD.dump")
[ -n "$l1" ] && [ "$l1" != "$l2" ] || fail "ALL: the two stores share a loader GUID"
# Without /f: an EFI folder in the target means UEFI.
expect_exit 0 "$BCDBOOT" "$W" /s "$E" $DEV
[ ! -e "$E/bootmgr" ] || fail "default firmware of a target with an EFI folder is not UEFI"

# ---- the template ------------------------------------------------------------------------
if [ -f "${BK_CORPUS:-/nonexistent}/bcd/ms-build-BCDTemplate.HIV" ]; then
	cp "$BK_CORPUS/bcd/ms-build-BCDTemplate.HIV" "$W/System32/config/BCD-Template"
	chmod u+w "$W/System32/config/BCD-Template"
	T="$TMP/tesp"; mkdir "$T"
	expect_exit 0 "$BCDBOOT" "$W" /s "$T" /f UEFI $DEV /v
	grep -q 'Using the template' "$TMP/out" || fail "the BCD-Template was not used"
	check_store "$T/EFI/Microsoft/Boot/BCD"
	D="$T/EFI/Microsoft/Boot/BCD.dump"
	# Taken from the EFI target template: flightsigning; left out: winpe.
	[ "$(elem "$D" 10200003 1600007e)" = 01 ] || fail "loader lacks the target template's flightsigning"
	[ -z "$(elem "$D" 10200003 26000022)" ] || fail "loader took winpe from the template"
	awk '{ print $3 }' "$D" | grep -q '^4' && fail "a template-only (class 4) element was copied"
	for g in 7254a080-1510-4e85-ac0f-e7fb3d444736 cbd971bf-b7b8-4885-951a-fa03044f5d71 \
		 a1943bbc-ea85-487c-97c7-c9ede908a38a b012b84d-c47c-4ed5-b722-c0c42163e569 \
		 466f5a88-0af2-4f76-9038-095b170dc21c; do
		grep -q "{$g}" "$D" && fail "template object {$g} copied into the store"
	done
	[ "$(elem "$D" '{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}' 16000020)" = 00 ] || fail "bootems not No"
	rm "$W/System32/config/BCD-Template"
else
	echo "note: corpus template absent; template part skipped"
fi

# ---- never outside TARGET ----------------------------------------------------------------------
X="$TMP/planted"; mkdir "$X" "$TMP/outside"
ln -s "$TMP/outside" "$X/Boot"
expect_exit 1 "$BCDBOOT" "$W" /s "$X" /f BIOS $DEV
grep -q 'symbolic link' "$TMP/err" || fail "no word about the planted link: $(cat "$TMP/err")"
grep -qx 'Failure when attempting to copy boot files.' "$TMP/err" || fail "no failure line"
[ -z "$(ls -A "$TMP/outside")" ] || fail "wrote through a planted symbolic link"

# ---- usage -------------------------------------------------------------------------------------
expect_exit 2 "$BCDBOOT" "$W" /s "$S" /f FOO
expect_exit 2 "$BCDBOOT"
expect_exit 1 "$BCDBOOT" "$W" $DEV
grep -q 'with /s' "$TMP/err" || fail "a folder WINDIR without /s: no hint"
echo "ok"
