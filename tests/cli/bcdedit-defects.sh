#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regression tests for the defects a Windows administrator reported
# (list modifiers of /set, resume clean-up of /delete, /import's logs,
# /export errors, the empty /enum message, alias in /create's message,
# skipped object keys).  Stores are built here, no corpus needed.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

S="$TMP/BCD"
ok() { "$BCDEDIT" --store "$S" "$@" > "$TMP/out" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "$*"; }; }
list() {   # list OBJECT ELEMENT: the element's lines, one identifier each
	"$BCDEDIT" --store "$S" /enum "$1" > "$TMP/enum"
	awk -v n="$2" '$1 == n { print $2; on = 1; next } on && /^ / { print $1; next } { on = 0 }' \
		"$TMP/enum"
}
A='{11111111-1111-1111-1111-111111111111}'
B='{22222222-2222-2222-2222-222222222222}'
R='{33333333-3333-3333-3333-333333333333}'
"$BCDEDIT" /createstore "$S" > /dev/null

# 6: an empty store (and a filter matching nothing) says so.
ok /enum all
[ "$(cat "$TMP/out")" = "There are no matching objects or the store is empty." ] || fail "empty /enum all"
ok /enum
[ "$(cat "$TMP/out")" = "There are no matching objects or the store is empty." ] || fail "empty /enum"

# 7: a well-known object is named by its alias.
ok /create {bootmgr} /d "Windows Boot Manager"
grep -qx 'The entry {bootmgr} was successfully created.' "$TMP/out" || fail "create message: $(cat "$TMP/out")"
ok /create {fwbootmgr}
grep -qx 'The entry {fwbootmgr} was successfully created.' "$TMP/out" || fail "create {fwbootmgr}"
ok /create {ramdiskoptions} /d "Ramdisk Options"
grep -qx 'The entry {ramdiskoptions} was successfully created.' "$TMP/out" || fail "create {ramdiskoptions}"
ok /create $A /d "A" /application osloader
grep -qx "The entry $A was successfully created." "$TMP/out" || fail "create GUID"
ok /enum osloader /v
ok /create $B /d "B" /application osloader
ok /create $R /d "Resume" /application resume

# 1: /set on a list takes /addfirst, /addlast, /remove as /displayorder does.
ok /set {fwbootmgr} displayorder $A $B
ok /set {fwbootmgr} displayorder {bootmgr} /addfirst
[ "$(list {fwbootmgr} displayorder | tr '\n' ' ')" = "{bootmgr} $A $B " ] || fail "/addfirst: $(list {fwbootmgr} displayorder)"
ok /set {fwbootmgr} displayorder $A /addlast
[ "$(list {fwbootmgr} displayorder | tr '\n' ' ')" = "{bootmgr} $B $A " ] || fail "/addlast moves"
ok /set {fwbootmgr} displayorder {bootmgr} /addfirst
[ "$(list {fwbootmgr} displayorder | tr '\n' ' ')" = "{bootmgr} $B $A " ] || fail "/addfirst duplicates"
ok /set {fwbootmgr} displayorder $B /remove
[ "$(list {fwbootmgr} displayorder | tr '\n' ' ')" = "{bootmgr} $A " ] || fail "/remove"
ok /set {fwbootmgr} displayorder {bootmgr} $A /remove
"$BCDEDIT" --store "$S" /enum {fwbootmgr} | grep -q '^displayorder' && fail "emptied list kept"
cp "$S" "$TMP/saved"
expect_exit 1 "$BCDEDIT" --store "$S" /set {bootmgr} description $A /addfirst
cmp -s "$S" "$TMP/saved" || fail "modifier on a non-list changed the store"

# 3: a native-boot VHD whose inner partition is known: Windows 10's 204 bytes,
# written from the text /enum shows, and shown back the same way.
H='H:=gpt:{c9c18ffe-b248-4138-b5e6-a0bcefd1d306}:{e9c8d6b2-eb70-4c67-8af5-5a7aa93e6ae7}'
VHD='vhd=[H:]\1809.402.vhd,partition=mbr:a3f1d6df:1048576'
ok --map "$H" /set $B osdevice "$VHD"
"$(bk_tool hivetool)" get "$S" "Objects\\$B\\Elements\\21000001" Element --json > "$TMP/el"
W10=000000000000000000000000000000000600000000000000bc00000000000000000010000000000000000000000000000600000001000000dfd6f1a3000000000000000000000000000000000000000084000000000000000500000001000000700000000500000006000000000000004800000000000000b2d6c8e970eb674c8af55a7aa93e6ae70000000000000000fe8fc1c948b23841b5e6a0bcefd1d306000000000000000000000000000000005c0031003800300039002e003400300032002e007600680064000000
grep -q "\"hex\": \"$W10\"" "$TMP/el" || fail "resolved VHD partition bytes: $(cat "$TMP/el")"
"$BCDEDIT" --store "$S" --map "$H" /enum $B > "$TMP/enum"
grep -qxF "osdevice                $VHD" "$TMP/enum" || fail "resolved VHD partition shown: $(grep osdevice "$TMP/enum")"

# 2: deleting a loader deletes its resume object unless another loader uses it.
ok /set $A resumeobject $R
ok /set $B resumeobject $R
ok /set {bootmgr} resumeobject $R
ok /displayorder $A $B
ok /delete $A
ok /enum $R
expect_exit 1 "$BCDEDIT" --store "$S" /enum $A
ok /delete $B
expect_exit 1 "$BCDEDIT" --store "$S" /enum $R
"$BCDEDIT" --store "$S" /enum {bootmgr} | grep -q resumeobject && fail "{bootmgr} resumeobject left"
ok /create $A /d "A" /application osloader
ok /create $R /d "Resume" /application resume
ok /set $A resumeobject $R
ok /delete $A /nocleanup
ok /enum $R
ok /delete $R

# 4: /import empties the logs of the store it replaces.
ok /export "$TMP/exported"
printf 'stale log of the old store' > "$TMP/BCD.LOG1"
printf 'stale log of the old store' > "$TMP/BCD.LOG2"
ok /import "$TMP/exported"
[ -s "$TMP/BCD.LOG1" ] && fail "BCD.LOG1 left beside the imported store"
[ -s "$TMP/BCD.LOG2" ] && fail "BCD.LOG2 left beside the imported store"
ok /enum {bootmgr}

# 5: /export names the destination and the real reason.
mkdir "$TMP/adir"
expect_exit 1 "$BCDEDIT" --store "$S" /export "$TMP/adir"
grep -q "$TMP/adir" "$TMP/err" || fail "/export error does not name the destination: $(cat "$TMP/err")"
grep -q 'out of memory' "$TMP/err" && fail "/export error says out of memory"

# 8: keys under Objects that are not objects are reported once.
HIVETOOL=$(bk_tool hivetool)
"$HIVETOOL" mkkey "$S" 'Objects\notaguid' > /dev/null
"$HIVETOOL" mkkey "$S" 'Objects\{44444444-4444-4444-4444-444444444444}' > /dev/null
ok /enum all
[ "$(grep -c 'skipped' "$TMP/err")" = 1 ] || fail "skipped keys: $(cat "$TMP/err")"
grep -q 'notaguid\|44444444' "$TMP/err" || fail "skipped key not named"
echo PASS
