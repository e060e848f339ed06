# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the bcdedit end-to-end tests (sourced, not run).
# On top of the helpers of every end-to-end test (lib.sh: TMP, fail, skip,
# need, expect_exit).
. "$top_srcdir/tests/cli/lib.sh"
BCDEDIT=$(bk_tool bcdedit)
# The BCD stores of the corpus.
need_corpus() { [ -d "${BK_CORPUS:-/nonexistent}/bcd" ] || skip "corpus not found at ${BK_CORPUS:-?}"; }
# corpus_part WHAT: the rest of the test needs the corpus; without it, pass
# on what ran before and say what was not run (as in lib.sh).
corpus_part() {
	[ -d "${BK_CORPUS:-/nonexistent}/bcd" ] && return 0
	echo "SKIP (part): $* (corpus not found at ${BK_CORPUS:-?})"
	exit 0
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
