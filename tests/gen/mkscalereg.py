#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mkscalereg.py IN.reg N OUT.reg: N copies of a regedit 5.00 export side by
side, copy k under HKEY_LOCAL_MACHINE\\NAME\\CopyKK (NAME is the hive name of
the export's first key), written as UTF-16LE with a BOM like the input.
Imported with "hivetool import --create", it makes a hive N times the
original's size: the scale hives of tests/bench (16x regipy-SYSTEM is
about 186 MiB from a 414 MiB .reg)."""
import sys

def main():
    src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = open(src, "rb").read().decode("utf-16")
    head, sep, body = text.partition("\r\n\r\n")
    first = body[1:body.index("]")]                  # HKEY_LOCAL_MACHINE\SYSTEM
    with open(dst, "wb") as out:
        out.write(b"\xff\xfe" + (head + sep).encode("utf-16-le"))
        for k in range(n):
            copy = body.replace("[" + first, "[%s\\Copy%02d" % (first, k))
            copy = copy.replace("[-" + first, "[-%s\\Copy%02d" % (first, k))
            out.write(copy.encode("utf-16-le"))

main()
