/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libntfs-3g glue shared by ntfs.c (device operations over a disk_fs) and
 * fs-ntfs.c (the NTFS driver of the file-system layer).
 */
#ifndef DISK_FS_NTFS_H
#define DISK_FS_NTFS_H

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

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/ntfstime.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include "fs-internal.h"

/* A disk_fs volume seen by libntfs-3g as a device (ntfs.c). */
struct ntfs_part_dev {
	struct disk_fs *fs;
	s64 pos;
	ntfs_volume *vol;       /* set once mounted: where $MFT is */
	bool hold;              /* file-record writes held back (ntfs_part_hold()) */
	struct held_write *held;
	unsigned nheld, cap;
};

/*
 * While held, writes of file records (but for those $MFTMirr copies) and of
 * index blocks are kept in memory, and reads see them; release writes them
 * out: files' records, index blocks, folders' records (ntfs.c says why).
 * Returns 0 or -BK_EIO.
 */
void ntfs_part_hold(struct ntfs_part_dev *pd);
int ntfs_part_release(struct ntfs_part_dev *pd);

/* A device over fs's byte range, writable when fs is; pd must outlive it
 * (ntfs_umount() frees the device, not pd). */
struct ntfs_device *ntfs_part_dev_new(struct disk_fs *fs, struct ntfs_part_dev *pd);

/* The last error libntfs-3g logged in this thread ("" if none), which the
 * library would otherwise print; the driver puts it into its messages. */
const char *ntfs_part_last_log(void);
void ntfs_part_clear_log(void);

/* ---- inside the driver (fs-ntfs.c, fs-ntfs-write.c) ---------------------- */

struct nt {
	struct ntfs_part_dev pd;
	ntfs_volume *vol;
	le16 flags;             /* $Volume flags found at mount */
	bool changed;           /* written since the last flush */
	uint32_t serial;
	unsigned seq;           /* temporary names */
};

#define NT(fs) ((struct nt *)(fs)->priv)

/* $MFT growth (nt_reserve_records()): records kept free, records added. */
#define NTFS_MFT_FIRST_FREE 64      /* libntfs-3g allocates from here up */
#define NTFS_MFT_SLACK      16
#define NTFS_MFT_GROW       64

int nt_fail(struct disk_fs *fs, int code, const struct fs_path *p, const char *what);
int nt_reserve_records(struct disk_fs *fs, const struct fs_path *p);
int nt_close(ntfs_inode *ni);
int nt_to_uname(struct disk_fs *fs, const struct fs_path *p, const char *s, ntfschar **u,
	     int *len);
int nt_from_uname(const ntfschar *u, int len, char *out, size_t cap);
int nt_stored_name(ntfs_inode *ni, u64 dir_no, const char *want, ntfschar **u, int *len);
u64 nt_lookup_ci(ntfs_inode *dir, const ntfschar *u, int len);
bool nt_is_dir(const ntfs_inode *ni);
int nt_open_child(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir,
	       const char *name, ntfs_inode **ni);
int nt_walk(struct disk_fs *fs, const struct fs_path *p, size_t n, ntfs_inode **out);
int nt_walk_parent(struct disk_fs *fs, const struct fs_path *p, ntfs_inode **dir);
int nt_begin_change(struct disk_fs *fs, const struct fs_path *p);
int nt_check_runs(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni);

/* fs-ntfs-write.c */
int nt_write(struct disk_fs *fs, const struct fs_path *p, uint64_t size_hint,
	     disk_source_cb src, void *data, unsigned flags);
int nt_mkdir(struct disk_fs *fs, const struct fs_path *p);
int nt_remove(struct disk_fs *fs, const struct fs_path *p);
int nt_rename(struct disk_fs *fs, const struct fs_path *from, const struct fs_path *to,
	      int replace);
int nt_set_attributes(struct disk_fs *fs, const struct fs_path *p, uint32_t set,
		      uint32_t clear);

#endif
