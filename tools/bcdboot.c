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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/bcd-boot.h"
#include "bcdkit/disk.h"
#include "bcdkit/hive.h"
#include "bcdboot-cli.h"
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

static const char *
optname(const char *w)
{
	if (w[0] == '-' && w[1] == '-' && w[2])
		return w + 2;
	if ((w[0] == '/' || w[0] == '-') && w[1])
		return w + 1;
	return NULL;
}

static bool
is_opt(const char *w, const char *name)
{
	const char *o = optname(w);

	return o && strcasecmp(o, name) == 0;
}

static const char *
need_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		tool_usage_error("option '%s' requires an argument", argv[*i]);
	return argv[++*i];
}

static bool
flag_option(struct bcdboot_args *a, const char *w)
{
	static const struct { const char *name; unsigned bit; } flags[] = {
		{ "d", BCD_BOOT_KEEP_DEFAULT }, { "c", BCD_BOOT_CLEAN },
		{ "bcdclean", BCD_BOOT_CLEAN }, { "addlast", BCD_BOOT_ADDLAST },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (is_opt(w, flags[i].name)) {
			a->flags |= flags[i].bit;
			return true;
		}
	if (is_opt(w, "p"))
		a->preserve = true;
	else if (is_opt(w, "v"))
		a->verbose = true;
	else if (is_opt(w, "no-bootcode"))
		a->no_bootcode = true;
	else
		return false;
	return true;
}

static void
parse_firmware(struct bcdboot_args *a, const char *v)
{
	if (strcasecmp(v, "BIOS") == 0)
		a->firmware = FW_BIOS;
	else if (strcasecmp(v, "UEFI") == 0)
		a->firmware = FW_UEFI;
	else if (strcasecmp(v, "ALL") == 0)
		a->firmware = FW_BIOS | FW_UEFI;
	else
		tool_usage_error("/f takes BIOS, UEFI or ALL, not '%s'", v);
}

static bool
value_option(struct bcdboot_args *a, int argc, char **argv, int *i)
{
	const char *w = argv[*i];

	if (is_opt(w, "s"))
		a->target = need_arg(argc, argv, i);
	else if (is_opt(w, "f"))
		parse_firmware(a, need_arg(argc, argv, i));
	else if (is_opt(w, "l"))
		a->locale = need_arg(argc, argv, i);
	else if (is_opt(w, "os-device"))
		a->os_device = need_arg(argc, argv, i);
	else if (is_opt(w, "system-device"))
		a->system_device = need_arg(argc, argv, i);
	else if (is_opt(w, "host"))
		a->host = need_arg(argc, argv, i);
	else if (is_opt(w, "vbr-from"))
		a->vbr_from = need_arg(argc, argv, i);
	else if (is_opt(w, "m")) {
		a->flags |= BCD_BOOT_MERGE;
		if (*i + 1 < argc && argv[*i + 1][0] == '{') {
			if (bcd_guid_parse(argv[++*i], &a->merge_id) < 0)
				tool_usage_error("/m: '%s' is not a GUID", argv[*i]);
			a->has_merge_id = true;
		}
	} else
		return false;
	return true;
}

static void
parse_args(struct bcdboot_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "-h") == 0 || is_opt(w, "help") || strcmp(w, "/?") == 0) {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (strcmp(w, "-V") == 0 || is_opt(w, "version"))
			tool_version();
		if (flag_option(a, w) || value_option(a, argc, argv, &i))
			continue;
		/* WINDIR may look like an option ("/mnt/win/Windows"). */
		if (!a->windir && (!optname(w) || w[0] == '/')) {
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
