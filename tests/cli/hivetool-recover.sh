#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover -o: yarp-NewDirtyHive1 (new-format LOG1 + LOG2) must give
# exactly the hive Windows 10 recovered; the originals are left alone.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
SRC="$BK_CORPUS/hive/yarp-NewDirtyHive1"
[ -f "$SRC/NewDirtyHive" ] || skip "NewDirtyHive not in the corpus"

mkdir "$TMP/h"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/h/"
before=$(cd "$TMP/h" && ls -l --time-style=full-iso && sha256sum ./*)

expect_exit 0 "$HIVETOOL" recover "$TMP/h/NewDirtyHive" -o "$TMP/rec"
grep -qx 'Entries applied: 4' "$TMP/out" || fail "entries: $(cat "$TMP/out")"
grep -qx 'Page runs applied: 4' "$TMP/out" || fail "runs"
grep -qx 'Last sequence number: 5' "$TMP/out" || fail "last sequence"
grep -q 'NewDirtyHive.LOG1: new format, applied 1 entry (seq 2..2)' "$TMP/out" || fail "LOG1 line"
grep -q 'NewDirtyHive.LOG2: new format, applied 3 entries (seq 3..5)' "$TMP/out" || fail "LOG2 line"
[ ! -s "$TMP/err" ] || fail "unexpected stderr: $(cat "$TMP/err")"
grep -qx "Written: $TMP/rec" "$TMP/out" || fail "written line"

# The whole file equals Windows' own recovery (seq 6/6).
cmp "$TMP/rec" "$SRC/RecoveredHive_Windows10" || fail "recovered hive differs from Windows 10's"
after=$(cd "$TMP/h" && ls -l --time-style=full-iso && sha256sum ./*)
[ "$before" = "$after" ] || fail "recover -o changed the originals"

# The keys the logs changed (corpus README).
expect_exit 0 "$HIVETOOL" ls "$TMP/rec" 'Key3\Key3_1'
expect_exit 1 "$HIVETOOL" ls "$TMP/rec" 'Key2\Key2_1'
expect_exit 0 "$HIVETOOL" ls "$TMP/h/NewDirtyHive" 'Key2\Key2_1' --no-logs

# --dry-run: the same report, nothing written.
expect_exit 0 "$HIVETOOL" recover "$TMP/h/NewDirtyHive" --dry-run -o "$TMP/dry"
grep -qx 'Dry run: nothing written' "$TMP/out" || fail "dry-run line"
[ ! -e "$TMP/dry" ] || fail "--dry-run wrote a file"
after=$(cd "$TMP/h" && ls -l --time-style=full-iso && sha256sum ./*)
[ "$before" = "$after" ] || fail "--dry-run changed the originals"

# One flipped page byte in LOG2's second entry: replay stops there.
mkdir "$TMP/d"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/d/"
python3 - "$TMP/d/NewDirtyHive.LOG2" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
pos = 512 + struct.unpack_from('<I', d, 516)[0]
count = struct.unpack_from('<I', d, pos + 20)[0]
d[pos + 40 + 8 * count + 100] ^= 1
open(sys.argv[1], 'wb').write(d)
PY
expect_exit 0 "$HIVETOOL" recover "$TMP/d/NewDirtyHive" -o "$TMP/d.out"
grep -qx 'Entries applied: 2' "$TMP/out" || fail "damaged: entries"
grep -qx 'Last sequence number: 3' "$TMP/out" || fail "damaged: last sequence"
grep -q 'NewDirtyHive.LOG2: new format, applied 1 entry (seq 3..3), 1 page run, replay stopped at offset 0x2000 (seq 4): Hash-1 mismatch' \
	"$TMP/out" || fail "damaged: LOG2 line: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" info "$TMP/d.out"
grep -q '^Sequence: *4 / 4$' "$TMP/out" || fail "damaged: sequence"

# Usage errors.
expect_exit 2 "$HIVETOOL" recover
grep -q "Try 'hivetool --help'" "$TMP/err" || fail "usage hint"
expect_exit 2 "$HIVETOOL" recover "$TMP/h/NewDirtyHive" --bogus
expect_exit 2 "$HIVETOOL" recover a b
expect_exit 0 "$HIVETOOL" recover --help
grep -q 'recover HIVE \[-o OUT\] \[--dry-run\]' "$TMP/out" || fail "usage text"
exit 0
