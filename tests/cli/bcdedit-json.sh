#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# /enum --json: valid JSON with the documented fields, the same objects and
# values as the text output, on the fixture writer's store and on every
# corpus store.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
need python3

check_json() {  # STORE
	f=$1 s=$1
	expect_exit 0 "$BCDEDIT" --store "$f" --json /enum all
	cp "$TMP/out" "$TMP/json"
	expect_exit 0 "$BCDEDIT" --store "$f" /enum all
	cp "$TMP/out" "$TMP/text"
	python3 - "$TMP/json" "$TMP/text" <<'PY' || fail "$s: JSON does not match the text"
import json, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().split('\n')
objs = doc["objects"]
assert isinstance(doc["store"], str)
ids = [l.split()[1] for l in text if l.startswith('identifier ')]
assert [o["display"] for o in objs] == ids, (len(objs), len(ids))
for o in objs:
    assert set(o) == {"identifier", "alias", "display", "type", "header", "elements"}, o.keys()
    assert len(o["identifier"]) == 38 and len(o["type"]) == 8
    int(o["type"], 16)
    assert o["header"] in text
    types = [int(e["type"], 16) for e in o["elements"]]
    assert types == sorted(types)
    for e in o["elements"]:
        assert set(e) == {"type", "name", "format", "value", "text"}
        f = e["format"]
        v = e["value"]
        if f == "boolean": assert v in (True, False) and e["text"] == ["Yes" if v else "No"]
        elif f == "integer": assert isinstance(v, int)
        elif f in ("string", "device"): assert isinstance(v, str)
        elif f == "objectlist": assert isinstance(v, list) and len(v) == len(e["text"])
        elif f == "integerlist": assert isinstance(v, list) and len(v) == len(e["text"])
        elif f == "object": assert isinstance(v, str) and len(v) == 38
        # Each text line is in the text output, after the name column.
        first = (e["name"] + " " * 24)[:max(24, len(e["name"]) + 1)] + e["text"][0]
        assert first in text, first
PY
}

# Values of known elements.
check_values() {  # STORE
"$BCDEDIT" --store "$1" --json /enum {bootmgr} > "$TMP/bm.json"
python3 - "$TMP/bm.json" <<'PY' || fail "values"
import json, sys
o = json.load(open(sys.argv[1]))["objects"][0]
assert o["alias"] == "{bootmgr}" and o["type"] == "10100002" and o["header"] == "Windows Boot Manager"
e = {x["name"]: x for x in o["elements"]}
assert e["timeout"]["value"] == 3
assert e["device"]["value"] == "boot"
assert e["inherit"]["value"] == ["{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}"]
assert e["inherit"]["text"] == ["{globalsettings}"]
assert e["description"]["value"] == "Windows Boot Manager"
PY
}

# The fixture writer's store (fixtures/bcd-small.spec).
check_json "$BK_FIXTURES/bcd-small.hiv"
check_values "$BK_FIXTURES/bcd-small.hiv"

corpus_part "/enum --json on the corpus's Windows-written stores"
for s in pybcd-BCDvm pybcd-BCDTest install-media-bcd windeploy-BCD-efi win10-uefi-system/BCD; do
	check_json "$BK_CORPUS/bcd/$s"
done
check_values "$BK_CORPUS/bcd/pybcd-BCDvm"
echo PASS
