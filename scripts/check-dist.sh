#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compare a release tarball with the files git tracks: every tracked file a
# user of the tarball needs must be in it, and nothing else may be, apart from
# what autotools generate (configure, Makefile.in, build-aux/...).  Catches
# both a file missing from EXTRA_DIST and build output (.o, .log, generated
# hives) shipped by accident.  Usage: scripts/check-dist.sh TARBALL
set -eu
tarball=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar tzf "$tarball" | sed 's|^[^/]*/||' | grep -v '/$' | grep -v '^$' | sort >"$tmp/tar"
# Tracked files that a tarball does not need: CI and git configuration.
git ls-files | grep -v -e '^\.ci/' -e '^\.gitignore$' | sort >"$tmp/git"
# What autotools add to a tarball.
generated='^(configure|Makefile\.in|aclocal\.m4|config\.h\.in|build-aux/[^/]+|m4/(libtool|ltoptions|ltsugar|ltversion|lt~obsolete)\.m4)$'
status=0
comm -13 "$tmp/tar" "$tmp/git" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	echo "check-dist: tracked files missing from $tarball (add them to EXTRA_DIST or a _SOURCES list):"
	sed 's/^/  /' "$tmp/missing"
	status=1
fi
comm -23 "$tmp/tar" "$tmp/git" | grep -Ev "$generated" >"$tmp/extra" || true
if [ -s "$tmp/extra" ]; then
	echo "check-dist: files in $tarball that git does not track (build output?):"
	sed 's/^/  /' "$tmp/extra"
	status=1
fi
[ "$status" = 0 ] && echo "check-dist: $tarball holds exactly the tracked files ($(wc -l <"$tmp/tar") files)"
exit "$status"
