#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Locks (doc/safety.md): 20 parallel writers x 10 rounds on one hive
# (hivetool set) and on one BCD store (bcdedit /create) lose no update, and
# every process either succeeds or fails with the documented "in use" line
# and status; readers racing writers on a dirty hive (logs replayed in
# memory, emptied by the first commit) never print the state without the
# logs.  A second writer waits --wait SECONDS, then fails with status 3.
# (Stores inside images: safety-image-concurrency.sh.)
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/concurrency-lib.sh"
BCDEDIT="$top_builddir/bcdedit"
W=20
R=10

# check_status NAME TOOLSTATUS: every process 0, or TOOLSTATUS with the line.
check_status() {
	ok=0
	for st in "$TMP/$1".*.st; do
		s=$(cat "$st")
		e=${st%.st}.err
		if [ "$s" = 0 ]; then
			ok=$((ok + 1))
		elif [ "$s" = "$2" ] && grep -q 'is in use by another process' "$e" &&
		     [ "$(wc -l < "$e")" = 1 ]; then
			:
		else
			fail "$1: a writer exited $s: $(cat "$e")"
		fi
	done
	echo "$ok"
}

# ---- one hive, 200 writers ----------------------------------------------------
H="$TMP/c.hiv"
"$HIVETOOL" create "$H"
"$HIVETOOL" mkkey "$H" K
# shellcheck disable=SC2016
run_writers hive sh -c '"$0" set "$1" K "v${w}_$r" REG_DWORD "$r" --wait 300' "$HIVETOOL" "$H"
ok=$(check_status hive 3)
got=$("$HIVETOOL" ls "$H" K | grep -c '^    v[0-9]*_[0-9]*    REG_DWORD')
[ "$got" = "$ok" ] || fail "hive: $ok writers succeeded but $got values are there"
[ "$ok" -gt 0 ] || fail "hive: no writer succeeded"
"$HIVETOOL" check "$H" >/dev/null || fail "hive damaged"
ls -A "$TMP" | grep -q '\.tmp[0-9]' && fail "temporary file left: $(ls -A "$TMP")"
echo "hive: $ok of $((W * R)) writers succeeded, no update lost"

# ---- one BCD store, 200 writers -----------------------------------------------
S="$TMP/BCD"
"$BCDEDIT" /createstore "$S" >/dev/null
export BCDKIT_WAIT=300
# shellcheck disable=SC2016
run_writers bcd sh -c \
	'"$0" --store "$1" /create /d "w${w}r$r" /application osloader' "$BCDEDIT" "$S"
unset BCDKIT_WAIT
ok=$(check_status bcd 1)
got=$("$BCDEDIT" --store "$S" /enum all | grep -c '^description  *w[0-9]*r[0-9]*$' || true)
[ "$got" = "$ok" ] || fail "bcd: $ok writers succeeded but $got objects are there"
[ "$ok" -gt 0 ] || fail "bcd: no writer succeeded"
echo "bcd: $ok of $((W * R)) writers succeeded, no update lost"

# ---- a writer that cannot get the lock -----------------------------------------
flock -x "$H" sleep 3 &
holder=$!
sleep 0.5
expect_exit 3 "$HIVETOOL" set "$H" K late REG_DWORD 1 --wait 0.2
grep -qx "hivetool: $H: store is in use by another process (waited 1 s)" "$TMP/err" ||
	fail "busy message: $(cat "$TMP/err")"
export BCDKIT_WAIT=0.2
expect_exit 1 "$BCDEDIT" --store "$H" /timeout 5
unset BCDKIT_WAIT
grep -q "store is in use by another process" "$TMP/err" || fail "bcdedit busy: $(cat "$TMP/err")"
# A reader waits for a writer too (shared against exclusive).
expect_exit 3 "$HIVETOOL" ls "$H" --wait 0
# ... and gets in once the writer is gone.
expect_exit 0 "$HIVETOOL" set "$H" K late REG_DWORD 1 --wait 30
wait $holder

# ---- readers racing writers on a dirty hive -------------------------------------
[ -d "${BK_CORPUS:-/nonexistent}/hive/yarp-NewDirtyHive1" ] || {
	echo "SKIP (readers): corpus not found"; exit 0; }
SRC="$BK_CORPUS/hive/yarp-NewDirtyHive1"
mkdir "$TMP/d"
cp "$SRC/NewDirtyHive" "$SRC/NewDirtyHive.LOG1" "$SRC/NewDirtyHive.LOG2" "$TMP/d/"
chmod u+w "$TMP"/d/*
D="$TMP/d/NewDirtyHive"
# Key3 exists only once the logs are replayed; the primary alone has Key1.
"$HIVETOOL" ls "$D" | grep -qx 'Key3' || fail "replayed state lacks Key3"
"$HIVETOOL" ls --no-logs "$D" | grep -qx 'Key1' || fail "primary lacks Key1"
W=5
R=4
run_writers dirty sh -c '"$0" set "$1" Key3 "v${w}_$r" REG_DWORD 1 --wait 300' \
	"$HIVETOOL" "$D" &
wpid=$!
n=0
while [ $n -lt 60 ]; do
	set +e
	"$HIVETOOL" ls "$D" --wait 300 > "$TMP/rd.out" 2>"$TMP/rd.err"
	st=$?
	set -e
	[ $st = 0 ] || fail "reader exited $st: $(cat "$TMP/rd.err")"
	grep -qx 'Key3' "$TMP/rd.out" && ! grep -qx 'Key1' "$TMP/rd.out" ||
		fail "a reader printed a state that was never committed: $(cat "$TMP/rd.out")"
	n=$((n + 1))
done
wait $wpid
check_status dirty 3 >/dev/null
echo "readers: $n reads, each a committed state"
