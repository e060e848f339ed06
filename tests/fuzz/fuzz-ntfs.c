/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for NTFS through the file-system layer (disk/fs.c, libntfs-3g
 * underneath): the input is a bare NTFS volume on an in-memory disk_io_ops
 * backend.  Read-only: volume info, every folder listed (bounded in depth and
 * entries), every file stat'ed and read.  Writable: a folder and a file made
 * at the root read back after the volume is closed and opened again, and a
 * refused write leaves nothing half made.  Inputs that are not NTFS are left
 * alone (the FAT driver has fuzz-fat).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-fs.h"
#include "fuzz.h"

#include "fuzz-ntfs-lsan.h"

#define MAX_DEPTH 4
#define MAX_ENTRIES 256
#define MAX_READ (64u << 10)

struct walk {
	disk_fs_t *fs;
	const char *dir;
	int depth;
	unsigned *budget;
};

static void list_dir(disk_fs_t *fs, const char *dir, int depth, unsigned *budget);

static int
visit(const struct disk_file_info *fi, void *data)
{
	struct walk *w = data;
	struct disk_file_info st;
	char path[2048];
	uint8_t *buf;
	size_t len;

	if (*w->budget == 0)
		return 1;
	(*w->budget)--;
	FUZZ_ASSERT(memchr(fi->name, '\0', sizeof(fi->name)) != NULL);
	if (!fi->name[0] || strchr(fi->name, '/'))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", strcmp(w->dir, "/") ? w->dir : "", fi->name);
	if (disk_fs_stat(w->fs, path, &st) < 0)
		return 0;
	if (st.is_dir)
		list_dir(w->fs, path, w->depth + 1, w->budget);
	else if (disk_fs_read_file(w->fs, path, &buf, &len, MAX_READ) == 0)
		free(buf);
	return 0;
}

static void
list_dir(disk_fs_t *fs, const char *dir, int depth, unsigned *budget)
{
	struct walk w = { fs, dir, depth, budget };

	if (depth <= MAX_DEPTH)
		disk_fs_list(fs, dir, visit, &w);
}

/* 1 when the volume opened as NTFS. */
static int
read_side(disk_t *d)
{
	struct disk_fs_info info;
	unsigned budget = MAX_ENTRIES;
	disk_fs_t *fs;
	int ntfs;

	if (disk_fs_open(&fs, d, 0, 0) < 0)
		return 0;
	ntfs = disk_fs_get_type(fs) == DISK_FS_NTFS;
	if (ntfs) {
		disk_fs_get_info(fs, &info);
		list_dir(fs, "/", 0, &budget);
	}
	disk_fs_close(fs);
	return ntfs;
}

static const char text[] = "fuzz-ntfs: a file written into a hostile volume\n";

static void
write_side(const uint8_t *data, size_t size)
{
	struct fuzz_mem *m = fuzz_mem_new(data, size);
	disk_fs_t *fs;
	disk_t *d;
	uint8_t *buf;
	size_t len;
	int ok = 0;

	if (!m)
		return;
	m->keep = 1;
	if (fuzz_disk_open_mem(&d, m, DISK_OPEN_WRITE | DISK_OPEN_RAW) == 0) {
		if (disk_fs_open(&fs, d, 0, DISK_FS_WRITE) == 0) {
			ok = disk_fs_get_type(fs) == DISK_FS_NTFS &&
			     disk_fs_mkdir(fs, "/FuzzDir", 0) == 0 &&
			     disk_fs_write_file(fs, "/FuzzDir/f.txt", text, sizeof(text) - 1,
						DISK_FS_NO_REPLACE) == 0;
			if (disk_fs_close(fs) < 0)
				ok = 0;
		}
		if (disk_close(d) < 0)
			ok = 0;
	}
	if (ok && fuzz_disk_open_mem(&d, m, DISK_OPEN_RAW) == 0) {
		FUZZ_ASSERT(disk_fs_open(&fs, d, 0, 0) == 0);
		FUZZ_ASSERT(disk_fs_read_file(fs, "/FuzzDir/f.txt", &buf, &len, MAX_READ) == 0);
		FUZZ_ASSERT(len == sizeof(text) - 1 && memcmp(buf, text, len) == 0);
		free(buf);
		disk_fs_close(fs);
		disk_close(d);
	}
	free(m->buf);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	disk_t *d;
	int ntfs;

	if (size < 512 || size > (8u << 20))
		return 0;
	if (fuzz_disk_open(&d, data, size, DISK_OPEN_RAW) < 0)
		return 0;
	ntfs = read_side(d);
	disk_close(d);
	if (ntfs)
		write_side(data, size);
	return 0;
}
