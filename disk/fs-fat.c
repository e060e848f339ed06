/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The FAT12/16/32 driver of the file-system layer (fs-internal.h): mount,
 * flush, volume information and the reading operations.  The writing
 * operations are in fs-fat-write.c, the on-disk structures in the other
 * fs-fat-*.c files.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-utf16.h"
#include "fs-fat-internal.h"

/* True when sector 0 claims to be FAT, so a bad field is damage
 * (-BK_ECORRUPT) rather than another file system (-BK_EUNSUPPORTED). */
static bool
claims_fat(const uint8_t *bs)
{
	uint16_t bps = bk_le16(bs + 11);

	if (!(bs[0] == 0xEB || bs[0] == 0xE9) || bs[510] != 0x55 || bs[511] != 0xAA)
		return false;
	if (memcmp(bs + 3, "NTFS    ", 8) == 0 || memcmp(bs + 3, "EXFAT   ", 8) == 0)
		return false;
	if (memcmp(bs + 54, "FAT", 3) == 0 || memcmp(bs + 82, "FAT", 3) == 0)
		return true;
	return bps >= 512 && bps <= 4096 && !(bps & (bps - 1)) && bs[16] >= 1 &&
		bk_le16(bs + 14) >= 1;
}

static void
fat_unmount(struct disk_fs *fs)
{
	struct fat_vol *v = fs->priv;

	if (!v)
		return;
	fat_dir_cache_drop(v);
	bk_free(v->fat);
	bk_free(v->fat_dirty);
	bk_free(v->pred);
	bk_free(v);
	fs->priv = NULL;
}

static int
fat_mount(struct disk_fs *fs)
{
	uint8_t bs[512];
	struct fat_vol *v;
	int rc;

	if (fs->size < sizeof(bs))
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "volume too small for FAT");
	if ((rc = fs_read_at(fs, 0, bs, sizeof(bs))) < 0)
		return rc;
	if (!claims_fat(bs))
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "not a FAT file system");
	if (!(v = bk_calloc(1, sizeof(*v))))
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	v->fs = fs;
	fs->priv = v;
	rc = fat_boot_parse(v, bs, sizeof(bs));
	if (rc >= 0)
		rc = fat_table_load(v);
	/* A writable volume is checked whole first: a cross-linked or looping
	 * chain must be found before anything is freed or linked. */
	if (rc >= 0 && fs->writable)
		rc = fat_check_tree(v);
	if (rc < 0) {
		fat_unmount(fs);
		return rc;
	}
	fs->type = v->type;
	return 0;
}

static int
fat_flush(struct disk_fs *fs)
{
	struct fat_vol *v = fat_vol(fs);
	int rc;

	if (!v->changed)
		return 0;
	if ((rc = fat_table_flush(v)) < 0 || (rc = fat_fsinfo_write(v)) < 0)
		return rc;
	if (v->marked) {
		if ((rc = fat_mark_clean(v)) < 0)
			return rc;
		v->marked = false;
	}
	v->changed = false;
	return 0;
}

/* The volume label: the root's label entry, else the boot sector's. */
static void
root_label(struct fat_vol *v, char *out, size_t cap)
{
	struct fat_dir *d;
	size_t pos, n;

	snprintf(out, cap, "%s", v->label);
	if (fat_dir_get(v, fat_root_first(v), &d, NULL) < 0)
		return;
	for (pos = 0; pos + FAT_DIRENT <= d->len && d->buf[pos] != 0; pos += FAT_DIRENT) {
		const uint8_t *s = d->buf + pos;
		if (s[0] == FAT_DELETED || (s[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN ||
		    !(s[11] & FAT_ATTR_VOLUME))
			continue;
		n = 11;
		while (n > 0 && s[n - 1] == ' ')
			n--;
		fat_oem_to_utf8(s, n, out, cap);
		return;
	}
}

static int
fat_info(struct disk_fs *fs, struct disk_fs_info *out)
{
	struct fat_vol *v = fat_vol(fs);

	memset(out, 0, sizeof(*out));
	out->type = v->type;
	out->partition = fs->partition;
	out->offset = fs->off;
	out->size = (uint64_t)v->tot_sec * v->bps;
	out->cluster_size = v->csize;
	out->free_bytes = (uint64_t)v->free_count * v->csize;
	out->serial = v->serial;
	root_label(v, out->label, sizeof(out->label));
	return 0;
}

static int
ent_info(struct fat_vol *v, const struct fat_ent *e, struct disk_file_info *fi,
	 const struct fs_path *p)
{
	char *name = NULL;
	int rc;

	memset(fi, 0, sizeof(*fi));
	if ((rc = bk_utf16_to_utf8(e->name, e->nlen, false, &name)) < 0)
		return fs_err(v->fs, rc, p, "out of memory");
	snprintf(fi->name, sizeof(fi->name), "%s", name);
	bk_free(name);
	fi->is_dir = (e->attr & FAT_ATTR_DIR) != 0;
	fi->size = fi->is_dir ? 0 : e->size;
	fi->attributes = e->attr & (DISK_ATTR_READONLY | DISK_ATTR_HIDDEN | DISK_ATTR_SYSTEM |
				    DISK_ATTR_DIRECTORY | DISK_ATTR_ARCHIVE);
	fi->mtime = fat_time_to_unix(bk_le16(e->raw + 24), bk_le16(e->raw + 22));
	fi->inode = e->first;
	return 0;
}

static int
fat_stat(struct disk_fs *fs, const struct fs_path *p, struct disk_file_info *out)
{
	struct fat_vol *v = fat_vol(fs);
	struct fat_dir *d;
	struct fat_ent e;
	int rc;

	if (p->n == 0) {
		memset(out, 0, sizeof(*out));
		out->is_dir = 1;
		out->attributes = DISK_ATTR_DIRECTORY;
		out->inode = fat_root_first(v);
		return 0;
	}
	if ((rc = fat_resolve(v, p, p->n, &d, &e)) < 0)
		return rc;
	return ent_info(v, &e, out, p);
}

/* The listing walks a private copy of the folder: the callback may change
 * the volume (and the folder cache) under it. */
static int
fat_list(struct disk_fs *fs, const struct fs_path *p, disk_file_cb cb, void *data)
{
	struct fat_vol *v = fat_vol(fs);
	struct disk_file_info fi;
	struct fat_dir *d, copy;
	struct fat_ent e;
	uint32_t first;
	size_t pos = 0;
	int rc;

	if ((rc = fat_resolve_dir(v, p, p->n, &first)) < 0 || (rc = fat_dir_get(v, first, &d, p)) < 0)
		return rc;
	copy = *d;
	copy.clus = NULL;
	copy.idx = NULL;
	copy.indexed = false;
	if (!(copy.buf = bk_malloc(d->len ? d->len : 1)))
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	memcpy(copy.buf, d->buf, d->len);
	while ((rc = fat_dir_next(v, &copy, &pos, &e, p)) > 0) {
		if ((rc = ent_info(v, &e, &fi, p)) < 0 || (rc = cb(&fi, data)) != 0)
			break;
	}
	bk_free(copy.buf);
	return rc;
}

/* Read whole contiguous runs of the chain, up to FAT_IO_MAX at a time. */
static int
read_chain(struct fat_vol *v, const uint32_t *cl, uint32_t n, uint64_t size, disk_sink_cb sink,
	   void *data, const struct fs_path *p)
{
	uint32_t per = FAT_IO_MAX / v->csize, i = 0, j;
	uint8_t *buf = bk_malloc((size_t)per * v->csize);
	int rc = 0;

	if (!buf)
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	while (i < n && size > 0) {
		uint64_t len;
		for (j = i + 1; j < n && j - i < per && cl[j] == cl[j - 1] + 1; j++)
			;
		len = (uint64_t)(j - i) * v->csize;
		if (len > size)
			len = size;
		if ((rc = fs_read_at(v->fs, fat_clus_off(v, cl[i]), buf, (size_t)len)) < 0)
			break;
		if ((rc = sink(buf, (size_t)len, data)) != 0)
			break;
		size -= len;
		i = j;
	}
	bk_free(buf);
	return rc;
}

/* The directory entry of the file p names (the root and folders refused). */
static int
file_entry(struct disk_fs *fs, const struct fs_path *p, struct fat_ent *e)
{
	struct fat_dir *d;
	int rc;

	if (p->n == 0)
		return fs_err(fs, BK_EWRONGTYPE, p, "the root is a folder");
	if ((rc = fat_resolve(fat_vol(fs), p, p->n, &d, e)) < 0)
		return rc;
	if (e->attr & FAT_ATTR_DIR)
		return fs_err(fs, BK_EWRONGTYPE, p, "is a folder");
	return 0;
}

static int
fat_read(struct disk_fs *fs, const struct fs_path *p, disk_sink_cb sink, void *data)
{
	struct fat_vol *v = fat_vol(fs);
	struct fat_ent e;
	uint32_t *cl, n, need;
	int rc;

	if ((rc = file_entry(fs, p, &e)) < 0)
		return rc;
	if (e.size == 0)
		return 0;
	need = (uint32_t)(((uint64_t)e.size + v->csize - 1) / v->csize);
	if ((rc = fat_chain(v, e.first, need, &cl, &n, p)) < 0)
		return rc;
	if (n < need)
		rc = fs_err(fs, BK_ECORRUPT, p, "file of %u bytes, but its cluster chain ends after "
			    "%u clusters of %u bytes", e.size, n, v->csize);
	else
		rc = read_chain(v, cl, n, e.size, sink, data, p);
	bk_free(cl);
	return rc;
}

/* ---- random access to one file (a disk image inside the volume) ---------------- */

struct fat_file {
	uint32_t *cl;               /* the cluster chain, in file order */
	uint32_t n;
	char *path;                 /* for messages */
};

static int
fat_fopen(struct disk_fs *fs, const struct fs_path *p, void **h, uint64_t *size)
{
	struct fat_vol *v = fat_vol(fs);
	struct fat_file *f;
	struct fat_ent e;
	uint32_t need;
	int rc;

	*h = NULL;
	if ((rc = file_entry(fs, p, &e)) < 0)
		return rc;
	if (!(f = bk_calloc(1, sizeof(*f))) || !(f->path = bk_strdup(p->text))) {
		bk_free(f);
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	}
	need = (uint32_t)(((uint64_t)e.size + v->csize - 1) / v->csize);
	if (need && (rc = fat_chain(v, e.first, need, &f->cl, &f->n, p)) == 0 && f->n < need)
		rc = fs_err(fs, BK_ECORRUPT, p, "file of %u bytes, but its cluster chain ends "
			    "after %u clusters of %u bytes", e.size, f->n, v->csize);
	if (rc < 0) {
		bk_free(f->cl);
		bk_free(f->path);
		bk_free(f);
		return rc;
	}
	*size = e.size;
	*h = f;
	return 0;
}

/* Each read covers a run of consecutive clusters at a time. */
static int
fat_pread(struct disk_fs *fs, void *h, void *buf, size_t len, uint64_t off)
{
	struct fat_vol *v = fat_vol(fs);
	struct fat_file *f = h;
	uint8_t *out = buf;
	uint64_t i, j, within, run;
	int rc;

	while (len > 0) {
		i = off / v->csize;
		within = off % v->csize;
		if (i >= f->n)
			return fs_err(fs, BK_ECORRUPT, NULL, "%s: read past its cluster chain", f->path);
		for (j = i + 1; j < f->n && f->cl[j] == f->cl[j - 1] + 1; j++)
			;
		run = (j - i) * v->csize - within;
		if (run > len)
			run = len;
		if ((rc = fs_read_at(fs, fat_clus_off(v, f->cl[i]) + within, out, (size_t)run)) < 0)
			return rc;
		out += run;
		off += run;
		len -= (size_t)run;
	}
	return 0;
}

static void
fat_fclose(struct disk_fs *fs, void *h)
{
	struct fat_file *f = h;

	(void)fs;
	if (!f)
		return;
	bk_free(f->cl);
	bk_free(f->path);
	bk_free(f);
}

const struct fs_driver fs_fat_driver = {
	.type = DISK_FS_FAT12,
	.mount = fat_mount,
	.unmount = fat_unmount,
	.flush = fat_flush,
	.info = fat_info,
	.stat = fat_stat,
	.list = fat_list,
	.read = fat_read,
	.write = fat_op_write,
	.mkdir = fat_op_mkdir,
	.remove = fat_op_remove,
	.rename = fat_op_rename,
	.set_attributes = fat_op_set_attributes,
	.format = fat_format,
	.fopen = fat_fopen,
	.pread = fat_pread,
	.fclose = fat_fclose,
};
