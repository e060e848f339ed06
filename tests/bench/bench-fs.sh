#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Files into file systems inside images ("make bench"): vhdtool cp into NTFS
# and FAT32 partitions of a dynamic VHDX, side by side with ntfscp into a raw
# NTFS image and mcopy into a raw FAT32 image, printing the median and best
# time of each, the ratios, and whether vhdtool held its target
# (at least as fast as each peer).
#
#  1. one file of 1 GiB (random data);
#  2. 10,000 small files, 1 GiB in all (100 folders of 100 files of about
#     105 KiB), recursively (vhdtool cp -r, mcopy -s); ntfscp copies one file
#     per run and cannot make folders, so it copies the same 10,000 files
#     flat into the root, one process each (BENCH_NTFSCP_FILES, default all
#     10,000, lowers that and scales the time up).
#
# Every target starts as a fresh copy of an empty image (not timed).  vhdtool
# syncs what it wrote when it closes the image (so does ntfscp, unmounting);
# mcopy does not, so it is timed followed by "sync IMAGE".  A "sync" that is
# not timed separates the runs.
#
# Environment: BENCH_DIR (default: a new folder in $TMPDIR or /tmp; it needs
# about 8 GiB free), BENCH_RUNS (default 3), BEFORE=path/to/old/vhdtool
# (timed too, in the same rounds, with its own libraries, for a before and
# after comparison).  The load average is printed before and after: the
# machine may be shared.
set -eu

VHDTOOL="${top_builddir:-.}/vhdtool"
RUNS="${BENCH_RUNS:-3}"
[ -x "$VHDTOOL" ] || { echo "bench-fs: $VHDTOOL not built" >&2; exit 1; }
if [ -x "${top_builddir:-.}/.libs/vhdtool" ]; then
	VHDTOOL="$(cd "${top_builddir:-.}" && pwd)/.libs/vhdtool"
	LD_LIBRARY_PATH="$(dirname "$VHDTOOL")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
PATH="$PATH:/usr/sbin:/sbin"
BEFORE=${BEFORE:-}
if [ -n "$BEFORE" ]; then
	BEFORE=$(cd "$(dirname "$BEFORE")" && pwd)/$(basename "$BEFORE")
	[ -x "$(dirname "$BEFORE")/.libs/vhdtool" ] && BEFORE="$(dirname "$BEFORE")/.libs/vhdtool"
	[ -x "$BEFORE" ] || { echo "bench-fs: $BEFORE not found" >&2; exit 1; }
fi
# The old binary with its own libraries, not this build's.
old() { LD_LIBRARY_PATH="$(dirname "$BEFORE")" "$BEFORE" "$@"; }
for t in ntfscp mkntfs mcopy mkfs.fat python3; do
	command -v $t >/dev/null || { echo "bench-fs: $t not installed, skipped"; exit 0; }
done

DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-fs.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
cd "$DIR"

now() { date +%s.%N; }
median() { sort -n "$1.times" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
best() { sort -n "$1.times" | head -n 1; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
verdict() { echo "$1 $2" | awk '{ print ($1 <= $2) ? "yes" : "NO" }'; }
row() { printf '  %-34s %8.2f %8.2f\n' "$1" "$(median "$2")" "$(best "$2")"; }

# timeit NAME FRESH TARGET CMD...: copy the empty image FRESH to TARGET (not
# timed), run CMD, append the seconds (times SCALE, default 1) to NAME.times.
timeit() {
	name=$1 fresh=$2 target=$3
	shift 3
	cp --sparse=always "$fresh" "$target"
	sync
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	rm -f "$target"
	sync
	echo "$t1 $t0 ${SCALE:-1}" | awk '{ printf "%.4f\n", ($1 - $2) * $3 }' >> "$name.times"
}

# judge VT PEER: ratio and verdict of the medians and of the best runs.
judge() {
	printf '  vhdtool / %-23s' "$2"
	for f in median best; do
		v=$($f "$1") p=$($f "$2")
		printf ' %s %s %s' "$f" "$(ratio "$v" "$p")" "$(verdict "$v" "$p")"
	done
	echo
}

# Empty images: NTFS and FAT32 partitions in dynamic VHDX; bare raw volumes.
"$VHDTOOL" build ntfs.vhdx --size 3G --mbr --part ntfs:rest:active
"$VHDTOOL" build fat.vhdx --size 3G --mbr --part fat32:rest:active
truncate -s 3G ntfs.raw fat.raw
mkntfs -F -Q -q ntfs.raw >/dev/null 2>&1
mkfs.fat -F 32 fat.raw >/dev/null

# The data.
head -c $((1 << 30)) /dev/urandom > big.bin
python3 - <<'EOF'
import os
for d in range(100):
    os.makedirs("small/d%02d" % d)
    for f in range(100):
        with open("small/d%02d/f%03d.bin" % (d, f), "wb") as o:
            o.write(os.urandom(107374))
EOF
mkdir flat
find small -type f | while read -r f; do ln "$f" "flat/$(echo "$f" | tr / _)"; done
NFLAT=${BENCH_NTFSCP_FILES:-10000}
ls flat | head -n "$NFLAT" > flat.list
sync

ntfscp_all() {
	while read -r f; do ntfscp -f -q ntfs.run "flat/$f" "/$f" || return 1; done < flat.list
}
mcopy_sync() { mcopy -i fat.run "$@" && sync fat.run; }

echo "bench-fs: $RUNS runs each, seconds: median and best run (in $DIR)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
	timeit v_ntfs_big ntfs.vhdx run.vhdx "$VHDTOOL" cp big.bin run.vhdx:/big.bin
	[ -z "$BEFORE" ] || timeit o_ntfs_big ntfs.vhdx run.vhdx old cp big.bin run.vhdx:/big.bin
	timeit ntfscp_big ntfs.raw ntfs.run ntfscp -f -q ntfs.run big.bin /big.bin
	timeit v_fat_big fat.vhdx run.vhdx "$VHDTOOL" cp big.bin run.vhdx:/big.bin
	[ -z "$BEFORE" ] || timeit o_fat_big fat.vhdx run.vhdx old cp big.bin run.vhdx:/big.bin
	timeit mcopy_big fat.raw fat.run mcopy_sync big.bin ::/big.bin
	timeit v_ntfs_small ntfs.vhdx run.vhdx "$VHDTOOL" cp -r small run.vhdx:/
	[ -z "$BEFORE" ] || timeit o_ntfs_small ntfs.vhdx run.vhdx old cp -r small run.vhdx:/
	SCALE=$(echo "10000 $NFLAT" | awk '{ print $1 / $2 }') \
		timeit ntfscp_small ntfs.raw ntfs.run ntfscp_all
	timeit v_fat_small fat.vhdx run.vhdx "$VHDTOOL" cp -r small run.vhdx:/
	[ -z "$BEFORE" ] || timeit o_fat_small fat.vhdx run.vhdx old cp -r small run.vhdx:/
	timeit mcopy_small fat.raw fat.run mcopy_sync -s small ::/
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '\n1. one file of 1 GiB                   median     best\n'
row "vhdtool cp -> NTFS in VHDX" v_ntfs_big
[ -z "$BEFORE" ] || row "  before" o_ntfs_big
row "ntfscp -> raw NTFS" ntfscp_big
row "vhdtool cp -> FAT32 in VHDX" v_fat_big
[ -z "$BEFORE" ] || row "  before" o_fat_big
row "mcopy + sync -> raw FAT32" mcopy_big
judge v_ntfs_big ntfscp_big
judge v_fat_big mcopy_big
printf '\n2. 10,000 files, 1 GiB                 median     best\n'
row "vhdtool cp -r -> NTFS in VHDX" v_ntfs_small
[ -z "$BEFORE" ] || row "  before" o_ntfs_small
row "ntfscp x10000 -> raw NTFS$( [ "$NFLAT" = 10000 ] || echo " (x$NFLAT scaled)")" ntfscp_small
row "vhdtool cp -r -> FAT32 in VHDX" v_fat_small
[ -z "$BEFORE" ] || row "  before" o_fat_small
row "mcopy -s + sync -> raw FAT32" mcopy_small
judge v_ntfs_small ntfscp_small
judge v_fat_small mcopy_small
