#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The logged commit end to end, on a copy of the fixture writer's SYSTEM-like
# hive (fixtures/system-like.spec) with empty LOG1/LOG2 beside it: "hivetool set" writes through the logs (the
# file keeps its inode, the logs alternate), libhivex (hivexml) and libregf
# (regfexport) still read the result.  Then a real SIGKILL (strace syscall
# injection) at every system call the commit makes, in turn: afterwards
# the file is the old one byte for byte, or opening it (log replay) gives
# the new value; "hivetool check" finds no problem; a file left dirty is
# recovered by "hivetool recover" to a hive that passes check and exports
# the same .reg as the completed commit.
. "$top_srcdir/tests/cli/lib.sh"
# strace runs the tools here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
# Nothing here depends on who wrote the hive: the fixture serves.
SRC="$BK_FIXTURES/system-like.hiv"
H="$HIVETOOL"
cd "$TMP"
reset() {
	cp "$SRC" S && chmod u+w S
	: > S.LOG1
	: > S.LOG2
}

# ---- plain runs
reset
ino=$(stat -c %i S)
"$H" set S Select Foo REG_SZ hello || fail "set failed"
[ "$(stat -c %i S)" = "$ino" ] || fail "the file was replaced, not written in place"
[ -s S.LOG1 ] && [ ! -s S.LOG2 ] || fail "first commit: expected LOG1 written, LOG2 empty"
"$H" set S Select Bar REG_DWORD 5 || fail "second set failed"
[ -s S.LOG2 ] || fail "second commit did not go to LOG2"
[ "$("$H" get S Select Foo)" = "hello" ] || fail "value not read back"
"$H" info --no-logs S | grep -q '^State: *clean' || fail "primary not clean after commit"
"$H" check S >/dev/null || fail "check after logged commits"
if command -v hivexml >/dev/null; then
	hivexml S > x.xml || fail "hivexml cannot read the result"
	grep -q 'key="Foo"' x.xml || fail "hivexml does not see the new value"
fi
if command -v regfexport >/dev/null; then
	regfexport S > r.txt 2>&1 || fail "regfexport cannot read the result"
fi
"$H" export S Select > done.reg

# ---- a SIGKILL at every system call of the commit
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	echo "NOTE: strace missing or not allowed to trace: kill points not run" >&2
	exit 0
fi
reset
"$H" set S Select Foo REG_SZ hello
"$H" export S Select > want.reg
reset
cp S orig
strace -qq -o trace "$H" set S Select Foo REG_SZ hello >/dev/null
# The commit's calls: from opening the primary for writing to the end.
awk '
	/openat\(.*"S", O_RDWR/ { on = 1 }
	{ split($0, a, "("); n[a[1]]++; if (on && a[1] !~ /^(\+\+\+|exit_group)/) print a[1], n[a[1]] }
' trace > points
npoints=$(wc -l < points)
[ "$npoints" -ge 12 ] || fail "only $npoints system calls found in the commit"
old=0 new=0 replayed=0
while read -r call nth; do
	reset
	set +e
	strace -qq -o /dev/null -e inject="$call":signal=KILL:when="$nth" \
		"$H" set S Select Foo REG_SZ hello >/dev/null 2>&1
	set -e
	if cmp -s S orig; then
		old=$((old + 1))
		expect_exit 1 "$H" get S Select Foo
		continue
	fi
	new=$((new + 1))
	[ "$("$H" get S Select Foo 2>/dev/null)" = "hello" ] || fail "kill at $call #$nth: neither old nor new"
	"$H" check S >/dev/null 2>&1 || fail "kill at $call #$nth: check finds problems"
	if ! "$H" info --no-logs S | grep -q '^State: *clean'; then
		replayed=$((replayed + 1))
		rm -f rec && "$H" recover S -o rec >/dev/null || fail "kill at $call #$nth: recover failed"
		"$H" check rec >/dev/null || fail "kill at $call #$nth: recovered hive has problems"
		"$H" export rec Select > rec.reg
		cmp -s rec.reg want.reg || fail "kill at $call #$nth: recovered hive differs"
	fi
done < points
echo "kill points: $npoints; old $old, new $new (of which replayed $replayed)"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] && [ "$replayed" -gt 0 ] || fail "not every outcome was seen"
