/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transaction logs seen from outside: hive_open() replaying a dirty hive in
 * memory, and hive_recover() writing the result elsewhere or in place, with
 * allocation and I/O faults.  Every test skips when $BK_CORPUS is absent.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "bk-atomic.h"
#include "log-test-util.h"
#include "test-hive-open.h"

/* ---- hive_open() integration --------------------------------------------- */

static void
collect_note(void *data, const char *msg)
{
	char *buf = data;

	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", msg);
}

START_TEST(test_open_replays_in_memory)
{
	hive_key_t k;
	hive_t *h;
	char err[512], notes[1024];
	struct stat before, after;

	NEED_CORPUS(NDH "NewDirtyHive");
	ck_assert_int_eq(stat(corpus(NDH "NewDirtyHive.LOG2"), &before), 0);
	bk_assert_ok(err, th_open(&h, corpus(NDH "NewDirtyHive"), 0, err, sizeof(err)));
	ck_assert(hive_state(h) & HIVE_STATE_RECOVERED);
	ck_assert(!(hive_state(h) & (HIVE_STATE_DIRTY_NO_LOGS | HIVE_STATE_DIRTY_SEQ)));
	bk_assert_ok(h, hive_key_find(h, "Key3\\Key3_1", &k));
	ck_assert_int_eq(hive_key_find(h, "Key2\\Key2_1", &k), -BK_ENOTFOUND);
	/* One note, kept until the callback is installed. */
	notes[0] = '\0';
	hive_set_msg_cb(h, collect_note, notes);
	ck_assert_msg(strstr(notes, "recovered in memory") != NULL, "%s", notes);
	ck_assert_msg(strstr(notes, "4 entries, last sequence number 5") != NULL, "%s", notes);
	ck_assert_ptr_eq(strchr(notes, '\n'), notes + strlen(notes) - 1);
	hive_close(h);
	ck_assert_int_eq(stat(corpus(NDH "NewDirtyHive.LOG2"), &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	ck_assert_int_eq(before.st_mtime, after.st_mtime);
}
END_TEST

START_TEST(test_open_no_logs_flag)
{
	hive_key_t k;
	hive_t *h;

	NEED_CORPUS(NDH "NewDirtyHive");
	bk_assert_ok_plain(th_open(&h, corpus(NDH "NewDirtyHive"), HIVE_OPEN_NO_LOGS, NULL, 0));
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	bk_assert_ok(h, hive_key_find(h, "Key2\\Key2_1", &k));
	hive_close(h);
}
END_TEST

START_TEST(test_open_dirty_without_logs)
{
	hive_t *h;

	NEED_CORPUS("hive/regipy-SECURITY");
	bk_assert_ok_plain(th_open(&h, corpus("hive/regipy-SECURITY"), 0, NULL, 0));
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	hive_close(h);
}
END_TEST

/* A failed replay is not fatal: the hive opens as found. */
START_TEST(test_open_bad_log)
{
	hive_t *h;

	NEED_CORPUS("hive/yarp-BadLogHive1/BadLogHive");
	bk_assert_ok_plain(th_open(&h, corpus("hive/yarp-BadLogHive1/BadLogHive"), 0, NULL, 0));
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	hive_close(h);
}
END_TEST

/* Clean store beside old/new logs and KTM files: reported clean, all left alone. */
START_TEST(test_open_clean_ktm_store)
{
	char a[8192], b[8192], dir[4096];
	hive_t *h;

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	snprintf(dir, sizeof(dir), "%s", corpus("bcd/win11-uefi-ktm/BCD"));
	*strrchr(dir, '/') = '\0';
	dir_snapshot(dir, a, sizeof(a));
	bk_assert_ok_plain(th_open(&h, corpus("bcd/win11-uefi-ktm/BCD"), HIVE_OPEN_WRITE,
				     NULL, 0));
	ck_assert_uint_eq(hive_state(h) & (HIVE_STATE_RECOVERED | HIVE_STATE_DIRTY_SEQ |
					   HIVE_STATE_BAD_CHECKSUM | HIVE_STATE_DIRTY_NO_LOGS), 0);
	hive_close(h);
	dir_snapshot(dir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

/* ---- hive_recover() ------------------------------------------------------ */

START_TEST(test_recover_in_place)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];
	struct stat st;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	bk_assert_ok(err, th_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)));
	ck_assert(rep.dirty);
	ck_assert_uint_eq(rep.entries, 4);
	assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
	assert_same_file(tpath("NewDirtyHive.bak"), corpus(NDH "NewDirtyHive"));
	assert_same_file(tpath("NewDirtyHive.LOG1.bak"), corpus(NDH "NewDirtyHive.LOG1"));
	assert_same_file(tpath("NewDirtyHive.LOG2.bak"), corpus(NDH "NewDirtyHive.LOG2"));
	ck_assert_int_eq(stat(tpath("NewDirtyHive.LOG1"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(stat(tpath("NewDirtyHive.LOG2"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	/* Again: clean now, nothing written. */
	dir_snapshot(tmpdir, a, sizeof(a));
	bk_assert_ok(err, th_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)));
	ck_assert(!rep.dirty);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_to_other_file)
{
	struct hive_recover_report rep;
	char a[8192], b[8192];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	bk_assert_ok_plain(th_recover(tpath("NewDirtyHive"), tpath("out"), 0, &rep, NULL, 0));
	assert_same_file(tpath("out"), corpus(NDH "RecoveredHive_Windows10"));
	ck_assert_int_eq(unlink(tpath("out")), 0);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
	/* Dry run: the report, and nothing written. */
	bk_assert_ok_plain(th_recover(tpath("NewDirtyHive"), NULL, HIVE_RECOVER_DRY_RUN, &rep,
					NULL, 0));
	ck_assert_uint_eq(rep.last_seq, 5);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_refuses_existing_backup)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	spit(tpath("NewDirtyHive.LOG2.bak"), (const uint8_t *)"keep", 4);
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(th_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)),
			 -BK_EEXIST);
	ck_assert_msg(strstr(err, "NewDirtyHive.LOG2.bak") != NULL, "%s", err);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_bad_log_writes_nothing)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];

	NEED_CORPUS("hive/yarp-BadLogHive1/BadLogHive");
	copy_in("hive/yarp-BadLogHive1/BadLogHive", "BadLogHive");
	copy_in("hive/yarp-BadLogHive1/BadLogHive.LOG1", "BadLogHive.LOG1");
	copy_in("hive/yarp-BadLogHive1/BadLogHive.LOG2", "BadLogHive.LOG2");
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(th_recover(tpath("BadLogHive"), NULL, 0, &rep, err, sizeof(err)),
			 -BK_ELOG);
	ck_assert_int_eq(th_recover(tpath("BadLogHive"), tpath("out"), 0, &rep, err,
				      sizeof(err)), -BK_ELOG);
	ck_assert_msg(strstr(err, "checksum") != NULL, "%s", err);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_image_clean)
{
	struct hive_recover_report rep;
	uint8_t *img;
	size_t len;

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	bk_assert_ok_plain(th_recover_image(corpus("bcd/win11-uefi-ktm/BCD"), &img, &len, &rep,
					      NULL, 0));
	ck_assert(!rep.dirty);
	ck_assert_ptr_null(img);
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* Every allocation failing in turn: -BK_ENOMEM and the folder as it was. */
START_TEST(test_recover_alloc_failures)
{
	struct hive_recover_report rep;
	char a[8192], b[8192];
	long k;
	int rc;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	for (k = 0;; k++) {
		bk_alloc_fail_after = k;
		rc = th_recover(tpath("NewDirtyHive"), NULL, 0, &rep, NULL, 0);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: rc %d", k, rc);
		dir_snapshot(tmpdir, b, sizeof(b));
		if (strcmp(a, b) == 0)
			continue;
		/*
		 * Only a failure after the rename (syncing the folder) may leave
		 * a change: the hive recovered, its backups complete, the logs
		 * not yet emptied.
		 */
		assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
		assert_same_file(tpath("NewDirtyHive.bak"), corpus(NDH "NewDirtyHive"));
		assert_same_file(tpath("NewDirtyHive.LOG1.bak"), corpus(NDH "NewDirtyHive.LOG1"));
		assert_same_file(tpath("NewDirtyHive.LOG2"), corpus(NDH "NewDirtyHive.LOG2"));
		break;
	}
	ck_assert_int_gt(k, 3);
	assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
}
END_TEST

/* I/O faults: a failed rename of the hive, a failed truncation of a log. */
static const char *fault_target;
static int
rename_fails(int fromdir, const char *from, int todir, const char *to)
{
	/* Names are relative to the hive's folder: compare the last part. */
	if (strcmp(to, strrchr(fault_target, '/') + 1) == 0) {
		errno = EIO;
		return -1;
	}
	return renameat(fromdir, from, todir, to);
}

static int
ftruncate_fails(int fd, off_t len)
{
	(void)fd;
	(void)len;
	errno = EIO;
	return -1;
}

START_TEST(test_recover_io_faults)
{
	struct hive_recover_report rep;
	struct bk_io_ops ops = bk_io_posix;
	char a[8192], b[8192], err[512];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	fault_target = tpath("NewDirtyHive");
	ops.renameat = rename_fails;
	bk_io = &ops;
	ck_assert_int_eq(th_recover(fault_target, NULL, 0, &rep, err, sizeof(err)), -BK_EIO);
	bk_io = &bk_io_posix;
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);

	ops = bk_io_posix;
	ops.ftruncate = ftruncate_fails;
	bk_io = &ops;
	ck_assert_int_eq(th_recover(fault_target, NULL, 0, &rep, err, sizeof(err)), -BK_EIO);
	bk_io = &bk_io_posix;
	ck_assert_msg(strstr(err, "could not be emptied") != NULL, "%s", err);
	/* The hive itself is recovered and clean; the stale logs are harmless. */
	assert_same_file(fault_target, corpus(NDH "RecoveredHive_Windows10"));
}
END_TEST

static Suite *
recover_suite(void)
{
	Suite *s = suite_create("log-recover");
	TCase *to = tcase_create("open-recover");

	tcase_set_timeout(to, 60);
	tcase_add_checked_fixture(to, log_setup, log_teardown);
	bk_tcase_add_tests(to, NULL);
	suite_add_tcase(s, to);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(recover_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
