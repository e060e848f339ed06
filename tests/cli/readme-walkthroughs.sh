#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# README.md's walkthroughs: every ```sh block after a "<!-- walkthrough:
# NAME -->" line is extracted and run, in README order, by sh -eu in one
# new folder with the built tools first in PATH, as a reader would paste
# them.  Each must succeed, and what it claims is checked afterwards (the
# store fixed after the clone, the Start value changed, the file back after
# two conversions, the audit reports).  The two quick-start lines are
# checked to be there word for word.
. "$top_srcdir/tests/cli/lib.sh"
PATH="$top_builddir:$PATH:/usr/sbin:/sbin"
export PATH
readme="$top_srcdir/README.md"
for t in mkntfs wimlib-imagex python3; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
grep -q '^#define HAVE_NTFS3G 1' "$top_builddir/config.h" || skip "built without NTFS support"
grep -q '^#define HAVE_WIMLIB 1' "$top_builddir/config.h" || skip "built without wimlib"

for line in \
	'    scripts/setup.sh && ./autogen.sh && ./configure && make -j2 && scripts/demo.sh' \
	'    scripts/setup.sh && ./autogen.sh && ./configure --enable-werror && make -j2 && make -j2 check'
do
	grep -qxF "$line" "$readme" || fail "README lost the quick-start line '$line'"
done

# The blocks, each into TMP/NAME.sh; their names in order into TMP/order.
awk -v dir="$TMP" '
	/^<!-- walkthrough: [a-z]+ -->$/ { name = $3; want = 1; next }
	want && /^```sh$/ { out = dir "/" name ".sh"; print name >> (dir "/order"); inblk = 1; want = 0; next }
	inblk && /^```$/ { inblk = 0; close(out); next }
	inblk { print > out }
' "$readme"
[ "$(tr '\n' ' ' <"$TMP/order")" = "usb clone hive convert audit " ] ||
	fail "walkthroughs found: $(tr '\n' ' ' <"$TMP/order")"

mkdir "$TMP/w"
cd "$TMP/w"
for name in $(cat "$TMP/order"); do
	sh -eu "$TMP/$name.sh" >"$TMP/$name.out" 2>&1 ||
		{ cat "$TMP/$name.out" >&2; fail "walkthrough '$name' failed"; }
	echo "ok: walkthrough $name ran ($(wc -l <"$TMP/$name.sh") lines)"
done

# What each one claims.
grep -q '^path  *\\EFI\\Microsoft\\Boot\\bootmgfw.efi' "$TMP/usb.out" || fail "usb: no UEFI boot manager"
grep -q '^osdevice  *vhd=\[mbr:[0-9a-f]*:[0-9]*\]\\win.vhd' "$TMP/usb.out" ||
	fail "usb: the loader does not boot the VHD"
grep -q '^bootmgfw.efi\|bootmgfw.efi$' "$TMP/usb.out" || fail "usb: ls shows no bootmgfw.efi"
grep -q 'exit 4: stale devices' "$TMP/clone.out" || fail "clone: the clone was not found stale"
grep -q 'exit 1: fixed' "$TMP/clone.out" || fail "clone: --fix did not fix it"
bcdverify clone.img >/dev/null || fail "clone: not clean after --fix"
[ -n "$(vhdtool ls 'clone.img:1:\Boot' | grep 'BCD.bak')" ] || fail "clone: no BCD.bak"
[ "$(hivetool get SYSTEM 'ControlSet001\Services\Spooler' Start)" = "0x00000004 (4)" ] ||
	fail "hive: Start not 4"
[ "$(hivetool get SYSTEM.bak 'ControlSet001\Services\Spooler' Start)" = "0x00000003 (3)" ] ||
	fail "hive: the backup does not hold the old value"
grep -q "i8042prt" "$TMP/hive.out" || fail "hive: ls -r does not list the services"
grep -q "^~ value ControlSet001.Services.Spooler  *Start" "$TMP/hive.out" || fail "hive: diff"
[ "$(tail -n 1 "$TMP/convert.out")" = hello ] || fail "convert: the file did not come back"
[ "$(vhdtool info --json data.vhdx | python3 -c 'import json,sys; print(json.load(sys.stdin)["format"])')" = vhdx ] ||
	fail "convert: data.vhdx is not a VHDX"
python3 - bcdverify.json broken.xml <<'PY' || fail "audit: reports"
import json, sys, xml.etree.ElementTree as ET
r = json.load(open(sys.argv[1]))
assert r["exit_code"] == 0 and len(r["stores"]) == 2, r
root = ET.parse(sys.argv[2]).getroot()
fails = [f for f in root.iter("failure")]
errs = [f for f in fails if f.get("type") == "error"]
assert errs and all("win.vhd" in f.get("message") for f in errs), [f.attrib for f in fails]
PY
grep -q 'exit 4: warnings fail the audit' "$TMP/audit.out" || fail "audit: --fail-on warning"
grep -q 'exit 4: the image fails the audit' "$TMP/audit.out" || fail "audit: the broken image passed"
echo "ok: every walkthrough does what README says"
