/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared by the fuzz targets in tests/fuzz/.  Each target defines
 * LLVMFuzzerTestOneInput() (and may define LLVMFuzzerInitialize()); it is
 * built two ways:
 *  - "make fuzz": with clang -fsanitize=fuzzer,address,undefined as a
 *    libFuzzer binary (BK_LIBFUZZER defined);
 *  - "make check": linked with fuzz-main.c, a plain main() that feeds it
 *    every file under the folders named on the command line (the seed corpus
 *    that tests/fuzz/seeds.sh assembles, and fixtures/fuzz/TARGET/, the
 *    minimised inputs of past findings), so the same code runs on real input
 *    in every build and under ASan/UBSan with --enable-sanitizers.
 * Header-only (static), so each target includes its own copy.
 */
#ifndef BK_FUZZ_H
#define BK_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken invariant is a finding: say which and abort, so that libFuzzer
 * keeps the input and the plain driver fails. */
#define FUZZ_ASSERT(cond)                                                          \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n",      \
				__FILE__, __LINE__, #cond);                        \
			abort();                                                   \
		}                                                                  \
	} while (0)

/* Little-endian 32-bit field of a fuzz input header (0 past the end). */
static inline uint32_t
fuzz_le32(const uint8_t *p, size_t size, size_t off)
{
	if (off + 4 > size)
		return 0;
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

/* ---- an in-memory disk_io_ops backend ----------------------------------------- */

/* Writes may grow the buffer, but not without bound: a hostile image must
 * not make a target allocate gigabytes. */
#define FUZZ_MEM_MAX (64u << 20)

struct fuzz_mem {
	uint8_t *buf;
	size_t len;
	int keep;               /* the caller frees it, not disk_close() */
};

static inline int
fuzz_mem_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct fuzz_mem *m = priv;

	/* As the file backend: a read past the end of the container fails. */
	if (off > m->len || len > m->len - off)
		return -BK_ECORRUPT;
	memcpy(buf, m->buf + off, len);
	return 0;
}

static inline int
fuzz_mem_resize(struct fuzz_mem *m, uint64_t len)
{
	uint8_t *p;

	if (len > FUZZ_MEM_MAX)
		return -BK_ETOOBIG;
	p = realloc(m->buf, len ? (size_t)len : 1);
	if (!p)
		return -BK_ENOMEM;
	if (len > m->len)
		memset(p + m->len, 0, (size_t)len - m->len);
	m->buf = p;
	m->len = (size_t)len;
	return 0;
}

static inline int
fuzz_mem_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct fuzz_mem *m = priv;
	int rc;

	if (off > FUZZ_MEM_MAX || len > FUZZ_MEM_MAX - off)
		return -BK_ETOOBIG;
	if (off + len > m->len && (rc = fuzz_mem_resize(m, off + len)) < 0)
		return rc;
	memcpy(m->buf + off, buf, len);
	return 0;
}

static inline int
fuzz_mem_flush(void *priv)
{
	(void)priv;
	return 0;
}

static inline int
fuzz_mem_size(void *priv, uint64_t *out)
{
	*out = ((struct fuzz_mem *)priv)->len;
	return 0;
}

static inline int
fuzz_mem_truncate(void *priv, uint64_t len)
{
	return fuzz_mem_resize(priv, len);
}

static inline void
fuzz_mem_close(void *priv)
{
	struct fuzz_mem *m = priv;

	if (m->keep)
		return;
	free(m->buf);
	free(m);
}

/* A copy of data; NULL when out of memory. */
static inline struct fuzz_mem *
fuzz_mem_new(const uint8_t *data, size_t size)
{
	struct fuzz_mem *m = calloc(1, sizeof(*m));

	if (!m || !(m->buf = malloc(size ? size : 1))) {
		free(m);
		return NULL;
	}
	memcpy(m->buf, data, size);
	m->len = size;
	return m;
}

/*
 * Open m as a disk.  Unless m->keep is set, the handle owns m from then on
 * (disk_close() frees it), also when the open fails.
 * Returns: 0 and *out, or a negative code.
 */
static inline int
fuzz_disk_open_mem(disk_t **out, struct fuzz_mem *m, unsigned flags)
{
	static const struct disk_io_ops ops = {
		.struct_size = sizeof(struct disk_io_ops),
		.read_at = fuzz_mem_read,
		.write_at = fuzz_mem_write,
		.flush = fuzz_mem_flush,
		.size = fuzz_mem_size,
		.truncate = fuzz_mem_truncate,
		.close = fuzz_mem_close,
	};
	int rc = disk_open_io(out, &ops, m, "fuzz", flags, NULL, 0);

	if (rc < 0)
		fuzz_mem_close(m);
	return rc;
}

/* Open a copy of data as a disk.  Returns: 0 and *out, or a negative code. */
static inline int
fuzz_disk_open(disk_t **out, const uint8_t *data, size_t size, unsigned flags)
{
	struct fuzz_mem *m = fuzz_mem_new(data, size);

	*out = NULL;
	return m ? fuzz_disk_open_mem(out, m, flags) : -BK_ENOMEM;
}

#endif
