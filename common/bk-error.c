/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bk-error.h"

static const char *const bk_messages[BK_ERR_MAX] = {
	[BK_OK]           = "success",
	[BK_ENOMEM]       = "out of memory",
	[BK_EIO]          = "input/output error",
	[BK_ECORRUPT]     = "corrupt or invalid data",
	[BK_EUNSUPPORTED] = "unsupported format or feature",
	[BK_ENOTFOUND]    = "not found",
	[BK_EEXIST]       = "already exists",
	[BK_EINVAL]       = "invalid argument",
	[BK_EWRONGTYPE]   = "wrong type",
	[BK_EREADONLY]    = "opened read-only",
	[BK_EDIRTY]       = "hive is dirty",
	[BK_ETOOBIG]      = "too large",
	[BK_ENOTEMPTY]    = "not empty",
	[BK_ELOG]         = "transaction log unusable",
	[BK_ESYNTAX]      = "syntax error",
	[BK_EBUSY]        = "in use by another process",
};

const char *
bk_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= BK_ERR_MAX || !bk_messages[err])
		return "unknown error";
	return bk_messages[err];
}

/* Store "FILE: detail" (file NULL: the detail alone); detail_at tells
 * bk_error_wrap() where the detail starts when file is the handle's name. */
static int
store(struct bk_errbuf *eb, const char *file, int code, const char *fmt, va_list ap)
{
	char buf[BK_ERRMSG_MAX];
	size_t pre = 0;

	/* Callers wrap the previous detail ("...: %s", eb->msg + eb->detail):
	 * format apart, as vsnprintf() into a buffer that is also an argument
	 * is undefined. */
	vsnprintf(buf, sizeof(buf), fmt, ap);
	eb->code = -code;
	if (file) {
		snprintf(eb->msg, sizeof(eb->msg), "%s: %s", file, buf);
		pre = strlen(file) + 2;
	} else {
		memcpy(eb->msg, buf, strlen(buf) + 1);
	}
	eb->detail = file && eb->name && (file == eb->name || strcmp(file, eb->name) == 0) &&
		     pre <= strlen(eb->msg) ? pre : 0;
	return -code;
}

int
bk_err(struct bk_errbuf *eb, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store(eb, NULL, code, fmt, ap);
	va_end(ap);
	return rc;
}

int
bk_error(struct bk_errbuf *eb, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store(eb, eb->name, code, fmt, ap);
	va_end(ap);
	return rc;
}

int
bk_error_at(struct bk_errbuf *eb, const char *file, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store(eb, file, code, fmt, ap);
	va_end(ap);
	return rc;
}

int
bk_error_wrap(struct bk_errbuf *eb, int code, const char *fmt, ...)
{
	char inner[BK_ERRMSG_MAX], ctx[BK_ERRMSG_MAX / 2];
	va_list ap;

	snprintf(inner, sizeof(inner), "%s", eb->msg + eb->detail);
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	return bk_error(eb, code, "%s: %s", ctx, inner);
}

int
bk_err_errno(struct bk_errbuf *eb, const char *what, const char *path)
{
	int e = errno;

	if (e == ENOMEM)
		return bk_error_at(eb, path, BK_ENOMEM, "%s", strerror(e));
	return bk_error_at(eb, path, BK_EIO, "%s: %s", what, strerror(e));
}

void
bk_errbuf_set(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
