/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store layer: a new store, objects and elements through the API,
 * quirks of real stores (valueless element keys, a root not named
 * NewStoreRoot, junk KeyName), {default}/{current}, and allocation
 * failures: every failing step returns -BK_ENOMEM and leaves the file as
 * it was.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "test-bcd-open.h"
#include "bcdedit-enum.h"
#include "bk-alloc.h"
#include "test-tmpdir.h"

static char dir[] = "/tmp/test-bcd-store-XXXXXX";
static char path[256];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/BCD", dir);
}

static void
teardown(void)
{
	test_rmtree(dir);
	strcpy(dir, "/tmp/test-bcd-store-XXXXXX");
}

static bcd_store_t *
open_w(void)
{
	bcd_store_t *s;
	char err[300] = "";

	ck_assert_msg(tb_store_open(&s, path, BCD_OPEN_WRITE, err, sizeof(err)) == 0, "%s", err);
	return s;
}

static uint8_t *
slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	uint8_t *b = malloc(1 << 20);

	ck_assert_ptr_nonnull(f);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/*
 * The store handle comes first: a failed open leaves it empty with the
 * detail naming the file once, and it can be opened again; an open into a
 * handle that holds a store is refused.  Store errors name the file once.
 */
START_TEST(handle_first_open)
{
	bcd_store_t *s = bcd_store_new();
	bcd_guid_t id;
	char want[600];
	const char *msg, *p;
	hive_t *h;

	ck_assert_ptr_nonnull(s);
	bk_assert_ok(s, bcd_store_create(s, path));
	ck_assert_int_eq(bcd_store_create(s, path), -BK_EEXIST);
	snprintf(want, sizeof(want), "%s: already exists", path);
	ck_assert_str_eq(bcd_last_error(s), want);
	/* A hive without an Objects key is no store. */
	bk_assert_ok_plain(th_create(&h, NULL, "R", 5, NULL, 0));
	ck_assert_int_eq(bcd_store_open_hive(s, h, "nostore", 0), -BK_ECORRUPT);
	ck_assert_str_eq(bcd_last_error(s), "nostore: not a BCD store (no Objects key)");
	hive_close(h);
	bk_assert_ok(s, bcd_store_open(s, path, BCD_OPEN_WRITE));
	ck_assert_int_eq(bcd_store_open(s, path, 0), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(bcd_last_error(s), "already holds a store"));
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &id));
	ck_assert_int_eq(bcd_object_delete(s, &id), -BK_ENOTFOUND);
	msg = bcd_last_error(s);
	ck_assert_msg(strncmp(msg, path, strlen(path)) == 0 && msg[strlen(path)] == ':', "%s", msg);
	p = strstr(msg + 1, path);
	ck_assert_msg(p == NULL, "%s", msg);
	bcd_store_close(s);
}
END_TEST

START_TEST(create_and_edit)
{
	bcd_store_t *s;
	bcd_guid_t bm, id, cp, *ids;
	uint32_t type, *types;
	size_t n;
	struct bcd_value v;
	char err[200];

	bk_assert_ok(err, tb_store_create(path, err, sizeof(err)));
	ck_assert_int_eq(tb_store_create(path, err, sizeof(err)), -BK_EEXIST);
	s = open_w();
	bk_assert_ok(s, bcd_store_objects(s, &ids, &n));
	ck_assert_uint_eq(n, 0);
	free(ids);
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	bk_assert_ok(s, bcd_object_create(s, &bm, BCD_OBJ_BOOTMGR, NULL));
	ck_assert_int_eq(bcd_object_create(s, &bm, BCD_OBJ_BOOTMGR, NULL), -BK_EEXIST);
	bk_assert_ok(s, bcd_object_create(s, NULL, BCD_OBJ_OSLOADER, &id));
	bk_assert_ok(s, bcd_set_text(s, &id, "description", "Loader", NULL));
	ck_assert_int_eq(bcd_set_text(s, &bm, "default", "{11111111-1111-1111-1111-111111111111}",
				      NULL), -BK_ENOTFOUND);
	bk_assert_ok(s, bcd_list_edit(s, &bm, BCD_EL_DISPLAYORDER, &id, 1, BCD_LIST_ADDLAST));
	ck_assert_int_eq(bcd_store_resolve(s, "{default}", &cp), -BK_ENOTFOUND);
	bk_assert_ok(s, bcd_set_text(s, &bm, "default", "{bootmgr}", NULL));
	bk_assert_ok(s, bcd_store_commit(s));
	bcd_store_close(s);

	s = open_w();
	bk_assert_ok(s, bcd_store_objects(s, &ids, &n));
	ck_assert_uint_eq(n, 2);
	bk_assert_ok(s, bcd_object_type(s, &ids[0], &type));
	ck_assert_uint_eq(type, BCD_OBJ_BOOTMGR);   /* sorted by type */
	free(ids);
	bk_assert_ok(s, bcd_element_get(s, &bm, BCD_EL_DISPLAYORDER, &v));
	ck_assert_uint_eq(v.n_guids, 1);
	bk_assert_ok_plain(bcd_guid_cmp(&v.guids[0], &id));
	bcd_value_free(&v);
	bk_assert_ok(s, bcd_store_resolve(s, "{default}", &id));
	bk_assert_ok_plain(bcd_guid_cmp(&id, &bm));
	/* {current} is {default} until set. */
	bk_assert_ok(s, bcd_store_resolve(s, "{current}", &id));
	bk_assert_ok_plain(bcd_guid_cmp(&id, &bm));
	bk_assert_ok(s, bcd_element_list(s, &bm, &types, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(types[0], BCD_EL_DEFAULT);
	ck_assert_uint_eq(types[1], BCD_EL_DISPLAYORDER);
	free(types);
	ck_assert_int_eq(bcd_store_resolve(s, "{ae5534e0-a924-466c-b836-758539a3ee3}", &id),
			 -BK_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(bcd_last_error(s), "not a valid GUID"));
	bcd_store_close(s);
}
END_TEST

/* An element key without a value (as templates leave them) is not listed. */
START_TEST(valueless_element)
{
	hive_t *h;
	hive_key_t k;
	bcd_store_t *s;
	bcd_guid_t bm;
	uint32_t *types;
	size_t n;
	char err[200];

	bk_assert_ok(err, tb_store_create(path, err, sizeof(err)));
	s = open_w();
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	bk_assert_ok(s, bcd_object_create(s, &bm, BCD_OBJ_BOOTMGR, NULL));
	bk_assert_ok(s, bcd_set_text(s, &bm, "timeout", "5", NULL));
	bk_assert_ok(s, bcd_store_commit(s));
	bcd_store_close(s);
	bk_assert_ok(err, th_open(&h, path, HIVE_OPEN_WRITE, err, sizeof(err)));
	bk_assert_ok(h, hive_key_create_path(h, "Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}"
					     "\\Elements\\23000003", &k));
	bk_assert_ok(h, hive_commit(h, 0));
	hive_close(h);
	s = open_w();
	bk_assert_ok(s, bcd_element_list(s, &bm, &types, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(types[0], BCD_EL_TIMEOUT);
	free(types);
	ck_assert_int_eq(bcd_store_resolve(s, "{default}", &bm), -BK_ENOTFOUND);
	/* Setting it fills the existing key. */
	bk_assert_ok(s, bcd_set_text(s, &bm, "default", "{bootmgr}", NULL));
	bcd_store_close(s);
}
END_TEST

/* Install media: root "System", junk KeyName, 1- and 3-byte integers. */
START_TEST(install_media_quirks)
{
	const char *c = getenv("BK_CORPUS");
	char p[4096], err[200], *text = NULL;
	bcd_store_t *s;

	if (!c)
		return;
	snprintf(p, sizeof(p), "%s/bcd/install-media-bcd", c);
	if (access(p, R_OK) != 0)
		return;
	ck_assert_msg(tb_store_open(&s, p, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(s, bcdedit_enum(s, p, ENUM_ALL, NULL, NULL, 0, &text));
	ck_assert_ptr_nonnull(strstr(text, "\ntimeout                 30\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nbaudrate                115200\n"));
	free(text);
	/* Read-only handles refuse edits. */
	ck_assert_int_eq(bcd_set_text(s, &(bcd_guid_t){ { 0 } }, "timeout", "1", NULL),
			 -BK_ENOTFOUND);
	ck_assert_int_eq(bcd_store_commit(s), -BK_EREADONLY);
	bcd_store_close(s);
}
END_TEST

/* The store after the edit of out_of_memory: the device and a copy. */
static bool
complete_new_store(const bcd_guid_t *bm)
{
	bcd_store_t *s;
	bcd_guid_t *ids = NULL;
	uint8_t *d = NULL;
	size_t n = 0, len;
	char err[200], *t = NULL;
	bool ok;

	if (tb_store_open(&s, path, 0, err, sizeof(err)) < 0)
		return false;
	ok = bcd_store_objects(s, &ids, &n) == 0 && n == 2 &&
	     bcd_element_get_raw(s, bm, BCD_EL_DEVICE, &d, &len) == 0 &&
	     bcd_device_to_text(d, len, BCD_EL_DEVICE, NULL, 0, &t) == 0 &&
	     strcmp(t, "partition=mbr:1234abcd:1048576") == 0;
	free(t);
	free(d);
	free(ids);
	bcd_store_close(s);
	return ok;
}

START_TEST(out_of_memory)
{
	bcd_store_t *s;
	bcd_guid_t bm, cp;
	uint8_t *before, *after;
	size_t nb, na;
	char err[200];
	long k;
	int rc;

	bk_assert_ok(err, tb_store_create(path, err, sizeof(err)));
	s = open_w();
	bk_assert_ok_plain(bcd_alias_lookup("{bootmgr}", &bm));
	bk_assert_ok(s, bcd_object_create(s, &bm, BCD_OBJ_BOOTMGR, NULL));
	bk_assert_ok(s, bcd_set_text(s, &bm, "description", "Windows Boot Manager", NULL));
	bk_assert_ok(s, bcd_store_commit(s));
	bcd_store_close(s);
	before = slurp(path, &nb);
	for (k = 0; ; k++) {
		bool written = false;

		bk_alloc_fail_after = k;
		rc = tb_store_open(&s, path, BCD_OPEN_WRITE, err, sizeof(err));
		if (rc == 0) {
			rc = bcd_set_text(s, &bm, "device", "partition=mbr:1234abcd:1048576", NULL);
			if (rc == 0)
				rc = bcd_object_copy(s, &bm, &cp);
			if (rc == 0) {
				rc = bcd_store_commit(s);
				written = rc < 0;
			}
			bcd_store_close(s);
		}
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "step %ld: %d", k, rc);
		after = slurp(path, &na);
		if (written && !(na == nb && memcmp(before, after, nb) == 0)) {
			/* A commit may fail after the new file is in place (the
			 * folder fsync, emptying stale logs): then the file must
			 * be the complete new store.  Put the old one back. */
			FILE *f;

			ck_assert_msg(complete_new_store(&bm), "step %ld: a half-written store", k);
			f = fopen(path, "wb");
			ck_assert_uint_eq(fwrite(before, 1, nb, f), nb);
			fclose(f);
		} else {
			ck_assert_msg(na == nb && memcmp(before, after, nb) == 0,
				      "step %ld changed the file", k);
		}
		free(after);
	}
	ck_assert_int_gt(k, 5);
	after = slurp(path, &na);
	ck_assert_int_ne(na == nb && memcmp(before, after, nb) == 0, 1);
	free(after);
	free(before);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bcd-store");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
