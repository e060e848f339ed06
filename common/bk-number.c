/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Numbers and sizes from text (bk-number.h). */
#include "config.h"

#include <string.h>

#include "bk-bytes.h"
#include "bk-number.h"

bool
bk_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, d;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		int x = bk_hexval((unsigned char)*s);

		if (x < 0 || (unsigned)x >= base)
			return false;
		d = (unsigned)x;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* The shift of a size suffix, or -1. */
static int
suffix_shift(char c, bool sectors)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	case 'T': case 't': return 40;
	case 'S': case 's': return sectors ? 9 : -1;
	default: return -1;
	}
}

bool
bk_parse_size(const char *s, size_t n, bool sectors, uint64_t *out)
{
	uint64_t v = 0;
	int shift = 0;
	size_t i = 0;

	if (!s)
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (i == 0)
		return false;
	if (i < n) {
		if ((shift = suffix_shift(s[i++], sectors)) < 0)
			return false;
		/* "KiB" and "KB" mean K; a sector count takes no unit. */
		if (shift != 9 && n - i == 2 && memcmp(s + i, "iB", 2) == 0)
			i += 2;
		else if (shift != 9 && n - i == 1 && s[i] == 'B')
			i++;
	}
	if (i != n || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}
