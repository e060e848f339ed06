#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command line ends with scripts/demo.sh: run it here so
# that a broken demo fails the suite, and check that its steps printed what
# the sample hive holds.
set -eu
out=$(BUILD="$top_builddir" sh "$top_srcdir/scripts/demo.sh")
echo "$out"
echo "$out" | grep -q '^== demo finished ==$'
echo "$out" | grep -q 'Version    REG_SZ    1.2.3'
echo "$out" | grep -q '"number": 42'
