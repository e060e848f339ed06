#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool set: every type the tool encodes, read back through hivetool get
# and libhivex (hivexget); replacing values; bad types, data and names refused
# with the file unchanged.
. "$top_srcdir/tests/cli/lib.sh"

f="$TMP/s.hiv"
expect_exit 0 "$HIVETOOL" create "$f"
expect_exit 0 "$HIVETOOL" mkkey "$f" 'K'
expect_exit 0 "$HIVETOOL" set "$f" K str REG_SZ 'hello wörld'
expect_exit 0 "$HIVETOOL" set "$f" K exp REG_EXPAND_SZ '%SystemRoot%\x'
expect_exit 0 "$HIVETOOL" set "$f" K multi REG_MULTI_SZ one two 'three\0four'
expect_exit 0 "$HIVETOOL" set "$f" K dw REG_DWORD 0x12345678
expect_exit 0 "$HIVETOOL" set "$f" K dwd dword 42
expect_exit 0 "$HIVETOOL" set "$f" K qw REG_QWORD 0x1122334455667788
expect_exit 0 "$HIVETOOL" set "$f" K bin REG_BINARY 'de,ad, be ef'
expect_exit 0 "$HIVETOOL" set "$f" K none REG_NONE
expect_exit 0 "$HIVETOOL" set "$f" K odd 'hex(abcd)' 010203
expect_exit 0 "$HIVETOOL" set "$f" K @ REG_SZ default
expect_exit 0 "$HIVETOOL" set "$f" K neg REG_SZ -- -dash

get() { expect_exit 0 "$HIVETOOL" get "$f" K "$1" --raw; od -v -An -tx1 "$TMP/out" | tr -d ' \n'; }
[ "$(get dw)" = 78563412 ] || fail "dword $(get dw)"
[ "$(get dwd)" = 2a000000 ] || fail "dword decimal $(get dwd)"
[ "$(get qw)" = 8877665544332211 ] || fail "qword $(get qw)"
[ "$(get bin)" = deadbeef ] || fail "binary $(get bin)"
[ "$(get none)" = "" ] || fail "none $(get none)"
[ "$(get odd)" = 010203 ] || fail "hex(abcd) $(get odd)"
m=$(get multi)
# Multi-string: one, two, three, four, each NUL-terminated, then a final NUL.
want=$(printf 'one\0two\0three\0four\0\0' | iconv -f ascii -t utf-16le | od -v -An -tx1 | tr -d ' \n')
[ "$m" = "$want" ] || fail "multi $m != $want"
want=$(printf 'hello w\303\266rld\0' | iconv -f utf-8 -t utf-16le | od -v -An -tx1 | tr -d ' \n')
[ "$(get str)" = "$want" ] || fail "string $(get str)"
want=$(printf -- '-dash\0' | iconv -f utf-8 -t utf-16le | od -v -An -tx1 | tr -d ' \n')
[ "$(get neg)" = "$want" ] || fail "string after -- $(get neg)"
expect_exit 0 "$HIVETOOL" get "$f" K @
grep -q default "$TMP/out" || fail "default value: $(cat "$TMP/out")"

if command -v hivexget >/dev/null; then
	[ "$(hivexget "$f" '\K' str)" = 'hello wörld' ] || fail "hivexget str: $(hivexget "$f" '\K' str)"
	hivexget "$f" '\K' dw | grep -q '305419896' || fail "hivexget dword"
fi

# Replace keeps one value; big data over 16344 bytes round-trips.
expect_exit 0 "$HIVETOOL" set "$f" K str REG_SZ short
expect_exit 0 "$HIVETOOL" ls "$f" K
[ "$(grep -c '^ *str ' "$TMP/out")" = 1 ] || fail "value duplicated: $(cat "$TMP/out")"
big=$(head -c 20000 /dev/zero | tr '\0' 'a' | od -v -An -tx1 | tr -d ' \n')
expect_exit 0 "$HIVETOOL" set "$f" K big REG_BINARY "$big"
[ "$(get big)" = "$big" ] || fail "big data differs"
expect_exit 0 "$HIVETOOL" check "$f"

# Refusals: nothing written.
sum=$(sha256sum "$f")
expect_exit 2 "$HIVETOOL" set "$f" K x REG_BOGUS 1
grep -q "unknown type" "$TMP/err" || fail "no unknown-type message"
expect_exit 2 "$HIVETOOL" set "$f" K x REG_DWORD 0x100000000
expect_exit 2 "$HIVETOOL" set "$f" K x REG_DWORD zz
expect_exit 2 "$HIVETOOL" set "$f" K x REG_BINARY 0g
expect_exit 2 "$HIVETOOL" set "$f" K x REG_BINARY abc
expect_exit 2 "$HIVETOOL" set "$f" K x REG_SZ
expect_exit 2 "$HIVETOOL" set "$f" K
expect_exit 1 "$HIVETOOL" set "$f" Missing x REG_SZ y
long=$(head -c 16384 /dev/zero | tr '\0' 'n')
expect_exit 1 "$HIVETOOL" set "$f" K "$long" REG_SZ y
grep -q 'longer than' "$TMP/err" || fail "no name-length message: $(cat "$TMP/err")"
[ "$sum" = "$(sha256sum "$f")" ] || fail "a refused set changed the file"

# --backup copies the file before the first write.
cp "$f" "$TMP/orig"
expect_exit 0 "$HIVETOOL" set --backup "$f" K new REG_DWORD 1
cmp -s "$f.bak" "$TMP/orig" || fail "backup is not the previous file"
exit 0
