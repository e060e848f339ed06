/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "bcdedit /enum": the text layout of real outputs (doc/bcd-format-notes.md,
 * "/enum text") and the same content as JSON.
 *
 * Text: one blank line, then per object a header, a dash underline of the
 * same length, "identifier" and the elements in ascending type order, each
 * name padded to column 24; list items after the first are indented 24
 * spaces; one blank line between sections.  Without /v well-known objects
 * print as aliases, the default entry as {default} and the --current object
 * as {current}; with /v every identifier is a full GUID.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcd-internal.h"
#include "bk-escape.h"

#define NAME_COLUMN 24

struct ectx {
	bcd_store_t *s;
	const bcd_devmap_t *map;
	unsigned flags;
	struct bk_buf b;
	bool have_def;
	bcd_guid_t def;
};

static bool
guid_eq(const bcd_guid_t *a, const bcd_guid_t *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

static const char *
id_text(struct ectx *c, const bcd_guid_t *g, char *buf)
{
	const char *alias;

	if (!(c->flags & BCD_ENUM_V)) {
		if (c->s->have_current && guid_eq(g, &c->s->current))
			return "{current}";
		if (c->have_def && guid_eq(g, &c->def))
			return "{default}";
		alias = bcd_alias_name(g);
		if (alias)
			return alias;
	}
	return bcd_guid_format(g, buf);
}

/* The lines of an element's value: a NULL-free list in *lines. */
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

static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		bk_free(l->v[i]);
	bk_free(l->v);
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

static int
value_lines(struct ectx *c, uint32_t objtype, uint32_t eltype, const uint8_t *data,
	    size_t len, struct bcd_value *v, struct lines *l)
{
	char buf[64], g[BCD_GUID_STRLEN], *dev = NULL;
	const char *en;
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
		en = bcd_element_enum_name(objtype, eltype, v->integer);
		if (bc_element_is_ipv4(objtype, eltype) && v->integer <= 0xffffffffu)
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", (unsigned)(v->integer & 0xff),
				 (unsigned)(v->integer >> 8 & 0xff), (unsigned)(v->integer >> 16 & 0xff),
				 (unsigned)(v->integer >> 24));
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->integer);
		lines_add(l, en ? en : buf);
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
			lines_add(l, id_text(c, &v->guids[i], g));
		break;
	case BCD_FMT_DEVICE:
		rc = bcd_device_to_text(data, len, eltype, c->map,
					(c->flags & BCD_ENUM_V) ? BCD_TEXT_VERBOSE : 0, &dev);
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

/* Lines of one element; undecodable data shows as raw bytes. */
static int
element_lines(struct ectx *c, const bcd_guid_t *id, uint32_t objtype, uint32_t eltype,
	      struct lines *l)
{
	struct bcd_value v;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	rc = bcd_element_get_raw(c->s, id, eltype, &data, &len);
	if (rc < 0)
		return rc;
	rc = bcd_value_decode(eltype, data, len, &v, NULL, 0);
	if (rc == -BK_ECORRUPT) {
		raw_line(l, data, len);
		rc = l->oom ? -BK_ENOMEM : 0;
	} else if (rc == 0) {
		rc = value_lines(c, objtype, eltype, data, len, &v, l);
		bcd_value_free(&v);
	}
	free(data);
	return rc;
}

static void
put_item(struct ectx *c, const char *name, const struct lines *l)
{
	size_t i, nl = strlen(name);

	bk_buf_puts(&c->b, name);
	if (l->n == 0) {
		bk_buf_putc(&c->b, '\n');
		return;
	}
	for (i = nl; i < NAME_COLUMN || i == nl; i++)
		bk_buf_putc(&c->b, ' ');
	for (i = 0; i < l->n; i++) {
		if (i)
			bk_buf_printf(&c->b, "%*s", NAME_COLUMN, "");
		/* Text from the store: no control characters reach a terminal. */
		bk_text_escape(l->v[i], bk_buf_put, &c->b);
		bk_buf_putc(&c->b, '\n');
	}
}

static int
text_section(struct ectx *c, const bcd_guid_t *id, bool first)
{
	char hdr[96], g[BCD_GUID_STRLEN], cname[24];
	struct lines idl = { 0 };
	uint32_t type, *types = NULL;
	size_t n = 0, i;
	int rc;

	rc = bcd_object_type(c->s, id, &type);
	if (rc == 0)
		rc = bcd_element_list(c->s, id, &types, &n);
	if (rc < 0)
		return rc;
	bcd_object_header(type, id, hdr, sizeof(hdr));
	if (!first)
		bk_buf_putc(&c->b, '\n');
	bk_buf_printf(&c->b, "%s\n", hdr);
	for (i = 0; i < strlen(hdr); i++)
		bk_buf_putc(&c->b, '-');
	bk_buf_putc(&c->b, '\n');
	lines_add(&idl, id_text(c, id, g));
	if (idl.oom)
		rc = -BK_ENOMEM;
	else
		put_item(c, "identifier", &idl);
	lines_free(&idl);
	for (i = 0; i < n && rc == 0; i++) {
		struct lines l = { 0 };
		const char *name = bcd_element_name(type, types[i]);

		if (!name) {
			snprintf(cname, sizeof(cname), "custom:%08x", types[i]);
			name = cname;
		}
		rc = element_lines(c, id, type, types[i], &l);
		if (rc == 0)
			put_item(c, name, &l);
		lines_free(&l);
	}
	bk_free(types);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------------- */

/* Every string goes through the one JSON writer (common/bk-escape.c). */
static void
json_str(struct bk_buf *b, const char *s)
{
	bk_json_string(s, bk_buf_put, b);
}

static const char *const format_names[] = {
	"unknown", "device", "string", "object", "objectlist", "integer", "boolean", "integerlist",
};

static void
json_value(struct ectx *c, const struct bcd_value *v, const struct lines *l)
{
	char g[BCD_GUID_STRLEN];
	size_t i;

	switch (v->format) {
	case BCD_FMT_BOOLEAN:
		bk_buf_puts(&c->b, v->integer ? "true" : "false");
		break;
	case BCD_FMT_INTEGER:
		bk_buf_printf(&c->b, "%llu", (unsigned long long)v->integer);
		break;
	case BCD_FMT_INTLIST:
		bk_buf_putc(&c->b, '[');
		for (i = 0; i < v->n_integers; i++)
			bk_buf_printf(&c->b, "%s%llu", i ? ", " : "",
				      (unsigned long long)v->integers[i]);
		bk_buf_putc(&c->b, ']');
		break;
	case BCD_FMT_OBJECT:
		json_str(&c->b, bcd_guid_format(&v->guids[0], g));
		break;
	case BCD_FMT_OBJLIST:
		bk_buf_putc(&c->b, '[');
		for (i = 0; i < v->n_guids; i++) {
			if (i)
				bk_buf_puts(&c->b, ", ");
			json_str(&c->b, bcd_guid_format(&v->guids[i], g));
		}
		bk_buf_putc(&c->b, ']');
		break;
	case BCD_FMT_STRING:
		json_str(&c->b, v->string);
		break;
	default:
		json_str(&c->b, l->n ? l->v[0] : "");
		break;
	}
}

static int
json_element(struct ectx *c, const bcd_guid_t *id, uint32_t type, uint32_t el, bool first)
{
	struct lines l = { 0 };
	struct bcd_value v;
	uint8_t *data = NULL;
	size_t len = 0, i;
	const char *name = bcd_element_name(type, el);
	int rc;

	rc = bcd_element_get_raw(c->s, id, el, &data, &len);
	if (rc < 0)
		return rc;
	bk_buf_printf(&c->b, "%s\n        {\"type\": \"%08x\", \"name\": ", first ? "" : ",", el);
	if (name)
		json_str(&c->b, name);
	else
		bk_buf_printf(&c->b, "\"custom:%08x\"", el);
	bk_buf_printf(&c->b, ", \"format\": \"%s\", ", format_names[BCD_ELEM_FORMAT(el) < 8 ?
								  BCD_ELEM_FORMAT(el) : 0]);
	rc = bcd_value_decode(el, data, len, &v, NULL, 0);
	if (rc == 0) {
		rc = value_lines(c, type, el, data, len, &v, &l);
		if (rc == 0) {
			bk_buf_puts(&c->b, "\"value\": ");
			json_value(c, &v, &l);
		}
		bcd_value_free(&v);
	} else if (rc == -BK_ECORRUPT) {
		raw_line(&l, data, len);
		bk_buf_puts(&c->b, "\"value\": null");
		rc = l.oom ? -BK_ENOMEM : 0;
	}
	if (rc == 0) {
		bk_buf_puts(&c->b, ", \"text\": [");
		for (i = 0; i < l.n; i++) {
			if (i)
				bk_buf_puts(&c->b, ", ");
			json_str(&c->b, l.v[i]);
		}
		bk_buf_puts(&c->b, "]}");
	}
	lines_free(&l);
	free(data);
	return rc;
}

static int
json_object(struct ectx *c, const bcd_guid_t *id, bool first)
{
	char hdr[96], g[BCD_GUID_STRLEN];
	const char *alias = bcd_alias_name(id);
	uint32_t type, *types = NULL;
	size_t n = 0, i;
	int rc;

	rc = bcd_object_type(c->s, id, &type);
	if (rc == 0)
		rc = bcd_element_list(c->s, id, &types, &n);
	if (rc < 0)
		return rc;
	bk_buf_printf(&c->b, "%s\n    {\n      \"identifier\": \"%s\",\n      \"alias\": ",
		      first ? "" : ",", bcd_guid_format(id, g));
	if (alias)
		json_str(&c->b, alias);
	else
		bk_buf_puts(&c->b, "null");
	bk_buf_printf(&c->b, ",\n      \"display\": ");
	json_str(&c->b, id_text(c, id, g));
	bk_buf_printf(&c->b, ",\n      \"type\": \"%08x\",\n      \"header\": ", type);
	json_str(&c->b, bcd_object_header(type, id, hdr, sizeof(hdr)));
	bk_buf_puts(&c->b, ",\n      \"elements\": [");
	for (i = 0; i < n && rc == 0; i++)
		rc = json_element(c, id, type, types[i], i == 0);
	bk_buf_printf(&c->b, "%s]\n    }", n ? "\n      " : "");
	bk_free(types);
	return rc;
}

/* ---- selection -------------------------------------------------------------------- */

static bool
type_matches(int filter, uint32_t type)
{
	switch (filter) {
	case BCD_ENUM_FIRMWARE:
		return type == BCD_OBJ_FWBOOTMGR || type == BCD_OBJ_BOOTMGR || type == BCD_OBJ_FWAPP;
	case BCD_ENUM_BOOTAPP:
		return (type >> 28) == 1 && ((type >> 20) & 0xF) == 2;
	case BCD_ENUM_BOOTMGR:
		return type == BCD_OBJ_BOOTMGR;
	case BCD_ENUM_OSLOADER:
		return type == BCD_OBJ_OSLOADER;
	case BCD_ENUM_RESUME:
		return type == BCD_OBJ_RESUME;
	case BCD_ENUM_INHERIT:
		return (type >> 28) == 2;
	default:
		return true;
	}
}

/* The objects to show, in order.  ACTIVE is {bootmgr} then its display order. */
static int
select_objects(struct ectx *c, int filter, const bcd_guid_t *one, bcd_guid_t **out, size_t *n)
{
	bcd_guid_t *all = NULL, bootmgr;
	struct bcd_value v;
	size_t na = 0, i, k = 0;
	uint32_t type;
	int rc;

	rc = bcd_store_objects(c->s, &all, &na);
	if (rc < 0)
		return rc;
	*out = bk_calloc(na + BCD_MAX_LIST + 1, sizeof(bcd_guid_t));
	if (!*out) {
		bk_free(all);
		return -BK_ENOMEM;
	}
	if (filter == BCD_ENUM_ID) {
		rc = bcd_object_type(c->s, one, &type);
		if (rc == 0)
			(*out)[k++] = *one;
	} else if (filter == BCD_ENUM_ACTIVE) {
		(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
		if (bcd_object_type(c->s, &bootmgr, &type) == 0) {
			(*out)[k++] = bootmgr;
			if (bcd_element_get(c->s, &bootmgr, BCD_EL_DISPLAYORDER, &v) == 0) {
				for (i = 0; i < v.n_guids; i++)
					if (bcd_object_type(c->s, &v.guids[i], &type) == 0)
						(*out)[k++] = v.guids[i];
				bcd_value_free(&v);
			}
		}
	} else {
		for (i = 0; i < na; i++)
			if (bcd_object_type(c->s, &all[i], &type) == 0 && type_matches(filter, type))
				(*out)[k++] = all[i];
	}
	bk_err_clear(&c->s->err);
	bk_free(all);
	if (rc < 0) {
		bk_free(*out);
		*out = NULL;
		return rc;
	}
	*n = k;
	return 0;
}

static int
store_enum(bcd_store_t *s, int filter, const bcd_guid_t *id, const bcd_devmap_t *map,
	   unsigned flags, char **out)
{
	struct ectx c;
	bcd_guid_t *sel = NULL, bootmgr;
	struct bcd_value v;
	size_t n = 0, i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.map = map;
	c.flags = flags;
	(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
	if (bcd_element_get(s, &bootmgr, BCD_EL_DEFAULT, &v) == 0) {
		c.have_def = true;
		c.def = v.guids[0];
		bcd_value_free(&v);
	}
	bk_err_clear(&s->err);
	rc = select_objects(&c, filter, id, &sel, &n);
	if (rc < 0)
		return rc;
	if (flags & BCD_ENUM_JSON) {
		/* The schema: doc/bcd-enum-schema.json. */
		bk_buf_puts(&c.b, "{\n  \"schema\": \"bcdkit.bcd-enum/1\",\n  \"store\": ");
		json_str(&c.b, s->path);
		bk_buf_puts(&c.b, ",\n  \"objects\": [");
		for (i = 0; i < n && rc == 0; i++)
			rc = json_object(&c, &sel[i], i == 0);
		bk_buf_printf(&c.b, "%s]\n}\n", n ? "\n  " : "");
	} else {
		/* bcdedit starts its output with an empty line. */
		bk_buf_putc(&c.b, '\n');
		for (i = 0; i < n && rc == 0; i++)
			rc = text_section(&c, &sel[i], i == 0);
	}
	bk_free(sel);
	if (rc < 0) {
		bk_buf_release(&c.b);
		return rc;
	}
	return bk_buf_finish(&c.b, out);
}

int
bcd_store_enum(bcd_store_t *s, int filter, const bcd_guid_t *id, const bcd_devmap_t *map,
	       unsigned flags, char **out)
{
	int rc = store_enum(s, filter, id, map, flags, out);

	/* Allocation failures deep in the formatting return a bare code: give
	 * bcd_last_error() a detail rather than the cleared "success". */
	if (rc < 0 && (s->err.code != rc || !s->err.msg[0]))
		bk_err(&s->err, -rc, "%s: %s", s->path, bk_strerror(rc));
	return rc;
}
