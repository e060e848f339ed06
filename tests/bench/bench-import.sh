#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make bench": hivetool import of regipy-SYSTEM's .reg export (UTF-16LE,
# as regedit writes it) into an empty hive, commit included, side by side
# with hivexregedit --merge of hivexregedit's own export of the same hive
# into hivex's minimal hive.  Median of RUNS runs (hivexregedit: one run).
# Target: at least 20x faster.  On tmpfs by default (BENCH_DIR to change
# it): fsync costs depend on the disk, not on the tool (hivetool fsyncs the
# new hive and its folder, hivex does not).
set -eu
: "${top_builddir:?}" "${BK_CORPUS:?}"
HIVE="$BK_CORPUS/hive/regipy-SYSTEM"
MINIMAL="$BK_CORPUS/hive/hivex-minimal"
[ -f "$HIVE" ] || { echo "SKIP: no corpus hive $HIVE"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 0; }
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] && [ -w "$DIR" ] || DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$DIR/bench-import.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

BIN="$top_builddir/hivetool"
[ "$(head -c 4 "$BIN" | od -An -c | tr -d ' ')" = '177ELF' ] || BIN="$top_builddir/.libs/hivetool"
LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

python3 - "$BIN" "$HIVE" "$MINIMAL" "$TMP" "${RUNS:-7}" <<'PY'
import os, shutil, statistics, subprocess, sys, time

binary, hive, minimal, tmp, runs = sys.argv[1:5] + [int(sys.argv[5])]
reg = os.path.join(tmp, "system.reg")
out = os.path.join(tmp, "new.hiv")
subprocess.run([binary, "export", hive, "-o", reg], check=True)

def timed(cmd, before=None):
    if before:
        before()
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t

def fresh():
    if os.path.exists(out):
        os.unlink(out)

ours = statistics.median(timed([binary, "import", out, reg, "--create"], fresh) for _ in range(runs))
size = os.path.getsize(out)
print("%-56s %9s %8s" % ("regipy-SYSTEM .reg (%.1f MB UTF-16LE)" % (os.path.getsize(reg) / 2**20),
                         "time", "ratio"))
print("%-56s %8.3fs" % ("hivetool import --create (median of %d)" % runs, ours))
print("%-56s %9d (%.2fx the original)" % ("  resulting hive, bytes", size,
                                          size / os.path.getsize(hive)))
failed = size > 1.2 * os.path.getsize(hive)
if shutil.which("hivexregedit") and os.path.exists(minimal):
    hreg = os.path.join(tmp, "hivex.reg")
    with open(hreg, "wb") as f:
        subprocess.run(["hivexregedit", "--export", "--prefix", "HKEY_LOCAL_MACHINE\\SYSTEM",
                        hive, "\\"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    target = os.path.join(tmp, "minimal.hiv")
    def copy_minimal():
        shutil.copy(minimal, target)
        os.chmod(target, 0o644)
    t = timed(["hivexregedit", "--merge", "--prefix", "HKEY_LOCAL_MACHINE\\SYSTEM", target, hreg],
              copy_minimal)
    ok = t / ours >= 20
    failed |= not ok
    print("%-56s %8.3fs %7.1fx  (target >= 20x: %s)" % ("hivexregedit --merge (1 run)", t, t / ours,
                                                         "ok" if ok else "MISSED"))
else:
    print("hivexregedit not installed: comparison skipped")
sys.exit(1 if failed else 0)
PY
