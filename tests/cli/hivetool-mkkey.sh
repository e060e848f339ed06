#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool mkkey: one key under an existing parent, or a whole path with -p;
# names outside Latin-1, sorted order as Windows keeps it (hivex and our
# checker agree), and refusals (existing key, missing parent, bad names).
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/m.hiv"
expect_exit 0 "$HIVETOOL" create "$f" --minor 3
expect_exit 0 "$HIVETOOL" mkkey "$f" 'Top'
expect_exit 1 "$HIVETOOL" mkkey "$f" 'top'
grep -q 'exists' "$TMP/err" || fail "no exists message"
expect_exit 1 "$HIVETOOL" mkkey "$f" 'No\Such'
expect_exit 0 "$HIVETOOL" mkkey -p "$f" 'No\Such\Path'
expect_exit 0 "$HIVETOOL" mkkey -p "$f" 'No\Such'
for n in zeta Alpha ÄPFEL äpfel2 €uro _under 'b c' 10 9; do
	expect_exit 0 "$HIVETOOL" mkkey "$f" "Top\\$n"
done
expect_exit 0 "$HIVETOOL" check "$f"
expect_exit 0 "$HIVETOOL" ls "$f" Top
if command -v hivexsh >/dev/null; then
	printf 'cd \\Top\nls\n' | hivexsh "$f" > "$TMP/hx" || fail "hivexsh failed"
	[ "$(wc -l < "$TMP/hx")" = 9 ] || fail "hivex sees $(wc -l < "$TMP/hx") keys"
	grep -qx '€uro' "$TMP/hx" || fail "hivex lost €uro"
fi
long=$(head -c 256 /dev/zero | tr '\0' 'k')
expect_exit 1 "$HIVETOOL" mkkey "$f" "$long"
expect_exit 0 "$HIVETOOL" mkkey "$f" "$(head -c 255 /dev/zero | tr '\0' 'k')"
expect_exit 1 "$HIVETOOL" mkkey "$f" 'a{U+005C}b'
expect_exit 2 "$HIVETOOL" mkkey "$f"
expect_exit 2 "$HIVETOOL" mkkey "$f" A --json
exit 0
