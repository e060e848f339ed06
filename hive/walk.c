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
		return bk_err(&h->err, BK_ECORRUPT, "%s: keys nested deeper than %d at offset 0x%x",
			      h->path, HIVE_MAX_DEPTH, key);
	if (test_and_set(w->visited, key))
		return bk_err(&h->err, BK_ECORRUPT, "%s: key at offset 0x%x is reached twice (loop)",
			      h->path, key);
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
hive_walk(struct hive *h, hive_key_t start, hive_walk_cb cb, void *data)
{
	struct walk_state w = { h, NULL, cb, data };
	int rc;

	w.visited = bk_calloc(h->cellmap_len, 1);
	if (!w.visited)
		return bk_err(&h->err, BK_ENOMEM, "%s: out of memory", h->path);
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
hive_tree_verify(struct hive *h, hive_key_t start)
{
	int rc;

	if (start == h->base.root_offset && h->tree)
		return h->tree > 0 ? 0 : -BK_ECORRUPT;
	rc = hive_walk(h, start, noop_cb, NULL);
	if (start == h->base.root_offset && rc != -BK_ENOMEM)
		h->tree = rc == 0 ? 1 : -1;
	return rc;
}

int
hive_key_walk(hive_t *h, hive_key_t start, hive_key_walk_cb cb, void *data)
{
	return hive_walk(h, start, cb, data);
}

static int
count_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct hive_stats *st = data;
	struct nk_rec nk;
	int rc = hive_nk_read(h, key, &nk);

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
	int rc = hive_scan_rest(h);     /* a lazy handle: every hbin checked first */

	if (rc < 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->file_size = h->len;
	/* Cell usage: walk hbin headers and cells (validated at open). */
	while (off < h->bins_len) {
		const uint8_t *hb = hive_bins(h, off);
		uint32_t size = bk_le32(hb + 8), c = off + HIVE_HBIN_HDR;

		if (memcmp(hb, "hbin", 4) != 0 || size < HIVE_HBIN_ALIGN || size > h->bins_len - off) {
			off += HIVE_HBIN_ALIGN;     /* skipped by a salvage open */
			continue;
		}
		st->hbins++;
		while (c < off + size) {
			int32_t raw = (int32_t)bk_le32(hive_bins(h, c));
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
	return hive_walk(h, h->base.root_offset, count_cb, st);
}
