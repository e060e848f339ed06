/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libntfs-3g without a mount: our own struct ntfs_device_operations turn
 * the library's device reads and writes into fs_read_at()/fs_write_at() on
 * the partition's byte range, so any image format the disk_t layer opens
 * (raw, VHD, VHDX, block device) works, with no root and no loop device.
 * The device is writable only when the disk_fs handle is.  (The
 * disk_ntfs_* functions are in ntfs-files.c.)
 */
#include "fs-ntfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "bk-alloc.h"
#include "bcdkit/disk-fs.h"

/* ---- what libntfs-3g logs -------------------------------------------------- */

static __thread char last_log[256];

/* Keep the last error instead of printing it: a library never prints. */
static int
log_keep(const char *function, const char *file, int line, u32 level, void *data,
	 const char *format, va_list args)
{
	size_t n;

	(void)function; (void)file; (void)line; (void)data;
	if (!(level & (NTFS_LOG_LEVEL_ERROR | NTFS_LOG_LEVEL_PERROR | NTFS_LOG_LEVEL_CRITICAL)))
		return 0;
	vsnprintf(last_log, sizeof(last_log), format, args);
	n = strlen(last_log);
	while (n && (last_log[n - 1] == '\n' || last_log[n - 1] == '.'))
		last_log[--n] = '\0';
	return 0;
}

const char *
ntfs_part_last_log(void)
{
	return last_log;
}

void
ntfs_part_clear_log(void)
{
	last_log[0] = '\0';
}

/* ---- device operations -------------------------------------------------------- */

static int
pd_open(struct ntfs_device *dev, int flags)
{
	struct ntfs_part_dev *pd = dev->d_private;

	if ((flags & O_ACCMODE) != O_RDONLY && !pd->fs->writable) {
		errno = EROFS;
		return -1;
	}
	NDevSetOpen(dev);
	if ((flags & O_ACCMODE) == O_RDONLY)
		NDevSetReadOnly(dev);
	return 0;
}

static int
pd_close(struct ntfs_device *dev)
{
	NDevClearOpen(dev);
	return 0;
}

/* Clip a request to the volume: libntfs-3g expects short reads at its end. */
static s64
pd_clip(struct ntfs_part_dev *pd, s64 count, s64 offset)
{
	uint64_t size = pd->fs->size;

	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)offset >= size)
		return 0;
	return (uint64_t)count > size - (uint64_t)offset ? (s64)(size - (uint64_t)offset)
							   : count;
}

static s64
pd_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 n = pd_clip(pd, count, offset);

	if (n > 0 && fs_read_at(pd->fs, (uint64_t)offset, buf, (size_t)n) < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static s64
pd_pwrite(struct ntfs_device *dev, const void *buf, s64 count, s64 offset)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 n;

	if (NDevReadOnly(dev) || !pd->fs->writable) {
		errno = EROFS;
		return -1;
	}
	/* Nothing may land past the partition: a short write is an error. */
	if ((n = pd_clip(pd, count, offset)) != count) {
		errno = ENOSPC;
		return -1;
	}
	if (n > 0 && fs_write_at(pd->fs, (uint64_t)offset, buf, (size_t)n) < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static s64
pd_seek(struct ntfs_device *dev, s64 offset, int whence)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? pd->pos
		   : (s64)pd->fs->size;

	if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) ||
	    base + offset < 0) {
		errno = EINVAL;
		return -1;
	}
	pd->pos = base + offset;
	return pd->pos;
}

static s64
pd_read(struct ntfs_device *dev, void *buf, s64 count)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 n = pd_pread(dev, buf, count, pd->pos);

	if (n > 0)
		pd->pos += n;
	return n;
}

static s64
pd_write(struct ntfs_device *dev, const void *buf, s64 count)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 n = pd_pwrite(dev, buf, count, pd->pos);

	if (n > 0)
		pd->pos += n;
	return n;
}

/* Durability is the disk_t's business (disk_flush() at close): libntfs-3g
 * syncs only at unmount, where disk_fs_close() orders it itself. */
static int
pd_sync(struct ntfs_device *dev)
{
	(void)dev;
	return 0;
}

static int
pd_stat(struct ntfs_device *dev, struct stat *st)
{
	struct ntfs_part_dev *pd = dev->d_private;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | (pd->fs->writable ? 0644 : 0444);
	st->st_size = (off_t)pd->fs->size;
	return 0;
}

static int
pd_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	struct ntfs_part_dev *pd = dev->d_private;

	if (request == BLKGETSIZE64) {
		*(uint64_t *)argp = pd->fs->size;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static struct ntfs_device_operations part_dev_ops = {
	.open = pd_open,
	.close = pd_close,
	.seek = pd_seek,
	.read = pd_read,
	.write = pd_write,
	.pread = pd_pread,
	.pwrite = pd_pwrite,
	.sync = pd_sync,
	.stat = pd_stat,
	.ioctl = pd_ioctl,
};

struct ntfs_device *
ntfs_part_dev_new(struct disk_fs *fs, struct ntfs_part_dev *pd)
{
	ntfs_log_set_handler(log_keep);
	pd->fs = fs;
	pd->pos = 0;
	return ntfs_device_alloc(fs->d->name, 0, &part_dev_ops, pd);
}
