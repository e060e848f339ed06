/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one escaper for output text (bk-escape.h): JSON strings and terminal
 * text, shared by the libraries and the tools.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bk-escape.h"
#include "bk-utf16.h"

static const char hexdig[] = "0123456789abcdef";

void
bk_put_file(void *file, const char *s, size_t n)
{
	fwrite(s, 1, n, (FILE *)file);
}

/* prefix followed by two hex digits of v: "\xHH", "\u00HH". */
static void
put_hex(bk_put_fn put, void *ctx, const char *prefix, unsigned v)
{
	char b[8];
	size_t n = strlen(prefix);

	memcpy(b, prefix, n);
	b[n] = hexdig[(v >> 4) & 15];
	b[n + 1] = hexdig[v & 15];
	put(ctx, b, n + 2);
}

/*
 * Walk s: runs of characters that pass unchanged go out as one put; at each
 * other character, esc() writes its escape.  len is 0 for a byte that is
 * not UTF-8, else the length of the character cp.
 */
typedef void (*esc_fn)(bk_put_fn put, void *ctx, const uint8_t *p, size_t len, uint32_t cp);

static int
is_plain(size_t len, uint32_t cp, int json)
{
	if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return !(json && (cp == '"' || cp == '\\'));
}

static void
walk(const char *s, bk_put_fn put, void *ctx, int json, esc_fn esc)
{
	const uint8_t *p = (const uint8_t *)s, *run = p;
	size_t left = strlen(s);

	while (left) {
		uint32_t cp = *p;
		size_t len = *p < 0x80 ? 1 : bk_utf8_decode(p, left, &cp, false);

		if (is_plain(len, cp, json)) {
			p += len;
			left -= len;
			continue;
		}
		if (p > run)
			put(ctx, (const char *)run, (size_t)(p - run));
		esc(put, ctx, p, len, cp);
		p += len ? len : 1;
		left -= len ? len : 1;
		run = p;
	}
	if (p > run)
		put(ctx, (const char *)run, (size_t)(p - run));
}

static void
json_esc(bk_put_fn put, void *ctx, const uint8_t *p, size_t len, uint32_t cp)
{
	static const char named[] = "\"\"\\\\\bb\ff\nn\rr\tt";
	const char *k;

	if (len == 0) {
		put_hex(put, ctx, "\\\\x", *p);
		return;
	}
	for (k = named; *k; k += 2)
		if ((uint32_t)(unsigned char)k[0] == cp) {
			char b[2] = { '\\', k[1] };

			put(ctx, b, 2);
			return;
		}
	put_hex(put, ctx, "\\u00", cp);
}

static void
text_esc(bk_put_fn put, void *ctx, const uint8_t *p, size_t len, uint32_t cp)
{
	if (len == 0)
		put_hex(put, ctx, "\\x", *p);
	else if (cp == '\n')
		put(ctx, "\\n", 2);
	else if (cp == '\r')
		put(ctx, "\\r", 2);
	else if (cp == '\t')
		put(ctx, "\\t", 2);
	else
		put_hex(put, ctx, cp < 0x80 ? "\\x" : "\\u00", cp);
}

void
bk_json_string(const char *s, bk_put_fn put, void *ctx)
{
	if (!s) {
		put(ctx, "null", 4);
		return;
	}
	put(ctx, "\"", 1);
	walk(s, put, ctx, 1, json_esc);
	put(ctx, "\"", 1);
}

void
bk_text_escape(const char *s, bk_put_fn put, void *ctx)
{
	walk(s, put, ctx, 0, text_esc);
}

int
bk_text_is_plain(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t left = strlen(s);

	while (left) {
		uint32_t cp = *p;
		size_t len = *p < 0x80 ? 1 : bk_utf8_decode(p, left, &cp, false);

		if (!is_plain(len, cp, 0))
			return 0;
		p += len;
		left -= len;
	}
	return 1;
}
