/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdverify(1): the stores checked, their findings, and the reports
 * (bcdverify.c runs the checks and repairs, bcdverify-out.c prints).
 */
#ifndef BCDVERIFY_CLI_H
#define BCDVERIFY_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "bcdkit/bcd-verify.h"

/* fsck's exit bits. */
#define BV_EXIT_CLEAN  0
#define BV_EXIT_FIXED  1
#define BV_EXIT_LEFT   4
#define BV_EXIT_OPER   8
#define BV_EXIT_USAGE 16

#define BV_JSON_SCHEMA "bcdkit.bcdverify/1"

struct bv_store {
	char *spec;                  /* as given or found: FILE or IMAGE:PART:\path */
	int firmware;                /* 0 unknown, 1 BIOS, 2 UEFI */
	struct bcd_findings found;
	bool *fixed;                 /* per finding: repaired by --fix */
	char **diff;                 /* per finding: the change, in bcdedit's words */
	bool failed;                 /* could not be read (an error was printed) */
};

struct bv_report {
	struct bv_store *stores;
	size_t nstores;
	struct bcd_findings disks;   /* findings about the disks themselves */
	int fail_on;                 /* enum bcd_severity */
	bool dry_run;
};

void bv_print_human(const struct bv_report *r);
void bv_print_json(const struct bv_report *r, int exit_code);
/* Returns 0, or -1 after printing why the file could not be written. */
int bv_write_junit(const struct bv_report *r, const char *path);

#endif
