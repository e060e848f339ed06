#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hivetool on hives inside an image (IMAGE:PART:\path): SOFTWARE on
# partition 2 of a dynamic VHDX, edits committed inside the volume, create,
# diff and copy with a host hive; a dirty hive replayed from
# its logs inside the volume exactly as on the host, and its logs emptied by
# the commit; read-only commands never open the image writable.
. "$top_srcdir/tests/cli/lib.sh"
# strace runs the tools here; LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
KEY='Microsoft\Windows NT\CurrentVersion'

img="$TMP/win.vhdx"
"$VHDTOOL" build "$img" --size 300M --format vhdx --gpt --part esp:100M --part ntfs:150M >/dev/null
cfg="$img:2:\\Windows\\System32\\config"
"$VHDTOOL" mkdir -p "$cfg"

# A SOFTWARE hive made on the host, copied in.
"$HIVETOOL" create "$TMP/SOFTWARE" --root ROOT
"$HIVETOOL" mkkey "$TMP/SOFTWARE" "$KEY" -p
"$HIVETOOL" set "$TMP/SOFTWARE" "$KEY" ProductName REG_SZ "Windows 11 Pro"
"$VHDTOOL" cp "$TMP/SOFTWARE" "$cfg\\SOFTWARE"
sw="$cfg\\SOFTWARE"

out=$("$HIVETOOL" get "$img:2:\\Windows\\System32\\config\\SOFTWARE" "$KEY" ProductName)
[ "$out" = "Windows 11 Pro" ] || fail "get inside the image: '$out'"
"$HIVETOOL" info "$sw" | grep -q "^File: *$img:2:" || fail "info names the file inside the image"

# Edits are committed inside the volume; the host copy is untouched.
"$HIVETOOL" set "$sw" "$KEY" EditionID REG_SZ Professional
"$HIVETOOL" mkkey "$sw" 'Microsoft\Windows\CurrentVersion' -p
[ "$("$HIVETOOL" get "$sw" "$KEY" EditionID)" = Professional ] || fail "set inside the image"
expect_exit 1 "$HIVETOOL" get "$TMP/SOFTWARE" "$KEY" EditionID
"$HIVETOOL" check "$sw" >/dev/null || fail "check inside the image"
expect_exit 1 "$HIVETOOL" diff "$TMP/SOFTWARE" "$sw"
grep -q EditionID "$TMP/out" || fail "diff with the hive inside the image"
"$HIVETOOL" copy "$TMP/SOFTWARE" 'Microsoft\Windows' Copied --from "$sw"
"$HIVETOOL" ls "$TMP/SOFTWARE" Copied >/dev/null || fail "copy --from a hive inside the image"
"$VHDTOOL" ls "$cfg" > "$TMP/ls"
[ "$(wc -l < "$TMP/ls")" = 1 ] || { cat "$TMP/ls" >&2; fail "more than SOFTWARE in the folder"; }

# create and import --create inside the image.
"$HIVETOOL" create "$cfg\\NEW" --root NEWROOT
expect_exit 1 "$HIVETOOL" create "$cfg\\NEW"
grep -q "file exists" "$TMP/err" || fail "create over an existing hive inside the image"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[\\A]\r\n"v"=dword:00000007\r\n' > "$TMP/a.reg"
"$HIVETOOL" import "$cfg\\IMPORTED" "$TMP/a.reg" --create --prefix '' >/dev/null
[ "$("$HIVETOOL" get "$cfg\\IMPORTED" A v)" = "0x00000007 (7)" ] || fail "import --create inside the image"
"$VHDTOOL" cat "$cfg\\IMPORTED" > "$TMP/IMPORTED"
hivexregedit --export "$TMP/IMPORTED" '\' >/dev/null 2>&1 ||
	{ command -v hivexregedit >/dev/null 2>&1 && fail "libhivex cannot read the imported hive"; }

# Read-only commands open the image read-only; edits open it writable.
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=openat -o "$TMP/trace" "$HIVETOOL" get "$sw" "$KEY" ProductName >/dev/null
	grep -F "$img" "$TMP/trace" | grep -q O_RDONLY || fail "get did not open the image"
	if grep -F "$img" "$TMP/trace" | grep -q 'O_RDWR\|O_WRONLY'; then
		fail "get opened the image writable"
	fi
	strace -f -e trace=openat -o "$TMP/trace" "$HIVETOOL" set "$sw" "$KEY" X REG_DWORD 1
	grep -F "$img" "$TMP/trace" | grep -q O_RDWR || fail "set did not open the image writable"
fi

# A dirty hive and its logs inside the volume: replayed as on the host.
if [ -d "${BK_CORPUS:-/nonexistent}/hive/yarp-NewDirtyHive1" ]; then
	src="$BK_CORPUS/hive/yarp-NewDirtyHive1"
	mkdir "$TMP/host"
	cp "$src/NewDirtyHive" "$src/NewDirtyHive.LOG1" "$src/NewDirtyHive.LOG2" "$TMP/host/"
	chmod u+w "$TMP"/host/*    # the corpus is read-only; read-only hives are not edited
	"$VHDTOOL" mkdir "$img:2:\\dirty"
	for f in NewDirtyHive NewDirtyHive.LOG1 NewDirtyHive.LOG2; do
		"$VHDTOOL" cp "$TMP/host/$f" "$img:2:\\dirty\\$f"
	done
	dh="$img:2:\\dirty\\NewDirtyHive"
	"$HIVETOOL" info "$dh" > "$TMP/info" 2> "$TMP/notes"
	grep -q "recovered in memory from its transaction logs (4 entries" "$TMP/notes" ||
		fail "the logs inside the volume were not replayed"
	grep -q "^Sequence: *6 / 6" "$TMP/info" || fail "recovered sequence numbers"
	"$HIVETOOL" export "$dh" > "$TMP/img.reg" 2>/dev/null
	"$HIVETOOL" export "$TMP/host/NewDirtyHive" > "$TMP/host.reg" 2>/dev/null
	cmp -s "$TMP/img.reg" "$TMP/host.reg" || fail "replay inside the image differs from the host's"
	# A commit: new hive clean above every log, the logs emptied, as on the host.
	"$HIVETOOL" mkkey "$dh" Added 2>/dev/null
	"$HIVETOOL" mkkey "$TMP/host/NewDirtyHive" Added 2>/dev/null
	"$VHDTOOL" ls "$img:2:\\dirty" > "$TMP/ls"
	grep -q ' 0  .*NewDirtyHive.LOG1$' "$TMP/ls" && grep -q ' 0  .*NewDirtyHive.LOG2$' "$TMP/ls" ||
		{ cat "$TMP/ls" >&2; fail "the logs inside the volume were not emptied"; }
	"$HIVETOOL" info --no-logs "$dh" > "$TMP/info"
	grep -q "^State: *clean" "$TMP/info" || { cat "$TMP/info" >&2; fail "not clean after the commit"; }
	grep -q "^Sequence: *7 / 7" "$TMP/info" || { cat "$TMP/info" >&2; fail "sequence after the commit"; }
	"$HIVETOOL" export "$dh" > "$TMP/img.reg"
	"$HIVETOOL" export "$TMP/host/NewDirtyHive" > "$TMP/host.reg"
	cmp -s "$TMP/img.reg" "$TMP/host.reg" || fail "commit inside the image differs from the host's"
	# recover: dry run, to a host file, in place with .bak copies in the volume.
	"$VHDTOOL" mkdir "$img:2:\\rec"
	for f in NewDirtyHive NewDirtyHive.LOG1 NewDirtyHive.LOG2; do
		"$VHDTOOL" cp "$src/$f" "$img:2:\\rec\\$f"
	done
	rh="$img:2:\\rec\\NewDirtyHive"
	before=$(sha256sum < "$img")
	"$HIVETOOL" recover "$rh" --dry-run | grep -q "Dry run: nothing written" || fail "recover --dry-run"
	[ "$(sha256sum < "$img")" = "$before" ] || fail "recover --dry-run wrote the image"
	"$HIVETOOL" recover "$rh" -o "$TMP/rec.hiv" >/dev/null
	"$HIVETOOL" recover "$src/NewDirtyHive" -o "$TMP/ref.hiv" >/dev/null
	cmp "$TMP/rec.hiv" "$TMP/ref.hiv" || fail "recover out of the image differs from the host's"
	"$HIVETOOL" recover "$rh" >/dev/null
	"$VHDTOOL" cat "$rh" | cmp - "$TMP/ref.hiv" || fail "recover in place inside the image"
	"$VHDTOOL" cat "$rh.bak" | cmp - "$src/NewDirtyHive" || fail "recover: NewDirtyHive.bak"
	"$VHDTOOL" cat "$rh.LOG2.bak" | cmp - "$src/NewDirtyHive.LOG2" || fail "recover: LOG2.bak"
	[ -z "$("$VHDTOOL" cat "$rh.LOG1")" ] || fail "recover: LOG1 not emptied"
	"$HIVETOOL" recover "$rh" | grep -q "clean; nothing to recover" || fail "recover twice"
	echo "ok: logs inside the volume"
fi
echo "ok: hivetool inside a VHDX"
