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

#include <stdint.h>

#define BK_GUID_STRLEN 39   /* braces, 36 characters, NUL */

/* The text form into out[BK_GUID_STRLEN]; returns out. */
char *bk_guid_format(const uint8_t g[16], char *out);

/*
 * Parse a GUID in either case, with or without the braces (both or
 * neither).  Returns 0, or -BK_ESYNTAX with out unchanged.
 */
int bk_guid_parse(const char *s, uint8_t out[16]);

#endif
