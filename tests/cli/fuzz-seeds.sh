#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every fuzz target's plain driver (tests/fuzz/fuzz-main.c) on its seed corpus
# (tests/fuzz/seeds.sh: the corpus where present, fixtures, small files made
# by the tools) and on the minimised inputs of past findings in
# fixtures/fuzz/TARGET/: no crash, no broken invariant, and under
# --enable-sanitizers no ASan or UBSan report.
. "$top_srcdir/tests/cli/lib.sh"
sh "$top_srcdir/tests/fuzz/seeds.sh" "$TMP/seeds" >"$TMP/seeds.txt" || fail "seeds.sh failed"
for t in hive-open hive-log reg-import bcd-decode bcd-text vhd vhdx label ntfs fs-file image-path; do
	bin="$top_builddir/tests/fuzz/fuzz-$t"
	set +e
	out=$("$bin" "$TMP/seeds/fuzz-$t" 2>&1)
	rc=$?
	set -e
	echo "fuzz-$t: $out" | tail -n 1
	[ "$rc" = 0 ] || [ "$rc" = 77 ] || { echo "$out" | tail -n 30 >&2; fail "fuzz-$t exited $rc"; }
done
