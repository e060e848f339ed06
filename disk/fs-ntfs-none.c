/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The NTFS driver of a build without libntfs-3g (./configure
 * --without-ntfs-3g): it recognises an NTFS volume by its boot sector so
 * that opening one says why it cannot be read, instead of "neither NTFS nor
 * FAT" or a FAT driver's guess.  Everything else of the library (images,
 * partition tables, FAT, BCD stores in FAT system partitions) works.
 */
#include "config.h"

#include <string.h>

#include "fs-internal.h"

static int
none_mount(struct disk_fs *fs)
{
	uint8_t s[DISK_SECTOR];
	int rc;

	if (fs->size < sizeof(s))
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "too small for a file system");
	if ((rc = fs_read_at(fs, 0, s, sizeof(s))) < 0)
		return rc;
	if (memcmp(s + 3, "NTFS    ", 8) != 0)
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "not NTFS");
	fs->recognised = true;
	return fs_err(fs, BK_EUNSUPPORTED, NULL, "NTFS: built without NTFS support "
		      "(bcdkit was configured --without-ntfs-3g)");
}

/* Only mount is ever called: it never succeeds. */
const struct fs_driver fs_ntfs_driver = {
	.type = DISK_FS_NTFS,
	.mount = none_mount,
	.format = NULL,
};
