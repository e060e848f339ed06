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
# strace runs the tools here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
command -v strace >/dev/null 2>&1 || skip "strace not installed"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
# The programs themselves, not libtool's wrapper scripts.
L="$top_builddir/.libs"
real() { if [ -x "$L/$1" ]; then echo "$L/$1"; else echo "$top_builddir/$1"; fi; }
export LD_LIBRARY_PATH="$L${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
HT=$(real hivetool)
VT=$(real vhdtool)
K="$TMP/k"
FOLLOW=-f

# kill_points NAME CMD...: "CALL N" lines of the sampled points of CMD.
kill_points() {
	name=$1; shift
	strace $FOLLOW -qq -o "$TMP/trace" "$@" >/dev/null 2>&1 || fail "$name: the writer fails"
	awk -v t="$K" '
		{ sub(/^[0-9]+ +/, "") }
		!/^[a-z0-9_]+\(/ { next }
		{ c = $0; sub(/\(.*/, "", c); n[c]++ }
		!/^execve/ && index($0, t) { on = 1 }
		on { seen[++m] = c " " n[c]; call[m] = c }
		END {
			for (i = 1; i <= m; i++) {
				split(seen[i], a, " "); k = a[2]; tot = n[a[1]]
				step = int((tot - 4) / 4); if (step < 1) step = 1
				if (tot <= 3 || k <= 2 || k > tot - 2 || (k - 2) % step == 0)
					print seen[i]
			}
		}' "$TMP/trace"
}

# kill_every NAME SETUP CHECK CMD...: SETUP makes the old state, CHECK
# prints old, new or bad; a clean run's folder listing is the reference.
kill_every() {
	name=$1 setup=$2 check=$3; shift 3
	$setup
	kill_points "$name" "$@" >"$TMP/calls"
	[ "$($check)" = new ] || fail "$name: the writer did not write"
	ls -A "$K" >"$TMP/ref.ls"
	points=0 old=0 new=0
	while read -r call k; do
		$setup
		( strace $FOLLOW -qq -o /dev/null -e inject="$call":signal=KILL:when="$k" "$@" \
			>/dev/null 2>&1 ) 2>/dev/null || true
		case $($check) in
		old) old=$((old + 1)) ;;
		new) new=$((new + 1)) ;;
		*) fail "$name: killed at $call #$k: the output is damaged" ;;
		esac
		# The next run of the same command ends as a clean run does.
		"$@" >/dev/null 2>"$TMP/next.err" ||
			fail "$name: the run after a kill at $call #$k failed: $(cat "$TMP/next.err")"
		[ "$($check)" = new ] || fail "$name: the run after a kill at $call #$k did not write"
		ls -A "$K" | diff "$TMP/ref.ls" - >"$TMP/ls.diff" ||
			fail "$name: after a kill at $call #$k and the next run: $(cat "$TMP/ls.diff")"
		points=$((points + 1))
	done <"$TMP/calls"
	[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "$name: old $old, new $new: not every point was seen"
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
