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
	bool lost;                  /* a failed upgrade could not take it back */
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

/* The same file, unchanged: no byte written, not replaced, not resized. */
static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * Shared to exclusive.  flock() converts a lock by dropping it and taking
 * the new one (flock(2): not atomic), so while the exclusive lock is waited
 * for this process holds none: another writer may get in, change the file
 * and leave, and a failed wait would leave the handles that share the lock
 * unprotected.  So a failed upgrade takes the shared lock back, and either
 * way the file must still be the one the path names, unchanged since it was
 * read under the shared lock; if not, the opener is refused (the handles
 * already open read a state that is gone, and must not be written from).
 */
static int
upgrade(struct bk_errbuf *eb, struct bk_lock *l, const char *path, const char *what)
{
	struct bk_errbuf back = { 0 };
	struct stat before, after;
	int rc, stale;

	if (fstat(l->fd, &before) < 0)
		return bk_err_errno(eb, "stat", path);
	rc = bk_flock_wait(eb, l->fd, path, what, true);
	if (rc < 0 && bk_flock_wait(&back, l->fd, path, what, false) < 0) {
		l->lost = true;
		return rc;
	}
	stale = bk_lock_stale(&back, l->fd, path);
	if (stale != 0 || fstat(l->fd, &after) < 0 || !same_file(&before, &after)) {
		if (rc == 0)
			(void)flock(l->fd, LOCK_SH);    /* back to what the handles had */
		return bk_err(eb, BK_EBUSY, "%s: %s was changed by another process while this "
			      "one waited to write it", path, what);
	}
	if (rc == 0)
		l->excl = true;
	return rc;
}

/* This process holds the file already: share the lock, upgraded if need be. */
static int
reuse(struct bk_errbuf *eb, struct bk_lock *l, const char *path, const char *what, bool excl)
{
	int rc = 0;

	if (l->lost)
		return bk_err(eb, BK_EBUSY, "%s: %s is in use by another process (its lock "
			      "was lost)", path, what);
	if (excl && !l->excl)
		rc = upgrade(eb, l, path, what);
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
