#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make bench": the hive write side through the library (tests/bench/bench-write.c):
# 10,000 same-size sets of one value must not grow the file (sizes printed),
# plus timings of varying-size sets, key inserts, value inserts and commit.
set -eu
: "${top_builddir:?}"
BIN="$top_builddir/tests/bench/bench-write"
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 0; }
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] || DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$DIR/bench-write.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BIN" "$TMP/bench.hiv"
ls -l "$TMP/bench.hiv" | awk '{print "file on disk: " $5 " bytes"}'
