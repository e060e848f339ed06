/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Value edits.  Data of up to 4 bytes goes inline into the vk, data over
 * 16344 bytes in a hive of minor version 4 and up becomes big data (a db
 * record, a segment list and segments of 16344 bytes, as Windows writes it),
 * anything else one cell.  Replacing data reuses the old cell when the new
 * data fits it, so setting a value of the same size again and again never
 * allocates.  The value list keeps creation order.
 *
 * Finding a value by name is a scan of the key's value list, which made
 * filling one key with n values cost n^2 name compares (an import of 40,000
 * values on one key: 15 s).  A key with many values therefore gets an index
 * of its value names (hash of the upper-cased name -> vk), built on the
 * first lookup and kept up to date by appends.  There is one index, for the
 * key being filled; it is trusted only while the key's value count and list
 * cell are those it was built for, dropped by deletions, and every hit is
 * checked against the vk itself.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

static bool
wants_big(struct hive *h, size_t len)
{
	return h->base.minor >= 4 && len > HIVE_DB_SEGMENT;
}

/* Is the stored data of vk a db?  (Large data written by libhivex is one cell.) */
static bool
stored_big(struct hive *h, const struct vk_rec *vk)
{
	struct bk_view v;

	if (vk->inline_data || h->base.minor < 4 || vk->data_len <= HIVE_DB_SEGMENT)
		return false;
	return hv_cell(h, vk->data_off, 8, &v) == 0 && memcmp(v.p, "db", 2) == 0;
}

/* Free a cell if it is one; damaged references are left alone (a leak, not harm). */
static int
free_if_cell(struct hive *h, uint32_t off)
{
	struct bk_view v;

	if (hv_cell(h, off, 0, &v) < 0)
		return 0;
	return hv_cell_free(h, off);
}

static int
free_data(struct hive *h, const struct vk_rec *vk)
{
	struct bk_view db, list;
	uint16_t i, nseg;
	int rc = 0;

	if (vk->inline_data || vk->data_len == 0)
		return 0;
	if (!stored_big(h, vk))
		return free_if_cell(h, vk->data_off);
	hv_cell(h, vk->data_off, 8, &db);
	nseg = bk_le16(db.p + 2);
	if (hv_cell(h, bk_le32(db.p + 4), (size_t)nseg * 4, &list) == 0) {
		uint32_t lst = bk_le32(db.p + 4);
		for (i = 0; i < nseg && rc == 0; i++)
			rc = free_if_cell(h, bk_le32(hv_bins(h, HIVE_PAY(lst, 4u * i))));
		if (rc == 0)
			rc = hv_cell_free(h, lst);
	}
	return rc ? rc : hv_cell_free(h, vk->data_off);
}

/* Store len bytes as big data; *out is the db cell. */
static int
store_big(struct hive *h, const uint8_t *data, size_t len, uint32_t *out)
{
	uint32_t nseg = (uint32_t)((len + HIVE_DB_SEGMENT - 1) / HIVE_DB_SEGMENT), db, list, seg, i;
	int rc = hv_cell_alloc(h, 8, &db);

	if (rc == 0)
		rc = hv_cell_alloc(h, (size_t)nseg * 4, &list);
	for (i = 0; rc == 0 && i < nseg; i++) {
		size_t take = len - (size_t)i * HIVE_DB_SEGMENT;
		if (take > HIVE_DB_SEGMENT)
			take = HIVE_DB_SEGMENT;
		/* Every segment gets a full 16344-byte cell, the last one too, as
		 * Windows does: libhivex reads (cell size - 8) bytes per segment and
		 * would lose up to 4 bytes of a tightly sized last segment. */
		rc = hv_cell_alloc(h, HIVE_DB_SEGMENT, &seg);
		if (rc == 0)
			rc = hw_write(h, HIVE_PAY(seg, 0), data + (size_t)i * HIVE_DB_SEGMENT, take);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(list, 4 * i), seg);
	}
	if (rc == 0)
		rc = hw_write(h, HIVE_PAY(db, 0), "db", 2);
	if (rc == 0)
		rc = hw_put16(h, HIVE_PAY(db, 2), (uint16_t)nseg);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(db, 4), list);
	*out = db;
	return rc;
}

/*
 * Put data into the vk at off (whose current storage is described by old, or
 * old NULL for a new vk): in place when it fits, else new storage first and
 * the old freed after.
 */
static int
store_data(struct hive *h, uint32_t off, const struct vk_rec *old, uint32_t type,
	   const uint8_t *data, size_t len)
{
	uint32_t doff = HIVE_NONE, size = (uint32_t)len;
	bool reuse = false;
	int rc = 0;

	if (len <= 4) {
		uint8_t b[4] = { 0, 0, 0, 0 };
		if (len)
			memcpy(b, data, len);
		doff = bk_le32(b);
		size |= 0x80000000u;
	} else if (wants_big(h, len)) {
		rc = store_big(h, data, len, &doff);
	} else {
		reuse = old && !old->inline_data && old->data_len > 0 && !stored_big(h, old) &&
			hv_is_cell_start(h, old->data_off) &&
			(int32_t)bk_le32(hv_bins(h, old->data_off)) < 0 &&
			hv_cell_cap(h, old->data_off) >= len;
		doff = reuse ? old->data_off : HIVE_NONE;
		if (!reuse)
			rc = hv_cell_alloc(h, len, &doff);
		if (rc == 0)
			rc = hw_write(h, HIVE_PAY(doff, 0), data, len);
	}
	if (rc == 0 && old && !reuse)
		rc = free_data(h, old);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(off, 0x04), size);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(off, 0x08), doff);
	return rc ? rc : hw_put32(h, HIVE_PAY(off, 0x0C), type);
}

/* Does the vk at off (if it is one) carry the name u/n?  Checked inline:
 * this runs for every value of a key on every set, so it must be cheap. */
static bool
vk_name_is(struct hive *h, uint32_t off, const uint16_t *u, size_t n)
{
	const uint8_t *p;
	uint32_t size;
	uint16_t nl;
	bool comp;
	int32_t raw;

	if (!hv_is_cell_start(h, off) || (raw = (int32_t)bk_le32(hv_bins(h, off))) >= 0)
		return false;
	size = (uint32_t)-(int64_t)raw;
	p = hv_bins(h, off) + 4;
	if (size < 4 + HIVE_VK_FIXED || p[0] != 'v' || p[1] != 'k')
		return false;
	nl = bk_le16(p + 2);
	comp = bk_le16(p + 0x10) & VK_COMP_NAME;
	if (HIVE_VK_FIXED + (size_t)nl > size - 4 || (comp ? nl : nl / 2u) != n)
		return false;
	return hv_raw_name_cmp(p + HIVE_VK_FIXED, nl, comp, u, n) == 0;
}

/* ---- value-name index ------------------------------------------------------ */

#define VIX_MIN  32u            /* values a key needs before it is indexed */

struct vix_ent {
	uint32_t hash, off, pos;    /* off 0: empty slot */
};

struct hive_vindex {
	uint32_t key, list, count;  /* the key and value list it describes */
	struct vix_ent *t;
	size_t cap;                 /* power of two, at least twice count */
};

void
hv_vindex_free(struct hive *h)
{
	if (h->ws && h->ws->vix) {
		bk_free(h->ws->vix->t);
		bk_free(h->ws->vix);
		h->ws->vix = NULL;
	}
}

static uint32_t
hash_units(const uint16_t *u, size_t n)
{
	uint32_t x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x = x * 37u + hive_upcase(u[i]);
	return x;
}

/* Hash of the vk at off's name; false if off is not a usable vk. */
static bool
vk_hash(struct hive *h, uint32_t off, uint32_t *out)
{
	const uint8_t *p;
	uint32_t size, x = 0;
	uint16_t nl, i;
	int32_t raw;

	if (!hv_is_cell_start(h, off) || (raw = (int32_t)bk_le32(hv_bins(h, off))) >= 0)
		return false;
	size = (uint32_t)-(int64_t)raw;
	p = hv_bins(h, off) + 4;
	if (size < 4 + HIVE_VK_FIXED || p[0] != 'v' || p[1] != 'k')
		return false;
	nl = bk_le16(p + 2);
	if (HIVE_VK_FIXED + (size_t)nl > size - 4)
		return false;
	p += HIVE_VK_FIXED;
	if (bk_le16(p - HIVE_VK_FIXED + 0x10) & VK_COMP_NAME)
		for (i = 0; i < nl; i++)
			x = x * 37u + hive_upcase(p[i]);
	else
		for (i = 0; i + 1 < nl; i += 2)
			x = x * 37u + hive_upcase(bk_le16(p + i));
	*out = x;
	return true;
}

static void
vix_put(struct hive_vindex *ix, uint32_t hash, uint32_t off, uint32_t pos)
{
	size_t m = ix->cap - 1, i = hash & m;

	while (ix->t[i].off)
		i = (i + 1) & m;
	ix->t[i].hash = hash;
	ix->t[i].off = off;
	ix->t[i].pos = pos;
}

/* (Re)build the index for nk; false (no error) if it cannot be had. */
static bool
vix_build(struct hive *h, const struct nk_rec *nk, const struct bk_view *v)
{
	struct hive_vindex *ix = h->ws->vix;
	size_t cap = 64;
	uint32_t i, x;

	while (cap < (size_t)nk->value_count * 2 + 2)
		cap *= 2;
	if (!ix && !(ix = h->ws->vix = bk_calloc(1, sizeof(*ix))))
		return false;
	if (cap > ix->cap) {
		bk_free(ix->t);
		ix->cap = 0;
		if (!(ix->t = bk_malloc(cap * sizeof(*ix->t))))
			return false;
		ix->cap = cap;
	}
	memset(ix->t, 0, ix->cap * sizeof(*ix->t));
	for (i = 0; i < nk->value_count; i++) {
		uint32_t off = bk_le32(v->p + 4 * i);
		if (off && vk_hash(h, off, &x))
			vix_put(ix, x, off, i);
	}
	ix->key = nk->off;
	ix->list = nk->value_list;
	ix->count = nk->value_count;
	return true;
}

/* 0 and the match, -BK_ENOTFOUND, or 1: no index (scan instead). */
static int
vix_find(struct hive *h, const struct nk_rec *nk, const struct bk_view *v,
	 const uint16_t *u, size_t n, uint32_t *idx, uint32_t *vk_off)
{
	struct hive_vindex *ix = h->ws ? h->ws->vix : NULL;
	uint32_t hash = hash_units(u, n);
	size_t m, i;

	if (!h->ws)
		return 1;
	if (!ix || !ix->cap || ix->key != nk->off || ix->list != nk->value_list ||
	    ix->count != nk->value_count) {
		if (!vix_build(h, nk, v))
			return 1;
		ix = h->ws->vix;
	}
	m = ix->cap - 1;
	for (i = hash & m; ix->t[i].off; i = (i + 1) & m) {
		if (ix->t[i].hash == hash && vk_name_is(h, ix->t[i].off, u, n)) {
			*idx = ix->t[i].pos;
			*vk_off = ix->t[i].off;
			return 0;
		}
	}
	return -BK_ENOTFOUND;
}

/* vk was appended at position pos of key's list (now list, pos + 1 values). */
static void
vix_added(struct hive *h, uint32_t key, uint32_t list, uint32_t pos, uint32_t vk)
{
	struct hive_vindex *ix = h->ws->vix;
	uint32_t x;

	if (!ix || !ix->cap || ix->key != key || ix->count != pos)
		return;
	if ((size_t)pos * 2 + 2 > ix->cap || !vk_hash(h, vk, &x)) {
		ix->count = HIVE_NONE;      /* full, or odd: rebuilt on the next lookup */
		return;
	}
	vix_put(ix, x, vk, pos);
	ix->list = list;
	ix->count = pos + 1;
}

/* Index of the value named u/n in the key's list, or -BK_ENOTFOUND. */
static int
find_value(struct hive *h, const struct nk_rec *nk, const uint16_t *u, size_t n,
	   uint32_t *idx, uint32_t *vk_off)
{
	struct bk_view v;
	uint32_t i;
	int rc;

	if (nk->value_count == 0)
		return -BK_ENOTFOUND;
	if (nk->value_count > HIVE_MAX_VALUES)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x: too many values", nk->off);
	rc = hv_cell(h, nk->value_list, (size_t)nk->value_count * 4, &v);
	if (rc < 0)
		return rc;
	if (nk->value_count >= VIX_MIN && (rc = vix_find(h, nk, &v, u, n, idx, vk_off)) <= 0)
		return rc;
	for (i = 0; i < nk->value_count; i++) {
		uint32_t off = bk_le32(v.p + 4 * i);
		if (vk_name_is(h, off, u, n)) {
			*idx = i;
			*vk_off = off;
			return 0;
		}
	}
	return -BK_ENOTFOUND;
}

static int
value_list_append(struct hive *h, uint32_t key, uint32_t vk)
{
	struct nk_rec nk;
	uint32_t list, c;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	c = nk.value_count;
	list = c ? nk.value_list : HIVE_NONE;
	if (c >= HIVE_MAX_VALUES)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x has too many values", key);
	if (list == HIVE_NONE || ((size_t)c + 1) * 4 > hv_cell_cap(h, list)) {
		uint32_t nl;
		if ((rc = hv_cell_alloc(h, ((size_t)c * 2 + 4) * 4, &nl)) < 0)
			return rc;
		if (c)
			rc = hw_write(h, HIVE_PAY(nl, 0), hv_bins(h, HIVE_PAY(list, 0)), (size_t)c * 4);
		if (rc == 0 && c)
			rc = hv_cell_free(h, list);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(key, 0x28), nl);
		if (rc < 0)
			return rc;
		list = nl;
	}
	rc = hw_put32(h, HIVE_PAY(list, 4 * c), vk);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(key, 0x24), c + 1);
	if (rc == 0)
		vix_added(h, key, list, c, vk);
	return rc;
}

int
hv_value_set_w(struct hive *h, uint32_t key, const struct hive_wname *w, uint32_t type,
		 const void *data, size_t len, uint32_t *out)
{
	struct nk_rec nk;
	struct vk_rec old;
	uint32_t idx, vk;
	int rc = hv_edit_reach(h, key);

	if (rc == 0)
		rc = hv_nk_read(h, key, &nk);
	if (rc < 0)
		return rc;
	if (len > HIVE_MAX_DATA)
		return hv_error(h, BK_ETOOBIG, "value data of %zu bytes is over the limit of %u",
				len, HIVE_MAX_DATA);
	if (len && !data)
		return hv_error(h, BK_EINVAL, "no data given");
	rc = find_value(h, &nk, w->u, w->n, &idx, &vk);
	if (rc == 0) {
		rc = hv_vk_read(h, vk, &old);
		if (rc == 0)
			rc = store_data(h, vk, &old, type, data, len);
	} else if (rc == -BK_ENOTFOUND) {
		size_t nb = hv_wname_bytes(w);
		uint8_t *p;
		rc = hv_cell_alloc(h, HIVE_VK_FIXED + nb, &vk);
		if (rc == 0) {
			p = hv_bins(h, HIVE_PAY(vk, 0));   /* fresh cell, journaled */
			memcpy(p, "vk", 2);
			bk_put_le16(p + 0x02, (uint16_t)nb);
			bk_put_le16(p + 0x10, w->comp && w->n ? VK_COMP_NAME : 0);
			hv_wname_store(w, p + HIVE_VK_FIXED);
			rc = store_data(h, vk, NULL, type, data, len);
		}
		if (rc == 0)
			rc = value_list_append(h, key, vk);
	}
	if (rc == 0)
		rc = hv_nk_raise(h, key, 0x3C, (uint32_t)w->n * 2);
	if (rc == 0)
		rc = hv_nk_raise(h, key, 0x40, (uint32_t)len);
	if (rc == 0)
		rc = hv_nk_touch(h, key);
	if (rc == 0 && out)
		*out = vk;
	return rc;
}

int
hive_value_set_utf16(hive_t *h, hive_key_t key, const uint16_t *name, size_t n, uint32_t type,
		     const void *data, size_t len, hive_value_t *out)
{
	struct hive_wname w;
	int rc = hv_wname_from_units(h, name, n, false, &w);

	if (rc < 0)
		return rc;
	rc = hw_begin(h);
	if (rc == 0)
		rc = hw_end(h, hv_value_set_w(h, key, &w, type, data, len, out));
	hv_wname_free(&w);
	return rc;
}

int
hive_value_set(hive_t *h, hive_key_t key, const char *name, uint32_t type, const void *data,
	       size_t len)
{
	struct hive_wname w;
	int rc = hv_wname_make(h, name, false, &w);

	if (rc < 0)
		return rc;
	rc = hive_value_set_utf16(h, key, w.u, w.n, type, data, len, NULL);
	hv_wname_free(&w);
	return rc;
}

static int
free_vk(struct hive *h, uint32_t off)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, off, &vk);

	if (rc == 0)
		rc = free_data(h, &vk);
	return rc ? rc : hv_cell_free(h, off);
}

int
hv_values_free_all(struct hive *h, uint32_t key)
{
	struct nk_rec nk;
	uint32_t *vals = NULL;
	size_t n = 0, i;
	int rc = hv_nk_read(h, key, &nk);

	hv_vindex_free(h);
	if (rc == 0)
		rc = hv_value_list(h, &nk, &vals, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = free_vk(h, vals[i]);
	bk_free(vals);
	if (rc == 0 && n)
		rc = hv_cell_free(h, nk.value_list);
	return rc;
}

static int
value_delete(struct hive *h, hive_key_t key, const struct hive_wname *w)
{
	struct nk_rec nk;
	uint32_t idx, vk;
	int rc = hv_edit_reach(h, key);

	if (rc == 0)
		rc = hv_nk_read(h, key, &nk);
	if (rc == 0)
		rc = find_value(h, &nk, w->u, w->n, &idx, &vk);
	hv_vindex_free(h);        /* positions shift */
	if (rc == -BK_ENOTFOUND)
		return hv_error(h, BK_ENOTFOUND, "value not found");
	if (rc < 0)
		return rc;
	if (nk.value_count == 1) {
		rc = hv_cell_free(h, nk.value_list);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(key, 0x28), HIVE_NONE);
	} else {
		uint32_t at = HIVE_PAY(nk.value_list, 4 * idx), rest = (nk.value_count - idx - 1) * 4;
		rc = hw_touch(h, at, rest);
		if (rc == 0)
			memmove(hv_bins(h, at), hv_bins(h, at + 4), rest);
	}
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(key, 0x24), nk.value_count - 1);
	if (rc == 0)
		rc = free_vk(h, vk);
	return rc ? rc : hv_nk_touch(h, key);
}

int
hive_value_delete(hive_t *h, hive_key_t key, const char *name)
{
	struct hive_wname w;
	int rc = hv_wname_make(h, name, false, &w);

	if (rc < 0)
		return rc;
	rc = hw_begin(h);
	if (rc == 0)
		rc = hw_end(h, value_delete(h, key, &w));
	hv_wname_free(&w);
	return rc;
}
