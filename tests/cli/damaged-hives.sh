#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged hives, made by the fixture writer and from the corpus: every
# reading command gives a clear one-line error naming the file and exits 2,
# or reads what is valid; "check" lists the damage; "--salvage" reads what
# can be read.  Never a crash (the sanitizer build runs this too).
. "$top_srcdir/tests/cli/lib.sh"

# Fixtures (fixtures/truncated.spec, fixtures/cell-overrun.spec).
for f in truncated cell-overrun; do
	F="$BK_FIXTURES/$f.hiv"
	for cmd in info "ls -r" check; do
		expect_exit 2 "$HIVETOOL" $cmd --no-logs "$F"
		[ "$(wc -l <"$TMP/err")" = 1 ] || fail "$f $cmd: not one line: $(cat "$TMP/err")"
		grep -q "^hivetool: $F: " "$TMP/err" || fail "$f $cmd: the error does not name the file"
		[ ! -s "$TMP/out" ] || fail "$f $cmd: output besides the error"
	done
	expect_exit 2 "$HIVETOOL" get --no-logs "$F" '' '@'
	grep -q "^hivetool: $F: " "$TMP/err" || fail "$f get: the error does not name the file"
done
grep -q "cell at offset 0x68 (size 4000) crosses the end of its hbin at 0x1000" "$TMP/err" ||
	fail "cell-overrun: unexpected error: $(cat "$TMP/err")"
expect_exit 2 "$HIVETOOL" info "$BK_FIXTURES/truncated.hiv"
grep -q "truncated: header says 0x4000 bytes of hive bins, file has 0x3000" "$TMP/err" ||
	fail "truncated: error does not say truncated"
expect_exit 0 "$HIVETOOL" ls --salvage "$BK_FIXTURES/truncated.hiv"
grep -q "hive is truncated; showing what exists" "$TMP/err" || fail "truncated: salvage does not say so"
expect_exit 1 "$HIVETOOL" check --salvage "$BK_FIXTURES/truncated.hiv"
grep -q "^0x00000028 base .*runs past the end of the file" "$TMP/out" || fail "truncated: no base finding"
expect_exit 2 "$HIVETOOL" ls --salvage "$BK_FIXTURES/cell-overrun.hiv"
grep -q "root key at offset 0x68 is invalid" "$TMP/err" || fail "cell-overrun: salvage error unclear"

corpus_part "the damaged hives of the corpus (yarp, regipy)"
H="$BK_CORPUS/hive"

# Unreadable without --salvage: clear error, exit 2, for every reading command.
# (BadBaseBlockHive's base block is rebuilt from its LOG1 unless --no-logs.)
for f in yarp-TruncatedHive regipy-corrupted_system_hive yarp-BadBaseBlockHive/BadBaseBlockHive; do
	for cmd in info "ls -r" "get @" check; do
		set -- $cmd
		c=$1; shift
		if [ "$c" = get ]; then
			expect_exit 2 "$HIVETOOL" get --no-logs "$H/$f" '' '@'
		else
			expect_exit 2 "$HIVETOOL" "$c" --no-logs "$H/$f" "$@"
		fi
		[ "$(wc -l <"$TMP/err")" -ge 1 ] || fail "$f $c: no error message"
		grep -q "$H/$f" "$TMP/err" || fail "$f $c: the error does not name the file"
	done
done
expect_exit 2 "$HIVETOOL" info --no-logs "$H/yarp-BadBaseBlockHive/BadBaseBlockHive"
grep -q "unsupported hive version 1.1" "$TMP/err" || fail "BadBaseBlockHive: unexpected error"
expect_exit 0 "$HIVETOOL" check "$H/yarp-BadBaseBlockHive/BadBaseBlockHive"
expect_exit 2 "$HIVETOOL" info "$H/yarp-TruncatedHive"
grep -q "truncated" "$TMP/err" || fail "TruncatedHive: error does not say truncated"
expect_exit 2 "$HIVETOOL" info "$H/regipy-corrupted_system_hive"
grep -q "no hbin signature at offset 0x19000" "$TMP/err" || fail "corrupted_system_hive: unexpected error"

# Salvage reads what exists, and check reports what is wrong (exit 1).
expect_exit 0 "$HIVETOOL" ls --salvage "$H/yarp-TruncatedHive"
grep -q "^key_with_many_subkeys$" "$TMP/out" || fail "TruncatedHive salvage lost key_with_many_subkeys"
expect_exit 1 "$HIVETOOL" check --salvage "$H/yarp-TruncatedHive"
grep -q "^0x00000028 base .*runs past the end of the file" "$TMP/out" || fail "TruncatedHive: no base finding"
expect_exit 1 "$HIVETOOL" check --salvage "$H/regipy-corrupted_system_hive"
grep -q "^0x0001a000 hbin .*no hbin signature at 0x19000" "$TMP/out" || fail "corrupted_system_hive: no hbin finding"
expect_exit 0 "$HIVETOOL" info --salvage "$H/regipy-corrupted_system_hive"
grep -q "damaged parts skipped" "$TMP/out" || fail "corrupted_system_hive: salvage state not shown"

# Readable, with structural damage the checker names.
expect_exit 1 "$HIVETOOL" check "$H/yarp-BadListHive"
grep -q "shared .*key '3': subkey list at 0x2d0 is also referenced" "$TMP/out" || fail "BadListHive: shared list not found"
grep -q "parent pointer is 0x380, but it is a subkey of 0x2e8" "$TMP/out" || fail "BadListHive: parent not found"
expect_exit 1 "$HIVETOOL" check "$H/yarp-BadSubkeyHive"
grep -q "shared .*key at 0x470 is also referenced" "$TMP/out" || fail "BadSubkeyHive: twice-owned key not found"
expect_exit 1 "$HIVETOOL" check "$H/yarp-InvalidParentHive"
grep -q "^0x00075b08 key .*4900': key at 0x74b08: parent pointer is 0x20, but it is a subkey of 0x140" "$TMP/out" ||
	fail "InvalidParentHive: parent finding missing"
expect_exit 1 "$HIVETOOL" check "$H/yarp-TruncatedNameHive"
grep -q "entry 0 (0x1b0) is not a valid key" "$TMP/out" || fail "TruncatedNameHive: finding missing"
expect_exit 2 "$HIVETOOL" ls "$H/yarp-TruncatedNameHive"
grep -q "subkey entry 0 (offset 0x1b0) is not a key" "$TMP/err" || fail "TruncatedNameHive: ls error unclear"
expect_exit 0 "$HIVETOOL" ls --salvage "$H/yarp-TruncatedNameHive"
expect_exit 1 "$HIVETOOL" check "$H/yarp-GarbageHive"
grep -q "^0x000001fc base .*header checksum is 0x4c564e49, should be 0x94d865b7" "$TMP/out" ||
	fail "GarbageHive: checksum finding missing"

# yarp-DupNameHive and yarp-TwoOwnersHive keep their duplicate names and
# doubly owned records in free cells (deleted data for recovery tools); the
# live structure is valid, so the checker must pass them.
for f in yarp-DupNameHive yarp-TwoOwnersHive yarp-DeletedDataHive; do
	expect_exit 0 "$HIVETOOL" check "$H/$f"
	[ "$(cat "$TMP/out")" = "$H/$f: no problems found" ] || fail "$f: unexpected findings"
done
