#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Failures speak Microsoft's words: the first line of stderr is bcdedit's
# message (and the second its reason where Windows prints one), exit 1,
# nothing written; with --json the error carries a stable code.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

S="$TMP/BCD"
"$BCDEDIT" /createstore "$S" > /dev/null
"$BCDEDIT" --store "$S" /create {bootmgr} /d "Windows Boot Manager" > /dev/null
cp "$S" "$TMP/saved"
NONE='{11111111-1111-1111-1111-111111111111}'

# check CODE LINE1 [LINE2] -- ARGS...: bcdedit ARGS fails with these lines.
check() {
	code=$1 l1=$2 l2=
	shift 2
	if [ "$1" != -- ]; then l2=$1; shift; fi
	shift
	expect_exit 1 "$BCDEDIT" "$@"
	[ "$(sed -n 1p "$TMP/err")" = "$l1" ] || fail "$*: first line: $(sed -n 1p "$TMP/err")"
	[ -z "$l2" ] || [ "$(sed -n 2p "$TMP/err")" = "$l2" ] || fail "$*: second line: $(sed -n 2p "$TMP/err")"
	grep -q '^bcdedit: ' "$TMP/err" || fail "$*: no detail line"
	[ -s "$TMP/out" ] && fail "$*: wrote to stdout"
	cmp -s "$S" "$TMP/saved" || fail "$*: store changed"
	expect_exit 1 "$BCDEDIT" --json "$@"
	grep -q "\"code\": \"$code\"" "$TMP/err" || fail "$*: JSON code: $(cat "$TMP/err")"
}
NOFILE='The system cannot find the file specified.'
check entry-not-found 'An error occurred while attempting to reference the specified entry.' \
	"$NOFILE" -- --store "$S" /enum $NONE
check entry-not-found 'An error occurred while attempting to reference the specified entry.' \
	"$NOFILE" -- --store "$S" /set $NONE description x
check entry-not-found 'An error occurred while attempting to reference the specified entry.' \
	"$NOFILE" -- --store "$S" /default $NONE
check bad-element 'The element data type specified is not recognized, or does not apply to the specified entry.' \
	-- --store "$S" /set {bootmgr} nosuchname 1
check bad-element 'The element data type specified is not recognized, or does not apply to the specified entry.' \
	-- --store "$S" /deletevalue {bootmgr} nosuchname
check bad-identifier 'The specified entry identifier is not valid.' -- --store "$S" /set '{1234}' description x
check bad-identifier 'The specified entry identifier is not valid.' -- --store "$S" /enum '{nosuchalias}'
check bad-integer 'The integer data is not valid as specified.' -- --store "$S" /set {bootmgr} timeout soon
check bad-integer 'The integer data is not valid as specified.' -- --store "$S" /timeout soon
check delete-element 'An error occurred while attempting to delete the specified data element.' \
	'Element not found.' -- --store "$S" /deletevalue {bootmgr} timeout
check store-open 'The boot configuration data store could not be opened.' "$NOFILE" -- \
	--store "$TMP/nosuchstore" /enum
check set-element 'An error has occurred setting the element data.' -- --store "$S" /set {bootmgr} displaybootmenu maybe
check create-entry 'An error occurred while attempting to create the specified entry.' -- \
	--store "$S" /create {bootmgr}
check createstore 'The store creation operation has failed.' 'The file exists.' -- /createstore "$S"
check usage 'The parameter is incorrect.' -- --store "$S" /frobnicate
check usage 'The parameter is incorrect.' -- /enum
check import 'The store import operation has failed.' "$NOFILE" -- --store "$S" /import "$TMP/none"
check export 'The store export operation has failed.' -- --store "$S" /export "$TMP"
echo PASS
