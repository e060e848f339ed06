/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "vhdtool bootcode IMAGE": the BIOS boot code of a disk image or device:
 * MBR code that loads the active partition's boot sector (syslinux's
 * mbr.bin by default), the partition made active, its volume boot code kept,
 * copied (--vbr-from) or reported missing; --check only reports.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcode.h"
#include "tool-util.h"

struct bootcode_args {
	const char *image, *mbr, *vbr;
	unsigned part;
	int check, verbose;
};

static int
parse(struct bootcode_args *a, int argc, char **argv, void (*usage)(FILE *))
{
	static const struct option opts[] = {
		{ "part", required_argument, NULL, 'p' },
		{ "mbr-code", required_argument, NULL, 'm' },
		{ "vbr-from", required_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t n;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;     /* one message of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, ":p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!bk_parse_u64(optarg, &n) || n == 0 || n > 4)
				tool_usage_error("--part takes a primary partition number, 1 to 4");
			a->part = (unsigned)n;
			break;
		case 'm': a->mbr = optarg; break;
		case 'b': a->vbr = optarg; break;
		case 'c': a->check = 1; break;
		case 'v': a->verbose = 1; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': tool_usage_error("bootcode: option '%s' needs an argument", argv[optind - 1]);
		default: tool_usage_error("bootcode: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		tool_usage_error("bootcode takes one IMAGE");
	if (a->check && (a->mbr || a->vbr))
		tool_usage_error("--check only reports; it takes no --mbr-code or --vbr-from");
	a->image = argv[optind];
	return 0;
}

/* The active partition, else the only one. */
static int
pick_part(disk_t *d, const char *name, struct disk_label *l, unsigned *part)
{
	unsigned i;

	if (disk_label_read(d, l) < 0) {
		tool_err("%s: %s", name, disk_last_error(d));
		return -1;
	}
	if (l->type != DISK_LABEL_MBR) {
		tool_err("%s: not an MBR disk; BIOS boot code boots MBR partition tables", name);
		return -1;
	}
	for (i = 0; !*part && i < l->count; i++)
		if (l->part[i].active)
			*part = l->part[i].number;
	if (!*part && l->count == 1)
		*part = l->part[0].number;
	if (!*part) {
		tool_err("%s: no active partition; name one with --part", name);
		return -1;
	}
	return 0;
}

static int
check(disk_t *d, const char *name, const struct disk_label *l, unsigned part)
{
	enum disk_vbr_kind kind;
	uint8_t s[512];
	unsigned i, code = 0, active = 0;

	if (disk_read(d, 0, s, sizeof(s)) < 0 || disk_vbr_probe(d, part, &kind) < 0) {
		tool_err("%s: %s", name, disk_last_error(d));
		return EXIT_FAIL;
	}
	for (i = 0; i < DISK_MBR_CODE_MAX; i++)
		code |= s[i];
	for (i = 0; i < l->count; i++)
		if (l->part[i].number == part)
			active = (unsigned)l->part[i].active;
	printf("MBR boot code:     %s\n", code ? "present" : "none (all zero)");
	printf("active partition:  %s\n", active ? "yes" : "no");
	printf("volume boot code:  %s\n", kind == DISK_VBR_BOOTMGR ? "loads BOOTMGR" :
	       "does not load BOOTMGR");
	return code && active && kind == DISK_VBR_BOOTMGR ? EXIT_OK : EXIT_FAIL;
}

int
bootcode_cmd(int argc, char **argv, void (*usage)(FILE *))
{
	struct bootcode_args a;
	struct disk_label *l;
	char err[1024] = "";
	disk_t *d = NULL;
	int rc;

	parse(&a, argc, argv, usage);
	if (!(l = calloc(1, sizeof(*l)))) {
		tool_err("out of memory");
		return EXIT_FAIL;
	}
	if (disk_open(&d, a.image, a.check ? 0 : DISK_OPEN_WRITE, err, sizeof(err)) < 0) {
		tool_err("%s", err[0] ? err : a.image);
		free(l);
		return EXIT_USAGE;
	}
	if (pick_part(d, a.image, l, &a.part) < 0)
		rc = EXIT_FAIL;
	else if (a.check)
		rc = check(d, a.image, l, a.part);
	else
		rc = tool_bios_bootcode(d, a.image, a.part, a.mbr, a.vbr, a.verbose) < 0 ?
		     EXIT_FAIL : EXIT_OK;
	if (disk_close(d) < 0 && rc == EXIT_OK) {
		tool_err("%s: closing: %s", a.image, strerror(5));
		rc = EXIT_FAIL;
	}
	free(l);
	return rc;
}
