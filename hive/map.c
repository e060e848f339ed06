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
 * A lazy writable handle maps the file privately at the start of a
 * reservation as large as a hive may grow: edits copy the pages they change,
 * hbins are appended in the anonymous memory after the file, and opening a
 * large hive for a small edit reads nothing but what the edit reaches.
 */
static uint8_t *
map_for_write(const char *path, size_t *len, size_t *reserved)
{
	size_t res = (size_t)HIVE_MAX_FILE_SIZE;
	struct stat st;
	void *r, *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)HIVE_BASE_SIZE ||
	    (uint64_t)st.st_size > HIVE_MAX_FILE_SIZE / 2) {
		close(fd);
		return NULL;
	}
	r = mmap(NULL, res, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (r == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	p = mmap(r, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		munmap(r, res);
		return NULL;
	}
	*len = (size_t)st.st_size;
	*reserved = res;
	return p;
}

int
hive_load_primary(struct hive *h, const char *path)
{
	size_t len = 0, res = 0;
	uint8_t *p;

	if ((h->flags & HIVE_OPEN_WRITE) && (h->flags & HIVE_OPEN_LAZY) &&
	    (p = map_for_write(path, &len, &res)) != NULL) {
		if (!hive_image_dirty(p, len)) {
			h->buf = p;
			h->len = len;
			h->cap = res - HIVE_HBIN_ALIGN;
			h->mapped = res;
			return 0;
		}
		munmap(p, res);
	}
	if (!(h->flags & HIVE_OPEN_WRITE) && (p = map_file(path, &len)) != NULL) {
		if ((h->flags & HIVE_OPEN_NO_LOGS) || !hive_image_dirty(p, len)) {
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
hive_free_buf(struct hive *h)
{
	if (h->mapped)
		munmap(h->buf, h->mapped);
	else
		bk_free(h->buf);
	h->buf = NULL;
	h->mapped = 0;
}
