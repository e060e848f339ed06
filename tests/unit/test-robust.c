/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Error paths of the hive and BCD libraries that the module tests do not
 * sweep: every allocation of hive_check(), hive_diff(), hive_key_copy(),
 * hive_commit_to() and of the BCD store's open/enum/export/import/delete is
 * made to fail in turn.  Each failure must return -BK_ENOMEM and leave the
 * caller's handles usable and unchanged; run under --enable-sanitizers or
 * valgrind, a leak or a stray access on any of those paths fails the test.
 * Also: an error detail may quote the handle's previous detail.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "test-bcd-open.h"
#include "bcdedit-enum.h"
#include "bk-alloc.h"
#include "bk-error.h"
#include "test-tmpdir.h"

/* No library call here needs more allocations than this to succeed. */
#define MAX_STEPS 200000

static char dir[] = "/tmp/test-robust-XXXXXX";
static const char *corpus;

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	corpus = getenv("BK_CORPUS");
}

static void
teardown(void)
{
	test_rmtree(dir);
	strcpy(dir, "/tmp/test-robust-XXXXXX");
}

static const char *
tpath(const char *name)
{
	static char buf[4][300];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* A corpus file, or NULL (and a note) when the corpus is absent. */
static const char *
cpath(const char *rel)
{
	static char buf[2][600];
	static int i;
	struct stat st;

	if (!corpus)
		return NULL;
	i = (i + 1) % 2;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", corpus, rel);
	if (stat(buf[i], &st) != 0) {
		printf("SKIP: %s not in the corpus\n", rel);
		return NULL;
	}
	return buf[i];
}

static hive_t *
open_ro(const char *path)
{
	char err[600];
	hive_t *h;

	ck_assert_msg(th_open(&h, path, 0, err, sizeof(err)) == 0, "%s", err);
	return h;
}

static size_t
diff_count(hive_t *a, hive_t *b)
{
	size_t n = 0;

	ck_assert_msg(hive_diff(a, b, NULL, NULL, &n) == 0, "%s", hive_last_error(a));
	return n;
}

/* ---- the error buffer ------------------------------------------------------- */

START_TEST(test_err_quotes_itself)
{
	struct bk_errbuf eb = { 0 };

	bk_err(&eb, BK_EIO, "%s: open: %s", "x.hiv", "No such file or directory");
	ck_assert_int_eq(bk_err(&eb, BK_ECORRUPT, "written, but: %s", eb.msg), -BK_ECORRUPT);
	ck_assert_str_eq(eb.msg, "written, but: x.hiv: open: No such file or directory");
	ck_assert_int_eq(eb.code, -BK_ECORRUPT);
}
END_TEST

/* ---- hive reading: check and diff ------------------------------------------- */

static int
count_problem(void *data, const struct hive_problem *p)
{
	(void)p;
	(*(uint64_t *)data)++;
	return 0;
}

static void
check_sweep(const char *rel)
{
	const char *path = cpath(rel);
	uint64_t want = 0, got, cbs;
	hive_t *h;
	long n;
	int rc;

	if (!path)
		return;
	h = open_ro(path);
	bk_assert_ok(h, hive_check(h, NULL, NULL, &want));
	for (n = 0; n < MAX_STEPS; n++) {
		got = cbs = 0;
		bk_alloc_fail_after = n;
		rc = hive_check(h, count_problem, &cbs, &got);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "%s: allocation %ld: %d %s", rel, n, rc,
			      hive_last_error(h));
	}
	bk_assert_ok_plain(rc);
	ck_assert_uint_eq(got, want);
	ck_assert_uint_eq(cbs, want);
	hive_close(h);
}

START_TEST(test_check_enomem)
{
	/* A clean hive, and damaged ones whose problems take other paths. */
	check_sweep("hive/hivex-special");
	check_sweep("hive/yarp-BadSubkeyHive");
	check_sweep("hive/yarp-BadListHive");
	check_sweep("hive/yarp-DupNameHive");
}
END_TEST

START_TEST(test_diff_enomem)
{
	const char *pa = cpath("hive/hivex-minimal"), *pb = cpath("hive/hivex-special");
	hive_t *a, *b;
	size_t want, n;
	long k;
	int rc;

	if (!pa || !pb)
		return;
	a = open_ro(pa);
	b = open_ro(pb);
	want = diff_count(a, b);
	ck_assert_uint_gt(want, 0);
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = hive_diff(a, b, NULL, NULL, &n);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", k, rc, hive_last_error(a));
	}
	bk_assert_ok_plain(rc);
	ck_assert_uint_eq(n, want);
	ck_assert_uint_eq(diff_count(a, b), want);
	hive_close(a);
	hive_close(b);
}
END_TEST

/* ---- hive writing: copy and commit_to --------------------------------------- */

/*
 * Copy src's key "from" under dst's root as "Copy", failing allocation k.
 * On failure dst must still equal its committed file and check clean.
 */
static void
copy_sweep(const char *src_path, const char *from, bool same)
{
	char err[600];
	hive_t *dst, *src, *saved;
	hive_key_t root, sk, out;
	uint64_t probs;
	long k;
	int rc;

	bk_assert_ok(err, th_open(&dst, src_path, HIVE_OPEN_WRITE, err, sizeof(err)));
	bk_assert_ok(dst, hive_commit_to(dst, tpath("dst.hiv"), 0));
	hive_close(dst);
	saved = open_ro(tpath("dst.hiv"));
	bk_assert_ok(err, th_open(&dst, tpath("dst.hiv"), HIVE_OPEN_WRITE, err, sizeof(err)));
	src = same ? dst : open_ro(src_path);
	bk_assert_ok(dst, hive_root(dst, &root));
	ck_assert_msg(hive_key_find(src, from, &sk) == 0, "%s", hive_last_error(src));
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = hive_key_copy(dst, root, "Copy", src, sk, &out);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", k, rc, hive_last_error(dst));
		ck_assert_uint_eq(diff_count(saved, dst), 0);
		probs = 1;
		bk_assert_ok(dst, hive_check(dst, NULL, NULL, &probs));
		ck_assert_uint_eq(probs, 0);
	}
	bk_assert_ok_plain(rc);
	bk_assert_ok(dst, hive_key_find(dst, "Copy", &out));
	ck_assert_uint_gt(diff_count(saved, dst), 0);
	if (!same)
		hive_close(src);
	hive_close(saved);
	hive_close(dst);
}

START_TEST(test_copy_enomem)
{
	const char *p = cpath("bcd/win10-uefi-system/BCD");

	if (!p)
		return;
	copy_sweep(p, "Objects", false);
	copy_sweep(p, "Objects", true);
}
END_TEST

START_TEST(test_commit_to_enomem)
{
	const char *p = cpath("hive/win10mobile-DRIVERS");
	char err[600];
	hive_t *h, *back;
	struct stat st;
	long k;
	int rc;

	if (!p)
		return;
	ck_assert_msg(th_open(&h, p, HIVE_OPEN_WRITE, err, sizeof(err)) == 0, "%s", err);
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = hive_commit_to(h, tpath("out.hiv"), 0);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", k, rc, hive_last_error(h));
		/* Nothing, or (failing after the rename) the complete new file. */
		if (stat(tpath("out.hiv"), &st) == 0) {
			bk_assert_ok(err, th_open(&back, tpath("out.hiv"), 0, err, sizeof(err)));
			ck_assert_uint_eq(diff_count(h, back), 0);
			hive_close(back);
			ck_assert_int_eq(unlink(tpath("out.hiv")), 0);
		}
	}
	bk_assert_ok_plain(rc);
	back = open_ro(tpath("out.hiv"));
	ck_assert_uint_eq(diff_count(h, back), 0);
	hive_close(back);
	hive_close(h);
}
END_TEST

/* ---- BCD stores ------------------------------------------------------------- */

static size_t
first_diff(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

static void
enum_sweep(const char *rel)
{
	const char *path = cpath(rel);
	static const unsigned flags[] = { 0, ENUM_V, ENUM_JSON };
	char err[600], *want, *got;
	bcd_store_t *s;
	size_t i;
	long k;
	int rc;

	if (!path)
		return;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		ck_assert_msg(tb_store_open(&s, path, 0, err, sizeof(err)) == 0, "%s", err);
		bk_assert_ok(s, bcdedit_enum(s, path, ENUM_ALL, NULL, NULL, flags[i], &want));
		bcd_store_close(s);
		for (k = 0; k < MAX_STEPS; k++) {
			got = NULL;
			bk_alloc_fail_after = k;
			rc = tb_store_open(&s, path, 0, err, sizeof(err));
			if (rc == 0) {
				rc = bcdedit_enum(s, path, ENUM_ALL, NULL, NULL, flags[i], &got);
				bk_alloc_fail_after = -1;
				/* A bare -BK_ENOMEM is enough: bcdedit words it
				 * itself (fail() in tools/bcdedit.c). */
				bcd_store_close(s);
			}
			bk_alloc_fail_after = -1;
			if (rc == 0)
				break;
			ck_assert_msg(rc == -BK_ENOMEM, "%s: allocation %ld: %d", rel, k, rc);
		}
		bk_assert_ok_plain(rc);
		ck_assert_msg(strcmp(got, want) == 0, "%s: allocation %ld: output differs at byte %zu (len %zu): %.300s",
			      rel, k, first_diff(got, want), strlen(got), got + first_diff(got, want) - 200);
		free(got);
		free(want);
	}
}

START_TEST(test_bcd_enum_enomem)
{
	enum_sweep("bcd/win10-uefi-system/BCD");
	enum_sweep("bcd/win7-install-media-bios-bcd");
}
END_TEST

static uint8_t *
slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	uint8_t *b;
	long len;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	b = malloc(len ? (size_t)len : 1);
	ck_assert_ptr_nonnull(b);
	*n = fread(b, 1, (size_t)len, f);
	ck_assert_uint_eq(*n, (size_t)len);
	fclose(f);
	return b;
}

START_TEST(test_bcd_export_import_enomem)
{
	const char *src = cpath("bcd/win10-uefi-system/BCD");
	char err[600];
	bcd_store_t *s;
	uint8_t *before, *after;
	size_t nb, na;
	struct stat st;
	long k;
	int rc;

	if (!src)
		return;
	ck_assert_msg(tb_store_open(&s, src, 0, err, sizeof(err)) == 0, "%s", err);
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = bcd_store_export(s, tpath("exported"));
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "export: allocation %ld: %d %s", k, rc,
			      bcd_last_error(s));
		if (stat(tpath("exported"), &st) == 0)
			ck_assert_int_eq(unlink(tpath("exported")), 0);
	}
	bk_assert_ok_plain(rc);
	bcd_store_close(s);

	bk_assert_ok(err, tb_store_create(tpath("target"), err, sizeof(err)));
	before = slurp(tpath("target"), &nb);
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = tb_store_import(tpath("target"), tpath("exported"), err, sizeof(err));
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "import: allocation %ld: %d %s", k, rc, err);
		after = slurp(tpath("target"), &na);
		if (!(na == nb && memcmp(before, after, nb) == 0)) {
			/* Failing after the rename: the new store, complete. */
			hive_t *a = open_ro(tpath("target")), *b = open_ro(tpath("exported"));
			ck_assert_uint_eq(diff_count(a, b), 0);
			hive_close(a);
			hive_close(b);
			bk_assert_ok(err, tb_store_create(tpath("t2"), err, sizeof(err)));
			ck_assert_int_eq(rename(tpath("t2"), tpath("target")), 0);
		}
		free(after);
	}
	bk_assert_ok_plain(rc);
	free(before);
}
END_TEST

START_TEST(test_bcd_delete_enomem)
{
	const char *src = cpath("bcd/win10-uefi-system/BCD");
	char err[600], *want, *got;
	bcd_store_t *s;
	bcd_guid_t id;
	long k;
	int rc;

	if (!src)
		return;
	ck_assert_msg(tb_store_open(&s, src, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(s, bcd_store_export(s, tpath("BCD")));
	bcd_store_close(s);
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &id));
	for (k = 0; k < MAX_STEPS; k++) {
		ck_assert_msg(tb_store_open(&s, tpath("BCD"), BCD_OPEN_WRITE, err, sizeof(err)) == 0,
			      "%s", err);
		bk_assert_ok(s, bcdedit_enum(s, "BCD", ENUM_ALL, NULL, NULL, ENUM_V, &want));
		bk_alloc_fail_after = k;
		rc = bcd_object_delete(s, &id);
		if (rc == 0)
			rc = bcd_remove_references(s, &id);
		bk_alloc_fail_after = -1;
		if (rc == 0) {
			bcd_store_close(s);
			free(want);
			break;
		}
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", k, rc, bcd_last_error(s));
		/* A failed delete keeps the object, and the store is usable. */
		if (bcd_object_type(s, &id, &(uint32_t){ 0 }) == 0) {
			bk_assert_ok(s, bcdedit_enum(s, "BCD", ENUM_ALL, NULL, NULL, ENUM_V, &got));
			free(got);
		}
		bcd_store_close(s);
		free(want);
	}
	bk_assert_ok_plain(rc);
}
END_TEST

/* Deleting an element (bcdedit /deletevalue) out of memory is -BK_ENOMEM,
 * never "not set", and a failed attempt keeps the element. */
START_TEST(test_bcd_element_delete_enomem)
{
	const char *src = cpath("bcd/win10-uefi-system/BCD");
	char err[600];
	bcd_store_t *s;
	bcd_guid_t id;
	struct bcd_value v;
	uint32_t desc;
	long k;
	int rc;

	if (!src)
		return;
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &id));
	bk_assert_ok_plain(bcd_element_lookup(BCD_OBJ_BOOTMGR, "description", &desc));
	ck_assert_msg(tb_store_open(&s, src, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(s, bcd_store_export(s, tpath("BCD")));
	bcd_store_close(s);
	ck_assert_msg(tb_store_open(&s, tpath("BCD"), BCD_OPEN_WRITE, err, sizeof(err)) == 0,
		      "%s", err);
	for (k = 0; k < MAX_STEPS; k++) {
		bk_alloc_fail_after = k;
		rc = bcd_element_delete(s, &id, desc);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", k, rc, bcd_last_error(s));
		bk_assert_ok(s, bcd_element_get(s, &id, desc, &v));
		bcd_value_free(&v);
	}
	bk_assert_ok_plain(rc);
	ck_assert_int_eq(bcd_element_get(s, &id, desc, &v), -BK_ENOTFOUND);
	bcd_store_close(s);
}
END_TEST

static Suite *
robust_suite(void)
{
	Suite *s = suite_create("robust");
	TCase *tc = tcase_create("robust");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(robust_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
