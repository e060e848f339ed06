/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the bcd modules: numbers, UTF-16. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

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
