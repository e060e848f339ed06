#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make a host tree for the file round-trip tests and benchmarks.

mktree.py DIR [FILES] [MAXSIZE]: FILES files (default 1000) under DIR, with
names holding spaces, non-ASCII letters (Latin, Greek, CJK, a character
outside the BMP) and mixed case, unique without regard to case in each folder
as Windows needs; sizes from 0 bytes to MAXSIZE (default 64 MiB: one file of
exactly that size, a few of some MiB, most small), one chain of folders 20
deep, and an empty folder.  Names are valid on Windows (no <>:"|?*, no
trailing dot or space, no device names).
"""
import os
import random
import sys

WORDS = ["Boot", "EFI", "Microsoft", "Grüße", "données", "Ελληνικά", "日本語",
         "résumé", "ÆØÅ", "Ünïcödé", "mixedCase", "UPPER", "lower", "with space",
         "tab le", "x", "a.b.c", "𝄞 music", "Zürich", "naïve café"]


def name(rng, used, ext):
    while True:
        n = "%s %s%d%s" % (rng.choice(WORDS), rng.choice(WORDS).upper()
                           if rng.random() < 0.3 else rng.choice(WORDS),
                           rng.randrange(1000), ext)
        if n.lower() not in used:
            used.add(n.lower())
            return n


def write(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n


def main():
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    maxsize = int(sys.argv[3]) if len(sys.argv) > 3 else 64 << 20
    rng = random.Random(10)
    os.makedirs(root)
    used = {root: set()}
    # The deep chain: 20 folders, each named differently.
    deep = root
    for level in range(1, 21):
        used.setdefault(deep, set())
        deep = os.path.join(deep, name(rng, used[deep], " L%02d" % level))
        os.mkdir(deep)
    used.setdefault(deep, set())
    dirs = [root, deep]
    for _ in range(30):
        parent = rng.choice(dirs)
        d = os.path.join(parent, name(rng, used[parent], ""))
        os.mkdir(d)
        used[d] = set()
        dirs.append(d)
    empty = os.path.join(root, name(rng, used[root], " empty"))
    os.mkdir(empty)
    for i in range(count):
        if i == 0:
            size = maxsize
        elif i < 4:
            size = rng.randrange(1 << 20, 8 << 20)
        elif i % 10 == 0:
            size = 0
        else:
            size = rng.randrange(1, 70000)
        size = min(size, maxsize)
        # The largest file at the top (mtools cannot reach 20 levels down).
        parent = root if i == 0 else dirs[i % len(dirs)] if i % 7 else deep
        write(os.path.join(parent, name(rng, used[parent], ".bin")), size)


if __name__ == "__main__":
    main()
