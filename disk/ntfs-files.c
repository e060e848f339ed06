/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The original read-only disk_ntfs_* functions, thin wrappers over the
 * file-system layer (bcdkit/disk-fs.h).  Apart from ntfs.c so that they
 * exist (and say why they fail) in a build without libntfs-3g.
 */
#include <string.h>

#include "bk-alloc.h"
#include "bcdkit/disk-fs.h"
#include "disk-internal.h"

/* ---- the read-only disk_ntfs_* functions ------------------------------------------ */

/* Partition 0 here means the first partition holding NTFS (or the whole
 * disk without a table), as it always has for these functions. */
static int
first_ntfs(struct disk *d, unsigned *number)
{
	struct disk_label *l;
	uint8_t s[DISK_SECTOR];
	unsigned i;
	int rc;

	if (*number)
		return 0;
	if (!(l = bk_malloc(sizeof(*l))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	rc = disk_label_read(d, l);
	if (rc == -BK_ENOTFOUND) {
		bk_err_clear(&d->err);
		rc = 0;
		goto out;
	}
	for (i = 0; rc == 0 && i < l->count; i++) {
		if ((rc = disk_read(d, l->part[i].offset, s, sizeof(s))) < 0)
			break;
		if (memcmp(s + 3, "NTFS    ", 8) == 0) {
			*number = l->part[i].number;
			goto out;
		}
	}
	if (rc == 0)
		rc = dk_error(d, BK_ENOTFOUND, "no NTFS partition");
out:
	bk_free(l);
	return rc;
}

static int
open_ntfs(struct disk *d, unsigned partition, disk_fs_t **fs)
{
	int rc;

	if ((rc = first_ntfs(d, &partition)) < 0 || (rc = disk_fs_open(fs, d, partition, 0)) < 0)
		return rc;
	if (disk_fs_get_type(*fs) != DISK_FS_NTFS) {
		disk_fs_close(*fs);
		*fs = NULL;
		return dk_error(d, BK_EUNSUPPORTED, "partition %u does not hold NTFS", partition);
	}
	return 0;
}

/* Close the handle, keeping its error as the disk's. */
static int
close_ntfs(struct disk *d, disk_fs_t *fs, int rc)
{
	if (rc < 0)
		bk_err(&d->err, -rc, "%s", disk_fs_last_error(fs));
	disk_fs_close(fs);
	return rc;
}

int
disk_ntfs_list(disk_t *d, unsigned partition, const char *path, disk_file_cb cb, void *data)
{
	disk_fs_t *fs;
	int rc;

	if ((rc = open_ntfs(d, partition, &fs)) < 0)
		return rc;
	return close_ntfs(d, fs, disk_fs_list(fs, path, cb, data));
}

int
disk_ntfs_stat(disk_t *d, unsigned partition, const char *path, struct disk_file_info *fi)
{
	disk_fs_t *fs;
	int rc;

	if ((rc = open_ntfs(d, partition, &fs)) < 0)
		return rc;
	return close_ntfs(d, fs, disk_fs_stat(fs, path, fi));
}

int
disk_ntfs_read(disk_t *d, unsigned partition, const char *path, disk_sink_cb sink,
	       void *data)
{
	disk_fs_t *fs;
	int rc;

	if ((rc = open_ntfs(d, partition, &fs)) < 0)
		return rc;
	return close_ntfs(d, fs, disk_fs_read(fs, path, sink, data));
}

int
disk_ntfs_read_file(disk_t *d, unsigned partition, const char *path, uint8_t **buf,
		    size_t *len, size_t max)
{
	disk_fs_t *fs;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = open_ntfs(d, partition, &fs)) < 0)
		return rc;
	return close_ntfs(d, fs, disk_fs_read_file(fs, path, buf, len, max));
}
