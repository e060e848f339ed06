#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The seed scenario verbatim on a copy of pybcd-BCDvm, with D: mapped to a
# raw disk image made here with sfdisk.  The new device elements must have
# the layout of the corpus vhd=[C:] elements, and nothing else in the store
# may change (checked through libhivex).
. "$top_srcdir/tests/cli/bcdedit-lib.sh"
need_corpus
need sfdisk
need hivexregedit

BCD=$(corpus_copy pybcd-BCDvm)
truncate -s 64M "$TMP/disk.img"
printf 'label: dos\nlabel-id: 0x5eed0001\nstart=2048, size=65536, type=7\n' | sfdisk -q "$TMP/disk.img"
regdump "$BCD" > "$TMP/before.reg"
WIN7='{efd09c92-55fb-11e2-aa98-9d073f340da7}'

run() { "$BCDEDIT" --store "$BCD" --map "D:=$TMP/disk.img:1" --current "$WIN7" "$@"; }

expect_exit 0 run /copy {current} /d "Hyper-V Server 2008 R2"
grep -q '^The entry was successfully copied to {[0-9a-f-]*}\.$' "$TMP/out" || fail "copy message"
G=$(new_guid)
expect_exit 0 run /set "$G" device 'vhd=[D:]\virtualharddisk.vhd'
grep -qx 'The operation completed successfully.' "$TMP/out" || fail "set message"
expect_exit 0 run /set "$G" osdevice 'vhd=[D:]\virtualharddisk.vhd'
expect_exit 0 run /set "$G" detecthal on
expect_exit 0 run /set "$G" description "Hyper-V Server 2008 R2"
regdump "$BCD" > "$TMP/after.reg"

# Outside the new object only the display order changed (bcdedit /copy
# appends the copy of a displayed entry): compare key by key.
python3 - "$TMP/before.reg" "$TMP/after.reg" "$G" <<'PY' || fail "values outside the new object changed"
import sys
def load(p):
    d, k = {}, None
    for line in open(p, encoding='utf-8', errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('['):
            k = line; d[k] = []
        elif line and k is not None:
            d[k].append(line)
    return d
b, a, g = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
new = [k for k in a if g in k]
order = '[HKEY_LOCAL_MACHINE\\BCD\\Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\24000001]'
assert len(new) == 15, new   # object, Description, Elements, 12 elements
for k in set(a) | set(b):
    if g in k or k == order:
        continue
    assert a.get(k) == b.get(k), k
assert a[order] != b[order]
PY
# The display order is the old one plus the copy.
expect_exit 0 run /enum {bootmgr} /v
grep -A3 '^displayorder' "$TMP/out" | grep -q "^ *$G\$" || fail "copy not in the display order"

# The copy is the Windows 7 loader with the new values.
expect_exit 0 run /enum "$G"
cat > "$TMP/want" <<EOT

Windows Boot Loader
-------------------
identifier              $G
device                  vhd=[D:]\\virtualharddisk.vhd
path                    \\Windows\\system32\\winload.exe
description             Hyper-V Server 2008 R2
locale                  en-US
inherit                 {bootloadersettings}
recoverysequence        {efd09c93-55fb-11e2-aa98-9d073f340da7}
recoveryenabled         Yes
osdevice                vhd=[D:]\\virtualharddisk.vhd
systemroot              \\Windows
resumeobject            {efd09c91-55fb-11e2-aa98-9d073f340da7}
nx                      OptIn
detecthal               Yes
EOT
diff "$TMP/want" "$TMP/out" || fail "enum of the copy"

# Layout of the new devices: what corpus pybcd-BCDTest holds for
# vhd=[C:]\test.vhd (doc/bcd-format-notes.md, "Device elements") with this disk, path and element.
# Build that reference by re-setting the corpus element itself: the bytes
# must not change at all, so the encoder writes exactly Windows' layout.
T=$(corpus_copy pybcd-BCDTest)
regdump "$T" > "$TMP/t-before.reg"
"$BCDEDIT" --store "$T" --map C:=mbr:36234da4:1048576 /set '{fffdfa6e-8442-22f3-b2d5-323c2953814f}' \
	osdevice 'vhd=[C:]\test.vhd,locate=custom:12345678' >/dev/null
"$BCDEDIT" --store "$T" /set '{fffdfa6e-8442-22f3-b2d5-323c2953814f}' device 'vhd=[locate]\test.vhd' >/dev/null
regdump "$T" > "$TMP/t-after.reg"
diff "$TMP/t-before.reg" "$TMP/t-after.reg" || fail "re-setting the corpus vhd devices changed bytes"

# And the seed device is that layout for disk 5eed0001 at 1 MiB.
dev=$(awk -v k="Objects\\\\$G\\\\Elements\\\\21000001]" 'index($0,k){f=1;next} f&&/"Element"/{print;exit}' "$TMP/after.reg")
case "$dev" in
*08,00,00,00,00,00,00,00,d8,00,00,00,00,00,00,00,00,00,00,00,02,00,00,22,1e,00,00,00,*,06,00,00,00,00,00,00,00,48,00,00,00,00,00,00,00,00,00,10,00,00,00,00,00,*,01,00,00,00,01,00,ed,5e,00,00,00,00,*,5c,00,76,00,69,00,72,00,74,00,75,00,61,00,6c,00,*) ;;
*) fail "osdevice bytes: $dev" ;;
esac
echo "PASS"
