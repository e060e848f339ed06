/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Boot code inputs shared by vhdtool bootcode and bcdboot: the MBR code
 * file and the volume boot code to copy (--vbr-from FILE|IMAGE:PART).
 */
#ifndef TOOL_BOOTCODE_H
#define TOOL_BOOTCODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bcdkit/disk-boot.h"

/* syslinux's MBR code (Debian syslinux-common, GPL): loads the active
 * partition's boot sector, with LBA where the BIOS has it. */
#define TOOL_MBR_CODE_DEFAULT "/usr/lib/syslinux/mbr/mbr.bin"

/* Read MBR code (NULL: the default file); 0 or -1 (printed). */
int tool_read_mbr_code(const char *path, uint8_t **buf, size_t *len);
/* Volume boot code: the first DISK_VBR_MAX bytes of FILE or of partition
 * PART of IMAGE (IMAGE:PART); 0 or -1 (printed). */
int tool_read_vbr(const char *spec, uint8_t **buf, size_t *len);
/* Write MBR code, mark active and check or copy the volume boot code of
 * partition number; warns (returns 0) when the volume cannot boot Windows.
 * 0 or -1 (printed). */
int tool_bios_bootcode(disk_t *d, const char *name, unsigned number, const char *mbr_code,
		       const char *vbr_from, int verbose);

/* "vhdtool bootcode ARGS" (argv[0] is "bootcode"); returns the exit status. */
int bootcode_cmd(int argc, char **argv, void (*usage)(FILE *f));

#endif
