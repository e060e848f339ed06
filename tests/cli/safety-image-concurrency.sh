#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Locks on stores inside images (doc/safety.md): 20 parallel bcdedit writers
# x 10 rounds on IMAGE:1:\Boot\BCD, a FAT32 ESP in a raw image, an NTFS
# volume in a raw image and a FAT32 ESP in a dynamic VHDX.  Half the writers
# /create an object each round, half /set the description of their own
# object to the round's value: no update is lost (every successful /create
# is there, every /set writer's object holds its last successful value),
# every process either succeeded or failed with the documented "in use"
# line, and readers racing the writers only ever print committed states (no
# value of a run that failed, no object count going backwards, every read
# whole).  Then a held image lock stops hivetool, bcdedit and bcdboot alike.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/lib-vhdtool.sh"
. "$top_srcdir/tests/cli/concurrency-lib.sh"
BCDEDIT="${BK_TOOLDIR:-$top_builddir}/bcdedit"
BCDBOOT="${BK_TOOLDIR:-$top_builddir}/bcdboot"
# Writers and rounds (fewer only for a quick look: make check runs 20 x 10).
W=${SAFETY_WRITERS:-20}
R=${SAFETY_ROUNDS:-10}
# Waits are bounded: a writer that waits longer than this fails the test.
export BCDKIT_WAIT=120

# writers STORE: W writers of R rounds; writer w's round r leaves its exit
# status and stderr in $TMP/w.w.r.{st,err}.  Even writers /create "cW-R",
# odd ones /set their object's description to "sW-R".
write_round() {
	if [ $((w % 2)) = 0 ]; then
		"$BCDEDIT" --store "$STORE" /create /d "c$w-$r" /application osloader
	else
		"$BCDEDIT" --store "$STORE" /set "$(cat "$TMP/id.$w")" description "s$w-$r"
	fi
}
# Only the writers are waited for: the readers run in the background meanwhile.
writers() { run_writers w write_round; }

# readers STORE: read /enum all until the writers are done ($TMP/done), at
# most 200 times, pausing between reads so that they spread over the run;
# each output is kept as $TMP/rd.N (exit status in rd.N.st).
readers() {
	n=0
	while { [ ! -e "$TMP/done" ] || [ $n -lt 3 ]; } && [ $n -lt 200 ]; do
		set +e
		"$BCDEDIT" --store "$STORE" /enum all >"$TMP/rd.$n" 2>"$TMP/rd.$n.err"
		echo $? >"$TMP/rd.$n.st"
		set -e
		n=$((n + 1))
		sleep 0.05
	done
	echo $n >"$TMP/rd.count"
}

# check_round NAME: the statuses, the final store and what the readers saw.
check_round() {
	ok=0 created=0 busy=0
	: >"$TMP/committed"
	for st in "$TMP"/w.*.st; do
		s=$(cat "$st")
		e=${st%.st}.err
		k=${st#"$TMP/w."}
		k=${k%.st}
		w=${k%.*} r=${k#*.}
		v=$([ $((w % 2)) = 0 ] && echo c || echo s)$w-$r
		if [ "$s" = 0 ]; then
			ok=$((ok + 1))
			echo "$v" >>"$TMP/committed"
			[ $((w % 2)) = 0 ] && created=$((created + 1))
		elif [ "$s" = 1 ] && grep -q 'is in use by another process' "$e"; then
			busy=$((busy + 1))
		else
			fail "$1: writer $w round $r exited $s: $(cat "$e")"
		fi
	done
	"$BCDEDIT" --store "$STORE" /enum all >"$TMP/final" || fail "$1: final /enum"
	got=$(grep -c '^description  *c[0-9]*-[0-9]*$' "$TMP/final" || true)
	[ "$got" = "$created" ] ||
		fail "$1: $created /create runs succeeded but $got objects are there (updates lost)"
	# Each /set writer's object holds the value of its last successful round.
	w=1
	while [ $w -lt $W ]; do
		want=$(grep "^s$w-" "$TMP/committed" | sort -t- -k2 -n | tail -n 1)
		[ -n "$want" ] || want="init$w"
		grep -q "^description  *$want\$" "$TMP/final" ||
			fail "$1: writer $w's last committed value $want is not in the store (update lost)"
		w=$((w + 2))
	done
	# Readers: whole outputs of committed states only.
	i=0 last=0
	while [ $i -lt "$(cat "$TMP/rd.count")" ]; do
		s=$(cat "$TMP/rd.$i.st")
		if [ "$s" != 0 ]; then
			grep -q 'is in use by another process' "$TMP/rd.$i.err" ||
				fail "$1: reader $i exited $s: $(cat "$TMP/rd.$i.err")"
			i=$((i + 1))
			continue
		fi
		grep -q '^identifier  *{bootmgr}$' "$TMP/rd.$i" || fail "$1: reader $i: a partial store"
		for v in $(sed -n 's/^description  *\([cs][0-9]*-[0-9]*\)$/\1/p' "$TMP/rd.$i"); do
			grep -qx "$v" "$TMP/committed" ||
				fail "$1: reader $i printed $v, which no successful writer committed"
		done
		c=$(grep -c '^description  *c[0-9]*-[0-9]*$' "$TMP/rd.$i" || true)
		[ "$c" -ge "$last" ] || fail "$1: reader $i saw $c created objects after $last"
		last=$c
		i=$((i + 1))
	done
	echo "$1: $ok of $((W * R)) writers succeeded ($busy busy), none lost;" \
		"$(cat "$TMP/rd.count") reads, each committed"
}

# one IMAGE FORMAT LABEL PARTSPEC NAME: the whole round on a new image.
one() {
	img="$TMP/$1"
	STORE="$img:1:\\Boot\\BCD"
	"$VHDTOOL" build "$img" --size 80M --format "$2" "$3" --part "$4" >/dev/null
	"$VHDTOOL" mkdir "$img:1:\\Boot"
	"$BCDEDIT" /createstore "$STORE" >/dev/null
	"$BCDEDIT" --store "$STORE" /create '{bootmgr}' /d "Windows Boot Manager" >/dev/null
	w=1
	while [ $w -lt $W ]; do
		"$BCDEDIT" --store "$STORE" /create /d "init$w" /application osloader >"$TMP/out"
		sed -n 's/.*\({[0-9a-f-]*}\).*/\1/p' "$TMP/out" >"$TMP/id.$w"
		[ -s "$TMP/id.$w" ] || fail "$5: no identifier in: $(cat "$TMP/out")"
		w=$((w + 2))
	done
	rm -f "$TMP"/w.* "$TMP"/rd.* "$TMP/done"
	readers &
	rpid=$!
	writers
	touch "$TMP/done"
	wait $rpid
	check_round "$5"
	"$VHDTOOL" ls "$img:1:\\Boot" >"$TMP/ls"
	grep -q 'bcdkit-new\|\.tmp' "$TMP/ls" && fail "$5: leftovers in the volume: $(cat "$TMP/ls")"
	"$HIVETOOL" check "$STORE" >/dev/null || fail "$5: store damaged"
	:
}

one esp.img raw --gpt esp:64M "FAT32 in raw"
if grep -q '^#define HAVE_NTFS3G 1' "$top_builddir/config.h"; then
	one ntfs.img raw --mbr ntfs:64M:active "NTFS in raw"
else
	echo "SKIP (NTFS in raw): built without NTFS support"
fi
one esp.vhdx vhdx --gpt esp:64M "FAT32 in VHDX"
rm -f "$TMP/ntfs.img" "$TMP/esp.vhdx"

# ---- a held image lock stops every writer of a store inside it ----------------
STORE="$TMP/esp.img:1:\\Boot\\BCD"
# A minimal Windows tree for bcdboot (text stand-ins, as bcdboot-lib.sh makes).
win="$TMP/win/Windows"
mkdir -p "$win/Boot/EFI/en-US" "$win/Boot/Fonts" "$win/System32/config"
for f in EFI/bootmgfw.efi EFI/memtest.efi EFI/en-US/bootmgfw.efi.mui Fonts/segmono_boot.ttf; do
	echo "synthetic stand-in for Windows\\Boot\\$f (made by bcdkit's tests)" >"$win/Boot/$f"
done
"$HIVETOOL" create "$win/System32/config/SOFTWARE" --root ROOT >/dev/null
export BCDKIT_WAIT=0.2
flock -x "$TMP/esp.img" sleep 4 &
holder=$!
sleep 0.5
expect_exit 3 "$HIVETOOL" set "$STORE" '\' x REG_DWORD 1
grep -qxF "hivetool: $STORE: $TMP/esp.img: image is in use by another process (waited 1 s)" \
	"$TMP/err" ||
	fail "hivetool busy message: $(cat "$TMP/err")"
expect_exit 1 "$BCDEDIT" --store "$STORE" /timeout 7
grep -q "image is in use by another process" "$TMP/err" || fail "bcdedit busy: $(cat "$TMP/err")"
# A reader waits for a writer too (shared against exclusive).
expect_exit 1 "$BCDEDIT" --store "$STORE" /enum
grep -q "image is in use by another process" "$TMP/err" || fail "bcdedit reader: $(cat "$TMP/err")"
# bcdboot holds its target image for its whole run.
expect_exit 1 "$BCDBOOT" "$win" /s "$TMP/esp.img:1" /f UEFI --os-device mbr:1234abcd:2097152
grep -q "image is in use by another process" "$TMP/err" || fail "bcdboot busy: $(cat "$TMP/err")"
wait $holder
export BCDKIT_WAIT=120
# Once the lock is gone, each gets in.
"$BCDEDIT" --store "$STORE" /timeout 7 >/dev/null
"$BCDEDIT" --store "$STORE" /enum '{bootmgr}' | grep -q '^timeout  *7$' || fail "/timeout after the lock"
expect_exit 0 "$BCDBOOT" "$win" /s "$TMP/esp.img:1" /f UEFI --os-device mbr:1234abcd:2097152
echo "held lock: hivetool, bcdedit (writer and reader) and bcdboot refused with the in-use line"
