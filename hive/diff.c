/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Comparing the trees of two hives.  Keys are matched by name without case
 * (Windows upper-casing), walking both sorted subkey lists side by side;
 * values are matched by name the same way and compared by type and bytes.
 * A key present on one side only is reported once, not with its subtree.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

struct diff_ctx {
	hive_t *a, *b;
	hive_diff_cb cb;
	void *data;
	size_t n;
};

struct named {
	uint32_t off;
	uint16_t *u;
	size_t n;
};

static int
cmp_named(const void *x, const void *y)
{
	const struct named *p = x, *q = y;

	return hive_name_cmp(p->u, p->n, q->u, q->n);
}

static void
free_named(struct named *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		bk_free(v[i].u);
	bk_free(v);
}

/* Names of a key's subkeys (keys) or values, sorted. */
static int
load_named(hive_t *h, hive_key_t key, bool keys, struct named **out, size_t *n)
{
	uint32_t *offs = NULL;
	size_t i;
	int rc = keys ? hive_key_subkeys(h, key, &offs, n) : hive_key_values(h, key, &offs, n);

	*out = NULL;
	if (rc < 0)
		return rc;
	*out = bk_calloc(*n ? *n : 1, sizeof(**out));
	if (!*out) {
		bk_free(offs);
		return hv_error(h, BK_ENOMEM, "out of memory");
	}
	for (i = 0; rc == 0 && i < *n; i++) {
		(*out)[i].off = offs[i];
		rc = keys ? hive_key_name_utf16(h, offs[i], &(*out)[i].u, &(*out)[i].n)
			  : hive_value_name_utf16(h, offs[i], &(*out)[i].u, &(*out)[i].n);
	}
	bk_free(offs);
	if (rc < 0) {
		free_named(*out, *n);
		*out = NULL;
		return rc;
	}
	qsort(*out, *n, sizeof(**out), cmp_named);
	return 0;
}

static int
report(struct diff_ctx *c, int kind, const char *path, const struct named *nm,
       uint32_t oa, uint32_t ob, bool is_value)
{
	struct hive_diff_item it;
	char *vname = NULL;
	int rc;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.path = path;
	if (is_value) {
		if (bk_utf16_to_utf8(nm->u, nm->n, false, &vname) < 0)
			return hv_error(c->a, BK_ENOMEM, "out of memory");
		it.value = vname;
		it.val_a = oa;
		it.val_b = ob;
	} else {
		it.key_a = oa;
		it.key_b = ob;
	}
	c->n++;
	rc = c->cb ? c->cb(c->data, &it) : 0;
	bk_free(vname);
	return rc;
}

static int
value_differs(struct diff_ctx *c, uint32_t va, uint32_t vb, bool *out)
{
	uint32_t ta, tb;
	uint8_t *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	int rc = hive_value_type(c->a, va, &ta);

	if (rc == 0 && (rc = hive_value_type(c->b, vb, &tb)) == 0 &&
	    (rc = hive_value_data(c->a, va, &da, &la)) == 0)
		rc = hive_value_data(c->b, vb, &db, &lb);
	if (rc == 0)
		*out = ta != tb || la != lb || (la && memcmp(da, db, la) != 0);
	bk_free(da);
	bk_free(db);
	return rc;
}

static int
diff_values(struct diff_ctx *c, const char *path, hive_key_t ka, hive_key_t kb)
{
	struct named *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	int rc = load_named(c->a, ka, false, &va, &na);

	if (rc == 0)
		rc = load_named(c->b, kb, false, &vb, &nb);
	while (rc == 0 && (i < na || j < nb)) {
		int cmp = i == na ? 1 : j == nb ? -1 : hive_name_cmp(va[i].u, va[i].n, vb[j].u, vb[j].n);
		bool d = false;

		if (cmp < 0) {
			rc = report(c, HIVE_DIFF_VALUE_REMOVED, path, &va[i], va[i].off, 0, true);
			i++;
		} else if (cmp > 0) {
			rc = report(c, HIVE_DIFF_VALUE_ADDED, path, &vb[j], 0, vb[j].off, true);
			j++;
		} else {
			rc = value_differs(c, va[i].off, vb[j].off, &d);
			if (rc == 0 && d)
				rc = report(c, HIVE_DIFF_VALUE_CHANGED, path, &va[i], va[i].off, vb[j].off, true);
			i++;
			j++;
		}
	}
	free_named(va, na);
	free_named(vb, nb);
	return rc;
}

static int
class_differs(struct diff_ctx *c, hive_key_t ka, hive_key_t kb, bool *out)
{
	uint8_t *x = NULL, *y = NULL;
	size_t lx = 0, ly = 0;
	int rc = hive_key_class(c->a, ka, &x, &lx);

	if (rc == 0)
		rc = hive_key_class(c->b, kb, &y, &ly);
	if (rc == 0)
		*out = lx != ly || (lx && memcmp(x, y, lx) != 0);
	bk_free(x);
	bk_free(y);
	return rc;
}

/* Child path "parent\name" (escaped), or the name alone under the root. */
static int
child_path(struct diff_ctx *c, const char *parent, const struct named *nm, char **out)
{
	char *name;
	size_t len;

	if (bk_utf16_to_utf8(nm->u, nm->n, true, &name) < 0)
		return hv_error(c->a, BK_ENOMEM, "out of memory");
	len = strlen(parent) + strlen(name) + 2;
	*out = bk_malloc(len);
	if (*out) {
		strcpy(*out, parent);
		if (*parent)
			strcat(*out, "\\");
		strcat(*out, name);
	}
	bk_free(name);
	return *out ? 0 : hv_error(c->a, BK_ENOMEM, "out of memory");
}

static int
diff_key(struct diff_ctx *c, const char *path, hive_key_t ka, hive_key_t kb, int depth)
{
	struct named *sa = NULL, *sb = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	bool d = false;
	int rc = depth > HIVE_MAX_DEPTH ? bk_err(&c->a->err, BK_ECORRUPT, "keys nest too deep") : 0;

	if (rc == 0)
		rc = class_differs(c, ka, kb, &d);
	if (rc == 0 && d) {
		struct named none = { 0, NULL, 0 };
		rc = report(c, HIVE_DIFF_CLASS_CHANGED, path, &none, ka, kb, false);
	}
	if (rc == 0)
		rc = diff_values(c, path, ka, kb);
	if (rc == 0)
		rc = load_named(c->a, ka, true, &sa, &na);
	if (rc == 0)
		rc = load_named(c->b, kb, true, &sb, &nb);
	while (rc == 0 && (i < na || j < nb)) {
		int cmp = i == na ? 1 : j == nb ? -1 : hive_name_cmp(sa[i].u, sa[i].n, sb[j].u, sb[j].n);
		char *cp = NULL;

		rc = child_path(c, path, cmp <= 0 ? &sa[i] : &sb[j], &cp);
		if (rc == 0 && cmp < 0)
			rc = report(c, HIVE_DIFF_KEY_REMOVED, cp, &sa[i], sa[i].off, 0, false);
		else if (rc == 0 && cmp > 0)
			rc = report(c, HIVE_DIFF_KEY_ADDED, cp, &sb[j], 0, sb[j].off, false);
		else if (rc == 0)
			rc = diff_key(c, cp, sa[i].off, sb[j].off, depth + 1);
		bk_free(cp);
		i += cmp <= 0;
		j += cmp >= 0;
	}
	free_named(sa, na);
	free_named(sb, nb);
	return rc;
}

int
hive_diff(hive_t *a, hive_t *b, hive_diff_cb cb, void *data, size_t *ndiff)
{
	struct diff_ctx c = { a, b, cb, data, 0 };
	/* The library's one loop check and depth limit, before recursing. */
	int rc = hv_tree_verify(a, a->base.root_offset);

	if (rc == 0)
		rc = hv_tree_verify(b, b->base.root_offset);
	if (rc == 0)
		rc = diff_key(&c, "", a->base.root_offset, b->base.root_offset, 0);

	if (ndiff)
		*ndiff = c.n;
	if (rc < 0 && !a->err.msg[0] && b->err.msg[0])
		bk_err(&a->err, -rc, "%s", b->err.msg);
	return rc;
}
