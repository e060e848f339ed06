/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Marvin32, the keyed hash Windows stores twice in every HvLE log entry.
 * Written from the rule in doc/hive-format-notes.md, "Marvin32" (which
 * fixes the tail handling that a literal port of yarp's function gets wrong
 * for 2 or 3 leftover bytes); checked against the published vectors in tests/unit/test-marvin.c.
 */
#include "config.h"

#include "hive-internal.h"

static inline uint32_t
rotl32(uint32_t x, unsigned r)
{
	return (x << r) | (x >> (32 - r));
}

static inline void
marvin_mix(uint32_t *lo, uint32_t *hi, uint32_t w)
{
	*lo += w;
	*hi ^= *lo;
	*lo = rotl32(*lo, 20) + *hi;
	*hi = rotl32(*hi, 9) ^ *lo;
	*lo = rotl32(*lo, 27) + *hi;
	*hi = rotl32(*hi, 19);
}

uint64_t
hv_marvin32(uint64_t seed, const uint8_t *p, size_t len)
{
	uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
	uint32_t final = 0x80;
	size_t r = len % 4, i;

	for (i = 0; i + 4 <= len; i += 4)
		marvin_mix(&lo, &hi, bk_le32(p + i));
	/* The 0x80 marker goes right after the leftover bytes. */
	if (r) {
		final = (uint32_t)0x80 << (8 * r);
		while (r-- > 0)
			final |= (uint32_t)p[i + r] << (8 * r);
	}
	marvin_mix(&lo, &hi, final);
	marvin_mix(&lo, &hi, 0);
	return (uint64_t)hi << 32 | lo;
}
