#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make bench": hivetool export of regipy-SYSTEM (11.8 MB) side by side with
# hivexml and hivexregedit --export on the same file; medians of RUNS runs
# (wall time of each process, output to /dev/null).  Targets: at least 5x
# faster than hivexml and 40x faster than hivexregedit.  Then the export of
# generated hives of 100 and 200 MB (tests/gen/mkbighive): time must grow
# linearly and peak memory stay under 1.5x the file size.  Exits 1 if a
# target is missed.  Hives live on tmpfs (BENCH_DIR to change it).
set -eu
: "${top_builddir:?}" "${BK_CORPUS:?}"
HIVE="$BK_CORPUS/hive/regipy-SYSTEM"
[ -f "$HIVE" ] || { echo "SKIP: no corpus hive $HIVE"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 0; }
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] && [ -w "$DIR" ] || DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$DIR/bench-export.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The real binary, not a libtool wrapper script.
BIN="$top_builddir/hivetool"
[ "$(head -c 4 "$BIN" | od -An -c | tr -d ' ')" = '177ELF' ] || BIN="$top_builddir/.libs/hivetool"
LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
GEN="$top_builddir/tests/gen/mkbighive"
[ -x "$GEN" ] || make -C "$top_builddir" tests/gen/mkbighive >/dev/null 2>&1 || GEN=

python3 - "$BIN" "$HIVE" "$TMP" "${RUNS:-7}" "$GEN" <<'PY'
import os, shutil, statistics, subprocess, sys, time

binary, hive, tmp, runs, gen = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
devnull = os.open(os.devnull, os.O_WRONLY)

def run(cmd):
    """Wall time (s) and peak RSS (KiB) of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    if status != 0:
        sys.exit("FAIL: %s exited with status %d" % (" ".join(cmd), status))
    return dt, ru.ru_maxrss

def median(cmd, n):
    return statistics.median(run(cmd)[0] for _ in range(n))

failed = False
local = os.path.join(tmp, "SYSTEM")
shutil.copy(hive, local)
ours = median([binary, "export", local], runs)
ours_xml = median([binary, "export", "--format", "xml", local], runs)
print("%-52s %9s %8s" % ("regipy-SYSTEM (11.8 MB), median of %d" % runs, "time", "ratio"))
print("%-52s %8.3fs" % ("hivetool export (reg, UTF-16LE)", ours))
print("%-52s %8.3fs" % ("hivetool export --format xml", ours_xml))
for name, cmd, n, target in (("hivexml", ["hivexml", local], runs, 5),
                             ("hivexregedit --export", ["hivexregedit", "--export", "--prefix",
                              "HKEY_LOCAL_MACHINE\\SYSTEM", local, "\\"], 3, 40)):
    if not shutil.which(cmd[0]):
        print("%-52s %9s" % (name, "not installed"))
        continue
    t = median(cmd, n)
    ok = t / ours >= target
    failed |= not ok
    print("%-52s %8.3fs %7.1fx  (target >= %dx: %s)" % (name, t, t / ours, target,
                                                         "ok" if ok else "MISSED"))

if gen:
    sizes = {}
    for mb in (100, 200):
        path = os.path.join(tmp, "big%d.hiv" % mb)
        subprocess.run([gen, str(mb), path], check=True, stdout=subprocess.DEVNULL)
        fsize = os.path.getsize(path)
        t = min(run([binary, "export", path])[0] for _ in range(3))
        rss = run([binary, "export", path])[1] * 1024
        sizes[mb] = (fsize, t)
        ok = rss <= 1.5 * fsize
        failed |= not ok
        print("%-52s %8.3fs  peak %5.0f MB = %.2fx file (target < 1.5x: %s)" % (
            "generated hive, %d MB file" % (fsize >> 20), t, rss / 2**20, rss / fsize,
            "ok" if ok else "MISSED"))
        os.unlink(path)
    (f1, t1), (f2, t2) = sizes[100], sizes[200]
    growth = (t2 / t1) / (f2 / f1)
    ok = growth < 1.3
    failed |= not ok
    print("%-52s %8.2f   (1.0 = linear; target < 1.3: %s)" % (
        "time per MB, 200 MB hive / 100 MB hive", growth, "ok" if ok else "MISSED"))
else:
    print("tests/gen/mkbighive not built: big-hive part skipped")
sys.exit(1 if failed else 0)
PY
