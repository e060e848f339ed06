#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fuzz target's plain driver (tests/fuzz/fuzz-hive-open.c) on generated
# and damaged hives, each also truncated and damaged: open, walk, read, check
# and export must never crash (run under ASan/UBSan with --enable-sanitizers).
# The corpus goes through it in fuzz-seeds.sh.
. "$top_srcdir/tests/cli/lib.sh"
"$top_builddir/tests/gen/mkbighive" 1 "$TMP/gen5.hive" 5
"$top_builddir/tests/gen/mkbighive" 1 "$TMP/gen3.hive" 3
mkhive 'key A
value A v sz hello
corrupt cell-overrun' "$TMP/overrun.hive"
mkhive 'key A
corrupt truncate' "$TMP/trunc.hive"
out=$("$top_builddir/tests/fuzz/fuzz-hive-open" "$TMP"/*.hive) || fail "driver failed: $out"
echo "$out"
echo "$out" | grep -q "fuzz driver: [0-9]* inputs" || fail "driver output: $out"
