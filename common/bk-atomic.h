/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Crash-safe replacement of a file, and the pluggable I/O backend it uses.
 *
 * bk_atomic_write() writes a temporary file in the target's folder (exclusive
 * create, the original's owner and permissions: bk-safefile.h), fsyncs it,
 * renames it over the target and fsyncs the folder.  After a crash at any
 * point the target is either the old file intact or the new one complete.
 * All system calls go through bk_io so that tests can make each one fail or
 * stop the process in turn.
 */
#ifndef BK_ATOMIC_H
#define BK_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "bk-error.h"
#include "bk-lock.h"
#include "bk-safefile.h"

/* Every name is relative to a folder opened once (bk_target). */
struct bk_io_ops {
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
	int (*renameat)(int fromdir, const char *from, int todir, const char *to);
	int (*unlinkat)(int dirfd, const char *path, int flags);
	int (*ftruncate)(int fd, off_t len);
};

/* The backend in use; tests may point it at their own table. */
extern const struct bk_io_ops *bk_io;
extern const struct bk_io_ops bk_io_posix;

/* One piece of the new file's content. */
struct bk_chunk {
	const void *p;
	size_t len;
};

/*
 * Atomically replace (or create) path with the concatenated chunks.
 * mode is used when path does not exist yet.  Returns 0 or -BK_E*.
 * The target must pass bk_target_check() (a read-only file is refused).
 */
int bk_atomic_write(struct bk_errbuf *eb, const char *path,
		    const struct bk_chunk *chunks, size_t nchunks, mode_t mode);

/*
 * The same with BK_SAFE_* flags, the file whose owner and mode the new one
 * takes (NULL: the target's), and the caller's lock on the target (or NULL):
 * the new file is locked before it takes the old one's place and the lock
 * moves to it, so that no other writer gets in between.  Without a lock, an
 * existing target is locked for the time of the write.
 */
int bk_atomic_write_ex(struct bk_errbuf *eb, const char *path, const struct bk_chunk *chunks,
		       size_t nchunks, mode_t mode, unsigned flags, const struct stat *like,
		       struct bk_lock *lock);

/*
 * Copy a whole file atomically.  With BK_SAFE_SIDECAR (backups) src is not
 * read through a symbolic link, dst is never one, and the copy gets src's
 * owner and mode; otherwise dst is an output like any other.
 */
int bk_atomic_copy(struct bk_errbuf *eb, const char *src, const char *dst, unsigned flags);

/*
 * Replace a file atomically while writing it as a stream (a tool's
 * output): bk_atomic_fopen() creates a temporary file beside path (a
 * symbolic link's target is replaced, owner and mode are kept, the
 * temporary is removed on a signal; whether an existing file may be
 * replaced is the caller's question); bk_atomic_fclose() with keep
 * flushes, fsyncs and renames it over path and fsyncs the folder; without
 * keep (or on any failure) it removes the temporary.  A path that exists
 * and is not a regular file (a device, a FIFO) is opened and written as it
 * is (*st is then NULL).  NULL or -1 with the detail in eb (empty when a
 * device's stream failed: the caller words that).
 */
struct bk_atomic;
FILE *bk_atomic_fopen(struct bk_errbuf *eb, const char *path, struct bk_atomic **st);
int bk_atomic_fclose(struct bk_errbuf *eb, FILE *f, struct bk_atomic *st, bool keep);

/* Read a whole file into memory (caller frees with bk_free). */
int bk_read_file(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len,
		 size_t max);

/* The same, refusing a symbolic link (logs beside a hive). */
int bk_read_file_nofollow(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len,
			  size_t max);

/*
 * The same for an input named on a tool's command line: "-" is standard
 * input, and a pipe or character device is read to its end.  errno is
 * left set on failure (EFBIG: longer than max bytes) for callers that word
 * their own message.
 */
int bk_read_input(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len,
		  size_t max);

/* Read a whole file from an open descriptor (from its start). */
int bk_read_fd(struct bk_errbuf *eb, int fd, const char *name, uint8_t **out, size_t *len,
	       size_t max);

/*
 * Truncate an existing file to zero bytes and fsync it; never through a
 * symbolic link, never a file with other hard links (bk_open_beside).
 */
int bk_truncate_file(struct bk_errbuf *eb, const char *path);

#endif
