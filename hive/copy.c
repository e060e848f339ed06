/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Copying a subtree, within one hive or between two.  Each key keeps its
 * flags, access bits, timestamp, class name, security and the order of its
 * values.  Within a hive a copied key shares the source key's sk; between
 * hives the sk is looked up in the destination by its descriptor bytes and
 * added to the destination's ring of sk cells when absent.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

#define COPY_SK_RING_MAX  (1u << 20)    /* sk cells walked before giving up */

/* Source sk -> destination sk, for the descriptors met in one copy. */
struct sk_map {
	uint32_t (*pair)[2];
	size_t n, cap;
};

struct copy_ctx {
	struct hive *dst, *src;
	struct sk_map map;
};

/* Find an sk with these descriptor bytes in dst's ring, or 0. */
static int
sk_find(struct hive *h, const uint8_t *desc, uint32_t len, uint32_t *out)
{
	struct nk_rec root;
	struct bk_view v;
	uint32_t sk, i;
	int rc = hv_nk_read(h, h->base.root_offset, &root);

	*out = 0;
	if (rc < 0)
		return rc;
	sk = root.sk;
	for (i = 0; i < COPY_SK_RING_MAX; i++) {
		if ((rc = hv_cell(h, sk, HIVE_SK_FIXED, &v)) < 0)
			return rc;
		if (bk_le32(v.p + 16) == len && len <= v.len - HIVE_SK_FIXED &&
		    memcmp(v.p + HIVE_SK_FIXED, desc, len) == 0) {
			*out = sk;
			return 0;
		}
		sk = bk_le32(v.p + 4);
		if (sk == root.sk)
			return 0;
	}
	return hv_error(h, BK_ECORRUPT, "the ring of sk cells does not close");
}

/* Add an sk (reference count 0: the caller's key add counts itself). */
static int
sk_add(struct hive *h, const uint8_t *desc, uint32_t len, uint32_t *out)
{
	struct nk_rec root;
	uint32_t sk, next;
	int rc = hv_nk_read(h, h->base.root_offset, &root);

	if (rc == 0)
		rc = hv_cell_alloc(h, HIVE_SK_FIXED + (size_t)len, &sk);
	if (rc < 0)
		return rc;
	next = bk_le32(hv_bins(h, HIVE_PAY(root.sk, 4)));
	rc = hw_write(h, HIVE_PAY(sk, 0), "sk", 2);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(sk, 4), next);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(sk, 8), root.sk);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(sk, 16), len);
	if (rc == 0)
		rc = hw_write(h, HIVE_PAY(sk, HIVE_SK_FIXED), desc, len);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(next, 8), sk);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(root.sk, 4), sk);
	*out = sk;
	return rc;
}

/* The destination sk for a source sk. */
static int
map_sk(struct copy_ctx *c, uint32_t src_sk, uint32_t *out)
{
	struct bk_view v;
	uint8_t *desc;
	uint32_t len = 0;
	size_t i;
	int rc;

	if (c->src == c->dst) {
		*out = src_sk;
		return 0;
	}
	for (i = 0; i < c->map.n; i++)
		if (c->map.pair[i][0] == src_sk) {
			*out = c->map.pair[i][1];
			return 0;
		}
	rc = hv_cell(c->src, src_sk, HIVE_SK_FIXED, &v);
	if (rc == 0 && (memcmp(v.p, "sk", 2) != 0 || (len = bk_le32(v.p + 16)) > v.len - HIVE_SK_FIXED))
		rc = hv_error(c->src, BK_ECORRUPT, "bad sk at offset 0x%x", src_sk);
	if (rc < 0)
		return bk_err(&c->dst->err, -rc, "%s", c->src->err.msg);
	desc = bk_malloc(len ? len : 1);
	if (!desc)
		return hv_error(c->dst, BK_ENOMEM, "out of memory");
	memcpy(desc, v.p + HIVE_SK_FIXED, len);
	rc = sk_find(c->dst, desc, len, out);
	if (rc == 0 && !*out)
		rc = sk_add(c->dst, desc, len, out);
	bk_free(desc);
	if (rc == 0 && c->map.n == c->map.cap) {
		size_t cap = c->map.cap ? c->map.cap * 2 : 8;
		uint32_t (*p)[2] = bk_realloc(c->map.pair, cap * sizeof(*p));
		if (!p)
			return hv_error(c->dst, BK_ENOMEM, "out of memory");
		c->map.pair = p;
		c->map.cap = cap;
	}
	if (rc == 0) {
		c->map.pair[c->map.n][0] = src_sk;
		c->map.pair[c->map.n++][1] = *out;
	}
	return rc;
}

/* Pass an error of the source handle on to the destination's. */
static int
src_err(struct copy_ctx *c, int rc)
{
	if (rc < 0 && c->src != c->dst)
		return bk_err(&c->dst->err, -rc, "%s", c->src->err.msg);
	return rc;
}

static int
copy_values(struct copy_ctx *c, const struct nk_rec *nk, uint32_t dkey)
{
	uint32_t *vals = NULL;
	size_t n = 0, i;
	int rc = src_err(c, hv_value_list(c->src, nk, &vals, &n));

	for (i = 0; rc == 0 && i < n; i++) {
		struct vk_rec vk;
		struct hive_wname w = { NULL, 0, false };
		uint16_t *u = NULL;
		uint8_t *data = NULL;
		size_t un, len;

		rc = hv_vk_read(c->src, vals[i], &vk);
		if (rc == 0)
			rc = hv_raw_name_utf16(c->src, vk.name, vk.name_len, vk.flags & VK_COMP_NAME, &u, &un);
		if (rc == 0)
			rc = hv_vk_data(c->src, &vk, &data, &len);
		rc = src_err(c, rc);
		if (rc == 0)
			rc = hv_wname_from_units(c->dst, u, un, false, &w);
		if (rc == 0)
			rc = hv_value_set_w(c->dst, dkey, &w, vk.type, data, len, NULL);
		hv_wname_free(&w);
		bk_free(u);
		bk_free(data);
	}
	bk_free(vals);
	return rc;
}

static int
copy_key(struct copy_ctx *c, uint32_t dparent, const struct hive_wname *w, uint32_t skey,
	 int depth, uint32_t *out)
{
	struct nk_rec nk;
	uint32_t *subs = NULL, sk = 0, dkey = 0;
	uint8_t *cls = NULL;
	size_t n = 0, i, clen = 0;
	int rc = src_err(c, hv_nk_read(c->src, skey, &nk));

	if (rc == 0 && depth > HIVE_MAX_DEPTH)
		rc = bk_error_at(&c->dst->err, c->src->path, BK_ECORRUPT, "keys nest too deep");
	if (rc == 0)
		rc = src_err(c, hive_key_class(c->src, skey, &cls, &clen));
	if (rc == 0)
		rc = map_sk(c, nk.sk, &sk);
	if (rc == 0)
		rc = hv_key_add_raw(c->dst, dparent, w, nk.flags, sk, nk.timestamp, &dkey);
	if (rc == 0)
		rc = hw_put32(c->dst, HIVE_PAY(dkey, 0x0C), nk.access_bits);
	if (rc == 0 && clen)
		rc = hv_set_class_raw(c->dst, dkey, cls, clen);
	bk_free(cls);
	if (rc == 0)
		rc = copy_values(c, &nk, dkey);
	if (rc == 0)
		rc = src_err(c, hv_subkey_list(c->src, &nk, &subs, &n));
	for (i = 0; rc == 0 && i < n; i++) {
		struct hive_wname cw = { NULL, 0, false };
		struct nk_rec ck;
		uint16_t *u = NULL;
		size_t un;
		uint32_t dummy;

		rc = hv_nk_read(c->src, subs[i], &ck);
		if (rc == 0)
			rc = hv_raw_name_utf16(c->src, ck.name, ck.name_len, ck.flags & NK_COMP_NAME, &u, &un);
		rc = src_err(c, rc);
		if (rc == 0)
			rc = hv_wname_from_units(c->dst, u, un, true, &cw);
		if (rc == 0)
			rc = copy_key(c, dkey, &cw, subs[i], depth + 1, &dummy);
		hv_wname_free(&cw);
		bk_free(u);
	}
	bk_free(subs);
	/* Adding children touched the copy's timestamp: give it the source's back. */
	if (rc == 0)
		rc = hw_put64(c->dst, HIVE_PAY(dkey, 0x04), nk.timestamp);
	if (rc == 0)
		*out = dkey;
	return rc;
}

int
hive_key_copy(hive_t *dst, hive_key_t dst_parent, const char *name, hive_t *src,
	      hive_key_t src_key, hive_key_t *out)
{
	struct copy_ctx c = { dst, src, { NULL, 0, 0 } };
	struct hive_wname w = { NULL, 0, false };
	struct nk_rec nk;
	uint16_t *u = NULL;
	size_t un;
	hive_key_t k = 0;
	bool under = false;
	int rc = src_err(&c, hv_nk_read(src, src_key, &nk));

	/* The library's one loop check and depth limit, before recursing. */
	if (rc == 0)
		rc = src_err(&c, hv_tree_verify(src, src_key));
	if (rc == 0 && name)
		rc = hv_wname_make(dst, name, true, &w);
	else if (rc == 0) {
		rc = src_err(&c, hv_raw_name_utf16(src, nk.name, nk.name_len,
						     nk.flags & NK_COMP_NAME, &u, &un));
		if (rc == 0)
			rc = hv_wname_from_units(dst, u, un, true, &w);
		bk_free(u);
	}
	if (rc == 0 && src == dst)
		rc = hv_key_is_under(dst, dst_parent, src_key, &under);
	if (rc == 0 && under)
		rc = hv_error(dst, BK_EINVAL, "cannot copy a key into its own subtree");
	if (rc == 0 && (rc = hw_begin(dst)) == 0)
		rc = hw_end(dst, copy_key(&c, dst_parent, &w, src_key, 0, &k));
	hv_wname_free(&w);
	bk_free(c.map.pair);
	if (rc == 0 && out)
		*out = k;
	return rc;
}
