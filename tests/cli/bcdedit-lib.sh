# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the bcdedit end-to-end tests (sourced, not run).
set -eu
TMP=$(mktemp -d)
. "$top_srcdir/tests/cli/json-capture.sh"
BCDEDIT=$(bk_tool bcdedit)

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
need_corpus() { [ -d "${BK_CORPUS:-/nonexistent}/bcd" ] || skip "corpus not found at ${BK_CORPUS:-?}"; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"; }
# corpus_part WHAT: the rest of the test needs the corpus; without it, pass
# on what ran before and say what was not run (as in lib.sh).
corpus_part() {
	[ -d "${BK_CORPUS:-/nonexistent}/bcd" ] && return 0
	echo "SKIP (part): $* (corpus not found at ${BK_CORPUS:-?})"
	exit 0
}

# expect_exit CODE CMD...: run CMD, fail unless it exits with CODE.
expect_exit() {
	want=$1; shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$TMP/out" "$TMP/err" >&2; fail "'$*' exited $got, expected $want"; }
}

# corpus_copy NAME: a writable copy of a corpus store in $TMP, path printed.
corpus_copy() {
	cp "$BK_CORPUS/bcd/$1" "$TMP/$(basename "$1").copy"
	chmod u+w "$TMP/$(basename "$1").copy"
	echo "$TMP/$(basename "$1").copy"
}

# regdump STORE: the store as hivexregedit sees it (an independent reader).
regdump() {
	hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\BCD' "$1" '\'
}

# GUID of "The entry ... {guid} ..." in $TMP/out.
new_guid() {
	grep -o '{[0-9a-f-]*}' "$TMP/out" | head -n1
}
