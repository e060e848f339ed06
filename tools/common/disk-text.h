/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How disk images look as text in the tools: the info report, partition
 * tables (human and JSON forms), NTFS folder entries and the conversion
 * progress bar.  Kept apart from vhdtool.c so that the tool itself holds
 * only its options and commands; never linked by the libraries.
 */
#ifndef DISK_TEXT_H
#define DISK_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "bcdkit/disk.h"

/* The info report of one image, text lines or the opening JSON members
 * (the caller adds the partition table and the closing brace). */
void dt_info_text(const char *path, const struct disk_info *in);
void dt_info_json(const char *path, const struct disk_info *in);

/* The partition table part of info: ",\"partition_table\":{...}" in JSON,
 * a "partitions:" line and one row per partition in text. */
void dt_info_table_text(const struct disk_label *l);
void dt_info_table_json(const struct disk_label *l);

/* The whole output of "partition FILE" (list), text or one JSON object. */
void dt_label_text(const char *path, const disk_t *d, const struct disk_label *l);
void dt_label_json(const char *path, const disk_t *d, const struct disk_label *l);

/* One folder entry as "ls" prints it: kind, size, UTC mtime, name. */
void dt_print_entry(const struct disk_file_info *fi);

/* A progress bar on stderr for disk_convert() and disk_build(); data is a
 * struct dt_bar with last set to -1 before the first call. */
struct dt_bar {
	int last;               /* last width drawn, -1 before the first */
	bool forced;            /* -p: dt_copy_progress() draws even a small copy */
	char label[48];         /* what the bar is about ("" none) */
	int stage;              /* disk_build(): the stage and partition drawn */
	unsigned partition;
};
int dt_progress(void *data, uint64_t done, uint64_t total);
int dt_build_progress(void *data, enum disk_build_stage stage, unsigned partition,
		      uint64_t done, uint64_t total);
/* vhdtool cp: dt_progress() for a tree copy of at least DT_COPY_BAR_MIN
 * bytes, or of any size when forced (a small copy ends before a bar could
 * be read, and a bar per small file would bury the terminal). */
#define DT_COPY_BAR_MIN (16u << 20)
int dt_copy_progress(void *data, uint64_t done, uint64_t total);
/* Ends a bar left unfinished (an error stopped the work) with a newline, so
 * the error message starts on a line of its own. */
void dt_bar_end(struct dt_bar *b);

#endif
