/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of the file-system layer (bcdkit/disk-fs.h): the handle, the
 * checked path form every driver receives, and the driver table.  fs.c owns
 * path checking, partition selection, error context and the tree helpers;
 * each driver (fs-ntfs.c, fs-fat*.c) only implements the operations below on
 * already-checked paths.
 */
#ifndef DISK_FS_INTERNAL_H
#define DISK_FS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bcdkit/disk-fs.h"
#include "bk-error.h"
#include "disk-internal.h"

/* Limits against hostile input and runaway trees. */
#define FS_PATH_MAX        4096u   /* bytes of a path, UTF-8 */
#define FS_NAME_MAX        255u    /* UTF-16 units of one component */
#define FS_DEPTH_MAX       256u    /* components of a path / tree walks */

/*
 * A checked path: components split on "\" and "/", empty and "." ones
 * dropped, ".." resolved (never above the root), each one valid UTF-8 of at
 * most FS_NAME_MAX UTF-16 units and free of what Windows forbids.  n == 0 is
 * the root.  text is the canonical "\A\B" form for messages.
 */
struct fs_path {
	size_t n;
	char **comp;
	char *text;
};

struct fs_driver;

struct disk_fs {
	struct disk *d;
	unsigned partition;
	uint64_t off;               /* partition start in the disk, bytes */
	uint64_t size;              /* partition length, bytes */
	bool writable;
	enum disk_fs_type type;
	const struct fs_driver *drv;
	void *priv;                 /* driver state */
	bool recognised;            /* set by a mount that knows the file system
				     * but cannot mount it: stop probing */
	struct bk_errbuf err;       /* detail: "IMAGE:PART:\path: what" */
	void *stream_buf;           /* kept between writes (fs_stream_buf_take) */
	size_t stream_len;
	disk_progress_cb prog;      /* tree copies (fs-tree.c): NULL, or the bar */
	void *prog_data;
	uint64_t prog_done, prog_total;
};

/*
 * One file-system driver.  Paths are checked; parents of a path are not
 * known to exist.  Every operation returns 0 or a negative code set with
 * fs_err() so the message carries the context.  Lookups are
 * case-insensitive as Windows compares names (upper-case table); created
 * entries keep the case given.  write() and rename() must leave either the
 * old or the new state on disk if interrupted at any write.
 */
struct fs_driver {
	enum disk_fs_type type;     /* DISK_FS_NTFS or DISK_FS_FAT12 (FAT any) */
	/* Recognise and mount; -BK_EUNSUPPORTED when not this file system (or,
	 * with recognised set, when this build cannot handle it). */
	int (*mount)(struct disk_fs *fs);
	void (*unmount)(struct disk_fs *fs);    /* after flush; frees priv */
	int (*flush)(struct disk_fs *fs);
	int (*info)(struct disk_fs *fs, struct disk_fs_info *out);
	int (*stat)(struct disk_fs *fs, const struct fs_path *p, struct disk_file_info *out);
	int (*list)(struct disk_fs *fs, const struct fs_path *p, disk_file_cb cb, void *data);
	int (*read)(struct disk_fs *fs, const struct fs_path *p, disk_sink_cb sink, void *data);
	int (*write)(struct disk_fs *fs, const struct fs_path *p, uint64_t size_hint,
		     disk_source_cb src, void *data, unsigned flags);
	int (*mkdir)(struct disk_fs *fs, const struct fs_path *p);   /* one level */
	int (*remove)(struct disk_fs *fs, const struct fs_path *p);  /* file or empty folder */
	int (*rename)(struct disk_fs *fs, const struct fs_path *from,
		      const struct fs_path *to, int replace);
	int (*set_attributes)(struct disk_fs *fs, const struct fs_path *p,
			      uint32_t set, uint32_t clear);
	/* Format [off, off + size) of d; NULL for drivers that cannot. */
	int (*format)(struct disk *d, uint64_t off, uint64_t size,
		      const struct disk_fs_format_opts *opts);
	/*
	 * Random-access reads of one file (a disk image inside the volume,
	 * disk_fs_open_disk()): fopen() looks the file up once and keeps what
	 * a read needs in *h (NTFS: the open data attribute; FAT: the cluster
	 * chain), and sets *size; pread() fills buf from [off, off + len),
	 * which the caller keeps inside *size; fclose() frees h.  The volume
	 * must not be changed while h is open.
	 */
	int (*fopen)(struct disk_fs *fs, const struct fs_path *p, void **h, uint64_t *size);
	int (*pread)(struct disk_fs *fs, void *h, void *buf, size_t len, uint64_t off);
	void (*fclose)(struct disk_fs *fs, void *h);
};

extern const struct fs_driver fs_ntfs_driver;
extern const struct fs_driver fs_fat_driver;

/* Partition-relative I/O, bounds-checked against fs->size. */
int fs_read_at(struct disk_fs *fs, uint64_t off, void *buf, size_t len);
int fs_write_at(struct disk_fs *fs, uint64_t off, const void *buf, size_t len);
/* The buffer a write streams content through: n bytes, aligned for direct
 * I/O, kept by the handle between writes (so 10,000 small files do not map
 * and fault in a new one each); NULL when out of memory.  Give it back with
 * fs_stream_buf_give(). */
void *fs_stream_buf_take(struct disk_fs *fs, size_t n);
void fs_stream_buf_give(struct disk_fs *fs, void *buf, size_t n);

/* Record an error on the handle with the volume and path as context:
 * "NAME:PART:\path: detail".  p may be NULL.  Returns -code. */
int fs_err(struct disk_fs *fs, int code, const struct fs_path *p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Check and split a path (see struct fs_path); fs_path_free() releases it. */
int fs_path_parse(struct disk_fs *fs, const char *text, struct fs_path *out);
void fs_path_free(struct fs_path *p);
/* The parent of p (n - 1 components, sharing p's strings: do not free). */
struct fs_path fs_path_parent(const struct fs_path *p);

#endif
