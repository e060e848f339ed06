#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run one tool for a test (tests/cli/json-capture.sh makes the wrappers that
# call this): REAL DIR ARGS...  Without --json (or bcdedit's /json) among
# the arguments it becomes the tool itself (exec: same process, so tests
# that signal or trace it see the tool).  With it, the tool's standard
# output and error are kept in DIR beside the command line and the exit
# status, then passed on
# unchanged, with the tool's exit status, for the test's end to validate.
real=$1 dir=$2
shift 2
json=
for a in "$@"; do
	case $a in
	--[jJ][sS][oO][nN] | /[jJ][sS][oO][nN]) json=1 ;;
	esac
done
[ -n "$json" ] || exec "$real" "$@"
doc=$(mktemp "$dir/doc.XXXXXX") || exit 125
printf '%s\n' "${real##*/} $*" > "$doc.cmd"
rc=0
"$real" "$@" > "$doc" 2> "$doc.err" || rc=$?
echo $rc > "$doc.rc"
cat "$doc"
cat "$doc.err" >&2
exit $rc
