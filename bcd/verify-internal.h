/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of the store checks (verify.c, verify-refs.c, verify-devices.c):
 * adding findings, and what the object checks learn that the device checks
 * need.
 */
#ifndef BCD_VERIFY_INTERNAL_H
#define BCD_VERIFY_INTERNAL_H

#include "bcd-internal.h"
#include "bcdkit/bcd-verify.h"

/* Add a finding; returns it (NULL on -BK_ENOMEM, which *rc then holds).
 * The message is printf-style; suggest may be NULL. */
struct bcd_finding *bc_vf_add(struct bcd_findings *out, int *rc, const char *id, int sev,
			       const bcd_guid_t *obj, uint32_t el, const char *suggest,
			       const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* The object's name as bcdedit shows it: "{bootmgr}" or the GUID text. */
const char *bc_vf_objname(const bcd_guid_t *g, char buf[BCD_GUID_STRLEN]);
/* bcdedit's name of an element, or custom:hhhhhhhh, into buf. */
const char *bc_vf_elname(uint32_t objtype, uint32_t el, char *buf, size_t len);

/* Reference checks (verify-refs.c). */
int bc_vf_refs(bcd_store_t *s, const bcd_guid_t *ids, const uint32_t *types, size_t n,
		struct bcd_findings *out);
/* Device and file checks against the given disks (verify-devices.c). */
int bc_vf_devices(bcd_store_t *s, const bcd_guid_t *ids, const uint32_t *types, size_t n,
		   const struct bcd_verify_world *w, struct bcd_findings *out);

/* A device naming a VHD or VHDX file on a host volume (verify-vhd.c). */
struct disk_fs;
struct bcd_vf_vhd {
	const bcd_guid_t *id;
	uint32_t el;
	const char *en;             /* the element's name */
	const char *host;           /* the host partition, "usb.img:2" */
	const char *path;           /* the file on it, "\x.vhd" */
	const struct bcd_dev *root; /* the device: resolved partition or locate */
	const char *want;           /* the file its volume must hold, or NULL */
	const char *fid;            /* the finding when want is missing */
	const char *locate;         /* what a locate device searches for, or NULL */
};
/* Open the file as a disk (disk_fs_open_disk()), find the partition the
 * device names inside it and want there.  Returns 0 or -BK_ENOMEM. */
int bc_vf_vhd_check(struct disk_fs *fs, const struct bcd_vf_vhd *v, struct bcd_findings *out);

/* MBR boot code, active partition and volume boot code of the disk that
 * holds a BIOS boot manager (verify-disks.c). */
int bc_vf_bios_boot(const struct bcd_verify_disk *d, const struct disk_label *l,
		     struct bcd_findings *out);

#endif
