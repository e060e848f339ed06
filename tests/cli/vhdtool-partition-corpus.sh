#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool partition on the VHD/VHDX images Windows wrote (corpus): the table
# read through each container agrees, entry by entry, with what sfdisk reads
# from a raw copy made by qemu-img; a disk without a table says so.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_corpus
need_qemu
command -v sfdisk >/dev/null 2>&1 || skip "sfdisk not installed"

# compare IMAGE QEMUFMT: our JSON listing against sfdisk --dump of a raw copy.
compare() {
	# qemu-img opens a VHDX with a pending log only after replaying it into
	# the file: do that on a copy.
	cp "$1" "$TMP/copy"
	qemu-img check -q -r all -f "$2" "$TMP/copy" >/dev/null 2>&1 || :
	qemu-img convert -f "$2" -O raw "$TMP/copy" "$TMP/raw" || fail "$1: qemu-img convert"
	sfdisk --dump "$TMP/raw" > "$TMP/dump" || fail "$1: sfdisk"
	expect_exit 0 "$VHDTOOL" partition --json "$1"
	python3 - "$TMP/out" "$TMP/dump" "$TMP/raw" <<'PY' || fail "$1: listing differs from sfdisk: $(cat "$TMP/out" "$TMP/dump")"
import json, re, sys
j = json.load(open(sys.argv[1]))
dump = open(sys.argv[2]).read()
raw = sys.argv[3]
lid = re.search(r"^label-id: (\S+)$", dump, re.M).group(1)
assert j["table"] == "mbr" and int(lid, 16) == int(j["signature"], 16), (lid, j)
theirs = {}
for m in re.finditer(re.escape(raw) + r"(\d+) : start=\s*(\d+), size=\s*(\d+), type=(\w+)", dump):
    theirs[int(m.group(1))] = (int(m.group(2)) * 512, int(m.group(3)) * 512, int(m.group(4), 16))
ours = {p["number"]: (p["offset"], p["size"], p["type"]) for p in j["partitions"]}
assert ours == theirs and ours, (ours, theirs)
PY
}

for f in win10-dynamic-1GiB-btrfs win10-dirty-log; do
	[ -f "$BK_CORPUS/vhd/$f.vhdx.gz" ] || skip "$f not in the corpus"
	gzip -dc "$BK_CORPUS/vhd/$f.vhdx.gz" > "$TMP/$f.vhdx"
	compare "$TMP/$f.vhdx" vhdx
done
# The log of the dirty image is replayed in memory only: the file is unchanged.
gzip -dc "$BK_CORPUS/vhd/win10-dirty-log.vhdx.gz" | cmp - "$TMP/win10-dirty-log.vhdx" ||
	fail "listing changed the dirty image"

if [ -f "$BK_CORPUS/vhd/win-fixed-3MiB.vhd" ]; then
	expect_exit 0 "$VHDTOOL" partition "$BK_CORPUS/vhd/win-fixed-3MiB.vhd"
	grep -q '^table: *mbr$' "$TMP/out" || fail "win-fixed-3MiB: $(cat "$TMP/out")"
fi
if [ -f "$BK_CORPUS/vhd/win10-dynamic-10GiB-swap.vhdx.gz" ]; then
	gzip -dc "$BK_CORPUS/vhd/win10-dynamic-10GiB-swap.vhdx.gz" > "$TMP/swap.vhdx"
	expect_exit 1 "$VHDTOOL" partition "$TMP/swap.vhdx"
	grep -q 'no partition table' "$TMP/err" || fail "swap: $(cat "$TMP/err")"
fi
exit 0
