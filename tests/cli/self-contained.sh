#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The tree explains itself: no file outside doc/ points a reader at notes
# that are not in the repository (the developers' shared folder beside the
# checkout, its format documents by name or their section numbers) or at a
# tracker's issue number.
# Format facts live in doc/*-notes.md, which code comments cite.  The
# corpus's location (../shared/corpus, where tests look for Windows-written
# files) is a path, not a citation, and is allowed.
set -eu
cd "$top_srcdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The files to look at: git's list in a checkout; in an unpacked tarball
# every file but build output (a build directory inside the tree, objects,
# logs) and what autotools generate or copy in (libtool's own text).
# (A tarball unpacked inside some other checkout, as "make distcheck" does in
# ours, is no checkout of its own: git would list none of its files.)
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
	git ls-files >"$tmp/all"
else
	find . \( -name '.?*' -o -name _build -o -name build-aux -o -name autom4te.cache \
		-o -name '*.log' -o -name '*.trs' -o -name libtool -o -name configure -o -name aclocal.m4 \
		-o -name 'config.*' -o -name Makefile -o -name Makefile.in -o -name 'stamp-h*' \
		-o -name libtool.m4 -o -name 'lt*.m4' \) -prune -o -type f -print | sed 's|^\./||' >"$tmp/all"
fi
# This test names the patterns it looks for, so it is not looked at.
grep -v -e '^doc/' -e '^tests/cli/self-contained\.sh$' "$tmp/all" >"$tmp/files"
[ -s "$tmp/files" ] || { echo "FAIL: no files to check"; exit 1; }
# The kinds of reference, each a pattern over one line: an outside document
# by name; a bare section number of one, "(3.5)", "(3.3 step 3)", "§3.4";
# an issue number.
docs='(^|[^-[:alnum:]_])(hive-format|bcd-format|disk-formats|style|anchors)\.md'
sect='§|\([1-9]\.[0-9]+( (step|plus|and|hazard|rule|write-back)[^)]*)?\)|(^|[^.[:alnum:]])[1-9]\.[0-9] (step|hazard) [0-9]'
issue='(^|[^[:alnum:]_])[Ii]ssues? +(#|no\.? *)?[0-9]+'
: >"$tmp/found"
while IFS= read -r f; do
	[ -f "$f" ] || continue
	# Text files only (grep -I treats a file with NUL bytes as binary).
	grep -nIE "$docs|$sect|$issue" "$f" | sed "s|^|$f:|" >>"$tmp/found" || true
	sed 's|\.\./shared/corpus||g' "$f" 2>/dev/null | grep -nI '\.\./shared\|shared/docs' |
		sed "s|^|$f:|" >>"$tmp/found" || true
done <"$tmp/files"
if [ -s "$tmp/found" ]; then
	echo "FAIL: references outside the repository (cite doc/*-notes.md, or say what the issue was):"
	sed 's/^/  /' "$tmp/found"
	exit 1
fi
echo "ok: $(wc -l <"$tmp/files") files cite nothing outside the repository"
