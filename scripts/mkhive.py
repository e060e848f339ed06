#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a small registry hive from a text spec, independently of bcdkit.

Fixtures and the demo's sample hive are made with this script so that tests
never check bcdkit only against files bcdkit itself wrote.  It follows the
layout in doc/hive-format-notes.md: base block, hbins of 4 KiB (larger
for big cells), root nk with flags 0x2C, one shared sk, lh (minor >= 5) or lf
(minor < 5) subkey lists sorted by upper-cased name, vk cells with inline data
up to 4 bytes, db big data over 16344 bytes in minor >= 4.

Spec lines (# starts a comment):
    minor N                      hive minor version (default 5)
    root NAME                    root key name (default ROOT)
    key PATH                     create a key (and its parents); PATH uses \\
    value PATH NAME TYPE DATA    NAME '@' = default value; TYPE a number or
                                 sz|expand_sz|multi_sz|dword|qword|binary|none;
                                 DATA: for sz/expand_sz the text (rest of line),
                                 multi_sz items separated by '|', dword/qword
                                 numbers, otherwise hex bytes (may be empty)
                                 or fill:COUNT:BYTE (COUNT copies of hex BYTE)
    corrupt WHAT                 damage on purpose: checksum | seq | unsorted |
                                 cell-overrun | truncate | loop (the first
                                 subkey of the root's first subkey lists the
                                 root's subkeys as its own: a key loop)
In names and data, <U+hhhh> stands for that UTF-16 code unit: a control
character, or an unpaired surrogate no text editor would keep (hostile
names for the escaping tests).
Usage: mkhive.py SPEC OUT
"""
import re
import struct
import sys

SK_DESC = bytes.fromhex(
    "010004800000000000000000000000001400000002001c000100000000001400"
    "3f000f00010100000000000512000000")  # O:SY-less, D:(A;;KA;;;SY): minimal self-relative SD


def unescape(text):
    """<U+hhhh> to the code unit U+hhhh (surrogates allowed)."""
    return re.sub(r"<U\+([0-9A-Fa-f]{4})>", lambda m: chr(int(m.group(1), 16)), text)


def upcase(s):
    out = []
    for ch in s:
        u = ch.upper()
        out.append(u if len(u) == 1 and ord(u) < 0x10000 else ch)
    return "".join(out)


def lh_hash(name):
    h = 0
    for u in sort_key(name):
        h = (h * 37 + u) & 0xFFFFFFFF
    return h


def sort_key(name):
    return struct.unpack("<%dH" % (len(name.encode("utf-16-le", "surrogatepass")) // 2), upcase(name).encode("utf-16-le", "surrogatepass"))


def encode_name(name):
    """Latin-1 with the comp flag when possible, else UTF-16LE."""
    try:
        return name.encode("latin-1"), True
    except UnicodeEncodeError:
        return name.encode("utf-16-le", "surrogatepass"), False


class Key:
    def __init__(self, name):
        self.name = name
        self.subkeys = {}
        self.values = []
        self.off = None


class Writer:
    def __init__(self, minor):
        self.minor = minor
        self.data = bytearray()
        self.hbin_start = 0

    def new_hbin(self, need):
        size = 4096
        while size - 32 < need:
            size += 4096
        self.hbin_start = len(self.data)
        hdr = b"hbin" + struct.pack("<III", self.hbin_start, size, 0) + b"\0" * 16
        self.data += hdr + b"\0" * (size - 32)
        self.pos = self.hbin_start + 32
        self.end = self.hbin_start + size

    def alloc(self, payload):
        size = (len(payload) + 4 + 7) & ~7
        if not self.data or self.end - self.pos < size:
            self.close_hbin()
            self.new_hbin(size)
        off = self.pos
        self.data[off:off + 4] = struct.pack("<i", -size)
        self.data[off + 4:off + 4 + len(payload)] = payload
        self.pos += size
        return off

    def close_hbin(self):
        if self.data and self.end > self.pos:
            self.data[self.pos:self.pos + 4] = struct.pack("<i", self.end - self.pos)
            self.pos = self.end

    def patch(self, off, fmt, *vals):
        struct.pack_into(fmt, self.data, off, *vals)


def value_bytes(vtype, text):
    names = {"none": 0, "sz": 1, "expand_sz": 2, "binary": 3, "dword": 4, "multi_sz": 7, "qword": 11}
    t = names[vtype] if vtype in names else int(vtype, 0)
    if vtype in ("sz", "expand_sz"):
        return t, (text + "\0").encode("utf-16-le", "surrogatepass")
    if vtype == "multi_sz":
        items = text.split("|") if text else []
        return t, "".join(i + "\0" for i in items).encode("utf-16-le", "surrogatepass") + b"\0\0"
    if vtype == "dword":
        return t, struct.pack("<I", int(text, 0))
    if vtype == "qword":
        return t, struct.pack("<Q", int(text, 0))
    if text.startswith("fill:"):
        _, count, byte = text.split(":")
        return t, bytes([int(byte, 16)]) * int(count)
    return t, bytes.fromhex(text.replace(",", "").replace(" ", ""))


def write_value(w, name, vtype, data):
    if len(data) <= 4:
        raw = data + b"\0" * (4 - len(data))
        size, doff = len(data) | 0x80000000, struct.unpack("<I", raw)[0]
    elif w.minor >= 4 and len(data) > 16344:
        segs = [w.alloc(data[i:i + 16344]) for i in range(0, len(data), 16344)]
        lst = w.alloc(struct.pack("<%dI" % len(segs), *segs))
        doff = w.alloc(b"db" + struct.pack("<HI", len(segs), lst))
        size = len(data)
    else:
        doff, size = w.alloc(data), len(data)
    nb, comp = encode_name(name) if name else (b"", True)
    return w.alloc(b"vk" + struct.pack("<HIIIHH", len(nb), size, doff, vtype, 1 if comp and nb else 0, 0) + nb)


def write_key(w, key, parent_off, sk_off, is_root, corrupt):
    nb, comp = encode_name(key.name)
    flags = (0x2C if is_root else 0) | (0x20 if comp else 0)
    nk = bytearray(b"nk" + struct.pack("<HQ" + "I" * 15 + "HH", flags, 0x01D0000000000000, 0, parent_off,
                                       len(key.subkeys), 0, 0xFFFFFFFF, 0xFFFFFFFF, len(key.values), 0xFFFFFFFF,
                                       sk_off, 0xFFFFFFFF, 0, 0, 0, 0, 0, len(nb), 0) + nb)
    key.off = w.alloc(bytes(nk))
    names = sorted(key.subkeys, key=sort_key)
    if "unsorted" in corrupt and len(names) > 1:
        names.reverse()
        corrupt.discard("unsorted")
    offs = [write_key(w, key.subkeys[n], key.off, sk_off, False, corrupt) for n in names]
    maxname = max([len(n.encode("utf-16-le", "surrogatepass")) for n in names] + [0])
    if offs:
        if w.minor >= 5:
            body = b"".join(struct.pack("<II", o, lh_hash(n)) for o, n in zip(offs, names))
            lst = w.alloc(b"lh" + struct.pack("<H", len(offs)) + body)
        else:
            body = b"".join(struct.pack("<I", o) + (n.encode("latin-1", "replace")[:4] + b"\0" * 4)[:4]
                            for o, n in zip(offs, names))
            lst = w.alloc(b"lf" + struct.pack("<H", len(offs)) + body)
        w.patch(key.off + 4 + 0x1C, "<I", lst)
    if key.values:
        vo = [write_value(w, n, t, d) for n, t, d in key.values]
        vl = w.alloc(struct.pack("<%dI" % len(vo), *vo))
        w.patch(key.off + 4 + 0x28, "<I", vl)
        w.patch(key.off + 4 + 0x3C, "<II", max(len(n.encode("utf-16-le", "surrogatepass")) for n, _, _ in key.values),
                max(len(d) for _, _, d in key.values))
    w.patch(key.off + 4 + 0x34, "<I", maxname)
    return key.off


def checksum(base):
    c = 0
    for i in range(127):
        c ^= struct.unpack_from("<I", base, 4 * i)[0]
    return 0xFFFFFFFE if c == 0xFFFFFFFF else (1 if c == 0 else c)


def build(spec_lines):
    minor, root, corrupt = 5, Key("ROOT"), set()
    for line in spec_lines:
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [unescape(p) for p in line.split(" ", 4)]
        cmd = parts[0]
        if cmd == "minor":
            minor = int(parts[1])
        elif cmd == "root":
            root.name = unescape(line.split(" ", 1)[1])
        elif cmd in ("key", "value"):
            path = parts[1]
            k = root
            for comp in [c for c in path.split("\\") if c]:
                k = k.subkeys.setdefault(comp, Key(comp))
            if cmd == "value":
                name = "" if parts[2] == "@" else parts[2]
                t, d = value_bytes(parts[3], parts[4] if len(parts) > 4 else "")
                k.values.append((name, t, d))
        elif cmd == "corrupt":
            corrupt.add(parts[1])
        else:
            raise SystemExit("mkhive: unknown spec line: " + line)
    w = Writer(minor)
    sk_payload = b"sk" + struct.pack("<HIIII", 0, 0, 0, 0, len(SK_DESC)) + SK_DESC
    sk_off = w.alloc(sk_payload)
    w.patch(sk_off + 4 + 4, "<II", sk_off, sk_off)
    nkeys = [0]

    def count(k):
        nkeys[0] += 1
        for s in k.subkeys.values():
            count(s)
    count(root)
    w.patch(sk_off + 4 + 12, "<I", nkeys[0])
    root_off = write_key(w, root, 0xFFFFFFFF, sk_off, True, corrupt)
    if "loop" in corrupt:
        # No cell is freed or shared but the subkey list, so only a walk of
        # the tree sees it: root\A\B\A\B...
        a = root.subkeys[sorted(root.subkeys, key=sort_key)[0]]
        b = a.subkeys[sorted(a.subkeys, key=sort_key)[0]]
        rlist = struct.unpack_from("<I", w.data, root_off + 4 + 0x1C)[0]
        w.patch(b.off + 4 + 0x14, "<I", len(root.subkeys))
        w.patch(b.off + 4 + 0x1C, "<I", rlist)
    if "cell-overrun" in corrupt:
        # The root's size claims more than the rest of its hbin.
        w.patch(root_off, "<i", -(w.end - root_off + 8))
    w.close_hbin()
    base = bytearray(4096)
    seq2 = 1 if "seq" in corrupt else 2
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", 2, seq2, 0x01D0000000000000, 1, minor, 0, 1,
                     root_off, len(w.data), 1)
    base[0x30:0x30 + 16] = "fixture".encode("utf-16-le", "surrogatepass") + b"\0\0"
    struct.pack_into("<I", base, 0x1FC, checksum(base) ^ (0x5A if "checksum" in corrupt else 0))
    out = bytes(base) + bytes(w.data)
    if "truncate" in corrupt:
        out = out[:len(out) - 4096] if len(out) > 8192 else out[:6000]
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        data = build(f.readlines())
    with open(sys.argv[2], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
