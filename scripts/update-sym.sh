#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Rewrite hive/libhive.sym, disk/libdisk.sym and bcd/libbcd.sym from the public
# headers: every function declared BCDKIT_API with the library's prefix, by
# name.  Run it after adding a public function, and review the diff: it is the
# library's ABI.  tests/cli/lib-symbols.sh fails when they drift apart.
set -eu
cd "$(dirname "$0")/.."
for pair in hive:HIVE disk:DISK bcd:BCD; do
	lib=${pair%%:*}
	tag=${pair#*:}
	out=$lib/lib$lib.sym
	{
		echo "/* SPDX-License-Identifier: GPL-3.0-or-later */"
		echo "/* Exported functions of libbcdkit-$lib: exactly those declared BCDKIT_API in the"
		echo " * public headers, listed by name (scripts/update-sym.sh writes this file,"
		echo " * tests/cli/lib-symbols.sh checks it). */"
		echo "BCDKIT_${tag}_0 {"
		echo "	global:"
		cat include/bcdkit/*.h | tr '\n' ' ' | sed 's/;/;\n/g' | grep 'BCDKIT_API' |
			sed -n "s/.*[ *]\(${lib}_[A-Za-z0-9_]*\)[ ]*(.*/\1/p" | sort -u |
			sed 's/^/		/; s/$/;/'
		echo "	local:"
		echo "		*;"
		echo "};"
	} >"$out.tmp"
	mv "$out.tmp" "$out"
done
