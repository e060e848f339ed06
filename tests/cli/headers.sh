#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Each public header compiles on its own, in C and in C++ if available.
set -eu
cc=${CC:-cc}
cxx=${CXX:-c++}
command -v "$cxx" >/dev/null 2>&1 || cxx=
for h in "$top_srcdir"/include/bcdkit/*.h "$top_builddir"/include/bcdkit/version.h; do
	name=$(basename "$h")
	printf '#include <bcdkit/%s>\nint bk_header_probe;\n' "$name" |
		$cc -fsyntax-only -Wall -Wextra -Werror -std=c11 -I"$top_srcdir/include" -I"$top_builddir/include" -x c - ||
		{ echo "FAIL: $name does not compile alone"; exit 1; }
	if [ -n "$cxx" ]; then
		printf '#include <bcdkit/%s>\nint bk_header_probe;\n' "$name" |
			$cxx -fsyntax-only -Wall -Wextra -Werror -std=c++11 -I"$top_srcdir/include" \
				-I"$top_builddir/include" -x c++ - ||
			{ echo "FAIL: $name does not compile alone as C++"; exit 1; }
	fi
	echo "ok: $name"
done
