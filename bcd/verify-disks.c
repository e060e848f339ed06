/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Checks of the disks themselves (bcdverify --disk): two disks with one MBR
 * signature or GPT disk GUID make partition devices ambiguous (Windows
 * changes one at boot, and the entries on it stop resolving); the disk holding a
 * BIOS store's boot manager needs MBR boot code, an active partition, and volume boot code there
 * that loads bootmgr.  Only sector 0, the partition table and the active
 * partition's first sectors are read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-boot.h"
#include "verify-internal.h"

#define MBR_CODE_LEN 440u

static int
shared_ids(const struct bcd_verify_world *w, const struct disk_label *l, struct bcd_findings *out)
{
	char g[37];
	size_t i, j;
	int rc = 0;

	for (i = 0; i < w->ndisks && rc == 0; i++)
		for (j = i + 1; j < w->ndisks && rc == 0; j++) {
			if (l[i].type != l[j].type || l[i].type == DISK_LABEL_NONE)
				continue;
			if (l[i].type == DISK_LABEL_MBR && l[i].mbr_signature == l[j].mbr_signature)
				bc_vf_add(out, &rc, "BCD-DISK-SHAREDID", BCD_SEV_ERROR, NULL, 0,
					   "give one disk a new signature (vhdtool partition), then "
					   "bcdverify --fix", "%s and %s have the same MBR signature "
					   "%08x: partition devices on them are ambiguous",
					   w->disks[i].name, w->disks[j].name, l[i].mbr_signature);
			else if (l[i].type == DISK_LABEL_GPT &&
				 memcmp(l[i].disk_guid, l[j].disk_guid, 16) == 0) {
				disk_guid_format(l[i].disk_guid, g);
				bc_vf_add(out, &rc, "BCD-DISK-SHAREDID", BCD_SEV_ERROR, NULL, 0,
					   "give one disk new GUIDs, then bcdverify --fix",
					   "%s and %s have the same GPT disk GUID {%s}",
					   w->disks[i].name, w->disks[j].name, g);
			}
		}
	return rc;
}

/* BIOS: MBR boot code, an active partition, volume boot code for bootmgr. */
int
bc_vf_bios_boot(const struct bcd_verify_disk *d, const struct disk_label *l,
		 struct bcd_findings *out)
{
	uint8_t mbr[MBR_CODE_LEN];
	enum disk_vbr_kind k;
	unsigned i, active = 0;
	size_t b;
	int rc = 0;

	if (l->type != DISK_LABEL_MBR || disk_read(d->disk, 0, mbr, sizeof(mbr)) < 0)
		return 0;
	for (b = 0; b < sizeof(mbr) && !mbr[b]; b++)
		;
	if (b == sizeof(mbr))
		bc_vf_add(out, &rc, "BCD-MBR-BOOTCODE", BCD_SEV_ERROR, NULL, 0,
			   "vhdtool bootcode DISK (bcdboot /f BIOS writes it)",
			   "%s: the MBR has no boot code: BIOS cannot start from this disk", d->name);
	for (i = 0; i < l->count; i++)
		if (l->part[i].active)
			active = l->part[i].number;
	if (!active) {
		bc_vf_add(out, &rc, "BCD-MBR-ACTIVE", BCD_SEV_ERROR, NULL, 0,
			   "vhdtool partition DISK active N (bcdboot /f BIOS marks the system partition)",
			   "%s: no partition is active: BIOS boot code has nothing to load", d->name);
		return rc;
	}
	if (rc == 0 && disk_vbr_probe(d->disk, active, &k) == 0 && k != DISK_VBR_BOOTMGR)
		bc_vf_add(out, &rc, "BCD-VBR-BOOTCODE", BCD_SEV_WARNING, NULL, 0,
			   "vhdtool bootcode DISK --vbr-from FILE|IMAGE:PART (Windows' own volume "
			   "boot code; bcdkit cannot write it)",
			   "%s:%u: the active partition's boot code does not load bootmgr", d->name,
			   active);
	return rc;
}

int
bcd_verify_disks(const struct bcd_verify_world *w, struct bcd_findings *out)
{
	struct disk_label *l;
	size_t i;
	int rc;

	if (!w->ndisks)
		return 0;
	if (!(l = calloc(w->ndisks, sizeof(*l))))
		return -BK_ENOMEM;
	for (i = 0; i < w->ndisks; i++)
		if (disk_label_read(w->disks[i].disk, &l[i]) < 0)
			l[i].type = DISK_LABEL_NONE;
	rc = shared_ids(w, l, out);
	free(l);
	return rc;
}
