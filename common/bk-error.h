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
	/* The handle's file name, put before each detail by bk_error(); set by
	 * the library when the handle gets its name (not owned; NULL: none). */
	const char *name;
	/* msg + detail is the detail without the "NAME: " bk_error() put
	 * before it (0 when msg does not start with the handle's name), so
	 * that bk_error_wrap() adds context without naming the file twice. */
	size_t detail;
	char msg[BK_ERRMSG_MAX];    /* "NAME: detail" for the last error */
};

/* Fixed message for a code (negative or positive accepted). */
const char *bk_strerror(int err);

/*
 * Record an error and return -code, so that a failing function can end with
 * "return bk_error(&h->err, BK_ECORRUPT, ...)".  bk_error() writes
 * "NAME: detail", NAME being the handle's file name (eb->name; the detail
 * alone when there is none): callers give only the detail, and each
 * library wraps it as hv_error(), bc_error() and dk_error().
 */
int bk_error(struct bk_errbuf *eb, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "FILE: detail" about a file that may not be the handle's (a log, a
 * temporary file, the other hive of a copy); the same as bk_error() when
 * file is the handle's name. */
int bk_error_at(struct bk_errbuf *eb, const char *file, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add context to the error already recorded: "NAME: context: DETAIL",
 * DETAIL the previous message without the handle's name before it. */
int bk_error_wrap(struct bk_errbuf *eb, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message exactly as given, without a name (a line number of a text
 * being parsed, or a message built elsewhere that already names its file). */
int bk_err(struct bk_errbuf *eb, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record an I/O error from errno about path ("PATH: what: strerror", as
 * bk_error_at()); returns -BK_EIO or -BK_ENOMEM. */
int bk_err_errno(struct bk_errbuf *eb, const char *what, const char *path);

/*
 * printf into the error buffer an exported function was given (char
 * *errbuf, size_t len: either may be NULL/0, then nothing is written).
 */
void bk_errbuf_set(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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
	eb->detail = 0;
	eb->msg[0] = '\0';
}

#endif
