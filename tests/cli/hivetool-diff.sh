#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool diff: exit 0 for equal trees, 1 with one line (or JSON object) per
# key and value added, removed or changed; names compare without case.
. "$top_srcdir/tests/cli/lib.sh"

a="$TMP/a.hiv"; b="$TMP/b.hiv"
expect_exit 0 "$HIVETOOL" create "$a"
expect_exit 0 "$HIVETOOL" mkkey -p "$a" 'K\Sub'
expect_exit 0 "$HIVETOOL" set "$a" K same REG_DWORD 1
expect_exit 0 "$HIVETOOL" set "$a" K change REG_DWORD 1
expect_exit 0 "$HIVETOOL" set "$a" K gone REG_SZ x
cp "$a" "$b"
expect_exit 0 "$HIVETOOL" diff "$a" "$b"
[ ! -s "$TMP/out" ] || fail "equal hives printed: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" set "$b" K change REG_DWORD 2
expect_exit 0 "$HIVETOOL" del "$b" K gone
expect_exit 0 "$HIVETOOL" set "$b" K new REG_BINARY 00
expect_exit 0 "$HIVETOOL" del "$b" 'K\Sub'
expect_exit 0 "$HIVETOOL" mkkey -p "$b" 'K\Added\Deeper'
expect_exit 1 "$HIVETOOL" diff "$a" "$b"
cat > "$TMP/want" <<'END'
~ value K  change
- value K  gone
+ value K  new
+ key   K\Added
- key   K\Sub
END
diff -u "$TMP/want" "$TMP/out" || fail "diff text"
expect_exit 1 "$HIVETOOL" diff "$a" "$b" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["differences"]; assert len(d)==5, d; assert {"change":"added","what":"key","path":"K\\Added"} in d, d' "$TMP/out" ||
	fail "json: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" diff "$b" "$b" --json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["differences"] == []' "$TMP/out" ||
	fail "empty json: $(cat "$TMP/out")"
expect_exit 2 "$HIVETOOL" diff "$a"
expect_exit 2 "$HIVETOOL" diff "$a" "$TMP/missing"
exit 0
