/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "bcdedit /enum": the text layout of real outputs (doc/bcd-format-notes.md,
 * "/enum text") and the same content as JSON.  The values come from the
 * library as bcdedit's text (bcd_value_text()); only the layout is here.
 *
 * Text: one blank line, then per object a header, a dash underline of the
 * same length, "identifier" and the elements in ascending type order, each
 * name padded to column 24; list items after the first are indented 24
 * spaces; one blank line between sections.  Without /v well-known objects
 * print as aliases, the default entry as {default} and the --current object
 * as {current}; with /v every identifier is a full GUID.
 *
 * The output is built in memory and handed over whole, so a failure half
 * way prints nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdedit-enum.h"
#include "tool-util.h"

#define NAME_COLUMN 24

struct ectx {
	bcd_store_t *s;
	const bcd_devmap_t *map;
	unsigned vflags;        /* BCD_TEXT_VERBOSE with /v */
	FILE *f;
};

/* "name    line1\n" and each further line indented to the column. */
static void
put_item(struct ectx *c, const char *name, char **lines, size_t n)
{
	size_t i, nl = strlen(name);

	fputs(name, c->f);
	if (n == 0) {
		fputc('\n', c->f);
		return;
	}
	for (i = nl; i < NAME_COLUMN || i == nl; i++)
		fputc(' ', c->f);
	for (i = 0; i < n; i++) {
		if (i)
			fprintf(c->f, "%*s", NAME_COLUMN, "");
		/* Text from the store: no control characters reach a terminal. */
		tool_print_text(c->f, lines[i]);
		fputc('\n', c->f);
	}
}

/* The lines of one element's value (raw data in *data, for the caller to free). */
static int
element_lines(struct ectx *c, const bcd_guid_t *id, uint32_t type, uint32_t el,
	      uint8_t **data, size_t *len, char ***lines, size_t *n)
{
	int rc = bcd_element_get_raw(c->s, id, el, data, len);

	if (rc == 0)
		rc = bcd_value_text(c->s, type, el, *data, *len, c->map, c->vflags, lines, n);
	return rc;
}

static int
text_element(struct ectx *c, const bcd_guid_t *id, uint32_t type, uint32_t el)
{
	const char *name = bcd_element_name(type, el);
	char cname[24], **lines = NULL;
	uint8_t *data = NULL;
	size_t len = 0, n = 0;
	int rc;

	if (!name) {
		snprintf(cname, sizeof(cname), "custom:%08x", el);
		name = cname;
	}
	rc = element_lines(c, id, type, el, &data, &len, &lines, &n);
	if (rc == 0)
		put_item(c, name, lines, n);
	bcd_text_free(lines, n);
	free(data);
	return rc;
}

static int
text_section(struct ectx *c, const bcd_guid_t *id, bool first)
{
	char hdr[96], g[BCD_GUID_STRLEN];
	char *idl[1];
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
		fputc('\n', c->f);
	fprintf(c->f, "%s\n", hdr);
	for (i = 0; i < strlen(hdr); i++)
		fputc('-', c->f);
	fputc('\n', c->f);
	idl[0] = (char *)bcd_store_id_text(c->s, id, c->vflags, g);
	put_item(c, "identifier", idl, 1);
	for (i = 0; i < n && rc == 0; i++)
		rc = text_element(c, id, type, types[i]);
	free(types);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------------- */

static const char *const format_names[] = {
	"unknown", "device", "string", "object", "objectlist", "integer", "boolean", "integerlist",
};

/* The typed value; devices (and other formats) as their first text line. */
static void
json_value(struct ectx *c, const struct bcd_value *v, char **lines, size_t n)
{
	char g[BCD_GUID_STRLEN];
	size_t i;

	switch (v->format) {
	case BCD_FMT_BOOLEAN:
		fputs(v->integer ? "true" : "false", c->f);
		break;
	case BCD_FMT_INTEGER:
		fprintf(c->f, "%llu", (unsigned long long)v->integer);
		break;
	case BCD_FMT_INTLIST:
		fputc('[', c->f);
		for (i = 0; i < v->n_integers; i++)
			fprintf(c->f, "%s%llu", i ? ", " : "", (unsigned long long)v->integers[i]);
		fputc(']', c->f);
		break;
	case BCD_FMT_OBJECT:
		tool_json_string(c->f, bcd_guid_format(&v->guids[0], g));
		break;
	case BCD_FMT_OBJLIST:
		fputc('[', c->f);
		for (i = 0; i < v->n_guids; i++) {
			if (i)
				fputs(", ", c->f);
			tool_json_string(c->f, bcd_guid_format(&v->guids[i], g));
		}
		fputc(']', c->f);
		break;
	case BCD_FMT_STRING:
		tool_json_string(c->f, v->string);
		break;
	default:
		tool_json_string(c->f, n ? lines[0] : "");
		break;
	}
}

static int
json_element(struct ectx *c, const bcd_guid_t *id, uint32_t type, uint32_t el, bool first)
{
	const char *name = bcd_element_name(type, el);
	char **lines = NULL;
	struct bcd_value v;
	uint8_t *data = NULL;
	size_t len = 0, n = 0, i;
	int rc, dec;

	rc = element_lines(c, id, type, el, &data, &len, &lines, &n);
	if (rc < 0)
		goto out;
	fprintf(c->f, "%s\n        {\"type\": \"%08x\", \"name\": ", first ? "" : ",", el);
	if (name)
		tool_json_string(c->f, name);
	else
		fprintf(c->f, "\"custom:%08x\"", el);
	fprintf(c->f, ", \"format\": \"%s\", ", format_names[BCD_ELEM_FORMAT(el) < 8 ?
							     BCD_ELEM_FORMAT(el) : 0]);
	/* Data that does not decode has no value, only its raw text. */
	dec = bcd_value_decode(el, data, len, &v);
	if (dec == 0) {
		fputs("\"value\": ", c->f);
		json_value(c, &v, lines, n);
		bcd_value_free(&v);
	} else if (dec == -BK_ECORRUPT) {
		fputs("\"value\": null", c->f);
	} else {
		rc = dec;
		goto out;
	}
	fputs(", \"text\": [", c->f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", c->f);
		tool_json_string(c->f, lines[i]);
	}
	fputs("]}", c->f);
out:
	bcd_text_free(lines, n);
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
	fprintf(c->f, "%s\n    {\n      \"identifier\": \"%s\",\n      \"alias\": ",
		first ? "" : ",", bcd_guid_format(id, g));
	if (alias)
		tool_json_string(c->f, alias);
	else
		fputs("null", c->f);
	fputs(",\n      \"display\": ", c->f);
	tool_json_string(c->f, bcd_store_id_text(c->s, id, c->vflags, g));
	fprintf(c->f, ",\n      \"type\": \"%08x\",\n      \"header\": ", type);
	tool_json_string(c->f, bcd_object_header(type, id, hdr, sizeof(hdr)));
	fputs(",\n      \"elements\": [", c->f);
	for (i = 0; i < n && rc == 0; i++)
		rc = json_element(c, id, type, types[i], i == 0);
	fprintf(c->f, "%s]\n    }", n ? "\n      " : "");
	free(types);
	return rc;
}

/* ---- selection -------------------------------------------------------------------- */

static bool
type_matches(int filter, uint32_t type)
{
	switch (filter) {
	case ENUM_FIRMWARE:
		return type == BCD_OBJ_FWBOOTMGR || type == BCD_OBJ_BOOTMGR || type == BCD_OBJ_FWAPP;
	case ENUM_BOOTAPP:
		return (type >> 28) == 1 && ((type >> 20) & 0xF) == 2;
	case ENUM_BOOTMGR:
		return type == BCD_OBJ_BOOTMGR;
	case ENUM_OSLOADER:
		return type == BCD_OBJ_OSLOADER;
	case ENUM_RESUME:
		return type == BCD_OBJ_RESUME;
	case ENUM_INHERIT:
		return (type >> 28) == 2;
	default:
		return true;
	}
}

/* Does object id exist (1, type in *type), or not (0)?  Out of memory is
 * an error, never a shorter listing. */
static int
exists(bcd_store_t *s, const bcd_guid_t *id, uint32_t *type)
{
	int rc = bcd_object_type(s, id, type);

	return rc == -BK_ENOMEM ? rc : rc == 0;
}

/* ACTIVE: {bootmgr} (when present) then the objects of its display order
 * that exist. */
static int
select_active(bcd_store_t *s, bcd_guid_t **out, size_t *k)
{
	struct bcd_value v = { 0 };
	bcd_guid_t bootmgr;
	uint32_t type;
	size_t i;
	int rc;

	(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
	if ((rc = exists(s, &bootmgr, &type)) <= 0)
		return rc;
	rc = bcd_element_get(s, &bootmgr, BCD_EL_DISPLAYORDER, &v);
	if (rc == -BK_ENOMEM)
		return rc;
	if (rc < 0)
		v.n_guids = 0;
	*out = calloc(v.n_guids + 1, sizeof(bcd_guid_t));
	rc = *out ? 0 : -BK_ENOMEM;
	if (rc == 0)
		(*out)[(*k)++] = bootmgr;
	for (i = 0; i < v.n_guids && rc >= 0; i++)
		if ((rc = exists(s, &v.guids[i], &type)) == 1)
			(*out)[(*k)++] = v.guids[i];
	if (v.n_guids)
		bcd_value_free(&v);
	return rc < 0 ? rc : 0;
}

/* The objects to show, in order. */
static int
select_objects(bcd_store_t *s, int filter, const bcd_guid_t *one, bcd_guid_t **out, size_t *n)
{
	bcd_guid_t *all = NULL;
	size_t na = 0, i;
	uint32_t type;
	int rc;

	*out = NULL;
	*n = 0;
	/* The whole list is read for every filter: a store whose objects
	 * cannot be listed fails the same way whatever is selected. */
	rc = bcd_store_objects(s, &all, &na);
	if (rc < 0)
		return rc;
	if (filter == ENUM_ACTIVE || filter == ENUM_ID)
		free(all);
	if (filter == ENUM_ACTIVE)
		return select_active(s, out, n);
	if (filter == ENUM_ID) {
		rc = bcd_object_type(s, one, &type);
		if (rc == 0 && !(*out = malloc(sizeof(bcd_guid_t))))
			rc = -BK_ENOMEM;
		if (rc == 0)
			(*out)[(*n)++] = *one;
		return rc;
	}
	for (i = 0; i < na && rc >= 0; i++)
		if ((rc = exists(s, &all[i], &type)) == 1 && type_matches(filter, type))
			all[(*n)++] = all[i];
	*out = all;
	return rc < 0 ? rc : 0;
}

static int
render(struct ectx *c, const char *name, const bcd_guid_t *sel, size_t n, bool json)
{
	size_t i;
	int rc = 0;

	if (json) {
		/* The schema: doc/bcd-enum-schema.json. */
		fputs("{\n  \"schema\": \"bcdkit.bcd-enum/1\",\n  \"store\": ", c->f);
		tool_json_string(c->f, name);
		fputs(",\n  \"objects\": [", c->f);
		for (i = 0; i < n && rc == 0; i++)
			rc = json_object(c, &sel[i], i == 0);
		fprintf(c->f, "%s]\n}\n", n ? "\n  " : "");
	} else {
		/* bcdedit starts its output with an empty line. */
		fputc('\n', c->f);
		for (i = 0; i < n && rc == 0; i++)
			rc = text_section(c, &sel[i], i == 0);
	}
	return rc;
}

int
bcdedit_enum(bcd_store_t *s, const char *name, int filter, const bcd_guid_t *id,
	     const bcd_devmap_t *map, unsigned flags, char **out)
{
	struct ectx c = { s, map, (flags & ENUM_V) ? BCD_TEXT_VERBOSE : 0, NULL };
	bcd_guid_t *sel = NULL;
	size_t n = 0, size = 0;
	int rc;

	*out = NULL;
	rc = select_objects(s, filter, id, &sel, &n);
	if (rc < 0) {
		free(sel);
		return rc;
	}
	c.f = open_memstream(out, &size);
	if (!c.f) {
		free(sel);
		return -BK_ENOMEM;
	}
	rc = render(&c, name, sel, n, flags & ENUM_JSON);
	if (fclose(c.f) != 0 && rc == 0)
		rc = -BK_ENOMEM;
	free(sel);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
