/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as GPT uses it for its
 * headers and partition entry arrays.  Bit by bit, without a table: the data
 * is a few KiB per table, and no lazily built global means no thread race.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "disk-internal.h"

uint32_t
dl_crc32(const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t c = 0xFFFFFFFFu;
	unsigned k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return c ^ 0xFFFFFFFFu;
}
