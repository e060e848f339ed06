/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "make bench" helper for the hive write side: through the public library,
 * 10,000 sets of one value (same size, then varying sizes) on one key, which
 * must not grow the hive bins at all; then 10,000 key insertions and 10,000
 * values on one key, timed.  Prints sizes and times; exits 1 if the repeated
 * same-size set grew the hive.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bcdkit/hive.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t
bins(hive_t *h)
{
	struct hive_header hd;

	hive_get_header(h, &hd);
	return hd.hbins_size;
}

static int
die(hive_t *h, const char *what)
{
	fprintf(stderr, "bench-write: %s: %s\n", what, hive_last_error(h));
	return 2;
}

int
main(int argc, char **argv)
{
	char name[32];
	static uint8_t data[4096];
	hive_t *h;
	hive_key_t root, k, many;
	uint32_t before, after;
	double t;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-write FILE\n");
		return 2;
	}
	if (!(h = hive_new()) || hive_create(h, argv[1], "BENCH", 5) < 0) {
		fprintf(stderr, "bench-write: %s\n",
			h ? hive_last_error(h) : hive_strerror(-BK_ENOMEM));
		return 2;
	}
	hive_root(h, &root);
	if (hive_key_add(h, root, "Key", &k) < 0 || hive_value_set(h, k, "v", 3, data, 300) < 0)
		return die(h, "setup");
	before = bins(h);
	t = now();
	for (i = 0; i < 10000; i++) {
		data[0] = (uint8_t)i;
		if (hive_value_set(h, k, "v", 3, data, 300) < 0)
			return die(h, "set");
	}
	t = now() - t;
	after = bins(h);
	printf("same-size set x10000: %.1f ms, hive bins %u -> %u bytes\n", t * 1e3, before, after);
	if (after != before) {
		printf("FAIL: the hive grew\n");
		return 1;
	}
	t = now();
	for (i = 0; i < 10000; i++)
		if (hive_value_set(h, k, "w", 3, data, (size_t)(i * 37) % sizeof(data)) < 0)
			return die(h, "set");
	t = now() - t;
	printf("varying-size set x10000: %.1f ms, hive bins %u -> %u bytes\n", t * 1e3, after, bins(h));
	if (hive_key_add(h, root, "Many", &many) < 0)
		return die(h, "add");
	t = now();
	for (i = 0; i < 10000; i++) {
		hive_key_t c;
		snprintf(name, sizeof(name), "Sub%05d", (i * 7919) % 10000);
		if (hive_key_add(h, many, name, &c) < 0)
			return die(h, "add");
	}
	printf("key add x10000 (random order): %.1f ms\n", (now() - t) * 1e3);
	t = now();
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "val%d", i);
		if (hive_value_set(h, many, name, 4, data, 4) < 0)
			return die(h, "set");
	}
	printf("new values x10000 on one key: %.1f ms\n", (now() - t) * 1e3);
	t = now();
	if (hive_commit(h, 0) < 0)
		return die(h, "commit");
	printf("commit: %.1f ms, file %u bytes\n", (now() - t) * 1e3, bins(h) + 4096);
	hive_close(h);
	return 0;
}
