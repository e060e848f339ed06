/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "bk-atomic.h"

static int posix_open(const char *p, int f, mode_t m) { return open(p, f, m); }

const struct bk_io_ops bk_io_posix = {
	.open = posix_open,
	.write = write,
	.fsync = fsync,
	.close = close,
	.rename = rename,
	.unlink = unlink,
	.ftruncate = ftruncate,
};

const struct bk_io_ops *bk_io = &bk_io_posix;

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = bk_io->write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * fsync the folder dir, so that a rename in it is durable.  The folder name
 * is worked out before the rename: nothing may fail for want of memory once
 * the new file is in place.
 */
static int
sync_dir(struct bk_errbuf *eb, const char *dir, const char *path)
{
	int fd, rc = 0;

	fd = bk_io->open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || bk_io->fsync(fd) < 0)
		rc = bk_err_errno(eb, "sync folder of", path);
	if (fd >= 0)
		bk_io->close(fd);
	return rc;
}

int
bk_atomic_write(struct bk_errbuf *eb, const char *path,
		const struct bk_chunk *chunks, size_t nchunks, mode_t mode)
{
	struct stat st;
	size_t tlen = strlen(path) + 32, i;
	char *tmp = bk_malloc(tlen), *dcopy = bk_strdup(path);
	const char *dir;
	int fd = -1, rc, attempt;

	if (!tmp || !dcopy) {
		bk_free(tmp);
		bk_free(dcopy);
		return bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
	}
	dir = dirname(dcopy);
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	/* Exclusive create: never follow or reuse someone else's file. */
	for (attempt = 0; attempt < 100 && fd < 0; attempt++) {
		snprintf(tmp, tlen, "%s.tmp%ld.%d", path, (long)getpid(), attempt);
		fd = bk_io->open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = bk_err_errno(eb, "create temporary file", tmp);
		bk_free(tmp);
		bk_free(dcopy);
		return rc;
	}
	/* open() applies the umask; the copy must have the original's mode. */
	(void)fchmod(fd, mode);
	for (i = 0; i < nchunks; i++) {
		if (write_all(fd, chunks[i].p, chunks[i].len) < 0) {
			rc = bk_err_errno(eb, "write", tmp);
			goto fail;
		}
	}
	if (bk_io->fsync(fd) < 0) {
		rc = bk_err_errno(eb, "fsync", tmp);
		goto fail;
	}
	if (bk_io->close(fd) < 0) {
		fd = -1;
		rc = bk_err_errno(eb, "close", tmp);
		goto fail;
	}
	fd = -1;
	if (bk_io->rename(tmp, path) < 0) {
		rc = bk_err_errno(eb, "rename", path);
		goto fail;
	}
	bk_free(tmp);
	rc = sync_dir(eb, dir, path);
	bk_free(dcopy);
	return rc;
fail:
	if (fd >= 0)
		bk_io->close(fd);
	bk_io->unlink(tmp);
	bk_free(tmp);
	bk_free(dcopy);
	return rc;
}

int
bk_read_file(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len, size_t max)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	/* Non-blocking, or a FIFO given by mistake hangs open() until some
	 * writer appears; it is refused below like any other non-file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return bk_err_errno(eb, "open", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return bk_err_errno(eb, "stat", path);
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return bk_err(eb, BK_EINVAL, "%s: not a regular file", path);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		close(fd);
		return bk_err_errno(eb, "fcntl", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return bk_err(eb, BK_ETOOBIG, "%s: file too large (%lld bytes)", path,
			      (long long)st.st_size);
	}
	buf = bk_malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		bk_free(buf);
		return bk_err(eb, BK_EIO, "%s: short read", path);
	}
	*out = buf;
	*len = got;
	return 0;
}

int
bk_atomic_copy(struct bk_errbuf *eb, const char *src, const char *dst)
{
	uint8_t *buf;
	size_t len;
	struct bk_chunk c;
	struct stat st;
	int rc = bk_read_file(eb, src, &buf, &len, SIZE_MAX / 2);

	if (rc < 0)
		return rc;
	c.p = buf;
	c.len = len;
	rc = bk_atomic_write(eb, dst, &c, 1, stat(src, &st) == 0 ? st.st_mode & 07777 : 0644);
	bk_free(buf);
	return rc;
}

int
bk_truncate_file(struct bk_errbuf *eb, const char *path)
{
	int fd = bk_io->open(path, O_WRONLY | O_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return bk_err_errno(eb, "open", path);
	if (bk_io->ftruncate(fd, 0) < 0 || bk_io->fsync(fd) < 0)
		rc = bk_err_errno(eb, "truncate", path);
	bk_io->close(fd);
	return rc;
}
