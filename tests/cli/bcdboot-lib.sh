# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the bcdboot end-to-end tests (sourced, not run).
# On top of the helpers of every end-to-end test (lib.sh: TMP, fail, skip,
# need, need_ntfs, need_wimlib, expect_exit).
. "$top_srcdir/tests/cli/lib.sh"
CHECK="python3 $top_srcdir/tests/cli/bcdboot-check.py"
BCDBOOT=$(bk_tool bcdboot)
BCDEDIT=$(bk_tool bcdedit)
VHDTOOL=$(bk_tool vhdtool)

# mk_windows DIR [PRODUCTNAME]: a synthetic Windows tree (not Microsoft's
# files: each "binary" is a line of text saying what it stands for) with
# Boot\PCAT, Boot\EFI, Fonts, Resources, a locale folder and a SOFTWARE hive
# made by hivetool.
mk_windows() {
	w=$1
	mkdir -p "$w/Boot/PCAT/en-US" "$w/Boot/EFI/en-US" "$w/Boot/Fonts" \
		"$w/Boot/Resources" "$w/System32/config"
	for f in PCAT/bootmgr PCAT/memtest.exe PCAT/en-US/bootmgr.exe.mui \
		 EFI/bootmgfw.efi EFI/memtest.efi EFI/en-US/bootmgfw.efi.mui \
		 Fonts/segmono_boot.ttf Resources/bootres.dll; do
		echo "synthetic stand-in for Windows\\Boot\\$f (made by bcdkit's tests)" > "$w/Boot/$f"
	done
	sw="$w/System32/config/SOFTWARE"
	"$HIVETOOL" create "$sw" --root ROOT >/dev/null
	"$HIVETOOL" mkkey "$sw" 'Microsoft\Windows NT\CurrentVersion' -p >/dev/null
	"$HIVETOOL" set "$sw" 'Microsoft\Windows NT\CurrentVersion' ProductName REG_SZ \
		"${2:-Windows 10 Pro (synthetic)}" >/dev/null
}

# check_store STORE: hivetool check is clean and libhivex reads it; the
# export goes to STORE.reg and the element dump to STORE.dump.
check_store() {
	"$HIVETOOL" check "$1" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out" >&2; fail "$1: hivetool check"; }
	hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\BCD' "$1" '\' > "$1.reg" ||
		fail "$1: libhivex cannot read it"
	$CHECK dump "$1.reg" > "$1.dump"
}

# elem DUMP GUID|TYPE ELEMENT: hex bytes of an element (objects by GUID or type).
elem() {
	awk -v o="$2" -v e="$3" '($1 == o || $2 == o) && $3 == e { print $4; exit }' "$1"
}

# utf16 TEXT: hex of the UTF-16LE string with its NUL, as a store holds it.
utf16() {
	printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 -v | tr -d ' \n'
	printf '0000'
}

# mk_winvhd OUT TREE: an expandable VHD or VHDX (by OUT's extension) with one
# NTFS partition holding TREE\Windows.
mk_winvhd() {
	"$VHDTOOL" build "$1" --size 64M --mbr --part ntfs:rest:label=Windows >/dev/null
	"$VHDTOOL" cp -r "$2/Windows" "$1:1:\\" >/dev/null
}

# mk_usb OUT: a raw USB stick image: partition 1 a 100 MiB FAT32 ESP
# (formatted by mkfs.fat here), partition 2 an active NTFS partition.
mk_usb() {
	"$VHDTOOL" build "$1" --size 200M --mbr --part esp:100M --part ntfs:rest:active >/dev/null
	mkfs.fat -F 32 -h 2048 -n ESP -C "$1.esp" 102400 >/dev/null
	dd if="$1.esp" of="$1" bs=1M seek=1 conv=notrunc status=none
	rm -f "$1.esp"
}

# part_raw IMG N OUT: partition N of a raw image copied out (for fsck.fat, ntfsfix).
part_raw() {
	"$VHDTOOL" partition "$1" --json > "$TMP/pt.json"
	python3 - "$TMP/pt.json" "$2" "$1" "$3" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
p = [p for p in t["partitions"] if p["number"] == int(sys.argv[2])][0]
with open(sys.argv[3], "rb") as f, open(sys.argv[4], "wb") as o:
    f.seek(p["offset"])
    left = p["size"]
    while left:
        b = f.read(min(left, 1 << 20))
        o.write(b)
        left -= len(b)
PY
}

# ---- for the bcdverify tests ---------------------------------------------------------
# mk_windows_loaders DIR: mk_windows, and stand-ins for the boot loaders,
# resume loaders and kernel bcdverify looks for.
mk_windows_loaders() {
	mk_windows "$1"
	for f in winload.exe winload.efi winresume.exe winresume.efi ntoskrnl.exe; do
		echo "synthetic stand-in for Windows\\System32\\$f (made by bcdkit's tests)" \
			> "$1/System32/$f"
	done
}
# has ID WHAT: the last run ($TMP/out) reported finding ID.
has() {
	grep -q " $1: " "$TMP/out" || { cat "$TMP/out" "$TMP/err" >&2; fail "$2: $1 not reported"; }
}
