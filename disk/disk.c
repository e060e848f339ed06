/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The disk_t handle: open with probing by content, create into a temporary
 * file, commit by rename, close; the public read/write/map entry points that
 * check ranges before handing over to the format driver; the raw driver.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "disk-internal.h"

/* ---- raw driver: the container is the disk ------------------------------------ */

static int
raw_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	return dk_pread(d, buf, len, off);
}

static int
raw_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	return dk_pwrite(d, buf, len, off);
}

static int
raw_flush(struct disk *d)
{
	(void)d;
	return 0;
}

/* Holes of a sparse file read as zeros: SEEK_DATA/SEEK_HOLE find them
 * without reading, which keeps converting a mostly empty image fast. */
int
dk_raw_map(struct disk *d, uint64_t off, uint64_t len, uint64_t *run, int *alloc)
{
	int fd = dk_io_file_fd(d);
	off_t data, hole;

	*run = len;
	*alloc = 1;
	if (fd < 0 || d->block_device)
		return 0;
	data = lseek(fd, (off_t)off, SEEK_DATA);
	if (data < 0) {
		/* ENXIO: no data after off, the rest of the file is a hole. */
		if (errno == ENXIO)
			*alloc = 0;
		return 0;
	}
	if ((uint64_t)data > off) {
		*alloc = 0;
		*run = (uint64_t)data - off < len ? (uint64_t)data - off : len;
		return 0;
	}
	hole = lseek(fd, (off_t)off, SEEK_HOLE);
	if (hole > (off_t)off && (uint64_t)hole - off < len)
		*run = (uint64_t)hole - off;
	return 0;
}

int
dk_raw_locate(struct disk *d, uint64_t off, uint64_t len, bool alloc, uint64_t *file_off,
		uint64_t *run)
{
	(void)d;
	(void)alloc;
	*file_off = off;
	*run = len;
	return 0;
}

static void
raw_info(struct disk *d, struct disk_info *out)
{
	(void)d;
	out->allocated = out->virtual_size;
}

static void
raw_free(struct disk *d)
{
	(void)d;
}

const struct disk_driver dk_raw_driver = {
	.format = DISK_FORMAT_RAW,
	.read = raw_read,
	.write = raw_write,
	.flush = raw_flush,
	.map = dk_raw_map,
	.info = raw_info,
	.free = raw_free,
	.locate = dk_raw_locate,
};

/* ---- handle lifetime ---------------------------------------------------------- */

static void
dk_free(struct disk *d, bool close_io)
{
	if (!d)
		return;
	if (d->drv)
		d->drv->free(d);
	if (close_io && d->io && d->io->close)
		d->io->close(d->io_priv);
	bk_target_close(&d->tgt);
	bk_lock_release(d->lock);
	bk_free(d->name);
	bk_free(d->tmp_path);
	bk_free(d->final_path);
	bk_free(d);
}

static struct disk *
dk_alloc(const char *name)
{
	struct disk *d = bk_calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->tgt.dirfd = -1;
	d->tmp.slot = -1;
	d->name = bk_strdup(name ? name : "(disk)");
	if (!d->name) {
		bk_free(d);
		return NULL;
	}
	d->err.name = d->name;      /* dk_error() puts it before each detail */
	return d;
}

/* Try each format on d's container; the raw driver takes what is left. */
static int
dk_probe(struct disk *d)
{
	uint64_t fsize;
	int rc = dk_container_size(d, &fsize);

	if (rc < 0)
		return rc;
	if (!(d->flags & DISK_OPEN_RAW)) {
		rc = dk_vhdx_open(d, fsize);
		if (rc <= 0)
			return rc;
		rc = dk_vhd_open(d, fsize);
		if (rc <= 0)
			return rc;
	}
	d->drv = &dk_raw_driver;
	d->size = fsize;
	return 0;
}

static int
open_io(struct disk **out, const struct disk_io_ops *ops, void *priv, const char *name,
	unsigned flags, bool blockdev, char *errbuf, size_t errbuf_len)
{
	struct disk *d;
	int rc;

	*out = NULL;
	if (!ops || ops->struct_size < sizeof(struct disk_io_ops) || !ops->read_at ||
	    !ops->size || ((flags & DISK_OPEN_WRITE) && !ops->write_at)) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", "disk_open_io: incomplete I/O operations");
		return -BK_EINVAL;
	}
	d = dk_alloc(name);
	if (!d) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", "out of memory");
		return -BK_ENOMEM;
	}
	d->io = ops;
	d->io_priv = priv;
	d->flags = flags;
	d->writable = (flags & DISK_OPEN_WRITE) != 0;
	d->block_device = blockdev;
	rc = dk_probe(d);
	if (rc < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", d->err.msg);
		dk_free(d, false);
		return rc;
	}
	*out = d;
	return 0;
}

int
disk_open_io(disk_t **out, const struct disk_io_ops *ops, void *priv, const char *name,
	     unsigned flags, char *errbuf, size_t errbuf_len)
{
	if (!out)
		return -BK_EINVAL;
	return open_io(out, ops, priv, name, flags, false, errbuf, errbuf_len);
}

/* In-place writes keep hard links (every name sees them); only a file its
 * owner made read-only is refused, as bk_target_check() does. */
static int
check_writable(struct bk_errbuf *eb, const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return bk_err_errno(eb, "stat", path);
	if (S_ISREG(st.st_mode) && (st.st_mode & 0222) == 0)
		return bk_error_at(eb, path, BK_EREADONLY,
				   "file is read-only (use --force to replace it)");
	return 0;
}

void
disk_set_lock_wait(unsigned ms)
{
	bk_lock_wait_ms = ms;
}

int
disk_open(disk_t **out, const char *path, unsigned flags, char *errbuf, size_t errbuf_len)
{
	struct bk_errbuf eb = { 0 };
	const struct disk_io_ops *ops;
	struct bk_lock *lock;
	void *priv;
	bool blockdev;
	int rc;

	if (!out || !path)
		return -BK_EINVAL;
	*out = NULL;
	/* Locked before anything is read (doc/safety.md): a writer never works
	 * on an image another writer is about to change or replace. */
	rc = bk_lock_open(&eb, path, "image", (flags & (DISK_OPEN_WRITE | DISK_OPEN_LOCK)) != 0,
			  &lock);
	if (rc == 0 && (flags & DISK_OPEN_WRITE) && !(flags & DISK_OPEN_FORCE))
		rc = check_writable(&eb, path, bk_lock_fd(lock));
	if (rc == 0)
		rc = dk_io_file_open(&eb, path, (flags & DISK_OPEN_WRITE) ? O_RDWR : O_RDONLY, 0,
				       &ops, &priv, &blockdev);
	if (rc < 0) {
		bk_lock_release(lock);
		bk_errbuf_set(errbuf, errbuf_len, "%s", eb.msg);
		return rc;
	}
	rc = open_io(out, ops, priv, path, flags, blockdev, errbuf, errbuf_len);
	if (rc < 0) {
		ops->close(priv);
		bk_lock_release(lock);
		return rc;
	}
	(*out)->lock = lock;
	return 0;
}

/* ---- create / commit ----------------------------------------------------------- */

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
create_check(struct bk_errbuf *eb, const char *path, struct disk_create_opts *o)
{
	struct stat st;

	if (!BK_RESERVED_ZERO(o))
		return bk_err(eb, BK_EINVAL, "%s: struct disk_create_opts has reserved fields "
			      "set (a program built for a newer bcdkit?)", path);
	/* The new file is renamed over path: never over a device or a folder. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return bk_error_at(eb, path, BK_EINVAL, "exists and is not a regular file");
	if (o->format == DISK_FORMAT_AUTO)
		o->format = ends_with(path, ".vhdx") ? DISK_FORMAT_VHDX :
			    ends_with(path, ".vhd") ? DISK_FORMAT_VHD : DISK_FORMAT_RAW;
	if (o->format > DISK_FORMAT_VHDX)
		return bk_error_at(eb, path, BK_EINVAL, "unknown image format %d", (int)o->format);
	if (o->type == DISK_TYPE_DEFAULT)
		o->type = o->format == DISK_FORMAT_RAW ? DISK_TYPE_FIXED : DISK_TYPE_DYNAMIC;
	if (o->type == DISK_TYPE_DIFFERENCING)
		return bk_error_at(eb, path, BK_EUNSUPPORTED,
				   "creating differencing images is not supported");
	if (o->format == DISK_FORMAT_RAW && o->type != DISK_TYPE_FIXED)
		return bk_error_at(eb, path, BK_EINVAL, "a raw image cannot be dynamic");
	if (o->size == 0 || o->size % DISK_SECTOR)
		return bk_error_at(eb, path, BK_EINVAL,
				   "size %llu is not a positive multiple of 512 bytes",
				   (unsigned long long)o->size);
	if (o->format == DISK_FORMAT_VHD && o->size > VHD_MAX_SIZE)
		return bk_error_at(eb, path, BK_ETOOBIG,
				   "size %llu is over the VHD limit of %llu bytes",
				   (unsigned long long)o->size, (unsigned long long)VHD_MAX_SIZE);
	if (o->format == DISK_FORMAT_VHDX && o->size > VHDX_MAX_SIZE)
		return bk_error_at(eb, path, BK_ETOOBIG,
				   "size %llu is over the VHDX limit of %llu bytes",
				   (unsigned long long)o->size, (unsigned long long)VHDX_MAX_SIZE);
	if (o->format == DISK_FORMAT_RAW && o->size > (uint64_t)INT64_MAX)
		return bk_error_at(eb, path, BK_ETOOBIG, "size too large");
	if (o->block_size & (o->block_size - 1))
		return bk_error_at(eb, path, BK_EINVAL, "block size %u is not a power of two",
			      o->block_size);
	return 0;
}

/*
 * The temporary file beside the target (bk_temp_create: exclusive, locked,
 * removed on a signal); an existing target is locked while it is replaced,
 * and leftovers of dead writers beside it are removed.
 */
static int
create_tmp(struct disk *d, const char *path)
{
	bool blockdev;
	int rc = bk_target_open(&d->err, path, 0, &d->tgt), n;

	if (rc == 0 && d->tgt.exists)
		rc = bk_lock_open(&d->err, d->tgt.real, "image", true, &d->lock);
	if (rc == 0 && (n = bk_temp_sweep(&d->tgt)) > 0)
		dk_msg(d, "%s: removed %d temporary file%s left by an interrupted writer", path,
			 n, n == 1 ? "" : "s");
	if (rc == 0)
		rc = bk_temp_create(&d->err, &d->tgt, NULL, 0666, NULL, &d->tmp);
	if (rc < 0)
		return rc;
	d->tmp_path = bk_strdup(d->tmp.name);
	d->final_path = bk_strdup(path);
	if (!d->tmp_path || !d->final_path)
		rc = bk_error_at(&d->err, path, BK_ENOMEM, "out of memory");
	if (rc == 0)
		rc = dk_io_file_adopt(&d->err, d->tmp.fd, path, &d->io, &d->io_priv, &blockdev);
	if (rc < 0)
		bk_temp_discard(&d->tmp);
	return rc;
}

static int
create_body(struct disk *d, const struct disk_create_opts *o)
{
	switch (o->format) {
	case DISK_FORMAT_VHD:
		return dk_vhd_create(d, o);
	case DISK_FORMAT_VHDX:
		return dk_vhdx_create(d, o);
	default:
		d->drv = &dk_raw_driver;
		d->size = o->size;
		return dk_container_truncate(d, o->size);
	}
}

/* Remove the temporary of a disk never committed; the I/O layer closes it. */
static void
drop_tmp(struct disk *d)
{
	if (d->tmp_path && !d->committed && d->io)
		unlinkat(d->tgt.dirfd, d->tmp.name, 0);
	bk_temp_forget(&d->tmp);
}

int
disk_create(disk_t **out, const char *path, const struct disk_create_opts *opts,
	    char *errbuf, size_t errbuf_len)
{
	struct disk_create_opts o;
	struct disk *d;
	int rc;

	if (!out || !path || !opts)
		return -BK_EINVAL;
	*out = NULL;
	o = *opts;
	d = dk_alloc(path);
	if (!d) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", "out of memory");
		return -BK_ENOMEM;
	}
	rc = create_check(&d->err, path, &o);
	if (rc == 0)
		rc = create_tmp(d, path);
	if (rc == 0) {
		d->writable = true;
		d->flags = DISK_OPEN_WRITE;
		rc = create_body(d, &o);
	}
	if (rc < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", d->err.msg);
		drop_tmp(d);
		dk_free(d, true);
		return rc;
	}
	*out = d;
	return 0;
}

int
disk_commit(disk_t *d)
{
	int rc;

	if (!d)
		return -BK_EINVAL;
	if (!d->tmp_path || d->committed)
		return dk_error(d, BK_EINVAL, "not a newly created disk");
	rc = disk_flush(d);
	/* fsync, rename over the target, fsync the folder; the descriptor
	 * stays with the I/O layer (and keeps the new file locked). */
	if (rc == 0) {
		rc = bk_temp_commit(&d->err, &d->tmp, &d->tgt, NULL, true);
		d->committed = d->tmp.renamed;
	}
	return rc;
}

int
disk_close(disk_t *d)
{
	int rc = 0;

	if (!d)
		return 0;
	if (d->tmp_path && !d->committed)
		drop_tmp(d);
	else if (d->writable && d->dirty)
		rc = disk_flush(d);
	dk_free(d, true);
	return rc;
}

/* ---- errors, messages ------------------------------------------------------------ */

const char *
disk_last_error(const disk_t *d)
{
	return d ? d->err.msg : "";
}

const char *
disk_strerror(int err)
{
	return bk_strerror(err);
}

void
disk_set_msg_cb(disk_t *d, disk_msg_cb cb, void *data)
{
	if (!d)
		return;
	d->msg_cb = cb;
	d->msg_data = data;
}

/* ---- data ------------------------------------------------------------------------ */

uint64_t
disk_size(const disk_t *d)
{
	return d ? d->size : 0;
}

static int
check_range(struct disk *d, uint64_t off, uint64_t len, const char *what)
{
	if (off > d->size || len > d->size - off)
		return dk_error(d, BK_EINVAL,
			      "%s of %llu bytes at offset %llu is past the end of the disk (%llu bytes)",
			      what, (unsigned long long)len, (unsigned long long)off,
			      (unsigned long long)d->size);
	return 0;
}

int
disk_read(disk_t *d, uint64_t off, void *buf, size_t len)
{
	int rc;

	if (!d || (!buf && len))
		return -BK_EINVAL;
	rc = check_range(d, off, len, "read");
	if (rc < 0 || len == 0)
		return rc;
	return d->drv->read(d, off, buf, len);
}

int
disk_write(disk_t *d, uint64_t off, const void *buf, size_t len)
{
	int rc;

	if (!d || (!buf && len))
		return -BK_EINVAL;
	if (!d->writable)
		return dk_error(d, BK_EREADONLY, "opened read-only");
	rc = check_range(d, off, len, "write");
	if (rc < 0 || len == 0)
		return rc;
	return d->drv->write(d, off, buf, len);
}

int
disk_flush(disk_t *d)
{
	int rc;

	if (!d)
		return -BK_EINVAL;
	if (!d->writable)
		return 0;
	rc = d->drv->flush(d);
	if (rc < 0)
		return rc;
	rc = dk_container_sync(d);
	if (rc == 0)
		d->dirty = false;
	return rc;
}

int
disk_map(disk_t *d, uint64_t off, uint64_t len, uint64_t *run, int *allocated)
{
	int rc;

	if (!d || !run || !allocated || len == 0)
		return -BK_EINVAL;
	rc = check_range(d, off, len, "map");
	if (rc < 0)
		return rc;
	rc = d->drv->map(d, off, len, run, allocated);
	if (rc == 0 && (*run == 0 || *run > len))
		*run = len;
	return rc;
}

/* ---- information ------------------------------------------------------------------ */

int
disk_get_info(disk_t *d, struct disk_info *out)
{
	uint64_t fsize;
	int rc;

	if (!d || !out)
		return -BK_EINVAL;
	memset(out, 0, sizeof(*out));
	rc = dk_container_size(d, &fsize);
	if (rc < 0)
		return rc;
	out->format = d->drv->format;
	out->type = DISK_TYPE_FIXED;
	out->virtual_size = d->size;
	out->file_size = fsize;
	out->logical_sector = DISK_SECTOR;
	out->physical_sector = DISK_SECTOR;
	out->block_device = d->block_device;
	out->log_replayed = d->log_replayed;
	d->drv->info(d, out);
	return 0;
}

const char *
disk_format_name(enum disk_format f)
{
	switch (f) {
	case DISK_FORMAT_RAW: return "raw";
	case DISK_FORMAT_VHD: return "vhd";
	case DISK_FORMAT_VHDX: return "vhdx";
	default: return "auto";
	}
}

const char *
disk_type_name(enum disk_type t)
{
	switch (t) {
	case DISK_TYPE_FIXED: return "fixed";
	case DISK_TYPE_DYNAMIC: return "dynamic";
	case DISK_TYPE_DIFFERENCING: return "differencing";
	default: return "default";
	}
}
