/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GUID text (bk-guid.h).  bcd_guid_format/parse and disk_guid_format/parse,
 * the libraries' public forms, are thin wrappers around these two.
 */
#include "config.h"

#include <string.h>

#include "bk-bytes.h"
#include "bk-guid.h"
#include "bcdkit/error.h"

/* The i-th byte of the text is byte text_to_bin[i] of the stored form. */
static const uint8_t text_to_bin[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

char *
bk_guid_format(const uint8_t g[16], char *out)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t i, o = 0;

	out[o++] = '{';
	for (i = 0; i < 16; i++) {
		uint8_t b = g[text_to_bin[i]];

		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdig[b >> 4];
		out[o++] = hexdig[b & 15];
	}
	out[o++] = '}';
	out[o] = '\0';
	return out;
}

int
bk_guid_parse(const char *s, uint8_t out[16])
{
	uint8_t g[16];
	size_t len = strlen(s), i;

	if (len == 38 && s[0] == '{' && s[37] == '}')
		s++;
	else if (len != 36)
		return -BK_ESYNTAX;
	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (*s++ != '-')
				return -BK_ESYNTAX;
		}
		hi = bk_hexval((unsigned char)s[0]);
		lo = hi < 0 ? -1 : bk_hexval((unsigned char)s[1]);
		if (lo < 0)
			return -BK_ESYNTAX;
		g[text_to_bin[i]] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	memcpy(out, g, 16);
	return 0;
}
