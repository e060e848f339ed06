#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The example program of libbcdkit(3), exactly as the man page prints it,
# builds as C and as C++ against the built libraries and lists the objects
# of a store that bcdedit made.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
cc=${CC:-cc}
libs="$top_builddir/.libs"
# A sanitizer build's libraries need the program built the same way.
san=
if nm -D "$libs/libbcdkit-hive.so" 2>/dev/null | grep -q __asan; then
	san="-fsanitize=address,undefined"
fi
# First .EX/.EE block, with the groff escapes the page uses undone.
sed -n '/^\.EX$/,/^\.EE$/{/^\.E[XE]$/d;p}' "$top_srcdir/doc/libbcdkit.3" |
	awk '/^\/\* SPDX/ { on = 1 } on { print } /^}$/ && on { exit }' |
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$TMP/example.c"
grep -q 'int$' "$TMP/example.c" || fail "no example program found in libbcdkit.3"
flags="-I$top_srcdir/include -I$top_builddir/include -L$libs -lbcdkit-bcd -lbcdkit-hive -Wl,-rpath,$libs $san"
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror -o "$TMP/example" "$TMP/example.c" $flags ||
	fail "the libbcdkit(3) example does not build as C"
if command -v c++ >/dev/null; then
	cp "$TMP/example.c" "$TMP/example.cc"
	# shellcheck disable=SC2086
	c++ -Wall -Werror -o "$TMP/example-cxx" "$TMP/example.cc" $flags ||
		fail "the libbcdkit(3) example does not build as C++"
fi
store="$TMP/BCD"
"$top_builddir/bcdedit" /createstore "$store" >/dev/null
"$top_builddir/bcdedit" /store "$store" /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
"$top_builddir/bcdedit" /store "$store" /create /d "Example loader" /application osloader >/dev/null
"$TMP/example" "$store" >"$TMP/out" || fail "example failed: $(cat "$TMP/out")"
cat "$TMP/out"
grep -q "^bcdkit [0-9.]*: 2 objects$" "$TMP/out" || fail "wrong object count"
grep -q '^{bootmgr}  10100002  Windows Boot Manager  "Windows Boot Manager"$' "$TMP/out" ||
	fail "{bootmgr} not listed as expected"
grep -q '^{[0-9a-f-]*}  10200003  Windows Boot Loader  "Example loader"$' "$TMP/out" ||
	fail "the loader is not listed as expected"
if [ -x "$TMP/example-cxx" ]; then
	"$TMP/example-cxx" "$store" | cmp -s - "$TMP/out" || fail "C++ build prints otherwise"
fi
expect_exit 1 "$TMP/example" "$TMP/missing"
grep -q missing "$TMP/err" || fail "error does not name the file"
echo "ok: libbcdkit(3) example"
