#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile folders (doc/safety.md): symbolic links planted at every log,
# temporary and backup name; read-only, foreign-owned, symlinked and
# hard-linked targets; outputs that exist.  No file outside the target
# changes, owner and mode are kept, and every refusal is one line.
. "$top_srcdir/tests/cli/lib.sh"
BCDEDIT="$top_builddir/bcdedit"
VHDTOOL="$top_builddir/vhdtool"
NOBODY=54321     # a uid and gid no file here belongs to

# one_line: the last command failed with exactly one line on stderr.
one_line() {
	[ "$(wc -l < "$TMP/err")" = 1 ] || fail "refusal not one line: $(cat "$TMP/err")"
}
sum() { sha256sum "$@" | cut -d' ' -f1; }

mkdir "$TMP/f" "$TMP/outside"
echo 'root:secret' > "$TMP/outside/shadow"
chmod 640 "$TMP/outside/shadow"
V=$(sum "$TMP/outside/shadow")
victim_same() {
	[ "$(sum "$TMP/outside/shadow")" = "$V" ] || fail "$1: a file outside the target changed"
	[ -f "$TMP/outside/shadow" ] && [ ! -L "$TMP/outside/shadow" ] || fail "$1: victim replaced"
	[ "$(stat -c %a "$TMP/outside/shadow")" = 640 ] || fail "$1: victim mode changed"
}
H="$TMP/f/h.hiv"
"$HIVETOOL" create "$H"
"$HIVETOOL" mkkey "$H" K

# ---- symbolic links at the log names: never emptied, never read ---------------
for l in LOG LOG1 LOG2 log1; do
	ln -s ../outside/shadow "$H.$l"
done
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 1
victim_same "planted log links"
for l in LOG LOG1 LOG2 log1; do
	[ -L "$H.$l" ] || fail "log link $l replaced"
	rm "$H.$l"
done
# A log with another hard link is not emptied either (that would empty the
# other name): here a real new-format log's worth of bytes, linked outside.
printf 'regf' > "$TMP/outside/linked"
ln "$TMP/outside/linked" "$H.LOG1"
expect_exit 1 "$HIVETOOL" set "$H" K a REG_DWORD 2
grep -q "has other hard links; left alone" "$TMP/err" || fail "linked log: $(cat "$TMP/err")"
one_line
[ "$(cat "$TMP/outside/linked")" = regf ] || fail "a hard-linked log was emptied"
rm "$H.LOG1"

# ---- backups: a link at NAME.bak is refused, the victim untouched --------------
ln -s ../outside/shadow "$H.bak"
expect_exit 1 "$HIVETOOL" set "$H" K a REG_DWORD 3 --backup
grep -qx "hivetool: $H.bak: a symbolic link; left alone" "$TMP/err" ||
	fail "backup link: $(cat "$TMP/err")"
victim_same "planted backup link"
[ "$("$HIVETOOL" get "$H" K a)" = "0x00000002 (2)" ] || fail "refused edit was written"
rm "$H.bak"
# A regular file planted at NAME.bak by someone else is replaced, and the
# backup gets the hive's owner and mode, not the planted file's.
echo planted > "$H.bak"
chown $NOBODY:$NOBODY "$H.bak"
chmod 666 "$H.bak"
chmod 600 "$H"
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 3 --backup
[ "$(stat -c %u:%g:%a "$H.bak")" = "0:0:600" ] ||
	fail "backup owner/mode: $(stat -c %u:%g:%a "$H.bak")"
rm "$H.bak"
chmod 644 "$H"

# ---- temporaries: links at guessable names are never followed or removed -------
# Names are random, so none can be planted in advance; old-style ones
# ("NAME.tmpPID.N") and ones of a dead PID are left alone when they are links.
ln -s ../outside/shadow "$H.tmp1.0"
ln -s ../outside/shadow "$H.tmp99999999.0123456789ab"
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 4
victim_same "planted temporary links"
[ -L "$H.tmp1.0" ] && [ -L "$H.tmp99999999.0123456789ab" ] || fail "planted link removed"
rm "$H".tmp*

# ---- read-only target: refused unless --force, mode kept -----------------------
chmod 444 "$H"
expect_exit 1 "$HIVETOOL" set "$H" K a REG_DWORD 5
grep -qx "hivetool: $H: file is read-only (use --force to replace it)" "$TMP/err" ||
	fail "read-only: $(cat "$TMP/err")"
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 5 --force
[ "$(stat -c %a "$H")" = 444 ] || fail "read-only mode not kept"
chmod 644 "$H"

# ---- foreign owner: root keeps it --------------------------------------------------
chown $NOBODY:$NOBODY "$H"
chmod 640 "$H"
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 6
[ "$(stat -c %u:%g:%a "$H")" = "$NOBODY:$NOBODY:640" ] ||
	fail "owner not kept: $(stat -c %u:%g:%a "$H")"
chown 0:0 "$H"
chmod 644 "$H"

# ---- a user who may write the folder but not the file ------------------------------
if command -v setpriv >/dev/null 2>&1; then
	as_user() { setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"; }
	chmod 777 "$TMP/f"
	chmod 755 "$TMP"
	expect_exit 1 as_user "$HIVETOOL" set "$H" K a REG_DWORD 7
	grep -q "file is not writable by this user" "$TMP/err" || fail "foreign file: $(cat "$TMP/err")"
	one_line
	expect_exit 1 as_user "$HIVETOOL" set "$H" K a REG_DWORD 7 --force
	grep -q "owned by 0:0; the new file could not keep that owner" "$TMP/err" ||
		fail "foreign file --force: $(cat "$TMP/err")"
	one_line
	[ "$(stat -c %u "$H")" = 0 ] || fail "a user took over root's file"
	[ "$("$HIVETOOL" get "$H" K a)" = "0x00000006 (6)" ] || fail "refused edit was written"
	ls -A "$TMP/f" | grep -q '\.tmp' && fail "temporary left: $(ls -A "$TMP/f")"
	chmod 755 "$TMP/f"
else
	echo "SKIP (non-root user): setpriv not installed"
fi

# ---- symlinked target: the link stays, its target is replaced in its folder --------
mkdir "$TMP/real"
"$HIVETOOL" create "$TMP/real/r.hiv"
"$HIVETOOL" mkkey "$TMP/real/r.hiv" K
ln -s ../real/r.hiv "$TMP/f/link.hiv"
expect_exit 0 "$HIVETOOL" set "$TMP/f/link.hiv" K a REG_DWORD 8
[ -L "$TMP/f/link.hiv" ] || fail "symbolic link replaced by a file"
[ "$("$HIVETOOL" get "$TMP/real/r.hiv" K a)" = "0x00000008 (8)" ] || fail "link target unchanged"
ls -A "$TMP/f" "$TMP/real" | grep -q '\.tmp' && fail "temporary left"
ln -s ../real/missing.hiv "$TMP/f/dangling.hiv"
expect_exit 2 "$HIVETOOL" set "$TMP/f/dangling.hiv" K a REG_DWORD 1
one_line

# ---- hard links: refused unless --force --------------------------------------------
ln "$H" "$TMP/outside/h2.hiv"
H2=$(sum "$TMP/outside/h2.hiv")
expect_exit 1 "$HIVETOOL" set "$H" K a REG_DWORD 9
grep -q "file has 1 other hard links" "$TMP/err" || fail "hard link: $(cat "$TMP/err")"
one_line
[ "$(sum "$TMP/outside/h2.hiv")" = "$H2" ] || fail "hard link changed"
expect_exit 0 "$HIVETOOL" set "$H" K a REG_DWORD 9 --force
[ "$(sum "$TMP/outside/h2.hiv")" = "$H2" ] || fail "--force changed the other name"
rm "$TMP/outside/h2.hiv"

# ---- bcdedit: read-only store, /export over an existing file -------------------------
S="$TMP/f/BCD"
"$BCDEDIT" /createstore "$S" >/dev/null
chmod 444 "$S"
expect_exit 1 "$BCDEDIT" --store "$S" /create '{bootmgr}' /d x
grep -q "file is read-only" "$TMP/err" || fail "bcdedit read-only: $(cat "$TMP/err")"
chmod 644 "$S"
echo old > "$TMP/f/exported"
expect_exit 1 "$BCDEDIT" --store "$S" /export "$TMP/f/exported"
grep -qx "bcdedit: $TMP/f/exported: file exists (use --force to replace it)" "$TMP/err" ||
	fail "bcdedit /export: $(cat "$TMP/err")"
[ "$(cat "$TMP/f/exported")" = old ] || fail "/export replaced an existing file"
expect_exit 0 "$BCDEDIT" --store "$S" /export "$TMP/f/exported" /f
expect_exit 1 "$BCDEDIT" --store "$S" /export "$S" /f
grep -q "is the input file" "$TMP/err" || fail "/export over the store: $(cat "$TMP/err")"

# ---- vhdtool: existing outputs, input as output, read-only image -----------------------
I="$TMP/f/x.img"
echo data > "$I"
expect_exit 1 "$VHDTOOL" create "$I" --size 1M
grep -qx "vhdtool: $I: file exists (use --force to replace it)" "$TMP/err" ||
	fail "vhdtool create: $(cat "$TMP/err")"
[ "$(cat "$I")" = data ] || fail "create replaced an existing file"
expect_exit 0 "$VHDTOOL" create "$I" --size 4M --force
expect_exit 1 "$VHDTOOL" convert "$I" "$I" --force
grep -q "is the input file" "$TMP/err" || fail "convert onto itself: $(cat "$TMP/err")"
"$VHDTOOL" create "$TMP/f/y.vhd" --size 1M
expect_exit 1 "$VHDTOOL" convert "$I" "$TMP/f/y.vhd"
grep -q "file exists (use --force" "$TMP/err" || fail "convert: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" build "$TMP/f/y.vhd" --size 8M --mbr --part fat32:rest:empty
grep -q "file exists (use --force" "$TMP/err" || fail "build: $(cat "$TMP/err")"
chmod 444 "$I"
expect_exit 1 "$VHDTOOL" partition "$I" --mbr --add fat32:rest
grep -q "file is read-only" "$TMP/err" || fail "partition read-only: $(cat "$TMP/err")"
one_line
expect_exit 0 "$VHDTOOL" partition "$I" --mbr --add fat32:rest --force
[ "$(stat -c %a "$I")" = 444 ] || fail "partition: mode not kept"
victim_same "end"
ls -A "$TMP/f" | grep -q '\.tmp' && fail "temporary left: $(ls -A "$TMP/f")"
exit 0
