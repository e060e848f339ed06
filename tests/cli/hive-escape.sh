#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Names and data from an untrusted hive never reach a terminal raw: a hive
# made by scripts/mkhive.py from fixtures/hostile-names.spec holds escape
# sequences, a bell, a C1 control, a newline and unpaired surrogates in key
# and value names and in string data.  Text output escapes every control
# character (\xHH, \u00HH), JSON output is valid strict JSON with the
# surrogates as the library's {U+hhhh} text, and a file name that is not
# UTF-8 is escaped in both.
. "$top_srcdir/tests/cli/lib.sh"
H="$BK_FIXTURES/hostile-names.hiv"
[ -f "$H" ] || fail "$H not built"
cd "$TMP"

# raw_controls FILE: does FILE hold a control character other than newline?
raw_controls() {
	LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" ||
		python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if b"\xc2\x9b" in d else 1)' "$1"
}

expect_exit 0 "$HIVETOOL" ls "$H"
raw_controls "$TMP/out" && fail "ls: raw control characters: $(od -c "$TMP/out" | head)"
grep -qF 'Esc\x1b[2JKey' "$TMP/out" || fail "ls: ESC not escaped: $(cat "$TMP/out")"
grep -qF 'Bell\x07Key' "$TMP/out" || fail "ls: BEL not escaped"
grep -qF 'C1\u009b31mKey' "$TMP/out" || fail "ls: C1 CSI not escaped"
grep -qF 'Lone{U+D800}Key' "$TMP/out" || fail "ls: lone surrogate"

expect_exit 0 "$HIVETOOL" ls "$H" 'Esc{U+001B}[2JKey'
raw_controls "$TMP/out" && fail "ls KEY: raw control characters: $(od -c "$TMP/out" | head)"
grep -qF 'New\nLine' "$TMP/out" || fail "ls KEY: newline in a value name not escaped: $(cat "$TMP/out")"
grep -qF 'Data\x1b]0;title\x07end' "$TMP/out" || fail "ls KEY: string data not escaped: $(cat "$TMP/out")"

expect_exit 0 "$HIVETOOL" get "$H" 'Esc{U+001B}[2JKey' 'New{U+000A}Line'
raw_controls "$TMP/out" && fail "get: raw control characters"
grep -qF 'Data\x1b]0;title\x07end' "$TMP/out" || fail "get: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" get "$H" 'Esc{U+001B}[2JKey' Multi
raw_controls "$TMP/out" && fail "get multi: raw control characters"

# JSON: strict parsers accept it, and it says what the hive holds.
expect_exit 0 "$HIVETOOL" ls -r --json "$H"
python3 - "$TMP/out" <<'PY' || fail "ls -r --json: $(cat "$TMP/out")"
import json, sys
# JSON Lines: the key listed, then one line per subkey.
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
subs = [json.loads(l) for l in lines][1:]
names = {k["name"] for k in subs}
assert names == {"Esc\x1b[2JKey", "Bell\x07Key", "C1\x9b31mKey", "Lone{U+D800}Key"}, names
lone = [k for k in subs if k["name"].startswith("Lone")][0]
assert lone["values"][0]["name"] == "Val{U+DC00}ue", lone
PY
expect_exit 0 "$HIVETOOL" get --json "$H" 'Esc{U+001B}[2JKey' 'New{U+000A}Line'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["name"]=="New\nLine" and d["string"]=="Data\x1b]0;title\x07end", d' "$TMP/out" ||
	fail "get --json: $(cat "$TMP/out")"

# diff and check text of the hostile hive against an empty one.
mkhive "root Hostile" empty.hiv
expect_exit 1 "$HIVETOOL" diff empty.hiv "$H"
raw_controls "$TMP/out" && fail "diff: raw control characters: $(cat "$TMP/out")"
grep -qF 'Esc\x1b[2JKey' "$TMP/out" || fail "diff: $(cat "$TMP/out")"

# A file name that is not UTF-8, with an escape sequence in it.
bad=$(printf 'bad\377\033[1m.hiv')
cp "$H" "$bad"
expect_exit 0 "$HIVETOOL" info "$bad"
raw_controls "$TMP/out" && fail "info: raw control characters in the file name"
grep -qF 'bad\xff\x1b[1m.hiv' "$TMP/out" || fail "info: file name: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" info --json "$bad"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); assert d["file"]=="bad\\xff\x1b[1m.hiv", d["file"]' "$TMP/out" ||
	fail "info --json: file name: $(cat "$TMP/out")"
exit 0
