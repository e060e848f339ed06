/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Plain driver for the fuzz targets ("make check" builds, no libFuzzer): feed
 * LLVMFuzzerTestOneInput() every regular file named on the command line or
 * found below a folder named there.  Files over 8 KiB are also fed cut to
 * half their size and with a byte flipped in every page, so the damaged-input
 * paths run on real input too.  Exit 0 after at least one input, 77 (skip)
 * when there was none, 1 on a read error; a finding aborts.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* A target need not define it: then the weak reference stays NULL. */
#pragma weak LLVMFuzzerInitialize

/* Inputs larger than this are skipped: the fuzzers never see them either. */
#define DRIVER_MAX_INPUT (64u << 20)

static int
run_buf(uint8_t *buf, size_t size)
{
	size_t off;

	LLVMFuzzerTestOneInput(buf, size);
	if (size <= 8192)
		return 1;
	LLVMFuzzerTestOneInput(buf, size / 2);
	for (off = 4096 + 0x24; off < size && off < (1u << 20); off += 4096 + 40)
		buf[off] ^= 0x5A;
	LLVMFuzzerTestOneInput(buf, size);
	return 1;
}

/* 1: fed, 0: not a regular file (or too big), -1: read error. */
static int
run_file(const char *path)
{
	struct stat sb;
	uint8_t *buf;
	FILE *f;
	int r;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > DRIVER_MAX_INPUT)
		return 0;
	buf = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	f = fopen(path, "rb");
	if (!buf || !f || fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		if (f)
			fclose(f);
		free(buf);
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	fclose(f);
	r = run_buf(buf, (size_t)sb.st_size);
	free(buf);
	return r;
}

/* Number of inputs fed below path, or -1 on a read error. */
static int
run_path(const char *path, int depth)
{
	char sub[4096];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int n = 0, r;

	if (lstat(path, &sb) != 0)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);
	if (depth > 8 || !(d = opendir(path)))
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if ((r = run_path(sub, depth + 1)) < 0) {
			closedir(d);
			return -1;
		}
		n += r;
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	int i, n = 0, r;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((r = run_path(argv[i], 0)) < 0)
			return 1;
		n += r;
	}
	printf("fuzz driver: %d inputs (each over 8 KiB also truncated and damaged)\n", n);
	return n > 0 ? 0 : 77;
}
