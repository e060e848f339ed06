#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool info: header fields, dirty state, counts (checked against
# reglookup's independent count of keys), usage errors; on hives of the
# fixture writer, then on the corpus's real hives.
. "$top_srcdir/tests/cli/lib.sh"
expect_exit 2 "$HIVETOOL" info
expect_exit 2 "$HIVETOOL" info a b
expect_exit 2 "$HIVETOOL" info "$TMP/none"
grep -q "^hivetool: $TMP/none" "$TMP/err" || fail "error does not name the file"
printf 'not a hive' >"$TMP/junk"
expect_exit 2 "$HIVETOOL" info "$TMP/junk"
grep -q "not a registry hive" "$TMP/err" || fail "junk: unclear error"

# The fixtures (fixtures/*.spec, written by scripts/mkhive.py): the header
# fields as read here from the file's bytes, counts as in the spec.
F="$BK_FIXTURES/system-like.hiv"
expect_exit 0 "$HIVETOOL" info "$F"
python3 - "$F" <<'PY' >"$TMP/want"
import struct, sys
b = open(sys.argv[1], "rb").read()
w = struct.unpack_from("<127I", b)
c = 0
for x in w:
    c ^= x
c = {0: 1, 0xFFFFFFFF: 0xFFFFFFFE}.get(c, c)
s1, s2, maj, mnr, ftype = w[1], w[2], w[5], w[6], w[7]
print("Version: *%d.%d" % (maj, mnr))
print("File type: *%d (primary)" % ftype)
print("Sequence: *%d / %d" % (s1, s2))
print("Checksum: *0x%08x (ok)" % c)
print("Root offset: *0x%x" % w[9])
print("Hive bins size: *%d" % w[10])
print("File size: *%d" % len(b))
PY
printf '%s\n' "State: *clean" "Keys: *26" "Values: *19" >>"$TMP/want"
while IFS= read -r l; do
	grep -q "^$l\$" "$TMP/out" || fail "fixture info lacks '$l': $(cat "$TMP/out")"
done <"$TMP/want"
if command -v reglookup >/dev/null; then
	n=$(reglookup -H -t KEY "$F" 2>/dev/null | wc -l)
	grep -q "^Keys: *$n\$" "$TMP/out" || fail "fixture: key count differs from reglookup's $n"
fi
expect_exit 0 "$HIVETOOL" info --no-logs "$BK_FIXTURES/dirty-seq.hiv"
grep -q "^State: *dirty (seq1 != seq2), no log applied" "$TMP/out" || fail "dirty-seq not dirty"
grep -q "^Sequence: *2 / 1" "$TMP/out" || fail "dirty-seq sequence"
grep -q "hive is dirty and no transaction log was applied" "$TMP/err" || fail "dirty-seq: no dirty warning"
expect_exit 0 "$HIVETOOL" info --no-logs "$BK_FIXTURES/bad-checksum.hiv"
grep -q "^Checksum: .*(BAD)" "$TMP/out" || fail "bad-checksum: checksum not BAD"
grep -q "^State: *dirty (bad checksum)" "$TMP/out" || fail "bad-checksum: not dirty"
expect_exit 0 "$HIVETOOL" info "$BK_FIXTURES/sample.hiv"
grep -q "^Keys: *6\$" "$TMP/out" && grep -q "^Values: *5\$" "$TMP/out" || fail "sample: counts"

corpus_part "info on real hives written by Windows (regipy-SYSTEM, regipy-SECURITY, yarp-GarbageHive, hivex-minimal)"
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
