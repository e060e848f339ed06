#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The ABI explains itself: every BCDKIT_API declaration says what it returns
# and how to release what it hands out, and no function of the library
# sources carries a public prefix (hive_, bcd_, disk_) without being declared
# in include/bcdkit/ (tests/cli/abi-docs.py has the rules; doc/libbcdkit.3
# the convention).  tests/cli/lib-symbols.sh checks that the exported set is
# the declared one.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
python3 "$top_srcdir/tests/cli/abi-docs.py" "$top_srcdir" || fail "the API documentation or prefixes break the rules above"
