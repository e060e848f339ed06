/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shared helper layer (common/), which both the libraries and the tools
 * link: GUID text, random GUIDs, the caller's error buffer, the growable
 * buffer, numbers and sizes from text, whole-input reads, streamed atomic
 * writes, UTF-8 and UTF-16 code point encoders.  Each helper here replaced two or three
 * copies, so these tests pin the behaviour every former copy had.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/error.h"
#include "bk-alloc.h"
#include "bk-atomic.h"
#include "bk-buf.h"
#include "bk-error.h"
#include "bk-guid.h"
#include "bk-number.h"
#include "bk-utf16.h"
#include "test-tmpdir.h"

/* ---- GUID text -------------------------------------------------------------- */

/* {00112233-4455-6677-8899-aabbccddeeff} in the stored (mixed-endian) order. */
static const uint8_t sample[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
				    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

START_TEST(guid_format_lower_braces)
{
	char t[BK_GUID_STRLEN];

	ck_assert_str_eq(bk_guid_format(sample, t), "{00112233-4455-6677-8899-aabbccddeeff}");
	ck_assert_uint_eq(strlen(t) + 1, BK_GUID_STRLEN);
}
END_TEST

START_TEST(guid_parse_both_cases_and_braces)
{
	static const char *const ok[] = {
		"{00112233-4455-6677-8899-aabbccddeeff}",
		"{00112233-4455-6677-8899-AABBCCDDEEFF}",
		"00112233-4455-6677-8899-aabbccddeeff",
		"00112233-4455-6677-8899-AaBbCcDdEeFf",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint8_t g[16];

		memset(g, 0x5a, sizeof(g));
		ck_assert_msg(bk_guid_parse(ok[i], g) == 0, "%s", ok[i]);
		ck_assert_mem_eq(g, sample, 16);
	}
}
END_TEST

START_TEST(guid_parse_rejects)
{
	static const char *const bad[] = {
		"", "{}", "{00112233-4455-6677-8899-aabbccddeeff",   /* one brace */
		"00112233-4455-6677-8899-aabbccddeeff}",
		"00112233-4455-6677-8899-aabbccddeef",               /* short */
		"00112233-4455-6677-8899-aabbccddeeff0",             /* long */
		"0011223344556677-8899-aabbccddeeff--",              /* dashes moved */
		"00112233-4455-6677-8899-aabbccddeefg",              /* not hex */
		"[00112233-4455-6677-8899-aabbccddeeff]",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t g[16];

		memset(g, 0x5a, sizeof(g));
		ck_assert_msg(bk_guid_parse(bad[i], g) == -BK_ESYNTAX, "%s", bad[i]);
		ck_assert_uint_eq(g[0], 0x5a);   /* out unchanged */
		ck_assert_uint_eq(g[15], 0x5a);
	}
}
END_TEST

START_TEST(guid_round_trip)
{
	char t[BK_GUID_STRLEN];
	uint8_t g[16], back[16];
	int i;

	for (i = 0; i < 64; i++) {
		bk_assert_ok_plain(bk_guid_random(g));
		bk_assert_ok_plain(bk_guid_parse(bk_guid_format(g, t), back));
		ck_assert_mem_eq(g, back, 16);
	}
}
END_TEST

/* ---- random numbers ------------------------------------------------------------ */

static int calls;

static ssize_t
no_random(void *buf, size_t len, unsigned flags)
{
	(void)buf, (void)len, (void)flags;
	calls++;
	errno = ENOSYS;
	return -1;
}

/* Two bytes at a time, one EINTR first: the loop asks until it has all. */
static ssize_t
slow_random(void *buf, size_t len, unsigned flags)
{
	(void)flags;
	if (calls++ == 0) {
		errno = EINTR;
		return -1;
	}
	memset(buf, 0xff, len < 2 ? len : 2);
	return (ssize_t)(len < 2 ? len : 2);
}

START_TEST(random_version_bits)
{
	uint8_t g[16];
	int i;

	for (i = 0; i < 32; i++) {
		bk_assert_ok_plain(bk_guid_random(g));
		ck_assert_uint_eq(g[7] >> 4, 4);           /* version 4, Data3 little-endian */
		ck_assert_uint_eq(g[8] & 0xc0, 0x80);      /* RFC 4122 variant */
	}
}
END_TEST

START_TEST(random_fails_rather_than_guess)
{
	ssize_t (*saved)(void *, size_t, unsigned) = bk_getrandom;
	uint8_t g[16], before[16];
	uint32_t serial = 7;

	memset(g, 0x5a, sizeof(g));
	memcpy(before, g, 16);
	bk_getrandom = no_random;
	calls = 0;
	ck_assert_int_eq(bk_guid_random(g), -BK_EIO);
	ck_assert_mem_eq(g, before, 16);             /* nothing made up */
	ck_assert_int_eq(bk_random(&serial, sizeof(serial)), -BK_EIO);
	ck_assert_int_eq(calls, 2);
	bk_getrandom = slow_random;
	calls = 0;
	bk_assert_ok_plain(bk_random(g, 16));
	ck_assert_int_eq(calls, 9);                  /* EINTR, then 8 pieces of 2 */
	ck_assert_uint_eq(g[0], 0xff);
	ck_assert_uint_eq(g[15], 0xff);
	bk_getrandom = saved;
}
END_TEST

/* ---- the caller's error buffer ------------------------------------------------------ */

START_TEST(errbuf_set)
{
	char b[8];

	bk_errbuf_set(NULL, 8, "%s", "ignored");          /* no buffer: nothing */
	memset(b, 'x', sizeof(b));
	bk_errbuf_set(b, 0, "%s", "ignored");             /* no room: nothing */
	ck_assert_int_eq(b[0], 'x');
	bk_errbuf_set(b, sizeof(b), "%s: %d", "ab", 42);
	ck_assert_str_eq(b, "ab: 42");
	bk_errbuf_set(b, sizeof(b), "%s", "a long message");   /* cut, terminated */
	ck_assert_str_eq(b, "a long ");
	bk_errbuf_set(b, 1, "%s", "x");
	ck_assert_str_eq(b, "");
}
END_TEST

/* ---- growable buffer ------------------------------------------------------------ */

START_TEST(buf_growth)
{
	struct bk_buf b = BK_BUF_INIT;
	char *out;
	size_t i, at;

	bk_assert_ok_plain(bk_buf_grow(&b, 1));
	ck_assert_uint_eq(b.cap, 256);                     /* first size */
	for (i = 0; i < 1000; i++)
		bk_buf_putc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_uint_eq(b.cap, 1024);                    /* doubled, no more */
	ck_assert_uint_eq(b.p[1000], '\0');
	bk_buf_printf(&b, "<%d>", 42);
	bk_buf_puts(&b, "xy");
	bk_buf_put(&b, "zzz", 2);
	ck_assert_uint_eq(b.len, 1008);
	ck_assert_mem_eq(b.p + 1000, "<42>xyzz", 9);      /* with its NUL */
	at = bk_buf_add_zero(&b, 3000);
	ck_assert_uint_eq(at, 1008);
	ck_assert_uint_eq(b.cap, 4096);
	ck_assert_uint_eq(b.p[at + 2999], 0);
	bk_assert_ok_plain(bk_buf_grow(&b, 4096 - 4008));  /* fits: no growth */
	ck_assert_uint_eq(b.cap, 4096);
	bk_assert_ok_plain(bk_buf_finish(&b, &out));
	ck_assert_int_eq(out[0], 'a');
	ck_assert_int_eq(out[25], 'z');
	ck_assert_ptr_null(b.p);
	bk_free(out);
	/* Nothing added: an empty string, not NULL. */
	bk_assert_ok_plain(bk_buf_finish(&b, &out));
	ck_assert_str_eq(out, "");
	bk_free(out);
}
END_TEST

START_TEST(buf_out_of_memory)
{
	struct bk_buf b = BK_BUF_INIT;
	char *out = (char *)"unchanged";
	size_t i;

	bk_buf_puts(&b, "first");
	bk_alloc_fail_after = 0;                            /* the next growth fails */
	for (i = 0; i < 300; i++)
		bk_buf_putc(&b, 'x');
	bk_alloc_fail_after = -1;
	ck_assert(b.oom);
	ck_assert_uint_eq(b.len, 255);                      /* what fitted in 256 */
	bk_buf_puts(&b, "later");                          /* sticky: dropped */
	ck_assert_uint_eq(b.len, 255);
	ck_assert_int_eq(bk_buf_grow(&b, 1), -BK_ENOMEM);
	ck_assert_int_eq(bk_buf_finish(&b, &out), -BK_ENOMEM);
	ck_assert_str_eq(out, "unchanged");
	ck_assert_ptr_null(b.p);                            /* freed */
	ck_assert(!b.oom);                                  /* and usable again */
	bk_buf_puts(&b, "again");
	bk_assert_ok_plain(bk_buf_finish(&b, &out));
	ck_assert_str_eq(out, "again");
	bk_free(out);
	/* A size that cannot be represented fails without allocating. */
	bk_buf_puts(&b, "x");
	ck_assert_int_eq(bk_buf_grow(&b, SIZE_MAX), -BK_ENOMEM);
	bk_buf_release(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/* ---- numbers and sizes ------------------------------------------------------------ */

START_TEST(parse_u64)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "42", 42 }, { "010", 10 },          /* never octal */
		{ "0x1f", 31 }, { "0X1F", 31 }, { "0xffffffffffffffff", UINT64_MAX },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "0x", "-1", "+1", " 1", "1 ", "12a", "0x1g", "18446744073709551616",
		"0x10000000000000000", "1e3",
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(bk_parse_u64(ok[i].s, &v), "%s", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		ck_assert_msg(!bk_parse_u64(bad[i], &v), "%s", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	ck_assert(!bk_parse_u64(NULL, &v));
}
END_TEST

static bool
size_of(const char *s, bool sectors, uint64_t *v)
{
	return bk_parse_size(s, strlen(s), sectors, v);
}

START_TEST(parse_size)
{
	uint64_t v = 0;

	ck_assert(size_of("0", false, &v) && v == 0);
	ck_assert(size_of("512", false, &v) && v == 512);
	ck_assert(size_of("4k", false, &v) && v == 4096);
	ck_assert(size_of("100M", false, &v) && v == 100u << 20);
	ck_assert(size_of("2GiB", false, &v) && v == 2ull << 30);
	ck_assert(size_of("3GB", false, &v) && v == 3ull << 30);
	ck_assert(size_of("1T", false, &v) && v == 1ull << 40);
	ck_assert(size_of("8s", true, &v) && v == 4096);     /* sectors when asked */
	ck_assert(!size_of("8s", false, &v));
	ck_assert(!size_of("8sB", true, &v));
	ck_assert(!size_of("", false, &v));
	ck_assert(!size_of("M", false, &v));
	ck_assert(!size_of("1MiBx", false, &v));
	ck_assert(!size_of("1X", false, &v));
	ck_assert(!size_of("-1", false, &v));
	ck_assert(!size_of("0x10", false, &v));               /* sizes are decimal */
	ck_assert(!size_of("16777216T", false, &v));          /* 2^64: overflows */
	ck_assert(size_of("16777215T", false, &v) && v == 16777215ull << 40);
	ck_assert(!size_of("18446744073709551616", false, &v));
	/* Only the n bytes given count (a field of a partition spec). */
	ck_assert(bk_parse_size("10M:ntfs", 3, false, &v) && v == 10u << 20);
}
END_TEST

/* ---- whole-input reads ------------------------------------------------------------ */

START_TEST(read_input_streams)
{
	struct bk_errbuf eb;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	int fds[2];
	char name[32];
	static uint8_t data[200000];

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* A pipe (what "<(cmd)" names) is read to its end, across growths. */
	ck_assert_int_eq(pipe(fds), 0);
	if (fork() == 0) {
		close(fds[0]);
		_exit(write(fds[1], data, sizeof(data)) == (ssize_t)sizeof(data) ? 0 : 1);
	}
	close(fds[1]);
	snprintf(name, sizeof(name), "/dev/fd/%d", fds[0]);
	bk_assert_ok_plain(bk_read_input(&eb, name, &buf, &len, sizeof(data)));
	close(fds[0]);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_mem_eq(buf, data, sizeof(data));
	bk_free(buf);
	/* A device without an end stops at max + 1 bytes: EFBIG. */
	errno = 0;
	ck_assert_int_eq(bk_read_input(&eb, "/dev/zero", &buf, &len, 100000), -BK_ETOOBIG);
	ck_assert_int_eq(errno, EFBIG);
	/* An empty input is an empty buffer, not NULL. */
	bk_assert_ok_plain(bk_read_input(&eb, "/dev/null", &buf, &len, 10));
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 0);
	bk_free(buf);
	/* A missing file: errno for the caller's own message. */
	ck_assert_int_eq(bk_read_input(&eb, "/nonexistent/x", &buf, &len, 10), -BK_EIO);
	ck_assert_int_eq(errno, ENOENT);
	/* The library's own reads still refuse a device. */
	ck_assert_int_eq(bk_read_file(&eb, "/dev/zero", &buf, &len, 10), -BK_EINVAL);
}
END_TEST

/* ---- streamed atomic writes ---------------------------------------------------------- */

static size_t
count_entries(const char *dir)
{
	char cmd[300];
	FILE *p;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_int_eq(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

START_TEST(atomic_stream)
{
	struct bk_errbuf eb;
	struct bk_atomic *st;
	char dir[96], path[128];
	uint8_t *buf;
	size_t len;
	struct stat sb;
	FILE *f;

	test_mkdtemp(dir, sizeof(dir), "common");
	snprintf(path, sizeof(path), "%s/out", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("old", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0640), 0);
	/* Not kept: the old file stays and no temporary is left. */
	ck_assert_ptr_nonnull(f = bk_atomic_fopen(&eb, path, &st));
	ck_assert_ptr_nonnull(st);
	fputs("new", f);
	bk_assert_ok_plain(bk_atomic_fclose(&eb, f, st, false));
	bk_assert_ok_plain(bk_read_file(&eb, path, &buf, &len, 100));
	ck_assert_mem_eq(buf, "old", 3);
	bk_free(buf);
	ck_assert_uint_eq(count_entries(dir), 1);
	/* Kept: replaced whole, with the old file's mode. */
	ck_assert_ptr_nonnull(f = bk_atomic_fopen(&eb, path, &st));
	fputs("newer", f);
	bk_assert_ok_plain(bk_atomic_fclose(&eb, f, st, true));
	bk_assert_ok_plain(bk_read_file(&eb, path, &buf, &len, 100));
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(buf, "newer", 5);
	bk_free(buf);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0640);
	ck_assert_uint_eq(count_entries(dir), 1);
	/* A device is written in place. */
	ck_assert_ptr_nonnull(f = bk_atomic_fopen(&eb, "/dev/null", &st));
	ck_assert_ptr_null(st);
	bk_assert_ok_plain(bk_atomic_fclose(&eb, f, st, true));
	/* No folder: the detail names the file. */
	snprintf(path, sizeof(path), "%s/none/out", dir);
	ck_assert_ptr_null(bk_atomic_fopen(&eb, path, &st));
	ck_assert_ptr_nonnull(strstr(eb.msg, path));
	test_rmtree(dir);
}
END_TEST

/* ---- code points ----------------------------------------------------------------- */

START_TEST(code_point_encoders)
{
	static const struct { uint32_t cp; const char *u8; uint16_t u16[2]; } t[] = {
		{ 0x41, "A", { 0x41, 0 } },
		{ 0x7F, "\x7f", { 0x7F, 0 } },
		{ 0x80, "\xc2\x80", { 0x80, 0 } },
		{ 0x7FF, "\xdf\xbf", { 0x7FF, 0 } },
		{ 0x800, "\xe0\xa0\x80", { 0x800, 0 } },
		{ 0xFFFD, "\xef\xbf\xbd", { 0xFFFD, 0 } },
		{ 0xFFFF, "\xef\xbf\xbf", { 0xFFFF, 0 } },
		{ 0x10000, "\xf0\x90\x80\x80", { 0xD800, 0xDC00 } },
		{ 0x1F600, "\xf0\x9f\x98\x80", { 0xD83D, 0xDE00 } },
		{ 0x10FFFF, "\xf4\x8f\xbf\xbf", { 0xDBFF, 0xDFFF } },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t o[4];
		uint16_t u[2] = { 0, 0 };
		size_t n = bk_utf8_put(o, t[i].cp), k = bk_utf16_put(u, t[i].cp);
		uint32_t back;

		ck_assert_uint_eq(n, strlen(t[i].u8));
		ck_assert_mem_eq(o, t[i].u8, n);
		ck_assert_uint_eq(bk_utf8_decode(o, n, &back, false), n);   /* the decoder agrees */
		ck_assert_uint_eq(back, t[i].cp);
		ck_assert_uint_eq(k, t[i].cp < 0x10000 ? 1 : 2);
		ck_assert_uint_eq(u[0], t[i].u16[0]);
		ck_assert_uint_eq(u[1], t[i].u16[1]);
	}
}
END_TEST

static Suite *
common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("common");

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(common_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
