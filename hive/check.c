/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The structural checker: every rule Windows relies on when it loads a hive,
 * reported one problem at a time through a callback instead of stopping at
 * the first, so that a damaged hive gets a full list of findings.
 *
 * This file holds the driver, the base block, hbin and cell checks, the sk
 * ring and the search for cells nothing refers to; check-key.c walks the
 * key tree.  Ownership is one bit per 8-byte cell slot: the first record to
 * refer to a cell claims it, a second one is a "shared" problem (two owners,
 * or a loop), and an allocated cell never claimed is a leak.  The memory used
 * is 1/64 of the hive plus the table of referenced sk cells.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

static const char *const kind_names[] = {
	[HIVE_PROBLEM_BASE] = "base", [HIVE_PROBLEM_HBIN] = "hbin",
	[HIVE_PROBLEM_CELL] = "cell", [HIVE_PROBLEM_KEY] = "key",
	[HIVE_PROBLEM_LIST] = "list", [HIVE_PROBLEM_ORDER] = "order",
	[HIVE_PROBLEM_HASH] = "hash", [HIVE_PROBLEM_DUPLICATE] = "duplicate",
	[HIVE_PROBLEM_MAXLEN] = "maxlen", [HIVE_PROBLEM_VALUE] = "value",
	[HIVE_PROBLEM_SECURITY] = "security", [HIVE_PROBLEM_CLASS] = "class",
	[HIVE_PROBLEM_SHARED] = "shared", [HIVE_PROBLEM_LEAK] = "leak",
};

const char *
hive_problem_kind_name(unsigned kind)
{
	if (kind >= sizeof(kind_names) / sizeof(kind_names[0]) || !kind_names[kind])
		return "unknown";
	return kind_names[kind];
}

/* Path of the key on top of the stack, or NULL if it cannot be built. */
static char *
stack_path(struct hive_chk *c)
{
	size_t total = 1, i;
	char **names, *s = NULL;
	int d;

	if (c->depth <= 0)
		return c->depth == 0 ? bk_strdup("") : NULL;
	names = bk_calloc((size_t)c->depth, sizeof(*names));
	if (!names)
		return NULL;
	for (d = 1; d <= c->depth; d++) {
		uint16_t *u;
		size_t n;
		if (hive_key_name_utf16(c->h, c->stack[d], &u, &n) < 0)
			goto out;
		i = (size_t)d - 1;
		if (bk_utf16_to_utf8(u, n, true, &names[i]) < 0)
			names[i] = NULL;
		bk_free(u);
		if (!names[i])
			goto out;
		total += strlen(names[i]) + 1;
	}
	s = bk_malloc(total);
	if (s) {
		s[0] = '\0';
		for (d = 0; d < c->depth; d++) {
			if (d)
				strcat(s, "\\");
			strcat(s, names[d]);
		}
	}
out:
	for (d = 0; d < c->depth; d++)
		bk_free(names[d]);
	bk_free(names);
	bk_err_clear(&c->h->err);
	return s;
}

static void
deliver(struct hive_chk *c, unsigned kind, uint64_t file_off, bool in_tree, const char *msg)
{
	struct hive_problem p;
	char *path = in_tree ? stack_path(c) : NULL;

	c->count++;
	if (!c->cb || c->stop) {
		bk_free(path);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.file_offset = file_off;
	p.key = in_tree && c->depth >= 0 ? c->stack[c->depth] : 0;
	p.key_path = path;
	p.message = msg;
	if (c->cb(c->cb_data, &p) != 0)
		c->stop = true;
	bk_free(path);
}

void
hv_chk_report(struct hive_chk *c, unsigned kind, uint32_t off, const char *fmt, ...)
{
	char msg[BK_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	deliver(c, kind, off == HIVE_NONE ? 0 : HIVE_BASE_SIZE + (uint64_t)off, true, msg);
}

void
hv_chk_report_base(struct hive_chk *c, uint64_t file_off, const char *fmt, ...)
{
	char msg[BK_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	deliver(c, HIVE_PROBLEM_BASE, file_off, false, msg);
}

static bool
slot_test_and_set(uint8_t *map, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN;
	bool was = (map[slot / 8] >> (slot % 8)) & 1;

	map[slot / 8] |= (uint8_t)(1u << (slot % 8));
	return was;
}

bool
hv_chk_claim(struct hive_chk *c, uint32_t off, const char *what)
{
	if (!slot_test_and_set(c->owned, off))
		return true;
	hv_chk_report(c, HIVE_PROBLEM_SHARED, off,
			"%s at 0x%x is also referenced by another record", what, off);
	return false;
}

bool
hv_chk_cell(struct hive_chk *c, unsigned kind, uint32_t off, size_t min,
	      const char *what, struct bk_view *out)
{
	struct hive *h = c->h;
	int32_t raw;
	uint32_t size;

	if (!hv_is_cell_start(h, off)) {
		hv_chk_report(c, kind, HIVE_NONE, "%s offset 0x%x is not the start of a cell",
				what, off);
		return false;
	}
	raw = (int32_t)bk_le32(hv_bins(h, off));
	if (raw >= 0) {
		hv_chk_report(c, kind, off, "%s at 0x%x is in a free cell", what, off);
		return false;
	}
	size = (uint32_t)-(int64_t)raw - 4;
	if (size < min) {
		hv_chk_report(c, kind, off, "%s at 0x%x: cell holds %u bytes, %zu needed",
				what, off, size, min);
		return false;
	}
	*out = bk_view_make(hv_bins(h, off) + 4, size);
	return true;
}

/* ---- sk reference table ---------------------------------------------------- */

static size_t
sk_slot(const struct hive_chk *c, uint32_t off)
{
	size_t i = (size_t)(off * 2654435761u) & (c->sk_cap - 1);

	while (c->sks[i].off != HIVE_NONE && c->sks[i].off != off)
		i = (i + 1) & (c->sk_cap - 1);
	return i;
}

static int
sk_grow(struct hive_chk *c)
{
	struct hive_chk_sk *old = c->sks;
	size_t ocap = c->sk_cap, i;

	c->sk_cap = ocap ? ocap * 2 : 64;
	c->sks = bk_malloc(c->sk_cap * sizeof(*c->sks));
	if (!c->sks) {
		c->sks = old;
		c->sk_cap = ocap;
		return -BK_ENOMEM;
	}
	for (i = 0; i < c->sk_cap; i++)
		c->sks[i].off = HIVE_NONE;
	for (i = 0; i < ocap; i++)
		if (old[i].off != HIVE_NONE)
			c->sks[sk_slot(c, old[i].off)] = old[i];
	bk_free(old);
	return 0;
}

int
hv_chk_sk_ref(struct hive_chk *c, uint32_t off)
{
	size_t i;

	if ((c->sk_n + 1) * 2 > c->sk_cap && sk_grow(c) < 0)
		return c->err = -BK_ENOMEM;
	i = sk_slot(c, off);
	if (c->sks[i].off == HIVE_NONE) {
		c->sks[i].off = off;
		c->sks[i].refs = 0;
		c->sk_n++;
	}
	c->sks[i].refs++;
	return 0;
}

static struct hive_chk_sk *
sk_find(struct hive_chk *c, uint32_t off)
{
	size_t i;

	if (!c->sk_cap)
		return NULL;
	i = sk_slot(c, off);
	return c->sks[i].off == off ? &c->sks[i] : NULL;
}

/*
 * The sk cells form one ring through flink/blink.  Walk it from the root's
 * sk: every link must be returned by the next cell's blink, every sk used by
 * a key must be on it, and each reference count must equal the number of
 * keys using the cell.
 */
static void
check_sk_ring(struct hive_chk *c, uint32_t start)
{
	uint32_t cur = start, n = 0, limit = c->h->bins_len / 8 + 1;
	struct hive_chk_sk *e;
	struct bk_view v;
	size_t i;

	c->depth = -1;
	while (n++ < limit) {
		uint32_t flink, blink, refs;
		struct bk_view nv;

		if (!hv_chk_cell(c, HIVE_PROBLEM_SECURITY, cur, HIVE_SK_FIXED, "sk", &v))
			break;
		if (!hv_chk_claim(c, cur, "sk"))
			break;
		flink = bk_le32(v.p + 4);
		blink = bk_le32(v.p + 8);
		refs = bk_le32(v.p + 12);
		e = sk_find(c, cur);
		if (memcmp(v.p, "sk", 2) != 0)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, cur, "sk list reaches 0x%x, which is not an sk", cur);
		else if ((uint64_t)bk_le32(v.p + 16) + HIVE_SK_FIXED > v.len)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, cur,
					"sk at 0x%x: descriptor of %u bytes runs past its cell",
					cur,
					bk_le32(v.p + 16));
		if ((e ? e->refs : 0) != refs)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, cur,
					"sk at 0x%x: reference count %u, but %u keys use it",
					cur, refs, e ? e->refs : 0);
		if (e)
			e->refs = 0;    /* seen on the ring */
		if (hv_chk_cell(c, HIVE_PROBLEM_SECURITY, flink, HIVE_SK_FIXED, "next sk", &nv) &&
		    bk_le32(nv.p + 8) != cur)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, flink,
					"sk at 0x%x: back link 0x%x, but the sk at 0x%x links to it",
					flink, bk_le32(nv.p + 8), cur);
		(void)blink;
		if (flink == start)
			break;
		cur = flink;
	}
	for (i = 0; i < c->sk_cap; i++)
		if (c->sks[i].off != HIVE_NONE && c->sks[i].refs)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, c->sks[i].off,
					"sk at 0x%x is used by %u keys but is not on the sk list",
					c->sks[i].off, c->sks[i].refs);
}

/* ---- base block, hbins, cells ------------------------------------------------ */

static void
check_base(struct hive_chk *c)
{
	struct hive *h = c->h;
	const struct regf_base *b = &h->base;
	uint32_t sum = regf_checksum(h->buf);

	c->depth = -1;
	if (sum != b->checksum)
		hv_chk_report_base(c, 0x1FC, "header checksum is 0x%08x, should be 0x%08x",
				     b->checksum, sum);
	if (b->seq1 != b->seq2)
		hv_chk_report_base(c, 0x04, "hive is dirty: sequence numbers %u and %u differ",
				     b->seq1, b->seq2);
	if (b->major != 1 || b->minor < 3 || b->minor > 6)
		hv_chk_report_base(c, 0x14, "version %u.%u is not 1.3 to 1.6", b->major, b->minor);
	if (b->file_type != 0)
		hv_chk_report_base(c, 0x1C, "file type %u is not 0 (primary)", b->file_type);
	if (b->file_format != 1)
		hv_chk_report_base(c, 0x20, "file format %u is not 1", b->file_format);
	if (b->clustering != 1)
		hv_chk_report_base(c, 0x2C, "clustering factor %u is not 1", b->clustering);
	if (h->state & HIVE_STATE_TRUNCATED)
		hv_chk_report_base(c, 0x28,
				     "hive bins size 0x%x runs past the end of the file (0x%zx bytes of hive bins)",
				     b->hbins_size, h->len - HIVE_BASE_SIZE);
}

/* Cells of the hbin at start: every size a multiple of 8, tiling it exactly. */
static void
check_cells(struct hive_chk *c, uint32_t start, uint32_t size)
{
	struct hive *h = c->h;
	uint32_t off = start + HIVE_HBIN_HDR, end = start + size;

	while (off < end) {
		int32_t raw = (int32_t)bk_le32(hv_bins(h, off));
		uint32_t cs = raw < 0 ? (uint32_t)-(int64_t)raw : (uint32_t)raw;

		if (end - off < 8 || cs < 8 || cs % HIVE_CELL_ALIGN || cs > end - off) {
			hv_chk_report(c, HIVE_PROBLEM_CELL, off,
					"cell at 0x%x has size %d: cells no longer tile the hbin at 0x%x",
					off, raw, start);
			return;
		}
		off += cs;
	}
}

static void
check_bins(struct hive_chk *c)
{
	struct hive *h = c->h;
	uint32_t off = 0, limit = h->bins_len;

	c->depth = -1;
	while (off < limit) {
		const uint8_t *p = hv_bins(h, off);
		uint32_t size = bk_le32(p + 8);

		if (memcmp(p, "hbin", 4) != 0) {
			hv_chk_report(c, HIVE_PROBLEM_HBIN, off, "no hbin signature at 0x%x", off);
			off += HIVE_HBIN_ALIGN;
			continue;
		}
		if (bk_le32(p + 4) != off)
			hv_chk_report(c, HIVE_PROBLEM_HBIN, off, "hbin at 0x%x says it is at 0x%x",
					off, bk_le32(p + 4));
		if (size < HIVE_HBIN_ALIGN || size % HIVE_HBIN_ALIGN || size > limit - off) {
			hv_chk_report(c, HIVE_PROBLEM_HBIN, off, "hbin at 0x%x has invalid size 0x%x",
					off, size);
			off += HIVE_HBIN_ALIGN;
			continue;
		}
		check_cells(c, off, size);
		off += size;
	}
}

/* Allocated cells that no record refers to: space Windows can never free. */
static void
check_leaks(struct hive_chk *c)
{
	struct hive *h = c->h;
	uint32_t off;

	c->depth = -1;
	for (off = 0; off < h->bins_len; off += HIVE_CELL_ALIGN) {
		uint32_t slot = off / HIVE_CELL_ALIGN;
		int32_t raw;

		if (!h->cellmap[slot / 8]) {
			off += (7 - slot % 8) * HIVE_CELL_ALIGN;    /* skip a whole empty byte */
			continue;
		}
		if (!hv_is_cell_start(h, off) || ((c->owned[slot / 8] >> (slot % 8)) & 1))
			continue;
		raw = (int32_t)bk_le32(hv_bins(h, off));
		if (raw < 0)
			hv_chk_report(c, HIVE_PROBLEM_LEAK, off,
					"allocated cell at 0x%x (%u bytes) is not referenced by anything",
					off, (uint32_t)-(int64_t)raw);
	}
}

int
hive_check(hive_t *h, hive_check_cb cb, void *data, uint64_t *count)
{
	struct hive_chk *c = bk_calloc(1, sizeof(*c));
	struct nk_rec root;
	int rc;

	if (count)
		*count = 0;
	if (!c)
		return hv_error(h, BK_ENOMEM, "out of memory for the checker");
	if ((rc = hv_scan_rest(h)) < 0) {     /* a lazy handle: map every hbin now */
		bk_free(c);
		return rc;
	}
	c->h = h;
	c->cb = cb;
	c->cb_data = data;
	c->owned = bk_calloc(h->cellmap_len, 1);
	if (!c->owned) {
		bk_free(c);
		return hv_error(h, BK_ENOMEM, "out of memory for the checker");
	}
	check_base(c);
	check_bins(c);
	if (!c->stop)
		hv_chk_keys(c);
	if (!c->stop && !c->err && hv_nk_read(h, h->base.root_offset, &root) == 0)
		check_sk_ring(c, root.sk);
	if (!c->stop && !c->err && !(h->state & (HIVE_STATE_SALVAGED | HIVE_STATE_TRUNCATED)))
		check_leaks(c);
	bk_err_clear(&h->err);
	rc = c->err;
	if (rc < 0)
		hv_error(h, BK_ENOMEM, "out of memory while checking");
	if (count)
		*count = c->count;
	bk_free(c->sks);
	bk_free(c->owned);
	bk_free(c);
	return rc;
}
