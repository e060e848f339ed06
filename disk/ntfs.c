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

#include <ntfs-3g/runlist.h>
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

/* ---- holding file records back ------------------------------------------------- */

/*
 * Why: when libntfs-3g inserts a name it writes the index block holding the
 * new entry before the file record that carries the name, and when it turns
 * a folder's small index into a tree it writes the folder's record (naming a
 * block) before the block.  A crash between leaves a name libntfs-3g cannot
 * update or delete, or a folder its readdir cannot list.  While the driver
 * inserts a name (fs-ntfs-write.c) these writes are held and then written
 * in the order that is safe for an insertion: the records of files, then
 * index blocks, then the records of folders (an entry never names a record
 * not yet written, a folder never a block not yet written).  Bitmaps and
 * data go out at once: allocated before they are used.  Never for removals,
 * which need the opposite order.
 */
struct held_write {
	s64 off;
	s64 len;
	uint8_t *buf;
};

/* A write of whole file records inside $MFT's data, past those $MFTMirr
 * copies (which go out at once, as libntfs-3g pairs them). */
static bool
is_record_write(const struct ntfs_part_dev *pd, s64 count, s64 offset)
{
	ntfs_volume *vol = pd->vol;
	runlist_element *rl;
	s64 cs, start;

	if (!vol || !vol->mft_na || !(rl = vol->mft_na->rl) || count % vol->mft_record_size)
		return false;
	cs = vol->cluster_size;
	for (; rl->length; rl++) {
		if (rl->lcn < 0)
			continue;
		start = rl->lcn * cs;
		if (offset < start || offset + count > start + rl->length * cs)
			continue;
		/* Byte offset inside $MFT: the mirrored records are never held. */
		return rl->vcn * cs + (offset - start) >=
		       (s64)vol->mftmirr_size * vol->mft_record_size &&
		       (offset - start) % vol->mft_record_size == 0;
	}
	return false;
}

/* Keep bytes for [offset, offset + count): the latest, in the place first taken. */
static int
hold_piece(struct ntfs_part_dev *pd, const uint8_t *buf, s64 count, s64 offset)
{
	struct held_write *h;
	unsigned i;

	for (i = 0; i < pd->nheld; i++)
		if (pd->held[i].off == offset && pd->held[i].len == count) {
			memcpy(pd->held[i].buf, buf, (size_t)count);
			return 0;
		}
	if (pd->nheld == pd->cap) {
		unsigned cap = pd->cap ? 2 * pd->cap : 16;

		if (!(h = bk_realloc(pd->held, cap * sizeof(*h))))
			return -1;
		pd->held = h;
		pd->cap = cap;
	}
	h = &pd->held[pd->nheld];
	if (!(h->buf = bk_malloc((size_t)count)))
		return -1;
	memcpy(h->buf, buf, (size_t)count);
	h->off = offset;
	h->len = count;
	pd->nheld++;
	return 0;
}

/* File records one by one (libntfs-3g writes some in runs). */
static int
hold_write(struct ntfs_part_dev *pd, const uint8_t *buf, s64 count, s64 offset)
{
	s64 rs = pd->vol->mft_record_size, at;

	if (memcmp(buf, "INDX", 4) == 0)
		return hold_piece(pd, buf, count, offset);
	for (at = 0; at < count; at += rs)
		if (hold_piece(pd, buf + at, rs, offset + at) < 0)
			return -1;
	return 0;
}

/* Reads see the held bytes. */
static void
overlay_held(const struct ntfs_part_dev *pd, uint8_t *buf, s64 count, s64 offset)
{
	const struct held_write *h;
	s64 a, b;
	unsigned i;

	for (i = 0; i < pd->nheld; i++) {
		h = &pd->held[i];
		a = h->off > offset ? h->off : offset;
		b = h->off + h->len < offset + count ? h->off + h->len : offset + count;
		if (a < b)
			memcpy(buf + (a - offset), h->buf + (a - h->off), (size_t)(b - a));
	}
}

void
ntfs_part_hold(struct ntfs_part_dev *pd)
{
	pd->hold = true;
}

int
ntfs_part_release(struct ntfs_part_dev *pd)
{
	unsigned i;
	int rc = 0;

	unsigned pass;

	pd->hold = false;
	/* Files' records, then index blocks, then folders' records: an entry
	 * never names an unwritten record, a folder never an unwritten block. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < pd->nheld; i++) {
			const uint8_t *b = pd->held[i].buf;
			unsigned kind = memcmp(b, "INDX", 4) == 0 ? 1
					: pd->held[i].len > 23 && (b[22] & 0x02) ? 2 : 0;

			if (rc == 0 && kind == pass &&
			    fs_write_at(pd->fs, (uint64_t)pd->held[i].off, b,
					(size_t)pd->held[i].len) < 0)
				rc = -BK_EIO;
		}
	for (i = 0; i < pd->nheld; i++)
		bk_free(pd->held[i].buf);
	bk_free(pd->held);
	pd->held = NULL;
	pd->nheld = pd->cap = 0;
	return rc;
}

/* ---- device operations, continued --------------------------------------------------- */

static s64
pd_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct ntfs_part_dev *pd = dev->d_private;
	s64 n = pd_clip(pd, count, offset);

	if (n > 0 && fs_read_at(pd->fs, (uint64_t)offset, buf, (size_t)n) < 0) {
		errno = EIO;
		return -1;
	}
	if (n > 0 && pd->nheld)
		overlay_held(pd, buf, n, offset);
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
	if (n > 0 && pd->hold && (is_record_write(pd, n, offset) ||
				  (n >= 4 && memcmp(buf, "INDX", 4) == 0))) {
		if (hold_write(pd, buf, n, offset) < 0) {
			errno = ENOMEM;
			return -1;
		}
		return n;
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
	pd->vol = NULL;
	pd->hold = false;
	pd->held = NULL;
	pd->nheld = pd->cap = 0;
	return ntfs_device_alloc(fs->d->name, 0, &part_dev_ops, pd);
}
