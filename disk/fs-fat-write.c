/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FAT writing operations.  Order on disk, so that an interruption at any
 * write leaves the old or the new state (at worst clusters no entry uses,
 * which chkdsk and fsck.fat reclaim):
 *  - new file content: data clusters, then their FAT entries (both copies),
 *    then the directory entry;
 *  - replacing a file: the 8.3 entry's first cluster and size are switched in
 *    one 32-byte write (inside one sector), and only then the old chain is
 *    freed;
 *  - removal: the entry is marked deleted, then its chain is freed.
 * The FAT[1] clean-shutdown bit is cleared before the first change and set
 * again by flush, as Windows does, so an interrupted session is checked.
 */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "fs-fat-internal.h"

int
fat_begin_change(struct fat_vol *v)
{
	int rc;

	if (!v->marked && v->was_clean) {
		if ((rc = fat_mark_dirty(v)) < 0)
			return rc;
		v->marked = true;
	}
	v->changed = true;
	return 0;
}

/* After a failed write nothing cached is trusted: folders are read again. */
static int
failed(struct fat_vol *v, int rc)
{
	fat_dir_cache_drop(v);
	return rc;
}

/* Write the new clusters of a chain from start (runs of contiguous ones). */
static int
write_clusters(struct fat_vol *v, uint32_t c, uint32_t k, const uint8_t *buf)
{
	uint32_t i = 0, j, next;
	int rc;

	while (i < k) {
		uint32_t run_start = c;
		for (j = i + 1; j < k && (next = fat_get(v, c)) == c + 1; j++)
			c = next;
		rc = fs_write_at(v->fs, fat_clus_off(v, run_start), buf + (size_t)i * v->csize,
				 (size_t)(j - i) * v->csize);
		if (rc < 0)
			return rc;
		c = fat_get(v, c);
		i = j;
	}
	return 0;
}

/* Fill buf from the source: *fill bytes, *eof at its end. */
static int
source_fill(struct fat_vol *v, disk_source_cb src, void *data, uint8_t *buf, size_t cap,
	    size_t *fill, bool *eof, const struct fs_path *p)
{
	size_t got;
	int rc;

	*fill = 0;
	*eof = false;
	while (*fill < cap) {
		got = 0;
		if ((rc = src(buf + *fill, cap - *fill, &got, data)) < 0)
			return fs_err(v->fs, -rc, p, "the content source failed");
		if (got > cap - *fill)
			return fs_err(v->fs, BK_EINVAL, p, "the content source overran its buffer");
		if (got == 0) {
			*eof = true;
			break;
		}
		*fill += got;
	}
	return 0;
}

/* Bytes of content per write: large, so that a big file goes to the disk in
 * few direct writes. */
#define FAT_STREAM_MAX (4u * 1024u * 1024u)

/* Stream the content into newly allocated clusters (FAT in memory only);
 * on failure they are released again, so nothing leaks. */
static int
stream_data(struct fat_vol *v, disk_source_cb src, void *data, uint32_t *first,
	    uint64_t *size, const struct fs_path *p)
{
	uint32_t last = 0, prev, k, start;
	size_t cap = FAT_STREAM_MAX - FAT_STREAM_MAX % v->csize, fill;
	/* Aligned, so that the container takes it as a direct write (io.c). */
	uint8_t *buf = fs_stream_buf_take(v->fs, cap);
	bool eof = false;
	int rc = 0;

	*first = 0;
	*size = 0;
	if (!buf)
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	while (!eof) {
		if ((rc = source_fill(v, src, data, buf, cap, &fill, &eof, p)) < 0 || fill == 0)
			break;
		if (*size + fill > FAT_FILE_MAX) {
			rc = fs_err(v->fs, BK_ETOOBIG, p, "FAT files hold at most 4 GiB - 1 bytes");
			break;
		}
		k = (uint32_t)((fill + v->csize - 1) / v->csize);
		memset(buf + fill, 0, (size_t)k * v->csize - fill);
		prev = last;
		if ((rc = fat_alloc(v, last, k, first, &last, p)) < 0)
			break;
		start = prev ? fat_get(v, prev) : *first;
		if ((rc = write_clusters(v, start, k, buf)) < 0)
			break;
		*size += fill;
	}
	fs_stream_buf_give(v->fs, buf, cap);
	if (rc < 0) {
		fat_free_chain(v, *first);
		*first = 0;
	}
	return rc;
}

/* The folder that will hold the last component of p, and whether the name
 * is taken there (e). */
static int
parent_lookup(struct fat_vol *v, const struct fs_path *p, uint16_t *name, size_t *n,
	      struct fat_dir **d, struct fat_ent *e, bool *found)
{
	uint32_t pf;
	int rc;

	if ((rc = fat_resolve_dir(v, p, p->n - 1, &pf)) < 0 ||
	    (rc = fat_name_from_utf8(v, p->comp[p->n - 1], name, n, p)) < 0 ||
	    (rc = fat_dir_get(v, pf, d, p)) < 0)
		return rc;
	rc = fat_dir_lookup(v, *d, name, *n, e, p);
	*found = rc == 0;
	return rc == -BK_ENOTFOUND ? 0 : rc;
}

/* Put the new chain under the name: switch an existing file's entry in one
 * write and free its old chain, or add a new entry. */
static int
commit_file(struct fat_vol *v, const struct fs_path *p, uint32_t first, uint64_t size)
{
	uint16_t name[FAT_LFN_MAX + 1];
	uint8_t raw[FAT_DIRENT];
	struct fat_dir *d;
	struct fat_ent e;
	size_t n;
	bool found;
	int rc;

	if ((rc = parent_lookup(v, p, name, &n, &d, &e, &found)) < 0)
		return rc;
	if (found && (e.attr & FAT_ATTR_DIR))
		return fs_err(v->fs, BK_EWRONGTYPE, p, "is a folder");
	memcpy(raw, found ? e.raw : (const uint8_t[FAT_DIRENT]){ 0 }, FAT_DIRENT);
	fat_ent_set_first(raw, first);
	bk_put_le32(raw + 28, (uint32_t)size);
	raw[11] = (uint8_t)((found ? raw[11] : 0) | FAT_ATTR_ARCHIVE);
	fat_ent_stamp(raw, !found);
	if (!found)
		return fat_dir_add(v, d, name, n, raw, SIZE_MAX, &e, p);
	memcpy(d->buf + e.pos, raw, FAT_DIRENT);
	if ((rc = fat_dir_write(v, d, e.pos, FAT_DIRENT)) < 0)
		return rc;
	fat_free_chain(v, e.first);
	return fat_table_flush(v);
}

int
fat_op_write(struct disk_fs *fs, const struct fs_path *p, uint64_t size_hint,
	     disk_source_cb src, void *data, unsigned flags)
{
	struct fat_vol *v = fat_vol(fs);
	uint16_t name[FAT_LFN_MAX + 1];
	struct fat_dir *d;
	struct fat_ent e;
	uint32_t first;
	uint64_t size;
	size_t n;
	bool found;
	int rc;

	if (p->n == 0)
		return fs_err(fs, BK_EWRONGTYPE, p, "the root is a folder");
	if ((rc = parent_lookup(v, p, name, &n, &d, &e, &found)) < 0)
		return rc;
	if (found && (e.attr & FAT_ATTR_DIR))
		return fs_err(fs, BK_EWRONGTYPE, p, "is a folder");
	if (found && (flags & DISK_FS_NO_REPLACE))
		return fs_err(fs, BK_EEXIST, p, "already exists");
	if (size_hint > FAT_FILE_MAX)
		return fs_err(fs, BK_ETOOBIG, p, "FAT files hold at most 4 GiB - 1 bytes");
	if ((size_hint + v->csize - 1) / v->csize > v->free_count)
		return fs_err(fs, BK_ETOOBIG, p, "volume full: %llu bytes needed, %llu free",
			      (unsigned long long)size_hint,
			      (unsigned long long)v->free_count * v->csize);
	if ((rc = fat_begin_change(v)) < 0)
		return rc;
	/* The source may use the volume too: the folder is looked up again
	 * once the content is on disk. */
	if ((rc = stream_data(v, src, data, &first, &size, p)) < 0)
		return rc;
	if ((rc = fat_table_flush(v)) >= 0 && (rc = commit_file(v, p, first, size)) >= 0)
		return 0;
	fat_free_chain(v, first);
	fat_table_flush(v);
	return failed(v, rc);
}

/* A new folder's cluster with its "." and ".." entries. */
static int
new_dir_cluster(struct fat_vol *v, uint32_t c, uint32_t parent, const uint8_t *proto,
		const struct fs_path *p)
{
	uint8_t *buf = bk_calloc(1, v->csize);
	int rc;

	if (!buf)
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	memcpy(buf, proto, FAT_DIRENT);
	memcpy(buf, ".          ", 11);
	fat_ent_set_first(buf, c);
	memcpy(buf + FAT_DIRENT, proto, FAT_DIRENT);
	memcpy(buf + FAT_DIRENT, "..         ", 11);
	fat_ent_set_first(buf + FAT_DIRENT, parent == fat_root_first(v) ? 0 : parent);
	rc = fs_write_at(v->fs, fat_clus_off(v, c), buf, v->csize);
	bk_free(buf);
	return rc;
}

int
fat_op_mkdir(struct disk_fs *fs, const struct fs_path *p)
{
	struct fat_vol *v = fat_vol(fs);
	uint16_t name[FAT_LFN_MAX + 1];
	uint8_t raw[FAT_DIRENT] = { 0 };
	struct fat_dir *d;
	struct fat_ent e;
	uint32_t c = 0, last;
	size_t n;
	bool found;
	int rc;

	if (p->n == 0)
		return fs_err(fs, BK_EEXIST, p, "the root folder exists");
	if ((rc = parent_lookup(v, p, name, &n, &d, &e, &found)) < 0)
		return rc;
	if (found)
		return fs_err(fs, BK_EEXIST, p, "already exists");
	if ((rc = fat_begin_change(v)) < 0 || (rc = fat_alloc(v, 0, 1, &c, &last, p)) < 0)
		return rc;
	raw[11] = FAT_ATTR_DIR;
	fat_ent_set_first(raw, c);
	fat_ent_stamp(raw, true);
	d->pin++;
	if ((rc = new_dir_cluster(v, c, d->first, raw, p)) >= 0 &&
	    (rc = fat_table_flush(v)) >= 0)
		rc = fat_dir_add(v, d, name, n, raw, SIZE_MAX, &e, p);
	d->pin--;
	if (rc >= 0)
		return 0;
	fat_free_chain(v, c);
	fat_table_flush(v);
	return failed(v, rc);
}

static int
dir_is_empty(struct fat_vol *v, uint32_t first, const struct fs_path *p)
{
	struct fat_dir *d;
	struct fat_ent e;
	size_t pos = 0;
	int rc;

	if ((rc = fat_dir_get(v, first, &d, p)) < 0)
		return rc;
	if ((rc = fat_dir_next(v, d, &pos, &e, p)) < 0)
		return rc;
	return rc == 0 ? 0 : fs_err(v->fs, BK_ENOTEMPTY, p, "folder is not empty");
}

int
fat_op_remove(struct disk_fs *fs, const struct fs_path *p)
{
	struct fat_vol *v = fat_vol(fs);
	struct fat_dir *d;
	struct fat_ent e;
	int rc;

	if (p->n == 0)
		return fs_err(fs, BK_EINVAL, p, "the root folder cannot be removed");
	if ((rc = fat_resolve(v, p, p->n, &d, &e)) < 0)
		return rc;
	if (e.attr & FAT_ATTR_DIR) {
		d->pin++;
		rc = dir_is_empty(v, e.first, p);
		d->pin--;
		if (rc < 0)
			return rc;
	}
	if ((rc = fat_begin_change(v)) < 0)
		return rc;
	if ((rc = fat_dir_del(v, d, &e)) < 0)
		return failed(v, rc);
	fat_free_chain(v, e.first);
	if ((rc = fat_table_flush(v)) < 0)
		return failed(v, rc);
	return 0;
}

int
fat_op_set_attributes(struct disk_fs *fs, const struct fs_path *p, uint32_t set, uint32_t clear)
{
	const uint32_t mask = DISK_ATTR_READONLY | DISK_ATTR_HIDDEN | DISK_ATTR_SYSTEM |
		DISK_ATTR_ARCHIVE;
	struct fat_vol *v = fat_vol(fs);
	struct fat_dir *d;
	struct fat_ent e;
	int rc;

	if ((set | clear) & ~mask)
		return fs_err(fs, BK_EINVAL, p, "only the read-only, hidden, system and archive "
			      "attributes can be changed");
	if (p->n == 0)
		return fs_err(fs, BK_EINVAL, p, "the root folder has no attributes on FAT");
	if ((rc = fat_resolve(v, p, p->n, &d, &e)) < 0)
		return rc;
	if ((rc = fat_begin_change(v)) < 0)
		return rc;
	d->buf[e.pos + 11] = (uint8_t)((e.attr | set) & ~clear);
	if ((rc = fat_dir_write(v, d, e.pos, FAT_DIRENT)) < 0)
		return failed(v, rc);
	return 0;
}
