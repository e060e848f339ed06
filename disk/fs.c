/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file-system layer (bcdkit/disk-fs.h): partition selection, driver
 * probing, path checking before any driver call, and the public
 * operations.  The drivers (fs-ntfs.c, fs-fat*.c) only see checked paths;
 * the tree helpers are in fs-tree.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-buf.h"
#include "fs-core.h"

/* Probing order: NTFS first (its boot sector is unmistakable), then FAT. */
static const struct fs_driver *
driver_at(unsigned i)
{
	const struct fs_driver *const table[] = { &fs_ntfs_driver, &fs_fat_driver };

	return i < sizeof(table) / sizeof(table[0]) ? table[i] : NULL;
}

#define FS_DRIVERS 2u

/* ---- partition selection ---------------------------------------------------- */

/* Several partitions: the active one, else ask for a number. */
static int
pick_partition(struct disk *d, const struct disk_label *l, unsigned *number)
{
	unsigned i, found = 0, active = 0;

	for (i = 0; i < l->count; i++)
		if (l->part[i].active) {
			active++;
			found = i;
		}
	if (l->count == 1) {
		*number = l->part[0].number;
		return 0;
	}
	if (l->count == 0)
		return dk_error(d, BK_ENOTFOUND, "the partition table is empty");
	if (active == 1) {
		*number = l->part[found].number;
		return 0;
	}
	return dk_error(d, BK_EINVAL, "%u partitions%s: give a partition number", l->count,
			active ? ", several active" : " and none active");
}

/*
 * Byte range of the volume on partition *number of d; 0 picks as the
 * header says and *number receives the choice (0 for a whole disk without
 * a table, such as /dev/sdb1 or a bare file system image).
 */
static int
select_partition(struct disk *d, unsigned *number, uint64_t *off, uint64_t *size)
{
	struct disk_label *l;
	unsigned i;
	int rc;

	if (!(l = bk_malloc(sizeof(*l))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	rc = disk_label_read(d, l);
	if (rc == -BK_ENOTFOUND) {
		bk_err_clear(&d->err);
		rc = 0;
		if (*number)
			rc = dk_error(d, BK_ENOTFOUND, "no partition table, so no "
				    "partition %u (the whole disk is partition 0)", *number);
		*off = 0;
		*size = d->size;
		goto out;
	}
	if (rc < 0 || (*number == 0 && (rc = pick_partition(d, l, number)) < 0))
		goto out;
	for (i = 0; i < l->count; i++)
		if (l->part[i].number == *number) {
			*off = l->part[i].offset;
			*size = l->part[i].size;
			goto out;
		}
	rc = dk_error(d, BK_ENOTFOUND, "no partition %u", *number);
out:
	bk_free(l);
	return rc;
}

/* ---- open and close ------------------------------------------------------------ */

static int
mount_any(struct disk_fs *fs)
{
	const struct fs_driver *drv;
	unsigned i;
	int rc;

	for (i = 0; i < FS_DRIVERS; i++) {
		if (!(drv = driver_at(i)) || !drv->mount)
			continue;
		fs->drv = drv;
		fs->type = drv->type;
		bk_err_clear(&fs->err);
		rc = drv->mount(fs);
		if (rc != -BK_EUNSUPPORTED || fs->recognised)
			return rc;
	}
	fs->drv = NULL;
	fs->type = DISK_FS_UNKNOWN;
	return fs_err(fs, BK_EUNSUPPORTED, NULL, "neither NTFS nor FAT");
}

int
disk_fs_open(disk_fs_t **out, disk_t *d, unsigned partition, unsigned flags)
{
	struct disk_fs *fs;
	uint64_t off, size;
	int rc;

	*out = NULL;
	if (flags & ~(unsigned)DISK_FS_WRITE)
		return dk_error(d, BK_EINVAL, "unknown file-system open flags");
	if ((flags & DISK_FS_WRITE) && !d->writable)
		return dk_error(d, BK_EREADONLY, "opened read-only");
	if ((rc = select_partition(d, &partition, &off, &size)) < 0)
		return rc;
	if (!(fs = bk_calloc(1, sizeof(*fs))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	fs->d = d;
	fs->partition = partition;
	fs->off = off;
	fs->size = size;
	fs->writable = (flags & DISK_FS_WRITE) != 0;
	if ((rc = mount_any(fs)) < 0) {
		/* The detail belongs to the disk: there is no handle to ask. */
		bk_err(&d->err, -rc, "%s", fs->err.msg);
		bk_free(fs);
		return rc;
	}
	*out = fs;
	return 0;
}

int
disk_fs_flush(disk_fs_t *fs)
{
	if (!fs->writable || !fs->drv->flush)
		return 0;
	return fs->drv->flush(fs);
}

int
disk_fs_close(disk_fs_t *fs)
{
	int rc;

	if (!fs)
		return 0;
	rc = disk_fs_flush(fs);
	fs->drv->unmount(fs);
	bk_free(fs->stream_buf);
	bk_free(fs);
	return rc;
}

const char *
disk_fs_last_error(const disk_fs_t *fs)
{
	return fs->err.msg;
}

enum disk_fs_type
disk_fs_get_type(const disk_fs_t *fs)
{
	return fs->type;
}

const char *
disk_fs_type_name(enum disk_fs_type t)
{
	switch (t) {
	case DISK_FS_NTFS: return "ntfs";
	case DISK_FS_FAT12: return "fat12";
	case DISK_FS_FAT16: return "fat16";
	case DISK_FS_FAT32: return "fat32";
	default: return "unknown";
	}
}

int
disk_fs_get_info(disk_fs_t *fs, struct disk_fs_info *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->type = fs->type;
	out->partition = fs->partition;
	out->offset = fs->off;
	out->size = fs->size;
	if ((rc = fs->drv->info(fs, out)) < 0)
		return rc;
	/* The driver may know the type better (FAT12/16/32). */
	fs->type = out->type;
	out->partition = fs->partition;
	out->offset = fs->off;
	return 0;
}

/* ---- partition-relative I/O ----------------------------------------------------- */

static int
range_ok(struct disk_fs *fs, uint64_t off, size_t len)
{
	if (off > fs->size || len > fs->size - off)
		return fs_err(fs, BK_ECORRUPT, NULL, "access to bytes %llu-%llu past the end "
			      "of the volume (%llu bytes)", (unsigned long long)off,
			      (unsigned long long)(off + len), (unsigned long long)fs->size);
	return 0;
}

int
fs_read_at(struct disk_fs *fs, uint64_t off, void *buf, size_t len)
{
	int rc;

	if ((rc = range_ok(fs, off, len)) < 0)
		return rc;
	if ((rc = disk_read(fs->d, fs->off + off, buf, len)) < 0)
		return fs_err(fs, -rc, NULL, "%s", fs->d->err.msg);
	return 0;
}

void *
fs_stream_buf_take(struct disk_fs *fs, size_t n)
{
	void *b = fs->stream_buf;

	/* Taken, not shared: a write nested in another's source gets its own. */
	if (b && fs->stream_len >= n) {
		fs->stream_buf = NULL;
		return b;
	}
	return bk_malloc_aligned(4096, n);
}

void
fs_stream_buf_give(struct disk_fs *fs, void *buf, size_t n)
{
	if (buf && !fs->stream_buf) {
		fs->stream_buf = buf;
		fs->stream_len = n;
	} else {
		bk_free(buf);
	}
}

int
fs_write_at(struct disk_fs *fs, uint64_t off, const void *buf, size_t len)
{
	int rc;

	if (!fs->writable)
		return fs_err(fs, BK_EREADONLY, NULL, "opened read-only");
	if ((rc = range_ok(fs, off, len)) < 0)
		return rc;
	if ((rc = disk_write(fs->d, fs->off + off, buf, len)) < 0)
		return fs_err(fs, -rc, NULL, "%s", fs->d->err.msg);
	return 0;
}

/* ---- reading ---------------------------------------------------------------------- */

int
fs_do_stat(struct disk_fs *fs, const struct fs_path *p, struct disk_file_info *out)
{
	memset(out, 0, sizeof(*out));
	return fs->drv->stat(fs, p, out);
}

int
disk_fs_stat(disk_fs_t *fs, const char *path, struct disk_file_info *out)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	rc = fs_do_stat(fs, &p, out);
	fs_path_free(&p);
	return rc;
}

int
disk_fs_list(disk_fs_t *fs, const char *path, disk_file_cb cb, void *data)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	rc = fs->drv->list(fs, &p, cb, data);
	fs_path_free(&p);
	return rc;
}

int
disk_fs_read(disk_fs_t *fs, const char *path, disk_sink_cb sink, void *data)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	rc = fs->drv->read(fs, &p, sink, data);
	fs_path_free(&p);
	return rc;
}

struct membuf {
	struct bk_buf b;
	size_t max;
};

static int
mem_sink(const void *buf, size_t n, void *data)
{
	struct membuf *m = data;

	if (n > m->max - m->b.len)
		return -BK_ETOOBIG;
	if (bk_buf_grow(&m->b, n) < 0)
		return -BK_ENOMEM;
	memcpy(m->b.p + m->b.len, buf, n);
	m->b.len += n;
	return 0;
}

int
disk_fs_read_file(disk_fs_t *fs, const char *path, uint8_t **buf, size_t *len, size_t max)
{
	struct membuf m = { BK_BUF_INIT, max };
	struct fs_path p;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	rc = fs->drv->read(fs, &p, mem_sink, &m);
	if (rc == -BK_ETOOBIG)
		fs_err(fs, BK_ETOOBIG, &p, "larger than %zu bytes", max);
	else if (rc == -BK_ENOMEM)
		fs_err(fs, BK_ENOMEM, &p, "out of memory");
	if (rc == 0 && bk_buf_grow(&m.b, 1) < 0)   /* an empty file: not NULL */
		rc = fs_err(fs, BK_ENOMEM, &p, "out of memory");
	fs_path_free(&p);
	if (rc < 0) {
		bk_buf_release(&m.b);
		return rc;
	}
	*buf = m.b.p;
	*len = m.b.len;
	return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

int
fs_check_writable(struct disk_fs *fs, const struct fs_path *p)
{
	if (!fs->writable)
		return fs_err(fs, BK_EREADONLY, p, "the volume was opened read-only");
	return 0;
}

int
disk_fs_write(disk_fs_t *fs, const char *path, uint64_t size_hint, disk_source_cb src,
	      void *data, unsigned flags)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	if ((rc = fs_check_writable(fs, &p)) == 0) {
		if (flags & ~(unsigned)DISK_FS_NO_REPLACE)
			rc = fs_err(fs, BK_EINVAL, &p, "unknown write flags");
		else if (p.n == 0)
			rc = fs_err(fs, BK_EWRONGTYPE, &p, "the root is a folder");
		else
			rc = fs->drv->write(fs, &p, size_hint, src, data, flags);
	}
	fs_path_free(&p);
	return rc;
}

struct memsrc {
	const uint8_t *p;
	size_t left;
};

static int
mem_source(void *buf, size_t cap, size_t *got, void *data)
{
	struct memsrc *m = data;

	*got = cap < m->left ? cap : m->left;
	memcpy(buf, m->p, *got);
	m->p += *got;
	m->left -= *got;
	return 0;
}

int
disk_fs_write_file(disk_fs_t *fs, const char *path, const void *buf, size_t len,
		   unsigned flags)
{
	struct memsrc m = { buf, len };

	return disk_fs_write(fs, path, len, mem_source, &m, flags);
}

/* mkdir, or with parents "mkdir -p": walk down, making what is missing. */
int
fs_do_mkdir(struct disk_fs *fs, const struct fs_path *p, int parents)
{
	struct disk_file_info fi;
	struct fs_path q;
	int rc;

	if ((rc = fs_check_writable(fs, p)) < 0)
		return rc;
	if (!parents)
		return p->n == 0 ? fs_err(fs, BK_EEXIST, p, "the root folder exists")
				 : fs->drv->mkdir(fs, p);
	for (q = *p, q.text = NULL, q.n = 1; q.n <= p->n; q.n++) {
		rc = fs_do_stat(fs, &q, &fi);
		if (rc == -BK_ENOTFOUND) {
			bk_err_clear(&fs->err);
			rc = fs->drv->mkdir(fs, &q);
		} else if (rc == 0 && !fi.is_dir) {
			rc = fs_err(fs, BK_EWRONGTYPE, &q, "a file, not a folder");
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
disk_fs_mkdir(disk_fs_t *fs, const char *path, int parents)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	rc = fs_do_mkdir(fs, &p, parents);
	fs_path_free(&p);
	return rc;
}

int
disk_fs_remove(disk_fs_t *fs, const char *path)
{
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	if ((rc = fs_check_writable(fs, &p)) == 0)
		rc = p.n == 0 ? fs_err(fs, BK_EINVAL, &p, "the root folder cannot be removed")
			      : fs->drv->remove(fs, &p);
	fs_path_free(&p);
	return rc;
}

/* True when b is a folder a or below it, comparing the entries found on
 * the volume, so that case and Unicode folding are the volume's own. */
static int
is_inside(struct disk_fs *fs, const struct fs_path *a, const struct fs_path *b, bool *inside)
{
	struct disk_file_info fa, fb;
	struct fs_path q = { a->n, b->comp, NULL };
	int rc;

	*inside = false;
	if (b->n < a->n)
		return 0;
	if ((rc = fs_do_stat(fs, a, &fa)) < 0)
		return rc;
	if (!fa.is_dir)
		return 0;
	if ((rc = fs_do_stat(fs, &q, &fb)) == -BK_ENOTFOUND) {
		bk_err_clear(&fs->err);
		return 0;
	}
	if (rc < 0)
		return rc;
	*inside = fb.is_dir && fb.inode == fa.inode;
	return 0;
}

int
disk_fs_rename(disk_fs_t *fs, const char *from, const char *to, int replace)
{
	struct fs_path a, b;
	bool inside;
	int rc;

	if ((rc = fs_path_parse(fs, from, &a)) < 0)
		return rc;
	if ((rc = fs_path_parse(fs, to, &b)) < 0)
		goto out_a;
	if ((rc = fs_check_writable(fs, &a)) < 0)
		goto out;
	if (a.n == 0 || b.n == 0) {
		rc = fs_err(fs, BK_EINVAL, a.n ? &b : &a, "the root folder cannot be renamed");
		goto out;
	}
	/* A folder moved below itself would cut its tree off the volume. */
	if ((rc = is_inside(fs, &a, &b, &inside)) < 0)
		goto out;
	if (inside && b.n > a.n)
		rc = fs_err(fs, BK_EINVAL, &b, "cannot move %s inside itself", a.text);
	else
		rc = fs->drv->rename(fs, &a, &b, replace);
out:
	fs_path_free(&b);
out_a:
	fs_path_free(&a);
	return rc;
}

int
disk_fs_set_attributes(disk_fs_t *fs, const char *path, uint32_t set, uint32_t clear)
{
	const uint32_t ok = DISK_ATTR_READONLY | DISK_ATTR_HIDDEN | DISK_ATTR_SYSTEM |
			    DISK_ATTR_ARCHIVE;
	struct fs_path p;
	int rc;

	if ((rc = fs_path_parse(fs, path, &p)) < 0)
		return rc;
	if ((rc = fs_check_writable(fs, &p)) == 0) {
		if ((set | clear) & ~ok)
			rc = fs_err(fs, BK_EINVAL, &p, "only the read-only, hidden, system "
				    "and archive attributes can be changed");
		else
			rc = fs->drv->set_attributes(fs, &p, set, clear);
	}
	fs_path_free(&p);
	return rc;
}

/* ---- formatting ---------------------------------------------------------------------- */

int
disk_fs_format(disk_t *d, unsigned partition, const struct disk_fs_format_opts *opts)
{
	const struct fs_driver *drv;
	uint64_t off, size;
	int rc;

	if (!BK_RESERVED_ZERO(opts))
		return bk_err(&d->err, BK_EINVAL, "%s: struct disk_fs_format_opts has reserved "
			      "fields set (a program built for a newer bcdkit?)", d->name);
	if (!d->writable)
		return dk_error(d, BK_EREADONLY, "opened read-only");
	switch (opts->type) {
	case DISK_FS_NTFS:
		drv = &fs_ntfs_driver;
		break;
	case DISK_FS_UNKNOWN: case DISK_FS_FAT12: case DISK_FS_FAT16: case DISK_FS_FAT32:
		drv = &fs_fat_driver;
		break;
	default:
		return dk_error(d, BK_EINVAL, "unknown file-system type %d", (int)opts->type);
	}
	if (!drv->format)
		return dk_error(d, BK_EUNSUPPORTED, "formatting %s is not supported here "
			      "(vhdtool build makes NTFS with mkntfs)",
			      disk_fs_type_name(opts->type));
	if ((rc = select_partition(d, &partition, &off, &size)) < 0)
		return rc;
	return drv->format(d, off, size, opts);
}
