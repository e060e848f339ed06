#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdverify on every corpus store: no crash, and the findings listed (and
# explained) in bcdverify-corpus.expected; --fix --dry-run on a copy changes
# nothing, --fix on a copy repairs the fixable ones and a second run finds
# none of them.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
BV=$(bk_tool bcdverify)
EXP="$top_srcdir/tests/cli/bcdverify-corpus.expected"

# Every store of the corpus has its line (logs and KTM files are not stores).
(cd "$BK_CORPUS" && find bcd -type f) | grep -Ev '\.LOG[12]?$|\.blf$|\.regtrans-ms$' | sort |
	while read -r store; do
		grep -q "^$store " "$EXP" || fail "$store: a corpus store with no line in $EXP"
	done

grep -v '^#' "$EXP" | while read -r store code ids; do
	[ -f "$BK_CORPUS/$store" ] || { echo "skip: $store not in the corpus"; continue; }
	set +e
	"$BV" --store "$BK_CORPUS/$store" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	[ "$got" -lt 8 ] || { cat "$TMP/err"; fail "$store: exit $got"; }
	[ ! -s "$TMP/err" ] || fail "$store: stderr: $(cat "$TMP/err")"
	found=$(grep -o ' BCD-[A-Z-]*:' "$TMP/out" | tr -d ' :' | sort | uniq -c |
		awk '{ printf "%s%s*%s", (NR > 1 ? " " : ""), $2, $1 }')
	[ "$got $found" = "$code $ids" ] ||
		fail "$store: got '$got $found', expected '$code $ids'"
	# Repairs on a copy: --dry-run writes nothing; --fix leaves no fixable finding.
	rm -f "$TMP/copy"
	cp "$BK_CORPUS/$store" "$TMP/copy"
	chmod u+w "$TMP/copy"    # the corpus is read-only; read-only stores are not replaced
	cp "$TMP/copy" "$TMP/orig"
	"$BV" --store "$TMP/copy" --fix --dry-run >/dev/null 2>&1 || true
	cmp -s "$TMP/copy" "$TMP/orig" || fail "$store: --dry-run changed the copy"
	"$BV" --store "$TMP/copy" --fix >/dev/null 2>"$TMP/err" || true
	[ ! -s "$TMP/err" ] || fail "$store: --fix: $(cat "$TMP/err")"
	"$BV" --store "$TMP/copy" --json > "$TMP/json" || true
	python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
left = [f["id"] for s in r["stores"] for f in s["findings"] if f["fixable"]]
sys.exit("fixable findings left: %s" % left if left else 0)' "$TMP/json" || fail "$store: --fix"
	echo "ok: $store"
done
