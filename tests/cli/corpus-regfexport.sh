#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Differential test: every primary hive and BCD store of the corpus, as read
# by "hivetool ls -r --json --no-logs", against libregf's regfexport (see
# corpus-compare.py for what regfexport can and cannot represent).
. "$top_srcdir/tests/cli/lib.sh"
need_corpus
command -v regfexport >/dev/null || skip "regfexport not installed"
PEER=regfexport
. "$top_srcdir/tests/cli/corpus-run.sh"
