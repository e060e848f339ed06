#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ABI's documentation and its prefixes (run by tests/cli/abi-docs.sh).

1. Prefixes: no function defined in the library sources (hive/ bcd/ disk/
   common/, static or not, in .c and internal .h files) is named hive_*,
   bcd_* or disk_* unless include/bcdkit/ declares it BCDKIT_API: the public
   prefixes name the ABI only (internal ones use hv_, bc_, dk_, bk_).

2. Documentation: the comment right before each BCDKIT_API declaration (only
   blank space between them) follows the convention of doc/libbcdkit.3
   (DESCRIPTION, Conventions):
   - it says what the function returns: a sentence starting "Returns"
     (a void function returns nothing and needs none);
   - it names how to release what the caller is handed:
     * an out-parameter "T **" or "T ***" whose pointee is not const
       (allocated memory or a handle) needs "Free with X()", "Release with
       X()" or "Close with X()" ("frees with", "freed with", ... too), X
       being free() or a declared function; when
       T is a handle type with a destructor (hive_t: hive_close()), X must be
       that destructor;
     * a non-const "struct S *" parameter, when the API has a destructor for
       struct S (bcd_value_free()), needs that destructor named the same way;
     * a returned pointer, and a "const T **" out-parameter (a borrowed
       pointer), need one of those phrases or a lifetime: "owned by",
       "static storage" or "valid until".
   A destructor is a declared function named *_free, *_close or
   *_free_strv whose first parameter is a pointer; it documents its return
   value like any other function.
"""
import os
import re
import sys

PREFIXES = ("hive_", "bcd_", "disk_")
LIB_DIRS = ("hive", "bcd", "disk", "common")
FREE_RE = re.compile(r"\b(?:[Ff]ree[sd]?|[Rr]eleased?|[Cc]losed?)\s+with\s+([a-z_][a-z0-9_]*)\(\)")
LIFETIME_RE = re.compile(r"owned\s+by|static\s+storage|valid\s+until")


def strip_comments_keep_layout(text):
    """Comments and string literals replaced by spaces (newlines kept)."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def declarations(path):
    """(name, return type, [params], comment or None, line) per BCDKIT_API."""
    text = open(path, encoding="utf-8").read()

    out = []
    for m in re.finditer(r"\bBCDKIT_API\b", text):
        # Skip the macro's own definition.
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text[line_start:m.start()].lstrip().startswith("#"):
            continue
        end = text.index(";", m.end())
        decl = " ".join(text[m.end():end].split())
        dm = re.match(r"(.*?)\b([a-z][a-z0-9_]*)\s*\((.*)\)\s*$", decl)
        if not dm:
            sys.exit("%s: cannot parse declaration: %s" % (path, decl))
        rtype, name, params = dm.group(1).strip(), dm.group(2), dm.group(3)
        before = text[:m.start()].rstrip()
        comment = None
        if before.endswith("*/"):
            # One line of text: the " * " that continues a comment is a space.
            comment = re.sub(r"\s*\n\s*\*(?!/)\s*", " ", before[before.rindex("/*"):])
        plist = [p.strip() for p in params.split(",")] if params.strip() != "void" else []
        out.append((name, rtype, plist, comment, text.count("\n", 0, m.start()) + 1))
    return out


def param_type(p):
    """Type text of a parameter without its name ("uint8_t guid[16]" -> "uint8_t *")."""
    p = re.sub(r"\[[^\]]*\]", "*", p)
    m = re.match(r"(.*?)([A-Za-z_][A-Za-z0-9_]*)\s*(\**)$", p)
    if m and m.group(1).strip() and not p.endswith("*"):
        return (m.group(1) + m.group(3)).strip()
    return p.strip()


def base_and_stars(t):
    stars = t.count("*")
    base = t.replace("*", " ")
    words = base.split()
    return words, stars


def check_docs(include_dir):
    decls = []
    for fn in sorted(os.listdir(include_dir)):
        if fn.endswith(".h"):
            decls += [(fn,) + d for d in declarations(os.path.join(include_dir, fn))]
    names = {d[1] for d in decls}
    # Destructors: first parameter's type (without const) -> function names.
    dtor = {}
    for fn, name, rtype, params, comment, line in decls:
        if re.search(r"_(free|close|free_strv)$", name) and params:
            t = param_type(params[0])
            words, stars = base_and_stars(t)
            if stars >= 1:
                key = (" ".join(w for w in words if w != "const"), stars)
                dtor.setdefault(key, []).append(name)
    problems = []
    for fn, name, rtype, params, comment, line in decls:
        where = "include/bcdkit/%s:%d: %s()" % (fn, line, name)
        if comment is None:
            problems.append(where + ": no comment right before the declaration")
            continue
        if rtype != "void" and not re.search(r"\bReturns\b", comment):
            problems.append(where + ": the comment does not say what it returns (\"Returns ...\")")
        freers = FREE_RE.findall(comment)
        for f in freers:
            if f != "free" and f not in names:
                problems.append(where + ": names %s(), which is not a declared function" % f)
        freers = [f for f in freers if f == "free" or f in names]
        for p in params:
            if p == "...":
                continue
            t = param_type(p)
            words, stars = base_and_stars(t)
            const_pointee = words and words[0] == "const"
            base = " ".join(w for w in words if w != "const")
            if stars >= 2 and not const_pointee:
                want = dtor.get((base, stars - 1))
                if want and name not in want:
                    if not any(f in want for f in freers):
                        problems.append(where + ": out-parameter \"%s\" must name its destructor "
                                        "(\"Close with %s()\" or \"Free with ...\")" % (p, want[0]))
                elif not want and not freers and name not in sum(dtor.values(), []):
                    problems.append(where + ": out-parameter \"%s\" hands out memory: say "
                                    "\"Free with X()\"" % p)
            elif stars >= 2 and const_pointee:
                if not freers and not LIFETIME_RE.search(comment):
                    problems.append(where + ": borrowed pointer \"%s\": say whose it is "
                                    "(\"owned by\", \"static storage\", \"valid until\")" % p)
            elif stars == 1 and words and words[0] == "struct" and not const_pointee:
                want = dtor.get((base, 1))
                if want and name not in want and not any(f in want for f in freers):
                    problems.append(where + ": \"%s\" is filled with memory that %s() releases: "
                                    "name it (\"Free with %s()\")" % (p, want[0], want[0]))
        if "*" in rtype and not freers and not LIFETIME_RE.search(comment):
            problems.append(where + ": returns a pointer: say who frees it (\"Free with X()\") "
                            "or whose it is (\"owned by\", \"static storage\", \"valid until\")")
    return decls, names, problems


def defined_functions(path):
    """Names of the functions a C file defines (a name, its parameters, then a body)."""
    text = strip_comments_keep_layout(open(path, encoding="utf-8", errors="replace").read())
    # Preprocessor lines (macros) are not definitions.
    text = re.sub(r"(?m)^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = []
    for m in re.finditer(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", text):
        name = m.group(1)
        if not name.startswith(PREFIXES):
            continue
        # Match the parentheses, then look at what follows them.
        depth, i = 0, m.end() - 1
        while i < len(text):
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        rest = text[i + 1:i + 200].lstrip()
        # A definition: the body follows (possibly after attributes), and the
        # name stands at the start of a line or after its return type there.
        if not rest.startswith("{"):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        head = text[line_start:m.start()]
        if head.strip() and not re.match(r"^\s*(?:static\s+|inline\s+|const\s+|unsigned\s+|"
                                         r"struct\s+\w+\s*|enum\s+\w+\s*|\w+\s*)*\**\s*$", head):
            continue
        if head.strip() and re.search(r"\b(?:if|while|for|switch|return)\b", head):
            continue
        found.append((name, text.count("\n", 0, m.start()) + 1))
    return found


def check_prefixes(top, names):
    problems = []
    count = 0
    for d in LIB_DIRS:
        for root, _, files in os.walk(os.path.join(top, d)):
            for fn in sorted(files):
                if not fn.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, fn)
                for name, line in defined_functions(path):
                    count += 1
                    if name not in names:
                        problems.append("%s:%d: %s() is defined with a public prefix but not "
                                        "declared BCDKIT_API in include/bcdkit/ (internal "
                                        "functions use hv_, bc_, dk_ or bk_)"
                                        % (os.path.relpath(path, top), line, name))
    return count, problems


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    decls, names, problems = check_docs(os.path.join(top, "include", "bcdkit"))
    ndef, pproblems = check_prefixes(top, names)
    for p in problems + pproblems:
        print(p)
    if problems or pproblems:
        print("FAIL: %d documentation and %d prefix problems" % (len(problems), len(pproblems)))
        return 1
    print("ok: %d BCDKIT_API declarations documented (returns and ownership)" % len(decls))
    print("ok: %d functions defined with a public prefix in the library sources, all declared"
          % ndef)
    return 0


if __name__ == "__main__":
    sys.exit(main())
