/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the partition-table readers (MBR with extended partitions,
 * GPT with its backup): the input is a raw disk on an in-memory
 * disk_io_ops backend.  Invariants: every partition read lies inside the
 * disk and has a unique number; a table that was read and is written back
 * reads back the same partitions.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk.h"
#include "fuzz.h"

static void
check_parts(const struct disk_label *l, uint64_t size)
{
	unsigned i, j;

	FUZZ_ASSERT(l->count <= DISK_LABEL_MAX_PARTS);
	for (i = 0; i < l->count; i++) {
		const struct disk_partition *p = &l->part[i];

		FUZZ_ASSERT(p->size > 0 && p->offset < size && p->size <= size - p->offset);
		FUZZ_ASSERT(memchr(p->name, '\0', sizeof(p->name)) != NULL);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(l->part[j].number != p->number);
	}
}

static int
same_parts(const struct disk_label *a, const struct disk_label *b)
{
	unsigned i;

	if (a->type != b->type || a->count != b->count)
		return 0;
	for (i = 0; i < a->count; i++) {
		const struct disk_partition *p = &a->part[i], *q = &b->part[i];

		if (p->number != q->number || p->offset != q->offset || p->size != q->size ||
		    p->mbr_type != q->mbr_type || memcmp(p->type_guid, q->type_guid, 16) ||
		    memcmp(p->guid, q->guid, 16) || p->attributes != q->attributes ||
		    strcmp(p->name, q->name))
			return 0;
	}
	return a->type != DISK_LABEL_GPT || memcmp(a->disk_guid, b->disk_guid, 16) == 0;
}

/* Write the table read from data onto a copy and read it again. */
static void
rewrite(const uint8_t *data, size_t size, const struct disk_label *l)
{
	struct disk_label *again = malloc(sizeof(*again));
	disk_t *d;

	if (!again)
		return;
	if (fuzz_disk_open(&d, data, size, DISK_OPEN_WRITE | DISK_OPEN_RAW) == 0) {
		if (disk_label_write(d, l) == 0) {
			FUZZ_ASSERT(disk_label_read(d, again) == 0);
			FUZZ_ASSERT(same_parts(l, again));
		}
		disk_close(d);
	}
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk_part_identity id;
	struct disk_label *l;
	disk_t *d;
	unsigned i;

	if (size > (4u << 20) || !(l = malloc(sizeof(*l))))
		return 0;
	if (fuzz_disk_open(&d, data, size, DISK_OPEN_RAW) < 0) {
		free(l);
		return 0;
	}
	if (disk_label_read(d, l) == 0) {
		check_parts(l, disk_size(d));
		for (i = 0; i < l->count && i < 4; i++)
			FUZZ_ASSERT(disk_partition_identity(d, l->part[i].number, &id) == 0);
		disk_close(d);
		rewrite(data, size, l);
	} else {
		disk_close(d);
	}
	free(l);
	return 0;
}
