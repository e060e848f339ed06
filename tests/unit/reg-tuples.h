/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper shared by test-export.c and test-import.c: a hive's content as
 * a sorted set of byte strings, one per key (its path) and one per value
 * (key path, name, type, data), built either by walking a hive with the
 * reader or from a parsed .reg script, so that two sources can be compared
 * exactly.  Names are compared as stored (UTF-16 code units, case kept).
 */
#ifndef REG_TUPLES_H
#define REG_TUPLES_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive-internal.h"

/* Not every test uses every helper. */
#define REG_TUPLES_FN static __attribute__((unused))

struct tuple {
	uint8_t *p;
	size_t len;
};

struct tuples {
	struct tuple *v;
	size_t n, cap;
	uint8_t path[8192];        /* current key path: per component len16 + units */
	size_t path_len;
	size_t depth_len[HIVE_MAX_DEPTH + 2];
};

REG_TUPLES_FN void
tuples_add(struct tuples *t, char kind, const uint16_t *name, size_t nn, uint32_t type,
	   const uint8_t *data, size_t dlen)
{
	size_t len = t->path_len + 3 + 2 * nn + 2 + 4 + dlen, i;
	uint8_t *p = malloc(len), *o = p;

	ck_assert_ptr_nonnull(p);
	memcpy(o, t->path, t->path_len);
	o += t->path_len;
	*o++ = 0xFF;
	*o++ = 0xFF;
	*o++ = (uint8_t)kind;
	for (i = 0; i < nn; i++, o += 2)
		bk_put_le16(o, name[i]);
	*o++ = 0xFF;
	*o++ = 0xFF;
	bk_put_le32(o, type);
	o += 4;
	if (dlen)
		memcpy(o, data, dlen);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->v = realloc(t->v, t->cap * sizeof(*t->v));
		ck_assert_ptr_nonnull(t->v);
	}
	t->v[t->n].p = p;
	t->v[t->n].len = len;
	t->n++;
}

REG_TUPLES_FN void
tuples_push_comp(struct tuples *t, const uint16_t *u, size_t n)
{
	size_t i;

	ck_assert_uint_lt(t->path_len + 2 + 2 * n, sizeof(t->path));
	bk_put_le16(t->path + t->path_len, (uint16_t)n);
	for (i = 0; i < n; i++)
		bk_put_le16(t->path + t->path_len + 2 + 2 * i, u[i]);
	t->path_len += 2 + 2 * n;
}

REG_TUPLES_FN int
tuples_reader_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct tuples *t = data;
	hive_value_t *vals;
	uint16_t *u;
	uint8_t *d;
	size_t n, i, len;
	uint32_t type;
	int rc;

	t->path_len = t->depth_len[depth];
	if (depth > 0) {
		if ((rc = hive_key_name_utf16(h, key, &u, &n)) < 0)
			return rc;
		tuples_push_comp(t, u, n);
		free(u);
	}
	t->depth_len[depth + 1] = t->path_len;
	tuples_add(t, 'K', NULL, 0, 0, NULL, 0);
	if ((rc = hive_key_values(h, key, &vals, &n)) < 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		size_t nn;
		if ((rc = hive_value_name_utf16(h, vals[i], &u, &nn)) < 0)
			break;
		if ((rc = hive_value_type(h, vals[i], &type)) < 0) {
			free(u);
			break;
		}
		if ((rc = hive_value_data(h, vals[i], &d, &len)) == 0) {
			tuples_add(t, 'V', u, nn, type, d, len);
			free(d);
		}
		free(u);
	}
	free(vals);
	return rc;
}

REG_TUPLES_FN int
tuple_cmp(const void *a, const void *b)
{
	const struct tuple *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

REG_TUPLES_FN void
tuples_sort(struct tuples *t)
{
	qsort(t->v, t->n, sizeof(*t->v), tuple_cmp);
}

/* Everything the reader sees under the root. */
REG_TUPLES_FN int
reader_tuples(hive_t *h, struct tuples *t)
{
	int rc = hv_walk(h, h->base.root_offset, tuples_reader_cb, t);

	tuples_sort(t);
	return rc;
}

/* What a parsed script would create, applied to an empty hive. */
REG_TUPLES_FN void
script_tuples(const struct reg_script *s, struct tuples *t)
{
	size_t i, off;

	for (i = 0; i < s->nops; i++) {
		const struct reg_op *op = &s->ops[i];
		switch (op->kind) {
		case REG_OP_KEY:
			t->path_len = 0;
			for (off = op->name; off < op->name + op->name_len; off += 1u + s->units[off])
				tuples_push_comp(t, s->units + off + 1, s->units[off]);
			tuples_add(t, 'K', NULL, 0, 0, NULL, 0);
			break;
		case REG_OP_SET_VALUE:
			tuples_add(t, 'V', s->units + op->name, op->name_len, op->type,
				   s->bytes + op->data, op->data_len);
			break;
		default:
			ck_abort_msg("unexpected deletion at line %u", op->line);
		}
	}
	tuples_sort(t);
}

REG_TUPLES_FN void
tuple_print(const char *what, const struct tuple *x)
{
	size_t i;

	fprintf(stderr, "  %s (%zu bytes):", what, x->len);
	for (i = 0; i < x->len && i < 96; i++)
		fprintf(stderr, " %02x", x->p[i]);
	fprintf(stderr, "%s\n", x->len > 96 ? " ..." : "");
}

REG_TUPLES_FN void
tuples_assert_equal(const struct tuples *a, const struct tuples *b, const char *file,
		    const char *what)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		if (tuple_cmp(&a->v[i], &b->v[i]) != 0) {
			fprintf(stderr, "%s: %s differs from the reader at entry %zu:\n", file, what, i);
			tuple_print("reader", &a->v[i]);
			tuple_print(what, &b->v[i]);
			ck_abort_msg("%s: %s differs from the reader", file, what);
		}
	}
	ck_assert_msg(a->n == b->n, "%s: reader has %zu entries, %s %zu", file, a->n, what, b->n);
}

REG_TUPLES_FN void
tuples_free(struct tuples *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].p);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

#endif
