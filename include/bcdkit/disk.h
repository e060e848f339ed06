/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-disk: disk images (raw files, block devices, VHD, VHDX).
 *
 * A disk_t is one opened or newly created disk image.  Whatever the container
 * format, the caller sees a flat array of disk_size() bytes that it reads and
 * writes with disk_read()/disk_write() at any byte offset.  Formats are
 * recognised by content, never by file name.  Every function returns 0 or a
 * negative BK_E* code (bcdkit/error.h); disk_last_error() gives the detail.
 *
 * Writing.  A disk opened with DISK_OPEN_WRITE is changed in place: data
 * blocks are written before the block tables that point at them, and
 * disk_flush() writes the remaining metadata and syncs.  A disk made by
 * disk_create() lives in a temporary file beside its final path until
 * disk_commit() syncs it and renames it into place; closing it without a
 * commit deletes the temporary file, so the target is never half-written.
 *
 * Structs that grow.  A struct that may gain fields ends in "uint32_t
 * reserved[N]", so that a later version adds fields in that room without
 * changing its size or the offsets before it (libbcdkit(3), "Structures
 * that grow").  Zero a struct you pass in (memset() or "= {0}") before
 * setting its fields: reserved words that are not zero are refused with
 * -BK_EINVAL, since only a program built for a newer bcdkit sets them.  A
 * struct the library fills has its reserved words zeroed.
 */
#ifndef BCDKIT_DISK_H
#define BCDKIT_DISK_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BCDKIT_API
#define BCDKIT_API __attribute__((visibility("default")))
#endif

typedef struct disk disk_t;

enum disk_format {
	DISK_FORMAT_AUTO = 0,   /* disk_create(): choose from the file name */
	DISK_FORMAT_RAW,
	DISK_FORMAT_VHD,
	DISK_FORMAT_VHDX,
};

enum disk_type {
	DISK_TYPE_DEFAULT = 0,  /* disk_create(): dynamic for VHD/VHDX */
	DISK_TYPE_FIXED,        /* raw images and block devices are fixed */
	DISK_TYPE_DYNAMIC,
	DISK_TYPE_DIFFERENCING, /* reported when an image is opened; never opened itself */
};

/* disk_open() flags. */
enum {
	DISK_OPEN_WRITE     = 1 << 0, /* allow disk_write() and disk_flush() */
	DISK_OPEN_NO_REPLAY = 1 << 1, /* refuse a VHDX with a non-empty log */
	DISK_OPEN_RAW       = 1 << 2, /* do not probe: treat the file as raw */
	DISK_OPEN_FORCE     = 1 << 3, /* write even a read-only (mode) image */
	DISK_OPEN_LOCK      = 1 << 4, /* lock exclusively, though opened for reading */
};

/*
 * Locks (doc/safety.md).  disk_open() locks the file until disk_close():
 * exclusively with DISK_OPEN_WRITE or DISK_OPEN_LOCK, shared otherwise (a
 * read-only handle with DISK_OPEN_LOCK keeps other writers out between a read
 * and a later write through another handle of this process); disk_create() locks
 * the file it will replace; disk_label_rewrite() the image it rewrites.  A
 * lock held by another process is waited for, then -BK_EBUSY ("image is in
 * use").  Handles of one process on one file share their lock.  The wait is
 * set for the whole process in milliseconds (default 5000; 0: no wait).
 */
BCDKIT_API void disk_set_lock_wait(unsigned ms);

/* ---- pluggable I/O backend ------------------------------------------------ */

/*
 * The container file is reached through these operations, so that an image
 * can live in memory, inside another image, or behind a fault-injecting
 * layer in tests.  Each returns 0 or a negative BK_E* code (a system error
 * is -BK_EIO with errno set).  read_at() must fill the whole buffer; reading
 * past the end of the container is -BK_ECORRUPT.  write_at() may extend the
 * container.  truncate() and close() may be NULL.
 */
struct disk_io_ops {
	size_t struct_size;     /* sizeof(struct disk_io_ops) */
	int (*read_at)(void *priv, void *buf, size_t len, uint64_t off);
	int (*write_at)(void *priv, const void *buf, size_t len, uint64_t off);
	int (*flush)(void *priv);
	int (*size)(void *priv, uint64_t *out);
	int (*truncate)(void *priv, uint64_t len);
	void (*close)(void *priv);
};

/* ---- open, create, close, errors -------------------------------------------- */

/* Open an image file or block device and probe its format.
 * Returns: 0 and *out, or a negative code with *out NULL and the detail
 * copied to errbuf (when not NULL).  A differencing image is -BK_EUNSUPPORTED;
 * a damaged one -BK_ECORRUPT.
 * Close with disk_close(). */
BCDKIT_API int disk_open(disk_t **out, const char *path, unsigned flags,
			 char *errbuf, size_t errbuf_len);
/* Same, on a caller-supplied backend.  On success the handle owns priv and
 * calls ops->close(priv) when closed; on failure the caller still owns it.
 * name is used in messages.
 * Returns: 0 and *out (close with disk_close()), or a negative code with
 * *out NULL and the detail in errbuf. */
BCDKIT_API int disk_open_io(disk_t **out, const struct disk_io_ops *ops, void *priv,
			    const char *name, unsigned flags,
			    char *errbuf, size_t errbuf_len);

struct disk_create_opts {
	enum disk_format format;  /* AUTO: ".vhd" -> VHD, ".vhdx" -> VHDX, else raw */
	enum disk_type type;      /* DEFAULT: dynamic (raw images are always fixed) */
	uint64_t size;            /* virtual size in bytes, a multiple of 512 */
	uint32_t block_size;      /* 0: VHD 2 MiB, VHDX 32 MiB; else a power of two */
	uint32_t reserved[4];     /* zero (see above) */
};

/* Create a new image for path, writable, in a temporary file beside it.
 * Nothing appears at path until disk_commit().  Returns: 0 and *out, or a
 * negative code (detail in errbuf).
 * Close with disk_close(). */
BCDKIT_API int disk_create(disk_t **out, const char *path,
			   const struct disk_create_opts *opts,
			   char *errbuf, size_t errbuf_len);
/* Finish a disk from disk_create(): write the metadata, sync, rename the
 * temporary file over path and sync the folder.  Returns: 0 or a negative
 * code; after a failure the target is untouched. */
BCDKIT_API int disk_commit(disk_t *d);

/* Close the handle.  A writable disk is flushed first (an uncommitted
 * created disk is discarded instead).  Returns: 0 or the flush error; the
 * handle is freed either way.  NULL is accepted. */
BCDKIT_API int disk_close(disk_t *d);

/* Detail of the last error on this handle ("" if none); owned by d.
 * Returns that string, valid until the next failing call on d or
 * disk_close(). */
BCDKIT_API const char *disk_last_error(const disk_t *d);
/* Fixed message for a code; static storage.
 * Returns that message. */
BCDKIT_API const char *disk_strerror(int err);

/* Message callback for notes such as "replayed the VHDX log"; the library
 * never prints. */
typedef void (*disk_msg_cb)(void *data, const char *msg);
/* Send notes to cb (NULL: drop them). */
BCDKIT_API void disk_set_msg_cb(disk_t *d, disk_msg_cb cb, void *data);

/* ---- data ------------------------------------------------------------------- */

/* Virtual size in bytes (what the guest sees).
 * Returns the size (0 for a NULL handle). */
BCDKIT_API uint64_t disk_size(const disk_t *d);
/* Read len bytes at off; the range must lie inside disk_size().  Unallocated
 * areas of dynamic images read as zeros.  Returns: 0 or a negative code. */
BCDKIT_API int disk_read(disk_t *d, uint64_t off, void *buf, size_t len);
/* Write len bytes at off (inside disk_size()).  Needs a writable handle.
 * Writing zeros to an unallocated block of a dynamic image allocates
 * nothing.  Returns: 0 or a negative code. */
BCDKIT_API int disk_write(disk_t *d, uint64_t off, const void *buf, size_t len);
/* Write pending metadata (block tables, footers, headers) and sync.
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_flush(disk_t *d);

/* Allocation state of [off, off + len): *run is set to the length (> 0) of
 * the leading part that has the same state, *allocated to 0 when that part
 * is known to read as zeros (unallocated block, hole in a raw file) and to 1
 * otherwise.  Returns: 0 or a negative code. */
BCDKIT_API int disk_map(disk_t *d, uint64_t off, uint64_t len, uint64_t *run,
			int *allocated);

/* ---- information -------------------------------------------------------------- */

struct disk_info {
	enum disk_format format;
	enum disk_type type;
	uint64_t virtual_size;      /* bytes */
	uint64_t file_size;         /* size of the container file */
	uint64_t allocated;         /* bytes in allocated data blocks (= virtual size for fixed) */
	uint32_t block_size;        /* dynamic VHD/VHDX block size; 0 otherwise */
	uint32_t logical_sector;    /* 512 or 4096 */
	uint32_t physical_sector;
	uint32_t cylinders;         /* VHD geometry (0 elsewhere) */
	uint32_t heads;
	uint32_t sectors_per_track;
	char creator[128];          /* VHD "app version host", VHDX creator string */
	uint8_t disk_id[16];        /* VHD unique id / VHDX page 83 id, as stored */
	int block_device;           /* 1 for a block device */
	int log_replayed;           /* 1 if a VHDX log was replayed on open */
	uint32_t reserved[8];       /* zeroed by the library */
};

/* Fill *out.  Returns: 0 or a negative code. */
BCDKIT_API int disk_get_info(disk_t *d, struct disk_info *out);

/* "raw", "vhd", "vhdx" / "fixed", "dynamic", "differencing"; static storage.
 * Returns the name ("auto" for DISK_FORMAT_AUTO). */
BCDKIT_API const char *disk_format_name(enum disk_format f);
/* Returns the name of a disk type ("default" for DISK_TYPE_DEFAULT), in
 * static storage. */
BCDKIT_API const char *disk_type_name(enum disk_type t);

/* ---- conversion ---------------------------------------------------------------- */

/* Progress: bytes of the source done so far out of total.  A non-zero return
 * cancels the conversion (-BK_EINVAL, target untouched). */
typedef int (*disk_progress_cb)(void *data, uint64_t done, uint64_t total);

/* Copy every byte of src into a new image at dst_path created with opts
 * (opts->size 0 = the size of src), skipping areas that are zero so that
 * dynamic targets stay small, then commit it atomically.  cb may be NULL.
 * Returns: 0 or a negative code (detail in errbuf); dst_path is untouched on
 * failure. */
BCDKIT_API int disk_convert(disk_t *src, const char *dst_path,
			    const struct disk_create_opts *opts,
			    disk_progress_cb cb, void *cb_data,
			    char *errbuf, size_t errbuf_len);

#ifdef __cplusplus
}
#endif

/* Partition tables, partition identities, NTFS files and the image builder
 * (bcdkit/disk-label.h); included so that programs written against the one
 * header still compile. */
#include <bcdkit/disk-label.h>

#endif
