/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store bcdboot builds (bcd/bcdboot.c, bcd/boottemplate.c), in memory:
 * the objects and their links, the device of Windows inside a VHD against
 * the 204 bytes Windows 10 wrote (doc/bcd-format-notes.md, "Resolved VHD
 * partition"), a rebuild from its own
 * result giving the same content, a BCD-Template from the corpus, bad
 * parameters, and every allocation failure.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/bcd-boot.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "test-bcd-open.h"
#include "bk-alloc.h"

/* Device of a native-boot VHD, as Windows 10 wrote it (doc/bcd-format-notes.md,
 * "Resolved VHD partition"). */
static const char golden_vhd[] =
	"00000000000000000000000000000000"
	"0600000000000000bc00000000000000"
	"00001000000000000000000000000000"
	"0600000001000000dfd6f1a300000000"
	"00000000000000000000000000000000"
	"84000000000000000500000001000000"
	"70000000050000000600000000000000"
	"4800000000000000b2d6c8e970eb674c"
	"8af55a7aa93e6ae70000000000000000"
	"fe8fc1c948b23841b5e6a0bcefd1d306"
	"00000000000000000000000000000000"
	"5c0031003800300039002e0034003000"
	"32002e007600680064000000";

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned x;

	while (s[0] && s[1] && sscanf(s, "%2x", &x) == 1) {
		out[n++] = (uint8_t)x;
		s += 2;
	}
	return n;
}

static void
params(struct bcd_boot_params *p, int fw)
{
	memset(p, 0, sizeof(*p));
	p->firmware = fw;
	p->description = "Windows 10 (test)";
	p->system.style = BCD_PART_MBR;
	p->system.mbr_signature = 0x1234abcd;
	p->system.mbr_offset = 1048576;
	p->os = p->system;
	p->os.mbr_offset = 2097152;
}

static bcd_store_t *
build(const struct bcd_boot_params *p, bcd_store_t *tmpl, bcd_store_t *old,
      struct bcd_boot_result *res)
{
	bcd_store_t *s = NULL;
	char err[512] = "";

	ck_assert_msg(tb_boot_build(&s, "test:\\BCD", tmpl, old, p, res, err, sizeof(err)) == 0,
		      "%s", err);
	return s;
}

/* A store re-opened from its own bytes, as bcdboot reads an existing one. */
static bcd_store_t *
reopen(bcd_store_t *s)
{
	bcd_store_t *o = NULL;
	uint8_t *img = NULL;
	size_t len = 0;
	hive_t *h = NULL;
	char err[256] = "";

	bk_assert_ok(s, bcd_store_serialize(s, NULL, 0, &img, &len));
	ck_assert_msg(th_open_image(&h, img, len, "old", NULL, 0, 0, err, sizeof(err)) == 0,
		      "%s", err);
	bk_assert_ok(err, tb_store_open_hive(&o, h, "old", 0, err, sizeof(err)));
	free(img);
	return o;
}

static void
guid_of(bcd_store_t *s, const bcd_guid_t *obj, uint32_t el, bcd_guid_t *out)
{
	struct bcd_value v;

	bk_assert_ok(s, bcd_element_get(s, obj, el, &v));
	ck_assert_uint_eq(v.n_guids, 1);
	*out = v.guids[0];
	bcd_value_free(&v);
}

START_TEST(vhd_device_is_windows_layout)
{
	struct bcd_boot_params p;
	uint8_t want[256], *got = NULL;
	size_t n, len = 0;

	params(&p, BCD_BOOT_UEFI);
	p.os.mbr_signature = 0xa3f1d6df;
	p.os.mbr_offset = 0x100000;
	p.vhd_path = "\\1809.402.vhd";
	p.vhd_host.style = BCD_PART_GPT;
	bk_assert_ok_plain(bcd_guid_parse("{e9c8d6b2-eb70-4c67-8af5-5a7aa93e6ae7}", &p.vhd_host.gpt_part));
	bk_assert_ok_plain(bcd_guid_parse("{c9c18ffe-b248-4138-b5e6-a0bcefd1d306}", &p.vhd_host.gpt_disk));
	n = unhex(golden_vhd, want);
	ck_assert_uint_eq(n, 204);
	bk_assert_ok_plain(bcd_boot_os_device(&p, &got, &len));
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(got, want, n);
	free(got);
	p.vhd_path = "1809.vhd";
	ck_assert_int_eq(bcd_boot_os_device(&p, &got, &len), -BK_EINVAL);
}
END_TEST

START_TEST(objects_and_links)
{
	struct bcd_boot_params p;
	struct bcd_boot_result r;
	bcd_guid_t bm, def, res, mem;
	struct bcd_value v;
	uint8_t *dev, *want;
	size_t dlen, wlen;
	uint32_t type;
	bcd_store_t *s;

	params(&p, BCD_BOOT_BIOS);
	s = build(&p, NULL, NULL, &r);
	ck_assert_int_eq(r.replaced, 0);
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	bk_assert_ok_plain(bcd_alias_lookup("{memdiag}", &mem));
	guid_of(s, &bm, BCD_EL_DEFAULT, &def);
	bk_assert_ok_plain(bcd_guid_cmp(&def, &r.loader));
	guid_of(s, &bm, BCD_EL_RESUMEOBJECT, &res);
	bk_assert_ok_plain(bcd_guid_cmp(&res, &r.resume));
	guid_of(s, &r.loader, 0x23000003, &res);
	bk_assert_ok_plain(bcd_guid_cmp(&res, &r.resume));
	bk_assert_ok(s, bcd_object_type(s, &r.resume, &type));
	ck_assert_uint_eq(type, BCD_OBJ_RESUME);
	bk_assert_ok(s, bcd_object_type(s, &mem, &type));
	ck_assert_uint_eq(type, BCD_OBJ_MEMDIAG);
	bk_assert_ok(s, bcd_element_get(s, &r.loader, BCD_EL_DESCRIPTION, &v));
	ck_assert_str_eq(v.string, "Windows 10 (test)");
	bcd_value_free(&v);
	bk_assert_ok(s, bcd_element_get(s, &r.loader, BCD_EL_PATH, &v));
	ck_assert_str_eq(v.string, "\\Windows\\system32\\winload.exe");
	bcd_value_free(&v);
	bk_assert_ok(s, bcd_element_get_raw(s, &r.loader, BCD_EL_OSDEVICE, &dev, &dlen));
	bk_assert_ok_plain(bcd_boot_os_device(&p, &want, &wlen));
	ck_assert_uint_eq(dlen, wlen);
	ck_assert_mem_eq(dev, want, wlen);
	free(dev);
	free(want);
	/* BIOS: no path on {bootmgr}. */
	ck_assert_int_eq(bcd_element_get(s, &bm, BCD_EL_PATH, &v), -BK_ENOTFOUND);
	bcd_store_close(s);
}
END_TEST

START_TEST(rebuild_keeps_guids)
{
	struct bcd_boot_params p;
	struct bcd_boot_result r1, r2;
	bcd_store_t *a, *old, *b;
	size_t nd = 99;

	params(&p, BCD_BOOT_UEFI);
	a = build(&p, NULL, NULL, &r1);
	old = reopen(a);
	b = build(&p, NULL, old, &r2);
	ck_assert_int_eq(r2.replaced, 1);
	bk_assert_ok_plain(bcd_guid_cmp(&r1.loader, &r2.loader));
	bk_assert_ok_plain(bcd_guid_cmp(&r1.resume, &r2.resume));
	bk_assert_ok(bcd_store_hive(a), hive_diff(bcd_store_hive(a), bcd_store_hive(b), NULL, NULL, &nd));
	ck_assert_uint_eq(nd, 0);
	bcd_store_close(a);
	bcd_store_close(b);
	bcd_store_close(old);
}
END_TEST

START_TEST(bad_params)
{
	struct bcd_boot_params p;
	struct bcd_boot_result r;
	bcd_store_t *s = NULL;
	bcd_guid_t id;
	char err[256] = "";

	params(&p, 3);
	ck_assert_int_eq(tb_boot_build(&s, "x", NULL, NULL, &p, &r, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_null(s);
	params(&p, BCD_BOOT_BIOS);
	p.systemroot = "Windows";
	ck_assert_int_eq(tb_boot_build(&s, "x", NULL, NULL, &p, &r, err, sizeof(err)), -BK_EINVAL);
	params(&p, BCD_BOOT_BIOS);
	bk_assert_ok_plain(bcd_alias_lookup("{memdiag}", &id));
	p.flags = BCD_BOOT_MERGE;
	p.merge_id = &id;
	err[0] = '\0';
	ck_assert_int_eq(tb_boot_build(&s, "x", NULL, NULL, &p, &r, err, sizeof(err)), -BK_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err, "not a Windows Boot Loader"));
	ck_assert_ptr_null(s);
	/* Reserved words set (a program built for a newer bcdkit): refused. */
	params(&p, BCD_BOOT_BIOS);
	p.reserved[7] = 1;
	ck_assert_int_eq(tb_boot_build(&s, "x", NULL, NULL, &p, &r, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "reserved"));
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(corpus_template)
{
	const char *corpus = getenv("BK_CORPUS");
	struct bcd_boot_params p;
	struct bcd_boot_result r;
	bcd_store_t *t = NULL, *s;
	bcd_guid_t g, *ids;
	struct bcd_value v;
	uint32_t *types, type;
	size_t n, i;
	char path[4096], err[256];

	if (!corpus)
		return;
	snprintf(path, sizeof(path), "%s/bcd/ms-build-BCDTemplate.HIV", corpus);
	if (tb_store_open(&t, path, 0, err, sizeof(err)) < 0)
		return;   /* corpus absent: nothing to check */
	params(&p, BCD_BOOT_UEFI);
	s = build(&p, t, NULL, &r);
	/* No setup or target-template object, no class-4 element anywhere. */
	bk_assert_ok_plain(bcd_guid_parse("{b012b84d-c47c-4ed5-b722-c0c42163e569}", &g));
	ck_assert_int_eq(bcd_object_type(s, &g, &type), -BK_ENOTFOUND);
	bk_assert_ok_plain(bcd_guid_parse("{cbd971bf-b7b8-4885-951a-fa03044f5d71}", &g));
	ck_assert_int_eq(bcd_object_type(s, &g, &type), -BK_ENOTFOUND);
	bk_assert_ok(s, bcd_store_objects(s, &ids, &n));
	for (i = 0; i < n; i++) {
		size_t k, ne;

		bk_assert_ok(s, bcd_element_list(s, &ids[i], &types, &ne));
		for (k = 0; k < ne; k++)
			ck_assert_uint_ne(BCD_ELEM_CLASS(types[k]), 4);
		free(types);
	}
	free(ids);
	/* The EFI target template's flightsigning is on the loader; winpe is not. */
	bk_assert_ok(s, bcd_element_get(s, &r.loader, 0x1600007e, &v));
	ck_assert_uint_eq(v.integer, 1);
	bcd_value_free(&v);
	ck_assert_int_eq(bcd_element_get(s, &r.loader, 0x26000022, &v), -BK_ENOTFOUND);
	bcd_store_close(s);
	bcd_store_close(t);
}
END_TEST

START_TEST(allocation_failures)
{
	struct bcd_boot_params p;
	struct bcd_boot_result r;
	bcd_store_t *s, *old;
	long k;
	int rc, ok = 0;
	char err[256];

	params(&p, BCD_BOOT_UEFI);
	p.flags = BCD_BOOT_MERGE;
	old = reopen(s = build(&p, NULL, NULL, &r));
	bcd_store_close(s);
	for (k = 0; k < 20000 && !ok; k++) {
		bk_alloc_fail_after = k;
		s = NULL;
		rc = tb_boot_build(&s, "x", NULL, old, &p, &r, err, sizeof(err));
		bk_alloc_fail_after = -1;
		ck_assert_msg(rc == 0 || rc == -BK_ENOMEM, "step %ld: %d %s", k, rc, err);
		ck_assert(rc == 0 ? s != NULL : s == NULL);
		ok = rc == 0;
		bcd_store_close(s);
	}
	ck_assert(ok);
	bcd_store_close(old);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bcdboot");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
