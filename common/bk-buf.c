/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Growable buffer (bk-buf.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-buf.h"
#include "bcdkit/error.h"

int
bk_buf_grow(struct bk_buf *b, size_t more)
{
	size_t cap;
	uint8_t *np;

	if (b->oom)
		return -BK_ENOMEM;
	if (b->cap - b->len >= more)
		return 0;
	if (more > SIZE_MAX - b->len)
		goto fail;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap = cap > SIZE_MAX / 2 ? b->len + more : cap * 2;
	np = bk_realloc(b->p, cap);
	if (!np)
		goto fail;
	b->p = np;
	b->cap = cap;
	return 0;
fail:
	b->oom = true;
	return -BK_ENOMEM;
}

size_t
bk_buf_add_zero(struct bk_buf *b, size_t n)
{
	size_t at = b->len;

	if (bk_buf_grow(b, n) < 0)
		return 0;
	memset(b->p + at, 0, n);
	b->len += n;
	return at;
}

void
bk_buf_put(void *ctx, const char *s, size_t n)
{
	struct bk_buf *b = ctx;

	if (n == SIZE_MAX || bk_buf_grow(b, n + 1) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
bk_buf_putc(struct bk_buf *b, char c)
{
	bk_buf_put(b, &c, 1);
}

void
bk_buf_puts(struct bk_buf *b, const char *s)
{
	bk_buf_put(b, s, strlen(s));
}

void
bk_buf_printf(struct bk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || bk_buf_grow(b, (size_t)n + 1) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int
bk_buf_finish(struct bk_buf *b, char **out)
{
	if (bk_buf_grow(b, 1) < 0) {
		bk_buf_release(b);
		return -BK_ENOMEM;
	}
	b->p[b->len] = '\0';
	*out = (char *)b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return 0;
}

void
bk_buf_release(struct bk_buf *b)
{
	bk_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
