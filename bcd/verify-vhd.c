/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The disk inside a VHD or VHDX file that a device names, for bcdverify's
 * VHD checks.  The file is opened where it lies, as a disk of its own
 * (disk_fs_open_disk(): image -> partition -> file -> disk -> partition ->
 * files), so the partition table inside it is read, the partition the
 * device names is found there (resolved layout: MBR signature and offset,
 * or GPT GUIDs; locate layout: the partition holding what it locates), and
 * the loader's files are looked for on that partition.  Only the VHD's or
 * VHDX's headers and block table, the inner partition table and the inner
 * file system's metadata are read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-fs.h"
#include "verify-internal.h"

struct inner {
	const struct bcd_vf_vhd *v;
	disk_t *d;
	struct disk_label *l;
	struct bcd_findings *out;
	char name[700];             /* "usb.img:2:\x.vhd" */
};

/* 1 when the inner partition holds path, 0 when not, -1 when it holds no
 * readable volume. */
static int
inner_has(const struct inner *in, unsigned part, const char *path)
{
	struct disk_file_info fi;
	disk_fs_t *fs = NULL;
	int rc;

	if (disk_fs_open(&fs, in->d, part, 0) < 0)
		return -1;
	rc = disk_fs_stat(fs, path, &fi);
	disk_fs_close(fs);
	return rc == 0;
}

/* The inner partition a resolved device names, or 0. */
static unsigned
resolved_part(const struct inner *in, const struct bcd_dev *r)
{
	const struct disk_label *l = in->l;
	unsigned i;

	for (i = 0; i < l->count; i++) {
		const struct disk_partition *p = &l->part[i];

		if (r->part_style == BCD_PART_MBR && l->type == DISK_LABEL_MBR &&
		    l->mbr_signature == bk_le32(r->disk_id) && p->offset == bk_le64(r->part_id))
			return p->number;
		if (r->part_style == BCD_PART_GPT && l->type == DISK_LABEL_GPT &&
		    !memcmp(l->disk_guid, r->disk_id, 16) && !memcmp(p->guid, r->part_id, 16))
			return p->number;
	}
	return 0;
}

static int
report_nopart(const struct inner *in, const struct bcd_dev *r)
{
	const struct bcd_vf_vhd *v = in->v;
	char g1[37], g2[37];
	int rc = 0;

	if (r->part_style == BCD_PART_MBR)
		bc_vf_add(in->out, &rc, "BCD-VHD-NOPART", BCD_SEV_ERROR, v->id, v->el,
			   "bcdboot VHD:PART:\\Windows writes the entry again",
			   "%s names partition mbr:%08x:%llu inside the VHD %s, which its partition "
			   "table does not hold", v->en, bk_le32(r->disk_id),
			   (unsigned long long)bk_le64(r->part_id), v->path);
	else {
		disk_guid_format(r->disk_id, g1);
		disk_guid_format(r->part_id, g2);
		bc_vf_add(in->out, &rc, "BCD-VHD-NOPART", BCD_SEV_ERROR, v->id, v->el,
			   "bcdboot VHD:PART:\\Windows writes the entry again",
			   "%s names partition gpt:{%s}:{%s} inside the VHD %s, which its partition "
			   "table does not hold", v->en, g1, g2, v->path);
	}
	return rc;
}

/*
 * A locate device around the VHD: the one inner partition holding what it
 * locates.  None: with one partition inside, that is the one (its file is
 * then reported missing); else BCD-VHD-NOPART.  Several: BCD-DEV-LOCATE.
 */
static int
located_part(const struct inner *in, unsigned *part)
{
	const struct bcd_vf_vhd *v = in->v;
	unsigned i, n = 0, first = 0;
	int rc = 0;

	*part = 0;
	for (i = 0; i < in->l->count; i++)
		if (inner_has(in, in->l->part[i].number, v->locate) == 1 && n++ == 0)
			first = in->l->part[i].number;
	if (n == 1)
		*part = first;
	else if (n > 1)
		bc_vf_add(in->out, &rc, "BCD-DEV-LOCATE", BCD_SEV_WARNING, v->id, v->el,
			   "bcdboot VHD:PART:\\Windows names the partition inside the VHD",
			   "%s is a locate device for %s, which several partitions inside the VHD "
			   "%s hold: the first found is used", v->en, v->locate, v->path);
	else if (in->l->count == 1)
		*part = in->l->part[0].number;
	else
		bc_vf_add(in->out, &rc, "BCD-VHD-NOPART", BCD_SEV_ERROR, v->id, v->el,
			   "copy Windows into the VHD, or point the entry at the right VHD",
			   "no partition inside the VHD %s holds %s, which %s locates", v->path,
			   v->locate, v->en);
	return rc;
}

/* The file the element needs, on the partition inside the VHD. */
static int
check_inner_file(const struct inner *in, unsigned part)
{
	const struct bcd_vf_vhd *v = in->v;
	int rc = 0, e;

	if (!v->want)
		return 0;
	e = inner_has(in, part, v->want);
	if (e < 0)
		bc_vf_add(in->out, &rc, "BCD-DEV-NOVOLUME", BCD_SEV_ERROR, v->id, v->el, NULL,
			   "%s resolves to %s:%u (inside the VHD): no readable NTFS or FAT volume",
			   v->en, in->name, part);
	else if (e == 0)
		bc_vf_add(in->out, &rc, v->fid, BCD_SEV_ERROR, v->id, v->el,
			   "copy the file into the VHD (bcdboot copies the boot files, not Windows)",
			   "%s is missing on %s:%u, which %s names", v->want, in->name, part, v->en);
	return rc;
}

static int
check_inside(struct inner *in)
{
	const struct bcd_vf_vhd *v = in->v;
	const struct bcd_dev *r = v->root;
	unsigned part = 0;
	int rc = 0, k;

	if ((k = disk_label_read(in->d, in->l)) < 0) {
		bc_vf_add(in->out, &rc, "BCD-VHD-NOTABLE", BCD_SEV_ERROR, v->id, v->el,
			   "vhdtool partition VHD restores a table only if you know the layout; "
			   "restore the VHD from a backup",
			   "the disk inside the VHD %s (%s) has no partition table%s%s", v->path, v->en,
			   k == -BK_ENOTFOUND ? "" : ": ",
			   k == -BK_ENOTFOUND ? "" : disk_last_error(in->d));
		return rc;
	}
	if (r->type == BCD_DT_PARTITION && r->disk_type == 6) {
		if (!(part = resolved_part(in, r)))
			return report_nopart(in, r);
	} else if (r->type == BCD_DT_LOCATE && v->locate) {
		if ((rc = located_part(in, &part)) < 0 || !part)
			return rc;
	} else {
		return 0;   /* a form these checks do not resolve */
	}
	return check_inner_file(in, part);
}

int
bc_vf_vhd_check(disk_fs_t *fs, const struct bcd_vf_vhd *v, struct bcd_findings *out)
{
	struct inner in = { v, NULL, NULL, out, "" };
	struct disk_info info;
	char err[600] = "";
	int rc = 0, k;

	k = disk_fs_open_disk(&in.d, fs, v->path, 0, err, sizeof(err));
	if (k == -BK_ENOMEM)
		return k;
	if (k == 0 && (disk_get_info(in.d, &info) < 0 || info.format == DISK_FORMAT_RAW)) {
		/* Windows attaches only VHD and VHDX files. */
		snprintf(err, sizeof(err), "no usable VHD or VHDX header");
		k = -BK_ECORRUPT;
	}
	if (k < 0) {
		bc_vf_add(out, &rc, "BCD-VHD-DAMAGED", BCD_SEV_ERROR, v->id, v->el,
			   "vhdtool info the VHD; restore it from a backup",
			   "the VHD %s on %s is damaged: %s", v->path, v->host, err);
		disk_close(in.d);
		return rc;
	}
	snprintf(in.name, sizeof(in.name), "%s:%s", v->host, v->path);
	if (!(in.l = calloc(1, sizeof(*in.l))))
		rc = -BK_ENOMEM;
	else
		rc = check_inside(&in);
	free(in.l);
	disk_close(in.d);
	return rc;
}
