/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Element values as bcdedit's text: the codec whose other direction is
 * bcd_set_text() (commands.c).  A value is one or more lines (list items
 * one a line), each text that /set reads back: enum names, dotted IPv4
 * addresses, hex for named integer lists, object identifiers as this store
 * names them ({current}, {default}, an alias, else the GUID), devices as
 * bcd_device_to_text() writes them, and "raw:" and hex for data that does
 * not decode.
 *
 * Laying the lines out (bcdedit /enum's columns and sections, its JSON) is
 * the tools' business (tools/common/bcdedit-enum.c): the library returns data.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcd-internal.h"

/* The lines of an element's value, grown one at a time. */
struct lines {
	char **v;
	size_t n;
	bool oom;
};

static void
lines_add(struct lines *l, const char *text)
{
	char **nv;
	char *d;

	if (l->oom)
		return;
	nv = bk_realloc(l->v, (l->n + 1) * sizeof(char *));
	d = bk_strdup(text);
	if (!nv || !d) {
		if (nv)
			l->v = nv;
		bk_free(d);
		l->oom = true;
		return;
	}
	l->v = nv;
	l->v[l->n++] = d;
}

void
bcd_text_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; lines && i < n; i++)
		bk_free(lines[i]);
	bk_free(lines);
}

static void
raw_line(struct lines *l, const uint8_t *data, size_t len)
{
	struct bk_buf b = { 0 };
	char *t = NULL;
	size_t i;

	bk_buf_puts(&b, "raw:");
	for (i = 0; i < len; i++)
		bk_buf_printf(&b, "%02x", data[i]);
	if (bk_buf_finish(&b, &t) < 0) {
		l->oom = true;
		return;
	}
	lines_add(l, t);
	bk_free(t);
}

static bool
guid_eq(const bcd_guid_t *a, const bcd_guid_t *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

const char *
bcd_store_id_text(bcd_store_t *s, const bcd_guid_t *id, unsigned flags, char *buf)
{
	struct bcd_value v;
	bcd_guid_t bootmgr;
	const char *alias;
	bool is_default = false;

	if (!(flags & BCD_TEXT_VERBOSE)) {
		if (s->have_current && guid_eq(id, &s->current))
			return "{current}";
		(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
		if (bcd_element_get(s, &bootmgr, BCD_EL_DEFAULT, &v) == 0) {
			is_default = guid_eq(id, &v.guids[0]);
			bcd_value_free(&v);
		}
		/* No default (or none readable) is not a failure here. */
		bk_err_clear(&s->err);
		if (is_default)
			return "{default}";
		alias = bcd_alias_name(id);
		if (alias)
			return alias;
	}
	return bcd_guid_format(id, buf);
}

static void
integer_line(struct lines *l, uint32_t objtype, uint32_t eltype, uint64_t x)
{
	const char *en = bcd_element_enum_name(objtype, eltype, x);
	char buf[64];

	if (bc_element_is_ipv4(objtype, eltype) && x <= 0xffffffffu)
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", (unsigned)(x & 0xff),
			 (unsigned)(x >> 8 & 0xff), (unsigned)(x >> 16 & 0xff), (unsigned)(x >> 24));
	else
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)x);
	lines_add(l, en ? en : buf);
}

static int
value_lines(bcd_store_t *s, uint32_t objtype, uint32_t eltype, const uint8_t *data,
	    size_t len, const struct bcd_value *v, const bcd_devmap_t *map, unsigned flags,
	    struct lines *l)
{
	char buf[64], g[BCD_GUID_STRLEN], *dev = NULL;
	size_t i;
	int rc;

	switch (v->format) {
	case BCD_FMT_STRING:
		lines_add(l, v->string);
		break;
	case BCD_FMT_BOOLEAN:
		lines_add(l, v->integer ? "Yes" : "No");
		break;
	case BCD_FMT_INTEGER:
		integer_line(l, objtype, eltype, v->integer);
		break;
	case BCD_FMT_INTLIST:
		/* Named lists print in hex, custom ones in decimal (real-03). */
		for (i = 0; i < v->n_integers; i++) {
			snprintf(buf, sizeof(buf),
				 bcd_element_name(objtype, eltype) ? "0x%llx" : "%llu",
				 (unsigned long long)v->integers[i]);
			lines_add(l, buf);
		}
		break;
	case BCD_FMT_OBJECT:
	case BCD_FMT_OBJLIST:
		for (i = 0; i < v->n_guids; i++)
			lines_add(l, bcd_store_id_text(s, &v->guids[i], flags, g));
		break;
	case BCD_FMT_DEVICE:
		rc = bcd_device_to_text(data, len, eltype, map, flags & BCD_TEXT_VERBOSE, &dev);
		if (rc < 0)
			return rc;
		lines_add(l, dev);
		free(dev);
		break;
	default:
		raw_line(l, data, len);
		break;
	}
	return l->oom ? -BK_ENOMEM : 0;
}

static int
value_text(bcd_store_t *s, uint32_t objtype, uint32_t eltype, const uint8_t *data, size_t len,
	   const bcd_devmap_t *map, unsigned flags, struct lines *l)
{
	struct bcd_value v;
	int rc;

	rc = bcd_value_decode(eltype, data, len, &v);
	if (rc == -BK_ECORRUPT) {
		/* Undecodable data shows as raw bytes. */
		raw_line(l, data, len);
		return l->oom ? -BK_ENOMEM : 0;
	}
	if (rc < 0)
		return rc;
	rc = value_lines(s, objtype, eltype, data, len, &v, map, flags, l);
	bcd_value_free(&v);
	return rc;
}

int
bcd_value_text(bcd_store_t *s, uint32_t objtype, uint32_t eltype, const uint8_t *data,
	       size_t len, const bcd_devmap_t *map, unsigned flags, char ***lines, size_t *n)
{
	struct lines l = { 0 };
	int rc = value_text(s, objtype, eltype, data, len, map, flags, &l);

	if (rc < 0) {
		bcd_text_free(l.v, l.n);
		/* Allocation failures deep in the formatting return a bare
		 * code: give bcd_last_error() a detail. */
		return bk_err(&s->err, -rc, "%s: %s", s->path, bk_strerror(rc));
	}
	*lines = l.v;
	*n = l.n;
	return 0;
}
