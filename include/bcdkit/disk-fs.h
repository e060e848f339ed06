/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-disk: files inside partitions, without a mount.
 *
 * A disk_fs_t is one file system (NTFS through libntfs-3g, FAT12/16/32 of our
 * own) on one partition of an opened disk_t, whatever the container (raw
 * file, block device, VHD, VHDX): every byte goes through disk_read() and
 * disk_write(), so a FAT partition inside a dynamic VHDX is handled like one
 * in a raw image.
 *
 * Paths take "\" or "/" as separators, start at the volume root (a leading
 * separator is optional), are matched case-insensitively as Windows matches
 * them, and keep the case they are written with when they create an entry.
 * A path that would leave the volume ("..", above the root), holds a NUL or
 * control character, or names a component Windows forbids (<>:"|?* , a
 * trailing dot or space, CON, PRN, AUX, NUL, COM1-9, LPT1-9) is -BK_EINVAL
 * with the reason in disk_fs_last_error().
 *
 * Every function returns 0 or a negative BK_E* code (bcdkit/error.h) and
 * leaves the detail, naming the image, the partition and the path, in
 * disk_fs_last_error().  A failed write leaves the volume consistent: no
 * half-created entries, no lost clusters the next open would trip over.
 *
 * struct disk_fs_format_opts and struct disk_fs_info end in reserved words,
 * as described in bcdkit/disk.h ("Structs that grow").
 */
#ifndef BCDKIT_DISK_FS_H
#define BCDKIT_DISK_FS_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/disk.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct disk_fs disk_fs_t;

enum disk_fs_type {
	DISK_FS_UNKNOWN = 0,
	DISK_FS_NTFS,
	DISK_FS_FAT12,
	DISK_FS_FAT16,
	DISK_FS_FAT32,
};

/* disk_fs_open() flags. */
enum {
	DISK_FS_WRITE = 1 << 0,    /* allow changes; the disk_t must be writable */
};

/* disk_fs_write() flags. */
enum {
	DISK_FS_NO_REPLACE = 1 << 0, /* -BK_EEXIST when the file exists */
};

/* FILE_ATTRIBUTE_* bits as Windows numbers them (struct disk_file_info). */
#define DISK_ATTR_READONLY  0x01u
#define DISK_ATTR_HIDDEN    0x02u
#define DISK_ATTR_SYSTEM    0x04u
#define DISK_ATTR_DIRECTORY 0x10u
#define DISK_ATTR_ARCHIVE   0x20u

/*
 * Open the file system on partition number of d (numbered as in
 * disk_label_read()).  partition 0 means the whole disk when it has no
 * partition table, else the only partition, else the active one; with
 * several partitions and none active it is -BK_EINVAL ("give a partition
 * number").  The file system is recognised by content: -BK_EUNSUPPORTED when
 * it is neither NTFS nor FAT, -BK_ECORRUPT when its boot sector or metadata
 * is damaged.  d must stay open until disk_fs_close().
 * Returns: 0 and *out (free with disk_fs_close()), or a negative code with
 * *out NULL and the detail in disk_last_error(d).
 */
BCDKIT_API int disk_fs_open(disk_fs_t **out, disk_t *d, unsigned partition,
			    unsigned flags);

/* Flush (for a writable handle: write every pending change and leave the
 * volume clean, NTFS not marked dirty), then free.  Returns: 0 or the flush
 * error; the handle is freed either way.  NULL is accepted. */
BCDKIT_API int disk_fs_close(disk_fs_t *fs);

/* Write pending changes through to the disk_t (not disk_flush()).
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_flush(disk_fs_t *fs);

/* Detail of the last error on this handle ("" if none); owned by fs.
 * Returns that string, valid until the next failing call on fs or
 * disk_fs_close(). */
BCDKIT_API const char *disk_fs_last_error(const disk_fs_t *fs);

/* Returns the type of the file system fs holds. */
BCDKIT_API enum disk_fs_type disk_fs_get_type(const disk_fs_t *fs);
/* "ntfs", "fat12", "fat16", "fat32", "unknown"; static storage.
 * Returns the name. */
BCDKIT_API const char *disk_fs_type_name(enum disk_fs_type t);

struct disk_fs_info {
	enum disk_fs_type type;
	unsigned partition;          /* the partition number opened (0: whole disk) */
	uint64_t offset;             /* bytes from the start of the disk */
	uint64_t size;               /* bytes in the volume */
	uint32_t cluster_size;       /* bytes */
	uint64_t free_bytes;
	uint32_t serial;             /* volume serial (low 32 bits for NTFS) */
	char label[64];              /* UTF-8 */
	uint32_t reserved[8];        /* zeroed by the library */
};
/* Fill *out.  Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_get_info(disk_fs_t *fs, struct disk_fs_info *out);

/* ---- reading ---------------------------------------------------------------- */

/* struct disk_file_info, disk_file_cb and disk_sink_cb come from disk.h.
 * name is the entry's long name as stored; inode is the MFT record number
 * (NTFS) or the first cluster (FAT).
 * Returns: 0 and *out, or a negative code (-BK_ENOTFOUND). */
BCDKIT_API int disk_fs_stat(disk_fs_t *fs, const char *path, struct disk_file_info *out);
/* Every entry of a folder except "." and "..", in on-disk order.
 * Returns: 0, a negative code, or cb's non-zero return. */
BCDKIT_API int disk_fs_list(disk_fs_t *fs, const char *path, disk_file_cb cb, void *data);
/* Content of a file in order, in chunks of any size.
 * Returns: 0, a negative code, or sink's non-zero return. */
BCDKIT_API int disk_fs_read(disk_fs_t *fs, const char *path, disk_sink_cb sink, void *data);
/* Whole file into memory (at most max bytes, else -BK_ETOOBIG); free with free().
 * Returns: 0, *buf and *len, or a negative code. */
BCDKIT_API int disk_fs_read_file(disk_fs_t *fs, const char *path, uint8_t **buf,
				 size_t *len, size_t max);

/*
 * Open the file at path in fs as a disk image (raw, VHD or VHDX, probed by
 * content as disk_open() does), read-only, to read the partitions and files
 * inside it in turn: a VHD on a partition of a USB stick image.  Only what
 * is read is read: the image's headers and block table, and the sectors
 * asked for.  flags: 0 or DISK_OPEN_RAW.  fs must stay open, and unchanged,
 * until disk_close(*out).  Messages name the image as
 * "IMAGE:PART:\path".  Returns: 0 and *out, or a negative code (-BK_EWRONGTYPE
 * for a folder, -BK_ENOTFOUND, -BK_ECORRUPT for a damaged image) with *out
 * NULL and the detail in errbuf (when not NULL).
 * Close with disk_close().
 */
BCDKIT_API int disk_fs_open_disk(disk_t **out, disk_fs_t *fs, const char *path,
				 unsigned flags, char *errbuf, size_t errbuf_len);

/* ---- writing (handle opened with DISK_FS_WRITE, else -BK_EREADONLY) --------- */

/*
 * Source of file content: fill buf with up to cap bytes and set *got; *got
 * 0 means the end.  A negative return stops the write and is returned.
 */
typedef int (*disk_source_cb)(void *buf, size_t cap, size_t *got, void *data);

/*
 * Create path, or replace the file there (not a folder: -BK_EWRONGTYPE),
 * with the content src gives; the parent folder must exist (-BK_ENOTFOUND).
 * size_hint (0: unknown) lets the file system allocate contiguously.  On
 * failure an existing file is left as it was and a new one is not created.
 * Returns: 0, -BK_EEXIST (DISK_FS_NO_REPLACE), or a negative code.
 */
BCDKIT_API int disk_fs_write(disk_fs_t *fs, const char *path, uint64_t size_hint,
			     disk_source_cb src, void *data, unsigned flags);
/* The same with the content in memory.  Returns: as disk_fs_write(). */
BCDKIT_API int disk_fs_write_file(disk_fs_t *fs, const char *path, const void *buf,
				  size_t len, unsigned flags);

/* Make a folder; with parents, the missing ones above it too and an existing
 * folder is not an error (mkdir -p).
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_mkdir(disk_fs_t *fs, const char *path, int parents);
/* Remove a file or an empty folder (-BK_ENOTEMPTY otherwise).
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_remove(disk_fs_t *fs, const char *path);
/* Remove a file, or a folder and everything below it.
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_remove_tree(disk_fs_t *fs, const char *path);
/*
 * Rename or move from to to inside the volume.  When to exists: with replace,
 * a file is replaced so that a crash leaves either the old or the new file
 * under that name; without, -BK_EEXIST.  Folders are never replaced.
 * Returns: 0 or a negative code.
 */
BCDKIT_API int disk_fs_rename(disk_fs_t *fs, const char *from, const char *to,
			      int replace);
/* Set and clear DISK_ATTR_READONLY / HIDDEN / SYSTEM / ARCHIVE bits.
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_set_attributes(disk_fs_t *fs, const char *path, uint32_t set,
				      uint32_t clear);

/* ---- whole trees ------------------------------------------------------------- */

/* Copy a file or folder tree from one volume to another (or the same one).
 * Returns: 0 or a negative code (detail in disk_fs_last_error(dst) or
 * (src)). */
BCDKIT_API int disk_fs_copy_tree(disk_fs_t *src, const char *src_path,
				 disk_fs_t *dst, const char *dst_path);
/* Copy a host file or folder tree into the volume; symlinks, devices and
 * FIFOs on the host are refused, never followed.
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_import_tree(disk_fs_t *dst, const char *dst_path,
				   const char *host_path);
/* Copy a file or folder tree out of the volume into host_path (which must not
 * exist yet); never writes outside host_path.
 * Returns: 0 or a negative code. */
BCDKIT_API int disk_fs_export_tree(disk_fs_t *src, const char *src_path,
				   const char *host_path);
/*
 * Progress of the tree copies above: disk_fs_import_tree() and
 * disk_fs_export_tree() on fs, and disk_fs_copy_tree() with fs as the
 * destination, call cb(data, done, total) with the bytes of file data copied
 * out of the tree's total (summed by a walk of the source before the copy):
 * once with done 0, as data moves, and once with done == total at the end.
 * A non-zero return stops the copy (-BK_EINVAL).  cb NULL: none (the default).
 */
BCDKIT_API void disk_fs_set_progress(disk_fs_t *fs, disk_progress_cb cb, void *data);

/* ---- formatting -------------------------------------------------------------- */

struct disk_fs_format_opts {
	enum disk_fs_type type;      /* FAT12, FAT16, FAT32 or NTFS; UNKNOWN: FAT
				      * by size as Windows' format chooses */
	const char *label;           /* NULL: none ("NO NAME" on FAT) */
	uint32_t cluster_size;       /* 0: Windows' default for the size */
	uint32_t serial;             /* 0: a random one */
	uint32_t reserved[8];        /* zero (see above) */
};

/*
 * Make a new, empty file system on partition number of d (writable).  The
 * boot sector records the partition's offset as hidden sectors.  Returns 0 or
 * a negative code with the detail in disk_last_error(d).
 */
BCDKIT_API int disk_fs_format(disk_t *d, unsigned partition,
			      const struct disk_fs_format_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* BCDKIT_DISK_FS_H */
