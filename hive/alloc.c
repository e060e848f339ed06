/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The write side's foundation: the undo journal that makes every edit all or
 * nothing, and the cell allocator.
 *
 * Undo.  An edit may fail halfway (no memory, a limit hit after some cells
 * were allocated).  Instead of planning every edit so that nothing can fail
 * after the first change, every change goes through hw_touch(), which first
 * records the old bytes; a failure replays the records backwards.  Cheap
 * (edits change few bytes) and correct by construction.
 *
 * Allocation.  Free cells are found through an index of size classes whose
 * entries are only hints: an entry is trusted if the cell map still says a
 * free cell of that class starts there, so stale entries cost nothing but a
 * check, and the index can always be rebuilt by walking the cells.  A cell
 * too big is split, a freed cell merges with free neighbours in its hbin,
 * and an hbin is appended only when nothing fits.  The cell map stays exact.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "hive-internal.h"

#define UNDO_MAP_BIT   0x80000000u     /* record restores cell-map bytes */
#define UNDO_KEEP_MAX  (1u << 20)      /* journal memory kept between edits */

uint64_t
hv_filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100;
}

int
hv_check_writable(struct hive *h)
{
	if (!(h->flags & HIVE_OPEN_WRITE))
		return hv_error(h, BK_EREADONLY, "hive was opened read-only");
	if (h->state & (HIVE_STATE_TRUNCATED | HIVE_STATE_SALVAGED))
		return hv_error(h, BK_EREADONLY,
			      "hive is truncated or was salvaged; it is never written");
	if ((h->state & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM)) &&
	    !(h->state & HIVE_STATE_RECOVERED) && !(h->flags & HIVE_OPEN_FORCE))
		return hv_error(h, BK_EDIRTY,
			      "hive is dirty (%s) and no transaction log was replayed; writing it "
			      "would lose the data in its logs (recover it first, or force)",
			      h->state & HIVE_STATE_BAD_CHECKSUM ? "bad header checksum"
			      : "sequence numbers differ");
	/* Edits on a tree with a loop could loop or corrupt it further.  A
	 * lazy handle verifies the subtree each edit reaches instead
	 * (hv_edit_reach()): a whole walk would cost every edit the hive. */
	if (h->tree == 0 && !h->lazy && hv_tree_verify(h, h->base.root_offset) == -BK_ENOMEM)
		return -BK_ENOMEM;
	if (h->tree < 0)
		return hv_error(h, BK_EREADONLY, "its keys form a loop or nest too deep; "
			      "the hive is read-only (see hivetool check)");
	return 0;
}

void
hv_wstate_free(struct hive *h)
{
	int i;

	if (!h->ws)
		return;
	for (i = 0; i < HIVE_FREE_BUCKETS; i++)
		bk_free(h->ws->fb[i].off);
	bk_free(h->ws->undo);
	bk_free(h->ws->dirty);
	hv_vindex_free(h);
	bk_free(h->ws);
	h->ws = NULL;
}

int
hw_begin(struct hive *h)
{
	struct hive_wstate *ws;
	int rc = hv_check_writable(h);

	if (rc < 0)
		return rc;
	if (!h->ws && !(h->ws = bk_calloc(1, sizeof(*h->ws))))
		return hv_error(h, BK_ENOMEM, "out of memory");
	ws = h->ws;
	if (ws->depth++ == 0) {
		ws->undo_len = 0;
		ws->saved_bins_len = h->bins_len;
		ws->saved_len = h->len;
		ws->saved_base = h->base;
		ws->now = hv_filetime_now();
	}
	return 0;
}

/* Replay the journal backwards: the oldest bytes of a range are restored last. */
static void
undo_all(struct hive *h)
{
	struct hive_wstate *ws = h->ws;
	size_t pos = ws->undo_len;

	while (pos >= 8) {
		uint32_t where = bk_le32(ws->undo + pos - 8), len = bk_le32(ws->undo + pos - 4);
		uint32_t n = len & ~UNDO_MAP_BIT;

		pos -= 8 + n;
		if (len & UNDO_MAP_BIT)
			memcpy(h->cellmap + where, ws->undo + pos, n);
		else
			memcpy(hv_bins(h, where), ws->undo + pos, n);
	}
}

int
hw_end(struct hive *h, int rc)
{
	struct hive_wstate *ws = h->ws;

	if (!ws || --ws->depth > 0)
		return rc;
	if (rc < 0 && (ws->undo_len || h->bins_len != ws->saved_bins_len)) {
		undo_all(h);
		h->bins_len = ws->saved_bins_len;
		h->len = ws->saved_len;
		h->base = ws->saved_base;
		ws->fb_valid = false;   /* cells may have come back: rescan */
		hv_edit_reach_reset(h);
	}
	ws->undo_len = 0;
	if (ws->undo_cap > UNDO_KEEP_MAX) {
		bk_free(ws->undo);
		ws->undo = NULL;
		ws->undo_cap = 0;
	}
	return rc;
}

static int
undo_record(struct hive *h, uint32_t where, const void *old, size_t n, uint32_t tag)
{
	struct hive_wstate *ws = h->ws;
	size_t need = ws->undo_len + n + 8;

	if (need > ws->undo_cap) {
		size_t cap = ws->undo_cap ? ws->undo_cap : 4096;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = bk_realloc(ws->undo, cap);
		if (!p)
			return hv_error(h, BK_ENOMEM, "out of memory");
		ws->undo = p;
		ws->undo_cap = cap;
	}
	memcpy(ws->undo + ws->undo_len, old, n);
	bk_put_le32(ws->undo + ws->undo_len + n, where);
	bk_put_le32(ws->undo + ws->undo_len + n + 4, (uint32_t)n | tag);
	ws->undo_len = need;
	return 0;
}

int
hw_touch(struct hive *h, uint32_t off, size_t n)
{
	struct hive_wstate *ws = h->ws;
	uint64_t lim;

	hv_dirty_mark(h, off, n);
	/* Bytes past the hive as it was before this edit need no record:
	 * restoring the sizes drops them. */
	lim = ws->saved_len > HIVE_BASE_SIZE ? ws->saved_len - HIVE_BASE_SIZE : 0;
	if (off >= lim)
		return 0;
	if (off + n > lim)
		n = (size_t)(lim - off);
	return undo_record(h, off, hv_bins(h, off), n, 0);
}

int
hw_write(struct hive *h, uint32_t off, const void *p, size_t n)
{
	int rc = hw_touch(h, off, n);

	if (rc == 0)
		memmove(hv_bins(h, off), p, n);
	return rc;
}

int
hw_put16(struct hive *h, uint32_t off, uint16_t v)
{
	uint8_t b[2];

	bk_put_le16(b, v);
	return hw_write(h, off, b, 2);
}

int
hw_put32(struct hive *h, uint32_t off, uint32_t v)
{
	uint8_t b[4];

	bk_put_le32(b, v);
	return hw_write(h, off, b, 4);
}

int
hw_put64(struct hive *h, uint32_t off, uint64_t v)
{
	uint8_t b[8];

	bk_put_le64(b, v);
	return hw_write(h, off, b, 8);
}

/* Set or clear the cell-start bit of off, journaled. */
static int
map_set(struct hive *h, uint32_t off, bool on)
{
	uint32_t slot = off / HIVE_CELL_ALIGN, byte = slot / 8;
	uint8_t bit = (uint8_t)(1u << (slot % 8));
	int rc;

	if (off < h->ws->saved_bins_len) {
		rc = undo_record(h, byte, h->cellmap + byte, 1, UNDO_MAP_BIT);
		if (rc < 0)
			return rc;
	}
	if (on)
		h->cellmap[byte] |= bit;
	else
		h->cellmap[byte] &= (uint8_t)~bit;
	return 0;
}

static int32_t
cell_raw(struct hive *h, uint32_t off)
{
	return (int32_t)bk_le32(hv_bins(h, off));
}

uint32_t
hv_cell_cap(struct hive *h, uint32_t off)
{
	return (uint32_t)-(int64_t)cell_raw(h, off) - 4;
}

/* ---- free-cell index ----------------------------------------------------- */

/* Size class: exact up to 248 bytes, then four classes per power of two. */
static unsigned
bucket_of(uint32_t size)
{
	unsigned k = 31 - (unsigned)__builtin_clz(size), b;

	if (size < 256)
		return size / 8;
	b = 32 + (k - 8) * 4 + ((size >> (k - 2)) & 3);
	return b < HIVE_FREE_BUCKETS ? b : HIVE_FREE_BUCKETS - 1;
}

static void
index_push(struct hive *h, uint32_t off, uint32_t size)
{
	struct hive_fbucket *b = &h->ws->fb[bucket_of(size)];

	if (!h->ws->fb_valid)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		uint32_t *p = bk_realloc(b->off, cap * sizeof(*p));
		if (!p) {
			h->ws->fb_valid = false;    /* lose the hint, rescan later */
			return;
		}
		b->off = p;
		b->cap = cap;
	}
	b->off[b->n++] = off;
}

/*
 * Index the free cells of the hbins from ws->fb_scan on, about want bytes
 * of them.  A lazy handle (HIVE_OPEN_LAZY) indexes a step at a time, only
 * as far as it must to find room, so a small edit does not read the hive.
 */
#define INDEX_STEP  (1u << 20)

static int
index_more(struct hive *h, uint64_t want)
{
	struct hive_wstate *ws = h->ws;
	uint32_t off = ws->fb_scan;
	uint64_t seen = 0;
	int rc;

	while (off < h->bins_len && seen < want) {
		uint32_t size, c;

		if ((rc = hv_scan_at(h, off)) < 0)
			return rc;
		size = bk_le32(hv_bins(h, off) + 8);
		c = off + HIVE_HBIN_HDR;
		seen += size;

		while (c < off + size) {
			int32_t raw = cell_raw(h, c);
			uint32_t cs = raw < 0 ? (uint32_t)-(int64_t)raw : (uint32_t)raw;
			if (raw > 0)
				index_push(h, c, cs);
			c += cs;
		}
		off += size;
	}
	ws->fb_scan = off;
	if (!ws->fb_valid)
		return hv_error(h, BK_ENOMEM, "out of memory for the free-cell index");
	return 0;
}

/* Start the index again (every hbin, or the first step of a lazy handle). */
static int
index_rebuild(struct hive *h)
{
	struct hive_wstate *ws = h->ws;
	int i;

	for (i = 0; i < HIVE_FREE_BUCKETS; i++)
		ws->fb[i].n = 0;
	ws->fb_valid = true;
	ws->fb_scan = 0;
	return index_more(h, h->lazy ? INDEX_STEP : UINT64_MAX);
}

/* A free cell of at least total bytes, or 0. */
static uint32_t
index_find(struct hive *h, uint32_t total)
{
	unsigned b;

	for (b = bucket_of(total); b < HIVE_FREE_BUCKETS; b++) {
		struct hive_fbucket *fb = &h->ws->fb[b];
		size_t i = fb->n;

		while (i-- > 0) {
			uint32_t off = fb->off[i];
			int32_t raw;

			if (!hv_is_cell_start(h, off) || (raw = cell_raw(h, off)) <= 0 ||
			    bucket_of((uint32_t)raw) != b) {
				fb->off[i] = fb->off[--fb->n];      /* stale hint */
				continue;
			}
			if ((uint32_t)raw >= total) {
				fb->off[i] = fb->off[--fb->n];
				return off;
			}
		}
	}
	return 0;
}

/* ---- hbins ----------------------------------------------------------------- */

/* The lazy map's page arrays, for hbins appended up to new_bins. */
static int
grow_lazy(struct hive *h, uint32_t new_bins)
{
	size_t old = h->bins_len / HIVE_HBIN_ALIGN + 1, pages = new_bins / HIVE_HBIN_ALIGN + 1;
	uint32_t *ps;
	uint8_t *pd;

	if (pages <= old)
		return 0;
	ps = bk_realloc(h->pstart, pages * sizeof(*ps));
	if (ps)
		h->pstart = ps;
	pd = ps ? bk_realloc(h->pdone, pages / 8 + 1) : NULL;
	if (!pd)
		return hv_error(h, BK_ENOMEM, "out of memory");
	h->pdone = pd;
	memset(ps + old, 0, (pages - old) * sizeof(*ps));
	memset(pd + old / 8 + 1, 0, pages / 8 - old / 8);
	return 0;
}

static int
grow_buffers(struct hive *h, uint32_t new_bins)
{
	int rc;
	size_t need = HIVE_BASE_SIZE + (size_t)new_bins;
	size_t map = ((size_t)new_bins / HIVE_CELL_ALIGN + 7) / 8 + 1;

	if (need > h->cap && h->mapped)     /* a mapping is never reallocated */
		return hv_error(h, BK_ETOOBIG, "hive too large");
	if (need > h->cap) {
		size_t cap = h->cap * 2 > need ? h->cap * 2 : need;
		uint8_t *p = bk_realloc(h->buf, cap);
		if (!p)
			return hv_error(h, BK_ENOMEM, "out of memory");
		h->buf = p;
		h->cap = cap;
	}
	if (h->lazy && (rc = grow_lazy(h, new_bins)) < 0)
		return rc;
	if (map > h->cellmap_len) {
		size_t len = h->cellmap_len * 2 > map ? h->cellmap_len * 2 : map;
		uint8_t *p = bk_realloc(h->cellmap, len);
		if (!p)
			return hv_error(h, BK_ENOMEM, "out of memory");
		memset(p + h->cellmap_len, 0, len - h->cellmap_len);
		h->cellmap = p;
		h->cellmap_len = len;
	}
	return 0;
}

/* Append an hbin holding one used cell of total bytes (and a free rest). */
static int
append_hbin(struct hive *h, uint32_t total, uint32_t *out)
{
	uint32_t start = h->bins_len, s;
	uint64_t size = ((uint64_t)total + HIVE_HBIN_HDR + HIVE_HBIN_ALIGN - 1) /
			HIVE_HBIN_ALIGN * HIVE_HBIN_ALIGN;
	uint8_t *p;
	int rc;

	if (HIVE_BASE_SIZE + start + size > HIVE_MAX_FILE_SIZE - HIVE_HBIN_ALIGN)
		return hv_error(h, BK_ETOOBIG, "hive would exceed %llu bytes",
			      (unsigned long long)HIVE_MAX_FILE_SIZE);
	rc = grow_buffers(h, start + (uint32_t)size);
	if (rc == 0)
		rc = hw_touch(h, start, (size_t)size);
	if (rc < 0)
		return rc;
	p = hv_bins(h, start);
	memset(p, 0, (size_t)size);
	memcpy(p, "hbin", 4);
	bk_put_le32(p + 4, start);
	bk_put_le32(p + 8, (uint32_t)size);
	/* Bits of the new range are not journaled: they lie past the old end. */
	for (s = start / HIVE_CELL_ALIGN; s < (start + (uint32_t)size) / HIVE_CELL_ALIGN; s++)
		h->cellmap[s / 8] &= (uint8_t)~(1u << (s % 8));
	if (h->lazy) {
		/* Every header up to here walked, and the new hbin's cells mapped. */
		for (s = start / HIVE_HBIN_ALIGN; s < (start + (uint32_t)size) / HIVE_HBIN_ALIGN; s++) {
			h->pstart[s] = start;
			h->pdone[s / 8] |= (uint8_t)(1u << (s % 8));
		}
		if (h->hdr_next == start)
			h->hdr_next = start + (uint32_t)size;
	}
	h->bins_len = start + (uint32_t)size;
	h->base.hbins_size = h->bins_len;
	if (h->len < HIVE_BASE_SIZE + (size_t)h->bins_len)
		h->len = HIVE_BASE_SIZE + (size_t)h->bins_len;
	*out = start + HIVE_HBIN_HDR;
	bk_put_le32(p + HIVE_HBIN_HDR, (uint32_t)size - HIVE_HBIN_HDR);   /* one free cell */
	map_set(h, *out, true);
	return 0;
}

int
hv_cell_alloc(struct hive *h, size_t payload, uint32_t *out)
{
	uint32_t total, off, have;
	int rc;

	if (payload > HIVE_MAX_FILE_SIZE / 2)
		return hv_error(h, BK_ETOOBIG, "cell of %zu bytes is too large", payload);
	total = (uint32_t)((payload + 4 + HIVE_CELL_ALIGN - 1) & ~(size_t)(HIVE_CELL_ALIGN - 1));
	if (!h->ws->fb_valid && (rc = index_rebuild(h)) < 0)
		return rc;
	off = index_find(h, total);
	while (!off && h->ws->fb_scan < h->bins_len) {
		if ((rc = index_more(h, INDEX_STEP)) < 0)
			return rc;
		off = index_find(h, total);
	}
	if (!off && (rc = append_hbin(h, total, &off)) < 0)
		return rc;
	have = (uint32_t)cell_raw(h, off);
	rc = hw_touch(h, off, total);
	if (rc == 0 && have > total) {
		rc = hw_put32(h, off + total, have - total);
		if (rc == 0)
			rc = map_set(h, off + total, true);
		if (rc == 0)
			index_push(h, off + total, have - total);
	}
	if (rc < 0)
		return rc;
	memset(hv_bins(h, off), 0, total);
	bk_put_le32(hv_bins(h, off), (uint32_t)-(int32_t)total);
	*out = off;
	return 0;
}

/* Start of the cell before off, or 0 if none in the map (offset 0 is a header). */
static uint32_t
prev_cell(struct hive *h, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN, lo = hv_hbin_of(h, off) / HIVE_CELL_ALIGN;

	/* A lazy handle may not have mapped the hbins before: stop at this one. */
	while (slot > lo) {
		slot--;
		if ((slot % 8) == 7 && h->cellmap[slot / 8] == 0) {
			slot -= 7;
			continue;
		}
		if ((h->cellmap[slot / 8] >> (slot % 8)) & 1)
			return slot * HIVE_CELL_ALIGN;
	}
	return 0;
}

int
hv_cell_free(struct hive *h, uint32_t off)
{
	uint32_t size = (uint32_t)-(int64_t)cell_raw(h, off), next = off + size, prev;
	int rc = 0;

	if (next < h->bins_len && hv_is_cell_start(h, next) && cell_raw(h, next) > 0) {
		size += (uint32_t)cell_raw(h, next);
		rc = map_set(h, next, false);
	}
	prev = prev_cell(h, off);
	if (rc == 0 && prev && cell_raw(h, prev) > 0 && prev + (uint32_t)cell_raw(h, prev) == off) {
		size += (uint32_t)cell_raw(h, prev);
		rc = map_set(h, off, false);
		off = prev;
	}
	if (rc == 0)
		rc = hw_put32(h, off, size);
	if (rc == 0)
		index_push(h, off, size);
	return rc;
}
