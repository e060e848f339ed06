/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hive bins and cells: the walk that validates every hbin and cell and
 * records where cells start, and the checked accessor every record reader
 * goes through.  A cell offset handed in from outside (a list entry, a handle)
 * is trusted only if the walk saw a cell start there, so no record can
 * overlap another or cross an hbin.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

bool
hv_is_cell_start(const struct hive *h, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN;

	if (off % HIVE_CELL_ALIGN || off >= h->bins_len || !h->cellmap)
		return false;
	/* A lazy handle maps the hbin first; the map is a cache, so the const
	 * of the question does not stop it from being filled. */
	if (h->lazy && hv_scan_at((struct hive *)h, off) < 0)
		return false;
	return (h->cellmap[slot / 8] >> (slot % 8)) & 1;
}

static void
mark_cell(struct hive *h, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN;

	h->cellmap[slot / 8] |= (uint8_t)(1u << (slot % 8));
}

/* Cells of one hbin at [start, start+size): they must tile it exactly. */
static int
scan_cells(struct hive *h, uint32_t start, uint32_t size)
{
	uint32_t off = start + HIVE_HBIN_HDR, end = start + size;

	while (off < end) {
		int32_t raw;
		uint32_t csize;

		if (end - off < 4)
			return hv_error(h, BK_ECORRUPT,
				      "cell at offset 0x%x runs past its hbin", off);
		raw = (int32_t)bk_le32(hv_bins(h, off));
		csize = raw < 0 ? (uint32_t)-(int64_t)raw : (uint32_t)raw;
		if (csize < 8 || csize % HIVE_CELL_ALIGN)
			return hv_error(h, BK_ECORRUPT,
				      "cell at offset 0x%x has invalid size %d", off, raw);
		if (csize > end - off)
			return hv_error(h, BK_ECORRUPT,
				      "cell at offset 0x%x (size %u) crosses the end of its hbin at 0x%x", off, csize, end);
		mark_cell(h, off);
		off += csize;
	}
	return 0;
}

/* Header of the hbin at off; returns its size or 0 after setting an error. */
static uint32_t
check_hbin(struct hive *h, uint32_t off, uint32_t limit)
{
	const uint8_t *p = hv_bins(h, off);
	uint32_t size;

	if (limit - off >= HIVE_HBIN_ALIGN && hv_lazy_load(h, off, HIVE_HBIN_HDR) < 0)
		return 0;
	if (limit - off < HIVE_HBIN_ALIGN) {
		hv_error(h, BK_ECORRUPT, "hive bins end inside a page at offset 0x%x", off);
		return 0;
	}
	if (memcmp(p, "hbin", 4) != 0) {
		hv_error(h, BK_ECORRUPT, "no hbin signature at offset 0x%x", off);
		return 0;
	}
	size = bk_le32(p + 8);
	if (bk_le32(p + 4) != off) {
		hv_error(h, BK_ECORRUPT, "hbin at offset 0x%x says it is at 0x%x", off,
			 bk_le32(p + 4));
		return 0;
	}
	if (size < HIVE_HBIN_ALIGN || size % HIVE_HBIN_ALIGN || size > limit - off) {
		hv_error(h, BK_ECORRUPT, "hbin at offset 0x%x has invalid size 0x%x", off, size);
		return 0;
	}
	return size;
}

/*
 * Salvage: after a bad hbin, resume at the next page that holds a valid hbin
 * header.  Returns the offset, or limit if none.
 */
static uint32_t
next_good_hbin(struct hive *h, uint32_t off, uint32_t limit)
{
	for (off += HIVE_HBIN_ALIGN; off < limit && limit - off >= HIVE_HBIN_ALIGN;
	     off += HIVE_HBIN_ALIGN) {
		const uint8_t *p = hv_bins(h, off);
		if (memcmp(p, "hbin", 4) == 0 && bk_le32(p + 4) == off)
			return off;
	}
	return limit;
}

/* ---- lazy mapping (HIVE_OPEN_LAZY) ------------------------------------------ */

#define PAGE_OF(off) ((off) / HIVE_HBIN_ALIGN)

static bool
page_done(const struct hive *h, uint32_t pg)
{
	return (h->pdone[pg / 8] >> (pg % 8)) & 1;
}

/* Walk hbin headers until the one holding off is known. */
static int
walk_headers(struct hive *h, uint32_t off)
{
	while (h->hdr_next <= off && h->hdr_next < h->bins_len) {
		uint32_t start = h->hdr_next, size = check_hbin(h, start, h->bins_len), pg;

		if (!size) {
			h->hdr_next = h->bins_len;  /* nothing after a bad header is reachable */
			return -BK_ECORRUPT;
		}
		for (pg = PAGE_OF(start); pg < PAGE_OF(start + size); pg++)
			h->pstart[pg] = start;
		h->hdr_next = start + size;
	}
	return off < h->hdr_next ? 0 : hv_error(h, BK_ECORRUPT,
					      "offset 0x%x is past the last hbin", off);
}

/* A valid hbin header at start (offset field, size), ending at the end of
 * the hive bins or at another such header; its size, or 0. */
static uint32_t
header_at(struct hive *h, uint32_t start)
{
	const uint8_t *p = hv_bins(h, start), *q;
	uint32_t size, end;

	if (hv_lazy_load(h, start, HIVE_HBIN_HDR) < 0)
		return 0;
	size = bk_le32(p + 8);
	if (memcmp(p, "hbin", 4) != 0 || bk_le32(p + 4) != start || size < HIVE_HBIN_ALIGN ||
	    size % HIVE_HBIN_ALIGN || size > h->bins_len - start)
		return 0;
	end = start + size;
	if (end == h->bins_len)
		return size;
	if (hv_lazy_load(h, end, HIVE_HBIN_HDR) < 0)
		return 0;
	q = hv_bins(h, end);
	return memcmp(q, "hbin", 4) == 0 && bk_le32(q + 4) == end ? size : 0;
}

/*
 * An edit (no header walk at open) finds the hbin holding off by looking
 * back page by page for a header that covers it and links to the next one,
 * instead of walking every header from the first: the cost of an edit must
 * not grow with the hive.  Back to the headers already walked, it walks on
 * from there instead.
 */
static int
find_hbin(struct hive *h, uint32_t off)
{
	uint32_t pg = PAGE_OF(off), start, size, p;

	if (!(h->flags & HIVE_OPEN_WRITE) || off < h->hdr_next)
		return walk_headers(h, off);
	for (start = pg * HIVE_HBIN_ALIGN; start >= h->hdr_next; start -= HIVE_HBIN_ALIGN) {
		if ((size = header_at(h, start)) != 0 && start + size > off) {
			for (p = PAGE_OF(start); p < PAGE_OF(start + size); p++)
				h->pstart[p] = start;
			return 0;
		}
		if (start == 0)
			break;
	}
	return walk_headers(h, off);
}

int
hv_scan_at(struct hive *h, uint32_t off)
{
	uint32_t pg = PAGE_OF(off), start, size, p;
	int rc;

	if (!h->lazy || off >= h->bins_len || page_done(h, pg))
		return 0;
	if ((rc = find_hbin(h, off)) < 0)
		return rc;
	start = h->pstart[pg];
	size = bk_le32(hv_bins(h, start) + 8);
	if ((rc = hv_lazy_load(h, start, size)) < 0)
		return rc;
	rc = scan_cells(h, start, size);
	if (rc < 0)     /* nothing of a damaged hbin is used */
		memset(h->cellmap + start / HIVE_CELL_ALIGN / 8, 0, size / HIVE_CELL_ALIGN / 8);
	for (p = PAGE_OF(start); p < PAGE_OF(start + size); p++)
		h->pdone[p / 8] |= (uint8_t)(1u << (p % 8));
	return rc;
}

int
hv_scan_rest(struct hive *h)
{
	uint32_t off = 0;
	int rc;

	while (h->lazy && off < h->bins_len) {
		if ((rc = hv_scan_at(h, off)) < 0)
			return rc;
		off = h->pstart[PAGE_OF(off)] + bk_le32(hv_bins(h, h->pstart[PAGE_OF(off)]) + 8);
	}
	return 0;
}

uint32_t
hv_hbin_of(const struct hive *h, uint32_t off)
{
	return h->lazy ? h->pstart[PAGE_OF(off)] : 0;
}

static int
lazy_setup(struct hive *h)
{
	size_t pages = h->bins_len / HIVE_HBIN_ALIGN + 1;

	h->pstart = bk_calloc(pages, sizeof(*h->pstart));
	h->pdone = bk_calloc(pages / 8 + 1, 1);
	if (!h->pstart || !h->pdone)
		return hv_error(h, BK_ENOMEM, "out of memory for the cell map");
	h->hdr_next = 0;
	/*
	 * Read-only, the chain of hbin headers is checked at once (a page per
	 * hbin), so a file whose hbins do not follow each other is refused at
	 * open as without HIVE_OPEN_LAZY.  For an edit even that would make the
	 * cost grow with the hive: headers are walked as far as the edit
	 * reaches, and all of them before an hbin is appended (alloc.c), so
	 * nothing is ever written beyond a damaged header.
	 */
	if (h->flags & HIVE_OPEN_WRITE)
		return 0;
	return h->bins_len ? walk_headers(h, h->bins_len - 1) : 0;
}

int
hv_scan_bins(struct hive *h)
{
	uint64_t avail = h->len - HIVE_BASE_SIZE;
	uint32_t limit = h->base.hbins_size, off = 0;
	bool salvage = h->flags & HIVE_OPEN_SALVAGE;

	if (limit > avail) {
		h->state |= HIVE_STATE_TRUNCATED;
		if (!salvage)
			return hv_error(h, BK_ECORRUPT,
				      "truncated: header says 0x%x bytes of hive bins, file has 0x%llx", limit, (unsigned long long)avail);
		limit = (uint32_t)(avail / HIVE_HBIN_ALIGN * HIVE_HBIN_ALIGN);
	}
	bk_free(h->cellmap);
	h->cellmap_len = (limit / HIVE_CELL_ALIGN + 7) / 8 + 1;
	h->cellmap = bk_calloc(h->cellmap_len, 1);
	if (!h->cellmap)
		return hv_error(h, BK_ENOMEM, "out of memory for the cell map");
	h->bins_len = limit;
	h->lazy = (h->flags & HIVE_OPEN_LAZY) && !salvage;
	if (h->lazy)
		return lazy_setup(h);
	while (off < limit) {
		uint32_t size = check_hbin(h, off, limit);
		int rc = size ? scan_cells(h, off, size) : -BK_ECORRUPT;

		if (rc == 0) {
			off += size;
			continue;
		}
		if (!salvage)
			return rc;
		h->state |= HIVE_STATE_SALVAGED;
		hv_msg(h, "%s", h->err.msg);
		off = next_good_hbin(h, off, limit);
	}
	bk_err_clear(&h->err);
	return 0;
}

int
hv_cell(struct hive *h, uint32_t off, size_t min, struct bk_view *out)
{
	int32_t raw;
	uint32_t size;

	if (h->lazy && off < h->bins_len && off % HIVE_CELL_ALIGN == 0) {
		int rc = hv_scan_at(h, off);
		if (rc < 0)
			return rc;
	}
	if (!hv_is_cell_start(h, off))
		return hv_error(h, BK_ECORRUPT, "offset 0x%x is not a cell", off);
	raw = (int32_t)bk_le32(hv_bins(h, off));
	if (raw >= 0)
		return hv_error(h, BK_ECORRUPT, "cell at offset 0x%x is free", off);
	size = (uint32_t)-(int64_t)raw;
	if (size - 4 < min)
		return hv_error(h, BK_ECORRUPT,
			      "cell at offset 0x%x is too small (%u bytes, need %zu)", off,
			      size - 4, min);
	*out = bk_view_make(hv_bins(h, off) + 4, size - 4);
	return 0;
}
