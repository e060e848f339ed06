#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run by "make check" after the suite (check-local): a green run must say
# what it did not run.  Lists every test that skipped as a whole, with the
# reason it gave (its "SKIP:" line), and every passing test that skipped a
# part of itself (a line of its log saying so, e.g. the part that needs the
# Windows corpus when BK_CORPUS is not there), then the counts.
# Usage: tests/skip-summary.sh LOG...   (automake's $(TEST_LOGS))
set -u
total=0 skipped=0 parts=0
whole= part=
nl='
'
for log in "$@"; do
	trs=${log%.log}.trs
	[ -f "$trs" ] || continue
	total=$((total + 1))
	res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	name=${log%.log}
	if [ "$res" = SKIP ]; then
		skipped=$((skipped + 1))
		why=$(grep -m 1 '^SKIP:' "$log" 2>/dev/null | sed 's/^SKIP: *//')
		[ -n "$why" ] || why=$(grep -v '^$' "$log" 2>/dev/null | tail -n 1)
		whole="$whole  $name: ${why:-no reason given}$nl"
	elif [ "$res" = PASS ]; then
		# Lines a passing test printed about a part it did not run.
		lines=$(grep -E '(^|[^[:alnum:]])(SKIP:|SKIP \(part\)|[Ss]kipping|skipped$|part skipped)' "$log" 2>/dev/null |
			grep -v '^ok ' | sort -u)
		if [ -n "$lines" ]; then
			parts=$((parts + 1))
			part="$part  $name:$nl$(printf '%s\n' "$lines" | sed 's/^/    /')$nl"
		fi
	fi
done
echo "============================================================================"
echo "Skip summary: $skipped of $total tests skipped as a whole; $parts passing tests skipped a part"
if [ -n "$whole" ]; then
	echo "Skipped tests (reason):"
	printf '%s' "$whole"
fi
if [ -n "$part" ]; then
	echo "Passing tests that skipped a part:"
	printf '%s' "$part"
fi
echo "============================================================================"
exit 0
