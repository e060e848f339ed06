#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# /createstore makes what bcdedit /createstore makes (checked with libhivex),
# refuses an existing file; /export is an atomic copy; /import replaces the
# store with the content of a checked store.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
need hivexregedit
need hivexsh

expect_exit 0 "$BCDEDIT" /createstore "$TMP/new"
grep -qx 'The operation completed successfully.' "$TMP/out" || fail "message"
regdump "$TMP/new" > "$TMP/new.reg"
cat > "$TMP/want.reg" <<'EOT'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\BCD\]

[HKEY_LOCAL_MACHINE\BCD\Description]
"KeyName"=hex(1):42,00,43,00,44,00,30,00,30,00,30,00,30,00,30,00,30,00,30,00,31,00,00,00

[HKEY_LOCAL_MACHINE\BCD\Objects]

EOT
diff "$TMP/want.reg" "$TMP/new.reg" || fail "new store content"
# The same as the corpus store made by bcdedit /createstore.
if [ -f "${BK_CORPUS:-/nonexistent}/bcd/bcdsys-BCD-NEW" ]; then
	regdump "$BK_CORPUS/bcd/bcdsys-BCD-NEW" | diff - "$TMP/new.reg" || fail "differs from BCD-NEW"
fi
printf 'lsval\n' | hivexsh "$TMP/new" > /dev/null || fail "hivexsh cannot open the new store"
# The root key is NewStoreRoot (regf root cell name, as in BCD-NEW).
grep -qa 'NewStoreRoot' "$TMP/new" || fail "root name"
[ "$(stat -c %s "$TMP/new")" -le 16384 ] || fail "new store too large"
expect_exit 0 "$BCDEDIT" --store "$TMP/new" /enum all
[ "$(cat "$TMP/out")" = "There are no matching objects or the store is empty." ] ||
	fail "empty store lists objects"
expect_exit 1 "$BCDEDIT" /createstore "$TMP/new"
grep -q 'already exists' "$TMP/err" || fail "createstore over a file"

expect_exit 0 "$BCDEDIT" --store "$TMP/new" /create {bootmgr} /d "Windows Boot Manager"
expect_exit 0 "$BCDEDIT" --store "$TMP/new" /export "$TMP/exported"
cmp "$TMP/new" "$TMP/exported" || fail "export is not a copy"
regdump "$TMP/exported" > "$TMP/exported.reg"
expect_exit 0 "$BCDEDIT" --store "$TMP/new" /delete {bootmgr} /f
expect_exit 0 "$BCDEDIT" --store "$TMP/new" /import "$TMP/exported" /clean
# The imported store is written by the hive commit (new sequence numbers),
# so the content is compared, not the bytes.
regdump "$TMP/new" | diff - "$TMP/exported.reg" || fail "import is not a copy"
printf 'not a hive' > "$TMP/junk"
cp "$TMP/new" "$TMP/saved"
expect_exit 1 "$BCDEDIT" --store "$TMP/new" /import "$TMP/junk"
cmp -s "$TMP/new" "$TMP/saved" || fail "failed import changed the store"
expect_exit 1 "$BCDEDIT" --store "$TMP/new" /export /nonexistent/dir/x
ls "$TMP" | grep -q '\.tmp' && fail "temporary file left behind"
echo PASS
