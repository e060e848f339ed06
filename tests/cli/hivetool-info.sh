#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool info on corpus hives: header fields, dirty state, counts (checked
# against reglookup's independent count of keys), usage errors.
. "$top_srcdir/tests/cli/lib.sh"
expect_exit 2 "$HIVETOOL" info
expect_exit 2 "$HIVETOOL" info a b
expect_exit 2 "$HIVETOOL" info "$TMP/none"
grep -q "^hivetool: $TMP/none" "$TMP/err" || fail "error does not name the file"
printf 'not a hive' >"$TMP/junk"
expect_exit 2 "$HIVETOOL" info "$TMP/junk"
grep -q "not a registry hive" "$TMP/err" || fail "junk: unclear error"
need_corpus
S="$BK_CORPUS/hive/regipy-SYSTEM"
expect_exit 0 "$HIVETOOL" info "$S"
for l in "Version: *1.5" "File type: *0 (primary)" "Sequence: *13983 / 13983" "Checksum: *0x380a5a8f (ok)" \
	"State: *clean" "Root offset: *0x20" "Hive bins size: *11767808" "Embedded name: *SYSTEM" \
	"File size: *11771904" "Keys: *30756" "Values: *73456"; do
	grep -q "^$l\$" "$TMP/out" || fail "regipy-SYSTEM info lacks '$l'"
done
if command -v reglookup >/dev/null; then
	n=$(reglookup -H -t KEY "$S" | wc -l)
	grep -q "^Keys: *$n\$" "$TMP/out" || fail "key count differs from reglookup's $n"
fi
expect_exit 0 "$HIVETOOL" info --no-logs "$BK_CORPUS/hive/regipy-SECURITY"
grep -q "^State: *dirty (seq1 != seq2), no log applied" "$TMP/out" || fail "SECURITY not dirty"
grep -q "^Sequence: *107 / 106" "$TMP/out" || fail "SECURITY sequence"
grep -q "hive is dirty and no transaction log was applied" "$TMP/err" || fail "no dirty warning"
expect_exit 0 "$HIVETOOL" info --no-logs "$BK_CORPUS/hive/yarp-GarbageHive"
grep -q "^Checksum: .*(BAD)" "$TMP/out" || fail "GarbageHive checksum not BAD"
expect_exit 0 "$HIVETOOL" info "$BK_CORPUS/hive/hivex-minimal"
grep -q "^Keys: *1\$" "$TMP/out" || fail "minimal: one key"
