/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-utf16.h"
#include "bcdkit/error.h"

static size_t
put_escape(char *o, uint16_t c)
{
	static const char hex[] = "0123456789ABCDEF";

	memcpy(o, "{U+", 3);
	o[3] = hex[c >> 12];
	o[4] = hex[(c >> 8) & 15];
	o[5] = hex[(c >> 4) & 15];
	o[6] = hex[c & 15];
	o[7] = '}';
	return 8;
}

/* Code unit i of a name held as uint16_t, UTF-16LE bytes or Latin-1 bytes. */
static inline uint16_t
unit_at(const void *src, int kind, size_t i)
{
	const uint8_t *b = src;

	if (kind == BK_UNITS_LE)
		return bk_le16(b + 2 * i);
	if (kind == BK_UNITS_LATIN1)
		return b[i];
	return ((const uint16_t *)src)[i];
}

static inline bool
starts_escape_at(const void *src, int kind, size_t n, size_t i)
{
	return unit_at(src, kind, i) == '{' && i + 2 < n && unit_at(src, kind, i + 1) == 'U' &&
	       unit_at(src, kind, i + 2) == '+';
}

/* The one converter: every caller gets the same escapes by construction. */
static inline size_t
units_to_utf8(const void *src, int kind, size_t n, bool esc_backslash, char *o)
{
	char *p = o;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = unit_at(src, kind, i), lo;

		/* Printable ASCII but "{" and "\\" (nearly every character) as is. */
		if (c >= 0x20 && c < 0x7F && c != '{' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		lo = i + 1 < n ? unit_at(src, kind, i + 1) : 0;
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && lo >= 0xDC00 && lo <= 0xDFFF) {
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			i++;
			p += bk_utf8_put((uint8_t *)p, c);
		} else if (c == 0 || (c >= 0xD800 && c <= 0xDFFF) ||
			   starts_escape_at(src, kind, n, i) || (esc_backslash && c == '\\')) {
			p += put_escape(p, (uint16_t)c);
		} else {
			p += bk_utf8_put((uint8_t *)p, c);
		}
	}
	*p = '\0';
	return (size_t)(p - o);
}

size_t
bk_units_to_utf8(const void *src, int kind, size_t n, bool esc_backslash, char *o)
{
	/* One specialised copy per kind (the listing hot path). */
	if (kind == BK_UNITS_LATIN1)
		return units_to_utf8(src, BK_UNITS_LATIN1, n, esc_backslash, o);
	if (kind == BK_UNITS_LE)
		return units_to_utf8(src, BK_UNITS_LE, n, esc_backslash, o);
	return units_to_utf8(src, BK_UNITS_NATIVE, n, esc_backslash, o);
}

int
bk_utf16_to_utf8(const uint16_t *u, size_t n, bool esc_backslash, char **out)
{
	char *o = bk_malloc(BK_UTF8_MAX(n));

	if (!o)
		return -BK_ENOMEM;
	bk_units_to_utf8(u, BK_UNITS_NATIVE, n, esc_backslash, o);
	*out = o;
	return 0;
}

/* "{U+hhhh}" at s (len bytes left): the code unit, or -1. */
static long
parse_escape(const char *s, size_t len)
{
	long v = 0;
	int i;

	if (len < 8 || memcmp(s, "{U+", 3) != 0 || s[7] != '}')
		return -1;
	for (i = 3; i < 7; i++) {
		int d = bk_hexval((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

size_t
bk_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp, bool allow_surrogates)
{
	size_t need, k;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, c &= 0x07;
	else
		return 0;
	if (len < need + 1)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3F);
	}
	if ((need == 2 && (c < 0x800 || (!allow_surrogates && c >= 0xD800 && c <= 0xDFFF))) ||
	    (need == 3 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	*cp = c;
	return need + 1;
}

int
bk_utf8_to_utf16(const char *s, size_t len, uint16_t **out, size_t *n)
{
	uint16_t *o = bk_malloc((len + 1) * sizeof(*o));
	size_t i = 0, k = 0;

	if (!o)
		return -BK_ENOMEM;
	while (i < len) {
		long esc = parse_escape(s + i, len - i);
		uint32_t cp;
		size_t step;

		if (esc >= 0) {
			o[k++] = (uint16_t)esc;
			i += 8;
			continue;
		}
		step = bk_utf8_decode((const uint8_t *)s + i, len - i, &cp, false);
		if (!step) {
			bk_free(o);
			return -BK_EINVAL;
		}
		k += bk_utf16_put(o + k, cp);
		i += step;
	}
	*out = o;
	*n = k;
	return 0;
}

int
bk_utf16le_units(const uint8_t *p, size_t len, uint16_t **out, size_t *n)
{
	size_t i, cnt = len / 2;
	uint16_t *o = bk_malloc((cnt + 1) * sizeof(*o));

	if (!o)
		return -BK_ENOMEM;
	for (i = 0; i < cnt; i++)
		o[i] = bk_le16(p + 2 * i);
	*out = o;
	*n = cnt;
	return 0;
}
