#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every kind of --json document, made from the repository's own fixtures
# (no corpus needed), validates against its schema in doc/; and the
# validator that checks every test's JSON (tests/cli/json-capture.sh) does
# reject what it must: no schema member, an unknown or mismatched schema, a
# field of the wrong type, bytes that are not UTF-8, a raw control
# character, a lone surrogate, a document cut short.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
BCDEDIT=$(bk_tool bcdedit)
V="python3 $top_srcdir/tests/cli/json-validate.py $top_srcdir/doc"
cd "$TMP"

# Each schema in doc/ is a valid draft-07 schema naming its own kind.
for f in "$top_srcdir"/doc/*-schema.json; do
	kind=$(basename "$f" -schema.json)
	python3 - "$f" "$kind" <<'PY' || fail "$f: not a valid schema for bcdkit.$kind/1"
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(s)
assert s["properties"]["schema"]["const"] == "bcdkit.%s/1" % sys.argv[2]
assert "schema" in s["required"]
PY
done

# One document of every kind (each is also kept and validated at exit).
S="$BK_FIXTURES/sample.hiv"
U="$BK_FIXTURES/unsorted-subkeys.hiv"
expect_exit 0 "$HIVETOOL" info --json "$S"
expect_exit 0 "$HIVETOOL" check --json "$S"
expect_exit 1 "$HIVETOOL" check --json "$U"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["count"]==len(d["problems"])==2 and d["problems"][0]["kind"]=="order" and d["problems"][0]["offset"]>0' "$TMP/out" ||
	fail "check --json findings: $(cat "$TMP/out")"
expect_exit 0 "$HIVETOOL" ls --json "$S" 'Software\Vendor\App'
expect_exit 0 "$HIVETOOL" ls -r --json "$S"
expect_exit 0 "$HIVETOOL" get --json "$S" 'Software\Vendor\App' Paths
expect_exit 1 "$HIVETOOL" diff --json "$S" "$U"
"$VHDTOOL" create g.vhdx --size 64M
"$VHDTOOL" partition g.vhdx --gpt --add esp:8M --add ntfs:rest >/dev/null
"$VHDTOOL" create m.vhd --size 16M
"$VHDTOOL" partition m.vhd --mbr --add ntfs:rest:active >/dev/null
for f in g.vhdx m.vhd; do
	expect_exit 0 "$VHDTOOL" info --json $f
	expect_exit 0 "$VHDTOOL" partition --json $f
done
"$BCDEDIT" /createstore BCD >/dev/null
"$BCDEDIT" /store BCD /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
expect_exit 0 "$BCDEDIT" /store BCD /enum all /json
expect_exit 1 "$BCDEDIT" /store missing /enum --json
grep -q '"schema": "bcdkit.bcdedit-error/1"' "$TMP/err" || fail "bcdedit error: $(cat "$TMP/err")"
# Every kind in doc/ was produced above (bcdverify's by bcdverify.sh).
bk_json_check || fail "the documents above do not validate"
for f in "$top_srcdir"/doc/*-schema.json; do
	kind=$(basename "$f" -schema.json)
	[ "$kind" = bcdverify ] && continue
	grep -l "\"schema\": *\"bcdkit.$kind/1\"" "$BK_JSON_DIR"/doc.* >/dev/null 2>&1 ||
		fail "no test output of kind $kind"
done

# The validator's refusals (it must be able to fail).
mkdir bad
refuse() { # NAME CONTENT (printf format) REASON
	printf "$2" > "bad/$1"
	if $V "bad/$1" 2> "bad/$1.why"; then fail "validator accepted $1"; fi
	grep -q "$3" "bad/$1.why" || fail "$1: $(cat "bad/$1.why")"
}
refuse noschema '{"file": "x"}\n' 'no "schema"'
refuse unknown '{"schema": "bcdkit.nosuchkind/1"}\n' 'no file'
refuse version '{"schema": "bcdkit.hive-value/2"}\n' 'another version'
refuse badtype '{"schema": "bcdkit.hive-value/1", "name": 5, "type": 1, "type_name": "REG_SZ", "size": 0, "hex": ""}\n' 'hive-value/1 at name'
refuse missing '{"schema": "bcdkit.hive-value/1", "name": "n"}\n' 'required property'
refuse latin1 '{"schema": "bcdkit.hive-value/1", "name": "\377", "type": 1, "type_name": "REG_SZ", "size": 0, "hex": ""}\n' 'not valid JSON'
refuse control '{"schema": "bcdkit.hive-value/1", "name": "\033[2J", "type": 1, "type_name": "REG_SZ", "size": 0, "hex": ""}\n' 'not valid JSON'
python3 -c 'open("bad/surrogate", "w").write("{\"schema\": \"bcdkit.hive-value/1\", \"name\": \"\\ud800\", \"type\": 1, \"type_name\": \"REG_SZ\", \"size\": 0, \"hex\": \"\"}\n")'
grep -qF '"\ud800"' bad/surrogate || fail "surrogate fixture: $(cat bad/surrogate)"
if $V bad/surrogate 2> bad/surrogate.why; then fail "validator accepted a lone surrogate"; fi
grep -q 'lone surrogate' bad/surrogate.why || fail "surrogate: $(cat bad/surrogate.why)"
refuse cut '{"schema": "bcdkit.hive-value/1", "name": "n", "ty' 'not valid JSON'
exit 0
