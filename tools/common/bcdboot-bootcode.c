/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdboot's BIOS step on an image target: MBR boot code (syslinux's mbr.bin)
 * that loads the active partition's boot sector, the system partition made
 * active, and the volume boot code kept, copied (--vbr-from) or reported
 * missing.  It runs after the file system is closed, so that nothing the
 * file-system driver still holds is written over the boot sector.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bcdboot-src.h"
#include "bootcode.h"
#include "tool-util.h"

static bool
is_gpt(disk_t *d)
{
	struct disk_label *l = calloc(1, sizeof(*l));
	bool gpt = l && disk_label_read(d, l) == 0 && l->type == DISK_LABEL_GPT;

	free(l);
	return gpt;
}

int
bcdboot_bios_bootcode(const struct bcdboot_args *a, struct bcdboot_src *src)
{
	if (!src->bios_part) {
		if (!a->no_bootcode)
			tool_warn("%s: a folder; no boot code written (write it to the disk with "
				  "'vhdtool bootcode')", src->sys.name);
		return 0;
	}
	if (a->no_bootcode) {
		bcdboot_verbose("--no-bootcode: MBR and volume boot code left as they are");
		return 0;
	}
	/* Every file-system handle on the disk is closed (flushed) first. */
	if ((src->win.disk == src->sys.disk && bootvol_close_fs(&src->win) < 0) ||
	    bootvol_close_fs(&src->sys) < 0) {
		tool_err("%s", src->win.err[0] ? src->win.err : src->sys.err);
		return -1;
	}
	if (is_gpt(src->sys.disk)) {
		tool_warn("%s: a GPT disk; BIOS boot code is not written (BIOS boots Windows "
			  "from MBR disks)", src->sys_image);
		return 0;
	}
	return tool_bios_bootcode(src->sys.disk, src->sys_image, src->bios_part, NULL, a->vbr_from,
				  bcdboot_is_verbose);
}
