#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Error paths of hivetool, bcdedit and vhdtool on bad inputs and unwritable targets:
# one line on stderr naming the file (bcdedit: Microsoft's message first, then
# one line naming the file), a non-zero exit, nothing written or
# left behind.  Also the detail of a commit whose stale log cannot be
# emptied, which once came out garbled (the error buffer quoted itself).
. "$top_srcdir/tests/cli/lib.sh"
BCDEDIT="${BK_TOOLDIR:-$top_builddir}/bcdedit"

# one_line FILE-NAMED: stderr is exactly one line and mentions it.
one_line() {
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "not one line of error"; }
	grep -qF -- "$1" "$TMP/err" || { cat "$TMP/err" >&2; fail "error does not name $1"; }
}

# ms_error FIRST FILE-NAMED: bcdedit's error: Microsoft's message first, then
# (perhaps) the reason, then one detail line naming the file (bcdedit(1)).
ms_error() {
	[ "$(sed -n 1p "$TMP/err")" = "$1" ] || { cat "$TMP/err" >&2; fail "first line is not '$1'"; }
	[ "$(grep -c '^bcdedit: ' "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "not one detail line"; }
	[ "$(wc -l < "$TMP/err")" -le 3 ] || { cat "$TMP/err" >&2; fail "error too long"; }
	grep '^bcdedit: ' "$TMP/err" | grep -qF -- "$2" || { cat "$TMP/err" >&2; fail "error does not name $2"; }
}

# only_files LIST: the work folder holds exactly these names (no temporaries).
only_files() {
	got=$(cd "$TMP/w" && ls -A | tr '\n' ' ')
	[ "$got" = "$1" ] || fail "work folder holds '$got', expected '$1'"
}

mkdir "$TMP/w"
mkhive 'key Software
value Software v sz hello' "$TMP/w/good.hiv"
cp "$TMP/w/good.hiv" "$TMP/orig.hiv"
head -c 6000 /dev/zero | tr '\0' 'x' > "$TMP/w/garbage"
: > "$TMP/w/empty"
mkdir "$TMP/w/dir"
echo data > "$TMP/w/plain"

# Unreadable input of every kind, for readers and editors.
for f in missing dir garbage empty; do
	for cmd in info ls check export; do
		expect_exit 2 "$HIVETOOL" "$cmd" "$TMP/w/$f"
		one_line "$TMP/w/$f"
	done
	expect_exit 2 "$HIVETOOL" set "$TMP/w/$f" Software v2 dword 1
	one_line "$TMP/w/$f"
	expect_exit 2 "$HIVETOOL" diff "$TMP/w/good.hiv" "$TMP/w/$f"
	one_line "$TMP/w/$f"
	expect_exit 1 "$BCDEDIT" --store "$TMP/w/$f" /enum all
	ms_error "The boot configuration data store could not be opened." "$TMP/w/$f"
done
only_files "dir empty garbage good.hiv plain "

# A FIFO is refused at once, not waited on for a writer.
mkfifo "$TMP/fifo"
expect_exit 2 timeout 60 "$HIVETOOL" info "$TMP/fifo"
one_line "$TMP/fifo: not a regular file"
expect_exit 1 timeout 60 "$BCDEDIT" --store "$TMP/fifo" /enum all
ms_error "The boot configuration data store could not be opened." "$TMP/fifo: not a regular file"
expect_exit 2 timeout 60 "$top_builddir/vhdtool" info "$TMP/fifo"
one_line "$TMP/fifo: not a regular file or block device"

# A size so large that rounding it up to a whole MiB would wrap around.
expect_exit 2 "$top_builddir/vhdtool" create "$TMP/huge.vhd" --size 18446744073709551615
grep -q 'is too large' "$TMP/err" || fail "vhdtool create: $(cat "$TMP/err")"
[ ! -e "$TMP/huge.vhd" ] || fail "vhdtool create wrote a file for a refused size"

# A target inside a regular file (not a folder): nothing is written.
expect_exit 1 "$HIVETOOL" export "$TMP/w/good.hiv" -o "$TMP/w/plain/out.reg"
one_line "$TMP/w/plain/out.reg"
expect_exit 1 "$HIVETOOL" create "$TMP/w/plain/new.hiv"
one_line "$TMP/w/plain/new.hiv"
expect_exit 1 "$BCDEDIT" /createstore "$TMP/w/plain/BCD"
ms_error "The store creation operation has failed." "$TMP/w/plain/BCD"
expect_exit 1 "$HIVETOOL" export "$TMP/w/good.hiv" -o "$TMP/w/dir"
one_line "$TMP/w/dir"
only_files "dir empty garbage good.hiv plain "
cmp -s "$TMP/w/good.hiv" "$TMP/orig.hiv" || fail "good.hiv changed"

# An edit at the root ("" as KEY) that fails: the line starts with the file.
expect_exit 1 "$HIVETOOL" del "$TMP/w/good.hiv" "" nosuch
one_line "$TMP/w/good.hiv"
grep -q "^hivetool: $TMP/w/good.hiv: " "$TMP/err" || fail "bad error line: $(cat "$TMP/err")"

# A folder at a log's name is no log (doc/safety.md): never read or emptied.
mkdir "$TMP/w/good.hiv.LOG1"
: > "$TMP/w/good.hiv.LOG1/x"
expect_exit 0 "$HIVETOOL" set "$TMP/w/good.hiv" Software v1 sz hello
[ -f "$TMP/w/good.hiv.LOG1/x" ] || fail "a folder at a log's name was touched"
rm -rf "$TMP/w/good.hiv.LOG1"
# A stale log that cannot be emptied (it has another hard link): the value
# is written, the exit is 1 and the detail says which log and why, intact.
printf 'stale' > "$TMP/w/good.hiv.LOG1"
ln "$TMP/w/good.hiv.LOG1" "$TMP/w/plain.link"
expect_exit 1 "$HIVETOOL" set "$TMP/w/good.hiv" Software v2 sz world
one_line "written, but its stale log could not be emptied: $TMP/w/good.hiv.LOG1: "
expect_exit 0 "$HIVETOOL" get "$TMP/w/good.hiv" Software v2
[ "$(cat "$TMP/out")" = world ] || fail "value not written: $(cat "$TMP/out")"
rm -f "$TMP/w/good.hiv.LOG1" "$TMP/w/plain.link"
only_files "dir empty garbage good.hiv plain "
exit 0
