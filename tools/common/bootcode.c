/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Boot code inputs and the BIOS boot code step (bootcode.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bootcode.h"
#include "tool-util.h"

int
tool_read_mbr_code(const char *path, uint8_t **buf, size_t *len)
{
	struct bk_errbuf eb;

	if (!path)
		path = TOOL_MBR_CODE_DEFAULT;
	if (bk_read_input(&eb, path, buf, len, (size_t)64 << 20) < 0) {
		tool_err("%s: %s (MBR boot code; Debian package syslinux-common)", path,
			 strerror(errno));
		return -1;
	}
	if (*len == 0 || *len > DISK_MBR_CODE_MAX) {
		tool_err("%s: %zu bytes; MBR boot code is 1 to %u bytes", path, *len,
			 DISK_MBR_CODE_MAX);
		free(*buf);
		return -1;
	}
	return 0;
}

/* IMAGE:PART: the first sectors of that partition. */
static int
vbr_from_image(const char *image, unsigned part, uint8_t **buf, size_t *len)
{
	struct disk_part_identity id;
	char err[1024] = "";
	disk_t *d = NULL;
	uint64_t off;
	int rc;

	if (disk_open(&d, image, 0, err, sizeof(err)) < 0) {
		tool_err("%s", err[0] ? err : image);
		return -1;
	}
	rc = disk_partition_identity(d, part, &id);
	*buf = malloc(DISK_VBR_MAX);
	*len = id.size < DISK_VBR_MAX ? (size_t)id.size : DISK_VBR_MAX;
	off = id.style == DISK_LABEL_MBR ? id.offset : 0;
	if (rc == 0 && id.style != DISK_LABEL_MBR) {
		struct disk_label *l = calloc(1, sizeof(*l));
		unsigned i;

		rc = l ? disk_label_read(d, l) : -BK_ENOMEM;
		for (i = 0; rc == 0 && i < l->count; i++)
			if (l->part[i].number == part)
				off = l->part[i].offset;
		free(l);
	}
	if (rc == 0)
		rc = *buf ? disk_read(d, off, *buf, *len) : -BK_ENOMEM;
	if (rc < 0) {
		tool_err("%s: partition %u: %s", image, part, disk_last_error(d));
		free(*buf);
	}
	disk_close(d);
	return rc < 0 ? -1 : 0;
}

int
tool_read_vbr(const char *spec, uint8_t **buf, size_t *len)
{
	struct bk_errbuf eb;
	struct stat st;
	const char *c = strrchr(spec, ':');
	char image[4096], *end;
	unsigned long part;

	if (stat(spec, &st) != 0 && c && c != spec) {
		part = strtoul(c + 1, &end, 10);
		if (!c[1] || *end || part == 0 || part > 128 || (size_t)(c - spec) >= sizeof(image)) {
			tool_err("%s: not a file, nor IMAGE:PART", spec);
			return -1;
		}
		memcpy(image, spec, (size_t)(c - spec));
		image[c - spec] = '\0';
		return vbr_from_image(image, (unsigned)part, buf, len);
	}
	if (bk_read_input(&eb, spec, buf, len, (size_t)64 << 20) < 0) {
		tool_err("%s: %s", spec, strerror(errno));
		return -1;
	}
	if (*len > DISK_VBR_MAX)
		*len = DISK_VBR_MAX;
	return 0;
}

/* The source's file system must be the target's: checked before any write. */
static int
vbr_matches(disk_t *d, const char *name, unsigned number, const uint8_t *vbr, size_t len)
{
	struct disk_label *l = calloc(1, sizeof(*l));
	uint8_t s[512];
	unsigned i;
	int rc = l ? disk_label_read(d, l) : -BK_ENOMEM;

	for (i = 0; rc == 0 && l && i < l->count; i++)
		if (l->part[i].number == number)
			rc = disk_read(d, l->part[i].offset, s, sizeof(s)) < 0 ? -BK_EIO : 1;
	free(l);
	if (rc != 1) {
		tool_err("%s: partition %u: %s", name, number, rc == 0 ? "not found" :
			 disk_last_error(d));
		return -1;
	}
	if (disk_vbr_fs_of(s, sizeof(s)) == DISK_VBR_FS_UNKNOWN ||
	    disk_vbr_fs_of(vbr, len) != disk_vbr_fs_of(s, sizeof(s))) {
		tool_err("%s: the boot code given is not for the file system of partition %u",
			 name, number);
		return -1;
	}
	return 0;
}

static int
volume_code(disk_t *d, const char *name, unsigned number, uint8_t *vbr, size_t len,
	    const char *vbr_from, int verbose)
{
	enum disk_vbr_kind kind;
	int rc;

	if (disk_vbr_probe(d, number, &kind) < 0) {
		tool_err("%s: %s", name, disk_last_error(d));
		return -1;
	}
	if (kind == DISK_VBR_BOOTMGR && !vbr_from) {
		if (verbose)
			printf("Partition %u already has volume boot code that loads BOOTMGR; kept\n",
			       number);
		return 0;
	}
	if (!vbr_from) {
		tool_warn("%s: partition %u has no volume boot code that loads BOOTMGR: it "
			  "cannot BIOS-boot Windows until such code is written (Windows' own "
			  "is not free; copy it with --vbr-from FILE|IMAGE:PART)", name, number);
		return 0;
	}
	rc = disk_vbr_copy(d, number, vbr, len);
	if (rc < 0) {
		tool_err("%s: %s", name, disk_last_error(d));
		return -1;
	}
	if (verbose)
		printf("Copied the volume boot code of %s to partition %u\n", vbr_from, number);
	return 0;
}

int
tool_bios_bootcode(disk_t *d, const char *name, unsigned number, const char *mbr_code,
		   const char *vbr_from, int verbose)
{
	uint8_t *code = NULL, *vbr = NULL;
	size_t len = 0, vlen = 0;
	int rc;

	/* Every input is read and checked before the first write. */
	if (tool_read_mbr_code(mbr_code, &code, &len) < 0)
		return -1;
	if (vbr_from && (tool_read_vbr(vbr_from, &vbr, &vlen) < 0 ||
			 vbr_matches(d, name, number, vbr, vlen) < 0)) {
		free(code);
		free(vbr);
		return -1;
	}
	rc = disk_mbr_write_code(d, code, len, number);
	free(code);
	if (rc < 0) {
		free(vbr);
		tool_err("%s: %s", name, disk_last_error(d));
		return -1;
	}
	if (verbose)
		printf("Wrote the MBR boot code of %s; partition %u is active\n",
		       mbr_code ? mbr_code : TOOL_MBR_CODE_DEFAULT, number);
	rc = volume_code(d, name, number, vbr, vlen, vbr_from, verbose);
	free(vbr);
	return rc;
}
