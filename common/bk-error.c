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

int
bk_err(struct bk_errbuf *eb, int code, const char *fmt, ...)
{
	char buf[BK_ERRMSG_MAX];
	va_list ap;

	/* Callers wrap the previous detail ("...: %s", eb->msg): format apart,
	 * as vsnprintf() into a buffer that is also an argument is undefined. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	eb->code = -code;
	memcpy(eb->msg, buf, strlen(buf) + 1);
	return -code;
}

int
bk_err_errno(struct bk_errbuf *eb, const char *what, const char *path)
{
	int e = errno;

	if (e == ENOMEM)
		return bk_err(eb, BK_ENOMEM, "%s: %s", path, strerror(e));
	return bk_err(eb, BK_EIO, "%s: %s: %s", path, what, strerror(e));
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
