/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Marvin32 against the published vectors (doc/hive-format-notes.md, Microsoft's
 * own with other seeds) and against both hashes stored in every HvLE entry
 * of the corpus's new-format logs.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "hive-internal.h"

#define SEED HIVE_LOG_MARVIN_SEED

static uint64_t
hash_hex(uint64_t seed, const char *hex)
{
	uint8_t buf[64];
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1] && n < sizeof(buf)) {
		ck_assert_int_eq(sscanf(hex, "%2x", &v), 1);
		buf[n++] = (uint8_t)v;
		hex += 2;
	}
	return hv_marvin32(seed, buf, n);
}

START_TEST(test_vectors_registry_seed)
{
	uint8_t big[1000];
	size_t i;

	ck_assert_uint_eq(hv_marvin32(SEED, NULL, 0), 0xB39EFCA403966E08ull);
	ck_assert_uint_eq(hash_hex(SEED, "00"), 0x2D45A72C3C214958ull);
	ck_assert_uint_eq(hash_hex(SEED, "00010203"), 0x2929E21EE85929F2ull);
	ck_assert_uint_eq(hash_hex(SEED, "00010203040506"), 0x48C4F4D47D17EB8Bull);
	ck_assert_uint_eq(hash_hex(SEED, "616263"), 0xB9CF3DFCA41914F7ull);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)((i * 7 + 3) & 0xFF);
	ck_assert_uint_eq(hv_marvin32(SEED, big, sizeof(big)), 0xD7B56F2577FE052Aull);
}
END_TEST

/*
 * Microsoft's vectors with other seeds: SymCrypt's self-test ("abc" with its
 * default seed), a 26-byte input (two leftover bytes), and the .NET runtime's
 * empty input with seed 0x004FB61A001BDBCC.
 */
START_TEST(test_vector_symcrypt)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";

	ck_assert_uint_eq(hash_hex(0xD53CD9CECD0893B7ull, "616263"), 0x22C74339492769BFull);
	ck_assert_uint_eq(hv_marvin32(0xDDDDEEEEFFFF000ull, (const uint8_t *)alpha, 26),
			  0xA128EB7E7260ACA2ull);
	ck_assert_uint_eq(hv_marvin32(0x004FB61A001BDBCCull, NULL, 0), 0x30ED35C100CD3C7Dull);
}
END_TEST

/* Every length of tail (0..3 leftover bytes) gives a different hash. */
START_TEST(test_tail_lengths_differ)
{
	const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t h[9];
	int i, j;

	for (i = 0; i <= 8; i++)
		h[i] = hv_marvin32(SEED, d, (size_t)i);
	for (i = 0; i <= 8; i++)
		for (j = i + 1; j <= 8; j++)
			ck_assert_uint_ne(h[i], h[j]);
}
END_TEST

static uint8_t *
read_corpus(const char *rel, size_t *len)
{
	const char *dir = getenv("BK_CORPUS");
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
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

/* Walk the entries while they are well formed; check both stored hashes. */
static unsigned
check_log_hashes(const char *rel)
{
	size_t len, pos = 512;
	unsigned n = 0;
	uint8_t *d = read_corpus(rel, &len);

	if (!d)
		return 0;
	while (pos + 40 <= len && memcmp(d + pos, "HvLE", 4) == 0) {
		uint32_t size = bk_le32(d + pos + 4);

		if (size < 512 || size % 512 || size > len - pos)
			break;
		ck_assert_uint_eq(hv_marvin32(SEED, d + pos + 40, size - 40),
				  bk_le64(d + pos + 24));
		ck_assert_uint_eq(hv_marvin32(SEED, d + pos, 32), bk_le64(d + pos + 32));
		n++;
		pos += size;
	}
	free(d);
	return n;
}

START_TEST(test_corpus_log_hashes)
{
	size_t len;
	uint8_t *probe = read_corpus("hive/yarp-NewDirtyHive1/NewDirtyHive.LOG1", &len);

	if (!probe) {
		printf("test-marvin: corpus not found, skipping corpus hashes\n");
		return;
	}
	free(probe);
	/* Entry counts (doc/hive-format-notes.md, "Replay outcomes"):
	 * LOG1 [2], LOG2 [3, 4, 5]. */
	ck_assert_uint_eq(check_log_hashes("hive/yarp-NewDirtyHive1/NewDirtyHive.LOG1"), 1);
	ck_assert_uint_eq(check_log_hashes("hive/yarp-NewDirtyHive1/NewDirtyHive.LOG2"), 3);
	ck_assert_uint_ge(check_log_hashes("hive/regipy-transactions/NTUSER.DAT.LOG1"), 23);
	ck_assert_uint_ge(check_log_hashes("bcd/win11-uefi-ktm/BCD.LOG1"), 1);
	ck_assert_uint_ge(check_log_hashes("hive/dfwinreg-NTUSER/NTUSER.DAT.LOG"), 1);
}
END_TEST

static Suite *
marvin_suite(void)
{
	Suite *s = suite_create("marvin");
	TCase *tc = tcase_create("core");

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(marvin_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
