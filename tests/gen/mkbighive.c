/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mkbighive: write a large, valid, reproducible hive for the reader
 * benchmarks (tests/bench/bench-read.sh) and the scale tests.
 *
 *   mkbighive SIZE_MB OUT [MINOR]
 *
 * The hive grows until its hive bins reach SIZE_MB MiB: under the root,
 * keys Top00000, Top00001, ... each with 200 subkeys holding five values
 * (REG_SZ, REG_DWORD, REG_BINARY of 8 to 300 bytes, REG_MULTI_SZ,
 * REG_QWORD), every 50th subkey a REG_BINARY of 20000 to 40000 bytes (db big
 * data) and a nested key; Top00000 also has 3000 subkeys, indexed by an ri.
 * A fixed-seed generator makes the output byte-for-byte reproducible.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkbighive-build.h"

static uint32_t rng_state = 0x12345678u;

static uint32_t
rng(void)
{
	/* xorshift32: small, fast, and the same everywhere */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* ASCII text as UTF-16LE with a terminator. */
static size_t
utf16(uint8_t *dst, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i <= n; i++) {
		dst[2 * i] = (uint8_t)s[i];
		dst[2 * i + 1] = 0;
	}
	return 2 * (n + 1);
}

static int
add_values(struct mkb *b, uint32_t k, unsigned idx)
{
	static uint8_t big[40000];
	uint8_t buf[1024], *p;
	char text[128];
	uint32_t dw = rng();
	uint64_t qw = ((uint64_t)rng() << 32) | rng();
	size_t n;

	snprintf(text, sizeof(text), "C:\\Program Files\\Generated\\item-%u\\%08x.dll", idx, rng());
	if (mkb_value(b, k, "Path", 1, buf, utf16(buf, text)) < 0 ||
	    mkb_value(b, k, "Flags", 4, &dw, 4) < 0)
		return -1;
	n = 8 + rng() % 293;
	fill(buf, n);
	if (mkb_value(b, k, "Blob", 3, buf, n) < 0)
		return -1;
	p = buf + utf16(buf, "first");
	p += utf16(p, "second string");
	p += utf16(p, "third");
	*p++ = 0;
	*p++ = 0;
	if (mkb_value(b, k, "List", 7, buf, (size_t)(p - buf)) < 0 ||
	    mkb_value(b, k, "Stamp", 11, &qw, 8) < 0)
		return -1;
	if (idx % 50 == 0) {
		n = 20000 + rng() % 20001;
		fill(big, n);
		if (mkb_value(b, k, "BigBlob", 3, big, n) < 0)
			return -1;
	}
	return 0;
}

static int
add_top(struct mkb *b, unsigned t, unsigned nsub)
{
	char name[32];
	uint32_t top, sub, nested;
	unsigned i;

	/* Alternate the case so the writer and the checker must fold it. */
	snprintf(name, sizeof(name), t % 2 ? "top%05u" : "Top%05u", t);
	if (!(top = mkb_key(b, mkb_root(b), name)))
		return -1;
	for (i = 0; i < nsub; i++) {
		snprintf(name, sizeof(name), i % 3 ? "Sub%05u" : "SUB%05u", i);
		if (!(sub = mkb_key(b, top, name)) || add_values(b, sub, t * 10000 + i) < 0)
			return -1;
		if (i % 50 == 0) {
			if (!(nested = mkb_key(b, sub, "Nested")) || add_values(b, nested, i + 1) < 0)
				return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long mb;
	unsigned t;
	struct mkb *b;
	uint8_t *img;
	size_t len;
	FILE *f;

	if (argc < 3 || argc > 4 || !(mb = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: mkbighive SIZE_MB OUT [MINOR]\n");
		return 2;
	}
	if (!(b = mkb_new(argc == 4 ? (uint32_t)strtoul(argv[3], NULL, 10) : 5, "BIGHIVE")))
		goto oom;
	if (add_top(b, 0, 3000) < 0)
		goto oom;
	for (t = 1; mkb_size(b) < mb << 20; t++)
		if (add_top(b, t, 200) < 0)
			goto oom;
	if (mkb_finish(b, &img, &len) < 0)
		goto oom;
	if (!(f = fopen(argv[2], "wb")) || fwrite(img, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[2]);
		mkb_free(b);
		return 1;
	}
	mkb_free(b);
	return 0;
oom:
	fprintf(stderr, "mkbighive: out of memory\n");
	mkb_free(b);
	return 1;
}
