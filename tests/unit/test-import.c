/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * .reg import: the parser on its own (every value syntax, escapes,
 * continuation lines, comments, UTF-16 and REGEDIT4 input, the prefix rules,
 * errors with their line numbers), then hive_import_reg() on real hives:
 * deletions, all-or-nothing on a bad line, allocation failures, and round
 * trips (export, import into an empty hive, compare) on the corpus hives
 * with odd names and on regipy-SYSTEM.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "hive-internal.h"
#include "test-hive-open.h"
#include "reg-tuples.h"
#include "test-tmpdir.h"

static char tmpdir[256];

static void
setup(void)
{
	test_mkdtemp(tmpdir, sizeof(tmpdir), "import");
}

static void
teardown(void)
{
	test_rmtree(tmpdir);
}

static hive_t *
new_hive(const char *name)
{
	char err[512], path[300];
	hive_t *h;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	rc = th_create(&h, path, "ROOT", 5, err, sizeof(err));
	ck_assert_msg(rc == 0, "create: %s", err);
	return h;
}

/* Parse text; returns the result code, the script in *s (caller frees). */
static int
parse(const char *text, size_t len, const char *prefix, struct reg_script *s,
      unsigned long *line, struct bk_errbuf *eb)
{
	memset(s, 0, sizeof(*s));
	bk_err_clear(eb);
	return reg_parse(eb, text, len, prefix, s, line);
}

/* The op's path as "A\B" (ASCII names only), for checks. */
static const char *
op_path(const struct reg_script *s, const struct reg_op *op)
{
	static char buf[512];
	size_t off, k, o = 0;

	for (off = op->name; off < op->name + op->name_len; off += 1u + s->units[off]) {
		if (o)
			buf[o++] = '\\';
		for (k = 0; k < s->units[off]; k++)
			buf[o++] = s->units[off + 1 + k] < 0x80 ? (char)s->units[off + 1 + k] : '?';
	}
	buf[o] = 0;
	return buf;
}

static const char *
op_name(const struct reg_script *s, const struct reg_op *op)
{
	static char buf[512];
	size_t k;

	for (k = 0; k < op->name_len; k++)
		buf[k] = s->units[op->name + k] < 0x80 ? (char)s->units[op->name + k] : '?';
	buf[k] = 0;
	return buf;
}

static void
assert_data(const struct reg_script *s, const struct reg_op *op, uint32_t type,
	    const void *want, size_t len)
{
	ck_assert_int_eq(op->kind, REG_OP_SET_VALUE);
	ck_assert_uint_eq(op->type, type);
	ck_assert_uint_eq(op->data_len, len);
	ck_assert_int_eq(memcmp(s->bytes + op->data, want, len), 0);
}

static const char sample[] =
	"Windows Registry Editor Version 5.00\r\n"
	"\r\n"
	"; a comment\r\n"
	"[HKEY_LOCAL_MACHINE\\SYSTEM\\A]\r\n"                 /* line 4 */
	"\"s\"=\"a\\\"b\\\\c\"\r\n"
	"@=\"d\"\r\n"
	"\"dw\"=dword:1f\r\n"
	"\"h\"=hex:01,02,\\\r\n"
	"    03 , 04\r\n"                                    /* line 9 */
	"\"t\"=hex(7):61,00,00,00,00,00\r\n"
	"\"n\"=str(2):\"x\"\r\n"
	"\"del\"=-\r\n"
	"  \"sp ace\" = hex(100000):\r\n"
	"\r\n"
	"[-HKEY_LOCAL_MACHINE\\SYSTEM\\B]\r\n"                /* line 15 */
	"[\\C{U+0000}D\\E{U+005C}F]\r\n"
	"\"q{U+0022}\\n\"=dword:00000000\r\n";

START_TEST(test_parse_syntax)
{
	struct bk_errbuf eb = { 0 };
	struct reg_script s;
	unsigned long line;
	const struct reg_op *o;

	ck_assert_msg(parse(sample, sizeof(sample) - 1, NULL, &s, &line, &eb) == 0, "%s", eb.msg);
	ck_assert_int_eq(s.version, 5);
	ck_assert_uint_eq(s.nops, 12);
	o = s.ops;
	ck_assert_int_eq(o[0].kind, REG_OP_KEY);
	ck_assert_str_eq(op_path(&s, &o[0]), "A");
	ck_assert_uint_eq(o[0].line, 4);
	ck_assert_str_eq(op_name(&s, &o[1]), "s");
	assert_data(&s, &o[1], HIVE_REG_SZ, "a\0\"\0b\0\\\0c\0\0", 12);
	ck_assert_uint_eq(o[2].name_len, 0);
	assert_data(&s, &o[2], HIVE_REG_SZ, "d\0\0", 4);
	assert_data(&s, &o[3], HIVE_REG_DWORD, "\x1f\0\0\0", 4);
	assert_data(&s, &o[4], HIVE_REG_BINARY, "\1\2\3\4", 4);
	ck_assert_uint_eq(o[4].line, 8);
	ck_assert_uint_eq(o[5].line, 10);
	assert_data(&s, &o[5], HIVE_REG_MULTI_SZ, "a\0\0\0\0\0", 6);
	assert_data(&s, &o[6], 2, "x\0\0", 4);
	ck_assert_int_eq(o[7].kind, REG_OP_DELETE_VALUE);
	ck_assert_str_eq(op_name(&s, &o[7]), "del");
	ck_assert_str_eq(op_name(&s, &o[8]), "sp ace");
	assert_data(&s, &o[8], 0x100000, "", 0);
	ck_assert_int_eq(o[9].kind, REG_OP_DELETE_KEY);
	ck_assert_str_eq(op_path(&s, &o[9]), "B");
	ck_assert_uint_eq(o[9].line, 15);
	/* {U+0000} and {U+005C} are name characters, not separators. */
	ck_assert_uint_eq(o[10].name_len, 1 + 3 + 1 + 3);
	ck_assert_uint_eq(s.units[o[10].name + 2], 0);
	ck_assert_uint_eq(s.units[o[10].name + 6], '\\');
	ck_assert_uint_eq(o[11].name_len, 3);
	ck_assert_uint_eq(s.units[o[11].name + 1], '"');
	ck_assert_uint_eq(s.units[o[11].name + 2], '\n');
	ck_assert_uint_eq(s.lines, 17);
	reg_script_free(&s);
}
END_TEST

/* The same text as UTF-16LE with a BOM parses to the same operations; a raw
 * unpaired surrogate in a name survives. */
START_TEST(test_parse_utf16)
{
	struct bk_errbuf eb = { 0 };
	struct reg_script a, b;
	unsigned long line;
	size_t n = sizeof(sample) - 1, i;
	uint8_t *w = malloc(2 * n + 64);
	static const char tail[] = "\"\xff\"=-\r\n";

	ck_assert_ptr_nonnull(w);
	w[0] = 0xFF;
	w[1] = 0xFE;
	for (i = 0; i < n; i++) {
		w[2 + 2 * i] = (uint8_t)sample[i];
		w[3 + 2 * i] = 0;
	}
	bk_assert_ok(&eb, parse(sample, n, NULL, &a, &line, &eb));
	ck_assert_msg(parse((char *)w, 2 + 2 * n, NULL, &b, &line, &eb) == 0, "%s", eb.msg);
	ck_assert_uint_eq(a.nops, b.nops);
	ck_assert_uint_eq(a.nbytes, b.nbytes);
	ck_assert_int_eq(memcmp(a.bytes, b.bytes, a.nbytes), 0);
	ck_assert_uint_eq(a.nunits, b.nunits);
	ck_assert_int_eq(memcmp(a.units, b.units, a.nunits * 2), 0);
	reg_script_free(&b);
	/* Append "\xDC01"=- : an unpaired low surrogate as a raw unit. */
	for (i = 0; i < sizeof(tail) - 1; i++) {
		w[2 + 2 * (n + i)] = (uint8_t)tail[i];
		w[3 + 2 * (n + i)] = 0;
	}
	w[2 + 2 * (n + 1)] = 0x01;
	w[3 + 2 * (n + 1)] = 0xDC;
	bk_assert_ok(&eb, parse((char *)w, 2 + 2 * (n + sizeof(tail) - 1), NULL, &b, &line, &eb));
	ck_assert_uint_eq(b.nops, a.nops + 1);
	ck_assert_uint_eq(b.ops[b.nops - 1].name_len, 1);
	ck_assert_uint_eq(b.units[b.ops[b.nops - 1].name], 0xDC01);
	reg_script_free(&a);
	reg_script_free(&b);
	free(w);
}
END_TEST

/* REGEDIT4: hex(2)/hex(7) hold 8-bit text (UTF-8, else Latin-1), widened to
 * UTF-16LE; other types are kept as they are; names are UTF-8. */
START_TEST(test_parse_reg4)
{
	static const char t[] =
		"REGEDIT4\n\n[HKEY_CURRENT_USER\\\xc3\x84pfel]\n"
		"\"e\"=hex(2):25,78,25,00\n"
		"\"m\"=hex(7):c3,a9,00,e9,00,00\n"
		"\"b\"=hex:c3,a9\n";
	struct bk_errbuf eb = { 0 };
	struct reg_script s;
	unsigned long line;

	ck_assert_msg(parse(t, sizeof(t) - 1, NULL, &s, &line, &eb) == 0, "%s", eb.msg);
	ck_assert_int_eq(s.version, 4);
	ck_assert_uint_eq(s.ops[0].name_len, 6);
	ck_assert_uint_eq(s.units[s.ops[0].name + 1], 0xC4);
	assert_data(&s, &s.ops[1], 2, "%\0x\0%\0\0\0", 8);
	/* c3 a9 is UTF-8 for U+00E9; a lone e9 is not UTF-8 and is taken as Latin-1. */
	assert_data(&s, &s.ops[2], 7, "\xe9\0\0\0\xe9\0\0\0\0\0", 10);
	assert_data(&s, &s.ops[3], 3, "\xc3\xa9", 2);
	reg_script_free(&s);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const struct {
		const char *text;
		unsigned long line;
		const char *msg;
	} cases[] = {
		{ "[HKLM\\X]\n", 1, "not a .reg file" },
		{ "", 1, "not a .reg file" },
		{ "REGEDIT4\n\n\"v\"=dword:1\n", 3, "outside of a [key]" },
		{ "REGEDIT4\n[A]\n\"v\"=\"abc\n", 3, "missing closing" },
		{ "REGEDIT4\n[A]\n\"v\"=hex:01,zz\n", 3, "hex byte expected" },
		{ "REGEDIT4\n[A]\n\"v\"=hex:01 02\n", 3, "',' expected" },
		{ "REGEDIT4\n[A]\n\"v\"=hex:01,\\\n", 3, "continuation line missing" },
		{ "REGEDIT4\n[A]\n\n\"v\"=hex:01,\\\n 02,\\\n  0x\n", 6, "',' expected" },
		{ "REGEDIT4\n[A]\n\"v\"=dword:123456789\n", 3, "more than 8 hex digits" },
		{ "REGEDIT4\n[A]\n\"v\"=qword:1\n", 3, "unknown value data" },
		{ "REGEDIT4\n[A]\n\"v\"=\"x\" junk\n", 3, "unexpected text" },
		{ "REGEDIT4\n[A\n", 2, "does not end with ']'" },
		{ "REGEDIT4\n[A]\n\"v\"\n", 3, "'=' expected" },
		{ "REGEDIT4\n[A]\n\"v\"=\n", 3, "data missing" },
		{ "REGEDIT4\n[A]\n\"v\"=hex(1x):00\n", 3, "')' expected" },
		{ "REGEDIT4\n[-A]\n\"v\"=-\n", 3, "deleted [-key]" },
		{ "REGEDIT4\n[-HKLM\\SYSTEM]\n", 2, "root key cannot be deleted" },
		{ "REGEDIT4\nwhat\n", 2, "expected [key]" },
	};
	struct bk_errbuf eb = { 0 };
	struct reg_script s;
	unsigned long line;
	size_t i;
	char big[400];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].text, strlen(cases[i].text), NULL, &s, &line, &eb);
		ck_assert_msg(rc == -BK_ESYNTAX, "case %zu: rc %d", i, rc);
		ck_assert_msg(line == cases[i].line, "case %zu: line %lu, want %lu (%s)", i, line,
			      cases[i].line, eb.msg);
		ck_assert_msg(strstr(eb.msg, cases[i].msg) != NULL, "case %zu: '%s'", i, eb.msg);
		reg_script_free(&s);
	}
	/* A key name of 256 characters is too long; 255 is fine. */
	memset(big, 'k', sizeof(big));
	memcpy(big, "REGEDIT4\n[", 10);
	strcpy(big + 10 + 256, "]\n");
	ck_assert_int_eq(parse(big, strlen(big), NULL, &s, &line, &eb), -BK_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(eb.msg, "line 2: key name longer"));
	reg_script_free(&s);
	strcpy(big + 10 + 255, "]\n");
	bk_assert_ok(&eb, parse(big, strlen(big), NULL, &s, &line, &eb));
	reg_script_free(&s);
}
END_TEST

/* Prefix rules: by default the root key name goes, and for HKLM and HKU the
 * hive's name too; a given prefix must match; "" strips nothing. */
START_TEST(test_prefix)
{
	static const struct {
		const char *key, *prefix, *want;
	} cases[] = {
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\A\\B", NULL, "A\\B" },
		{ "hklm\\Software", NULL, "" },
		{ "HKEY_LOCAL_MACHINE", NULL, "" },
		{ "HKEY_USERS\\S-1-5-18\\X", NULL, "X" },
		{ "HKEY_CURRENT_USER\\X\\Y", NULL, "X\\Y" },
		{ "HKCR\\.txt", NULL, ".txt" },
		{ "Foo\\Bar", NULL, "Foo\\Bar" },
		{ "\\A\\\\B\\", NULL, "A\\B" },
		{ "HKLM\\SOFTWARE\\Classes\\X", "HKEY_LOCAL_MACHINE\\SOFTWARE", "" },
		{ "HKLM\\SOFTWARE\\Classes\\X", "hklm\\software", "Classes\\X" },
		{ "HKLM\\SOFTWARE\\X", "", "HKLM\\SOFTWARE\\X" },
	};
	struct bk_errbuf eb = { 0 };
	struct reg_script s;
	unsigned long line;
	char text[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;
		snprintf(text, sizeof(text), "REGEDIT4\n[%s]\n", cases[i].key);
		rc = parse(text, strlen(text), cases[i].prefix, &s, &line, &eb);
		if (i == 8) {
			/* HKLM is not HKEY_LOCAL_MACHINE as far as a given prefix goes. */
			ck_assert_int_eq(rc, -BK_ESYNTAX);
			ck_assert_ptr_nonnull(strstr(eb.msg, "not under the prefix"));
		} else {
			ck_assert_msg(rc == 0, "case %zu: %s", i, eb.msg);
			ck_assert_str_eq(op_path(&s, &s.ops[0]), cases[i].want);
		}
		reg_script_free(&s);
	}
}
END_TEST

/* ---- hive_import_reg ------------------------------------------------------- */

/* The sample without the key name holding a backslash, which a hive cannot
 * take (hive_import_reg() refuses it before applying anything). */
static char *
sample_ok(void)
{
	static char buf[sizeof(sample)];
	char *p;

	memcpy(buf, sample, sizeof(sample));
	p = strstr(buf, "E{U+005C}F");
	ck_assert_ptr_nonnull(p);
	memmove(p + 1, p + 9, strlen(p + 9) + 1);
	return buf;
}

static void
import_ok(hive_t *h, const char *text, struct hive_import_report *rep)
{
	int rc = hive_import_reg(h, text, strlen(text), NULL, rep);

	ck_assert_msg(rc == 0, "import: %s", hive_last_error(h));
}

static void
assert_value(hive_t *h, const char *key, const char *name, uint32_t type, const void *d,
	     size_t len)
{
	hive_key_t k;
	hive_value_t v;
	uint32_t t;
	uint8_t *got;
	size_t n;

	ck_assert_msg(hive_key_find(h, key, &k) == 0, "%s: %s", key, hive_last_error(h));
	ck_assert_msg(hive_value_find(h, k, name, &v) == 0, "%s\\%s", key, name);
	bk_assert_ok(h, hive_value_type(h, v, &t));
	ck_assert_uint_eq(t, type);
	bk_assert_ok(h, hive_value_data(h, v, &got, &n));
	ck_assert_uint_eq(n, len);
	ck_assert_int_eq(memcmp(got, d, len), 0);
	free(got);
}

START_TEST(test_import_apply)
{
	hive_t *h = new_hive("a.hiv");
	struct hive_import_report rep;
	hive_key_t k;
	hive_value_t v;

	ck_assert_int_eq(hive_import_reg(h, sample, sizeof(sample) - 1, NULL, &rep), -BK_ESYNTAX);
	ck_assert_uint_eq(rep.error_line, 16);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "line 16: a key name cannot contain"));
	ck_assert_int_eq(hive_key_find(h, "A", &k), -BK_ENOTFOUND);
	import_ok(h, sample_ok(), &rep);
	ck_assert_uint_eq(rep.keys, 2);
	ck_assert_uint_eq(rep.values_set, 8);
	ck_assert_uint_eq(rep.values_deleted, 0);   /* "del" did not exist */
	ck_assert_uint_eq(rep.keys_deleted, 0);     /* nor B */
	assert_value(h, "A", "s", HIVE_REG_SZ, "a\0\"\0b\0\\\0c\0\0", 12);
	assert_value(h, "A", "", HIVE_REG_SZ, "d\0\0", 4);
	assert_value(h, "A", "h", HIVE_REG_BINARY, "\1\2\3\4", 4);
	assert_value(h, "C{U+0000}D\\EF", "q\"\n", HIVE_REG_DWORD, "\0\0\0\0", 4);
	import_ok(h, "REGEDIT4\n[HKLM\\X\\A\\B\\C]\n\"v\"=dword:2\n[HKLM\\X\\A]\n\"s\"=-\n@=-\n", &rep);
	ck_assert_uint_eq(rep.values_deleted, 2);
	bk_assert_ok(h, hive_key_find(h, "A", &k));
	ck_assert_int_eq(hive_value_find(h, k, "s", &v), -BK_ENOTFOUND);
	ck_assert_int_eq(hive_value_find(h, k, "", &v), -BK_ENOTFOUND);
	assert_value(h, "A\\B\\C", "v", HIVE_REG_DWORD, "\2\0\0\0", 4);
	/* A value named "@" is not the default value. */
	import_ok(h, "REGEDIT4\n[HKLM\\X\\A]\n@=\"dflt\"\n\"@\"=\"at\"\n", &rep);
	assert_value(h, "A", "{U+0040}", HIVE_REG_SZ, "a\0t\0\0\0", 6);
	import_ok(h, "REGEDIT4\n[HKLM\\X\\A]\n\"@\"=-\n", &rep);
	ck_assert_uint_eq(rep.values_deleted, 1);
	ck_assert_int_eq(hive_value_find(h, k, "{U+0040}", &v), -BK_ENOTFOUND);
	assert_value(h, "A", "", HIVE_REG_SZ, "d\0f\0l\0t\0\0\0", 10);
	import_ok(h, "REGEDIT4\n[-HKLM\\X\\A\\B]\n[HKLM\\X\\A\\B2]\n", &rep);
	ck_assert_uint_eq(rep.keys_deleted, 1);
	ck_assert_int_eq(hive_key_find(h, "A\\B", &k), -BK_ENOTFOUND);
	bk_assert_ok(h, hive_key_find(h, "A\\B2", &k));
	hive_close(h);
}
END_TEST

/* A bad line anywhere: its number is reported and the hive is untouched. */
START_TEST(test_import_all_or_nothing)
{
	hive_t *h = new_hive("b.hiv");
	struct hive_import_report rep;
	struct tuples before = { 0 }, after = { 0 };
	static const char bad[] =
		"Windows Registry Editor Version 5.00\n\n[HKLM\\X\\New]\n\"a\"=dword:1\n"
		"[-HKLM\\X\\A]\n[HKLM\\X\\Other]\n\"b\"=hex:1,2,3,\\\n  4,5,,6\n";

	import_ok(h, sample_ok(), &rep);
	ck_assert_int_eq(reader_tuples(h, &before), 0);
	ck_assert_int_eq(hive_import_reg(h, bad, sizeof(bad) - 1, NULL, &rep), -BK_ESYNTAX);
	ck_assert_uint_eq(rep.error_line, 8);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "line 8: hex byte expected"));
	ck_assert_uint_eq(rep.keys + rep.values_set + rep.keys_deleted, 0);
	ck_assert_int_eq(reader_tuples(h, &after), 0);
	tuples_assert_equal(&before, &after, "b.hiv", "after a failed import");
	tuples_free(&before);
	tuples_free(&after);
	hive_close(h);
}
END_TEST

/* Failing allocations, while parsing or part way through applying: each
 * time -BK_ENOMEM and the hive exactly as before (the write side's undo
 * journal takes back what was applied). */
START_TEST(test_import_alloc_failure)
{
	static const char more[] =
		"REGEDIT4\n[HKLM\\X\\A]\n\"s\"=-\n\"new\"=hex:01,02\n[-HKLM\\X\\C{U+0000}D]\n"
		"[HKLM\\X\\N1\\N2\\N3]\n@=\"deep\"\n\"b\"=hex(3):00,01,02,03,04,05,06,07,08,09\n";
	hive_t *h = new_hive("c.hiv");
	struct tuples before = { 0 }, after = { 0 };
	long n;
	int rc;

	import_ok(h, sample_ok(), NULL);
	ck_assert_int_eq(reader_tuples(h, &before), 0);
	for (n = 0;; n++) {
		bk_alloc_fail_after = n;
		rc = hive_import_reg(h, more, sizeof(more) - 1, NULL, NULL);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "n=%ld: rc %d (%s)", n, rc, hive_last_error(h));
		ck_assert_int_eq(reader_tuples(h, &after), 0);
		tuples_assert_equal(&before, &after, "c.hiv", "the hive after a failed import");
		tuples_free(&after);
		ck_assert_int_lt(n, 1000);
	}
	ck_assert_int_gt(n, 5);
	assert_value(h, "N1\\N2\\N3", "", HIVE_REG_SZ, "d\0e\0e\0p\0\0\0", 10);
	tuples_free(&before);
	hive_close(h);
}
END_TEST

/* ---- round trips on the corpus ------------------------------------------- */

struct sink {
	uint8_t *p;
	size_t len, cap;
};

static int
sink_write(void *data, const void *buf, size_t len)
{
	struct sink *s = data;

	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->p = realloc(s->p, s->cap);
		ck_assert_ptr_nonnull(s->p);
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

static int
no_problem(void *data, const struct hive_problem *p)
{
	(void)data;
	fprintf(stderr, "problem: %s\n", p->message);
	return 0;
}

/* Export corpus hive name in format, import into an empty hive, commit,
 * reopen, compare everything the reader sees; returns the new file's size. */
static off_t
roundtrip(const char *name, int format)
{
	const char *corpus = getenv("BK_CORPUS");
	char path[1024], out[512], err[512];
	struct tuples a = { 0 }, b = { 0 };
	struct sink s = { 0 };
	struct stat st;
	uint64_t problems = 1;
	hive_t *h, *n;
	int rc;

	snprintf(path, sizeof(path), "%s/hive/%s", corpus ? corpus : "/nonexistent", name);
	if (!corpus || access(path, R_OK) != 0) {
		printf("SKIP: %s not found\n", path);
		return -1;
	}
	ck_assert_msg(th_open(&h, path, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_export_reg(h, 0, format, NULL, sink_write, &s));
	snprintf(out, sizeof(out), "%s/rt-%s", tmpdir, name);
	ck_assert_msg(th_create(&n, out, NULL, 0, err, sizeof(err)) == 0, "%s", err);
	rc = hive_import_reg(n, s.p, s.len, NULL, NULL);
	ck_assert_msg(rc == 0, "%s: import: %s", name, hive_last_error(n));
	ck_assert_msg(hive_commit(n, 0) == 0, "%s", hive_last_error(n));
	hive_close(n);
	ck_assert_msg(th_open(&n, out, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(n, hive_check(n, no_problem, NULL, &problems));
	ck_assert_uint_eq(problems, 0);
	ck_assert_int_eq(reader_tuples(h, &a), 0);
	ck_assert_int_eq(reader_tuples(n, &b), 0);
	tuples_assert_equal(&a, &b, name, "the imported copy");
	tuples_free(&a);
	tuples_free(&b);
	hive_close(h);
	hive_close(n);
	free(s.p);
	ck_assert_int_eq(stat(out, &st), 0);
	return st.st_size;
}

/* Every corpus hive the reader reads whole survives export, import into an
 * empty hive and commit: names with NUL, CR LF, Latin-1 and other UTF-16
 * characters, big data, odd strings, ri lists. */
START_TEST(test_roundtrip_corpus)
{
	const char *corpus = getenv("BK_CORPUS");
	char dir[1024], path[1400], err[512];
	struct dirent *e;
	struct stat st;
	unsigned n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/hive", corpus ? corpus : "/nonexistent");
	if (!corpus || !(d = opendir(dir))) {
		printf("SKIP: no corpus at %s\n", dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct tuples t = { 0 };
		hive_t *h;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    strcmp(e->d_name, "regipy-SYSTEM") == 0)   /* its own test below */
			continue;
		if (th_open(&h, path, 0, err, sizeof(err)) < 0)
			continue;
		rc = reader_tuples(h, &t);
		tuples_free(&t);
		hive_close(h);
		if (rc < 0)
			continue;       /* damaged: the checker's business */
		roundtrip(e->d_name, HIVE_REG5);
		n++;
	}
	closedir(d);
	printf("import: %u corpus hives round-tripped\n", n);
	ck_assert_uint_ge(n, 20);
}
END_TEST

/* Unpaired surrogates and NULs in key and value names, and a literal "{U+",
 * survive both dialects (REGEDIT4 writes them as {U+hhhh} escapes too). */
START_TEST(test_roundtrip_surrogates)
{
	static const uint16_t k1[] = { 'a', 0xD800, 'b' }, k2[] = { 0xDFFF }, k3[] = { 0, '{', 'U', '+' },
			      v1[] = { 0xDC00, 0 }, v2[] = { 'x', 0xD83D, 0xDE00, 0xDBFF };
	hive_t *h = new_hive("s.hiv"), *n;
	hive_key_t root, a, b;
	struct tuples ta = { 0 }, tb = { 0 };
	struct sink s = { 0 };
	int fmt;

	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_add_utf16(h, root, k1, 3, &a));
	bk_assert_ok(h, hive_key_add_utf16(h, a, k2, 1, &b));
	bk_assert_ok(h, hive_key_add_utf16(h, b, k3, 4, &b));
	bk_assert_ok(h, hive_value_set_utf16(h, a, v1, 2, HIVE_REG_BINARY, "z", 1, NULL));
	bk_assert_ok(h, hive_value_set_utf16(h, b, v2, 4, 0x1234, "", 0, NULL));
	ck_assert_int_eq(reader_tuples(h, &ta), 0);
	/* REGEDIT4 in UTF-8: every name fits (Windows-1252 has no surrogates). */
	bk_assert_ok(h, hive_set_reg_codepage(h, "UTF-8"));
	for (fmt = HIVE_REG5; fmt <= HIVE_REG4; fmt++) {
		char name[16];
		s.len = 0;
		bk_assert_ok(h, hive_export_reg(h, 0, fmt, "HKCU", sink_write, &s));
		snprintf(name, sizeof(name), "s%d.hiv", fmt);
		n = new_hive(name);
		bk_assert_ok(n, hive_set_reg_codepage(n, "utf8"));
		ck_assert_msg(hive_import_reg(n, s.p, s.len, NULL, NULL) == 0, "%s", hive_last_error(n));
		ck_assert_int_eq(reader_tuples(n, &tb), 0);
		tuples_assert_equal(&ta, &tb, name, "the imported copy");
		tuples_free(&tb);
		hive_close(n);
	}
	tuples_free(&ta);
	free(s.p);
	hive_close(h);
}
END_TEST

/* ---- REGEDIT4 code pages ------------------------------------------------ */

/* Hands the text out one byte at a time: a CP932 character is split
 * across two reads, a converter state across many. */
struct drip {
	const char *p;
	size_t len, pos;
};

static int
drip_read(void *data, void *buf, size_t len, size_t *got)
{
	struct drip *d = data;

	*got = d->pos < d->len && len ? 1 : 0;
	if (*got)
		((char *)buf)[0] = d->p[d->pos++];
	return 0;
}

/* The value's data decoded to UTF-8 equals want. */
static void
assert_string(hive_t *h, const char *key, const char *name, const char *want)
{
	hive_key_t k;
	hive_value_t v;
	uint8_t *d;
	size_t n;
	char *got;

	ck_assert_msg(hive_key_find(h, key, &k) == 0, "%s: %s", key, hive_last_error(h));
	ck_assert_msg(hive_value_find(h, k, name, &v) == 0, "%s: %s", name, hive_last_error(h));
	bk_assert_ok(h, hive_value_data(h, v, &d, &n));
	bk_assert_ok_plain(hive_decode_string(d, n, &got));
	ck_assert_str_eq(got, want);
	free(got);
	free(d);
}

START_TEST(test_codepage)
{
	static const char cp1252[] = "REGEDIT4\r\n[HKLM\\S\\Caf\xe9]\r\n\"pr\xe9\"=\"\x80 5\"\r\n"
				     "\"x\"=hex(2):e9,80,00\r\n";
	static const char cp932[] = "REGEDIT4\r\n[HKLM\\S\\\x93\xfa\x96\x7b]\r\n"
				    "\"\x96\xbc\"=\"\x83\x65\x83\x58\x83\x67\"\r\n";
	static const char bad[] = "REGEDIT4\r\n[HKLM\\S\\K]\r\n\r\n\"a\"=\"\x81\"\r\n";
	static const char bom[] = "\xef\xbb\xbfREGEDIT4\r\n[HKLM\\S\\K]\r\n\"u\"=\"\xc3\xa9\"\r\n";
	struct hive_import_report rep;
	struct drip d = { cp932, sizeof(cp932) - 1, 0 };
	hive_t *h = new_hive("cp.hiv");

	/* The default is Windows-1252, for names, strings and hex(2) data. */
	ck_assert_msg(hive_import_reg(h, cp1252, sizeof(cp1252) - 1, NULL, NULL) == 0, "%s",
		      hive_last_error(h));
	assert_string(h, "Caf\xc3\xa9", "pr\xc3\xa9", "\xe2\x82\xac 5");
	assert_string(h, "Caf\xc3\xa9", "x", "\xc3\xa9\xe2\x82\xac");
	/* A name iconv does not know changes nothing. */
	ck_assert_int_eq(hive_set_reg_codepage(h, "NO-SUCH-CODEPAGE"), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(hive_last_error(h), "NO-SUCH-CODEPAGE"));
	/* CP932 read one byte at a time: double-byte characters split. */
	bk_assert_ok(h, hive_set_reg_codepage(h, "CP932"));
	ck_assert_msg(hive_import_reg_stream(h, drip_read, &d, NULL, NULL) == 0, "%s",
		      hive_last_error(h));
	assert_string(h, "\xe6\x97\xa5\xe6\x9c\xac", "\xe5\x90\x8d",
		      "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");
	/* 0x81 is no character of Windows-1252: the line is named. */
	bk_assert_ok(h, hive_set_reg_codepage(h, NULL));
	ck_assert_int_eq(hive_import_reg(h, bad, sizeof(bad) - 1, NULL, &rep), -BK_ESYNTAX);
	ck_assert_uint_eq(rep.error_line, 4);
	ck_assert_str_eq(hive_last_error(h), "line 4: byte 0x81 is not a character of code page "
			 "CP1252");
	/* After a UTF-8 BOM the file is UTF-8 whatever the code page. */
	bk_assert_ok(h, hive_import_reg(h, bom, sizeof(bom) - 1, NULL, NULL));
	assert_string(h, "K", "u", "\xc3\xa9");
	hive_close(h);
}
END_TEST

/* regipy-SYSTEM into an empty hive, identical content, at most
 * 1.2 times the original's size. */
START_TEST(test_roundtrip_system)
{
	off_t size = roundtrip("regipy-SYSTEM", HIVE_REG5);

	if (size < 0)
		return;
	printf("regipy-SYSTEM round trip: %lld bytes (original 11771904)\n", (long long)size);
	ck_assert_int_le(size, 11771904LL * 12 / 10);
}
END_TEST

static Suite *
import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(import_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
