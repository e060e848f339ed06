/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Element value codecs for the seven formats (doc/bcd-format-notes.md, "Element values").  Readers
 * are lenient where real stores are (short integers, wide booleans, junk
 * after a string's NUL); writers emit the canonical form.
 */
#include "config.h"

#include <string.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

static int
decode_guid_text(const char *s, bcd_guid_t *out)
{
	return bcd_guid_parse(s, out);
}

/* REG_MULTI_SZ of GUID strings: each NUL-terminated, an empty one ends it. */
static int
decode_objlist(const uint8_t *data, size_t len, struct bcd_value *out,
	       char *errbuf, size_t errlen)
{
	size_t units = len / 2, i, start = 0, n = 0;
	char t[BCD_GUID_STRLEN];

	out->guids = bk_calloc(units / 39 + 1, sizeof(bcd_guid_t));
	if (!out->guids)
		return -BK_ENOMEM;
	for (i = 0; i <= units; i++) {
		uint16_t c = i < units ? bk_le16(data + 2 * i) : 0;
		size_t k, sl = i - start;

		if (c != 0)
			continue;
		if (sl == 0)
			break;
		if (sl != 38 || n >= BCD_MAX_LIST)
			goto bad;
		for (k = 0; k < 38; k++) {
			uint16_t u = bk_le16(data + 2 * (start + k));

			if (u > 0x7f)
				goto bad;
			t[k] = (char)u;
		}
		t[38] = '\0';
		if (bcd_guid_parse(t, &out->guids[n]) < 0)
			goto bad;
		n++;
		start = i + 1;
	}
	out->n_guids = n;
	return 0;
bad:
	bk_errbuf_set(errbuf, errlen, "object list entry %zu is not a GUID", n + 1);
	bk_free(out->guids);
	out->guids = NULL;
	return -BK_ECORRUPT;
}

static int
decode_intlist(const uint8_t *data, size_t len, struct bcd_value *out,
	       char *errbuf, size_t errlen)
{
	struct bk_view v = bk_view_make(data, len);
	size_t n = len / 8, i;

	if (len % 8 || n > BCD_MAX_LIST) {
		bk_errbuf_set(errbuf, errlen, "integer list of %zu bytes", len);
		return -BK_ECORRUPT;
	}
	out->integers = bk_calloc(n ? n : 1, sizeof(uint64_t));
	if (!out->integers)
		return -BK_ENOMEM;
	for (i = 0; i < n; i++)
		out->integers[i] = bk_get_le64(&v, i * 8);
	out->n_integers = n;
	return 0;
}

int
bcd_value_decode(uint32_t eltype, const uint8_t *data, size_t len, struct bcd_value *out)
{
	return bc_value_decode(eltype, data, len, out, NULL, 0);
}

int
bc_value_decode(uint32_t eltype, const uint8_t *data, size_t len, struct bcd_value *out,
		char *errbuf, size_t errlen)
{
	char *s = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->format = BCD_ELEM_FORMAT(eltype);
	switch (out->format) {
	case BCD_FMT_INTEGER:
		/* Stores hold 1 to 8 bytes (install media: 1 and 3). */
		if (len < 1 || len > 8) {
			bk_errbuf_set(errbuf, errlen, "integer of %zu bytes", len);
			return -BK_ECORRUPT;
		}
		for (i = 0; i < len; i++)
			out->integer |= (uint64_t)data[i] << (8 * i);
		return 0;
	case BCD_FMT_BOOLEAN:
		if (len < 1) {
			bk_errbuf_set(errbuf, errlen, "empty boolean");
			return -BK_ECORRUPT;
		}
		for (i = 0; i < len; i++)
			if (data[i])
				out->integer = 1;
		return 0;
	case BCD_FMT_STRING:
		rc = bc_utf16le_to_utf8(data, len, &out->string);
		return rc;
	case BCD_FMT_OBJECT:
		rc = bc_utf16le_to_utf8(data, len, &s);
		if (rc < 0)
			return rc;
		out->guids = bk_calloc(1, sizeof(bcd_guid_t));
		if (!out->guids) {
			bk_free(s);
			return -BK_ENOMEM;
		}
		if (decode_guid_text(s, &out->guids[0]) < 0) {
			bk_errbuf_set(errbuf, errlen, "bad object reference \"%s\"", s);
			bk_free(s);
			bcd_value_free(out);
			return -BK_ECORRUPT;
		}
		bk_free(s);
		out->n_guids = 1;
		return 0;
	case BCD_FMT_OBJLIST:
		return decode_objlist(data, len, out, errbuf, errlen);
	case BCD_FMT_INTLIST:
		return decode_intlist(data, len, out, errbuf, errlen);
	case BCD_FMT_DEVICE:
	default:
		/* Devices (and formats nobody defined) stay raw bytes. */
		out->bytes = bk_malloc(len ? len : 1);
		if (!out->bytes)
			return -BK_ENOMEM;
		if (len)
			memcpy(out->bytes, data, len);
		out->n_bytes = len;
		return 0;
	}
}

/* Append the UTF-16LE form of s (with its NUL) to buf at *off. */
static int
put_utf16(const char *s, uint8_t **buf, size_t *len)
{
	uint16_t *u = NULL;
	size_t n = 0, i;
	uint8_t *p;
	int rc;

	rc = bk_utf8_to_utf16(s, strlen(s), &u, &n);
	if (rc < 0)
		return rc;
	p = bk_realloc(*buf, *len + 2 * n + 2);
	if (!p) {
		bk_free(u);
		return -BK_ENOMEM;
	}
	for (i = 0; i < n; i++)
		bk_put_le16(p + *len + 2 * i, u[i]);
	bk_put_le16(p + *len + 2 * n, 0);
	*len += 2 * n + 2;
	*buf = p;
	bk_free(u);
	return 0;
}

static int
encode_guids(const struct bcd_value *v, int list, uint8_t **data, size_t *len)
{
	char t[BCD_GUID_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < v->n_guids; i++) {
		rc = put_utf16(bcd_guid_format(&v->guids[i], t), data, len);
		if (rc < 0)
			return rc;
	}
	if (list) {
		/* REG_MULTI_SZ ends with an extra NUL (an empty list is one NUL). */
		uint8_t *p = bk_realloc(*data, *len + 2);

		if (!p)
			return -BK_ENOMEM;
		bk_put_le16(p + *len, 0);
		*len += 2;
		*data = p;
	}
	return 0;
}

int
bcd_value_encode(uint32_t eltype, const struct bcd_value *v, uint32_t *regtype,
		 uint8_t **data, size_t *len)
{
	uint8_t *p = NULL;
	size_t n = 0, i;
	int rc = 0;

	switch (BCD_ELEM_FORMAT(eltype)) {
	case BCD_FMT_INTEGER:
		*regtype = HIVE_REG_BINARY;
		n = 8;
		if (!(p = bk_malloc(n)))
			return -BK_ENOMEM;
		bk_put_le64(p, v->integer);
		break;
	case BCD_FMT_BOOLEAN:
		*regtype = HIVE_REG_BINARY;
		n = 1;
		if (!(p = bk_malloc(n)))
			return -BK_ENOMEM;
		p[0] = v->integer ? 1 : 0;
		break;
	case BCD_FMT_STRING:
		*regtype = HIVE_REG_SZ;
		rc = put_utf16(v->string ? v->string : "", &p, &n);
		break;
	case BCD_FMT_OBJECT:
		*regtype = HIVE_REG_SZ;
		if (v->n_guids != 1)
			return -BK_EINVAL;
		rc = encode_guids(v, 0, &p, &n);
		break;
	case BCD_FMT_OBJLIST:
		*regtype = HIVE_REG_MULTI_SZ;
		rc = encode_guids(v, 1, &p, &n);
		break;
	case BCD_FMT_INTLIST:
		*regtype = HIVE_REG_BINARY;
		n = 8 * v->n_integers;
		if (!(p = bk_malloc(n ? n : 1)))
			return -BK_ENOMEM;
		for (i = 0; i < v->n_integers; i++)
			bk_put_le64(p + 8 * i, v->integers[i]);
		break;
	default:
		*regtype = HIVE_REG_BINARY;
		n = v->n_bytes;
		if (!(p = bk_malloc(n ? n : 1)))
			return -BK_ENOMEM;
		if (n)
			memcpy(p, v->bytes, n);
		break;
	}
	if (rc < 0) {
		bk_free(p);
		return rc;
	}
	*data = p;
	*len = n;
	return 0;
}

void
bcd_value_free(struct bcd_value *v)
{
	if (!v)
		return;
	bk_free(v->string);
	bk_free(v->guids);
	bk_free(v->integers);
	bk_free(v->bytes);
	memset(v, 0, sizeof(*v));
}
