/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers shared by the partition-table unit tests (test-disk-label-*.c): a
 * zero-filled in-memory disk behind disk_open_io() whose writes can be made
 * to fail, and a label allocator.  Header-only (static), so each test
 * program has its own copy of the disk.  Kept apart from test-disk-util.h,
 * whose backend grows on writes past the end and fails every kind of
 * operation: here a write outside the disk is an error and only writes
 * fail, which is what the table tests assert on.
 */
#ifndef TEST_DISK_LABEL_UTIL_H
#define TEST_DISK_LABEL_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk.h"
#include "disk-internal.h"

#define MiB (1024u * 1024u)

/* ---- an in-memory disk ----------------------------------------------------- */

struct mem {
	uint8_t *p;
	size_t len;
};

static inline int
mem_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;

	if (off > m->len || len > m->len - off)
		return -BK_ECORRUPT;
	memcpy(buf, m->p + off, len);
	return 0;
}

/* Fault injection: the write after this many succeeds fails (-1: never). */
static long write_fail_at = -1;

static inline int
mem_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;

	if (write_fail_at == 0)
		return -BK_EIO;
	if (write_fail_at > 0)
		write_fail_at--;
	if (off > m->len || len > m->len - off)
		return -BK_EIO;
	memcpy(m->p + off, buf, len);
	return 0;
}

static inline int
mem_flush(void *priv)
{
	(void)priv;
	return 0;
}

static inline int
mem_size(void *priv, uint64_t *out)
{
	*out = ((struct mem *)priv)->len;
	return 0;
}

static const struct disk_io_ops mem_ops = {
	.struct_size = sizeof(struct disk_io_ops),
	.read_at = mem_read,
	.write_at = mem_write,
	.flush = mem_flush,
	.size = mem_size,
};

static struct mem mem;

static inline disk_t *
mem_disk(size_t size)
{
	disk_t *d;
	char err[256];

	free(mem.p);
	mem.p = calloc(1, size);
	mem.len = size;
	ck_assert_ptr_nonnull(mem.p);
	ck_assert_msg(disk_open_io(&d, &mem_ops, &mem, "mem", DISK_OPEN_RAW | DISK_OPEN_WRITE,
				   err, sizeof(err)) == 0, "%s", err);
	return d;
}

/* Re-open the same bytes (a fresh handle reads what is really there). */
static inline disk_t *
mem_reopen(void)
{
	disk_t *d;
	char err[256];

	ck_assert_msg(disk_open_io(&d, &mem_ops, &mem, "mem", DISK_OPEN_RAW | DISK_OPEN_WRITE,
				   err, sizeof(err)) == 0, "%s", err);
	return d;
}

static inline struct disk_label *
new_label(void)
{
	struct disk_label *l = malloc(sizeof(*l));

	ck_assert_ptr_nonnull(l);
	return l;
}

#endif
