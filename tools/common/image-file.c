/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hives and stores inside disk images (see image-file.h): reading a hive and
 * its logs out of a volume, and the commit inside the volume.
 *
 * Order of a commit, so that an interruption at any point leaves the old
 * hive or the new one under its name, never a mix, and never a new hive
 * with stale logs that could be replayed over it:
 *   1. read the logs now beside the hive: the new sequence numbers go above
 *      every one of theirs (hive_serialize());
 *   2. (--backup) copy the hive and each non-empty log to NAME.bak;
 *   3. write NAME.bcdkit-new in the same folder (a leftover of an earlier
 *      interrupted commit is removed first: the name is ours);
 *   4. rename it over NAME (the file system's replace is crash-safe);
 *   5. flush the volume and the image: the new hive is durable;
 *   6. empty the logs (the new hive's sequence numbers already put them
 *      behind, so a crash between 5 and 6 is harmless).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "image-file.h"
#include "image-path.h"
#include "tool-util.h"

#define IMG_TMP_SUFFIX ".bcdkit-new"
#define IMG_BAK_SUFFIX ".bak"
/* Attributes a replaced hive keeps (Windows marks stores hidden and system);
 * read-only is put back after the rename, which it could block. */
#define IMG_KEEP_ATTRS (DISK_ATTR_HIDDEN | DISK_ATTR_SYSTEM | DISK_ATTR_ARCHIVE)

static int
fs_fail(disk_fs_t *fs, int rc, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", disk_fs_last_error(fs));
	return rc;
}

/* Folder and name of a path inside the volume ("\Boot\BCD" -> "\Boot", "BCD"). */
static int
split_path(const char *path, const char *what, char **dir, const char **base,
	   char *err, size_t errlen)
{
	const char *a = strrchr(path, '\\'), *b = strrchr(path, '/');
	const char *sep = a > b ? a : b;

	*base = sep ? sep + 1 : path;
	if (!**base) {
		snprintf(err, errlen, "%s: names a folder, not a hive file", what);
		return -BK_EINVAL;
	}
	*dir = strndup(path, sep ? (size_t)(sep - path) : 0);
	if (!*dir) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -BK_ENOMEM;
	}
	return 0;
}

/* dir + "\" + name + suffix; NULL when out of memory. */
static char *
join(const char *dir, const char *name, const char *suffix)
{
	size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s\\%s%s", dir, name, suffix);
	return p;
}

/* ---- finding and reading the logs ---------------------------------------------- */

struct log_scan {
	const char *base;
	char *names[HIVE_RECOVER_MAX_LOGS];
	size_t n;
	int oom;
};

static int
log_name_cb(const struct disk_file_info *fi, void *data)
{
	struct log_scan *ls = data;
	size_t n = strlen(ls->base);
	const char *ext = fi->name + n;

	if (fi->is_dir || strncasecmp(fi->name, ls->base, n) != 0)
		return 0;
	if (strcasecmp(ext, ".LOG") && strcasecmp(ext, ".LOG1") && strcasecmp(ext, ".LOG2"))
		return 0;
	if (ls->n == HIVE_RECOVER_MAX_LOGS)
		return 0;
	if (!(ls->names[ls->n] = strdup(fi->name))) {
		ls->oom = 1;
		return 1;
	}
	ls->n++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The logs beside dir\base, sorted by name as hive_open() sorts them. */
static int
read_logs(disk_fs_t *fs, const char *dir, const char *base, const char *what,
	  struct img_hive_bytes *out, char *err, size_t errlen)
{
	struct log_scan ls = { base, { NULL }, 0, 0 };
	size_t i;
	int rc;

	rc = disk_fs_list(fs, dir[0] ? dir : "\\", log_name_cb, &ls);
	if (ls.oom)
		rc = -BK_ENOMEM;
	if (rc < 0 && !ls.oom)
		fs_fail(fs, rc, err, errlen);
	qsort(ls.names, ls.n, sizeof(ls.names[0]), cmp_str);
	for (i = 0; i < ls.n; i++) {
		uint8_t *p = NULL;
		size_t len = 0;

		if (rc == 0 && !(out->log_paths[i] = join(dir, ls.names[i], "")))
			rc = -BK_ENOMEM;
		if (rc == 0 && (rc = disk_fs_read_file(fs, out->log_paths[i], &p, &len,
						       IMG_HIVE_MAX)) < 0)
			fs_fail(fs, rc, err, errlen);
		out->logs[i].name = ls.names[i];   /* freed by img_hive_bytes_free() */
		out->logs[i].data = p;
		out->logs[i].len = len;
		out->nlogs = i + 1;
	}
	if (rc == -BK_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", what);
	return rc;
}

void
img_hive_bytes_free(struct img_hive_bytes *b)
{
	size_t i;

	for (i = 0; i < b->nlogs; i++) {
		free((void *)b->logs[i].name);
		free((void *)b->logs[i].data);
		free(b->log_paths[i]);
	}
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int
img_read_hive(disk_fs_t *fs, const char *path, const char *what,
	      struct img_hive_bytes *out, char *err, size_t errlen)
{
	struct disk_file_info fi;
	const char *base;
	char *dir;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = split_path(path, what, &dir, &base, err, errlen)) < 0)
		return rc;
	rc = disk_fs_stat(fs, path, &fi);
	if (rc == 0 && fi.is_dir) {
		snprintf(err, errlen, "%s: is a folder, not a hive file", what);
		rc = -BK_EWRONGTYPE;
	} else if (rc < 0) {
		fs_fail(fs, rc, err, errlen);
	}
	if (rc == 0 && (rc = disk_fs_read_file(fs, path, &out->data, &out->len,
					       IMG_HIVE_MAX)) < 0)
		fs_fail(fs, rc, err, errlen);
	if (rc == 0)
		rc = read_logs(fs, dir, base, what, out, err, errlen);
	out->attributes = fi.attributes;
	free(dir);
	if (rc < 0)
		img_hive_bytes_free(out);
	return rc;
}

/* ---- writing ---------------------------------------------------------------------- */

int
img_replace_file(disk_fs_t *fs, const char *path, const char *what, const uint8_t *buf,
		 size_t len, uint32_t attributes, bool no_replace, char *err, size_t errlen)
{
	struct disk_file_info fi;
	const char *base;
	char *dir, *tmp;
	int rc;

	if ((rc = split_path(path, what, &dir, &base, err, errlen)) < 0)
		return rc;
	tmp = join(dir, base, IMG_TMP_SUFFIX);
	free(dir);
	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -BK_ENOMEM;
	}
	if (no_replace && disk_fs_stat(fs, path, &fi) == 0) {
		snprintf(err, errlen, "%s: already exists", what);
		free(tmp);
		return -BK_EEXIST;
	}
	/* A leftover of an interrupted commit: never the live file. */
	if (disk_fs_stat(fs, tmp, &fi) == 0 && !fi.is_dir)
		rc = disk_fs_remove(fs, tmp);
	if (rc == 0)
		rc = disk_fs_write_file(fs, tmp, buf, len, DISK_FS_NO_REPLACE);
	if (rc == 0 && (attributes & IMG_KEEP_ATTRS))
		rc = disk_fs_set_attributes(fs, tmp, attributes & IMG_KEEP_ATTRS, 0);
	if (rc == 0)
		rc = disk_fs_rename(fs, tmp, path, !no_replace);
	if (rc < 0) {
		fs_fail(fs, rc, err, errlen);
		disk_fs_remove(fs, tmp);     /* best effort: the old file is intact */
	}
	free(tmp);
	if (rc == 0 && (attributes & DISK_ATTR_READONLY) &&
	    (rc = disk_fs_set_attributes(fs, path, DISK_ATTR_READONLY, 0)) < 0)
		fs_fail(fs, rc, err, errlen);
	return rc;
}

/* NAME.bak of the hive and of each non-empty log, before the first change. */
static int
backup(disk_fs_t *fs, const char *path, const char *what, const struct img_hive_bytes *cur,
       char *err, size_t errlen)
{
	char *bak;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i <= cur->nlogs; i++) {
		const char *src = i == 0 ? path : cur->log_paths[i - 1];
		const uint8_t *p = i == 0 ? cur->data : cur->logs[i - 1].data;
		size_t len = i == 0 ? cur->len : cur->logs[i - 1].len;
		size_t n = strlen(src) + sizeof(IMG_BAK_SUFFIX);

		if (i > 0 && len == 0)
			continue;
		if (!(bak = malloc(n))) {
			snprintf(err, errlen, "%s: out of memory", what);
			return -BK_ENOMEM;
		}
		snprintf(bak, n, "%s%s", src, IMG_BAK_SUFFIX);
		rc = img_replace_file(fs, bak, what, p, len, 0, false, err, errlen);
		free(bak);
	}
	return rc;
}

/* Step 6: every log that holds something becomes an empty file. */
static int
empty_logs(disk_fs_t *fs, const struct img_hive_bytes *cur, const char *what,
	   char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < cur->nlogs; i++) {
		if (cur->logs[i].len == 0)
			continue;
		if ((rc = disk_fs_write_file(fs, cur->log_paths[i], "", 0, 0)) < 0) {
			snprintf(err, errlen, "%s: written, but its stale log could not be "
				 "emptied: %s", what, disk_fs_last_error(fs));
			return rc;
		}
	}
	return 0;
}

int
img_store_hive(disk_t *d, disk_fs_t *fs, const char *path, const char *what, hive_t *h,
	       bool do_backup, uint8_t **img, size_t *img_len, char *err, size_t errlen)
{
	struct img_hive_bytes cur;
	int rc;

	*img = NULL;
	/* Read again now: the logs beside the hive decide the sequence numbers. */
	if ((rc = img_read_hive(fs, path, what, &cur, err, errlen)) < 0)
		return rc;
	rc = hive_serialize(h, cur.logs, cur.nlogs, img, img_len);
	if (rc < 0)
		snprintf(err, errlen, "%s", hive_last_error(h));
	if (rc == 0 && do_backup)
		rc = backup(fs, path, what, &cur, err, errlen);
	if (rc == 0)
		rc = img_replace_file(fs, path, what, *img, *img_len, cur.attributes, false,
				      err, errlen);
	if (rc == 0 && ((rc = disk_fs_flush(fs)) < 0 || (rc = disk_flush(d)) < 0))
		snprintf(err, errlen, "%s: %s", what, rc == -BK_EIO && disk_last_error(d)[0]
			 ? disk_last_error(d) : disk_fs_last_error(fs));
	if (rc == 0)
		rc = empty_logs(fs, &cur, what, err, errlen);
	img_hive_bytes_free(&cur);
	if (rc < 0) {
		free(*img);
		*img = NULL;
	}
	return rc;
}

/* ---- the tools' side: IMAGE[:PART]:\path ------------------------------------------ */

struct img_ctx {
	struct image_path ip;
	char *arg;                 /* as given: ip.path points into it */
	bool backed_up;            /* --backup done for this handle */
	bool create;               /* a new hive: the file may not exist yet */
	disk_t *hold;              /* holds the image's exclusive lock (hold_image) */
};

static void
ctx_free(void *data)
{
	struct img_ctx *c = data;

	if (!c)
		return;
	if (c->hold)
		disk_close(c->hold);
	image_path_free(&c->ip);
	free(c->arg);
	free(c);
}

static int
ctx_new(const char *arg, struct img_ctx **out, char *err, size_t errlen)
{
	struct img_ctx *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c || !(c->arg = strdup(arg))) {
		free(c);
		snprintf(err, errlen, "%s: out of memory", arg);
		return -BK_ENOMEM;
	}
	rc = image_path_parse(c->arg, &c->ip, err, errlen);
	if (rc <= 0) {
		ctx_free(c);
		return rc < 0 ? -BK_EINVAL : 0;
	}
	*out = c;
	return 1;
}

/*
 * A hive opened for writing is read through one handle of the image and
 * committed through another: the image stays locked exclusively from before
 * the read to the end (doc/safety.md), or another writer's commit in between
 * would be lost.  The handles opened meanwhile share this lock.
 */
static int
hold_image(struct img_ctx *c, char *err, size_t errlen)
{
	char msg[600];
	int rc = disk_open(&c->hold, c->ip.image, DISK_OPEN_LOCK, msg, sizeof(msg));

	if (rc < 0)
		snprintf(err, errlen, "%s: %s", c->arg, msg);
	return rc;
}

/* Open the image and its volume; the detail goes to err. */
static int
open_volume(struct img_ctx *c, bool write, disk_t **d, disk_fs_t **fs, char *err, size_t errlen)
{
	char msg[600];
	int rc;

	*fs = NULL;
	rc = disk_open(d, c->ip.image, write ? DISK_OPEN_WRITE : 0, msg, sizeof(msg));
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", c->arg, msg);
		return rc;
	}
	disk_set_msg_cb(*d, tool_print_note, NULL);
	rc = disk_fs_open(fs, *d, c->ip.part, write ? DISK_FS_WRITE : 0);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", c->arg, disk_last_error(*d));
		disk_close(*d);
		*d = NULL;
	}
	return rc;
}

/* Close the volume and the image; the first failure (a flush) wins. */
static int
close_volume(disk_t *d, disk_fs_t *fs, int rc, const char *what, char *err, size_t errlen)
{
	int r;

	if ((r = disk_fs_close(fs)) < 0 && rc >= 0) {
		snprintf(err, errlen, "%s: %s", what, disk_last_error(d));
		rc = r;
	}
	if ((r = disk_close(d)) < 0 && rc >= 0) {
		snprintf(err, errlen, "%s: %s", what, disk_strerror(r));
		rc = r;
	}
	return rc;
}

/* The first commit of a new hive whose file does not exist: no logs, no
 * backup, and an existing file (made meanwhile) is never replaced. */
static int
create_file(disk_t *d, disk_fs_t *fs, struct img_ctx *c, hive_t *h, uint8_t **img,
	    size_t *len, char *err, size_t errlen)
{
	int rc = hive_serialize(h, NULL, 0, img, len);

	if (rc < 0) {
		snprintf(err, errlen, "%s", hive_last_error(h));
		return rc;
	}
	rc = img_replace_file(fs, c->ip.path, c->arg, *img, *len, 0, true, err, errlen);
	if (rc == 0 && ((rc = disk_fs_flush(fs)) < 0 || (rc = disk_flush(d)) < 0))
		snprintf(err, errlen, "%s: %s", c->arg, disk_fs_last_error(fs));
	return rc;
}

static int
ctx_commit(void *data, hive_t *h, unsigned flags, char *err, size_t errlen)
{
	struct img_ctx *c = data;
	bool do_backup = (flags & HIVE_COMMIT_BACKUP) && !c->backed_up;
	struct disk_file_info fi;
	disk_fs_t *fs;
	uint8_t *img = NULL;
	size_t len = 0;
	disk_t *d;
	int rc;

	if ((rc = open_volume(c, true, &d, &fs, err, errlen)) < 0)
		return rc;
	if (c->create && disk_fs_stat(fs, c->ip.path, &fi) == -BK_ENOTFOUND)
		rc = create_file(d, fs, c, h, &img, &len, err, errlen);
	else
		rc = img_store_hive(d, fs, c->ip.path, c->arg, h, do_backup, &img, &len,
				    err, errlen);
	rc = close_volume(d, fs, rc, c->arg, err, errlen);
	if (rc == 0)
		c->create = false;
	if (rc == 0 && do_backup)
		c->backed_up = true;
	if (rc == 0)
		rc = hive_serialize_done(h, img, len);
	free(img);
	return rc;
}

static const struct hive_image_io ctx_io = { ctx_commit, ctx_free };

int
tool_is_image_file(const char *arg, char *err, size_t errlen)
{
	struct image_path ip;
	int rc = image_path_parse(arg, &ip, err, errlen);

	if (rc > 0)
		image_path_free(&ip);
	return rc;
}

/*
 * The hive library keeps the detail of a failure on the handle: a new one
 * for each open, and on failure its detail copied to err and the handle
 * freed, so that *out is a usable hive or NULL.
 */
static int
hive_begin(hive_t **out, char *err, size_t errlen)
{
	if ((*out = hive_new()) != NULL)
		return 0;
	snprintf(err, errlen, "%s", hive_strerror(-BK_ENOMEM));
	return -BK_ENOMEM;
}

static int
hive_end(hive_t **h, int rc, char *err, size_t errlen)
{
	if (rc >= 0)
		return rc;
	snprintf(err, errlen, "%s", hive_last_error(*h));
	hive_close(*h);
	*h = NULL;
	return rc;
}

int
tool_hive_open(hive_t **out, const char *arg, unsigned flags, char *err, size_t errlen)
{
	struct img_hive_bytes b;
	struct img_ctx *c;
	disk_fs_t *fs;
	disk_t *d;
	int rc;

	*out = NULL;
	if ((rc = ctx_new(arg, &c, err, errlen)) < 0)
		return rc;
	if (rc == 0)
		return hive_begin(out, err, errlen) < 0
		       ? -BK_ENOMEM : hive_end(out, hive_open(*out, arg, flags), err, errlen);
	/* Reading never opens the image writable; a commit reopens it. */
	if (((flags & HIVE_OPEN_WRITE) && (rc = hold_image(c, err, errlen)) < 0) ||
	    (rc = open_volume(c, false, &d, &fs, err, errlen)) < 0) {
		ctx_free(c);
		return rc;
	}
	rc = img_read_hive(fs, c->ip.path, arg, &b, err, errlen);
	rc = close_volume(d, fs, rc, arg, err, errlen);
	if (rc == 0) {
		if ((rc = hive_begin(out, err, errlen)) == 0)
			rc = hive_end(out, hive_open_image(*out, b.data, b.len, arg, b.logs,
							   b.nlogs, flags), err, errlen);
		img_hive_bytes_free(&b);
	}
	if (rc < 0) {
		ctx_free(c);
		return rc;
	}
	hive_set_image_io(*out, &ctx_io, c);
	return 0;
}

int
tool_image_put(const char *spec, const uint8_t *buf, size_t len, bool no_replace,
	       char *err, size_t errlen)
{
	struct img_ctx *c;
	disk_fs_t *fs;
	disk_t *d;
	int rc;

	if ((rc = ctx_new(spec, &c, err, errlen)) <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "%s: not a file inside an image", spec);
		return rc < 0 ? rc : -BK_EINVAL;
	}
	if ((rc = open_volume(c, true, &d, &fs, err, errlen)) == 0) {
		rc = img_replace_file(fs, c->ip.path, spec, buf, len, 0, no_replace, err, errlen);
		if (rc == 0 && (rc = disk_fs_flush(fs)) < 0)
			snprintf(err, errlen, "%s", disk_fs_last_error(fs));
		rc = close_volume(d, fs, rc, spec, err, errlen);
	}
	ctx_free(c);
	return rc;
}

int
tool_hive_create(hive_t **out, const char *arg, const char *root, unsigned minor,
		 char *err, size_t errlen)
{
	struct img_ctx *c;
	uint8_t *img = NULL;
	size_t len = 0;
	hive_t *h0;
	int rc;

	*out = NULL;
	if ((rc = ctx_new(arg, &c, err, errlen)) < 0)
		return rc;
	if (rc == 0)
		return hive_begin(out, err, errlen) < 0
		       ? -BK_ENOMEM : hive_end(out, hive_create(*out, arg, root, minor), err, errlen);
	/* Made in memory (the name stored in it is the path inside the volume),
	 * then reopened as a hive of the image that hive_commit() creates there. */
	rc = hold_image(c, err, errlen);
	if (rc == 0 && (rc = hive_begin(&h0, err, errlen)) == 0)
		rc = hive_end(&h0, hive_create(h0, c->ip.path, root, minor), err, errlen);
	if (rc == 0) {
		if ((rc = hive_serialize(h0, NULL, 0, &img, &len)) < 0)
			snprintf(err, errlen, "%s", hive_last_error(h0));
		hive_close(h0);
	}
	if (rc == 0 && (rc = hive_begin(out, err, errlen)) == 0)
		rc = hive_end(out, hive_open_image(*out, img, len, arg, NULL, 0, HIVE_OPEN_WRITE),
			      err, errlen);
	free(img);
	if (rc < 0) {
		ctx_free(c);
		return rc;
	}
	c->create = true;
	hive_set_image_io(*out, &ctx_io, c);
	return 0;
}

int
tool_file_exists(const char *arg)
{
	struct disk_file_info fi;
	struct img_ctx *c;
	char err[600];
	disk_fs_t *fs;
	disk_t *d;
	int rc;

	if ((rc = ctx_new(arg, &c, err, sizeof(err))) <= 0)
		return rc == 0 && access(arg, F_OK) == 0;
	rc = open_volume(c, false, &d, &fs, err, sizeof(err));
	if (rc == 0) {
		rc = disk_fs_stat(fs, c->ip.path, &fi);
		close_volume(d, fs, 0, arg, err, sizeof(err));
	}
	ctx_free(c);
	return rc == 0;
}

/* ---- recover ------------------------------------------------------------------------ */

/* The recovered hive to OUT: a file inside an image, or a host file. */
static int
put_output(const char *out, const uint8_t *img, size_t len, char *err, size_t errlen)
{
	struct bk_atomic *st = NULL;
	struct bk_errbuf eb;
	FILE *f;
	int rc = tool_is_image_file(out, err, errlen);

	if (rc != 0)
		return rc < 0 ? -BK_EINVAL : tool_image_put(out, img, len, false, err, errlen);
	if (!(f = bk_atomic_fopen(&eb, out, &st)) ||
	    bk_atomic_fclose(&eb, f, st, fwrite(img, 1, len, f) == len) < 0) {
		if (eb.msg[0])
			tool_err("%s", eb.msg);
		snprintf(err, errlen, "%s: not written", out);
		return -BK_EIO;
	}
	return 0;
}

/*
 * In place inside the volume, as hive_recover() does beside a host file:
 * NAME.bak of the hive and of every log replayed (refused if one exists),
 * the hive replaced, flushed, and only then the logs emptied.
 */
static int
recover_in_volume(disk_t *d, disk_fs_t *fs, const char *path, const char *what,
		  const struct img_hive_bytes *b, const struct hive_recover_report *rep,
		  const uint8_t *img, size_t len, char *err, size_t errlen)
{
	struct img_hive_bytes used = *b;
	struct disk_file_info fi;
	char bak[DISK_FILE_NAME_MAX + 8];
	size_t i, n = 0;
	int rc = 0;

	/* Only the logs replay recognised are backed up and emptied. */
	for (i = 0; i < b->nlogs && i < rep->nlogs; i++)
		if (rep->logs[i].format != HIVE_LOG_NONE) {
			used.logs[n] = b->logs[i];
			used.log_paths[n++] = b->log_paths[i];
		}
	used.nlogs = n;
	for (i = 0; i <= n && rc == 0; i++) {
		snprintf(bak, sizeof(bak), "%s.bak", i == 0 ? path : used.log_paths[i - 1]);
		if (disk_fs_stat(fs, bak, &fi) == 0) {
			snprintf(err, errlen, "%s.bak: backup copy already exists; move it away or "
				 "write the recovered hive elsewhere with -o", i == 0 ? what : bak);
			rc = -BK_EEXIST;
		}
	}
	if (rc == 0)
		rc = backup(fs, path, what, &used, err, errlen);
	if (rc == 0)
		rc = img_replace_file(fs, path, what, img, len, b->attributes, false, err, errlen);
	if (rc == 0 && ((rc = disk_fs_flush(fs)) < 0 || (rc = disk_flush(d)) < 0))
		snprintf(err, errlen, "%s: %s", what, disk_fs_last_error(fs));
	if (rc == 0)
		rc = empty_logs(fs, &used, what, err, errlen);
	return rc;
}

int
tool_hive_recover(const char *arg, const char *out, unsigned flags,
		  struct hive_recover_report *rep, char *err, size_t errlen)
{
	struct img_hive_bytes b;
	struct img_ctx *c;
	hive_t *h;
	uint8_t *img = NULL;
	size_t len = 0;
	disk_fs_t *fs;
	disk_t *d;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = ctx_new(arg, &c, err, errlen)) < 0)
		return rc;
	if (rc == 0) {
		/* A host hive: hive_recover(), unless OUT lies inside an image. */
		if ((rc = hive_begin(&h, err, errlen)) < 0)
			return rc;
		if (!out || (flags & HIVE_RECOVER_DRY_RUN) || tool_is_image_file(out, err, errlen) <= 0) {
			rc = hive_end(&h, hive_recover(h, arg, out, flags, rep), err, errlen);
			hive_close(h);
			return rc;
		}
		rc = hive_end(&h, hive_recover_image(h, arg, &img, &len, rep), err, errlen);
		hive_close(h);
		if (rc == 0 && rep->dirty)
			rc = put_output(out, img, len, err, errlen);
		free(img);
		return rc;
	}
	/* In place: locked from the read to the last write, as an edit is. */
	rc = 0;
	if (!(flags & HIVE_RECOVER_DRY_RUN) && (!out || strcmp(out, arg) == 0))
		rc = hold_image(c, err, errlen);
	if (rc == 0 && (rc = open_volume(c, false, &d, &fs, err, errlen)) == 0) {
		rc = img_read_hive(fs, c->ip.path, arg, &b, err, errlen);
		rc = close_volume(d, fs, rc, arg, err, errlen);
	}
	if (rc == 0) {
		if ((rc = hive_begin(&h, err, errlen)) == 0) {
			rc = hive_end(&h, hive_recover_buffer(h, b.data, b.len, arg, b.logs, b.nlogs,
							      &img, &len, rep), err, errlen);
			hive_close(h);
		}
		if (rc == 0 && rep->dirty && !(flags & HIVE_RECOVER_DRY_RUN) &&
		    out && strcmp(out, arg) != 0) {
			rc = put_output(out, img, len, err, errlen);
		} else if (rc == 0 && rep->dirty && !(flags & HIVE_RECOVER_DRY_RUN) &&
			   (rc = open_volume(c, true, &d, &fs, err, errlen)) == 0) {
			rc = recover_in_volume(d, fs, c->ip.path, arg, &b, rep, img, len, err, errlen);
			rc = close_volume(d, fs, rc, arg, err, errlen);
		}
		img_hive_bytes_free(&b);
	}
	free(img);
	ctx_free(c);
	return rc;
}
