/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hives and stores that are not host files (hive/image.c, bcd/store-image.c):
 * opening from bytes with the logs' bytes (the same replay as hive_open()
 * from the logs beside a file), serialising to the bytes hive_commit()
 * writes, sequence numbers above the logs', hive_commit() refusing a hive
 * that has no file, and BCD stores on such a hive.  Corpus tests skip when
 * $BK_CORPUS is absent.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"
#include "test-hive-open.h"
#include "test-bcd-open.h"
#include "log-test-util.h"

/* A small committed hive in the temporary folder; its bytes. */
static uint8_t *
make_hive(const char *name, size_t *len)
{
	hive_t *h;
	hive_key_t root, k;
	char err[256];

	ck_assert_msg(th_create(&h, tpath(name), NULL, 5, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_add(h, root, "Software", &k));
	bk_assert_ok(h, hive_value_set(h, k, "Name", HIVE_REG_SZ, "a\0\0", 4));
	bk_assert_ok(h, hive_commit(h, 0));
	hive_close(h);
	return slurp(tpath(name), len);
}

static uint32_t
seq_of(const uint8_t *img, size_t len)
{
	struct regf_base b;

	ck_assert(regf_base_read(img, len, &b));
	ck_assert_uint_eq(b.seq1, b.seq2);
	ck_assert_uint_eq(regf_checksum(img), b.checksum);
	return b.seq1;
}

START_TEST(test_open_serialize_roundtrip)
{
	uint8_t *img, *out, *ref;
	size_t len, out_len, ref_len;
	hive_key_t k;
	hive_t *h;
	char err[256];

	log_setup();
	img = make_hive("A", &len);
	ck_assert_msg(th_open_image(&h, img, len, "x.img:1:\\A", NULL, 0, HIVE_OPEN_WRITE,
				      err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_has_file(h));
	ck_assert_ptr_null(hive_log_files(h)[0]);
	bk_assert_ok(h, hive_key_find(h, "Software", &k));
	bk_assert_ok(h, hive_value_set(h, k, "More", HIVE_REG_DWORD, "\1\0\0\0", 4));
	bk_assert_ok(h, hive_serialize(h, NULL, 0, &out, &out_len));
	ck_assert_uint_eq(seq_of(out, out_len), seq_of(img, len) + 1);
	/* The same bytes as a commit of the same edit to a host file. */
	bk_assert_ok(h, hive_commit_to(h, tpath("B"), 0));
	ref = slurp(tpath("B"), &ref_len);
	ck_assert_uint_eq(ref_len, out_len);
	ck_assert_mem_eq(ref + HIVE_BASE_SIZE, out + HIVE_BASE_SIZE, out_len - HIVE_BASE_SIZE);
	ck_assert_uint_eq(seq_of(ref, ref_len), seq_of(out, out_len));
	hive_close(h);
	/* The bytes open as a clean hive with the edit. */
	bk_assert_ok_plain(th_open_buffer(&h, out, out_len, "out", 0, NULL, 0));
	ck_assert_uint_eq(hive_state(h), 0);
	bk_assert_ok(h, hive_key_find(h, "Software", &k));
	bk_assert_ok(h, hive_value_find(h, k, "More", &(hive_value_t){ 0 }));
	hive_close(h);
	free(ref);
	free(out);
	free(img);
	log_teardown();
}
END_TEST

START_TEST(test_commit_refused)
{
	uint8_t *img;
	size_t len;
	hive_t *h;
	char cwd[512];

	log_setup();
	img = make_hive("A", &len);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tmpdir), 0);
	bk_assert_ok_plain(th_open_image(&h, img, len, "x.img:1:\\A", NULL, 0, HIVE_OPEN_WRITE,
					   NULL, 0));
	ck_assert_int_eq(hive_commit(h, 0), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "x.img:1:\\A: opened from an image"));
	ck_assert_int_eq(hive_commit_to(h, "x.img:1:\\A", 0), -BK_EINVAL);
	/* Nothing was made in the current folder under the image path's name. */
	ck_assert_int_ne(access("x.img:1:\\A", F_OK), 0);
	hive_close(h);
	ck_assert_int_eq(chdir(cwd), 0);
	free(img);
	log_teardown();
}
END_TEST

/* A new-format log whose base block says seq (no entries). */
static uint8_t *
fake_log(const uint8_t *img, uint32_t seq, size_t *len)
{
	uint8_t *p = calloc(1, HIVE_LOG_HDR);
	struct regf_base b;

	ck_assert_ptr_nonnull(p);
	memcpy(p, img, HIVE_LOG_HDR);
	ck_assert(regf_base_read(p, HIVE_LOG_HDR, &b));
	b.seq1 = b.seq2 = seq;
	b.file_type = 6;
	regf_base_write(p, &b);
	*len = HIVE_LOG_HDR;
	return p;
}

START_TEST(test_seq_above_logs)
{
	struct hive_log_image logs[2];
	uint8_t *img, *l1, *l2, *out;
	size_t len, l1_len, l2_len, out_len;
	hive_t *h;

	log_setup();
	img = make_hive("A", &len);
	l1 = fake_log(img, 700, &l1_len);
	l2 = fake_log(img, 9, &l2_len);
	logs[0] = (struct hive_log_image){ "A.LOG1", l1, l1_len };
	logs[1] = (struct hive_log_image){ "A.LOG2", l2, l2_len };
	/* A clean primary: the logs are not replayed, but listed. */
	bk_assert_ok_plain(th_open_image(&h, img, len, "A", logs, 2, 0, NULL, 0));
	ck_assert_str_eq(hive_log_files(h)[0], "A.LOG1");
	ck_assert_str_eq(hive_log_files(h)[1], "A.LOG2");
	ck_assert_ptr_null(hive_log_files(h)[2]);
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	/* Read-only handles serialise (an export); the logs set the floor. */
	bk_assert_ok(h, hive_serialize(h, logs, 2, &out, &out_len));
	ck_assert_uint_eq(seq_of(out, out_len), 701);
	/* The handle takes the new base block only when told. */
	ck_assert_uint_eq(seq_of(h->buf, h->len), seq_of(img, len));
	out[HIVE_BASE_SIZE + 40] ^= 1;
	ck_assert_int_eq(hive_serialize_done(h, out, out_len), -BK_EINVAL);
	out[HIVE_BASE_SIZE + 40] ^= 1;
	bk_assert_ok(h, hive_serialize_done(h, out, out_len));
	ck_assert_uint_eq(seq_of(h->buf, h->len), 701);
	hive_close(h);
	free(out);
	free(l1);
	free(l2);
	free(img);
	log_teardown();
}
END_TEST

static void
collect_note(void *data, const char *msg)
{
	char *buf = data;

	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", msg);
}

/* NewDirtyHive's logs given as bytes replay as hive_open() replays them. */
START_TEST(test_dirty_replay_matches_open)
{
	struct hive_log_image logs[2];
	uint8_t *img, *l1, *l2, *out;
	size_t len, l1_len, l2_len, out_len, nd = 1;
	char notes[1024] = "";
	hive_t *h, *ref;

	NEED_CORPUS(NDH "NewDirtyHive");
	img = slurp(corpus(NDH "NewDirtyHive"), &len);
	l1 = slurp(corpus(NDH "NewDirtyHive.LOG1"), &l1_len);
	l2 = slurp(corpus(NDH "NewDirtyHive.LOG2"), &l2_len);
	logs[0] = (struct hive_log_image){ "NewDirtyHive.LOG1", l1, l1_len };
	logs[1] = (struct hive_log_image){ "NewDirtyHive.LOG2", l2, l2_len };
	bk_assert_ok_plain(th_open_image(&h, img, len, "d.img:2:\\NewDirtyHive", logs, 2,
					   HIVE_OPEN_WRITE, NULL, 0));
	ck_assert(hive_state(h) & HIVE_STATE_RECOVERED);
	ck_assert(!(hive_state(h) & (HIVE_STATE_DIRTY_NO_LOGS | HIVE_STATE_DIRTY_SEQ)));
	hive_set_msg_cb(h, collect_note, notes);
	ck_assert_msg(strstr(notes, "d.img:2:\\NewDirtyHive: dirty hive recovered in memory") &&
		      strstr(notes, "4 entries, last sequence number 5"), "%s", notes);
	bk_assert_ok_plain(th_open(&ref, corpus(NDH "NewDirtyHive"), 0, NULL, 0));
	bk_assert_ok(ref, hive_diff(ref, h, NULL, NULL, &nd));
	ck_assert_uint_eq(nd, 0);
	bk_assert_ok(h, hive_serialize(h, logs, 2, &out, &out_len));
	ck_assert_uint_gt(seq_of(out, out_len), 5);
	free(out);
	hive_close(ref);
	hive_close(h);
	/* hive_recover_buffer() gives what hive_recover_image() gives for the file. */
	{
		struct hive_recover_report r1, r2;
		uint8_t *a, *b;
		size_t al, bl;
		char err[256];

		ck_assert_msg(th_recover_buffer(img, len, "d", logs, 2, &a, &al, &r1, err,
						  sizeof(err)) == 0, "%s", err);
		bk_assert_ok_plain(th_recover_image(corpus(NDH "NewDirtyHive"), &b, &bl, &r2,
						      NULL, 0));
		ck_assert(r1.dirty && r2.dirty);
		ck_assert_uint_eq(r1.entries, r2.entries);
		ck_assert_uint_eq(al, bl);
		ck_assert_mem_eq(a, b, al);
		free(a);
		free(b);
		ck_assert_int_eq(th_recover_buffer(img, len, "d", NULL, 0, &a, &al, &r1, err,
						     sizeof(err)), -BK_ELOG);
		ck_assert_ptr_null(a);
		ck_assert_msg(strstr(err, "d: dirty hive") != NULL, "%s", err);
	}
	/* Without the logs: opened as found, dirty, and never serialised. */
	bk_assert_ok_plain(th_open_image(&h, img, len, "d", NULL, 0, HIVE_OPEN_WRITE, NULL, 0));
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	ck_assert_int_eq(hive_serialize(h, NULL, 0, &out, &out_len), -BK_EDIRTY);
	ck_assert_ptr_null(out);
	hive_close(h);
	/* HIVE_OPEN_NO_LOGS: the logs are given but not read. */
	bk_assert_ok_plain(th_open_image(&h, img, len, "d", logs, 2, HIVE_OPEN_NO_LOGS, NULL, 0));
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	hive_close(h);
	free(l1);
	free(l2);
	free(img);
}
END_TEST

START_TEST(test_bad_bytes)
{
	uint8_t junk[8192] = { 0 };
	char err[256];
	hive_t *h;

	ck_assert_int_eq(th_open_image(&h, junk, sizeof(junk), "u.img:1:\\Boot\\BCD", NULL, 0,
					 0, err, sizeof(err)), -BK_ECORRUPT);
	ck_assert_ptr_null(h);
	ck_assert_msg(strstr(err, "u.img:1:\\Boot\\BCD: not a registry hive") != NULL, "%s", err);
}
END_TEST

/* A BCD store read out of an image: open on the hive, edit, serialise. */
START_TEST(test_bcd_store_on_hive)
{
	bcd_store_t *s;
	bcd_guid_t id, got;
	uint8_t *img, *out;
	size_t len, out_len;
	char err[256];
	char cwd[512];
	hive_t *h;

	log_setup();
	/* A commit that wrongly wrote a host file would write it here. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tmpdir), 0);
	bk_assert_ok(err, tb_store_create(tpath("BCD"), err, sizeof(err)));
	img = slurp(tpath("BCD"), &len);
	bk_assert_ok_plain(th_open_image(&h, img, len, "u.img:1:\\Boot\\BCD", NULL, 0,
					   HIVE_OPEN_WRITE, NULL, 0));
	ck_assert_msg(tb_store_open_hive(&s, h, "u.img:1:\\Boot\\BCD", BCD_OPEN_WRITE,
					  err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_eq(bcd_store_hive(s), h);
	bk_assert_ok(s, bcd_object_create(s, NULL, BCD_OBJ_OSLOADER, &id));
	ck_assert_int_eq(bcd_store_commit(s), -BK_EINVAL);
	bk_assert_ok(s, bcd_store_serialize(s, NULL, 0, &out, &out_len));
	/* /export of such a store writes its bytes, not a copy of a host file. */
	bk_assert_ok(s, bcd_store_export(s, tpath("exported")));
	bcd_store_close(s);
	bk_assert_ok_plain(th_open_image(&h, out, out_len, "again", NULL, 0, 0, NULL, 0));
	bk_assert_ok(h, tb_store_open_hive(&s, h, "again", 0, NULL, 0));
	bk_assert_ok(s, bcd_store_resolve(s, bcd_guid_format(&id, (char[BCD_GUID_STRLEN]){ 0 }),
					  &got));
	bk_assert_ok(s, bcd_object_type(s, &id, &(uint32_t){ 0 }));
	bcd_store_close(s);
	bk_assert_ok(err, tb_store_open(&s, tpath("exported"), 0, err, sizeof(err)));
	bk_assert_ok(s, bcd_object_type(s, &id, &(uint32_t){ 0 }));
	bcd_store_close(s);
	ck_assert_int_ne(access("u.img:1:\\Boot\\BCD", F_OK), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	free(out);
	free(img);
	log_teardown();
}
END_TEST

START_TEST(test_bcd_not_a_store)
{
	uint8_t *img;
	size_t len;
	char err[256];
	bcd_store_t *s;
	hive_t *h;

	log_setup();
	img = make_hive("A", &len);
	bk_assert_ok_plain(th_open_image(&h, img, len, "u.img:1:\\A", NULL, 0, 0, NULL, 0));
	ck_assert_int_eq(tb_store_open_hive(&s, h, "u.img:1:\\A", 0, err, sizeof(err)),
			 -BK_ECORRUPT);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "u.img:1:\\A: not a BCD store (no Objects key)");
	hive_close(h);     /* still the caller's */
	free(img);
	log_teardown();
}
END_TEST

/* hive_commit() of an image hive goes through its hive_image_io. */
struct fake_store {
	uint8_t *img;
	size_t len;
	int fail;                  /* return this instead of storing */
	int calls, released;
};

static int
fake_commit(void *data, hive_t *h, unsigned flags, char *err, size_t errlen)
{
	struct fake_store *f = data;
	int rc;

	(void)flags;
	f->calls++;
	if (f->fail) {
		snprintf(err, errlen, "x.img:1:\\A: the volume said no");
		return f->fail;
	}
	free(f->img);
	if ((rc = hive_serialize(h, NULL, 0, &f->img, &f->len)) < 0)
		return rc;
	return hive_serialize_done(h, f->img, f->len);
}

static void
fake_release(void *data)
{
	((struct fake_store *)data)->released++;
}

static const struct hive_image_io fake_io = { fake_commit, fake_release };

START_TEST(test_image_io_commit)
{
	struct fake_store f = { NULL, 0, -BK_EIO, 0, 0 };
	uint8_t *img;
	size_t len;
	hive_key_t k;
	hive_t *h;

	log_setup();
	img = make_hive("A", &len);
	bk_assert_ok_plain(th_open_image(&h, img, len, "x.img:1:\\A", NULL, 0, HIVE_OPEN_WRITE,
					   NULL, 0));
	hive_set_image_io(h, &fake_io, &f);
	bk_assert_ok(h, hive_key_find(h, "Software", &k));
	bk_assert_ok(h, hive_value_set(h, k, "More", HIVE_REG_DWORD, "\1\0\0\0", 4));
	ck_assert_int_eq(hive_commit(h, 0), -BK_EIO);
	ck_assert_str_eq(hive_last_error(h), "x.img:1:\\A: the volume said no");
	f.fail = 0;
	bk_assert_ok(h, hive_commit(h, 0));
	ck_assert_int_eq(f.calls, 2);
	ck_assert_uint_eq(seq_of(f.img, f.len), seq_of(img, len) + 1);
	ck_assert_uint_eq(seq_of(h->buf, h->len), seq_of(img, len) + 1);
	ck_assert_int_eq(f.released, 0);
	hive_close(h);
	ck_assert_int_eq(f.released, 1);
	/* A read-only image hive is refused before the callback runs. */
	bk_assert_ok_plain(th_open_image(&h, img, len, "x", NULL, 0, 0, NULL, 0));
	hive_set_image_io(h, &fake_io, &f);
	ck_assert_int_eq(hive_commit(h, 0), -BK_EREADONLY);
	ck_assert_int_eq(f.calls, 2);
	hive_close(h);
	ck_assert_int_eq(f.released, 2);
	free(f.img);
	free(img);
	log_teardown();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hive-image");
	TCase *tc = tcase_create("image");
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
