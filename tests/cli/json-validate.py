#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validate the JSON documents the tools printed against their schemas.

Usage: json-validate.py SCHEMA_DIR (DIR | FILE)...

A DIR holds what tests/cli/json-tee.sh kept: doc.X (standard output of a
--json run), doc.X.err (its standard error), doc.X.cmd (the command) and
doc.X.rc (its exit status).  Standard output must be empty or JSON: one
document, or JSON Lines (one per line); standard error is checked when it is
a JSON object (bcdedit's --json errors).  A run that failed (exit status 2
or more: the input could not be read) may end in one incomplete line, where
a streamed listing stopped at the error it reported; every complete line
before it is still checked.  Each document must be valid UTF-8, parse strictly (no NaN, no raw
control characters), be an object whose "schema" is "bcdkit.KIND/N", and
validate against SCHEMA_DIR/KIND-schema.json, whose "schema" constant must be
that same name.  Prints one line per bad document; exits 1 if any.
"""
import json
import os
import re
import sys

import jsonschema

SCHEMA_RE = re.compile(r"^bcdkit\.([a-z0-9-]+)/([0-9]+)$")


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def parse(data, failed):
    """The documents in data (bytes): one, or one per line."""
    text = data.decode("utf-8")   # strict: a byte that is not UTF-8 fails
    try:
        return [json.loads(text, parse_constant=reject_constant)]
    except json.JSONDecodeError:
        lines = [l for l in text.split("\n") if l.strip()]
        if len(lines) < 2 and not failed:
            raise
        docs = []
        for i, l in enumerate(lines):
            try:
                docs.append(json.loads(l, parse_constant=reject_constant))
            except json.JSONDecodeError:
                if not (failed and i == len(lines) - 1):
                    raise
        return docs


def surrogate(v):
    """A string holding a lone surrogate (JSON "\\udc80"), which strict
    parsers refuse; None if there is none."""
    if isinstance(v, str):
        return v if any(0xD800 <= ord(c) <= 0xDFFF for c in v) else None
    items = v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()
    for x in items:
        bad = surrogate(x)
        if bad is not None:
            return bad
    return None


def check_doc(doc, schema_dir, cache):
    if surrogate(doc) is not None:
        return "a string holds a lone surrogate: %r" % surrogate(doc)
    if not isinstance(doc, dict):
        return "not a JSON object"
    name = doc.get("schema")
    m = SCHEMA_RE.match(name) if isinstance(name, str) else None
    if not m:
        return 'no "schema": "bcdkit.KIND/N" member'
    path = os.path.join(schema_dir, m.group(1) + "-schema.json")
    if path not in cache:
        if not os.path.exists(path):
            return "schema %s: no file %s" % (name, path)
        with open(path, encoding="utf-8") as f:
            cache[path] = json.load(f)
    schema = cache[path]
    if schema.get("properties", {}).get("schema", {}).get("const") != name:
        return "schema %s: %s describes another version" % (name, path)
    err = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(doc))
    if err:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        return "%s at %s: %s" % (name, where, err.message)
    return None


def exit_status(path):
    try:
        with open(path + ".rc", encoding="ascii") as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def check_file(path, schema_dir, cache, is_err=False):
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip() or (is_err and not data.lstrip().startswith(b"{")):
        return []
    try:
        docs = parse(data, not is_err and exit_status(path) >= 2)
    except (UnicodeDecodeError, ValueError) as e:
        return ["not valid JSON: %s" % e]
    return [p for p in (check_doc(d, schema_dir, cache) for d in docs) if p]


def main():
    schema_dir, targets = sys.argv[1], sys.argv[2:]
    cache, bad, seen = {}, 0, 0
    files = []
    for t in targets:
        if os.path.isdir(t):
            files += sorted(os.path.join(t, n) for n in os.listdir(t)
                            if not n.endswith((".cmd", ".rc")))
        else:
            files.append(t)
    for path in files:
        is_err = path.endswith(".err")
        problems = check_file(path, schema_dir, cache, is_err)
        seen += 1
        if not problems:
            continue
        bad += 1
        base = path[:-4] if is_err else path
        cmd = ""
        if os.path.exists(base + ".cmd"):
            with open(base + ".cmd", encoding="utf-8", errors="replace") as f:
                cmd = "".join(c if c.isprintable() else "\\x%02x" % ord(c)
                              for c in f.read().strip())
        for p in problems:
            print("json-validate: %s%s: %s" % (cmd or path, " (stderr)" if is_err else "", p),
                  file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
