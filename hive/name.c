/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Registry names: Windows upper-casing (the table Windows itself uses, not
 * the C locale), the subkey sort order, the lh hash, and the escaped UTF-8
 * form of names used throughout the API.
 */
#include "config.h"

#include <pthread.h>

#include "bk-utf16.h"
#include "hive-internal.h"

struct upcase_run {
	uint16_t first, last, delta;
};
#include "upcase-table.h"

static uint16_t upcase_map[65536];
static pthread_once_t upcase_once = PTHREAD_ONCE_INIT;

/* Expand the run list once into a flat table: lookups are then O(1). */
static void
upcase_build(void)
{
	size_t i;
	uint32_t c;

	for (c = 0; c < 65536; c++)
		upcase_map[c] = (uint16_t)c;
	for (i = 0; i < sizeof(upcase_runs) / sizeof(upcase_runs[0]); i++)
		for (c = upcase_runs[i].first; c <= upcase_runs[i].last; c++)
			upcase_map[c] = (uint16_t)(c + upcase_runs[i].delta);
}

uint16_t
hive_upcase(uint16_t c)
{
	pthread_once(&upcase_once, upcase_build);
	return upcase_map[c];
}

int
hive_name_cmp(const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	size_t i, n = an < bn ? an : bn;

	pthread_once(&upcase_once, upcase_build);
	for (i = 0; i < n; i++) {
		uint16_t x = upcase_map[a[i]], y = upcase_map[b[i]];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return an < bn ? -1 : an > bn ? 1 : 0;
}

uint32_t
hive_name_hash(const uint16_t *u, size_t n)
{
	uint32_t h = 0;
	size_t i;

	pthread_once(&upcase_once, upcase_build);
	for (i = 0; i < n; i++)
		h = h * 37u + upcase_map[u[i]];
	return h;
}

int
hive_name_from_utf16(const uint16_t *u, size_t n, int in_key_path, char **out)
{
	return bk_utf16_to_utf8(u, n, in_key_path != 0, out);
}

int
hive_name_to_utf16(const char *s, size_t slen, uint16_t **out, size_t *n)
{
	return bk_utf8_to_utf16(s, slen, out, n);
}
