/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bk-alloc.h"

long bk_alloc_fail_after = -1;

static int
bk_alloc_should_fail(void)
{
	if (bk_alloc_fail_after < 0)
		return 0;
	if (bk_alloc_fail_after == 0)
		return 1;
	bk_alloc_fail_after--;
	return 0;
}

void *
bk_malloc(size_t n)
{
	return bk_alloc_should_fail() ? NULL : malloc(n ? n : 1);
}

/* For buffers handed to direct (O_DIRECT) I/O, which needs aligned memory. */
void *
bk_malloc_aligned(size_t align, size_t n)
{
	void *p;

	if (bk_alloc_should_fail() || posix_memalign(&p, align, n ? n : 1) != 0)
		return NULL;
	return p;
}

void *
bk_calloc(size_t n, size_t size)
{
	return bk_alloc_should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *
bk_realloc(void *p, size_t n)
{
	return bk_alloc_should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *
bk_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = bk_malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

void
bk_free(void *p)
{
	free(p);
}
