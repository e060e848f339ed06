#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdboot on images, without mounting: Windows inside a VHD and inside a
# VHDX on a USB stick image (UEFI into the FAT32 ESP, BIOS into the active
# NTFS partition), and Windows on a plain partition (MBR and GPT, TARGET
# found by itself).  The loader's devices are decoded here, independently:
# the VHD's inner partition, its host partition (the stick's signature and
# offset) and its path.  Stores are read back with libhivex, a second run
# gives the same store apart from timestamps, and the file systems pass
# fsck.fat / ntfsfix afterwards.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need_ntfs
need hivexregedit
need mkfs.fat
need fsck.fat
need ntfsfix
need iconv

mk_windows "$TMP/tree/Windows" "Windows 11 Enterprise (synthetic)"
store_of() {   # IMAGE:PART:\PATH OUT: extract a store and check it
	"$VHDTOOL" cat "$1" > "$2" || fail "cannot read $1"
	check_store "$2"
}
loader_dev() {   # DUMP ELEMENT: device bytes of the loader
	awk -v e="$2" '$2 == "10200003" && $3 == e { print $4; exit }' "$1"
}
usb_sig() {
	"$VHDTOOL" partition "$1" | sed -n 's/^signature: 0x\(.*\)/\1/p' | tr 'A-F' 'a-f'
}

for kind in vhd vhdx; do
	U="$TMP/usb-$kind.img"
	V="$TMP/win.$kind"
	mk_winvhd "$V" "$TMP/tree"
	mk_usb "$U"
	"$VHDTOOL" cp "$V" "$U:2:\\win.$kind" >/dev/null
	inner="mbr:$(usb_sig "$V"):1048576"
	host="mbr:$(usb_sig "$U"):105906176"

	# UEFI into the ESP; Windows read from the VHD inside partition 2.
	expect_exit 0 "$BCDBOOT" "$U:2:\\win.$kind:1:\\Windows" /s "$U:1" /f UEFI
	grep -qx 'Boot files successfully created.' "$TMP/out" || fail "$kind: no success message"
	store_of "$U:1:\\EFI\\Microsoft\\Boot\\BCD" "$TMP/u.bcd"
	for e in 11000001 21000001; do
		got=$($CHECK device "$(loader_dev "$TMP/u.bcd.dump" $e)")
		[ "$got" = "inner=$inner host=$host path=\\win.$kind" ] ||
			fail "$kind UEFI loader $e decodes to: $got"
	done
	res=$(awk '$2 == "10200004" && $3 == "11000001" { print $4 }' "$TMP/u.bcd.dump")
	[ "$res" = "$(loader_dev "$TMP/u.bcd.dump" 21000001)" ] || fail "$kind: resume device differs"
	[ "$(elem "$TMP/u.bcd.dump" 10200003 12000004)" = "$(utf16 'Windows 11 Enterprise (synthetic)')" ] ||
		fail "$kind: ProductName not read from the VHD's SOFTWARE hive"
	"$BCDEDIT" --store "$TMP/u.bcd" --map "D:=$U:2" /enum '{default}' > "$TMP/enum"
	grep -q "^osdevice  *vhd=\\[D:\\]\\\\win.$kind" "$TMP/enum" ||
		fail "$kind: bcdedit does not show vhd=[D:]\\win.$kind: $(grep osdevice "$TMP/enum")"
	"$VHDTOOL" cat "$U:1:\\EFI\\Boot\\bootx64.efi" | cmp -s - "$TMP/tree/Windows/Boot/EFI/bootmgfw.efi" ||
		fail "$kind: \\EFI\\Boot\\bootx64.efi"

	# BIOS into the active NTFS partition that holds the VHD.
	expect_exit 0 "$BCDBOOT" "$U:2:\\win.$kind:1:\\Windows" /s "$U:2" /f BIOS
	grep -q 'cannot BIOS-boot Windows' "$TMP/err" || fail "$kind: no warning about the volume boot code"
	store_of "$U:2:\\Boot\\BCD" "$TMP/b.bcd"
	got=$($CHECK device "$(loader_dev "$TMP/b.bcd.dump" 21000001)")
	[ "$got" = "inner=$inner host=$host path=\\win.$kind" ] || fail "$kind BIOS osdevice: $got"
	[ "$(elem "$TMP/b.bcd.dump" 10100002 11000001)" != "" ] || fail "$kind: {bootmgr} without a device"
	"$VHDTOOL" cat "$U:2:\\bootmgr" | cmp -s - "$TMP/tree/Windows/Boot/PCAT/bootmgr" || fail "$kind: bootmgr"
	cmp -s -n 440 "$U" /usr/lib/syslinux/mbr/mbr.bin || fail "$kind: MBR boot code not written"
	if [ "$kind" = vhd ] && command -v ntfsinfo >/dev/null 2>&1; then
		part_raw "$U" 2 "$TMP/ntfs.raw"
		ntfsinfo -F /bootmgr "$TMP/ntfs.raw" | grep -q 'File attributes:.*READONLY HIDDEN SYSTEM' ||
			fail "bootmgr is not read-only, hidden and system"
		ntfsinfo -F /Boot "$TMP/ntfs.raw" | grep -q 'File attributes:.*HIDDEN SYSTEM' ||
			fail "\\Boot is not hidden and system"
		rm -f "$TMP/ntfs.raw"
	fi
	[ "$("$VHDTOOL" partition "$U" --json | python3 -c 'import json,sys; print([p["number"] for p in json.load(sys.stdin)["partitions"] if p["active"]])')" = "[2]" ] ||
		fail "$kind: the system partition is not the only active one"

	# A second run: the same store apart from timestamps, other files unchanged.
	cp "$TMP/b.bcd" "$TMP/b1.bcd"
	"$VHDTOOL" cat "$U:2:\\win.$kind" | sha256sum > "$TMP/vhdsum"
	expect_exit 0 "$BCDBOOT" "$U:2:\\win.$kind:1:\\Windows" /s "$U:2" /f BIOS
	store_of "$U:2:\\Boot\\BCD" "$TMP/b.bcd"
	$CHECK same "$TMP/b1.bcd" "$TMP/b.bcd" >/dev/null || fail "$kind: second run changed the store"
	"$VHDTOOL" cat "$U:2:\\win.$kind" | sha256sum | cmp -s - "$TMP/vhdsum" || fail "$kind: the VHD changed"

	# The same with --host and the VHD given as a host file.
	expect_exit 0 "$BCDBOOT" "$V:1:\\Windows" /s "$U:1" /f UEFI --host "$U:2:\\win.$kind"
	store_of "$U:1:\\EFI\\Microsoft\\Boot\\BCD" "$TMP/h.bcd"
	got=$($CHECK device "$(loader_dev "$TMP/h.bcd.dump" 21000001)")
	[ "$got" = "inner=$inner host=$host path=\\win.$kind" ] || fail "$kind --host: $got"
	[ "$(grep -c ' 10200003 21000001 ' "$TMP/h.bcd.dump")" = 1 ] || fail "$kind --host: duplicate loader"

	# The file systems are consistent for outside checkers.
	part_raw "$U" 1 "$TMP/esp.raw"
	fsck.fat -n "$TMP/esp.raw" >"$TMP/fsck.out" 2>&1 || { cat "$TMP/fsck.out" >&2; fail "$kind: fsck.fat"; }
	part_raw "$U" 2 "$TMP/ntfs.raw"
	ntfsfix -n "$TMP/ntfs.raw" >"$TMP/ntfsfix.out" 2>&1 || { cat "$TMP/ntfsfix.out" >&2; fail "$kind: ntfsfix -n"; }
	rm -f "$TMP/esp.raw" "$TMP/ntfs.raw" "$U" "$V"
done

# ---- /s naming the disk only: /f ALL puts UEFI on the ESP, BIOS on the active partition
U="$TMP/usb-all.img"
mk_usb "$U"
mk_winvhd "$TMP/all.vhd" "$TMP/tree"
"$VHDTOOL" cp "$TMP/all.vhd" "$U:2:\\all.vhd" >/dev/null
expect_exit 0 "$BCDBOOT" "$U:2:\\all.vhd:1:\\Windows" /s "$U" /f ALL
store_of "$U:1:\\EFI\\Microsoft\\Boot\\BCD" "$TMP/a1.bcd"
store_of "$U:2:\\Boot\\BCD" "$TMP/a2.bcd"
"$VHDTOOL" ls "$U:1:\\" | grep -q bootmgr && fail "ALL: bootmgr on the ESP"
"$VHDTOOL" ls "$U:2:\\" | grep -q bootmgr || fail "ALL: no bootmgr on the active partition"
"$VHDTOOL" ls "$U:2:\\" | grep -q EFI && fail "ALL: UEFI files on the NTFS partition"
cmp -s -n 440 "$U" /usr/lib/syslinux/mbr/mbr.bin || fail "ALL: MBR boot code not written"
rm -f "$U" "$TMP/all.vhd"

# ---- a damaged store at the target: a clear error, nothing written
U="$TMP/usb-bad.img"
mk_usb "$U"
mk_winvhd "$TMP/bad.vhd" "$TMP/tree"
"$VHDTOOL" cp "$TMP/bad.vhd" "$U:2:\\bad.vhd" >/dev/null
"$VHDTOOL" mkdir -p "$U:1:\\EFI\\Microsoft\\Boot" >/dev/null
head -c 8192 /dev/urandom > "$TMP/junk"
"$VHDTOOL" cp "$TMP/junk" "$U:1:\\EFI\\Microsoft\\Boot\\BCD" >/dev/null
before=$(sha256sum < "$U")
expect_exit 1 "$BCDBOOT" "$U:2:\\bad.vhd:1:\\Windows" /s "$U:1" /f UEFI
grep -q 'EFI.Microsoft.Boot.BCD' "$TMP/err" || fail "damaged store: the error does not name it: $(cat "$TMP/err")"
grep -qx 'Failure when attempting to copy boot files.' "$TMP/err" || fail "damaged store: no failure line"
[ "$(sha256sum < "$U")" = "$before" ] || fail "damaged store: the image was changed"
# A nested path image-path.c's split refuses: one clear line, nothing written.
expect_exit 1 "$BCDBOOT" "$U:2:\\bad.vhd:1:\\in.vhd:1:\\Windows" /s "$U:1" /f UEFI
[ "$(grep -c '^bcdboot: ' "$TMP/err")" = 1 ] &&
	grep -q 'in.vhd:1:.*a VHD inside a VHD inside an image' "$TMP/err" ||
	fail "two nested VHDs: $(cat "$TMP/err")"
expect_exit 1 "$BCDBOOT" "$U:2:\\bad.vhd:999:\\Windows" /s "$U:1" /f UEFI
grep -q 'bad.vhd:999:.*999: not a partition number' "$TMP/err" || fail "partition 999: $(cat "$TMP/err")"
[ "$(sha256sum < "$U")" = "$before" ] || fail "refused nested paths: the image was changed"
rm -f "$U" "$TMP/bad.vhd"

# ---- Windows on a plain partition: no /s, the active partition (BIOS) -----------------
P="$TMP/disk.vhdx"
"$VHDTOOL" build "$P" --size 64M --mbr --part ntfs:rest:active >/dev/null
"$VHDTOOL" cp -r "$TMP/tree/Windows" "$P:1:\\" >/dev/null
expect_exit 0 "$BCDBOOT" "$P:1:\\Windows"
store_of "$P:1:\\Boot\\BCD" "$TMP/p.bcd"
sig=$(usb_sig "$P")
want=$(printf '%032d06000000000000004800000000000000%s%016d0000000001000000%s%024d%032d' \
	0 0000100000000000 0 "$(echo "$sig" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')" 0 0)
[ "$(loader_dev "$TMP/p.bcd.dump" 21000001)" = "$want" ] || fail "plain partition: osdevice"
[ "$(elem "$TMP/p.bcd.dump" 10100002 11000001)" = "$want" ] || fail "plain partition: {bootmgr} device"

# ---- GPT: no /s, the ESP (UEFI by the partition type) ---------------------------------
G="$TMP/gpt.img"
"$VHDTOOL" build "$G" --size 200M --gpt --part esp:100M --part ntfs:rest >/dev/null
mkfs.fat -F 32 -h 2048 -n ESP -C "$TMP/gesp" 102400 >/dev/null
dd if="$TMP/gesp" of="$G" bs=1M seek=1 conv=notrunc status=none
"$VHDTOOL" cp -r "$TMP/tree/Windows" "$G:2:\\" >/dev/null
expect_exit 0 "$BCDBOOT" "$G:2:\\Windows"
store_of "$G:1:\\EFI\\Microsoft\\Boot\\BCD" "$TMP/g.bcd"
"$BCDEDIT" --store "$TMP/g.bcd" --map "C:=$G:2" --map "S:=$G:1" /enum > "$TMP/genum"
grep -q '^device  *partition=S:' "$TMP/genum" || fail "GPT: {bootmgr} is not on the ESP"
grep -q '^osdevice  *partition=C:' "$TMP/genum" || fail "GPT: osdevice is not the Windows partition"
grep -q 'winload.efi' "$TMP/genum" || fail "GPT: not a UEFI store"
echo "ok"
