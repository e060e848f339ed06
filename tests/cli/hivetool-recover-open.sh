#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Opening a dirty hive replays its logs in memory (a one-line note says so)
# and leaves the files alone; --no-logs shows the primary as stored; a dirty
# hive whose only log is bad opens as found, with a warning.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
SRC="$BK_CORPUS/hive/yarp-NewDirtyHive1"
[ -f "$SRC/NewDirtyHive" ] || skip "NewDirtyHive not in the corpus"

mkdir "$TMP/h"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/h/"
before=$(cd "$TMP/h" && ls -l --time-style=full-iso && sha256sum ./*)

expect_exit 0 "$HIVETOOL" info "$TMP/h/NewDirtyHive"
grep -q '^State: *clean, recovered from logs in memory$' "$TMP/out" || fail "state"
grep -q '^Sequence: *6 / 6$' "$TMP/out" || fail "sequence"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "expected one note: $(cat "$TMP/err")"
grep -q 'note: .*NewDirtyHive: dirty hive recovered in memory from its transaction logs (4 entries, last sequence number 5)' \
	"$TMP/err" || fail "note: $(cat "$TMP/err")"
expect_exit 0 "$HIVETOOL" ls "$TMP/h/NewDirtyHive" 'Key3\Key3_3'

expect_exit 0 "$HIVETOOL" info --no-logs "$TMP/h/NewDirtyHive"
grep -q '^Sequence: *3 / 2$' "$TMP/out" || fail "--no-logs sequence"
grep -q 'no log applied' "$TMP/out" || fail "--no-logs state"
[ "$before" = "$(cd "$TMP/h" && ls -l --time-style=full-iso && sha256sum ./*)" ] ||
	fail "reading changed the files"

mkdir "$TMP/b"
cp "$BK_CORPUS"/hive/yarp-BadLogHive1/BadLogHive* "$TMP/b/"
expect_exit 0 "$HIVETOOL" info "$TMP/b/BadLogHive"
grep -q '^Sequence: *5 / 4$' "$TMP/out" || fail "bad log: sequence"
grep -q 'BadLogHive.LOG1: rejected: bad base block checksum' "$TMP/err" || fail "bad log: note"
grep -q 'warning: .*hive is dirty and no transaction log was applied' "$TMP/err" ||
	fail "bad log: warning"
exit 0
