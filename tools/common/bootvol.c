/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdboot's volumes (bootvol.h): host folders walked component by component
 * with openat(O_NOFOLLOW), or a file system inside an image (disk_fs_*).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootvol.h"

#define MAX_DEPTH 64

static int
verr(struct bootvol *v, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	return code;
}

static int
errno_code(int e)
{
	switch (e) {
	case ENOENT: return -BK_ENOTFOUND;
	case ENOMEM: return -BK_ENOMEM;
	case EEXIST: return -BK_EEXIST;
	case ENOTDIR: case EISDIR: return -BK_EWRONGTYPE;
	case ELOOP: return -BK_EINVAL;
	default: return -BK_EIO;
	}
}

bool
bootvol_name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       !strpbrk(name, "/\\") && strlen(name) < 256;
}

/* Split a path into components; refuses "..", "." and empty ones. */
static int
split(struct bootvol *v, const char *path, char parts[][256], size_t *n)
{
	const char *p = path, *e;
	size_t len;

	*n = 0;
	while (*p) {
		while (*p == '\\' || *p == '/')
			p++;
		if (!*p)
			break;
		e = p + strcspn(p, "\\/");
		len = (size_t)(e - p);
		if (*n >= MAX_DEPTH || len >= 256)
			return verr(v, -BK_EINVAL, "%s: %s: path too deep or name too long",
				    v->name, path);
		memcpy(parts[*n], p, len);
		parts[*n][len] = '\0';
		if (!bootvol_name_ok(parts[*n]))
			return verr(v, -BK_EINVAL, "%s: %s: '..', '.' or an empty name "
				    "would leave the folder", v->name, path);
		(*n)++;
		p = e;
	}
	return 0;
}

/* ---- host folders ------------------------------------------------------------------ */

int
bootvol_open_host(struct bootvol *v, const char *dir)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", dir);
	v->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v->dirfd < 0)
		return verr(v, errno_code(errno), "%s: %s", dir, strerror(errno));
	return 0;
}

void
bootvol_open_fs(struct bootvol *v, const char *name, disk_t *d, disk_fs_t *fs, bool own_disk)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->dirfd = -1;
	v->fs = fs;
	v->disk = d;
	v->own_disk = own_disk;
	v->own_fs = true;
}

int
bootvol_close_fs(struct bootvol *v)
{
	int rc = 0;

	if (v->fs && v->own_fs) {
		rc = disk_fs_close(v->fs);
		if (rc < 0)
			verr(v, rc, "%s: %s", v->name, disk_last_error(v->disk));
	}
	v->fs = NULL;
	return rc;
}

int
bootvol_close(struct bootvol *v)
{
	int rc = 0;

	if (v->dirfd >= 0)
		close(v->dirfd);
	v->dirfd = -1;
	rc = bootvol_close_fs(v);
	if (v->disk && v->own_disk) {
		int r2 = disk_close(v->disk);

		if (rc == 0 && r2 < 0)
			rc = r2;
	}
	v->disk = NULL;
	return rc;
}

/* The entry of dirfd named like name, case-insensitively (exact first). */
static int
host_find(int dirfd, const char *name, char *out)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		snprintf(out, 256, "%s", name);
		return 0;
	}
	if (errno != ENOENT || (fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	errno = ENOENT;
	while ((de = readdir(d)))
		if (strcasecmp(de->d_name, name) == 0) {
			snprintf(out, 256, "%s", de->d_name);
			closedir(d);
			return 0;
		}
	closedir(d);
	errno = ENOENT;
	return -1;
}

/* Open the folder made of the first n components (creating them with mk). */
static int
host_walk(struct bootvol *v, const char *path, char parts[][256], size_t n, bool mk, int *out)
{
	char real[256];
	int fd = dup(v->dirfd), next;
	size_t i;

	for (i = 0; i < n && fd >= 0; i++) {
		if (host_find(fd, parts[i], real) < 0) {
			if (errno != ENOENT || !mk || mkdirat(fd, parts[i], 0755) < 0)
				break;
			snprintf(real, sizeof(real), "%s", parts[i]);
		}
		next = openat(fd, real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			struct stat st;
			int e = errno;

			/* O_DIRECTORY hides a link as ENOTDIR: say what is there. */
			errno = fstatat(fd, real, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				S_ISLNK(st.st_mode) ? ELOOP : e;
		}
		close(fd);
		fd = next;
	}
	if (fd < 0 || i < n) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return verr(v, errno_code(e), "%s: %s: %s", v->name, path,
			    e == ELOOP ? "a symbolic link is in the way (not followed)" :
			    strerror(e));
	}
	*out = fd;
	return 0;
}

static int
host_stat(struct bootvol *v, const char *path, char parts[][256], size_t n, bool *is_dir)
{
	struct stat st;
	char real[256];
	int fd, rc;

	if (n == 0) {
		*is_dir = true;
		return 0;
	}
	if ((rc = host_walk(v, path, parts, n - 1, false, &fd)) < 0)
		return rc;
	rc = host_find(fd, parts[n - 1], real) < 0 ||
	     fstatat(fd, real, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno_code(errno) : 0;
	close(fd);
	if (rc < 0)
		return verr(v, rc, "%s: %s: %s", v->name, path, strerror(ENOENT));
	if (S_ISLNK(st.st_mode))
		return verr(v, -BK_EINVAL, "%s: %s: a symbolic link, not followed", v->name, path);
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

static int
host_list(struct bootvol *v, const char *path, char parts[][256], size_t n,
	  bootvol_entry_cb cb, void *data)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, rc = 0;

	if ((rc = host_walk(v, path, parts, n, false, &fd)) < 0)
		return rc;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return verr(v, -BK_EIO, "%s: %s: %s", v->name, path, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			rc = verr(v, -BK_EINVAL, "%s: %s\\%s: not a file or folder (links are "
				  "not followed)", v->name, path, de->d_name);
		else
			rc = cb(de->d_name, S_ISDIR(st.st_mode), data);
	}
	closedir(d);
	return rc;
}

static int
host_read(struct bootvol *v, const char *path, char parts[][256], size_t n,
	  uint8_t **buf, size_t *len)
{
	char real[256];
	struct stat st;
	uint8_t *p = NULL;
	size_t got = 0;
	ssize_t r;
	int dfd, fd, rc;

	if (n == 0)
		return verr(v, -BK_EWRONGTYPE, "%s: the root is not a file", v->name);
	if ((rc = host_walk(v, path, parts, n - 1, false, &dfd)) < 0)
		return rc;
	fd = host_find(dfd, parts[n - 1], real) < 0 ? -1 :
	     openat(dfd, real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > BOOTVOL_MAX_FILE ||
	    !(p = malloc((size_t)st.st_size + 1))) {
		int e = fd < 0 ? errno : !S_ISREG(st.st_mode) ? EISDIR : EFBIG;

		if (fd >= 0)
			close(fd);
		return verr(v, errno_code(e), "%s: %s: %s", v->name, path, strerror(e));
	}
	while (got < (size_t)st.st_size && (r = read(fd, p + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got != (size_t)st.st_size) {
		free(p);
		return verr(v, -BK_EIO, "%s: %s: short read", v->name, path);
	}
	*buf = p;
	*len = got;
	return 0;
}

/* Temporary file beside the target, fsynced and renamed over it. */
static int
host_write(struct bootvol *v, const char *path, char parts[][256], size_t n,
	   const void *buf, size_t len)
{
	char real[256], tmp[300];
	struct stat st;
	mode_t mode = 0644;
	size_t off = 0;
	ssize_t w;
	int dfd, fd, rc, tries = 0;

	if (n == 0)
		return verr(v, -BK_EWRONGTYPE, "%s: the root is not a file", v->name);
	if ((rc = host_walk(v, path, parts, n - 1, true, &dfd)) < 0)
		return rc;
	if (host_find(dfd, parts[n - 1], real) < 0)
		snprintf(real, sizeof(real), "%s", parts[n - 1]);
	else if (fstatat(dfd, real, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode)) {
			close(dfd);
			return verr(v, -BK_EWRONGTYPE, "%s: %s: exists and is not a regular "
				    "file; not replaced", v->name, path);
		}
		mode = st.st_mode & 07777;
	}
	do {
		snprintf(tmp, sizeof(tmp), ".%s.%08x.tmp", real, (unsigned)rand());
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	} while (fd < 0 && errno == EEXIST && ++tries < 100);
	while (fd >= 0 && off < len && (w = write(fd, (const uint8_t *)buf + off, len - off)) > 0)
		off += (size_t)w;
	rc = fd >= 0 && off == len && fchmod(fd, mode) == 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0 && renameat(dfd, tmp, dfd, real) == 0 && fsync(dfd) == 0) {
		close(dfd);
		return 0;
	}
	rc = errno;
	if (fd >= 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return verr(v, errno_code(rc), "%s: %s: %s", v->name, path, strerror(rc));
}

/* ---- dispatch ------------------------------------------------------------------------ */

#define PARTS char parts[MAX_DEPTH][256]; size_t n; int rc

int
bootvol_stat(struct bootvol *v, const char *path, bool *is_dir)
{
	struct disk_file_info fi;
	PARTS;

	if ((rc = split(v, path, parts, &n)) < 0)
		return rc;
	if (v->dirfd >= 0)
		return host_stat(v, path, parts, n, is_dir);
	rc = disk_fs_stat(v->fs, path, &fi);
	if (rc < 0)
		return verr(v, rc, "%s", disk_fs_last_error(v->fs));
	*is_dir = fi.is_dir;
	return 0;
}

struct fs_list {
	struct bootvol *v;
	bootvol_entry_cb cb;
	void *data;
	int rc;
};

static int
fs_list_entry(const struct disk_file_info *fi, void *data)
{
	struct fs_list *l = data;

	if (!bootvol_name_ok(fi->name))
		l->rc = verr(l->v, -BK_ECORRUPT, "%s: an entry named \"%s\" is refused",
			     l->v->name, fi->name);
	else
		l->rc = l->cb(fi->name, fi->is_dir, l->data);
	return l->rc ? 1 : 0;
}

int
bootvol_list(struct bootvol *v, const char *path, bootvol_entry_cb cb, void *data)
{
	struct fs_list l = { v, cb, data, 0 };
	PARTS;

	if ((rc = split(v, path, parts, &n)) < 0)
		return rc;
	if (v->dirfd >= 0)
		return host_list(v, path, parts, n, cb, data);
	rc = disk_fs_list(v->fs, path, fs_list_entry, &l);
	if (l.rc)
		return l.rc;
	return rc < 0 ? verr(v, rc, "%s", disk_fs_last_error(v->fs)) : 0;
}

int
bootvol_read(struct bootvol *v, const char *path, uint8_t **buf, size_t *len)
{
	PARTS;

	if ((rc = split(v, path, parts, &n)) < 0)
		return rc;
	if (v->dirfd >= 0)
		return host_read(v, path, parts, n, buf, len);
	rc = disk_fs_read_file(v->fs, path, buf, len, BOOTVOL_MAX_FILE);
	return rc < 0 ? verr(v, rc, "%s", disk_fs_last_error(v->fs)) : 0;
}

int
bootvol_mkdirs(struct bootvol *v, const char *path)
{
	int fd;
	PARTS;

	if ((rc = split(v, path, parts, &n)) < 0)
		return rc;
	if (v->dirfd >= 0) {
		if ((rc = host_walk(v, path, parts, n, true, &fd)) == 0)
			close(fd);
		return rc;
	}
	rc = n ? disk_fs_mkdir(v->fs, path, 1) : 0;
	return rc < 0 ? verr(v, rc, "%s", disk_fs_last_error(v->fs)) : 0;
}

/* Inside an image: write beside, then rename over (disk_fs_rename replace). */
static int
fs_write(struct bootvol *v, const char *path, const void *buf, size_t len)
{
	char tmp[4200];
	int rc;

	/* The parent folders first, as for host folders. */
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *q = tmp + strlen(tmp); q > tmp; q--)
		if (*q == '\\' || *q == '/') {
			*q = '\0';
			if ((rc = disk_fs_mkdir(v->fs, tmp, 1)) < 0)
				return verr(v, rc, "%s", disk_fs_last_error(v->fs));
			break;
		}
	snprintf(tmp, sizeof(tmp), "%s.bcdboot-new", path);
	rc = disk_fs_write_file(v->fs, tmp, buf, len, 0);
	if (rc == 0)
		rc = disk_fs_rename(v->fs, tmp, path, 1);
	if (rc < 0) {
		verr(v, rc, "%s", disk_fs_last_error(v->fs));
		(void)disk_fs_remove(v->fs, tmp);
	}
	return rc;
}

int
bootvol_write(struct bootvol *v, const char *path, const void *buf, size_t len)
{
	PARTS;

	if ((rc = split(v, path, parts, &n)) < 0)
		return rc;
	if (v->dirfd >= 0)
		return host_write(v, path, parts, n, buf, len);
	return fs_write(v, path, buf, len);
}

int
bootvol_hide(struct bootvol *v, const char *path, bool ro)
{
	uint32_t set = DISK_ATTR_HIDDEN | DISK_ATTR_SYSTEM | (ro ? DISK_ATTR_READONLY : 0);
	int rc;

	if (v->dirfd >= 0)
		return 0;
	rc = disk_fs_set_attributes(v->fs, path, set, 0);
	return rc < 0 ? verr(v, rc, "%s", disk_fs_last_error(v->fs)) : 0;
}
