#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool check: every clean corpus hive passes; yarp-WrongOrderHive's
# out-of-order subkeys, dirty hives and damage made on purpose are reported
# (exit 1) with their offsets; usage errors exit 2.
. "$top_srcdir/tests/cli/lib.sh"

expect_exit 2 "$HIVETOOL" check
grep -q "Try 'hivetool --help'" "$TMP/err" || fail "no usage hint"
expect_exit 2 "$HIVETOOL" check a b
expect_exit 2 "$HIVETOOL" check --bogus x
expect_exit 2 "$HIVETOOL" check "$TMP/missing"
grep -q "$TMP/missing" "$TMP/err" || fail "error does not name the file"
"$HIVETOOL" --help | grep -q "^  check HIVE" || fail "check missing from --help"

# Hives written by the independent generator (lh under ri, lf in 1.3, db).
"$top_builddir/tests/gen/mkbighive" 2 "$TMP/gen5.hive" 5
"$top_builddir/tests/gen/mkbighive" 1 "$TMP/gen3.hive" 3
expect_exit 0 "$HIVETOOL" check "$TMP/gen5.hive"
[ "$(cat "$TMP/out")" = "$TMP/gen5.hive: no problems found" ] ||
	fail "generated hive has findings: $(head -3 "$TMP/out")"
expect_exit 0 "$HIVETOOL" check "$TMP/gen3.hive"

# Fixture writer damage (scripts/mkhive.py).
spec='key A
key B
key C
value A v dword 7'
mkhive "$spec" "$TMP/ok.hive"
expect_exit 0 "$HIVETOOL" check "$TMP/ok.hive"
mkhive "$spec
corrupt checksum" "$TMP/sum.hive"
expect_exit 1 "$HIVETOOL" check "$TMP/sum.hive"
grep -q "^0x000001fc base .*header checksum" "$TMP/out" || fail "checksum not reported"
mkhive "$spec
corrupt seq" "$TMP/seq.hive"
expect_exit 1 "$HIVETOOL" check --no-logs "$TMP/seq.hive"
grep -q "^0x00000004 base .*dirty: sequence numbers" "$TMP/out" || fail "dirty not reported"
mkhive "$spec
corrupt unsorted" "$TMP/uns.hive"
expect_exit 1 "$HIVETOOL" check "$TMP/uns.hive"
grep -q " order .*key '\\\\': subkey list at .*sorts before the entry ahead of it" "$TMP/out" ||
	fail "unsorted list not reported: $(cat "$TMP/out")"
grep -q "2 problems found" "$TMP/err" || fail "problem count not printed"

# The corpus: clean hives pass, the damaged and dirty ones are elsewhere.
corpus_part "check on every clean hive and store of the corpus, yarp-CompHive and yarp-WrongOrderHive"
clean=0
for f in "$BK_CORPUS"/hive/* "$BK_CORPUS"/hive/*/* "$BK_CORPUS"/bcd/* "$BK_CORPUS"/bcd/*/*; do
	[ -f "$f" ] || continue
	case "$f" in *.LOG|*.LOG1|*.LOG2|*.blf|*.regtrans-ms|*/RecoveredHive_*) continue ;; esac
	case "$(basename "$f")" in
	yarp-Bad*|BadBaseBlockHive|BadLogHive|yarp-Truncated*|yarp-Garbage*|regipy-corrupted*|\
	yarp-InvalidParentHive|yarp-WrongOrderHive|yarp-CompHive) continue ;;
	esac
	# Dirty hives: check the primary as stored; the dirty state is the finding.
	if "$HIVETOOL" info --no-logs "$f" | grep -q '^State: *dirty'; then
		expect_exit 1 "$HIVETOOL" check --no-logs "$f"
		grep -q "^0x00000004 base .*hive is dirty" "$TMP/out" || fail "$f: dirty not reported"
		continue
	fi
	expect_exit 0 "$HIVETOOL" check "$f"
	[ "$(cat "$TMP/out")" = "$f: no problems found" ] ||
		fail "$f: findings in a clean hive: $(head -3 "$TMP/out")"
	clean=$((clean + 1))
done
[ "$clean" -ge 40 ] || fail "only $clean clean hives checked"

# yarp-CompHive is clean: its lf hint 0x81 for U+009F comes from a code page,
# so hints are checked for ASCII names only.
expect_exit 0 "$HIVETOOL" check "$BK_CORPUS/hive/yarp-CompHive"

# WrongOrderHive: exactly the two out-of-order lists, with their offsets.
expect_exit 1 "$HIVETOOL" check "$BK_CORPUS/hive/yarp-WrongOrderHive"
[ "$(wc -l <"$TMP/out")" = 2 ] || fail "WrongOrderHive: $(cat "$TMP/out")"
grep -q "^0x000014f8 order     key '1': subkey list at 0x4f8: entry 1 (0x370) sorts before" "$TMP/out" ||
	fail "WrongOrderHive: key 1 not reported"
grep -q "^0x00001698 order     key '2': subkey list at 0x698: entry 3 (0x5e8) sorts before" "$TMP/out" ||
	fail "WrongOrderHive: key 2 not reported"
grep -q "2 problems found" "$TMP/err" || fail "count missing"
