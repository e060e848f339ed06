#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdboot killed while it writes into an NTFS target image (doc/safety.md,
# "Inside NTFS volumes"): SIGKILL at its Nth write to the image, for each of
# the last 20 writes (the store is replaced there) and every 20th before (the
# boot files); BK_CRASH_SWEEP=full takes every write.  Each time
# the volume passes ntfsfix -n, \Boot\BCD is the store of the earlier run
# byte for byte or a clean new one, and the next run completes and leaves
# no temporary name in \Boot.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need strace
need ntfsfix
need mkntfs
need_ntfs
# strace runs the tool here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
L="$top_builddir/.libs"
if [ -x "$L/bcdboot" ]; then BB="$L/bcdboot"; else BB="$BCDBOOT"; fi
export LD_LIBRARY_PATH="$L${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"

mk_windows "$TMP/tree/Windows"
DEV="--os-device mbr:1234abcd:2097152"
I="$TMP/t.img"
"$VHDTOOL" build "$TMP/t0.img" --size 16M --mbr --part ntfs:rest:active >/dev/null
# The earlier run: its store is the old state.
"$BB" "$TMP/tree/Windows" /s "$TMP/t0.img:1" /f BIOS --no-bootcode $DEV >/dev/null 2>&1 ||
	fail "the first bcdboot run fails"
"$VHDTOOL" cat "$TMP/t0.img:1:\\Boot\\BCD" > "$TMP/old.bcd"
run() { "$BB" "$TMP/tree/Windows" /s "$I:1" /f BIOS --no-bootcode $DEV; }

# old, new or bad: the state of the volume and of its store.
state() {
	part_raw "$I" 1 "$TMP/vol"
	ntfsfix -n "$TMP/vol" >"$TMP/fix" 2>&1 || { cat "$TMP/fix" >&2; echo bad; return; }
	"$VHDTOOL" cat "$I:1:\\Boot\\BCD" > "$TMP/s.bcd" 2>/dev/null || { echo bad; return; }
	if cmp -s "$TMP/s.bcd" "$TMP/old.bcd"; then
		echo old
	elif "$HIVETOOL" check "$TMP/s.bcd" >/dev/null 2>&1 &&
	     "$BCDEDIT" --store "$TMP/s.bcd" /enum '{bootmgr}' >/dev/null 2>&1; then
		echo new
	else
		echo bad
	fi
}

cp "$TMP/t0.img" "$I"
strace -f -qq -e trace=pwrite64 -o "$TMP/trace" sh -c "$(command -v "$BB") \"\$@\"" sh \
	"$TMP/tree/Windows" /s "$I:1" /f BIOS --no-bootcode $DEV >/dev/null 2>&1 ||
	fail "bcdboot under strace fails"
total=$(grep -c '^[0-9]* *pwrite64(' "$TMP/trace")
[ "$total" -gt 10 ] || fail "only $total writes seen"
points=0 old=0 new=0 k=1
while [ "$k" -le "$total" ]; do
	if [ "${BK_CRASH_SWEEP:-}" != full ] && [ "$k" -le $((total - 20)) ] && [ $((k % 20)) != 0 ]; then
		k=$((k + 1))
		continue
	fi
	cp "$TMP/t0.img" "$I"
	# The subshell waits for the killed strace, and says so into /dev/null.
	( strace -f -qq -o /dev/null -e inject=pwrite64:signal=KILL:when="$k" "$BB" \
		"$TMP/tree/Windows" /s "$I:1" /f BIOS --no-bootcode $DEV >/dev/null 2>&1
	  exit 0 ) 2>/dev/null || true
	case $(state) in
	old) old=$((old + 1)) ;;
	new) new=$((new + 1)) ;;
	*) fail "killed at write $k of $total: the volume or the store is damaged" ;;
	esac
	run >/dev/null 2>"$TMP/next.err" ||
		fail "the run after a kill at write $k failed: $(cat "$TMP/next.err")"
	"$VHDTOOL" cat "$I:1:\\Boot\\BCD" > "$TMP/s.bcd" && "$HIVETOOL" check "$TMP/s.bcd" >/dev/null ||
		fail "after a kill at write $k the next run left no clean store"
	left=$("$VHDTOOL" ls "$I:1:\\Boot" | grep -E '~bk|bcdboot-new' || true)
	[ -z "$left" ] || fail "after a kill at write $k and the next run: $left"
	points=$((points + 1))
	k=$((k + 1))
done
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "old $old, new $new: not every state was seen"
echo "bcdboot into NTFS: $total writes, $points kill points: $old old, $new new"
