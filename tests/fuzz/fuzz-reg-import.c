/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for .reg import: the input is a .reg file (either dialect, any
 * encoding) imported into a fresh in-memory hive, without and with a
 * --prefix.  Invariants: an import that succeeds leaves a hive the checker
 * finds clean, and one that fails leaves the hive exactly as it was (the
 * import is all or nothing), compared through its .reg export.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/hive.h"
#include "fuzz.h"

struct text {
	char *p;
	size_t len, cap;
};

static int
sink(void *data, const void *buf, size_t len)
{
	struct text *t = data;
	char *p;

	if (t->len + len > t->cap) {
		t->cap = (t->len + len) * 2;
		if (!(p = realloc(t->p, t->cap)))
			return -BK_ENOMEM;
		t->p = p;
	}
	memcpy(t->p + t->len, buf, len);
	t->len += len;
	return 0;
}

static int
count_problem(void *data, const struct hive_problem *p)
{
	(void)p;
	(*(size_t *)data)++;
	return 0;
}

static void
export(hive_t *h, struct text *t)
{
	hive_key_t root;

	t->len = 0;
	FUZZ_ASSERT(hive_root(h, &root) == 0);
	FUZZ_ASSERT(hive_export_reg(h, root, HIVE_REG5, NULL, sink, t) == 0);
}

static void
one(const uint8_t *data, size_t size, const char *prefix)
{
	struct hive_import_report rep;
	struct text before = { 0 }, after = { 0 };
	hive_key_t root, k;
	size_t np = 0;
	uint64_t count = 0;
	hive_t *h = hive_new();

	if (!h || hive_create(h, NULL, "ROOT", 5) < 0) {
		hive_close(h);
		return;
	}
	/* Something for [-key] and "name"=- to remove. */
	if (hive_root(h, &root) == 0 && hive_key_create_path(h, "Old\\Sub", &k) == 0)
		hive_value_set(h, k, "v", HIVE_REG_DWORD, "\1\0\0\0", 4);
	export(h, &before);
	if (hive_import_reg(h, data, size, prefix, &rep) == 0) {
		FUZZ_ASSERT(hive_check(h, count_problem, &np, &count) >= 0);
		FUZZ_ASSERT(count == 0);
	} else {
		export(h, &after);
		FUZZ_ASSERT(after.len == before.len && memcmp(after.p, before.p, after.len) == 0);
	}
	free(before.p);
	free(after.p);
	hive_close(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Past a few hundred KiB the parser's limits, not new paths, are hit. */
	if (size > (1u << 20))
		return 0;
	one(data, size, NULL);
	one(data, size, "HKEY_LOCAL_MACHINE\\ROOT");
	return 0;
}
