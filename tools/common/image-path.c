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
static bool
is_image_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
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

int
image_path_parse(const char *arg, struct image_path *out, char *err, size_t errlen)
{
	struct stat st;
	const char *c;
	char *img;

	memset(out, 0, sizeof(*out));
	if (lstat(arg, &st) == 0)
		return 0;
	for (c = strchr(arg, ':'); c; c = strchr(c + 1, ':')) {
		if (c == arg || !(img = strndup(arg, (size_t)(c - arg))))
			continue;
		if (!is_image_file(img)) {
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
