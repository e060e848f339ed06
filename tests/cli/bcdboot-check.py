#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent checks of the stores bcdboot writes (no bcdkit code involved).

  bcdboot-check.py same A B
      A and B are the same hive apart from timestamps (the base block's
      timestamp and checksum, and every key's last-write time), by walking
      the hive bins here.
  bcdboot-check.py dump STORE.reg
      Objects and elements of a store exported by libhivex
      (hivexregedit --export), one line per element:
        {guid} TYPE ELEMENT HEXBYTES
  bcdboot-check.py device HEX
      Decode a device element written for Windows inside a VHD: prints
        inner=mbr:SIG:OFFSET|gpt:{DISK}:{PART} host=mbr:...|gpt:... path=\\x.vhd
      following the layout Windows 10 writes (a partition descriptor of
      DiskType 6 whose 40 identity bytes are followed by a File block-I/O
      descriptor holding the host partition and the path).
"""
import re
import struct
import sys


def fail(msg):
    sys.stderr.write("bcdboot-check: %s\n" % msg)
    sys.exit(1)


# ---- same ---------------------------------------------------------------------

def normalised(path):
    data = bytearray(open(path, "rb").read())
    if len(data) < 4096 or data[:4] != b"regf":
        fail("%s: not a hive" % path)
    data[12:20] = bytes(8)        # base block timestamp
    data[508:512] = bytes(4)      # checksum (covers the timestamp)
    off = 4096
    while off + 32 <= len(data):
        if data[off:off + 4] != b"hbin":
            fail("%s: no hbin at %#x" % (path, off))
        size = struct.unpack_from("<I", data, off + 8)[0]
        data[off + 20:off + 28] = bytes(8)     # hbin timestamp
        cell = off + 32
        while cell < off + size:
            csize = struct.unpack_from("<i", data, cell)[0]
            if csize == 0:
                fail("%s: zero-sized cell at %#x" % (path, cell))
            if csize < 0 and data[cell + 4:cell + 6] == b"nk":
                data[cell + 8:cell + 16] = bytes(8)   # key last-write time
            cell += abs(csize)
        off += size
    return bytes(data)


def cmd_same(a, b):
    x, y = normalised(a), normalised(b)
    if x != y:
        diff = [i for i in range(min(len(x), len(y))) if x[i] != y[i]]
        fail("%s and %s differ (%d vs %d bytes, first difference at %s)"
             % (a, b, len(x), len(y), hex(diff[0]) if diff else "the end"))
    print("same apart from timestamps: %s %s" % (a, b))


# ---- dump ----------------------------------------------------------------------

def reg_values(path):
    """{key path: {value name: (type, bytes)}} from a hivexregedit export."""
    text = open(path, encoding="utf-8", errors="replace").read()
    keys, cur, pending = {}, None, ""
    for line in text.splitlines():
        if pending:
            line = pending + line.strip()
            pending = ""
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        m = re.match(r"^\[(.*)\]$", line)
        if m:
            cur = keys.setdefault(m.group(1), {})
            continue
        m = re.match(r'^"((?:[^"\\]|\\.)*)"=(.*)$', line)
        if not m or cur is None:
            continue
        name, val = m.group(1), m.group(2)
        if val.startswith("hex"):
            t = re.match(r"hex(?:\(([0-9a-f]+)\))?:(.*)$", val)
            typ = int(t.group(1), 16) if t.group(1) else 3
            hx = t.group(2).replace(",", "")
            cur[name] = (typ, bytes.fromhex(hx))
        elif val.startswith("dword:"):
            cur[name] = (4, struct.pack("<I", int(val[6:], 16)))
        elif val.startswith('"'):
            cur[name] = (1, val[1:-1].encode("utf-16-le") + b"\0\0")
    return keys


def cmd_dump(path):
    keys = reg_values(path)
    types = {}
    for k, vals in keys.items():
        m = re.search(r"\\Objects\\(\{[0-9a-fA-F-]+\})\\Description$", k)
        if m and "Type" in vals:
            types[m.group(1).lower()] = struct.unpack("<I", vals["Type"][1][:4])[0]
    for k in sorted(keys):
        m = re.search(r"\\Objects\\(\{[0-9a-fA-F-]+\})\\Elements\\([0-9a-fA-F]{8})$", k)
        if m and "Element" in keys[k]:
            g = m.group(1).lower()
            print("%s %08x %s %s" % (g, types.get(g, 0), m.group(2).lower(),
                                     keys[k]["Element"][1].hex()))


# ---- device ----------------------------------------------------------------------

def guid(b):
    d1, d2, d3 = struct.unpack_from("<IHH", b, 0)
    return "{%08x-%04x-%04x-%s-%s}" % (d1, d2, d3, b[8:10].hex(), b[10:16].hex())


def identity(p):
    """40 identity bytes of a partition payload."""
    style = struct.unpack_from("<I", p, 20)[0]
    if style == 1:
        off = struct.unpack_from("<Q", p, 0)[0]
        sig = struct.unpack_from("<I", p, 24)[0]
        if any(p[8:16]) or any(p[28:40]):
            fail("MBR identity with stray bytes: %s" % p.hex())
        return "mbr:%08x:%d" % (sig, off)
    if style == 0:
        return "gpt:%s:%s" % (guid(p[24:40]), guid(p[0:16]))
    fail("partition style %d" % style)


def cmd_device(hexbytes):
    b = bytes.fromhex(hexbytes)
    if len(b) < 16 + 16 + 40 or any(b[:16]):
        fail("too short or options set")
    dtype, flags, size = struct.unpack_from("<III", b, 16)
    if dtype != 6 or size != len(b) - 16:
        fail("outer descriptor: type %d size %#x (value %d bytes)" % (dtype, size, len(b)))
    payload = b[32:]
    disk_type = struct.unpack_from("<I", payload, 16)[0]
    if disk_type != 6:
        fail("outer partition DiskType %d, expected 6 (inside a virtual disk)" % disk_type)
    inner = identity(payload[:40])
    f = 32 + 40                         # the File descriptor follows the identity
    ftype, _, fsize = struct.unpack_from("<III", b, f)
    if ftype != 0 or f + fsize != len(b):
        fail("file descriptor at %#x: type %d size %#x" % (f, ftype, fsize))
    bio, ver, length, kind = struct.unpack_from("<IIII", b, f + 16)
    if bio != 5 or ver != 1 or kind != 5 or f + 20 + length != len(b):
        fail("file record: blockio %d version %d length %#x kind %d" % (bio, ver, length, kind))
    h = f + 32
    htype, _, hsize = struct.unpack_from("<III", b, h)
    if htype != 6 or hsize != 0x48:
        fail("host descriptor type %d size %#x" % (htype, hsize))
    host = identity(b[h + 16:h + 56])
    if struct.unpack_from("<I", b, h + 32)[0] != 0:
        fail("host partition DiskType is not 0")
    path = b[h + hsize:].decode("utf-16-le")
    if not path.endswith("\0"):
        fail("path not NUL-terminated")
    print("inner=%s host=%s path=%s" % (inner, host, path[:-1]))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "same":
        cmd_same(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "dump":
        cmd_dump(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "device":
        cmd_device(sys.argv[2])
    else:
        fail("usage: same A B | dump STORE.reg | device HEX")


main()
