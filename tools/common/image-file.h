/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hives and BCD stores inside a partition of a disk image or device, named
 * IMAGE[:PART]:\path on the command line (image-path.h has the rule), for
 * hivetool and bcdedit.  The libraries never touch the volume: this glue
 * reads the hive and its logs (NAME.LOG, .LOG1, .LOG2 in the same folder)
 * through the file-system layer, hands the bytes to hive_open_image(), and
 * stores hive_commit()'s result (hive_set_image_io()).
 *
 * A commit opens the image writable (reading never does), writes the new
 * hive beside the old one in the same folder, renames it over the old one
 * (the file system's replace keeps the old or the new file after a crash),
 * flushes, then empties the logs there as a commit of a host file truncates
 * them, and closes the volume and the image.  Every error names
 * IMAGE:PART:\path.
 */
#ifndef IMAGE_FILE_H
#define IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bcdkit/bcd.h"
#include "bcdkit/disk-fs.h"
#include "bcdkit/hive.h"

/* Largest hive or log read out of a volume (hive/ refuses larger ones). */
#define IMG_HIVE_MAX ((size_t)1 << 31)

/*
 * hive_open() for a host file or IMAGE[:PART]:\path: 0 and *out, or a
 * negative code with one line in err.  A hive opened with HIVE_OPEN_WRITE
 * inside an image is committed there by hive_commit().
 */
int tool_hive_open(hive_t **out, const char *arg, unsigned flags, char *err, size_t errlen);

/*
 * hive_create() for a host file or IMAGE[:PART]:\path: a new hive in memory
 * that hive_commit() writes; inside an image the first commit creates the
 * file there (an existing one is replaced as by any commit: check first).
 */
int tool_hive_create(hive_t **out, const char *arg, const char *root, unsigned minor,
		     char *err, size_t errlen);
/* 1 when the host file or the file inside the image exists. */
int tool_file_exists(const char *arg);
/* hive_recover() for a host file or IMAGE[:PART]:\path, in place (with
 * NAME.bak copies inside the volume) or to OUT (a host file or a file inside
 * an image). */
int tool_hive_recover(const char *arg, const char *out, unsigned flags,
		      struct hive_recover_report *rep, char *err, size_t errlen);

/* 1 when arg names a file inside an image, 0 for a host path, -1 (reason in
 * err) when it is malformed. */
int tool_is_image_file(const char *arg, char *err, size_t errlen);

/*
 * Write new bytes as the file at spec (IMAGE[:PART]:\path) crash-safely, as
 * a commit does but without a hive: /import of a store, "hivetool create".
 * With no_replace an existing file is -BK_EEXIST.
 */
int tool_image_put(const char *spec, const uint8_t *buf, size_t len, bool no_replace,
		   char *err, size_t errlen);

/* ---- BCD stores (image-store.c; bcdedit) ------------------------------------ */

/* bcd_store_open(), bcd_store_create() and bcd_store_import() for a host
 * file or IMAGE[:PART]:\path; same returns, one line in err. */
int tool_store_open(bcd_store_t **out, const char *arg, unsigned flags, char *err,
		    size_t errlen);
int tool_store_create(const char *arg, char *err, size_t errlen);
int tool_store_import(const char *arg, const char *src, char *err, size_t errlen);

/* ---- on an opened volume (the unit tests drive these with any backend) ---- */

/* A hive's bytes and its logs' as read from a volume. */
struct img_hive_bytes {
	uint8_t *data;
	size_t len;
	size_t nlogs;
	struct hive_log_image logs[HIVE_RECOVER_MAX_LOGS];
	char *log_paths[HIVE_RECOVER_MAX_LOGS];   /* in the volume */
	uint32_t attributes;                      /* the hive file's DISK_ATTR_* */
};

/* Read the file at path and the logs beside it.  what names it in errors. */
int img_read_hive(disk_fs_t *fs, const char *path, const char *what,
		  struct img_hive_bytes *out, char *err, size_t errlen);
void img_hive_bytes_free(struct img_hive_bytes *b);

/*
 * Store h (hive_serialize()) as the file at path in a writable volume: new
 * file beside it, rename over it, flush the volume and d, empty the logs.
 * backup first copies the file and each non-empty log to NAME.bak there.
 * The caller closes fs and d, then calls hive_serialize_done() with *img.
 */
int img_store_hive(disk_t *d, disk_fs_t *fs, const char *path, const char *what, hive_t *h,
		   bool backup, uint8_t **img, size_t *img_len, char *err, size_t errlen);

/* Replace (or, with no_replace, create) the file at path with buf, through
 * a new file beside it and a rename. */
int img_replace_file(disk_fs_t *fs, const char *path, const char *what, const uint8_t *buf,
		     size_t len, uint32_t attributes, bool no_replace, char *err, size_t errlen);

#endif
