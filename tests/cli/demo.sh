#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command line ends with scripts/demo.sh: run it here so
# that a broken demo fails the suite, and check that its steps printed what
# the sample hive holds and what the boot-from-VHD scenario must produce.
set -eu
out=$(BUILD="$top_builddir" sh "$top_srcdir/scripts/demo.sh")
printf "%s\n" "$out"
check() { printf "%s\n" "$out" | grep -q -- "$1" || { echo "FAIL: demo output lacks: $1"; exit 1; }; }
check '^== demo finished ==$'
check 'Version    REG_SZ    1.2.3'
check '"number": 42'
check 'winload.exe'
check '^The entry was successfully copied to {'
check '^device                  vhd=\[D:\]\\x.vhd$'
check '^osdevice                vhd=\[D:\]\\x.vhd$'
check '^detecthal               Yes$'
check '^description             Hyper-V Server 2008 R2$'
