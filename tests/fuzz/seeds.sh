#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Assemble the seed corpus of every fuzz target into OUTDIR/TARGET/ (a build
# folder; nothing here is ever copied into the repository).  Sources: the
# Windows-written files of $BK_CORPUS (linked, or unpacked where compressed or
# packed for a target), the fixture hives built from fixtures/*.spec, small
# files made with the tools of this build, and fixtures/fuzz/TARGET/ (the
# minimised inputs of past findings).  Works without the corpus, with fewer
# seeds.  Usage: seeds.sh OUTDIR (with top_srcdir, top_builddir, BK_CORPUS set).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
OUT=$1
C=${BK_CORPUS:-/nonexistent}
T="$top_srcdir/tests/fuzz/seed-text"
HIVETOOL="$top_builddir/hivetool"
VHDTOOL="$top_builddir/vhdtool"
rm -rf "$OUT"
for t in hive-open hive-log reg-import bcd-decode bcd-text vhd vhdx label ntfs fat fs-file \
	 image-path; do
	mkdir -p "$OUT/fuzz-$t"
	# Large ones are stored compressed.
	for f in "$top_srcdir/fixtures/fuzz/fuzz-$t"/*; do
		case $f in
		*.gz) gzip -dc "$f" >"$OUT/fuzz-$t/$(basename "$f" .gz)" ;;
		*) [ -e "$f" ] && cp "$f" "$OUT/fuzz-$t/" ;;
		esac
	done
done
n=0
addseed() { n=$((n + 1)); ln -s "$1" "$OUT/$2/$n-$(basename "$1")"; }

# ---- hives: the corpus (primaries and logs alike) and the fixtures
if [ -d "$C" ]; then
	find "$C/hive" "$C/bcd" -type f | while read -r f; do addseed "$f" fuzz-hive-open; done
fi
for f in "$top_builddir"/fixtures/*.hiv; do
	[ -e "$f" ] && addseed "$f" fuzz-hive-open
done

# ---- log replay: a 12-byte header of three LE lengths, then primary and logs
pack() {
	python3 - "$@" <<'EOF'
import struct, sys
out, files = sys.argv[1], sys.argv[2:]
data = [open(f, 'rb').read() if f != '-' else b'' for f in files] + [b''] * 4
with open(out, 'wb') as o:
    o.write(struct.pack('<3I', len(data[0]), len(data[1]), len(data[2])))
    o.write(b''.join(data[:4]))
EOF
}
if [ -d "$C" ]; then
	for d in $(find "$C/hive" "$C/bcd" -mindepth 1 -type d); do
		prim=$(find "$d" -type f ! -name '*.LOG*' | head -n 1)
		[ -n "$prim" ] || continue
		l0=-; l1=-; l2=-
		[ -e "$prim.LOG" ] && l0="$prim.LOG"
		[ -e "$prim.LOG1" ] && l1="$prim.LOG1"
		[ -e "$prim.LOG2" ] && l2="$prim.LOG2"
		pack "$OUT/fuzz-hive-log/$(basename "$d")" "$prim" "$l0" "$l1" "$l2"
		# The same logs named in another order: the other slots.
		pack "$OUT/fuzz-hive-log/$(basename "$d")-swapped" "$prim" "$l2" "$l0" "$l1"
	done
fi
for f in "$top_builddir"/fixtures/dirty-seq.hiv "$top_builddir"/fixtures/bad-checksum.hiv; do
	[ -e "$f" ] && pack "$OUT/fuzz-hive-log/$(basename "$f")" "$f"
done

# ---- .reg import: exports of small hives in both dialects, and hand-made lines
i=0
for f in "$top_builddir"/fixtures/sample.hiv "$top_builddir"/fixtures/big-data.hiv \
	 $(find "$C/bcd" "$C/hive" -maxdepth 1 -type f -size -40k 2>/dev/null); do
	[ -e "$f" ] || continue
	i=$((i + 1))
	"$HIVETOOL" export "$f" >"$OUT/fuzz-reg-import/$i.reg" 2>/dev/null || rm -f "$OUT/fuzz-reg-import/$i.reg"
	"$HIVETOOL" export "$f" --format reg4 >"$OUT/fuzz-reg-import/$i-4.reg" 2>/dev/null ||
		rm -f "$OUT/fuzz-reg-import/$i-4.reg"
done
cp "$T"/*.reg "$OUT/fuzz-reg-import/"

# ---- BCD elements and device text, from every store of the corpus
mkdir -p "$OUT/bcd/decode" "$OUT/bcd/text"
if [ -d "$C" ]; then
	# shellcheck disable=SC2046
	"$top_builddir/tests/fuzz/bcd-elements" "$OUT/bcd" $(find "$C/bcd" -type f ! -name '*.LOG*')
fi
mv "$OUT/bcd/decode"/* "$OUT/fuzz-bcd-decode/" 2>/dev/null || :
mv "$OUT/bcd/text"/* "$OUT/fuzz-bcd-text/" 2>/dev/null || :
rm -rf "$OUT/bcd"
# bcdedit /set lines, OBJECT|NAME|VALUE, one input each.
i=0
while IFS='|' read -r o nm v; do
	i=$((i + 1))
	printf '%s\n%s\n%s' "$o" "$nm" "$v" >"$OUT/fuzz-bcd-text/set-$i"
done <"$T/bcdedit-set.txt"

# ---- images: the corpus's VHDs and VHDX headers, and small ones made here
if [ -d "$C/vhd" ]; then
	for f in "$C"/vhd/*.vhd "$C"/vhd/libvhdi-fragments/*; do
		[ -e "$f" ] && addseed "$f" fuzz-vhd
	done
	for f in "$C"/vhd/*.vhdx.gz; do
		[ -e "$f" ] || continue
		# Headers, log, metadata and block table lie in the first 8 MiB.
		gzip -dc "$f" | head -c $((8 << 20)) >"$OUT/fuzz-vhdx/$(basename "$f" .gz)"
	done
fi
mk() { "$VHDTOOL" create "$@" >/dev/null; }
mk "$OUT/fuzz-vhd/dyn.vhd" --size 8M --block-size 512K
mk "$OUT/fuzz-vhd/fixed.vhd" --size 1M --type fixed
mk "$OUT/fuzz-vhdx/dyn.vhdx" --size 8M --block-size 1M
"$VHDTOOL" partition "$OUT/fuzz-vhd/dyn.vhd" --mbr --add ntfs:2M >/dev/null 2>&1 || :
"$VHDTOOL" partition "$OUT/fuzz-vhdx/dyn.vhdx" --gpt --add ntfs:2M >/dev/null 2>&1 || :

# ---- partition tables: small raw disks written by sfdisk, the fixed VHD
lbl() {
	f="$OUT/fuzz-label/$1"
	head -c "$2" /dev/zero >"$f"
	printf '%s\n' "$3" | sfdisk -q "$f" >/dev/null 2>&1 || rm -f "$f"
}
if command -v sfdisk >/dev/null; then
	lbl mbr 65536 'label: dos
label-id: 0x1a2b3c4d
start=1, size=20, type=7, bootable
start=21, size=30, type=ef
start=51, size=60, type=5
start=52, size=10, type=c
start=63, size=10, type=7'
	lbl gpt 131072 'label: gpt
first-lba: 34
start=34, size=40, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
start=74, size=60, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="Basic data"'
fi
[ -e "$C/vhd/win-fixed-3MiB.vhd" ] && addseed "$C/vhd/win-fixed-3MiB.vhd" fuzz-label
# ---- NTFS: small volumes made by mkntfs, with files and folders put in by vhdtool
if command -v mkntfs >/dev/null; then
	v="$OUT/fuzz-ntfs/vol"
	head -c $((2 << 20)) /dev/zero >"$v"
	if mkntfs -F -Q -q -c 512 "$v" >/dev/null 2>&1; then
		cp "$v" "$OUT/fuzz-ntfs/empty"
		printf 'hello\n' >"$OUT/hello.txt"
		"$VHDTOOL" mkdir -p "$v:/Boot/EFI" >/dev/null 2>&1 || :
		"$VHDTOOL" cp "$OUT/hello.txt" "$v:/Boot/EFI/a.txt" >/dev/null 2>&1 || :
		"$VHDTOOL" cp "$top_srcdir/README.md" "$v:/readme.md" >/dev/null 2>&1 || :
		rm -f "$OUT/hello.txt"
	else
		rm -f "$v"
	fi
fi
# ---- disks inside volumes: a VHD and a VHDX (a FAT16 partition inside each,
# with a folder and files) as files of a FAT16 partition of a disk, and one
# level deeper (a VHD in the VHD); NTFS hosts, whose $LogFile alone is over
# fuzz-fs-file's largest input, are fuzz-ntfs's.  Made raw, then converted to dynamic
# VHDs of 4 KiB blocks, which hold only the blocks that are not zero.
F="$OUT/fs-file.tmp"
mkdir -p "$F/win/Windows/System32" "$F/h1" "$F/h2" "$F/h3"
printf 'boot\r\n' >"$F/win/Windows/System32/a.txt"
cp "$top_srcdir/COPYING" "$F/win/r.txt"
fsbuild() { # OUT SIZE KIND FILES: a raw disk, one partition made from FILES
	"$VHDTOOL" build "$1" --format raw --size "$2" --mbr --part "$3:rest:files=$4" >/dev/null 2>&1
}
compact() { "$VHDTOOL" convert "$1" "$2" --block-size 4K >/dev/null 2>&1 && rm -f "$1"; }
if fsbuild "$F/in.img" 4M fat16 "$F/win"; then
	"$VHDTOOL" convert "$F/in.img" "$F/h1/in.vhd" --block-size 4K >/dev/null 2>&1 || :
	"$VHDTOOL" convert "$F/in.img" "$F/h2/in.vhdx" --format vhdx --block-size 1M >/dev/null 2>&1 || :
	fsbuild "$F/out.img" 6M fat16 "$F/h1" && compact "$F/out.img" "$OUT/fuzz-fs-file/vhd-in-fat.vhd"
	fsbuild "$F/out.img" 12M fat16 "$F/h2" && compact "$F/out.img" "$OUT/fuzz-fs-file/vhdx-in-fat.vhd"
	fsbuild "$F/mid.img" 8M fat16 "$F/h1" && compact "$F/mid.img" "$F/h3/mid.vhd"
	fsbuild "$F/out.img" 12M fat16 "$F/h3" && compact "$F/out.img" "$OUT/fuzz-fs-file/vhd-in-vhd.vhd"
fi
rm -rf "$F"
# ---- IMAGE[:PART]:\PATH arguments: two bytes say which names are images and
# which exist otherwise (by length modulo 8: "usb.img" is 7, bit 0x80), then the
# argument.
i=0
while IFS='|' read -r m a; do
	i=$((i + 1))
	# shellcheck disable=SC2059
	printf "$m%s" "$a" >"$OUT/fuzz-image-path/$i"
done <<'EOF'
\200\000|usb.img:1:\Windows
\200\000|usb.img:2
\200\000|usb.img:\2
\200\000|usb.img:1:\x.vhd:1:\Windows
\200\000|usb.img:\x.vhd:\Windows
\200\000|usb.img:2:/EFI/Boot/bootx64.efi
\200\000|usb.img:999:\x
\200\000|usb.img:1:x.vhd
\200\000|usb.img:1:\a.vhd:1:\b.vhd:1:\c
\377\000|usb.img
\000\377|/tmp/x:1:y
\044\000|a:b:c.img:3:\p
\000\000|plain:1:\x
EOF
# ---- FAT: FAT12, FAT16 and FAT32 volumes that fuzz-fat's plain build formats
"$top_builddir/tests/fuzz/fuzz-fat" --seeds "$OUT/fuzz-fat" >/dev/null
for t in "$OUT"/*/; do
	printf '%s %s\n' "$(basename "$t")" "$(find "$t" -type f -o -type l | wc -l)"
done
