/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Whole trees: recursive remove, copy between volumes, and copy between a
 * volume and a host folder.
 *
 * The host side never follows a symbolic link: every entry is opened with
 * O_NOFOLLOW relative to its already-opened parent folder (openat), so a
 * link planted in the tree, or swapped in while we walk it, is refused
 * rather than read through (import) or written through (export).  Export
 * only creates, and is crash-safe: a file is written under a temporary name,
 * synced and linked to the final one with linkat(); a folder tree is built
 * under a temporary name beside the target, the file system synced once
 * (syncfs), and renamed into place with RENAME_NOREPLACE.  Both fail instead
 * of replacing anything that appeared meanwhile.
 *
 * Errors of a copy end up on the destination handle (the source's message
 * is copied there) so that a caller has one place to look.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "fs-core.h"

/* ---- folder listings into memory -------------------------------------------- */

struct entry {
	char *name;
	bool is_dir;
	uint64_t size;
	int64_t mtime;
	uint64_t inode;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static void
entries_free(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		bk_free(es->e[i].name);
	bk_free(es->e);
	memset(es, 0, sizeof(*es));
}

static int
entries_add(struct entries *es, const char *name, const struct disk_file_info *fi)
{
	struct entry *ne;
	size_t cap;

	if (es->n == es->cap) {
		cap = es->cap ? es->cap * 2 : 16;
		if (!(ne = bk_realloc(es->e, cap * sizeof(*ne))))
			return -BK_ENOMEM;
		es->e = ne;
		es->cap = cap;
	}
	if (!(es->e[es->n].name = bk_strdup(name)))
		return -BK_ENOMEM;
	es->e[es->n].is_dir = fi && fi->is_dir;
	es->e[es->n].size = fi ? fi->size : 0;
	es->e[es->n].mtime = fi ? fi->mtime : 0;
	es->e[es->n++].inode = fi ? fi->inode : 0;
	return 0;
}

static int
collect_cb(const struct disk_file_info *fi, void *data)
{
	return entries_add(data, fi->name, fi);
}

/* The entries of folder p, read whole first: changing a folder while
 * walking its index is not something every driver supports. */
static int
list_folder(struct disk_fs *fs, const struct fs_path *p, struct entries *es)
{
	int rc;

	memset(es, 0, sizeof(*es));
	rc = fs->drv->list(fs, p, collect_cb, es);
	if (rc == -BK_ENOMEM)
		rc = fs_err(fs, BK_ENOMEM, p, "out of memory");
	if (rc < 0)
		entries_free(es);
	return rc;
}

/* ---- remove -------------------------------------------------------------------- */

static int
remove_tree(struct disk_fs *fs, const struct fs_path *p, bool is_dir)
{
	struct entries es;
	struct fs_path c;
	size_t i;
	int rc = 0;

	if (is_dir) {
		if ((rc = list_folder(fs, p, &es)) < 0)
			return rc;
		for (i = 0; i < es.n && rc == 0; i++) {
			if ((rc = fs_path_child(fs, p, es.e[i].name, &c)) < 0)
				break;
			rc = remove_tree(fs, &c, es.e[i].is_dir);
			fs_path_free(&c);
		}
		entries_free(&es);
		if (rc < 0)
			return rc;
	}
	return fs->drv->remove(fs, p);
}

int
disk_fs_remove_tree(disk_fs_t *fs, const char *path)
{
	struct disk_file_info fi;
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	if ((rc = fs_check_writable(fs, &p)) < 0)
		goto out;
	if (p.n == 0) {
		rc = fs_err(fs, BK_EINVAL, &p, "the root folder cannot be removed");
		goto out;
	}
	if ((rc = fs_do_stat(fs, &p, &fi)) == 0)
		rc = remove_tree(fs, &p, fi.is_dir != 0);
out:
	fs_path_free(&p);
	return rc;
}

/* ---- volume to volume ------------------------------------------------------------ */

/*
 * A file's content between its read (pushed to a sink) and its write
 * (pulled from a source): small files in memory, large ones in an unlinked
 * temporary file, so that any size streams through bounded memory.
 */
struct spool {
	uint8_t *mem;
	size_t len, pos, cap;
	int fd;                     /* -1: content in mem */
	struct disk_fs *prog;       /* the volume whose copy progress this is */
};

static int
spool_sink(const void *buf, size_t n, void *data)
{
	struct spool *s = data;
	const uint8_t *b = buf;
	ssize_t w;

	if (s->fd < 0) {
		if (n > s->cap - s->len)
			return -BK_ECORRUPT;   /* grew since its size was read */
		memcpy(s->mem + s->len, buf, n);
		s->len += n;
		return 0;
	}
	while (n) {
		if ((w = write(s->fd, b, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -BK_EIO;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
spool_source(void *buf, size_t cap, size_t *got, void *data)
{
	struct spool *s = data;
	ssize_t r;

	if (s->fd < 0) {
		*got = cap < s->len - s->pos ? cap : s->len - s->pos;
		memcpy(buf, s->mem + s->pos, *got);
		s->pos += *got;
		return fs_prog_add(s->prog, *got);
	}
	while ((r = read(s->fd, buf, cap)) < 0)
		if (errno != EINTR)
			return -BK_EIO;
	*got = (size_t)r;
	return fs_prog_add(s->prog, *got);
}

static int
spool_open(struct spool *s, uint64_t size)
{
	const char *dir = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (size <= FS_SPOOL_MEM) {
		s->cap = (size_t)size;
		return (s->mem = bk_malloc(size ? (size_t)size : 1)) ? 0 : -BK_ENOMEM;
	}
	s->fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return s->fd < 0 ? -BK_EIO : 0;
}

static void
spool_close(struct spool *s)
{
	bk_free(s->mem);
	if (s->fd >= 0)
		close(s->fd);
}

/* The source's error, moved onto the destination handle. */
static int
pass_error(struct disk_fs *src, struct disk_fs *dst, int rc)
{
	if (src != dst && rc < 0)
		bk_err(&dst->err, -rc, "%s", src->err.msg);
	return rc;
}

static int
copy_file(struct disk_fs *src, const struct fs_path *sp, uint64_t size,
	  struct disk_fs *dst, const struct fs_path *dp)
{
	struct spool s;
	int rc;

	if (spool_open(&s, size) < 0)
		return fs_err(dst, BK_EIO, dp, "no room for a temporary copy: %s",
			      strerror(errno));
	s.prog = dst;
	rc = src->drv->read(src, sp, spool_sink, &s);
	if (rc == -BK_EIO && !src->err.msg[0])
		rc = fs_err(dst, BK_EIO, dp, "temporary copy: %s", strerror(errno));
	else if (rc < 0)
		rc = pass_error(src, dst, rc);
	else if (s.fd < 0 && s.len != size)
		rc = fs_err(dst, BK_ECORRUPT, sp, "size changed while copying");
	else if (s.fd >= 0 && lseek(s.fd, 0, SEEK_SET) < 0)
		rc = fs_err(dst, BK_EIO, dp, "temporary copy: %s", strerror(errno));
	if (rc == 0)
		rc = dst->drv->write(dst, dp, size, spool_source, &s, 0);
	spool_close(&s);
	return rc;
}

static int
copy_tree(struct disk_fs *src, const struct fs_path *sp, const struct disk_file_info *fi,
	  struct disk_fs *dst, const struct fs_path *dp)
{
	struct disk_file_info cfi;
	struct fs_path cs, cd;
	struct entries es;
	size_t i;
	int rc;

	if (!fi->is_dir)
		return copy_file(src, sp, fi->size, dst, dp);
	if ((rc = fs_do_mkdir(dst, dp, 1)) < 0)
		return rc;
	if ((rc = list_folder(src, sp, &es)) < 0)
		return pass_error(src, dst, rc);
	for (i = 0; i < es.n && rc == 0; i++) {
		if ((rc = fs_path_child(src, sp, es.e[i].name, &cs)) < 0) {
			rc = pass_error(src, dst, rc);
			break;
		}
		if ((rc = fs_path_child(dst, dp, es.e[i].name, &cd)) == 0) {
			memset(&cfi, 0, sizeof(cfi));
			cfi.is_dir = es.e[i].is_dir;
			cfi.size = es.e[i].size;
			rc = copy_tree(src, &cs, &cfi, dst, &cd);
			fs_path_free(&cd);
		}
		fs_path_free(&cs);
	}
	entries_free(&es);
	return rc;
}

int
disk_fs_copy_tree(disk_fs_t *src, const char *src_path, disk_fs_t *dst, const char *dst_path)
{
	struct disk_file_info fi;
	struct fs_path sp, dp;
	int rc;

	if ((rc = fs_path_parse(src, src_path, &sp)) < 0)
		return pass_error(src, dst, rc);
	if ((rc = fs_path_parse(dst, dst_path, &dp)) < 0)
		goto out_s;
	if ((rc = fs_check_writable(dst, &dp)) < 0)
		goto out;
	if ((rc = fs_do_stat(src, &sp, &fi)) < 0) {
		rc = pass_error(src, dst, rc);
		goto out;
	}
	/* A folder copied into itself on the same volume would never end. */
	if (src == dst && fi.is_dir && dp.n >= sp.n) {
		struct fs_path q = { sp.n, dp.comp, NULL };
		struct disk_file_info qi;

		if (fs_do_stat(dst, &q, &qi) == 0 && qi.is_dir && qi.inode == fi.inode) {
			rc = fs_err(dst, BK_EINVAL, &dp, "cannot copy %s into itself", sp.text);
			goto out;
		}
		bk_err_clear(&dst->err);
	}
	if ((rc = fs_prog_begin_vol(dst, src, &sp, &fi)) == 0)
		rc = fs_prog_end(dst, copy_tree(src, &sp, &fi, dst, &dp));
out:
	fs_path_free(&dp);
out_s:
	fs_path_free(&sp);
	return rc;
}

/* ---- host to volume ---------------------------------------------------------------- */

struct hostsrc {
	int fd;
	struct disk_fs *prog;       /* counts the bytes read */
};

static int
host_source(void *buf, size_t cap, size_t *got, void *data)
{
	struct hostsrc *h = data;
	ssize_t r;

	while ((r = read(h->fd, buf, cap)) < 0)
		if (errno != EINTR)
			return -BK_EIO;
	*got = (size_t)r;
	return fs_prog_add(h->prog, *got);
}

/* Open a host entry without following a link and without blocking on a
 * FIFO; what it is decides the rest. */
static int
host_open(struct disk_fs *fs, int dirfd, const char *name, const char *shown,
	  int *fd, struct stat *st)
{
	*fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return fs_err(fs, errno == ENOMEM ? BK_ENOMEM : errno == ENOENT ? BK_ENOTFOUND
			      : BK_EIO, NULL, "%s: %s", shown, errno == ELOOP
			      ? "a symbolic link: refused" : strerror(errno));
	if (fstat(*fd, st) < 0 || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))) {
		close(*fd);
		return fs_err(fs, BK_EWRONGTYPE, NULL, "%s: %s", shown,
			      S_ISFIFO(st->st_mode) ? "a FIFO: refused" : S_ISSOCK(st->st_mode)
			      ? "a socket: refused" : "a device: refused");
	}
	return 0;
}

static int import_at(struct disk_fs *fs, const struct fs_path *p, int dirfd,
		     const char *name, const char *shown);

static int
import_dir(struct disk_fs *fs, const struct fs_path *p, int fd, const char *shown)
{
	struct fs_path c;
	struct entries es = { 0 };
	struct dirent *de;
	char *sub;
	size_t i;
	DIR *dir;
	int rc = 0, dfd;

	if ((rc = fs_do_mkdir(fs, p, 1)) < 0)
		return rc;
	if ((dfd = dup(fd)) < 0 || !(dir = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(errno));
	}
	while (rc == 0 && (de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rc = entries_add(&es, de->d_name, NULL);
	closedir(dir);
	if (rc < 0)
		rc = fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	for (i = 0; i < es.n && rc == 0; i++) {
		if ((rc = fs_path_child(fs, p, es.e[i].name, &c)) < 0)
			break;
		if (asprintf(&sub, "%s/%s", shown, es.e[i].name) < 0) {
			rc = fs_err(fs, BK_ENOMEM, NULL, "out of memory");
		} else {
			rc = import_at(fs, &c, fd, es.e[i].name, sub);
			free(sub);
		}
		fs_path_free(&c);
	}
	entries_free(&es);
	return rc;
}

static int
import_at(struct disk_fs *fs, const struct fs_path *p, int dirfd, const char *name,
	  const char *shown)
{
	struct hostsrc h;
	struct stat st;
	int rc;

	if (p->n > FS_DEPTH_MAX)
		return fs_err(fs, BK_ETOOBIG, p, "more than 256 folder levels");
	if ((rc = host_open(fs, dirfd, name, shown, &h.fd, &st)) < 0)
		return rc;
	h.prog = fs;
	if (S_ISDIR(st.st_mode)) {
		rc = import_dir(fs, p, h.fd, shown);
	} else if (p->n == 0) {
		rc = fs_err(fs, BK_EWRONGTYPE, p, "the root is a folder");
	} else {
		/* Back to blocking reads: a regular file never blocks anyway. */
		fcntl(h.fd, F_SETFL, fcntl(h.fd, F_GETFL) & ~O_NONBLOCK);
		rc = fs->drv->write(fs, p, (uint64_t)st.st_size, host_source, &h, 0);
		if (rc == -BK_EIO && !fs->err.msg[0])
			rc = fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(errno));
	}
	close(h.fd);
	return rc;
}

int
disk_fs_import_tree(disk_fs_t *dst, const char *dst_path, const char *host_path)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(dst, dst_path, &p)) < 0)
		return rc;
	if ((rc = fs_check_writable(dst, &p)) == 0 && (rc = fs_prog_begin_host(dst, host_path)) == 0)
		rc = fs_prog_end(dst, import_at(dst, &p, AT_FDCWD, host_path, host_path));
	fs_path_free(&p);
	return rc;
}

/* ---- volume to host ------------------------------------------------------------------ */

struct hostsink {
	int fd;
	struct disk_fs *prog;       /* counts the bytes written */
};

static int
host_sink(const void *buf, size_t n, void *data)
{
	struct hostsink *h = data;
	const uint8_t *b = buf;
	ssize_t w;

	while (n) {
		if ((w = write(h->fd, b, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -BK_EIO;
		}
		b += w;
		n -= (size_t)w;
	}
	return fs_prog_add(h->prog, (size_t)(b - (const uint8_t *)buf));
}

/* Create dirfd/name (never replacing anything) with the file's content
 * and time; with sync, fsync it.  A failed file is removed again. */
static int
write_host_file(struct disk_fs *fs, const struct fs_path *p, const struct disk_file_info *fi,
		int dirfd, const char *name, const char *shown, bool sync)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { fi->mtime, 0 } };
	struct hostsink h;
	int rc, e = 0;

	h.fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (h.fd < 0)
		return fs_err(fs, errno == EEXIST ? BK_EEXIST : BK_EIO, NULL, "%s: %s", shown,
			      strerror(errno));
	h.prog = fs;
	rc = fs->drv->read(fs, p, host_sink, &h);
	if (rc == -BK_EIO && !fs->err.msg[0])
		e = errno;
	if (rc == 0 && (futimens(h.fd, ts) < 0 || (sync && fsync(h.fd) < 0)))
		e = errno;
	if (close(h.fd) < 0 && rc == 0 && !e)
		e = errno;
	if (rc < 0 || e)
		unlinkat(dirfd, name, 0);
	if (e)
		return fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(e));
	return rc;
}

/* A temporary name beside the target, free when made: "." + stem. */
static void
temp_host_name(char *buf, size_t cap, unsigned attempt)
{
	snprintf(buf, cap, ".bk-export-%ld-%u.tmp", (long)getpid(), attempt);
}

/* One file as dirfd/name: into a temporary name, synced, then linked to
 * name (which fails rather than replace anything that appeared). */
static int
export_file(struct disk_fs *fs, const struct fs_path *p, const struct disk_file_info *fi,
	    int dirfd, const char *name, const char *shown)
{
	char tmp[64];
	unsigned k;
	int rc, e = 0;

	for (k = 0; k < 100; k++) {
		temp_host_name(tmp, sizeof(tmp), k);
		if ((rc = write_host_file(fs, p, fi, dirfd, tmp, shown, true)) != -BK_EEXIST)
			break;
	}
	if (rc < 0)
		return rc;
	if (linkat(dirfd, tmp, dirfd, name, 0) < 0)
		e = errno;
	unlinkat(dirfd, tmp, 0);
	if (e)
		return fs_err(fs, e == EEXIST ? BK_EEXIST : BK_EIO, NULL, "%s: %s", shown,
			      strerror(e));
	return 0;
}

/* Remove a tree this export made (nothing is followed: unlinkat never
 * follows a link, and folders are opened with O_NOFOLLOW). */
static void
remove_host_tree(int dirfd, const char *name, unsigned depth)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || depth > FS_DEPTH_MAX + 8)
		return;
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	if (!(dir = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_host_tree(fd, de->d_name, depth + 1);
	closedir(dir);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int export_at(struct disk_fs *fs, const struct fs_path *p,
		     const struct disk_file_info *fi, int dirfd, const char *name,
		     const char *shown);

static int
export_dir(struct disk_fs *fs, const struct fs_path *p, int fd, const char *shown)
{
	struct disk_file_info fi;
	struct entries es;
	struct fs_path c;
	char *sub;
	size_t i;
	int rc;

	if ((rc = list_folder(fs, p, &es)) < 0)
		return rc;
	for (i = 0; i < es.n && rc == 0; i++) {
		/* fs_path_child() refuses names with "/", ".", ".." too, so a
		 * name can never point the host side elsewhere. */
		if ((rc = fs_path_child(fs, p, es.e[i].name, &c)) < 0)
			break;
		memset(&fi, 0, sizeof(fi));
		fi.is_dir = es.e[i].is_dir;
		fi.size = es.e[i].size;
		fi.mtime = es.e[i].mtime;
		fi.inode = es.e[i].inode;
		if (asprintf(&sub, "%s/%s", shown, es.e[i].name) < 0) {
			rc = fs_err(fs, BK_ENOMEM, NULL, "out of memory");
		} else {
			rc = export_at(fs, &c, &fi, fd, es.e[i].name, sub);
			free(sub);
		}
		fs_path_free(&c);
	}
	entries_free(&es);
	return rc;
}

static int
export_at(struct disk_fs *fs, const struct fs_path *p, const struct disk_file_info *fi,
	  int dirfd, const char *name, const char *shown)
{
	int fd, rc;

	if (!fi->is_dir)
		return write_host_file(fs, p, fi, dirfd, name, shown, false);
	if (mkdirat(dirfd, name, 0777) < 0)
		return fs_err(fs, errno == EEXIST ? BK_EEXIST : BK_EIO, NULL, "%s: %s", shown,
			      strerror(errno));
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(errno));
	rc = export_dir(fs, p, fd, shown);
	close(fd);
	return rc;
}

/*
 * A folder tree as dirfd/name: built under a temporary name beside it,
 * the file system synced once, then renamed into place without replacing
 * anything, so after a crash the target is absent or complete.
 */
static int
export_folder(struct disk_fs *fs, const struct fs_path *p, const struct disk_file_info *fi,
	      int dirfd, const char *name, const char *shown)
{
	struct stat st;
	char tmp[64];
	unsigned k;
	int rc = 0, fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return fs_err(fs, BK_EEXIST, NULL, "%s: exists", shown);
	for (k = 0; k < 100; k++) {
		temp_host_name(tmp, sizeof(tmp), k);
		if (mkdirat(dirfd, tmp, 0777) == 0 || errno != EEXIST)
			break;
	}
	fd = openat(dirfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(errno));
	rc = export_dir(fs, p, fd, shown);
	(void)fi;
	if (rc == 0 && syncfs(fd) < 0)
		rc = fs_err(fs, BK_EIO, NULL, "%s: %s", shown, strerror(errno));
	close(fd);
	if (rc == 0 && renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) < 0)
		rc = fs_err(fs, errno == EEXIST ? BK_EEXIST : BK_EIO, NULL, "%s: %s", shown,
			    strerror(errno));
	if (rc < 0)
		remove_host_tree(dirfd, tmp, 0);
	return rc;
}

/* The target's folder is opened as the user named it; below it, nothing
 * is followed.  Temporary names go into that same folder. */
static int
export_top(struct disk_fs *fs, const struct fs_path *p, const struct disk_file_info *fi,
	   const char *host_path)
{
	char *dir, *base, *slash;
	int dfd, rc;

	if (!(dir = bk_strdup(host_path)))
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	for (slash = dir + strlen(dir); slash > dir + 1 && slash[-1] == '/'; )
		*--slash = '\0';
	slash = strrchr(dir, '/');
	base = slash ? slash + 1 : dir;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		bk_free(dir);
		return fs_err(fs, BK_EEXIST, NULL, "%s: exists", host_path);
	}
	if (slash == dir)
		dfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (slash)
		*slash = '\0', dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		rc = fs_err(fs, errno == ENOENT ? BK_ENOTFOUND : BK_EIO, NULL, "%s: %s",
			    host_path, strerror(errno));
	else if (!fi->is_dir)
		rc = export_file(fs, p, fi, dfd, base, host_path);
	else
		rc = export_folder(fs, p, fi, dfd, base, host_path);
	if (dfd >= 0)
		close(dfd);
	bk_free(dir);
	return rc;
}

int
disk_fs_export_tree(disk_fs_t *src, const char *src_path, const char *host_path)
{
	struct disk_file_info fi;
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(src, src_path, &p)) < 0)
		return rc;
	if ((rc = fs_do_stat(src, &p, &fi)) == 0 && (rc = fs_prog_begin_vol(src, src, &p, &fi)) == 0)
		rc = fs_prog_end(src, export_top(src, &p, &fi, host_path));
	fs_path_free(&p);
	return rc;
}
