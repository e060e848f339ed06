#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Differential test: every primary hive and BCD store of the corpus, as read
# by "hivetool ls -r --json --no-logs", against reglookup's output (see
# corpus-compare.py for what reglookup can and cannot represent).
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
command -v reglookup >/dev/null || skip "reglookup not installed"
PEER=reglookup
. "$top_srcdir/tests/cli/corpus-run.sh"
