/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transaction-log replay (hive/log*.c) on the corpus's dirty hives, and on
 * synthetic damaged logs made at test time by copying corpus logs and
 * flipping or truncating bytes (hive-format.md 3.5).  Every test skips with
 * a message when $BK_CORPUS is absent.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-atomic.h"
#include "hive-internal.h"

#define NDH "hive/yarp-NewDirtyHive1/"
#define TRX "hive/regipy-transactions/"
#define BBB "hive/yarp-BadBaseBlockHive/"

static char tmpdir[256];

/* ---- helpers ------------------------------------------------------------- */

static const char *
corpus(const char *rel)
{
	static char path[4][4096];
	static int slot;
	const char *dir = getenv("BK_CORPUS");

	if (!dir)
		return NULL;
	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", dir, rel);
	return access(path[slot], R_OK) == 0 ? path[slot] : NULL;
}

#define NEED_CORPUS(rel)                                                     \
	do {                                                                 \
		if (!corpus(rel)) {                                          \
			printf("%s: corpus file %s not found, skipping\n",   \
			       __func__, rel);                               \
			return;                                              \
		}                                                            \
	} while (0)

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static const char *
tpath(const char *name)
{
	static char path[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", tmpdir, name);
	return path[slot];
}

/* Copy a corpus file into the temp folder under a name. */
static void
copy_in(const char *rel, const char *name)
{
	size_t len;
	uint8_t *p = slurp(corpus(rel), &len);

	spit(tpath(name), p, len);
	free(p);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlink(tpath(de->d_name));
	if (d)
		closedir(d);
	rmdir(tmpdir);
}

/* Read the primary and replay the logs beside it. */
static int
replay_file(const char *hive, uint8_t **img, size_t *len, struct hive_recover_report *rep,
	    struct bk_errbuf *eb)
{
	*img = slurp(hive, len);
	bk_err_clear(eb);
	return hive_log_replay(eb, hive, img, len, rep);
}

/* Recompute both hashes of the HvLE entry at pos after an edit. */
static void
rehash(uint8_t *log, size_t pos)
{
	uint32_t size = bk_le32(log + pos + 4);

	bk_put_le64(log + pos + 24, hive_marvin32(HIVE_LOG_MARVIN_SEED, log + pos + 40, size - 40));
	bk_put_le64(log + pos + 32, hive_marvin32(HIVE_LOG_MARVIN_SEED, log + pos, 32));
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

/* ---- corpus outcomes (corpus/README.md, hive-format.md 3.5) -------------- */

START_TEST(test_new_dirty_hive1)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img, *want;
	size_t len, wlen;

	NEED_CORPUS(NDH "NewDirtyHive");
	ck_assert_int_eq(replay_file(corpus(NDH "NewDirtyHive"), &img, &len, &rep, &eb), 0);
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
	struct bk_errbuf eb;
	hive_key_t k;
	hive_t *h;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(BBB "BadBaseBlockHive");
	ck_assert_int_eq(replay_file(corpus(BBB "BadBaseBlockHive"), &img, &len, &rep, &eb), 0);
	ck_assert(rep.dirty && rep.bad_checksum);
	ck_assert_int_eq(rep.format, HIVE_LOG_OLD);
	ck_assert(rep.base_from_log);
	ck_assert_uint_eq(rep.pages, 64);
	ck_assert(rep.logs[0].used);
	ck_assert_int_eq(rep.logs[1].format, HIVE_LOG_NONE);   /* the empty LOG2 */
	ck_assert_uint_eq(bk_le32(img + 0x14), 1);
	ck_assert_uint_eq(bk_le32(img + 0x18), 3);
	ck_assert(!hive_image_dirty(img, len));
	ck_assert_int_eq(hive_open_buffer(&h, img, len, "recovered", 0, NULL, 0), 0);
	ck_assert_int_eq(hive_key_find(h, "key_with_many_subkeys", &k), 0);
	hive_close(h);
	bk_free(img);
}
END_TEST

START_TEST(test_bad_log_fails)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
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
	struct bk_errbuf eb;
	hive_t *h;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(TRX "NTUSER.DAT");
	ck_assert_int_eq(replay_file(corpus(TRX "NTUSER.DAT"), &img, &len, &rep, &eb), 0);
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
	ck_assert_int_eq(hive_open_buffer(&h, img, len, "recovered", 0, NULL, 0), 0);
	ck_assert_int_eq(hive_get_stats(h, &st), 0);
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
	struct bk_errbuf eb;
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
	struct bk_errbuf eb;
	uint8_t *img, *orig;
	size_t len, olen;
	const char *bcd = corpus("bcd/win11-uefi-ktm/BCD");

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	orig = slurp(bcd, &olen);
	ck_assert_int_eq(replay_file(bcd, &img, &len, &rep, &eb), 0);
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
	struct bk_errbuf eb;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	copy_in(NDH "NewDirtyHive", "NewDirtyHive");
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG1");
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
	ck_assert_uint_eq(rep.entries, 4);
	ck_assert_uint_eq(rep.last_seq, 5);
	ck_assert_str_eq(rep.logs[0].name, "NewDirtyHive.LOG");
	ck_assert_int_eq(rep.logs[0].format, HIVE_LOG_NEW);
	bk_free(img);

	/* An old-format log kept as NAME.LOG2 (and a junk NAME.LOG). */
	copy_in(BBB "BadBaseBlockHive", "Bbb");
	copy_in(BBB "BadBaseBlockHive.LOG1", "bbb.log2");
	spit(tpath("BBB.LOG"), (const uint8_t *)"not a registry log", 18);
	ck_assert_int_eq(replay_file(tpath("Bbb"), &img, &len, &rep, &eb), 0);
	ck_assert_int_eq(rep.format, HIVE_LOG_OLD);
	ck_assert_uint_eq(rep.pages, 64);
	ck_assert_uint_eq(rep.nlogs, 2);
	ck_assert_str_eq(rep.logs[0].name, "BBB.LOG");
	ck_assert_int_eq(rep.logs[0].format, HIVE_LOG_NONE);
	ck_assert_str_eq(rep.logs[0].note, "not a registry log");
	bk_free(img);
}
END_TEST

/* ---- synthetic damage (3.5) ---------------------------------------------- */

static void
flip_page_byte_entry2(uint8_t *log, size_t len)
{
	size_t pos = entry_pos(log, 1);

	(void)len;
	log[pos + 40 + 8 * bk_le32(log + pos + 20) + 100] ^= 0x01;
}

START_TEST(test_flipped_page_byte_stops_at_hash1)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(flip_page_byte_entry2);
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
	ck_assert_uint_eq(rep.entries, 2);            /* [2], [3] */
	ck_assert_uint_eq(rep.last_seq, 3);
	ck_assert_uint_eq(rep.new_seq, 4);
	ck_assert_uint_eq(rep.logs[1].entries, 1);
	ck_assert_msg(strstr(rep.logs[1].note, "Hash-1") != NULL, "%s", rep.logs[1].note);
	ck_assert(!hive_image_dirty(img, len));
	bk_free(img);
}
END_TEST

START_TEST(test_bad_primary_checksum_uses_newest_log)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img, *want, *p;
	size_t len, wlen, plen;

	NEED_CORPUS(NDH "NewDirtyHive");
	p = slurp(corpus(NDH "NewDirtyHive"), &plen);
	p[0x1FC] ^= 0x55;
	spit(tpath("NewDirtyHive"), p, plen);
	free(p);
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG1");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG2");
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
	ck_assert(rep.bad_checksum && rep.base_from_log);
	ck_assert_uint_eq(rep.entries, 3);            /* LOG2 only: [3, 4, 5] */
	ck_assert_uint_eq(rep.logs[0].entries, 0);
	ck_assert_uint_eq(rep.logs[1].first_seq, 3);
	ck_assert_uint_eq(rep.last_seq, 5);
	ck_assert_uint_eq(bk_le32(img + 4), 6);
	ck_assert_uint_eq(bk_le32(img + 0x1C), 0);    /* type 0, not the log's 6 */
	ck_assert(!hive_image_dirty(img, len));
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

START_TEST(test_sequence_gap_stops)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(seq_gap_entry2);
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
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
	bk_put_le64(log + pos + 32, hive_marvin32(HIVE_LOG_MARVIN_SEED, log + pos, 32));
}

START_TEST(test_size_past_end)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(size_past_end_entry1);
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
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

START_TEST(test_run_past_hbins)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
	uint8_t *img;
	size_t len;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_with_log2(run_past_bins_entry1);
	ck_assert_int_eq(replay_file(tpath("NewDirtyHive"), &img, &len, &rep, &eb), 0);
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
	struct bk_errbuf eb;
	uint8_t *img = malloc(plen), *keep = img;
	size_t len = plen;
	int rc;

	ck_assert_ptr_nonnull(img);
	memcpy(img, pri, plen);
	bk_err_clear(&eb);
	rc = hive_log_replay_mem(&eb, "damaged", &img, &len, src, n, &rep);
	ck_assert_msg(rc == 0 || rc == -BK_ELOG, "rc %d: %s", rc, eb.msg);
	if (rc == 0) {
		ck_assert(!hive_image_dirty(img, len));
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

START_TEST(test_truncated_logs)
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

START_TEST(test_flipped_bytes_new)
{
	NEED_CORPUS(NDH "NewDirtyHive");
	flip_many(NDH "NewDirtyHive", NDH "NewDirtyHive.LOG1", NDH "NewDirtyHive.LOG2", 4);
}
END_TEST

START_TEST(test_flipped_bytes_old)
{
	NEED_CORPUS(BBB "BadBaseBlockHive");
	flip_many(BBB "BadBaseBlockHive", BBB "BadBaseBlockHive.LOG1", NULL, 0);
}
END_TEST

/* Every allocation failing in turn: -BK_ENOMEM and the image untouched. */
START_TEST(test_alloc_failures)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb;
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
		rc = hive_log_replay(&eb, corpus(NDH "NewDirtyHive"), &img, &len, &rep);
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

/* ---- hive_open() integration --------------------------------------------- */

static void
collect_note(void *data, const char *msg)
{
	char *buf = data;

	snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", msg);
}

START_TEST(test_open_replays_in_memory)
{
	hive_key_t k;
	hive_t *h;
	char err[512], notes[1024];
	struct stat before, after;

	NEED_CORPUS(NDH "NewDirtyHive");
	ck_assert_int_eq(stat(corpus(NDH "NewDirtyHive.LOG2"), &before), 0);
	ck_assert_int_eq(hive_open(&h, corpus(NDH "NewDirtyHive"), 0, err, sizeof(err)), 0);
	ck_assert(hive_state(h) & HIVE_STATE_RECOVERED);
	ck_assert(!(hive_state(h) & (HIVE_STATE_DIRTY_NO_LOGS | HIVE_STATE_DIRTY_SEQ)));
	ck_assert_int_eq(hive_key_find(h, "Key3\\Key3_1", &k), 0);
	ck_assert_int_eq(hive_key_find(h, "Key2\\Key2_1", &k), -BK_ENOTFOUND);
	/* One note, kept until the callback is installed. */
	notes[0] = '\0';
	hive_set_msg_cb(h, collect_note, notes);
	ck_assert_msg(strstr(notes, "recovered in memory") != NULL, "%s", notes);
	ck_assert_msg(strstr(notes, "4 entries, last sequence number 5") != NULL, "%s", notes);
	ck_assert_ptr_eq(strchr(notes, '\n'), notes + strlen(notes) - 1);
	hive_close(h);
	ck_assert_int_eq(stat(corpus(NDH "NewDirtyHive.LOG2"), &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	ck_assert_int_eq(before.st_mtime, after.st_mtime);
}
END_TEST

START_TEST(test_open_no_logs_flag)
{
	hive_key_t k;
	hive_t *h;

	NEED_CORPUS(NDH "NewDirtyHive");
	ck_assert_int_eq(hive_open(&h, corpus(NDH "NewDirtyHive"), HIVE_OPEN_NO_LOGS, NULL, 0), 0);
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	ck_assert_int_eq(hive_key_find(h, "Key2\\Key2_1", &k), 0);
	hive_close(h);
}
END_TEST

START_TEST(test_open_dirty_without_logs)
{
	hive_t *h;

	NEED_CORPUS("hive/regipy-SECURITY");
	ck_assert_int_eq(hive_open(&h, corpus("hive/regipy-SECURITY"), 0, NULL, 0), 0);
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	ck_assert(!(hive_state(h) & HIVE_STATE_RECOVERED));
	hive_close(h);
}
END_TEST

/* A failed replay is not fatal: the hive opens as found. */
START_TEST(test_open_bad_log)
{
	hive_t *h;

	NEED_CORPUS("hive/yarp-BadLogHive1/BadLogHive");
	ck_assert_int_eq(hive_open(&h, corpus("hive/yarp-BadLogHive1/BadLogHive"), 0, NULL, 0), 0);
	ck_assert(hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS);
	hive_close(h);
}
END_TEST

/* Names, sizes and times of every file in a folder, as one string. */
static void
dir_snapshot(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	struct stat st;
	char path[4096];
	size_t used = 0;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		ck_assert_int_eq(stat(path, &st), 0);
		if (!S_ISDIR(st.st_mode) && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s %lld %lld.%09ld\n",
						 ents[i]->d_name, (long long)st.st_size,
						 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		free(ents[i]);
	}
	free(ents);
}

/* Clean store beside old/new logs and KTM files: reported clean, all left alone. */
START_TEST(test_open_clean_ktm_store)
{
	char a[8192], b[8192], dir[4096];
	hive_t *h;

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	snprintf(dir, sizeof(dir), "%s", corpus("bcd/win11-uefi-ktm/BCD"));
	*strrchr(dir, '/') = '\0';
	dir_snapshot(dir, a, sizeof(a));
	ck_assert_int_eq(hive_open(&h, corpus("bcd/win11-uefi-ktm/BCD"), HIVE_OPEN_WRITE,
				   NULL, 0), 0);
	ck_assert_uint_eq(hive_state(h) & (HIVE_STATE_RECOVERED | HIVE_STATE_DIRTY_SEQ |
					   HIVE_STATE_BAD_CHECKSUM | HIVE_STATE_DIRTY_NO_LOGS), 0);
	hive_close(h);
	dir_snapshot(dir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

/* ---- hive_recover() ------------------------------------------------------ */

static void
ndh_copy(void)
{
	copy_in(NDH "NewDirtyHive", "NewDirtyHive");
	copy_in(NDH "NewDirtyHive.LOG1", "NewDirtyHive.LOG1");
	copy_in(NDH "NewDirtyHive.LOG2", "NewDirtyHive.LOG2");
}

static void
assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *pa = slurp(a, &la), *pb = slurp(b, &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert_msg(memcmp(pa, pb, la) == 0, "%s differs from %s", a, b);
	free(pa);
	free(pb);
}

START_TEST(test_recover_in_place)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];
	struct stat st;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	ck_assert_int_eq(hive_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)), 0);
	ck_assert(rep.dirty);
	ck_assert_uint_eq(rep.entries, 4);
	assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
	assert_same_file(tpath("NewDirtyHive.bak"), corpus(NDH "NewDirtyHive"));
	assert_same_file(tpath("NewDirtyHive.LOG1.bak"), corpus(NDH "NewDirtyHive.LOG1"));
	assert_same_file(tpath("NewDirtyHive.LOG2.bak"), corpus(NDH "NewDirtyHive.LOG2"));
	ck_assert_int_eq(stat(tpath("NewDirtyHive.LOG1"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(stat(tpath("NewDirtyHive.LOG2"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	/* Again: clean now, nothing written. */
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(hive_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)), 0);
	ck_assert(!rep.dirty);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_to_other_file)
{
	struct hive_recover_report rep;
	char a[8192], b[8192];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(hive_recover(tpath("NewDirtyHive"), tpath("out"), 0, &rep, NULL, 0), 0);
	assert_same_file(tpath("out"), corpus(NDH "RecoveredHive_Windows10"));
	ck_assert_int_eq(unlink(tpath("out")), 0);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
	/* Dry run: the report, and nothing written. */
	ck_assert_int_eq(hive_recover(tpath("NewDirtyHive"), NULL, HIVE_RECOVER_DRY_RUN, &rep,
				      NULL, 0), 0);
	ck_assert_uint_eq(rep.last_seq, 5);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_refuses_existing_backup)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	spit(tpath("NewDirtyHive.LOG2.bak"), (const uint8_t *)"keep", 4);
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(hive_recover(tpath("NewDirtyHive"), NULL, 0, &rep, err, sizeof(err)),
			 -BK_EEXIST);
	ck_assert_msg(strstr(err, "NewDirtyHive.LOG2.bak") != NULL, "%s", err);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_bad_log_writes_nothing)
{
	struct hive_recover_report rep;
	char err[512], a[8192], b[8192];

	NEED_CORPUS("hive/yarp-BadLogHive1/BadLogHive");
	copy_in("hive/yarp-BadLogHive1/BadLogHive", "BadLogHive");
	copy_in("hive/yarp-BadLogHive1/BadLogHive.LOG1", "BadLogHive.LOG1");
	copy_in("hive/yarp-BadLogHive1/BadLogHive.LOG2", "BadLogHive.LOG2");
	dir_snapshot(tmpdir, a, sizeof(a));
	ck_assert_int_eq(hive_recover(tpath("BadLogHive"), NULL, 0, &rep, err, sizeof(err)),
			 -BK_ELOG);
	ck_assert_int_eq(hive_recover(tpath("BadLogHive"), tpath("out"), 0, &rep, err,
				      sizeof(err)), -BK_ELOG);
	ck_assert_msg(strstr(err, "checksum") != NULL, "%s", err);
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_recover_image_clean)
{
	struct hive_recover_report rep;
	uint8_t *img;
	size_t len;

	NEED_CORPUS("bcd/win11-uefi-ktm/BCD");
	ck_assert_int_eq(hive_recover_image(corpus("bcd/win11-uefi-ktm/BCD"), &img, &len, &rep,
					    NULL, 0), 0);
	ck_assert(!rep.dirty);
	ck_assert_ptr_null(img);
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* Every allocation failing in turn: -BK_ENOMEM and the folder as it was. */
START_TEST(test_recover_alloc_failures)
{
	struct hive_recover_report rep;
	char a[8192], b[8192];
	long k;
	int rc;

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	for (k = 0;; k++) {
		bk_alloc_fail_after = k;
		rc = hive_recover(tpath("NewDirtyHive"), NULL, 0, &rep, NULL, 0);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "allocation %ld: rc %d", k, rc);
		dir_snapshot(tmpdir, b, sizeof(b));
		if (strcmp(a, b) == 0)
			continue;
		/*
		 * Only a failure after the rename (syncing the folder) may leave
		 * a change: the hive recovered, its backups complete, the logs
		 * not yet emptied.
		 */
		assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
		assert_same_file(tpath("NewDirtyHive.bak"), corpus(NDH "NewDirtyHive"));
		assert_same_file(tpath("NewDirtyHive.LOG1.bak"), corpus(NDH "NewDirtyHive.LOG1"));
		assert_same_file(tpath("NewDirtyHive.LOG2"), corpus(NDH "NewDirtyHive.LOG2"));
		break;
	}
	ck_assert_int_gt(k, 3);
	assert_same_file(tpath("NewDirtyHive"), corpus(NDH "RecoveredHive_Windows10"));
}
END_TEST

/* I/O faults: a failed rename of the hive, a failed truncation of a log. */
static const char *fault_target;
static int
rename_fails(const char *from, const char *to)
{
	if (strcmp(to, fault_target) == 0) {
		errno = EIO;
		return -1;
	}
	return rename(from, to);
}

static int
ftruncate_fails(int fd, off_t len)
{
	(void)fd;
	(void)len;
	errno = EIO;
	return -1;
}

START_TEST(test_recover_io_faults)
{
	struct hive_recover_report rep;
	struct bk_io_ops ops = bk_io_posix;
	char a[8192], b[8192], err[512];

	NEED_CORPUS(NDH "NewDirtyHive");
	ndh_copy();
	dir_snapshot(tmpdir, a, sizeof(a));
	fault_target = tpath("NewDirtyHive");
	ops.rename = rename_fails;
	bk_io = &ops;
	ck_assert_int_eq(hive_recover(fault_target, NULL, 0, &rep, err, sizeof(err)), -BK_EIO);
	bk_io = &bk_io_posix;
	dir_snapshot(tmpdir, b, sizeof(b));
	ck_assert_str_eq(a, b);

	ops = bk_io_posix;
	ops.ftruncate = ftruncate_fails;
	bk_io = &ops;
	ck_assert_int_eq(hive_recover(fault_target, NULL, 0, &rep, err, sizeof(err)), -BK_EIO);
	bk_io = &bk_io_posix;
	ck_assert_msg(strstr(err, "could not be emptied") != NULL, "%s", err);
	/* The hive itself is recovered and clean; the stale logs are harmless. */
	assert_same_file(fault_target, corpus(NDH "RecoveredHive_Windows10"));
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("corpus");
	TCase *td = tcase_create("damaged");
	TCase *to = tcase_create("open-recover");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_dirty_hive1);
	tcase_add_test(tc, test_bad_base_block);
	tcase_add_test(tc, test_bad_log_fails);
	tcase_add_test(tc, test_regipy_transactions);
	tcase_add_test(tc, test_regipy_without_log1);
	tcase_add_test(tc, test_clean_hive_ignores_logs);
	tcase_add_test(tc, test_format_from_header_not_name);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(td, setup, teardown);
	tcase_set_timeout(td, 60);
	tcase_add_test(td, test_flipped_page_byte_stops_at_hash1);
	tcase_add_test(td, test_bad_primary_checksum_uses_newest_log);
	tcase_add_test(td, test_sequence_gap_stops);
	tcase_add_test(td, test_size_past_end);
	tcase_add_test(td, test_run_past_hbins);
	tcase_add_test(td, test_truncated_logs);
	tcase_add_test(td, test_flipped_bytes_new);
	tcase_add_test(td, test_flipped_bytes_old);
	tcase_add_test(td, test_alloc_failures);
	suite_add_tcase(s, td);

	tcase_add_checked_fixture(to, setup, teardown);
	tcase_add_test(to, test_open_replays_in_memory);
	tcase_add_test(to, test_open_no_logs_flag);
	tcase_add_test(to, test_open_dirty_without_logs);
	tcase_add_test(to, test_open_bad_log);
	tcase_add_test(to, test_open_clean_ktm_store);
	tcase_add_test(to, test_recover_in_place);
	tcase_add_test(to, test_recover_to_other_file);
	tcase_add_test(to, test_recover_refuses_existing_backup);
	tcase_add_test(to, test_recover_bad_log_writes_nothing);
	tcase_add_test(to, test_recover_image_clean);
	tcase_add_test(to, test_recover_alloc_failures);
	tcase_add_test(to, test_recover_io_faults);
	suite_add_tcase(s, to);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
