#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real UEFI firmware boots a FAT32 ESP made by "vhdtool build --gpt --part
# esp:260M" and filled by "vhdtool cp" (no mkfs.fat, no mtools): OVMF loads
# the GRUB probe from \EFI\Boot\bootx64.efi, which prints its marker, finds
# a file the test put in a subfolder and prints its SHA-256, and reads the
# BCD store that "bcdedit --store IMAGE:1:\EFI\Microsoft\Boot\BCD /set"
# committed inside the volume.  Once in a raw image, once in a dynamic VHDX
# (QEMU's own VHDX driver reads it).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
. "$top_srcdir/tests/cli/lib-qemu.sh"
BCDEDIT=$(bk_tool bcdedit)

qemu_need_uefi

probe_cfg_begin "$TMP/grub.cfg"
probe_cfg_echo "$TMP/grub.cfg" BCDKIT-PROBE-ESP
probe_cfg_file "$TMP/grub.cfg" /EFI/bcdkit/LongSubfolderName/deeper/marker.bin BCDKIT-FOUND-MARKER
probe_cfg_file "$TMP/grub.cfg" /EFI/Microsoft/Boot/BCD BCDKIT-FOUND-BCD
probe_cfg_end "$TMP/grub.cfg"
grub_probe_build "$TMP/grub.cfg" "$TMP/probe.efi"
head -c 5000 /dev/urandom > "$TMP/marker.bin"
marker_hash=$(sha256sum < "$TMP/marker.bin" | cut -d' ' -f1)

for fmt in raw vhdx; do
	img="$TMP/usb.$fmt"
	"$VHDTOOL" build "$img" --size 300M --format "$fmt" --gpt --part esp:260M >/dev/null
	"$VHDTOOL" mkdir -p "$img:1:\\EFI\\Boot" "$img:1:\\EFI\\bcdkit\\LongSubfolderName\\deeper" \
		"$img:1:\\EFI\\Microsoft\\Boot"
	"$VHDTOOL" cp "$TMP/probe.efi" "$img:1:\\EFI\\Boot\\bootx64.efi"
	"$VHDTOOL" cp "$TMP/marker.bin" "$img:1:\\EFI\\bcdkit\\LongSubfolderName\\deeper\\marker.bin"
	store="$img:1:\\EFI\\Microsoft\\Boot\\BCD"
	"$BCDEDIT" /createstore "$store" >/dev/null
	"$BCDEDIT" --store "$store" /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
	"$BCDEDIT" --store "$store" /set '{bootmgr}' timeout 4 >/dev/null
	bcd_hash=$("$VHDTOOL" cat "$store" | sha256sum | cut -d' ' -f1)
	qemu_boot_uefi "$img" "$fmt" "$TMP/boot-$fmt.log" BCDKIT-PROBE-ESP \
		BCDKIT-FOUND-MARKER "$marker_hash" BCDKIT-FOUND-BCD "$bcd_hash" BCDKIT-PROBE-END ||
		fail "OVMF did not boot the ESP made by vhdtool ($fmt)"
	echo "ok: OVMF booted the vhdtool-made ESP ($fmt), the probe read the subfolder file and the store"
	rm -f "$img"
done
