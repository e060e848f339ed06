#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vhdtool cp, mkdir, rm, mv on NTFS and FAT partitions: cp(1)-like target
# rules, replace inside images, host files never replaced, links, FIFOs and
# devices refused, case-insensitive names that keep their case, the
# IMAGE[:PART]:PATH rules, a bare volume (a partition device), and a volume
# left clean for ntfsfix -n / fsck.fat -n.  A refused command changes no byte.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
need_ntfs
PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs ntfsfix fsck.fat; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

H="$TMP/host"
mkdir -p "$H/dir/sub"
printf 'one\n' > "$H/a.txt"
printf 'two\n' > "$H/dir/b.txt"
printf 'three\n' > "$H/dir/sub/c.txt"
printf 'not a folder\n' > "$H/Boot"

# sum FILE: its hash, to see that a refused command changed nothing.
sum() { sha256sum "$1" | cut -d' ' -f1; }

for fs in ntfs fat32; do
	I="$TMP/$fs.vhdx"
	expect_exit 0 "$VHDTOOL" build "$I" --size 100M --mbr --part $fs:rest:active
	expect_exit 0 "$VHDTOOL" mkdir "$I:/Boot"

	# Into an existing folder, and to a new name.
	expect_exit 0 "$VHDTOOL" cp "$H/a.txt" "$I:/Boot"
	expect_exit 0 "$VHDTOOL" cat "$I:\\Boot\\a.txt"
	[ "$(cat "$TMP/out")" = one ] || fail "$fs: into a folder"
	expect_exit 0 "$VHDTOOL" cp "$H/a.txt" "$I:/new name.txt"
	expect_exit 0 "$VHDTOOL" cat "$I:/NEW NAME.TXT"
	[ "$(cat "$TMP/out")" = one ] || fail "$fs: new name / case-insensitive"

	# Replace, case-insensitively, keeping the stored case; no temporary left.
	expect_exit 0 "$VHDTOOL" cp "$H/dir/b.txt" "$I:/BOOT/A.TXT"
	expect_exit 0 "$VHDTOOL" cat "$I:/Boot/a.txt"
	[ "$(cat "$TMP/out")" = two ] || fail "$fs: replace"
	expect_exit 0 "$VHDTOOL" ls "$I:/Boot"
	grep -q ' a\.txt$' "$TMP/out" || fail "$fs: case not kept: $(cat "$TMP/out")"
	[ "$(wc -l < "$TMP/out")" -eq 1 ] || fail "$fs: leftovers: $(cat "$TMP/out")"

	# Folders need -r; -r copies the tree into the folder.
	sum0=$(sum "$I")
	expect_exit 1 "$VHDTOOL" cp "$H/dir" "$I:/Boot"
	grep -q 'dir: is a folder (use -r)' "$TMP/err" || fail "$fs: -r: $(cat "$TMP/err")"
	[ "$(sum "$I")" = "$sum0" ] || fail "$fs: a refused cp changed the image"
	expect_exit 0 "$VHDTOOL" cp -r "$H/dir" "$I:/Boot"
	expect_exit 0 "$VHDTOOL" cat "$I:/Boot/dir/sub/c.txt"
	[ "$(cat "$TMP/out")" = three ] || fail "$fs: cp -r"

	# Never a folder replaced by a file, nor the reverse.
	sum0=$(sum "$I")
	expect_exit 1 "$VHDTOOL" cp "$H/Boot" "$I:/"
	grep -q 'cannot overwrite a folder with a file' "$TMP/err" || fail "$fs: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" cp -r "$H/dir" "$I:/Boot/a.txt"
	grep -q 'cannot overwrite a file with a folder' "$TMP/err" || fail "$fs: $(cat "$TMP/err")"
	# Several sources need a folder; a missing parent is an error.
	expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$H/dir/b.txt" "$I:/Boot/a.txt"
	grep -q 'not a folder (several sources)' "$TMP/err" || fail "$fs: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$I:/nope/x.txt"
	grep -q "$fs.vhdx:1:.*nope" "$TMP/err" || fail "$fs: missing parent: $(cat "$TMP/err")"
	[ "$(sum "$I")" = "$sum0" ] || fail "$fs: a refused cp changed the image"

	# Out to the host: a new file or tree; an existing host file is kept.
	expect_exit 0 "$VHDTOOL" cp "$I:/Boot/a.txt" "$TMP/a.$fs.out"
	[ "$(cat "$TMP/a.$fs.out")" = two ] || fail "$fs: cp out"
	printf 'keep\n' > "$TMP/keep.$fs"
	expect_exit 1 "$VHDTOOL" cp "$I:/Boot/a.txt" "$TMP/keep.$fs"
	grep -q "keep.$fs: exists; vhdtool never replaces host files" "$TMP/err" || fail "$fs: $(cat "$TMP/err")"
	[ "$(cat "$TMP/keep.$fs")" = keep ] || fail "$fs: host file replaced"
	expect_exit 0 "$VHDTOOL" cp -r "$I:/Boot" "$TMP/out.$fs"
	[ "$(cat "$TMP/out.$fs/dir/sub/c.txt")" = three ] || fail "$fs: cp -r out"
	ls -a "$TMP" | grep -q 'bk-export' && fail "$fs: temporary left on the host"
	# Between two volumes (the other image is the NTFS one).
	if [ $fs = fat32 ]; then
		expect_exit 0 "$VHDTOOL" cp -r "$TMP/ntfs.vhdx:/Boot" "$I:/from-ntfs"
		expect_exit 0 "$VHDTOOL" cat "$I:/from-ntfs/dir/b.txt"
		[ "$(cat "$TMP/out")" = two ] || fail "volume to volume"
	fi

	# mkdir, rm, mv.
	expect_exit 1 "$VHDTOOL" mkdir "$I:/x/y"
	expect_exit 0 "$VHDTOOL" mkdir -p "$I:/x/y/z" "$I:/Boot"
	expect_exit 1 "$VHDTOOL" mkdir "$I:/x"
	grep -q 'exists' "$TMP/err" || fail "$fs: mkdir existing: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" rm "$I:/x"
	grep -q 'is a folder (use -r)' "$TMP/err" || fail "$fs: rm folder: $(cat "$TMP/err")"
	expect_exit 0 "$VHDTOOL" rm -r "$I:/x"
	expect_exit 1 "$VHDTOOL" ls "$I:/x"
	expect_exit 0 "$VHDTOOL" mv "$I:/new name.txt" "$I:/Boot/moved.txt"
	expect_exit 1 "$VHDTOOL" ls "$I:/new name.txt"
	expect_exit 0 "$VHDTOOL" mv "$I:/Boot/moved.txt" "$I:/Boot/a.txt"    # replaces
	expect_exit 0 "$VHDTOOL" cat "$I:/Boot/a.txt"
	[ "$(cat "$TMP/out")" = one ] || fail "$fs: mv replace"
	expect_exit 1 "$VHDTOOL" mv "$I:/Boot" "$I:/Boot/dir"
	expect_exit 1 "$VHDTOOL" mv "$I:/Boot/a.txt" "$TMP/elsewhere"
	grep -q 'not inside an image' "$TMP/err" || fail "$fs: mv out: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" rm "$I:/"
	expect_exit 0 "$VHDTOOL" rm "$I:/Boot/a.txt"
	expect_exit 1 "$VHDTOOL" rm "$I:/Boot/a.txt"
	grep -q 'no such file or folder' "$TMP/err" || fail "$fs: rm missing"

	# Host links, FIFOs and devices are refused and never followed.
	mkdir -p "$TMP/bad.$fs"
	ln -s /etc/passwd "$TMP/bad.$fs/link"
	expect_exit 1 "$VHDTOOL" cp "$TMP/bad.$fs/link" "$I:/"
	grep -q 'link: a symbolic link: refused' "$TMP/err" || fail "$fs: link: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" cp -r "$TMP/bad.$fs" "$I:/"
	grep -q 'a symbolic link: refused' "$TMP/err" || fail "$fs: link in tree"
	expect_exit 1 "$VHDTOOL" ls "$I:/bad.$fs/link"
	rm "$TMP/bad.$fs/link"
	mkfifo "$TMP/bad.$fs/fifo"
	expect_exit 1 timeout 20 "$VHDTOOL" cp -r "$TMP/bad.$fs" "$I:/"
	grep -q 'fifo: a FIFO: refused' "$TMP/err" || fail "$fs: fifo: $(cat "$TMP/err")"
	expect_exit 1 "$VHDTOOL" cp /dev/null "$I:/"
	grep -q 'a device: refused' "$TMP/err" || fail "$fs: device: $(cat "$TMP/err")"

	# The independent checker is happy with what is left.
	expect_exit 0 "$VHDTOOL" convert "$I" "$TMP/r.img" --format raw
	dd if="$TMP/r.img" of="$TMP/vol" bs=1M skip=1 status=none
	if [ $fs = ntfs ]; then
		ntfsfix -n "$TMP/vol" > "$TMP/fix" 2>&1 || { cat "$TMP/fix"; fail "ntfsfix -n"; }
	else
		fsck.fat -n "$TMP/vol" > "$TMP/fix" 2>&1 || { cat "$TMP/fix"; fail "fsck.fat -n"; }
	fi
	rm -f "$TMP/r.img" "$TMP/vol"
done

# IMAGE[:PART]:PATH: several partitions need a number; a host path that
# exists is a host path even with ':'; "IMG:\2" is a file named 2.
G="$TMP/g.img"
expect_exit 0 "$VHDTOOL" build "$G" --size 100M --gpt --part esp:40M --part ntfs:rest
expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$G:/"
grep -q 'g.img: 2 partitions and none active: give a partition number' "$TMP/err" ||
	fail "default partition: $(cat "$TMP/err")"
expect_exit 0 "$VHDTOOL" cp "$H/a.txt" "$G:2:\\2"
expect_exit 0 "$VHDTOOL" cat "$G:2:\\2"
[ "$(cat "$TMP/out")" = one ] || fail "file named 2"
expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$G:3:/x"
grep -q 'no partition 3' "$TMP/err" || fail "partition 3: $(cat "$TMP/err")"
expect_exit 2 "$VHDTOOL" cp "$H/a.txt" "$G:999:/x"
grep -q '999: not a partition number' "$TMP/err" || fail "partition 999: $(cat "$TMP/err")"
printf 'colon\n' > "$TMP/with:colon"
expect_exit 0 "$VHDTOOL" cp "$TMP/with:colon" "$G:1:/colon.txt"
expect_exit 0 "$VHDTOOL" cat "$G:1:/colon.txt"
[ "$(cat "$TMP/out")" = colon ] || fail "host path with a colon"
expect_exit 1 "$VHDTOOL" cp "$TMP/with:colon" "$G:1:/"
grep -q 'Windows forbids' "$TMP/err" || fail "name with a colon: $(cat "$TMP/err")"
expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$TMP/a.txt"
grep -q 'neither side is inside an image' "$TMP/err" || fail "host to host: $(cat "$TMP/err")"

# A bare NTFS volume (as /dev/sdb1 is): partition 0, the whole file.
truncate -s 16M "$TMP/sdb1"
mkntfs -F -Q -q "$TMP/sdb1" >/dev/null 2>&1 || fail "mkntfs"
expect_exit 0 "$VHDTOOL" cp -r "$H/dir" "$TMP/sdb1:/"
expect_exit 0 "$VHDTOOL" cat "$TMP/sdb1:/dir/sub/c.txt"
[ "$(cat "$TMP/out")" = three ] || fail "bare volume"
ntfsfix -n "$TMP/sdb1" > "$TMP/fix" 2>&1 || { cat "$TMP/fix"; fail "bare volume: ntfsfix -n"; }
expect_exit 1 "$VHDTOOL" cp "$H/a.txt" "$TMP/sdb1:1:/"
grep -q 'no partition table' "$TMP/err" || fail "bare volume, partition 1: $(cat "$TMP/err")"

# A large file's content goes to the image with direct writes, around the
# page cache (disk/io.c): with the image's clean pages dropped first (dd
# iflag=nocache), copying 16 MiB in leaves far less of it cached.  Only
# where the file system takes direct I/O (not tmpfs) and fincore(1) is there.
head -c $((16 << 20)) /dev/urandom > "$TMP/big"
cached() { fincore -b -n -r -o RES "$1"; }
if command -v fincore >/dev/null 2>&1 && [ "$(stat -f -c %T "$TMP")" != tmpfs ]; then
	for fs in ntfs fat32; do
		I="$TMP/direct-$fs.vhdx"
		expect_exit 0 "$VHDTOOL" build "$I" --size 100M --mbr --part $fs:rest:active
		dd if="$I" iflag=nocache count=0 status=none
		expect_exit 0 "$VHDTOOL" cp "$TMP/big" "$I:/big"
		res=$(cached "$I")
		[ "$res" -lt $((4 << 20)) ] || fail "$fs: $res bytes of the image cached: not direct"
		expect_exit 0 "$VHDTOOL" cat "$I:/big"
		cmp -s "$TMP/out" "$TMP/big" || fail "$fs: big file differs"
	done
fi
exit 0
