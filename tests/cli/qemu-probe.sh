#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The real-firmware harness (lib-qemu.sh) proven on images made by outside
# tools only (sgdisk, mkfs.fat, mtools, syslinux's MBR), so that a failure of
# the bcdkit-made images in other tests can be told apart from a harness
# failure.  UEFI: OVMF boots the GRUB probe from \EFI\Boot\bootx64.efi of a
# FAT32 ESP, which finds a file in a subfolder and prints its SHA-256, and
# does not find a file that is not there.  BIOS: SeaBIOS runs syslinux's MBR
# code, which loads the active partition's boot sector: our probe there
# prints the drive and the hidden sectors of the BPB it was installed into.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-qemu.sh"

qemu_need_uefi
command -v sgdisk >/dev/null 2>&1 || skip "sgdisk not installed (gdisk)"
command -v mkfs.fat >/dev/null 2>&1 || skip "mkfs.fat not installed (dosfstools)"
command -v mcopy >/dev/null 2>&1 || skip "mcopy not installed (mtools)"

# ---- UEFI ----
probe_cfg_begin "$TMP/grub.cfg"
probe_cfg_echo "$TMP/grub.cfg" BCDKIT-PROBE-UEFI
probe_cfg_file "$TMP/grub.cfg" /EFI/bcdkit/sub/marker.txt BCDKIT-FOUND-MARKER
probe_cfg_file "$TMP/grub.cfg" /EFI/bcdkit/absent.txt BCDKIT-FOUND-ABSENT
probe_cfg_end "$TMP/grub.cfg"
grub_probe_build "$TMP/grub.cfg" "$TMP/probe.efi"

head -c 3000 /dev/urandom > "$TMP/marker.txt"
hash=$(sha256sum "$TMP/marker.txt" | cut -d' ' -f1)
truncate -s 64M "$TMP/uefi.img"
sgdisk -o -n 1:2048:0 -t 1:ef00 "$TMP/uefi.img" >/dev/null 2>&1
start=2048
end=$(sgdisk -i 1 "$TMP/uefi.img" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
truncate -s $(((end - start + 1) * 512)) "$TMP/esp.img"
mkfs.fat -F 32 -h $start "$TMP/esp.img" >/dev/null
mmd -i "$TMP/esp.img" ::/EFI ::/EFI/Boot ::/EFI/bcdkit ::/EFI/bcdkit/sub
mcopy -i "$TMP/esp.img" "$TMP/probe.efi" ::/EFI/Boot/bootx64.efi
mcopy -i "$TMP/esp.img" "$TMP/marker.txt" ::/EFI/bcdkit/sub/marker.txt
dd if="$TMP/esp.img" of="$TMP/uefi.img" bs=512 seek=$start conv=notrunc status=none
before=$(sha256sum < "$TMP/uefi.img")

qemu_boot_uefi "$TMP/uefi.img" raw "$TMP/uefi.log" BCDKIT-PROBE-UEFI \
	BCDKIT-FOUND-MARKER "$hash" BCDKIT-PROBE-END || fail "UEFI probe on an mtools ESP"
if qemu_console_text "$TMP/uefi.log" | grep -q BCDKIT-FOUND-ABSENT; then
	fail "the probe claims to have found a file that is not there"
fi
[ "$(sha256sum < "$TMP/uefi.img")" = "$before" ] || fail "the guest changed the image"
printf '%s\n' 'ok: OVMF booted the GRUB probe, which read \EFI\bcdkit\sub\marker.txt'

# ---- BIOS ----
qemu_need_bios
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -r "$mbr" ] || skip "syslinux-common's mbr.bin not installed"
bios_probe_build "$TMP/probe.bin"
truncate -s 32M "$TMP/bios.img"
printf 'label: dos\nstart=2048, type=6, bootable\n' | sfdisk -q "$TMP/bios.img"
size=$(( $(wc -c < "$TMP/bios.img") / 512 - 2048 ))
truncate -s $((size * 512)) "$TMP/fat16.img"
mkfs.fat -F 16 -h 2048 "$TMP/fat16.img" >/dev/null
dd if="$TMP/fat16.img" of="$TMP/bios.img" bs=512 seek=2048 conv=notrunc status=none
dd if="$mbr" of="$TMP/bios.img" bs=440 count=1 conv=notrunc status=none
bios_probe_install_vbr "$TMP/bios.img" $((2048 * 512)) "$TMP/probe.bin"
# The file system is still valid with the probe as its boot code.
dd if="$TMP/bios.img" of="$TMP/check.img" bs=512 skip=2048 status=none
fsck.fat -n "$TMP/check.img" >/dev/null || fail "the probe damaged the FAT boot sector"

qemu_boot_bios "$TMP/bios.img" raw "$TMP/bios.log" \
	"BCDKIT-BIOS-PROBE dl=80 hidden=00000800 sig=AA55" || fail "BIOS probe behind syslinux's MBR"
echo "ok: SeaBIOS ran the MBR code, which loaded the active partition's boot sector"
