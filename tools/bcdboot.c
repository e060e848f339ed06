/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdboot: make a partition boot Windows, offline, as Windows' bcdboot.exe
 * does: copy the boot manager's files from WINDIR\Boot to the system
 * partition and write the system store (bcd/bcdboot.c builds it).
 *
 * Options start with "/", "-" or "--" and are case-insensitive, as on
 * Windows.  WINDIR and TARGET are host folders or IMAGE[:PART]:\PATH and
 * IMAGE[:PART] inside disk images (bootsrc.c opens them).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/bcd-boot.h"
#include "bcdkit/disk.h"
#include "bcdkit/hive.h"
#include "bcdboot-cli.h"
#include "tool-opts.h"
#include "tool-util.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: %s WINDIR [/s TARGET] [/f BIOS|UEFI|ALL] [/l LOCALE] [/d] [/c]\n"
		"               [/m [{id}]] [/addlast] [/p] [/v] [OPTIONS]\n"
		"Copy the Windows boot manager from WINDIR\\Boot to a system partition and\n"
		"write its boot configuration store, offline (no mount, no root for images).\n"
		"\n"
		"  WINDIR             the Windows folder: a host folder, or IMAGE[:PART]:\\Windows\n"
		"                     inside a raw image, VHD, VHDX or block device; a VHD on a\n"
		"                     partition nests: usb.img:1:\\win.vhd:1:\\Windows\n"
		"  /s TARGET          the system partition: a host folder (mounted partition,\n"
		"                     ESP) or IMAGE[:PART]; a disk without PART (or no /s for\n"
		"                     an image WINDIR): its ESP for UEFI, active one for BIOS\n"
		"  /f BIOS|UEFI|ALL   which boot files and store(s); default UEFI when TARGET is\n"
		"                     an EFI system partition (or has an EFI folder), else BIOS\n"
		"  /l LOCALE          locale of the boot entries (default en-us)\n"
		"  /d                 keep the existing default entry\n"
		"  /c                 start from the template only: drop the existing store\n"
		"  /m [{id}]          merge the values of the replaced entry (or of loader {id})\n"
		"  /addlast           put the new entry last in the display order\n"
		"  /p                 keep the firmware boot order (no effect offline)\n"
		"  /v                 tell each step\n"
		"  --os-device T      the partition that holds WINDIR, where it is not found\n"
		"                     (T as in bcdedit --map: /dev/sdXN, a mount point,\n"
		"                     IMAGE:N, mbr:SIG:OFFSET, gpt:{DISK}:{PART})\n"
		"  --system-device T  the partition TARGET is, where it is not found\n"
		"  --host IMAGE[:PART]:\\x.vhd  Windows is inside that VHD or VHDX (WINDIR\n"
		"                     is then its partition, given as a folder or image)\n"
		"  --no-bootcode      BIOS: do not write MBR boot code nor mark TARGET active\n"
		"  --vbr-from FILE|IMAGE:PART  BIOS: volume boot code to copy (Windows'\n"
		"                     own, which loads bootmgr) when TARGET has none\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n"
		"\n"
		"Exit status: 0 on success, 1 when the operation failed, 2 on bad usage.\n",
		tool_name);
}

static void
set_help(void *dst, const struct tool_opt *o, const char *arg)
{
	(void)dst;
	(void)o;
	(void)arg;
	usage(stdout);
	exit(EXIT_OK);
}

static void
set_firmware(void *dst, const struct tool_opt *o, const char *v)
{
	struct bcdboot_args *a = dst;

	(void)o;
	if (strcasecmp(v, "BIOS") == 0)
		a->firmware = FW_BIOS;
	else if (strcasecmp(v, "UEFI") == 0)
		a->firmware = FW_UEFI;
	else if (strcasecmp(v, "ALL") == 0)
		a->firmware = FW_BIOS | FW_UEFI;
	else
		tool_usage_error("/f takes BIOS, UEFI or ALL, not '%s'", v);
}

/* /m [{id}] */
static void
set_merge(void *dst, const struct tool_opt *o, const char *id)
{
	struct bcdboot_args *a = dst;

	(void)o;
	a->flags |= BCD_BOOT_MERGE;
	if (!id)
		return;
	if (bcd_guid_parse(id, &a->merge_id) < 0)
		tool_usage_error("/m: '%s' is not a GUID", id);
	a->has_merge_id = true;
}

#define FIELD(f) .off = offsetof(struct bcdboot_args, f)
#define FLAG(bit) .set = tool_opt_bits, FIELD(flags), .val = (bit)

/* One row per option (tool-opts.h); WINDIR is the one plain word. */
static const struct tool_opt options[] = {
	{ .name = "help", .word = "-h", .set = set_help },
	{ .word = "/?", .set = set_help },
	{ .name = "version", .word = "-V", .set = tool_opt_version },
	{ .name = "d", FLAG(BCD_BOOT_KEEP_DEFAULT) },
	{ .name = "c", FLAG(BCD_BOOT_CLEAN) },
	{ .name = "bcdclean", FLAG(BCD_BOOT_CLEAN) },
	{ .name = "addlast", FLAG(BCD_BOOT_ADDLAST) },
	{ .name = "p", FIELD(preserve) },
	{ .name = "v", FIELD(verbose) },
	{ .name = "no-bootcode", FIELD(no_bootcode) },
	{ .name = "s", .arg = OPT_ONE, FIELD(target) },
	{ .name = "f", .arg = OPT_ONE, .set = set_firmware },
	{ .name = "l", .arg = OPT_ONE, FIELD(locale) },
	{ .name = "os-device", .arg = OPT_ONE, FIELD(os_device) },
	{ .name = "system-device", .arg = OPT_ONE, FIELD(system_device) },
	{ .name = "host", .arg = OPT_ONE, FIELD(host) },
	{ .name = "vbr-from", .arg = OPT_ONE, FIELD(vbr_from) },
	{ .name = "m", .arg = OPT_IF_ID, .set = set_merge },
};

static void
parse_args(struct bcdboot_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (tool_opt_take(options, sizeof(options) / sizeof(options[0]), a, argc, argv, &i,
				  tool_usage_error))
			continue;
		/* WINDIR may look like an option ("/mnt/win/Windows"). */
		if (!a->windir && (!tool_optname(w) || w[0] == '/')) {
			a->windir = w;
			continue;
		}
		tool_usage_error("unknown option or extra argument '%s'", w);
	}
	if (!a->windir)
		tool_usage_error("the Windows folder (WINDIR) is missing");
}

int
main(int argc, char **argv)
{
	struct bcdboot_args a;
	int rc;

	tool_init(argc, argv);
	if (tool_lock_wait_ms >= 0) {       /* BCDKIT_WAIT (doc/safety.md) */
		hive_set_lock_wait((unsigned)tool_lock_wait_ms);
		disk_set_lock_wait((unsigned)tool_lock_wait_ms);
	}
	parse_args(&a, argc, argv);
	rc = bcdboot_run(&a);
	if (rc == 0)
		printf("Boot files successfully created.\n");
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
