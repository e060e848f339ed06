/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hive_commit() as a rewrite (HIVE_COMMIT_REWRITE; the logged commit is in
 * test-commit-logged.c): sequence numbers above every log's, logs truncated
 * after the write, backups, and crash consistency: each I/O call on the commit
 * path fails, or the process is killed inside it (fork, SIGKILL in the hook), in
 * turn; afterwards the file is the old hive byte for byte or the new hive
 * complete, never a mix, and once the next writer has opened the hive no
 * temporary file of the killed one is left (doc/safety.md).
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
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
#define COMMIT_TEST_TAG "commit"
#include "commit-test-util.h"

/* A new-format log: base block with seq, then n HvLE entry headers. */
static void
write_new_log(const char *path, uint32_t seq, unsigned n)
{
	size_t len = 512 + 512 * (size_t)n, i;
	uint8_t *p = calloc(1, len);
	struct regf_base b = { seq, seq, 0, 1, 5, 6, 1, 0x20, 0x1000, 1, 0, 0 };

	regf_base_write(p, &b);
	for (i = 0; i < n; i++) {
		uint8_t *e = p + 512 + 512 * i;
		memcpy(e, "HvLE", 4);
		bk_put_le32(e + 4, 512);
		bk_put_le32(e + 12, seq + (uint32_t)i);
		bk_put_le32(e + 16, 0x1000);
		bk_put_le32(e + 20, 1);
	}
	spew(path, p, len);
	free(p);
}

static hive_t *
make_hive(const char *name)
{
	char err[512];
	hive_t *h;

	bk_assert_ok(err, th_create(&h, tpath(name), "R", 5, err, sizeof(err)));
	bk_assert_ok(h, hive_commit(h, 0));
	return h;
}

START_TEST(test_seq_and_logs)
{
	hive_t *h = make_hive("h.hiv"), *r;
	struct hive_header hd;
	struct stat st;
	hive_key_t root, k;
	char err[512];

	hive_close(h);
	write_new_log(tpath("h.hiv.LOG1"), 500, 3);     /* entries 500..502 */
	write_new_log(tpath("h.hiv.LOG2"), 90, 1);
	bk_assert_ok(err, th_open(&h, tpath("h.hiv"), HIVE_OPEN_WRITE, err, sizeof(err)));
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "k", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_REWRITE));
	hive_close(h);
	ck_assert_int_eq(stat(tpath("h.hiv.LOG1"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(stat(tpath("h.hiv.LOG2"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	bk_assert_ok(err, th_open(&r, tpath("h.hiv"), 0, err, sizeof(err)));
	bk_assert_ok(r, hive_get_header(r, &hd));
	ck_assert_uint_eq(hd.seq1, 503);
	ck_assert_uint_eq(hd.seq2, 503);
	ck_assert_uint_eq(hd.checksum, hd.checksum_calc);
	ck_assert_uint_eq(hd.hbins_size, r->bins_len);
	ck_assert_uint_eq(hv_logs_max_seq(tpath("h.hiv")), 0);
	hive_close(r);
}
END_TEST

START_TEST(test_backup)
{
	hive_t *h = make_hive("b.hiv");
	hive_key_t root, k;
	uint8_t *old, *bak;
	size_t ol, bl;

	old = slurp(tpath("b.hiv"), &ol);
	write_new_log(tpath("b.hiv.LOG1"), 10, 1);
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "k", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_BACKUP | HIVE_COMMIT_REWRITE));
	bak = slurp(tpath("b.hiv.bak"), &bl);
	ck_assert_ptr_nonnull(bak);
	ck_assert_uint_eq(bl, ol);
	ck_assert_int_eq(memcmp(bak, old, ol), 0);
	free(bak);
	bak = slurp(tpath("b.hiv.LOG1.bak"), &bl);
	ck_assert_ptr_nonnull(bak);
	ck_assert_uint_eq(bl, 1024);
	free(bak);
	/* Only before the first write through a handle. */
	bk_assert_ok(h, hive_key_add(h, root, "k2", &k));
	bk_assert_ok(h, hive_commit(h, HIVE_COMMIT_BACKUP | HIVE_COMMIT_REWRITE));
	bak = slurp(tpath("b.hiv.bak"), &bl);
	ck_assert_int_eq(memcmp(bak, old, ol), 0);
	free(bak);
	free(old);
	hive_close(h);
}
END_TEST

/* The file is the old image exactly, or a complete new hive with key "new". */
static int
classify(const char *path, const uint8_t *old, size_t ol)
{
	size_t len;
	uint8_t *p = slurp(path, &len);
	char err[512];
	uint64_t probs = 1;
	hive_t *h;
	hive_key_t k;
	int kind;

	ck_assert_ptr_nonnull(p);
	if (len == ol && memcmp(p, old, ol) == 0) {
		free(p);
		return 0;
	}
	free(p);
	bk_assert_ok(err, th_open(&h, path, HIVE_OPEN_NO_LOGS, err, sizeof(err)));
	ck_assert_uint_eq(hive_state(h) & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM), 0);
	bk_assert_ok(h, hive_check(h, NULL, NULL, &probs));
	ck_assert_uint_eq(probs, 0);
	bk_assert_ok(h, hive_key_find(h, "new", &k));
	bk_assert_ok(h, hive_key_find(h, "bulk\\k99", &k));
	kind = 1;
	hive_close(h);
	return kind;
}

/* Names in tmpdir that contain ".tmp": temporaries left behind. */
static int
count_temps(void)
{
	struct dirent *de;
	DIR *d = opendir(tmpdir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

/* The next writer's open removes what the killed one left. */
static void
next_writer_cleans(int *left)
{
	char err[512];
	hive_t *r;

	*left += count_temps();
	bk_assert_ok(err, th_open(&r, tpath("c.hiv"), HIVE_OPEN_WRITE, err, sizeof(err)));
	hive_close(r);
	ck_assert_int_eq(count_temps(), 0);
}

static void
crash_run(bool use_exit)
{
	hive_t *h = make_hive("c.hiv");
	hive_key_t root, k, bulk;
	uint8_t *old;
	size_t ol;
	long at;
	int seen_old = 0, seen_new = 0, left = 0, i;
	char name[16];

	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "bulk", &bulk));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		bk_assert_ok(h, hive_key_add(h, bulk, name, &k));
	}
	bk_assert_ok(h, hive_commit(h, 0));
	write_new_log(tpath("c.hiv.LOG1"), 3, 1);
	old = slurp(tpath("c.hiv"), &ol);
	bk_assert_ok(h, hive_key_add(h, root, "new", &k));
	for (at = 0; at < 64; at++) {
		int rc = 0, status;

		io_calls = 0;
		io_fail_at = at;
		io_exit = use_exit;
		if (use_exit) {
			pid_t pid = fork();
			ck_assert_int_ge(pid, 0);
			if (pid == 0) {
				bk_io = &faulty;
				_exit(hive_commit(h, HIVE_COMMIT_REWRITE) == 0 ? 3 : 4);
			}
			ck_assert_int_eq(waitpid(pid, &status, 0), pid);
			ck_assert(WIFEXITED(status) ||
				  (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
			rc = WIFEXITED(status) && WEXITSTATUS(status) == 3 ? 0 : -1;
		} else {
			bk_io = &faulty;
			rc = hive_commit(h, HIVE_COMMIT_REWRITE);
			bk_io = &bk_io_posix;
		}
		if (classify(tpath("c.hiv"), old, ol))
			seen_new++;
		else
			seen_old++;
		if (use_exit)
			next_writer_cleans(&left);
		if (rc == 0 && io_calls <= at && !use_exit)
			break;              /* no call left to fail: done */
		if (use_exit && rc == 0)
			break;
		/* Put the old file back for the next point. */
		bk_io = &bk_io_posix;
		spew(tpath("c.hiv"), old, ol);
		write_new_log(tpath("c.hiv.LOG1"), 3, 1);
	}
	ck_assert_int_gt(seen_old, 0);
	ck_assert_int_gt(seen_new, 0);
	ck_assert_int_lt(at, 64);
	/* Some kills came after the temporary was made: the sweep was tested. */
	if (use_exit)
		ck_assert_int_gt(left, 0);
	free(old);
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
commit_suite(void)
{
	Suite *s = suite_create("commit");
	TCase *tc = tcase_create("commit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(commit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
