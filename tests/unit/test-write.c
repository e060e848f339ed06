/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hive write side: create, keys (sorted insertion, lh/lf, ri splits,
 * recursive delete), values (inline, cell, big data, in-place reuse),
 * class names, copies, diff, refusals, and all-or-nothing edits under
 * allocation failure.  Results are checked by reading back through the
 * reader and by hive_check() after a commit.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk-check.h"
#include "hive-internal.h"
#include "test-hive-open.h"
#include "test-tmpdir.h"

static char tmpdir[256];

static void
setup(void)
{
	test_mkdtemp(tmpdir, sizeof(tmpdir), "write");
}

static void
teardown(void)
{
	test_rmtree(tmpdir);
}

static const char *
tpath(const char *name)
{
	static char p[2][512];
	static int slot;

	slot ^= 1;
	snprintf(p[slot], sizeof(p[slot]), "%s/%s", tmpdir, name);
	return p[slot];
}

static hive_t *
new_hive(const char *name, unsigned minor)
{
	char err[512];
	hive_t *h;
	int rc = th_create(&h, tpath(name), "ROOT", minor, err, sizeof(err));

	ck_assert_msg(rc == 0, "create: %s", err);
	return h;
}

static int
count_cb(void *data, const struct hive_problem *p)
{
	(void)data;
	fprintf(stderr, "problem: %s\n", p->message);
	return 0;
}

/* Commit, reopen, and require a clean check; returns the reopened handle. */
static hive_t *
commit_reopen(hive_t *h)
{
	char err[512];
	uint64_t n = 99;
	hive_t *r;
	int rc = hive_commit(h, 0);

	ck_assert_msg(rc == 0, "commit: %s", hive_last_error(h));
	rc = th_open(&r, h->path, HIVE_OPEN_WRITE, err, sizeof(err));
	ck_assert_msg(rc == 0, "reopen: %s", err);
	bk_assert_ok(r, hive_check(r, count_cb, NULL, &n));
	ck_assert_msg(n == 0, "%llu problems after commit", (unsigned long long)n);
	return r;
}

static void
get_value(hive_t *h, hive_key_t k, const char *name, uint32_t *type, uint8_t **d, size_t *len)
{
	hive_value_t v;

	bk_assert_ok(h, hive_value_find(h, k, name, &v));
	bk_assert_ok(h, hive_value_type(h, v, type));
	bk_assert_ok(h, hive_value_data(h, v, d, len));
}

START_TEST(test_create)
{
	unsigned minors[] = { 3, 5 };
	size_t i;

	for (i = 0; i < 2; i++) {
		hive_t *h = new_hive("c.hiv", minors[i]), *r;
		struct hive_header hd;
		struct hive_key_info ki;
		hive_key_t root;
		char *name;

		r = commit_reopen(h);
		bk_assert_ok(r, hive_get_header(r, &hd));
		ck_assert_uint_eq(hd.minor, minors[i]);
		ck_assert_uint_eq(hd.seq1, hd.seq2);
		ck_assert_uint_eq(hd.checksum, hd.checksum_calc);
		ck_assert_uint_eq(hd.hbins_size, 4096);
		hive_root(r, &root);
		bk_assert_ok(r, hive_key_info(r, root, &ki));
		ck_assert_uint_eq(ki.flags, 0x2C);
		bk_assert_ok(r, hive_key_name(r, root, &name));
		ck_assert_str_eq(name, "ROOT");
		free(name);
		hive_close(h);
		hive_close(r);
	}
}
END_TEST

START_TEST(test_create_bad)
{
	char err[512];
	hive_t *h;

	ck_assert_int_eq(th_create(&h, tpath("x"), "a\\b", 5, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(th_create(&h, tpath("x"), "ok", 7, err, sizeof(err)), -BK_EINVAL);
}
END_TEST

START_TEST(test_hash)
{
	/* "Äpfel" upper-cased is ÄPFEL: hash 0x16246E2F (doc/hive-format-notes.md). */
	const uint16_t apfel[] = { 0xC4, 'p', 'f', 'e', 'l' };
	const uint16_t euro[] = { 0x20AC, 'u', 'r', 'o' };

	ck_assert_uint_eq(hive_name_hash(apfel, 5), 0x16246E2Fu);
	ck_assert_uint_eq(hive_name_hash(euro, 4), 0x19426332u);
}
END_TEST

/* Read the raw lh entry of a single-subkey key and check its hash. */
START_TEST(test_lh_written)
{
	hive_t *h = new_hive("lh.hiv", 5);
	hive_key_t root, k;
	struct nk_rec nk;
	struct bk_view v;

	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "Äpfel", &k));
	bk_assert_ok(h, hv_nk_read(h, root, &nk));
	bk_assert_ok(h, hv_cell(h, nk.subkey_list, 12, &v));
	ck_assert_int_eq(memcmp(v.p, "lh", 2), 0);
	ck_assert_uint_eq(bk_le32(v.p + 8), 0x16246E2Fu);
	/* Latin-1 name: stored compressed. */
	bk_assert_ok(h, hv_nk_read(h, k, &nk));
	ck_assert(nk.flags & NK_COMP_NAME);
	ck_assert_uint_eq(nk.name_len, 5);
	hive_close(h);

	h = new_hive("lf.hiv", 3);
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "€uro", &k));
	bk_assert_ok(h, hv_nk_read(h, k, &nk));
	ck_assert(!(nk.flags & NK_COMP_NAME));
	ck_assert_uint_eq(nk.name_len, 8);
	bk_assert_ok(h, hv_nk_read(h, root, &nk));
	bk_assert_ok(h, hv_cell(h, nk.subkey_list, 12, &v));
	ck_assert_int_eq(memcmp(v.p, "lf", 2), 0);
	hive_close(h);
}
END_TEST

static bool
sorted_ok(hive_t *h, hive_key_t k, size_t expect)
{
	hive_key_t *subs;
	size_t n, i;
	bool ok = true;

	bk_assert_ok(h, hive_key_subkeys(h, k, &subs, &n));
	ck_assert_uint_eq(n, expect);
	for (i = 1; i < n && ok; i++) {
		uint16_t *a, *b;
		size_t an, bn;
		hive_key_name_utf16(h, subs[i - 1], &a, &an);
		hive_key_name_utf16(h, subs[i], &b, &bn);
		ok = hive_name_cmp(a, an, b, bn) < 0;
		free(a);
		free(b);
	}
	free(subs);
	return ok;
}

START_TEST(test_many_subkeys)
{
	unsigned minors[] = { 3, 5 };
	size_t m;

	for (m = 0; m < 2; m++) {
		hive_t *h = new_hive("many.hiv", minors[m]), *r;
		hive_key_t root, big, k;
		struct nk_rec nk;
		struct bk_view v;
		char name[32];
		unsigned i;

		hive_root(h, &root);
		bk_assert_ok(h, hive_key_add(h, root, "big", &big));
		srand(7);
		for (i = 0; i < 3000; i++) {
			unsigned x = (i * 7919u) % 3000u;
			snprintf(name, sizeof(name), "%s%u", (x & 1) ? "Key" : "kEY_", x);
			bk_assert_ok(h, hive_key_add(h, big, name, &k));
		}
		ck_assert_int_eq(hive_key_add(h, big, "key7", &k), -BK_EEXIST);
		ck_assert(sorted_ok(h, big, 3000));
		bk_assert_ok(h, hv_nk_read(h, big, &nk));
		bk_assert_ok(h, hv_cell(h, nk.subkey_list, 4, &v));
		ck_assert_int_eq(memcmp(v.p, "ri", 2), 0);
		r = commit_reopen(h);
		hive_close(h);
		/* Delete every other key, then all: lists shrink and go away. */
		bk_assert_ok(r, hive_key_find(r, "big", &big));
		for (i = 0; i < 3000; i += 2) {
			unsigned x = (i * 7919u) % 3000u;
			snprintf(name, sizeof(name), "%s%u", (x & 1) ? "Key" : "kEY_", x);
			bk_assert_ok(r, hive_key_child(r, big, name, &k));
			bk_assert_ok(r, hive_key_delete(r, k, 0));
		}
		ck_assert(sorted_ok(r, big, 1500));
		h = commit_reopen(r);
		hive_close(r);
		bk_assert_ok(h, hive_key_find(h, "big", &big));
		ck_assert_int_eq(hive_key_delete(h, big, 0), -BK_ENOTEMPTY);
		bk_assert_ok(h, hive_key_delete(h, big, 1));
		ck_assert_int_eq(hive_key_find(h, "big", &big), -BK_ENOTFOUND);
		r = commit_reopen(h);
		hive_close(h);
		hive_close(r);
	}
}
END_TEST

START_TEST(test_values)
{
	unsigned minors[] = { 3, 5 };
	size_t m, sizes[] = { 0, 1, 4, 5, 100, 16344, 16345, 40000, 1000000 };

	for (m = 0; m < 2; m++) {
		hive_t *h = new_hive("v.hiv", minors[m]), *r;
		hive_key_t root, k;
		size_t i;

		hive_root(h, &root);
		bk_assert_ok(h, hive_key_create_path(h, "A\\B\\C", &k));
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *d = malloc(sizes[i] + 1);
			char name[16];
			size_t j;
			for (j = 0; j < sizes[i]; j++)
				d[j] = (uint8_t)(j * 31 + i);
			snprintf(name, sizeof(name), "v%zu", i);
			bk_assert_ok(h, hive_value_set(h, k, name, 0x1234 + (uint32_t)i, d, sizes[i]));
			free(d);
		}
		bk_assert_ok(h, hive_value_set(h, k, "@", HIVE_REG_SZ, "d\0\0\0", 4));
		r = commit_reopen(h);
		hive_close(h);
		bk_assert_ok(r, hive_key_find(r, "a\\b\\c", &k));
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *d;
			size_t len, j;
			uint32_t type;
			char name[16];
			snprintf(name, sizeof(name), "V%zu", i);
			get_value(r, k, name, &type, &d, &len);
			ck_assert_uint_eq(type, 0x1234 + i);
			ck_assert_uint_eq(len, sizes[i]);
			for (j = 0; j < len; j++)
				ck_assert_uint_eq(d[j], (uint8_t)(j * 31 + i));
			free(d);
		}
		/* Order kept after deleting one in the middle. */
		bk_assert_ok(r, hive_value_delete(r, k, "v3"));
		ck_assert_int_eq(hive_value_delete(r, k, "v3"), -BK_ENOTFOUND);
		{
			hive_value_t *vals;
			size_t n;
			char *nm;
			bk_assert_ok(r, hive_key_values(r, k, &vals, &n));
			ck_assert_uint_eq(n, 9);
			hive_value_name(r, vals[3], &nm);
			ck_assert_str_eq(nm, "v4");
			free(nm);
			free(vals);
		}
		h = commit_reopen(r);
		hive_close(r);
		hive_close(h);
	}
}
END_TEST

START_TEST(test_same_size_no_growth)
{
	hive_t *h = new_hive("g.hiv", 5);
	hive_key_t root;
	uint8_t d[300];
	uint32_t before;
	int i;

	hive_root(h, &root);
	memset(d, 0, sizeof(d));
	bk_assert_ok(h, hive_value_set(h, root, "x", 3, d, sizeof(d)));
	bk_assert_ok(h, hive_value_set(h, root, "big", 3, NULL, 0));
	before = h->bins_len;
	for (i = 0; i < 10000; i++) {
		d[0] = (uint8_t)i;
		bk_assert_ok(h, hive_value_set(h, root, "x", 3, d, sizeof(d)));
	}
	ck_assert_uint_eq(h->bins_len, before);
	/* Growing and shrinking a value reuses freed space too. */
	for (i = 0; i < 2000; i++) {
		static uint8_t big[20000];
		bk_assert_ok(h, hive_value_set(h, root, "big", 3, big, (size_t)(i % 2 ? 20000 : 10)));
	}
	ck_assert_uint_le(h->bins_len, before + 0x8000);
	hive_close(commit_reopen(h));
	hive_close(h);
}
END_TEST

START_TEST(test_bad_input)
{
	hive_t *h = new_hive("b.hiv", 5);
	hive_key_t root, k;
	char name[20000];
	static uint8_t huge[HIVE_MAX_DATA + 1];

	hive_root(h, &root);
	ck_assert_int_eq(hive_key_add(h, root, "", &k), -BK_EINVAL);
	ck_assert_int_eq(hive_key_add(h, root, "a\\b", &k), -BK_EINVAL);
	ck_assert_int_eq(hive_key_add(h, root, "a{U+005C}b", &k), -BK_EINVAL);
	ck_assert_int_eq(hive_key_add(h, root, "\xff\xfe", &k), -BK_EINVAL);
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	ck_assert_int_eq(hive_key_add(h, root, name, &k), -BK_EINVAL);
	name[255] = '\0';
	bk_assert_ok(h, hive_key_add(h, root, name, &k));
	memset(name, 'n', sizeof(name));
	name[16384] = '\0';
	ck_assert_int_eq(hive_value_set(h, root, name, 1, "", 0), -BK_EINVAL);
	name[16383] = '\0';
	bk_assert_ok(h, hive_value_set(h, root, name, 1, "", 0));
	ck_assert_int_eq(hive_value_set(h, root, "x", 1, huge, sizeof(huge)), -BK_ETOOBIG);
	ck_assert_int_eq(hive_key_delete(h, root, 1), -BK_EINVAL);
	ck_assert_int_eq(hive_key_add(h, 12345, "x", &k), -BK_ECORRUPT);
	hive_close(commit_reopen(h));
	hive_close(h);
}
END_TEST

START_TEST(test_readonly_dirty)
{
	const char *dir = getenv("BK_CORPUS");
	char path[4096], err[512];
	hive_t *h;
	hive_key_t root, k;

	h = new_hive("ro.hiv", 5);
	bk_assert_ok(h, hive_commit(h, 0));
	hive_close(h);
	bk_assert_ok(err, th_open(&h, tpath("ro.hiv"), 0, err, sizeof(err)));
	hive_root(h, &root);
	ck_assert_int_eq(hive_key_add(h, root, "x", &k), -BK_EREADONLY);
	ck_assert_int_eq(hive_commit(h, 0), -BK_EREADONLY);
	hive_close(h);
	if (!dir) {
		printf("BK_CORPUS not set: dirty-hive part skipped\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/hive/regipy-SECURITY", dir);
	if (access(path, R_OK) != 0) {
		printf("%s missing: dirty-hive part skipped\n", path);
		return;
	}
	bk_assert_ok(err, th_open(&h, path, HIVE_OPEN_WRITE | HIVE_OPEN_NO_LOGS, err, sizeof(err)));
	hive_root(h, &root);
	ck_assert_int_eq(hive_key_add(h, root, "x", &k), -BK_EDIRTY);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "dirty"));
	ck_assert_int_eq(hive_commit_to(h, tpath("sec"), 0), -BK_EDIRTY);
	hive_close(h);
	bk_assert_ok(err, th_open(&h, path, HIVE_OPEN_WRITE | HIVE_OPEN_NO_LOGS | HIVE_OPEN_FORCE,
				    err, sizeof(err)));
	hive_root(h, &root);
	bk_assert_ok(h, hive_key_add(h, root, "x", &k));
	bk_assert_ok(h, hive_commit_to(h, tpath("sec"), 0));
	hive_close(h);
}
END_TEST

START_TEST(test_class_copy_diff)
{
	hive_t *a = new_hive("a.hiv", 5), *b = new_hive("b.hiv", 3), *r;
	hive_key_t ra, rb, k, c, cp;
	uint8_t cls[] = { 'X', 0, 'y', 0 }, *got;
	size_t len, nd = 0;

	hive_root(a, &ra);
	hive_root(b, &rb);
	bk_assert_ok(a, hive_key_create_path(a, "S\\T\\U", &k));
	bk_assert_ok(a, hive_key_set_class(a, k, cls, sizeof(cls)));
	bk_assert_ok(a, hive_value_set(a, k, "one", 4, "\1\0\0\0", 4));
	bk_assert_ok(a, hive_value_set(a, k, "two", 1, "t\0\0\0", 4));
	bk_assert_ok(a, hive_value_set(a, k, "Ωmega", 3, "abcdef", 6));
	bk_assert_ok(a, hive_key_find(a, "S", &c));
	/* Within a hive; into its own subtree is refused. */
	ck_assert_int_eq(hive_key_copy(a, k, NULL, a, c, &cp), -BK_EINVAL);
	bk_assert_ok(a, hive_key_copy(a, ra, "S2", a, c, &cp));
	ck_assert_int_eq(hive_key_copy(a, ra, "s2", a, c, &cp), -BK_EEXIST);
	bk_assert_ok(a, hive_key_find(a, "S2\\T\\U", &k));
	bk_assert_ok(a, hive_key_class(a, k, &got, &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(got, cls, 4), 0);
	free(got);
	/* Between hives: equal trees after copying the whole S subtree. */
	bk_assert_ok(b, hive_key_copy(b, rb, NULL, a, c, &cp));
	bk_assert_ok(b, hive_key_copy(b, rb, "S2", a, c, &cp));
	bk_assert_ok(a, hive_diff(a, b, NULL, NULL, &nd));
	ck_assert_uint_eq(nd, 0);
	bk_assert_ok(b, hive_value_set(b, k = cp, "new", 1, "", 0));
	bk_assert_ok(b, hive_key_find(b, "S\\T\\U", &k));
	bk_assert_ok(b, hive_value_set(b, k, "one", 4, "\2\0\0\0", 4));
	bk_assert_ok(b, hive_value_delete(b, k, "two"));
	bk_assert_ok(b, hive_key_set_class(b, k, NULL, 0));
	bk_assert_ok(b, hive_key_add(b, rb, "Z", &k));
	bk_assert_ok(a, hive_diff(a, b, NULL, NULL, &nd));
	ck_assert_uint_eq(nd, 5);   /* value added, changed, removed; class changed; key added */
	r = commit_reopen(b);
	hive_close(r);
	r = commit_reopen(a);
	hive_close(r);
	hive_close(a);
	hive_close(b);
}
END_TEST

/* Run op with the Nth allocation failing for N = 0, 1, ... until it succeeds;
 * every failure must leave the hive's bytes and sizes exactly as before. */
typedef int (*op_fn)(hive_t *h, int i);

static void
fail_every_n(hive_t *h, op_fn op, int arg)
{
	long n;

	for (n = 0; n < 100000; n++) {
		size_t len = h->len;
		uint32_t bins = h->bins_len;
		uint8_t *copy = malloc(len), *map = malloc(h->cellmap_len);
		size_t maplen = h->cellmap_len;
		int rc;

		memcpy(copy, h->buf, len);
		memcpy(map, h->cellmap, maplen);
		bk_alloc_fail_after = n;
		rc = op(h, arg);
		bk_alloc_fail_after = -1;
		if (rc == 0) {
			free(copy);
			free(map);
			return;
		}
		ck_assert_msg(rc == -BK_ENOMEM, "op failed with %d: %s", rc, hive_last_error(h));
		ck_assert_uint_eq(h->len, len);
		ck_assert_uint_eq(h->bins_len, bins);
		ck_assert_msg(memcmp(copy, h->buf, len) == 0, "bytes changed after failure %ld", n);
		ck_assert_msg(memcmp(map, h->cellmap, (bins / 8 + 7) / 8) == 0, "cell map changed");
		free(copy);
		free(map);
	}
	ck_abort_msg("operation never succeeded");
}

static int
op_add(hive_t *h, int i)
{
	char name[32];
	hive_key_t root, k;

	hive_root(h, &root);
	snprintf(name, sizeof(name), "key€%d", i);
	return hive_key_add(h, root, name, &k);
}

static int
op_value(hive_t *h, int i)
{
	static uint8_t d[50000];
	hive_key_t root;

	hive_root(h, &root);
	return hive_value_set(h, root, i % 2 ? "v" : "w", 3, d, (size_t)(i * 997) % sizeof(d));
}

/* Key the delete and copy operations work on, found before allocations fail. */
static hive_key_t op_key;

static int
op_delete(hive_t *h, int i)
{
	(void)i;
	return hive_key_delete(h, op_key, 1);
}

static int
op_copy(hive_t *h, int i)
{
	hive_key_t root, out;
	char name[32];

	hive_root(h, &root);
	snprintf(name, sizeof(name), "copy%d", i);
	return hive_key_copy(h, root, name, h, op_key, &out);
}

START_TEST(test_alloc_failure)
{
	hive_t *h = new_hive("f.hiv", 5), *r;
	hive_key_t k;
	int i;

	for (i = 0; i < 40; i++)
		fail_every_n(h, op_add, i);
	bk_assert_ok(h, hive_key_find(h, "key€1", &k));
	bk_assert_ok(h, hive_value_set(h, k, "x", 1, "abcdefgh", 8));
	for (i = 0; i < 12; i++)
		fail_every_n(h, op_value, i);
	op_key = k;
	bk_assert_ok(h, hive_key_add(h, k, "child", &op_key));
	bk_assert_ok(h, hive_key_set_class(h, op_key, (const uint8_t *)"c\0", 2));
	op_key = k;
	fail_every_n(h, op_copy, 1);
	bk_assert_ok(h, hive_key_find(h, "key€3", &op_key));
	fail_every_n(h, op_delete, 3);
	bk_assert_ok(h, hive_key_find(h, "copy1", &op_key));
	fail_every_n(h, op_delete, 0);
	r = commit_reopen(h);
	hive_close(r);
	hive_close(h);
}
END_TEST

static Suite *
write_suite(void)
{
	Suite *s = suite_create("write");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(write_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
