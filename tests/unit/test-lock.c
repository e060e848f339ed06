/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * common/bk-lock.c: the upgrade of a shared lock of this process to an
 * exclusive one.  Linux's flock() drops the shared lock before it waits for
 * the exclusive one, so a failed upgrade must take the shared lock back
 * (else the handles sharing it read unprotected), and a file another
 * process changed in that window must refuse the upgrade.  Other processes
 * are children holding plain flock()s, as another bcdkit process would.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bk-check.h"
#include "bk-lock.h"

static char path[64];

static void
setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test-lock.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "original", 8), 8);
	close(fd);
}

static void
teardown(void)
{
	unlink(path);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* 1 when another open file description can lock path exclusively now. */
static int
free_for_writer(void)
{
	int fd = open(path, O_RDONLY), ok;

	ck_assert_int_ge(fd, 0);
	ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
	ck_assert(ok || errno == EWOULDBLOCK);
	close(fd);
	return ok;
}

/*
 * A child that takes a shared lock, says so on the pipe, and when told
 * (a byte on go) writes over the file with an exclusive lock if write is
 * set, else just leaves.  Returns its pid; *go_fd is the parent's end.
 */
static pid_t
holder(int write_it, int *go_fd)
{
	int ready[2], go[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR);

		if (fd < 0 || flock(fd, LOCK_SH) < 0 || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(2);
		if (write_it) {
			/* Past the parent's first try: its shared lock is gone. */
			sleep_ms(150);
			if (flock(fd, LOCK_EX) < 0 || pwrite(fd, "CHANGED!", 8, 0) != 8)
				_exit(3);
			sleep_ms(100);
		}
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	*go_fd = go[1];
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

START_TEST(upgrade_alone)
{
	struct bk_errbuf eb = { 0 };
	struct bk_lock *a, *b;

	bk_assert_ok_plain(bk_lock_open(&eb, path, "store", false, &a));
	bk_assert_ok_plain(bk_lock_open(&eb, path, "store", true, &b));
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(free_for_writer(), 0);
	bk_lock_release(b);
	ck_assert_int_eq(free_for_writer(), 0);
	bk_lock_release(a);
	ck_assert_int_eq(free_for_writer(), 1);
}
END_TEST

/* Another reader holds on: the upgrade fails, the shared lock stays. */
START_TEST(failed_upgrade_keeps_shared)
{
	struct bk_errbuf eb = { 0 };
	struct bk_lock *a, *b = NULL;
	int go;
	pid_t pid;

	bk_lock_wait_ms = 200;
	bk_assert_ok_plain(bk_lock_open(&eb, path, "store", false, &a));
	pid = holder(0, &go);
	ck_assert_int_eq(bk_lock_open(&eb, path, "store", true, &b), -BK_EBUSY);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(eb.msg, "in use by another process"), "%s", eb.msg);
	ck_assert_int_eq(write(go, "g", 1), 1);
	close(go);
	reap(pid);
	/* The other reader is gone; this process still holds its shared lock. */
	ck_assert_int_eq(free_for_writer(), 0);
	bk_lock_release(a);
	ck_assert_int_eq(free_for_writer(), 1);
}
END_TEST

/* Another process writes the file while the upgrade waits: refused. */
START_TEST(changed_during_upgrade)
{
	struct bk_errbuf eb = { 0 };
	struct bk_lock *a, *b = NULL;
	int go, rc;
	pid_t pid;

	bk_lock_wait_ms = 5000;
	bk_assert_ok_plain(bk_lock_open(&eb, path, "store", false, &a));
	pid = holder(1, &go);
	ck_assert_int_eq(write(go, "g", 1), 1);
	close(go);
	rc = bk_lock_open(&eb, path, "store", true, &b);
	reap(pid);
	ck_assert_msg(rc == -BK_EBUSY, "upgrade over a changed file: %d", rc);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(eb.msg, "changed by another process"), "%s", eb.msg);
	/* The handles already open keep a shared lock, no more. */
	ck_assert_int_eq(free_for_writer(), 0);
	bk_lock_release(a);
	ck_assert_int_eq(free_for_writer(), 1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("upgrade");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
