#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make bench": bcdverify on a 64 GiB sparse raw disk with 4 NTFS partitions,
# Windows (synthetic files) in a 10 GiB dynamic VHDX on partition 2, the BIOS
# store made by bcdboot on partition 1.  bcdverify finds the store, checks it,
# resolves the VHDX on its host volume and opens it there (its partition table
# and NTFS metadata, winload and systemroot inside it): it reads metadata
# only, so the median must stay under 200 ms.
set -eu
: "${top_builddir:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 0; }
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
TMP=$(mktemp -d "$DIR/bench-bcdverify.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
VHDTOOL="$top_builddir/vhdtool"

w="$TMP/tree/Windows"
mkdir -p "$w/Boot/PCAT/en-US" "$w/System32"
for f in Boot/PCAT/bootmgr Boot/PCAT/memtest.exe Boot/PCAT/en-US/bootmgr.exe.mui \
	 System32/winload.exe System32/winresume.exe; do
	echo "synthetic stand-in for Windows\\$f (bcdkit benchmark)" > "$w/$f"
done
"$VHDTOOL" build "$TMP/big.img" --size 64G --format raw --mbr --part ntfs:16G:active \
	--part ntfs:16G --part ntfs:16G --part ntfs:rest >/dev/null
"$VHDTOOL" build "$TMP/w.vhdx" --size 10G --type dynamic --mbr --part ntfs:rest >/dev/null
"$VHDTOOL" cp -r "$w" "$TMP/w.vhdx:1:\\" >/dev/null
"$VHDTOOL" cp "$TMP/w.vhdx" "$TMP/big.img:2:\\w.vhdx" >/dev/null
"$top_builddir/bcdboot" "$TMP/big.img:2:\\w.vhdx:1:\\Windows" /s "$TMP/big.img:1" /f BIOS \
	>/dev/null 2>&1

BIN="$top_builddir/bcdverify"
[ "$(head -c 4 "$BIN" | od -An -c | tr -d ' ')" = '177ELF' ] || BIN="$top_builddir/.libs/bcdverify"
LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

python3 - "$BIN" "$TMP/big.img" "${RUNS:-21}" <<'PY'
import statistics, subprocess, sys, time

binary, disk, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = subprocess.run([binary, disk], capture_output=True, text=True)
# Only the volume boot code bcdkit cannot write is reported (a warning).
assert out.returncode == 0 and "\\Boot\\BCD" in out.stdout and " error " not in out.stdout, out
assert "BCD-VBR-BOOTCODE" in out.stdout and "BCD-VHD" not in out.stdout, out
def timed():
    t = time.perf_counter()
    subprocess.run([binary, disk], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1e3
med = statistics.median(timed() for _ in range(runs))
print("%-60s %7.1f ms" % ("bcdverify, 64 GiB disk, 4 partitions, 10 GiB VHDX (median)", med))
sys.exit("FAIL: over 200 ms" if med > 200 else 0)
PY
