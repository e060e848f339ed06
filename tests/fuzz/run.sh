#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each libFuzzer binary of DIR/bin for FUZZ_SECONDS (default 60) on
# DIR/work/TARGET (what it finds, kept between runs) and DIR/seeds/TARGET.
# Crashes go to DIR/artifacts/TARGET/, the log of each run to DIR/logs/.
# Prints one line per target (executions, coverage, result); exits 1 if any
# target found something.  Usage: run.sh DIR NAME:SOURCE[:CFLAGS]...
# FUZZ_NICE=1 runs them under nice -n 19; FUZZ_TIMEOUT (seconds, default 30)
# is the time one input may take: long runs at nice 19 on a busy machine need
# more, or a starved process is reported as a timeout.
set -eu
DIR=$1
shift
SECONDS_EACH=${FUZZ_SECONDS:-60}
mkdir -p "$DIR/logs"

# Largest input per target: past it libFuzzer only slows down.
max_len() {
	case $1 in
	fuzz-hive-open) echo 300000 ;;
	fuzz-hive-log) echo 2400000 ;;
	fuzz-reg-import) echo 65536 ;;
	fuzz-bcd-decode) echo 4096 ;;
	fuzz-bcd-text) echo 1024 ;;
	fuzz-vhd) echo 4194304 ;;
	fuzz-vhdx) echo 8388608 ;;
	fuzz-ntfs) echo 2097152 ;;
	fuzz-fs-file) echo 2097152 ;;
	fuzz-image-path) echo 4096 ;;
	*) echo 1048576 ;;
	esac
}

run_one() {
	name=$1
	bin="$DIR/bin/$name"
	mkdir -p "$DIR/work/$name" "$DIR/artifacts/$name" "$DIR/seeds/$name"
	set +e
	${FUZZ_NICE:+nice -n 19} "$bin" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$name")" \
		-timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=3072 -print_final_stats=1 \
		-artifact_prefix="$DIR/artifacts/$name/" \
		"$DIR/work/$name" "$DIR/seeds/$name" >"$DIR/logs/$name.log" 2>&1
	rc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$DIR/logs/$name.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$DIR/logs/$name.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		printf '%-18s ok      %ss, %s executions, %s\n' "$name" "$SECONDS_EACH" "${execs:-?}" "${cov:-cov: ?}"
	else
		printf '%-18s FINDING (exit %s) see %s and %s\n' "$name" "$rc" "$DIR/logs/$name.log" \
			"$DIR/artifacts/$name/"
		grep -m 3 'ERROR: \|SUMMARY: \|fuzz invariant' "$DIR/logs/$name.log" | sed 's/^/    /'
		return 1
	fi
}

fail=0
for t in "$@"; do
	run_one "${t%%:*}" || fail=1
done
exit $fail
