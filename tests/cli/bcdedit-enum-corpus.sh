#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# /enum all /v (and without /v, and every filter) on every corpus store:
# success, one section per object (counted by libhivex), and bcdedit's
# layout rules: a blank line first and between sections, header and a dash
# underline of the same length, "identifier" first, values at column 24,
# continuation lines indented 24 spaces, elements in ascending type order.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
need_corpus
need hivexregedit

layout() {
	awk '
	function bad(m) { printf "%s: line %d: %s: %s\n", FILENAME, NR, m, $0; err = 1 }
	NR == 1 { if ($0 != "") bad("no leading blank line"); state = "blank"; next }
	state == "blank" { if ($0 == "") bad("two blank lines"); hdr = $0; state = "hdr"; next }
	state == "hdr" {
		if (length($0) != length(hdr) || $0 !~ /^-+$/) bad("underline")
		state = "id"; next
	}
	state == "id" { if ($0 !~ /^identifier              [^ ]/) bad("identifier"); state = "items"; next }
	state == "items" {
		if ($0 == "") { state = "blank"; next }
		if ($0 ~ /^                        [^ ]/) next
		n = $1
		if (length(n) < 24 && substr($0, 25, 1) == " ") bad("value not at column 24")
		if (length(n) < 24 && substr($0, length(n) + 1, 24 - length(n)) !~ /^ +$/) bad("padding")
		next
	}
	END { if (state == "blank" && NR > 1) { print FILENAME ": trailing blank line"; err = 1 } exit err }
	' "$1"
}

stores=$(cd "$BK_CORPUS/bcd" && for f in *; do
	if [ -d "$f" ]; then echo "$f/BCD"; else echo "$f"; fi; done)
n=0
for s in $stores; do
	f="$BK_CORPUS/bcd/$s"
	objs=$(regdump "$f" | grep -c '^\[HKEY_LOCAL_MACHINE\\BCD\\Objects\\{[^\\]*}\]$' || true)
	for v in /v ""; do
		# shellcheck disable=SC2086
		expect_exit 0 "$BCDEDIT" --store "$f" /enum all $v
		cp "$TMP/out" "$TMP/enum"
		[ "$(grep -c '^identifier' "$TMP/enum")" = "$objs" ] || fail "$s: $objs objects, not all listed"
		[ "$objs" = 0 ] || layout "$TMP/enum" || fail "$s: layout"
		grep -q '^[a-z].* unknown$' "$TMP/enum" && fail "$s: a device printed as unknown"
	done
	for t in active firmware bootapp bootmgr osloader resume inherit ALL; do
		expect_exit 0 "$BCDEDIT" --store "$f" /enum $t
		grep -qx 'There are no matching objects or the store is empty.' "$TMP/out" && continue
		cp "$TMP/out" "$TMP/enum"
		layout "$TMP/enum" || fail "$s /enum $t: layout"
	done
	# Every object can be listed on its own, by GUID.
	"$BCDEDIT" --store "$f" /enum all /v | sed -n 's/^identifier *//p' > "$TMP/ids"
	while read -r id; do
		expect_exit 0 "$BCDEDIT" --store "$f" /enum "$id" /v
		[ "$(grep -c '^identifier' "$TMP/out")" = 1 ] || fail "$s: /enum $id"
	done < "$TMP/ids"
	n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n stores"

# Element order: ascending element type within each section.
"$BCDEDIT" --store "$BK_CORPUS/bcd/pybcd-BCDvm" /enum {bootmgr} > "$TMP/bm"
sed -n 's/^\([a-z][a-z]*\) .*/\1/p' "$TMP/bm" | tr '\n' ' ' > "$TMP/names"
[ "$(cat "$TMP/names")" = "identifier device description locale inherit default resumeobject displayorder toolsdisplayorder timeout " ] ||
	fail "element order: $(cat "$TMP/names")"
echo PASS
