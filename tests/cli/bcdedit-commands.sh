#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every command of Microsoft's "BCDEdit Command-Line Options" page is
# implemented or refused in one line naming it; the settings commands,
# /event, /bootems on every object type, /v, and the '/?' topics.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

S="$TMP/BCD"
L='{11111111-1111-1111-1111-111111111111}'
B() { "$BCDEDIT" --store "$S" "$@"; }
"$BCDEDIT" /createstore "$S" > /dev/null
for id in {bootmgr} {fwbootmgr} {dbgsettings} {emssettings} {hypervisorsettings} {memdiag} \
	  {ntldr} {globalsettings} {ramdiskoptions}; do
	expect_exit 0 B /create $id
done
expect_exit 0 B /create $L /d "Windows" /application osloader
expect_exit 0 B /displayorder $L

# Every command of the page is known: in '/?' TOPICS, or refused in one line.
expect_exit 0 "$BCDEDIT" '/?' TOPICS
cp "$TMP/out" "$TMP/topics"
for c in createstore export import sysstore copy create delete mirror deletevalue set enum \
	 bootsequence default displayorder timeout toolsdisplayorder bootems ems emssettings \
	 bootdebug dbgsettings debug hypervisorsettings eventsettings event; do
	grep -q "^  /$c " "$TMP/topics" || fail "/$c missing from '/?' TOPICS"
	grep -q "^\\\\fB/$c\\\\fR\\|^\\.BI\\? /$c\\( \\|\$\\)\\|^\\.B /$c\$" "$top_srcdir/doc/bcdedit.1" ||
		fail "/$c missing from bcdedit(1)"
done
for c in sysstore mirror; do
	expect_exit 1 B /$c {bootmgr}
	[ "$(wc -l < "$TMP/err")" = 1 ] || fail "/$c: not one line: $(cat "$TMP/err")"
	grep -q "^bcdedit: /$c: " "$TMP/err" || fail "/$c: does not name the command"
	expect_exit 1 "$BCDEDIT" --json /$c
	grep -q '"code": "not-supported"' "$TMP/err" || fail "/$c: JSON code"
done
cp "$S" "$TMP/saved"
expect_exit 0 B /export "$TMP/exp"
expect_exit 0 B /import "$TMP/exp" /clean
grep -q 'note: /import /clean: ' "$TMP/err" || fail "/import /clean: no note"

# /dbgsettings: set, then shown without arguments.
expect_exit 0 B /dbgsettings SERIAL DEBUGPORT:1 BAUDRATE:115200 /start AUTOENABLE /noumex
expect_exit 0 B /dbgsettings
printf '%s\n' 'debugtype               Serial' 'debugport               1' \
	'baudrate                115200' 'debugstart              AutoEnable' \
	'noumex                  Yes' 'The operation completed successfully.' | diff - "$TMP/out" ||
	fail "/dbgsettings display"
expect_exit 0 B /dbgsettings NET HOSTIP:192.168.1.2 PORT:50000
grep -q '^Key=[0-9a-z]*\.[0-9a-z]*\.[0-9a-z]*\.[0-9a-z]*$' "$TMP/out" || fail "NET without KEY: no key"
expect_exit 0 B /enum {dbgsettings}
grep -q '^hostip  *192\.168\.1\.2$' "$TMP/out" || fail "hostip"
grep -q '^port  *50000$' "$TMP/out" || fail "port"
expect_exit 0 B /eventsettings NET HOSTIP:10.0.0.1 PORT:50001 KEY:a.b.c.d NODHCP
expect_exit 0 B /enum {eventsettings}
grep -q '^key  *a\.b\.c\.d$' "$TMP/out" || fail "/eventsettings KEY"
grep -q '^dhcp  *No$' "$TMP/out" || fail "/eventsettings NODHCP"
expect_exit 1 B /eventsettings SERIAL
expect_exit 1 B /dbgsettings SERIAL FROB:1
expect_exit 0 B /hypervisorsettings SERIAL DEBUGPORT:1 BAUDRATE:115200
expect_exit 0 B /enum {hypervisorsettings}
grep -q '^hypervisordebugtype  *Serial$' "$TMP/out" || fail "/hypervisorsettings type"
grep -q '^hypervisorbaudrate  *115200$' "$TMP/out" || fail "/hypervisorsettings baud rate"
expect_exit 0 B /emssettings EMSPORT:2 EMSBAUDRATE:9600
expect_exit 0 B /emssettings
grep -q '^emsport  *2$' "$TMP/out" || fail "/emssettings"

# /event, /ems, /debug, /bootdebug on an OS loader; /bootems on every object type.
for c in event ems debug bootdebug; do
	expect_exit 0 B /$c $L ON
	expect_exit 0 B /enum $L
	grep -q "^$c  *Yes\$" "$TMP/out" || fail "/$c"
done
for id in {bootmgr} {fwbootmgr} {memdiag} {ntldr} {globalsettings} {ramdiskoptions} $L; do
	expect_exit 0 B /bootems $id ON
	expect_exit 0 B /enum $id
	grep -q '^bootems  *Yes$' "$TMP/out" || fail "/bootems $id"
done

# /v everywhere: alone it is /enum ACTIVE /v; /create names the GUID.
expect_exit 0 B /v
grep -q '^identifier  *{9dea862c-5cdd-4e70-acc1-f32b344d4795}$' "$TMP/out" || fail "/v alone"
expect_exit 0 B /create {badmemory} /v
grep -qx 'The entry {5189b25c-5558-4bf2-bca4-289b11bd29e2} was successfully created.' "$TMP/out" ||
	fail "/create /v: $(cat "$TMP/out")"
expect_exit 0 B /dbgsettings /v

# '/?' topics.
expect_exit 0 "$BCDEDIT" '/?' /set
grep -q '^bcdedit /set \[ID\] NAME VALUE' "$TMP/out" || fail "/? /set"
expect_exit 0 "$BCDEDIT" '/?' set
expect_exit 0 "$BCDEDIT" '/?' ID
grep -q '{bootmgr}' "$TMP/out" || fail "/? ID"
expect_exit 0 "$BCDEDIT" '/?' FORMATS
grep -q 'partition=' "$TMP/out" || fail "/? FORMATS"
expect_exit 0 "$BCDEDIT" '/?' TYPES OSLOADER
grep -q '^  nx  *25000020  integer: OptIn, OptOut, AlwaysOff, AlwaysOn$' "$TMP/out" || fail "/? TYPES OSLOADER"
grep -q '^  bootstatuspolicy ' "$TMP/out" || fail "/? TYPES OSLOADER: bootstatuspolicy"
expect_exit 0 "$BCDEDIT" '/?' TYPES
for name in displayorder bootux osdevice filedevice passcount ramdisksdidevice elementstomigrate \
	    description hostip; do
	grep -q "^  $name " "$TMP/out" || fail "/? TYPES: $name missing"
done
[ "$(grep -c '^  [a-z0-9]* *[0-9a-f]\{8\}  ' "$TMP/out")" -ge 250 ] || fail "/? TYPES: too few names"
expect_exit 1 "$BCDEDIT" '/?' NOSUCHTOPIC
expect_exit 1 "$BCDEDIT" '/?' TYPES NOSUCHAPP
echo PASS
