/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the bcd modules: numbers, UTF-16. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

/* The hive library keeps a failure's detail on its handle: it becomes the
 * store's (as written, the hive's message already names the file). */
int
bc_hive_failed(bcd_store_t *s, hive_t *h, int rc)
{
	return bk_err(&s->err, -rc, "%s", hive_last_error(h));
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
