/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transaction-log replay (hive/log*.c) on the corpus's dirty hives, and on
 * synthetic damaged logs made at test time by copying corpus logs and
 * flipping or truncating bytes (doc/hive-format-notes.md, "New-format
 * logs (HvLE)").  Every test skips with
 * a message when $BK_CORPUS is absent.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "log-test-util.h"
#include "test-hive-open.h"

/* Recompute both hashes of the HvLE entry at pos after an edit. */
static void
rehash(uint8_t *log, size_t pos)
{
	uint32_t size = bk_le32(log + pos + 4);

	bk_put_le64(log + pos + 24, hv_marvin32(HIVE_LOG_MARVIN_SEED, log + pos + 40, size - 40));
	bk_put_le64(log + pos + 32, hv_marvin32(HIVE_LOG_MARVIN_SEED, log + pos, 32));
}

/* File offset of the k-th HvLE entry (0-based). */
static size_t
entry_pos(const uint8_t *log, int k)
{
	size_t pos = 512;

	while (k-- > 0)
		pos += bk_le32(log + pos + 4);
	ck_assert(memcmp(log + pos, "HvLE", 4) == 0);
	return pos;
}

/* NewDirtyHive1 in the temp folder, LOG2 edited by the caller's function. */
static void
ndh_with_log2(void (*edit)(uint8_t *log, size_t len))
{
	size_t len;
	uint8_t *p = slurp(corpus(NDH "NewDirtyHive.LOG2"), &len);

	copy_in(NDH "NewDirtyHive", "NewDirtyHive");
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG1");
	edit(p, len);
	spit(tpath("NewDirtyHive.LOG2"), p, len);
	free(p);
}

/* ---- corpus outcomes (doc/hive-format-notes.md, "Replay outcomes") ------ */

START_TEST(test_new_dirty_hive1)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *want;
	size_t len, wlen;

	NEED_CORPUS(NDH "NewDirtyHive");
	bk_assert_ok(&eb, replay_file(corpus(NDH "NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert(rep.dirty);
	ck_assert_int_eq(rep.format, HIVE_LOG_NEW);
	ck_assert_uint_eq(rep.entries, 4);
	ck_assert_uint_eq(rep.runs, 4);
	ck_assert(rep.have_last_seq);
	ck_assert_uint_eq(rep.last_seq, 5);
	ck_assert_uint_eq(rep.new_seq, 6);
	ck_assert_uint_eq(rep.hbins_after, 0x5000);
	ck_assert(!rep.base_from_log);
	ck_assert_uint_eq(rep.nlogs, 2);
	ck_assert_str_eq(rep.logs[0].name, "NewDirtyHive.LOG1");
	ck_assert_uint_eq(rep.logs[0].entries, 1);
	ck_assert_uint_eq(rep.logs[0].first_seq, 2);
	ck_assert_uint_eq(rep.logs[1].entries, 3);
	ck_assert_uint_eq(rep.logs[1].first_seq, 3);
	ck_assert_uint_eq(rep.logs[1].last_seq, 5);
	want = slurp(corpus(NDH "RecoveredHive_Windows10"), &wlen);
	ck_assert_uint_eq(len, wlen);
	/* Hive bins as Windows 10 recovered them, and with seq 6/6 the whole file. */
	ck_assert(memcmp(img + 4096, want + 4096, len - 4096) == 0);
	ck_assert(memcmp(img, want, len) == 0);
	free(want);
	bk_free(img);
}
END_TEST

START_TEST(test_bad_base_block)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	hive_key_t k;
	hive_t *h;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(BBB "BadBaseBlockHive");
	bk_assert_ok(&eb, replay_file(corpus(BBB "BadBaseBlockHive"), &img, &len, &rep, &eb));
	ck_assert(rep.dirty && rep.bad_checksum);
	ck_assert_int_eq(rep.format, HIVE_LOG_OLD);
	ck_assert(rep.base_from_log);
	ck_assert_uint_eq(rep.pages, 64);
	ck_assert(rep.logs[0].used);
	ck_assert_int_eq(rep.logs[1].format, HIVE_LOG_NONE);   /* the empty LOG2 */
	ck_assert_uint_eq(bk_le32(img + 0x14), 1);
	ck_assert_uint_eq(bk_le32(img + 0x18), 3);
	ck_assert(!hv_image_dirty(img, len));
	bk_assert_ok_plain(th_open_buffer(&h, img, len, "recovered", 0, NULL, 0));
	bk_assert_ok(h, hive_key_find(h, "key_with_many_subkeys", &k));
	hive_close(h);
	bk_free(img);
}
END_TEST

START_TEST(test_bad_log_fails)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *orig;
	size_t len, olen;
	const char *hive = corpus("hive/yarp-BadLogHive1/BadLogHive");

	NEED_CORPUS("hive/yarp-BadLogHive1/BadLogHive");
	orig = slurp(hive, &olen);
	ck_assert_int_eq(replay_file(hive, &img, &len, &rep, &eb), -BK_ELOG);
	ck_assert_msg(strstr(eb.msg, "checksum") != NULL, "%s", eb.msg);
	ck_assert_msg(strstr(eb.msg, "BadLogHive.LOG1") != NULL, "%s", eb.msg);
	ck_assert_uint_eq(len, olen);
	ck_assert(memcmp(img, orig, len) == 0);
	free(orig);
	free(img);
}
END_TEST

START_TEST(test_regipy_transactions)
{
	struct hive_recover_report rep;
	struct hive_stats st;
	struct bk_errbuf eb = { 0 };
	hive_t *h;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(TRX "NTUSER.DAT");
	bk_assert_ok(&eb, replay_file(corpus(TRX "NTUSER.DAT"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.seq1, 567);
	ck_assert_uint_eq(rep.seq2, 566);
	ck_assert_uint_eq(rep.entries, 23);
	ck_assert_uint_eq(rep.runs, 132);
	ck_assert_uint_eq(rep.last_seq, 588);
	ck_assert_uint_eq(rep.hbins_before, 0xbe000);
	ck_assert_uint_eq(rep.hbins_after, 0xe2000);
	ck_assert_str_eq(rep.logs[0].name, "NTUSER.DAT.LOG1");
	ck_assert_uint_eq(rep.logs[0].first_seq, 566);
	ck_assert(!rep.logs[1].used);
	ck_assert_msg(strstr(rep.logs[1].note, "not eligible") != NULL, "%s", rep.logs[1].note);
	bk_assert_ok_plain(th_open_buffer(&h, img, len, "recovered", 0, NULL, 0));
	bk_assert_ok(h, hive_get_stats(h, &st));
	ck_assert_uint_eq(st.keys, 3105);
	ck_assert_uint_eq(st.values, 4695);
	hive_close(h);
	bk_free(img);
}
END_TEST

/* Only LOG2 (starting at 562 < 566): nothing eligible, recovery fails. */
START_TEST(test_regipy_without_log1)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(TRX "NTUSER.DAT");
	copy_in(TRX "NTUSER.DAT", "NTUSER.DAT");
	copy_in(TRX "NTUSER.DAT.LOG2", "NTUSER.DAT.LOG2");
	ck_assert_int_eq(replay_file(tpath("NTUSER.DAT"), &img, &len, &rep, &eb), -BK_ELOG);
	ck_assert_msg(strstr(eb.msg, "not eligible") != NULL, "%s", eb.msg);
	free(img);
}
END_TEST

/* Old-format BCD.LOG, new-format logs and KTM files beside a clean store. */
START_TEST(test_clean_hive_ignores_logs)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *orig;
	size_t len, olen;
	const char *bcd = corpus("bcd/win11-uefi-ktm/BCD");

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	orig = slurp(bcd, &olen);
	bk_assert_ok(&eb, replay_file(bcd, &img, &len, &rep, &eb));
	ck_assert(!rep.dirty);
	ck_assert_uint_eq(rep.nlogs, 0);
	ck_assert_uint_eq(len, olen);
	ck_assert(memcmp(img, orig, len) == 0);
	free(img);
	free(orig);
}
END_TEST

/* The format comes from the header, not the name: logs under other names. */
START_TEST(test_format_from_header_not_name)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	copy_in(NDH "NewDirtyHive", "NewDirtyHive");
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG1");
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.entries, 4);
	ck_assert_uint_eq(rep.last_seq, 5);
	ck_assert_str_eq(rep.logs[0].name, "NewDirtyHive.LOG");
	ck_assert_int_eq(rep.logs[0].format, HIVE_LOG_NEW);
	bk_free(img);

	/* An old-format log kept as NAME.LOG2 (and a junk NAME.LOG). */
	copy_in(BBB "BadBaseBlockHive", "Bbb");
	copy_in(BBB "BadBaseBlockHive.LOG1", "bbb.log2");
	spit(tpath("BBB.LOG"), (const uint8_t *)"not a registry log", 18);
	bk_assert_ok(&eb, replay_file(tpath("Bbb"), &img, &len, &rep, &eb));
	ck_assert_int_eq(rep.format, HIVE_LOG_OLD);
	ck_assert_uint_eq(rep.pages, 64);
	ck_assert_uint_eq(rep.nlogs, 2);
	ck_assert_str_eq(rep.logs[0].name, "BBB.LOG");
	ck_assert_int_eq(rep.logs[0].format, HIVE_LOG_NONE);
	ck_assert_str_eq(rep.logs[0].note, "not a registry log");
	bk_free(img);
}
END_TEST

/* Old format: a log older than the hive (the timestamp rule) is not eligible. */
START_TEST_IN(damaged, test_old_log_older_than_hive)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *log;
	size_t len, llen;

	NEED_CORPUS(BBB "BadBaseBlockHive");
	copy_in(BBB "BadBaseBlockHive", "BadBaseBlockHive");
	log = slurp(corpus(BBB "BadBaseBlockHive.LOG1"), &llen);
	bk_put_le64(log + 0x0C, 1);
	bk_put_le32(log + 0x1FC, regf_checksum(log));
	spit(tpath("BadBaseBlockHive.LOG1"), log, llen);
	free(log);
	ck_assert_int_eq(replay_file(tpath("BadBaseBlockHive"), &img, &len, &rep, &eb), -BK_ELOG);
	ck_assert_msg(strstr(eb.msg, "not eligible: older than the hive") != NULL, "%s", eb.msg);
	free(img);
}
END_TEST

/* ---- synthetic damage ---------------------------------------------------- */

static void
flip_page_byte_entry2(uint8_t *log, size_t len)
{
	size_t pos = entry_pos(log, 1);

	(void)len;
	log[pos + 40 + 8 * bk_le32(log + pos + 20) + 100] ^= 0x01;
}

START_TEST_IN(damaged, test_flipped_page_byte_stops_at_hash1)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(flip_page_byte_entry2);
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.entries, 2);            /* [2], [3] */
	ck_assert_uint_eq(rep.last_seq, 3);
	ck_assert_uint_eq(rep.new_seq, 4);
	ck_assert_uint_eq(rep.logs[1].entries, 1);
	ck_assert_msg(strstr(rep.logs[1].note, "Hash-1") != NULL, "%s", rep.logs[1].note);
	ck_assert(!hv_image_dirty(img, len));
	bk_free(img);
}
END_TEST

START_TEST_IN(damaged, test_bad_primary_checksum_uses_newest_log)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *want, *p;
	size_t len, wlen, plen;

	NEED_CORPUS(NDH "NewDirtyHive");
	p = slurp(corpus(NDH "NewDirtyHive"), &plen);
	p[0x1FC] ^= 0x55;
	spit(tpath("NewDirtyHive"), p, plen);
	free(p);
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG1");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG2");
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert(rep.bad_checksum && rep.base_from_log);
	ck_assert_uint_eq(rep.entries, 3);            /* LOG2 only: [3, 4, 5] */
	ck_assert_uint_eq(rep.logs[0].entries, 0);
	ck_assert_uint_eq(rep.logs[1].first_seq, 3);
	ck_assert_uint_eq(rep.last_seq, 5);
	ck_assert_uint_eq(bk_le32(img + 4), 6);
	ck_assert_uint_eq(bk_le32(img + 0x1C), 0);    /* type 0, not the log's 6 */
	ck_assert(!hv_image_dirty(img, len));
	/* Past the log's 512 bytes the base block is zero-filled. */
	ck_assert_uint_eq(img[600], 0);
	want = slurp(corpus(NDH "RecoveredHive_Windows10"), &wlen);
	ck_assert_uint_eq(len, wlen);
	free(want);
	bk_free(img);
}
END_TEST

/* Entry seq 4 rewritten as 7 with valid hashes: a gap, replay stops before it. */
static void
seq_gap_entry2(uint8_t *log, size_t len)
{
	size_t pos = entry_pos(log, 1);

	(void)len;
	bk_put_le32(log + pos + 12, 7);
	rehash(log, pos);
}

START_TEST_IN(damaged, test_sequence_gap_stops)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(seq_gap_entry2);
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.entries, 2);
	ck_assert_uint_eq(rep.last_seq, 3);
	ck_assert_msg(strstr(rep.logs[1].note, "sequence") != NULL, "%s", rep.logs[1].note);
	bk_free(img);
}
END_TEST

/* First LOG2 entry claims a size past the end of the file (hashes valid). */
static void
size_past_end_entry1(uint8_t *log, size_t len)
{
	size_t pos = entry_pos(log, 0);

	bk_put_le32(log + pos + 4, (uint32_t)(len + 512));
	bk_put_le64(log + pos + 32, hv_marvin32(HIVE_LOG_MARVIN_SEED, log + pos, 32));
}

START_TEST_IN(damaged, test_size_past_end)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(size_past_end_entry1);
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.entries, 1);            /* LOG1's [2] only */
	ck_assert_uint_eq(rep.last_seq, 2);
	ck_assert_msg(strstr(rep.logs[1].note, "size") != NULL, "%s", rep.logs[1].note);
	bk_free(img);
}
END_TEST

/* A page run pointing past the entry's hive bins size (hashes valid). */
static void
run_past_bins_entry1(uint8_t *log, size_t len)
{
	size_t pos = entry_pos(log, 0);

	(void)len;
	bk_put_le32(log + pos + 40, bk_le32(log + pos + 16));
	rehash(log, pos);
}

START_TEST_IN(damaged, test_run_past_hbins)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(run_past_bins_entry1);
	bk_assert_ok(&eb, replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb));
	ck_assert_uint_eq(rep.entries, 1);
	ck_assert_msg(strstr(rep.logs[1].note, "past") != NULL, "%s", rep.logs[1].note);
	bk_free(img);
}
END_TEST

/* In memory: the result is clean and consistent, or the input is untouched. */
static void
replay_mem_check(const uint8_t *pri, size_t plen, struct hive_log_src *src, size_t n,
		 uint32_t max_entries)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img = malloc(plen), *keep = img;
	size_t len = plen;
	int rc;

	ck_assert_ptr_nonnull(img);
	memcpy(img, pri, plen);
	bk_err_clear(&eb);
	rc = hv_log_replay_mem(&eb, "damaged", &img, &len, src, n, &rep);
	ck_assert_msg(rc == 0 || rc == -BK_ELOG, "rc %d: %s", rc, eb.msg);
	if (rc == 0) {
		ck_assert(!hv_image_dirty(img, len));
		ck_assert_uint_le(rep.entries, max_entries);
		ck_assert_uint_ge(len, plen);
		if (rep.have_last_seq)
			ck_assert_uint_eq(rep.new_seq, rep.last_seq + 1);
	} else {
		ck_assert_ptr_eq(img, keep);
		ck_assert_uint_eq(len, plen);
		ck_assert(memcmp(img, pri, plen) == 0);
	}
	bk_free(img);
}

START_TEST_IN(damaged, test_truncated_logs)
{
	struct hive_log_src src[2];
	uint8_t *pri, *l1, *l2;
	size_t plen, len1, len2, cut;

	NEED_CORPUS(NDH "NewDirtyHive");
	pri = slurp(corpus(NDH "NewDirtyHive"), &plen);
	l1 = slurp(corpus(NDH "NewDirtyHive.LOG1"), &len1);
	l2 = slurp(corpus(NDH "NewDirtyHive.LOG2"), &len2);
	src[0] = (struct hive_log_src){ "LOG1", l1, len1 };
	src[1] = (struct hive_log_src){ "LOG2", l2, len2 };
	for (cut = 0; cut <= len2; cut += (cut < 1024 ? 1 : 61)) {
		src[1].len = cut;
		replay_mem_check(pri, plen, src, 2, 4);
	}
	src[1].len = len2;
	for (cut = 0; cut <= len1; cut += (cut < 1024 ? 1 : 61)) {
		src[0].len = cut;
		replay_mem_check(pri, plen, src, 2, 4);
	}
	/* A primary cut inside its base block or its bins. */
	for (cut = 0; cut <= plen; cut += 509)
		replay_mem_check(pri, cut, src, 2, 4);
	free(pri);
	free(l1);
	free(l2);
}
END_TEST

/* Deterministic pseudo-random byte flips in the logs. */
static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
flip_many(const char *hive, const char *log_a, const char *log_b, uint32_t max_entries)
{
	struct hive_log_src src[2];
	uint8_t *pri, *l[2], *copy;
	size_t plen, len[2];
	uint32_t seed = 12345;
	int i, which;

	pri = slurp(corpus(hive), &plen);
	l[0] = slurp(corpus(log_a), &len[0]);
	l[1] = log_b ? slurp(corpus(log_b), &len[1]) : NULL;
	if (!log_b)
		len[1] = 0;
	for (i = 0; i < 400; i++) {
		which = len[1] ? (int)(lcg(&seed) & 1) : 0;
		copy = malloc(len[which]);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, l[which], len[which]);
		/* Mostly the headers and entry headers, where the checks are. */
		copy[lcg(&seed) % (i % 2 ? len[which] : 1024)] ^= (uint8_t)(1u << (lcg(&seed) % 8));
		src[0] = (struct hive_log_src){ "a", which == 0 ? copy : l[0], len[0] };
		src[1] = (struct hive_log_src){ "b", which == 1 ? copy : l[1], len[1] };
		replay_mem_check(pri, plen, src, 2, max_entries);
		free(copy);
	}
	free(pri);
	free(l[0]);
	free(l[1]);
}

START_TEST_IN(damaged, test_flipped_bytes_new)
{
	NEED_CORPUS(NDH "NewDirtyHive");
	flip_many(NDH "NewDirtyHive", NDH "NewDirtyHive.LOG1", NDH "NewDirtyHive.LOG2", 4);
}
END_TEST

START_TEST_IN(damaged, test_flipped_bytes_old)
{
	NEED_CORPUS(BBB "BadBaseBlockHive");
	flip_many(BBB "BadBaseBlockHive", BBB "BadBaseBlockHive.LOG1", NULL, 0);
}
END_TEST

/* Every allocation failing in turn: -BK_ENOMEM and the image untouched. */
START_TEST_IN(damaged, test_alloc_failures)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img, *orig;
	size_t len, olen;
	long k;
	int rc;

	NEED_CORPUS(NDH "NewDirtyHive");
	orig = slurp(corpus(NDH "NewDirtyHive"), &olen);
	for (k = 0;; k++) {
		img = malloc(olen);
		ck_assert_ptr_nonnull(img);
		memcpy(img, orig, olen);
		len = olen;
		bk_err_clear(&eb);
		bk_alloc_fail_after = k;
		rc = hv_log_replay(&eb, corpus(NDH "NewDirtyHive"), &img, &len, &rep);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: rc %d: %s", k, rc, eb.msg);
		ck_assert_uint_eq(len, olen);
		ck_assert(memcmp(img, orig, olen) == 0);
		free(img);
	}
	ck_assert_uint_gt(k, 0);
	ck_assert_uint_eq(rep.entries, 4);
	bk_free(img);
	free(orig);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("corpus");
	TCase *td = tcase_create("damaged");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(td, log_setup, log_teardown);
	tcase_set_timeout(td, 60);
	bk_tcase_add_tests(td, "damaged");
	suite_add_tcase(s, td);

	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
