#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The reference scenario booted by real firmware.  Windows (synthetic) in an
# expandable VHD on the NTFS partition of a USB stick image; bcdboot /f ALL
# writes the ESP (UEFI) and the active NTFS partition (BIOS).
#  UEFI: the synthetic tree's bootmgfw.efi is a GRUB EFI probe; OVMF starts
#        it from \EFI\Boot\bootx64.efi (the copy bcdboot makes) and it must
#        read \EFI\Microsoft\Boot\BCD whole (its SHA-256 is compared) and find
#        the VHD on the stick.
#  BIOS: SeaBIOS runs the MBR code bcdboot wrote, which must load the active
#        partition's boot sector: a probe boot sector placed there as the
#        volume boot code prints the drive and its hidden sectors.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
. "$top_srcdir/tests/cli/lib-qemu.sh"
need_ntfs
need mkfs.fat
qemu_need_uefi

W="$TMP/tree/Windows"
mk_windows "$W"
probe_cfg_begin "$TMP/grub.cfg"
probe_cfg_echo "$TMP/grub.cfg" BCDKIT-PROBE-BOOTMGFW
probe_cfg_file "$TMP/grub.cfg" /EFI/Microsoft/Boot/BCD BCDKIT-FOUND-BCD
probe_cfg_exists "$TMP/grub.cfg" /win.vhd BCDKIT-FOUND-VHD
probe_cfg_end "$TMP/grub.cfg"
grub_probe_build "$TMP/grub.cfg" "$W/Boot/EFI/bootmgfw.efi"

mk_winvhd "$TMP/win.vhd" "$TMP/tree"
U="$TMP/usb.img"
mk_usb "$U"
"$VHDTOOL" cp "$TMP/win.vhd" "$U:2:\\win.vhd" >/dev/null
# /s names the stick: UEFI goes to its ESP, BIOS to its active partition.
expect_exit 0 "$BCDBOOT" "$U:2:\\win.vhd:1:\\Windows" /s "$U" /f ALL
bcd=$("$VHDTOOL" cat "$U:1:\\EFI\\Microsoft\\Boot\\BCD" | sha256sum | cut -d' ' -f1)

qemu_boot_uefi "$U" raw "$TMP/uefi.log" BCDKIT-PROBE-BOOTMGFW BCDKIT-FOUND-BCD "$bcd" \
	BCDKIT-FOUND-VHD BCDKIT-PROBE-END || fail "UEFI: the stick did not reach the boot manager's place"
echo "ok: OVMF started bootmgfw.efi's stand-in, which read \\EFI\\Microsoft\\Boot\\BCD and found \\win.vhd"

qemu_need_bios
bios_probe_build "$TMP/probe.bin"
off=$("$VHDTOOL" partition "$U" --json | python3 -c 'import json,sys; print([p["offset"] for p in json.load(sys.stdin)["partitions"] if p["number"] == 2][0])')
bios_probe_install_vbr "$U" "$off" "$TMP/probe.bin"
hidden=$(printf '%08X' $((off / 512)))
qemu_boot_bios "$U" raw "$TMP/bios.log" "BCDKIT-BIOS-PROBE dl=80 hidden=$hidden sig=AA55" ||
	fail "BIOS: the MBR code did not load the active partition's boot sector"
echo "ok: SeaBIOS ran bcdboot's MBR code, which loaded the active partition's boot sector"
