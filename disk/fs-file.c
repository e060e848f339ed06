/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A disk image that is a file inside a volume (disk_fs_open_disk()): a VHD
 * or VHDX on a USB stick's partition, opened as a disk_t without copying it
 * out, so that its own partitions and files can be read in turn (image ->
 * partition -> file -> disk -> partition -> files).  The file is reached
 * through the driver's random-access reads (fs-internal.h), so opening a
 * 10 GiB dynamic VHDX reads its headers and block table, never its data.
 * Read-only: a write through the inner disk would bypass the volume's own
 * write order.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "fs-internal.h"

struct fs_file_io {
	struct disk_fs *fs;
	void *h;                    /* the driver's open file */
	uint64_t size;
};

static int
ff_read_at(void *priv, void *buf, size_t len, uint64_t off)
{
	struct fs_file_io *f = priv;

	/* Past the end of the file is damage of the image inside it. */
	if (off > f->size || len > f->size - off)
		return -BK_ECORRUPT;
	return len ? f->fs->drv->pread(f->fs, f->h, buf, len, off) : 0;
}

static int
ff_size(void *priv, uint64_t *out)
{
	*out = ((struct fs_file_io *)priv)->size;
	return 0;
}

static int
ff_flush(void *priv)
{
	(void)priv;
	return 0;
}

static void
ff_close(void *priv)
{
	struct fs_file_io *f = priv;

	f->fs->drv->fclose(f->fs, f->h);
	bk_free(f);
}

static const struct disk_io_ops ff_ops = {
	.struct_size = sizeof(struct disk_io_ops),
	.read_at = ff_read_at,
	.flush = ff_flush,
	.size = ff_size,
	.close = ff_close,
};

int
disk_fs_open_disk(disk_t **out, disk_fs_t *fs, const char *path, unsigned flags,
		  char *errbuf, size_t errbuf_len)
{
	struct fs_file_io *f;
	struct fs_path p;
	char name[600];
	int rc;

	*out = NULL;
	if (flags & ~(unsigned)DISK_OPEN_RAW) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", "a disk image inside a volume is opened read-only");
		return -BK_EINVAL;
	}
	if (!fs->drv->fopen) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", "this file system cannot hold disk images");
		return -BK_EUNSUPPORTED;
	}
	if ((rc = fs_path_parse(fs, path, &p)) < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", disk_fs_last_error(fs));
		return rc;
	}
	snprintf(name, sizeof(name), "%s:%u:%s", fs->d->name, fs->partition, p.text);
	if (!(f = bk_calloc(1, sizeof(*f)))) {
		fs_path_free(&p);
		bk_errbuf_set(errbuf, errbuf_len, "%s", "out of memory");
		return -BK_ENOMEM;
	}
	f->fs = fs;
	rc = fs->drv->fopen(fs, &p, &f->h, &f->size);
	fs_path_free(&p);
	if (rc < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", disk_fs_last_error(fs));
		bk_free(f);
		return rc;
	}
	/* On success the disk owns f and calls ff_close(). */
	if ((rc = disk_open_io(out, &ff_ops, f, name, flags, errbuf, errbuf_len)) < 0)
		ff_close(f);
	return rc;
}
