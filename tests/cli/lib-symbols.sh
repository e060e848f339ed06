#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The libraries' ABI: each shared library exports exactly the functions its
# public headers declare with BCDKIT_API (no internal helper leaks out, no
# declared function is missing), every export is listed by name in the
# library's version script, and calls inside a library are bound to the
# library's own functions, so a program that defines a function of the same
# name (here hive_upcase) cannot break the library (-Bsymbolic-functions).
# libbcdkit-hive does not depend on libxml2.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
command -v nm >/dev/null || skip "nm not installed"
cc=${CC:-cc}
libs="$top_builddir/.libs"
# A sanitizer build's libraries need the program built the same way.
san=
if nm -D "$libs/libbcdkit-hive.so" 2>/dev/null | grep -q __asan; then
	san="-fsanitize=address,undefined"
fi

# Declared: every "BCDKIT_API type name(" in the headers of a prefix.
declared() {
	cat "$top_srcdir"/include/bcdkit/*.h |
		tr '\n' ' ' | sed 's/;/;\n/g' | grep 'BCDKIT_API' |
		sed -n "s/.*[ *]\($1_[A-Za-z0-9_]*\)[ ]*(.*/\1/p" | sort -u
}
for pair in hive:hive disk:disk bcd:bcd; do
	lib=${pair%%:*}; prefix=${pair#*:}
	so="$libs/libbcdkit-$lib.so"
	[ -e "$so" ] || fail "$so not built"
	nm -D --defined-only "$so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
		sort -u >"$TMP/exported-$lib"
	declared "$prefix" >"$TMP/declared-$lib"
	if ! cmp -s "$TMP/exported-$lib" "$TMP/declared-$lib"; then
		echo "exported (<) vs declared with BCDKIT_API (>) for libbcdkit-$lib:"
		diff "$TMP/exported-$lib" "$TMP/declared-$lib" || true
		fail "libbcdkit-$lib: exported set differs from the headers"
	fi
	sym="$top_srcdir/$lib/lib$lib.sym"
	grep -q '\*;' "$sym" && ! grep -q '^[[:space:]]*local:[[:space:]]*$' "$sym" &&
		fail "$sym exports by wildcard"
	sed -n 's/^[[:space:]]*\([a-z][a-z0-9_]*\);.*/\1/p' "$sym" | sort -u >"$TMP/listed-$lib"
	cmp -s "$TMP/listed-$lib" "$TMP/declared-$lib" || {
		diff "$TMP/listed-$lib" "$TMP/declared-$lib" || true
		fail "$sym does not list exactly the declared functions"
	}
	echo "ok: libbcdkit-$lib exports $(wc -l <"$TMP/exported-$lib") functions, all declared"
done

# Interposition: a program with its own hive_upcase still finds keys.
cat >"$TMP/interpose.c" <<'EOC'
#include <stdio.h>
#include <stdint.h>
#include <bcdkit/hive.h>
/* A hostile or careless definition of a library function's name. */
uint16_t hive_upcase(uint16_t c) { return (uint16_t)(c + 1); }
int main(int argc, char **argv)
{
	hive_t *h = hive_new();
	hive_key_t k;
	int rc;
	(void)argc;
	if (!h || hive_open(h, argv[1], 0) < 0)
		return 3;
	rc = hive_key_find(h, "software\\VENDOR\\app", &k);
	hive_close(h);
	printf("%d\n", rc);
	return rc == 0 ? 0 : 1;
}
EOC
$cc -o "$TMP/interpose" "$TMP/interpose.c" -I"$top_srcdir/include" -I"$top_builddir/include" \
	-L"$libs" -lbcdkit-hive -Wl,-rpath,"$libs" $san || fail "cannot build the interposition probe"
"$TMP/interpose" "$top_builddir/fixtures/sample.hiv" >"$TMP/out" ||
	fail "a program defining hive_upcase breaks hive_key_find (returned $(cat "$TMP/out"))"
echo "ok: internal calls are bound inside the library"

# libbcdkit-hive does not load libxml2 (nor ICU through it): its XML export
# writes its own bytes.  Checked on the direct dependencies (NEEDED), on
# everything the loader would pull in (ldd), and on the libtool archive,
# whose dependency_libs libtool adds to every program linked with it (a
# linker that drops unused libraries, --as-needed, hides it in NEEDED).
so="$libs/libbcdkit-hive.so"
la="$top_builddir/libbcdkit-hive.la"
if [ -e "$la" ]; then
	grep '^dependency_libs=' "$la" | grep -e '-lxml2' -e 'libxml2' &&
		fail "libbcdkit-hive.la carries libxml2 to the programs linked with it"
	echo "ok: libbcdkit-hive.la: $(grep '^dependency_libs=' "$la")"
fi
if command -v readelf >/dev/null; then
	readelf -d "$so" | grep NEEDED >"$TMP/needed"
	grep -i 'libxml2\|libicu' "$TMP/needed" && fail "libbcdkit-hive.so NEEDs libxml2/ICU"
	echo "ok: libbcdkit-hive.so NEEDs $(awk '{print $NF}' "$TMP/needed" | tr '\n' ' ')"
fi
if command -v ldd >/dev/null; then
	LD_LIBRARY_PATH="$libs" ldd "$so" >"$TMP/ldd"
	grep -i 'libxml2\|libicu' "$TMP/ldd" && fail "libbcdkit-hive.so pulls in libxml2/ICU"
	echo "ok: libbcdkit-hive.so loads no libxml2 or ICU"
fi
