# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by corpus-reglookup.sh and corpus-regfexport.sh with PEER set.
#
# Hives bcdkit refuses to list whole (exit 2), with the reason; they are
# covered by damaged-hives.sh:
#   regipy-corrupted_system_hive  an hbin without signature (needs --salvage)
#   BadBaseBlockHive              base block destroyed (version 1.1)
#   yarp-TruncatedHive            hive bins run past the end of the file
#   yarp-TruncatedNameHive        a key name runs past its cell
#   yarp-BadListHive              a key listed twice: the library's one loop
#   yarp-BadSubkeyHive            check stops every walk (doc/safety.md)
# Hives a peer refuses, with the reason:
#   regfexport: yarp-GarbageHive  bad base-block checksum (libregf refuses it)
refused_by_us="regipy-corrupted_system_hive BadBaseBlockHive yarp-TruncatedHive"
refused_by_us="$refused_by_us yarp-TruncatedNameHive yarp-BadListHive yarp-BadSubkeyHive"
refused_by_regfexport="yarp-GarbageHive"
n=0
for f in "$BK_CORPUS"/hive/* "$BK_CORPUS"/hive/*/* "$BK_CORPUS"/bcd/* "$BK_CORPUS"/bcd/*/*; do
	[ -f "$f" ] || continue
	case "$f" in *.LOG|*.LOG1|*.LOG2|*.blf|*.regtrans-ms|*/RecoveredHive_*) continue ;; esac
	name=$(basename "$f")
	case " $refused_by_us " in
	*" $name "*)
		expect_exit 2 "$HIVETOOL" ls -r --json --no-logs "$f"
		continue ;;
	esac
	"$HIVETOOL" ls -r --json --no-logs "$f" >"$TMP/ours.json" 2>"$TMP/ours.err" ||
		fail "$f: hivetool ls failed: $(cat "$TMP/ours.err")"
	if [ "$PEER" = reglookup ]; then
		reglookup -H "$f" >"$TMP/peer.txt" 2>/dev/null || fail "$f: reglookup failed"
	else
		case " $refused_by_regfexport " in
		*" $name "*)
			if regfexport "$f" >"$TMP/peer.txt" 2>&1 && grep -q '^Key path:' "$TMP/peer.txt"; then
				fail "$f: regfexport read it; expected a refusal"
			fi
			continue ;;
		esac
		regfexport "$f" >"$TMP/peer.txt" 2>/dev/null || fail "$f: regfexport failed"
	fi
	python3 "$top_srcdir/tests/cli/corpus-compare.py" "$PEER" "$TMP/ours.json" "$TMP/peer.txt" \
		>"$TMP/cmp.txt" || { head -20 "$TMP/cmp.txt" >&2; fail "$f: bcdkit and $PEER differ"; }
	echo "${f#$BK_CORPUS/}: $(tail -1 "$TMP/cmp.txt")"
	n=$((n + 1))
done
[ "$n" -ge 40 ] || fail "only $n hives compared"
