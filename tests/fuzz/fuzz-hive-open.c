/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the hive reader: open a buffer (strict, then salvaging),
 * walk every key, read every name, value and class, resolve a few paths, and
 * run the checker.  Built two ways:
 *  - "make fuzz": with clang -fsanitize=fuzzer,address as a libFuzzer binary
 *    (BK_LIBFUZZER defined);
 *  - "make check": with a plain main() that feeds it each file named on the
 *    command line or found in the corpus and the generated hives, so the same
 *    code runs on real input in every build (and under ASan/UBSan with
 *    --enable-sanitizers).
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bcdkit/hive.h"

/* Keep the work per input bounded: a fuzzer input may describe many keys. */
#define FUZZ_MAX_KEYS 20000

static int
count_problem(void *data, const struct hive_problem *p)
{
	size_t *n = data;

	/* Touch every field, as a caller printing it would. */
	*n += strlen(p->message) + (p->key_path ? strlen(p->key_path) : 0) + p->kind;
	return 0;
}

static void
walk(hive_t *h, hive_key_t k, int depth, size_t *budget)
{
	struct hive_key_info ki;
	hive_key_t *subs = NULL;
	hive_value_t *vals = NULL;
	size_t n = 0, nv = 0, i, len;
	uint8_t *d;
	uint32_t type;
	char *s;

	if (depth > 600 || *budget == 0)
		return;
	(*budget)--;
	hive_key_info(h, k, &ki);
	if (hive_key_name(h, k, &s) == 0)
		free(s);
	if (hive_key_path(h, k, &s) == 0)
		free(s);
	if (hive_key_class(h, k, &d, &len) == 0)
		free(d);
	if (hive_key_values(h, k, &vals, &nv) == 0) {
		for (i = 0; i < nv; i++) {
			if (hive_value_name(h, vals[i], &s) == 0)
				free(s);
			if (hive_value_type(h, vals[i], &type) == 0 &&
			    hive_value_data(h, vals[i], &d, &len) == 0) {
				char **v;
				if (hive_decode_string(d, len, &s) == 0)
					free(s);
				if (hive_decode_multi_string(d, len, &v) == 0)
					hive_free_strv(v);
				free(d);
			}
		}
		free(vals);
	}
	if (hive_key_subkeys(h, k, &subs, &n) == 0) {
		for (i = 0; i < n; i++)
			walk(h, subs[i], depth + 1, budget);
		free(subs);
	}
}

static void
one(const uint8_t *data, size_t size, unsigned flags)
{
	hive_key_t root, k;
	struct hive_stats st;
	struct hive_header hd;
	size_t budget = FUZZ_MAX_KEYS, np = 0;
	uint64_t count;
	hive_t *h;

	if (hive_open_buffer(&h, data, size, "fuzz", flags, NULL, 0) < 0)
		return;
	hive_get_header(h, &hd);
	hive_get_stats(h, &st);
	hive_root(h, &root);
	walk(h, root, 0, &budget);
	hive_key_find(h, "HKLM\\SYSTEM\\CurrentControlSet\\Control", &k);
	hive_key_find(h, "a\\b\\c", &k);
	hive_check(h, count_problem, &np, &count);
	hive_close(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, HIVE_OPEN_SALVAGE);
	return 0;
}

#ifndef BK_LIBFUZZER
/* ---- plain driver ------------------------------------------------------------ */

static int
run_file(const char *path)
{
	struct stat sb;
	uint8_t *buf;
	FILE *f;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (!(f = fopen(path, "rb")))
		return 0;
	buf = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	if (!buf || fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(buf);
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)sb.st_size);
	/* Truncations and a flipped byte in each page: damage every reader path sees. */
	if (sb.st_size > 8192) {
		size_t off;
		LLVMFuzzerTestOneInput(buf, (size_t)sb.st_size / 2);
		for (off = 4096 + 0x24; off < (size_t)sb.st_size && off < (1u << 20); off += 4096 + 40)
			buf[off] ^= 0x5A;
		LLVMFuzzerTestOneInput(buf, (size_t)sb.st_size);
	}
	free(buf);
	return 1;
}

static int
run_dir(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0, r;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = run_file(path);
		if (r < 0) {
			closedir(d);
			return r;
		}
		n += r;
		if (r == 0)
			n += run_dir(path) > 0 ? 1 : 0;
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	const char *corpus = getenv("BK_CORPUS");
	char path[4096];
	int i, n = 0;

	for (i = 1; i < argc; i++)
		n += run_file(argv[i]) > 0;
	if (corpus) {
		snprintf(path, sizeof(path), "%s/hive", corpus);
		n += run_dir(path);
		snprintf(path, sizeof(path), "%s/bcd", corpus);
		n += run_dir(path);
	}
	printf("fuzz driver: %d inputs (each also truncated and damaged)\n", n);
	return n > 0 ? 0 : 77;
}
#endif
