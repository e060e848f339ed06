/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The volumes bcdboot reads from and writes to: a host folder (a mounted
 * system partition, an ESP, a Windows tree) or a partition inside an image.
 * Paths are relative to the volume root with "\" or "/" separators; a path
 * with "..", ".", an empty component or a NUL is refused, and host paths are
 * walked one component at a time without following symbolic links, so
 * nothing is ever read or written outside the volume.
 */
#ifndef BOOTVOL_H
#define BOOTVOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bcdkit/disk.h"
#include "bcdkit/disk-fs.h"

#define BOOTVOL_MAX_FILE (256u << 20)   /* largest boot file read into memory */

struct bootvol {
	char name[8400];    /* for messages: the folder or IMAGE:PART */
	int dirfd;          /* host folder; -1 for an image */
	disk_fs_t *fs;      /* image partition (owned) */
	disk_t *disk;       /* its disk (owned when own_disk) */
	bool own_disk;
	bool own_fs;         /* false when borrowed from another volume */
	char err[1024];     /* detail of the last failure */
};

/* Called for each entry of a folder. */
typedef int (*bootvol_entry_cb)(const char *name, bool is_dir, void *data);

int bootvol_open_host(struct bootvol *v, const char *dir);
/* A partition of an opened disk; the volume owns fs, and d when own_disk. */
void bootvol_open_fs(struct bootvol *v, const char *name, disk_t *d, disk_fs_t *fs,
		     bool own_disk);
/* Image volumes: close the file system (flushing it) but keep the disk. */
int bootvol_close_fs(struct bootvol *v);
/* Flush and free; returns 0 or a negative code (image flush failed). */
int bootvol_close(struct bootvol *v);

/* 0 with *is_dir, -BK_ENOTFOUND when absent, or another negative code. */
int bootvol_stat(struct bootvol *v, const char *path, bool *is_dir);
int bootvol_list(struct bootvol *v, const char *path, bootvol_entry_cb cb, void *data);
int bootvol_read(struct bootvol *v, const char *path, uint8_t **buf, size_t *len);
/* mkdir -p inside the volume. */
int bootvol_mkdirs(struct bootvol *v, const char *path);
/* Replace or create a file so that a crash leaves the old or the new one. */
int bootvol_write(struct bootvol *v, const char *path, const void *buf, size_t len);
/* Hidden and system (and read-only when ro) attributes where the file
 * system has them (FAT and NTFS in images); host folders are left alone. */
int bootvol_hide(struct bootvol *v, const char *path, bool ro);

/* A name found inside a volume that may be used as one path component. */
bool bootvol_name_ok(const char *name);

#endif
