/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "IMAGE[:PART]:PATH" on a command line: a file or folder inside a
 * partition of a disk image or block device, as vhdtool cp/ls/cat, hivetool
 * and bcdedit --store take it.  Never linked by the libraries.
 *
 * The rule.  PATH never holds a ':' (Windows forbids it in names), so an
 * argument names a place inside an image when some prefix of it, ending
 * just before a ':', is an existing regular file or block device; what
 * follows is "PART:PATH" when it starts with digits and a ':', or is only
 * digits ("usb.img:2" is the root of partition 2; write "usb.img:\2" for a
 * file called 2), else PATH.  The shortest such prefix wins, so an image
 * whose own name holds ':' works when no shorter prefix exists.  An
 * argument that exists on the host as a whole is always a host path.
 * PART 0 or none picks the partition as disk_fs_open() does (the only one,
 * else the active one); a partition device such as /dev/sdb1 has no table
 * and is one volume.
 */
#ifndef IMAGE_PATH_H
#define IMAGE_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "bcdkit/disk.h"
#include "bcdkit/disk-fs.h"

struct image_path {
	char *image;        /* allocated: the image file or device */
	unsigned part;      /* 0: the default partition */
	const char *path;   /* inside the volume, points into the argument; "" = root */
};

/*
 * Split arg.  Returns 1 for a place inside an image (*out filled; free with
 * image_path_free()), 0 for a host path, -1 for a malformed one (a PART
 * that is not a partition number) with the reason in err.
 */
int image_path_parse(const char *arg, struct image_path *out, char *err, size_t errlen);
/*
 * "PART:PATH" or "PART" (the digits and ':' after an image name): *part gets
 * the number and *path what follows; without leading digits, *part is 0 and
 * *path is rest.  -1 with the reason in err for a number out of range.
 */
int image_path_split_part(const char *rest, unsigned *part, const char **path, char *err,
			  size_t errlen);
void image_path_free(struct image_path *ip);

/*
 * Open the image (writable with write) and the volume of ip.  Prints the
 * error (naming the image and the partition) and returns -2 when the image
 * cannot be opened at all, -1 when its volume cannot.
 */
int image_path_open(const struct image_path *ip, bool write, disk_t **d, disk_fs_t **fs);

#endif
