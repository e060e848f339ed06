# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the test libraries (lib.sh, bcdedit-lib.sh, bcdboot-lib.sh)
# after they made $TMP: every JSON document a test makes a tool print is
# validated, at the test's end, against the JSON Schema its "schema" member
# names (doc/KIND-schema.json), by tests/cli/json-validate.py.  The tests
# reach the tools through wrappers (bk_tool NAME) that keep a copy of each
# --json run's output (tests/cli/json-tee.sh); runs without --json are the
# tools themselves.
BK_JSON_DIR="$TMP/json-docs"
mkdir -p "$BK_JSON_DIR" "$TMP/json-bin"
for bk_t in hivetool vhdtool bcdedit bcdboot bcdverify; do
	printf '#!/bin/sh\nexec /bin/sh "%s" "%s" "%s" "$@"\n' \
		"$top_srcdir/tests/cli/json-tee.sh" "${BK_TOOLDIR:-$top_builddir}/$bk_t" \
		"$BK_JSON_DIR" > "$TMP/json-bin/$bk_t"
	chmod +x "$TMP/json-bin/$bk_t"
done
unset bk_t

# bk_tool NAME: the path a test runs tool NAME by.
bk_tool() { echo "$TMP/json-bin/$1"; }

# bk_json_check: validate what the wrappers kept; fails (1) on any document
# that is not valid JSON or does not match its schema.
bk_json_check() {
	[ -n "$(ls "$BK_JSON_DIR" 2>/dev/null)" ] || return 0
	python3 "$top_srcdir/tests/cli/json-validate.py" "$top_srcdir/doc" "$BK_JSON_DIR"
}

# bk_exit [STATUS]: the EXIT trap (a test with its own trap calls it last,
# with the status it found): the test fails if a document is invalid, even
# when it passed or skipped; $TMP goes either way.
bk_exit() {
	bk_rc=${1:-$?}
	cd /     # a test may have removed the folder it was in
	if ! bk_json_check; then
		echo "FAIL: a JSON document does not match its schema (above)" >&2
		bk_rc=1
	fi
	rm -rf "$TMP"
	exit $bk_rc
}
trap bk_exit EXIT
