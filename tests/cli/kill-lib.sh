# SPDX-License-Identifier: GPL-3.0-or-later
# The kill loop of safety-kill.sh and safety-kill-writers.sh (sourced after
# lib.sh): a writer runs once under strace to list its system calls, then
# once per point ("CALL N", the Nth invocation of CALL) with SIGKILL
# injected there; each time the state must be the old or the new one, the
# next run of the same command must succeed, and the caller's AFTER check
# must hold.  Skips where strace is missing or cannot trace.
# strace runs the tools here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
command -v strace >/dev/null 2>&1 || skip "strace not installed"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
# The programs themselves, not libtool's wrapper scripts.
L="$top_builddir/.libs"
real() { if [ -x "$L/$1" ]; then echo "$L/$1"; else echo "$top_builddir/$1"; fi; }
export LD_LIBRARY_PATH="$L${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
FOLLOW=-f          # strace's -f; empty: the writer's own calls only
KILL_SAMPLE=       # non-empty: sample the calls made more than 3 times

# kill_trace NAME SETUP CHECK DIR CMD...: SETUP makes the old state; CMD,
# traced, must write the new one (CHECK says old, new or bad).  The points
# go to $TMP/calls: every call from the first that names DIR on (loading
# the program before it cannot touch the output).  With KILL_SAMPLE, a call
# made more than 3 times is killed at its first 2 and last 2 invocations
# and at 3 or 4 spread between them.
kill_trace() {
	name=$1 setup=$2 check=$3 dir=$4; shift 4
	$setup
	strace $FOLLOW -qq -o "$TMP/trace" "$@" >/dev/null 2>&1 || fail "$name: the writer fails"
	[ "$($check)" = new ] || fail "$name: the writer did not write"
	awk -v t="$dir" -v sample="$KILL_SAMPLE" '
		{ sub(/^[0-9]+ +/, "") }
		!/^[a-z0-9_]+\(/ { next }
		{ c = $0; sub(/\(.*/, "", c); n[c]++ }
		!/^execve/ && index($0, t) { on = 1 }
		on { seen[++m] = c " " n[c] }
		END {
			for (i = 1; i <= m; i++) {
				split(seen[i], a, " "); k = a[2]; tot = n[a[1]]
				step = int((tot - 4) / 4); if (step < 1) step = 1
				if (sample == "" || tot <= 3 || k <= 2 || k > tot - 2 || (k - 2) % step == 0)
					print seen[i]
			}
		}' "$TMP/trace" >"$TMP/calls"
}

# kill_loop NAME SETUP CHECK AFTER CMD...: CMD killed at each point of
# $TMP/calls; AFTER gets a description of the point once the next run is
# done.  Sets points, old and new; fails unless both states were seen.
kill_loop() {
	name=$1 setup=$2 check=$3 after=$4; shift 4
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
		"$@" >/dev/null 2>"$TMP/next.err" ||
			fail "$name: the run after a kill at $call #$k failed: $(cat "$TMP/next.err")"
		$after "$name: after a kill at $call #$k and the next run"
		points=$((points + 1))
	done <"$TMP/calls"
	[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "$name: old $old, new $new: not every point was seen"
}
