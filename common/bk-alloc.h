/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * All library allocations go through these wrappers so that tests can make
 * the Nth allocation fail (bk_alloc_fail_after) and check that every error
 * path cleans up and leaves the handle unchanged.
 */
#ifndef BK_ALLOC_H
#define BK_ALLOC_H

#include <stddef.h>

/* Countdown for fault injection: <0 off; 0 makes the next allocation fail. */
extern long bk_alloc_fail_after;

void *bk_malloc(size_t n);
void *bk_calloc(size_t n, size_t size);
void *bk_realloc(void *p, size_t n);
/* align: a power of two, multiple of sizeof(void *); freed with bk_free(). */
void *bk_malloc_aligned(size_t align, size_t n);
char *bk_strdup(const char *s);
void bk_free(void *p);

#endif
