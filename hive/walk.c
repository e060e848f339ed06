/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Depth-first traversal of a key tree with loop detection (a visited bit per
 * cell slot), and the statistics built on it and on the cell walk.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

struct walk_state {
	struct hive *h;
	uint8_t *visited;
	hive_walk_cb cb;
	void *data;
};

static bool
test_and_set(uint8_t *map, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN;
	bool was = (map[slot / 8] >> (slot % 8)) & 1;

	map[slot / 8] |= (uint8_t)(1u << (slot % 8));
	return was;
}

static int
walk_key(struct walk_state *w, hive_key_t key, int depth)
{
	struct hive *h = w->h;
	hive_key_t *subs;
	size_t n, i;
	int rc;

	if (depth > HIVE_MAX_DEPTH)
		return hv_error(h, BK_ECORRUPT, "keys nested deeper than %d at offset 0x%x",
				HIVE_MAX_DEPTH, key);
	if (test_and_set(w->visited, key))
		return hv_error(h, BK_ECORRUPT, "key at offset 0x%x is reached twice (loop)", key);
	rc = w->cb(h, key, depth, w->data);
	if (rc != 0)
		return rc < 0 ? rc : 0;   /* > 0: skip this key's subtree */
	if ((rc = hive_key_subkeys(h, key, &subs, &n)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		rc = walk_key(w, subs[i], depth + 1);
	bk_free(subs);
	return rc;
}

int
hv_walk(struct hive *h, hive_key_t start, hive_walk_cb cb, void *data)
{
	struct walk_state w = { h, NULL, cb, data };
	int rc;

	w.visited = bk_calloc(h->cellmap_len, 1);
	if (!w.visited)
		return hv_error(h, BK_ENOMEM, "out of memory");
	rc = walk_key(&w, start, 0);
	bk_free(w.visited);
	return rc;
}

static int
noop_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	(void)h;
	(void)key;
	(void)depth;
	(void)data;
	return 0;
}

int
hv_tree_verify(struct hive *h, hive_key_t start)
{
	int rc;

	if (start == h->base.root_offset && h->tree)
		return h->tree > 0 ? 0 : -BK_ECORRUPT;
	rc = hv_walk(h, start, noop_cb, NULL);
	if (start == h->base.root_offset && rc != -BK_ENOMEM)
		h->tree = rc == 0 ? 1 : -1;
	return rc;
}

/* ---- what an edit of a lazy handle reaches ---------------------------------- */

/*
 * A lazy handle (HIVE_OPEN_LAZY) is not walked whole before an edit, which
 * would make every edit cost the whole hive: each edit verifies the subtree
 * of the key it changes instead.  vok marks keys whose subtree was verified
 * (the library's own edits never make a loop, so a mark stays true), vwalk
 * the keys of the walk in progress: a key reached twice in one walk is a
 * loop (or a key listed twice), as for hv_tree_verify().  Every key of the
 * tree is thus walked at most once per handle, however many edits.
 */
struct ewalk {
	struct hive *h;
	uint32_t *keys;            /* vwalk bits set by this walk */
	size_t n, cap;
};

static bool
bit_of(const uint8_t *map, uint32_t off)
{
	uint32_t slot = off / HIVE_CELL_ALIGN;

	return (map[slot / 8] >> (slot % 8)) & 1;
}

static int
vmap_fit(struct hive *h)
{
	size_t n = h->cellmap_len, old = h->vmap_len;
	uint8_t *a, *b;

	if (old >= n)
		return 0;
	if (old == 0) {         /* calloc: untouched pages of a large map cost nothing */
		a = bk_calloc(n, 1);
		b = bk_calloc(n, 1);
	} else {
		n = n > 2 * old ? n : 2 * old;
		a = bk_calloc(n, 1);
		b = bk_calloc(n, 1);
		if (a && b) {
			memcpy(a, h->vok, old);
			memcpy(b, h->vwalk, old);
		}
	}
	if (!a || !b) {
		bk_free(a);
		bk_free(b);
		return hv_error(h, BK_ENOMEM, "out of memory");
	}
	bk_free(h->vok);
	bk_free(h->vwalk);
	h->vok = a;
	h->vwalk = b;
	h->vmap_len = n;
	return 0;
}

static int
ewalk_key(struct ewalk *w, hive_key_t key, int depth)
{
	struct hive *h = w->h;
	hive_key_t *subs;
	size_t n, i;
	int rc;

	if (key >= h->bins_len || key / HIVE_CELL_ALIGN / 8 >= h->vmap_len)
		return hv_error(h, BK_ECORRUPT, "key offset 0x%x outside the hive bins", key);
	if (bit_of(h->vok, key))
		return 0;       /* verified by an earlier edit */
	if (depth > HIVE_MAX_DEPTH)
		return hv_error(h, BK_ECORRUPT, "keys nested deeper than %d at offset 0x%x",
				HIVE_MAX_DEPTH, key);
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		uint32_t *k = bk_realloc(w->keys, cap * sizeof(*k));

		if (!k)
			return hv_error(h, BK_ENOMEM, "out of memory");
		w->keys = k;
		w->cap = cap;
	}
	if (test_and_set(h->vwalk, key))
		return hv_error(h, BK_ECORRUPT, "key at offset 0x%x is reached twice (loop)", key);
	w->keys[w->n++] = key;
	if ((rc = hive_key_subkeys(h, key, &subs, &n)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		rc = ewalk_key(w, subs[i], depth + 1);
	bk_free(subs);
	return rc;
}

int
hv_edit_reach(struct hive *h, hive_key_t key)
{
	struct ewalk w = { h, NULL, 0, 0 };
	size_t i;
	int rc;

	if (!h->lazy)
		return 0;       /* the whole tree was verified (hv_check_writable()) */
	if (h->tree < 0)
		return hv_check_writable(h);
	if ((rc = vmap_fit(h)) < 0)
		return rc;
	rc = ewalk_key(&w, key, 0);
	for (i = 0; i < w.n; i++) {
		uint32_t slot = w.keys[i] / HIVE_CELL_ALIGN;

		h->vwalk[slot / 8] &= (uint8_t)~(1u << (slot % 8));
		if (rc == 0)
			h->vok[slot / 8] |= (uint8_t)(1u << (slot % 8));
	}
	bk_free(w.keys);
	if (rc == -BK_ENOMEM)
		return rc;
	if (rc < 0) {
		h->tree = -1;   /* read-only from now on, commit included */
		return hv_check_writable(h);
	}
	return 0;
}

void
hv_edit_reach_reset(struct hive *h)
{
	if (h->vok)
		memset(h->vok, 0, h->vmap_len);
}

int
hive_key_walk(hive_t *h, hive_key_t start, hive_key_walk_cb cb, void *data)
{
	return hv_walk(h, start, cb, data);
}

static int
count_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct hive_stats *st = data;
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	(void)depth;
	if (rc < 0)
		return rc;
	st->keys++;
	st->values += nk.value_count;
	return 0;
}

int
hive_get_stats(hive_t *h, struct hive_stats *st)
{
	uint32_t off = 0;
	int rc = hv_scan_rest(h);     /* a lazy handle: every hbin checked first */

	if (rc < 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->file_size = h->len;
	/* Cell usage: walk hbin headers and cells (validated at open). */
	while (off < h->bins_len) {
		const uint8_t *hb = hv_bins(h, off);
		uint32_t size = bk_le32(hb + 8), c = off + HIVE_HBIN_HDR;

		if (memcmp(hb, "hbin", 4) != 0 || size < HIVE_HBIN_ALIGN || size > h->bins_len - off) {
			off += HIVE_HBIN_ALIGN;     /* skipped by a salvage open */
			continue;
		}
		st->hbins++;
		while (c < off + size) {
			int32_t raw = (int32_t)bk_le32(hv_bins(h, c));
			uint32_t cs = raw < 0 ? (uint32_t)-(int64_t)raw : (uint32_t)raw;
			if (cs < 8)
				break;
			if (raw < 0)
				st->used_bytes += cs;
			else
				st->free_bytes += cs;
			c += cs;
		}
		off += size;
	}
	return hv_walk(h, h->base.root_offset, count_cb, st);
}
