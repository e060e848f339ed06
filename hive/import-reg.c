/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Merge a .reg file into a hive: parse it (regparse.c), check the
 * operations against the write side's limits and apply them through the
 * public edit calls, all inside one write-side edit whose undo journal
 * restores the hive if anything fails, a syntax error at the very end of
 * the file included.  An import is therefore all or nothing, in memory as
 * on disk.  The text is read and applied in batches (of a few MiB of names
 * and data), so memory does not grow with the size of the .reg file: it
 * stays near the size of the hive being built.
 *
 * Applying is fast for files in regedit order (each key right after its
 * parent): the handles of the last key path are kept, so a new [key] only
 * walks from where it differs from the previous one.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

struct applier {
	struct hive *h;
	const struct reg_script *s;
	struct hive_import_report *rep;
	hive_key_t cur;            /* key of the open [key] section */
	bool failed;               /* an operation failed (its line is in rep) */
	/* The previous key path, kept across batches: its components (length,
	 * units) in pu, where each starts, and their keys. */
	uint16_t *pu;
	size_t pu_cap;
	size_t ncache;
	size_t comp[HIVE_MAX_DEPTH + 1];
	hive_key_t key[HIVE_MAX_DEPTH + 1];
};

/* Remember component depth (units u[0] long, after it) of the current path. */
static int
cache_comp(struct applier *a, size_t depth, const uint16_t *u)
{
	size_t at = depth ? a->comp[depth - 1] + 1u + a->pu[a->comp[depth - 1]] : 0;
	size_t need = at + 1u + u[0];

	if (need > a->pu_cap) {
		size_t cap = a->pu_cap ? a->pu_cap * 2 : 1024;
		uint16_t *p;
		while (cap < need)
			cap *= 2;
		if (!(p = bk_realloc(a->pu, cap * sizeof(*p))))
			return hv_error(a->h, BK_ENOMEM, "out of memory");
		a->pu = p;
		a->pu_cap = cap;
	}
	memcpy(a->pu + at, u, (1u + u[0]) * sizeof(*u));
	a->comp[depth] = at;
	return 0;
}

static int
at_line(struct hive *h, const struct reg_op *op, int rc)
{
	const char *src = h->err.msg[0] ? h->err.msg : bk_strerror(rc);
	char detail[BK_ERRMSG_MAX - 40];
	size_t n = strlen(src);

	/* The detail is copied first: bk_err() rewrites the buffer it comes from. */
	if (n >= sizeof(detail))
		n = sizeof(detail) - 1;
	memcpy(detail, src, n);
	detail[n] = '\0';
	return bk_err(&h->err, -rc, "line %u: %s", op->line, detail);
}

/* A key name may not hold a backslash ("{U+005C}" in the text): the write
 * side refuses it, so it must be caught before anything is applied. */
static bool
path_has_backslash(const struct reg_script *s, const struct reg_op *op)
{
	size_t off, k;

	for (off = op->name; off < op->name + op->name_len; off += 1u + s->units[off])
		for (k = 0; k < s->units[off]; k++)
			if (s->units[off + 1 + k] == '\\')
				return true;
	return false;
}

/* Every operation must pass the write side's limits before anything is done. */
static int
validate(struct hive *h, const struct reg_script *s, struct hive_import_report *rep)
{
	size_t i;

	for (i = 0; i < s->nops; i++) {
		const struct reg_op *op = &s->ops[i];

		if (op->kind == REG_OP_KEY && path_has_backslash(s, op)) {
			rep->error_line = op->line;
			return bk_err(&h->err, BK_ESYNTAX,
				      "line %u: a key name cannot contain '\\' ({U+005C})",
				      op->line);
		}

		if (op->kind == REG_OP_SET_VALUE && op->data_len > HIVE_MAX_DATA) {
			rep->error_line = op->line;
			return bk_err(&h->err, BK_ETOOBIG,
				      "line %u: value data of %zu bytes is over the limit of %u",
				      op->line, op->data_len, HIVE_MAX_DATA);
		}
		if ((op->kind == REG_OP_SET_VALUE || op->kind == REG_OP_DELETE_VALUE) &&
		    op->name_len > HIVE_VALUE_NAME_MAX) {
			rep->error_line = op->line;
			return bk_err(&h->err, BK_ESYNTAX, "line %u: value name too long",
				      op->line);
		}
	}
	return 0;
}

/* [path]: reuse the handles shared with the previous path, add the rest. */
static int
open_key(struct applier *a, const struct reg_op *op)
{
	const uint16_t *u = a->s->units;
	size_t off = op->name, end = op->name + op->name_len, depth = 0;
	hive_key_t parent = a->h->base.root_offset, k;
	int rc;

	for (; off < end; off += 1u + u[off], depth++) {
		if (depth < a->ncache) {
			const uint16_t *c = a->pu + a->comp[depth];
			if (hive_name_cmp(c + 1, c[0], u + off + 1, u[off]) == 0) {
				parent = a->key[depth];
				continue;
			}
			a->ncache = depth;
		}
		rc = hive_key_add_utf16(a->h, parent, u + off + 1, u[off], &k);
		if (rc < 0 && rc != -BK_EEXIST)
			return at_line(a->h, op, rc);
		if ((rc = cache_comp(a, depth, u + off)) < 0)
			return at_line(a->h, op, rc);
		a->key[depth] = k;
		a->ncache = depth + 1;
		parent = k;
	}
	if (depth < a->ncache)
		a->ncache = depth;
	a->cur = parent;
	a->rep->keys++;
	return 0;
}

/* Units to the API's escaped UTF-8 (for the calls that only take that). */
static int
name_utf8(struct hive *h, const uint16_t *u, size_t n, char **out)
{
	if (hive_name_from_utf16(u, n, 0, out) < 0)
		return hv_error(h, BK_ENOMEM, "out of memory");
	return 0;
}

/* [-path]: delete the key and its subtree; a key that is not there is no error
 * (regedit behaves the same way). */
static int
delete_key(struct applier *a, const struct reg_op *op)
{
	const uint16_t *u = a->s->units;
	size_t off = op->name, end = op->name + op->name_len;
	hive_key_t k = a->h->base.root_offset;
	char *name;
	int rc;

	for (; off < end; off += 1u + u[off]) {
		if ((rc = name_utf8(a->h, u + off + 1, u[off], &name)) < 0)
			return at_line(a->h, op, rc);
		rc = hive_key_child(a->h, k, name, &k);
		bk_free(name);
		if (rc == -BK_ENOTFOUND)
			goto done;
		if (rc < 0)
			return at_line(a->h, op, rc);
	}
	if ((rc = hive_key_delete(a->h, k, 1)) < 0)
		return at_line(a->h, op, rc);
	a->rep->keys_deleted++;
done:
	/* Handles below a deleted key are gone: forget the cached path. */
	a->ncache = 0;
	a->cur = 0;
	return 0;
}

static int
apply_op(struct applier *a, const struct reg_op *op)
{
	const struct reg_script *s = a->s;
	char *name;
	int rc;

	switch (op->kind) {
	case REG_OP_KEY:
		return open_key(a, op);
	case REG_OP_DELETE_KEY:
		return delete_key(a, op);
	case REG_OP_SET_VALUE:
		rc = hive_value_set_utf16(a->h, a->cur, s->units + op->name, op->name_len, op->type,
					  s->bytes + op->data, op->data_len, NULL);
		if (rc < 0)
			return at_line(a->h, op, rc);
		a->rep->values_set++;
		return 0;
	case REG_OP_DELETE_VALUE:
		/* The UTF-8 API reads "@" as the default value: a value really
		 * named "@" is passed as its escape. */
		if (op->name_len == 1 && s->units[op->name] == '@')
			rc = hive_value_delete(a->h, a->cur, "{U+0040}");
		else if ((rc = name_utf8(a->h, s->units + op->name, op->name_len, &name)) == 0) {
			rc = hive_value_delete(a->h, a->cur, name);
			bk_free(name);
		} else {
			return at_line(a->h, op, rc);
		}
		if (rc == 0)
			a->rep->values_deleted++;
		return rc < 0 && rc != -BK_ENOTFOUND ? at_line(a->h, op, rc) : 0;
	}
	return bk_err(&a->h->err, BK_EINVAL, "line %u: unknown operation", op->line);
}

/* One batch of parsed operations: check them all, then apply them. */
static int
apply_batch(void *data, const struct reg_script *s)
{
	struct applier *a = data;
	size_t i;
	int rc;

	a->s = s;
	if ((rc = validate(a->h, s, a->rep)) < 0) {
		a->failed = true;
		return rc;
	}
	for (i = 0; i < s->nops; i++) {
		if ((rc = apply_op(a, &s->ops[i])) < 0) {
			a->rep->error_line = s->ops[i].line;
			a->failed = true;
			return rc;
		}
	}
	return 0;
}

int
hive_import_reg_stream(hive_t *h, hive_read_fn read, void *data, const char *prefix,
		       struct hive_import_report *rep)
{
	struct hive_import_report dummy;
	struct reg_script s;
	struct applier *a;
	unsigned long eline = 0;
	int rc;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	memset(&s, 0, sizeof(s));
	bk_err_clear(&h->err);
	a = bk_calloc(1, sizeof(*a));
	if (!a)
		return hv_error(h, BK_ENOMEM, "out of memory");
	a->h = h;
	a->rep = rep;
	/*
	 * One edit for the whole file: the write side's undo journal then holds
	 * every byte changed, and a failure part way (a syntax error in a later
	 * batch, no space, no memory) puts them all back, so the hive is never
	 * left half imported.
	 */
	if ((rc = hw_begin(h)) == 0) {
		rc = reg_parse_stream(&h->err, read, data, prefix, hv_reg_codepage(h), &s, &eline,
				      apply_batch, a);
		rc = hw_end(h, rc);
	}
	rep->lines = s.lines;
	if (rc < 0 && !a->failed)
		rep->error_line = eline;
	if (rc < 0)
		rep->keys = rep->keys_deleted = rep->values_set = rep->values_deleted = 0;
	bk_free(a->pu);
	bk_free(a);
	reg_script_free(&s);
	return rc;
}

int
hive_import_reg(hive_t *h, const void *text, size_t len, const char *prefix,
		struct hive_import_report *rep)
{
	struct reg_mem m = { text, len, 0 };

	return hive_import_reg_stream(h, reg_mem_read, &m, prefix, rep);
}
