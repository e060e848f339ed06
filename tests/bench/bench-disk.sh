#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Disk image conversion benchmark ("make bench"): vhdtool convert side by
# side with qemu-img convert and cp, in one run, printing the median time of
# each, the ratios, and whether each target below held.
#
#  1. 1 GiB of random data, raw -> dynamic VHD and raw -> VHDX: vhdtool should
#     be at least as fast as qemu-img, and within 15% of copying the file.
#  2. A 2 GiB raw image with 16 MiB of data -> dynamic VHD: no slower than
#     qemu-img, and an output no larger than qemu-img's.
#
# vhdtool syncs its output before renaming it into place (crash safety:
# after a power cut the image is either absent or complete).  Neither cp nor
# qemu-img convert (7.2, whose default cache mode for the target is
# "unsafe": its only fdatasync comes when it creates the empty VHD/VHDX,
# before any data) makes the data durable, and on a disk writing
# 1 GiB back costs more than copying it in memory.  So case 1 runs twice:
#  1a. in memory (tmpfs, BENCH_MEM_DIR, default /dev/shm), where syncing is
#      free and all three tools do the same work: the targets as written;
#  1b. on the disk (BENCH_DIR), where cp and qemu-img are also timed
#      followed by "sync FILE", the same durability as vhdtool's.
# Every command is followed by a "sync" that is not timed, so that one run's
# writeback does not slow the next.
#
# Environment: BENCH_DIR (default: a new folder in $TMPDIR or /tmp; it needs
# about 6 GiB free), BENCH_MEM_DIR (a tmpfs with 3.5 GiB free; part 1a is
# skipped without one), BENCH_RUNS (default 7).
set -eu

VHDTOOL="${top_builddir:-.}/vhdtool"
RUNS="${BENCH_RUNS:-7}"
[ -x "$VHDTOOL" ] || { echo "bench-disk: $VHDTOOL not built" >&2; exit 1; }
# Time the program, not libtool's wrapper script around it.
if [ -x "${top_builddir:-.}/.libs/vhdtool" ]; then
	VHDTOOL="$(cd "${top_builddir:-.}" && pwd)/.libs/vhdtool"
	LD_LIBRARY_PATH="$(dirname "$VHDTOOL")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
command -v qemu-img >/dev/null || { echo "bench-disk: qemu-img not installed, skipped"; exit 0; }

DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-disk.XXXXXX")
MEMDIR=
trap 'rm -rf "$DIR" ${MEMDIR:+"$MEMDIR"}' EXIT INT TERM
cd "$DIR"

now() { date +%s.%N; }

# timeit NAME CMD...: run CMD once, append the seconds to NAME.times.
timeit() {
	name=$1; shift
	rm -f out.*
	sync
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	sync
	echo "$t1 $t0" | awk '{ printf "%.4f\n", $1 - $2 }' >> "$name.times"
}

median() { sort -n "$1.times" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }

# verdict T LIMIT: "yes" when T <= LIMIT.
verdict() { echo "$1 $2" | awk '{ print ($1 <= $2) ? "yes" : "NO" }'; }

cp_sync() { cp "$1" "$2" && sync "$2"; }
# qemu_sync OUT ARGS...: qemu-img convert ARGS, then sync OUT.
qemu_sync() { out=$1; shift; qemu-img convert "$@" && sync "$out"; }

QVHD="-f raw -O vpc -o subformat=dynamic,force_size=on"
QVHDX="-f raw -O vhdx -o subformat=dynamic"

best() { sort -n "$1.times" | head -n 1; }

# row LABEL NAME: one line of a table: median and best time of NAME.
row() { printf '  %-26s %7.3f %7.3f\n' "$1" "$(median "$2")" "$(best "$2")"; }

# judge VT PEER LIMIT: "R yes|NO" for the medians and for the best runs of
# the timings VT and PEER, R = VT / PEER, against LIMIT.  Both are shown:
# this VM's noise only ever adds time, to any of the tools, at random.
judge() {
	for f in median best; do
		v=$($f "$1"); p=$($f "$2")
		printf ' %s %s %s' "$f" "$(ratio "$v" "$p")" "$(verdict "$v" "$(echo "$p $3" | awk '{ print $1 * $2 }')")"
	done
}

# targets LABEL VT QEMU CP: the two targets of case 1 for one format.
targets() {
	printf '  %-5s vhdtool/qemu-img (<= 1.00):%s\n' "$1" "$(judge "$2" "$3" 1.00)"
	printf '  %-5s vhdtool/cp       (<= 1.15):%s\n' "$1" "$(judge "$2" "$4" 1.15)"
}

echo "bench-disk: $RUNS runs each, seconds: median and best run (in $DIR)"
# ---- 1a. 1 GiB of random data, in memory ----------------------------------------
MEM=${BENCH_MEM_DIR:-/dev/shm}
free_kb=$(df -Pk "$MEM" 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ "$(stat -f -c %T "$MEM" 2>/dev/null)" = tmpfs ] && [ "${free_kb:-0}" -ge 3670016 ]; then
	# First, before anything is written to the disk: here, runs in memory
	# were slowed (up to 3.5x, at random) for seconds after a 1 GiB write.
	MEMDIR=$(mktemp -d "$MEM/bench-disk.XXXXXX")
	cd "$MEMDIR"
	head -c 1073741824 /dev/urandom > rand.raw
	i=0
	while [ $i -lt "$RUNS" ]; do
		timeit cp cp rand.raw out.cp
		timeit vt_vhd "$VHDTOOL" convert rand.raw out.vhd
		timeit qm_vhd qemu-img convert $QVHD rand.raw out.vhd
		timeit vt_vhdx "$VHDTOOL" convert rand.raw out.vhdx
		timeit qm_vhdx qemu-img convert $QVHDX rand.raw out.vhdx
		i=$((i + 1))
	done
	printf '\n1a. 1 GiB random data, raw -> (in memory: %s)   median    best\n' "$MEM"
	row cp cp
	row "qemu-img  VHD" qm_vhd
	row "vhdtool   VHD" vt_vhd
	row "qemu-img  VHDX" qm_vhdx
	row "vhdtool   VHDX" vt_vhdx
	echo '  targets:'
	targets VHD vt_vhd qm_vhd cp
	targets VHDX vt_vhdx qm_vhdx cp
	rm -f ./*.times
	cd "$DIR"
	cp "$MEMDIR/rand.raw" rand.raw
	rm -rf "$MEMDIR"
	MEMDIR=
else
	printf '\n1a. skipped: %s is not a tmpfs with 3.5 GiB free (set BENCH_MEM_DIR)\n' "$MEM"
fi

# ---- 1b. 1 GiB of random data, on the disk --------------------------------------
[ -f rand.raw ] || head -c 1073741824 /dev/urandom > rand.raw
sync
i=0
while [ $i -lt "$RUNS" ]; do
	timeit cp cp rand.raw out.cp
	timeit cpsync cp_sync rand.raw out.cp
	timeit vt_vhd "$VHDTOOL" convert rand.raw out.vhd
	timeit qm_vhd qemu-img convert $QVHD rand.raw out.vhd
	timeit qs_vhd qemu_sync out.vhd $QVHD rand.raw out.vhd
	timeit vt_vhdx "$VHDTOOL" convert rand.raw out.vhdx
	timeit qm_vhdx qemu-img convert $QVHDX rand.raw out.vhdx
	timeit qs_vhdx qemu_sync out.vhdx $QVHDX rand.raw out.vhdx
	i=$((i + 1))
done
printf '\n1b. 1 GiB random data, raw -> (on disk)          median    best\n'
row cp cp
row "cp + sync" cpsync
row "qemu-img  VHD" qm_vhd
row "qemu-img  VHD + sync" qs_vhd
row "vhdtool   VHD (synced)" vt_vhd
row "qemu-img  VHDX" qm_vhdx
row "qemu-img  VHDX + sync" qs_vhdx
row "vhdtool   VHDX (synced)" vt_vhdx
echo '  targets, each side synced:'
targets VHD vt_vhd qs_vhd cpsync
targets VHDX vt_vhdx qs_vhdx cpsync
echo '  targets against the unsynced peers (the sync alone costs them "cp + sync" - "cp"):'
targets VHD vt_vhd qm_vhd cp
targets VHDX vt_vhdx qm_vhdx cp
rm -f rand.raw

# ---- 2. 2 GiB mostly empty ---------------------------------------------------
truncate -s 2G sparse.raw
head -c 8388608 /dev/urandom | dd of=sparse.raw conv=notrunc status=none
head -c 8388608 /dev/urandom | dd of=sparse.raw bs=1M seek=1500 conv=notrunc status=none
sync
i=0
while [ $i -lt "$RUNS" ]; do
	timeit vt_sparse "$VHDTOOL" convert sparse.raw out.vhd
	timeit qm_sparse qemu-img convert $QVHD sparse.raw out.vhd
	timeit qs_sparse qemu_sync out.vhd $QVHD sparse.raw out.vhd
	i=$((i + 1))
done
"$VHDTOOL" convert sparse.raw vt.vhd
qemu-img convert $QVHD sparse.raw qm.vhd
printf '\n2. 2 GiB raw with 16 MiB of data -> dynamic VHD   median    best\n'
row "qemu-img" qm_sparse
row "qemu-img + sync" qs_sparse
row "vhdtool (synced)" vt_sparse
vsz=$(stat -c %s vt.vhd); qsz=$(stat -c %s qm.vhd)
printf '  time: vhdtool/qemu-img (<= 1.00):%s\n' "$(judge vt_sparse qm_sparse 1.00)"
printf '  size: vhdtool %s bytes, qemu-img %s bytes (<=: %s); allocated %s KiB vs %s KiB\n' \
	"$vsz" "$qsz" "$(verdict "$vsz" "$qsz")" "$(du -k vt.vhd | cut -f1)" "$(du -k qm.vhd | cut -f1)"
qemu-img compare -q -f raw -F vpc sparse.raw vt.vhd || { echo "bench-disk: output differs" >&2; exit 1; }
