#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Kill tests (doc/safety.md): each writer (hivetool set, bcdedit /timeout,
# vhdtool partition) is killed with SIGKILL at every one of its system calls
# in turn (strace counts invocations per system call, so each name and
# invocation number is one point); afterwards the target is the old state or
# the new one, never damaged, and after the next run no temporary file is
# left.  SIGINT in the middle of vhdtool convert and build leaves nothing.
. "$top_srcdir/tests/cli/lib.sh"
need_ntfs
# strace runs the tools here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
command -v strace >/dev/null 2>&1 || skip "strace not installed"
# The programs themselves, not libtool's wrapper scripts.
L="$top_builddir/.libs"
real() { if [ -x "$L/$1" ]; then echo "$L/$1"; else echo "$top_builddir/$1"; fi; }
export LD_LIBRARY_PATH="$L${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
HT=$(real hivetool)
BE=$(real bcdedit)
VT=$(real vhdtool)
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"

no_leftovers() {
	if ls -A "$1" | grep -q '\.tmp[0-9]'; then
		fail "$2: temporary file left: $(ls -A "$1")"
	fi
}

# kill_every NAME SETUP CHECK TARGET CMD...: SETUP makes the old state, CMD
# is the writer, CHECK says old/new/bad for the state.  CMD runs once under
# strace to list its system calls, then once per call with SIGKILL injected
# there: every call from the first one that names TARGET's folder on (the
# loading of the program before it cannot touch the target).
kill_every() {
	name=$1 setup=$2 check=$3 target=$4; shift 4
	$setup
	strace -f -qq -o "$TMP/trace" "$@" >/dev/null 2>&1 || fail "$name: the writer fails"
	[ "$($check)" = new ] || fail "$name: the writer did not write"
	# "CALL N" for the Nth invocation of CALL, once TARGET's folder shows.
	awk -v t="$(dirname "$target")" '
		{ sub(/^[0-9]+ +/, "") }
		!/^[a-z0-9_]+\(/ { next }
		{ c = $0; sub(/\(.*/, "", c); n[c]++ }
		!/^execve/ && index($0, t) { on = 1 }
		on { print c, n[c] }' "$TMP/trace" > "$TMP/calls"
	points=0 old=0 new=0
	while read -r call k; do
		$setup
		( strace -f -qq -o /dev/null -e inject="$call":signal=KILL:when="$k" "$@" \
			>/dev/null 2>&1 ) 2>/dev/null || true
		case $($check) in
		old) old=$((old + 1)) ;;
		new) new=$((new + 1)) ;;
		*) fail "$name: killed at $call #$k: the target is damaged" ;;
		esac
		# The next run cleans up after the killed one.
		"$@" >/dev/null 2>"$TMP/next.err" ||
			fail "$name: the run after a kill at $call #$k failed: $(cat "$TMP/next.err")"
		no_leftovers "$TMP/k" "$name: after a kill at $call #$k and the next run"
		points=$((points + 1))
	done < "$TMP/calls"
	[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "$name: old $old, new $new: not every point was seen"
	echo "$name: $points kill points: $old old, $new new"
}

mkdir "$TMP/k"
H="$TMP/k/h.hiv"
"$HIVETOOL" create "$TMP/h0.hiv"
"$HIVETOOL" mkkey "$TMP/h0.hiv" K
"$HIVETOOL" set "$TMP/h0.hiv" K v REG_DWORD 1
hive_setup() { rm -rf "$TMP/k"; mkdir "$TMP/k"; cp "$TMP/h0.hiv" "$H"; }
hive_check() {
	"$HIVETOOL" check "$H" >/dev/null 2>&1 || { echo bad; return; }
	case $("$HIVETOOL" get "$H" K v 2>/dev/null) in
	"0x00000001 (1)") echo old ;;
	"0x00000002 (2)") echo new ;;
	*) echo bad ;;
	esac
}
kill_every "hivetool set" hive_setup hive_check "$H" "$HT" set "$H" K v REG_DWORD 2

S="$TMP/k/BCD"
"$top_builddir/bcdedit" /createstore "$TMP/bcd0" >/dev/null
"$top_builddir/bcdedit" --store "$TMP/bcd0" /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
"$top_builddir/bcdedit" --store "$TMP/bcd0" /timeout 10 >/dev/null
bcd_setup() { rm -rf "$TMP/k"; mkdir "$TMP/k"; cp "$TMP/bcd0" "$S"; }
bcd_check() {
	"$HIVETOOL" check "$S" >/dev/null 2>&1 || { echo bad; return; }
	t=$("$top_builddir/bcdedit" --store "$S" /enum '{bootmgr}' 2>/dev/null |
	    sed -n 's/^timeout  *//p')
	case $t in 10) echo old ;; 20) echo new ;; *) echo bad ;; esac
}
kill_every "bcdedit /timeout" bcd_setup bcd_check "$S" "$BE" --store "$S" /timeout 20

I="$TMP/k/x.img"
"$top_builddir/vhdtool" create "$TMP/x0.img" --size 4M
img_setup() { rm -rf "$TMP/k"; mkdir "$TMP/k"; cp "$TMP/x0.img" "$I"; }
img_check() {
	[ "$(stat -c %s "$I" 2>/dev/null)" = 4194304 ] || { echo bad; return; }
	if "$top_builddir/vhdtool" partition "$I" >/dev/null 2>&1; then
		echo new
	elif cmp -s "$I" "$TMP/x0.img"; then
		echo old
	else
		echo bad
	fi
}
kill_every "vhdtool partition" img_setup img_check "$I" "$VT" partition "$I" --mbr --add fat32:rest

# ---- SIGINT during convert and build: nothing is left ------------------------------
# The signal comes at the writer's 10th copy_file_range or pwrite64, well
# inside the copy.  A shell started in the background without job control
# ignores SIGINT and the tools inherit that (a CI runner may do this), so the
# tools run with SIGINT's default action restored.
rm -rf "$TMP/k"
mkdir "$TMP/k"
"$top_builddir/vhdtool" create "$TMP/src.img" --size 64M
python3 - "$TMP/src.img" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    for i in range(64):
        f.seek(i << 20)
        f.write(bytes([i + 1]) * 65536)
PY
set +e
env --default-signal=INT strace -f -qq -o /dev/null -e inject=copy_file_range,pwrite64:signal=INT:when=10 \
	"$VT" convert "$TMP/src.img" "$TMP/k/out.vhdx" >/dev/null 2>&1
st=$?
set -e
[ $st = 130 ] || [ $st -gt 128 ] || fail "convert was not interrupted (status $st)"
[ -z "$(ls -A "$TMP/k")" ] || fail "SIGINT in convert left: $(ls -A "$TMP/k")"
if command -v mkntfs >/dev/null 2>&1; then
	set +e
	env --default-signal=INT strace -qq -o /dev/null -e inject=copy_file_range,pwrite64:signal=INT:when=10 \
		"$VT" build "$TMP/k/b.vhd" --size 64M --mbr --part ntfs:rest >/dev/null 2>&1
	st=$?
	set -e
	[ $st -gt 128 ] || fail "build was not interrupted (status $st)"
	[ -z "$(ls -A "$TMP/k")" ] || fail "SIGINT in build left: $(ls -A "$TMP/k")"
else
	echo "SKIP (build): mkntfs not installed"
fi
echo "SIGINT: nothing left by convert or build"
