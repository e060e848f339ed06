/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The write-safety rules of every bcdkit writer, in one place
 * (doc/safety.md):
 *
 *  - the target may be a symbolic link: its final target is what gets
 *    replaced, in its own folder, and the link stays;
 *  - every other file (temporaries, logs, backups) is opened relative to
 *    that folder, opened once, and never through a symbolic link;
 *  - the new file gets the old one's owner, group and mode before it takes
 *    its place, or the write is refused;
 *  - a read-only target, or one with other hard links, is refused unless
 *    forced;
 *  - temporaries are created exclusively with unpredictable names, locked
 *    while their writer lives, removed on SIGINT/SIGTERM/SIGHUP, and removed
 *    by the next writer of the same target when their writer is gone.
 */
#ifndef BK_SAFEFILE_H
#define BK_SAFEFILE_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "bk-error.h"

/* bk_target_open() and bk_target_check() flags. */
#define BK_SAFE_FORCE   1u  /* replace a read-only or hard-linked target */
/*
 * A file of our own beside the target (a backup): a symbolic link at its
 * name is refused, not followed; its old owner, mode and links do not
 * matter, the new file takes them from the file it copies.
 */
#define BK_SAFE_SIDECAR 2u

struct bk_target {
	char *real;        /* the file written: the name with symbolic links resolved */
	const char *name;  /* the name given, for messages (not owned) */
	char *base;        /* the last component of real */
	int dirfd;         /* real's folder, opened once */
	bool exists;
	struct stat st;    /* of the existing file */
};

/* Resolve path (unless BK_SAFE_SIDECAR) and open its folder. */
int bk_target_open(struct bk_errbuf *eb, const char *path, unsigned flags, struct bk_target *t);
void bk_target_close(struct bk_target *t);
/*
 * May the target be replaced?  Refuses a non-regular file, a read-only file
 * and one with other hard links (the last two unless BK_SAFE_FORCE), each
 * with one line naming the file and the way out.
 */
int bk_target_check(struct bk_errbuf *eb, const struct bk_target *t, unsigned flags);

/* A temporary file in the target's folder. */
struct bk_temp {
	int fd;            /* open read-write, flock()ed exclusive */
	int dirfd;         /* the target's (borrowed) */
	int slot;          /* in the signal clean-up list, or -1 */
	bool renamed;      /* bk_temp_commit() put it in place */
	char name[320];    /* relative to dirfd */
};

/*
 * Create "BASE[SUFFIX].tmpPID.RANDOM" exclusively beside the target, lock
 * it, register it for removal on a signal, and give it the owner, group
 * and mode of like, else of the target, else mode less the umask.
 */
int bk_temp_create(struct bk_errbuf *eb, const struct bk_target *t, const char *suffix,
		   mode_t mode, const struct stat *like, struct bk_temp *tmp);
/*
 * fsync the temporary, rename it to dest (a name in the target's folder;
 * NULL: the target), fsync the folder.  With keep_fd the descriptor stays
 * open (and locked) for the caller, who closes it, whatever happens;
 * otherwise it is closed.  On failure before the rename the temporary is
 * removed; tmp->renamed says whether the rename happened.
 */
int bk_temp_commit(struct bk_errbuf *eb, struct bk_temp *tmp, const struct bk_target *t,
		   const char *dest, bool keep_fd);
/* Remove the temporary file and close it. */
void bk_temp_discard(struct bk_temp *tmp);
/* Forget the temporary (renamed by the caller): no removal on a signal. */
void bk_temp_forget(struct bk_temp *tmp);

/*
 * Remove the temporaries of the target (any suffix) whose writer is gone:
 * the PID in the name is not running and nobody holds the file's lock.
 * Returns how many were removed.
 */
int bk_temp_sweep(const struct bk_target *t);

/*
 * Open name in the target's folder for the given flags (O_RDONLY, O_WRONLY
 * ...), never through a symbolic link; it must be a regular file, and one
 * opened for writing must have no other hard link.  Messages name shown.
 */
int bk_open_beside(struct bk_errbuf *eb, const struct bk_target *t, const char *name,
		   const char *shown, int flags);

#endif
