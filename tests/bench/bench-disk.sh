#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Disk image conversion benchmark ("make bench"): vhdtool convert side by
# side with qemu-img convert and cp, in one run, printing the median time of
# each and the ratios.
#
#  1. 1 GiB of random data, raw -> dynamic VHD and raw -> VHDX: vhdtool should
#     be at least as fast as qemu-img, and within 15% of copying the file.
#  2. A 2 GiB raw image with 16 MiB of data -> dynamic VHD: no slower than
#     qemu-img, and an output no larger than qemu-img's.
#
# vhdtool syncs its output before renaming it into place (crash safety).
# Neither cp nor qemu-img convert (7.2: its only fdatasync comes when it
# creates the empty VHD/VHDX, before any data) makes the data durable, so
# both are also timed followed by "sync FILE", the same durability as
# vhdtool's.  Every command is followed by a "sync" that is not timed, so
# that one run's writeback does not slow the next.
#
# Environment: BENCH_DIR (default: a new folder in $TMPDIR or /tmp; it needs
# about 6 GiB free), BENCH_RUNS (default 5).
set -eu

VHDTOOL="${top_builddir:-.}/vhdtool"
RUNS="${BENCH_RUNS:-5}"
[ -x "$VHDTOOL" ] || { echo "bench-disk: $VHDTOOL not built" >&2; exit 1; }
# Time the program, not libtool's wrapper script around it.
if [ -x "${top_builddir:-.}/.libs/vhdtool" ]; then
	VHDTOOL="$(cd "${top_builddir:-.}" && pwd)/.libs/vhdtool"
	LD_LIBRARY_PATH="$(dirname "$VHDTOOL")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
command -v qemu-img >/dev/null || { echo "bench-disk: qemu-img not installed, skipped"; exit 0; }

DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-disk.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
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

cp_sync() { cp "$1" "$2" && sync "$2"; }
# qemu_sync OUT ARGS...: qemu-img convert ARGS, then sync OUT.
qemu_sync() { out=$1; shift; qemu-img convert "$@" && sync "$out"; }

echo "bench-disk: $RUNS runs each, median seconds (in $DIR)"

# ---- 1. 1 GiB of random data -------------------------------------------------
head -c 1073741824 /dev/urandom > rand.raw
sync
i=0
while [ $i -lt "$RUNS" ]; do
	timeit cp cp rand.raw out.cp
	timeit cpsync cp_sync rand.raw out.cp
	timeit vt_vhd "$VHDTOOL" convert rand.raw out.vhd
	timeit qm_vhd qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on rand.raw out.vhd
	timeit qs_vhd qemu_sync out.vhd -f raw -O vpc -o subformat=dynamic,force_size=on rand.raw out.vhd
	timeit vt_vhdx "$VHDTOOL" convert rand.raw out.vhdx
	timeit qm_vhdx qemu-img convert -f raw -O vhdx -o subformat=dynamic rand.raw out.vhdx
	timeit qs_vhdx qemu_sync out.vhdx -f raw -O vhdx -o subformat=dynamic rand.raw out.vhdx
	i=$((i + 1))
done
cp=$(median cp); cps=$(median cpsync)
vv=$(median vt_vhd); qv=$(median qm_vhd); qsv=$(median qs_vhd)
vx=$(median vt_vhdx); qx=$(median qm_vhdx); qsx=$(median qs_vhdx)
printf '\n1 GiB random data, raw ->   seconds  /qemu-img /qemu+sync   /cp /cp+sync\n'
printf '  cp                        %7.3f\n' "$cp"
printf '  cp + sync                 %7.3f\n' "$cps"
printf '  qemu-img  VHD             %7.3f\n' "$qv"
printf '  qemu-img  VHD + sync      %7.3f\n' "$qsv"
printf '  vhdtool   VHD (synced)    %7.3f  %9s %10s %5s %8s\n' "$vv" "$(ratio "$vv" "$qv")" \
	"$(ratio "$vv" "$qsv")" "$(ratio "$vv" "$cp")" "$(ratio "$vv" "$cps")"
printf '  qemu-img  VHDX            %7.3f\n' "$qx"
printf '  qemu-img  VHDX + sync     %7.3f\n' "$qsx"
printf '  vhdtool   VHDX (synced)   %7.3f  %9s %10s %5s %8s\n' "$vx" "$(ratio "$vx" "$qx")" \
	"$(ratio "$vx" "$qsx")" "$(ratio "$vx" "$cp")" "$(ratio "$vx" "$cps")"
rm -f rand.raw

# ---- 2. 2 GiB mostly empty ---------------------------------------------------
truncate -s 2G sparse.raw
head -c 8388608 /dev/urandom | dd of=sparse.raw conv=notrunc status=none
head -c 8388608 /dev/urandom | dd of=sparse.raw bs=1M seek=1500 conv=notrunc status=none
sync
i=0
while [ $i -lt "$RUNS" ]; do
	timeit vt_sparse "$VHDTOOL" convert sparse.raw out.vhd
	timeit qm_sparse qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on sparse.raw out.vhd
	timeit qs_sparse qemu_sync out.vhd -f raw -O vpc -o subformat=dynamic,force_size=on sparse.raw out.vhd
	i=$((i + 1))
done
"$VHDTOOL" convert sparse.raw vt.vhd
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on sparse.raw qm.vhd
vs=$(median vt_sparse); qs=$(median qm_sparse); qss=$(median qs_sparse)
printf '\n2 GiB raw with 16 MiB of data -> dynamic VHD\n'
printf '  qemu-img          %7.3f s   %10s bytes\n' "$qs" "$(stat -c %s qm.vhd)"
printf '  qemu-img + sync   %7.3f s\n' "$qss"
printf '  vhdtool (synced)  %7.3f s   %10s bytes\n' "$vs" "$(stat -c %s vt.vhd)"
printf '  ratios: time /qemu-img %s, /qemu+sync %s; size /qemu-img %s\n' "$(ratio "$vs" "$qs")" \
	"$(ratio "$vs" "$qss")" "$(ratio "$(stat -c %s vt.vhd)" "$(stat -c %s qm.vhd)")"
qemu-img compare -q -f raw -F vpc sparse.raw vt.vhd || { echo "bench-disk: output differs" >&2; exit 1; }
