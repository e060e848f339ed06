/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hive_check() on hives written by the independent test writer
 * (tests/gen/mkbighive-build.c): a clean hive has no problem, and each fault
 * made on purpose is reported with the right kind and offset.  No corpus
 * needed.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "mkbighive-build.h"

struct found {
	unsigned kinds[32];
	uint64_t offs[32];
	size_t n;
};

static int
collect(void *data, const struct hive_problem *p)
{
	struct found *f = data;

	ck_assert_ptr_nonnull(p->message);
	if (f->n < 32) {
		f->kinds[f->n] = p->kind;
		f->offs[f->n] = p->file_offset;
	}
	f->n++;
	return 0;
}

static bool
has(const struct found *f, unsigned kind, uint64_t off)
{
	size_t i;

	for (i = 0; i < f->n && i < 32; i++)
		if (f->kinds[i] == kind && (off == 0 || f->offs[i] == off))
			return true;
	return false;
}

/* Root with keys "Alpha", "beta", "Gamma" (and 30 under Gamma, in an ri). */
static struct mkb *
build(uint32_t minor, uint32_t *alpha, uint32_t *gamma)
{
	struct mkb *b = mkb_new(minor, "ROOT");
	uint32_t dw = 7, i;
	char name[16];
	static uint8_t big[40000];

	ck_assert_ptr_nonnull(b);
	mkb_set_leaf_max(b, 8);
	*alpha = mkb_key(b, mkb_root(b), "Alpha");
	ck_assert_uint_ne(mkb_key(b, mkb_root(b), "beta"), 0);
	*gamma = mkb_key(b, mkb_root(b), "Gamma");
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "k%02u", i);
		ck_assert_uint_ne(mkb_key(b, *gamma, name), 0);
	}
	ck_assert_int_eq(mkb_value(b, *alpha, "dw", 4, &dw, 4), 0);
	ck_assert_int_eq(mkb_value(b, *alpha, "text", 1, "h\0i\0\0\0", 6), 0);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(mkb_value(b, *alpha, "big", 3, big, sizeof(big)), 0);
	return b;
}

static size_t
run_check(struct mkb *b, struct found *f)
{
	uint8_t *img;
	size_t len;
	uint64_t count;
	hive_t *h;
	char err[256];

	ck_assert_int_eq(mkb_finish(b, &img, &len), 0);
	memset(f, 0, sizeof(*f));
	ck_assert_msg(th_open_buffer(&h, img, len, "t", 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_check(h, collect, f, &count));
	ck_assert_uint_eq(count, f->n);
	hive_close(h);
	return f->n;
}

/* Finish, apply a fault, check. */
typedef void (*fault_fn)(struct mkb *b, uint32_t alpha, uint32_t gamma);

static struct found
with_fault(uint32_t minor, fault_fn fault)
{
	struct found f;
	uint32_t alpha, gamma;
	struct mkb *b = build(minor, &alpha, &gamma);
	uint8_t *img;
	size_t len;
	uint64_t count;
	hive_t *h;
	char err[256];

	ck_assert_int_eq(mkb_finish(b, &img, &len), 0);
	fault(b, alpha, gamma);
	memset(&f, 0, sizeof(f));
	ck_assert_msg(th_open_buffer(&h, img, len, "t", 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_check(h, collect, &f, &count));
	hive_close(h);
	mkb_free(b);
	return f;
}

#define FOFF(off) (4096u + (uint64_t)(off))

START_TEST(test_clean)
{
	struct found f;
	uint32_t a, g;
	struct mkb *b = build(5, &a, &g);

	ck_assert_uint_eq(run_check(b, &f), 0);
	mkb_free(b);
	b = build(3, &a, &g);
	ck_assert_uint_eq(run_check(b, &f), 0);
	mkb_free(b);
}
END_TEST

static void
bad_hash(struct mkb *b, uint32_t a, uint32_t g)
{
	(void)a, (void)g;
	mkb_cell(b, mkb_subkey_list(b, mkb_root(b)))[8] ^= 1;    /* first lh hash */
}

START_TEST(test_hash)
{
	struct found f = with_fault(5, bad_hash);

	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.kinds[0], HIVE_PROBLEM_HASH);
}
END_TEST

static void
swap_entries(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *l = mkb_cell(b, mkb_subkey_list(b, mkb_root(b))), tmp[8];

	(void)a, (void)g;
	memcpy(tmp, l + 4, 8);          /* Alpha <-> beta, hashes and all */
	memcpy(l + 4, l + 12, 8);
	memcpy(l + 12, tmp, 8);
}

START_TEST(test_order)
{
	struct found f = with_fault(5, swap_entries);

	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.kinds[0], HIVE_PROBLEM_ORDER);
}
END_TEST

/* Across ri leaves: swap the first entries of the first two leaves of Gamma. */
static void
swap_across_leaves(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *ri = mkb_cell(b, mkb_subkey_list(b, g)), tmp[8];
	uint8_t *l0 = mkb_cell(b, ri[4] | ri[5] << 8 | ri[6] << 16 | (uint32_t)ri[7] << 24);
	uint8_t *l1 = mkb_cell(b, ri[8] | ri[9] << 8 | ri[10] << 16 | (uint32_t)ri[11] << 24);

	(void)a;
	ck_assert(memcmp(ri, "ri", 2) == 0);
	memcpy(tmp, l0 + 4 + 8 * 7, 8);   /* last of leaf 0 <-> first of leaf 1 */
	memcpy(l0 + 4 + 8 * 7, l1 + 4, 8);
	memcpy(l1 + 4, tmp, 8);
}

START_TEST(test_order_across_ri)
{
	struct found f = with_fault(5, swap_across_leaves);

	ck_assert_uint_ge(f.n, 1);
	ck_assert(has(&f, HIVE_PROBLEM_ORDER, 0));
}
END_TEST

static void
dup_entry(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *l = mkb_cell(b, mkb_subkey_list(b, mkb_root(b)));

	(void)a, (void)g;
	memcpy(l + 12, l + 4, 8);       /* beta's entry now names Alpha again */
}

START_TEST(test_shared_and_duplicate)
{
	struct found f = with_fault(5, dup_entry);

	ck_assert(has(&f, HIVE_PROBLEM_DUPLICATE, 0));
	ck_assert(has(&f, HIVE_PROBLEM_SHARED, 0));
	ck_assert(has(&f, HIVE_PROBLEM_LEAK, 0));        /* beta's nk is orphaned */
}
END_TEST

static void
bad_count_and_max(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *nk = mkb_cell(b, a);

	(void)g;
	nk[0x24] = 2;                   /* 3 values, count says 2 */
	nk[0x3C] = 2;                   /* max value name 2 bytes, real 8 */
	nk[0x10] ^= 8;                  /* parent pointer */
}

START_TEST(test_key_fields)
{
	struct found f = with_fault(5, bad_count_and_max);
	uint32_t a, g;
	struct mkb *b = build(5, &a, &g);

	mkb_free(b);
	ck_assert(has(&f, HIVE_PROBLEM_MAXLEN, FOFF(a)));
	ck_assert(has(&f, HIVE_PROBLEM_KEY, FOFF(a)));
	ck_assert(has(&f, HIVE_PROBLEM_LEAK, 0));        /* the third vk */
}
END_TEST

static void
bad_sk(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *root = mkb_cell(b, mkb_root(b));
	uint32_t sk = root[0x2C] | root[0x2D] << 8 | root[0x2E] << 16 | (uint32_t)root[0x2F] << 24;

	(void)a, (void)g;
	mkb_cell(b, sk)[12] += 1;       /* reference count one too high */
}

START_TEST(test_sk_refcount)
{
	struct found f = with_fault(5, bad_sk);

	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.kinds[0], HIVE_PROBLEM_SECURITY);
}
END_TEST

static void
dup_value(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *vl = mkb_cell(b, mkb_value_list(b, a));
	uint8_t *nk = mkb_cell(b, a);

	(void)g;
	memcpy(vl + 4, vl, 4);          /* the second value is the first again */
	(void)nk;
}

START_TEST(test_value_shared)
{
	struct found f = with_fault(5, dup_value);

	ck_assert(has(&f, HIVE_PROBLEM_SHARED, 0));
	ck_assert(has(&f, HIVE_PROBLEM_LEAK, 0));
}
END_TEST

static void
bad_db(struct mkb *b, uint32_t a, uint32_t g)
{
	uint8_t *vl = mkb_cell(b, mkb_value_list(b, a));
	uint32_t vk = vl[8] | vl[9] << 8 | vl[10] << 16 | (uint32_t)vl[11] << 24;
	uint8_t *v = mkb_cell(b, vk);
	uint32_t db = v[8] | v[9] << 8 | v[10] << 16 | (uint32_t)v[11] << 24;

	(void)g;
	ck_assert(memcmp(mkb_cell(b, db), "db", 2) == 0);
	mkb_cell(b, db)[2] = 2;         /* 40000 bytes need 3 segments */
}

START_TEST(test_db_segments)
{
	struct found f = with_fault(5, bad_db);

	ck_assert(has(&f, HIVE_PROBLEM_VALUE, 0));
}
END_TEST

static int
stop_at_first(void *data, const struct hive_problem *p)
{
	(void)p;
	++*(int *)data;
	return 1;
}

START_TEST(test_callback_stops)
{
	uint32_t a, g;
	struct mkb *b = build(5, &a, &g);
	uint8_t *img;
	size_t len;
	uint64_t count;
	hive_t *h;
	int calls = 0;

	ck_assert_int_eq(mkb_finish(b, &img, &len), 0);
	swap_entries(b, a, g);
	bad_sk(b, a, g);
	bk_assert_ok_plain(th_open_buffer(&h, img, len, "t", 0, NULL, 0));
	bk_assert_ok(h, hive_check(h, stop_at_first, &calls, &count));
	ck_assert_int_eq(calls, 1);
	bk_assert_ok(h, hive_check(h, NULL, NULL, &count));
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(hive_problem_kind_name(HIVE_PROBLEM_ORDER), "order");
	ck_assert_str_eq(hive_problem_kind_name(999), "unknown");
	hive_close(h);
	mkb_free(b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("check");
	SRunner *sr;
	int failed;

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
