#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion (tools/bcdkit.bash): sourced in a bash with the built
# tools first in PATH, each case completes a command line as bash would
# (COMP_WORDS/COMP_CWORD, the function "complete -p" names) and compares
# the words offered.  The commands are checked against the tools' own
# dispatch tables in the sources, the element names against bcdedit's
# table, so a command or element missing from the help text fails here.
. "$top_srcdir/tests/cli/lib.sh"
command -v bash >/dev/null 2>&1 || skip "bash not installed"

cat >"$TMP/comp.bash" <<'EOB'
set -u
PATH="$top_builddir:$PATH"
. "$top_srcdir/tools/bcdkit.bash"
# comp LINE: the words offered for the last word of LINE, one a line.
comp() {
	local line=$1 fn
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	fn=$(complete -p "${COMP_WORDS[0]}" | sed -n 's/.*-F \([^ ]*\).*/\1/p')
	[[ -n $fn ]] || { echo "no completion for ${COMP_WORDS[0]}" >&2; exit 1; }
	COMPREPLY=()
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
}
comp "$1"
EOB
# c LINE: what bash offers for LINE, on one line, sorted.
c() { top_srcdir=$top_srcdir top_builddir=$top_builddir bash "$TMP/comp.bash" "$1" | sort | tr '\n' ' ' | sed 's/ $//'; }
# want LINE EXPECTED: exactly these words.
want() {
	got=$(c "$1")
	[ "$got" = "$2" ] || fail "'$1': offered '$got', expected '$2'"
}
# has LINE WORD...: at least these words.
has() {
	line=$1; shift
	got=" $(c "$line") "
	for w; do
		case $got in *" $w "*) ;; *) fail "'$line': '$w' not offered (got '$got')" ;; esac
	done
}
# hasnt LINE WORD...: none of these.
hasnt() {
	line=$1; shift
	got=" $(c "$line") "
	for w; do
		case $got in *" $w "*) fail "'$line': '$w' offered" ;; esac
	done
}

# Commands: exactly the entries of each tool's commands[] table.
for tool in hivetool vhdtool; do
	table=$(sed -n '/^static const struct tool_command commands\[\]/,/^};/p' \
		"$top_srcdir/tools/$tool.c" | sed -n 's/^[[:space:]]*{ "\([a-z]*\)",.*/\1/p' |
		sort | tr '\n' ' ' | sed 's/ $//')
	[ -n "$table" ] || fail "$tool: no commands[] table found in the source"
	want "$tool " "$table"
done
echo "ok: hivetool and vhdtool commands match their dispatch tables"

# Options per command: the command's own and the shared ones, not others'.
has "vhdtool convert a b -" --format --type --block-size --force --progress --quiet -p -q --help
hasnt "vhdtool convert a b -" --size --mbr --json --part
has "vhdtool build x --" --size --mbr --gpt --part --progress --quiet --force
has "vhdtool partition x --" --json --add --set-active --disk-guid
hasnt "vhdtool partition x --" --progress --block-size
has "hivetool ls H --" --json --no-logs --salvage --wait
has "hivetool export H --" --format --prefix --codepage --force
has "hivetool import H f --" --prefix --codepage --create --backup
want "hivetool export H --format " "reg reg4 xml"
want "vhdtool create x.vhd --type " "dynamic fixed"
want "hivetool set H K N T --commit " "auto logged rewrite"
want "hivetool rec" "recover"
echo "ok: options per command and their values"

# bcdedit: commands, element names of /set (all of bcdedit's table), values.
want "bcdedit /se" "/set"
has "bcdedit /" /enum /set /deletevalue /createstore /displayorder /timeout /store
"$top_builddir/bcdedit" '/?' TYPES |
	awk '/^  [a-z]/ && length($2) == 8 && $2 ~ /^[0-9a-f]+$/ { print $1 }' | sort -u |
	tr '\n' ' ' | sed 's/ $//' >"$TMP/names"
[ "$(wc -w <"$TMP/names")" -gt 200 ] || fail "bcdedit /? TYPES lists only $(wc -w <"$TMP/names") names"
want "bcdedit /set {default} " "$(cat "$TMP/names")"
want "bcdedit /set " "$(c 'bcdedit /set {default} ')"
has "bcdedit /set {current} " description osdevice systemroot nx bootmenupolicy hypervisorlaunchtype
want "bcdedit /set {default} os" "osarcdevice osdatadevice osdevice oslnointegritychecks osltestsigning"
want "bcdedit --store S /set {default} nx " "AlwaysOff AlwaysOn OptIn OptOut"
want "bcdedit /set nx Op" "OptIn OptOut"
want "bcdedit /set {default} quietboot " "no off on yes"
want "bcdedit /deletevalue {current} bootmenupol" "bootmenupolicy"
has "bcdedit /set {d" "{default}" "{dbgsettings}"
has "bcdedit /enum " ACTIVE ALL "{bootmgr}"
echo "ok: bcdedit commands, element names ($(wc -w <"$TMP/names")) and values"

# The same names as the element table itself (bcd/elements.def, the
# X-macro list bcd/ and bcdedit are built from).
sed -n 's/^BCD_ELEM([^"]*"\([^"]*\)".*/\1/p' "$top_srcdir/bcd/elements.def" | sort -u |
	tr '\n' ' ' | sed 's/ $//' >"$TMP/def"
cmp -s "$TMP/def" "$TMP/names" || fail "completed names differ from bcd/elements.def"

# bcdboot and bcdverify: their options.
has "bcdboot /" /s /f /l /addlast /v
hasnt "bcdboot /" /dev
want "bcdverify --j" "--json --junit"
has "bcdverify --f" --fix --fix-devices --fail-on
echo "ok: bcdboot and bcdverify options"
