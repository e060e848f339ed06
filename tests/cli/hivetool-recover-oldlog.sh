#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover with an old-format (DIRT) log and a damaged base block:
# yarp-BadBaseBlockHive is rebuilt from its LOG1 (version 1.3 afterwards,
# key_with_many_subkeys present, libhivex reads it).
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
SRC="$BK_CORPUS/hive/yarp-BadBaseBlockHive"
[ -f "$SRC/BadBaseBlockHive" ] || skip "BadBaseBlockHive not in the corpus"

mkdir "$TMP/h"
cp "$SRC"/BadBaseBlockHive* "$TMP/h/"
expect_exit 0 "$HIVETOOL" recover "$TMP/h/BadBaseBlockHive" -o "$TMP/rec"
grep -qx 'Base block: rebuilt from the log' "$TMP/out" || fail "base block line"
grep -qx 'Pages applied: 64' "$TMP/out" || fail "pages: $(cat "$TMP/out")"
grep -q 'BadBaseBlockHive.LOG1: old format, applied 64 pages' "$TMP/out" || fail "LOG1 line"
grep -q 'BadBaseBlockHive.LOG2: empty' "$TMP/out" || fail "LOG2 line"

expect_exit 0 "$HIVETOOL" info "$TMP/rec"
grep -q '^Version: *1\.3$' "$TMP/out" || fail "version: $(grep Version "$TMP/out")"
grep -q '^State: *clean' "$TMP/out" || fail "not clean"
expect_exit 0 "$HIVETOOL" ls "$TMP/rec" key_with_many_subkeys
expect_exit 0 "$HIVETOOL" check "$TMP/rec"
if command -v hivexml >/dev/null 2>&1; then
	hivexml "$TMP/rec" > "$TMP/xml" || fail "libhivex cannot read the recovered hive"
	grep -q 'key_with_many_subkeys' "$TMP/xml" || fail "libhivex does not see the key"
fi
exit 0
