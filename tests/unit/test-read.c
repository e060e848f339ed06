/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reader on fixtures made by scripts/mkhive.py (independent of bcdkit):
 * every record kind, inline and big data, lf and lh lists, paths, and the
 * damaged variants (bad checksum, dirty sequence numbers, a cell crossing
 * its hbin, a truncated file), including allocation failures on open, and
 * a hive whose keys form a loop, read-only to a full open.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "bk-alloc.h"

static char path_buf[4096];

static const char *
fixture(const char *name)
{
	const char *dir = getenv("BK_FIXTURES");

	snprintf(path_buf, sizeof(path_buf), "%s/%s.hiv", dir ? dir : "fixtures", name);
	return path_buf;
}

static hive_t *
open_ok(const char *name, unsigned flags)
{
	char err[600];
	hive_t *h;
	int rc = th_open(&h, fixture(name), flags, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s: %s", name, err);
	return h;
}

/* Data of KEY\VALUE; caller frees. */
static uint8_t *
get(hive_t *h, const char *key, const char *val, size_t *len, uint32_t *type)
{
	hive_key_t k;
	hive_value_t v;
	uint8_t *d;

	ck_assert_msg(hive_key_find(h, key, &k) == 0, "%s", hive_last_error(h));
	ck_assert_msg(hive_value_find(h, k, val, &v) == 0, "%s", hive_last_error(h));
	bk_assert_ok(h, hive_value_type(h, v, type));
	ck_assert_msg(hive_value_data(h, v, &d, len) == 0, "%s", hive_last_error(h));
	return d;
}

START_TEST(sample_values)
{
	hive_t *h = open_ok("sample", 0);
	uint32_t type, dw;
	size_t len;
	uint8_t *d;
	char *s, **v;

	d = get(h, "Software\\Vendor\\App", "Version", &len, &type);
	ck_assert_uint_eq(type, HIVE_REG_SZ);
	bk_assert_ok_plain(hive_decode_string(d, len, &s));
	ck_assert_str_eq(s, "1.2.3");
	free(s);
	free(d);
	d = get(h, "HKLM\\SOFTWARE\\software\\VENDOR\\app", "count", &len, &type);
	bk_assert_ok_plain(hive_decode_dword(type, d, len, &dw));
	ck_assert_uint_eq(dw, 42);
	free(d);
	d = get(h, "Software\\Vendor\\App", "Paths", &len, &type);
	bk_assert_ok_plain(hive_decode_multi_string(d, len, &v));
	ck_assert_str_eq(v[0], "C:\\a");
	ck_assert_str_eq(v[1], "D:\\b");
	hive_free_strv(v);
	free(d);
	d = get(h, "Software\\Vendor\\App", "@", &len, &type);
	ck_assert_uint_eq(len, 26);
	free(d);
	ck_assert_uint_eq(hive_state(h), 0);
	hive_close(h);
}
END_TEST

START_TEST(sample_keys)
{
	hive_t *h = open_ok("sample", 0);
	hive_key_t root, k, *subs;
	struct hive_key_info info;
	struct hive_stats st;
	size_t n;
	char *name, *path;

	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_name(h, root, &name));
	ck_assert_str_eq(name, "DemoRoot");
	free(name);
	/* Filled structs have their reserved words zeroed (libbcdkit(3)). */
	memset(&info, 0xA5, sizeof(info));
	bk_assert_ok(h, hive_key_info(h, root, &info));
	for (size_t i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		ck_assert_uint_eq(info.reserved[i], 0);
	memset(&st, 0xA5, sizeof(st));
	bk_assert_ok(h, hive_get_stats(h, &st));
	for (size_t i = 0; i < sizeof(st.reserved) / sizeof(st.reserved[0]); i++)
		ck_assert_uint_eq(st.reserved[i], 0);
	bk_assert_ok(h, hive_key_find(h, "Software", &k));
	bk_assert_ok(h, hive_key_subkeys(h, k, &subs, &n));
	ck_assert_uint_eq(n, 3);
	/* Sorted by Windows upper-case order: VENDOR < ÄPFEL < €URO. */
	bk_assert_ok(h, hive_key_name(h, subs[0], &name));
	ck_assert_str_eq(name, "Vendor");
	free(name);
	bk_assert_ok(h, hive_key_path(h, subs[2], &path));
	ck_assert_str_eq(path, "Software\\\xE2\x82\xACuro");
	free(path);
	free(subs);
	bk_assert_ok(h, hive_key_find(h, "software\\\xC3\xA4PFEL", &k));
	ck_assert_int_eq(hive_key_find(h, "Software\\Nope", &k), -BK_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "not found"));
	hive_close(h);
}
END_TEST

/* The allocating accessors and the ones that fill a caller's buffer agree
 * on every key and value of the tree; a small buffer gets -BK_ETOOBIG and
 * the size that is enough. */
static int
same_names_cb(hive_t *h, hive_key_t k, int depth, void *data)
{
	hive_value_t *vals, vbuf[64];
	size_t n, nv, i, len;
	char buf[4096], *name;

	(void)depth;
	++*(int *)data;
	bk_assert_ok(h, hive_key_name(h, k, &name));
	bk_assert_ok(buf, hive_key_name_to(h, k, buf, sizeof(buf), &len));
	ck_assert_str_eq(buf, name);
	ck_assert_uint_eq(len, strlen(name));
	ck_assert_int_eq(hive_key_name_to(h, k, buf, len, &n), -BK_ETOOBIG);
	ck_assert_uint_ge(n, len + 1);
	bk_assert_ok(buf, hive_key_name_to(h, k, buf, n, &len));
	ck_assert_str_eq(buf, name);
	free(name);
	bk_assert_ok(h, hive_key_values(h, k, &vals, &n));
	bk_assert_ok(h, hive_key_values_to(h, k, vbuf, 64, &nv));
	ck_assert_uint_eq(nv, n);
	if (n > 0) {
		ck_assert_int_eq(hive_key_values_to(h, k, vbuf, n - 1, &nv), -BK_ETOOBIG);
		ck_assert_uint_eq(nv, n);
	}
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(vbuf[i], vals[i]);
		bk_assert_ok(h, hive_value_name(h, vals[i], &name));
		bk_assert_ok(buf, hive_value_name_to(h, vals[i], buf, sizeof(buf), &len));
		ck_assert_str_eq(buf, name);
		ck_assert_uint_eq(len, strlen(name));
		free(name);
	}
	free(vals);
	return 0;
}

START_TEST(names_into_buffers)
{
	hive_t *h = open_ok("sample", 0);
	hive_key_t root;
	int keys = 0;

	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_walk(h, root, same_names_cb, &keys));
	ck_assert_int_ge(keys, 5);
	hive_close(h);
}
END_TEST

/* hive_decode_string_to() writes what hive_decode_string() returns: valid
 * UTF-16 straight, an unpaired surrogate (and then a literal "{U+") escaped. */
START_TEST(decode_string_into_buffer)
{
	static const struct { const char *bytes; size_t len; const char *want; } cases[] = {
		{ "a\0b\0\0\0z\0", 8, "ab" },
		{ "\xe4\0\xac\x20", 4, "\xC3\xA4\xE2\x82\xAC" },
		{ "=\xd8\0\xde", 4, "\xF0\x9F\x98\x80" },                 /* U+1F600 */
		{ "{\0U\0+\0", 6, "{U+" },
		{ "{\0U\0+\0\0\xd8", 8, "{U+007B}U+{U+D800}" },
		{ "x\0y", 3, "x" },
	};
	char buf[64], *s;
	size_t i, len, need;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const uint8_t *d = (const uint8_t *)cases[i].bytes;
		bk_assert_ok_plain(hive_decode_string(d, cases[i].len, &s));
		ck_assert_str_eq(s, cases[i].want);
		bk_assert_ok(buf, hive_decode_string_to(d, cases[i].len, buf, sizeof(buf), &len));
		ck_assert_str_eq(buf, s);
		ck_assert_uint_eq(len, strlen(s));
		free(s);
		ck_assert_int_eq(hive_decode_string_to(d, cases[i].len, buf, 2, &need), -BK_ETOOBIG);
		ck_assert_uint_eq(need, HIVE_DECODE_STRING_MAX(cases[i].len));
	}
}
END_TEST

START_TEST(big_and_inline_data)
{
	hive_t *h = open_ok("big-data", 0);
	static const size_t sizes[] = { 40000, 16344, 0, 1, 4, 5 };
	static const char *const names[] = { "big", "edge", "zero", "one", "four", "five" };
	uint32_t type;
	size_t len, i;
	uint8_t *d;

	for (i = 0; i < 6; i++) {
		d = get(h, "K", names[i], &len, &type);
		ck_assert_uint_eq(len, sizes[i]);
		if (i == 0)
			ck_assert(d[0] == 0x5a && d[39999] == 0x5a && d[16344] == 0x5a);
		if (i == 4)
			ck_assert(d[0] == 1 && d[3] == 4);
		free(d);
	}
	hive_close(h);
}
END_TEST

START_TEST(minor3_lf_and_plain_big_cell)
{
	hive_t *h = open_ok("minor3-lf", 0);
	struct hive_header hd;
	hive_key_t root, *subs;
	uint32_t type;
	size_t len, n;
	uint8_t *d;
	char *name;

	bk_assert_ok(h, hive_get_header(h, &hd));
	ck_assert_uint_eq(hd.minor, 3);
	d = get(h, "zeta", "plain", &len, &type);
	ck_assert_uint_eq(len, 20000);
	ck_assert_uint_eq(d[19999], 0x33);
	free(d);
	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_subkeys(h, root, &subs, &n));
	ck_assert_uint_eq(n, 3);
	bk_assert_ok(h, hive_key_name(h, subs[0], &name));
	ck_assert_str_eq(name, "alpha");
	free(name);
	free(subs);
	hive_close(h);
}
END_TEST

START_TEST(dirty_but_readable)
{
	hive_t *h = open_ok("bad-checksum", HIVE_OPEN_NO_LOGS);
	hive_key_t k;

	ck_assert(hive_state(h) & HIVE_STATE_BAD_CHECKSUM);
	bk_assert_ok(h, hive_key_find(h, "A", &k));
	hive_close(h);
	h = open_ok("dirty-seq", HIVE_OPEN_NO_LOGS);
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_SEQ);
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	hive_close(h);
}
END_TEST

START_TEST(damaged_refused)
{
	char err[600];
	hive_t *h;

	ck_assert_int_eq(th_open(&h, fixture("cell-overrun"), 0, err, sizeof(err)), -BK_ECORRUPT);
	ck_assert_ptr_null(h);
	ck_assert_ptr_nonnull(strstr(err, "crosses the end of its hbin"));
	ck_assert_ptr_nonnull(strstr(err, "cell-overrun.hiv"));
	ck_assert_int_eq(th_open(&h, fixture("truncated"), 0, err, sizeof(err)), -BK_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	/* Salvage reads what exists and says so. */
	bk_assert_ok(err, th_open(&h, fixture("truncated"), HIVE_OPEN_SALVAGE, err, sizeof(err)));
	ck_assert(hive_state(h) & HIVE_STATE_TRUNCATED);
	hive_close(h);
	ck_assert_int_eq(th_open(&h, "/nonexistent/hive", 0, err, sizeof(err)), -BK_EIO);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/hive"));
}
END_TEST

START_TEST(buffer_garbage)
{
	static uint8_t junk[8192];
	char err[600];
	hive_t *h;
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	ck_assert_int_eq(th_open_buffer(&h, junk, sizeof(junk), "junk", 0, err, sizeof(err)),
			 -BK_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err, "regf"));
	memcpy(junk, "regf", 4);
	ck_assert_int_lt(th_open_buffer(&h, junk, 100, "short", 0, err, sizeof(err)), 0);
	ck_assert_int_lt(th_open_buffer(&h, junk, sizeof(junk), "junk2", 0, err, sizeof(err)), 0);
}
END_TEST

/* Occurrences of needle in hay. */
static int
count_in(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * The handle comes first: a failed open leaves it empty, its detail naming
 * the file once, and it can be opened again; an open into a handle that
 * holds a hive is refused and the hive stays usable.
 */
START_TEST(handle_first_open)
{
	const char *bad = fixture("cell-overrun");
	hive_t *h = hive_new();
	hive_key_t root;
	char want[4200];

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(hive_open(h, bad, 0), -BK_ECORRUPT);
	snprintf(want, sizeof(want), "%s: ", bad);
	ck_assert_msg(strncmp(hive_last_error(h), want, strlen(want)) == 0, "%s", hive_last_error(h));
	ck_assert_int_eq(count_in(hive_last_error(h), bad), 1);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "crosses the end of its hbin"));
	ck_assert_int_eq(hive_root(h, &root) < 0 || root == 0, 1);
	bk_assert_ok(h, hive_open(h, fixture("sample"), 0));
	bk_assert_ok(h, hive_root(h, &root));
	ck_assert_int_eq(hive_open(h, fixture("sample"), 0), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "already holds a hive"));
	bk_assert_ok(h, hive_root(h, &root));
	hive_close(h);
}
END_TEST

/* Context added to an inner error ("root key ...: <inner>") keeps the
 * file's name once, at the start. */
START_TEST(error_context_names_file_once)
{
	FILE *f = fopen(fixture("sample"), "rb");
	static uint8_t img[1 << 16];
	hive_t *h = hive_new();
	uint32_t root;
	size_t len;

	ck_assert_ptr_nonnull(f);
	len = fread(img, 1, sizeof(img), f);
	fclose(f);
	ck_assert_uint_ge(len, 8192);
	root = (uint32_t)img[0x24] | (uint32_t)img[0x25] << 8 | (uint32_t)img[0x26] << 16 |
	       (uint32_t)img[0x27] << 24;
	img[4096 + root + 4] = 'X';   /* the root's "nk" signature */
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(hive_open_buffer(h, img, len, "rootless", 0), -BK_ECORRUPT);
	ck_assert_msg(strncmp(hive_last_error(h), "rootless: root key at offset", 28) == 0, "%s",
		      hive_last_error(h));
	ck_assert_msg(count_in(hive_last_error(h), "rootless") == 1, "%s", hive_last_error(h));
	hive_close(h);
}
END_TEST

/* Every allocation on the open path may fail: no crash, a clean error. */
START_TEST(open_alloc_failures)
{
	char err[600];
	hive_t *h;
	long n;
	int rc;

	for (n = 0;; n++) {
		bk_alloc_fail_after = n;
		rc = th_open(&h, fixture("sample"), 0, err, sizeof(err));
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: %d %s", n, rc, err);
		ck_assert_ptr_null(h);
	}
	ck_assert_int_gt(n, 2);
	hive_close(h);
}
END_TEST

/*
 * key-loop.hiv: A\B lists the root's subkeys.  Opened in full (not
 * HIVE_OPEN_LAZY), the first edit walks the whole tree, so an edit
 * anywhere is refused, also in D, whose own subtree is sound; a fresh
 * handle per edit, so each one is the first.  Opened lazily, the edit of D
 * walks only D and goes through (what tells the two apart).
 */
enum loop_edit { SET_ROOT, SET_IN_LOOP, SET_SOUND, ADD_SOUND, DEL_SOUND, DELVAL, CLASS, N_EDITS };

static int
loop_edit(hive_t *h, enum loop_edit e)
{
	static const uint32_t one = 1;
	hive_key_t k, out;

	bk_assert_ok(h, hive_key_find(h, e == SET_ROOT ? "" : e == SET_IN_LOOP || e == DELVAL ?
				      "A\\B\\A" : e == DEL_SOUND ? "D\\E" : "D", &k));
	switch (e) {
	case ADD_SOUND:
		return hive_key_add(h, k, "New", &out);
	case DEL_SOUND:
		return hive_key_delete(h, k, 0);
	case DELVAL:
		return hive_value_delete(h, k, "v");
	case CLASS:
		return hive_key_set_class(h, k, (const uint8_t *)"c\0", 2);
	default:
		return hive_value_set(h, k, "x", 4, &one, sizeof(one));
	}
}

START_TEST(key_loop_full_open_read_only)
{
	hive_t *h;
	int e, rc;

	for (e = 0; e < N_EDITS; e++) {
		h = open_ok("key-loop", HIVE_OPEN_WRITE);
		rc = loop_edit(h, (enum loop_edit)e);
		ck_assert_msg(rc == -BK_EREADONLY, "edit %d: %d %s", e, rc, hive_last_error(h));
		ck_assert_msg(strstr(hive_last_error(h), "its keys form a loop"), "edit %d: %s", e,
			      hive_last_error(h));
		/* Read-only for the rest of the handle, commit included. */
		ck_assert_int_eq(loop_edit(h, SET_SOUND), -BK_EREADONLY);
		ck_assert_int_eq(hive_commit(h, 0), -BK_EREADONLY);
		hive_close(h);
	}
	h = open_ok("key-loop", HIVE_OPEN_WRITE | HIVE_OPEN_LAZY);
	ck_assert_msg(loop_edit(h, SET_SOUND) == 0, "lazy, D: %s", hive_last_error(h));
	ck_assert_int_eq(loop_edit(h, SET_IN_LOOP), -BK_EREADONLY);
	hive_close(h);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("read");
	TCase *tc = tcase_create("fixtures");
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
