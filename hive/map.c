/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading the primary file.  A hive opened read-only is mapped, not read:
 * a listing or a lookup then touches only the pages it needs and nothing is
 * copied (a private mapping, so the file itself is never changed through
 * it).  A hive opened for writing is read into memory, which the write side
 * grows and edits; so is a dirty hive, which log replay rebuilds in a new
 * buffer.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-atomic.h"
#include "hive-internal.h"

/* The file mapped, or NULL (the caller then reads it the ordinary way). */
static uint8_t *
map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)HIVE_BASE_SIZE ||
	    (uint64_t)st.st_size > HIVE_MAX_FILE_SIZE) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/*
 * A lazy handle (HIVE_OPEN_LAZY) reads the file a piece at a time, as the
 * hbins are reached (hv_lazy_load()), into a reservation as large as a
 * hive may grow: opening a large hive for a lookup or a small edit reads
 * only what that reaches, and hbins are appended after the file without a
 * copy.  It is read, not mapped: a mapping's pages would change, or vanish,
 * with the file if another program rewrote it while the edit is held.
 */
static int
open_lazy(struct hive *h, const char *path)
{
	size_t res = (size_t)HIVE_MAX_FILE_SIZE;
	struct stat st;
	void *r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)HIVE_BASE_SIZE ||
	    (uint64_t)st.st_size > HIVE_MAX_FILE_SIZE / 2) {
		close(fd);
		return 1;
	}
	r = mmap(NULL, res, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	h->lazy_loaded = bk_calloc((size_t)st.st_size / HIVE_HBIN_ALIGN / 8 + 2, 1);
	if (r == MAP_FAILED || !h->lazy_loaded ||
	    pread(fd, r, HIVE_BASE_SIZE, 0) != (ssize_t)HIVE_BASE_SIZE ||
	    hv_image_dirty(r, (size_t)st.st_size)) {
		if (r != MAP_FAILED)
			munmap(r, res);
		bk_free(h->lazy_loaded);
		h->lazy_loaded = NULL;
		close(fd);
		return 1;
	}
	h->buf = r;
	h->len = (size_t)st.st_size;
	h->cap = res - HIVE_HBIN_ALIGN;
	h->mapped = res;
	h->lazy_fd = fd;
	h->lazy_size = (uint64_t)st.st_size;
	return 0;
}

int
hv_lazy_load(struct hive *h, uint32_t off, size_t len)
{
	uint64_t file_bins = h->lazy_size - HIVE_BASE_SIZE, pg, last;

	if (!h->lazy_loaded || len == 0)
		return 0;
	last = ((uint64_t)off + len - 1) / HIVE_HBIN_ALIGN;
	for (pg = off / HIVE_HBIN_ALIGN; pg <= last && pg * HIVE_HBIN_ALIGN < file_bins; pg++) {
		uint64_t at = pg * HIVE_HBIN_ALIGN, n = HIVE_HBIN_ALIGN, run = 1;
		ssize_t r;

		if ((h->lazy_loaded[pg / 8] >> (pg % 8)) & 1)
			continue;
		/* One read for the run of pages not loaded yet. */
		while (pg + run <= last && !((h->lazy_loaded[(pg + run) / 8] >> ((pg + run) % 8)) & 1))
			run++;
		n = run * HIVE_HBIN_ALIGN;
		if (at + n > file_bins)
			n = file_bins - at;
		r = pread(h->lazy_fd, hv_bins(h, (uint32_t)at), (size_t)n,
			  (off_t)(HIVE_BASE_SIZE + at));
		if (r != (ssize_t)n)
			return hv_error(h, BK_EIO, "cannot read at offset 0x%llx",
				      (unsigned long long)(HIVE_BASE_SIZE + at));
		for (; run > 0; run--, pg++)
			h->lazy_loaded[pg / 8] |= (uint8_t)(1u << (pg % 8));
		pg--;
	}
	return 0;
}

int
hv_load_primary(struct hive *h, const char *path)
{
	size_t len = 0;
	uint8_t *p;

	if ((h->flags & HIVE_OPEN_LAZY) && !(h->flags & HIVE_OPEN_SALVAGE) && open_lazy(h, path) == 0)
		return 0;
	if (!(h->flags & HIVE_OPEN_WRITE) && (p = map_file(path, &len)) != NULL) {
		if ((h->flags & HIVE_OPEN_NO_LOGS) || !hv_image_dirty(p, len)) {
			h->buf = p;
			h->len = len;
			h->mapped = len;
			return 0;
		}
		munmap(p, len);
	}
	return bk_read_file(&h->err, path, &h->buf, &h->len, HIVE_MAX_FILE_SIZE);
}

void
hv_free_buf(struct hive *h)
{
	if (h->mapped)
		munmap(h->buf, h->mapped);
	else
		bk_free(h->buf);
	if (h->lazy_loaded)
		close(h->lazy_fd);
	bk_free(h->lazy_loaded);
	h->lazy_loaded = NULL;
	h->buf = NULL;
	h->mapped = 0;
}
