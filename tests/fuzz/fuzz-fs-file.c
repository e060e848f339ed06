/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for disk images inside volumes (disk_fs_open_disk(),
 * disk/fs-file.c): the input is a disk image (raw, VHD or VHDX, probed by
 * content) whose partitions hold file systems; every file of them (bounded
 * in depth and number) is opened as a disk in turn, and the volumes of that
 * inner disk are walked and every file read, one level deeper again for a
 * disk in a disk in a disk.  Invariants: a writable open is refused and
 * leaves nothing; a disk read through the file agrees byte for byte with
 * the file read whole (the two ways of the driver: random access and in
 * order); reads past the end of the inner disk fail.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-fs.h"
#include "fuzz.h"

/* libntfs-3g's leak on a failed mount. */
#include "fuzz-ntfs-lsan.h"

#define MAX_NEST 2            /* the outer disk, a disk in it, one in that */
#define MAX_DEPTH 3           /* folder levels walked in each volume */
#define MAX_ENTRIES 64        /* entries visited in each volume */
#define MAX_PARTS 3           /* partitions tried after the default one */
#define MAX_READ (1u << 20)   /* bytes of a file read whole */
#define CMP_LEN 8192          /* bytes compared at each of a few offsets */

static void walk_disk(disk_t *d, int nest);

/* The file read whole and the same file as a raw disk agree. */
static void
compare_raw(disk_fs_t *fs, const char *path)
{
	uint8_t *whole, *buf;
	uint64_t offs[3];
	size_t len, i, n;
	char err[300];
	disk_t *in;

	if (disk_fs_read_file(fs, path, &whole, &len, MAX_READ) < 0)
		return;
	if (disk_fs_open_disk(&in, fs, path, DISK_OPEN_RAW, err, sizeof(err)) < 0) {
		free(whole);
		return;
	}
	FUZZ_ASSERT(disk_size(in) == len);
	buf = malloc(CMP_LEN);
	FUZZ_ASSERT(buf != NULL);
	offs[0] = 0;
	offs[1] = len / 2 + 1;
	offs[2] = len > CMP_LEN ? len - CMP_LEN : 0;
	for (i = 0; i < 3 && offs[i] < len; i++) {
		n = len - offs[i] < CMP_LEN ? len - offs[i] : CMP_LEN;
		if (disk_read(in, offs[i], buf, n) == 0)
			FUZZ_ASSERT(memcmp(buf, whole + offs[i], n) == 0);
	}
	FUZZ_ASSERT(disk_read(in, len, buf, 1) != 0);
	disk_close(in);
	free(buf);
	free(whole);
}

/* path as a disk of its own (probed by content), walked in turn. */
static void
open_inner(disk_fs_t *fs, const char *path, int nest)
{
	uint8_t sector[512];
	char err[300];
	disk_t *in = NULL;
	uint64_t size;

	FUZZ_ASSERT(disk_fs_open_disk(&in, fs, path, DISK_OPEN_WRITE, err, sizeof(err)) < 0);
	FUZZ_ASSERT(in == NULL);
	if (disk_fs_open_disk(&in, fs, path, 0, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(in == NULL && memchr(err, '\0', sizeof(err)) != NULL);
		return;
	}
	size = disk_size(in);
	if (size >= sizeof(sector))
		disk_read(in, size - sizeof(sector), sector, sizeof(sector));
	FUZZ_ASSERT(disk_read(in, size, sector, sizeof(sector)) != 0);
	walk_disk(in, nest + 1);
	disk_close(in);
}

struct walk {
	disk_fs_t *fs;
	const char *dir;
	int depth, nest;
	unsigned *budget;
};

static void list_dir(disk_fs_t *fs, const char *dir, int depth, int nest, unsigned *budget);

static int
visit(const struct disk_file_info *fi, void *data)
{
	struct walk *w = data;
	struct disk_file_info st;
	char path[2048];

	if (*w->budget == 0)
		return 1;
	(*w->budget)--;
	FUZZ_ASSERT(memchr(fi->name, '\0', sizeof(fi->name)) != NULL);
	if (!fi->name[0] || strchr(fi->name, '/'))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", strcmp(w->dir, "/") ? w->dir : "", fi->name);
	if (disk_fs_stat(w->fs, path, &st) < 0)
		return 0;
	if (st.is_dir) {
		list_dir(w->fs, path, w->depth + 1, w->nest, w->budget);
		return 0;
	}
	compare_raw(w->fs, path);
	if (w->nest < MAX_NEST && st.size >= 512)
		open_inner(w->fs, path, w->nest);
	return 0;
}

static void
list_dir(disk_fs_t *fs, const char *dir, int depth, int nest, unsigned *budget)
{
	struct walk w = { fs, dir, depth, nest, budget };

	if (depth <= MAX_DEPTH)
		disk_fs_list(fs, dir, visit, &w);
}

/* Every volume of d: the default one, then partitions 1 to MAX_PARTS. */
static void
walk_disk(disk_t *d, int nest)
{
	struct disk_fs_info info;
	unsigned part, budget, seen = 0;
	disk_fs_t *fs;

	for (part = 0; part <= MAX_PARTS; part++) {
		if (disk_fs_open(&fs, d, part, 0) < 0)
			continue;
		if (disk_fs_get_info(fs, &info) == 0 && part == 0)
			seen = info.partition;
		/* The default partition again under its number: skip it. */
		if (part == 0 || part != seen) {
			budget = MAX_ENTRIES;
			list_dir(fs, "/", 0, nest, &budget);
		}
		disk_fs_close(fs);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	disk_t *d;

	if (size < 512 || size > (8u << 20))
		return 0;
	if (fuzz_disk_open(&d, data, size, 0) < 0)
		return 0;
	walk_disk(d, 0);
	disk_close(d);
	return 0;
}
