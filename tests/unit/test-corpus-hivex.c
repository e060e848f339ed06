/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Differential test against libhivex, an independent reader: for every
 * primary hive and BCD store of the corpus, the set of keys and of (key path,
 * value name, type, data bytes) bcdkit reads must equal the set libhivex
 * reads.  Both sides walk the primary file as stored (bcdkit with
 * HIVE_OPEN_NO_LOGS), since libhivex never replays logs.  Names are compared
 * as UTF-16 code units (libhivex gives UTF-8, converted back here), data as
 * raw bytes (a 64-bit FNV-1a hash plus the length).
 *
 * Where the two readers legitimately differ, the expected outcome is listed
 * below with the reason; anything else fails.  Each hive is one loop
 * iteration, and the test skips when the corpus is absent.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <hivex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"

enum expect {
	SAME,            /* both read the same records */
	HIVEX_REFUSES,   /* libhivex cannot open it; bcdkit reads it */
	BOTH_REFUSE,     /* neither opens it */
	SALVAGE_SAME,    /* truncated: bcdkit needs HIVE_OPEN_SALVAGE, then agrees */
	HIVEX_SKIPS,     /* libhivex fails to read ndiff values bcdkit reads */
	BOTH_FAIL_WALK,  /* both open it, and both stop at the same damage */
};

struct corpus_hive {
	const char *path;
	enum expect expect;
	const char *why;
	size_t ndiff;
};

static const struct corpus_hive hives[] = {
	{ "hive/dfwinreg-NTUSER/NTUSER.DAT", SAME, NULL, 0 },
	{ "hive/dfwinreg-SAM", SAME, NULL, 0 },
	{ "hive/dfwinreg-SECURITY", SAME, NULL, 0 },
	{ "hive/dfwinreg-UsrClass.dat", SAME, NULL, 0 },
	{ "hive/hivex-minimal", SAME, NULL, 0 },
	{ "hive/hivex-rlenvalue", SAME, NULL, 0 },
	{ "hive/hivex-special", SAME, NULL, 0 },
	{ "hive/regipy-NTUSER.DAT", SAME, NULL, 0 },
	{ "hive/regipy-SAM", SAME, NULL, 0 },
	{ "hive/regipy-SECURITY", SAME, NULL, 0 },
	{ "hive/regipy-SYSTEM", SAME, NULL, 0 },
	{ "hive/regipy-SYSTEM_WIN_10_1709", SAME, NULL, 0 },
	{ "hive/regipy-transactions/NTUSER.DAT", SAME, NULL, 0 },
	{ "hive/win10mobile-DEFAULT", SAME, NULL, 0 },
	{ "hive/win10mobile-DRIVERS", SAME, NULL, 0 },
	{ "hive/yarp-BigDataHive", SAME, NULL, 0 },
	{ "hive/yarp-BogusKeyNamesHive", SAME, NULL, 0 },
	{ "hive/yarp-CompHive", SAME, NULL, 0 },
	{ "hive/yarp-DeletedDataHive", SAME, NULL, 0 },
	{ "hive/yarp-DupNameHive", SAME, NULL, 0 },
	{ "hive/yarp-EmptyHive", SAME, NULL, 0 },
	{ "hive/yarp-ExtendedASCIIHive", SAME, NULL, 0 },
	{ "hive/yarp-ManySubkeysHive", SAME, NULL, 0 },
	{ "hive/yarp-MultiSzHive", SAME, NULL, 0 },
	{ "hive/yarp-NewDirtyHive1/NewDirtyHive", SAME, NULL, 0 },
	{ "hive/yarp-StringValuesHive", SAME, NULL, 0 },
	{ "hive/yarp-System_Delta", HIVEX_SKIPS,
	  "three tombstone values (vk flag 0x2, layered keys) hold no data and data offset "
	  "0xFFFFFFFF; libhivex fails them with EFAULT, bcdkit reads them as empty", 3 },
	{ "hive/yarp-TwoOwnersHive", SAME, NULL, 0 },
	{ "hive/yarp-UnicodeHive", SAME, NULL, 0 },
	{ "hive/yarp-UpcaseHive", SAME, NULL, 0 },
	{ "hive/yarp-ValuesOrderHive", SAME, NULL, 0 },
	{ "hive/yarp-WrongOrderHive", SAME, NULL, 0 },
	{ "hive/yarp-BadLogHive1/BadLogHive", SAME, NULL, 0 },
	{ "hive/yarp-InvalidParentHive", SAME,
	  "a wrong parent pointer changes no name, value or list", 0 },
	{ "hive/yarp-GarbageHive", HIVEX_REFUSES,
	  "bad base-block checksum: libhivex refuses it, bcdkit reads it as dirty", 0 },
	{ "hive/yarp-BadBaseBlockHive/BadBaseBlockHive", BOTH_REFUSE,
	  "base block destroyed (version 1.1, bad checksum); only its log can rebuild it", 0 },
	{ "hive/yarp-TruncatedHive", SALVAGE_SAME,
	  "hive bins end past the end of the file: bcdkit reads what exists only when asked "
	  "to salvage (it must never be written); libhivex reads the pages present and stops "
	  "(EFAULT) at the first subkey list past the end, which the salvage drops", 0 },
	{ "hive/regipy-corrupted_system_hive", BOTH_REFUSE,
	  "an hbin without signature inside the hive bins; both need a salvage/unsafe open", 0 },
	{ "hive/yarp-BadListHive", SAME,
	  "two keys share one subkey list: both readers show the subkey under both", 0 },
	{ "hive/yarp-BadSubkeyHive", SAME,
	  "two lists hold one key: both readers show it under both parents", 0 },
	{ "hive/yarp-TruncatedNameHive", BOTH_FAIL_WALK,
	  "a key name runs past its cell: libhivex fails to read it (EFAULT), bcdkit reports "
	  "the key as damaged (and drops it when salvaging)", 0 },
	{ "bcd/bcdsys-BCD-NEW", SAME, NULL, 0 },
	{ "bcd/install-media-bcd", SAME, NULL, 0 },
	{ "bcd/ms-build-BCDTemplate.HIV", SAME, NULL, 0 },
	{ "bcd/ntloader-bcdvhd", SAME, NULL, 0 },
	{ "bcd/pybcd-BCDTest", SAME, NULL, 0 },
	{ "bcd/pybcd-BCDvm", SAME, NULL, 0 },
	{ "bcd/win-bios-system/BCD", SAME, NULL, 0 },
	{ "bcd/win-bios-system-oldlog/BCD", SAME, NULL, 0 },
	{ "bcd/win10-install-media-efi-bcd", SAME, NULL, 0 },
	{ "bcd/win10-uefi-system/BCD", SAME, NULL, 0 },
	{ "bcd/win10-winre/BCD", SAME, NULL, 0 },
	{ "bcd/win10mobile-BCD-Template", SAME, NULL, 0 },
	{ "bcd/win11-uefi-ktm/BCD", SAME, NULL, 0 },
	{ "bcd/win7-install-media-bios-bcd", SAME, NULL, 0 },
	{ "bcd/windeploy-BCD-efi", SAME, NULL, 0 },
};
#define NHIVES ((int)(sizeof(hives) / sizeof(hives[0])))

/* ---- record sets ------------------------------------------------------------ */

struct recs {
	char **v;
	size_t n, cap;
};

static void
add_rec(struct recs *r, char *s)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		ck_assert_ptr_nonnull(r->v);
	}
	r->v[r->n++] = s;
}

static void
free_recs(struct recs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Code units as hex, so any name (NUL, surrogates) compares exactly. */
static char *
units_hex(const uint16_t *u, size_t n)
{
	char *s = malloc(n * 4 + 1);
	size_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		sprintf(s + 4 * i, "%04x", u[i]);
	s[4 * n] = '\0';
	return s;
}

static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static char *
value_rec(const char *path, const char *name, uint32_t type, const uint8_t *d, size_t len)
{
	char *s = malloc(strlen(path) + strlen(name) + 80);

	ck_assert_ptr_nonnull(s);
	sprintf(s, "V %s %s %08x %zu %016llx", path, name, type, len,
		(unsigned long long)fnv1a(d, len));
	return s;
}

static char *
key_rec(const char *path)
{
	char *s = malloc(strlen(path) + 3);

	ck_assert_ptr_nonnull(s);
	sprintf(s, "K %s", path);
	return s;
}

static char *
join_path(const char *parent, const char *hexname)
{
	char *s = malloc(strlen(parent) + strlen(hexname) + 2);

	ck_assert_ptr_nonnull(s);
	sprintf(s, "%s/%s", parent, hexname);
	return s;
}

/* ---- bcdkit side ------------------------------------------------------------ */

static int
bk_walk(hive_t *h, hive_key_t k, const char *path, struct recs *r, int depth)
{
	hive_key_t *subs = NULL;
	hive_value_t *vals = NULL;
	size_t n, nv, i, len, un;
	uint16_t *u;
	uint8_t *d;
	uint32_t type;
	char *hn, *sub;
	int rc;

	add_rec(r, key_rec(path));
	if ((rc = hive_key_values(h, k, &vals, &nv)) < 0)
		return rc;
	for (i = 0; i < nv; i++) {
		if ((rc = hive_value_name_utf16(h, vals[i], &u, &un)) < 0 ||
		    (rc = hive_value_type(h, vals[i], &type)) < 0)
			break;
		hn = units_hex(u, un);
		free(u);
		if ((rc = hive_value_data(h, vals[i], &d, &len)) < 0) {
			free(hn);
			break;
		}
		add_rec(r, value_rec(path, hn, type, d, len));
		free(hn);
		free(d);
	}
	free(vals);
	if (rc < 0 || depth > 512 || (rc = hive_key_subkeys(h, k, &subs, &n)) < 0)
		return rc < 0 ? rc : -BK_ECORRUPT;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = hive_key_name_utf16(h, subs[i], &u, &un)) < 0)
			break;
		hn = units_hex(u, un);
		free(u);
		sub = join_path(path, hn);
		free(hn);
		rc = bk_walk(h, subs[i], sub, r, depth + 1);
		free(sub);
	}
	free(subs);
	return rc;
}

/* ---- libhivex side ------------------------------------------------------------ */

/* UTF-8 (as libhivex produces it) to UTF-16 code units, as hex. */
static char *
utf8_hex(const char *s, size_t len)
{
	uint16_t *u = malloc((len + 1) * sizeof(*u));
	size_t i = 0, n = 0;
	char *r;

	ck_assert_ptr_nonnull(u);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int k;

		if (c < 0x80)
			cp = c, k = 0;
		else if ((c & 0xE0) == 0xC0)
			cp = c & 0x1F, k = 1;
		else if ((c & 0xF0) == 0xE0)
			cp = c & 0x0F, k = 2;
		else
			cp = c & 0x07, k = 3;
		for (i++; k > 0 && i < len; k--, i++)
			cp = cp << 6 | ((unsigned char)s[i] & 0x3F);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[n++] = (uint16_t)(0xD800 | cp >> 10);
			u[n++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
		} else {
			u[n++] = (uint16_t)cp;
		}
	}
	r = units_hex(u, n);
	free(u);
	return r;
}

static size_t hx_value_errors;

static int
hx_walk(hive_h *h, hive_node_h node, const char *path, struct recs *r, int depth)
{
	hive_value_h *vals;
	hive_node_h *subs;
	size_t i, len;
	hive_type type;
	char *name, *hn, *d, *sub;
	int rc = 0;

	add_rec(r, key_rec(path));
	if (!(vals = hivex_node_values(h, node)))
		return -1;
	for (i = 0; vals[i]; i++) {
		if (!(name = hivex_value_key(h, vals[i]))) {
			rc = -1;
			break;
		}
		hn = utf8_hex(name, hivex_value_key_len(h, vals[i]));
		free(name);
		if (!(d = hivex_value_value(h, vals[i], &type, &len))) {
			free(hn);
			hx_value_errors++;
			continue;
		}
		add_rec(r, value_rec(path, hn, (uint32_t)type, (uint8_t *)d, len));
		free(hn);
		free(d);
	}
	free(vals);
	if (rc < 0 || depth > 512 || !(subs = hivex_node_children(h, node)))
		return -1;
	for (i = 0; subs[i] && rc == 0; i++) {
		if (!(name = hivex_node_name(h, subs[i]))) {
			rc = -1;
			break;
		}
		hn = utf8_hex(name, hivex_node_name_len(h, subs[i]));
		free(name);
		sub = join_path(path, hn);
		free(hn);
		rc = hx_walk(h, subs[i], sub, r, depth + 1);
		free(sub);
	}
	free(subs);
	return rc;
}

/* ---- comparison --------------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Number of records in one set and not the other; the first few are printed. */
static size_t
diff_sets(const char *name, struct recs *a, struct recs *b)
{
	size_t i = 0, j = 0, nd = 0;

	qsort(a->v, a->n, sizeof(*a->v), cmp_str);
	qsort(b->v, b->n, sizeof(*b->v), cmp_str);
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i], b->v[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		if (nd++ < 5)
			fprintf(stderr, "%s: only %s: %s\n", name, c < 0 ? "bcdkit" : "libhivex",
				c < 0 ? a->v[i] : b->v[j]);
		if (c < 0)
			i++;
		else
			j++;
	}
	return nd;
}

START_LOOP_TEST(test_hive_vs_hivex, 0, NHIVES)
{
	const struct corpus_hive *ch = &hives[_i];
	const char *corpus = getenv("BK_CORPUS");
	struct recs a = { 0 }, b = { 0 };
	char path[4096], err[600];
	hive_t *h = NULL;
	hive_h *hx;
	hive_key_t root;
	int brc, xrc;

	if (!corpus || access(corpus, R_OK) != 0) {
		fprintf(stderr, "SKIP: corpus not found (BK_CORPUS)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", corpus, ch->path);
	ck_assert_msg(access(path, R_OK) == 0, "%s is missing from the corpus", path);
	brc = th_open(&h, path, HIVE_OPEN_NO_LOGS, err, sizeof(err));
	if (ch->expect == SALVAGE_SAME) {
		ck_assert_msg(brc < 0, "%s: bcdkit opened it without salvage (%s)", ch->path, ch->why);
		brc = th_open(&h, path, HIVE_OPEN_NO_LOGS | HIVE_OPEN_SALVAGE, err, sizeof(err));
	}
	hx = hivex_open(path, 0);
	if (ch->expect == BOTH_REFUSE || ch->expect == HIVEX_REFUSES) {
		ck_assert_msg(hx == NULL, "%s: libhivex opened it, expected a refusal (%s)", ch->path, ch->why);
		ck_assert_msg((brc < 0) == (ch->expect == BOTH_REFUSE), "%s: bcdkit: %s (%s)",
			      ch->path, brc < 0 ? err : "opened", ch->why);
		if (brc == 0) {
			hive_root(h, &root);
			ck_assert_int_eq(bk_walk(h, root, "", &a, 0), 0);
			ck_assert_uint_gt(a.n, 0);
		}
		free_recs(&a);
		hive_close(h);
		return;
	}
	ck_assert_msg(brc == 0, "%s: bcdkit cannot open it: %s", ch->path, err);
	ck_assert_msg(hx != NULL, "%s: libhivex cannot open it: %s", ch->path, strerror(errno));
	hive_root(h, &root);
	hx_value_errors = 0;
	brc = bk_walk(h, root, "", &a, 0);
	xrc = hx_walk(hx, hivex_root(hx), "", &b, 0);
	if (ch->expect == BOTH_FAIL_WALK) {
		ck_assert_msg(brc < 0 && xrc < 0, "%s: walks returned %d (bcdkit) and %d (libhivex); "
			      "expected both to stop (%s)", ch->path, brc, xrc, ch->why);
		goto out;
	}
	ck_assert_msg(brc == 0, "%s: bcdkit walk failed: %s", ch->path, hive_last_error(h));
	ck_assert_msg(xrc == 0 || ch->expect == SALVAGE_SAME, "%s: libhivex walk failed: %s",
		      ch->path, strerror(errno));
	/* Every difference is a value libhivex could not read, and as many as listed. */
	ck_assert_msg(hx_value_errors == ch->ndiff, "%s: libhivex failed on %zu values, expected %zu%s%s",
		      ch->path, hx_value_errors, ch->ndiff, ch->why ? ": " : "", ch->why ? ch->why : "");
	ck_assert_msg(diff_sets(ch->path, &a, &b) == ch->ndiff, "%s: bcdkit and libhivex differ",
		      ch->path);
	ck_assert_uint_eq(a.n, b.n + ch->ndiff);
	ck_assert_uint_gt(a.n, 0);
out:
	free_recs(&a);
	free_recs(&b);
	hivex_close(hx);
	hive_close(h);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("corpus-hivex");
	TCase *tc = tcase_create("corpus");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
