/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The logged commit (hive/commit-logged.c): the file written in place equals
 * the hive in memory, logs alternate LOG1/LOG2 with the right sequence
 * numbers, the rule picks logged or rewrite, a stale log replay could take
 * is emptied, a planted symlink is not followed; and crash consistency:
 * each I/O call of the commit fails, or the process stops inside it, in
 * turn; then opening the hive (with log replay) gives the old hive byte for
 * byte or the new one, whose hive bins equal what a full rewrite writes, and
 * the recovered hive passes the checker.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bk-check.h"
#include "bk-atomic.h"
#include "test-hive-open.h"
#include "hive-internal.h"
#define COMMIT_TEST_TAG "commit-logged"
#include "commit-test-util.h"

static off_t
fsize(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_size : -1;
}

static uint32_t
seq_of(const char *path)
{
	size_t len;
	uint8_t *p = slurp(path, &len);
	uint32_t s;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(len, 512);
	s = bk_le32(p + 4);
	free(p);
	return s;
}

/* A hive of a few hundred KiB (keys with values), committed as a rewrite. */
static void
make_hive(const char *name, unsigned nkeys)
{
	uint8_t data[300];
	char err[512], kn[32];
	hive_key_t root, bulk, k;
	hive_t *h;
	unsigned i;

	memset(data, 0x5A, sizeof(data));
	bk_assert_ok(err, th_create(&h, tpath(name), "R", 5, err, sizeof(err)));
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "bulk", &bulk));
	for (i = 0; i < nkeys; i++) {
		snprintf(kn, sizeof(kn), "k%u", i);
		bk_assert_ok(h, hive_key_add(h, bulk, kn, &k));
		bk_assert_ok(h, hive_value_set(h, k, "v", HIVE_REG_BINARY, data,
					       i % sizeof(data)));
	}
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_REWRITE));
	hive_close(h);
}

static hive_t *
open_flags(const char *name, unsigned flags)
{
	char err[512];
	hive_t *h;

	bk_assert_ok(err, th_open(&h, tpath(name), HIVE_OPEN_WRITE | flags, err, sizeof(err)));
	return h;
}

static hive_t *
open_w(const char *name)
{
	return open_flags(name, 0);
}

/* Edits of every kind: new key and values, a grown hive, deletions. */
static void
edit(hive_t *h)
{
	static uint8_t big[40000];
	hive_key_t root, k, b;

	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "new", &k));
	bk_assert_ok(h, hive_value_set(h, k, "big", HIVE_REG_BINARY, big, sizeof(big)));
	bk_assert_ok(h, hive_key_find(h, "bulk\\k7", &b));
	bk_assert_ok(h, hive_key_delete(h, b, true));
	bk_assert_ok(h, hive_key_find(h, "bulk\\k100", &b));
	bk_assert_ok(h, hive_value_set(h, b, "v", HIVE_REG_DWORD, "\1\2\3\4", 4));
}

/* The file's hive bins equal the hive in memory. */
static void
assert_file_is(const char *path, hive_t *h)
{
	size_t len;
	uint8_t *p = slurp(path, &len);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(len, HIVE_BASE_SIZE + (size_t)h->bins_len);
	ck_assert_int_eq(memcmp(p, h->buf, HIVE_BASE_SIZE), 0);
	ck_assert_int_eq(memcmp(p + HIVE_BASE_SIZE, h->buf + HIVE_BASE_SIZE, h->bins_len), 0);
	ck_assert(!hv_image_dirty(p, len));
	free(p);
}

START_TEST(test_logged_alternates)
{
	hive_t *h;
	uint32_t s;
	int i;

	make_hive("a.hiv", 3000);
	spew(tpath("a.hiv.LOG1"), "", 0);
	spew(tpath("a.hiv.LOG2"), "", 0);
	h = open_w("a.hiv");
	edit(h);
	for (i = 0; i < 4; i++) {
		const char *log = tpath(i % 2 ? "a.hiv.LOG2" : "a.hiv.LOG1");
		hive_key_t root, k;
		char kn[16];

		s = seq_of(tpath("a.hiv"));
		if (i > 0) {
			hive_root(h, &root);
			snprintf(kn, sizeof(kn), "again%d", i);
			bk_assert_ok(h, hive_key_add(h, root, kn, &k));
		}
		bk_assert_ok(h, hive_commit(h, 0));
		assert_file_is(tpath("a.hiv"), h);
		ck_assert_uint_eq(seq_of(tpath("a.hiv")), s + 1);
		/* This commit's log: starts at the primary's old sequence number. */
		ck_assert_uint_eq(seq_of(log), s);
		ck_assert_int_gt(fsize(log), 1024);
	}
	hive_close(h);
	/* The result reads as a clean hive with no problems. */
	{
		uint64_t probs = 1;
		hive_key_t k;

		h = open_w("a.hiv");
		ck_assert_uint_eq(hive_state(h) & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_RECOVERED), 0);
		bk_assert_ok(h, hive_check(h, NULL, NULL, &probs));
		ck_assert_uint_eq(probs, 0);
		bk_assert_ok(h, hive_key_find(h, "again3", &k));
		ck_assert_int_eq(hive_key_find(h, "bulk\\k7", &k), -BK_ENOTFOUND);
		hive_close(h);
	}
}
END_TEST

/* Edits through a lazy handle (as hivetool and bcdedit make them): the
 * file written equals the hive in memory, which reads back with no problem. */
START_TEST(test_lazy_edits)
{
	uint64_t probs = 1;
	hive_key_t k;
	hive_t *h;
	int i;

	make_hive("z.hiv", 3000);
	/* A small edit written as a new file: what the lazy handle never
	 * reached must be read for it. */
	h = open_flags("z.hiv", HIVE_OPEN_LAZY);
	bk_assert_ok(h, hive_key_find(h, "bulk\\k100", &k));
	bk_assert_ok(h, hive_value_set(h, k, "v", HIVE_REG_DWORD, "\1\0\0\0", 4));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_REWRITE));
	hive_close(h);
	h = open_w("z.hiv");
	bk_assert_ok(h, hive_check(h, NULL, NULL, &probs));
	ck_assert_uint_eq(probs, 0);
	bk_assert_ok(h, hive_key_find(h, "bulk\\k2999", &k));
	hive_close(h);
	spew(tpath("z.hiv.LOG1"), "", 0);
	h = open_flags("z.hiv", HIVE_OPEN_LAZY);
	ck_assert(h->lazy);
	edit(h);
	for (i = 0; i < 300; i++) {         /* enough to fill free space and grow */
		char kn[16];
		hive_key_t root;
		static uint8_t d[3000];
		hive_root(h, &root);
		snprintf(kn, sizeof(kn), "grow%d", i);
		bk_assert_ok(h, hive_key_add(h, root, kn, &k));
		bk_assert_ok(h, hive_value_set(h, k, "d", HIVE_REG_BINARY, d, sizeof(d)));
	}
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_LOGGED));
	assert_file_is(tpath("z.hiv"), h);
	hive_close(h);
	h = open_w("z.hiv");
	bk_assert_ok(h, hive_check(h, NULL, NULL, &probs));
	ck_assert_uint_eq(probs, 0);
	bk_assert_ok(h, hive_key_find(h, "grow299", &k));
	ck_assert_int_eq(hive_key_find(h, "bulk\\k7", &k), -BK_ENOTFOUND);
	hive_close(h);
}
END_TEST

/* A lazy edit that must grow the hive reads every hbin header first: a
 * damaged one stops it, and nothing is written. */
START_TEST(test_lazy_damage)
{
	static uint8_t d[60000];
	uint8_t *old, *now;
	size_t ol, nl;
	hive_key_t root, k;
	hive_t *h;
	int rc;

	make_hive("d.hiv", 3000);
	old = slurp(tpath("d.hiv"), &ol);
	memcpy(old + ol - 4096, "hbiX", 4);      /* the last hbin's header */
	spew(tpath("d.hiv"), old, ol);
	h = open_flags("d.hiv", HIVE_OPEN_LAZY);
	hive_root(h, &root);
	ck_assert_int_lt(hive_key_add(h, root, "x", &k) == 0 ?
			 hive_value_set(h, k, "d", HIVE_REG_BINARY, d, sizeof(d)) : -1, 0);
	/* Nothing is left to write; the walk that checks for key loops
	 * (doc/safety.md) may also meet the damage and refuse the commit. */
	rc = hive_commit(h, HIVE_COMMIT_LOGGED);
	ck_assert_msg(rc == 0 || rc == -BK_EREADONLY, "commit: %d %s", rc, hive_last_error(h));
	hive_close(h);
	now = slurp(tpath("d.hiv"), &nl);
	ck_assert_uint_eq(nl, ol);
	ck_assert_int_eq(memcmp(now + HIVE_BASE_SIZE + 0, old + HIVE_BASE_SIZE, 64), 0);
	ck_assert_int_eq(memcmp(now + ol - 4096, "hbiX", 4), 0);
	free(old);
	free(now);
}
END_TEST

START_TEST(test_rule)
{
	hive_t *h;
	hive_key_t root, k;

	/* Small, no logs: rewrite, no log created. */
	make_hive("r.hiv", 3000);
	h = open_w("r.hiv");
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "x", &k));
	bk_assert_ok(h, hive_commit(h, 0));
	ck_assert_int_eq(fsize(tpath("r.hiv.LOG1")), -1);
	/* Asked for: logged, LOG1 created. */
	bk_assert_ok(h, hive_key_add(h, root, "y", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_LOGGED));
	ck_assert_int_gt(fsize(tpath("r.hiv.LOG1")), 0);
	assert_file_is(tpath("r.hiv"), h);
	/* Logs beside it now: logged by default, into the other log. */
	bk_assert_ok(h, hive_key_add(h, root, "z", &k));
	bk_assert_ok(h, hive_commit(h, 0));
	ck_assert_int_gt(fsize(tpath("r.hiv.LOG2")), 0);
	assert_file_is(tpath("r.hiv"), h);
	/* Rewrite asked for: a new file, logs emptied. */
	bk_assert_ok(h, hive_key_add(h, root, "w", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_REWRITE));
	ck_assert_int_eq(fsize(tpath("r.hiv.LOG1")), 0);
	ck_assert_int_eq(fsize(tpath("r.hiv.LOG2")), 0);
	ck_assert_int_eq(fsize(tpath("r.hiv")), HIVE_BASE_SIZE + h->bins_len);
	hive_close(h);
}
END_TEST

/* A new-format log header (no entries) starting at seq. */
static void
write_log_header(const char *path, uint32_t seq)
{
	uint8_t p[512];
	struct regf_base b = { seq, seq, 0, 1, 5, 6, 1, 0x20, 0x1000, 1, 0, 0 };

	memset(p, 0, sizeof(p));
	regf_base_write(p, &b);
	spew(path, p, sizeof(p));
}

START_TEST(test_stale_log)
{
	hive_t *h;
	hive_key_t root, k;
	uint32_t s;

	make_hive("s.hiv", 50);
	s = seq_of(tpath("s.hiv"));
	/* LOG2 could follow our entry S in replay: it must go. */
	write_log_header(tpath("s.hiv.LOG2"), s + 1);
	h = open_w("s.hiv");
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "x", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_LOGGED));
	ck_assert_uint_eq(seq_of(tpath("s.hiv.LOG1")), s);
	ck_assert_int_eq(fsize(tpath("s.hiv.LOG2")), 0);
	hive_close(h);
	/* One that starts before the primary's seq2 is never eligible: kept. */
	write_log_header(tpath("s.hiv.LOG1"), s - 5);
	h = open_w("s.hiv");
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "y", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_LOGGED));
	ck_assert_uint_eq(seq_of(tpath("s.hiv.LOG2")), s + 1);
	ck_assert_int_eq(fsize(tpath("s.hiv.LOG1")), 512);
	assert_file_is(tpath("s.hiv"), h);
	hive_close(h);
}
END_TEST

START_TEST(test_symlink_log)
{
	size_t ol, nl;
	uint8_t *old, *now;
	hive_t *h;
	hive_key_t root, k;

	make_hive("l.hiv", 50);
	spew(tpath("victim"), "keep", 4);
	ck_assert_int_eq(symlink(tpath("victim"), tpath("l.hiv.LOG1")), 0);
	old = slurp(tpath("l.hiv"), &ol);
	h = open_w("l.hiv");
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "x", &k));
	ck_assert_int_lt(hive_commit(h, HIVE_COMMIT_LOGGED), 0);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "l.hiv.LOG1"));
	hive_close(h);
	now = slurp(tpath("l.hiv"), &nl);
	ck_assert_uint_eq(nl, ol);
	ck_assert_int_eq(memcmp(now, old, ol), 0);
	ck_assert_int_eq(fsize(tpath("victim")), 4);
	free(old);
	free(now);
}
END_TEST

/* ---- crashes -------------------------------------------------------------- */

/*
 * After a crash: 0 if the file is the old one byte for byte, 1 if opening
 * it gives the new hive (bins equal to ref, the full rewrite), recovered
 * by replay when the file was left dirty (*replayed set).
 */
static int
classify(const uint8_t *old, size_t ol, const uint8_t *ref, size_t rl, bool *replayed)
{
	size_t len;
	uint8_t *p = slurp(tpath("c.hiv"), &len), *img;
	struct hive_recover_report rep;
	char err[512];
	uint64_t probs = 1;
	hive_t *h;

	ck_assert_ptr_nonnull(p);
	*replayed = false;
	if (len == ol && memcmp(p, old, ol) == 0) {
		free(p);
		return 0;
	}
	if (hv_image_dirty(p, len)) {
		*replayed = true;
		bk_assert_ok(err, th_recover_image(tpath("c.hiv"), &img, &len, &rep, err,
						     sizeof(err)));
		ck_assert_uint_eq(rep.entries, 1);
		free(p);
		p = img;
	}
	ck_assert_uint_ge(len, rl);
	ck_assert_int_eq(memcmp(p + HIVE_BASE_SIZE, ref + HIVE_BASE_SIZE, rl - HIVE_BASE_SIZE), 0);
	ck_assert_uint_eq(bk_le32(p + 0x28), rl - HIVE_BASE_SIZE);
	free(p);
	/* What a program opening it sees: the new hive, with no problems. */
	bk_assert_ok(err, th_open(&h, tpath("c.hiv"), 0, err, sizeof(err)));
	ck_assert_uint_eq(hive_state(h) & (HIVE_STATE_DIRTY_NO_LOGS | HIVE_STATE_TRUNCATED), 0);
	bk_assert_ok(h, hive_check(h, NULL, NULL, &probs));
	ck_assert_uint_eq(probs, 0);
	hive_close(h);
	return 1;
}

/* The state before each attempt: the old file, empty logs. */
static void
reset_files(const uint8_t *old, size_t ol)
{
	spew(tpath("c.hiv"), old, ol);
	spew(tpath("c.hiv.LOG1"), "", 0);
	spew(tpath("c.hiv.LOG2"), "", 0);
}

/* The full rewrite of h's state, written by a child (h is left as it was). */
static uint8_t *
rewrite_of(hive_t *h, size_t *len)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (hive_commit_to(h, tpath("ref.hiv"), HIVE_COMMIT_REWRITE) == 0)
			_exit(0);
		fprintf(stderr, "rewrite: %s\n", hive_last_error(h));
		_exit(1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return slurp(tpath("ref.hiv"), len);
}

/*
 * One commit in a child (so that h stays as it is), its I/O call number at
 * failing (or, with use_exit, stopping the process).  Returns 0 if it
 * succeeded without reaching that call, 1 if it succeeded past a failure it
 * may ignore, -1 if it failed or stopped.
 */
static int
attempt(hive_t *h, bool use_exit)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bk_io = &faulty;
		if (hive_commit(h, HIVE_COMMIT_LOGGED) < 0)
			_exit(4);
		_exit(io_calls <= io_fail_at ? 3 : 5);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (use_exit && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return -1;          /* killed at the hook */
	ck_assert(WIFEXITED(status));
	ck_assert_int_ne(WEXITSTATUS(status), 0);
	return WEXITSTATUS(status) == 3 ? 0 : WEXITSTATUS(status) == 5 ? 1 : -1;
}

static void
crash_run(bool use_exit)
{
	uint8_t *old, *ref;
	size_t ol, rl;
	int seen_old = 0, seen_new = 0, seen_replay = 0;
	bool replayed;
	long at;
	hive_t *h;

	make_hive("c.hiv", 3000);
	old = slurp(tpath("c.hiv"), &ol);
	reset_files(old, ol);
	h = open_flags("c.hiv", HIVE_OPEN_LAZY);
	edit(h);
	ref = rewrite_of(h, &rl);
	ck_assert_ptr_nonnull(ref);
	for (at = 0; at < 200; at++) {
		int rc;

		io_calls = 0;
		io_fail_at = at;
		io_exit = use_exit;
		rc = attempt(h, use_exit);
		if (classify(old, ol, ref, rl, &replayed)) {
			seen_new++;
			seen_replay += replayed;
		} else {
			seen_old++;
		}
		if (rc == 0)
			break;              /* no call left to fail: done */
		reset_files(old, ol);
	}
	ck_assert_int_gt(seen_old, 0);
	ck_assert_int_gt(seen_new, 0);
	ck_assert_int_gt(seen_replay, 3);   /* stops between marking dirty and clean */
	ck_assert_int_lt(at, 200);
	free(old);
	free(ref);
	hive_close(h);
}

START_TEST(test_crash_fail)
{
	crash_run(false);
}
END_TEST

START_TEST(test_crash_exit)
{
	crash_run(true);
}
END_TEST

static Suite *
commit_logged_suite(void)
{
	Suite *s = suite_create("commit-logged");
	TCase *tc = tcase_create("commit-logged");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(commit_logged_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
