#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The bcdkit demo: a short hivetool session on a sample hive that the
# repository makes itself (scripts/mkhive.py, independent of bcdkit), then
# the reference scenario: Windows in an expandable VHD on a USB stick, made
# bootable by bcdboot, all on image files, as an unprivileged user.
# Run from the top of a built tree; BUILD may point at another build folder.
# Output goes to stdout; any failing step stops the demo with an error.  The
# files it makes are kept in a folder (DEMO_OUT, or a new one) named at the end.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
out=${DEMO_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/bcdkit-demo.XXXXXX")}
mkdir -p "$out"
hivetool="$build/hivetool"
vhdtool="$build/vhdtool"
bcdedit="$build/bcdedit"
bcdboot="$build/bcdboot"

step() {
	printf '\n$ %s\n' "$*" | sed "s|$out/||g; s|$build/||g"
	"$@"
}

python3 "$top/scripts/mkhive.py" "$top/fixtures/sample.spec" "$out/sample.hiv"
echo "== bcdkit demo: a sample hive made by scripts/mkhive.py =="
step "$hivetool" info "$out/sample.hiv"
step "$hivetool" ls "$out/sample.hiv" -r
step "$hivetool" get "$out/sample.hiv" 'HKLM\DEMO\Software\Vendor\App' Version
step "$hivetool" get "$out/sample.hiv" 'Software\Vendor\App' Count --json

# The reference scenario: Windows installed in an expandable VHD, booted by
# a boot manager on a USB stick, no other disk involved.  The Windows tree is
# SYNTHETIC: every "binary" is a line of text naming what it stands for (no
# Microsoft file is used or needed); its SOFTWARE hive and BCD-Template are
# made by bcdkit.
echo
echo "== Windows in a VHD on a USB stick, made bootable offline =="
w="$out/tree/Windows"
mkdir -p "$w/Boot/PCAT/en-US" "$w/Boot/EFI/en-US" "$w/Boot/Fonts" "$w/Boot/Resources" \
	"$w/System32/config"
for f in Boot/PCAT/bootmgr Boot/PCAT/memtest.exe Boot/PCAT/en-US/bootmgr.exe.mui \
	 Boot/EFI/bootmgfw.efi Boot/EFI/memtest.efi Boot/EFI/en-US/bootmgfw.efi.mui \
	 Boot/Fonts/segmono_boot.ttf Boot/Resources/bootres.dll \
	 System32/winload.exe System32/winload.efi System32/winresume.exe System32/winresume.efi \
	 System32/ntoskrnl.exe; do
	echo "SYNTHETIC stand-in for Windows\\$f, made by the bcdkit demo" > "$w/$f"
done
sw="$w/System32/config/SOFTWARE"
step "$hivetool" create "$sw" --root ROOT
step "$hivetool" mkkey "$sw" 'Microsoft\Windows NT\CurrentVersion' -p
step "$hivetool" set "$sw" 'Microsoft\Windows NT\CurrentVersion' ProductName REG_SZ \
	'Windows 10 Pro (synthetic demo)'
# A BCD-Template as Windows ships one holds the boot manager's defaults.
tpl="$w/System32/config/BCD-Template"
step "$bcdedit" /createstore "$tpl"
step "$bcdedit" /store "$tpl" /create "{bootmgr}" /d "Windows Boot Manager"
step "$bcdedit" /store "$tpl" /timeout 10

# imagex /capture, then diskpart + imagex /apply: an expandable VHD whose one
# NTFS partition holds the tree.
step wimlib-imagex capture "$out/tree" "$out/install.wim" "Synthetic Windows" --compress=none
step "$vhdtool" build "$out/x.vhd" --size 64M --type dynamic --mbr \
	--part "ntfs:rest:wim=$out/install.wim:1"
step "$vhdtool" ls "$out/x.vhd:1" /Windows/Boot

# The stick: a FAT32 EFI system partition (UEFI) and an active NTFS
# partition (BIOS) that holds the VHD.
step "$vhdtool" build "$out/usb.img" --size 200M --format raw --mbr \
	--part esp:100M --part ntfs:rest:active:label=USB
if ! "$vhdtool" ls "$out/usb.img:1" / >/dev/null 2>&1; then
	echo "(vhdtool build leaves the ESP unformatted here: mkfs.fat formats it)"
	step mkfs.fat -F 32 -h 2048 -n ESP -C "$out/esp.fat" 102400
	dd if="$out/esp.fat" of="$out/usb.img" bs=1M seek=1 conv=notrunc status=none
	rm -f "$out/esp.fat"
fi
step "$vhdtool" cp "$out/x.vhd" "$out/usb.img:2:\\x.vhd"

# The last step of the scenario: bcdboot vhddrive:\Windows /s usbdrive: /f ALL
step "$bcdboot" "$out/usb.img:2:\\x.vhd:1:\\Windows" /s "$out/usb.img" /f ALL /v
step "$vhdtool" ls "$out/usb.img:1" '\EFI\Microsoft\Boot'
step "$vhdtool" ls "$out/usb.img:2" '\'

# Both stores, copied out to look at (S: is the ESP, D: the NTFS partition).
"$vhdtool" cat "$out/usb.img:1:\\EFI\\Microsoft\\Boot\\BCD" > "$out/BCD-uefi"
"$vhdtool" cat "$out/usb.img:2:\\Boot\\BCD" > "$out/BCD-bios"
step "$bcdedit" --store "$out/BCD-uefi" --map S:="$out/usb.img:1" --map D:="$out/usb.img:2" /enum
step "$bcdedit" --store "$out/BCD-bios" --map D:="$out/usb.img:2" /enum
step "$hivetool" check "$out/BCD-uefi"
step "$hivetool" check "$out/BCD-bios"
if [ -x "$build/bcdverify" ]; then
	step "$build/bcdverify" "$out/usb.img"
fi
# BIOS: the MBR code is there and the partition is active; the volume boot
# code that loads bootmgr is Microsoft's (not free), so it is reported missing.
printf '\n$ vhdtool bootcode usb.img --check\n'
"$vhdtool" bootcode "$out/usb.img" --check || true

echo
echo "== demo finished =="
echo "The files it made are in $out"
