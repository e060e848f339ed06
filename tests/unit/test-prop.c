/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Property test of the write side.  Random sequences of edits (keys with
 * ASCII, Latin-1 and other names; values of 0 bytes to 1 MB, over 16344
 * included; value and key deletes; subtree copies) run on new hives and on
 * copies of corpus hives, against a model kept in memory.  After every
 * sequence the hive is committed, reopened, checked with hive_check(),
 * compared with the model, opened with libhivex (when built with it), and
 * every few commits read by regfexport and reglookup when installed.
 *
 * BK_PROP_SEQS (default 1000) sets the number of sequences, BK_PROP_SEED the
 * random seed (printed, so a failure can be replayed).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef PROP_HIVEX
#include <hivex.h>
#endif

#include "bk-check.h"
#include "bk-atomic.h"
#include "hive-internal.h"
#include "test-hive-open.h"

#define PROP_EXTERNAL_EVERY 40      /* run regfexport/reglookup every N commits */

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

/* ---- the model --------------------------------------------------------------- */

struct mval {
	uint16_t *name;
	size_t n;
	uint32_t type;
	uint8_t *data;
	size_t len;
};

struct mkey {
	hive_key_t h;
	uint16_t *name;
	size_t n;
	struct mkey **kids;
	size_t nkids;
	struct mval *vals;
	size_t nvals;
	struct mkey *parent;
};

static uint16_t *
units_dup(const uint16_t *u, size_t n)
{
	uint16_t *d = malloc((n + 1) * sizeof(*d));

	memcpy(d, u, n * sizeof(*d));
	return d;
}

static void
mkey_free(struct mkey *k)
{
	size_t i;

	for (i = 0; i < k->nkids; i++)
		mkey_free(k->kids[i]);
	for (i = 0; i < k->nvals; i++) {
		free(k->vals[i].name);
		free(k->vals[i].data);
	}
	free(k->kids);
	free(k->vals);
	free(k->name);
	free(k);
}

static struct mkey *
mkey_new(struct mkey *parent, hive_key_t h, const uint16_t *u, size_t n)
{
	struct mkey *k = calloc(1, sizeof(*k));

	k->h = h;
	k->name = units_dup(u, n);
	k->n = n;
	k->parent = parent;
	if (parent) {
		parent->kids = realloc(parent->kids, (parent->nkids + 1) * sizeof(*parent->kids));
		parent->kids[parent->nkids++] = k;
	}
	return k;
}

static void
mval_set(struct mkey *k, const uint16_t *u, size_t n, uint32_t type, const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i < k->nvals; i++)
		if (hive_name_cmp(k->vals[i].name, k->vals[i].n, u, n) == 0)
			break;
	if (i == k->nvals) {
		k->vals = realloc(k->vals, (k->nvals + 1) * sizeof(*k->vals));
		k->vals[k->nvals].name = units_dup(u, n);
		k->vals[k->nvals].n = n;
		k->nvals++;
	} else {
		free(k->vals[i].data);
	}
	k->vals[i].type = type;
	k->vals[i].data = malloc(len + 1);
	memcpy(k->vals[i].data, d, len);
	k->vals[i].len = len;
}

/* Load the model of an existing hive's tree. */
static struct mkey *
model_load(hive_t *h, struct mkey *parent, hive_key_t key)
{
	uint16_t *u;
	size_t n, i, cnt;
	hive_key_t *subs;
	hive_value_t *vals;
	struct mkey *k;

	bk_assert_ok(h, hive_key_name_utf16(h, key, &u, &n));
	k = mkey_new(parent, key, u, n);
	free(u);
	bk_assert_ok(h, hive_key_values(h, key, &vals, &cnt));
	for (i = 0; i < cnt; i++) {
		uint32_t type;
		uint8_t *d;
		size_t len;
		bk_assert_ok(h, hive_value_name_utf16(h, vals[i], &u, &n));
		bk_assert_ok(h, hive_value_type(h, vals[i], &type));
		bk_assert_ok(h, hive_value_data(h, vals[i], &d, &len));
		mval_set(k, u, n, type, d, len);
		free(u);
		free(d);
	}
	free(vals);
	bk_assert_ok(h, hive_key_subkeys(h, key, &subs, &cnt));
	for (i = 0; i < cnt; i++)
		model_load(h, k, subs[i]);
	free(subs);
	return k;
}

/* Collect every model key (pre-order). */
static void
collect(struct mkey *k, struct mkey ***all, size_t *n)
{
	size_t i;

	*all = realloc(*all, (*n + 1) * sizeof(**all));
	(*all)[(*n)++] = k;
	for (i = 0; i < k->nkids; i++)
		collect(k->kids[i], all, n);
}

static int
cmp_mkey(const void *a, const void *b)
{
	const struct mkey *x = *(struct mkey *const *)a, *y = *(struct mkey *const *)b;

	return hive_name_cmp(x->name, x->n, y->name, y->n);
}

/* Compare hive and model; counts keys and values. */
static void
compare(hive_t *h, hive_key_t key, struct mkey *k, size_t *nk, size_t *nv)
{
	hive_key_t *subs;
	hive_value_t *vals;
	size_t n, i, un;
	uint16_t *u;

	(*nk)++;
	bk_assert_ok(h, hive_key_name_utf16(h, key, &u, &un));
	ck_assert(un == k->n && memcmp(u, k->name, un * 2) == 0);
	free(u);
	bk_assert_ok(h, hive_key_values(h, key, &vals, &n));
	ck_assert_uint_eq(n, k->nvals);
	for (i = 0; i < n; i++) {
		uint8_t *d;
		size_t len;
		uint32_t type;
		bk_assert_ok(h, hive_value_name_utf16(h, vals[i], &u, &un));
		ck_assert(un == k->vals[i].n && memcmp(u, k->vals[i].name, un * 2) == 0);
		free(u);
		bk_assert_ok(h, hive_value_type(h, vals[i], &type));
		ck_assert_uint_eq(type, k->vals[i].type);
		bk_assert_ok(h, hive_value_data(h, vals[i], &d, &len));
		ck_assert_uint_eq(len, k->vals[i].len);
		ck_assert(len == 0 || memcmp(d, k->vals[i].data, len) == 0);
		free(d);
		(*nv)++;
	}
	free(vals);
	bk_assert_ok(h, hive_key_subkeys(h, key, &subs, &n));
	ck_assert_uint_eq(n, k->nkids);
	if (k->nkids)	/* a leaf has no array: qsort(NULL, 0) is undefined */
		qsort(k->kids, k->nkids, sizeof(*k->kids), cmp_mkey);
	for (i = 0; i < n; i++)
		compare(h, subs[i], k->kids[i], nk, nv);
	free(subs);
}

/* ---- random edits ------------------------------------------------------------ */

static size_t
rand_name(uint16_t *u, bool key)
{
	size_t n = 1 + rnd(12), i;
	unsigned style = rnd(3);

	if (!key && rnd(10) == 0)
		return 0;       /* the default value */
	for (i = 0; i < n; i++) {
		uint16_t c = (uint16_t)('a' + rnd(26));
		if (rnd(4) == 0)
			c = (uint16_t)('A' + rnd(26));
		if (style == 1 && rnd(3) == 0)
			c = (uint16_t)(0xC0 + rnd(0x40));          /* Latin-1 letters */
		if (style == 2 && rnd(3) == 0)
			c = (uint16_t)(rnd(2) ? 0x391 + rnd(25) : 0x4E00 + rnd(200));
		u[i] = c;
	}
	return n;
}

static size_t
rand_len(void)
{
	switch (rnd(20)) {
	case 0: return 0;
	case 1: return 16344 + rnd(3);
	case 2: return 16000 + rnd(40000);
	case 3: return rnd(50) == 0 ? 1000000 : 5000 + rnd(5000);
	default: return rnd(5) == 0 ? rnd(5) : rnd(300);
	}
}

static struct mkey *
pick(struct mkey *root)
{
	struct mkey **all = NULL, *k;
	size_t n = 0;

	collect(root, &all, &n);
	k = all[rnd((uint32_t)n)];
	free(all);
	return k;
}

static bool
has_kid(struct mkey *p, const uint16_t *u, size_t n)
{
	size_t i;

	for (i = 0; i < p->nkids; i++)
		if (hive_name_cmp(p->kids[i]->name, p->kids[i]->n, u, n) == 0)
			return true;
	return false;
}

static void
detach(struct mkey *k)
{
	struct mkey *p = k->parent;
	size_t i;

	for (i = 0; i < p->nkids; i++)
		if (p->kids[i] == k) {
			p->kids[i] = p->kids[--p->nkids];
			break;
		}
	mkey_free(k);
}

static struct mkey *
model_copy(struct mkey *parent, struct mkey *src, hive_key_t h, const uint16_t *u, size_t n)
{
	struct mkey *k = mkey_new(parent, h, u, n);
	size_t i;

	for (i = 0; i < src->nvals; i++)
		mval_set(k, src->vals[i].name, src->vals[i].n, src->vals[i].type, src->vals[i].data,
			 src->vals[i].len);
	for (i = 0; i < src->nkids; i++)
		model_copy(k, src->kids[i], 0, src->kids[i]->name, src->kids[i]->n);
	return k;
}

/* Give copied model keys their hive handles by name lookup. */
static void
bind_handles(hive_t *h, struct mkey *k)
{
	size_t i;

	for (i = 0; i < k->nkids; i++) {
		struct nk_rec nk;
		if (!k->kids[i]->h) {
			bk_assert_ok(h, hv_nk_read(h, k->h, &nk));
			bk_assert_ok(h, hv_list_lookup(h, &nk, k->kids[i]->name, k->kids[i]->n,
							 &k->kids[i]->h));
		}
		bind_handles(h, k->kids[i]);
	}
}

static bool
is_under(struct mkey *k, struct mkey *anc)
{
	for (; k; k = k->parent)
		if (k == anc)
			return true;
	return false;
}

static void
one_op(hive_t *h, struct mkey *root)
{
	static uint8_t data[1000000];
	uint16_t u[16];
	size_t n, len, i;
	struct mkey *k = pick(root), *s;
	hive_key_t out;
	int rc;

	switch (rnd(10)) {
	case 0: case 1: case 2:
		n = rand_name(u, true);
		rc = hive_key_add_utf16(h, k->h, u, n, &out);
		if (has_kid(k, u, n)) {
			ck_assert_int_eq(rc, -BK_EEXIST);
		} else {
			ck_assert_msg(rc == 0, "add: %s", hive_last_error(h));
			mkey_new(k, out, u, n);
		}
		break;
	case 3: case 4: case 5: case 6:
		n = rand_name(u, false);
		len = rand_len();
		for (i = 0; i < len; i++)
			data[i] = (uint8_t)rnd(256);
		{
			uint32_t type = rnd(3) ? rnd(12) : (uint32_t)(rng_state >> 7);
			rc = hive_value_set_utf16(h, k->h, u, n, type, data, len, NULL);
			ck_assert_msg(rc == 0, "set: %s", hive_last_error(h));
			mval_set(k, u, n, type, data, len);
		}
		break;
	case 7:
		if (!k->nvals)
			break;
		i = rnd((uint32_t)k->nvals);
		{
			char *nm;
			bk_assert_ok_plain(hive_name_from_utf16(k->vals[i].name, k->vals[i].n, 0, &nm));
			bk_assert_ok(h, hive_value_delete(h, k->h, k->vals[i].n ? nm : ""));
			free(nm);
		}
		free(k->vals[i].name);
		free(k->vals[i].data);
		memmove(&k->vals[i], &k->vals[i + 1], (k->nvals - i - 1) * sizeof(*k->vals));
		k->nvals--;
		break;
	case 8:
		if (k == root)
			break;
		bk_assert_ok(h, hive_key_delete(h, k->h, 1));
		detach(k);
		break;
	default:
		s = pick(root);
		if (s == root || is_under(k, s))
			break;
		n = rand_name(u, true);
		{
			char *nm;
			bk_assert_ok_plain(hive_name_from_utf16(u, n, 0, &nm));
			rc = hive_key_copy(h, k->h, nm, h, s->h, &out);
			free(nm);
		}
		if (has_kid(k, u, n)) {
			ck_assert_int_eq(rc, -BK_EEXIST);
			break;
		}
		ck_assert_msg(rc == 0, "copy: %s", hive_last_error(h));
		bind_handles(h, model_copy(k, s, out, u, n)->parent);
		break;
	}
}

/* ---- verification ---------------------------------------------------------- */

#ifdef PROP_HIVEX
static void
hivex_count(hive_h *x, hive_node_h node, size_t *nk, size_t *nv)
{
	hive_node_h *kids = hivex_node_children(x, node);
	hive_value_h *vals = hivex_node_values(x, node);
	size_t i;

	ck_assert_ptr_nonnull(kids);
	ck_assert_ptr_nonnull(vals);
	(*nk)++;
	for (i = 0; vals[i]; i++)
		(*nv)++;
	for (i = 0; kids[i]; i++)
		hivex_count(x, kids[i], nk, nv);
	free(kids);
	free(vals);
}
#endif

static int commits;

static void
verify(hive_t *h, struct mkey *root)
{
	char err[512], cmd[1200];
	hive_t *r;
	uint64_t probs = 1;
	size_t nk = 0, nv = 0;

	ck_assert_msg(hive_commit(h, 0) == 0, "commit: %s", hive_last_error(h));
	bk_assert_ok(err, th_open(&r, h->path, 0, err, sizeof(err)));
	bk_assert_ok(r, hive_check(r, NULL, NULL, &probs));
	ck_assert_msg(probs == 0, "%llu problems", (unsigned long long)probs);
	compare(r, r->base.root_offset, root, &nk, &nv);
	hive_close(r);
#ifdef PROP_HIVEX
	{
		hive_h *x = hivex_open(h->path, 0);
		size_t xk = 0, xv = 0;
		ck_assert_msg(x != NULL, "hivex cannot open %s", h->path);
		hivex_count(x, hivex_root(x), &xk, &xv);
		ck_assert_uint_eq(xk, nk);
		ck_assert_uint_eq(xv, nv);
		hivex_close(x);
	}
#endif
	if (++commits % PROP_EXTERNAL_EVERY == 0) {
		if (system("command -v regfexport >/dev/null 2>&1") == 0) {
			snprintf(cmd, sizeof(cmd), "regfexport '%s' >/dev/null 2>&1", h->path);
			ck_assert_msg(system(cmd) == 0, "regfexport failed on %s", h->path);
		}
		if (system("command -v reglookup >/dev/null 2>&1") == 0) {
			snprintf(cmd, sizeof(cmd), "reglookup '%s' >/dev/null 2>&1", h->path);
			ck_assert_msg(system(cmd) == 0, "reglookup failed on %s", h->path);
		}
	}
}

static const char *const corpus_hives[] = {
	"hive/hivex-minimal", "bcd/ms-build-BCDTemplate.HIV", "hive/win10mobile-DRIVERS",
	"hive/yarp-ManySubkeysHive", "bcd/win10-install-media-efi-bcd",
};

/* A working copy of a corpus hive, or NULL if absent or not clean. */
static hive_t *
open_corpus_copy(const char *rel, const char *dst)
{
	const char *dir = getenv("BK_CORPUS");
	char src[4096], err[512];
	struct bk_errbuf eb = { 0 };
	uint64_t probs = 1;
	hive_t *h;

	if (!dir)
		return NULL;
	snprintf(src, sizeof(src), "%s/%s", dir, rel);
	if (access(src, R_OK) != 0 || bk_atomic_copy(&eb, src, dst, 0) < 0)
		return NULL;
	chmod(dst, 0644);
	if (th_open(&h, dst, HIVE_OPEN_WRITE, err, sizeof(err)) < 0)
		return NULL;
	if (hive_check(h, NULL, NULL, &probs) < 0 || probs) {
		printf("%s: %llu checker problems as shipped, not used\n", rel,
		       (unsigned long long)probs);
		hive_close(h);
		return NULL;
	}
	return h;
}

START_TEST(test_prop)
{
	const char *e = getenv("BK_PROP_SEQS");
	long seqs = e ? atol(e) : 1000, s;
	char dir[] = "/tmp/bk-test-prop.XXXXXX", path[600], err[512];
	uint64_t seed = getenv("BK_PROP_SEED") ? strtoull(getenv("BK_PROP_SEED"), NULL, 0) : 0x5EED1234ull;

	rng_state = seed ? seed : 1;
	printf("property test: %ld sequences, seed 0x%llx\n", seqs, (unsigned long long)seed);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (s = 0; s < seqs; ) {
		unsigned pickh = rnd(4), minor = rnd(2) ? 3 : 5, rounds = 1 + rnd(6), i, r;
		hive_t *h = NULL;
		struct mkey *root;

		snprintf(path, sizeof(path), "%s/h%ld.hiv", dir, s);
		if (pickh == 0)
			h = open_corpus_copy(corpus_hives[rnd(5)], path);
		if (!h)
			bk_assert_ok(err, th_create(&h, path, rnd(2) ? "ROOT" : "Wurzel\xc3\xa4", minor,
						      err, sizeof(err)));
		root = model_load(h, NULL, h->base.root_offset);
		for (r = 0; r < rounds && s < seqs; r++, s++) {
			unsigned ops = 1 + rnd(30);
			for (i = 0; i < ops; i++)
				one_op(h, root);
			verify(h, root);
		}
		mkey_free(root);
		hive_close(h);
		unlink(path);
	}
	rmdir(dir);
}
END_TEST

static Suite *
prop_suite(void)
{
	Suite *s = suite_create("prop");
	TCase *tc = tcase_create("prop");

	tcase_set_timeout(tc, 600);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(prop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
