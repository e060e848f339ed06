/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The plain-data form of a store that bcdboot builds (bootmodel.h): read
 * from an open store, edited, and written into a new hive in a fixed order.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootmodel.h"

/* ---- freeing and copying ----------------------------------------------------- */

static void
key_free(struct bm_key *k)
{
	size_t i;

	for (i = 0; i < k->nv; i++) {
		bk_free(k->v[i].name);
		bk_free(k->v[i].data);
	}
	bk_free(k->v);
	bk_free(k->name);
	memset(k, 0, sizeof(*k));
}

static void
obj_free(struct bm_obj *o)
{
	size_t i;

	key_free(&o->desc);
	for (i = 0; i < o->nel; i++)
		key_free(&o->el[i]);
	bk_free(o->el);
	memset(o, 0, sizeof(*o));
}

void
bm_free(struct bm_store *m)
{
	size_t i;

	key_free(&m->desc);
	for (i = 0; i < m->n; i++)
		obj_free(&m->o[i]);
	bk_free(m->o);
	memset(m, 0, sizeof(*m));
}

int
bm_key_set(struct bm_key *k, const char *name, uint32_t type, const void *d, size_t n)
{
	struct bm_value *v = NULL, *grown;
	uint8_t *copy;
	size_t i;

	copy = bk_malloc(n ? n : 1);
	if (!copy)
		return -BK_ENOMEM;
	if (n)
		memcpy(copy, d, n);
	for (i = 0; i < k->nv; i++)
		if (bc_strcasecmp(k->v[i].name, name) == 0)
			v = &k->v[i];
	if (!v) {
		grown = bk_realloc(k->v, (k->nv + 1) * sizeof(*grown));
		if (!grown) {
			bk_free(copy);
			return -BK_ENOMEM;
		}
		k->v = grown;
		v = &k->v[k->nv];
		memset(v, 0, sizeof(*v));
		if (!(v->name = bk_strdup(name))) {
			bk_free(copy);
			return -BK_ENOMEM;
		}
		k->nv++;
	}
	bk_free(v->data);
	v->type = type;
	v->data = copy;
	v->len = n;
	return 0;
}

static int
key_copy(struct bm_key *dst, const struct bm_key *src)
{
	size_t i;
	int rc = 0;

	memset(dst, 0, sizeof(*dst));
	if (src->name && !(dst->name = bk_strdup(src->name)))
		return -BK_ENOMEM;
	for (i = 0; i < src->nv && rc == 0; i++)
		rc = bm_key_set(dst, src->v[i].name, src->v[i].type, src->v[i].data, src->v[i].len);
	if (rc < 0)
		key_free(dst);
	return rc;
}

/* ---- objects ------------------------------------------------------------------- */

struct bm_obj *
bm_find(struct bm_store *m, const bcd_guid_t *id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (bcd_guid_cmp(&m->o[i].id, id) == 0)
			return &m->o[i];
	return NULL;
}

static struct bm_obj *
append_obj(struct bm_store *m, const bcd_guid_t *id)
{
	struct bm_obj *grown = bk_realloc(m->o, (m->n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	m->o = grown;
	memset(&m->o[m->n], 0, sizeof(m->o[0]));
	m->o[m->n].id = *id;
	return &m->o[m->n++];
}

int
bm_add(struct bm_store *m, const bcd_guid_t *id, uint32_t type, struct bm_obj **out)
{
	struct bm_obj *o;
	uint8_t t[4];

	if (bm_find(m, id))
		return -BK_EEXIST;
	if (m->n >= BCD_MAX_OBJECTS || !(o = append_obj(m, id)))
		return -BK_ENOMEM;
	bk_put_le32(t, type);
	if (bm_key_set(&o->desc, "Type", HIVE_REG_DWORD, t, 4) < 0) {
		m->n--;
		obj_free(o);
		return -BK_ENOMEM;
	}
	*out = o;
	return 0;
}

void
bm_remove(struct bm_store *m, const bcd_guid_t *id)
{
	struct bm_obj *o = bm_find(m, id);
	size_t i;

	if (!o)
		return;
	i = (size_t)(o - m->o);
	obj_free(o);
	memmove(&m->o[i], &m->o[i + 1], (m->n - i - 1) * sizeof(m->o[0]));
	m->n--;
}

int
bm_copy_obj(struct bm_store *m, const struct bm_obj *src, struct bm_obj **out)
{
	struct bm_obj tmp, *o;
	size_t i;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	tmp.id = src->id;
	rc = key_copy(&tmp.desc, &src->desc);
	if (rc == 0 && src->nel && !(tmp.el = bk_calloc(src->nel, sizeof(tmp.el[0]))))
		rc = -BK_ENOMEM;
	for (i = 0; i < src->nel && rc == 0; i++) {
		rc = key_copy(&tmp.el[i], &src->el[i]);
		tmp.nel = i + (rc == 0);
	}
	if (rc < 0) {
		obj_free(&tmp);
		return rc;
	}
	bm_remove(m, &src->id);
	if (!(o = append_obj(m, &src->id))) {
		obj_free(&tmp);
		return -BK_ENOMEM;
	}
	*o = tmp;
	if (out)
		*out = o;
	return 0;
}

uint32_t
bm_type(const struct bm_obj *o)
{
	size_t i;

	for (i = 0; i < o->desc.nv; i++)
		if (bc_strcasecmp(o->desc.v[i].name, "Type") == 0 && o->desc.v[i].len >= 4)
			return bk_le32(o->desc.v[i].data);
	return 0;
}

/* ---- elements -------------------------------------------------------------------- */

static struct bm_key *
el_key(const struct bm_obj *o, uint32_t eltype)
{
	char name[16];
	size_t i;

	snprintf(name, sizeof(name), "%08x", eltype);
	for (i = 0; i < o->nel; i++)
		if (bc_strcasecmp(o->el[i].name, name) == 0)
			return &o->el[i];
	return NULL;
}

const struct bm_value *
bm_get_raw(const struct bm_obj *o, uint32_t eltype)
{
	struct bm_key *k = el_key(o, eltype);
	size_t i;

	for (i = 0; k && i < k->nv; i++)
		if (bc_strcasecmp(k->v[i].name, "Element") == 0)
			return &k->v[i];
	return NULL;
}

int
bm_get(const struct bm_obj *o, uint32_t eltype, struct bcd_value *out)
{
	const struct bm_value *v = bm_get_raw(o, eltype);

	if (!v)
		return -BK_ENOTFOUND;
	return bcd_value_decode(eltype, v->data, v->len, out);
}

int
bm_set_raw(struct bm_obj *o, uint32_t eltype, uint32_t regtype, const uint8_t *d, size_t n)
{
	struct bm_key *k = el_key(o, eltype), *grown;
	char name[16];

	if (!k) {
		if (o->nel >= BCD_MAX_ELEMENTS)
			return -BK_ETOOBIG;
		grown = bk_realloc(o->el, (o->nel + 1) * sizeof(*grown));
		if (!grown)
			return -BK_ENOMEM;
		o->el = grown;
		k = &o->el[o->nel];
		memset(k, 0, sizeof(*k));
		snprintf(name, sizeof(name), "%08x", eltype);
		if (!(k->name = bk_strdup(name)))
			return -BK_ENOMEM;
		o->nel++;
	}
	return bm_key_set(k, "Element", regtype, d, n);
}

int
bm_set(struct bm_obj *o, uint32_t eltype, const struct bcd_value *v)
{
	uint8_t *data = NULL;
	size_t len = 0;
	uint32_t regtype;
	int rc;

	rc = bcd_value_encode(eltype, v, &regtype, &data, &len);
	if (rc == 0)
		rc = bm_set_raw(o, eltype, regtype, data, len);
	bk_free(data);
	return rc;
}

int
bm_set_int(struct bm_obj *o, uint32_t eltype, uint64_t x)
{
	struct bcd_value v = { .format = BCD_ELEM_FORMAT(eltype), .integer = x };

	return bm_set(o, eltype, &v);
}

int
bm_set_str(struct bm_obj *o, uint32_t eltype, const char *s)
{
	struct bcd_value v = { .format = BCD_FMT_STRING, .string = (char *)s };

	return bm_set(o, eltype, &v);
}

int
bm_set_guids(struct bm_obj *o, uint32_t eltype, const bcd_guid_t *g, size_t n)
{
	struct bcd_value v = { .format = BCD_ELEM_FORMAT(eltype), .guids = (bcd_guid_t *)g,
			       .n_guids = n };

	return bm_set(o, eltype, &v);
}

void
bm_del(struct bm_obj *o, uint32_t eltype)
{
	struct bm_key *k = el_key(o, eltype);
	size_t i;

	if (!k)
		return;
	i = (size_t)(k - o->el);
	key_free(k);
	memmove(&o->el[i], &o->el[i + 1], (o->nel - i - 1) * sizeof(o->el[0]));
	o->nel--;
}

/* ---- reading a store --------------------------------------------------------------- */

static int
load_values(hive_t *h, hive_key_t key, struct bm_key *k)
{
	hive_value_t *vals = NULL;
	size_t n = 0, i;
	uint8_t *data;
	size_t len;
	uint32_t type;
	char *name;
	int rc;

	rc = hive_key_values(h, key, &vals, &n);
	for (i = 0; i < n && rc == 0; i++) {
		name = NULL;
		data = NULL;
		rc = hive_value_name(h, vals[i], &name);
		if (rc == 0)
			rc = hive_value_type(h, vals[i], &type);
		if (rc == 0)
			rc = hive_value_data(h, vals[i], &data, &len);
		if (rc == 0)
			rc = bm_key_set(k, name, type, data, len);
		free(name);
		free(data);
	}
	free(vals);
	return rc;
}

static int
load_object(bcd_store_t *s, hive_key_t okey, struct bm_obj *o)
{
	hive_key_t desc, els, *keys = NULL;
	size_t n = 0, i;
	struct bm_key *k;
	int rc;

	rc = hive_key_child(s->hive, okey, "Description", &desc);
	if (rc == 0)
		rc = load_values(s->hive, desc, &o->desc);
	if (rc < 0 && rc != -BK_ENOTFOUND)
		return rc;
	rc = hive_key_child(s->hive, okey, "Elements", &els);
	if (rc == -BK_ENOTFOUND)
		return 0;
	if (rc == 0)
		rc = hive_key_subkeys(s->hive, els, &keys, &n);
	if (rc == 0 && n > BCD_MAX_ELEMENTS)
		rc = -BK_ETOOBIG;
	if (rc == 0 && n && !(o->el = bk_calloc(n, sizeof(*o->el))))
		rc = -BK_ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		k = &o->el[o->nel++];
		rc = hive_key_name(s->hive, keys[i], &k->name);
		if (rc == 0)
			rc = load_values(s->hive, keys[i], k);
	}
	free(keys);
	return rc;
}

int
bm_load(struct bm_store *m, bcd_store_t *s)
{
	hive_key_t root, desc, *keys = NULL;
	size_t n = 0, i;
	bcd_guid_t id;
	struct bm_obj *o;
	char *name;
	int rc;

	rc = hive_root(s->hive, &root);
	if (rc == 0 && hive_key_child(s->hive, root, "Description", &desc) == 0)
		rc = load_values(s->hive, desc, &m->desc);
	if (rc == 0)
		rc = hive_key_subkeys(s->hive, s->objects, &keys, &n);
	if (rc == 0 && n > BCD_MAX_OBJECTS)
		rc = -BK_ETOOBIG;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = hive_key_name(s->hive, keys[i], &name)) < 0)
			break;
		if (bcd_guid_parse(name, &id) == 0 && !bm_find(m, &id)) {
			if (!(o = append_obj(m, &id)))
				rc = -BK_ENOMEM;
			else
				rc = load_object(s, keys[i], o);
		}
		free(name);
	}
	free(keys);
	if (rc < 0)
		return rc == -BK_ENOMEM ? rc : bc_hive_err(s, rc, "reading the store");
	return 0;
}

/* ---- writing ---------------------------------------------------------------------- */

static int
write_values(hive_t *h, hive_key_t key, const struct bm_key *k)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < k->nv && rc == 0; i++)
		rc = hive_value_set(h, key, k->v[i].name, k->v[i].type, k->v[i].data, k->v[i].len);
	return rc;
}

static int
cmp_key(const void *a, const void *b)
{
	return bc_strcasecmp((*(const struct bm_key *const *)a)->name,
			      (*(const struct bm_key *const *)b)->name);
}

static int
write_object(hive_t *h, hive_key_t objects, const struct bm_obj *o)
{
	const struct bm_key **order = NULL;
	hive_key_t ok, dk, ek, k;
	char name[BCD_GUID_STRLEN];
	size_t i;
	int rc;

	rc = hive_key_add(h, objects, bcd_guid_format(&o->id, name), &ok);
	if (rc == 0)
		rc = hive_key_add(h, ok, "Description", &dk);
	if (rc == 0)
		rc = write_values(h, dk, &o->desc);
	if (rc == 0)
		rc = hive_key_add(h, ok, "Elements", &ek);
	if (rc == 0 && o->nel && !(order = bk_calloc(o->nel, sizeof(*order))))
		rc = -BK_ENOMEM;
	if (rc < 0)
		return rc;
	for (i = 0; i < o->nel; i++)
		order[i] = &o->el[i];
	if (o->nel)
		qsort(order, o->nel, sizeof(*order), cmp_key);
	for (i = 0; i < o->nel && rc == 0; i++) {
		rc = hive_key_add(h, ek, order[i]->name, &k);
		if (rc == 0)
			rc = write_values(h, k, order[i]);
	}
	bk_free(order);
	return rc;
}

static int
cmp_obj(const void *a, const void *b)
{
	char x[BCD_GUID_STRLEN], y[BCD_GUID_STRLEN];

	return strcmp(bcd_guid_format(&(*(const struct bm_obj *const *)a)->id, x),
		      bcd_guid_format(&(*(const struct bm_obj *const *)b)->id, y));
}

int
bm_write(const struct bm_store *m, hive_t *h)
{
	const struct bm_obj **order = NULL;
	hive_key_t root, desc, objects;
	size_t i;
	int rc;

	rc = hive_root(h, &root);
	if (rc == 0)
		rc = hive_key_add(h, root, "Description", &desc);
	if (rc == 0)
		rc = write_values(h, desc, &m->desc);
	if (rc == 0)
		rc = hive_key_add(h, root, "Objects", &objects);
	if (rc == 0 && m->n && !(order = bk_calloc(m->n, sizeof(*order))))
		rc = -BK_ENOMEM;
	if (rc < 0)
		return rc;
	for (i = 0; i < m->n; i++)
		order[i] = &m->o[i];
	if (m->n)
		qsort(order, m->n, sizeof(*order), cmp_obj);
	for (i = 0; i < m->n && rc == 0; i++)
		rc = write_object(h, objects, order[i]);
	bk_free(order);
	return rc;
}

int
bm_copy_elements(struct bm_obj *dst, const struct bm_obj *src)
{
	struct bm_key *k, *grown;
	size_t i;
	int rc = 0;

	for (i = 0; i < src->nel && rc == 0; i++) {
		k = NULL;
		for (size_t j = 0; j < dst->nel && !k; j++)
			if (bc_strcasecmp(dst->el[j].name, src->el[i].name) == 0)
				k = &dst->el[j];
		if (k) {
			key_free(k);
		} else {
			if (dst->nel >= BCD_MAX_ELEMENTS)
				return -BK_ETOOBIG;
			grown = bk_realloc(dst->el, (dst->nel + 1) * sizeof(*grown));
			if (!grown)
				return -BK_ENOMEM;
			dst->el = grown;
			k = &dst->el[dst->nel++];
		}
		rc = key_copy(k, &src->el[i]);
	}
	return rc;
}
