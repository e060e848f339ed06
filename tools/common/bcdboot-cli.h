/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdboot's parts: the command line (bcdboot.c), the run (bcdboot-run.c),
 * the boot files (bootfiles.c).
 */
#ifndef BCDBOOT_CLI_H
#define BCDBOOT_CLI_H

#include <stdbool.h>

#include "bcdkit/bcd-boot.h"
#include "bootvol.h"

enum { FW_BIOS = 1, FW_UEFI = 2 };

struct bcdboot_args {
	const char *windir, *target, *locale;
	const char *os_device, *system_device, *host, *vbr_from;
	int firmware;                  /* FW_* bits; 0: by the target */
	unsigned flags;                /* BCD_BOOT_* */
	bcd_guid_t merge_id;
	bool has_merge_id, preserve, verbose, no_bootcode;
};

/* Everything after the command line; 0 or -1 (messages printed). */
int bcdboot_run(const struct bcdboot_args *a);

/* "/v" output. */
void bcdboot_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool bcdboot_is_verbose;

/*
 * Copy the boot files for one firmware from win (the Windows folder's
 * volume, paths under winroot) to sys.  Returns 0 or -1 (printed).
 */
int bcdboot_copy_files(struct bootvol *win, const char *winroot, struct bootvol *sys, int fw);

#endif
