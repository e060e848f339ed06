/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers for the disk unit tests: an in-memory disk_io_ops backend that can
 * fail its Nth operation, and small file helpers.  Header-only (static), so
 * each test program includes its own copy.
 */
#ifndef TEST_DISK_UTIL_H
#define TEST_DISK_UTIL_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bcdkit/disk.h"
#include "bk-check.h"
#include "bcdkit/disk-fs.h"
#include "bk-alloc.h"
#include "test-tmpdir.h"

struct mem {
	uint8_t *buf;
	size_t len;
	long fail_after;        /* <0 off; 0: this and every later operation fails */
	unsigned ops;           /* operations seen */
	unsigned writes;        /* write_at calls */
	unsigned flush_op[64];  /* operation numbers of the first flushes */
	unsigned nflush;
	uint64_t watch_off;     /* writes into [watch_off, +watch_len): */
	uint64_t watch_len;
	unsigned watch_op[64];  /* their operation numbers */
	unsigned nwatch;
};

static inline int
mem_fault(struct mem *m)
{
	m->ops++;
	if (m->fail_after < 0)
		return 0;
	if (m->fail_after == 0) {
		errno = EIO;
		return -BK_EIO;
	}
	m->fail_after--;
	return 0;
}

static inline int
mem_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;
	int rc = mem_fault(m);

	if (rc < 0)
		return rc;
	if (off > m->len || len > m->len - off)
		return -BK_ECORRUPT;
	memcpy(buf, m->buf + off, len);
	return 0;
}

static inline int
mem_grow(struct mem *m, uint64_t len)
{
	uint8_t *p;

	if (len <= m->len)
		return 0;
	p = realloc(m->buf, len);
	if (!p)
		return -BK_ENOMEM;
	memset(p + m->len, 0, len - m->len);
	m->buf = p;
	m->len = len;
	return 0;
}

static inline int
mem_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct mem *m = priv;
	int rc = mem_fault(m);

	if (rc < 0)
		return rc;
	m->writes++;
	if (off < m->watch_off + m->watch_len && off + len > m->watch_off &&
	    m->nwatch < sizeof(m->watch_op) / sizeof(m->watch_op[0]))
		m->watch_op[m->nwatch++] = m->ops - 1;
	rc = mem_grow(m, off + len);
	if (rc < 0)
		return rc;
	memcpy(m->buf + off, buf, len);
	return 0;
}

static inline int
mem_flush(void *priv)
{
	struct mem *m = priv;

	if (m->nflush < sizeof(m->flush_op) / sizeof(m->flush_op[0]))
		m->flush_op[m->nflush++] = m->ops;
	return mem_fault(m);
}

static inline int
mem_size(void *priv, uint64_t *out)
{
	struct mem *m = priv;

	*out = m->len;
	return 0;
}

static inline int
mem_truncate(void *priv, uint64_t len)
{
	struct mem *m = priv;
	int rc = mem_fault(m);

	if (rc < 0)
		return rc;
	if (len < m->len) {
		m->len = len;
		return 0;
	}
	return mem_grow(m, len);
}

/* No close: the test owns the buffer and checks it after disk_close(). */
static const struct disk_io_ops mem_ops = {
	.struct_size = sizeof(struct disk_io_ops),
	.read_at = mem_read,
	.write_at = mem_write,
	.flush = mem_flush,
	.size = mem_size,
	.truncate = mem_truncate,
	.close = NULL,
};

/* Load a file into a fresh mem backend. */
static inline void
mem_load(struct mem *m, const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "open %s", path);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	m->len = (size_t)st.st_size;
	m->buf = malloc(m->len ? m->len : 1);
	ck_assert_ptr_nonnull(m->buf);
	ck_assert_uint_eq(fread(m->buf, 1, m->len, f), m->len);
	fclose(f);
	m->fail_after = -1;
	m->ops = m->writes = m->nflush = m->nwatch = 0;
	m->watch_off = m->watch_len = 0;
}

static inline struct mem
mem_copy(const struct mem *src)
{
	struct mem m = *src;

	m.buf = malloc(src->len ? src->len : 1);
	ck_assert_ptr_nonnull(m.buf);
	memcpy(m.buf, src->buf, src->len);
	m.fail_after = -1;
	m.ops = m.writes = m.nflush = m.nwatch = 0;
	return m;
}

/* A fresh temporary folder for the test; path in out (size >= 64). */
static inline void
test_tmpdir(char *out, size_t n)
{
	snprintf(out, n, "/tmp/bk-disk-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(out));
}

/* Create an image at dir/name with the library and load it into *m. */
static inline void
make_image(struct mem *m, const char *dir, const char *name, enum disk_format fmt,
	   enum disk_type type, uint64_t size, uint32_t block_size)
{
	struct disk_create_opts o;
	char path[300], err[300];
	disk_t *d;

	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.type = type;
	o.size = size;
	o.block_size = block_size;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(disk_create(&d, path, &o, err, sizeof(err)) == 0, "create: %s", err);
	ck_assert_msg(disk_commit(d) == 0, "commit: %s", disk_last_error(d));
	bk_assert_ok_plain(disk_close(d));
	mem_load(m, path);
}

/* Deterministic test pattern. */
static inline void
fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static inline disk_t *
open_mem(struct mem *m, unsigned flags)
{
	char err[300];
	disk_t *d = NULL;
	int rc = disk_open_io(&d, &mem_ops, m, "mem", flags, err, sizeof(err));

	ck_assert_msg(rc == 0, "open: %s", err);
	return d;
}

/*
 * A new in-memory disk of len bytes that is one FAT32 volume (no partition
 * table), formatted with o (its type is set here), opened writable with
 * the extra open flags.
 */
static inline disk_t *
fat32_mem_disk(struct mem *m, uint64_t len, struct disk_fs_format_opts *o, unsigned flags)
{
	disk_t *d;

	memset(m, 0, sizeof(*m));
	m->len = len;
	m->buf = calloc(1, m->len);
	ck_assert_ptr_nonnull(m->buf);
	m->fail_after = -1;
	d = open_mem(m, DISK_OPEN_WRITE | flags);
	o->type = DISK_FS_FAT32;
	ck_assert_msg(disk_fs_format(d, 0, o) == 0, "format: %s", disk_last_error(d));
	return d;
}

#endif
