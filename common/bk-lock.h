/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Locks between bcdkit processes (doc/safety.md): an exclusive lock from the
 * open of a store or image for writing to the end of its commit, a shared
 * lock for readers.  The lock is flock() on the file itself, never on a lock
 * file beside it; a writer replaces a file by renaming a new one over it, so
 * the new file is locked before the rename and a waiter that got the lock on
 * the old one notices that the name now means another file and starts over.
 */
#ifndef BK_LOCK_H
#define BK_LOCK_H

#include <stdbool.h>

#include "bk-error.h"

/* How long a lock is waited for by default, in milliseconds. */
#define BK_LOCK_WAIT_DEFAULT_MS 5000u

/* The wait for this process (hive_set_lock_wait(), disk_set_lock_wait()). */
extern unsigned bk_lock_wait_ms;

/*
 * The primitive, for any descriptor (an image, a store inside an image):
 * flock() it shared or exclusive, waiting up to bk_lock_wait_ms.  what names
 * the thing for the message ("store", "image").  Returns 0, or -BK_EBUSY with
 * "NAME: WHAT is in use by another process (waited N s)", or -BK_EIO.
 */
int bk_flock_wait(struct bk_errbuf *eb, int fd, const char *name, const char *what, bool excl);

/*
 * 1 if fd is no longer the file that path names (a writer renamed a new one
 * over it while we waited), 0 if it is, negative on error.
 */
int bk_lock_stale(struct bk_errbuf *eb, int fd, const char *path);

/*
 * A held lock on a named file, shared by every handle of this process on the
 * same file (two handles on one file must not wait for each other).
 */
struct bk_lock;

/*
 * Open path read-only, lock it, and make sure it is still the file the path
 * names; a shared lock of this process is upgraded when excl is asked for,
 * and the upgrade refused (-BK_EBUSY) when the file changed while it waited
 * (flock() drops the shared lock to take the exclusive one).  Take the lock
 * exclusive from the start where a write may follow.  Refuses what is not a
 * regular file or a block device.
 */
int bk_lock_open(struct bk_errbuf *eb, const char *path, const char *what, bool excl,
		 struct bk_lock **out);
/* The read-only descriptor the lock is held on (valid until release). */
int bk_lock_fd(const struct bk_lock *l);
/*
 * The locked file was just replaced by the file open on newfd (renamed over
 * it, and flock()ed exclusive before the rename): the lock now lives there.
 * newfd is taken over.
 */
void bk_lock_moved(struct bk_lock *l, int newfd);
/* Drop one reference; the last one closes the descriptor and unlocks. */
void bk_lock_release(struct bk_lock *l);

#endif
