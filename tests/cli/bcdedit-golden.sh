#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Golden tests: build stores with the content of real bcdedit outputs using
# bcdedit's own commands, then /enum must print those outputs line for line
# (tests/expected/bcdedit/README.md).
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
EXP="$top_srcdir/tests/expected/bcdedit"

golden() {   # golden NAME CMD...: compare the output of CMD with NAME
	name=$1; shift
	"$@" > "$TMP/got" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "$name: exit status"; }
	diff -u "$EXP/$name.txt" "$TMP/got" || fail "$name differs"
}
ok() { "$BCDEDIT" "$@" > "$TMP/log" 2>&1 || { cat "$TMP/log" >&2; fail "$*"; }; }

# ---- real-14: Windows 7 in a VHD (BIOS) -------------------------------------
S="$TMP/r14"
M="--map C:=mbr:0a0b0c0d:1048576 --map E:=mbr:0a0b0c0d:105906176"
L='{fcd67428-e033-11eb-8826-cdf90e3873d0}'
R='{fcd67427-e033-11eb-8826-cdf90e3873d0}'
ok /createstore "$S"
for id in {globalsettings} {bootloadersettings} {memdiag}; do ok --store "$S" /create $id; done
ok --store "$S" /create {bootmgr} /d "Windows Boot Manager"
ok --store "$S" /create $R /d "Windows Resume Application" /application resume
ok --store "$S" /create $L /d "Windows 7" /application osloader
# shellcheck disable=SC2086
{
ok --store "$S" $M /set {bootmgr} device partition=E:
ok --store "$S" /set {bootmgr} locale en-us
ok --store "$S" /set {bootmgr} inherit {globalsettings}
ok --store "$S" /default $L
ok --store "$S" /set {bootmgr} resumeobject $R
ok --store "$S" /displayorder $L
ok --store "$S" /toolsdisplayorder {memdiag}
ok --store "$S" /timeout 30
ok --store "$S" $M /set $L device 'vhd=[C:]\windows7.vhd'
ok --store "$S" /set $L path '\Windows\system32\winload.exe'
ok --store "$S" /set $L locale en-us
ok --store "$S" /set $L inherit {bootloadersettings}
ok --store "$S" $M /set $L osdevice 'vhd=[C:]\windows7.vhd'
ok --store "$S" /set $L systemroot '\Windows'
ok --store "$S" /set $L resumeobject $R
ok --store "$S" /set $L nx OptIn
ok --store "$S" /set $L detecthal Yes
golden real-14 "$BCDEDIT" --store "$S" $M /enum
}

# ---- real-16: real-mode boot sectors --------------------------------------------
S="$TMP/r16"
A='{03e20275-18f9-11de-a1d3-0007e96e29bd}'
B='{03e20277-18f9-11de-a1d3-0007e96e29bd}'
ok /createstore "$S"
ok --store "$S" /create $A /d "Topologilinux 7.0.1" /application bootsector
ok --store "$S" /create $B /d "Ubuntu" /application BOOTSECTOR
ok --store "$S" /set $A device boot
ok --store "$S" /set $A path '\grldr.mbr'
ok --store "$S" --map c:=mbr:7e57d15c:32256 /set $B device partition=C:
ok --store "$S" /set $B path '\ubuntu\winboot\wubildr.mbr'
golden real-16 "$BCDEDIT" --store "$S" --map C:=mbr:7e57d15c:32256 /enum all

# ---- real-03: the Windows 10 BCD-Template ----------------------------------------
S="$TMP/r03"
RT='{98b02a23-0674-4ce7-bdad-e0a15a8ff97b}'
OT='{a1943bbc-ea85-487c-97c7-c9ede908a38a}'
ok /createstore "$S"
for id in {dbgsettings} {emssettings} {badmemory} {globalsettings} {hypervisorsettings} \
	  {bootloadersettings} {resumeloadersettings} {memdiag}; do
	ok --store "$S" /create $id
done
ok --store "$S" /create $RT /d "Windows Resume Application" /application resume
ok --store "$S" /create $OT /d "x" /application osloader
ok --store "$S" /deletevalue $OT description
ok --store "$S" /set {dbgsettings} debugtype Local
ok --store "$S" /set {dbgsettings} elementstomigrate 0x46000007
ok --store "$S" /bootems {emssettings} OFF
ok --store "$S" /set {globalsettings} inherit {dbgsettings} {emssettings} {badmemory}
ok --store "$S" /set {hypervisorsettings} hypervisordebugtype Serial
ok --store "$S" /set {hypervisorsettings} hypervisordebugport 1
ok --store "$S" /set {hypervisorsettings} hypervisorbaudrate 115200
ok --store "$S" /set {hypervisorsettings} elementstomigrate 0x46000007
ok --store "$S" /set {bootloadersettings} inherit {globalsettings} {hypervisorsettings}
ok --store "$S" /set {resumeloadersettings} inherit {globalsettings}
ok --store "$S" /set {memdiag} path '\boot\memtest.exe'
ok --store "$S" /set {memdiag} locale en-US
ok --store "$S" /set {memdiag} inherit {globalsettings}
ok --store "$S" /set {memdiag} badmemoryaccess yes
ok --store "$S" /set {memdiag} custom:45000001 1
ok --store "$S" /set {memdiag} custom:47000005 "301989892 2"
ok --store "$S" /set $RT locale en-US
ok --store "$S" /set $RT inherit {resumeloadersettings}
ok --store "$S" /set $RT allowedinmemorysettings 0x15000075
ok --store "$S" /set $RT filepath '\hiberfil.sys'
ok --store "$S" /set $RT bootmenupolicy Standard
ok --store "$S" /set $RT custom:42000002 '\system32\winresume.exe'
ok --store "$S" /set $RT custom:45000001 2
ok --store "$S" /set $RT custom:46000004 on
ok --store "$S" /set $OT locale en-US
ok --store "$S" /set $OT inherit {bootloadersettings}
ok --store "$S" /set $OT allowedinmemorysettings 0x15000075
ok --store "$S" /set $OT systemroot '\windows'
ok --store "$S" /set $OT resumeobject $RT
ok --store "$S" /set $OT nx OptIn
ok --store "$S" /set $OT bootmenupolicy Standard
ok --store "$S" /set $OT custom:42000002 '\system32\winload.exe'
ok --store "$S" /set $OT custom:45000001 2
ok --store "$S" /set $OT custom:47000005 "301989892 3"
ok --store "$S" /set $OT elementstomigrate 0x16000010 0x260000a0 0x260000f2 0x16000049 0x25000115 0x1600007e
golden real-03-dbgsettings-v "$BCDEDIT" --store "$S" /enum {dbgsettings} /v
golden real-03-emssettings-v "$BCDEDIT" --store "$S" /enum {emssettings} /v
golden real-03-globalsettings "$BCDEDIT" --store "$S" /enum {globalsettings}
golden real-03-hypervisorsettings-v "$BCDEDIT" --store "$S" /enum {hypervisorsettings} /v
golden real-03-bootloadersettings "$BCDEDIT" --store "$S" /enum {bootloadersettings}
golden real-03-resumeloadersettings "$BCDEDIT" --store "$S" /enum {resumeloadersettings}
golden real-03-memdiag "$BCDEDIT" --store "$S" /enum {memdiag}
golden real-03-resume-template "$BCDEDIT" --store "$S" /enum $RT
golden real-03-os-target-template "$BCDEDIT" --store "$S" /enum $OT
echo PASS
