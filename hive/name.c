/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Registry names: Windows upper-casing (the table Windows itself uses, not
 * the C locale), the subkey sort order, the lh hash, and the escaped UTF-8
 * form of names used throughout the API.
 */
#include "config.h"

#include "bk-upcase.h"
#include "bk-utf16.h"
#include "hive-internal.h"

uint16_t
hive_upcase(uint16_t c)
{
	return bk_upcase(c);
}

int
hive_name_cmp(const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	const uint16_t *upcase_map = bk_upcase_map();
	size_t i, n = an < bn ? an : bn;

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
	const uint16_t *upcase_map = bk_upcase_map();
	uint32_t h = 0;
	size_t i;

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
