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
 * What a name is on the host, for the split: IMAGE_PATH_IMAGE a regular
 * file or block device (or a symlink to one), IMAGE_PATH_OTHER anything
 * else that exists, IMAGE_PATH_NONE nothing.  image_path_probe() asks the
 * file system; the fuzz target (tests/fuzz/fuzz-image-path.c) answers from
 * its input, so the split itself never touches the host.
 */
enum { IMAGE_PATH_NONE, IMAGE_PATH_OTHER, IMAGE_PATH_IMAGE };
typedef int (*image_path_probe_fn)(const char *name, void *data);
int image_path_probe(const char *name, void *data);
/* image_path_parse() with probe in place of the host's file system. */
int image_path_split(const char *arg, image_path_probe_fn probe, void *data,
		     struct image_path *out, char *err, size_t errlen);

/*
 * bcdboot's form, IMAGE[:PART][:\PATH[:PART[:\PATH]]]: as image_path_parse(),
 * and besides an image named alone ("usb.img") is its default partition,
 * and PATH may go on into a VHD or VHDX on that partition
 * ("usb.img:1:\x.vhd:1:\Windows"; the ':' cannot be in a Windows name).
 * One level only.  Leading separators are dropped from both paths.
 */
struct image_spec {
	struct image_path ip;       /* IMAGE and PART; ip.path is all that follows */
	char *path;                 /* allocated: PATH up to the nested ':'; "" none */
	bool nested;                /* PATH is a VHD or VHDX holding what follows */
	unsigned inner_part;        /* the partition in it (0: its default) */
	const char *inner_path;     /* the place in that volume; points into the argument */
};
/* Returns 1 (*out filled; free with image_spec_free()), 0 for a host
 * path, -1 for a malformed one with the reason in err. */
int image_spec_parse(const char *arg, image_path_probe_fn probe, void *data,
		     struct image_spec *out, char *err, size_t errlen);
void image_spec_free(struct image_spec *sp);
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
