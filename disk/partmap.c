/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Partition maps independent of their format: reading and writing a table
 * through the MBR or GPT driver, laying out new partitions on 1 MiB
 * boundaries, checking a table (bounds, overlaps), and turning a partition
 * into the identity a BCD partition device stores: the MBR disk signature
 * and partition byte offset, or the GPT disk and partition GUIDs.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-guid.h"
#include "disk-internal.h"

/* Type GUIDs (UEFI spec; Microsoft) and the names Windows gives them. */
#define GUID_ESP   "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define GUID_BASIC "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
#define GUID_MSR   "E3C9E316-0B5C-4DB8-817D-F92DF00215AE"

struct kind_desc {
	enum disk_part_kind kind;
	const char *name;
	uint8_t mbr_type;         /* 0: no MBR form */
	const char *guid;
	const char *gpt_name;
};

static const struct kind_desc kinds[] = {
	{ DISK_PART_NTFS,  "ntfs",  0x07, GUID_BASIC, "Basic data partition" },
	{ DISK_PART_FAT32, "fat32", 0x0C, GUID_BASIC, "Basic data partition" },
	{ DISK_PART_ESP,   "esp",   0xEF, GUID_ESP,   "EFI system partition" },
	{ DISK_PART_MSR,   "msr",   0x00, GUID_MSR,   "Microsoft reserved partition" },
	{ DISK_PART_FAT16, "fat16", 0x0E, GUID_BASIC, "Basic data partition" },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct kind_desc *
kind_desc(enum disk_part_kind k)
{
	size_t i;

	for (i = 0; i < N_KINDS; i++)
		if (kinds[i].kind == k)
			return &kinds[i];
	return NULL;
}

const char *
disk_part_kind_name(enum disk_part_kind kind)
{
	const struct kind_desc *kd = kind_desc(kind);

	return kd ? kd->name : "other";
}

int
disk_part_kind_parse(const char *s, enum disk_part_kind *out)
{
	size_t i;

	for (i = 0; i < N_KINDS; i++)
		if (strcmp(s, kinds[i].name) == 0) {
			*out = kinds[i].kind;
			return 0;
		}
	return -BK_EINVAL;
}

enum disk_part_kind
dl_kind_from_mbr(uint8_t type)
{
	switch (type) {
	case 0x07: return DISK_PART_NTFS;
	case 0x0B: case 0x0C: return DISK_PART_FAT32;
	case 0x04: case 0x06: case 0x0E: return DISK_PART_FAT16;
	case 0xEF: return DISK_PART_ESP;
	default: return DISK_PART_OTHER;
	}
}

/* On GPT, ntfs and fat32 share the basic-data type and read back as ntfs. */
enum disk_part_kind
dl_kind_from_guid(const uint8_t guid[16])
{
	uint8_t g[16];
	size_t i;

	for (i = 0; i < N_KINDS; i++)
		if (disk_guid_parse(kinds[i].guid, g) == 0 && memcmp(g, guid, 16) == 0)
			return kinds[i].kind;
	return DISK_PART_OTHER;
}

void
dl_set_kind(struct disk_partition *p, enum disk_label_type type, enum disk_part_kind kind)
{
	const struct kind_desc *kd = kind_desc(kind);

	p->kind = kind;
	if (!kd)
		return;
	if (type == DISK_LABEL_MBR) {
		p->mbr_type = kd->mbr_type;
		return;
	}
	disk_guid_parse(kd->guid, p->type_guid);
	snprintf(p->name, sizeof(p->name), "%s", kd->gpt_name);
}

/* ---- GUID text ------------------------------------------------------------- */

/*
 * The public forms keep their documented shape (upper case, no braces);
 * the codec itself is common/bk-guid.c's, which the tools print.
 */
void
disk_guid_format(const uint8_t guid[16], char out[37])
{
	char t[BK_GUID_STRLEN];
	unsigned i;

	bk_guid_format(guid, t);
	for (i = 0; i < 36; i++)
		out[i] = (char)toupper((unsigned char)t[i + 1]);
	out[36] = '\0';
}

int
disk_guid_parse(const char *s, uint8_t guid[16])
{
	return bk_guid_parse(s, guid) < 0 ? -BK_EINVAL : 0;
}

int
dl_is_boot_sector(const uint8_t *s)
{
	return memcmp(s + 3, "NTFS    ", 8) == 0 || memcmp(s + 3, "EXFAT   ", 8) == 0 ||
	       memcmp(s + 0x52, "FAT32   ", 8) == 0 || memcmp(s + 0x36, "FAT1", 4) == 0;
}

/* ---- checking and I/O -------------------------------------------------------- */

static const struct disk_label_ops *
label_ops(enum disk_label_type t)
{
	if (t == DISK_LABEL_MBR)
		return &dk_label_mbr_ops;
	if (t == DISK_LABEL_GPT)
		return &dk_label_gpt_ops;
	return NULL;
}

static int
check_one(struct disk *d, const struct disk_label *l, const struct disk_partition *p,
	  uint64_t first, uint64_t end)
{
	unsigned max = l->type == DISK_LABEL_MBR ? 4 + DL_MBR_MAX_LOGICAL : DISK_LABEL_MAX_PARTS;

	if (p->number < 1 || p->number > max)
		return dk_error(d, BK_EINVAL, "partition number %u out of range 1-%u", p->number,
				max);
	if (p->size == 0 || p->offset % DISK_SECTOR || p->size % DISK_SECTOR)
		return dk_error(d, BK_EINVAL,
			      "partition %u is empty or not sector-aligned", p->number);
	if (p->offset < first || p->offset >= end || p->size > end - p->offset)
		return dk_error(d, BK_ECORRUPT,
			      "partition %u (bytes %llu-%llu) lies outside the usable area "
			      "(bytes %llu-%llu; disk size %llu)", p->number,
			      (unsigned long long)p->offset,
			      (unsigned long long)(p->offset + p->size),
			      (unsigned long long)first, (unsigned long long)end,
			      (unsigned long long)d->size);
	return 0;
}

/* A logical partition inside its extended partition is no overlap. */
static int
nested(const struct disk_label *l, const struct disk_partition *ext,
       const struct disk_partition *p)
{
	return l->type == DISK_LABEL_MBR && dl_mbr_is_extended(ext->mbr_type) &&
	       ext->number <= 4 && p->number > 4 && p->offset >= ext->offset &&
	       p->offset + p->size <= ext->offset + ext->size;
}

int
dl_check(struct disk *d, const struct disk_label *l)
{
	const struct disk_partition *a, *b;
	unsigned i, j, active = 0;
	int rc;

	if (l->count > DISK_LABEL_MAX_PARTS)
		return dk_error(d, BK_EINVAL, "too many partitions");
	for (i = 0; i < l->count; i++) {
		a = &l->part[i];
		if ((rc = check_one(d, l, a, l->first_usable, l->last_usable)) < 0)
			return rc;
		active += a->active != 0;
		for (j = 0; j < i; j++) {
			b = &l->part[j];
			if (a->number == b->number)
				return dk_error(d, BK_EINVAL, "partition number %u used twice",
						a->number);
			if (nested(l, a, b) || nested(l, b, a))
				continue;
			if (a->offset < b->offset + b->size && b->offset < a->offset + a->size)
				return dk_error(d, BK_ECORRUPT,
					      "partitions %u and %u overlap",
					      b->number, a->number);
		}
	}
	if (active > 1)
		return dk_error(d, BK_ECORRUPT, "%u partitions are marked active", active);
	return 0;
}

/* Tables are read and written in 512-byte sectors only: a disk with 4 KiB
 * logical sectors (possible in VHDX) keeps its GPT at byte 4096. */
static int
need_512(struct disk *d)
{
	struct disk_info in;
	int rc;

	if ((rc = disk_get_info(d, &in)) < 0)
		return rc;
	if (in.logical_sector != DISK_SECTOR)
		return dk_error(d, BK_EUNSUPPORTED, "%u-byte sectors: partition tables "
			      "are supported on 512-byte sectors only", in.logical_sector);
	return 0;
}

int
disk_label_read(disk_t *d, struct disk_label *out)
{
	uint8_t s[DISK_SECTOR];
	const struct disk_label_ops *ops;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need_512(d)) < 0)
		return rc;
	if (d->size < 2 * DISK_SECTOR)
		return dk_error(d, BK_ENOTFOUND, "disk too small for a partition table");
	if ((rc = disk_read(d, 0, s, sizeof(s))) < 0)
		return rc;
	if (s[510] != 0x55 || s[511] != 0xAA)
		return dk_error(d, BK_ENOTFOUND,
			      "no partition table (no 55 AA signature in sector 0)");
	if (dl_is_boot_sector(s))
		return dk_error(d, BK_ENOTFOUND,
			      "no partition table (sector 0 is a file system boot sector)");
	ops = dk_label_gpt_ops.probe(s) ? &dk_label_gpt_ops : &dk_label_mbr_ops;
	if ((rc = ops->read(d, s, out)) < 0 || (rc = dl_check(d, out)) < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return 0;
}

int
disk_label_init(disk_t *d, struct disk_label *l, enum disk_label_type type)
{
	const struct disk_label_ops *ops = label_ops(type);
	int rc;

	memset(l, 0, sizeof(*l));
	if (!ops)
		return dk_error(d, BK_EINVAL, "unknown partition table type");
	if ((rc = need_512(d)) < 0)
		return rc;
	l->type = type;
	ops->usable(d->size, &l->first_usable, &l->last_usable);
	if (l->last_usable <= l->first_usable)
		return dk_error(d, BK_ETOOBIG, "disk too small for a %s partition table",
				ops->name);
	if (type == DISK_LABEL_MBR) {
		do
			rc = bk_random(&l->mbr_signature, sizeof(l->mbr_signature));
		while (rc == 0 && l->mbr_signature == 0);
	} else {
		rc = bk_guid_random(l->disk_guid);
	}
	if (rc < 0)
		return bk_err(&d->err, -rc, "%s: no random numbers for a new disk identifier",
			      d->name);
	return 0;
}

static unsigned
free_number(const struct disk_label *l)
{
	unsigned n, i, max = l->type == DISK_LABEL_MBR ? 4 : DISK_LABEL_MAX_PARTS;

	for (n = 1; n <= max; n++) {
		for (i = 0; i < l->count && l->part[i].number != n; i++)
			;
		if (i == l->count)
			return n;
	}
	return 0;
}

static int
add_checks(struct disk *d, const struct disk_label *l, enum disk_part_kind kind, int active)
{
	const struct kind_desc *kd = kind_desc(kind);
	unsigned i;

	if (!kd)
		return dk_error(d, BK_EINVAL, "unknown partition kind");
	if (l->type == DISK_LABEL_MBR && kd->mbr_type == 0)
		return dk_error(d, BK_EINVAL, "a %s partition needs a GPT disk", kd->name);
	if (active && l->type != DISK_LABEL_MBR)
		return dk_error(d, BK_EINVAL, "the active flag exists only on MBR disks");
	for (i = 0; active && i < l->count; i++)
		if (l->part[i].active)
			return dk_error(d, BK_EINVAL, "partition %u is already active",
					l->part[i].number);
	return 0;
}

int
disk_label_add(disk_t *d, struct disk_label *l, enum disk_part_kind kind, uint64_t size,
	       int active, unsigned *number)
{
	struct disk_partition *p;
	uint64_t start = l->first_usable, end = l->last_usable, avail;
	unsigned i, n;
	int rc;

	if ((rc = add_checks(d, l, kind, active)) < 0)
		return rc;
	if (!(n = free_number(l)) || l->count >= DISK_LABEL_MAX_PARTS)
		return dk_error(d, BK_EINVAL, "the partition table is full");
	for (i = 0; i < l->count; i++)
		if (l->part[i].offset + l->part[i].size > start)
			start = l->part[i].offset + l->part[i].size;
	start = (start + DL_ALIGN - 1) / DL_ALIGN * DL_ALIGN;
	avail = start < end ? (end - start) / DISK_SECTOR * DISK_SECTOR : 0;
	if (size == 0)   /* the rest, ending on a 1 MiB boundary when possible */
		size = avail >= DL_ALIGN ? avail / DL_ALIGN * DL_ALIGN : avail;
	else if (size > UINT64_MAX - DL_ALIGN)
		size = UINT64_MAX;
	else
		size = (size + DL_ALIGN - 1) / DL_ALIGN * DL_ALIGN;
	if (size == 0 || size > avail)
		return dk_error(d, BK_ETOOBIG,
			      "no room for partition %u: %llu bytes free after byte %llu", n,
			      (unsigned long long)avail, (unsigned long long)start);
	p = &l->part[l->count];
	memset(p, 0, sizeof(*p));
	p->number = n;
	p->offset = start;
	p->size = size;
	p->active = active != 0;
	dl_set_kind(p, l->type, kind);
	if (l->type == DISK_LABEL_GPT && (rc = bk_guid_random(p->guid)) < 0)
		return bk_err(&d->err, -rc, "%s: no random numbers for a new partition GUID",
			      d->name);
	l->count++;
	if (number)
		*number = n;
	return 0;
}

int
disk_label_set_kind(disk_t *d, struct disk_label *l, unsigned number, enum disk_part_kind kind)
{
	unsigned i;

	if (!kind_desc(kind) || (l->type == DISK_LABEL_MBR && !kind_desc(kind)->mbr_type))
		return dk_error(d, BK_EINVAL, "type %s is not possible on this disk",
				disk_part_kind_name(kind));
	for (i = 0; i < l->count; i++)
		if (l->part[i].number == number) {
			dl_set_kind(&l->part[i], l->type, kind);
			return 0;
		}
	return dk_error(d, BK_ENOTFOUND, "no partition %u", number);
}

int
disk_label_write(disk_t *d, const struct disk_label *l)
{
	const struct disk_label_ops *ops = label_ops(l->type);
	struct disk_label *c;
	int rc;

	if (!ops)
		return dk_error(d, BK_EINVAL, "unknown partition table type");
	if ((rc = need_512(d)) < 0)
		return rc;
	/* Check against this disk's real usable area, not the one in *l. */
	if (!(c = bk_malloc(sizeof(*c))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	*c = *l;
	ops->usable(d->size, &c->first_usable, &c->last_usable);
	rc = dl_check(d, c);
	if (rc == 0)
		rc = ops->write(d, c);
	bk_free(c);
	return rc;
}

/* ---- identities ---------------------------------------------------------------- */

int
disk_partition_identity(disk_t *d, unsigned number, struct disk_part_identity *id)
{
	struct disk_label *l;
	unsigned i;
	int rc;

	if (!(l = bk_malloc(sizeof(*l))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	if ((rc = disk_label_read(d, l)) < 0)
		goto out;
	rc = dk_error(d, BK_ENOTFOUND, "no partition %u", number);
	for (i = 0; i < l->count; i++) {
		if (l->part[i].number != number)
			continue;
		memset(id, 0, sizeof(*id));
		id->style = l->type;
		id->mbr_signature = l->mbr_signature;
		id->offset = l->part[i].offset;
		id->size = l->part[i].size;
		memcpy(id->disk_guid, l->disk_guid, 16);
		memcpy(id->part_guid, l->part[i].guid, 16);
		bk_err_clear(&d->err);
		rc = 0;
		break;
	}
out:
	bk_free(l);
	return rc;
}

int
disk_partition_identity_file(const char *path, unsigned number, struct disk_part_identity *id,
			     char *errbuf, size_t errbuf_len)
{
	disk_t *d;
	int rc;

	if ((rc = disk_open(&d, path, 0, errbuf, errbuf_len)) < 0)
		return rc;
	if ((rc = disk_partition_identity(d, number, id)) < 0)
		bk_errbuf_set(errbuf, errbuf_len, "%s", disk_last_error(d));
	disk_close(d);
	return rc;
}

/* Read a small sysfs file holding one unsigned number. */
static int
read_sys_u64(const char *dir, const char *name, uint64_t *out)
{
	char path[PATH_MAX], buf[64], *end;
	FILE *f;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return (end == buf || errno || (*end && *end != '\n')) ? -1 : 0;
}

int
dl_blockdev_identity_at(const char *sysblock, const char *devdir, const char *dev,
			struct disk_part_identity *id, char *errbuf, size_t errbuf_len)
{
	char sysdir[PATH_MAX], real[PATH_MAX], parent[PATH_MAX];
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char *slash;
	uint64_t number, start;
	disk_t *d;
	int rc;

	snprintf(sysdir, sizeof(sysdir), "%s/%s", sysblock, base);
	if (read_sys_u64(sysdir, "partition", &number) < 0 ||
	    read_sys_u64(sysdir, "start", &start) < 0 || number == 0 || number > UINT_MAX) {
		bk_errbuf_set(errbuf, errbuf_len, "%s: not a partition (no %s/partition and start)",
			dev, sysdir);
		return -BK_EINVAL;
	}
	/* The sysfs folder of a partition sits inside that of its disk. */
	if (!realpath(sysdir, real) || !(slash = strrchr(real, '/')) || slash == real) {
		bk_errbuf_set(errbuf, errbuf_len, "%s: cannot resolve %s: %s", dev, sysdir,
			strerror(errno));
		return -BK_EIO;
	}
	*slash = '\0';
	snprintf(parent, sizeof(parent), "%s/%s", devdir, strrchr(real, '/') + 1);
	if ((rc = disk_open(&d, parent, DISK_OPEN_RAW, errbuf, errbuf_len)) < 0)
		return rc;
	rc = disk_partition_identity(d, (unsigned)number, id);
	if (rc < 0)
		bk_errbuf_set(errbuf, errbuf_len, "%s", disk_last_error(d));
	else if (id->offset != start * DISK_SECTOR) {
		bk_errbuf_set(errbuf, errbuf_len, "%s: partition %u of %s starts at byte %llu, "
			"but the kernel says sector %llu", dev, (unsigned)number, parent,
			(unsigned long long)id->offset, (unsigned long long)start);
		rc = -BK_ECORRUPT;
	}
	disk_close(d);
	return rc;
}

int
disk_blockdev_identity(const char *dev, struct disk_part_identity *id,
		       char *errbuf, size_t errbuf_len)
{
	return dl_blockdev_identity_at("/sys/class/block", "/dev", dev, id, errbuf, errbuf_len);
}

/* ---- partition ranges for file access ---------------------------------------------- */

static int
is_ntfs_at(struct disk *d, uint64_t off, int *yes)
{
	uint8_t s[DISK_SECTOR];
	int rc;

	*yes = 0;
	if ((rc = disk_read(d, off, s, sizeof(s))) < 0)
		return rc;
	*yes = memcmp(s + 3, "NTFS    ", 8) == 0;
	return 0;
}

int
dl_partition_range(struct disk *d, unsigned number, uint64_t *off, uint64_t *size)
{
	struct disk_label *l;
	unsigned i;
	int rc, yes;

	if (!(l = bk_malloc(sizeof(*l))))
		return dk_error(d, BK_ENOMEM, "out of memory");
	rc = disk_label_read(d, l);
	if (rc == -BK_ENOTFOUND && number == 0) {
		*off = 0;
		*size = d->size;
		bk_err_clear(&d->err);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	for (i = 0; i < l->count; i++) {
		if (number && l->part[i].number != number)
			continue;
		if (!number && ((rc = is_ntfs_at(d, l->part[i].offset, &yes)) < 0 || !yes)) {
			if (rc < 0)
				goto out;
			continue;
		}
		*off = l->part[i].offset;
		*size = l->part[i].size;
		goto out;
	}
	rc = number ? dk_error(d, BK_ENOTFOUND, "no partition %u", number)
		    : dk_error(d, BK_ENOTFOUND, "no NTFS partition");
out:
	bk_free(l);
	return rc;
}
