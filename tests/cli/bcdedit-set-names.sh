#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every element name and enumerated value of Microsoft's "BCDEdit /set"
# page: /set stores it, /enum shows it back by name, and the Element value
# has the element's format and width (integers 8 bytes, booleans 1 byte,
# strings REG_SZ).  custom:hhhhhhhh takes any value of the format; an
# enumerated element given a number it does not name keeps the number.
. "$top_srcdir/tests/cli/bcdedit-lib.sh"

S="$TMP/BCD"
L='{11111111-1111-1111-1111-111111111111}'
HIVETOOL=$(bk_tool hivetool)
"$BCDEDIT" /createstore "$S" > /dev/null
"$BCDEDIT" --store "$S" /create $L /d "Loader" /application osloader > /dev/null

# check NAME VALUE SHOWN TYPE: /set L NAME VALUE, then the checks.
n=0
check() {
	name=$1 value=$2 shown=$3 type=$4
	expect_exit 0 "$BCDEDIT" --store "$S" /set $L "$name" "$value"
	"$BCDEDIT" --store "$S" /enum $L > "$TMP/enum"
	shown_name=$name
	case $name in custom:*) shown_name=${5:-$name} ;; esac
	got=$(awk -v n="$shown_name" '$1 == n { sub(/^[^ ]+ +/, ""); print }' "$TMP/enum")
	[ "$got" = "$shown" ] || fail "$name $value: /enum shows '$got', not '$shown'"
	# The name column is 24 wide, as in bcdedit's output.
	grep -q "^$(printf '%-23s ' "$shown_name")$shown\$" "$TMP/enum" || fail "$name: column"
	"$HIVETOOL" get "$S" "Objects\\$L\\Elements\\$type" Element --json > "$TMP/el" ||
		fail "$name: element $type not written"
	case $type in
	?5*) grep -q '"type_name": "REG_BINARY", "size": 8,' "$TMP/el" || fail "$name: not an 8-byte integer: $(cat "$TMP/el")" ;;
	?6*) grep -q '"type_name": "REG_BINARY", "size": 1,' "$TMP/el" || fail "$name: not a 1-byte boolean: $(cat "$TMP/el")" ;;
	?2*) grep -q '"type_name": "REG_SZ"' "$TMP/el" || fail "$name: not a string: $(cat "$TMP/el")" ;;
	*) fail "test table: type $type" ;;
	esac
	n=$((n + 1))
}

while read -r name value shown type; do
	[ -n "$name" ] || continue
	case $name in \#*) continue ;; esac
	check "$name" "$(printf '%s' "$value" | tr '~' ' ')" "$(printf '%s' "$shown" | tr '~' ' ')" "$type"
done <<'EOT'
# name                      value                   shown                   element
bootlog                     yes                     Yes                     26000090
bootlog                     no                      No                      26000090
bootmenupolicy              Legacy                  Legacy                  250000c2
bootmenupolicy              standard                Standard                250000c2
bootstatuspolicy            DisplayAllFailures      DisplayAllFailures      250000e0
bootstatuspolicy            IgnoreAllFailures       IgnoreAllFailures       250000e0
bootstatuspolicy            IgnoreShutdownFailures  IgnoreShutdownFailures  250000e0
bootstatuspolicy            IgnoreBootFailures      IgnoreBootFailures      250000e0
bootstatuspolicy            IgnoreCheckpointFailures IgnoreCheckpointFailures 250000e0
bootstatuspolicy            DisplayShutdownFailures DisplayShutdownFailures 250000e0
bootstatuspolicy            DisplayBootFailures     DisplayBootFailures     250000e0
bootstatuspolicy            DisplayCheckpointFailures DisplayCheckpointFailures 250000e0
bootux                      disabled                Disabled                250000f7
bootux                      basic                   Basic                   250000f7
bootux                      standard                Standard                250000f7
disabledynamictick          yes                     Yes                     260000a5
disableelamdrivers          yes                     Yes                     260000e1
forcelegacyplatform         yes                     Yes                     260000a3
graphicsresolution          800x600                 800x600                 15000052
graphicsresolution          1024x600                1024x600                15000052
graphicsresolution          1024x768                1024x768                15000052
groupsize                   2                       2                       25000066
groupaware                  on                      Yes                     26000065
hal                         halacpi.dll             halacpi.dll             22000012
hypervisorbusparams         1.5.0                   1.5.0                   220000f9
hypervisordebug             On                      Yes                     260000f2
hypervisordebugtype         Serial                  Serial                  250000f3
hypervisordebugtype         1394                    1394                    250000f3
hypervisordebugtype         Net                     Net                     250000f3
hypervisordebugport         1                       1                       250000f4
hypervisorbaudrate          115200                  115200                  250000f5
hypervisorchannel           23                      23                      250000f6
hypervisorhostip            192.168.1.2             192.168.1.2             250000fd
hypervisorhostport          50000                   50000                   250000fe
hypervisordhcp              yes                     Yes                     26000114
hypervisoriommupolicy       default                 Default                 25000115
hypervisoriommupolicy       enable                  Enable                  25000115
hypervisoriommupolicy       disable                 Disable                 25000115
hypervisorlaunchtype        Off                     Off                     250000f0
hypervisorlaunchtype        Auto                    Auto                    250000f0
hypervisorloadoptions       NOFORCESNOOP~Yes        NOFORCESNOOP~Yes        22000117
hypervisornumproc           4                       4                       250000fa
hypervisorrootproc          2                       2                       25000113
hypervisorrootprocpernode   1                       1                       250000fb
hypervisorschedulertype     Classic                 Classic                 2500011a
hypervisorschedulertype     Core                    Core                    2500011a
hypervisorschedulertype     Root                    Root                    2500011a
hypervisorusekey            abc123                  abc123                  22000110
hypervisoruselargevtlb      yes                     Yes                     260000fc
increaseuserva              3072                    3072                    25000032
isolatedcontext             yes                     Yes                     16000060
kernel                      ntkrnlmp.exe            ntkrnlmp.exe            22000011
loadoptions                 busparams=1.5.0         busparams=1.5.0         12000030
maxgroup                    on                      Yes                     26000064
nointegritychecks           on                      Yes                     16000048
nolowmem                    on                      Yes                     26000030
novesa                      on                      Yes                     26000042
novga                       on                      Yes                     26000043
nx                          Optin                   OptIn                   25000020
nx                          OptOut                  OptOut                  25000020
nx                          AlwaysOn                AlwaysOn                25000020
nx                          AlwaysOff               AlwaysOff               25000020
onecpu                      on                      Yes                     26000060
onetimeadvancedoptions      on                      Yes                     260000c3
pae                         Default                 Default                 25000021
pae                         ForceEnable             ForceEnable             25000021
pae                         ForceDisable            ForceDisable            25000021
pciexpress                  default                 Default                 25000072
pciexpress                  forcedisable            ForceDisable            25000072
quietboot                   on                      Yes                     26000041
removememory                256                     256                     25000031
sos                         on                      Yes                     26000091
testsigning                 on                      Yes                     16000049
tpmbootentropy              default                 Default                 25000100
tpmbootentropy              ForceEnable             ForceEnable             25000100
tpmbootentropy              ForceDisable            ForceDisable            25000100
truncatememory              0x40000000              1073741824              15000007
tscsyncpolicy               Default                 Default                 250000a6
tscsyncpolicy               Legacy                  Legacy                  250000a6
tscsyncpolicy               Enhanced                Enhanced                250000a6
usefirmwarepcisettings      yes                     Yes                     26000070
useplatformclock            yes                     Yes                     260000a2
uselegacyapicmode           yes                     Yes                     26000054
useplatformtick             yes                     Yes                     260000a4
vga                         on                      Yes                     26000040
vsmlaunchtype               Off                     Off                     25000142
vsmlaunchtype               Auto                    Auto                    25000142
xsavedisable                1                       1                       2500012b
x2apicpolicy                enable                  Enable                  25000055
x2apicpolicy                disable                 Disable                 25000055
EOT
[ "$n" -ge 90 ] || fail "only $n rows checked"

# custom: takes any value of the element's format, shown by the element's name.
check custom:25000020 9 9 25000020 nx
check custom:250000f3 7 7 250000f3 hypervisordebugtype
check custom:250000e0 DisplayBootFailures DisplayBootFailures 250000e0 bootstatuspolicy
check custom:16000049 off No 16000049 testsigning
check custom:22000011 x.exe x.exe 22000011 kernel
check custom:45000001 12 12 45000001 custom:45000001
# ... but the name refuses a number it does not name.
expect_exit 1 "$BCDEDIT" --store "$S" /set $L nx 9
head -n1 "$TMP/err" | grep -qx 'The integer data is not valid as specified.' || fail "nx 9: $(cat "$TMP/err")"
echo PASS
