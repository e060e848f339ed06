#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The bcdkit demo: a short hivetool session on a sample hive that the
# repository makes itself (scripts/mkhive.py, independent of bcdkit).
# Run from the top of a built tree; BUILD may point at another build folder.
# Output goes to stdout; any failing step stops the demo with an error.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
out=${DEMO_OUT:-$(mktemp -d)}
hivetool="$build/hivetool"
vhdtool="$build/vhdtool"
bcdedit="$build/bcdedit"

step() {
	printf '\n$ %s\n' "$*" | sed "s|$out/||g; s|$build/||g"
	"$@"
}

python3 "$top/scripts/mkhive.py" "$top/fixtures/sample.spec" "$out/sample.hiv"
echo "== bcdkit demo: a sample hive made by scripts/mkhive.py =="
step "$hivetool" info "$out/sample.hiv"
step "$hivetool" ls "$out/sample.hiv" -r
step "$hivetool" get "$out/sample.hiv" 'HKLM\DEMO\Software\Vendor\App' Version
step "$hivetool" get "$out/sample.hiv" 'Software\Vendor\App' Count --json

# The reference scenario: boot Windows from a VHD, built entirely on Linux,
# unprivileged, on image files.  A tiny folder stands in for the Windows
# image that imagex would apply.
echo
echo "== boot from VHD, offline =="
mkdir -p "$out/win/Windows/System32"
echo "boot loader" > "$out/win/Windows/System32/winload.exe"
echo "kernel" > "$out/win/Windows/System32/ntoskrnl.exe"
step wimlib-imagex capture "$out/win" "$out/install.wim" "Demo Windows" --compress=none
# diskpart: create vdisk file=x.vhd maximum=64 type=expandable
step "$vhdtool" create "$out/x.vhd" --size 64M --type expandable
step "$vhdtool" info "$out/x.vhd"
# diskpart: create partition primary, active, format fs=ntfs quick; imagex /apply
# (--force: the built disk replaces the empty one made above)
step "$vhdtool" build "$out/x.vhd" --force --size 64M --type dynamic --mbr \
	--part "ntfs:rest:active:wim=$out/install.wim:1"
step "$vhdtool" ls "$out/x.vhd:1" /Windows/System32
# The disk that holds x.vhd (drive D: on the target machine).
step "$vhdtool" build "$out/host.img" --size 128M --format raw --mbr --part ntfs:rest:active

# A system store with a boot manager and one Windows loader.
store="$out/BCD"
step "$bcdedit" /createstore "$store"
step "$bcdedit" /store "$store" /create "{bootmgr}" /d "Windows Boot Manager"
printf '\n$ bcdedit /store BCD /create /d "Windows 7" /application osloader\n'
created=$("$bcdedit" /store "$store" /create /d "Windows 7" /application osloader)
echo "$created"
loader=$(echo "$created" | sed -n 's/^The entry \({[0-9a-f-]*}\) was successfully created\.$/\1/p')
[ -n "$loader" ] || { echo "demo: bcdedit /create printed no GUID" >&2; exit 1; }
step "$bcdedit" /store "$store" /default "$loader"
step "$bcdedit" /store "$store" /displayorder "$loader" /addlast
step "$bcdedit" /store "$store" --map C:="$out/host.img:1" /set "$loader" device partition=C:
step "$bcdedit" /store "$store" --map C:="$out/host.img:1" /set "$loader" osdevice partition=C:
step "$bcdedit" /store "$store" /set "$loader" path '\Windows\system32\winload.exe'

# bcdedit /copy {current} /d "..." and point the copy at the VHD.
printf '\n$ bcdedit /store BCD /copy {current} /d "Hyper-V Server 2008 R2"\n'
copied=$("$bcdedit" /store "$store" /copy "{current}" /d "Hyper-V Server 2008 R2")
echo "$copied"
# Scripts parse this line, exactly as they do on Windows.
copy=$(echo "$copied" | sed -n 's/^The entry was successfully copied to \({[0-9a-f-]*}\)\.$/\1/p')
[ -n "$copy" ] || { echo "demo: bcdedit /copy printed no GUID" >&2; exit 1; }
step "$bcdedit" /store "$store" --map D:="$out/host.img:1" /set "$copy" device 'vhd=[D:]\x.vhd'
step "$bcdedit" /store "$store" --map D:="$out/host.img:1" /set "$copy" osdevice 'vhd=[D:]\x.vhd'
step "$bcdedit" /store "$store" /set "$copy" detecthal on
step "$bcdedit" /store "$store" --map D:="$out/host.img:1" /enum all
step "$hivetool" check "$store"

echo
echo "== demo finished =="
[ -n "${DEMO_OUT:-}" ] || rm -rf "$out"
