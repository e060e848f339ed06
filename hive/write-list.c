/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subkey-list maintenance: sorted insertion and removal in lf/lh/li leaves,
 * and ri indexes over them for large keys.
 *
 * Order is Windows' (upper-cased UTF-16 code units, hive_name_cmp) and
 * lookups are binary searches, first over the leaves of an ri by their last
 * entry, then inside one leaf, so an insertion costs O(log n) name reads and
 * one memmove inside a leaf of at most HIVE_LEAF_MAX entries.  Leaves get
 * spare room when they grow so that a run of insertions rarely reallocates.
 * A leaf over HIVE_LEAF_MAX entries is split in half, as Windows does (its
 * yarp-ManySubkeysHive keeps leaves of about 506 entries under an ri).  A
 * key's existing leaf kind is kept; new lists are lf below minor version 5
 * and lh from 5 on; leaves under a new ri are li below 5 and lh from 5 on,
 * again as Windows writes them.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

/* Where a name is, or would go, in a key's subkey list. */
struct lpos {
	uint32_t ri;        /* ri cell, or 0 */
	uint32_t ri_idx;    /* index of the leaf in the ri */
	uint32_t leaf;      /* leaf cell, or 0 if the key has no list */
	uint32_t idx;       /* index in the leaf */
	bool found;
};

static size_t
stride_of(char kind)
{
	return kind == 'i' ? 4 : 8;
}

/* Validated view of a leaf; kind is 'f', 'h' or 'i'. */
static int
leaf_get(struct hive *h, uint32_t off, char *kind, uint16_t *count)
{
	struct bk_view v;
	int rc = hv_cell(h, off, 4, &v);

	if (rc < 0)
		return rc;
	if (v.p[0] != 'l' || (v.p[1] != 'f' && v.p[1] != 'h' && v.p[1] != 'i'))
		return hv_error(h, BK_ECORRUPT, "cell at offset 0x%x is not a subkey leaf", off);
	*kind = (char)v.p[1];
	*count = bk_le16(v.p + 2);
	if ((size_t)*count * stride_of(*kind) > v.len - 4)
		return hv_error(h, BK_ECORRUPT, "subkey list at offset 0x%x overflows its cell",
				off);
	return 0;
}

static uint32_t
leaf_entry(struct hive *h, uint32_t leaf, char kind, uint32_t i)
{
	return bk_le32(hv_bins(h, HIVE_PAY(leaf, 4 + i * stride_of(kind))));
}

/* Compare the name of key child with u/n. */
static int
child_cmp(struct hive *h, uint32_t child, const uint16_t *u, size_t n, int *out)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, child, &nk);

	if (rc < 0)
		return rc;
	*out = hv_raw_name_cmp(nk.name, nk.name_len, nk.flags & NK_COMP_NAME, u, n);
	return 0;
}

/* Binary search in one leaf: first index whose name is >= u/n. */
static int
leaf_search(struct hive *h, uint32_t leaf, const uint16_t *u, size_t n, struct lpos *p)
{
	uint32_t lo = 0, hi;
	uint16_t count;
	char kind;
	int rc = leaf_get(h, leaf, &kind, &count), c;

	if (rc < 0)
		return rc;
	hi = count;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if ((rc = child_cmp(h, leaf_entry(h, leaf, kind, mid), u, n, &c)) < 0)
			return rc;
		if (c == 0) {
			p->idx = mid;
			p->found = true;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	p->idx = lo;
	return 0;
}

static int
ri_get(struct hive *h, uint32_t off, uint16_t *count)
{
	struct bk_view v;
	int rc = hv_cell(h, off, 4, &v);

	if (rc < 0)
		return rc;
	*count = bk_le16(v.p + 2);
	if ((size_t)*count * 4 > v.len - 4)
		return hv_error(h, BK_ECORRUPT, "ri list at offset 0x%x overflows its cell", off);
	return 0;
}

static bool
is_ri(struct hive *h, uint32_t off)
{
	struct bk_view v;

	return hv_cell(h, off, 4, &v) == 0 && v.p[0] == 'r' && v.p[1] == 'i';
}

/* Choose the leaf of an ri: the first whose last name is >= u/n, else the last. */
static int
ri_search(struct hive *h, uint32_t ri, const uint16_t *u, size_t n, struct lpos *p)
{
	uint16_t count, lcount;
	uint32_t lo = 0, hi;
	char kind;
	int rc = ri_get(h, ri, &count), c;

	if (rc < 0)
		return rc;
	if (count == 0)
		return hv_error(h, BK_ECORRUPT, "empty ri list at offset 0x%x", ri);
	hi = count;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2, leaf = bk_le32(hv_bins(h, HIVE_PAY(ri, 4 + 4 * mid)));
		if ((rc = leaf_get(h, leaf, &kind, &lcount)) < 0)
			return rc;
		c = -1;
		if (lcount && (rc = child_cmp(h, leaf_entry(h, leaf, kind, lcount - 1u), u, n, &c)) < 0)
			return rc;
		if (c >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	p->ri = ri;
	p->ri_idx = lo < count ? lo : count - 1u;
	p->leaf = bk_le32(hv_bins(h, HIVE_PAY(ri, 4 + 4 * p->ri_idx)));
	return leaf_search(h, p->leaf, u, n, p);
}

static int
locate(struct hive *h, const struct nk_rec *nk, const uint16_t *u, size_t n, struct lpos *p)
{
	memset(p, 0, sizeof(*p));
	if (nk->subkey_count == 0 || nk->subkey_list == HIVE_NONE)
		return 0;
	if (is_ri(h, nk->subkey_list))
		return ri_search(h, nk->subkey_list, u, n, p);
	p->leaf = nk->subkey_list;
	return leaf_search(h, p->leaf, u, n, p);
}

int
hv_list_lookup(struct hive *h, const struct nk_rec *nk, const uint16_t *u, size_t n,
		 uint32_t *out)
{
	struct lpos p;
	char kind;
	uint16_t count;
	int rc = locate(h, nk, u, n, &p);

	if (rc < 0)
		return rc;
	if (!p.found)
		return -BK_ENOTFOUND;
	if ((rc = leaf_get(h, p.leaf, &kind, &count)) < 0)
		return rc;
	*out = leaf_entry(h, p.leaf, kind, p.idx);
	return 0;
}

/* The second dword of an lf (name hint) or lh (hash) entry for child. */
static int
entry_extra(struct hive *h, char kind, uint32_t child, uint32_t *out)
{
	struct nk_rec nk;
	uint16_t *u;
	size_t n, i;
	uint8_t hint[4] = { 0, 0, 0, 0 };
	int rc = hv_nk_read(h, child, &nk);

	if (rc == 0)
		rc = hv_raw_name_utf16(h, nk.name, nk.name_len, nk.flags & NK_COMP_NAME, &u, &n);
	if (rc < 0)
		return rc;
	if (kind == 'h') {
		*out = hive_name_hash(u, n);
	} else {
		/* First four characters as Latin-1, kept only if all of them fit. */
		for (i = 0; i < 4 && i < n; i++)
			hint[i] = (uint8_t)u[i];
		for (i = 0; i < 4 && i < n; i++)
			if (u[i] > 0xFF)
				memset(hint, 0, sizeof(hint));
		*out = bk_le32(hint);
	}
	bk_free(u);
	return 0;
}

/* Write entry i of a leaf. */
static int
leaf_put(struct hive *h, uint32_t leaf, char kind, uint32_t i, uint32_t child)
{
	uint32_t at = HIVE_PAY(leaf, 4 + i * stride_of(kind)), extra;
	int rc = hw_put32(h, at, child);

	if (rc == 0 && kind != 'i' && (rc = entry_extra(h, kind, child, &extra)) == 0)
		rc = hw_put32(h, at + 4, extra);
	return rc;
}

/* A new leaf of kind with room for cap entries, holding count entries copied
 * (with their extras recomputed if the kind changes) from src[from..]. */
static int
leaf_new(struct hive *h, char kind, uint32_t cap, uint32_t src, char skind, uint32_t from,
	 uint32_t count, uint32_t *out)
{
	uint32_t i, leaf;
	uint8_t sig[4] = { 'l', (uint8_t)kind, 0, 0 };
	int rc = hv_cell_alloc(h, 4 + (size_t)cap * stride_of(kind), &leaf);

	if (rc < 0)
		return rc;
	bk_put_le16(sig + 2, (uint16_t)count);
	rc = hw_write(h, HIVE_PAY(leaf, 0), sig, 4);
	if (rc == 0 && src && skind == kind)
		rc = hw_write(h, HIVE_PAY(leaf, 4), hv_bins(h, HIVE_PAY(src, 4 + from * stride_of(kind))),
			      count * stride_of(kind));
	else
		for (i = 0; rc == 0 && i < count; i++)
			rc = leaf_put(h, leaf, kind, i, leaf_entry(h, src, skind, from + i));
	*out = leaf;
	return rc;
}

/* Point whoever referenced the leaf at p (parent nk or ri entry) to leaf. */
static int
relink_leaf(struct hive *h, uint32_t parent, const struct lpos *p, uint32_t leaf)
{
	if (p->ri)
		return hw_put32(h, HIVE_PAY(p->ri, 4 + 4 * p->ri_idx), leaf);
	return hw_put32(h, HIVE_PAY(parent, 0x1C), leaf);
}

/* Insert leaf at index at of ri (growing the ri cell if needed). */
static int
ri_insert(struct hive *h, uint32_t parent, uint32_t *ri, uint32_t at, uint32_t leaf)
{
	uint16_t count;
	uint32_t r = *ri;
	int rc = ri_get(h, r, &count);

	if (rc < 0)
		return rc;
	if (count >= HIVE_RI_MAX)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x has too many subkeys", parent);
	if ((size_t)(count + 1) * 4 + 4 > hv_cell_cap(h, r)) {
		uint32_t nr;
		if ((rc = hv_cell_alloc(h, 4 + ((size_t)count * 2 + 4) * 4, &nr)) < 0)
			return rc;
		rc = hw_write(h, HIVE_PAY(nr, 0), hv_bins(h, HIVE_PAY(r, 0)), 4 + (size_t)count * 4);
		if (rc == 0)
			rc = hv_cell_free(h, r);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(parent, 0x1C), nr);
		if (rc < 0)
			return rc;
		*ri = r = nr;
	}
	rc = hw_touch(h, HIVE_PAY(r, 4 + 4 * at), ((size_t)count - at + 1) * 4);
	if (rc < 0)
		return rc;
	memmove(hv_bins(h, HIVE_PAY(r, 4 + 4 * (at + 1))), hv_bins(h, HIVE_PAY(r, 4 + 4 * at)),
		((size_t)count - at) * 4);
	rc = hw_put32(h, HIVE_PAY(r, 4 + 4 * at), leaf);
	return rc ? rc : hw_put16(h, HIVE_PAY(r, 2), (uint16_t)(count + 1));
}

/* Split an over-full leaf in two halves of the kind Windows uses under an ri. */
static int
leaf_split(struct hive *h, uint32_t parent, struct lpos *p)
{
	char kind, rkind = h->base.minor < 5 ? 'i' : 'h';
	uint16_t count;
	uint32_t a, b, half, ri;
	int rc = leaf_get(h, p->leaf, &kind, &count);

	if (rc < 0)
		return rc;
	half = count / 2u;
	rc = leaf_new(h, rkind, count - half + 16, p->leaf, kind, half, count - half, &b);
	if (rc == 0)
		rc = leaf_new(h, rkind, half + 16, p->leaf, kind, 0, half, &a);
	if (rc == 0)
		rc = hv_cell_free(h, p->leaf);
	if (rc < 0)
		return rc;
	if (p->ri) {
		ri = p->ri;
		rc = hw_put32(h, HIVE_PAY(ri, 4 + 4 * p->ri_idx), a);
		return rc ? rc : ri_insert(h, parent, &ri, p->ri_idx + 1, b);
	}
	rc = hv_cell_alloc(h, 4 + 4 * 4, &ri);
	if (rc == 0)
		rc = hw_write(h, HIVE_PAY(ri, 0), "ri\2\0", 4);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(ri, 4), a);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(ri, 8), b);
	return rc ? rc : hw_put32(h, HIVE_PAY(parent, 0x1C), ri);
}

/* Insert child at p->idx of p->leaf, growing the leaf if it is full. */
static int
leaf_insert(struct hive *h, uint32_t parent, struct lpos *p, uint32_t child)
{
	char kind;
	uint16_t count;
	uint32_t leaf = p->leaf;
	size_t st;
	int rc = leaf_get(h, leaf, &kind, &count);

	if (rc < 0)
		return rc;
	st = stride_of(kind);
	if (4 + ((size_t)count + 1) * st > hv_cell_cap(h, leaf)) {
		uint32_t nl;
		rc = leaf_new(h, kind, count + count / 2u + 4, leaf, kind, 0, count, &nl);
		if (rc == 0)
			rc = hv_cell_free(h, leaf);
		if (rc == 0)
			rc = relink_leaf(h, parent, p, nl);
		if (rc < 0)
			return rc;
		p->leaf = leaf = nl;
	}
	rc = hw_touch(h, HIVE_PAY(leaf, 4 + p->idx * st), ((size_t)count - p->idx + 1) * st);
	if (rc < 0)
		return rc;
	memmove(hv_bins(h, HIVE_PAY(leaf, 4 + (p->idx + 1) * st)),
		hv_bins(h, HIVE_PAY(leaf, 4 + p->idx * st)), ((size_t)count - p->idx) * st);
	rc = leaf_put(h, leaf, kind, p->idx, child);
	if (rc == 0)
		rc = hw_put16(h, HIVE_PAY(leaf, 2), (uint16_t)(count + 1));
	if (rc == 0 && count + 1u > HIVE_LEAF_MAX)
		rc = leaf_split(h, parent, p);
	return rc;
}

int
hv_list_insert(struct hive *h, uint32_t parent, uint32_t child, const uint16_t *u, size_t n)
{
	struct nk_rec nk, ck;
	struct lpos p;
	int rc = hv_nk_read(h, parent, &nk);

	if (rc == 0)
		rc = hv_nk_read(h, child, &ck);
	if (rc < 0)
		return rc;
	if (nk.subkey_count >= HIVE_MAX_SUBKEYS)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x has too many subkeys", parent);
	if (nk.subkey_count == 0 || nk.subkey_list == HIVE_NONE) {
		uint32_t leaf;
		rc = leaf_new(h, h->base.minor < 5 ? 'f' : 'h', 4, 0, 0, 0, 0, &leaf);
		if (rc == 0)
			rc = leaf_put(h, leaf, h->base.minor < 5 ? 'f' : 'h', 0, child);
		if (rc == 0)
			rc = hw_put16(h, HIVE_PAY(leaf, 2), 1);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(parent, 0x1C), leaf);
	} else {
		rc = locate(h, &nk, u, n, &p);
		if (rc == 0 && p.found)
			rc = hv_error(h, BK_EEXIST, "key already exists");
		if (rc == 0)
			rc = leaf_insert(h, parent, &p, child);
	}
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(parent, 0x14), nk.subkey_count + 1);
	if (rc == 0)
		rc = hv_nk_raise(h, parent, 0x34, (uint32_t)n * 2);
	if (rc == 0)
		rc = hv_nk_raise(h, parent, 0x38, ck.class_len);
	return rc ? rc : hv_nk_touch(h, parent);
}

/* Linear search for child when the name search fails (duplicate names in a damaged hive). */
static int
find_by_offset(struct hive *h, const struct nk_rec *nk, uint32_t child, struct lpos *p)
{
	uint16_t rcount = 1, count, r, i;
	char kind;
	bool ri = is_ri(h, nk->subkey_list);
	int rc = ri ? ri_get(h, nk->subkey_list, &rcount) : 0;

	for (r = 0; rc == 0 && r < rcount; r++) {
		uint32_t leaf = ri ? bk_le32(hv_bins(h, HIVE_PAY(nk->subkey_list, 4 + 4 * r)))
				   : nk->subkey_list;
		if ((rc = leaf_get(h, leaf, &kind, &count)) < 0)
			return rc;
		for (i = 0; i < count; i++) {
			if (leaf_entry(h, leaf, kind, i) == child) {
				p->ri = ri ? nk->subkey_list : 0;
				p->ri_idx = r;
				p->leaf = leaf;
				p->idx = i;
				return 0;
			}
		}
	}
	return rc ? rc : hv_error(h, BK_ECORRUPT, "key at offset 0x%x is not in its parent's list",
				  child);
}

/* Drop leaf p->leaf (now empty) from its ri, or the whole list. */
static int
drop_leaf(struct hive *h, uint32_t parent, const struct lpos *p)
{
	uint16_t count;
	int rc = hv_cell_free(h, p->leaf);

	if (rc < 0 || !p->ri)
		return rc ? rc : hw_put32(h, HIVE_PAY(parent, 0x1C), HIVE_NONE);
	if ((rc = ri_get(h, p->ri, &count)) < 0)
		return rc;
	if (count <= 1) {
		rc = hv_cell_free(h, p->ri);
		return rc ? rc : hw_put32(h, HIVE_PAY(parent, 0x1C), HIVE_NONE);
	}
	rc = hw_touch(h, HIVE_PAY(p->ri, 4 + 4 * p->ri_idx), ((size_t)count - p->ri_idx) * 4);
	if (rc < 0)
		return rc;
	memmove(hv_bins(h, HIVE_PAY(p->ri, 4 + 4 * p->ri_idx)),
		hv_bins(h, HIVE_PAY(p->ri, 4 + 4 * (p->ri_idx + 1))), ((size_t)count - p->ri_idx - 1) * 4);
	return hw_put16(h, HIVE_PAY(p->ri, 2), (uint16_t)(count - 1));
}

int
hv_list_remove(struct hive *h, uint32_t parent, uint32_t child)
{
	struct nk_rec nk, ck;
	struct lpos p;
	uint16_t *u = NULL, count;
	size_t n, st;
	char kind;
	int rc = hv_nk_read(h, parent, &nk);

	if (rc == 0)
		rc = hv_nk_read(h, child, &ck);
	if (rc == 0)
		rc = hv_raw_name_utf16(h, ck.name, ck.name_len, ck.flags & NK_COMP_NAME, &u, &n);
	if (rc == 0)
		rc = locate(h, &nk, u, n, &p);
	bk_free(u);
	if (rc == 0 && (!p.found || !p.leaf ||
			(leaf_get(h, p.leaf, &kind, &count) == 0 && leaf_entry(h, p.leaf, kind, p.idx) != child)))
		rc = find_by_offset(h, &nk, child, &p);
	if (rc == 0)
		rc = leaf_get(h, p.leaf, &kind, &count);
	if (rc < 0)
		return rc;
	st = stride_of(kind);
	if (count <= 1) {
		rc = drop_leaf(h, parent, &p);
	} else {
		rc = hw_touch(h, HIVE_PAY(p.leaf, 4 + p.idx * st), ((size_t)count - p.idx) * st);
		if (rc < 0)
			return rc;
		memmove(hv_bins(h, HIVE_PAY(p.leaf, 4 + p.idx * st)),
			hv_bins(h, HIVE_PAY(p.leaf, 4 + (p.idx + 1) * st)), ((size_t)count - p.idx - 1) * st);
		rc = hw_put16(h, HIVE_PAY(p.leaf, 2), (uint16_t)(count - 1));
	}
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(parent, 0x14), nk.subkey_count - 1);
	return rc ? rc : hv_nk_touch(h, parent);
}
