/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Element value codecs: the seven formats, the quirks of real stores
 * (integers of 1 to 8 bytes, wide booleans, junk after a string's NUL,
 * object lists with the final empty string) and the canonical encodings.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"
#include "bcdkit/hive.h"
#include "bk-alloc.h"

START_TEST(integers)
{
	static const uint8_t one[] = { 0x1e };
	static const uint8_t three[] = { 0x00, 0xc2, 0x01 };
	static const uint8_t eight[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct bcd_value v;
	uint8_t *d;
	size_t n;
	uint32_t rt;

	bk_assert_ok_plain(bcd_value_decode(0x25000004, one, 1, &v));
	ck_assert_uint_eq(v.integer, 30);
	bcd_value_free(&v);
	bk_assert_ok_plain(bcd_value_decode(0x15000014, three, 3, &v));
	ck_assert_uint_eq(v.integer, 115200);
	bcd_value_free(&v);
	bk_assert_ok_plain(bcd_value_decode(0x15000014, eight, 8, &v));
	ck_assert_uint_eq(v.integer, 0x0807060504030201ull);
	/* Written back always as 8 bytes. */
	v.integer = 30;
	bk_assert_ok_plain(bcd_value_encode(0x25000004, &v, &rt, &d, &n));
	ck_assert_uint_eq(rt, HIVE_REG_BINARY);
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(d, "\x1e\0\0\0\0\0\0\0", 8);
	free(d);
	bcd_value_free(&v);
	ck_assert_int_eq(bcd_value_decode(0x25000004, eight, 0, &v), -BK_ECORRUPT);
	ck_assert_int_eq(bcd_value_decode(0x25000004, (const uint8_t *)"123456789", 9, &v),
			 -BK_ECORRUPT);
}
END_TEST

START_TEST(booleans)
{
	static const uint8_t wide[] = { 0, 0, 1, 0 };
	struct bcd_value v;
	uint8_t *d;
	size_t n;
	uint32_t rt;

	bk_assert_ok_plain(bcd_value_decode(0x16000009, wide, 4, &v));
	ck_assert_uint_eq(v.integer, 1);
	bcd_value_free(&v);
	bk_assert_ok_plain(bcd_value_decode(0x16000009, wide, 2, &v));
	ck_assert_uint_eq(v.integer, 0);
	bk_assert_ok_plain(bcd_value_encode(0x16000009, &v, &rt, &d, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0], 0);
	free(d);
	bcd_value_free(&v);
}
END_TEST

START_TEST(strings)
{
	/* "Ramdisk Options" NUL junk, as in pybcd-BCDvm. */
	static const uint8_t junk[] = { 'R', 0, 'a', 0, 'm', 0, 0, 0, 'x', 0, 0xff, 0xfe, 7 };
	struct bcd_value v;
	uint8_t *d;
	size_t n;
	uint32_t rt;

	bk_assert_ok_plain(bcd_value_decode(0x12000004, junk, sizeof(junk), &v));
	ck_assert_str_eq(v.string, "Ram");
	bk_assert_ok_plain(bcd_value_encode(0x12000004, &v, &rt, &d, &n));
	ck_assert_uint_eq(rt, HIVE_REG_SZ);
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(d, junk, 6);
	ck_assert_mem_eq(d + 6, "\0\0", 2);
	free(d);
	bcd_value_free(&v);
	v.format = BCD_FMT_STRING;
	v.string = (char *)"Windows \xe8\xa8\x98";
	bk_assert_ok_plain(bcd_value_encode(0x12000004, &v, &rt, &d, &n));
	ck_assert_uint_eq(n, 20);
	ck_assert_uint_eq(d[16], 0x18);
	ck_assert_uint_eq(d[17], 0x8a);
	free(d);
}
END_TEST

static size_t
utf16(const char *s, uint8_t *out)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		out[2 * i] = (uint8_t)s[i];
		out[2 * i + 1] = 0;
	}
	out[2 * i] = out[2 * i + 1] = 0;
	return 2 * i + 2;
}

START_TEST(objects)
{
	const char *a = "{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}";
	const char *b = "{7ff607e0-4395-11db-b0de-0800200c9a66}";
	uint8_t buf[400], *d;
	size_t n = 0, len;
	uint32_t rt;
	struct bcd_value v;
	char t[BCD_GUID_STRLEN];

	n += utf16(a, buf);
	n += utf16(b, buf + n);
	buf[n] = buf[n + 1] = 0;
	n += 2;
	bk_assert_ok_plain(bcd_value_decode(0x14000006, buf, n, &v));
	ck_assert_uint_eq(v.n_guids, 2);
	ck_assert_str_eq(bcd_guid_format(&v.guids[1], t), b);
	bk_assert_ok_plain(bcd_value_encode(0x14000006, &v, &rt, &d, &len));
	ck_assert_uint_eq(rt, HIVE_REG_MULTI_SZ);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(d, buf, n);
	free(d);
	bcd_value_free(&v);
	/* Without the final extra NUL it still reads. */
	bk_assert_ok_plain(bcd_value_decode(0x14000006, buf, n - 2, &v));
	ck_assert_uint_eq(v.n_guids, 2);
	bcd_value_free(&v);
	/* One object (REG_SZ). */
	n = utf16(a, buf);
	bk_assert_ok_plain(bcd_value_decode(0x23000003, buf, n, &v));
	ck_assert_uint_eq(v.n_guids, 1);
	bk_assert_ok_plain(bcd_value_encode(0x23000003, &v, &rt, &d, &len));
	ck_assert_uint_eq(rt, HIVE_REG_SZ);
	ck_assert_mem_eq(d, buf, n);
	free(d);
	bcd_value_free(&v);
	n = utf16("{not-a-guid}", buf);
	ck_assert_int_eq(bcd_value_decode(0x23000003, buf, n, &v), -BK_ECORRUPT);
	ck_assert_int_eq(bcd_value_decode(0x14000006, buf, n, &v), -BK_ECORRUPT);
}
END_TEST

START_TEST(intlists)
{
	static const uint8_t one[] = { 0x75, 0, 0, 0x15, 0, 0, 0, 0 };
	struct bcd_value v;
	uint8_t *d;
	size_t n;
	uint32_t rt;

	bk_assert_ok_plain(bcd_value_decode(0x17000077, one, 8, &v));
	ck_assert_uint_eq(v.n_integers, 1);
	ck_assert_uint_eq(v.integers[0], 0x15000075);
	bk_assert_ok_plain(bcd_value_encode(0x17000077, &v, &rt, &d, &n));
	ck_assert_mem_eq(d, one, 8);
	free(d);
	bcd_value_free(&v);
	ck_assert_int_eq(bcd_value_decode(0x17000077, one, 7, &v), -BK_ECORRUPT);
}
END_TEST

START_TEST(out_of_memory)
{
	static const uint8_t one[] = { 0x75, 0, 0, 0x15, 0, 0, 0, 0 };
	struct bcd_value v;
	long n;
	int rc;

	for (n = 0; ; n++) {
		bk_alloc_fail_after = n;
		rc = bcd_value_decode(0x17000077, one, 8, &v);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_int_eq(rc, -BK_ENOMEM);
	}
	bcd_value_free(&v);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bcd-values");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
