/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Temporary folders for the unit tests: made fresh for a test, removed with
 * everything in them afterwards.  A failure to do either fails the test,
 * so that a test never runs on, or leaves behind, stale files.
 */
#ifndef BK_TEST_TMPDIR_H
#define BK_TEST_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* A new folder /tmp/bk-test-TAG.XXXXXX; its path in out (n >= 64). */
static inline void
test_mkdtemp(char *out, size_t n, const char *tag)
{
	snprintf(out, n, "/tmp/bk-test-%s.XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(out));
}

/* Remove dir and everything in it. */
static inline void
test_rmtree(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

#endif
