/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * MBR partition tables: sector 0 holds boot code, the 32-bit disk signature
 * at 0x1B8 (what BCD partition devices and MountedDevices name the disk by),
 * four 16-byte entries at 0x1BE and 55 AA at 0x1FE.  Primary partitions are
 * numbers 1-4 (their slots).  The logical partitions inside an extended
 * partition are read from its chain of extended boot records and numbered
 * from 5, as Linux does; tables holding them are read-only here (writing
 * would have to rewrite the chain).
 */
#include "config.h"

#include <string.h>

#include "bk-bytes.h"
#include "disk-internal.h"

#define MBR_ACTIVE 0x80
#define MBR_TYPE_GPT 0xEE
#define MBR_MAX_SECTORS 0xFFFFFFFFull

static int
mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0F || type == 0x85;
}

/* Memory form of one 16-byte entry. */
struct mbr_entry {
	uint8_t status;
	uint8_t chs_first[3];
	uint8_t type;
	uint8_t chs_last[3];
	uint32_t lba;
	uint32_t count;
};

static void
mbr_entry_read(const uint8_t *p, struct mbr_entry *e)
{
	e->status = p[0];
	memcpy(e->chs_first, p + 1, 3);
	e->type = p[4];
	memcpy(e->chs_last, p + 5, 3);
	e->lba = bk_le32(p + 8);
	e->count = bk_le32(p + 12);
}

static void
mbr_entry_write(const struct mbr_entry *e, uint8_t *p)
{
	p[0] = e->status;
	memcpy(p + 1, e->chs_first, 3);
	p[4] = e->type;
	memcpy(p + 5, e->chs_last, 3);
	bk_put_le32(p + 8, e->lba);
	bk_put_le32(p + 12, e->count);
}

/*
 * CHS address of an LBA in the 255-head, 63-sector geometry; past cylinder
 * 1023 the conventional "too far" value FE FF FF is stored, as fdisk does.
 */
static void
mbr_chs(uint64_t lba, uint8_t chs[3])
{
	uint64_t c = lba / (DL_HEADS * DL_SPT);
	unsigned h = (unsigned)((lba / DL_SPT) % DL_HEADS);
	unsigned s = (unsigned)(lba % DL_SPT) + 1;

	if (c > 1023) {
		chs[0] = 0xFE;
		chs[1] = 0xFF;
		chs[2] = 0xFF;
		return;
	}
	chs[0] = (uint8_t)h;
	chs[1] = (uint8_t)(s | ((c >> 2) & 0xC0));
	chs[2] = (uint8_t)(c & 0xFF);
}

static int
mbr_probe(const uint8_t *s)
{
	unsigned i;

	if (s[510] != 0x55 || s[511] != 0xAA || dl_is_boot_sector(s))
		return 0;
	for (i = 0; i < 4; i++)
		if (s[DL_MBR_TABLE_OFF + 16 * i + 4] == MBR_TYPE_GPT)
			return 0;
	return 1;
}

/*
 * Follow the EBR chain of the extended partition at [ext, ext + count)
 * (sectors).  Each EBR holds one logical partition (relative to the EBR)
 * and a link to the next EBR (relative to the extended partition).  The
 * chain length is bounded, so a loop ends in an error.
 */
static int
mbr_read_logical(struct disk *d, uint32_t ext, uint32_t count, struct disk_label *out)
{
	uint8_t s[DISK_SECTOR];
	struct mbr_entry e, link;
	uint64_t ebr = ext, end = (uint64_t)ext + count, first;
	unsigned n = 5, i;
	int rc;

	for (i = 0; i < DL_MBR_MAX_LOGICAL; i++) {
		if (ebr * DISK_SECTOR + DISK_SECTOR > d->size)
			break;   /* reported by the layout check of the container */
		if ((rc = disk_read(d, ebr * DISK_SECTOR, s, sizeof(s))) < 0)
			return rc;
		if (s[510] != 0x55 || s[511] != 0xAA)
			return dk_error(d, BK_ECORRUPT, "extended boot record at "
				      "sector %llu has no 55 AA signature",
				      (unsigned long long)ebr);
		mbr_entry_read(s + DL_MBR_TABLE_OFF, &e);
		mbr_entry_read(s + DL_MBR_TABLE_OFF + 16, &link);
		first = ebr + e.lba;
		if (e.type != 0 && e.count != 0) {
			if (e.lba == 0 || first + e.count > end || out->count >= DISK_LABEL_MAX_PARTS)
				return dk_error(d, BK_ECORRUPT, "logical partition %u lies "
					      "outside its extended partition", n);
			out->part[out->count].number = n++;
			out->part[out->count].offset = first * DISK_SECTOR;
			out->part[out->count].size = (uint64_t)e.count * DISK_SECTOR;
			out->part[out->count].mbr_type = e.type;
			out->part[out->count].active = e.status == MBR_ACTIVE;
			out->part[out->count].kind = dl_kind_from_mbr(e.type);
			out->count++;
		}
		if (link.type == 0 || link.count == 0)
			return 0;
		if (!mbr_is_extended(link.type) || link.lba == 0 || ext + (uint64_t)link.lba >= end)
			return dk_error(d, BK_ECORRUPT, "extended boot record at sector "
				      "%llu links outside its extended partition",
				      (unsigned long long)ebr);
		ebr = ext + (uint64_t)link.lba;
	}
	return dk_error(d, BK_ECORRUPT, "more than %u extended boot records "
		      "(a loop?)", DL_MBR_MAX_LOGICAL);
}

static int
mbr_read(struct disk *d, const uint8_t *s, struct disk_label *out)
{
	struct mbr_entry e, ext;
	struct disk_partition *p;
	unsigned i;

	memset(out, 0, sizeof(*out));
	memset(&ext, 0, sizeof(ext));
	out->type = DISK_LABEL_MBR;
	out->mbr_signature = bk_le32(s + DL_MBR_SIG_OFF);
	dk_label_mbr_ops.usable(d->size, &out->first_usable, &out->last_usable);
	for (i = 0; i < 4; i++) {
		mbr_entry_read(s + DL_MBR_TABLE_OFF + 16 * i, &e);
		if (e.type == 0 || e.count == 0)
			continue;
		if (e.status != 0 && e.status != MBR_ACTIVE)
			return dk_error(d, BK_ECORRUPT,
				      "MBR entry %u has an invalid status byte 0x%02x", i + 1,
				      e.status);
		if (e.lba == 0)
			return dk_error(d, BK_ECORRUPT,
				      "MBR partition %u starts at sector 0", i + 1);
		p = &out->part[out->count++];
		p->number = i + 1;
		p->offset = (uint64_t)e.lba * DISK_SECTOR;
		p->size = (uint64_t)e.count * DISK_SECTOR;
		p->mbr_type = e.type;
		p->active = e.status == MBR_ACTIVE;
		p->kind = dl_kind_from_mbr(e.type);
		if (mbr_is_extended(e.type))
			ext = e;
	}
	return ext.count ? mbr_read_logical(d, ext.lba, ext.count, out) : 0;
}

/* A GPT left behind by an earlier table would confuse readers: wipe it. */
static int
mbr_clear_gpt(struct disk *d)
{
	uint8_t s[DISK_SECTOR];
	uint64_t at[2] = { DISK_SECTOR, d->size - DISK_SECTOR };
	unsigned i;
	int rc;

	for (i = 0; i < 2; i++) {
		if (at[i] < DISK_SECTOR || at[i] + DISK_SECTOR > d->size)
			continue;
		if ((rc = disk_read(d, at[i], s, sizeof(s))) < 0)
			return rc;
		if (memcmp(s, "EFI PART", 8) != 0)
			continue;
		memset(s, 0, sizeof(s));
		if ((rc = disk_write(d, at[i], s, sizeof(s))) < 0)
			return rc;
	}
	return 0;
}

static int
mbr_write(struct disk *d, const struct disk_label *l)
{
	uint8_t s[DISK_SECTOR];
	struct mbr_entry e;
	const struct disk_partition *p;
	unsigned i;
	int rc;

	for (i = 0; i < l->count; i++)
		if (l->part[i].number > 4 || mbr_is_extended(l->part[i].mbr_type))
			return dk_error(d, BK_EUNSUPPORTED, "cannot write an MBR with an "
				      "extended partition (write a new table instead)");
	/* Keep the boot code of an MBR that is already there. */
	if ((rc = disk_read(d, 0, s, sizeof(s))) < 0)
		return rc;
	if (s[510] != 0x55 || s[511] != 0xAA || dl_is_boot_sector(s))
		memset(s, 0, sizeof(s));
	bk_put_le32(s + DL_MBR_SIG_OFF, l->mbr_signature);
	bk_put_le16(s + DL_MBR_SIG_OFF + 4, 0);
	memset(s + DL_MBR_TABLE_OFF, 0, 64);
	for (i = 0; i < l->count; i++) {
		p = &l->part[i];
		memset(&e, 0, sizeof(e));
		e.status = p->active ? MBR_ACTIVE : 0;
		e.type = p->mbr_type;
		e.lba = (uint32_t)(p->offset / DISK_SECTOR);
		e.count = (uint32_t)(p->size / DISK_SECTOR);
		mbr_chs(e.lba, e.chs_first);
		mbr_chs((uint64_t)e.lba + e.count - 1, e.chs_last);
		mbr_entry_write(&e, s + DL_MBR_TABLE_OFF + 16 * (p->number - 1));
	}
	s[510] = 0x55;
	s[511] = 0xAA;
	if ((rc = mbr_clear_gpt(d)) < 0)
		return rc;
	return disk_write(d, 0, s, sizeof(s));
}

/* Usable space: after sector 0, and no further than 2^32 sectors. */
static void
mbr_usable(uint64_t disk_size, uint64_t *first, uint64_t *end)
{
	uint64_t max = MBR_MAX_SECTORS * DISK_SECTOR;

	*first = DISK_SECTOR;
	*end = (disk_size / DISK_SECTOR) * DISK_SECTOR;
	if (*end > max)
		*end = max;
}

/* The protective MBR of a GPT disk: one 0xEE entry covering the disk. */
int
dl_mbr_write_protective(struct disk *d)
{
	uint8_t s[DISK_SECTOR];
	struct mbr_entry e;
	uint64_t sectors = d->size / DISK_SECTOR;

	memset(s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	e.type = MBR_TYPE_GPT;
	e.lba = 1;
	e.count = (uint32_t)(sectors - 1 > MBR_MAX_SECTORS ? MBR_MAX_SECTORS : sectors - 1);
	mbr_chs(1, e.chs_first);
	mbr_chs(sectors - 1, e.chs_last);
	mbr_entry_write(&e, s + DL_MBR_TABLE_OFF);
	s[510] = 0x55;
	s[511] = 0xAA;
	return disk_write(d, 0, s, sizeof(s));
}

int
dl_mbr_is_extended(uint8_t type)
{
	return mbr_is_extended(type);
}

const struct disk_label_ops dk_label_mbr_ops = {
	.type = DISK_LABEL_MBR,
	.name = "mbr",
	.probe = mbr_probe,
	.read = mbr_read,
	.write = mbr_write,
	.usable = mbr_usable,
};
