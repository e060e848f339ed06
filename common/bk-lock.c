/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "bk-lock.h"

unsigned bk_lock_wait_ms = BK_LOCK_WAIT_DEFAULT_MS;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
bk_flock_wait(struct bk_errbuf *eb, int fd, const char *name, const char *what, bool excl)
{
	uint64_t start = now_ms();
	struct timespec pause = { 0, 2 * 1000 * 1000 };

	for (;;) {
		if (flock(fd, (excl ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return bk_err_errno(eb, "lock", name);
		if (now_ms() - start >= bk_lock_wait_ms)
			return bk_error_at(eb, name, BK_EBUSY, "%s is in use by another process "
				      "(waited %u s)", what, (bk_lock_wait_ms + 999) / 1000);
		/* Polled, not blocking: a blocking flock() cannot time out.  The
		 * pause grows to 50 ms so that twenty waiters do not spin. */
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 50 * 1000 * 1000)
			pause.tv_nsec *= 2;
	}
}

int
bk_lock_stale(struct bk_errbuf *eb, int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return bk_err_errno(eb, "stat", path);
	if (stat(path, &b) < 0)
		return errno == ENOENT ? 1 : bk_err_errno(eb, "stat", path);
	return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* ---- locks shared by the handles of this process ------------------------------ */

struct bk_lock {
	dev_t dev;
	ino_t ino;
	int fd;
	bool excl;
	unsigned refs;
	struct bk_lock *next;
};

static struct bk_lock *held;
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;

static struct bk_lock *
find_held(dev_t dev, ino_t ino)
{
	struct bk_lock *l;

	for (l = held; l; l = l->next)
		if (l->dev == dev && l->ino == ino)
			return l;
	return NULL;
}

/* This process holds the file already: share the lock, upgraded if need be. */
static int
reuse(struct bk_errbuf *eb, struct bk_lock *l, const char *path, const char *what, bool excl)
{
	int rc = 0;

	if (excl && !l->excl) {
		rc = bk_flock_wait(eb, l->fd, path, what, true);
		if (rc == 0)
			l->excl = true;
	}
	if (rc == 0)
		l->refs++;
	return rc;
}

static int
open_checked(struct bk_errbuf *eb, const char *path, const char *what, struct stat *st)
{
	/* Non-blocking, or a FIFO given by mistake hangs open(). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc = 0;

	if (fd < 0)
		return bk_err_errno(eb, "open", path);
	if (fstat(fd, st) < 0)
		rc = bk_err_errno(eb, "stat", path);
	else if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		rc = bk_error_at(eb, path, BK_EINVAL, "not a regular file%s",
			    strcmp(what, "image") == 0 ? " or block device" : "");
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = bk_err_errno(eb, "fcntl", path);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* One try: open, lock, check the name still means the locked file (1: retry). */
static int
try_lock(struct bk_errbuf *eb, const char *path, const char *what, bool excl,
	 struct bk_lock **out)
{
	struct bk_lock *l;
	struct stat st;
	int fd = open_checked(eb, path, what, &st), rc;

	if (fd < 0)
		return fd;
	pthread_mutex_lock(&held_mu);
	if ((l = find_held(st.st_dev, st.st_ino)) != NULL) {
		rc = reuse(eb, l, path, what, excl);
		pthread_mutex_unlock(&held_mu);
		close(fd);
		*out = rc == 0 ? l : NULL;
		return rc;
	}
	pthread_mutex_unlock(&held_mu);
	rc = bk_flock_wait(eb, fd, path, what, excl);
	if (rc == 0)
		rc = bk_lock_stale(eb, fd, path);
	if (rc == 0 && !(l = bk_calloc(1, sizeof(*l))))
		rc = bk_error_at(eb, path, BK_ENOMEM, "out of memory");
	if (rc != 0) {
		close(fd);
		return rc;
	}
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->fd = fd;
	l->excl = excl;
	l->refs = 1;
	pthread_mutex_lock(&held_mu);
	l->next = held;
	held = l;
	pthread_mutex_unlock(&held_mu);
	*out = l;
	return 0;
}

int
bk_lock_open(struct bk_errbuf *eb, const char *path, const char *what, bool excl,
	     struct bk_lock **out)
{
	int rc, tries;

	*out = NULL;
	/* Each retry follows a commit by another writer; more than a few
	 * hundred in a row would mean a writer that never lets go. */
	for (tries = 0; tries < 1000; tries++) {
		rc = try_lock(eb, path, what, excl, out);
		if (rc <= 0)
			return rc;
	}
	return bk_error_at(eb, path, BK_EBUSY, "%s is in use by another process (replaced "
		      "%d times while waiting)", what, tries);
}

int
bk_lock_fd(const struct bk_lock *l)
{
	return l->fd;
}

void
bk_lock_moved(struct bk_lock *l, int newfd)
{
	struct stat st;
	int old;

	pthread_mutex_lock(&held_mu);
	old = l->fd;
	l->fd = newfd;
	if (fstat(newfd, &st) == 0) {
		l->dev = st.st_dev;
		l->ino = st.st_ino;
	}
	l->excl = true;
	pthread_mutex_unlock(&held_mu);
	close(old);     /* unlocks the old file: its waiters see it was replaced */
}

void
bk_lock_release(struct bk_lock *l)
{
	struct bk_lock **pp;

	if (!l)
		return;
	pthread_mutex_lock(&held_mu);
	if (--l->refs > 0) {
		pthread_mutex_unlock(&held_mu);
		return;
	}
	for (pp = &held; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	pthread_mutex_unlock(&held_mu);
	close(l->fd);
	bk_free(l);
}
