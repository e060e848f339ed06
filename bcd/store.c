/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store handle and the read side: objects, their types and elements,
 * read straight from the hive (doc/bcd-format-notes.md, "Store layout").  Real stores have quirks
 * that are accepted here: any root name, a KeyName that is not a string,
 * element keys without a value.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"

const char *
bcd_strerror(int err)
{
	return bk_strerror(err);
}

const char *
bcd_last_error(const bcd_store_t *s)
{
	return s->err.msg[0] ? s->err.msg : bk_strerror(s->err.code);
}

int
bc_hive_err(bcd_store_t *s, int rc, const char *what)
{
	return bc_error(s, -rc, "%s: %s", what, hive_last_error(s->hive));
}

void
bcd_set_lock_wait(unsigned ms)
{
	hive_set_lock_wait(ms);
}

bcd_store_t *
bcd_store_new(void)
{
	return bk_calloc(1, sizeof(bcd_store_t));
}

int
bcd_store_open(bcd_store_t *s, const char *path, unsigned flags)
{
	hive_t *h;
	int rc;

	if (s->hive)
		return bk_error_at(&s->err, path, BK_EINVAL, "the handle already holds a store");
	if (!(h = hive_new()))
		return bk_error_at(&s->err, path, BK_ENOMEM, "out of memory");
	/* An edit reads and checks only the part of the store it reaches. */
	rc = hive_open(h, path, (flags & BCD_OPEN_WRITE) ? HIVE_OPEN_WRITE | HIVE_OPEN_LAZY : 0);
	if (rc < 0)
		bc_hive_failed(s, h, rc);
	else
		rc = bcd_store_open_hive(s, h, path, flags);
	if (rc < 0)
		hive_close(h);
	return rc;
}

void
bcd_store_close(bcd_store_t *s)
{
	if (!s)
		return;
	hive_close(s->hive);
	bk_free(s->path);
	bk_free(s);
}

void
bcd_store_set_current(bcd_store_t *s, const bcd_guid_t *id)
{
	s->have_current = id != NULL;
	if (id)
		s->current = *id;
}

int
bcd_store_has_current(const bcd_store_t *s)
{
	return s->have_current;
}

int
bc_object_key(bcd_store_t *s, const bcd_guid_t *id, hive_key_t *out)
{
	char g[BCD_GUID_STRLEN];
	int rc;

	rc = hive_key_child(s->hive, s->objects, bcd_guid_format(id, g), out);
	if (rc == -BK_ENOTFOUND)
		return bc_error(s, BK_ENOTFOUND, "the object %s does not exist", g);
	if (rc < 0)
		return bc_hive_err(s, rc, "reading Objects");
	return 0;
}

int
bcd_store_resolve(bcd_store_t *s, const char *text, bcd_guid_t *out)
{
	bcd_guid_t bootmgr;
	struct bcd_value v;
	int rc;

	if (bcd_guid_parse(text, out) == 0 && !bc_wellknown_is_virtual(out))
		return 0;
	if (strcasecmp(text, "{current}") == 0 && s->have_current) {
		*out = s->current;
		return 0;
	}
	if (strcasecmp(text, "{current}") == 0 || strcasecmp(text, "{default}") == 0 ||
	    strcasecmp(text, "{fa926493-6f1c-4193-a414-58f0b2456d1e}") == 0 ||
	    strcasecmp(text, "{1cae1eb7-a0df-4d4d-9851-4860e34ef535}") == 0) {
		/* {default} is {bootmgr}'s default element; offline {current}
		 * means the same unless --current names an object. */
		(void)bcd_alias_lookup("{bootmgr}", &bootmgr);
		rc = bcd_element_get(s, &bootmgr, BCD_EL_DEFAULT, &v);
		if (rc == -BK_ENOMEM)
			return rc;
		if (rc < 0)
			return bc_error(s, BK_ENOTFOUND, "{default} is not set "
				      "({bootmgr} has no default element)");
		*out = v.guids[0];
		bcd_value_free(&v);
		return 0;
	}
	if (bcd_alias_lookup(text, out) == 0)
		return 0;
	if (text[0] == '{' && text[strlen(text) - 1] == '}' && strchr(text, '-'))
		return bk_err(&s->err, BK_ESYNTAX, "\"%s\" is not a valid GUID", text);
	return bk_err(&s->err, BK_ESYNTAX, "\"%s\" is not a GUID or a known identifier", text);
}

static int
read_type(bcd_store_t *s, hive_key_t okey, uint32_t *type)
{
	hive_key_t desc;
	hive_value_t v;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	*type = 0;
	rc = hive_key_child(s->hive, okey, "Description", &desc);
	if (rc == 0)
		rc = hive_value_find(s->hive, desc, "Type", &v);
	if (rc == -BK_ENOTFOUND)
		return 0;   /* an object without a type: shown as type 0 */
	if (rc < 0)
		return bc_hive_err(s, rc, "reading an object type");
	rc = hive_value_data(s->hive, v, &data, &len);
	if (rc < 0)
		return bc_hive_err(s, rc, "reading an object type");
	if (len >= 4)
		*type = bk_le32(data);
	free(data);
	return 0;
}

int
bcd_object_type(bcd_store_t *s, const bcd_guid_t *id, uint32_t *type)
{
	hive_key_t k;
	int rc = bc_object_key(s, id, &k);

	return rc < 0 ? rc : read_type(s, k, type);
}

struct objsort {
	bcd_guid_t id;
	uint32_t type;
	char text[BCD_GUID_STRLEN];
};

static int
objsort_cmp(const void *a, const void *b)
{
	const struct objsort *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* A GUID-named key with a Description subkey. */
static bool
is_object_key(bcd_store_t *s, hive_key_t key, const char *name, bcd_guid_t *id)
{
	hive_key_t desc;

	return bcd_guid_parse(name, id) == 0 &&
	       hive_key_child(s->hive, key, "Description", &desc) == 0;
}

static void
note_skipped(bcd_store_t *s, const char *name)
{
	char msg[320];

	if (s->skip_noted || !s->msg_cb)
		return;
	s->skip_noted = true;
	snprintf(msg, sizeof(msg), "%s: Objects\\%.200s is not an object (its name is not a GUID "
		 "or it has no Description); such keys are skipped", s->path, name);
	s->msg_cb(s->msg_data, msg);
}

void
bc_note(bcd_store_t *s, const char *fmt, ...)
{
	char msg[BK_ERRMSG_MAX];
	va_list ap;

	if (!s->msg_cb)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->msg_cb(s->msg_data, msg);
}

void
bcd_set_msg_cb(bcd_store_t *s, bcd_msg_cb cb, void *data)
{
	s->msg_cb = cb;
	s->msg_data = data;
}

int
bcd_store_objects(bcd_store_t *s, bcd_guid_t **ids, size_t *n)
{
	hive_key_t *keys = NULL;
	struct objsort *o = NULL;
	size_t nk = 0, i, k = 0;
	char *name;
	int rc;

	rc = hive_key_subkeys(s->hive, s->objects, &keys, &nk);
	if (rc < 0)
		return bc_hive_err(s, rc, "listing Objects");
	if (nk > BCD_MAX_OBJECTS) {
		free(keys);
		return bc_error(s, BK_ETOOBIG, "%zu objects", nk);
	}
	o = bk_calloc(nk ? nk : 1, sizeof(*o));
	*ids = bk_calloc(nk ? nk : 1, sizeof(bcd_guid_t));
	if (!o || !*ids) {
		rc = -BK_ENOMEM;
		goto out;
	}
	for (i = 0; i < nk; i++) {
		/* Out of memory is an error; an unreadable name is no object. */
		if ((rc = hive_key_name(s->hive, keys[i], &name)) == -BK_ENOMEM) {
			rc = bc_hive_err(s, rc, "listing Objects");
			goto out;
		}
		if (rc < 0) {
			rc = 0;
			continue;
		}
		/* Keys that are not GUIDs or have no Description are not
		 * objects: skipped, and reported once per handle. */
		if (!is_object_key(s, keys[i], name, &o[k].id)) {
			note_skipped(s, name);
		} else {
			rc = read_type(s, keys[i], &o[k].type);
			if (rc < 0) {
				free(name);
				goto out;
			}
			bcd_guid_format(&o[k].id, o[k].text);
			k++;
		}
		free(name);
	}
	qsort(o, k, sizeof(*o), objsort_cmp);
	for (i = 0; i < k; i++)
		(*ids)[i] = o[i].id;
	*n = k;
	rc = 0;
out:
	if (rc < 0) {
		bk_free(*ids);
		*ids = NULL;
	}
	bk_free(o);
	free(keys);
	return rc;
}

static int
uint32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Element key of an object; -BK_ENOTFOUND without a detail when absent. */
static int
element_key(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype, hive_key_t *out)
{
	hive_key_t ok, ek;
	char name[16];
	int rc;

	rc = bc_object_key(s, id, &ok);
	if (rc < 0)
		return rc;
	snprintf(name, sizeof(name), "%08x", eltype);
	rc = hive_key_child(s->hive, ok, "Elements", &ek);
	if (rc == 0)
		rc = hive_key_child(s->hive, ek, name, out);
	/* Only absence is "not set": out of memory or damage is reported. */
	if (rc < 0 && rc != -BK_ENOTFOUND)
		return bc_hive_err(s, rc, "reading an element");
	return rc;
}

int
bcd_element_list(bcd_store_t *s, const bcd_guid_t *id, uint32_t **types, size_t *n)
{
	hive_key_t ok, ek, *keys = NULL;
	hive_value_t v;
	size_t nk = 0, i, k = 0;
	uint64_t t;
	char *name, hx[16];
	int rc;

	*types = NULL;
	*n = 0;
	rc = bc_object_key(s, id, &ok);
	if (rc < 0)
		return rc;
	rc = hive_key_child(s->hive, ok, "Elements", &ek);
	if (rc < 0 && rc != -BK_ENOTFOUND)
		return bc_hive_err(s, rc, "listing elements");
	if (rc < 0) {
		*types = bk_calloc(1, sizeof(uint32_t));
		return *types ? 0 : -BK_ENOMEM;
	}
	rc = hive_key_subkeys(s->hive, ek, &keys, &nk);
	if (rc < 0)
		return bc_hive_err(s, rc, "listing elements");
	if (nk > BCD_MAX_ELEMENTS) {
		free(keys);
		return bc_error(s, BK_ETOOBIG, "%zu elements in one object", nk);
	}
	*types = bk_calloc(nk ? nk : 1, sizeof(uint32_t));
	if (!*types) {
		free(keys);
		return -BK_ENOMEM;
	}
	for (i = 0; i < nk && rc != -BK_ENOMEM; i++) {
		/* Out of memory is an error; an unreadable key is skipped. */
		if ((rc = hive_key_name(s->hive, keys[i], &name)) < 0)
			continue;
		snprintf(hx, sizeof(hx), "0x%.8s", name);
		/* Valueless element keys (templates fill them later) are skipped. */
		if (strlen(name) == 8 && bk_parse_u64(hx, &t) &&
		    (rc = hive_value_find(s->hive, keys[i], "Element", &v)) == 0)
			(*types)[k++] = (uint32_t)t;
		free(name);
	}
	free(keys);
	if (rc == -BK_ENOMEM) {
		bk_free(*types);
		*types = NULL;
		return bc_hive_err(s, rc, "listing elements");
	}
	qsort(*types, k, sizeof(uint32_t), uint32_cmp);
	*n = k;
	return 0;
}

int
bcd_element_get_raw(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype,
		    uint8_t **data, size_t *len)
{
	hive_key_t k;
	hive_value_t v;
	int rc;

	rc = element_key(s, id, eltype, &k);
	if (rc == 0 && (rc = hive_value_find(s->hive, k, "Element", &v)) < 0 && rc != -BK_ENOTFOUND)
		return bc_hive_err(s, rc, "reading an element");
	if (rc == -BK_ENOTFOUND)
		return bc_error(s, BK_ENOTFOUND, "element %08x not set", eltype);
	if (rc < 0)
		return rc;
	rc = hive_value_data(s->hive, v, data, len);
	return rc < 0 ? bc_hive_err(s, rc, "reading an element") : 0;
}

int
bcd_element_get(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype, struct bcd_value *out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	char why[160];
	int rc;

	rc = bcd_element_get_raw(s, id, eltype, &data, &len);
	if (rc < 0)
		return rc;
	why[0] = '\0';
	rc = bc_value_decode(eltype, data, len, out, why, sizeof(why));
	free(data);
	if (rc < 0 && rc != -BK_ENOMEM)
		return bc_error(s, -rc, "element %08x: %s", eltype, why);
	return rc;
}
