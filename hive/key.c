/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Key nodes (nk) and subkey lists (lf, lh, li, ri): decoding with every
 * length checked against its cell, and the public key accessors.
 */
#include "config.h"

#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

int
hv_nk_read(struct hive *h, uint32_t off, struct nk_rec *nk)
{
	struct bk_view v;
	int rc = hv_cell(h, off, HIVE_NK_FIXED, &v);

	if (rc < 0)
		return rc;
	if (memcmp(v.p, "nk", 2) != 0)
		return hv_error(h, BK_ECORRUPT, "cell at offset 0x%x is not a key (nk)", off);
	nk->off = off;
	nk->flags = bk_get_le16(&v, 0x02);
	nk->timestamp = bk_get_le64(&v, 0x04);
	nk->access_bits = bk_get_le32(&v, 0x0C);
	nk->parent = bk_get_le32(&v, 0x10);
	nk->subkey_count = bk_get_le32(&v, 0x14);
	nk->subkey_list = bk_get_le32(&v, 0x1C);
	nk->value_count = bk_get_le32(&v, 0x24);
	nk->value_list = bk_get_le32(&v, 0x28);
	nk->sk = bk_get_le32(&v, 0x2C);
	nk->class_off = bk_get_le32(&v, 0x30);
	nk->max_name = bk_get_le32(&v, 0x34);
	nk->max_class = bk_get_le32(&v, 0x38);
	nk->max_vname = bk_get_le32(&v, 0x3C);
	nk->max_vdata = bk_get_le32(&v, 0x40);
	nk->name_len = bk_get_le16(&v, 0x48);
	nk->class_len = bk_get_le16(&v, 0x4A);
	nk->name = bk_view_ptr(&v, HIVE_NK_FIXED, nk->name_len);
	if (v.oob)
		return hv_error(h, BK_ECORRUPT,
			      "key at offset 0x%x: name (%u bytes) runs past its cell", off,
			      nk->name_len);
	return 0;
}

/* Append the nk offsets of one leaf (lf/lh/li) to the array. */
static int
read_leaf(struct hive *h, uint32_t off, const struct bk_view *v, uint32_t **arr,
	  size_t *n, size_t *cap)
{
	uint16_t count = bk_le16(v->p + 2);
	size_t stride = v->p[1] == 'i' ? 4 : 8, i;

	if ((size_t)count * stride > v->len - 4)
		return hv_error(h, BK_ECORRUPT,
			      "subkey list at offset 0x%x: %u entries do not fit its cell", off,
			      count);
	if (*n + count > HIVE_MAX_SUBKEYS)
		return hv_error(h, BK_ETOOBIG, "subkey list at offset 0x%x: too many subkeys", off);
	if (*n + count > *cap) {
		size_t ncap = (*n + count) * 2;
		uint32_t *na = bk_realloc(*arr, ncap * sizeof(**arr));
		if (!na)
			return hv_error(h, BK_ENOMEM, "out of memory");
		*arr = na;
		*cap = ncap;
	}
	for (i = 0; i < count; i++)
		(*arr)[(*n)++] = bk_le32(v->p + 4 + i * stride);
	return 0;
}

static int
read_list(struct hive *h, uint32_t off, int depth, uint32_t **arr, size_t *n, size_t *cap)
{
	struct bk_view v;
	uint16_t count, i;
	int rc = hv_cell(h, off, 4, &v);

	if (rc < 0)
		return rc;
	if (v.p[0] == 'l' && (v.p[1] == 'f' || v.p[1] == 'h' || v.p[1] == 'i'))
		return read_leaf(h, off, &v, arr, n, cap);
	if (v.p[0] != 'r' || v.p[1] != 'i')
		return hv_error(h, BK_ECORRUPT,
			      "cell at offset 0x%x is not a subkey list", off);
	if (depth >= HIVE_MAX_RI_DEPTH - 1)
		return hv_error(h, BK_ECORRUPT,
			      "ri list at offset 0x%x points to another ri", off);
	count = bk_le16(v.p + 2);
	if ((size_t)count * 4 > v.len - 4)
		return hv_error(h, BK_ECORRUPT,
			      "ri list at offset 0x%x: %u entries do not fit its cell", off, count);
	for (i = 0; i < count; i++) {
		rc = read_list(h, bk_le32(v.p + 4 + 4 * i), depth + 1, arr, n, cap);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
hv_subkey_list(struct hive *h, const struct nk_rec *nk, uint32_t **out, size_t *n)
{
	uint32_t *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (nk->subkey_count == 0)
		return 0;
	rc = read_list(h, nk->subkey_list, 0, &arr, &cnt, &cap);
	if (rc == 0 && cnt != nk->subkey_count)
		rc = hv_error(h, BK_ECORRUPT,
			    "key at offset 0x%x says %u subkeys, its list has %zu", nk->off,
			    nk->subkey_count, cnt);
	if (rc < 0) {
		bk_free(arr);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* The value list cell of a key, checked to hold value_count offsets. */
static int
value_list_view(struct hive *h, const struct nk_rec *nk, struct bk_view *v)
{
	int rc;

	if (nk->value_count > HIVE_MAX_VALUES)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x: too many values (%u)", nk->off,
				nk->value_count);
	rc = hv_cell(h, nk->value_list, (size_t)nk->value_count * 4, v);
	return rc < 0 ? hv_err_ctx(h, rc, "key at offset 0x%x: bad value list", nk->off) : 0;
}

int
hv_value_list(struct hive *h, const struct nk_rec *nk, uint32_t **out, size_t *n)
{
	struct bk_view v;
	uint32_t *arr, i;
	int rc;

	*out = NULL;
	*n = 0;
	if (nk->value_count == 0)
		return 0;
	if ((rc = value_list_view(h, nk, &v)) < 0)
		return rc;
	arr = bk_malloc((size_t)nk->value_count * sizeof(*arr));
	if (!arr)
		return hv_error(h, BK_ENOMEM, "out of memory");
	for (i = 0; i < nk->value_count; i++)
		arr[i] = bk_le32(v.p + 4 * i);
	*out = arr;
	*n = nk->value_count;
	return 0;
}

int
hv_raw_name_utf16(struct hive *h, const uint8_t *p, size_t len, bool comp,
		    uint16_t **out, size_t *n)
{
	size_t i;
	int rc;

	if (!comp) {
		rc = bk_utf16le_units(p, len, out, n);
		return rc < 0 ? hv_error(h, BK_ENOMEM, "out of memory") : 0;
	}
	*out = bk_malloc((len + 1) * sizeof(**out));
	if (!*out)
		return hv_error(h, BK_ENOMEM, "out of memory");
	for (i = 0; i < len; i++)
		(*out)[i] = p[i];    /* Latin-1 is the first 256 code points */
	*n = len;
	return 0;
}

/* A stored name as escaped UTF-8 (hive.h), converted straight from its bytes. */
int
hv_raw_name_utf8(struct hive *h, const uint8_t *p, size_t len, bool comp,
		   bool esc_backslash, char **out)
{
	size_t units = comp ? len : len / 2;

	*out = bk_malloc(BK_UTF8_MAX(units));
	if (!*out)
		return hv_error(h, BK_ENOMEM, "out of memory");
	bk_units_to_utf8(p, comp ? BK_UNITS_LATIN1 : BK_UNITS_LE, units, esc_backslash, *out);
	return 0;
}

int
hv_raw_name_to(struct hive *h, const uint8_t *p, size_t len, bool comp, bool esc_backslash,
		 char *buf, size_t size, size_t *out_len)
{
	size_t units = comp ? len : len / 2;

	if (size < BK_UTF8_MAX(units)) {
		*out_len = BK_UTF8_MAX(units);
		return hv_error(h, BK_ETOOBIG, "name of %zu characters: buffer of %zu bytes "
			      "too small", units, size);
	}
	*out_len = bk_units_to_utf8(p, comp ? BK_UNITS_LATIN1 : BK_UNITS_LE, units, esc_backslash,
				    buf);
	return 0;
}

int
hive_root(hive_t *h, hive_key_t *out)
{
	*out = h->base.root_offset;
	return 0;
}

int
hive_key_info(hive_t *h, hive_key_t key, struct hive_key_info *o)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	memset(o, 0, sizeof(*o));
	o->flags = nk.flags;
	o->timestamp = nk.timestamp;
	o->access_bits = nk.access_bits;
	o->parent = nk.parent;
	o->subkey_count = nk.subkey_count;
	o->value_count = nk.value_count;
	o->sk_offset = nk.sk;
	o->class_offset = nk.class_off;
	o->max_subkey_name = nk.max_name;
	o->max_subkey_class = nk.max_class;
	o->max_value_name = nk.max_vname;
	o->max_value_data = nk.max_vdata;
	return 0;
}

int
hive_key_name_utf16(hive_t *h, hive_key_t key, uint16_t **out, size_t *n)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	return hv_raw_name_utf16(h, nk.name, nk.name_len, nk.flags & NK_COMP_NAME, out, n);
}

int
hive_key_name(hive_t *h, hive_key_t key, char **out)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	return hv_raw_name_utf8(h, nk.name, nk.name_len, nk.flags & NK_COMP_NAME, true, out);
}

int
hive_key_name_to(hive_t *h, hive_key_t key, char *buf, size_t size, size_t *len)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	return hv_raw_name_to(h, nk.name, nk.name_len, nk.flags & NK_COMP_NAME, true, buf, size,
				len);
}

int
hive_key_class(hive_t *h, hive_key_t key, uint8_t **out, size_t *len)
{
	struct nk_rec nk;
	struct bk_view v;
	int rc = hv_nk_read(h, key, &nk);

	*out = NULL;
	*len = 0;
	if (rc < 0)
		return rc;
	if (nk.class_len == 0 || nk.class_off == HIVE_NONE)
		return 0;
	rc = hv_cell(h, nk.class_off, nk.class_len, &v);
	if (rc < 0)
		return hv_err_ctx(h, rc, "key at offset 0x%x: bad class name", key);
	*out = bk_malloc(nk.class_len);
	if (!*out)
		return hv_error(h, BK_ENOMEM, "out of memory");
	memcpy(*out, v.p, nk.class_len);
	*len = nk.class_len;
	return 0;
}

/* Salvage mode: keep the entries that are keys, drop the rest. */
static size_t
keep_valid_keys(struct hive *h, uint32_t *arr, size_t n)
{
	struct nk_rec child;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (hv_nk_read(h, arr[i], &child) == 0)
			arr[k++] = arr[i];
	return k;
}

int
hive_key_subkeys(hive_t *h, hive_key_t key, hive_key_t **out, size_t *n)
{
	struct nk_rec nk, child;
	size_t i;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	rc = hv_subkey_list(h, &nk, out, n);
	if (h->flags & HIVE_OPEN_SALVAGE) {
		if (rc < 0) {
			hv_msg(h, "%s", h->err.msg);
			if (rc == -BK_ENOMEM)
				return rc;
			*out = NULL;
			*n = 0;
			return 0;
		}
		*n = keep_valid_keys(h, *out, *n);
		return 0;
	}
	/* Every entry must be a key: callers may then trust the handles. */
	for (i = 0; rc == 0 && i < *n; i++) {
		if (hv_nk_read(h, (*out)[i], &child) < 0) {
			rc = hv_error(h, BK_ECORRUPT,
				    "key at offset 0x%x: subkey entry %zu (offset 0x%x) is not a key", key, i, (*out)[i]);
			bk_free(*out);
			*out = NULL;
			*n = 0;
		}
	}
	return rc;
}

int
hive_key_values_to(hive_t *h, hive_key_t key, hive_value_t *buf, size_t size, size_t *n)
{
	struct nk_rec nk;
	struct bk_view v;
	uint32_t i;
	int rc = hv_nk_read(h, key, &nk);

	*n = 0;
	if (rc < 0 || nk.value_count == 0)
		return rc;
	if ((rc = value_list_view(h, &nk, &v)) < 0)
		return rc;
	*n = nk.value_count;
	if (size < nk.value_count)
		return hv_error(h, BK_ETOOBIG, "key at offset 0x%x: %u values, room for %zu", key,
				nk.value_count, size);
	for (i = 0; i < nk.value_count; i++)
		buf[i] = bk_le32(v.p + 4 * i);
	return 0;
}

int
hive_key_values(hive_t *h, hive_key_t key, hive_value_t **out, size_t *n)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, key, &nk);

	if (rc < 0)
		return rc;
	return hv_value_list(h, &nk, out, n);
}
