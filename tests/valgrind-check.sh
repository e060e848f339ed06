#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "make check-valgrind": the command-line tests with hivetool, vhdtool and
# bcdedit run under valgrind's memcheck.  The tests reach the tools through
# $BK_TOOLDIR (tests/cli/lib.sh and friends); here it is a folder of wrappers
# that run each tool's real binary (not libtool's wrapper script) under
# valgrind, one log per process in tests/valgrind/logs.  Any error and
# any definite leak fails, as does any failing test.  valgrind keeps each
# tool's exit status, so tests see what they always see.
# Usage: valgrind-check.sh MAKE TEST... (run from the build folder).
set -eu
: "${top_srcdir:?}"
MAKE=$1
shift
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed" >&2; exit 1; }
dir=$(pwd)/tests/valgrind
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/logs"
# The real binary (libtool keeps it in .libs when the tool links a shared
# library of the tree), not libtool's wrapper script: no shell start-up and
# no "libtool --mode=execute" per run.  --read-inline-info=no and --vgdb=no
# cut valgrind's own start-up (about a quarter of a short run's CPU time);
# neither changes what memcheck checks.
#
# Where the time goes: valgrind's own start costs about 0.4 s of CPU per
# process, and memcheck runs the tools 20 to 50 times slower, so the corpus
# tests (every corpus hive listed whole, once against reglookup and once
# against regfexport) weigh most.  A command line that names a file of the
# read-only corpus ($BK_CORPUS) and was checked once already runs plain the
# second time: the same program on the same input takes the same path, so
# memcheck would only repeat itself.  $dir/seen holds those command lines.
mkdir -p "$dir/seen"
for t in hivetool vhdtool bcdedit bcdboot bcdverify; do
	bin="$(pwd)/$t"
	[ -x "$(pwd)/.libs/$t" ] && bin="$(pwd)/.libs/$t"
	cat >"$dir/bin/$t" <<EOT
#!/bin/sh
LD_LIBRARY_PATH="$(pwd)/.libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
case "\$*" in
"\${BK_CORPUS:-/nonexistent}"/*|*" \${BK_CORPUS:-/nonexistent}"/*)
	seen="$dir/seen/\$(printf '%s\\n' "$t" "\$@" | sha1sum | cut -c1-40)"
	[ -e "\$seen" ] && exec "$bin" "\$@"
	: >"\$seen" ;;
esac
exec valgrind -q \\
	--vgdb=no --read-inline-info=no --leak-check=full \\
	--show-leak-kinds=definite --errors-for-leak-kinds=definite \\
	--log-file="$dir/logs/$t.%p.log" "$bin" "\$@"
EOT
	chmod +x "$dir/bin/$t"
done
rc=0
$MAKE check TESTS="$*" BK_TOOLDIR="$dir/bin" || rc=$?
runs=$(find "$dir/logs" -name '*.log' | wc -l)
bad=$(find "$dir/logs" -name '*.log' -size +0 | wc -l)
for f in $(find "$dir/logs" -name '*.log' -size +0 | head -n 5); do
	echo "==== $f"
	head -n 40 "$f"
done
plain=$(find "$dir/seen" -type f | wc -l)
echo "check-valgrind: $# test scripts, $runs tool runs under memcheck, $bad with errors or definite leaks"
echo "check-valgrind: $plain corpus command lines checked once each (repeats ran plain)"
[ "$runs" -gt 0 ] || { echo "check-valgrind: no tool ran under valgrind" >&2; exit 1; }
[ "$bad" = 0 ] && [ "$rc" = 0 ]
