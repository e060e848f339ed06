/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit-level operations on a store: setting an element from text by
 * name, list edits of the boot manager, and the clean-up of references
 * when an object is deleted.  Everything is validated before the first
 * change, so a refused command leaves the store as it was.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"

static int
must_exist(bcd_store_t *s, const bcd_guid_t *id)
{
	uint32_t type;

	return bcd_object_type(s, id, &type);
}

static int
parse_bool(const char *v, uint64_t *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -BK_ESYNTAX;
}

/* a.b.c.d to the integer whose bytes, low first, are a, b, c, d. */
static bool
parse_ipv4(const char *v, uint64_t *out)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(v, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		return false;
	*out = a | b << 8 | c << 16 | (uint64_t)d << 24;
	return true;
}

/*
 * An integer by value name, number (or a.b.c.d for addresses).  A named
 * enumerated setting takes only the values it names; through custom:
 * any integer is stored, as the element's format allows.
 */
static int
parse_integer(bcd_store_t *s, uint32_t objtype, uint32_t el, const char *name, const char *v,
	      uint64_t *out)
{
	bool enumerated = bcd_element_enum_name(objtype, el, 0) ||
			  bcd_element_enum_name(objtype, el, 1);
	bool custom = strncasecmp(name, "custom:", 7) == 0;

	if (bcd_element_enum_value(objtype, el, v, out) == 0)
		return 0;
	if (bc_element_is_ipv4(objtype, el) && parse_ipv4(v, out))
		return 0;
	if (!bk_parse_u64(v, out))
		return bk_error_at(&s->err, name, BK_ESYNTAX, "\"%s\" is not an integer%s", v,
			      enumerated ? " or a known value name" : "");
	if (enumerated && !custom && !bcd_element_enum_name(objtype, el, *out))
		return bk_error_at(&s->err, name, BK_EINVAL, "%s is out of range (custom:%08x takes "
			      "any number)", v, el);
	return 0;
}

/* Call item() for each blank- or comma-separated word of v, stopping at an error. */
static int
each_word(const char *v, int (*item)(const char *word, void *data), void *data)
{
	char *copy = bk_strdup(v), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return -BK_ENOMEM;
	for (tok = strtok_r(copy, " \t,", &save); tok && rc == 0; tok = strtok_r(NULL, " \t,", &save))
		rc = item(tok, data);
	bk_free(copy);
	return rc;
}

struct list_ctx {
	bcd_store_t *s;
	const char *name;
	struct bcd_value *out;
};

static int
guid_item(const char *tok, void *data)
{
	struct list_ctx *c = data;
	struct bcd_value *out = c->out;
	int rc;

	if (out->n_guids >= BCD_MAX_LIST)
		return bk_error_at(&c->s->err, c->name, BK_ETOOBIG, "too many objects");
	if ((rc = bcd_store_resolve(c->s, tok, &out->guids[out->n_guids])) == 0 &&
	    (rc = must_exist(c->s, &out->guids[out->n_guids])) == 0)
		out->n_guids++;
	return rc;
}

static int
int_item(const char *tok, void *data)
{
	struct list_ctx *c = data;
	struct bcd_value *out = c->out;

	if (out->n_integers >= BCD_MAX_LIST)
		return bk_error_at(&c->s->err, c->name, BK_ETOOBIG, "too many integers");
	if (!bk_parse_u64(tok, &out->integers[out->n_integers++]))
		return bk_error_at(&c->s->err, c->name, BK_ESYNTAX, "\"%s\" is not an integer", tok);
	return 0;
}

/* Split a list at blanks and commas into the GUIDs it names. */
static int
parse_guid_list(bcd_store_t *s, const char *name, const char *v, struct bcd_value *out)
{
	struct list_ctx c = { s, name, out };

	out->guids = bk_calloc(strlen(v) / 2 + 1, sizeof(bcd_guid_t));
	return out->guids ? each_word(v, guid_item, &c) : -BK_ENOMEM;
}

static int
parse_int_list(bcd_store_t *s, const char *name, const char *v, struct bcd_value *out)
{
	struct list_ctx c = { s, name, out };

	out->integers = bk_calloc(strlen(v) / 2 + 1, sizeof(uint64_t));
	return out->integers ? each_word(v, int_item, &c) : -BK_ENOMEM;
}

static int
set_device(bcd_store_t *s, const bcd_guid_t *id, uint32_t el, const char *name,
	   const char *value, const bcd_devmap_t *map)
{
	struct bcd_devtree t;
	uint8_t *data = NULL;
	size_t len = 0;
	char why[256] = "", g[BCD_GUID_STRLEN];
	bcd_guid_t opt;
	int rc;

	rc = bcd_device_from_text(value, el, map, &data, &len, why, sizeof(why));
	if (rc < 0)
		return rc == -BK_ENOMEM ? rc : bk_error_at(&s->err, name, -rc, "%s", why);
	/* A ramdisk's options object may be created after the device that
	 * names it (Windows' own stores hold such references): a note, not
	 * an error. */
	if (bc_dev_decode(data, len, &t) == 0) {
		memcpy(opt.b, t.options, 16);
		bc_dev_free(t.root);
		if (memcmp(opt.b, (uint8_t[16]){ 0 }, 16) != 0 && must_exist(s, &opt) < 0) {
			bk_err_clear(&s->err);
			bc_note(s, "%s: the options object %s does not exist yet; create it with "
				 "/create %s /device", name, bcd_guid_format(&opt, g), g);
		}
	}
	rc = bcd_element_set_raw(s, id, el, HIVE_REG_BINARY, data, len);
	bk_free(data);
	return rc;
}

int
bcd_set_text(bcd_store_t *s, const bcd_guid_t *id, const char *name, const char *value,
	     const bcd_devmap_t *map)
{
	struct bcd_value v;
	uint32_t objtype, el;
	int rc;

	rc = bcd_object_type(s, id, &objtype);
	if (rc < 0)
		return rc;
	rc = bcd_element_lookup(objtype, name, &el);
	if (rc < 0)
		return bk_err(&s->err, -rc, "\"%s\" is not a valid element name for this object"
			      " (use custom:hhhhhhhh for others)", name);
	memset(&v, 0, sizeof(v));
	v.format = BCD_ELEM_FORMAT(el);
	switch (v.format) {
	case BCD_FMT_DEVICE:
		return set_device(s, id, el, name, value, map);
	case BCD_FMT_STRING:
		v.string = (char *)value;
		rc = bcd_element_set(s, id, el, &v);
		v.string = NULL;
		return rc;
	case BCD_FMT_BOOLEAN:
		if (parse_bool(value, &v.integer) < 0)
			return bk_error_at(&s->err, name, BK_ESYNTAX, "\"%s\" is not on/off, yes/no", value);
		return bcd_element_set(s, id, el, &v);
	case BCD_FMT_INTEGER:
		rc = parse_integer(s, objtype, el, name, value, &v.integer);
		return rc < 0 ? rc : bcd_element_set(s, id, el, &v);
	case BCD_FMT_OBJECT:
	case BCD_FMT_OBJLIST:
		rc = parse_guid_list(s, name, value, &v);
		if (rc == 0 && v.format == BCD_FMT_OBJECT && v.n_guids != 1)
			rc = bk_error_at(&s->err, name, BK_EINVAL, "expects one object");
		break;
	case BCD_FMT_INTLIST:
		rc = parse_int_list(s, name, value, &v);
		break;
	default:
		return bk_error_at(&s->err, name, BK_EUNSUPPORTED, "element format %u cannot be set", v.format);
	}
	if (rc == 0)
		rc = bcd_element_set(s, id, el, &v);
	bcd_value_free(&v);
	return rc;
}

int
bcd_delete_text(bcd_store_t *s, const bcd_guid_t *id, const char *name)
{
	uint32_t objtype, el;
	int rc;

	rc = bcd_object_type(s, id, &objtype);
	if (rc < 0)
		return rc;
	rc = bcd_element_lookup(objtype, name, &el);
	if (rc < 0)
		return bk_err(&s->err, -rc, "\"%s\" is not a valid element name for this object",
			      name);
	return bcd_element_delete(s, id, el);
}

static size_t
remove_guid(bcd_guid_t *v, size_t n, const bcd_guid_t *g)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (memcmp(v[i].b, g->b, 16) != 0)
			v[k++] = v[i];
	return k;
}

int
bcd_list_edit(bcd_store_t *s, const bcd_guid_t *owner, uint32_t eltype, const bcd_guid_t *ids,
	      size_t n, int mode)
{
	struct bcd_value cur, nv;
	size_t i, k = 0;
	int rc;

	memset(&cur, 0, sizeof(cur));
	memset(&nv, 0, sizeof(nv));
	rc = must_exist(s, owner);
	for (i = 0; i < n && rc == 0; i++)
		rc = must_exist(s, &ids[i]);
	if (rc < 0)
		return rc;
	if (mode != BCD_LIST_SET) {
		rc = bcd_element_get(s, owner, eltype, &cur);
		if (rc == -BK_ENOTFOUND) {
			bk_err_clear(&s->err);
			rc = 0;
		}
		if (rc < 0)
			return rc;
	}
	nv.format = BCD_FMT_OBJLIST;
	nv.guids = bk_calloc(cur.n_guids + n + 1, sizeof(bcd_guid_t));
	if (!nv.guids) {
		bcd_value_free(&cur);
		return -BK_ENOMEM;
	}
	for (i = 0; i < n; i++)
		cur.n_guids = remove_guid(cur.guids, cur.n_guids, &ids[i]);
	if (mode == BCD_LIST_SET || mode == BCD_LIST_ADDFIRST)
		for (i = 0; i < n; i++)
			if (remove_guid(nv.guids, k, &ids[i]) == k)
				nv.guids[k++] = ids[i];
	for (i = 0; i < cur.n_guids; i++)
		nv.guids[k++] = cur.guids[i];
	if (mode == BCD_LIST_ADDLAST)
		for (i = 0; i < n; i++)
			if (remove_guid(nv.guids, k, &ids[i]) == k)
				nv.guids[k++] = ids[i];
	nv.n_guids = k;
	if (k == 0 && mode == BCD_LIST_REMOVE)
		rc = bcd_element_delete(s, owner, eltype);
	else
		rc = bcd_element_set(s, owner, eltype, &nv);
	bcd_value_free(&cur);
	bcd_value_free(&nv);
	return rc;
}

/* Drop id from one object's object and object-list elements. */
static int
scrub_object(bcd_store_t *s, const bcd_guid_t *obj, const bcd_guid_t *id)
{
	struct bcd_value v;
	uint32_t *types = NULL;
	size_t n = 0, i, left;
	int rc;

	rc = bcd_element_list(s, obj, &types, &n);
	for (i = 0; i < n && rc == 0; i++) {
		uint32_t f = BCD_ELEM_FORMAT(types[i]);

		if (f != BCD_FMT_OBJECT && f != BCD_FMT_OBJLIST)
			continue;
		if (bcd_element_get(s, obj, types[i], &v) < 0) {
			bk_err_clear(&s->err);
			continue;
		}
		left = remove_guid(v.guids, v.n_guids, id);
		if (left != v.n_guids) {
			v.n_guids = left;
			rc = left ? bcd_element_set(s, obj, types[i], &v)
				  : bcd_element_delete(s, obj, types[i]);
		}
		bcd_value_free(&v);
	}
	bk_free(types);
	return rc;
}

int
bcd_remove_references(bcd_store_t *s, const bcd_guid_t *id)
{
	bcd_guid_t *all = NULL;
	size_t n = 0, i;
	int rc;

	rc = bcd_store_objects(s, &all, &n);
	for (i = 0; i < n && rc == 0; i++)
		if (memcmp(all[i].b, id->b, 16) != 0)
			rc = scrub_object(s, &all[i], id);
	bk_free(all);
	return rc;
}

/* The resumeobject of an OS loader, if it has one that exists. */
static bool
loader_resume(bcd_store_t *s, const bcd_guid_t *id, bcd_guid_t *out)
{
	struct bcd_value v;
	uint32_t type;
	bool ok = false;

	if (bcd_object_type(s, id, &type) < 0 || type != BCD_OBJ_OSLOADER) {
		bk_err_clear(&s->err);
		return false;
	}
	if (bcd_element_get(s, id, BCD_EL_LOADER_RESUMEOBJECT, &v) == 0) {
		if (v.n_guids == 1 && must_exist(s, &v.guids[0]) == 0) {
			*out = v.guids[0];
			ok = true;
		}
		bcd_value_free(&v);
	}
	bk_err_clear(&s->err);
	return ok;
}

int
bcd_resume_to_delete(bcd_store_t *s, const bcd_guid_t *loader, bcd_guid_t *out)
{
	bcd_guid_t *all = NULL, r, other;
	size_t n = 0, i;
	int rc;

	if (!loader_resume(s, loader, &r))
		return -BK_ENOTFOUND;
	rc = bcd_store_objects(s, &all, &n);
	for (i = 0; i < n && rc == 0; i++)
		if (memcmp(all[i].b, loader->b, 16) != 0 && loader_resume(s, &all[i], &other) &&
		    memcmp(other.b, r.b, 16) == 0)
			rc = -BK_ENOTFOUND;   /* another loader still resumes from it */
	bk_free(all);
	if (rc == 0)
		*out = r;
	return rc;
}
