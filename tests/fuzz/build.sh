#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the libFuzzer binaries for "make fuzz" (called by tests/Makemodule.am).
# The library sources are compiled once with -fsanitize=fuzzer-no-link (coverage
# for libFuzzer, ASan, UBSan) into OUTDIR/obj and archived; each target is then
# linked against the archive with -fsanitize=fuzzer.  Objects are rebuilt when
# their source, or any header of the tree, is newer.
#
# Environment: FUZZ_CC, FUZZ_CPPFLAGS (include paths and defines), FUZZ_LIBS,
# FUZZ_LIB_SRCS (library .c files relative to srcdir), srcdir, OUTDIR.
# Arguments: targets as NAME:SOURCE[:EXTRA_CFLAGS], SOURCE in tests/fuzz/, or
# SOURCE+FILE... where each FILE (relative to srcdir) is compiled in too: tool
# code the libraries do not hold (tools/common/image-path.c).
set -eu
: "${FUZZ_CC:?}" "${srcdir:?}" "${OUTDIR:?}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 $SAN -DBK_LIBFUZZER"
mkdir -p "$OUTDIR/obj"

newest_header=$(ls -t $(find "$srcdir/include" "$srcdir/common" "$srcdir/hive" "$srcdir/bcd" \
	"$srcdir/disk" "$srcdir/tests/fuzz" -name '*.h' -o -name '*.def') config.h | head -n 1)

# Compile the library sources, two at a time (the make -j2 of this machine).
objs=
todo=
for src in $FUZZ_LIB_SRCS; do
	case $src in *.c) ;; *) continue ;; esac
	obj="$OUTDIR/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	objs="$objs $obj"
	if [ ! -e "$obj" ] || [ "$srcdir/$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
		todo="$todo $src"
	fi
done
if [ -n "$todo" ]; then
	echo "  FUZZCC   $(echo $todo | wc -w) library sources"
	# shellcheck disable=SC2086
	printf '%s\n' $todo | xargs -P 2 -I{} sh -c \
		'o="$0/obj/$(echo "{}" | tr / _ | sed "s/\.c\$/.o/")"; exec $1 $2 -fsanitize=fuzzer-no-link $3 -c "$4/{}" -o "$o"' \
		"$OUTDIR" "$FUZZ_CC" "$CFLAGS" "$FUZZ_CPPFLAGS" "$srcdir"
	rm -f "$OUTDIR/libbcdkit-fuzz.a"
fi
if [ ! -e "$OUTDIR/libbcdkit-fuzz.a" ]; then
	# shellcheck disable=SC2086
	ar rcs "$OUTDIR/libbcdkit-fuzz.a" $objs
fi

for t in "$@"; do
	name=${t%%:*}
	rest=${t#*:}
	src=${rest%%:*}
	extra=
	case $rest in *:*) extra=${rest#*:} ;; esac
	bin="$OUTDIR/$name"
	srcs="$srcdir/tests/fuzz/${src%%+*}"
	case $src in *+*) for f in $(echo "${src#*+}" | tr + ' '); do srcs="$srcs $srcdir/$f"; done ;; esac
	stale=
	for f in $srcs; do if [ "$f" -nt "$bin" ]; then stale=1; fi; done
	if [ -e "$bin" ] && [ -z "$stale" ] &&
	   [ ! "$OUTDIR/libbcdkit-fuzz.a" -nt "$bin" ] && [ ! "$newest_header" -nt "$bin" ]; then
		continue
	fi
	echo "  FUZZLD   $bin"
	# shellcheck disable=SC2086
	$FUZZ_CC $CFLAGS -fsanitize=fuzzer $FUZZ_CPPFLAGS $extra $srcs \
		"$OUTDIR/libbcdkit-fuzz.a" $FUZZ_LIBS -o "$bin"
done
