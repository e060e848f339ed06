/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A growable buffer, the one the libraries and tools share (after git's
 * strbuf): bytes for the encoders and exporters, text for the renderers.
 * Start from a zeroed struct (BK_BUF_INIT).  Capacity starts at 256 bytes
 * and doubles, so that appending n bytes one at a time costs O(n).
 *
 * An allocation failure is sticky: oom is set, later additions are
 * dropped, and bk_buf_finish() reports -BK_ENOMEM once at the end.  This
 * lets a renderer append freely and check once.
 */
#ifndef BK_BUF_H
#define BK_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bk_buf {
	uint8_t *p;        /* NULL until the first growth; text added is NUL-terminated */
	size_t len, cap;
	bool oom;          /* an allocation failed (sticky) */
};

#define BK_BUF_INIT { NULL, 0, 0, false }

/* Room for more bytes after len (len unchanged).  0, or -BK_ENOMEM with oom set. */
int bk_buf_grow(struct bk_buf *b, size_t more);

/* Append n zero bytes; their offset in p (p may move).  After a failure
 * (oom set) nothing is appended and the offset is meaningless. */
size_t bk_buf_add_zero(struct bk_buf *b, size_t n);

/* Text: each keeps a NUL after len. */
void bk_buf_putc(struct bk_buf *b, char c);
void bk_buf_puts(struct bk_buf *b, const char *s);
/* n bytes at s; a bk_put_fn (common/bk-escape.h) for a struct bk_buf *. */
void bk_buf_put(void *b, const char *s, size_t n);
void bk_buf_printf(struct bk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hand over the text (NUL-terminated, "" when nothing was added; the
 * caller frees with bk_free) or free it and return -BK_ENOMEM. */
int bk_buf_finish(struct bk_buf *b, char **out);

/* Free the memory and start again empty. */
void bk_buf_release(struct bk_buf *b);

#endif
