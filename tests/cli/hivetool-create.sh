#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool create: a new hive of each minor version opens in our reader and in
# libhivex, is clean, has the root name and flags asked for; an existing file
# is refused unless --force; bad options are usage errors.
. "$top_srcdir/tests/cli/lib.sh"

for m in 3 5; do
	f="$TMP/new$m.hiv"
	expect_exit 0 "$HIVETOOL" create "$f" --root "Root$m" --minor "$m"
	expect_exit 0 "$HIVETOOL" info "$f"
	grep -q "1\.$m" "$TMP/out" || fail "minor $m not in info: $(cat "$TMP/out")"
	grep -qi 'clean' "$TMP/out" || fail "not clean: $(cat "$TMP/out")"
	expect_exit 0 "$HIVETOOL" check "$f"
	[ "$(stat -c %s "$f")" = 8192 ] || fail "size $(stat -c %s "$f")"
	if command -v hivexsh >/dev/null; then
		printf 'cd \\\nlsval\n' | hivexsh "$f" >/dev/null || fail "hivexsh cannot read $f"
	fi
done
expect_exit 1 "$HIVETOOL" create "$TMP/new5.hiv"
grep -q 'exists' "$TMP/err" || fail "no 'exists' message"
expect_exit 0 "$HIVETOOL" create "$TMP/new5.hiv" --force --backup
[ -f "$TMP/new5.hiv.bak" ] || fail "--backup made no copy"
expect_exit 2 "$HIVETOOL" create "$TMP/x.hiv" --minor 4
expect_exit 2 "$HIVETOOL" create
expect_exit 2 "$HIVETOOL" create "$TMP/x.hiv" -r
expect_exit 1 "$HIVETOOL" create "$TMP/x.hiv" --root 'a\b'
[ ! -e "$TMP/x.hiv" ] || fail "a refused create wrote a file"
expect_exit 1 "$HIVETOOL" create "$TMP/nodir/x.hiv"
exit 0
