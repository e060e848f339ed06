/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal error plumbing used by all three libraries: a per-handle detail
 * buffer and the message table.  Compiled into each library with hidden
 * visibility; only the <lib>_strerror() wrappers are exported.
 */
#ifndef BK_ERROR_INTERNAL_H
#define BK_ERROR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bcdkit/error.h"

#define BK_ERRMSG_MAX 512

struct bk_errbuf {
	int code;                   /* last error, negative, or 0 */
	char msg[BK_ERRMSG_MAX];    /* "what: detail" for the last error */
};

/* Fixed message for a code (negative or positive accepted). */
const char *bk_strerror(int err);

/*
 * Record an error with a printf-style detail and return -code, so that a
 * failing function can end with "return bk_err(&h->err, BK_ECORRUPT, ...)".
 */
int bk_err(struct bk_errbuf *eb, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record an I/O error from errno; returns -BK_EIO or -BK_ENOMEM. */
int bk_err_errno(struct bk_errbuf *eb, const char *what, const char *path);

/*
 * Public structs that may grow end in reserved words (libbcdkit(3),
 * "Structures that grow"): in a struct the caller passes in they must be
 * zero, as a caller built against a newer header sets them only to ask for
 * something this library does not know; it is refused, not ignored.
 */
static inline bool
bk_reserved_zero(const uint32_t *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i])
			return false;
	return true;
}
#define BK_RESERVED_ZERO(s) bk_reserved_zero((s)->reserved, \
	sizeof((s)->reserved) / sizeof((s)->reserved[0]))

static inline void
bk_err_clear(struct bk_errbuf *eb)
{
	eb->code = 0;
	eb->msg[0] = '\0';
}

#endif
