#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover in place: backups of the hive and its logs, the hive
# replaced, the logs emptied; a second run finds it clean and writes nothing;
# an existing backup makes it refuse without changing anything.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
SRC="$BK_CORPUS/hive/yarp-NewDirtyHive1"
[ -f "$SRC/NewDirtyHive" ] || skip "NewDirtyHive not in the corpus"

snap() { (cd "$1" && ls -l --time-style=full-iso && sha256sum ./*); }

mkdir "$TMP/h"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/h/"
chmod u+w "$TMP"/h/*   # the corpus is read-only; a read-only hive is not replaced
expect_exit 0 "$HIVETOOL" recover "$TMP/h/NewDirtyHive"
grep -q "^Written: $TMP/h/NewDirtyHive (in place)" "$TMP/out" || fail "written line"
grep -q "^Backups: $TMP/h/NewDirtyHive.bak, NewDirtyHive.LOG1.bak, NewDirtyHive.LOG2.bak" \
	"$TMP/out" || fail "backups line: $(cat "$TMP/out")"
cmp "$TMP/h/NewDirtyHive" "$SRC/RecoveredHive_Windows10" || fail "hive not recovered"
cmp "$TMP/h/NewDirtyHive.bak" "$SRC/NewDirtyHive" || fail "hive backup"
cmp "$TMP/h/NewDirtyHive.LOG1.bak" "$SRC/NewDirtyHive.LOG1" || fail "LOG1 backup"
cmp "$TMP/h/NewDirtyHive.LOG2.bak" "$SRC/NewDirtyHive.LOG2" || fail "LOG2 backup"
[ -f "$TMP/h/NewDirtyHive.LOG1" ] && [ ! -s "$TMP/h/NewDirtyHive.LOG1" ] || fail "LOG1 not emptied"
[ -f "$TMP/h/NewDirtyHive.LOG2" ] && [ ! -s "$TMP/h/NewDirtyHive.LOG2" ] || fail "LOG2 not emptied"
ls "$TMP/h" | grep -q tmp && fail "temporary file left behind"

# Clean now: say so, exit 0, write nothing.
before=$(snap "$TMP/h")
expect_exit 0 "$HIVETOOL" recover "$TMP/h/NewDirtyHive"
grep -q 'clean; nothing to recover, nothing written' "$TMP/out" || fail "clean message"
[ "$before" = "$(snap "$TMP/h")" ] || fail "second run changed files"

# An existing backup: refuse, one line on stderr, nothing changed.
mkdir "$TMP/g"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/g/"
chmod u+w "$TMP"/g/*
echo keep > "$TMP/g/NewDirtyHive.LOG1.bak"
before=$(snap "$TMP/g")
expect_exit 1 "$HIVETOOL" recover "$TMP/g/NewDirtyHive"
[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "error is not one line: $(cat "$TMP/err")"
grep -q 'NewDirtyHive.LOG1.bak: backup copy already exists' "$TMP/err" || fail "message"
[ "$before" = "$(snap "$TMP/g")" ] || fail "refused run changed files"

# Case-insensitive log names (as copied from a FAT partition).
mkdir "$TMP/c"
cp "$SRC/NewDirtyHive" "$TMP/c/NewDirtyHive"
cp "$SRC/NewDirtyHive.LOG1" "$TMP/c/newdirtyhive.log1"
cp "$SRC/NewDirtyHive.LOG2" "$TMP/c/NEWDIRTYHIVE.Log2"
chmod u+w "$TMP"/c/*
expect_exit 0 "$HIVETOOL" recover "$TMP/c/NewDirtyHive"
cmp "$TMP/c/NewDirtyHive" "$SRC/RecoveredHive_Windows10" || fail "case-insensitive logs"
exit 0
