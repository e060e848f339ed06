#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover on a real dirty NTUSER.DAT (regipy-transactions): LOG2 is
# not eligible, LOG1 applies 566..588; libhivex then counts the keys and values
# that only the log had (2590/4119 -> 3105/4695).
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
SRC="$BK_CORPUS/hive/regipy-transactions"
[ -f "$SRC/NTUSER.DAT" ] || skip "regipy-transactions not in the corpus"
command -v hivexml >/dev/null 2>&1 || skip "hivexml (libhivex-bin) not installed"

expect_exit 0 "$HIVETOOL" recover "$SRC/NTUSER.DAT" -o "$TMP/rec"
grep -q 'NTUSER.DAT.LOG1: new format, applied 23 entries (seq 566..588), 132 page runs' \
	"$TMP/out" || fail "LOG1 line: $(cat "$TMP/out")"
grep -q 'NTUSER.DAT.LOG2: new format, not eligible' "$TMP/out" || fail "LOG2 line"
grep -qx 'Last sequence number: 588' "$TMP/out" || fail "last sequence"
grep -qx 'Hive bins size: 0xbe000 -> 0xe2000' "$TMP/out" || fail "hbins"

count() { hivexml "$1" > "$TMP/xml" || fail "hivexml $1"; \
	echo "$(grep -o '<node' "$TMP/xml" | wc -l)/$(grep -o '<value' "$TMP/xml" | wc -l)"; }
[ "$(count "$SRC/NTUSER.DAT")" = 2590/4119 ] || fail "before: $(count "$SRC/NTUSER.DAT")"
[ "$(count "$TMP/rec")" = 3105/4695 ] || fail "after: $(count "$TMP/rec")"

expect_exit 0 "$HIVETOOL" info "$TMP/rec"
grep -q '^Sequence: *589 / 589$' "$TMP/out" || fail "sequence: $(grep Sequence "$TMP/out")"
grep -q '^Keys: *3105$' "$TMP/out" || fail "keys: $(grep Keys "$TMP/out")"
# The structural checker finds nothing wrong in the recovered hive.
expect_exit 0 "$HIVETOOL" check "$TMP/rec"
exit 0
