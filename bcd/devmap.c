/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Drive letters offline: "--map X:=TARGET" names the partition a letter
 * stands for ("--map \\Device\\HarddiskVolumeN=TARGET" a volume without one).  A partition device pins an MBR signature and byte offset or
 * GPT disk and partition GUIDs, so each TARGET is reduced to that identity,
 * read from the partition table of the disk (doc/bcd-format-notes.md, "Partition identity") by the disk
 * layer, which also opens VHD and VHDX images.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "bcd-internal.h"
#include "bcdkit/disk.h"

int
bcd_devmap_new(bcd_devmap_t **out)
{
	*out = bk_calloc(1, sizeof(**out));
	return *out ? 0 : -BK_ENOMEM;
}

void
bcd_devmap_free(bcd_devmap_t *m)
{
	bk_free(m);
}

const char *
bcd_devmap_last_error(const bcd_devmap_t *m)
{
	return m->err.msg;
}

bool
bc_partition_id_equal(const struct bcd_partition_id *a, const struct bcd_partition_id *b)
{
	if (a->style != b->style)
		return false;
	if (a->style == BCD_PART_MBR)
		return a->mbr_signature == b->mbr_signature && a->mbr_offset == b->mbr_offset;
	return memcmp(a->gpt_disk.b, b->gpt_disk.b, 16) == 0 &&
	       memcmp(a->gpt_part.b, b->gpt_part.b, 16) == 0;
}

/* The disk layer reads the partition table (raw, VHD or VHDX images). */
static int
from_disk_id(bcd_devmap_t *m, const char *what, int rc, const char *why,
	     const struct disk_part_identity *d, struct bcd_partition_id *id)
{
	if (rc < 0)
		return bk_err(&m->err, -rc, "%s", why[0] ? why : what);
	memset(id, 0, sizeof(*id));
	if (d->style == DISK_LABEL_MBR) {
		id->style = BCD_PART_MBR;
		id->mbr_signature = d->mbr_signature;
		id->mbr_offset = d->offset;
	} else if (d->style == DISK_LABEL_GPT) {
		id->style = BCD_PART_GPT;
		memcpy(id->gpt_disk.b, d->disk_guid, 16);
		memcpy(id->gpt_part.b, d->part_guid, 16);
	} else {
		return bk_error_at(&m->err, what, BK_EUNSUPPORTED, "no MBR or GPT partition table");
	}
	return 0;
}

static int
file_identity(bcd_devmap_t *m, const char *path, unsigned number, struct bcd_partition_id *id)
{
	struct disk_part_identity d;
	char why[BK_ERRMSG_MAX] = "", what[BK_ERRMSG_MAX];
	int rc, n;

	rc = disk_partition_identity_file(path, number, &d, why, sizeof(why));
	n = snprintf(what, sizeof(what), "%.400s: no partition %u", path, number);
	(void)n;
	return from_disk_id(m, what, rc, why, &d, id);
}

/* A partition block device: the disk layer finds its disk through sysfs. */
static int
blockdev_identity(bcd_devmap_t *m, const char *dev, struct bcd_partition_id *id)
{
	struct disk_part_identity d;
	char why[BK_ERRMSG_MAX] = "";
	int rc;

	rc = disk_blockdev_identity(dev, &d, why, sizeof(why));
	return from_disk_id(m, dev, rc, why, &d, id);
}

/* /dev/NAME of the block device MAJ:MIN (from its sysfs folder's name). */
static int
devnode_of(bcd_devmap_t *m, const char *what, dev_t rdev, char *out, size_t len)
{
	char sys[64], real[PATH_MAX];
	const char *base;

	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(sys, real))
		return bk_error_at(&m->err, what, BK_ENOTFOUND, "not found in /sys/dev/block");
	base = strrchr(real, '/');
	snprintf(out, len, "/dev/%s", base ? base + 1 : real);
	return 0;
}

/* The block device mounted at a directory (from /proc/self/mountinfo). */
static int
mount_identity(bcd_devmap_t *m, const char *dir, struct bcd_partition_id *id)
{
	char real[PATH_MAX], line[4096], mnt[PATH_MAX];
	unsigned maj, mnr;
	FILE *f;

	if (!realpath(dir, real))
		return bk_err_errno(&m->err, "cannot resolve", dir);
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return bk_err_errno(&m->err, "cannot read", "/proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &mnr, mnt) != 3)
			continue;
		if (strcmp(mnt, real) == 0) {
			char dev[PATH_MAX + 8];
			int rc;

			fclose(f);
			rc = devnode_of(m, dir, makedev(maj, mnr), dev, sizeof(dev));
			return rc < 0 ? rc : blockdev_identity(m, dev, id);
		}
	}
	fclose(f);
	return bk_error_at(&m->err, dir, BK_ENOTFOUND, "not a mount point");
}

static int
explicit_identity(bcd_devmap_t *m, const char *target, struct bcd_partition_id *id)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	char text[160];
	struct bcd_devtree t;
	int rc;

	/* Reuse the device parser: "partition=mbr:..." gives the identity. */
	snprintf(text, sizeof(text), "partition=%s", target);
	rc = bcd_device_from_text(text, BCD_EL_DEVICE, NULL, &bytes, &len, m->err.msg,
				  sizeof(m->err.msg));
	if (rc < 0)
		return rc;
	rc = bc_dev_decode(bytes, len, &t);
	bk_free(bytes);
	if (rc < 0)
		return rc;
	memset(id, 0, sizeof(*id));
	id->style = (int)t.root->part_style;
	if (id->style == BCD_PART_MBR) {
		id->mbr_offset = bk_le64(t.root->part_id);
		id->mbr_signature = bk_le32(t.root->disk_id);
	} else {
		memcpy(id->gpt_part.b, t.root->part_id, 16);
		memcpy(id->gpt_disk.b, t.root->disk_id, 16);
	}
	bc_dev_free(t.root);
	return 0;
}

int
bcd_partition_id_resolve(bcd_devmap_t *m, const char *target, struct bcd_partition_id *id)
{
	struct stat st;
	const char *colon;
	char path[PATH_MAX];
	unsigned long n;
	char *end;

	bk_err_clear(&m->err);
	if (strncasecmp(target, "mbr:", 4) == 0 || strncasecmp(target, "gpt:", 4) == 0)
		return explicit_identity(m, target, id);
	if (stat(target, &st) == 0) {
		if (S_ISBLK(st.st_mode))
			return blockdev_identity(m, target, id);
		if (S_ISDIR(st.st_mode))
			return mount_identity(m, target, id);
	}
	/* IMAGE:N, a disk image and a partition number. */
	colon = strrchr(target, ':');
	if (!colon || (size_t)(colon - target) >= sizeof(path))
		return bk_error_at(&m->err, target, BK_EINVAL, "not a block device, mount point, "
			      "IMAGE:N, mbr:SIG:OFFSET or gpt:{DISK}:{PART}");
	n = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || n == 0 || n > 128)
		return bk_error_at(&m->err, target, BK_EINVAL, "bad partition number");
	memcpy(path, target, (size_t)(colon - target));
	path[colon - target] = '\0';
	return file_identity(m, path, (unsigned)n, id);
}

/* "X:" or "\\Device\\HarddiskVolumeN" (the name Windows prints for a volume
 * without a letter); its length, or 0. */
static size_t
volume_name(const char *spec)
{
	static const char dev[] = "\\Device\\HarddiskVolume";
	size_t n = sizeof(dev) - 1, k;

	if (((spec[0] >= 'A' && spec[0] <= 'Z') || (spec[0] >= 'a' && spec[0] <= 'z')) &&
	    spec[1] == ':')
		return 2;
	if (strncasecmp(spec, dev, n) != 0)
		return 0;
	for (k = n; spec[k] >= '0' && spec[k] <= '9' && k < n + 5; k++)
		;
	return k > n ? k : 0;
}

int
bcd_devmap_add(bcd_devmap_t *m, const char *spec)
{
	struct bcd_partition_id id;
	char name[BCD_VOLNAME_MAX];
	size_t i, n;
	int rc;

	bk_err_clear(&m->err);
	n = volume_name(spec);
	if (!n || spec[n] != '=' || !spec[n + 1])
		return bk_err(&m->err, BK_ESYNTAX, "\"%s\": expected X:=TARGET or "
			      "\\Device\\HarddiskVolumeN=TARGET", spec);
	memcpy(name, spec, n);
	name[n] = '\0';
	if (n == 2)
		name[0] = (char)(name[0] & ~0x20);
	rc = bcd_partition_id_resolve(m, spec + n + 1, &id);
	if (rc < 0)
		return rc;
	for (i = 0; i < m->n; i++)
		if (strcasecmp(m->drive[i].name, name) == 0)
			break;
	if (i == m->n) {
		if (m->n >= BCD_MAX_DRIVES)
			return bk_err(&m->err, BK_ETOOBIG, "too many volumes in the map");
		m->n++;
	}
	memcpy(m->drive[i].name, name, n + 1);
	m->drive[i].id = id;
	return 0;
}

int
bc_devmap_find(const bcd_devmap_t *m, const char *name, struct bcd_partition_id *out)
{
	size_t i;

	for (i = 0; m && i < m->n; i++)
		if (strcasecmp(m->drive[i].name, name) == 0) {
			*out = m->drive[i].id;
			return 0;
		}
	return -BK_ENOTFOUND;
}
