/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GUID text, once for every library and tool.  The 16 bytes are in the
 * order Windows stores them (the first three fields little-endian: GPT
 * entries, BCD object names, VHD(X) identifiers); the text is the form
 * bcdedit prints and reads: "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}",
 * lower case, braces included.
 */
#ifndef BK_GUID_H
#define BK_GUID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BK_GUID_STRLEN 39   /* braces, 36 characters, NUL */

/* The text form into out[BK_GUID_STRLEN]; returns out. */
char *bk_guid_format(const uint8_t g[16], char *out);

/*
 * Parse a GUID in either case, with or without the braces (both or
 * neither).  Returns 0, or -BK_ESYNTAX with out unchanged.
 */
int bk_guid_parse(const char *s, uint8_t out[16]);

/*
 * The getrandom() that bk_random() calls: tests point it at a failing one
 * (as they do bk_io for writes) to check that no identifier is ever made
 * up from the clock.
 */
extern ssize_t (*bk_getrandom)(void *buf, size_t len, unsigned flags);

/*
 * len bytes from the kernel's generator (getrandom(), which blocks until it
 * is seeded).  Returns 0, or -BK_EIO when it gives none: the caller fails
 * rather than write an identifier that may repeat.
 */
int bk_random(void *buf, size_t len);

/* A new random GUID (version 4, RFC 4122 variant) in the stored order;
 * 0 or -BK_EIO as bk_random(). */
int bk_guid_random(uint8_t g[16]);

#endif
