#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A clean BCD store with logs of both formats and the kernel transaction
# manager's files beside it (win11-uefi-ktm, win-bios-system-oldlog): recover
# says it is clean, exits 0 and leaves every file alone; reading it does too.
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
[ -f "$BK_CORPUS/bcd/win11-uefi-ktm/BCD" ] || skip "win11-uefi-ktm not in the corpus"

snap() { (cd "$1" && ls -l --time-style=full-iso && sha256sum ./*); }

for d in win11-uefi-ktm win-bios-system-oldlog; do
	mkdir "$TMP/$d"
	cp -p "$BK_CORPUS/bcd/$d/"* "$TMP/$d/"
	before=$(snap "$TMP/$d")
	expect_exit 0 "$HIVETOOL" recover "$TMP/$d/BCD"
	grep -qx "$TMP/$d/BCD: clean; nothing to recover, nothing written" "$TMP/out" ||
		fail "$d: $(cat "$TMP/out")"
	expect_exit 0 "$HIVETOOL" recover "$TMP/$d/BCD" -o "$TMP/$d.out"
	[ ! -e "$TMP/$d.out" ] || fail "$d: -o wrote a clean hive"
	expect_exit 0 "$HIVETOOL" info "$TMP/$d/BCD"
	grep -q '^State: *clean$' "$TMP/out" || fail "$d: state $(grep State "$TMP/out")"
	[ "$before" = "$(snap "$TMP/$d")" ] || fail "$d: files changed"
done
exit 0
