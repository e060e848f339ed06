/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The checker's walk of the key tree (see check.c): for every key its nk
 * fields, parent pointer, security and class cells, values and their data,
 * and its subkey list: structure (an ri holds only leaves), counts, lh
 * hashes and lf hints, and the order Windows binary-searches in (upper-cased
 * UTF-16, strictly ascending across all leaves of an ri, so no duplicates).
 * The max-length fields must be at least the real maxima: Windows sizes
 * enumeration buffers from them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hive-internal.h"

/* One entry of a subkey list, with where it came from. */
struct sub_ent {
	uint32_t child;
	uint32_t leaf;             /* the lf/lh/li cell */
	uint32_t hint;             /* lh hash or lf hint bytes (LE) */
	char type;                 /* 'f', 'h' or 'i' */
};

struct sub_vec {
	struct sub_ent *v;
	size_t n, cap;
};

/* Real maxima over the subkeys and values of one key. */
struct maxima {
	uint32_t name, cls, vname, vdata;
};

static void check_key(struct hive_chk *c, uint32_t off, uint32_t parent);

static int
vec_push(struct hive_chk *c, struct sub_vec *s, const struct sub_ent *e)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct sub_ent *nv = bk_realloc(s->v, ncap * sizeof(*nv));
		if (!nv)
			return c->err = -BK_ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = *e;
	return 0;
}

/* Entries of an lf/lh/li leaf. */
static void
read_leaf(struct hive_chk *c, uint32_t off, const struct bk_view *v, struct sub_vec *s)
{
	size_t stride = v->p[1] == 'i' ? 4 : 8, count = bk_le16(v->p + 2), i;
	struct sub_ent e;

	if (count * stride > v->len - 4) {
		hv_chk_report(c, HIVE_PROBLEM_LIST, off,
				"subkey list at 0x%x: %zu entries do not fit its cell", off, count);
		count = (v->len - 4) / stride;
	}
	if (s->n + count > HIVE_MAX_SUBKEYS) {
		hv_chk_report(c, HIVE_PROBLEM_LIST, off, "subkey list at 0x%x: over %u subkeys",
				off, HIVE_MAX_SUBKEYS);
		return;
	}
	for (i = 0; i < count && !c->err; i++) {
		e.child = bk_le32(v->p + 4 + i * stride);
		e.hint = stride == 8 ? bk_le32(v->p + 8 + i * stride) : 0;
		e.leaf = off;
		e.type = (char)v->p[1];
		vec_push(c, s, &e);
	}
}

static void
read_list(struct hive_chk *c, uint32_t off, bool in_ri, struct sub_vec *s)
{
	struct bk_view v;
	size_t count, i;

	if (!hv_chk_cell(c, HIVE_PROBLEM_LIST, off, 4, in_ri ? "ri entry" : "subkey list", &v) ||
	    !hv_chk_claim(c, off, "subkey list"))
		return;
	if (v.p[0] == 'l' && (v.p[1] == 'f' || v.p[1] == 'h' || v.p[1] == 'i')) {
		read_leaf(c, off, &v, s);
		return;
	}
	if (v.p[0] != 'r' || v.p[1] != 'i') {
		hv_chk_report(c, HIVE_PROBLEM_LIST, off, "cell at 0x%x is not a subkey list", off);
		return;
	}
	if (in_ri) {
		hv_chk_report(c, HIVE_PROBLEM_LIST, off, "ri list at 0x%x is inside another ri", off);
		return;
	}
	count = bk_le16(v.p + 2);
	if (count * 4 > v.len - 4) {
		hv_chk_report(c, HIVE_PROBLEM_LIST, off,
				"ri list at 0x%x: %zu entries do not fit its cell", off, count);
		count = (v.len - 4) / 4;
	}
	for (i = 0; i < count && !c->err; i++)
		read_list(c, bk_le32(v.p + 4 + 4 * i), true, s);
}

/*
 * The lf hint holds the first four characters of the name.  Windows converts
 * them through a code page (yarp-CompHive stores 0x81 for U+009F), so only
 * names whose first characters are ASCII, where every code page agrees, have
 * a hint that can be checked.  Returns false for the others.
 */
static bool
lf_hint(const uint16_t *u, size_t n, uint32_t *out)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < n && i < 4; i++) {
		if (u[i] >= 0x80)
			return false;
		b[i] = (uint8_t)u[i];
	}
	*out = bk_le32(b);
	return true;
}

static void
check_hint(struct hive_chk *c, const struct sub_ent *e, const uint16_t *u, size_t n)
{
	uint32_t want;

	if (e->type == 'h' && (want = hive_name_hash(u, n)) != e->hint)
		hv_chk_report(c, HIVE_PROBLEM_HASH, e->leaf,
				"lh list at 0x%x: hash of subkey at 0x%x is 0x%08x, should be 0x%08x",
				e->leaf, e->child, e->hint, want);
	if (e->type == 'f' && lf_hint(u, n, &want) && want != e->hint)
		hv_chk_report(c, HIVE_PROBLEM_HASH, e->leaf,
				"lf list at 0x%x: hint of subkey at 0x%x is 0x%08x, should be 0x%08x",
				e->leaf, e->child, e->hint, want);
}

/*
 * Every entry must be a key; names strictly ascending in Windows order.
 * Entries that are not keys are set to HIVE_NONE so they are not walked.
 */
static void
check_entries(struct hive_chk *c, uint32_t key, struct sub_vec *s, struct maxima *mx)
{
	uint16_t *prev = NULL, *u;
	size_t pn = 0, n, i;
	struct nk_rec nk;
	int cmp;

	for (i = 0; i < s->n && !c->err; i++) {
		struct sub_ent *e = &s->v[i];
		if (hv_nk_read(c->h, e->child, &nk) < 0) {
			hv_chk_report(c, HIVE_PROBLEM_LIST, e->leaf,
					"subkey list at 0x%x: entry %zu (0x%x) is not a valid key",
					e->leaf, i, e->child);
			e->child = HIVE_NONE;
			continue;
		}
		if (hv_raw_name_utf16(c->h, nk.name, nk.name_len, nk.flags & NK_COMP_NAME, &u, &n) < 0) {
			c->err = -BK_ENOMEM;
			break;
		}
		check_hint(c, e, u, n);
		if (prev && (cmp = hive_name_cmp(prev, pn, u, n)) >= 0)
			hv_chk_report(c, cmp ? HIVE_PROBLEM_ORDER : HIVE_PROBLEM_DUPLICATE, e->leaf,
					cmp ? "subkey list at 0x%x: entry %zu (0x%x) sorts before the entry ahead of it"
					    : "subkey list at 0x%x: entry %zu (0x%x) has the same name as the entry ahead of it",
					e->leaf, i, e->child);
		bk_free(prev);
		prev = u;
		pn = n;
		n = nk.flags & NK_COMP_NAME ? 2u * nk.name_len : nk.name_len;
		if (n > mx->name)
			mx->name = (uint32_t)n;
		if (nk.class_len > mx->cls)
			mx->cls = nk.class_len;
	}
	bk_free(prev);
	(void)key;
}

/* Data of one value: inline, one cell, or big data (db) in minor >= 4. */
static void
check_data(struct hive_chk *c, const struct vk_rec *vk)
{
	uint32_t len = vk->data_len, nseg, need, i, left;
	struct bk_view v, list, seg;

	if (vk->inline_data) {
		if (len > 4)
			hv_chk_report(c, HIVE_PROBLEM_VALUE, vk->off,
					"value at 0x%x: inline data of %u bytes (at most 4)", vk->off, len);
		return;
	}
	if (len == 0)
		return;
	if (!hv_chk_cell(c, HIVE_PROBLEM_VALUE, vk->data_off, c->h->base.minor >= 4 &&
			   len >= HIVE_BIG_DATA_MIN ? 8 : len, "value data", &v) ||
	    !hv_chk_claim(c, vk->data_off, "value data"))
		return;
	if (c->h->base.minor < 4 || len < HIVE_BIG_DATA_MIN)
		return;
	if (memcmp(v.p, "db", 2) != 0) {
		hv_chk_report(c, HIVE_PROBLEM_VALUE, vk->off,
				"value at 0x%x: %u bytes in one cell; Windows reads data over %u bytes as big data (db)",
				vk->off, len, HIVE_DB_SEGMENT);
		return;
	}
	nseg = bk_le16(v.p + 2);
	need = (len + HIVE_DB_SEGMENT - 1) / HIVE_DB_SEGMENT;
	if (nseg != need)
		hv_chk_report(c, HIVE_PROBLEM_VALUE, vk->data_off,
				"big data at 0x%x has %u segments; %u bytes need %u",
				vk->data_off, nseg, len, need);
	if (!hv_chk_cell(c, HIVE_PROBLEM_VALUE, bk_le32(v.p + 4), 4u * nseg, "segment list", &list) ||
	    !hv_chk_claim(c, bk_le32(v.p + 4), "segment list"))
		return;
	for (i = 0, left = len; i < nseg && !c->stop; i++) {
		uint32_t take = left < HIVE_DB_SEGMENT ? left : HIVE_DB_SEGMENT;
		if (hv_chk_cell(c, HIVE_PROBLEM_VALUE, bk_le32(list.p + 4 * i), take,
				  "big data segment", &seg))
			hv_chk_claim(c, bk_le32(list.p + 4 * i), "big data segment");
		left -= take;
	}
}

static int
cmp_names(const void *a, const void *b)
{
	const uint16_t *const *x = a, *const *y = b;

	return hive_name_cmp(*x + 1, (*x)[0], *y + 1, (*y)[0]);
}

/* Names stored as [len, units...] so they can be sorted to find duplicates. */
static void
check_value_dups(struct hive_chk *c, const struct nk_rec *nk, uint16_t **names, size_t n)
{
	size_t i;

	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 1; i < n; i++)
		if (cmp_names(&names[i - 1], &names[i]) == 0)
			hv_chk_report(c, HIVE_PROBLEM_DUPLICATE, nk->value_list,
					"value list at 0x%x holds two values of the same name",
					nk->value_list);
}

static uint16_t *
value_name(struct hive_chk *c, const struct vk_rec *vk)
{
	uint16_t *u, *r;
	size_t n;

	if (hv_raw_name_utf16(c->h, vk->name, vk->name_len, vk->flags & VK_COMP_NAME, &u, &n) < 0)
		return NULL;
	r = bk_malloc((n + 1) * sizeof(*r));
	if (r) {
		r[0] = (uint16_t)n;    /* a vk name length is 16 bits */
		memcpy(r + 1, u, n * sizeof(*u));
	}
	bk_free(u);
	return r;
}

static void
check_values(struct hive_chk *c, const struct nk_rec *nk, struct maxima *mx)
{
	uint16_t **names;
	struct vk_rec vk;
	struct bk_view v;
	size_t i, nn = 0;

	if (nk->value_count == 0)
		return;
	if (nk->value_count > HIVE_MAX_VALUES) {
		hv_chk_report(c, HIVE_PROBLEM_VALUE, nk->off, "key at 0x%x: %u values (limit %u)",
				nk->off, nk->value_count, HIVE_MAX_VALUES);
		return;
	}
	if (!hv_chk_cell(c, HIVE_PROBLEM_VALUE, nk->value_list, 4u * nk->value_count,
			   "value list", &v) || !hv_chk_claim(c, nk->value_list, "value list"))
		return;
	names = bk_calloc(nk->value_count, sizeof(*names));
	if (!names) {
		c->err = -BK_ENOMEM;
		return;
	}
	for (i = 0; i < nk->value_count && !c->err && !c->stop; i++) {
		uint32_t off = bk_le32(v.p + 4 * i);
		if (hv_vk_read(c->h, off, &vk) < 0) {
			hv_chk_report(c, HIVE_PROBLEM_VALUE, nk->value_list,
					"value list at 0x%x: entry %zu (0x%x): %s", nk->value_list, i,
					off, strchr(c->h->err.msg, ':') ? strchr(c->h->err.msg, ':') + 2 : c->h->err.msg);
			continue;
		}
		if (!hv_chk_claim(c, off, "value"))
			continue;
		check_data(c, &vk);
		if (!(names[nn] = value_name(c, &vk))) {
			c->err = -BK_ENOMEM;
			break;
		}
		nn++;
		if ((vk.flags & VK_COMP_NAME ? 2u : 1u) * vk.name_len > mx->vname)
			mx->vname = (vk.flags & VK_COMP_NAME ? 2u : 1u) * vk.name_len;
		if (vk.data_len > mx->vdata)
			mx->vdata = vk.data_len;
	}
	if (!c->err)
		check_value_dups(c, nk, names, nn);
	for (i = 0; i < nn; i++)
		bk_free(names[i]);
	bk_free(names);
}

static void
check_maxima(struct hive_chk *c, const struct nk_rec *nk, const struct maxima *mx)
{
	static const char *const what[] = {
		"largest subkey name", "largest subkey class name",
		"largest value name", "largest value data",
	};
	/* Vista and later keep flags in the upper half of the subkey name field. */
	uint32_t stored[4] = { nk->max_name & 0xFFFF, nk->max_class, nk->max_vname, nk->max_vdata };
	uint32_t real[4] = { mx->name, mx->cls, mx->vname, mx->vdata };
	int i;

	for (i = 0; i < 4; i++)
		if (stored[i] < real[i])
			hv_chk_report(c, HIVE_PROBLEM_MAXLEN, nk->off,
					"key at 0x%x: %s field is %u, the real maximum is %u",
					nk->off, what[i], stored[i], real[i]);
}

/* The nk record itself: name, flags, parent, security, class. */
static void
check_nk_fields(struct hive_chk *c, const struct nk_rec *nk, uint32_t parent)
{
	size_t chars = nk->flags & NK_COMP_NAME ? nk->name_len : nk->name_len / 2u;
	struct bk_view v;

	if (nk->name_len == 0 && parent != HIVE_NONE)
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off, "key at 0x%x has an empty name", nk->off);
	if (!(nk->flags & NK_COMP_NAME) && nk->name_len % 2)
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off,
				"key at 0x%x: UTF-16 name of odd length %u", nk->off, nk->name_len);
	if (chars > HIVE_CHECK_MAX_NAME_CHARS)
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off, "key at 0x%x: name of %zu characters (limit %u)",
				nk->off, chars, HIVE_CHECK_MAX_NAME_CHARS);
	if (parent == HIVE_NONE && !(nk->flags & NK_HIVE_ENTRY))
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off, "root key at 0x%x lacks the hive entry flag",
				nk->off);
	if (parent != HIVE_NONE && (nk->flags & NK_HIVE_ENTRY))
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off, "key at 0x%x has the hive entry (root) flag",
				nk->off);
	if (parent != HIVE_NONE && nk->parent != parent)
		hv_chk_report(c, HIVE_PROBLEM_KEY, nk->off,
				"key at 0x%x: parent pointer is 0x%x, but it is a subkey of 0x%x",
				nk->off, nk->parent, parent);
	if (hv_chk_cell(c, HIVE_PROBLEM_SECURITY, nk->sk, HIVE_SK_FIXED, "security (sk)", &v)) {
		if (memcmp(v.p, "sk", 2) != 0)
			hv_chk_report(c, HIVE_PROBLEM_SECURITY, nk->off,
					"key at 0x%x: security offset 0x%x is not an sk cell", nk->off, nk->sk);
		else
			hv_chk_sk_ref(c, nk->sk);
	}
	if (nk->class_len && hv_chk_cell(c, HIVE_PROBLEM_CLASS, nk->class_off, nk->class_len,
					   "class name", &v))
		hv_chk_claim(c, nk->class_off, "class name");
}

static void
check_subkeys(struct hive_chk *c, const struct nk_rec *nk, struct maxima *mx)
{
	struct sub_vec s = { NULL, 0, 0 };
	size_t i;

	if (nk->subkey_count)
		read_list(c, nk->subkey_list, false, &s);
	if (!c->err && s.n != nk->subkey_count)
		hv_chk_report(c, HIVE_PROBLEM_LIST, nk->off,
				"key at 0x%x says it has %u subkeys, its list holds %zu",
				nk->off, nk->subkey_count, s.n);
	check_entries(c, nk->off, &s, mx);
	check_maxima(c, nk, mx);
	for (i = 0; i < s.n && !c->err && !c->stop; i++)
		if (s.v[i].child != HIVE_NONE)
			check_key(c, s.v[i].child, nk->off);
	bk_free(s.v);
}

static void
check_key(struct hive_chk *c, uint32_t off, uint32_t parent)
{
	struct maxima mx = { 0, 0, 0, 0 };
	struct nk_rec nk;

	if (c->depth + 1 > HIVE_MAX_DEPTH) {
		hv_chk_report(c, HIVE_PROBLEM_KEY, off, "keys nested deeper than %d", HIVE_MAX_DEPTH);
		return;
	}
	if (hv_nk_read(c->h, off, &nk) < 0) {
		hv_chk_report(c, HIVE_PROBLEM_KEY, off, "key at 0x%x: %s", off,
				strchr(c->h->err.msg, ':') ? strchr(c->h->err.msg, ':') + 2 : c->h->err.msg);
		return;
	}
	if (!hv_chk_claim(c, off, "key"))
		return;
	c->stack[++c->depth] = off;
	check_nk_fields(c, &nk, parent);
	check_values(c, &nk, &mx);
	check_subkeys(c, &nk, &mx);
	c->depth--;
}

void
hv_chk_keys(struct hive_chk *c)
{
	c->depth = -1;
	check_key(c, c->h->base.root_offset, HIVE_NONE);
	c->depth = -1;
}
