/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared by test-commit.c and test-commit-logged.c: a fresh folder per test
 * (tpath() names files in it), whole files in and out, and bk_io operations
 * that fail with EIO at the io_fail_at'th call, or with io_exit set kill the
 * process there (SIGKILL: no handler, no clean-up, as a power cut).  An
 * includer defines COMMIT_TEST_TAG (the folder's name) before including.
 */
#ifndef BK_COMMIT_TEST_UTIL_H
#define BK_COMMIT_TEST_UTIL_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "bk-atomic.h"
#include "test-tmpdir.h"

static char tmpdir[256];

static void
setup(void)
{
	test_mkdtemp(tmpdir, sizeof(tmpdir), COMMIT_TEST_TAG);
}

static void
teardown(void)
{
	bk_io = &bk_io_posix;
	test_rmtree(tmpdir);
}

/* tmpdir/name; the last six results stay valid. */
static inline const char *
tpath(const char *name)
{
	static char p[6][512];
	static int slot;

	slot = (slot + 1) % 6;
	snprintf(p[slot], sizeof(p[slot]), "%s/%s", tmpdir, name);
	return p[slot];
}

static inline uint8_t *
slurp(const char *path, size_t *len)
{
	struct bk_errbuf eb;
	uint8_t *p = NULL;

	*len = 0;
	if (bk_read_file(&eb, path, &p, len, 1u << 30) < 0)
		return NULL;
	return p;
}

static inline void
spew(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	fclose(f);
}

/* ---- fault injection ------------------------------------------------------ */

static long io_calls, io_fail_at;
static bool io_exit;

static bool
io_hit(void)
{
	if (io_calls++ != io_fail_at)
		return false;
	if (io_exit)
		raise(SIGKILL);
	errno = EIO;
	return true;
}

static int f_open(int d, const char *p, int f, mode_t m) { return io_hit() ? -1 : openat(d, p, f, m); }
static ssize_t f_write(int fd, const void *b, size_t n) { return io_hit() ? -1 : write(fd, b, n); }
static int f_fsync(int fd) { return io_hit() ? -1 : fsync(fd); }
static int f_close(int fd) { if (io_hit()) { close(fd); return -1; } return close(fd); }
static int
f_rename(int da, const char *a, int db, const char *b)
{
	return io_hit() ? -1 : renameat(da, a, db, b);
}
static int f_unlink(int d, const char *p, int fl) { return unlinkat(d, p, fl); }
static int f_ftruncate(int fd, off_t l) { return io_hit() ? -1 : ftruncate(fd, l); }

static const struct bk_io_ops faulty = {
	f_open, f_write, f_fsync, f_close, f_rename, f_unlink, f_ftruncate,
};

#endif
