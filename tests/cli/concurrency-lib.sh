# SPDX-License-Identifier: GPL-3.0-or-later
# Parallel writers for the concurrency tests (sourced after lib.sh):
# safety-concurrency.sh, safety-image-concurrency.sh, bcdverify-image.sh.

# start_writers NAME CMD...: W background loops of R rounds of CMD (a
# program or a shell function) with $w (the loop) and $r (the round) set,
# and in the environment; each round's exit status and stderr are kept in
# $TMP/NAME.w.r.st and .err, its stdout dropped.  $pids: the loops.
start_writers() {
	name=$1; shift
	w=0 pids=
	while [ $w -lt $W ]; do
		(
			r=0
			while [ $r -lt $R ]; do
				set +e
				w=$w r=$r "$@" >/dev/null 2>"$TMP/$name.$w.$r.err"
				echo $? > "$TMP/$name.$w.$r.st"
				set -e
				r=$((r + 1))
			done
		) &
		pids="$pids $!"
		w=$((w + 1))
	done
}

# run_writers NAME CMD...: start_writers, and wait for them.
run_writers() {
	start_writers "$@"
	# shellcheck disable=SC2086
	wait $pids
}
