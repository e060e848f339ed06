/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Export a key tree as XML.  The schema is in doc/hive-xml.md (and
 * doc/hive-xml.rng, which the tests check every document against with
 * libxml2).  Unlike hivexml, nothing is lost: a name XML 1.0 cannot carry
 * (NUL, other control characters, unpaired surrogates, U+FFFE/FFFF) is given
 * as hex UTF-16LE in name-utf16 instead of name, and key flags, timestamps,
 * class names, value types, flags and data are all kept raw.
 *
 * The text is built straight into one large buffer and handed to the sink
 * in pieces of REG_EXPORT_BUF bytes, as the .reg exporter does: libxml2's
 * text writer with snprintf and strftime per attribute took 87% of the time
 * and wrote 4 KiB at a time.  The layout is the one that writer produced
 * (one space of indent per level, "/>" for a key without children), so the
 * output did not change.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

#define HIVE_XML_NS "urn:bcdkit:hive-xml:1"

struct xml_writer {
	struct hive *h;
	hive_write_fn write;
	void *data;
	struct bk_buf out;        /* text not yet handed to the sink */
	struct bk_buf buf;        /* scratch: names */
	int depth;                 /* depth of the last key opened */
	bool open_tag;             /* that key's start tag still lacks its ">" */
};

static const char hexdig[] = "0123456789abcdef";

static inline int
room(struct xml_writer *x, size_t n)
{
	if (x->out.cap - x->out.len >= n)
		return 0;
	if (bk_buf_grow(&x->out, n < (1u << 16) ? (1u << 16) : n) < 0)
		return hv_error(x->h, BK_ENOMEM, "out of memory");
	return 0;
}

static int
flush_out(struct xml_writer *x)
{
	int rc;

	if (x->out.len == 0)
		return 0;
	rc = x->write(x->data, x->out.p, x->out.len);
	x->out.len = 0;
	if (rc < 0)
		return hv_error(x->h, -rc, "export: cannot write the output: %s", bk_strerror(rc));
	return 0;
}

/* Hand full pieces to the sink; called between records. */
static int
maybe_flush(struct xml_writer *x)
{
	return x->out.len >= REG_EXPORT_BUF ? flush_out(x) : 0;
}

static inline int
put(struct xml_writer *x, const char *s, size_t n)
{
	int rc = room(x, n);

	if (rc == 0) {
		memcpy(x->out.p + x->out.len, s, n);
		x->out.len += n;
	}
	return rc;
}

static inline int
puts_(struct xml_writer *x, const char *s)
{
	return put(x, s, strlen(s));
}

/* Attribute text with XML's escapes (what libxml2 escapes in attributes). */
static int
put_escaped(struct xml_writer *x, const uint8_t *s, size_t n)
{
	size_t i;
	int rc = room(x, 6 * n);
	char *o;

	if (rc < 0)
		return rc;
	o = (char *)x->out.p + x->out.len;
	for (i = 0; i < n; i++) {
		const char *e = NULL;

		if (s[i] > '>' || (s[i] >= ' ' && s[i] != '"' && s[i] != '&' && s[i] != '<' &&
				   s[i] != '>')) {
			*o++ = (char)s[i];
			continue;
		}
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\n': e = "&#10;"; break;
		case '\r': e = "&#13;"; break;
		case '\t': e = "&#9;"; break;
		}
		if (e) {
			size_t el = strlen(e);
			memcpy(o, e, el);
			o += el;
		} else {
			*o++ = (char)s[i];
		}
	}
	x->out.len = (size_t)((uint8_t *)o - x->out.p);
	return 0;
}

/* name="value" with a leading space; value escaped. */
static int
attr(struct xml_writer *x, const char *name, const char *val, size_t vlen)
{
	size_t nl = strlen(name);
	int rc = room(x, nl + 4);

	if (rc < 0)
		return rc;
	x->out.p[x->out.len++] = ' ';
	memcpy(x->out.p + x->out.len, name, nl);
	x->out.len += nl;
	x->out.p[x->out.len++] = '=';
	x->out.p[x->out.len++] = '"';
	if ((rc = put_escaped(x, (const uint8_t *)val, vlen)) < 0)
		return rc;
	return put(x, "\"", 1);
}

/* Hex of n bytes, appended to the output. */
static int
put_hex(struct xml_writer *x, const uint8_t *p, size_t n)
{
	size_t i;
	uint8_t *o;
	int rc = room(x, 2 * n);

	if (rc < 0)
		return rc;
	o = x->out.p + x->out.len;
	for (i = 0; i < n; i++) {
		o[2 * i] = (uint8_t)hexdig[p[i] >> 4];
		o[2 * i + 1] = (uint8_t)hexdig[p[i] & 15];
	}
	x->out.len += 2 * n;
	return 0;
}

/* name="hex" (hex needs no escaping). */
static int
attr_hex(struct xml_writer *x, const char *name, const uint8_t *p, size_t n)
{
	int rc = put(x, " ", 1);

	if (rc == 0)
		rc = puts_(x, name);
	if (rc == 0)
		rc = put(x, "=\"", 2);
	if (rc == 0)
		rc = put_hex(x, p, n);
	return rc ? rc : put(x, "\"", 1);
}

/* name="0x%0*x" */
static int
attr_hexnum(struct xml_writer *x, const char *name, uint32_t v, int digits)
{
	char b[12];
	int i;

	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < digits; i++)
		b[2 + i] = hexdig[(v >> (4 * (digits - 1 - i))) & 15];
	return attr(x, name, b, (size_t)digits + 2);
}

/* Decimal digits of v into b (no NUL); returns their count. */
static size_t
u32_text(char *b, uint32_t v)
{
	char t[12];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		b[i] = t[n - 1 - i];
	return n;
}

static int
attr_u32(struct xml_writer *x, const char *name, uint32_t v)
{
	char b[12];

	return attr(x, name, b, u32_text(b, v));
}

static bool
xml_char_ok(uint32_t c)
{
	return (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

/*
 * A raw name (Latin-1 or UTF-16LE bytes) as UTF-8 in the scratch buffer.
 * Returns 1 if XML can carry it, 0 if not (the caller then writes hex), <0.
 */
static int
name_utf8(struct xml_writer *x, const uint8_t *p, size_t bytes, bool latin1)
{
	size_t n = latin1 ? bytes : bytes / 2, i;
	uint8_t *o;

	x->buf.len = 0;
	if (bk_buf_grow(&x->buf, 3 * n + 1) < 0)
		return hv_error(x->h, BK_ENOMEM, "out of memory");
	o = x->buf.p;
	for (i = 0; i < n; i++) {
		uint32_t c = latin1 ? p[i] : bk_le16(p + 2 * i);
		if (!latin1 && c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
			uint32_t lo = bk_le16(p + 2 * i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		if (!xml_char_ok(c))
			return 0;
		o += bk_utf8_put(o, c);
	}
	x->buf.len = (size_t)(o - x->buf.p);
	return 1;
}

/* The name as name="..." or, when XML cannot carry it, name-utf16="hex". */
static int
put_name(struct xml_writer *x, const uint8_t *p, size_t bytes, bool latin1)
{
	uint8_t *wide;
	size_t i;
	int rc = name_utf8(x, p, bytes, latin1);

	if (rc < 0)
		return rc;
	if (rc == 1)
		return attr(x, "name", (const char *)x->buf.p, x->buf.len);
	if (!latin1)
		return attr_hex(x, "name-utf16", p, bytes & ~(size_t)1);
	wide = bk_malloc(2 * bytes + 1);
	if (!wide)
		return hv_error(x->h, BK_ENOMEM, "out of memory");
	for (i = 0; i < bytes; i++)
		bk_put_le16(wide + 2 * i, p[i]);
	rc = attr_hex(x, "name-utf16", wide, 2 * bytes);
	bk_free(wide);
	return rc;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static char *
digits(char *o, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		o[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return o + n;
}

/* FILETIME as ISO 8601 UTC with its full 100 ns precision ("-" past 9999). */
static size_t
filetime_iso(uint64_t ft, char *b)
{
	int64_t secs = (int64_t)(ft / 10000000ULL) - 11644473600LL, days, y;
	int64_t sod;
	unsigned m, d;
	char *o = b;

	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	sod = secs - days * 86400;
	civil(days, &y, &m, &d);
	if (y > 9999) {
		b[0] = '-';
		return 1;
	}
	o = digits(o, (uint64_t)y, 4);
	*o++ = '-';
	o = digits(o, m, 2);
	*o++ = '-';
	o = digits(o, d, 2);
	*o++ = 'T';
	o = digits(o, (uint64_t)(sod / 3600), 2);
	*o++ = ':';
	o = digits(o, (uint64_t)(sod / 60 % 60), 2);
	*o++ = ':';
	o = digits(o, (uint64_t)(sod % 60), 2);
	*o++ = '.';
	o = digits(o, ft % 10000000ULL, 7);
	*o++ = 'Z';
	return (size_t)(o - b);
}

static int
put_times(struct xml_writer *x, uint64_t ft)
{
	char buf[48];
	int i, rc;

	for (i = 0; i < 16; i++)
		buf[i] = hexdig[(ft >> (4 * (15 - i))) & 15];
	if ((rc = attr(x, "filetime", buf, 16)) < 0)
		return rc;
	return attr(x, "mtime", buf, filetime_iso(ft, buf));
}

/* The ">" of the last key's start tag, once it turns out to have children. */
static int
close_start(struct xml_writer *x)
{
	if (!x->open_tag)
		return 0;
	x->open_tag = false;
	return put(x, ">\n", 2);
}

static int
indent(struct xml_writer *x, int depth)
{
	int rc = room(x, (size_t)depth);

	if (rc == 0) {
		memset(x->out.p + x->out.len, ' ', (size_t)depth);
		x->out.len += (size_t)depth;
	}
	return rc;
}

static int
put_value(struct xml_writer *x, uint32_t off, int depth)
{
	struct hive *h = x->h;
	struct vk_rec vk;
	const uint8_t *d;
	uint8_t tmp[4], *alloc = NULL;
	int rc;

	if ((rc = hv_vk_read(h, off, &vk)) < 0 || (rc = hv_vk_bytes(h, &vk, tmp, &d, &alloc)) < 0)
		return hv_export_skip(h, rc);
	if ((rc = close_start(x)) == 0 && (rc = indent(x, depth + 2)) == 0 &&
	    (rc = put(x, "<value", 6)) == 0 &&
	    (rc = put_name(x, vk.name, vk.name_len, vk.flags & VK_COMP_NAME)) == 0 &&
	    (rc = attr_u32(x, "type", vk.type)) == 0 &&
	    (rc = attr_hexnum(x, "flags", vk.flags, 4)) == 0 &&
	    (rc = attr_u32(x, "size", vk.data_len)) == 0 && (rc = put(x, ">", 1)) == 0 &&
	    (rc = put_hex(x, d, vk.data_len)) == 0)
		rc = put(x, "</value>\n", 9);
	bk_free(alloc);
	return rc ? rc : maybe_flush(x);
}

static int
put_key_attrs(struct xml_writer *x, const struct nk_rec *nk)
{
	struct hive *h = x->h;
	struct bk_view cv;
	int rc;

	if ((rc = put_name(x, nk->name, nk->name_len, nk->flags & NK_COMP_NAME)) < 0 ||
	    (rc = attr_hexnum(x, "flags", nk->flags, 4)) < 0 ||
	    (rc = put_times(x, nk->timestamp)) < 0)
		return rc;
	if (nk->access_bits && (rc = attr_hexnum(x, "access-bits", nk->access_bits, 8)) < 0)
		return rc;
	if (nk->class_len == 0 || nk->class_off == HIVE_NONE)
		return 0;
	if ((rc = hv_cell(h, nk->class_off, nk->class_len, &cv)) < 0)
		return hv_error(h, -rc, "key at offset 0x%x: bad class name: %s", nk->off,
				h->err.msg);
	return attr_hex(x, "class-utf16", cv.p, nk->class_len);
}

/* Close the <key> elements of the keys the walk has left. */
static int
close_keys(struct xml_writer *x, int depth)
{
	int rc = 0;

	for (; rc == 0 && x->depth >= depth; x->depth--) {
		if (x->open_tag) {
			x->open_tag = false;
			rc = put(x, "/>\n", 3);
		} else if ((rc = indent(x, x->depth + 1)) == 0) {
			rc = put(x, "</key>\n", 7);
		}
	}
	return rc;
}

static int
key_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct xml_writer *x = data;
	struct nk_rec nk;
	struct bk_view vl;
	uint32_t i;
	int rc;

	if ((rc = close_keys(x, depth)) < 0 || (rc = hv_nk_read(h, key, &nk)) < 0)
		return rc;
	if ((rc = close_start(x)) < 0 || (rc = indent(x, depth + 1)) < 0 ||
	    (rc = put(x, "<key", 4)) < 0)
		return rc;
	x->depth = depth;
	if ((rc = put_key_attrs(x, &nk)) < 0)
		return rc;
	x->open_tag = true;
	if ((rc = hv_export_value_list(h, &nk, &vl)) < 0)
		return rc;
	for (i = 0; i < vl.len / 4; i++)
		if ((rc = put_value(x, bk_le32(vl.p + 4 * i), depth)) < 0)
			return rc;
	return maybe_flush(x);
}

static int
put_hive_attrs(struct xml_writer *x, hive_key_t key)
{
	struct hive_header hd;
	char *path = NULL, buf[24];
	const char *p;
	size_t n;
	int rc;

	hive_get_header(x->h, &hd);
	n = u32_text(buf, hd.major);
	buf[n++] = '.';
	n += u32_text(buf + n, hd.minor);
	if ((rc = attr(x, "version", buf, n)) < 0)
		return rc;
	if ((rc = attr_u32(x, "seq1", hd.seq1)) < 0 || (rc = attr_u32(x, "seq2", hd.seq2)) < 0 ||
	    (rc = put_times(x, hd.timestamp)) < 0)
		return rc;
	for (p = hd.file_name; *p && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F; p++)
		;
	if (!*p && (rc = attr(x, "file-name", hd.file_name, strlen(hd.file_name))) < 0)
		return rc;
	if (key == x->h->base.root_offset)
		return 0;
	/* A subtree: say where it is (escaped path, see hive.h). */
	if ((rc = hive_key_path(x->h, key, &path)) < 0)
		return rc;
	rc = attr(x, "path", path, strlen(path));
	bk_free(path);
	return rc;
}

int
hive_export_xml(hive_t *h, hive_key_t key, hive_write_fn write, void *data)
{
	struct xml_writer x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.h = h;
	x.write = write;
	x.data = data;
	x.depth = -1;
	if (key == 0)
		key = h->base.root_offset;
	rc = puts_(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hive");
	if (rc == 0)
		rc = put_hive_attrs(&x, key);
	if (rc == 0)
		rc = attr(&x, "xmlns", HIVE_XML_NS, strlen(HIVE_XML_NS));
	if (rc == 0)
		rc = put(&x, ">\n", 2);
	if (rc == 0)
		rc = hv_walk(h, key, key_cb, &x);
	if (rc == 0)
		rc = close_keys(&x, 0);
	if (rc == 0)
		rc = puts_(&x, "</hive>\n");
	if (rc == 0)
		rc = flush_out(&x);
	bk_buf_release(&x.out);
	bk_buf_release(&x.buf);
	return rc;
}
