/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the hive reader: open a buffer (strict, then salvaging),
 * walk every key, read every name, value and class, resolve a few paths, run
 * the checker and export the tree as .reg and XML.  See fuzz.h for the two
 * ways it is built.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/hive.h"
#include "fuzz.h"

/* Keep the work per input bounded: a fuzzer input may describe many keys. */
#define FUZZ_MAX_KEYS 20000

static int
count_problem(void *data, const struct hive_problem *p)
{
	size_t *n = data;

	/* Touch every field, as a caller printing it would. */
	*n += strlen(p->message) + (p->key_path ? strlen(p->key_path) : 0) + p->kind;
	return 0;
}

/* Export sink: count the bytes, as a writer would consume them. */
static int
sink(void *data, const void *buf, size_t len)
{
	(void)buf;
	*(size_t *)data += len;
	return 0;
}

static void
walk(hive_t *h, hive_key_t k, int depth, size_t *budget)
{
	struct hive_key_info ki;
	hive_key_t *subs = NULL;
	hive_value_t *vals = NULL;
	size_t n = 0, nv = 0, i, len;
	uint8_t *d;
	uint32_t type;
	char *s;

	if (depth > 600 || *budget == 0)
		return;
	(*budget)--;
	hive_key_info(h, k, &ki);
	if (hive_key_name(h, k, &s) == 0)
		free(s);
	if (hive_key_path(h, k, &s) == 0)
		free(s);
	if (hive_key_class(h, k, &d, &len) == 0)
		free(d);
	if (hive_key_values(h, k, &vals, &nv) == 0) {
		for (i = 0; i < nv; i++) {
			if (hive_value_name(h, vals[i], &s) == 0)
				free(s);
			if (hive_value_type(h, vals[i], &type) == 0 &&
			    hive_value_data(h, vals[i], &d, &len) == 0) {
				char **v;
				if (hive_decode_string(d, len, &s) == 0)
					free(s);
				if (hive_decode_multi_string(d, len, &v) == 0)
					hive_free_strv(v);
				free(d);
			}
		}
		free(vals);
	}
	if (hive_key_subkeys(h, k, &subs, &n) == 0) {
		for (i = 0; i < n; i++)
			walk(h, subs[i], depth + 1, budget);
		free(subs);
	}
}

/*
 * A hive the checker finds clean must stay clean through edits: add a key
 * and values, delete the first subkey of the root with everything below it.
 */
static void
edit(const uint8_t *data, size_t size)
{
	static const uint8_t blob[40] = { 1, 2, 3 };
	hive_key_t root, k, *subs = NULL;
	size_t n = 0, np = 0;
	uint64_t count = 0;
	hive_t *h = hive_new();

	if (!h || hive_open_buffer(h, data, size, "fuzz", HIVE_OPEN_WRITE) < 0) {
		hive_close(h);
		return;
	}
	if (hive_check(h, count_problem, &np, &count) < 0 || count != 0 ||
	    (hive_state(h) & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM)) ||
	    hive_root(h, &root) < 0) {
		hive_close(h);
		return;
	}
	if (hive_key_add(h, root, "FuzzKey", &k) == 0) {
		hive_value_set(h, k, "v", HIVE_REG_BINARY, blob, sizeof(blob));
		hive_value_set(h, k, "", HIVE_REG_DWORD, blob, 4);
	}
	if (hive_key_subkeys(h, root, &subs, &n) == 0 && n > 0)
		hive_key_delete(h, subs[0], 1);
	free(subs);
	count = 0;
	FUZZ_ASSERT(hive_check(h, count_problem, &np, &count) >= 0 && count == 0);
	hive_close(h);
}

static void
one(const uint8_t *data, size_t size, unsigned flags)
{
	hive_key_t root, k;
	struct hive_stats st;
	struct hive_header hd;
	size_t budget = FUZZ_MAX_KEYS, np = 0;
	uint64_t count;
	hive_t *h = hive_new();

	if (!h || hive_open_buffer(h, data, size, "fuzz", flags) < 0) {
		hive_close(h);
		return;
	}
	hive_get_header(h, &hd);
	hive_get_stats(h, &st);
	hive_root(h, &root);
	walk(h, root, 0, &budget);
	hive_key_find(h, "HKLM\\SYSTEM\\CurrentControlSet\\Control", &k);
	hive_key_find(h, "a\\b\\c", &k);
	hive_check(h, count_problem, &np, &count);
	/* The exporters read every record again, through their own paths. */
	hive_export_reg(h, root, HIVE_REG5, NULL, sink, &np);
	hive_export_reg(h, root, HIVE_REG4, "HKEY_LOCAL_MACHINE\\X", sink, &np);
	hive_export_xml(h, root, sink, &np);
	hive_close(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, HIVE_OPEN_SALVAGE);
	edit(data, size);
	return 0;
}
