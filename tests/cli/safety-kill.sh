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
. "$top_srcdir/tests/cli/kill-lib.sh"
HT=$(real hivetool)
BE=$(real bcdedit)
VT=$(real vhdtool)

no_leftovers() {
	if ls -A "$1" | grep -q '\.tmp[0-9]'; then
		fail "$2: temporary file left: $(ls -A "$1")"
	fi
}

# After the next run: no temporary left beside the target.
no_leftovers_k() { no_leftovers "$TMP/k" "$1"; }

# kill_every NAME SETUP CHECK TARGET CMD...: SETUP makes the old state, CMD
# is the writer, CHECK says old/new/bad for the state; killed at every call
# from the first one that names TARGET's folder on (kill-lib.sh).
kill_every() {
	name=$1 setup=$2 check=$3 target=$4; shift 4
	kill_trace "$name" "$setup" "$check" "$(dirname "$target")" "$@"
	kill_loop "$name" "$setup" "$check" no_leftovers_k "$@"
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
