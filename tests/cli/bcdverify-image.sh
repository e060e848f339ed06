#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdverify --fix of a store inside an image goes through the tools' image
# glue (tools/common/image-file.c), as hivetool's and bcdedit's edits do:
# - under concurrent writers (bcdedit /create on the same store, hivetool
#   putting a duplicate back before each fix) no update is lost: every
#   object a writer made is there, no duplicate is left after the last fix,
#   and every process either succeeded or failed with the documented
#   "in use" line;
# - killed with SIGKILL at each write-side system call of the fix (each
#   write, sync and truncate, by invocation number), the store is the old
#   one or the fixed one, never damaged, and the next run leaves no leftover
#   beside it.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
. "$top_srcdir/tests/cli/concurrency-lib.sh"
need_ntfs
BV="$top_builddir/bcdverify"

mk_windows "$TMP/tree/Windows"
for f in winload.efi winresume.efi; do
	echo "synthetic stand-in for Windows\\System32\\$f (made by bcdkit's tests)" \
		> "$TMP/tree/Windows/System32/$f"
done
# A UEFI disk: a FAT ESP (made by vhdtool) and Windows on NTFS.
I0="$TMP/base.img"
"$VHDTOOL" build "$I0" --size 80M --format raw --mbr --part esp:40M --part ntfs:rest >/dev/null
"$VHDTOOL" cp -r "$TMP/tree/Windows" "$I0:2:\\" >/dev/null
expect_exit 0 "$BCDBOOT" "$I0:2:\\Windows" /f UEFI
SP='\EFI\Microsoft\Boot\BCD'
expect_exit 0 "$BV" "$I0" --fail-on warning
BM='{9dea862c-5cdd-4e70-acc1-f32b344d4795}'
L=$("$BCDEDIT" --store "$I0:1:$SP" /enum OSLOADER /v | awk '/^identifier/ { print $2; exit }')
case "$L" in {*-*}) ;; *) fail "no loader GUID in the store: $L" ;; esac
# dup IMG: a duplicate displayorder entry (a warning, fixable).
dup() { "$HIVETOOL" set "$1:1:$SP" "Objects\\$BM\\Elements\\24000001" Element REG_MULTI_SZ "$L" "$L"; }

# ---- concurrent writers -----------------------------------------------------------------
I="$TMP/c.img"
cp --sparse=always "$I0" "$I"
export BCDKIT_WAIT=300
W=4 R=5
# shellcheck disable=SC2016
start_writers bcd sh -c '"$0" --store "$1" /create /d "w${w}r$r" /application osloader' \
	"$BCDEDIT" "$I:1:$SP"
bcd_pids=$pids
# Two loops meanwhile: a duplicate put back, then fixed.
dup_and_fix() {
	dup "$I" >/dev/null 2>"$TMP/dup.$w.$r.err"
	echo $? > "$TMP/dup.$w.$r.st"
	"$BV" "$I" --fix --fail-on warning >"$TMP/fix.$w.$r.out"
}
W=2
run_writers fix dup_and_fix
# shellcheck disable=SC2086
wait $bcd_pids
W=4
unset BCDKIT_WAIT
# ok ST...: 0 (or for bcdverify 1: fixed), or the documented busy line alone.
ok=0
for st in "$TMP"/bcd.*.st "$TMP"/dup.*.st "$TMP"/fix.*.st; do
	s=$(cat "$st") e=${st%.st}.err
	case "$st:$s" in
	*/bcd.*:0) ok=$((ok + 1)) ;;
	*/dup.*:0|*/fix.*:0|*/fix.*:1) ;;
	*)	grep -q 'is in use by another process' "$e" && [ "$(wc -l < "$e")" = 1 ] ||
			fail "$st: exited $s: $(cat "$e" "${st%.st}.out" 2>/dev/null)" ;;
	esac
done
got=$("$BCDEDIT" --store "$I:1:$SP" /enum all | grep -c '^description  *w[0-9]*r[0-9]*$' || true)
[ "$got" = "$ok" ] || fail "concurrent: $ok bcdedit writers succeeded but $got objects are there"
[ "$ok" -gt 0 ] || fail "concurrent: no bcdedit writer succeeded"
grep -l ' fixed: ' "$TMP"/fix.*.out >/dev/null || fail "concurrent: no bcdverify run fixed anything"
expect_exit 0 "$BV" "$I" --fail-on warning
"$VHDTOOL" cat "$I:1:$SP" > "$TMP/c.BCD"
"$HIVETOOL" check "$TMP/c.BCD" >/dev/null || fail "concurrent: the store is damaged"
echo "concurrent: $ok of $((W * R)) bcdedit writers and every fix kept"

# ---- SIGKILL during --fix ----------------------------------------------------------------
command -v strace >/dev/null 2>&1 || skip "strace not installed"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
BVR="$top_builddir/.libs/bcdverify"
[ -x "$BVR" ] || BVR="$BV"
export LD_LIBRARY_PATH="$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cp --sparse=always "$I0" "$TMP/dup.img"
dup "$TMP/dup.img" >/dev/null
"$VHDTOOL" cat "$TMP/dup.img:1:$SP" > "$TMP/old.BCD"
"$VHDTOOL" ls "$TMP/dup.img:1:\\EFI\\Microsoft\\Boot" | awk "{ print \$NF }" | sort > "$TMP/old.ls"
K="$TMP/k.img"
setup() { cp --sparse=always "$TMP/dup.img" "$K"; }
# state: old (the store as it was), new (fixed and clean), or bad.
state() {
	if ! "$VHDTOOL" cat "$K:1:$SP" > "$TMP/now.BCD" 2>/dev/null; then
		echo bad
	elif cmp -s "$TMP/now.BCD" "$TMP/old.BCD"; then
		echo old
	elif "$HIVETOOL" check "$TMP/now.BCD" >/dev/null 2>&1 &&
	     "$BV" --store "$K:1:$SP" --fail-on warning >/dev/null 2>&1; then
		echo new
	else
		echo bad
	fi
}
fix() { "$BVR" --store "$K:1:$SP" --fix --fail-on warning; }
setup
strace -f -qq -o "$TMP/trace" -e trace=write,pwrite64,pwritev,fsync,fdatasync,ftruncate,fallocate \
	"$BVR" --store "$K:1:$SP" --fix --fail-on warning >/dev/null 2>&1 || true
[ "$(state)" = new ] || fail "kill: the fix did not write"
awk '{ sub(/^[0-9]+ +/, "") } /^[a-z0-9]+\(/ { c = $0; sub(/\(.*/, "", c); print c, ++n[c] }' \
	"$TMP/trace" > "$TMP/calls"
[ "$(wc -l < "$TMP/calls")" -ge 3 ] || fail "kill: only $(wc -l < "$TMP/calls") write calls traced"
points=0 old=0 new=0
while read -r call k; do
	setup
	( strace -f -qq -o /dev/null -e inject="$call":signal=KILL:when="$k" \
		"$BVR" --store "$K:1:$SP" --fix --fail-on warning >/dev/null 2>&1 ) 2>/dev/null || true
	case $(state) in
	old) old=$((old + 1)) ;;
	new) new=$((new + 1)) ;;
	*) fail "kill at $call #$k: the store is damaged" ;;
	esac
	set +e
	fix >/dev/null 2>"$TMP/next.err"
	s=$?
	set -e
	[ $s = 0 ] || [ $s = 1 ] || fail "kill at $call #$k: the next run exited $s: $(cat "$TMP/next.err")"
	[ "$(state)" = new ] || fail "kill at $call #$k: the next run did not fix the store"
	"$VHDTOOL" ls "$K:1:\\EFI\\Microsoft\\Boot" | awk "{ print \$NF }" | sort > "$TMP/now.ls"
	cmp -s "$TMP/now.ls" "$TMP/old.ls" ||
		fail "kill at $call #$k: files left beside the store: $(diff "$TMP/old.ls" "$TMP/now.ls")"
	points=$((points + 1))
done < "$TMP/calls"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "kill: $old old and $new new states: not both seen"
echo "kill: $points points, $old old, $new new"
echo ok
