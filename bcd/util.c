/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the bcd modules: text buffers, numbers, UTF-16. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

static bool
sb_reserve(struct bcd_sbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = bk_realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
bc_sb_putc(struct bcd_sbuf *b, char c)
{
	if (!sb_reserve(b, 1))
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
bc_sb_puts(struct bcd_sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void
bc_sb_put(void *ctx, const char *s, size_t n)
{
	struct bcd_sbuf *b = ctx;

	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
bc_sb_printf(struct bcd_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int
bc_sb_finish(struct bcd_sbuf *b, char **out)
{
	if (!b->oom && !b->p)
		sb_reserve(b, 0);
	if (b->oom) {
		bk_free(b->p);
		b->p = NULL;
		return -BK_ENOMEM;
	}
	b->p[b->len] = '\0';
	*out = b->p;
	b->p = NULL;
	return 0;
}

bool
bc_parse_u64(const char *s, uint64_t *out)
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

int
bc_strcasecmp(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

int
bc_utf16le_to_utf8(const uint8_t *p, size_t len, char **out)
{
	uint16_t *u = NULL;
	size_t n = 0, k;
	int rc;

	rc = bk_utf16le_units(p, len, &u, &n);
	if (rc < 0)
		return rc;
	for (k = 0; k < n && u[k]; k++)
		;
	rc = bk_utf16_to_utf8(u, k, false, out);
	bk_free(u);
	return rc;
}
