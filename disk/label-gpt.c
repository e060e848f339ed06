/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GUID partition tables (UEFI specification, chapter 5.3) on 512-byte
 * sectors: a protective MBR, the primary header at LBA 1 with its entry
 * array, and a backup array and header at the end of the disk.  Both
 * headers and the array carry CRC-32s.  A damaged primary is replaced by
 * the backup when that one is intact; the caller learns about it through
 * disk_label.problems.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-utf16.h"
#include "disk-internal.h"

#define GPT_SIGNATURE      "EFI PART"
#define GPT_REVISION       0x00010000u
#define GPT_HEADER_SIZE    92u
#define GPT_NAME_UNITS     36u

/* Memory form of a GPT header. */
struct gpt_header {
	uint32_t revision;
	uint32_t header_size;
	uint64_t my_lba;
	uint64_t alt_lba;
	uint64_t first_usable;
	uint64_t last_usable;       /* inclusive, as on disk */
	uint8_t disk_guid[16];
	uint64_t entries_lba;
	uint32_t n_entries;
	uint32_t entry_size;
	uint32_t entries_crc;
};

/* Decode and verify a header sector; a text reason goes to *why. */
static int
gpt_header_read(const uint8_t *s, struct gpt_header *h, const char **why)
{
	uint8_t tmp[DISK_SECTOR];

	if (memcmp(s, GPT_SIGNATURE, 8) != 0) {
		*why = "no \"EFI PART\" signature";
		return 1;
	}
	h->revision = bk_le32(s + 8);
	h->header_size = bk_le32(s + 12);
	if (h->header_size < GPT_HEADER_SIZE || h->header_size > DISK_SECTOR) {
		*why = "header size out of range";
		return 1;
	}
	memcpy(tmp, s, h->header_size);
	memset(tmp + 16, 0, 4);
	if (dl_crc32(tmp, h->header_size) != bk_le32(s + 16)) {
		*why = "bad header CRC";
		return 1;
	}
	h->my_lba = bk_le64(s + 24);
	h->alt_lba = bk_le64(s + 32);
	h->first_usable = bk_le64(s + 40);
	h->last_usable = bk_le64(s + 48);
	memcpy(h->disk_guid, s + 56, 16);
	h->entries_lba = bk_le64(s + 72);
	h->n_entries = bk_le32(s + 80);
	h->entry_size = bk_le32(s + 84);
	h->entries_crc = bk_le32(s + 88);
	return 0;
}

static void
gpt_header_write(const struct gpt_header *h, uint8_t *s)
{
	memset(s, 0, DISK_SECTOR);
	memcpy(s, GPT_SIGNATURE, 8);
	bk_put_le32(s + 8, GPT_REVISION);
	bk_put_le32(s + 12, GPT_HEADER_SIZE);
	bk_put_le64(s + 24, h->my_lba);
	bk_put_le64(s + 32, h->alt_lba);
	bk_put_le64(s + 40, h->first_usable);
	bk_put_le64(s + 48, h->last_usable);
	memcpy(s + 56, h->disk_guid, 16);
	bk_put_le64(s + 72, h->entries_lba);
	bk_put_le32(s + 80, h->n_entries);
	bk_put_le32(s + 84, h->entry_size);
	bk_put_le32(s + 88, h->entries_crc);
	bk_put_le32(s + 16, dl_crc32(s, GPT_HEADER_SIZE));
}

/* Decode one used entry; returns 1 for an unused (zero type GUID) entry. */
static int
gpt_entry_read(struct disk *d, const uint8_t *e, unsigned idx, struct disk_partition *p)
{
	static const uint8_t zero[16];
	uint64_t first = bk_le64(e + 32), last = bk_le64(e + 40);
	uint16_t units[GPT_NAME_UNITS];
	char *name = NULL;
	size_t n;

	if (memcmp(e, zero, 16) == 0)
		return 1;
	if (last < first || last >= UINT64_MAX / DISK_SECTOR)
		return dk_error(d, BK_ECORRUPT,
			      "GPT partition %u ends (LBA %llu) before it starts (LBA %llu)",
			      idx + 1, (unsigned long long)last,
			      (unsigned long long)first);
	memset(p, 0, sizeof(*p));
	p->number = idx + 1;
	memcpy(p->type_guid, e, 16);
	memcpy(p->guid, e + 16, 16);
	p->offset = first * DISK_SECTOR;
	p->size = (last - first + 1) * DISK_SECTOR;
	p->attributes = bk_le64(e + 48);
	p->kind = dl_kind_from_guid(p->type_guid);
	for (n = 0; n < GPT_NAME_UNITS && (units[n] = bk_le16(e + 56 + 2 * n)) != 0; n++)
		;
	if (bk_utf16_to_utf8(units, n, false, &name) < 0)
		return dk_error(d, BK_ENOMEM, "out of memory");
	snprintf(p->name, sizeof(p->name), "%s", name);
	bk_free(name);
	return 0;
}

static int
gpt_entry_write(struct disk *d, const struct disk_partition *p, uint8_t *e)
{
	uint16_t *units = NULL;
	size_t n = 0, i;

	memcpy(e, p->type_guid, 16);
	memcpy(e + 16, p->guid, 16);
	bk_put_le64(e + 32, p->offset / DISK_SECTOR);
	bk_put_le64(e + 40, (p->offset + p->size) / DISK_SECTOR - 1);
	bk_put_le64(e + 48, p->attributes);
	if (bk_utf8_to_utf16(p->name, strlen(p->name), &units, &n) < 0)
		return dk_error(d, BK_EINVAL, "partition %u: name is not valid UTF-8", p->number);
	for (i = 0; i < n && i < GPT_NAME_UNITS; i++)
		bk_put_le16(e + 56 + 2 * i, units[i]);
	bk_free(units);
	return 0;
}

static int
gpt_probe(const uint8_t *s)
{
	unsigned i;

	if (s[510] != 0x55 || s[511] != 0xAA || dl_is_boot_sector(s))
		return 0;
	for (i = 0; i < 4; i++)
		if (s[DL_MBR_TABLE_OFF + 16 * i + 4] == 0xEE)
			return 1;
	return 0;
}

/*
 * Read the header at lba and its entry array, checking both CRCs and that
 * everything lies on the disk.  Returns 0, 1 (unusable, a reason in *why),
 * or a negative BK code for I/O and memory failures.
 */
static int
gpt_read_copy(struct disk *d, uint64_t lba, struct gpt_header *h, uint8_t **array,
	      const char **why)
{
	uint8_t s[DISK_SECTOR];
	uint64_t sectors = d->size / DISK_SECTOR, bytes;
	int rc;

	*array = NULL;
	if (lba == 0 || lba >= sectors) {
		*why = "header location outside the disk";
		return 1;
	}
	if ((rc = disk_read(d, lba * DISK_SECTOR, s, sizeof(s))) < 0)
		return rc;
	if (gpt_header_read(s, h, why) != 0)
		return 1;
	if (h->my_lba != lba) {
		*why = "header names another LBA as its own";
		return 1;
	}
	if (h->entry_size < 128 || h->entry_size > DL_GPT_MAX_ENTRY_SIZE ||
	    h->entry_size % 8) {
		*why = "entry size out of range";
		return 1;
	}
	bytes = (uint64_t)h->n_entries * h->entry_size;
	if (bytes == 0 || bytes > DL_GPT_MAX_ARRAY) {
		*why = "entry array size out of range";
		return 1;
	}
	if (h->entries_lba == 0 || h->entries_lba >= sectors ||
	    (bytes + DISK_SECTOR - 1) / DISK_SECTOR > sectors - h->entries_lba) {
		*why = "entry array outside the disk";
		return 1;
	}
	if (h->first_usable > h->last_usable + 1 || h->last_usable >= sectors) {
		*why = "usable range outside the disk";
		return 1;
	}
	if (!(*array = bk_malloc((size_t)bytes)))
		return dk_error(d, BK_ENOMEM, "out of memory");
	if ((rc = disk_read(d, h->entries_lba * DISK_SECTOR, *array, (size_t)bytes)) < 0)
		goto fail;
	if (dl_crc32(*array, (size_t)bytes) != h->entries_crc) {
		*why = "bad partition entry array CRC";
		rc = 1;
		goto fail;
	}
	return 0;
fail:
	bk_free(*array);
	*array = NULL;
	return rc;
}

static int
gpt_decode(struct disk *d, const struct gpt_header *h, const uint8_t *array,
	   struct disk_label *out)
{
	unsigned i;
	int rc;

	out->type = DISK_LABEL_GPT;
	memcpy(out->disk_guid, h->disk_guid, 16);
	out->first_usable = h->first_usable * DISK_SECTOR;
	out->last_usable = (h->last_usable + 1) * DISK_SECTOR;
	for (i = 0; i < h->n_entries; i++) {
		const uint8_t *e = array + (size_t)i * h->entry_size;
		struct disk_partition p;

		rc = gpt_entry_read(d, e, i, &p);
		if (rc < 0)
			return rc;
		if (rc == 1)
			continue;
		if (i >= DISK_LABEL_MAX_PARTS)
			return dk_error(d, BK_EUNSUPPORTED,
				      "GPT entry %u is used; only %u partitions are supported",
				      i + 1, DISK_LABEL_MAX_PARTS);
		out->part[out->count++] = p;
	}
	return 0;
}

static int
gpt_read(struct disk *d, const uint8_t *s0, struct disk_label *out)
{
	struct gpt_header h, b;
	uint8_t *arr = NULL, *barr = NULL;
	const char *why = "", *bwhy = "";
	uint64_t last = d->size / DISK_SECTOR - 1;
	int rc, brc;

	memset(out, 0, sizeof(*out));
	out->mbr_signature = bk_le32(s0 + DL_MBR_SIG_OFF);
	rc = gpt_read_copy(d, 1, &h, &arr, &why);
	if (rc < 0)
		return rc;
	brc = gpt_read_copy(d, rc == 0 ? h.alt_lba : last, &b, &barr, &bwhy);
	if (brc < 0) {
		bk_free(arr);
		return brc;
	}
	if (rc == 0) {
		if (brc != 0 || b.alt_lba != 1 || h.alt_lba != last)
			out->problems |= DISK_LABEL_BACKUP_BAD;
		rc = gpt_decode(d, &h, arr, out);
	} else if (brc == 0) {
		out->problems |= DISK_LABEL_PRIMARY_BAD;
		rc = gpt_decode(d, &b, barr, out);
	} else {
		rc = dk_error(d, BK_ECORRUPT,
			    "GPT primary header: %s; backup header: %s", why, bwhy);
	}
	bk_free(arr);
	bk_free(barr);
	return rc;
}

static void
gpt_usable(uint64_t disk_size, uint64_t *first, uint64_t *end)
{
	uint64_t sectors = disk_size / DISK_SECTOR;
	uint64_t reserved = 1 + DL_GPT_ARRAY_SECTORS;   /* header + array */

	*first = (1 + reserved) * DISK_SECTOR;
	*end = sectors > 2 * reserved + 1 ? (sectors - reserved) * DISK_SECTOR : *first;
}

/* Write one header and its array; backup first, primary last (see caller). */
static int
gpt_write_copy(struct disk *d, const struct gpt_header *h, const uint8_t *array)
{
	uint8_t s[DISK_SECTOR];
	int rc;

	rc = disk_write(d, h->entries_lba * DISK_SECTOR, array,
			DL_GPT_ENTRIES * DL_GPT_ENTRY_SIZE);
	if (rc < 0)
		return rc;
	gpt_header_write(h, s);
	return disk_write(d, h->my_lba * DISK_SECTOR, s, sizeof(s));
}

static int
gpt_write(struct disk *d, const struct disk_label *l)
{
	uint8_t *array;
	struct gpt_header h, b;
	uint64_t sectors = d->size / DISK_SECTOR, first, end;
	unsigned i;
	int rc = 0;

	if (!(array = bk_calloc(DL_GPT_ENTRIES, DL_GPT_ENTRY_SIZE)))
		return dk_error(d, BK_ENOMEM, "out of memory");
	for (i = 0; i < l->count && rc == 0; i++)
		rc = gpt_entry_write(d, &l->part[i],
				     array + (size_t)(l->part[i].number - 1) * DL_GPT_ENTRY_SIZE);
	if (rc < 0)
		goto out;
	gpt_usable(d->size, &first, &end);
	memset(&h, 0, sizeof(h));
	h.my_lba = 1;
	h.alt_lba = sectors - 1;
	h.first_usable = first / DISK_SECTOR;
	h.last_usable = end / DISK_SECTOR - 1;
	memcpy(h.disk_guid, l->disk_guid, 16);
	h.entries_lba = 2;
	h.n_entries = DL_GPT_ENTRIES;
	h.entry_size = DL_GPT_ENTRY_SIZE;
	h.entries_crc = dl_crc32(array, DL_GPT_ENTRIES * DL_GPT_ENTRY_SIZE);
	b = h;
	b.my_lba = sectors - 1;
	b.alt_lba = 1;
	b.entries_lba = sectors - 1 - DL_GPT_ARRAY_SECTORS;
	/* Backup first: a crash in between leaves one intact copy. */
	if ((rc = gpt_write_copy(d, &b, array)) < 0 ||
	    (rc = gpt_write_copy(d, &h, array)) < 0)
		goto out;
	rc = dl_mbr_write_protective(d);
out:
	bk_free(array);
	return rc;
}

const struct disk_label_ops dk_label_gpt_ops = {
	.type = DISK_LABEL_GPT,
	.name = "gpt",
	.probe = gpt_probe,
	.read = gpt_read,
	.write = gpt_write,
	.usable = gpt_usable,
};
