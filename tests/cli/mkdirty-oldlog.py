# SPDX-License-Identifier: GPL-3.0-or-later
# mkdirty-oldlog.py PRIMARY MODIFIED OUT: OUT (dirty) and OUT.LOG (old format) such
# that replaying the log into OUT gives MODIFIED's hive bins
# (doc/hive-format-notes.md, "Old-format logs (DIRT)").
import struct, sys
p, m = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
def csum(b):
    x = 0
    for i in range(127):
        x ^= struct.unpack_from("<I", b, 4 * i)[0]
    return 1 if x == 0 else 0xFFFFFFFE if x == 0xFFFFFFFF else x
def fix(b):
    b = bytearray(b)
    struct.pack_into("<I", b, 508, csum(b))
    return b
seq2 = struct.unpack_from("<I", p, 8)[0]
d = bytearray(p)
struct.pack_into("<I", d, 4, seq2 + 1)            # seq1 = seq2 + 1: dirty
d[:512] = fix(d[:512])
hb = struct.unpack_from("<I", m, 0x28)[0]
assert len(m) >= 4096 + hb and hb == struct.unpack_from("<I", p, 0x28)[0]
base = bytearray(m[:512])
struct.pack_into("<I", base, 4, seq2 + 1)
struct.pack_into("<I", base, 8, seq2 + 1)
base[12:20] = p[12:20]                             # the primary's timestamp
struct.pack_into("<I", base, 0x1C, 1)              # old-format log
base = fix(base)
bits = hb // 512
bitmap = bytes([0xFF]) * (bits // 8) + (bytes([(1 << (bits % 8)) - 1]) if bits % 8 else b"")
log = bytes(base) + b"DIRT" + bitmap
log += b"\0" * (-len(log) % 512) + m[4096:4096 + hb]
open(sys.argv[3], "wb").write(bytes(d) + p[len(d):])
open(sys.argv[3] + ".LOG", "wb").write(log)
