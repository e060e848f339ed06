/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Key edits: names, adding keys (alone or along a path), deleting subtrees,
 * class names, security reference counts, and the derived fields of a key
 * (timestamp, max-length fields) that every edit keeps right.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

/* ---- names ----------------------------------------------------------------- */

int
hv_wname_from_units(struct hive *h, const uint16_t *u, size_t n, bool is_key,
		      struct hive_wname *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	if (is_key && n == 0)
		return hv_error(h, BK_EINVAL, "a key name cannot be empty");
	if (n > (is_key ? HIVE_KEY_NAME_MAX : HIVE_VALUE_NAME_MAX))
		return hv_error(h, BK_EINVAL, "%s name of %zu characters is longer than %u",
				is_key ? "key" : "value", n,
			      is_key ? HIVE_KEY_NAME_MAX : HIVE_VALUE_NAME_MAX);
	w->comp = true;
	for (i = 0; i < n; i++) {
		if (is_key && u[i] == '\\')
			return hv_error(h, BK_EINVAL, "a key name cannot contain '\\'");
		if (u[i] > 0xFF)
			w->comp = false;
	}
	w->u = bk_malloc((n + 1) * sizeof(*w->u));
	if (!w->u)
		return hv_error(h, BK_ENOMEM, "out of memory");
	if (n)
		memcpy(w->u, u, n * sizeof(*u));
	w->n = n;
	return 0;
}

int
hv_wname_make(struct hive *h, const char *s, bool is_key, struct hive_wname *w)
{
	uint16_t *u = NULL;
	size_t n = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	if (!s)
		s = "";
	if (!is_key && strcmp(s, "@") == 0)
		s = "";
	rc = hive_name_to_utf16(s, strlen(s), &u, &n);
	if (rc == -BK_EINVAL)
		return hv_error(h, BK_EINVAL, "name is not valid UTF-8");
	if (rc < 0)
		return hv_error(h, BK_ENOMEM, "out of memory");
	rc = hv_wname_from_units(h, u, n, is_key, w);
	bk_free(u);
	return rc;
}

void
hv_wname_free(struct hive_wname *w)
{
	bk_free(w->u);
	w->u = NULL;
}

size_t
hv_wname_bytes(const struct hive_wname *w)
{
	return w->comp ? w->n : w->n * 2;
}

void
hv_wname_store(const struct hive_wname *w, uint8_t *dst)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->comp)
			dst[i] = (uint8_t)w->u[i];
		else
			bk_put_le16(dst + 2 * i, w->u[i]);
	}
}

/* Upper-casing with ASCII done inline: this sits in every lookup loop. */
static inline uint16_t
up(uint16_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? (uint16_t)(c - 0x20) : c;
	return hive_upcase(c);
}

int
hv_raw_name_cmp(const uint8_t *raw, size_t len, bool comp, const uint16_t *u, size_t n)
{
	size_t rn = comp ? len : len / 2, i, m = rn < n ? rn : n;

	for (i = 0; i < m; i++) {
		uint16_t a = comp ? raw[i] : bk_le16(raw + 2 * i), b = u[i];
		if (a == b)
			continue;
		a = up(a);
		b = up(b);
		if (a != b)
			return a < b ? -1 : 1;
	}
	return rn < n ? -1 : rn > n ? 1 : 0;
}

/* ---- derived fields ------------------------------------------------------- */

int
hv_nk_touch(struct hive *h, uint32_t key)
{
	return hw_put64(h, HIVE_PAY(key, 0x04), h->ws->now);
}

int
hv_nk_raise(struct hive *h, uint32_t key, uint32_t field, uint32_t v)
{
	uint32_t old = bk_le32(hv_bins(h, HIVE_PAY(key, field)));

	if (field == 0x34) {
		/* Vista+ keeps flags in the upper 16 bits of the subkey-name maximum. */
		if ((old & 0xFFFFu) >= v)
			return 0;
		return hw_put32(h, HIVE_PAY(key, field), (old & 0xFFFF0000u) | (v & 0xFFFFu));
	}
	return old >= v ? 0 : hw_put32(h, HIVE_PAY(key, field), v);
}

int
hv_key_is_under(struct hive *h, uint32_t key, uint32_t anc, bool *out)
{
	struct nk_rec nk;
	int depth, rc;

	*out = false;
	for (depth = 0; depth <= HIVE_MAX_DEPTH; depth++) {
		if (key == anc) {
			*out = true;
			return 0;
		}
		if (key == h->base.root_offset)
			return 0;
		if ((rc = hv_nk_read(h, key, &nk)) < 0)
			return rc;
		key = nk.parent;
	}
	return hv_error(h, BK_ECORRUPT, "key parents form a loop or nest too deep");
}

static int
key_depth(struct hive *h, uint32_t key, int *out)
{
	struct nk_rec nk;
	int depth, rc;

	for (depth = 0; key != h->base.root_offset; depth++) {
		if (depth > HIVE_MAX_DEPTH)
			return hv_error(h, BK_ECORRUPT, "key parents form a loop");
		if ((rc = hv_nk_read(h, key, &nk)) < 0)
			return rc;
		key = nk.parent;
	}
	*out = depth;
	return 0;
}

/* ---- security ------------------------------------------------------------- */

int
hv_sk_ref(struct hive *h, uint32_t sk, int delta)
{
	struct bk_view v;
	uint32_t refs, flink, blink;
	int rc = hv_cell(h, sk, HIVE_SK_FIXED, &v);

	if (rc == 0 && memcmp(v.p, "sk", 2) != 0)
		rc = hv_error(h, BK_ECORRUPT, "cell at offset 0x%x is not an sk", sk);
	if (rc < 0)
		return rc;
	refs = bk_le32(v.p + 12);
	flink = bk_le32(v.p + 4);
	blink = bk_le32(v.p + 8);
	if (delta > 0 || refs > 1)
		return hw_put32(h, HIVE_PAY(sk, 12), refs + (uint32_t)delta);
	/* Last user gone: unlink it from the ring of sk cells and free it. */
	if (flink != sk && blink != sk) {
		struct bk_view a, b;
		if (hv_cell(h, flink, HIVE_SK_FIXED, &a) < 0 || hv_cell(h, blink, HIVE_SK_FIXED, &b) < 0)
			return hv_error(h, BK_ECORRUPT, "sk at offset 0x%x has broken links", sk);
		rc = hw_put32(h, HIVE_PAY(blink, 4), flink);
		if (rc == 0)
			rc = hw_put32(h, HIVE_PAY(flink, 8), blink);
		if (rc < 0)
			return rc;
	}
	return hv_cell_free(h, sk);
}

/* ---- add ------------------------------------------------------------------- */

int
hv_key_add_raw(struct hive *h, uint32_t parent, const struct hive_wname *w, uint16_t flags,
		 uint32_t sk, uint64_t ts, uint32_t *out)
{
	struct nk_rec pk;
	uint32_t nk, found;
	size_t nb = hv_wname_bytes(w);
	uint8_t *p;
	int depth = 0, rc = hv_nk_read(h, parent, &pk);

	if (rc < 0)
		return rc;
	rc = hv_list_lookup(h, &pk, w->u, w->n, &found);
	if (rc == 0) {
		*out = found;
		return hv_error(h, BK_EEXIST, "key already exists");
	}
	if (rc != -BK_ENOTFOUND)
		return rc;
	if ((rc = hv_edit_reach(h, parent)) < 0 || (rc = key_depth(h, parent, &depth)) < 0)
		return rc;
	if (depth + 1 >= HIVE_MAX_DEPTH)
		return hv_error(h, BK_ETOOBIG, "keys cannot nest deeper than %d",
			      HIVE_MAX_DEPTH);
	if ((rc = hv_cell_alloc(h, HIVE_NK_FIXED + nb, &nk)) < 0)
		return rc;
	p = hv_bins(h, HIVE_PAY(nk, 0));      /* fresh cell: journaled by the allocator */
	memcpy(p, "nk", 2);
	flags = (uint16_t)((flags & ~(NK_COMP_NAME | NK_HIVE_ENTRY | NK_HIVE_EXIT | NK_VOLATILE)) |
			   (w->comp ? NK_COMP_NAME : 0));
	bk_put_le16(p + 0x02, flags);
	bk_put_le64(p + 0x04, ts);
	bk_put_le32(p + 0x10, parent);
	bk_put_le32(p + 0x1C, HIVE_NONE);
	bk_put_le32(p + 0x20, HIVE_NONE);
	bk_put_le32(p + 0x28, HIVE_NONE);
	bk_put_le32(p + 0x2C, sk);
	bk_put_le32(p + 0x30, HIVE_NONE);
	bk_put_le16(p + 0x48, (uint16_t)nb);
	hv_wname_store(w, p + HIVE_NK_FIXED);
	rc = hv_sk_ref(h, sk, 1);
	if (rc == 0)
		rc = hv_list_insert(h, parent, nk, w->u, w->n);
	*out = nk;
	return rc;
}

int
hive_key_add_utf16(hive_t *h, hive_key_t parent, const uint16_t *name, size_t n, hive_key_t *out)
{
	struct hive_wname w;
	struct nk_rec pk;
	hive_key_t k = 0;
	int rc = hv_wname_from_units(h, name, n, true, &w);

	if (rc < 0)
		return rc;
	rc = hw_begin(h);
	if (rc == 0) {
		rc = hv_nk_read(h, parent, &pk);
		if (rc == 0)
			rc = hv_key_add_raw(h, parent, &w, 0, pk.sk, h->ws->now, &k);
		rc = hw_end(h, rc);
	}
	hv_wname_free(&w);
	if (out && (rc == 0 || rc == -BK_EEXIST))
		*out = k;
	return rc;
}

int
hive_key_add(hive_t *h, hive_key_t parent, const char *name, hive_key_t *out)
{
	struct hive_wname w;
	int rc = hv_wname_make(h, name, true, &w);

	if (rc < 0)
		return rc;
	rc = hive_key_add_utf16(h, parent, w.u, w.n, out);
	hv_wname_free(&w);
	return rc;
}

int
hive_key_create_path(hive_t *h, const char *path, hive_key_t *out)
{
	hive_key_t k = h->base.root_offset;
	const char *s = path ? path : "", *e;
	int rc = hw_begin(h);

	while (rc == 0 && *s) {
		struct hive_wname w;
		struct nk_rec pk;
		char *part;

		e = strchr(s, '\\');
		if (!e)
			e = s + strlen(s);
		if (e == s) {
			s++;
			continue;
		}
		part = bk_malloc((size_t)(e - s) + 1);
		if (!part) {
			rc = hv_error(h, BK_ENOMEM, "out of memory");
			break;
		}
		memcpy(part, s, (size_t)(e - s));
		part[e - s] = '\0';
		rc = hv_wname_make(h, part, true, &w);
		bk_free(part);
		if (rc == 0 && (rc = hv_nk_read(h, k, &pk)) == 0)
			rc = hv_key_add_raw(h, k, &w, 0, pk.sk, h->ws->now, &k);
		if (rc == -BK_EEXIST)
			rc = 0;
		hv_wname_free(&w);
		s = *e ? e + 1 : e;
	}
	rc = hw_end(h, rc);
	if (rc == 0 && out)
		*out = k;
	return rc;
}

/* ---- delete ---------------------------------------------------------------- */

/* Free the cells of a subkey list (not the keys). */
static int
list_free(struct hive *h, uint32_t list)
{
	struct bk_view v;
	uint16_t i, count;
	int rc = hv_cell(h, list, 4, &v);

	if (rc < 0)
		return rc;
	if (v.p[0] == 'r' && v.p[1] == 'i') {
		count = bk_le16(v.p + 2);
		if ((size_t)count * 4 > v.len - 4)
			return hv_error(h, BK_ECORRUPT, "bad ri at offset 0x%x", list);
		for (i = 0; i < count && rc == 0; i++) {
			uint32_t leaf = bk_le32(hv_bins(h, HIVE_PAY(list, 4 + 4u * i)));
			if ((rc = hv_cell(h, leaf, 4, &v)) == 0)
				rc = hv_cell_free(h, leaf);
		}
	}
	return rc ? rc : hv_cell_free(h, list);
}

static int
free_subtree(struct hive *h, uint32_t key, int depth)
{
	struct nk_rec nk;
	uint32_t *subs = NULL;
	size_t n = 0, i;
	int rc = hv_nk_read(h, key, &nk);

	if (rc == 0 && depth > HIVE_MAX_DEPTH)
		rc = hv_error(h, BK_ECORRUPT, "keys nest too deep");
	if (rc == 0)
		rc = hv_subkey_list(h, &nk, &subs, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = free_subtree(h, subs[i], depth + 1);
	bk_free(subs);
	if (rc == 0 && nk.subkey_count && nk.subkey_list != HIVE_NONE)
		rc = list_free(h, nk.subkey_list);
	if (rc == 0)
		rc = hv_values_free_all(h, key);
	if (rc == 0 && nk.class_off != HIVE_NONE && nk.class_len)
		rc = hv_cell_free(h, nk.class_off);
	if (rc == 0)
		rc = hv_sk_ref(h, nk.sk, -1);
	return rc ? rc : hv_cell_free(h, key);
}

/*
 * A delete frees the key's cells.  A key of that subtree listed under a
 * second parent elsewhere would be left pointing at freed cells, and only a
 * walk of the whole tree sees that: so a delete checks the whole tree even
 * on a lazy open, where other edits check the edited key's subtree only
 * (hv_edit_reach()).  Deletes are rare; set and add stay cheap.
 */
static int
delete_reach(struct hive *h, hive_key_t key)
{
	int rc = hv_edit_reach(h, key);

	if (rc == 0 && h->lazy && h->tree == 0) {
		rc = hv_tree_verify(h, h->base.root_offset);
		if (rc < 0 && rc != -BK_ENOMEM)
			rc = hv_check_writable(h);
	}
	return rc;
}

int
hive_key_delete(hive_t *h, hive_key_t key, int recursive)
{
	struct nk_rec nk;
	int rc = hw_begin(h);

	if (rc < 0)
		return rc;
	rc = delete_reach(h, key);
	if (rc == 0)
		rc = hv_nk_read(h, key, &nk);
	if (rc == 0 && key == h->base.root_offset)
		rc = hv_error(h, BK_EINVAL, "the root key cannot be deleted");
	if (rc == 0 && nk.subkey_count && !recursive)
		rc = hv_error(h, BK_ENOTEMPTY, "key has %u subkeys (delete recursively)",
			      nk.subkey_count);
	if (rc == 0)
		rc = hv_list_remove(h, nk.parent, key);
	if (rc == 0)
		rc = free_subtree(h, key, 0);
	return hw_end(h, rc);
}

/* ---- class names ------------------------------------------------------------ */

int
hv_set_class_raw(struct hive *h, uint32_t key, const uint8_t *cls, size_t len)
{
	struct nk_rec nk;
	uint32_t cell = HIVE_NONE;
	int rc = hv_nk_read(h, key, &nk);

	if (rc == 0 && len > 0xFFFF)
		rc = hv_error(h, BK_ETOOBIG, "class name of %zu bytes is too long", len);
	if (rc == 0 && len && (rc = hv_cell_alloc(h, len, &cell)) == 0)
		rc = hw_write(h, HIVE_PAY(cell, 0), cls, len);
	if (rc == 0 && nk.class_off != HIVE_NONE && nk.class_len)
		rc = hv_cell_free(h, nk.class_off);
	if (rc == 0)
		rc = hw_put32(h, HIVE_PAY(key, 0x30), cell);
	if (rc == 0)
		rc = hw_put16(h, HIVE_PAY(key, 0x4A), (uint16_t)len);
	if (rc == 0 && key != h->base.root_offset)
		rc = hv_nk_raise(h, nk.parent, 0x38, (uint32_t)len);
	return rc;
}

int
hive_key_set_class(hive_t *h, hive_key_t key, const uint8_t *cls, size_t len)
{
	int rc = hw_begin(h);

	if (rc < 0)
		return rc;
	rc = hv_edit_reach(h, key);
	if (rc == 0)
		rc = hv_set_class_raw(h, key, cls, cls ? len : 0);
	if (rc == 0)
		rc = hv_nk_touch(h, key);
	return hw_end(h, rc);
}
