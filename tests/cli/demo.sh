#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command line ends with scripts/demo.sh: run it here so
# that a broken demo fails the suite, and check that its steps printed what
# the sample hive holds and what the boot-from-VHD scenario must produce:
# both stores of the USB stick, with a loader on the VHD, read back clean.
set -eu
# The scenario applies a WIM to NTFS: nothing to show in a build without them.
for f in HAVE_NTFS3G HAVE_WIMLIB; do
	grep -q "^#define $f 1" "$top_builddir/config.h" || { echo "SKIP: built without $f"; exit 77; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
out=$(DEMO_OUT="$TMP/demo" BUILD="$top_builddir" sh "$top_srcdir/scripts/demo.sh" 2>&1)
printf "%s\n" "$out"
check() { printf "%s\n" "$out" | grep -q -- "$1" || { echo "FAIL: demo output lacks: $1"; exit 1; }; }
check '^== demo finished ==$'
check "^The files it made are in $TMP/demo\$"
check 'Version    REG_SZ    1.2.3'
check '"number": 42'
check '^Boot files successfully created\.$'
check '^Using the template .*BCD-Template$'
check '^device                  partition=S:$'
check '^device                  partition=D:$'
check '^device                  vhd=\[D:\]\\x.vhd'
check '^osdevice                vhd=\[D:\]\\x.vhd'
check '^path                    \\Windows\\system32\\winload.efi$'
check '^path                    \\Windows\\system32\\winload.exe$'
check '^description             Windows 10 Pro (synthetic demo)$'
check '^timeout                 10$'
check 'BCD-uefi: no problems found'
check 'BCD-bios: no problems found'
# The outputs stay for the user to look at.
for f in usb.img x.vhd BCD-uefi BCD-bios; do
	[ -s "$TMP/demo/$f" ] || { echo "FAIL: the demo did not keep $f"; exit 1; }
done
if command -v hivexregedit >/dev/null 2>&1; then
	for f in BCD-uefi BCD-bios; do
		hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\BCD' "$TMP/demo/$f" '\' >/dev/null ||
			{ echo "FAIL: libhivex cannot read the demo's $f"; exit 1; }
	done
fi
# As an unprivileged user (when the suite runs as root and can switch).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$top_srcdir/scripts/demo.sh"; then
	mkdir "$TMP/nobody"
	chmod 777 "$TMP/nobody"
	chmod 755 "$TMP"
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$TMP/nobody" \
		DEMO_OUT="$TMP/nobody/demo" BUILD="$top_builddir" sh "$top_srcdir/scripts/demo.sh" \
		> "$TMP/nobody.log" 2>&1 || { cat "$TMP/nobody.log"; echo "FAIL: the demo as user nobody"; exit 1; }
	grep -q '^== demo finished ==$' "$TMP/nobody.log" || { echo "FAIL: demo as nobody"; exit 1; }
	echo "ok: the demo ran as user nobody"
fi
