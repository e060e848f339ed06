#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bounds (doc/safety.md): a hive whose keys form a loop, or nest deeper than
# 512, stops every walk (ls -r, diff, copy, export) with one line and is
# read-only; .reg import caps its input; an interrupted in-place recover
# can be run again.
. "$top_srcdir/tests/cli/lib.sh"

one_line() {
	[ "$(wc -l < "$TMP/err")" = 1 ] || fail "not one line: $(cat "$TMP/err")"
}

# ---- a key loop: A\B lists A as its subkey ---------------------------------------
L="$TMP/loop.hiv"
"$HIVETOOL" create "$L"
"$HIVETOOL" mkkey -p "$L" 'A\B'
"$HIVETOOL" mkkey -p "$L" 'A\C'
"$HIVETOOL" set "$L" A v REG_DWORD 1
python3 - "$L" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
H = 0x1000
def nk(off):                      # payload of the nk cell at hive offset off
    assert b[H + off + 4:H + off + 6] == b"nk", hex(off)
    return H + off + 4
root = struct.unpack_from("<I", b, 0x24)[0]
rlist = struct.unpack_from("<I", b, nk(root) + 0x1C)[0]
def first_sub(off):
    lst = struct.unpack_from("<I", b, nk(off) + 0x1C)[0]
    return struct.unpack_from("<I", b, H + lst + 4 + 4)[0]
a = first_sub(root)
bk = first_sub(a)
struct.pack_into("<II", b, nk(bk) + 0x14, 1, 0)       # B: one subkey ...
struct.pack_into("<I", b, nk(bk) + 0x1C, rlist)       # ... from the root's list: A
open(p, "wb").write(b)
PY
expect_exit 2 "$HIVETOOL" ls -r "$L"
grep -q "reached twice (loop)" "$TMP/err" || fail "ls -r on a loop: $(cat "$TMP/err")"
one_line
expect_exit 2 "$HIVETOOL" ls -r --json "$L"
expect_exit 1 "$HIVETOOL" set "$L" A v REG_DWORD 2
grep -q "its keys form a loop or nest too deep; the hive is read-only" "$TMP/err" ||
	fail "set on a loop: $(cat "$TMP/err")"
one_line
# Above the loop: the root's subtree holds it (the edit's own check).
expect_exit 1 "$HIVETOOL" mkkey "$L" C
grep -q "its keys form a loop or nest too deep; the hive is read-only" "$TMP/err" ||
	fail "mkkey at the root of a loop: $(cat "$TMP/err")"
expect_exit 1 "$HIVETOOL" del -r "$L" A
grep -q "the hive is read-only" "$TMP/err" || fail "del -r A: $(cat "$TMP/err")"
# Below it: an edit checks the subtree it reaches (doc/safety.md), so A\C,
# whose subtree is sound, may be edited, and the loop is still reported.
expect_exit 0 "$HIVETOOL" set "$L" 'A\C' w REG_DWORD 3
expect_exit 0 "$HIVETOOL" get "$L" 'A\C' w
# A delete frees cells, so it checks the whole tree even there: refused.
expect_exit 1 "$HIVETOOL" del "$L" 'A\C'
grep -q "the hive is read-only" "$TMP/err" || fail "del A\\C beside a loop: $(cat "$TMP/err")"
expect_exit 0 "$HIVETOOL" get "$L" 'A\C' w
expect_exit 2 "$HIVETOOL" ls -r "$L"
grep -q "reached twice (loop)" "$TMP/err" || fail "loop gone after an edit: $(cat "$TMP/err")"
"$HIVETOOL" create "$TMP/other.hiv"
expect_exit 2 "$HIVETOOL" diff "$L" "$TMP/other.hiv"
grep -q "loop" "$TMP/err" || fail "diff on a loop: $(cat "$TMP/err")"
expect_exit 1 "$HIVETOOL" copy "$TMP/other.hiv" A Copy --from "$L"
grep -q "loop" "$TMP/err" || fail "copy from a loop: $(cat "$TMP/err")"
# Not recursive: still readable.
expect_exit 0 "$HIVETOOL" ls "$L" A
expect_exit 0 "$HIVETOOL" get "$L" A v

# ---- nesting deeper than the limit -------------------------------------------------
python3 - "$TMP/deep.spec" <<'PY'
import sys
open(sys.argv[1], "w").write("key " + "\\".join(["k"] * 600) + "\n")
PY
# mkhive.py recurses once per level: more than Python's default allows.
python3 -c 'import runpy, sys
sys.setrecursionlimit(20000)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")' \
	"$top_srcdir/scripts/mkhive.py" "$TMP/deep.spec" "$TMP/deep.hiv"
expect_exit 2 "$HIVETOOL" ls -r "$TMP/deep.hiv"
grep -q "nested deeper than 512" "$TMP/err" || fail "ls -r deep: $(cat "$TMP/err")"
one_line
[ "$(grep -c '^k' "$TMP/out")" -le 513 ] || fail "ls -r printed more than 512 levels"
expect_exit 1 "$HIVETOOL" set "$TMP/deep.hiv" k v REG_DWORD 1

# ---- .reg import: the input is bounded (streamed, capped, binary refused) -------------
"$HIVETOOL" create "$TMP/i.hiv"
expect_exit 2 "$HIVETOOL" import "$TMP/i.hiv" /dev/zero
grep -qx "hivetool: /dev/zero: not a .reg file (it starts with a NUL byte)" \
	"$TMP/err" || fail "import /dev/zero: $(cat "$TMP/err")"

# ---- recover in place, interrupted after its backups, runs again ---------------------
[ -d "${BK_CORPUS:-/nonexistent}/hive/yarp-NewDirtyHive1" ] || {
	echo "SKIP (recover): corpus not found"; exit 0; }
SRC="$BK_CORPUS/hive/yarp-NewDirtyHive1"
mkdir "$TMP/r"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/r/"
chmod u+w "$TMP"/r/*
# What a run killed between its backups and the rename leaves behind.
for f in NewDirtyHive NewDirtyHive.LOG1; do
	cp "$TMP/r/$f" "$TMP/r/$f.bak"
done
expect_exit 0 "$HIVETOOL" recover "$TMP/r/NewDirtyHive"
cmp -s "$TMP/r/NewDirtyHive.bak" "$SRC/NewDirtyHive" || fail "backup changed"
cmp "$TMP/r/NewDirtyHive" "$SRC/RecoveredHive_Windows10" || fail "hive not recovered"
# A backup that is not that copy is still refused.
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/r/"
echo other > "$TMP/r/NewDirtyHive.bak"
expect_exit 1 "$HIVETOOL" recover "$TMP/r/NewDirtyHive" --force
grep -q "backup copy already exists" "$TMP/err" || fail "other backup: $(cat "$TMP/err")"
[ "$(cat "$TMP/r/NewDirtyHive.bak")" = other ] || fail "other backup replaced"
exit 0
