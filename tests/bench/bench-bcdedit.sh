#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make bench": time one "/set {bootmgr} timeout N" per invocation on a 32 KB
# store (corpus win10-uefi-system/BCD), side by side with the same change
# through hivexregedit --merge.  Prints the medians (wall time of each
# process, taken by python3 around it) and fails if bcdedit's median is
# over 5 ms.  The store lives on tmpfs by default, since fsync costs depend
# on the disk rather than on the tool; BENCH_DIR=/a/disk/folder measures
# them too (bcdedit fsyncs the new file and the folder, hivex does not).
set -eu
: "${top_builddir:?}" "${BK_CORPUS:?}"
STORE="$BK_CORPUS/bcd/win10-uefi-system/BCD"
[ -f "$STORE" ] || { echo "SKIP: no corpus store $STORE"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 0; }
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] || DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$DIR/bench-bcdedit.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cp "$STORE" "$TMP/BCD"
chmod u+w "$TMP/BCD"

# The real binary, not a libtool wrapper script.
BIN="$top_builddir/bcdedit"
[ "$(head -c 4 "$BIN" | od -An -c | tr -d ' ')" = '177ELF' ] || BIN="$top_builddir/.libs/bcdedit"
LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

python3 - "$BIN" "$TMP" "${RUNS:-101}" <<'PY'
import os, shutil, statistics, subprocess, sys, time

binary, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = os.path.join(tmp, "BCD")
bootmgr = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}"

def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1e6

base = statistics.median(timed(["/bin/true"]) for _ in range(runs))
bc = statistics.median(timed([binary, "--store", store, "/set", "{bootmgr}", "timeout", str(i % 50)])
                       for i in range(runs))
out = subprocess.run([binary, "--store", store, "/enum", "{bootmgr}"], capture_output=True, text=True).stdout
assert "timeout                 %d\n" % ((runs - 1) % 50) in out, "the last /set is not in the store"

hx = None
if shutil.which("hivexregedit"):
    reg = os.path.join(tmp, "t.reg")
    times = []
    for i in range(runs):
        with open(reg, "w") as f:
            f.write("Windows Registry Editor Version 5.00\n\n"
                    "[HKEY_LOCAL_MACHINE\\BCD\\Objects\\%s\\Elements\\25000004]\n"
                    "\"Element\"=hex(3):%02x,00,00,00,00,00,00,00\n\n" % (bootmgr, i % 50))
        times.append(timed(["hivexregedit", "--merge", "--prefix", "HKEY_LOCAL_MACHINE\\BCD", store, reg]))
    hx = statistics.median(times)

print("%-44s %10s" % ("median of %d runs, 32 KB store (%s)" % (runs, os.path.dirname(tmp)), "time"))
print("%-44s %7.0f us" % ("process start (/bin/true, for reference)", base))
print("%-44s %7.0f us" % ("bcdedit /set {bootmgr} timeout N", bc))
if hx is not None:
    print("%-44s %7.0f us  (%.1f x bcdedit)" % ("hivexregedit --merge, same element", hx, hx / bc))
if bc > 5000:
    print("FAIL: bcdedit median %.0f us is over 5 ms" % bc)
    sys.exit(1)
print("OK: bcdedit median within 5 ms")
PY
