/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Files inside NTFS partitions, read through libntfs-3g without a mount: our
 * own struct ntfs_device_operations turn the library's device reads into
 * disk_read() calls on the partition's byte range, so any image format the
 * disk_t layer opens (raw, VHD, VHDX) works, with no root and no loop
 * device.  Everything here is read-only: the device refuses writes.
 */
#include "config.h"

/* The libntfs-3g headers test autoconf-style macros of their own project. */
#ifndef HAVE_STDINT_H
#define HAVE_STDINT_H 1
#endif
#ifndef HAVE_SYS_TYPES_H
#define HAVE_SYS_TYPES_H 1
#endif
#ifndef HAVE_ENDIAN_H
#define HAVE_ENDIAN_H 1
#endif
#ifndef HAVE_BYTESWAP_H
#define HAVE_BYTESWAP_H 1
#endif
#ifndef HAVE_STDIO_H
#define HAVE_STDIO_H 1
#endif
#ifndef HAVE_STDDEF_H
#define HAVE_STDDEF_H 1
#endif
#ifndef HAVE_STDARG_H
#define HAVE_STDARG_H 1
#endif
#ifndef HAVE_TIME_H
#define HAVE_TIME_H 1
#endif
#ifndef HAVE_SYS_STAT_H
#define HAVE_SYS_STAT_H 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/ntfstime.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include "bk-alloc.h"
#include "disk-internal.h"

#define NTFS_READ_CHUNK   (256u * 1024u)   /* bytes per ntfs_attr_pread() */
#define NTFS_MAX_PATH     4096u

/* A partition of a disk_t seen as an NTFS device. */
struct part_dev {
	struct disk *d;
	uint64_t off;
	uint64_t size;
	s64 pos;
};

/* ---- device operations -------------------------------------------------------- */

static int
pd_open(struct ntfs_device *dev, int flags)
{
	if ((flags & O_ACCMODE) != O_RDONLY) {
		errno = EROFS;
		return -1;
	}
	NDevSetOpen(dev);
	NDevSetReadOnly(dev);
	return 0;
}

static int
pd_close(struct ntfs_device *dev)
{
	NDevClearOpen(dev);
	return 0;
}

static s64
pd_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct part_dev *pd = dev->d_private;
	uint64_t n;

	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)offset >= pd->size)
		return 0;
	n = (uint64_t)count;
	if (n > pd->size - (uint64_t)offset)
		n = pd->size - (uint64_t)offset;
	if (n && disk_read(pd->d, pd->off + (uint64_t)offset, buf, (size_t)n) < 0) {
		errno = EIO;
		return -1;
	}
	return (s64)n;
}

static s64
pd_seek(struct ntfs_device *dev, s64 offset, int whence)
{
	struct part_dev *pd = dev->d_private;
	s64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? pd->pos : (s64)pd->size;

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
	struct part_dev *pd = dev->d_private;
	s64 n = pd_pread(dev, buf, count, pd->pos);

	if (n > 0)
		pd->pos += n;
	return n;
}

static s64
pd_write(struct ntfs_device *dev, const void *buf, s64 count)
{
	(void)dev; (void)buf; (void)count;
	errno = EROFS;
	return -1;
}

static s64
pd_pwrite(struct ntfs_device *dev, const void *buf, s64 count, s64 offset)
{
	(void)offset;
	return pd_write(dev, buf, count);
}

static int
pd_sync(struct ntfs_device *dev)
{
	(void)dev;
	return 0;
}

static int
pd_stat(struct ntfs_device *dev, struct stat *st)
{
	struct part_dev *pd = dev->d_private;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_size = (off_t)pd->size;
	return 0;
}

static int
pd_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	struct part_dev *pd = dev->d_private;

	if (request == BLKGETSIZE64) {
		*(uint64_t *)argp = pd->size;
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

/* ---- volumes and paths ---------------------------------------------------------- */

struct nvol {
	struct part_dev pd;
	ntfs_volume *vol;
	unsigned number;
};

static int
nvol_open(struct disk *d, unsigned number, struct nvol *nv)
{
	struct ntfs_device *dev;
	uint8_t s[DISK_SECTOR];
	int rc;

	memset(nv, 0, sizeof(*nv));
	nv->pd.d = d;
	nv->number = number;
	if ((rc = dl_partition_range(d, number, &nv->pd.off, &nv->pd.size)) < 0)
		return rc;
	if ((rc = disk_read(d, nv->pd.off, s, sizeof(s))) < 0)
		return rc;
	if (memcmp(s + 3, "NTFS    ", 8) != 0)
		return bk_err(&d->err, BK_EUNSUPPORTED, "%s: partition %u does not hold NTFS",
			      d->name, number);
	dev = ntfs_device_alloc(d->name, 0, &part_dev_ops, &nv->pd);
	if (!dev)
		return bk_err(&d->err, BK_ENOMEM, "%s: out of memory", d->name);
	nv->vol = ntfs_device_mount(dev, NTFS_MNT_RDONLY);
	if (!nv->vol) {
		rc = errno;
		ntfs_device_free(dev);
		return bk_err(&d->err, rc == ENOMEM ? BK_ENOMEM : BK_ECORRUPT,
			      "%s: partition %u: cannot open the NTFS volume: %s",
			      d->name, number, strerror(rc));
	}
	return 0;
}

static void
nvol_close(struct nvol *nv)
{
	if (nv->vol)
		ntfs_umount(nv->vol, FALSE);
	nv->vol = NULL;
}

/* Open the inode at path ("/" or "\" separated, from the volume root). */
static int
nvol_lookup(struct disk *d, struct nvol *nv, const char *path, ntfs_inode **out)
{
	char buf[NTFS_MAX_PATH];
	size_t i, n = strlen(path);

	if (n + 2 > sizeof(buf))
		return bk_err(&d->err, BK_ETOOBIG, "%s: path too long", d->name);
	buf[0] = '/';
	memcpy(buf + 1, path, n + 1);
	for (i = 1; i <= n; i++)
		if (buf[i] == '\\')
			buf[i] = '/';
	*out = ntfs_pathname_to_inode(nv->vol, NULL, buf);
	if (!*out)
		return bk_err(&d->err, errno == ENOENT || errno == ENOTDIR ? BK_ENOTFOUND
			      : BK_ECORRUPT, "%s: partition %u: %s: %s", d->name,
			      nv->number, path, errno == ENOENT ? "no such file or folder"
			      : strerror(errno));
	return 0;
}

static void
fill_info(ntfs_inode *ni, struct disk_file_info *fi)
{
	ntfs_attr *na;
	struct timespec ts;

	fi->inode = ni->mft_no;
	fi->is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
	fi->attributes = le32_to_cpu(ni->flags);
	ts = ntfs2timespec(ni->last_data_change_time);
	fi->mtime = ts.tv_sec;
	fi->size = 0;
	if (!fi->is_dir && (na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0))) {
		fi->size = (uint64_t)na->data_size;
		ntfs_attr_close(na);
	}
}

/* ---- listing -------------------------------------------------------------------- */

struct list_ctx {
	struct nvol *nv;
	disk_file_cb cb;
	void *data;
	int rc;                /* callback's return or a BK error */
};

static int
list_one(void *dirent, const ntfschar *name, const int name_len, const int name_type,
	 const s64 pos, const MFT_REF mref, const unsigned dt_type)
{
	struct list_ctx *c = dirent;
	struct disk_file_info fi;
	ntfs_inode *ni;
	char *u8 = NULL;

	(void)pos; (void)dt_type;
	/* Skip DOS 8.3 aliases, the metadata files and the "." / ".." entries
	 * ntfs_readdir() makes up. */
	if (name_type == FILE_NAME_DOS || MREF(mref) < FILE_first_user ||
	    (name_len == 1 && name[0] == const_cpu_to_le16('.')) ||
	    (name_len == 2 && name[0] == const_cpu_to_le16('.') &&
	     name[1] == const_cpu_to_le16('.')))
		return 0;
	memset(&fi, 0, sizeof(fi));
	if (ntfs_ucstombs(name, name_len, &u8, 0) < 0) {
		c->rc = -BK_ECORRUPT;
		return -1;
	}
	snprintf(fi.name, sizeof(fi.name), "%s", u8);
	free(u8);
	if (!(ni = ntfs_inode_open(c->nv->vol, MREF(mref)))) {
		c->rc = -BK_ECORRUPT;
		return -1;
	}
	fill_info(ni, &fi);
	ntfs_inode_close(ni);
	if ((c->rc = c->cb(&fi, c->data)) != 0)
		return -1;
	return 0;
}

int
disk_ntfs_list(disk_t *d, unsigned partition, const char *path, disk_file_cb cb, void *data)
{
	struct nvol nv;
	struct list_ctx c = { &nv, cb, data, 0 };
	ntfs_inode *ni;
	s64 pos = 0;
	int rc;

	if ((rc = nvol_open(d, partition, &nv)) < 0)
		return rc;
	if ((rc = nvol_lookup(d, &nv, path, &ni)) < 0)
		goto out;
	if (!(ni->mrec->flags & MFT_RECORD_IS_DIRECTORY)) {
		rc = bk_err(&d->err, BK_EWRONGTYPE, "%s: %s: not a folder", d->name, path);
	} else if (ntfs_readdir(ni, &pos, &c, list_one) < 0 || c.rc < 0) {
		rc = c.rc ? c.rc : -BK_ECORRUPT;
		if (rc < 0)
			bk_err(&d->err, -rc, "%s: partition %u: %s: cannot read the folder",
			       d->name, partition, path);
	} else {
		rc = c.rc;
	}
	ntfs_inode_close(ni);
out:
	nvol_close(&nv);
	return rc;
}

int
disk_ntfs_stat(disk_t *d, unsigned partition, const char *path, struct disk_file_info *fi)
{
	struct nvol nv;
	ntfs_inode *ni;
	const char *base;
	int rc;

	if ((rc = nvol_open(d, partition, &nv)) < 0)
		return rc;
	if ((rc = nvol_lookup(d, &nv, path, &ni)) == 0) {
		memset(fi, 0, sizeof(*fi));
		base = strrchr(path, '/');
		if (!base || (strrchr(path, '\\') && strrchr(path, '\\') > base))
			base = strrchr(path, '\\');
		snprintf(fi->name, sizeof(fi->name), "%s", base ? base + 1 : path);
		fill_info(ni, fi);
		ntfs_inode_close(ni);
	}
	nvol_close(&nv);
	return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

static int
read_stream(struct disk *d, struct nvol *nv, ntfs_inode *ni, const char *path,
	    disk_sink_cb sink, void *data)
{
	ntfs_attr *na;
	uint8_t *buf;
	s64 pos = 0, n;
	int rc = 0;

	if (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY)
		return bk_err(&d->err, BK_EWRONGTYPE, "%s: %s: is a folder", d->name, path);
	if (!(na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)))
		return errno == ENOENT ? 0 : bk_err(&d->err, BK_ECORRUPT,
			"%s: partition %u: %s: cannot open the data stream: %s",
			d->name, nv->number, path, strerror(errno));
	if (!(buf = bk_malloc(NTFS_READ_CHUNK))) {
		ntfs_attr_close(na);
		return bk_err(&d->err, BK_ENOMEM, "%s: out of memory", d->name);
	}
	while (pos < na->data_size) {
		n = na->data_size - pos;
		if (n > (s64)NTFS_READ_CHUNK)
			n = NTFS_READ_CHUNK;
		if (ntfs_attr_pread(na, pos, n, buf) != n) {
			rc = bk_err(&d->err, BK_ECORRUPT,
				    "%s: partition %u: %s: read error at byte %lld", d->name,
				    nv->number, path, (long long)pos);
			break;
		}
		if ((rc = sink(buf, (size_t)n, data)) != 0)
			break;
		pos += n;
	}
	bk_free(buf);
	ntfs_attr_close(na);
	return rc;
}

int
disk_ntfs_read(disk_t *d, unsigned partition, const char *path, disk_sink_cb sink,
	       void *data)
{
	struct nvol nv;
	ntfs_inode *ni;
	int rc;

	if ((rc = nvol_open(d, partition, &nv)) < 0)
		return rc;
	if ((rc = nvol_lookup(d, &nv, path, &ni)) == 0) {
		rc = read_stream(d, &nv, ni, path, sink, data);
		ntfs_inode_close(ni);
	}
	nvol_close(&nv);
	return rc;
}

struct membuf {
	uint8_t *p;
	size_t len;
	size_t max;
};

static int
mem_sink(const void *buf, size_t n, void *data)
{
	struct membuf *m = data;
	uint8_t *np;

	if (n > m->max - m->len)
		return -BK_ETOOBIG;
	if (!(np = bk_realloc(m->p, m->len + n)))
		return -BK_ENOMEM;
	memcpy(np + m->len, buf, n);
	m->p = np;
	m->len += n;
	return 0;
}

int
disk_ntfs_read_file(disk_t *d, unsigned partition, const char *path, uint8_t **buf,
		    size_t *len, size_t max)
{
	struct membuf m = { NULL, 0, max };
	int rc;

	*buf = NULL;
	*len = 0;
	rc = disk_ntfs_read(d, partition, path, mem_sink, &m);
	if (rc == -BK_ETOOBIG)
		bk_err(&d->err, BK_ETOOBIG, "%s: %s: larger than %zu bytes", d->name, path, max);
	else if (rc == -BK_ENOMEM)
		bk_err(&d->err, BK_ENOMEM, "%s: out of memory", d->name);
	if (rc < 0) {
		bk_free(m.p);
		return rc;
	}
	if (!m.p && !(m.p = bk_malloc(1)))
		return bk_err(&d->err, BK_ENOMEM, "%s: out of memory", d->name);
	*buf = m.p;
	*len = m.len;
	return 0;
}
