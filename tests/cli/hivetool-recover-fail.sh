#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover must fail with one clear line and write nothing when no log
# can recover the hive: a log with a bad checksum (yarp-BadLogHive1), only an
# ineligible log (regipy-transactions without LOG1), no logs at all.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
[ -f "$BK_CORPUS/hive/yarp-BadLogHive1/BadLogHive" ] || skip "BadLogHive not in the corpus"

snap() { (cd "$1" && ls -l --time-style=full-iso && sha256sum ./*); }

mkdir "$TMP/b"
cp "$BK_CORPUS"/hive/yarp-BadLogHive1/BadLogHive* "$TMP/b/"
before=$(snap "$TMP/b")
for args in "" "-o $TMP/b/out"; do
	# shellcheck disable=SC2086
	expect_exit 1 "$HIVETOOL" recover "$TMP/b/BadLogHive" $args
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "error is not one line: $(cat "$TMP/err")"
	grep -q "$TMP/b/BadLogHive: dirty hive (seq 5/4) and no usable transaction log" \
		"$TMP/err" || fail "message: $(cat "$TMP/err")"
	grep -q 'BadLogHive.LOG1: rejected: bad base block checksum' "$TMP/err" || fail "reason"
	[ ! -s "$TMP/out" ] || fail "report printed on failure"
	[ "$before" = "$(snap "$TMP/b")" ] || fail "files changed"
done

mkdir "$TMP/t"
cp "$BK_CORPUS/hive/regipy-transactions/NTUSER.DAT" \
   "$BK_CORPUS/hive/regipy-transactions/NTUSER.DAT.LOG2" "$TMP/t/"
before=$(snap "$TMP/t")
expect_exit 1 "$HIVETOOL" recover "$TMP/t/NTUSER.DAT"
grep -q 'NTUSER.DAT.LOG2: not eligible: starts at seq 562' "$TMP/err" || fail "LOG2 reason"
[ "$before" = "$(snap "$TMP/t")" ] || fail "files changed"

# Dirty with no logs at all.
mkdir "$TMP/s"
cp "$BK_CORPUS/hive/regipy-SECURITY" "$TMP/s/SECURITY"
expect_exit 1 "$HIVETOOL" recover "$TMP/s/SECURITY"
grep -q 'no usable transaction log beside it' "$TMP/err" || fail "no-log message"
[ "$(ls "$TMP/s")" = SECURITY ] || fail "files created"

# A file that does not exist: usage-class error, exit 2.
expect_exit 2 "$HIVETOOL" recover "$TMP/none"
grep -q "$TMP/none" "$TMP/err" || fail "missing file not named"
exit 0
