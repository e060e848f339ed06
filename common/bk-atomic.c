/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "bk-atomic.h"
#include "bk-buf.h"

static int posix_openat(int d, const char *p, int f, mode_t m) { return openat(d, p, f, m); }

const struct bk_io_ops bk_io_posix = {
	.openat = posix_openat,
	.write = write,
	.fsync = fsync,
	.close = close,
	.renameat = renameat,
	.unlinkat = unlinkat,
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

static int
write_temp(struct bk_errbuf *eb, const struct bk_target *t, struct bk_temp *tmp,
	   const struct bk_chunk *chunks, size_t nchunks)
{
	size_t i;

	for (i = 0; i < nchunks; i++)
		if (write_all(tmp->fd, chunks[i].p, chunks[i].len) < 0)
			return bk_err_errno(eb, "write the new", t->name);
	return 0;
}

int
bk_atomic_write_ex(struct bk_errbuf *eb, const char *path, const struct bk_chunk *chunks,
		   size_t nchunks, mode_t mode, unsigned flags, const struct stat *like,
		   struct bk_lock *lock)
{
	struct bk_lock *own = NULL;
	struct bk_target t;
	struct bk_temp tmp;
	int rc = bk_target_open(eb, path, flags, &t);

	if (rc < 0)
		return rc;
	rc = bk_target_check(eb, &t, flags);
	/* No other bcdkit writer may replace it under us; the caller's lock
	 * is this process's too, and is shared (bk_lock_open). */
	if (rc == 0 && t.exists && !(flags & BK_SAFE_SIDECAR))
		rc = bk_lock_open(eb, t.real, "file", true, &own);
	if (rc == 0)
		rc = bk_temp_create(eb, &t, NULL, mode, like, &tmp);
	if (rc == 0 && (rc = write_temp(eb, &t, &tmp, chunks, nchunks)) < 0)
		bk_temp_discard(&tmp);
	if (rc == 0) {
		rc = bk_temp_commit(eb, &tmp, &t, NULL, lock != NULL);
		/* The new file, locked since its creation, now carries the lock. */
		if (lock && tmp.renamed)
			bk_lock_moved(lock, tmp.fd);
		else if (lock)
			bk_io->close(tmp.fd);
	}
	bk_lock_release(own);
	bk_target_close(&t);
	return rc;
}

struct bk_atomic {
	struct bk_target t;
	struct bk_temp tmp;
};

FILE *
bk_atomic_fopen(struct bk_errbuf *eb, const char *path, struct bk_atomic **st)
{
	struct bk_atomic *a;
	struct stat sb;
	FILE *f = NULL;
	bool ok;

	/* A device or pipe (/dev/stdout, a FIFO) is written to, never replaced. */
	*st = NULL;
	bk_err_clear(eb);
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (!(f = fopen(path, "wb")))
			bk_err(eb, BK_EIO, "%s: cannot open: %s", path, strerror(errno));
		return f;
	}
	if (!(a = bk_calloc(1, sizeof(*a)))) {
		bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	ok = bk_target_open(eb, path, 0, &a->t) == 0 &&
	     bk_target_check(eb, &a->t, BK_SAFE_FORCE) == 0;
	if (ok)
		bk_temp_sweep(&a->t);   /* what a killed run of ours left */
	if (ok && bk_temp_create(eb, &a->t, NULL, 0666, NULL, &a->tmp) == 0 &&
	    !(f = fdopen(a->tmp.fd, "wb"))) {
		bk_err(eb, BK_EIO, "%s: %s", path, strerror(errno));
		bk_temp_discard(&a->tmp);
	}
	if (!f) {
		bk_target_close(&a->t);
		bk_free(a);
		return NULL;
	}
	*st = a;
	return f;
}

int
bk_atomic_fclose(struct bk_errbuf *eb, FILE *f, struct bk_atomic *a, bool keep)
{
	int rc = 0;

	bk_err_clear(eb);
	if (!a) {   /* not a regular file: written in place */
		if (fflush(f) != 0 || ferror(f))
			rc = -1;
		return fclose(f) != 0 || rc ? -1 : 0;
	}
	if (keep && (fflush(f) != 0 || ferror(f))) {
		bk_err(eb, BK_EIO, "%s: cannot write: %s", a->t.name, strerror(errno));
		keep = false;
		rc = -1;
	}
	if (keep && bk_temp_commit(eb, &a->tmp, &a->t, NULL, true) < 0)
		rc = -1;
	if (!keep)
		unlinkat(a->t.dirfd, a->tmp.name, 0);
	bk_temp_forget(&a->tmp);
	fclose(f);      /* the descriptor was the temporary's */
	bk_target_close(&a->t);
	bk_free(a);
	return rc;
}

int
bk_atomic_write(struct bk_errbuf *eb, const char *path,
		const struct bk_chunk *chunks, size_t nchunks, mode_t mode)
{
	return bk_atomic_write_ex(eb, path, chunks, nchunks, mode, 0, NULL, NULL);
}

int
bk_read_fd(struct bk_errbuf *eb, int fd, const char *path, uint8_t **out, size_t *len,
	   size_t max)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return bk_err_errno(eb, "stat", path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return bk_error_at(eb, path, BK_EINVAL, "not a regular file");
	if ((uint64_t)st.st_size > max)
		return bk_error_at(eb, path, BK_ETOOBIG, "file too large (%lld bytes)",
			      (long long)st.st_size);
	buf = bk_malloc((size_t)st.st_size + 1);
	if (!buf)
		return bk_error_at(eb, path, BK_ENOMEM, "out of memory");
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size) {
		bk_free(buf);
		return bk_error_at(eb, path, BK_EIO, "short read");
	}
	*out = buf;
	*len = got;
	return 0;
}

/* A pipe or character device, read to its end but never past max + 1
 * bytes (/dev/zero must not eat memory). */
static int
read_stream(struct bk_errbuf *eb, int fd, const char *path, uint8_t **out, size_t *len,
	    size_t max)
{
	struct bk_buf b = BK_BUF_INIT;
	size_t limit = max < SIZE_MAX ? max + 1 : max, want;
	ssize_t r = 1;
	int rc = 0;

	while (r > 0 && rc == 0) {
		if (b.len > max) {
			rc = bk_err(eb, BK_ETOOBIG, "%s: larger than %zu bytes", path, max);
		} else if (b.cap == b.len && bk_buf_grow(&b, b.len ? b.len : 1 << 16) < 0) {
			rc = bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
		} else {
			want = b.cap - b.len < limit - b.len ? b.cap - b.len : limit - b.len;
			if ((r = read(fd, b.p + b.len, want)) > 0)
				b.len += (size_t)r;
			else if (r < 0 && errno == EINTR)
				r = 1;
			else if (r < 0)
				rc = bk_err_errno(eb, "read", path);
		}
	}
	if (rc == 0 && bk_buf_grow(&b, 1) < 0)   /* empty: still a buffer */
		rc = bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
	if (rc < 0) {
		bk_buf_release(&b);
		return rc;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

static int
read_file(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len, size_t max,
	  int oflags, bool stream)
{
	/* Non-blocking, or a FIFO given by mistake hangs open() until some
	 * writer appears; it is refused by bk_read_fd like any other non-file.
	 * An input named on a tool's command line may be a pipe (stream). */
	bool in = stream && strcmp(path, "-") == 0;
	int fd = in ? 0 : open(path, O_RDONLY | O_CLOEXEC | (stream ? 0 : O_NONBLOCK) | oflags);
	int rc, e;
	struct stat st;

	if (fd < 0) {
		e = errno;
		rc = e == ELOOP && (oflags & O_NOFOLLOW)
		     ? bk_error_at(eb, path, BK_EINVAL, "a symbolic link; not read")
		     : bk_err_errno(eb, "open", path);
		errno = e;
		return rc;
	}
	errno = 0;
	if (stream && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		rc = read_stream(eb, fd, path, out, len, max);
	else
		rc = bk_read_fd(eb, fd, path, out, len, max);
	/* The system call's errno, or one for the code (EFBIG: too long). */
	e = errno;
	if (rc == -BK_ETOOBIG)
		e = EFBIG;
	else if (rc == -BK_ENOMEM)
		e = ENOMEM;
	else if (rc < 0 && !e)
		e = EIO;
	if (!in)
		close(fd);
	errno = e;
	return rc;
}

int
bk_read_file(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len, size_t max)
{
	return read_file(eb, path, out, len, max, 0, false);
}

int
bk_read_file_nofollow(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len,
		      size_t max)
{
	return read_file(eb, path, out, len, max, O_NOFOLLOW, false);
}

int
bk_read_input(struct bk_errbuf *eb, const char *path, uint8_t **out, size_t *len, size_t max)
{
	return read_file(eb, path, out, len, max, 0, true);
}

int
bk_atomic_copy(struct bk_errbuf *eb, const char *src, const char *dst, unsigned flags)
{
	bool side = (flags & BK_SAFE_SIDECAR) != 0;
	uint8_t *buf;
	size_t len;
	struct bk_chunk c;
	struct stat st;
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (side ? O_NOFOLLOW : 0)), rc;

	if (fd < 0)
		return bk_err_errno(eb, "open", src);
	rc = fstat(fd, &st) < 0 ? bk_err_errno(eb, "stat", src) : 0;
	if (rc == 0)
		rc = bk_read_fd(eb, fd, src, &buf, &len, SIZE_MAX / 2);
	close(fd);
	if (rc < 0)
		return rc;
	c.p = buf;
	c.len = len;
	rc = bk_atomic_write_ex(eb, dst, &c, 1, st.st_mode & 07777, flags, side ? &st : NULL, NULL);
	bk_free(buf);
	return rc;
}

int
bk_truncate_file(struct bk_errbuf *eb, const char *path)
{
	struct bk_target t;
	int fd, rc = bk_target_open(eb, path, BK_SAFE_SIDECAR, &t);

	if (rc < 0)
		return rc;
	/* A log is opened in its folder, never through a link. */
	fd = bk_open_beside(eb, &t, t.base, path, O_WRONLY);
	bk_target_close(&t);
	if (fd < 0)
		return fd;
	if (bk_io->ftruncate(fd, 0) < 0 || bk_io->fsync(fd) < 0)
		rc = bk_err_errno(eb, "truncate", path);
	bk_io->close(fd);
	return rc;
}
