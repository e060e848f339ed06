#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerate common/bk-upcase-table.h (needs ntfs-3g-dev).
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O1 -o "$tmp/gen-upcase" scripts/gen-upcase.c $(pkg-config --cflags --libs libntfs-3g)
"$tmp/gen-upcase" > common/bk-upcase-table.h
