#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Objects and the boot manager: /create (application, inherit, device,
# well-known), /copy, /delete with and without clean-up, /default,
# /displayorder, /bootsequence, /toolsdisplayorder with their modes, and
# /bootems, /ems, /debug, /bootdebug.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

BCD="$TMP/BCD"
B() { "$BCDEDIT" --store "$BCD" "$@"; }
value() { B /enum "$1" /v > "$TMP/enum"; grep "^$2 " "$TMP/enum" | sed "s/^$2  *//"; }
list() { B /enum "$1" /v > "$TMP/enum"; awk -v n="$2" '$1 == n {f=1; print $2; next} f && /^ / {print $1; next} {f=0}' "$TMP/enum"; }

expect_exit 0 "$BCDEDIT" /createstore "$BCD"
expect_exit 0 B /create {bootmgr} /d "Windows Boot Manager"
grep -qx 'The entry {bootmgr} was successfully created.' "$TMP/out" ||
	fail "create {bootmgr}: $(cat "$TMP/out")"
expect_exit 0 B /create /d "Loader A" /application osloader
A=$(new_guid)
expect_exit 0 B /create '{11111111-2222-3333-4444-555555555555}' /d "Loader B" /APPLICATION OSLOADER
Bg='{11111111-2222-3333-4444-555555555555}'
expect_exit 0 B -create /d "Resume" -application resume
R=$(new_guid)
expect_exit 0 B --create /d "Sector" /application bootsector
S=$(new_guid)
expect_exit 0 B /create /d "Startup" /application startup
expect_exit 0 B /create /d "App" /application bootapp
expect_exit 0 B /create /inherit
I=$(new_guid)
expect_exit 0 B /create /inherit osloader
I3=$(new_guid)
expect_exit 0 B /create /d "Ramdisk options" /device
D=$(new_guid)
expect_exit 0 B /create {memdiag} /d "Windows Memory Diagnostic"
expect_exit 0 B /create {globalsettings}

# Types and headers.
B /enum all > "$TMP/all"
for h in "Windows Boot Loader" "Resume from Hibernate" "Real-mode Boot Sector" "Device options" \
	 "Windows Memory Tester" "Global Settings" "Inherited Settings (20100000)" \
	 "Inherited Settings (20200003)" "Real-mode Startup (10400009)" "Boot Application (1020000a)"; do
	grep -qxF "$h" "$TMP/all" || fail "no section '$h'"
done
[ "$(grep -c '^identifier' "$TMP/all")" = 12 ] || fail "12 objects expected"

# Refusals of /create.
expect_exit 1 B /create {bootmgr}
grep -q 'already exists' "$TMP/err" || fail "duplicate create"
expect_exit 1 B /create /d x /application nosuchapp
expect_exit 1 B /create /application osloader
expect_exit 1 B /create /d x
expect_exit 1 B /create {current} /d x

# Lists.
expect_exit 0 B /displayorder $A $Bg
[ "$(list {bootmgr} displayorder | tr '\n' ' ')" = "$A $Bg " ] || fail "displayorder set"
expect_exit 0 B /displayorder $S /addfirst
[ "$(list {bootmgr} displayorder | tr '\n' ' ')" = "$S $A $Bg " ] || fail "addfirst"
expect_exit 0 B /displayorder $S /addlast
[ "$(list {bootmgr} displayorder | tr '\n' ' ')" = "$A $Bg $S " ] || fail "addlast"
expect_exit 0 B /displayorder $A /remove
[ "$(list {bootmgr} displayorder | tr '\n' ' ')" = "$Bg $S " ] || fail "remove"
expect_exit 1 B /displayorder '{99999999-2222-3333-4444-555555555555}' /addlast
expect_exit 0 B /bootsequence $A
[ "$(list {bootmgr} bootsequence)" = "$A" ] || fail "bootsequence"
expect_exit 0 B /toolsdisplayorder {memdiag}
B /enum {bootmgr} > "$TMP/e"
grep -q '^toolsdisplayorder       {memdiag}$' "$TMP/e" || fail "toolsdisplayorder"
expect_exit 0 B /default $Bg
[ "$(value {bootmgr} default)" = "$Bg" ] || fail "default"
B /enum {bootmgr} > "$TMP/e"
grep -q '^default                 {default}$' "$TMP/e" || fail "{default} display"

# {current}: --current names it, else it is {default} with a note.
expect_exit 0 B /set {current} description "Via current"
grep -q 'note:' "$TMP/err" || fail "no note for {current}"
[ "$(value $Bg description)" = "Via current" ] || fail "{current} = {default}"
expect_exit 0 B --current $A /set {current} description "Loader A2"
[ "$(value $A description)" = "Loader A2" ] || fail "--current"
B --current $A /enum $A > "$TMP/e"
grep -q '^identifier              {current}$' "$TMP/e" || fail "{current} display"

# On/off commands.
expect_exit 0 B /bootems {bootmgr} ON
[ "$(value {bootmgr} bootems)" = "Yes" ] || fail "bootems"
expect_exit 0 B /ems $A on
[ "$(value $A ems)" = "Yes" ] || fail "ems"
expect_exit 0 B /debug $A ON
[ "$(value $A debug)" = "Yes" ] || fail "debug"
expect_exit 0 B /bootdebug off
[ "$(value $Bg bootdebug)" = "No" ] || fail "bootdebug on {current}"
expect_exit 1 B /debug $A maybe

# /copy: new GUID, new description, appended to the display order.
expect_exit 0 B /copy $Bg /d "Loader B copy"
grep -q '^The entry was successfully copied to {' "$TMP/out" || fail "copy message"
C=$(new_guid)
[ "$(value $C description)" = "Loader B copy" ] || fail "copy description"
[ "$(list {bootmgr} displayorder | tail -n1)" = "$C" ] || fail "copy not appended"
expect_exit 1 B /copy $Bg

# /delete with clean-up removes every reference; /nocleanup keeps them.
expect_exit 0 B /set $A resumeobject $R
expect_exit 0 B /displayorder $A /addlast
expect_exit 0 B /delete $A
B /enum all /v > "$TMP/all"
grep -q "$A" "$TMP/all" && fail "references to a deleted object remain"
expect_exit 0 B /delete $S /nocleanup
B /enum {bootmgr} /v > "$TMP/e"
grep -q "$S" "$TMP/e" || fail "/nocleanup removed references"
expect_exit 1 B /delete {memdiag}
grep -q '/f' "$TMP/err" || fail "well-known delete without /f"
expect_exit 0 B /delete {memdiag} /f
B /enum {bootmgr} > "$TMP/e"
grep -q toolsdisplayorder "$TMP/e" && fail "toolsdisplayorder kept a deleted object"
expect_exit 1 B /delete $A
expect_exit 1 B /delete $Bg /cleanup /nocleanup
echo PASS
