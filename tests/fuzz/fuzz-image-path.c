/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target for the IMAGE[:PART]:\PATH split of the tools
 * (tools/common/image-path.c): image_path_split() as vhdtool, hivetool and
 * bcdedit use it, and image_spec_parse(), bcdboot's form with a VHD nested
 * in the path.  The host is not asked: the first two input bytes say which
 * names are images (by their length modulo 8, bit set in byte 0) and which
 * exist as something else (byte 1); the rest, up to a NUL, is the argument.
 * Invariants: the result is a prefix split of the argument at a ':' after
 * the shortest image name, PART is the digits that follow (in range), the
 * paths point into the argument and put together give it back, a refusal
 * has a reason and leaves nothing allocated; and both parsers agree.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "image-path.h"

struct probe_map {
	uint8_t image, other;
};

static int
probe(const char *name, void *data)
{
	const struct probe_map *m = data;
	unsigned bit = 1u << (strlen(name) % 8);

	if (m->image & bit)
		return IMAGE_PATH_IMAGE;
	return m->other & bit ? IMAGE_PATH_OTHER : IMAGE_PATH_NONE;
}

/* rest is "" or "PART" or "PART:PATH" or "PATH" (no leading digits and ':'),
 * and part, path are what image_path_split_part() must make of it. */
static void
check_part(const char *rest, unsigned part, const char *path)
{
	size_t n = strspn(rest, "0123456789");

	FUZZ_ASSERT(path >= rest && path <= rest + strlen(rest));
	FUZZ_ASSERT(part <= DISK_LABEL_MAX_PARTS);
	if (n && (rest[n] == ':' || rest[n] == '\0')) {
		FUZZ_ASSERT(strtoul(rest, NULL, 10) == part);
		FUZZ_ASSERT(path == rest + n + (rest[n] == ':'));
	} else {
		FUZZ_ASSERT(part == 0 && path == rest);
	}
}

/* The split at the first ':' whose prefix is an image; 0 if there is none. */
static size_t
first_image(const char *arg, const struct probe_map *m)
{
	char *pre;
	size_t i, len = strlen(arg);
	int k;

	for (i = 1; i < len; i++) {
		if (arg[i] != ':')
			continue;
		pre = strndup(arg, i);
		FUZZ_ASSERT(pre != NULL);
		k = probe(pre, (void *)m);
		free(pre);
		if (k == IMAGE_PATH_IMAGE)
			return i;
	}
	return 0;
}

static void
check_split(const char *arg, struct probe_map *m)
{
	struct image_path ip;
	char err[64];
	size_t at;
	int rc;

	err[0] = '\0';
	rc = image_path_split(arg, probe, m, &ip, err, sizeof(err));
	FUZZ_ASSERT(rc >= -1 && rc <= 1);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	at = probe(arg, m) == IMAGE_PATH_NONE ? first_image(arg, m) : 0;
	if (rc <= 0) {
		FUZZ_ASSERT(ip.image == NULL);
		/* Refused only for a PART out of range after an image name. */
		FUZZ_ASSERT(rc == 0 ? at == 0 : at != 0 && err[0]);
		return;
	}
	FUZZ_ASSERT(at && strlen(ip.image) == at && strncmp(ip.image, arg, at) == 0);
	check_part(arg + at + 1, ip.part, ip.path);
	image_path_free(&ip);
	FUZZ_ASSERT(ip.image == NULL && ip.path == NULL);
}

static bool
is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* sp against the plain split of the same argument. */
static void
check_nested(const char *arg, const struct image_spec *sp, const struct image_path *ip)
{
	const char *p = ip->path, *q;

	FUZZ_ASSERT(strcmp(sp->ip.image, ip->image) == 0 && sp->ip.part == ip->part);
	FUZZ_ASSERT(sp->ip.path == ip->path);
	FUZZ_ASSERT(*p == '\0' || is_sep(*p));
	while (is_sep(*p))
		p++;
	FUZZ_ASSERT(strchr(sp->path, ':') == NULL);
	FUZZ_ASSERT(strncmp(p, sp->path, strlen(sp->path)) == 0);
	q = p + strlen(sp->path);
	FUZZ_ASSERT(sp->nested == (*q == ':'));
	if (!sp->nested) {
		FUZZ_ASSERT(*q == '\0' && sp->inner_part == 0 && sp->inner_path == NULL);
		return;
	}
	FUZZ_ASSERT(sp->inner_path > q && sp->inner_path <= arg + strlen(arg));
	FUZZ_ASSERT(strchr(sp->inner_path, ':') == NULL);
	FUZZ_ASSERT(!is_sep(*sp->inner_path));
	FUZZ_ASSERT(sp->inner_part <= DISK_LABEL_MAX_PARTS);
}

static void
check_spec(const char *arg, struct probe_map *m)
{
	struct image_spec sp;
	struct image_path ip;
	char err[300], err2[300];
	int rc, rc2;

	err[0] = '\0';
	rc = image_spec_parse(arg, probe, m, &sp, err, sizeof(err));
	FUZZ_ASSERT(rc >= -1 && rc <= 1);
	if (rc <= 0) {
		FUZZ_ASSERT(sp.ip.image == NULL && sp.path == NULL);
		FUZZ_ASSERT(rc == 0 || err[0]);
	}
	if (probe(arg, m) != IMAGE_PATH_NONE) {
		/* A whole host name: a host path, or an image named alone. */
		FUZZ_ASSERT(rc == (probe(arg, m) == IMAGE_PATH_IMAGE));
		if (rc > 0) {
			FUZZ_ASSERT(strcmp(sp.ip.image, arg) == 0 && sp.ip.part == 0);
			FUZZ_ASSERT(sp.path[0] == '\0' && !sp.nested);
		}
		image_spec_free(&sp);
		return;
	}
	/* Else it is the plain split, refined. */
	rc2 = image_path_split(arg, probe, m, &ip, err2, sizeof(err2));
	FUZZ_ASSERT(rc2 == 1 ? rc != 0 : rc == rc2);
	if (rc > 0)
		check_nested(arg, &sp, &ip);
	if (rc2 > 0)
		image_path_free(&ip);
	image_spec_free(&sp);
	FUZZ_ASSERT(sp.ip.image == NULL && sp.path == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_map m;
	char *arg;

	if (size < 2 || size > 4096)
		return 0;
	m.image = data[0];
	m.other = data[1] & (uint8_t)~data[0];
	arg = strndup((const char *)data + 2, size - 2);
	if (!arg)
		return 0;
	check_split(arg, &m);
	check_spec(arg, &m);
	free(arg);
	return 0;
}
