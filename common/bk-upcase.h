/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows upper-casing of UTF-16 code units (the NTFS $UpCase table, the
 * mapping RtlUpcaseUnicodeChar uses): how the registry and FAT/NTFS compare
 * names case-insensitively.  Not the C locale.
 */
#ifndef BK_UPCASE_H
#define BK_UPCASE_H

#include <stdint.h>

/* The flat 65536-entry table, built once (thread-safe). */
const uint16_t *bk_upcase_map(void);

static inline uint16_t
bk_upcase(uint16_t c)
{
	return bk_upcase_map()[c];
}

#endif
