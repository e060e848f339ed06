#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bcdverify: a matrix of broken setups, built here
# from bcdboot's output, is each reported with its finding ID; the fixable
# ones exit 1 under --fix and 0 on the next run; --dry-run leaves every file
# byte-identical; the JSON report validates against doc/bcdverify-schema.json.
. "$top_srcdir/tests/cli/bcdboot-lib.sh"
need_ntfs
need mkfs.fat
BV=$(bk_tool bcdverify)

# Every finding ID the code can give is documented in bcdverify(1).
ids=$(cat "$top_srcdir"/bcd/verify*.c "$top_srcdir/tools/bcdverify.c" |
	grep -o '"BCD-[A-Z0-9-]*"' | tr -d '"' | sort -u)
[ "$(echo "$ids" | wc -l)" -ge 30 ] || fail "finding IDs not found in the sources: $ids"
for id in $ids; do
	grep -q "^\.B $(echo "$id" | sed 's/-/\\\\-/g')\$" "$top_srcdir/doc/bcdverify.1" ||
		fail "$id is not documented in doc/bcdverify.1"
done

mk_windows_loaders "$TMP/tree/Windows"

hasnt() {
	! grep -q " $1: " "$TMP/out" || { cat "$TMP/out" >&2; fail "$2: $1 reported"; }
}
# fixes STORE DISK... : --dry-run writes nothing, --fix exits 1, a second run 0.
fixes() {
	s=$1; shift
	set -- "$@"
	cp "$s" "$TMP/before"
	# Every file beside the store and every disk given, before and after.
	sums() { { find "$(dirname "$s")" -type f; for a in "$@"; do [ -f "$a" ] && echo "$a"; done; } |
		sort | xargs md5sum; }
	sums "$@" > "$TMP/sums.before"
	expect_exit 4 "$BV" --store "$s" "$@" --fail-on warning --fix --dry-run
	grep -q 'would change: ' "$TMP/out" || fail "$s: --dry-run shows no change"
	cmp -s "$s" "$TMP/before" || fail "$s: --dry-run changed the store"
	sums "$@" | cmp -s - "$TMP/sums.before" || fail "$s: --dry-run changed a file or made one"
	expect_exit 1 "$BV" --store "$s" "$@" --fail-on warning --fix
	grep -q 'fixed: ' "$TMP/out" || fail "$s: --fix shows no change"
	# A fix touches only objects it reported (shown by alias where they have one).
	sed 's/{bootmgr}/{9dea862c-5cdd-4e70-acc1-f32b344d4795}/g
	     s/{memdiag}/{b2721d73-1db4-4c62-bf78-c548a880142d}/g
	     s/{fwbootmgr}/{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}/g' "$TMP/out" > "$TMP/reported"
	"$HIVETOOL" diff "$TMP/before" "$s" | grep -o 'Objects\\{[^}]*}' | sort -u |
		while read -r k; do
			grep -qF "fixed: ${k#Objects\\}" "$TMP/reported" ||
				fail "$s: --fix changed $k, which it did not report"
		done
	expect_exit 0 "$BV" --store "$s" "$@" --fail-on warning
}

# bcdboot's stick (Windows in a VHD or VHDX) and the VHD findings: bcdverify-vhd.sh.

# ---- Windows on a plain partition (BIOS) ------------------------------------------------
D="$TMP/disk.img"
"$VHDTOOL" build "$D" --size 64M --format raw --mbr --part ntfs:rest:active >/dev/null
"$VHDTOOL" cp -r "$TMP/tree/Windows" "$D:1:\\" >/dev/null
expect_exit 0 "$BCDBOOT" "$D:1:\\Windows"
# Windows' NTFS boot code (not free) names BOOTMGR in UTF-16 in the sectors
# after the boot sector: a stand-in here, so that the disk is fully bootable
# as far as bcdverify can tell.
printf 'B\000O\000O\000T\000M\000G\000R\000' |
	dd of="$D" bs=1 seek=$((1048576 + 512)) conv=notrunc status=none
mkdir -p "$TMP/base/Boot"
"$VHDTOOL" cat "$D:1:\\Boot\\BCD" > "$TMP/base/Boot/BCD"
expect_exit 0 "$BV" --store "$TMP/base/Boot/BCD" --disk "$D"
grep -q 'BCD: clean$' "$TMP/out" || fail "plain BIOS disk: not clean: $(cat "$TMP/out")"

case_store() { mkdir -p "$TMP/$1/Boot"; cp "$TMP/base/Boot/BCD" "$TMP/$1/Boot/BCD"; S="$TMP/$1/Boot/BCD"; }
BM='{9dea862c-5cdd-4e70-acc1-f32b344d4795}'
L=$("$BCDEDIT" --store "$TMP/base/Boot/BCD" /enum OSLOADER /v | awk '/^identifier/ { print $2; exit }')
case "$L" in {*-*}) ;; *) fail "no loader GUID in the store: $L" ;; esac

# Dangling default.
case_store dangling
"$HIVETOOL" set "$S" "Objects\\$BM\\Elements\\23000003" Element REG_SZ \
	'{01234567-89ab-cdef-0123-456789abcdef}' >/dev/null
expect_exit 4 "$BV" --store "$S" --disk "$D"
has BCD-REF-DANGLING "dangling default"
fixes "$S" --disk "$D"
"$BCDEDIT" --store "$S" /enum '{bootmgr}' /v | grep -q "^default  *$L" || fail "default not set to the loader"

# A duplicate displayorder entry (a warning).
case_store dup
"$HIVETOOL" set "$S" "Objects\\$BM\\Elements\\24000001" Element REG_MULTI_SZ "$L" "$L" >/dev/null
expect_exit 0 "$BV" --store "$S" --disk "$D"
has BCD-LIST-DUPLICATE "duplicate displayorder"
fixes "$S" --disk "$D"

# An inherit cycle: {globalsettings} inherits {bootloadersettings}, which inherits it.
case_store cycle
"$HIVETOOL" set "$S" 'Objects\{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}\Elements\14000006' Element \
	REG_MULTI_SZ '{6efb52bf-1766-41db-a6b3-0ee5eff72bd7}' >/dev/null
expect_exit 4 "$BV" --store "$S" --disk "$D"
has BCD-INHERIT-CYCLE "inherit cycle"

# A store with pending logs: the primary marked dirty, its last change (timeout
# 7) only in an old-format BCD.LOG beside it.  --fix writes the recovered store.
mkdir -p "$TMP/dirty/Boot"
cp "$TMP/base/Boot/BCD" "$TMP/dirty/M"
"$BCDEDIT" --store "$TMP/dirty/M" /timeout 7 >/dev/null
python3 "$top_srcdir/tests/cli/mkdirty-oldlog.py" "$TMP/base/Boot/BCD" "$TMP/dirty/M" \
	"$TMP/dirty/Boot/BCD"
S="$TMP/dirty/Boot/BCD"
cp "$S" "$TMP/dirty/BCD.orig"
cp "$S.LOG" "$TMP/dirty/LOG.orig"
expect_exit 0 "$BV" --store "$S" --disk "$D"
has BCD-HIVE-LOGS "pending logs"
expect_exit 4 "$BV" --store "$S" --disk "$D" --fail-on warning --fix --dry-run
cmp -s "$S" "$TMP/dirty/BCD.orig" && cmp -s "$S.LOG" "$TMP/dirty/LOG.orig" ||
	fail "pending logs: --dry-run changed the store or its log"
expect_exit 1 "$BV" --store "$S" --disk "$D" --fix
expect_exit 0 "$BV" --store "$S" --disk "$D" --fail-on warning
[ ! -s "$S.LOG" ] || fail "pending logs: the log was not emptied"
"$BCDEDIT" --store "$S" /enum '{bootmgr}' | grep -q '^timeout  *7$' ||
	fail "pending logs: the logged change was lost"

# Store structure: a key under Objects that is no GUID, an object without a
# type, {bootmgr} of another type, an element stored with the wrong type.
case_store structure
"$HIVETOOL" mkkey "$S" 'Objects\bogus' >/dev/null
"$HIVETOOL" mkkey "$S" 'Objects\{11111111-2222-3333-4444-555555555555}\Elements' -p >/dev/null
"$HIVETOOL" set "$S" "Objects\\$BM\\Description" Type REG_DWORD 0x10200003 >/dev/null
"$HIVETOOL" set "$S" "Objects\\$BM\\Elements\\25000004" Element REG_DWORD 30 >/dev/null
expect_exit 4 "$BV" --store "$S"
has BCD-OBJ-KEYNAME "key named bogus"
has BCD-OBJ-NOTYPE "object without Description"
has BCD-OBJ-TYPE-MISMATCH "{bootmgr} of loader type"
has BCD-ELEM-FORMAT "timeout as REG_DWORD"

# A cloned disk with a new MBR signature: retargeted to the one partition
# holding the files; --backup keeps the old store.
case_store clone
cp "$D" "$TMP/clone.img"
"$VHDTOOL" partition "$TMP/clone.img" --signature 0x1234abcd >/dev/null
expect_exit 4 "$BV" --store "$S" --disk "$TMP/clone.img"
has BCD-DEV-NOPART "cloned disk"
cp "$S" "$TMP/clone-orig"
expect_exit 1 "$BV" --store "$S" --disk "$TMP/clone.img" --fix --backup
grep -q 'osdevice  partition=mbr:[0-9a-f]*:1048576 -> partition=mbr:1234abcd:1048576' "$TMP/out" ||
	fail "clone: no bcdedit-worded diff: $(cat "$TMP/out")"
cmp -s "$S.bak" "$TMP/clone-orig" || fail "clone: --backup did not keep the old store"
expect_exit 0 "$BV" --store "$S" --disk "$TMP/clone.img"
# An existing backup is never replaced: the fix is refused, nothing written.
cp "$TMP/clone-orig" "$S"
expect_exit 12 "$BV" --store "$S" --disk "$TMP/clone.img" --fix --backup
grep -q 'an existing backup is never replaced' "$TMP/err" || fail "clone: $(cat "$TMP/err")"
cmp -s "$S" "$TMP/clone-orig" || fail "clone: a refused fix changed the store"
# The original disk beside its clone: one signature on two disks.
expect_exit 4 "$BV" --store "$TMP/base/Boot/BCD" --disk "$D" --disk "$D"
has BCD-DISK-SHAREDID "two disks, one signature"

# The JSON report of a dry-run fix validates too, and carries the changes.
mkdir -p "$TMP/jclone/Boot"
cp "$TMP/clone-orig" "$TMP/jclone/Boot/BCD"
expect_exit 4 "$BV" --store "$TMP/jclone/Boot/BCD" --disk "$TMP/clone.img" --json --fix --dry-run
python3 - "$top_srcdir/doc/bcdverify-schema.json" "$TMP/out" <<'PY' || fail "clone: JSON"
import json, sys, jsonschema
r = json.load(open(sys.argv[2]))
jsonschema.validate(r, json.load(open(sys.argv[1])))
f = [f for s in r["stores"] for f in s["findings"] if f["id"] == "BCD-DEV-NOPART"]
assert f and all(x["fixable"] and not x["fixed"] and " -> " in x["change"] for x in f), f
assert r["exit_code"] == 4 and r["dry_run"] is True
assert sorted(set(x["element"] for x in f)) == ["device", "filedevice", "osdevice"], f
PY

# --fix-devices locate|boot: the stale devices become clone-proof forms.
for how in locate boot; do
	cp "$TMP/clone-orig" "$TMP/clone-$how"
	expect_exit 1 "$BV" --store "$TMP/clone-$how" --disk "$TMP/clone.img" --fix --fix-devices $how
	grep -q "osdevice  partition=mbr:[0-9a-f]*:1048576 -> $how" "$TMP/out" ||
		fail "--fix-devices $how: $(cat "$TMP/out")"
	expect_exit 0 "$BV" --store "$TMP/clone-$how" --disk "$TMP/clone.img"
done
expect_exit 16 "$BV" --store "$TMP/clone-orig" --fix-devices boot
expect_exit 16 "$BV" --store "$TMP/clone-orig" --fix --fix-devices sideways

# The same clone checked and fixed in place: the store inside the image.
cp "$TMP/clone.img" "$TMP/clone2.img"
cp "$TMP/clone2.img" "$TMP/clone2-orig"
expect_exit 4 "$BV" "$TMP/clone2.img" --fix --dry-run
cmp -s "$TMP/clone2.img" "$TMP/clone2-orig" || fail "image: --dry-run changed the image"
expect_exit 1 "$BV" "$TMP/clone2.img" --fix --backup
expect_exit 0 "$BV" "$TMP/clone2.img"
"$VHDTOOL" cat "$TMP/clone2.img:1:\\Boot\\BCD.bak" > "$TMP/clone2.bak"
"$VHDTOOL" cat "$TMP/clone2-orig:1:\\Boot\\BCD" > "$TMP/clone2.old"
cmp -s "$TMP/clone2.bak" "$TMP/clone2.old" || fail "image: --backup did not keep the old store"
"$HIVETOOL" check "$TMP/clone2.bak" >/dev/null || fail "image: backup is not a hive"
cp "$TMP/clone2-orig" "$TMP/clone3.img"
"$VHDTOOL" cp "$TMP/clone2.old" "$TMP/clone3.img:1:\\Boot\\BCD.bak" >/dev/null
cp "$TMP/clone3.img" "$TMP/clone3-orig"
expect_exit 12 "$BV" "$TMP/clone3.img" --fix --backup
grep -q 'never replaced' "$TMP/err" || fail "image: existing backup: $(cat "$TMP/err")"
cmp -s "$TMP/clone3.img" "$TMP/clone3-orig" || fail "image: a refused fix changed the image"

# A partition moved (the store names another offset).
case_store moved
sig=$(od -An -tx4 -j440 -N4 "$D" | tr -d ' ')
"$BCDEDIT" --store "$S" --map "Z:=mbr:$sig:2097152" /set '{default}' osdevice partition=Z: >/dev/null
expect_exit 4 "$BV" --store "$S" --disk "$D"
has BCD-DEV-NOPART "moved partition"
fixes "$S" --disk "$D"

# The partition deleted: nothing to retarget to, --fix changes nothing.
case_store deleted
cp "$D" "$TMP/deleted.img"
sfdisk -q --delete "$TMP/deleted.img" 1 >/dev/null 2>&1 || skip "sfdisk --delete failed"
cp "$S" "$TMP/before"
expect_exit 4 "$BV" --store "$S" --disk "$TMP/deleted.img" --fix
has BCD-DEV-NOPART "deleted partition"
cmp -s "$S" "$TMP/before" || fail "deleted partition: --fix changed the store"

# winload missing.
case_store nowinload
cp "$D" "$TMP/nowinload.img"
"$VHDTOOL" rm "$TMP/nowinload.img:1:\\Windows\\System32\\winload.exe" >/dev/null
expect_exit 4 "$BV" --store "$S" --disk "$TMP/nowinload.img"
has BCD-FILE-MISSING "winload removed"

# The boot manager's locale folder removed (a warning).
cp "$D" "$TMP/nolocale.img"
"$VHDTOOL" rm -r "$TMP/nolocale.img:1:\\Boot\\en-US" >/dev/null
expect_exit 0 "$BV" --store "$TMP/base/Boot/BCD" --disk "$TMP/nolocale.img"
has BCD-FILE-LOCALE "locale folder removed"
expect_exit 4 "$BV" --store "$TMP/base/Boot/BCD" --disk "$TMP/nolocale.img" --fail-on warning

# A locate osdevice: one volume holds \Windows (clean), two (a warning), none (an error).
case_store locate
"$BCDEDIT" --store "$S" /set '{default}' osdevice locate >/dev/null
expect_exit 0 "$BV" --store "$S" --disk "$D"
hasnt BCD-DEV-LOCATE "locate, one volume"
expect_exit 0 "$BV" --store "$S" --disk "$D" --disk "$TMP/clone.img"
has BCD-DEV-LOCATE "locate, two volumes"
expect_exit 4 "$BV" --store "$S" --disk "$TMP/deleted.img"
has BCD-DEV-LOCATE "locate, no volume"

# No boot code in the MBR.
cp "$D" "$TMP/nombr.img"
dd if=/dev/zero of="$TMP/nombr.img" bs=440 count=1 conv=notrunc status=none
expect_exit 4 "$BV" --store "$TMP/base/Boot/BCD" --disk "$TMP/nombr.img"
has BCD-MBR-BOOTCODE "MBR zeroed"

# ---- GPT (UEFI): new GUIDs, and a BIOS loader in a UEFI store ---------------------------
G="$TMP/gpt.img"
"$VHDTOOL" build "$G" --size 200M --gpt --part esp:100M --part ntfs:rest >/dev/null
"$VHDTOOL" cp -r "$TMP/tree/Windows" "$G:2:\\" >/dev/null
expect_exit 0 "$BCDBOOT" "$G:2:\\Windows"
mkdir -p "$TMP/g/EFI/Microsoft/Boot"
GS="$TMP/g/EFI/Microsoft/Boot/BCD"
"$VHDTOOL" cat "$G:1:\\EFI\\Microsoft\\Boot\\BCD" > "$GS"
expect_exit 0 "$BV" --store "$GS" --disk "$G"
grep -q 'BCD: clean$' "$TMP/out" || fail "GPT disk: not clean: $(cat "$TMP/out")"
cp "$G" "$TMP/gpt2.img"
sgdisk -G "$TMP/gpt2.img" >/dev/null 2>&1 || skip "sgdisk -G failed"
cp "$GS" "$TMP/g-orig"
expect_exit 4 "$BV" --store "$GS" --disk "$TMP/gpt2.img"
has BCD-DEV-NOPART "GPT GUIDs changed"
fixes "$GS" --disk "$TMP/gpt2.img"
cp "$TMP/g-orig" "$GS"
"$BCDEDIT" --store "$GS" /set '{default}' path '\Windows\system32\winload.exe' >/dev/null
expect_exit 4 "$BV" --store "$GS" --disk "$G"
has BCD-FILE-FIRMWARE "winload.exe in a UEFI store"
cp "$TMP/g-orig" "$TMP/g/EFI/Microsoft/Boot/nopath"
"$BCDEDIT" --store "$TMP/g/EFI/Microsoft/Boot/nopath" /deletevalue '{bootmgr}' path >/dev/null
expect_exit 4 "$BV" --store "$TMP/g/EFI/Microsoft/Boot/nopath"
has BCD-BOOTMGR-FIRMWARE "UEFI {bootmgr} without a path"
# A UEFI store whose {bootmgr} is on the NTFS partition.
cp "$TMP/g-orig" "$TMP/g/EFI/Microsoft/Boot/ntfs"
"$BCDEDIT" --store "$TMP/g/EFI/Microsoft/Boot/ntfs" --map "C:=$G:2" /set '{bootmgr}' device partition=C: >/dev/null
expect_exit 4 "$BV" --store "$TMP/g/EFI/Microsoft/Boot/ntfs" --disk "$G"
has BCD-BOOTMGR-FIRMWARE "UEFI {bootmgr} on NTFS"

# ---- install media (a corpus store): ramdisk=[boot]\sources\boot.wim and its SDI --------
IM="${BK_CORPUS:-/nonexistent}/bcd/win10-install-media-efi-bcd"
if [ -f "$IM" ]; then
	m="$TMP/media"
	mkdir -p "$m/sources" "$m/boot" "$m/efi/microsoft/boot" "$m/efi/boot"
	for f in sources/boot.wim boot/boot.sdi efi/microsoft/boot/memtest.efi efi/boot/bootx64.efi; do
		echo "synthetic stand-in for $f (made by bcdkit's tests)" > "$m/$f"
	done
	cp "$IM" "$m/efi/microsoft/boot/BCD"
	"$VHDTOOL" build "$TMP/media.img" --size 64M --format raw --mbr \
		--part "fat32:rest:files=$m" >/dev/null
	expect_exit 0 "$BV" "$TMP/media.img"
	hasnt BCD-RAMDISK-MISSING "install media"
	hasnt BCD-FILE-MISSING "install media"
	"$VHDTOOL" rm "$TMP/media.img:1:\\sources\\boot.wim" "$TMP/media.img:1:\\boot\\boot.sdi" >/dev/null
	expect_exit 4 "$BV" "$TMP/media.img"
	has BCD-RAMDISK-MISSING "boot.wim removed"
	grep -q 'FILE-MISSING: \\boot\\boot.sdi is on no volume' "$TMP/out" ||
		fail "boot.sdi removed: $(cat "$TMP/out")"
fi

# ---- JUnit: validates against the common format (tests/cli/junit.xsd, with
# libxml2's xmllint); a failure per finding from warning up, one passing case
# for a clean store.
need xmllint
expect_exit 4 "$BV" --store "$GS" --store "$TMP/base/Boot/BCD" --disk "$G" --disk "$D" \
	--junit "$TMP/report.xml"
xmllint --noout --schema "$top_srcdir/tests/cli/junit.xsd" "$TMP/report.xml" 2>"$TMP/err" ||
	fail "JUnit report does not validate: $(cat "$TMP/err")"
grep -q '<failure message="path \\Windows\\system32\\winload.exe is for BIOS firmware' \
	"$TMP/report.xml" || fail "JUnit: no failure for BCD-FILE-FIRMWARE: $(cat "$TMP/report.xml")"
grep -q "<testcase name=\"store\" classname=\"$TMP/base/Boot/BCD\"/>" "$TMP/report.xml" ||
	fail "JUnit: the clean store has no passing case"
# One test case per check and object: the cloned disk's store has several
# stale devices on one object (device and filedevice of the resume object).
expect_exit 4 "$BV" --store "$TMP/clone-orig" --disk "$TMP/clone.img" --junit "$TMP/clone.xml"
xmllint --noout --schema "$top_srcdir/tests/cli/junit.xsd" "$TMP/clone.xml" 2>/dev/null ||
	fail "JUnit (clone) does not validate"
[ -z "$(grep -o '<testcase name="[^"]*" classname="[^"]*"' "$TMP/clone.xml" | sort | uniq -d)" ] ||
	fail "JUnit: a check and object in two test cases"
[ "$(grep -c 'BCD-DEV-NOPART' "$TMP/out")" -gt "$(grep -c '<testcase name="BCD-DEV-NOPART' "$TMP/clone.xml")" ] ||
	fail "JUnit: findings of one check and object were not grouped"

# ---- usage and operational errors -----------------------------------------------------
expect_exit 16 "$BV"
expect_exit 16 "$BV" --store "$GS" --dry-run
expect_exit 8 "$BV" --store "$TMP/does-not-exist"
expect_exit 8 "$BV" "$TMP/tree/Windows/System32/winload.exe"
echo ok
