#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reader benchmark (run by "make bench", never by "make check"): hivetool
# info, check and ls -r on generated hives of 50, 100 and 200 MiB, side by
# side, with wall time, peak memory (max RSS from /usr/bin/time -v), time per
# MiB and the ratio of peak memory to file size.  The time of each command
# should grow linearly with the size (about the same s/MiB in each row) and
# its peak memory stay under 1.5 x the file size.  Prints a warning for a
# row that breaks either expectation.
set -eu
H="$top_builddir/hivetool"
GEN="$top_builddir/tests/gen/mkbighive"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -x /usr/bin/time ] || { echo "bench-read: /usr/bin/time is not installed (package time)"; exit 0; }
[ -x "$GEN" ] || make -C "$top_builddir" tests/gen/mkbighive >/dev/null

# measure LABEL FILE CMD...: one line of results.
measure() {
	label=$1 file=$2
	shift 2
	rc=0
	/usr/bin/time -v "$@" >/dev/null 2>"$TMP/time" || rc=$?
	# check exits 1 when it finds problems (a dirty real hive); 2 is a failure
	[ "$rc" -le 1 ] || { cat "$TMP/time"; echo "bench-read: $label failed"; exit 1; }
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
	size=$(stat -c %s "$file")
	awk -v l="$label" -v s="$secs" -v r="$rss" -v z="$size" 'BEGIN {
		mib = z / 1048576; ratio = r * 1024 / z
		printf "%-14s %8.1f MiB %8.2f s %8.4f s/MiB %9.1f MiB peak %6.2f x file%s\n",
		       l, mib, s, s / mib, r / 1024, ratio, (ratio > 1.5 ? "  WARNING: over 1.5 x" : "")
	}'
}

printf "%-14s %12s %10s %14s %14s %14s\n" command size time per-MiB memory mem/size
for mb in 50 100 200; do
	"$GEN" "$mb" "$TMP/big.hive"
	measure "info $mb" "$TMP/big.hive" "$H" info "$TMP/big.hive"
	measure "check $mb" "$TMP/big.hive" "$H" check "$TMP/big.hive"
	measure "ls -r $mb" "$TMP/big.hive" "$H" ls -r "$TMP/big.hive"
	measure "ls -r -json $mb" "$TMP/big.hive" "$H" ls -r --json "$TMP/big.hive"
	rm -f "$TMP/big.hive"
done
# For scale: the largest real hive of the corpus, if present.
if [ -f "${BK_CORPUS:-/nonexistent}/hive/regipy-SYSTEM_WIN_10_1709" ]; then
	f="$BK_CORPUS/hive/regipy-SYSTEM_WIN_10_1709"
	measure "check real" "$f" "$H" check --no-logs "$f"
	measure "ls -r real" "$f" "$H" ls -r --no-logs "$f"
fi
