/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "IMAGE[:PART]:PATH" arguments; the rule is in image-path.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image-path.h"
#include "tool-util.h"

/* An image can be a regular file or a block device, never a folder. */
int
image_path_probe(const char *name, void *data)
{
	struct stat st;

	(void)data;
	if (stat(name, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return IMAGE_PATH_IMAGE;
	return lstat(name, &st) == 0 ? IMAGE_PATH_OTHER : IMAGE_PATH_NONE;
}

int
image_path_split_part(const char *rest, unsigned *part, const char **path, char *err, size_t errlen)
{
	size_t n = strspn(rest, "0123456789");
	unsigned long v;

	*part = 0;
	*path = rest;
	if (n == 0 || (rest[n] != ':' && rest[n] != '\0'))
		return 0;
	errno = 0;
	v = strtoul(rest, NULL, 10);
	if (errno || n > 4 || v > DISK_LABEL_MAX_PARTS) {
		snprintf(err, errlen, "%.*s: not a partition number (1-%u)", (int)n, rest,
			 DISK_LABEL_MAX_PARTS);
		return -1;
	}
	*part = (unsigned)v;
	*path = rest[n] ? rest + n + 1 : rest + n;
	return 0;
}

/* The split of a name that is not a whole host path (the rule in image-path.h). */
static int
split_prefix(const char *arg, image_path_probe_fn probe, void *data, struct image_path *out,
	     char *err, size_t errlen)
{
	const char *c;
	char *img;

	for (c = strchr(arg, ':'); c; c = strchr(c + 1, ':')) {
		if (c == arg || !(img = strndup(arg, (size_t)(c - arg))))
			continue;
		if (probe(img, data) != IMAGE_PATH_IMAGE) {
			free(img);
			continue;
		}
		out->image = img;
		if (image_path_split_part(c + 1, &out->part, &out->path, err, errlen) < 0) {
			image_path_free(out);
			return -1;
		}
		return 1;
	}
	return 0;
}

int
image_path_split(const char *arg, image_path_probe_fn probe, void *data, struct image_path *out,
		 char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (probe(arg, data) != IMAGE_PATH_NONE)
		return 0;
	return split_prefix(arg, probe, data, out, err, errlen);
}

int
image_path_parse(const char *arg, struct image_path *out, char *err, size_t errlen)
{
	return image_path_split(arg, image_path_probe, NULL, out, err, errlen);
}

static const char *
skip_separators(const char *p)
{
	while (*p == '\\' || *p == '/')
		p++;
	return p;
}

/* What follows IMAGE[:PART]: "" or \PATH[:PART[:\PATH]]. */
static int
split_nested(struct image_spec *sp, char *err, size_t errlen)
{
	const char *p = sp->ip.path, *nest;

	if (*p && *p != '\\' && *p != '/') {
		snprintf(err, errlen, "expected IMAGE[:PART][:\\PATH] after '%s'", sp->ip.image);
		return -1;
	}
	p = skip_separators(p);
	nest = strchr(p, ':');
	if (!(sp->path = strndup(p, nest ? (size_t)(nest - p) : strlen(p)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!nest)
		return 0;
	sp->nested = true;
	if (image_path_split_part(nest + 1, &sp->inner_part, &sp->inner_path, err, errlen) < 0)
		return -1;
	sp->inner_path = skip_separators(sp->inner_path);
	if (strchr(sp->inner_path, ':')) {
		snprintf(err, errlen, "'%s': a VHD inside a VHD inside an image is not supported",
			 sp->path);
		return -1;
	}
	return 0;
}

int
image_spec_parse(const char *arg, image_path_probe_fn probe, void *data, struct image_spec *out,
		 char *err, size_t errlen)
{
	int kind = probe(arg, data), rc;

	memset(out, 0, sizeof(*out));
	if (kind == IMAGE_PATH_OTHER)
		return 0;
	if (kind == IMAGE_PATH_IMAGE) {
		/* An image named alone: its default partition, its root. */
		if (!(out->ip.image = strdup(arg)) || !(out->path = strdup(""))) {
			image_spec_free(out);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		out->ip.path = arg + strlen(arg);
		return 1;
	}
	if ((rc = split_prefix(arg, probe, data, &out->ip, err, errlen)) <= 0)
		return rc;
	if (split_nested(out, err, errlen) < 0) {
		image_spec_free(out);
		return -1;
	}
	return 1;
}

void
image_spec_free(struct image_spec *sp)
{
	image_path_free(&sp->ip);
	free(sp->path);
	memset(sp, 0, sizeof(*sp));
}

void
image_path_free(struct image_path *ip)
{
	free(ip->image);
	memset(ip, 0, sizeof(*ip));
}

int
image_path_open(const struct image_path *ip, bool write, disk_t **d, disk_fs_t **fs)
{
	char err[600];

	*fs = NULL;
	if (disk_open(d, ip->image, write ? DISK_OPEN_WRITE : 0, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return -2;
	}
	disk_set_msg_cb(*d, tool_print_note, NULL);
	if (disk_fs_open(fs, *d, ip->part, write ? DISK_FS_WRITE : 0) < 0) {
		tool_err("%s", disk_last_error(*d));
		disk_close(*d);
		*d = NULL;
		return -1;
	}
	return 0;
}
