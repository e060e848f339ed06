/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the image formats, built once per format: fuzz-vhd
 * (FUZZ_FORMAT=DISK_FORMAT_VHD) and fuzz-vhdx (FUZZ_FORMAT=DISK_FORMAT_VHDX,
 * whose open replays a VHDX log: in memory read-only, into the image when
 * writable).  The input is an image file on an in-memory backend; inputs that
 * probe as another format are left alone, so each fuzzer stays on its parser.
 * Read-only: info, the allocation map and reads at the start, middle and end.
 * Writable: a sector written where it needs no new block (and at offset 0
 * when blocks are small) reads back the same, before and after the image is
 * closed and opened again.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk.h"
#include "fuzz.h"

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT=DISK_FORMAT_VHD or DISK_FORMAT_VHDX"
#endif

#define MAP_STEPS 256
#define SECTOR 512u
/* Writes that allocate a block copy it in memory: only with small blocks. */
#define ALLOC_BLOCK_MAX (4u << 20)

static uint8_t buf[4096];

/* First allocated byte (sector aligned) found in MAP_STEPS runs, or size. */
static uint64_t
walk_map(disk_t *d, uint64_t size)
{
	uint64_t off = 0, run, first = size;
	int alloc, i;

	for (i = 0; i < MAP_STEPS && off < size; i++) {
		if (disk_map(d, off, size - off, &run, &alloc) < 0)
			break;
		FUZZ_ASSERT(run > 0 && run <= size - off);
		if (alloc && first == size)
			first = off & ~(uint64_t)(SECTOR - 1);
		off += run;
	}
	return first;
}

static void
read_some(disk_t *d, uint64_t size)
{
	size_t n = size < sizeof(buf) ? (size_t)size : sizeof(buf);

	disk_read(d, 0, buf, n);
	disk_read(d, (size / 2) & ~(uint64_t)(SECTOR - 1), buf, n / 2);
	disk_read(d, size - n, buf, n);
}

static int
read_check(disk_t *d, uint64_t off, const uint8_t *want)
{
	uint8_t got[SECTOR];

	if (disk_read(d, off, got, SECTOR) < 0)
		return -1;
	FUZZ_ASSERT(memcmp(got, want, SECTOR) == 0);
	return 0;
}

/* Write one sector at each offset, read it back, reopen, read it again. */
static void
write_some(const uint8_t *data, size_t size, uint64_t *offs, int n)
{
	struct fuzz_mem *m = fuzz_mem_new(data, size);
	uint8_t pat[SECTOR];
	int ok[2] = { 0, 0 }, i;
	disk_t *d;

	if (!m)
		return;
	m->keep = 1;
	memset(pat, 0xA5, sizeof(pat));
	if (fuzz_disk_open_mem(&d, m, DISK_OPEN_WRITE) == 0) {
		for (i = 0; i < n; i++) {
			pat[0] = (uint8_t)i;
			ok[i] = disk_write(d, offs[i], pat, SECTOR) == 0 &&
				read_check(d, offs[i], pat) == 0;
		}
		if (disk_close(d) < 0)
			ok[0] = ok[1] = 0;
		if ((ok[0] || ok[1]) && fuzz_disk_open_mem(&d, m, 0) == 0) {
			for (i = 0; i < n; i++) {
				pat[0] = (uint8_t)i;
				if (ok[i])
					FUZZ_ASSERT(read_check(d, offs[i], pat) == 0);
			}
			disk_close(d);
		}
	}
	free(m->buf);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk_info info;
	uint64_t vsize, offs[2];
	int n = 0;
	disk_t *d;

	if (size > (16u << 20) || fuzz_disk_open(&d, data, size, 0) < 0)
		return 0;
	if (disk_get_info(d, &info) < 0 || info.format != FUZZ_FORMAT) {
		disk_close(d);
		return 0;
	}
	vsize = disk_size(d);
	FUZZ_ASSERT(vsize == info.virtual_size);
	if (vsize >= SECTOR) {
		read_some(d, vsize);
		offs[0] = walk_map(d, vsize);
		if (offs[0] < vsize)
			n++;
		if ((n == 0 || offs[0] != 0) &&
		    (info.type == DISK_TYPE_FIXED || info.block_size <= ALLOC_BLOCK_MAX))
			offs[n++] = 0;
	}
	disk_close(d);
	if (n > 0)
		write_some(data, size, offs, n);
	return 0;
}
