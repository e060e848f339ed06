# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for the bcdkit tools: hivetool, vhdtool, bcdedit, bcdboot
# and bcdverify.  Installed once per tool name in bash-completion's folder,
# where it is loaded the first time one of them is completed.
#
# The words offered come from the tools themselves, read once per shell:
# commands and options from "TOOL --help", bcdedit's element names and
# their named values from "bcdedit /? TYPES".  A new option, command or
# element is completed without touching this file, and nothing listed here
# can drift from what the tool accepts.  Needs only bash (not the
# bash-completion package's helpers).

# _bcdkit_help TOOL: the tool's --help text, cached in _bcdkit_help_TOOL.
_bcdkit_help()
{
	local var="_bcdkit_help_$1"
	if [[ -z ${!var-} ]]; then
		printf -v "$var" '%s' "$(command "$1" --help 2>/dev/null)"
	fi
	printf '%s\n' "${!var}"
}

# _bcdkit_commands TOOL: the names listed under "Commands:".
_bcdkit_commands()
{
	_bcdkit_help "$1" | awk '/^Commands/ { on = 1; next } /^[^ ]/ { on = 0 }
		on && /^  [a-z]/ { print $1 }' | sort -u
}

# _bcdkit_cmd_options TOOL CMD: the options on CMD's usage lines (its line
# and the ones indented under it), those of a section that applies to every
# command ("Options for every command:"), those of the "Options:" section
# whose description names CMD in parentheses ("(convert, build)"), and the
# ones every command of both tools takes.
_bcdkit_cmd_options()
{
	{
		_bcdkit_help "$1" | awk -v cmd="$2" '
		function opts(line) {
			while (match(line, /(^|[[ |(])--?[A-Za-z][-A-Za-z]*/)) {
				w = substr(line, RSTART, RLENGTH)
				sub(/^[[ |(]/, "", w)
				print w
				line = substr(line, RSTART + RLENGTH)
			}
		}
		function entry_end() {
			if (names != "" && named) opts(names)
			names = ""; named = 0
		}
		/^Commands/ { sect = "cmds"; next }
		/^Options for every command/ { sect = "all"; next }
		/^Options:/ { sect = "opts"; next }
		/^[^ ]/ { entry_end(); sect = "" }
		sect == "cmds" && /^  [a-z]/ { mine = ($1 == cmd) }
		sect == "cmds" && mine { opts($0) }
		sect == "all" { opts(substr($0, 1, 20)) }
		sect == "opts" && /^ +-/ && match($0, /-/) && RSTART <= 7 {
			entry_end(); names = substr($0, 1, 25)
		}
		sect == "opts" && match($0, /\([a-z][-a-z, ]*[);]/) {
			if (index(" " substr($0, RSTART + 1, RLENGTH - 2) ",", " " cmd ","))
				named = 1
		}
		END { entry_end() }'
		printf '%s\n' --help --version --wait
	} | sort -u
}

# _bcdkit_all_options TOOL: every option token of the help ("--x", "/x").
_bcdkit_all_options()
{
	_bcdkit_help "$1" |
		grep -oE '(^|[][ |(,])(--?[A-Za-z][-A-Za-z]*|/[a-z?][a-z]*)([][ |),]|$)' |
		sed 's/^[][ |(,]//; s/[][ |),]$//' | sort -u
}

# _bcdkit_reply WORDS...: COMPREPLY from the words matching the current one.
_bcdkit_reply()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

_bcdkit_files()
{
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
	compopt -o filenames 2>/dev/null || true
}

# hivetool and vhdtool: COMMAND first, then its options or file names.
_bcdkit_cmdtool()
{
	local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]} prev=
	local i cmd=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} != -* ]] && { cmd=${COMP_WORDS[i]}; break; }
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_bcdkit_reply "$(_bcdkit_all_options "$tool")"
		else
			_bcdkit_reply "$(_bcdkit_commands "$tool")"
		fi
		return
	fi
	case $prev in
	--format) _bcdkit_reply "$(_bcdkit_format_words "$tool" "$cmd")"; return ;;
	--type|-t) _bcdkit_reply fixed dynamic; return ;;
	--commit) _bcdkit_reply auto logged rewrite; return ;;
	esac
	if [[ $cur == -* ]]; then
		_bcdkit_reply "$(_bcdkit_cmd_options "$tool" "$cmd")"
	else
		_bcdkit_files
	fi
}

# The words after --format on the command's usage line ("reg|reg4|xml"),
# else vhdtool's image formats.
_bcdkit_format_words()
{
	local w
	w=$(_bcdkit_help "$1" | awk -v cmd="$2" '/^  [a-z]/ { mine = ($1 == cmd) }
		mine && match($0, /--format [a-z0-9|]+[a-z0-9]/) {
			s = substr($0, RSTART + 9, RLENGTH - 9); gsub(/\|/, " ", s); print s; exit }')
	printf '%s\n' "${w:-raw vhd vhdx}"
}

# bcdedit's element names and the named values of enumerated elements, from
# "bcdedit /? TYPES" (cached).
_bcdkit_bcd_types()
{
	if [[ -z ${_bcdkit_types-} ]]; then
		_bcdkit_types=$(command bcdedit '/?' TYPES 2>/dev/null)
	fi
	printf '%s\n' "$_bcdkit_types"
}

_bcdkit_bcd_names()
{
	_bcdkit_bcd_types | awk '/^  [a-z]/ && $2 ~ /^[0-9a-f]+$/ && length($2) == 8 { print $1 }' | sort -u
}

# _bcdkit_bcd_values NAME: what NAME takes, when it has words for it.
_bcdkit_bcd_values()
{
	_bcdkit_bcd_types | awk -v n="$1" '$1 == n && $2 ~ /^[0-9a-f]+$/ && length($2) == 8 {
		if ($3 == "boolean") { print "on\noff\nyes\nno"; exit }
		if (match($0, /integer: .*/)) {
			s = substr($0, RSTART + 9); gsub(/, /, "\n", s); print s; exit }
	}'
}

_bcdkit_bcd_ids()
{
	printf '%s\n' '{bootmgr}' '{fwbootmgr}' '{memdiag}' '{ntldr}' '{current}' \
		'{default}' '{badmemory}' '{bootloadersettings}' '{dbgsettings}' \
		'{emssettings}' '{globalsettings}' '{hypervisorsettings}' \
		'{resumeloadersettings}'
}

# bcdedit: /command [ID] and its arguments; /set [ID] NAME VALUE.
_bcdkit_bcdedit()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= i cmd= ci=0 args=0
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	case ${prev,,} in
	/store|--store|/createstore|/export|/import) _bcdkit_files; return ;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i],,} in
		/store|--store|--map|--current|--commit) ((i++)) ;;
		/v|--json) ;;
		/*|-*) cmd=${COMP_WORDS[i],,}; cmd=${cmd#--}; cmd=${cmd#[-/]}; ci=$i; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		_bcdkit_reply "$(_bcdkit_all_options bcdedit)"
		return
	fi
	for ((i = ci + 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == /* ]] || args=$((args + 1))
	done
	case $cmd in
	set|deletevalue)
		# [ID] NAME VALUE: an argument in braces is the ID.
		[[ ${COMP_WORDS[ci + 1]-} == \{* ]] && args=$((args - 1))
		if ((args < 0)) || [[ $args -eq 0 && $cur == \{* ]]; then
			_bcdkit_reply "$(_bcdkit_bcd_ids)"
		elif ((args == 0)); then
			_bcdkit_reply "$(_bcdkit_bcd_names)"
		elif ((args == 1)) && [[ $cmd == set ]]; then
			_bcdkit_reply "$(_bcdkit_bcd_values "${prev,,}")"
		fi ;;
	enum)
		((args == 0)) && _bcdkit_reply ACTIVE FIRMWARE BOOTAPP BOOTMGR OSLOADER RESUME \
			INHERIT ALL $(_bcdkit_bcd_ids) ;;
	default|delete|copy|mirror|displayorder|bootsequence|toolsdisplayorder|create|\
	bootems|ems|debug|bootdebug|event)
		_bcdkit_reply "$(_bcdkit_bcd_ids)" ;;
	esac
}

# bcdboot and bcdverify: options, and file names for the rest.
_bcdkit_plain()
{
	local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	if [[ $cur == -* || $cur == /* && $tool == bcdboot && ${#cur} -le 9 ]]; then
		_bcdkit_reply "$(_bcdkit_all_options "$tool")"
		[[ ${#COMPREPLY[@]} -gt 0 ]] && return
	fi
	_bcdkit_files
}

complete -F _bcdkit_cmdtool hivetool vhdtool
complete -F _bcdkit_bcdedit bcdedit
complete -F _bcdkit_plain bcdboot bcdverify
