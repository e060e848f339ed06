#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged and unsupported images: a clear one-line error naming the file,
# exit 2, never a crash, and never a damaged VHD mistaken for a raw disk.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
cd "$TMP"

# poke FILE OFFSET HEXBYTES [vhd-footer|vhd-header]: overwrite bytes, then
# optionally recompute the VHD footer (at OFFSET's 512-byte structure) or
# dynamic header checksum so that only the intended field is wrong.
poke() {
	python3 - "$@" <<'PY'
import sys
path, off, data = sys.argv[1], int(sys.argv[2], 0), bytes.fromhex(sys.argv[3])
fix = sys.argv[4] if len(sys.argv) > 4 else None
with open(path, "r+b") as f:
    f.seek(off); f.write(data)
    if fix:
        base, size, ck = {"vhd-footer": (None, 512, 64), "vhd-header": (512, 1024, 36)}[fix]
        if base is None:
            f.seek(0, 2); base = f.tell() - 512
        f.seek(base); b = bytearray(f.read(size))
        b[ck:ck + 4] = b"\0\0\0\0"
        s = (~sum(b)) & 0xffffffff
        f.seek(base + ck); f.write(s.to_bytes(4, "big"))
PY
}

bad() { # FILE PATTERN: info must fail with exit 2 and a message matching PATTERN
	expect_exit 2 "$VHDTOOL" info "$1"
	[ "$(wc -l < "$TMP/err")" = 1 ] || fail "$1: not one line: $(cat "$TMP/err")"
	grep -q "$1" "$TMP/err" || fail "$1: message does not name the file"
	grep -qi "$2" "$TMP/err" || fail "$1: message '$(cat "$TMP/err")' lacks '$2'"
	expect_exit 2 "$VHDTOOL" convert "$1" out.raw
	[ ! -e out.raw ] || fail "$1: convert wrote output"
}

"$VHDTOOL" create fixed.vhd --size 4M --type fixed
"$VHDTOOL" create dyn.vhd --size 8M
"$VHDTOOL" create dyn.vhdx --size 8M
head -c 3000000 /dev/urandom > data.raw
truncate -s 8M data.raw
"$VHDTOOL" convert data.raw full.vhd
"$VHDTOOL" convert data.raw full.vhdx

# Truncated fixed VHD: a piece of the footer is left (not "raw").
cp fixed.vhd t1.vhd; truncate -s $((4194304 + 300)) t1.vhd
bad t1.vhd "truncated"
# Fixed VHD missing its last data sector: the footer says more data exists.
cp fixed.vhd t2.vhd
python3 -c "
import sys
b = open('t2.vhd','rb').read(); open('t2.vhd','wb').write(b[:-1024] + b[-512:])"
bad t2.vhd "truncated"
# Dynamic VHD cut after its first block: the end footer is missing.
cp full.vhd t3.vhd; truncate -s 1048576 t3.vhd
bad t3.vhd "footer"
# Bad footer checksum.
cp fixed.vhd c1.vhd; poke c1.vhd $((4194304 + 0x30)) 00000000ffffffff
bad c1.vhd "checksum"
# Bad dynamic header checksum.
cp dyn.vhd c2.vhd; poke c2.vhd $((512 + 0x1C)) 00000005
bad c2.vhd "dynamic header"
# Block table entry past the end of the file (checksums fixed up).
cp full.vhd b1.vhd; poke b1.vhd 1536 00ffff00
bad b1.vhd "past the end"
# Block table too small for the disk.
cp dyn.vhd b2.vhd; poke b2.vhd $((512 + 0x1C)) 00000001 vhd-header
bad b2.vhd "does not cover"
# Differencing VHD: refused as unsupported.
cp dyn.vhd d1.vhd; poke d1.vhd $((2048 + 0x3C)) 00000004 vhd-footer
tail -c 512 d1.vhd | dd of=d1.vhd conv=notrunc status=none
bad d1.vhd "differencing"

# VHDX: both headers damaged.
cp dyn.vhdx x1.vhdx; poke x1.vhdx $((65536 + 8)) ff; poke x1.vhdx $((131072 + 8)) ff
bad x1.vhdx "headers"
# One header damaged: the other one is used.
cp full.vhdx x2.vhdx; poke x2.vhdx $((131072 + 8)) ff
"$VHDTOOL" convert x2.vhdx x2.raw
cmp x2.raw data.raw || fail "one damaged VHDX header"
# Both region tables damaged.
cp dyn.vhdx x3.vhdx; poke x3.vhdx $((196608 + 20)) ff; poke x3.vhdx $((262144 + 20)) ff
bad x3.vhdx "region"
# Metadata table signature damaged.
cp dyn.vhdx x4.vhdx; poke x4.vhdx $((2 * 1048576)) 58
bad x4.vhdx "metadata"
# Block table entry past the end of the file (the BAT has no checksum).
cp full.vhdx x5.vhdx; poke x5.vhdx $((3 * 1048576)) 06000000ff000000
bad x5.vhdx "past the end"
# Truncated VHDX: the last block is gone.
cp full.vhdx x6.vhdx; truncate -s $((4 * 1048576 + 1048576)) x6.vhdx
bad x6.vhdx "past the end"

# A plain file shorter than a sector is not taken for a damaged VHD, nor
# reported as a disk: no partition table, nothing printed, exit 2.
printf 'hello' > tiny.img
expect_exit 2 "$VHDTOOL" info tiny.img
grep -q "tiny.img: not a disk image: .*no partition table" "$TMP/err" || fail "tiny file: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "tiny file: a report was printed"
