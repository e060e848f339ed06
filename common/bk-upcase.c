/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Windows upper-case table, shared by the hive engine (subkey order, lh
 * hashes) and the FAT driver (name lookup).  The generated header lists runs;
 * they are expanded once into a flat table so lookups are O(1).
 */
#include "config.h"

#include <pthread.h>

#include "bk-upcase.h"

struct upcase_run {
	uint16_t first, last, delta;
};
#include "bk-upcase-table.h"

static uint16_t upcase_map[65536];
static pthread_once_t upcase_once = PTHREAD_ONCE_INIT;

static void
upcase_build(void)
{
	size_t i;
	uint32_t c;

	for (c = 0; c < 65536; c++)
		upcase_map[c] = (uint16_t)c;
	for (i = 0; i < sizeof(upcase_runs) / sizeof(upcase_runs[0]); i++)
		for (c = upcase_runs[i].first; c <= upcase_runs[i].last; c++)
			upcase_map[c] = (uint16_t)(c + upcase_runs[i].delta);
}

const uint16_t *
bk_upcase_map(void)
{
	pthread_once(&upcase_once, upcase_build);
	return upcase_map;
}
