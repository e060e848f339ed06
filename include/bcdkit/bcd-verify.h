/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-bcd: checks of a BCD store and of the boot chain it describes
 * (bcdverify(1)).  The checks return findings as data, each with a stable
 * ID, a severity, the object and element concerned, a message and a
 * suggested fix; they never print.  Findings that can be repaired safely
 * carry a repair that bcd_verify_fix() applies to the store in memory
 * (the caller commits).
 */
#ifndef BCDKIT_BCD_VERIFY_H
#define BCDKIT_BCD_VERIFY_H

#include <bcdkit/bcd.h>
#include <bcdkit/disk.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bcd_severity { BCD_SEV_INFO = 0, BCD_SEV_WARNING = 1, BCD_SEV_ERROR = 2 };

/* What bcd_verify_fix() does for a finding. */
enum bcd_repair {
	BCD_REPAIR_NONE = 0,
	BCD_REPAIR_LIST_REMOVE,    /* remove every entry repair_guid from the list */
	BCD_REPAIR_LIST_DEDUP,     /* keep the first entry repair_guid, drop the others */
	BCD_REPAIR_DELETE_ELEMENT, /* delete the element */
	BCD_REPAIR_SET_DEFAULT,    /* set {bootmgr} default to repair_guid */
	BCD_REPAIR_SET_DEVICE,     /* replace the device element by repair_bytes */
};

struct bcd_finding {
	const char *id;          /* stable ID, "BCD-REF-DANGLING"; static */
	int severity;            /* enum bcd_severity */
	int has_object;
	bcd_guid_t object;
	uint32_t element;        /* 0 when the finding is about no element */
	char element_name[40];   /* bcdedit's name for it in this object, or custom:hhhhhhhh */
	char *message;           /* one line */
	char *suggest;           /* a command line or advice; NULL if none */
	int repair;              /* enum bcd_repair */
	bcd_guid_t repair_guid;
	uint8_t *repair_bytes;
	size_t repair_len;
};

struct bcd_findings {
	struct bcd_finding *v;
	size_t n, cap;
};

/* The disks the boot chain is resolved on (bcdverify --disk). */
struct bcd_verify_disk {
	const char *name;        /* for messages */
	disk_t *disk;            /* opened read-only by the caller */
};

struct bcd_verify_world {
	const struct bcd_verify_disk *disks;
	size_t ndisks;
	int firmware;            /* 0 unknown, 1 BIOS, 2 UEFI (the store's location says) */
	int device_repair;       /* enum bcd_device_repair: what a stale partition becomes */
};

/* The repair offered for a partition device that matches no partition. */
enum bcd_device_repair {
	BCD_DEVFIX_RETARGET = 0, /* the one partition holding the expected file, if one */
	BCD_DEVFIX_LOCATE,       /* "locate": the volume holding the expected file */
	BCD_DEVFIX_BOOT,         /* "boot": the volume the boot manager started from */
};

/*
 * Check the store (structure and objects), then, when world has disks, its
 * devices and files on them.  Findings are appended to out.  Returns: 0, or
 * -BK_ENOMEM.
 * Free with bcd_findings_free().
 */
BCDKIT_API int bcd_verify_store(bcd_store_t *s, const struct bcd_verify_world *w,
				struct bcd_findings *out);
/* Checks of the disks themselves (shared signatures, BIOS boot code).
 * Appended to out, free with bcd_findings_free().  Returns: 0, or
 * -BK_ENOMEM. */
BCDKIT_API int bcd_verify_disks(const struct bcd_verify_world *w, struct bcd_findings *out);

/*
 * Apply the repair of f to s in memory.  *diff gets one line in bcdedit's
 * words ("{bootmgr}  displayorder  remove {guid}"); free() it.  Returns: 0,
 * -BK_EINVAL when f has no repair, or the store's error.
 * Free with free().
 */
BCDKIT_API int bcd_verify_fix(bcd_store_t *s, const struct bcd_finding *f, char **diff);

/* Returns "info", "warning" or "error", in static storage. */
BCDKIT_API const char *bcd_severity_name(int sev);
/* Free every finding's strings and bytes and the array, and zero *f; the
 * struct itself is the caller's. */
BCDKIT_API void bcd_findings_free(struct bcd_findings *f);

#ifdef __cplusplus
}
#endif
#endif
