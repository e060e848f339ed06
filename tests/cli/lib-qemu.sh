# SPDX-License-Identifier: GPL-3.0-or-later
# Real firmware for the end-to-end tests (sourced after lib.sh): boot a disk
# image in qemu-system-x86_64 under TCG (no KVM needed) with OVMF (UEFI) or
# SeaBIOS (BIOS) and watch the serial console for markers that a probe
# prints.
#
# UEFI probe: a GRUB EFI image made with grub-mkstandalone whose embedded
# grub.cfg prints markers, looks for files by searching every partition and
# prints their SHA-256, then halts (which ends QEMU).  Place it where the
# firmware or a boot manager looks (\EFI\Boot\bootx64.efi, or as
# \EFI\Microsoft\Boot\bootmgfw.efi for a bcdboot test).
#
#   probe_cfg_begin CFG                      start a grub.cfg
#   probe_cfg_echo CFG MARKER                print MARKER
#   probe_cfg_file CFG PATH MARKER           if some partition has PATH, print
#                                            MARKER and the file's SHA-256 (so
#                                            the test proves it was read whole)
#   probe_cfg_exists CFG PATH MARKER         same without reading it (large files)
#   probe_cfg_end CFG                        print BCDKIT-PROBE-END and halt
#   grub_probe_build CFG OUT.efi
#
# BIOS probe: tests/cli/probe-bootsector.asm, a boot sector that prints
# "BCDKIT-BIOS-PROBE dl=.. hidden=........ sig=AA55" on COM1 and ends QEMU.
#
#   bios_probe_build OUT.bin                 (nasm)
#   bios_probe_install_mbr RAWIMG PROBE      as the disk's MBR code (table kept)
#   bios_probe_install_vbr RAWIMG OFFSET PROBE
#                                            as the boot code of the volume at
#                                            byte OFFSET (its BPB kept)
#
# Booting (the image is opened with snapshot=on: the guest never changes it):
#
#   qemu_boot_uefi IMG FORMAT LOG MARKER...  FORMAT: raw, vpc (VHD) or vhdx
#   qemu_boot_bios IMG FORMAT LOG MARKER...
#
# Each returns 0 once every MARKER (a fixed string) is on the serial console,
# or 1 after $QEMU_TIMEOUT seconds (default 120; TCG on a busy machine) or
# when QEMU ends without them, showing the console's last lines.  QEMU is
# always stopped: on return, and by the EXIT trap if the test dies.
# $QEMU_IF picks the disk's bus: virtio (default), ide, or usb (a USB stick
# on an xHCI controller).  Tests skip (exit 77) with qemu_need_uefi or
# qemu_need_bios where QEMU, the firmware, GRUB or nasm is missing.

QEMU=${QEMU:-qemu-system-x86_64}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}
GRUB_EFI_DIR=${GRUB_EFI_DIR:-/usr/lib/grub/x86_64-efi}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}
QEMU_IF=${QEMU_IF:-virtio}
QEMU_PID=

# GRUB modules the probe needs: partition tables, FAT and NTFS, search by
# file, hashing, test, halt.
PROBE_GRUB_MODULES="part_gpt part_msdos fat ntfs search search_fs_file hashsum
  gcry_sha256 echo test halt"

qemu_stop() {
	if [ -n "$QEMU_PID" ]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
		QEMU_PID=
	fi
}
trap 'qemu_stop; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

qemu_need_uefi() {
	command -v "$QEMU" >/dev/null 2>&1 || skip "$QEMU not installed (qemu-system-x86)"
	[ -r "$OVMF_CODE" ] && [ -r "$OVMF_VARS" ] || skip "OVMF not installed ($OVMF_CODE)"
	command -v grub-mkstandalone >/dev/null 2>&1 || skip "grub-mkstandalone not installed (grub-common)"
	[ -r "$GRUB_EFI_DIR/hashsum.mod" ] || skip "GRUB EFI modules not installed (grub-efi-amd64-bin)"
}

qemu_need_bios() {
	command -v "$QEMU" >/dev/null 2>&1 || skip "$QEMU not installed (qemu-system-x86)"
	[ -r "$SEABIOS" ] || skip "SeaBIOS not installed ($SEABIOS)"
	command -v nasm >/dev/null 2>&1 || skip "nasm not installed"
}

# ---- the UEFI probe ------------------------------------------------------------

probe_cfg_begin() {
	printf '%s\n' "echo BCDKIT-PROBE-START" > "$1"
}

probe_cfg_echo() {
	printf 'echo %s\n' "$2" >> "$1"
}

# PATH with / separators, from the volume root.
probe_cfg_file() {
	cat >> "$1" <<EOF
if search --no-floppy --file --set=found "$2"; then
  echo "$3 (\$found)"
  hashsum --hash sha256 "(\$found)$2"
fi
EOF
}

probe_cfg_exists() {
	cat >> "$1" <<EOF
if search --no-floppy --file --set=found "$2"; then
  if [ -s "(\$found)$2" ]; then echo "$3 (\$found)"; fi
fi
EOF
}

probe_cfg_end() {
	printf '%s\n' "echo BCDKIT-PROBE-END" "halt" >> "$1"
}

# grub_probe_build CFG OUT: a standalone GRUB EFI image with CFG embedded.
grub_probe_build() {
	# shellcheck disable=SC2086
	grub-mkstandalone -O x86_64-efi -d "$GRUB_EFI_DIR" -o "$2" \
		--modules="$(echo $PROBE_GRUB_MODULES)" \
		--install-modules="$(echo $PROBE_GRUB_MODULES)" \
		--locales= --themes= --fonts= "boot/grub/grub.cfg=$1" ||
		fail "grub-mkstandalone could not build the probe"
}

# ---- the BIOS probe --------------------------------------------------------------

bios_probe_build() {
	nasm -f bin -o "$1" "$top_srcdir/tests/cli/probe-bootsector.asm" ||
		fail "nasm could not assemble the probe boot sector"
	[ "$(wc -c < "$1")" = 512 ] || fail "the probe boot sector is not 512 bytes"
}

# Bytes 0..0x1B7 only: the disk signature, the partition table and 0x55AA stay.
bios_probe_install_mbr() {
	dd if="$2" of="$1" bs=1 count=440 conv=notrunc status=none
}

# The jump (0..2) and the code (0x5A..0x1FF); the volume's BPB (3..0x59) stays.
bios_probe_install_vbr() {
	dd if="$3" of="$1" bs=1 count=3 seek="$2" conv=notrunc status=none
	dd if="$3" of="$1" bs=1 skip=90 count=422 seek=$(($2 + 90)) conv=notrunc status=none
}

# ---- booting ---------------------------------------------------------------------

qemu_disk_args() {
	case "$QEMU_IF" in
	usb)
		echo "-drive file=$1,format=$2,if=none,id=stick,snapshot=on" \
			"-device qemu-xhci -device usb-storage,drive=stick,bootindex=0" ;;
	ide)
		echo "-drive file=$1,format=$2,if=ide,snapshot=on" ;;
	*)
		echo "-drive file=$1,format=$2,if=none,id=disk,snapshot=on" \
			"-device virtio-blk-pci,drive=disk,bootindex=0" ;;
	esac
}

# The console without terminal escapes, for grep and for people.
qemu_console_text() {
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r//g' "$1"
}

# qemu_run LOG MARKER... with QEMU_ARGS set: start, wait, stop.
qemu_run() {
	log=$1; shift
	: > "$log"
	case "$log" in *' '*) fail "qemu_run: no spaces in the log path ($log)" ;; esac
	# shellcheck disable=SC2086
	"$QEMU" -accel tcg -machine q35 -m 256 -display none -no-reboot -net none \
		-monitor none -serial "file:$log" $QEMU_ARGS \
		</dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	waited=0
	while :; do
		missing=
		for m in "$@"; do
			qemu_console_text "$log" | grep -aqF -- "$m" || missing="$missing [$m]"
		done
		[ -z "$missing" ] && break
		if ! kill -0 "$QEMU_PID" 2>/dev/null || [ "$waited" -ge $((QEMU_TIMEOUT * 2)) ]; then
			qemu_stop
			echo "qemu: not seen on the console after $((waited / 2)) s:$missing" >&2
			qemu_console_text "$log" | tail -n 25 >&2
			cat "$log.qemu" >&2
			return 1
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	qemu_stop
	return 0
}

qemu_boot_uefi() {
	img=$1 fmt=$2 log=$3
	shift 3
	cp "$OVMF_VARS" "$log.vars"
	QEMU_ARGS="-drive if=pflash,format=raw,readonly=on,file=$OVMF_CODE
		-drive if=pflash,format=raw,file=$log.vars $(qemu_disk_args "$img" "$fmt")"
	qemu_run "$log" "$@"
}

qemu_boot_bios() {
	img=$1 fmt=$2 log=$3
	shift 3
	QEMU_ARGS="-bios $SEABIOS -device isa-debug-exit,iobase=0xf4,iosize=0x04
		$(qemu_disk_args "$img" "$fmt")"
	qemu_run "$log" "$@"
}
