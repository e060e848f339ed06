/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Names: Windows upper-casing, subkey order, lh hashes, and the lossless
 * UTF-8 form with {U+hhhh} escapes.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/hive.h"

static size_t
to16(const char *s, uint16_t **u)
{
	size_t n;

	bk_assert_ok_plain(hive_name_to_utf16(s, strlen(s), u, &n));
	return n;
}

START_TEST(upcase_basics)
{
	ck_assert_uint_eq(hive_upcase('a'), 'A');
	ck_assert_uint_eq(hive_upcase('Z'), 'Z');
	ck_assert_uint_eq(hive_upcase(0xE4), 0xC4);     /* a-umlaut */
	ck_assert_uint_eq(hive_upcase(0xFF), 0x178);    /* y-diaeresis -> U+0178 */
	ck_assert_uint_eq(hive_upcase(0xDF), 0xDF);     /* sharp s has no one-unit upper case */
	ck_assert_uint_eq(hive_upcase(0x3B1), 0x391);   /* Greek alpha */
	ck_assert_uint_eq(hive_upcase(0x430), 0x410);   /* Cyrillic a */
	ck_assert_uint_eq(hive_upcase(0xFF41), 0xFF21); /* fullwidth a */
	ck_assert_uint_eq(hive_upcase('1'), '1');
}
END_TEST

START_TEST(hash_examples)
{
	/* Values from doc/hive-format-notes.md, "Names: hash and order"
	 * (checked against Windows). */
	static const struct { const char *name; uint32_t hash; } cases[] = {
		{ "Zeta", 0x00470D14 },
		{ "\xC3\x84pfel", 0x16246E2F },          /* Äpfel */
		{ "\xE2\x82\xACuro", 0x19426332 },       /* €uro */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t *u;
		size_t n = to16(cases[i].name, &u);
		ck_assert_msg(hive_name_hash(u, n) == cases[i].hash, "%s: got 0x%08x",
			      cases[i].name, hive_name_hash(u, n));
		free(u);
	}
}
END_TEST

START_TEST(compare_order)
{
	uint16_t *a, *b;
	size_t an, bn;

	an = to16("abc", &a);
	bn = to16("ABC", &b);
	bk_assert_ok_plain(hive_name_cmp(a, an, b, bn));
	free(a);
	free(b);
	/* "_" (0x5F) sorts after upper-case letters but before lower-case ones
	 * would if the comparison did not upcase: "A_" < "AB"? 0x5F > 0x42. */
	an = to16("a_", &a);
	bn = to16("AB", &b);
	ck_assert_int_gt(hive_name_cmp(a, an, b, bn), 0);
	free(a);
	free(b);
	an = to16("ab", &a);
	bn = to16("abc", &b);
	ck_assert_int_lt(hive_name_cmp(a, an, b, bn), 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(escape_round_trip)
{
	static const uint16_t odd[] = { 'z', 0, 'k', 0xD800, 'x', 0xDC00, '{', 'U', '+', '\\' };
	static const uint16_t pair[] = { 0xD83D, 0xDE00 };
	uint16_t *back;
	size_t n;
	char *s;

	bk_assert_ok_plain(hive_name_from_utf16(odd, 10, 1, &s));
	ck_assert_str_eq(s, "z{U+0000}k{U+D800}x{U+DC00}{U+007B}U+{U+005C}");
	bk_assert_ok_plain(hive_name_to_utf16(s, strlen(s), &back, &n));
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(memcmp(back, odd, sizeof(odd)), 0);
	free(s);
	free(back);
	/* Outside key paths a backslash stays as it is. */
	bk_assert_ok_plain(hive_name_from_utf16(odd + 9, 1, 0, &s));
	ck_assert_str_eq(s, "\\");
	free(s);
	/* A valid surrogate pair is one UTF-8 character. */
	bk_assert_ok_plain(hive_name_from_utf16(pair, 2, 0, &s));
	ck_assert_str_eq(s, "\xF0\x9F\x98\x80");
	free(s);
	/* Invalid UTF-8 is refused. */
	ck_assert_int_eq(hive_name_to_utf16("\xC3", 1, &back, &n), -BK_EINVAL);
}
END_TEST

START_TEST(decode_helpers)
{
	static const uint8_t junk_sz[] = { 'a', 0, 'b', 0, 0, 0, 'j', 0, 'u' };
	static const uint8_t odd_sz[] = { 'h', 0, 'i', 0, 'x' };
	static const uint8_t multi[] = { 'a', 0, 0, 0, 'b', 0, 'c', 0, 0, 0, 0, 0 };
	static const uint8_t be[] = { 0, 0, 1, 2 };
	char *s, **v, tn[32];
	uint32_t dw, t;

	bk_assert_ok_plain(hive_decode_string(junk_sz, sizeof(junk_sz), &s));
	ck_assert_str_eq(s, "ab");
	free(s);
	bk_assert_ok_plain(hive_decode_string(odd_sz, sizeof(odd_sz), &s));
	ck_assert_str_eq(s, "hi");
	free(s);
	bk_assert_ok_plain(hive_decode_multi_string(multi, sizeof(multi), &v));
	ck_assert_str_eq(v[0], "a");
	ck_assert_str_eq(v[1], "bc");
	ck_assert_ptr_null(v[2]);
	hive_free_strv(v);
	bk_assert_ok_plain(hive_decode_dword(HIVE_REG_DWORD_BIG_ENDIAN, be, 4, &dw));
	ck_assert_uint_eq(dw, 0x102);
	ck_assert_int_eq(hive_decode_dword(HIVE_REG_DWORD, be, 3, &dw), -BK_EWRONGTYPE);
	ck_assert_str_eq(hive_type_name(7, tn, sizeof(tn)), "REG_MULTI_SZ");
	ck_assert_str_eq(hive_type_name(0x12345, tn, sizeof(tn)), "0x12345");
	bk_assert_ok_plain(hive_type_parse("REG_QWORD", &t));
	ck_assert_uint_eq(t, 11);
	bk_assert_ok_plain(hive_type_parse("hex(100000)", &t));
	ck_assert_uint_eq(t, 0x100000);
	ck_assert_int_eq(hive_type_parse("REG_BOGUS", &t), -BK_EINVAL);
}
END_TEST

static Suite *
name_suite(void)
{
	Suite *s = suite_create("name");
	TCase *tc = tcase_create("core");

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(name_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
