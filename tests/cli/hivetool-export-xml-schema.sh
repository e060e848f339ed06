#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every XML document hivetool writes, for every hive and BCD store of the
# corpus and the fixtures (whole hives and one subtree), is parsed by
# libxml2 and checked against the RELAX NG schema doc/hive-xml.rng: the
# exporter writes its XML by hand, libxml2 judges it.
. "$top_srcdir/tests/cli/lib.sh"
command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) not installed"
RNG="$top_srcdir/doc/hive-xml.rng"
n=0
check_xml() {
	xmllint --noout --relaxng "$RNG" "$TMP/x.xml" 2>"$TMP/v" ||
		fail "$1: the XML does not validate: $(tail -3 "$TMP/v")"
	n=$((n + 1))
	rm -f "$TMP/x.xml"    # an existing -o file is replaced only with --force
}
for f in "$top_builddir"/fixtures/*.hiv "${BK_CORPUS:-/nonexistent}"/hive/* \
	 $(find "${BK_CORPUS:-/nonexistent}/bcd" -type f 2>/dev/null); do
	[ -f "$f" ] || continue
	# Damaged hives that cannot be read are the other tests' business.
	"$HIVETOOL" export --format xml --no-logs "$f" -o "$TMP/x.xml" 2>/dev/null || continue
	check_xml "$f"
	first=$("$HIVETOOL" ls --no-logs "$f" 2>/dev/null | sed -n '3p')
	if [ -n "$first" ] &&
	   "$HIVETOOL" export --format xml --no-logs "$f" "$first" -o "$TMP/x.xml" 2>/dev/null; then
		check_xml "$f ($first)"
	fi
done
echo "$n documents validated"
[ "$n" -ge 3 ] || fail "only $n documents were checked"
