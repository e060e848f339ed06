/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-disk: BIOS boot code in an image (vhdtool bootcode, bcdboot).
 *
 * The MBR's code (bytes 0-439 of sector 0) loads the active partition's
 * first sector; that volume boot code then loads the boot manager.  This
 * library writes MBR code the caller supplies (e.g. syslinux's mbr.bin,
 * GPL) keeping the disk signature and the partition table, marks a
 * partition active, recognises volume boot code that loads Windows' boot
 * manager (the BOOTMGR string), and copies such code from another volume
 * of the same file system, keeping the target's own BPB and setting the
 * fields that depend on where the partition is.
 */
#ifndef BCDKIT_DISK_BOOT_H
#define BCDKIT_DISK_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/disk.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DISK_MBR_CODE_MAX 440u     /* bytes before the disk signature */
#define DISK_VBR_MAX      8192u    /* volume boot code read or copied (NTFS: 16 sectors) */

/*
 * Write code (1 to DISK_MBR_CODE_MAX bytes) at the start of sector 0 and,
 * when active is not 0, make that primary partition (1-4) the only active
 * one.  The disk must have an MBR partition table (a GPT's protective MBR is
 * -BK_EUNSUPPORTED: BIOS boot from GPT needs other code).  The signature,
 * the table and 55 AA are kept.  Returns 0 or a negative code.
 */
BCDKIT_API int disk_mbr_write_code(disk_t *d, const uint8_t *code, size_t len,
				   unsigned active);

enum disk_vbr_kind {
	DISK_VBR_NONE = 0,         /* no boot code that loads bootmgr */
	DISK_VBR_BOOTMGR,          /* code that names BOOTMGR */
};

enum disk_vbr_fs { DISK_VBR_FS_UNKNOWN = 0, DISK_VBR_FS_NTFS, DISK_VBR_FS_FAT16,
		   DISK_VBR_FS_FAT32 };

/* The file system of a boot sector (512 bytes or more), by its BPB.
 * Returns DISK_VBR_FS_NTFS, DISK_VBR_FS_FAT32, DISK_VBR_FS_FAT16 (FAT12
 * too), or DISK_VBR_FS_UNKNOWN (shorter than 512 bytes, no 55 AA, another
 * file system). */
BCDKIT_API enum disk_vbr_fs disk_vbr_fs_of(const uint8_t *sector, size_t len);
/* Whether partition number's volume boot code loads bootmgr.
 * Returns: 0 and *out, or a negative code (no such partition, I/O). */
BCDKIT_API int disk_vbr_probe(disk_t *d, unsigned number, enum disk_vbr_kind *out);
/*
 * Copy the boot code of src (the first sectors of a volume of the same
 * file system: at least 512 bytes; NTFS 8192, FAT32 through sector 12)
 * into partition number, keeping its BPB, and set hidden sectors to the
 * partition's start and the BIOS drive number to 0x80.  FAT32's backup
 * boot sector gets the same.  Returns 0, -BK_EINVAL (different file
 * systems, too short), -BK_EUNSUPPORTED (not NTFS/FAT), or an I/O error.
 */
BCDKIT_API int disk_vbr_copy(disk_t *d, unsigned number, const uint8_t *src, size_t len);

#ifdef __cplusplus
}
#endif
#endif
