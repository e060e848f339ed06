# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the bcdboot end-to-end tests (sourced, not run).
set -eu
BCDBOOT="$top_builddir/bcdboot"
BCDEDIT="$top_builddir/bcdedit"
HIVETOOL="$top_builddir/hivetool"
VHDTOOL="$top_builddir/vhdtool"
CHECK="python3 $top_srcdir/tests/cli/bcdboot-check.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"; }

expect_exit() {
	want=$1; shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$TMP/out" "$TMP/err" >&2; fail "'$*' exited $got, expected $want"; }
}

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
