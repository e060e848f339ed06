/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * BIOS boot code (bcdkit/disk-boot.h).  Layouts used (doc/disk-format-notes.md,
 * "MBR" and "Boot sectors"):
 *  - MBR: code 0x000-0x1B7, signature 0x1B8, table 0x1BE (status 0x80 =
 *    active), 55 AA at 0x1FE.
 *  - NTFS boot sector: jump 0-2, OEM "NTFS    " at 3, BPB to 0x53 (hidden
 *    sectors u32 at 0x1C, drive number at 0x24), code 0x54-0x1FD, then 15
 *    more sectors of code.
 *  - FAT32: BPB to 0x59 (hidden sectors at 0x1C, drive number at 0x40,
 *    "FAT32   " at 0x52), code 0x5A-0x1FD; Windows keeps more code in
 *    sector 12; the backup boot sector is sector 6.
 *  - FAT12/16: BPB to 0x3D (drive number at 0x24, "FAT16   " at 0x36),
 *    code 0x3E-0x1FD.
 * Windows' boot code names the file it loads: "BOOTMGR" in ASCII (FAT) or
 * UTF-16 (NTFS); that string is how code that boots Windows is recognised.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-boot.h"
#include "bk-alloc.h"
#include "bk-bytes.h"
#include "disk-internal.h"

#define SECTOR 512u

enum disk_vbr_fs
disk_vbr_fs_of(const uint8_t *s, size_t len)
{
	if (len < SECTOR || s[510] != 0x55 || s[511] != 0xAA)
		return DISK_VBR_FS_UNKNOWN;
	if (memcmp(s + 3, "NTFS    ", 8) == 0)
		return DISK_VBR_FS_NTFS;
	if (memcmp(s + 0x52, "FAT32   ", 8) == 0)
		return DISK_VBR_FS_FAT32;
	if (memcmp(s + 0x36, "FAT16   ", 8) == 0 || memcmp(s + 0x36, "FAT12   ", 8) == 0)
		return DISK_VBR_FS_FAT16;
	return DISK_VBR_FS_UNKNOWN;
}

int
disk_mbr_write_code(disk_t *d, const uint8_t *code, size_t len, unsigned active)
{
	uint8_t s[SECTOR];
	unsigned i;
	int rc;

	if (len == 0 || len > DISK_MBR_CODE_MAX)
		return dk_error(d, BK_EINVAL, "MBR boot code must be 1 to %u bytes, "
			      "not %zu", DISK_MBR_CODE_MAX, len);
	if (active > 4)
		return dk_error(d, BK_EINVAL, "only a primary partition (1-4) can be "
			      "active, not %u", active);
	if ((rc = disk_read(d, 0, s, SECTOR)) < 0)
		return rc;
	if (s[510] != 0x55 || s[511] != 0xAA)
		return dk_error(d, BK_EINVAL, "no MBR partition table");
	for (i = 0; i < 4; i++)
		if (s[0x1BE + 16 * i + 4] == 0xEE)
			return dk_error(d, BK_EUNSUPPORTED, "a GPT disk; MBR boot code "
				      "only boots MBR partition tables");
	if (active && s[0x1BE + 16 * (active - 1) + 4] == 0)
		return dk_error(d, BK_ENOTFOUND, "no partition %u", active);
	memcpy(s, code, len);
	memset(s + len, 0, DISK_MBR_CODE_MAX - len);
	for (i = 0; active && i < 4; i++)
		s[0x1BE + 16 * i] = i + 1 == active ? 0x80 : 0x00;
	return disk_write(d, 0, s, SECTOR);
}

static int
part_range(disk_t *d, unsigned number, uint64_t *off, uint64_t *size)
{
	struct disk_part_identity id;
	struct disk_label *l;
	unsigned i;
	int rc;

	if ((rc = disk_partition_identity(d, number, &id)) < 0)
		return rc;
	if (!(l = bk_calloc(1, sizeof(*l))))
		return -BK_ENOMEM;
	rc = disk_label_read(d, l);
	for (i = 0; rc == 0 && i < l->count; i++)
		if (l->part[i].number == number) {
			*off = l->part[i].offset;
			*size = l->part[i].size;
			bk_free(l);
			return 0;
		}
	bk_free(l);
	return rc < 0 ? rc : dk_error(d, BK_ENOTFOUND, "no partition %u", number);
}

static bool
has_bootmgr(const uint8_t *p, size_t n)
{
	static const char a[] = "BOOTMGR";
	static const uint8_t w[] = { 'B', 0, 'O', 0, 'O', 0, 'T', 0, 'M', 0, 'G', 0, 'R', 0 };
	size_t i;

	for (i = 0; i + sizeof(w) <= n; i++)
		if (memcmp(p + i, a, 7) == 0 || memcmp(p + i, w, sizeof(w)) == 0)
			return true;
	return false;
}

int
disk_vbr_probe(disk_t *d, unsigned number, enum disk_vbr_kind *out)
{
	uint8_t buf[DISK_VBR_MAX];
	uint64_t off, size;
	size_t n;
	int rc;

	*out = DISK_VBR_NONE;
	if ((rc = part_range(d, number, &off, &size)) < 0)
		return rc;
	n = size < sizeof(buf) ? (size_t)size : sizeof(buf);
	if ((rc = disk_read(d, off, buf, n)) < 0)
		return rc;
	/* The BPB's own text (OEM name, labels) is never "BOOTMGR": search the code. */
	if (disk_vbr_fs_of(buf, n) != DISK_VBR_FS_UNKNOWN && has_bootmgr(buf + 0x3E, n - 0x3E))
		*out = DISK_VBR_BOOTMGR;
	return 0;
}

/* Where the code starts in sector 0, after the BPB of that file system. */
static size_t
code_start(enum disk_vbr_fs fs)
{
	return fs == DISK_VBR_FS_NTFS ? 0x54 : fs == DISK_VBR_FS_FAT32 ? 0x5A : 0x3E;
}

/* Sector 0 with the source's jump and code around the target's BPB, plus
 * the location fields. */
static void
merge_sector0(uint8_t *dst, const uint8_t *src, enum disk_vbr_fs fs, uint64_t lba)
{
	size_t c = code_start(fs);

	memcpy(dst, src, 3);
	memcpy(dst + c, src + c, 510 - c);
	bk_put_le32(dst + 0x1C, (uint32_t)lba);
	dst[fs == DISK_VBR_FS_FAT32 ? 0x40 : 0x24] = 0x80;
}

/* NTFS keeps a copy of its boot sector just past the volume's sectors. */
static int
ntfs_backup(disk_t *d, const uint8_t *s0, uint64_t off, uint64_t size)
{
	uint64_t at = bk_le64(s0 + 0x28) * SECTOR;

	if (at == 0 || at + SECTOR > size)
		return 0;   /* none where mkntfs and Windows put it: nothing to keep in step */
	return disk_write(d, off + at, s0, SECTOR);
}

int
disk_vbr_copy(disk_t *d, unsigned number, const uint8_t *src, size_t len)
{
	uint8_t buf[DISK_VBR_MAX];
	enum disk_vbr_fs fs, sfs;
	uint64_t off, size;
	size_t n;
	int rc;

	if ((rc = part_range(d, number, &off, &size)) < 0)
		return rc;
	n = size < sizeof(buf) ? (size_t)size : sizeof(buf);
	if ((rc = disk_read(d, off, buf, n)) < 0)
		return rc;
	fs = disk_vbr_fs_of(buf, n);
	sfs = disk_vbr_fs_of(src, len);
	if (fs == DISK_VBR_FS_UNKNOWN)
		return dk_error(d, BK_EUNSUPPORTED, "partition %u is neither NTFS nor "
			      "FAT", number);
	if (sfs != fs)
		return dk_error(d, BK_EINVAL, "the boot code given is not for the file "
			      "system of partition %u", number);
	if ((fs == DISK_VBR_FS_NTFS && (len < 16 * SECTOR || n < 16 * SECTOR)) ||
	    (fs == DISK_VBR_FS_FAT32 && (len < 13 * SECTOR || n < 13 * SECTOR)))
		return dk_error(d, BK_EINVAL, "the boot code given is too short for "
			      "this file system (%zu bytes)", len);
	if (off / SECTOR > 0xFFFFFFFFull)
		return dk_error(d, BK_EUNSUPPORTED, "partition %u starts beyond 2 TiB", number);
	merge_sector0(buf, src, fs, off / SECTOR);
	if (fs == DISK_VBR_FS_NTFS)
		memcpy(buf + SECTOR, src + SECTOR, 15 * SECTOR);
	if (fs == DISK_VBR_FS_NTFS && (rc = ntfs_backup(d, buf, off, size)) < 0)
		return rc;
	if (fs == DISK_VBR_FS_FAT32) {
		memcpy(buf + 12 * SECTOR, src + 12 * SECTOR, SECTOR);
		memcpy(buf + 6 * SECTOR, buf, SECTOR);   /* backup boot sector */
	}
	/* Code sectors first, sector 0 (which makes the volume bootable) last. */
	n = fs == DISK_VBR_FS_NTFS ? 16 : fs == DISK_VBR_FS_FAT32 ? 13 : 1;
	if (n > 1 && (rc = disk_write(d, off + SECTOR, buf + SECTOR, (n - 1) * SECTOR)) < 0)
		return rc;
	return disk_write(d, off, buf, SECTOR);
}
