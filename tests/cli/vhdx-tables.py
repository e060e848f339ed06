#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read and patch the tables of a VHDX file, written from [MS-VHDX] and
independent of bcdkit's own reader, for the vhdtool tests.

  vhdx-tables.py layout FILE   print headers, region table and metadata table
                               (values that differ by nature masked)
  vhdx-tables.py to-4k FILE    make a dynamic VHDX of 32 MiB blocks and under
                               32 GiB use 4 KiB logical sectors: patch the
                               sector size item and drop the sector-bitmap
                               entries the 512-byte layout had every 4 GiB
"""
import struct
import sys
import uuid

REGION_META = '8b7ca206'
REGION_BAT = '2dc27766'
ITEM_FILE_PARAMS = 'caa16737'
ITEM_DISK_SIZE = '2fa54224'
ITEM_LOGICAL_SECTOR = '8141bf1d'
ITEM_PAGE83 = 'beca12ab'


def guid(b, o):
    return str(uuid.UUID(bytes_le=bytes(b[o:o + 16])))


def tables(d):
    """Regions as (guid, offset, length, required); metadata items as
    (guid, offset in the metadata region, length, flags); metadata offset."""
    r = d[192 << 10:256 << 10]
    assert r[:4] == b'regi', 'no region table'
    regions = [(guid(r, 16 + 32 * i),) + struct.unpack_from('<QII', r, 32 + 32 * i)
               for i in range(struct.unpack_from('<I', r, 8)[0])]
    meta = [g[1] for g in regions if g[0].startswith(REGION_META)][0]
    m = d[meta:meta + (1 << 20)]
    assert m[:8] == b'metadata', 'no metadata table'
    items = [(guid(m, 32 + 32 * i),) + struct.unpack_from('<III', m, 48 + 32 * i)
             for i in range(struct.unpack_from('<H', m, 10)[0])]
    return regions, items, meta


def layout(path):
    d = open(path, 'rb').read(4 << 20)
    for ho in (64 << 10, 128 << 10):
        h = d[ho:ho + 4096]
        print('header', h[:4], struct.unpack_from('<HHIQ', h, 64), guid(h, 48))
    regions, items, meta = tables(d)
    for row in regions:
        print('region', *row)
    for g, off, ln, fl in items:
        val = d[meta + off:meta + off + ln].hex()
        if g.startswith((ITEM_DISK_SIZE, ITEM_PAGE83)):
            val = '-'       # the size and the page 83 identifier differ by nature
        print('meta', g, off, ln, fl, val)


def to_4k(path):
    with open(path, 'r+b') as f:
        d = f.read(4 << 20)
        regions, items, meta = tables(d)
        bat = [g[1] for g in regions if g[0].startswith(REGION_BAT)][0]
        for g, off, ln, fl in items:
            if g.startswith(ITEM_LOGICAL_SECTOR):
                f.seek(meta + off)
                f.write(struct.pack('<I', 4096))
        params = [i[1] for i in items if i[0].startswith(ITEM_FILE_PARAMS)][0]
        bs = struct.unpack_from('<I', d, meta + params)[0]
        assert bs == 32 << 20, 'expected 32 MiB blocks'
        # At 512-byte sectors entry 128 + 129k is a sector bitmap (4 GiB of
        # 32 MiB blocks); at 4096 the first one would follow block 1023.
        n = (len(d) - bat) // 8
        e = list(struct.unpack_from('<%dQ' % n, d, bat))
        used = [i for i in range(n) if e[i]]
        assert not used or used[-1] < 1024, 'image too large'
        assert n < 129 or e[128] == 0, 'entry 128 is not an empty sector bitmap'
        data = [x for i, x in enumerate(e) if (i + 1) % 129 != 0][:1024]
        f.seek(bat)
        f.write(struct.pack('<%dQ' % len(data), *data))


if __name__ == '__main__':
    {'layout': layout, 'to-4k': to_4k}[sys.argv[1]](sys.argv[2])
