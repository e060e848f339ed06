#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare what bcdkit reads from a hive with what reglookup or regfexport print.

Usage: corpus-compare.py reglookup|regfexport OURS.json PEER.txt

OURS.json is "hivetool ls -r --json --no-logs HIVE" (JSON Lines); PEER.txt is the output of
"reglookup -H HIVE" or "regfexport HIVE".  Prints one line per difference and
a summary; exits 1 if any record the peer can represent differs.

What each peer can represent (found by reading their output on the corpus):
- reglookup 1.0.1: paths joined with "/", every byte outside printable ASCII
  and the characters , % | quoted as %XX.  Names stored as UTF-16 (not
  Latin-1) come out as their raw UTF-16LE bytes, names stop at the first
  NUL, and REG_SZ/EXPAND_SZ/MULTI_SZ data is converted to ASCII (unconvertible
  data is quoted raw with a warning).  So keys and values whose path is pure
  printable ASCII are compared by path, name and type; DWORD, DWORD_BE and
  QWORD by number; BINARY by its bytes.  Other names and string data are not
  compared (counted as "not comparable").
- regfexport 20201007: key paths with "\" from the root's name, names
  as UTF-8 (it cannot convert some, warns and prints them differently), value
  data as a hex dump for binary-like types, decimal for DWORD/QWORD.  Keys and
  values whose names have no {U+hhhh} escape on our side and no control
  character (which would break its line format) are compared by path,
  value name, type and size, plus the bytes of every hex dump and the number of
  every DWORD/QWORD.
"""
import json
import re
import sys

REG_TYPES = {0: "NONE", 1: "SZ", 2: "EXPAND_SZ", 3: "BINARY", 4: "DWORD",
             5: "DWORD_BE", 6: "LINK", 7: "MULTI_SZ", 8: "RSRC_LIST",
             9: "RSRC_DESC", 10: "RSRC_REQ_LIST", 11: "QWORD"}


def load_ours(fn):
    """The root's name and (path list, value dict or None) for every key and
    value, from JSON Lines: one key per line, its path "\\"-separated (a
    backslash inside a name is escaped as {U+005C}, so splitting is exact)."""
    root, recs = None, []
    with open(fn, encoding="utf-8") as f:
        for line in f:
            key = json.loads(line)
            path = key["path"].split("\\") if key["path"] else []
            if root is None:
                root = key
            recs.append((path, None))
            recs.extend((path, v) for v in key["values"])
    return root, recs


# ---- reglookup -------------------------------------------------------------------

RL_PLAIN = re.compile(r"^[ -~]*$")


def rl_plain(name):
    return RL_PLAIN.match(name) and not any(c in name for c in ",%|/") and "{U+" not in name


def rl_unquote(s):
    return re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("latin-1"))


def rl_ours(recs):
    keys, vals, skipped = set(), {}, 0
    for path, v in recs:
        if not all(rl_plain(p) for p in path) or (v is not None and not rl_plain(v["name"])):
            skipped += 1
            continue
        p = "/" + "/".join(path)
        if v is None:
            keys.add(p)
            continue
        t = v["type"]
        data = bytes.fromhex(v["hex"])
        if t in (4, 5) and len(data) == 4:
            num = int.from_bytes(data, "little" if t == 4 else "big")
            vals[(p, v["name"])] = ("DWORD" if t == 4 else "DWORD_BE", "0x%08X" % num)
        elif t == 11 and len(data) == 8:
            vals[(p, v["name"])] = ("QWORD", "0x%016X" % int.from_bytes(data, "little"))
        elif t == 3:
            vals[(p, v["name"])] = ("BINARY", data)
        else:
            vals[(p, v["name"])] = (REG_TYPES.get(t, "0x%08X" % t), None)
    return keys, vals, skipped


def rl_peer(fn):
    keys, vals = set(), {}
    with open(fn, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            path, typ, value, _mtime = line.rsplit(",", 3) if line.count(",") >= 3 else (line, "", "", "")
            if typ == "KEY":
                keys.add(path if path == "/" else path)
                continue
            kp, _, name = path.rpartition("/")
            kp = kp or "/"
            if typ == "BINARY":
                # empty data is printed as "(null)"
                vals[(kp, name)] = (typ, b"" if value == "(null)" else rl_unquote(value))
            elif typ in ("DWORD", "DWORD_BE", "QWORD"):
                vals[(kp, name)] = (typ, value.upper().replace("0X", "0x"))
            else:
                vals[(kp, name)] = (typ, None)
    return keys, vals


def compare_reglookup(ours_fn, peer_fn):
    _, recs = load_ours(ours_fn)
    okeys, ovals, skipped = rl_ours(recs)
    okeys = {"/" if k == "/" else k for k in okeys}
    pkeys, pvals = rl_peer(peer_fn)
    bad = 0
    for k in sorted(okeys - pkeys):
        bad += 1
        print("key only in bcdkit:", k)
    # The peer also lists keys we skipped (their names are not plain); only
    # plain ones are ours to compare.
    # reglookup stops names at a NUL: "zero{U+0000}key" is printed "zero".
    cut = {"/" + "/".join(n.split("{U+0000}")[0] for n in path) for path, v in recs if v is None}
    for k in sorted(pkeys - okeys):
        if all(rl_plain(c) for c in k.split("/")[1:]) and k not in cut:
            bad += 1
            print("key only in reglookup:", k)
    for key, (typ, data) in sorted(ovals.items()):
        p = pvals.get((key[0] if key[0] != "/" else "/", key[1]))
        if p is None:
            bad += 1
            print("value only in bcdkit:", key)
        elif p[0] != typ or (data is not None and p[1] != data):
            bad += 1
            print("value differs:", key, typ, "vs", p[0])
    print("reglookup: %d keys, %d values compared, %d records not comparable, %d differences"
          % (len(okeys), len(ovals), skipped, bad))
    return bad


# ---- regfexport -------------------------------------------------------------------

RE_TYPE = re.compile(r"\((REG_[A-Z_]+)\)$")
RF_TYPES = {"REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3,
            "REG_DWORD_LITTLE_ENDIAN": 4, "REG_DWORD_BIG_ENDIAN": 5, "REG_LINK": 6,
            "REG_MULTI_SZ": 7, "REG_RESOURCE_LIST": 8, "REG_FULL_RESOURCE_DESCRIPTOR": 9,
            "REG_RESOURCE_REQUIREMENTS_LIST": 10, "REG_QWORD_LITTLE_ENDIAN": 11}


def rf_peer(fn):
    keys, vals = set(), {}
    cur = None
    val = None
    with open(fn, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Key path: "):
            cur = line[len("Key path: "):]
            keys.add(cur)
        elif line.startswith("Value: ") and cur is not None:
            _, _, name = line[len("Value: "):].partition(" ")
            name = "" if name == "(default)" else name
            val = {"name": name, "type": None, "size": None, "hex": None, "num": None, "text": None}
            vals[(cur, name)] = val
        elif line.startswith("Type: ") and val is not None:
            m = RE_TYPE.search(line)
            u = re.search(r"unknown: (0x[0-9a-fA-F]+)$", line)
            val["type"] = RF_TYPES.get(m.group(1)) if m else int(u.group(1), 16) if u else line[6:]
        elif line.startswith("Data size: ") and val is not None:
            val["size"] = int(line[len("Data size: "):])
        elif line.startswith("Data: ") and val is not None and val["type"] in (4, 5, 11):
            try:
                val["num"] = int(line[len("Data: "):], 0)
            except ValueError:
                pass
        elif line.startswith("Data: ") and val is not None and val["type"] in (1, 2):
            val["text"] = line[len("Data: "):]
        elif line == "Data:" and val is not None:
            buf = bytearray()
            i += 1
            while i < len(lines) and re.match(r"^[0-9a-f]{8}: ", lines[i]):
                hexpart = lines[i][10:10 + 49]
                buf += bytes.fromhex(hexpart.replace(" ", ""))
                i += 1
            val["hex"] = bytes(buf)
            continue
        i += 1
    return keys, vals


def compare_regfexport(ours_fn, peer_fn):
    root, recs = load_ours(ours_fn)
    pkeys, pvals = rf_peer(peer_fn)
    bad = ncmp = skipped = 0
    inline_skipped = [0]
    unterminated = [0]
    okeys = set()
    for path, v in recs:
        names = [root["name"]] + path
        # It prints names verbatim, one per line: a name with a control
        # character (CR, LF, C1 controls) breaks its format.
        if any("{U+" in n or not n.isprintable() for n in names) or \
                (v is not None and ("{U+" in v["name"] or not v["name"].isprintable())):
            skipped += 1
            continue
        kp = "\\".join(names)
        if v is None:
            okeys.add(kp)
            if kp not in pkeys:
                bad += 1
                print("key only in bcdkit:", kp)
            continue
        ncmp += 1
        p = pvals.get((kp, v["name"]))
        data = bytes.fromhex(v["hex"])
        why = None
        if p is None:
            why = "missing in regfexport"
        elif p["type"] != v["type"]:
            why = "type %s vs %s" % (v["type"], p["type"])
        elif v["type"] in (1, 2):
            # regfexport shows strings decoded up to the first NUL, and that
            # length as "Data size"; compare the text when it printed one.
            # A string without a NUL terminator it prints with bytes from
            # past the end of the value (regipy-SYSTEM_WIN_10_1709 "COM1"
            # becomes 6 characters, size 12): those are not compared.
            units = [data[i:i + 2] for i in range(0, len(data) - 1, 2)]
            if b"\0\0" not in units:
                unterminated[0] += 1
            elif p["text"] is not None and "string" in v and p["text"] != v["string"] \
                    and "\n" not in v["string"]:
                why = "string %r vs %r" % (v["string"], p["text"])
        elif 0 < len(data) < 4:
            # libregf takes 1-3 byte inline data from the end of the offset
            # field; the spec, Windows and libhivex from its start.
            inline_skipped[0] += 1
        elif p["size"] is not None and p["size"] != len(data):
            why = "size %d vs %s" % (len(data), p["size"])
        elif p["hex"] is not None and p["hex"] != data:
            why = "data bytes differ"
        elif p["num"] is not None and v["type"] in (4, 5, 11) and len(data) in (4, 8) and \
                p["num"] != int.from_bytes(data, "big" if v["type"] == 5 else "little"):
            why = "number %d vs %d" % (int.from_bytes(data, "little"), p["num"])
        if why:
            bad += 1
            print("value %s \\ %s: %s" % (kp, v["name"], why))
    print("regfexport: %d keys, %d values compared (%d without their 1-3 data bytes, "
          "%d unterminated strings by type only), %d records not comparable, %d differences"
          % (len(okeys), ncmp, inline_skipped[0], unterminated[0], skipped, bad))
    return bad


def main():
    mode, ours, peer = sys.argv[1:4]
    bad = compare_reglookup(ours, peer) if mode == "reglookup" else compare_regfexport(ours, peer)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
