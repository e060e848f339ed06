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
echo
echo "== demo finished =="
[ -n "${DEMO_OUT:-}" ] || rm -rf "$out"
