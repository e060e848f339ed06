#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every Check test runs: the unit test programs register their tests through
# tests/unit/bk-check.h (START_TEST records the test, bk_srunner_create()
# refuses one that main() never adds), so a program must include it, keep no
# hand list (tcase_add_test, tcase_add_loop_test) and create its runner with
# bk_srunner_create().  A new test file written the old way fails here.
set -eu
status=0
for f in "$top_srcdir"/tests/unit/test-*.c; do
	name=tests/unit/${f##*/}
	bad=0
	if ! grep -q '^#include "bk-check.h"' "$f"; then
		echo "FAIL: $name does not include bk-check.h (its START_TEST would not register)"
		bad=1
	fi
	if grep -n -E '\b(tcase_add_test|tcase_add_loop_test)\(' "$f"; then
		echo "FAIL: $name adds tests by hand (bk_tcase_add_tests() adds them)"
		bad=1
	fi
	if grep -n -E '(^|[^_[:alnum:]])srunner_create\(' "$f"; then
		echo "FAIL: $name creates its runner without bk_srunner_create()"
		bad=1
	fi
	if ! grep -q 'bk_srunner_create(' "$f"; then
		echo "FAIL: $name never calls bk_srunner_create()"
		bad=1
	fi
	if [ "$bad" = 0 ]; then echo "ok: $name"; else status=1; fi
done
exit $status
