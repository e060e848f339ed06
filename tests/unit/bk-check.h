/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What every Check unit test program includes instead of <check.h>: the
 * assertions that explain a failed library call, and tests that register
 * themselves.
 *
 * Assertions.  ck_assert_int_eq(hive_key_find(h, ...), 0) reports only
 * "-5 != 0"; the reason is in the handle.  bk_assert_ok(h, call) asserts
 * that call returns 0 and on failure prints the call's text, the code, the
 * code's message and the detail the library left on h (as libarchive's
 * assertEqualIntA), e.g.
 *   hive_key_find(h, "a", &k) failed: -5 (not found); detail: ...
 * h may be any handle with a detail accessor (hive_t, bcd_store_t,
 * bcd_devmap_t, disk_t, disk_fs_t), a char error buffer filled by the call
 * (the "errbuf, errlen" arguments) or an internal struct bk_errbuf; any
 * other type is a compile error, so the detail printed is always one the
 * call could have set.  h is evaluated only after a failed call, so an
 * open may fill it.
 * bk_assert_ok_plain(call) is the same for calls without a handle.
 *
 * Registration.  START_TEST(name) defines the test as Check does and also
 * records it, with its line, in the program's list; START_TEST_IN(tc, name)
 * puts it in the test case main() adds under the name "tc", and
 * START_LOOP_TEST(name, start, end) makes it a loop test.  main() adds the
 * recorded tests with bk_tcase_add_tests() (in source order) and creates its
 * runner with bk_srunner_create(), which refuses to run (exit 99, a hard
 * error for the test driver) while a recorded test is in no test case or in
 * two.  tcase_add_test() no longer compiles, so the list cannot drift from
 * the tests in the file: a test that exists is a test that runs.
 */
#ifndef BK_CHECK_H
#define BK_CHECK_H

#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/bcd.h"
#include "bcdkit/disk-fs.h"
#include "bcdkit/disk.h"
#include "bcdkit/hive.h"
#include "bk-error.h"

/* ---- assertions ------------------------------------------------------------ */

static inline const char *
bk_detail_hive_(const hive_t *h)
{
	return h ? hive_last_error(h) : "(no handle)";
}

static inline const char *
bk_detail_bcd_(const bcd_store_t *s)
{
	return s ? bcd_last_error(s) : "(no handle)";
}

static inline const char *
bk_detail_devmap_(const bcd_devmap_t *m)
{
	return m ? bcd_devmap_last_error(m) : "(no handle)";
}

static inline const char *
bk_detail_disk_(const disk_t *d)
{
	return d ? disk_last_error(d) : "(no handle)";
}

static inline const char *
bk_detail_fs_(const disk_fs_t *fs)
{
	return fs ? disk_fs_last_error(fs) : "(no handle)";
}

static inline const char *
bk_detail_buf_(const char *buf)
{
	return buf ? buf : "(no buffer)";
}

static inline const char *
bk_detail_eb_(const struct bk_errbuf *eb)
{
	return eb ? eb->msg : "(no buffer)";
}

/*
 * The detail accessor for the handle's type.  Only the selected function is
 * referenced, so a program links only the libraries its handles come from.
 */
#define bk_detail_(h) _Generic((h), \
	hive_t *: bk_detail_hive_, const hive_t *: bk_detail_hive_, \
	bcd_store_t *: bk_detail_bcd_, const bcd_store_t *: bk_detail_bcd_, \
	bcd_devmap_t *: bk_detail_devmap_, const bcd_devmap_t *: bk_detail_devmap_, \
	disk_t *: bk_detail_disk_, const disk_t *: bk_detail_disk_, \
	disk_fs_t *: bk_detail_fs_, const disk_fs_t *: bk_detail_fs_, \
	char *: bk_detail_buf_, const char *: bk_detail_buf_, \
	struct bk_errbuf *: bk_detail_eb_, const struct bk_errbuf *: bk_detail_eb_)(h)

/* The code's fixed message; results above 0 are counts, not codes. */
static inline const char *
bk_code_msg_(intmax_t rc)
{
	return rc > 0 ? "not an error code" : bk_strerror((int)rc);
}

#define bk_assert_ok_(call, text, detail_expr) do { \
	intmax_t bk_rc_ = (intmax_t)(call); \
	if (bk_rc_ != 0) \
		ck_abort_msg("%s failed: %" PRIdMAX " (%s)%s%s", text, bk_rc_, \
			     bk_code_msg_(bk_rc_), (detail_expr)[0] ? "; detail: " : "", \
			     (detail_expr)); \
	mark_point(); \
} while (0)

/*
 * Assert that call returns 0; on failure print h's error detail.  (The text
 * is taken here, before the call's macros are expanded.)
 */
#define bk_assert_ok(h, call) bk_assert_ok_(call, #call, bk_detail_(h))

/* Assert that call (with no handle to ask) returns 0. */
#define bk_assert_ok_plain(call) bk_assert_ok_(call, #call, "")

/* ---- registration ---------------------------------------------------------- */

struct bk_test_reg {
	const TTest *test;        /* Check's record: name, function, file, line */
	const char *tcase;        /* NULL: the program's main test case */
	int loop_start, loop_end; /* runs with _i from start to end - 1 */
	int added;                /* times bk_tcase_add_tests() added it */
	struct bk_test_reg *next;
};

/* The program's tests, in source order (each program is one .c file of tests). */
static struct bk_test_reg *bk_tests_ __attribute__((unused));

static inline void
bk_test_register_(struct bk_test_reg *r)
{
	struct bk_test_reg **p = &bk_tests_;

	/* Constructors run in no promised order: keep the list sorted by line. */
	while (*p && (*p)->test->line < r->test->line)
		p = &(*p)->next;
	r->next = *p;
	*p = r;
}

#define BK_TEST_(name, tc, start, end) \
	static void name ## _fn(int _i CK_ATTRIBUTE_UNUSED); \
	static const TTest name ## _ttest = { "" #name, name ## _fn, __FILE__, __LINE__ }; \
	static struct bk_test_reg name ## _reg = { &name ## _ttest, tc, start, end, 0, NULL }; \
	__attribute__((constructor)) static void \
	name ## _register(void) \
	{ \
		bk_test_register_(&name ## _reg); \
	} \
	static void name ## _fn(int _i CK_ATTRIBUTE_UNUSED)

#undef START_TEST
#define START_TEST(name) BK_TEST_(name, NULL, 0, 1)
#define START_TEST_IN(tc, name) BK_TEST_(name, #tc, 0, 1)
#define START_LOOP_TEST(name, start, end) BK_TEST_(name, NULL, start, end)

#undef tcase_add_test
#define tcase_add_test(tc, tf) \
	_Static_assert(0, "tests register themselves: START_TEST and bk_tcase_add_tests()")

/*
 * Add to tc every test recorded for the test case named tcname (NULL: those
 * of plain START_TEST), in source order.  Returns how many were added.
 */
static inline int
bk_tcase_add_tests(TCase *tc, const char *tcname)
{
	struct bk_test_reg *r;
	int n = 0;

	for (r = bk_tests_; r; r = r->next) {
		if (tcname ? !r->tcase || strcmp(r->tcase, tcname) != 0 : r->tcase != NULL)
			continue;
		tcase_add_loop_test(tc, r->test, r->loop_start, r->loop_end);
		r->added++;
		n++;
	}
	return n;
}

/* srunner_create(), once every recorded test is in exactly one test case. */
static inline SRunner *
bk_srunner_create(Suite *s)
{
	struct bk_test_reg *r;
	int bad = 0;

	for (r = bk_tests_; r; r = r->next) {
		if (r->added == 1)
			continue;
		fprintf(stderr, "%s:%d: test %s (test case %s) was added %d times, not once\n",
			r->test->file, r->test->line, r->test->name,
			r->tcase ? r->tcase : "(main)", r->added);
		bad = 1;
	}
	if (!bk_tests_) {
		fprintf(stderr, "no tests recorded: does every START_TEST follow bk-check.h?\n");
		bad = 1;
	}
	if (bad)
		exit(99);
	return srunner_create(s);
}

#endif
