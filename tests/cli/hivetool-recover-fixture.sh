#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool recover, and log replay when opening, on a dirty hive whose logs
# were written by tests/cli/mkdirty-newlog.py (an HvLE writer sharing no code
# with bcdkit): the fixture writer's SYSTEM-like hive, dirty, with LOG1
# holding entry 2 and LOG2 entries 3 and 4 that make it into a second hive
# of the fixture writer.  recover -o gives that hive's bins and seq 5/5 and
# leaves the originals alone; --dry-run writes nothing; a flipped page byte
# stops replay at its entry; reading replays in memory (--no-logs does not);
# in place, the old files are kept as .bak and the logs emptied; usage
# errors.  The same on logs Windows wrote: hivetool-recover*.sh (corpus).
. "$top_srcdir/tests/cli/lib.sh"
snap() { (cd "$1" && ls -l --time-style=full-iso && sha256sum ./*); }

# The second hive: a new key (first bin) and other big data (later bins).
{ sed 's/^value big v binary fill:81725:32$/value big v binary fill:81725:33/' "$top_srcdir/fixtures/system-like.spec"
  echo 'value Aardvark New sz from the log'
  echo 'value ControlSet001\Services\Disk ErrorControl dword 1'; } >"$TMP/mod.spec"
python3 "$top_srcdir/scripts/mkhive.py" "$TMP/mod.spec" "$TMP/mod.hiv"
mkdirty() {  # DIR: DIR/S, DIR/S.LOG1, DIR/S.LOG2
	mkdir -p "$1"
	python3 "$top_srcdir/tests/cli/mkdirty-newlog.py" "$BK_FIXTURES/system-like.hiv" "$TMP/mod.hiv" "$1/S"
}
# same_bins A B: the hive bins of A equal B's, and A's header is clean at SEQ.
same_bins() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "$1: not the modified hive at seq $3"
import struct, sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
hb = struct.unpack_from("<I", b, 0x28)[0]
assert struct.unpack_from("<I", a, 0x28)[0] == hb, "hive bins size"
assert a[4096:4096 + hb] == b[4096:4096 + hb], "hive bins differ"
assert struct.unpack_from("<II", a, 4) == (int(sys.argv[3]),) * 2, struct.unpack_from("<II", a, 4)
PY
}

# recover -o
mkdirty "$TMP/h"
before=$(snap "$TMP/h")
expect_exit 0 "$HIVETOOL" recover "$TMP/h/S" -o "$TMP/rec"
grep -qx 'Entries applied: 3' "$TMP/out" || fail "entries: $(cat "$TMP/out")"
grep -qx 'Last sequence number: 4' "$TMP/out" || fail "last sequence"
grep -q 'S.LOG1: new format, applied 1 entry (seq 2..2)' "$TMP/out" || fail "LOG1 line"
grep -q 'S.LOG2: new format, applied 2 entries (seq 3..4)' "$TMP/out" || fail "LOG2 line"
grep -qx "Written: $TMP/rec" "$TMP/out" || fail "written line"
[ ! -s "$TMP/err" ] || fail "unexpected stderr: $(cat "$TMP/err")"
same_bins "$TMP/rec" "$TMP/mod.hiv" 5
[ "$before" = "$(snap "$TMP/h")" ] || fail "recover -o changed the originals"
expect_exit 0 "$HIVETOOL" check "$TMP/rec"
expect_exit 0 "$HIVETOOL" get "$TMP/rec" Aardvark New
[ "$(cat "$TMP/out")" = "from the log" ] || fail "recovered value: $(cat "$TMP/out")"

# --dry-run: the same report, nothing written.
expect_exit 0 "$HIVETOOL" recover "$TMP/h/S" --dry-run -o "$TMP/dry"
grep -qx 'Dry run: nothing written' "$TMP/out" || fail "dry-run line"
grep -qx 'Entries applied: 3' "$TMP/out" || fail "dry-run entries"
[ ! -e "$TMP/dry" ] || fail "--dry-run wrote a file"
[ "$before" = "$(snap "$TMP/h")" ] || fail "--dry-run changed the originals"

# Reading replays in memory; --no-logs reads the primary as stored.
expect_exit 0 "$HIVETOOL" get "$TMP/h/S" Aardvark New
[ "$(cat "$TMP/out")" = "from the log" ] || fail "open: replayed value"
grep -q 'dirty hive recovered in memory from its transaction logs (3 entries, last sequence number 4)' "$TMP/err" ||
	fail "open: note: $(cat "$TMP/err")"
expect_exit 0 "$HIVETOOL" info "$TMP/h/S"
grep -q '^State: *clean, recovered from logs in memory$' "$TMP/out" || fail "open: state"
expect_exit 1 "$HIVETOOL" get --no-logs "$TMP/h/S" Aardvark New
expect_exit 0 "$HIVETOOL" info --no-logs "$TMP/h/S"
grep -q '^Sequence: *3 / 2$' "$TMP/out" || fail "--no-logs sequence"
[ "$before" = "$(snap "$TMP/h")" ] || fail "reading changed the files"

# One flipped page byte in LOG2's second entry: replay stops there.
mkdirty "$TMP/d"
python3 - "$TMP/d/S.LOG2" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
pos = 512 + struct.unpack_from('<I', d, 516)[0]
count = struct.unpack_from('<I', d, pos + 20)[0]
d[pos + 40 + 8 * count + 100] ^= 1
open(sys.argv[1], 'wb').write(d)
PY
expect_exit 0 "$HIVETOOL" recover "$TMP/d/S" -o "$TMP/d.out"
grep -qx 'Entries applied: 2' "$TMP/out" || fail "damaged: entries: $(cat "$TMP/out")"
grep -qx 'Last sequence number: 3' "$TMP/out" || fail "damaged: last sequence"
grep -q 'S.LOG2: new format, applied 1 entry (seq 3..3), [0-9]* page runs, replay stopped at offset 0x[0-9a-f]* (seq 4): Hash-1 mismatch' \
	"$TMP/out" || fail "damaged: LOG2 line: $(cat "$TMP/out")"

# In place: backups kept, logs emptied, a second run finds it clean.
mkdirty "$TMP/p"
cp "$TMP/p/S" "$TMP/S.orig"
expect_exit 0 "$HIVETOOL" recover "$TMP/p/S"
grep -q "^Written: $TMP/p/S (in place)" "$TMP/out" || fail "in place: written line"
same_bins "$TMP/p/S" "$TMP/mod.hiv" 5
cmp -s "$TMP/p/S.bak" "$TMP/S.orig" || fail "in place: backup differs"
[ -f "$TMP/p/S.LOG1" ] && [ ! -s "$TMP/p/S.LOG1" ] && [ ! -s "$TMP/p/S.LOG2" ] || fail "in place: logs not emptied"
before=$(snap "$TMP/p")
expect_exit 0 "$HIVETOOL" recover "$TMP/p/S"
grep -q 'clean; nothing to recover, nothing written' "$TMP/out" || fail "in place: clean message"
[ "$before" = "$(snap "$TMP/p")" ] || fail "in place: second run changed files"

# Usage errors.
expect_exit 2 "$HIVETOOL" recover
grep -q "Try 'hivetool --help'" "$TMP/err" || fail "usage hint"
expect_exit 2 "$HIVETOOL" recover "$TMP/h/S" --bogus
expect_exit 2 "$HIVETOOL" recover a b
expect_exit 0 "$HIVETOOL" recover --help
grep -q 'recover HIVE \[-o OUT\] \[--dry-run\]' "$TMP/out" || fail "usage text"
exit 0
