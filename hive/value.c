/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Values (vk) and their data: inline (up to 4 bytes in the offset field),
 * one data cell, or big data (db) split into segments of at most 16344 bytes
 * in hives of minor version 4 and up.  Data is returned as stored, never
 * converted.
 */
#include "config.h"

#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

int
hv_vk_read(struct hive *h, uint32_t off, struct vk_rec *vk)
{
	struct bk_view v;
	int rc = hv_cell(h, off, HIVE_VK_FIXED, &v);

	if (rc < 0)
		return rc;
	if (memcmp(v.p, "vk", 2) != 0)
		return hv_error(h, BK_ECORRUPT, "cell at offset 0x%x is not a value (vk)", off);
	vk->off = off;
	vk->name_len = bk_get_le16(&v, 0x02);
	vk->size_raw = bk_get_le32(&v, 0x04);
	vk->inline_data = vk->size_raw & 0x80000000u;
	vk->data_len = vk->size_raw & 0x7FFFFFFFu;
	vk->data_off = bk_get_le32(&v, 0x08);
	vk->type = bk_get_le32(&v, 0x0C);
	vk->flags = bk_get_le16(&v, 0x10);
	vk->name = bk_view_ptr(&v, HIVE_VK_FIXED, vk->name_len);
	if (v.oob)
		return hv_error(h, BK_ECORRUPT,
			      "value at offset 0x%x: name (%u bytes) runs past its cell", off,
			      vk->name_len);
	if (vk->inline_data && vk->data_len > 4)
		return hv_error(h, BK_ECORRUPT,
			      "value at offset 0x%x: inline data of %u bytes (at most 4 fit)", off,
			      vk->data_len);
	if (vk->data_len > HIVE_MAX_VALUE_SIZE)
		return hv_error(h, BK_ETOOBIG, "value at offset 0x%x: data size %u over the limit",
				off, vk->data_len);
	return 0;
}

/* Is the data of this value stored as big data (db)? */
static bool
vk_is_big(struct hive *h, const struct vk_rec *vk)
{
	struct bk_view v;

	if (vk->inline_data || h->base.minor < 4 || vk->data_len < HIVE_BIG_DATA_MIN)
		return false;
	/*
	 * Windows always uses db here; a writer that ignored the rule (libhivex)
	 * left one large cell instead.  Read what is there.
	 */
	if (hv_cell(h, vk->data_off, 8, &v) < 0)
		return true;    /* the db read reports the error */
	return memcmp(v.p, "db", 2) == 0;
}

static int
read_big(struct hive *h, const struct vk_rec *vk, uint8_t *dst)
{
	struct bk_view db, list, seg;
	uint16_t nseg, i;
	uint32_t left = vk->data_len;
	int rc = hv_cell(h, vk->data_off, 8, &db);

	if (rc < 0)
		return hv_err_ctx(h, rc, "value at offset 0x%x: bad big data", vk->off);
	nseg = bk_le16(db.p + 2);
	if ((uint64_t)nseg * HIVE_DB_SEGMENT < left)
		return hv_error(h, BK_ECORRUPT,
			      "value at offset 0x%x: %u big-data segments cannot hold %u bytes",
			      vk->off, nseg, left);
	rc = hv_cell(h, bk_le32(db.p + 4), (size_t)nseg * 4, &list);
	if (rc < 0)
		return hv_err_ctx(h, rc, "value at offset 0x%x: bad segment list", vk->off);
	for (i = 0; i < nseg && left > 0; i++) {
		uint32_t take = left < HIVE_DB_SEGMENT ? left : HIVE_DB_SEGMENT;
		rc = hv_cell(h, bk_le32(list.p + 4 * i), take, &seg);
		if (rc < 0)
			return hv_err_ctx(h, rc, "value at offset 0x%x: bad segment %u", vk->off, i);
		memcpy(dst, seg.p, take);
		dst += take;
		left -= take;
	}
	return 0;
}

int
hv_vk_data(struct hive *h, const struct vk_rec *vk, uint8_t **out, size_t *len)
{
	struct bk_view v;
	uint8_t *buf = bk_malloc(vk->data_len);
	int rc = 0;

	if (!buf)
		return hv_error(h, BK_ENOMEM, "out of memory");
	if (vk->inline_data) {
		/* The bytes sit at the start of the offset field, little-endian. */
		uint8_t tmp[4];
		bk_put_le32(tmp, vk->data_off);
		memcpy(buf, tmp, vk->data_len);
	} else if (vk->data_len == 0) {
		;
	} else if (vk_is_big(h, vk)) {
		rc = read_big(h, vk, buf);
	} else {
		rc = hv_cell(h, vk->data_off, vk->data_len, &v);
		if (rc < 0)
			rc = hv_err_ctx(h, rc, "value at offset 0x%x: bad data cell", vk->off);
		else
			memcpy(buf, v.p, vk->data_len);
	}
	if (rc < 0) {
		bk_free(buf);
		return rc;
	}
	*out = buf;
	*len = vk->data_len;
	return 0;
}

int
hive_value_name_utf16(hive_t *h, hive_value_t val, uint16_t **out, size_t *n)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, val, &vk);

	if (rc < 0)
		return rc;
	return hv_raw_name_utf16(h, vk.name, vk.name_len, vk.flags & VK_COMP_NAME, out, n);
}

int
hive_value_name(hive_t *h, hive_value_t val, char **out)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, val, &vk);

	if (rc < 0)
		return rc;
	return hv_raw_name_utf8(h, vk.name, vk.name_len, vk.flags & VK_COMP_NAME, false, out);
}

int
hive_value_name_to(hive_t *h, hive_value_t val, char *buf, size_t size, size_t *len)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, val, &vk);

	if (rc < 0)
		return rc;
	return hv_raw_name_to(h, vk.name, vk.name_len, vk.flags & VK_COMP_NAME, false, buf, size,
				len);
}

int
hive_value_type(hive_t *h, hive_value_t val, uint32_t *type)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, val, &vk);

	if (rc == 0)
		*type = vk.type;
	return rc;
}

int
hive_value_data(hive_t *h, hive_value_t val, uint8_t **out, size_t *len)
{
	struct vk_rec vk;
	int rc = hv_vk_read(h, val, &vk);

	if (rc < 0)
		return rc;
	return hv_vk_data(h, &vk, out, len);
}

int
hive_value_view(hive_t *h, hive_value_t val, struct hive_value_view *out)
{
	struct vk_rec vk;
	uint8_t *alloc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hv_vk_read(h, val, &vk);
	if (rc == 0)
		rc = hv_vk_bytes(h, &vk, out->inline_bytes, &out->data, &alloc);
	if (rc < 0)
		return rc;
	out->type = vk.type;
	out->len = vk.data_len;
	out->owned = alloc;
	return 0;
}

void
hive_value_view_free(struct hive_value_view *vv)
{
	bk_free(vv->owned);
	vv->owned = NULL;
	vv->data = NULL;
}
