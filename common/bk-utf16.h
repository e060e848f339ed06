/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UTF-16 <-> UTF-8 conversion for names.  Lossless: a code unit UTF-8 cannot
 * carry (U+0000, an unpaired surrogate) is written "{U+hhhh}", and a literal
 * "{U+" is escaped the same way, so every sequence of code units survives a
 * round trip through text.  With esc_backslash, "\" is escaped too (for key
 * names inside "\"-separated paths).
 */
#ifndef BK_UTF16_H
#define BK_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns 0, or -BK_ENOMEM. *out is NUL-terminated; caller frees with bk_free. */
int bk_utf16_to_utf8(const uint16_t *u, size_t n, bool esc_backslash, char **out);
/*
 * The same conversion into o, without allocating: n code units held as
 * uint16_t (BK_UNITS_NATIVE), UTF-16LE bytes (BK_UNITS_LE) or Latin-1 bytes,
 * one per unit (BK_UNITS_LATIN1, compressed hive names).  o must hold
 * BK_UTF8_MAX(n) bytes (every unit may become an 8-byte escape).  Returns
 * the length written, without the terminating NUL.
 */
enum { BK_UNITS_NATIVE, BK_UNITS_LE, BK_UNITS_LATIN1 };
#define BK_UTF8_MAX(n) ((n) * 8 + 1)
size_t bk_units_to_utf8(const void *src, int kind, size_t n, bool esc_backslash, char *o);
/* Returns 0, -BK_ENOMEM or -BK_EINVAL (invalid UTF-8). Caller frees *out. */
int bk_utf8_to_utf16(const char *s, size_t len, uint16_t **out, size_t *n);
/*
 * Decode one UTF-8 sequence at s (len bytes left) into *cp; returns its
 * length, or 0 if it is not UTF-8.  With allow_surrogates, encoded
 * surrogates (WTF-8, as lossless text of UTF-16 names) are accepted.
 */
size_t bk_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp, bool allow_surrogates);
/* Decode UTF-16LE bytes to code units (an odd last byte is dropped). */
int bk_utf16le_units(const uint8_t *p, size_t len, uint16_t **out, size_t *n);

/*
 * One code point (at most 0x10FFFF) as UTF-8 at o: returns the 1 to 4
 * bytes written.  Inline: the exporters and the listing call it per
 * character.  The caller has dealt with lone surrogates (escaped them).
 */
static inline size_t
bk_utf8_put(uint8_t *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (uint8_t)(0xC0 | c >> 6);
		o[1] = (uint8_t)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xE0 | c >> 12);
		o[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (uint8_t)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (uint8_t)(0xF0 | c >> 18);
	o[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (uint8_t)(0x80 | (c & 0x3F));
	return 4;
}

/* One code point as UTF-16 code units at o: 1, or 2 (a surrogate pair)
 * above U+FFFF. */
static inline size_t
bk_utf16_put(uint16_t *o, uint32_t c)
{
	if (c < 0x10000) {
		o[0] = (uint16_t)c;
		return 1;
	}
	c -= 0x10000;
	o[0] = (uint16_t)(0xD800 | c >> 10);
	o[1] = (uint16_t)(0xDC00 | (c & 0x3FF));
	return 2;
}

#endif
