# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the end-to-end tests (sourced, not run).
set -eu
# BK_TOOLDIR: a folder of wrappers to run the tools through (make check-valgrind).
TMP=$(mktemp -d)
. "$top_srcdir/tests/cli/json-capture.sh"
HIVETOOL=$(bk_tool hivetool)

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# need_ntfs / need_wimlib: skip in a build configured --without-ntfs-3g or
# --without-wimlib (config.h says what this build has).
need_ntfs() { grep -q '^#define HAVE_NTFS3G 1' "$top_builddir/config.h" || skip "built without NTFS support"; }
need_wimlib() { grep -q '^#define HAVE_WIMLIB 1' "$top_builddir/config.h" || skip "built without wimlib"; }
need_corpus() { [ -d "${BK_CORPUS:-/nonexistent}" ] || skip "corpus not found at ${BK_CORPUS:-?}"; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"; }
# corpus_part WHAT: the rest of this test reads Windows-written files from the
# corpus (a differential part: real hives, real stores).  Without the corpus
# the test passes on what ran before, and says which part it did not run;
# tests/skip-summary.sh lists that line after "make check".
corpus_part() {
	[ -d "${BK_CORPUS:-/nonexistent}" ] && return 0
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

# mkhive SPECTEXT OUT: build a hive with the independent fixture writer.
mkhive() {
	printf '%s\n' "$1" > "$TMP/spec.$$"
	python3 "$top_srcdir/scripts/mkhive.py" "$TMP/spec.$$" "$2"
}
