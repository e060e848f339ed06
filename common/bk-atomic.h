/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Crash-safe replacement of a file, and the pluggable I/O backend it uses.
 *
 * bk_atomic_write() writes a temporary file in the target's folder (exclusive
 * create, the original's permissions), fsyncs it, renames it over the target
 * and fsyncs the folder.  After a crash at any point the target is either the
 * old file intact or the new one complete.  All system calls go through
 * bk_io so that tests can make each one fail or stop the process in turn.
 */
#ifndef BK_ATOMIC_H
#define BK_ATOMIC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bk-error.h"

struct bk_io_ops {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*unlink)(const char *path);
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
 */
int bk_atomic_write(struct bk_errbuf *eb, const char *path,
		    const struct bk_chunk *chunks, size_t nchunks, mode_t mode);

/* Copy a whole file atomically (for backups and /export). */
int bk_atomic_copy(struct bk_errbuf *eb, const char *src, const char *dst);

/* Read a whole file into memory (caller frees with bk_free). */
int bk_read_file(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len,
		 size_t max);

/* Truncate an existing file to zero bytes and fsync it. */
int bk_truncate_file(struct bk_errbuf *eb, const char *path);

#endif
