/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * every VHDX header, region table and log entry.  Only metadata is
 * checksummed, so a byte-wise table is fast enough.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "disk-internal.h"

static uint32_t crc_table[256];
static int crc_ready;

static void
crc32c_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	__atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

/* crc is a previous result (0 to start); the usual pre/post inversion is
 * done here so that calls chain over consecutive pieces. */
uint32_t
dk_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc32c_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}
