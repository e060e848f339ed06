# SPDX-License-Identifier: GPL-3.0-or-later
# mkdirty-newlog.py PRIMARY MODIFIED OUT: OUT (dirty, seq1 = seq2 + 1, as
# Windows 8.1+ leaves a hive whose newest data is only in its logs) with
# OUT.LOG1 holding one HvLE entry and OUT.LOG2 the next two, such that
# replaying both into OUT gives MODIFIED's hive bins.  The 4 KiB pages that
# differ become the entries' page runs, shared out over the three entries.
# Written from doc/hive-format-notes.md ("New-format logs (HvLE)",
# "Marvin32"), sharing no code with bcdkit.  MODIFIED's hive bins must be at
# least as large as PRIMARY's, and at least three pages must differ.
import struct, sys

SEED = 0x82EF4D887A4E55C5
M32 = 0xFFFFFFFF


def rotl(x, n):
    return ((x << n) | (x >> (32 - n))) & M32


def marvin32(data):
    lo, hi = SEED & M32, SEED >> 32

    def mix(w):
        nonlocal lo, hi
        lo = (lo + w) & M32
        hi ^= lo
        lo = (rotl(lo, 20) + hi) & M32
        hi = rotl(hi, 9) ^ lo
        lo = (rotl(lo, 27) + hi) & M32
        hi = rotl(hi, 19)
    full = len(data) // 4 * 4
    for i in range(0, full, 4):
        mix(struct.unpack_from("<I", data, i)[0])
    rest = data[full:]
    mix((0x80 << (8 * len(rest))) | int.from_bytes(rest, "little"))
    mix(0)
    return (hi << 32) | lo


def csum(b):
    x = 0
    for i in range(127):
        x ^= struct.unpack_from("<I", b, 4 * i)[0]
    return 1 if x == 0 else 0xFFFFFFFE if x == 0xFFFFFFFF else x


def base_block(b, seq1, seq2, ftype):
    b = bytearray(b[:512])
    struct.pack_into("<III", b, 4, seq1, seq2, struct.unpack_from("<I", b, 12)[0])
    struct.pack_into("<I", b, 0x1C, ftype)
    struct.pack_into("<I", b, 0x1FC, csum(b))
    return bytes(b)


def entry(seq, hbins, runs, m):
    refs = b"".join(struct.pack("<II", off, size) for off, size in runs)
    pages = b"".join(m[4096 + off:4096 + off + size] for off, size in runs)
    body = refs + pages
    size = 40 + len(body)
    size += -size % 512
    body += b"\0" * (size - 40 - len(body))
    h1 = marvin32(body)
    head = b"HvLE" + struct.pack("<IIIII", size, 0, seq, hbins, len(runs)) + struct.pack("<Q", h1)
    return head + struct.pack("<Q", marvin32(head)) + body


def main():
    p, m = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
    out = sys.argv[3]
    hb_p = struct.unpack_from("<I", p, 0x28)[0]
    hb_m = struct.unpack_from("<I", m, 0x28)[0]
    assert hb_m >= hb_p and len(m) >= 4096 + hb_m
    old = p[4096:4096 + hb_p] + b"\0" * (hb_m - hb_p)
    pages = [o for o in range(0, hb_m, 4096) if m[4096 + o:8192 + o] != old[o:o + 4096]]
    # Contiguous changed pages make one run.
    runs = []
    for o in pages:
        if runs and runs[-1][0] + runs[-1][1] == o:
            runs[-1] = (runs[-1][0], runs[-1][1] + 4096)
        else:
            runs.append((o, 4096))
    if len(runs) < 3:   # one page per run, so that each entry gets its own
        runs = [(o, 4096) for o in pages]
    assert len(runs) >= 3, "fewer than three pages differ"
    parts = [runs[0::3], runs[1::3], runs[2::3]]
    seq2 = struct.unpack_from("<I", p, 8)[0]
    s = seq2
    log1 = base_block(p, s, s, 6) + entry(s, hb_m, parts[0], m)
    log2 = base_block(p, s + 1, s + 1, 6) + entry(s + 1, hb_m, parts[1], m) + entry(s + 2, hb_m, parts[2], m)
    open(out, "wb").write(base_block(p, s + 1, s, 0) + p[512:])
    open(out + ".LOG1", "wb").write(log1)
    open(out + ".LOG2", "wb").write(log2)


if __name__ == "__main__":
    main()
