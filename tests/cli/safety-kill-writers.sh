#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Kill tests for the writers safety-kill.sh leaves out (doc/safety.md):
# vhdtool create, convert and build (each with --force over an older output)
# and hivetool recover in place are killed with SIGKILL at their system
# calls; afterwards the output is the old file or the complete new one, and
# after the next run of the same command the folder holds exactly what a
# run that was never killed leaves (no temporary, no partial backup).
#
# Points: strace counts each system call's invocations, from the first call
# that names the output's folder on.  A call made at most 3 times is killed
# at every invocation; one made more often at its first 2 and last 2
# invocations and at 3 or 4 spread between them, so that every call site and
# phase (open, lock, sweep, create, copy, flush, rename, empty logs) is hit
# while a copy of thousands of writes stays a few dozen points.  build is
# traced without -f: the points are vhdtool's own calls (mkntfs, its child,
# is killed with it or runs to its end).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
. "$top_srcdir/tests/cli/kill-lib.sh"
HT=$(real hivetool)
VT=$(real vhdtool)
K="$TMP/k"
KILL_SAMPLE=1

# After the next run: the new state, and the folder as a clean run leaves it.
as_clean_run() {
	[ "$($check)" = new ] || fail "$1: the output is not the new one"
	ls -A "$K" | diff "$TMP/ref.ls" - >"$TMP/ls.diff" || fail "$1: $(cat "$TMP/ls.diff")"
}

# kill_every NAME SETUP CHECK CMD...: SETUP makes the old state, CHECK
# prints old, new or bad; a clean run's folder listing is the reference.
kill_every() {
	name=$1 setup=$2 check=$3; shift 3
	kill_trace "$name" "$setup" "$check" "$K" "$@"
	ls -A "$K" >"$TMP/ref.ls"
	kill_loop "$name" "$setup" "$check" as_clean_run "$@"
	echo "$name: $points kill points of $(wc -l <"$TMP/trace") calls: $old old, $new new"
}

fresh() { rm -rf "$K"; mkdir "$K"; }

# ---- vhdtool create --force over a smaller image -----------------------------------
"$VHDTOOL" create "$TMP/old.vhd" --size 2M >/dev/null
create_setup() { fresh; cp "$TMP/old.vhd" "$K/o.vhd"; }
create_check() {
	if cmp -s "$K/o.vhd" "$TMP/old.vhd"; then
		echo old
	elif "$VHDTOOL" info "$K/o.vhd" 2>/dev/null | grep -q '^virtual size: *8388608 bytes'; then
		echo new
	else
		echo bad
	fi
}
kill_every "vhdtool create" create_setup create_check "$VT" create "$K/o.vhd" --size 8M --force

# ---- vhdtool convert --force: a raw image with data to a dynamic VHDX --------------
"$VHDTOOL" create "$TMP/src.img" --size 16M >/dev/null
python3 - "$TMP/src.img" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    for i in range(16):
        f.seek(i << 20)
        f.write(bytes([i + 1]) * 65536)
PY
"$VHDTOOL" create "$TMP/old.vhdx" --size 1M >/dev/null
conv_setup() { fresh; cp "$TMP/old.vhdx" "$K/o.vhdx"; }
conv_check() {
	if cmp -s "$K/o.vhdx" "$TMP/old.vhdx"; then
		echo old
		return
	fi
	rm -f "$TMP/back.img"
	if "$VHDTOOL" convert "$K/o.vhdx" "$TMP/back.img" --format raw >/dev/null 2>&1 &&
	   cmp -s "$TMP/back.img" "$TMP/src.img"; then
		echo new
	else
		echo bad
	fi
}
kill_every "vhdtool convert" conv_setup conv_check "$VT" convert "$TMP/src.img" "$K/o.vhdx" --force

# ---- vhdtool build --force: a VHD with an NTFS volume --------------------------------
if command -v mkntfs >/dev/null 2>&1 && grep -q '^#define HAVE_NTFS3G 1' "$top_builddir/config.h"; then
	"$VHDTOOL" create "$TMP/old-b.vhd" --size 1M >/dev/null
	build_setup() { fresh; cp "$TMP/old-b.vhd" "$K/b.vhd"; }
	build_check() {
		if cmp -s "$K/b.vhd" "$TMP/old-b.vhd"; then
			echo old
		elif "$VHDTOOL" ls "$K/b.vhd:1:\\" >/dev/null 2>&1 &&
		     "$VHDTOOL" info "$K/b.vhd" 2>/dev/null | grep -q '^virtual size: *16777216 bytes'; then
			echo new
		else
			echo bad
		fi
	}
	FOLLOW=
	kill_every "vhdtool build" build_setup build_check \
		"$VT" build "$K/b.vhd" --size 16M --mbr --part ntfs:rest --force
	FOLLOW=-f
else
	echo "SKIP (build): mkntfs not installed, or built without NTFS support"
fi

# ---- hivetool recover in place ----------------------------------------------------------
SRC="${BK_CORPUS:-/nonexistent}/hive/yarp-NewDirtyHive1"
[ -d "$SRC" ] || { echo "SKIP (recover): corpus not found"; exit 0; }
H="$K/NewDirtyHive"
rec_setup() {
	fresh
	cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$K/"
	chmod u+w "$K"/*
}
# Key3 exists only once the logs are replayed; the primary alone has Key1.
# (hivetool check reports this Windows-written hive's unreferenced cells.)
rec_check() {
	"$HIVETOOL" ls "$H" 2>/dev/null | grep -qx Key3 || { echo bad; return; }
	if "$HIVETOOL" ls --no-logs "$H" 2>/dev/null | grep -qx Key3; then
		echo new
	elif "$HIVETOOL" ls --no-logs "$H" 2>/dev/null | grep -qx Key1; then
		echo old
	else
		echo bad
	fi
}
kill_every "hivetool recover" rec_setup rec_check "$HT" recover "$H"
