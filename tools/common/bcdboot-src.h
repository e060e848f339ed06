/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where bcdboot reads Windows from and writes the boot files to, and the
 * partition identities the new entries name (bcdboot-src.c); the BIOS boot
 * code of an image target (bcdboot-bootcode.c).
 */
#ifndef BCDBOOT_SRC_H
#define BCDBOOT_SRC_H

#include "bcdboot-cli.h"

struct bcdboot_src {
	struct bootvol win, sys;
	char winroot[4096];              /* WINDIR inside win ("" for a host folder) */
	char systemroot[4100];           /* "\Windows" */
	struct bcd_partition_id os_id, system_id, vhd_host;
	char vhd_path[4100];             /* "\x.vhd" or "" */
	int firmware;                    /* FW_* bits */
	/* an image target (for the BIOS boot code) */
	char sys_image[4096];
	unsigned sys_part;               /* its partition number; 0: a host folder */
	bool sys_auto;                   /* only the disk was named: partition per firmware */
	unsigned win_part;               /* WINDIR's partition when on the target's disk */
	unsigned bios_part;              /* where the BIOS files went (for the boot code) */
	char tmpfile[4096];              /* a nested VHD extracted to a temporary file */
};

/* Resolve everything; 0 or -1 (printed).  src is always closable. */
int bcdboot_src_open(const struct bcdboot_args *a, struct bcdboot_src *src);
/* Flush and close both volumes; 0 or -1 (printed). */
int bcdboot_src_close(struct bcdboot_src *src);

/* Point the target at the partition for one firmware (when only the disk
 * was named).  0 or -1 (printed). */
int bcdboot_src_retarget(const struct bcdboot_args *a, struct bcdboot_src *src, int fw);

/* BIOS targets: MBR boot code, the active flag, the volume boot code check. */
int bcdboot_bios_bootcode(const struct bcdboot_args *a, struct bcdboot_src *src);

#endif
