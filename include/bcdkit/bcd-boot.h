/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-bcd: the store that bcdboot writes (doc/bcdboot-notes.md).
 *
 * bcd_boot_build() makes the system store for one Windows installation and
 * one firmware type: the template (a BCD-Template store, or a built-in one
 * equal to it), the objects of the store already at the target (unless
 * BCD_BOOT_CLEAN), then {bootmgr}, {memdiag}, the settings objects, a new
 * Windows Boot Loader and its resume object.  A loader for the same Windows
 * (same osdevice and systemroot) is replaced under its own GUID, so a second
 * run gives the same store.  The result is a new store handle whose hive is
 * in memory only (no file): bcd_store_serialize() gives the bytes to write.
 *
 * Structs that grow.  A struct that may gain fields ends in "uint32_t
 * reserved[N]", so that a later version adds fields in that room without
 * changing its size or the offsets before it (libbcdkit(3), "Structures
 * that grow").  Zero a struct you pass in (memset() or "= {0}") before
 * setting its fields: reserved words that are not zero are refused with
 * -BK_EINVAL, since only a program built for a newer bcdkit sets them.  A
 * struct the library fills has its reserved words zeroed.
 */
#ifndef BCDKIT_BCD_BOOT_H
#define BCDKIT_BCD_BOOT_H

#include <bcdkit/bcd.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bcd_boot_firmware { BCD_BOOT_BIOS = 1, BCD_BOOT_UEFI = 2 };

enum {
	BCD_BOOT_MERGE = 1 << 0,        /* /m: keep the replaced loader's other values */
	BCD_BOOT_KEEP_DEFAULT = 1 << 1, /* /d: keep {bootmgr}'s default when it exists */
	BCD_BOOT_CLEAN = 1 << 2,        /* /c: ignore the store at the target */
	BCD_BOOT_ADDLAST = 1 << 3,      /* /addlast: new loader last in displayorder */
};

struct bcd_boot_params {
	int firmware;                    /* enum bcd_boot_firmware */
	unsigned flags;
	const char *locale;              /* NULL: "en-us" */
	const char *description;         /* the loader's description; NULL: "Windows" */
	const char *systemroot;          /* NULL: "\Windows" */
	struct bcd_partition_id system;  /* the partition bootmgr is on */
	struct bcd_partition_id os;      /* Windows' partition (inside the VHD when vhd_path) */
	const char *vhd_path;            /* "\x.vhd" on vhd_host, or NULL */
	struct bcd_partition_id vhd_host;
	const bcd_guid_t *merge_id;      /* /m {id}: merge that loader's values */
	uint32_t reserved[8];            /* zero (see above) */
};

struct bcd_boot_result {
	bcd_guid_t loader, resume;
	int replaced;                    /* an existing loader was replaced */
	int kept_default;                /* /d kept an existing default */
	uint32_t reserved[4];            /* zeroed by the library */
};

/*
 * Build the store to be written at path.  tmpl: the BCD-Template store, or
 * NULL for the built-in template.  old: the store now at the target, or
 * NULL.  Neither is changed.  The store is built into s, an empty handle
 * from bcd_store_new() (free with bcd_store_close()).  Returns: 0, or a
 * negative code with the detail in bcd_last_error(s) and s left empty.
 */
BCDKIT_API int bcd_boot_build(bcd_store_t *s, const char *path, bcd_store_t *tmpl,
			      bcd_store_t *old, const struct bcd_boot_params *p,
			      struct bcd_boot_result *res);

/*
 * The device element bcdboot writes for the loader (device and osdevice)
 * and its resume object: a partition, or for Windows inside a VHD the
 * resolved layout Windows writes (the VHD's inner partition, then the VHD
 * file on its host partition).  Returns: 0 or -BK_ENOMEM/-BK_EINVAL; free().
 * Free with free().
 */
BCDKIT_API int bcd_boot_os_device(const struct bcd_boot_params *p, uint8_t **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
