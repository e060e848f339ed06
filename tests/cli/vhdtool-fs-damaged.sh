#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged file systems inside images: a truncated image, a bad boot sector,
# an $MFT that points past the end of the volume, and a file record whose
# data run points past the end.  Each gives one clear error naming the image
# and the partition, and no command changes a byte of the image.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
PATH="$PATH:/usr/sbin:/sbin"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

head -c 300000 /dev/urandom > "$TMP/big.bin"
printf 'new\n' > "$TMP/new.txt"
G="$TMP/good.img"
expect_exit 0 "$VHDTOOL" build "$G" --size 48M --mbr --part ntfs:24M --part fat32:rest:empty
expect_exit 0 "$VHDTOOL" cp "$TMP/big.bin" "$TMP/new.txt" "$G:1:/"
P=1048576        # partition 1 starts at 1 MiB

# refused IMG WHERE WHAT CMD...: CMD fails with one message naming the
# image and WHERE (":1", the partition, or "" for a bare volume) and WHAT,
# and the image is unchanged.
refused() {
	img=$1 where=$2 what=$3
	shift 3
	before=$(sha256sum "$img" | cut -d' ' -f1)
	expect_exit 1 "$@"
	grep -q "$(basename "$img")$where.*$what" "$TMP/err" || fail "'$*': $(cat "$TMP/err")"
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "'$*': more than one line: $(cat "$TMP/err")"
	[ "$(sha256sum "$img" | cut -d' ' -f1)" = "$before" ] || fail "'$*' changed the image"
}

# Truncated inside the NTFS partition: the table no longer fits the disk;
# a bare NTFS volume (as /dev/sdb1 is) cut short.
cp "$G" "$TMP/t.img"
truncate -s $((P + 12 * 1048576)) "$TMP/t.img"
refused "$TMP/t.img" ': partition 1' 'outside' "$VHDTOOL" ls "$TMP/t.img:1:/"
refused "$TMP/t.img" ': partition 1' 'outside' "$VHDTOOL" cp "$TMP/new.txt" "$TMP/t.img:1:/x.txt"
if command -v mkntfs >/dev/null 2>&1; then
	truncate -s 16M "$TMP/vol"
	mkntfs -F -Q -q "$TMP/vol" >/dev/null 2>&1 || fail "mkntfs"
	expect_exit 0 "$VHDTOOL" cp "$TMP/new.txt" "$TMP/vol:/"
	truncate -s 8M "$TMP/vol"
	refused "$TMP/vol" '' 'damaged NTFS: .*truncated' "$VHDTOOL" ls "$TMP/vol:/"
	refused "$TMP/vol" '' 'truncated' "$VHDTOOL" cp "$TMP/new.txt" "$TMP/vol:/x.txt"
fi

# A bad boot sector: neither NTFS nor FAT any more.
cp "$G" "$TMP/b.img"
printf 'XXXXXXXX' | dd of="$TMP/b.img" bs=1 seek=$((P + 3)) conv=notrunc status=none
refused "$TMP/b.img" :1 'neither NTFS nor FAT' "$VHDTOOL" cp "$TMP/new.txt" "$TMP/b.img:1:/"

# The boot sector's $MFT cluster (0x30) past the end of the volume.
cp "$G" "$TMP/m.img"
printf '\377\377\377\000' | dd of="$TMP/m.img" bs=1 seek=$((P + 0x30)) conv=notrunc status=none
refused "$TMP/m.img" :1 'damaged NTFS.*\$MFT' "$VHDTOOL" ls "$TMP/m.img:1:/"
refused "$TMP/m.img" :1 'damaged NTFS' "$VHDTOOL" cp "$TMP/new.txt" "$TMP/m.img:1:/"

# The file record of big.bin with its first data run past the end.
cp "$G" "$TMP/r.img"
python3 - "$TMP/r.img" $P big.bin <<'EOF' || fail "could not patch the record"
import struct, sys
path, base, name = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode("utf-16-le")
b = bytearray(open(path, "rb").read())
bps, spc = struct.unpack_from("<H", b, base + 0x0B)[0], b[base + 0x0D]
mft = base + struct.unpack_from("<Q", b, base + 0x30)[0] * bps * spc
c = struct.unpack_from("<b", b, base + 0x40)[0]
rs = bps * spc * c if c > 0 else 1 << -c
for off in range(mft, mft + rs * 1024, rs):
    rec = b[off:off + rs]
    if rec[:4] != b"FILE" or name not in rec:
        continue
    a = struct.unpack_from("<H", rec, 0x14)[0]
    while a < rs - 8:
        t, l = struct.unpack_from("<II", rec, a)
        if t == 0xFFFFFFFF or l == 0:
            break
        if t == 0x80 and rec[a + 8] == 1:        # non-resident $DATA
            mp = off + a + struct.unpack_from("<H", rec, a + 0x20)[0]
            lsz, osz = b[mp] & 15, b[mp] >> 4
            for i in range(osz):                  # the largest positive LCN
                b[mp + 1 + lsz + i] = 0x7F if i == osz - 1 else 0xFF
            open(path, "wb").write(b)
            sys.exit(0)
        a += l
sys.exit(1)
EOF
R="$TMP/r.img"
refused "$R" :1 'big.bin: damaged NTFS: the file record .* points past the end' \
	"$VHDTOOL" cat "$R:1:/big.bin"
refused "$R" :1 'points past the end' "$VHDTOOL" rm "$R:1:/big.bin"
refused "$R" :1 'points past the end' "$VHDTOOL" cp "$TMP/new.txt" "$R:1:/big.bin"
refused "$R" :1 'points past the end' "$VHDTOOL" mv "$R:1:/new.txt" "$R:1:/big.bin"
refused "$R" :1 'points past the end' "$VHDTOOL" cp "$R:1:/big.bin" "$TMP/out.bin"
[ ! -e "$TMP/out.bin" ] || fail "a damaged file was copied out"
# The rest of the volume still reads.
expect_exit 0 "$VHDTOOL" cat "$R:1:/new.txt"
[ "$(cat "$TMP/out")" = new ] || fail "intact file"

# A truncated FAT partition (partition 2).
cp "$G" "$TMP/f.img"
expect_exit 0 "$VHDTOOL" build "$TMP/f.img" --force --size 64M --mbr --part fat32:40M \
	--part ntfs:rest:empty
truncate -s $((P + 20 * 1048576)) "$TMP/f.img"
before=$(sha256sum "$TMP/f.img" | cut -d' ' -f1)
expect_exit 1 "$VHDTOOL" cp "$TMP/new.txt" "$TMP/f.img:1:/"
grep -q 'f.img' "$TMP/err" || fail "truncated FAT: $(cat "$TMP/err")"
[ "$(sha256sum "$TMP/f.img" | cut -d' ' -f1)" = "$before" ] || fail "truncated FAT written"
exit 0
