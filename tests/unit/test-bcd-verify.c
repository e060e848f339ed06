/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store checks of bcdverify (bcd/verify*.c) on stores built in memory
 * by bcd_boot_build(): a complete store has no finding from warning up;
 * each break gives its finding ID on the right object and element, with a
 * repair that bcd_verify_fix() applies and that leaves the store clean.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/bcd-boot.h"
#include "test-bcd-open.h"
#include "bcdkit/bcd-verify.h"

static bcd_store_t *st;
static struct bcd_boot_result res;

static void
setup(void)
{
	struct bcd_boot_params p;
	char err[512] = "";

	memset(&p, 0, sizeof(p));
	p.firmware = BCD_BOOT_UEFI;
	p.system.style = BCD_PART_MBR;
	p.system.mbr_signature = 0x1234abcd;
	p.system.mbr_offset = 1048576;
	p.os = p.system;
	p.os.mbr_offset = 2097152;
	ck_assert_msg(tb_boot_build(&st, "test", NULL, NULL, &p, &res, err, sizeof(err)) == 0,
		      "%s", err);
}

static void
teardown(void)
{
	bcd_store_close(st);
}

/* Findings from warning up; the one with id (NULL: none expected). */
static const struct bcd_finding *
find(struct bcd_findings *f, const char *id, size_t *serious)
{
	const struct bcd_finding *hit = NULL;
	size_t i;

	*serious = 0;
	for (i = 0; i < f->n; i++) {
		*serious += f->v[i].severity >= BCD_SEV_WARNING;
		if (id && !strcmp(f->v[i].id, id))
			hit = &f->v[i];
	}
	return hit;
}

/* Verify, expect id on obj/el, fix every repairable finding, verify clean. */
static void
expect_and_fix(const char *id, const bcd_guid_t *obj, uint32_t el)
{
	struct bcd_findings f = { 0 };
	const struct bcd_finding *hit;
	size_t serious, i;
	char *diff;

	bk_assert_ok(st, bcd_verify_store(st, NULL, &f));
	hit = find(&f, id, &serious);
	ck_assert_msg(hit != NULL, "%s not found", id);
	ck_assert(hit->has_object);
	bk_assert_ok_plain(bcd_guid_cmp(&hit->object, obj));
	ck_assert_uint_eq(hit->element, el);
	ck_assert(hit->message && hit->message[0]);
	for (i = 0; i < f.n; i++) {
		if (!f.v[i].repair)
			continue;
		bk_assert_ok(st, bcd_verify_fix(st, &f.v[i], &diff));
		ck_assert_msg(strstr(diff, " -> ") != NULL, "%s", diff);
		free(diff);
	}
	bcd_findings_free(&f);
	bk_assert_ok(st, bcd_verify_store(st, NULL, &f));
	(void)find(&f, NULL, &serious);
	ck_assert_uint_eq(serious, 0);
	bcd_findings_free(&f);
}

START_TEST(complete_store_is_clean)
{
	struct bcd_findings f = { 0 };
	size_t serious;

	bk_assert_ok(st, bcd_verify_store(st, NULL, &f));
	(void)find(&f, NULL, &serious);
	ck_assert_uint_eq(serious, 0);
	bcd_findings_free(&f);
}
END_TEST

START_TEST(deleted_resume_object)
{
	bk_assert_ok(st, bcd_object_delete(st, &res.resume));
	expect_and_fix("BCD-REF-DANGLING", &res.loader, BCD_EL_LOADER_RESUMEOBJECT);
	uint8_t *raw = NULL;
	size_t len = 0;

	ck_assert_int_eq(bcd_element_get_raw(st, &res.loader, BCD_EL_LOADER_RESUMEOBJECT, &raw, &len),
			 -BK_ENOTFOUND);
	free(raw);
}
END_TEST

START_TEST(duplicate_in_displayorder)
{
	bcd_guid_t bm, two[2];
	struct bcd_value v;

	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	two[0] = two[1] = res.loader;
	memset(&v, 0, sizeof(v));
	v.format = BCD_FMT_OBJLIST;
	v.guids = two;
	v.n_guids = 2;
	bk_assert_ok(st, bcd_element_set(st, &bm, BCD_EL_DISPLAYORDER, &v));
	expect_and_fix("BCD-LIST-DUPLICATE", &bm, BCD_EL_DISPLAYORDER);
}
END_TEST

START_TEST(missing_default)
{
	bcd_guid_t bm;
	struct bcd_value v;

	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	bk_assert_ok(st, bcd_element_delete(st, &bm, BCD_EL_DEFAULT));
	expect_and_fix("BCD-DEFAULT-MISSING", &bm, BCD_EL_DEFAULT);
	bk_assert_ok(st, bcd_element_get(st, &bm, BCD_EL_DEFAULT, &v));
	bk_assert_ok_plain(bcd_guid_cmp(&v.guids[0], &res.loader));
	bcd_value_free(&v);
}
END_TEST

START_TEST(wrong_type_reference)
{
	struct bcd_findings f = { 0 };
	struct bcd_value v;
	size_t serious;
	const struct bcd_finding *hit;

	/* The loader's resumeobject names the loader itself, not a resume object. */
	memset(&v, 0, sizeof(v));
	v.format = BCD_FMT_OBJECT;
	v.guids = &res.loader;
	v.n_guids = 1;
	bk_assert_ok(st, bcd_element_set(st, &res.loader, BCD_EL_LOADER_RESUMEOBJECT, &v));
	bk_assert_ok(st, bcd_verify_store(st, NULL, &f));
	hit = find(&f, "BCD-REF-WRONGTYPE", &serious);
	ck_assert(hit != NULL);
	ck_assert_int_eq(hit->repair, BCD_REPAIR_NONE);   /* never guessed */
	bcd_findings_free(&f);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bcd-verify");
	TCase *t = tcase_create("checks");

	tcase_add_checked_fixture(t, setup, teardown);
	bk_tcase_add_tests(t, NULL);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *r = bk_srunner_create(suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
