#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Progress of vhdtool convert, build and cp: a bar on standard error when it is
# a terminal (run under script(1), which gives the command a pseudo-
# terminal), none with -q, none when standard error is a file, and one with
# -p even then.  A WIM applied by build reports through wimlib's progress
# callback ("applying WIM"), the write pass after it ("writing"); files=
# copied into a FAT partition ("copying files").
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
PATH="$PATH:/usr/sbin:/sbin"
command -v script >/dev/null 2>&1 || skip "script (bsdutils) not installed"

# A 48 MiB raw disk full of data: the conversion takes several steps.
head -c 50331648 /dev/urandom >"$TMP/in.img"

# on_tty FILE CMD...: run CMD with a terminal as stdin/stdout/stderr, all
# its terminal output in FILE.
on_tty() {
	out=$1; shift
	script -qec "$*" /dev/null >"$out" </dev/null || fail "'$*' failed: $(cat "$out")"
}

on_tty "$TMP/tty" "$VHDTOOL" convert "$TMP/in.img" "$TMP/a.vhdx"
grep -q '\] 100%' "$TMP/tty" || fail "no finished bar on a terminal: $(cat -A "$TMP/tty")"
steps=$(tr '\r' '\n' <"$TMP/tty" | grep -c '^\[[#.]*\] *[0-9]*%')
[ "$steps" -ge 3 ] || fail "the bar was drawn $steps times, expected it to move"
"$VHDTOOL" convert "$TMP/a.vhdx" "$TMP/back.img" 2>"$TMP/err"
cmp "$TMP/in.img" "$TMP/back.img" || fail "the converted image differs"
echo "ok: convert draws a bar on a terminal ($steps steps)"

on_tty "$TMP/tty" "$VHDTOOL" convert -q "$TMP/in.img" "$TMP/b.vhdx"
[ ! -s "$TMP/tty" ] || fail "-q printed on the terminal: $(cat -A "$TMP/tty")"
[ -s "$TMP/b.vhdx" ] || fail "-q: no output image"
echo "ok: -q silences the bar"

# Errors still print with -q.
script -qec "$VHDTOOL convert -q $TMP/none.img $TMP/c.vhdx" /dev/null >"$TMP/tty" </dev/null || true
grep -q 'none.img' "$TMP/tty" || fail "-q hid an error: $(cat -A "$TMP/tty")"
echo "ok: -q keeps errors"

# Not a terminal: nothing; -p: the bar all the same.
"$VHDTOOL" convert "$TMP/in.img" "$TMP/d.vhd" 2>"$TMP/err"
[ ! -s "$TMP/err" ] || fail "a bar without a terminal: $(cat -A "$TMP/err")"
"$VHDTOOL" convert -p "$TMP/in.img" "$TMP/e.vhd" 2>"$TMP/err"
grep -q '\] 100%' "$TMP/err" || fail "-p drew no bar: $(cat -A "$TMP/err")"
echo "ok: no bar into a file, a bar with -p"

# -p and -q are for convert, build and cp only.
expect_exit 2 "$VHDTOOL" info -p "$TMP/a.vhdx"
expect_exit 2 "$VHDTOOL" partition "$TMP/a.vhdx" --quiet

# cp: a bar for a large copy on a terminal, in all three directions; none
# for a small one unless -p; none with -q.
head -c 20971520 /dev/urandom >"$TMP/big.bin"
head -c 100000 /dev/urandom >"$TMP/small.bin"
"$VHDTOOL" build "$TMP/fat.img" --size 160M --mbr --part fat32:rest 2>"$TMP/err" ||
	fail "build fat32: $(cat "$TMP/err")"
on_tty "$TMP/tty" "$VHDTOOL" cp "$TMP/big.bin" "$TMP/fat.img:1:/big.bin"
grep -q '\] 100%' "$TMP/tty" || fail "cp into an image: no bar: $(cat -A "$TMP/tty")"
steps=$(tr '\r' '\n' <"$TMP/tty" | grep -c '^\[[#.]*\] *[0-9]*%')
[ "$steps" -ge 3 ] || fail "cp: the bar was drawn $steps times, expected it to move"
"$VHDTOOL" cat "$TMP/fat.img:1:/big.bin" | cmp - "$TMP/big.bin" || fail "cp: the copy differs"
on_tty "$TMP/tty" "$VHDTOOL" cp "$TMP/fat.img:1:/big.bin" "$TMP/out.bin"
grep -q '\] 100%' "$TMP/tty" || fail "cp out of an image: no bar: $(cat -A "$TMP/tty")"
cmp "$TMP/out.bin" "$TMP/big.bin" || fail "cp out: the copy differs"
on_tty "$TMP/tty" "$VHDTOOL" cp "$TMP/fat.img:1:/big.bin" "$TMP/fat.img:1:/big2.bin"
grep -q '\] 100%' "$TMP/tty" || fail "cp inside an image: no bar: $(cat -A "$TMP/tty")"
on_tty "$TMP/tty" "$VHDTOOL" cp -q "$TMP/big.bin" "$TMP/fat.img:1:/big3.bin"
[ ! -s "$TMP/tty" ] || fail "cp -q printed: $(cat -A "$TMP/tty")"
on_tty "$TMP/tty" "$VHDTOOL" cp "$TMP/small.bin" "$TMP/fat.img:1:/small.bin"
[ ! -s "$TMP/tty" ] || fail "a bar for a small copy: $(cat -A "$TMP/tty")"
"$VHDTOOL" cp "$TMP/big.bin" "$TMP/fat.img:1:/big4.bin" 2>"$TMP/err"
[ ! -s "$TMP/err" ] || fail "cp: a bar without a terminal: $(cat -A "$TMP/err")"
"$VHDTOOL" cp -p "$TMP/small.bin" "$TMP/fat.img:1:/small2.bin" 2>"$TMP/err"
grep -q '\] 100%' "$TMP/err" || fail "cp -p drew no bar: $(cat -A "$TMP/err")"
expect_exit 2 "$VHDTOOL" mkdir --progress "$TMP/fat.img:1:/d"
echo "ok: cp draws a bar for a large copy, -p for any, none with -q"

# build files=: the copy into the FAT partition has its own bar.
mkdir -p "$TMP/files/sub"
cp "$TMP/big.bin" "$TMP/files/sub/big.bin"
cp "$TMP/small.bin" "$TMP/files/small.bin"
on_tty "$TMP/tty" "$VHDTOOL" build "$TMP/f.vhdx" --size 64M --mbr --part fat32:rest:files="$TMP/files"
tr '\r' '\n' <"$TMP/tty" >"$TMP/lines"
grep -q '^partition 1: copying files *\[#*\] 100%' "$TMP/lines" ||
	fail "no files= bar: $(cat -A "$TMP/tty")"
"$VHDTOOL" cat "$TMP/f.vhdx:1:/sub/big.bin" | cmp - "$TMP/big.bin" || fail "files=: the copy differs"
on_tty "$TMP/tty" "$VHDTOOL" build "$TMP/g.vhdx" --size 64M --mbr -q --part fat32:rest:files="$TMP/files"
[ ! -s "$TMP/tty" ] || fail "build -q printed: $(cat -A "$TMP/tty")"
echo "ok: build files= draws its bar, nothing with -q"

# build: a WIM apply, then the write pass, each with its bar.
for t in mkntfs wimlib-imagex; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP (build part): $t not installed"; exit 0; }
done
grep -q '^#define HAVE_NTFS3G 1' "$top_builddir/config.h" &&
	grep -q '^#define HAVE_WIMLIB 1' "$top_builddir/config.h" ||
	{ echo "SKIP (build part): built without NTFS support or wimlib"; exit 0; }
mkdir -p "$TMP/src/Windows"
head -c 3000000 /dev/urandom >"$TMP/src/Windows/big.bin"
wimlib-imagex capture "$TMP/src" "$TMP/t.wim" Test --compress=none >/dev/null ||
	fail "wimlib-imagex capture"
on_tty "$TMP/tty" "$VHDTOOL" build "$TMP/w.vhdx" --size 64M --mbr \
	--part ntfs:rest:active:wim="$TMP/t.wim"
tr '\r' '\n' <"$TMP/tty" >"$TMP/lines"
grep -q '^partition 1: applying WIM *\[#*\] 100%' "$TMP/lines" ||
	fail "no WIM bar: $(cat -A "$TMP/tty")"
grep -q '^partition 1: writing *\[#*\] 100%' "$TMP/lines" ||
	fail "no write bar: $(cat -A "$TMP/tty")"
on_tty "$TMP/tty" "$VHDTOOL" build "$TMP/q.vhdx" --size 64M --mbr -q \
	--part ntfs:rest:active:wim="$TMP/t.wim"
[ ! -s "$TMP/tty" ] || fail "build -q printed: $(cat -A "$TMP/tty")"
"$VHDTOOL" cat "$TMP/q.vhdx:1:/Windows/big.bin" | cmp - "$TMP/src/Windows/big.bin" ||
	fail "build -q: the WIM's file differs"
echo "ok: build shows the WIM apply and the write pass, nothing with -q"
