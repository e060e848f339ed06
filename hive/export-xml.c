/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Export a key tree as XML (libxml2's text writer).  The schema is in
 * doc/hive-xml.md.  Unlike hivexml, nothing is lost: a name XML 1.0 cannot
 * carry (NUL, other control characters, unpaired surrogates, U+FFFE/FFFF)
 * is given as hex UTF-16LE in name-utf16 instead of name, and key flags,
 * timestamps, class names, value types, flags and data are all kept raw.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "hive-internal.h"

#define HIVE_XML_NS "urn:bcdkit:hive-xml:1"

struct xml_writer {
	struct hive *h;
	xmlTextWriterPtr tw;
	hive_write_fn write;
	void *data;
	int write_rc;              /* the sink's error, if it failed */
	struct reg_buf buf;        /* scratch: names and hex data */
	int depth;                 /* depth of the last key opened */
};

static int
xml_sink(void *ctx, const char *buf, int len)
{
	struct xml_writer *x = ctx;
	int rc = x->write(x->data, buf, (size_t)len);

	if (rc < 0) {
		x->write_rc = rc;
		return -1;
	}
	return len;
}

/* libxml2 would print its I/O errors on stderr; a library must stay quiet
 * (the failure is reported through the return code instead). */
static void
xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int
xml_fail(struct xml_writer *x)
{
	struct hive *h = x->h;

	if (x->write_rc < 0)
		return bk_err(&h->err, -x->write_rc, "%s: export: cannot write the output: %s",
			      h->path, bk_strerror(x->write_rc));
	return bk_err(&h->err, BK_ENOMEM, "%s: export: XML writer failed", h->path);
}

static int
buf_room(struct xml_writer *x, size_t n)
{
	if (reg_buf_grow(&x->buf, n) < 0)
		return bk_err(&x->h->err, BK_ENOMEM, "%s: out of memory", x->h->path);
	return 0;
}

/* Hex of n bytes into the scratch buffer, NUL-terminated. */
static int
to_hex(struct xml_writer *x, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	char *o;
	int rc;

	x->buf.len = 0;
	if ((rc = buf_room(x, 2 * n + 1)) < 0)
		return rc;
	o = (char *)x->buf.p;
	for (i = 0; i < n; i++) {
		o[2 * i] = hex[p[i] >> 4];
		o[2 * i + 1] = hex[p[i] & 15];
	}
	o[2 * n] = '\0';
	x->buf.len = 2 * n;
	return 0;
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
	int rc;

	x->buf.len = 0;
	if ((rc = buf_room(x, 3 * n + 1)) < 0)
		return rc;
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
		if (c < 0x80) {
			*o++ = (uint8_t)c;
		} else if (c < 0x800) {
			*o++ = (uint8_t)(0xC0 | c >> 6);
			*o++ = (uint8_t)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*o++ = (uint8_t)(0xE0 | c >> 12);
			*o++ = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (uint8_t)(0x80 | (c & 0x3F));
		} else {
			*o++ = (uint8_t)(0xF0 | c >> 18);
			*o++ = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
			*o++ = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (uint8_t)(0x80 | (c & 0x3F));
		}
	}
	*o = '\0';
	x->buf.len = (size_t)(o - x->buf.p);
	return 1;
}

static int
attr(struct xml_writer *x, const char *name, const char *val)
{
	return xmlTextWriterWriteAttribute(x->tw, BAD_CAST name, BAD_CAST val) < 0 ? xml_fail(x) : 0;
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
		return attr(x, "name", (const char *)x->buf.p);
	if (!latin1) {
		if ((rc = to_hex(x, p, bytes & ~(size_t)1)) < 0)
			return rc;
		return attr(x, "name-utf16", (const char *)x->buf.p);
	}
	wide = bk_malloc(2 * bytes + 1);
	if (!wide)
		return bk_err(&x->h->err, BK_ENOMEM, "%s: out of memory", x->h->path);
	for (i = 0; i < bytes; i++)
		bk_put_le16(wide + 2 * i, p[i]);
	rc = to_hex(x, wide, 2 * bytes);
	bk_free(wide);
	return rc < 0 ? rc : attr(x, "name-utf16", (const char *)x->buf.p);
}

/* FILETIME as ISO 8601 UTC with its full 100 ns precision. */
static void
filetime_iso(uint64_t ft, char *buf, size_t len)
{
	time_t t = (time_t)(ft / 10000000ULL) - (time_t)11644473600LL;
	struct tm tm;
	char day[32];

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%07uZ", day, (unsigned)(ft % 10000000ULL));
}

static int
put_times(struct xml_writer *x, uint64_t ft)
{
	char buf[48];
	int rc;

	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)ft);
	if ((rc = attr(x, "filetime", buf)) < 0)
		return rc;
	filetime_iso(ft, buf, sizeof(buf));
	return attr(x, "mtime", buf);
}

static int
put_value(struct xml_writer *x, uint32_t off)
{
	struct hive *h = x->h;
	struct vk_rec vk;
	const uint8_t *d;
	uint8_t tmp[4], *alloc = NULL;
	char num[24];
	int rc;

	if ((rc = hive_vk_read(h, off, &vk)) < 0 || (rc = hive_vk_bytes(h, &vk, tmp, &d, &alloc)) < 0)
		return hive_export_skip(h, rc);
	if (xmlTextWriterStartElement(x->tw, BAD_CAST "value") < 0) {
		rc = xml_fail(x);
		goto out;
	}
	if ((rc = put_name(x, vk.name, vk.name_len, vk.flags & VK_COMP_NAME)) < 0)
		goto out;
	snprintf(num, sizeof(num), "%u", vk.type);
	if ((rc = attr(x, "type", num)) < 0)
		goto out;
	snprintf(num, sizeof(num), "0x%04x", vk.flags);
	if ((rc = attr(x, "flags", num)) < 0)
		goto out;
	snprintf(num, sizeof(num), "%u", vk.data_len);
	if ((rc = attr(x, "size", num)) < 0 || (rc = to_hex(x, d, vk.data_len)) < 0)
		goto out;
	if (xmlTextWriterWriteRawLen(x->tw, x->buf.p, (int)x->buf.len) < 0 ||
	    xmlTextWriterEndElement(x->tw) < 0)
		rc = xml_fail(x);
out:
	bk_free(alloc);
	return rc;
}

static int
put_key_attrs(struct xml_writer *x, const struct nk_rec *nk)
{
	struct hive *h = x->h;
	struct bk_view cv;
	char num[24];
	int rc;

	if ((rc = put_name(x, nk->name, nk->name_len, nk->flags & NK_COMP_NAME)) < 0)
		return rc;
	snprintf(num, sizeof(num), "0x%04x", nk->flags);
	if ((rc = attr(x, "flags", num)) < 0 || (rc = put_times(x, nk->timestamp)) < 0)
		return rc;
	snprintf(num, sizeof(num), "0x%08x", nk->access_bits);
	if (nk->access_bits && (rc = attr(x, "access-bits", num)) < 0)
		return rc;
	if (nk->class_len == 0 || nk->class_off == HIVE_NONE)
		return 0;
	if ((rc = hive_cell(h, nk->class_off, nk->class_len, &cv)) < 0)
		return bk_err(&h->err, -rc, "%s: key at offset 0x%x: bad class name: %s",
			      h->path, nk->off, h->err.msg);
	if ((rc = to_hex(x, cv.p, nk->class_len)) < 0)
		return rc;
	return attr(x, "class-utf16", (const char *)x->buf.p);
}

/* Close the <key> elements of the keys the walk has left. */
static int
close_keys(struct xml_writer *x, int depth)
{
	for (; x->depth >= depth; x->depth--)
		if (xmlTextWriterEndElement(x->tw) < 0)
			return xml_fail(x);
	return 0;
}

static int
key_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct xml_writer *x = data;
	struct nk_rec nk;
	struct bk_view vl;
	uint32_t i;
	int rc;

	if ((rc = close_keys(x, depth)) < 0 || (rc = hive_nk_read(h, key, &nk)) < 0)
		return rc;
	if (xmlTextWriterStartElement(x->tw, BAD_CAST "key") < 0)
		return xml_fail(x);
	x->depth = depth;
	if ((rc = put_key_attrs(x, &nk)) < 0)
		return rc;
	if ((rc = hive_export_value_list(h, &nk, &vl)) < 0)
		return rc;
	for (i = 0; i < vl.len / 4; i++)
		if ((rc = put_value(x, bk_le32(vl.p + 4 * i))) < 0)
			return rc;
	return 0;
}

static int
put_hive_attrs(struct xml_writer *x, hive_key_t key)
{
	struct hive_header hd;
	char buf[48], *path = NULL;
	const char *p;
	int rc;

	hive_get_header(x->h, &hd);
	snprintf(buf, sizeof(buf), "%u.%u", hd.major, hd.minor);
	if ((rc = attr(x, "version", buf)) < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%u", hd.seq1);
	if ((rc = attr(x, "seq1", buf)) < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%u", hd.seq2);
	if ((rc = attr(x, "seq2", buf)) < 0 || (rc = put_times(x, hd.timestamp)) < 0)
		return rc;
	for (p = hd.file_name; *p && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F; p++)
		;
	if (!*p && (rc = attr(x, "file-name", hd.file_name)) < 0)
		return rc;
	if (key == x->h->base.root_offset)
		return 0;
	/* A subtree: say where it is (escaped path, see hive.h). */
	if ((rc = hive_key_path(x->h, key, &path)) < 0)
		return rc;
	rc = attr(x, "path", path);
	bk_free(path);
	return rc;
}

int
hive_export_xml(hive_t *h, hive_key_t key, hive_write_fn write, void *data)
{
	struct xml_writer x = { h, NULL, write, data, 0, { NULL, 0, 0 }, -1 };
	xmlGenericErrorFunc old_func = xmlGenericError;
	void *old_ctx = xmlGenericErrorContext;
	xmlOutputBufferPtr ob;
	int rc;

	if (key == 0)
		key = h->base.root_offset;
	/* The handler is per thread in libxml2: this does not touch other threads. */
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	ob = xmlOutputBufferCreateIO(xml_sink, NULL, &x, NULL);
	if (!ob) {
		rc = bk_err(&h->err, BK_ENOMEM, "%s: out of memory", h->path);
		goto restore;
	}
	x.tw = xmlNewTextWriter(ob);
	if (!x.tw) {
		xmlOutputBufferClose(ob);
		rc = bk_err(&h->err, BK_ENOMEM, "%s: out of memory", h->path);
		goto restore;
	}
	if (xmlTextWriterSetIndent(x.tw, 1) < 0 ||
	    xmlTextWriterStartDocument(x.tw, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(x.tw, NULL, BAD_CAST "hive", BAD_CAST HIVE_XML_NS) < 0) {
		rc = xml_fail(&x);
		goto out;
	}
	if ((rc = put_hive_attrs(&x, key)) < 0 || (rc = hive_walk(h, key, key_cb, &x)) < 0 ||
	    (rc = close_keys(&x, 0)) < 0)
		goto out;
	if (xmlTextWriterEndDocument(x.tw) < 0 || xmlTextWriterFlush(x.tw) < 0)
		rc = xml_fail(&x);
out:
	xmlFreeTextWriter(x.tw);   /* also closes ob */
	bk_free(x.buf.p);
	if (rc == 0 && x.write_rc < 0)
		rc = xml_fail(&x);
restore:
	xmlSetGenericErrorFunc(old_ctx, old_func);
	return rc;
}
