/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared between the parts of the file-system core (fs.c, fs-path.c,
 * fs-tree.c), not the drivers: what the drivers see is fs-internal.h.
 */
#ifndef DISK_FS_CORE_H
#define DISK_FS_CORE_H

#include "fs-internal.h"

/* p plus the entry name (checked: no separator, nothing Windows forbids). */
int fs_path_child(struct disk_fs *fs, const struct fs_path *p, const char *name,
		  struct fs_path *out);

/* Operations on checked paths behind the public functions. */
int fs_do_stat(struct disk_fs *fs, const struct fs_path *p, struct disk_file_info *out);
int fs_do_mkdir(struct disk_fs *fs, const struct fs_path *p, int parents);
int fs_check_writable(struct disk_fs *fs, const struct fs_path *p);

/* Progress of a tree copy (fs-progress.c), all no-ops without a callback:
 * begin sums the source tree and reports 0; add counts bytes moved; end
 * reports the total after a copy that succeeded and passes rc through. */
int fs_prog_begin_host(struct disk_fs *fs, const char *host_path);
int fs_prog_begin_vol(struct disk_fs *fs, struct disk_fs *src, const struct fs_path *p,
		      const struct disk_file_info *fi);
int fs_prog_add(struct disk_fs *fs, uint64_t n);
int fs_prog_end(struct disk_fs *fs, int rc);

/* Size up to which a file copied between volumes is held in memory
 * (larger ones go through an unlinked temporary file). */
#define FS_SPOOL_MEM (16u * 1024u * 1024u)
/* Bytes per read()/write() on the host side. */
#define FS_HOST_CHUNK (1024u * 1024u)

#endif
