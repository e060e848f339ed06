/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Device and file checks of bcdverify(1), against the disks given: each
 * partition device must match exactly one partition of them (MBR signature
 * and byte offset, or GPT disk and partition GUIDs), a VHD named by a
 * device must exist on its host volume, the files an object names (path,
 * systemroot, the boot manager) must exist on the volume its device
 * resolves to, and the loader must suit the store's firmware.  Only the
 * partition tables, boot sectors and file-system metadata are read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdkit/disk-boot.h"
#include "bcdkit/disk-fs.h"
#include "verify-internal.h"

#define MAX_CANDIDATES 8u
#define BCD_EL_SDIDEVICE 0x31000003u   /* ramdisksdidevice */
#define BCD_EL_SDIPATH   0x32000004u   /* ramdisksdipath */

struct vdisk {
	const struct bcd_verify_disk *d;
	struct disk_label label;
	bool ok;
};

struct dctx {
	bcd_store_t *s;
	const struct bcd_verify_world *w;
	struct vdisk *disks;
	struct bcd_findings *out;
};

/* A partition of the given disks. */
struct where {
	size_t disk;
	unsigned part;
};

static bool
part_matches(const struct vdisk *v, const struct bcd_dev *d, const struct disk_partition *p)
{
	if (!v->ok)
		return false;
	if (d->part_style == BCD_PART_MBR)
		return v->label.type == DISK_LABEL_MBR &&
		       v->label.mbr_signature == bk_le32(d->disk_id) &&
		       p->offset == bk_le64(d->part_id);
	return v->label.type == DISK_LABEL_GPT && memcmp(v->label.disk_guid, d->disk_id, 16) == 0 &&
	       memcmp(p->guid, d->part_id, 16) == 0;
}

/* Partitions matching a partition descriptor; returns how many. */
static size_t
match(const struct dctx *c, const struct bcd_dev *d, struct where *first)
{
	size_t i, n = 0;
	unsigned p;

	for (i = 0; i < c->w->ndisks; i++)
		for (p = 0; p < c->disks[i].label.count; p++)
			if (part_matches(&c->disks[i], d, &c->disks[i].label.part[p])) {
				if (n++ == 0) {
					first->disk = i;
					first->part = c->disks[i].label.part[p].number;
				}
			}
	return n;
}

static char *
dev_path(const struct bcd_dev *d)
{
	uint8_t *b = malloc(2 * d->path_len + 2);
	char *out = NULL;
	size_t i;

	if (!b)
		return NULL;
	for (i = 0; i < d->path_len; i++) {
		b[2 * i] = (uint8_t)(d->path[i] & 0xff);
		b[2 * i + 1] = (uint8_t)(d->path[i] >> 8);
	}
	b[2 * i] = b[2 * i + 1] = 0;
	(void)bc_utf16le_to_utf8(b, 2 * i + 2, &out);
	free(b);
	return out;
}

/* 1 when path exists on the partition, 0 when not, -1 when the volume
 * cannot be read (msg gets why). */
static int
file_exists(const struct dctx *c, const struct where *at, const char *path, char *msg,
	    size_t len)
{
	struct disk_file_info fi;
	disk_fs_t *fs = NULL;
	int rc;

	if (disk_fs_open(&fs, c->disks[at->disk].d->disk, at->part, 0) < 0) {
		snprintf(msg, len, "%s:%u: no readable NTFS or FAT volume", c->disks[at->disk].d->name,
			 at->part);
		if (fs)
			disk_fs_close(fs);
		return -1;
	}
	rc = disk_fs_stat(fs, path, &fi);
	disk_fs_close(fs);
	return rc == 0 ? 1 : 0;
}

/* The file an element's device must hold, or NULL: path for device,
 * systemroot for osdevice, \bootmgr for a BIOS {bootmgr}. */
static char *
expected_file(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el)
{
	struct bcd_value v;
	char *s = NULL;

	/* A resume object's filedevice holds hiberfil.sys, which Windows
	 * makes at boot: it is the volume of winresume, its path. */
	if ((el == BCD_EL_DEVICE || (el == BCD_EL_OSDEVICE && otype == BCD_OBJ_RESUME)) &&
	    bcd_element_get(c->s, id, BCD_EL_PATH, &v) == 0) {
		s = v.string ? strdup(v.string) : NULL;
		bcd_value_free(&v);
		return s;
	}
	/* Class-2 elements mean other things outside OS loaders (a resume
	 * object's filedevice and hiberfil.sys, which Windows makes). */
	if (el == BCD_EL_OSDEVICE && otype == BCD_OBJ_OSLOADER &&
	    bcd_element_get(c->s, id, BCD_EL_SYSTEMROOT, &v) == 0) {
		s = v.string ? strdup(v.string) : NULL;
		bcd_value_free(&v);
		return s;
	}
	/* {ramdiskoptions}: ramdisksdidevice holds ramdisksdipath. */
	if (el == BCD_EL_SDIDEVICE && bcd_element_get(c->s, id, BCD_EL_SDIPATH, &v) == 0) {
		s = v.string ? strdup(v.string) : NULL;
		bcd_value_free(&v);
		return s;
	}
	if (el == BCD_EL_DEVICE && otype == BCD_OBJ_BOOTMGR && c->w->firmware == 1)
		return strdup("\\bootmgr");
	return NULL;
}

/* Volumes of the given disks holding path ("boot" is any of them). */
static size_t
volumes_holding(const struct dctx *c, const char *path)
{
	char msg[512];
	struct where at;
	size_t i, n = 0;
	unsigned p;

	for (i = 0; i < c->w->ndisks; i++)
		for (p = 0; c->disks[i].ok && p < c->disks[i].label.count; p++) {
			at.disk = i;
			at.part = c->disks[i].label.part[p].number;
			n += file_exists(c, &at, path, msg, sizeof(msg)) == 1;
		}
	return n;
}

/* A "boot" device (the disk the boot manager started from): its file must
 * be on one of the given disks. */
static int
check_boot_device(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el)
{
	char en[40], *want = expected_file(c, id, otype, el);
	int rc = 0;

	if (want && volumes_holding(c, want) == 0)
		bc_vf_add(c->out, &rc, "BCD-FILE-MISSING", BCD_SEV_ERROR, id, el,
			   "copy the file to the boot disk, or give that disk with --disk",
			   "%s is on no volume of the given disks, and %s is the boot device", want,
			   bc_vf_elname(otype, el, en, sizeof(en)));
	free(want);
	return rc;
}

/* ramdisk=[HOST]\x.wim: the WIM must be on its host volume. */
static int
check_ramdisk(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
	      const struct bcd_dev *d)
{
	char en[40], msg[512], *path = dev_path(d);
	struct where at;
	size_t n = 0;
	int rc = 0;

	if (!path)
		return -BK_ENOMEM;
	if (d->host->type == BCD_DT_BOOT)
		n = volumes_holding(c, path);
	else if (d->host->type == BCD_DT_PARTITION && match(c, d->host, &at) >= 1)
		n = file_exists(c, &at, path, msg, sizeof(msg)) == 1;
	else
		n = 1;   /* a host these checks do not resolve */
	if (n == 0)
		bc_vf_add(c->out, &rc, "BCD-RAMDISK-MISSING", BCD_SEV_ERROR, id, el,
			   "copy the image there, or bcdedit /set ID NAME ramdisk=[X:]PATH",
			   "the ramdisk image %s that %s names is missing", path,
			   bc_vf_elname(otype, el, en, sizeof(en)));
	free(path);
	return rc;
}

/* The partition descriptor retargeted to partition at. */
static int
retarget(const struct dctx *c, const uint8_t *raw, size_t len, const struct where *at,
	 uint8_t **out, size_t *olen)
{
	const struct vdisk *v = &c->disks[at->disk];
	const struct disk_partition *p = NULL;
	struct bcd_devtree t;
	unsigned i;
	int rc;

	for (i = 0; i < v->label.count; i++)
		if (v->label.part[i].number == at->part)
			p = &v->label.part[i];
	if (!p || (rc = bc_dev_decode(raw, len, &t)) < 0)
		return -BK_EINVAL;
	memset(t.root->part_id, 0, 16);
	memset(t.root->disk_id, 0, 16);
	if (v->label.type == DISK_LABEL_MBR) {
		t.root->part_style = BCD_PART_MBR;
		bk_put_le64(t.root->part_id, p->offset);
		bk_put_le32(t.root->disk_id, v->label.mbr_signature);
	} else {
		t.root->part_style = BCD_PART_GPT;
		memcpy(t.root->part_id, p->guid, 16);
		memcpy(t.root->disk_id, v->label.disk_guid, 16);
	}
	rc = bc_dev_encode(&t, out, olen);
	bc_dev_free(t.root);
	return rc;
}

/* A partition device that matches no partition: look for the one partition
 * that holds the expected file. */
static int
stale_partition(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
		const uint8_t *raw, size_t len, const char *devtext)
{
	char en[40], msg[512], choices[1024] = "", sug[1200], *want;
	struct where cand[MAX_CANDIDATES], at;
	struct bcd_finding *f;
	size_t nc = 0, i;
	unsigned p;
	int rc = 0;

	bc_vf_elname(otype, el, en, sizeof(en));
	want = expected_file(c, id, otype, el);
	for (i = 0; want && i < c->w->ndisks; i++)
		for (p = 0; c->disks[i].ok && p < c->disks[i].label.count; p++) {
			at.disk = i;
			at.part = c->disks[i].label.part[p].number;
			if (file_exists(c, &at, want, msg, sizeof(msg)) != 1)
				continue;
			if (nc < MAX_CANDIDATES)
				cand[nc] = at;
			nc++;
			snprintf(choices + strlen(choices), sizeof(choices) - strlen(choices),
				 "%s%s:%u", strlen(choices) ? ", " : "", c->disks[i].d->name, at.part);
		}
	if (nc == 1)
		snprintf(sug, sizeof(sug), "bcdverify --fix retargets it to %s, which holds %s",
			 choices, want);
	else if (nc > 1)
		snprintf(sug, sizeof(sug), "several partitions hold %s (%s): choose one with "
			 "bcdedit /set ID %s partition=X:", want, choices, en);
	else
		snprintf(sug, sizeof(sug), "bcdedit /set ID %s partition=X: naming the right partition",
			 en);
	if (c->w->device_repair != BCD_DEVFIX_RETARGET)
		snprintf(sug, sizeof(sug), "bcdverify --fix makes it %s (clone-proof)",
			 c->w->device_repair == BCD_DEVFIX_BOOT ? "boot" : "locate");
	f = bc_vf_add(c->out, &rc, "BCD-DEV-NOPART", BCD_SEV_ERROR, id, el, sug,
		       "%s is %s, which matches no partition of the given disks", en, devtext);
	if (f && c->w->device_repair != BCD_DEVFIX_RETARGET) {
		/* bcdedit's own encoding of "boot" / "locate" for this element. */
		if (bcd_device_from_text(c->w->device_repair == BCD_DEVFIX_BOOT ? "boot" : "locate",
					 el, NULL, &f->repair_bytes, &f->repair_len, msg,
					 sizeof(msg)) == 0)
			f->repair = BCD_REPAIR_SET_DEVICE;
	} else if (f && nc == 1 &&
		   retarget(c, raw, len, &cand[0], &f->repair_bytes, &f->repair_len) == 0) {
		f->repair = BCD_REPAIR_SET_DEVICE;
	}
	free(want);
	return rc;
}

/* The files an object names on the volume its device resolves to. */
static int
check_files(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
	    const struct where *at)
{
	char en[40], msg[512], *want = expected_file(c, id, otype, el);
	const char *fid = el == BCD_EL_OSDEVICE ? "BCD-FILE-SYSTEMROOT" :
			  otype == BCD_OBJ_BOOTMGR ? "BCD-FILE-BOOTMGR" : "BCD-FILE-MISSING";
	int rc = 0, e;

	if (!want)
		return 0;
	bc_vf_elname(otype, el, en, sizeof(en));
	e = file_exists(c, at, want, msg, sizeof(msg));
	if (e < 0)
		bc_vf_add(c->out, &rc, "BCD-DEV-NOVOLUME", BCD_SEV_ERROR, id, el, NULL,
			   "%s resolves to %s", en, msg);
	else if (e == 0)
		bc_vf_add(c->out, &rc, fid, BCD_SEV_ERROR, id, el,
			   "copy the file there (bcdboot WINDIR /s SYSTEM copies the boot files)",
			   "%s is missing on %s:%u, which %s names", want,
			   c->disks[at->disk].d->name, at->part, en);
	if (rc == 0 && e == 1 && otype == BCD_OBJ_BOOTMGR && c->w->firmware == 2 &&
	    el == BCD_EL_DEVICE &&
	    file_exists(c, at, "\\EFI\\Boot\\bootx64.efi", msg, sizeof(msg)) == 0)
		bc_vf_add(c->out, &rc, "BCD-FILE-FALLBACK", BCD_SEV_WARNING, id, el,
			   "copy bootmgfw.efi to \\EFI\\Boot\\bootx64.efi (bcdboot does)",
			   "\\EFI\\Boot\\bootx64.efi is missing on %s:%u: firmware without a boot "
			   "entry cannot start Windows", c->disks[at->disk].d->name, at->part);
	free(want);
	return rc;
}

/* UEFI firmware reads FAT: a boot manager on an NTFS partition is never
 * started. */
static int
check_esp(const struct dctx *c, const bcd_guid_t *id, const struct where *at)
{
	const struct disk_label *l = &c->disks[at->disk].label;
	unsigned i;
	int rc = 0;

	for (i = 0; i < l->count; i++)
		if (l->part[i].number == at->part && l->part[i].kind == DISK_PART_NTFS)
			bc_vf_add(c->out, &rc, "BCD-BOOTMGR-FIRMWARE", BCD_SEV_ERROR, id, BCD_EL_DEVICE,
				   "bcdboot WINDIR /s ESP /f UEFI puts the boot manager on the EFI "
				   "system partition", "{bootmgr} is on %s:%u, an NTFS partition: UEFI "
				   "firmware reads only FAT (the EFI system partition)",
				   c->disks[at->disk].d->name, at->part);
	return rc;
}

/* The boot manager's locale folder ("en-US") beside its files: \Boot for
 * BIOS, the folder of its path for UEFI.  Missing: English messages only. */
static int
check_locale(const struct dctx *c, const bcd_guid_t *id, const struct where *at)
{
	char dir[1024] = "\\Boot", path[1200], msg[512], *slash;
	struct bcd_value loc, pv;
	int rc = 0;

	if (bcd_element_get(c->s, id, 0x12000005u, &loc) < 0)
		return 0;
	if (c->w->firmware == 2 && bcd_element_get(c->s, id, BCD_EL_PATH, &pv) == 0) {
		snprintf(dir, sizeof(dir), "%s", pv.string ? pv.string : "");
		if ((slash = strrchr(dir, '\\')))
			*slash = '\0';
		bcd_value_free(&pv);
	}
	snprintf(path, sizeof(path), "%s\\%s", dir, loc.string ? loc.string : "");
	if (loc.string && loc.string[0] && file_exists(c, at, path, msg, sizeof(msg)) == 0)
		bc_vf_add(c->out, &rc, "BCD-FILE-LOCALE", BCD_SEV_WARNING, id, 0x12000005u,
			   "bcdboot WINDIR /s SYSTEM /l LOCALE copies the locale folder",
			   "the locale folder %s is missing on %s:%u: the boot manager shows no "
			   "localised text", path, c->disks[at->disk].d->name, at->part);
	bcd_value_free(&loc);
	return rc;
}

/* What a locate device searches for: the element it names, or its path. */
static char *
locate_target(const struct dctx *c, const bcd_guid_t *id, const struct bcd_dev *d)
{
	struct bcd_value v;
	char *want = NULL;

	if (d->type != BCD_DT_LOCATE)
		return NULL;
	if (d->loc_type == 0 && bcd_element_get(c->s, id, d->loc_elem, &v) == 0) {
		want = v.string ? strdup(v.string) : NULL;
		bcd_value_free(&v);
	} else if (d->loc_type == 1 && d->path_len) {
		want = dev_path(d);
	}
	return want;
}

/* A locate device: the volumes of the given disks holding what it looks for
 * (the element it names, or its own path).  None or several: reported. */
static int
check_locate(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
	     const struct bcd_dev *d)
{
	char en[40], *want = NULL;
	size_t n;
	int rc = 0;

	/* A resume object's filedevice looks for hiberfil.sys, which Windows
	 * makes when it hibernates. */
	if (otype == BCD_OBJ_RESUME && el == BCD_EL_OSDEVICE)
		return 0;
	if (!(want = locate_target(c, id, d)))
		return 0;
	n = volumes_holding(c, want);
	bc_vf_elname(otype, el, en, sizeof(en));
	if (n != 1)
		bc_vf_add(c->out, &rc, "BCD-DEV-LOCATE", n ? BCD_SEV_WARNING : BCD_SEV_ERROR, id, el,
			   "bcdedit /set ID NAME partition=X: names one volume",
			   "%s is a locate device for %s, which %s", en, want,
			   n ? "several volumes of the given disks hold: the firmware's order "
			       "decides" : "no volume of the given disks holds");
	free(want);
	return rc;
}

/* The ramdisk options object a device names must exist. */
static int
check_options(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
	      const struct bcd_devtree *t)
{
	static const uint8_t zero[16];
	char en[40], g[BCD_GUID_STRLEN];
	bcd_guid_t opt;
	uint32_t type;
	int rc = 0;

	if (!memcmp(t->options, zero, 16))
		return 0;
	memcpy(opt.b, t->options, 16);
	if (bcd_object_type(c->s, &opt, &type) == -BK_ENOTFOUND)
		bc_vf_add(c->out, &rc, "BCD-REF-DANGLING", BCD_SEV_ERROR, id, el,
			   "bcdedit /create {ramdiskoptions}, or set the device again",
			   "%s names the device options %s, which do not exist",
			   bc_vf_elname(otype, el, en, sizeof(en)), bc_vf_objname(&opt, g));
	return rc;
}

/* The VHD file record of a VHD device (resolved or vhd= form), or NULL. */
static const struct bcd_dev *
vhd_file(const struct bcd_dev *d)
{
	for (; d; d = d->child)
		if (d->type == BCD_DT_BLOCKIO && d->bio_type == BCD_BIO_FILE && d->has_path &&
		    d->host && d->host->type == BCD_DT_PARTITION && d->host->disk_type == 0)
			return d;
	return NULL;
}

/* The VHD or VHDX on its host volume, then the partition and files inside it. */
static int
check_vhd(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el,
	  const struct bcd_dev *root)
{
	const struct bcd_dev *f = vhd_file(root);
	char en[40], msg[512], host[600], *path = dev_path(f);
	struct bcd_vf_vhd v = { id, el, en, host, path, root, NULL, NULL, NULL };
	struct where at;
	disk_fs_t *fs = NULL;
	int rc = 0, e;

	if (!path)
		return -BK_ENOMEM;
	bc_vf_elname(otype, el, en, sizeof(en));
	if (match(c, f->host, &at) == 0) {   /* two: BCD-DISK-SHAREDID says so */
		bc_vf_add(c->out, &rc, "BCD-DEV-NOPART", BCD_SEV_ERROR, id, el,
			   "give the disk that holds the VHD with --disk, or bcdedit /set ID "
			   "NAME vhd=[X:]PATH", "the volume holding the VHD %s of %s matches no "
			   "partition of the given disks", path, en);
	} else if ((e = file_exists(c, &at, path, msg, sizeof(msg))) == 0) {
		bc_vf_add(c->out, &rc, "BCD-VHD-MISSING", BCD_SEV_ERROR, id, el,
			   "put the VHD back, or point the entry at it with bcdedit /set ID NAME vhd=",
			   "the VHD %s named by %s is missing on %s:%u", path, en,
			   c->disks[at.disk].d->name, at.part);
	} else if (e == 1 && disk_fs_open(&fs, c->disks[at.disk].d->disk, at.part, 0) == 0) {
		snprintf(host, sizeof(host), "%s:%u", c->disks[at.disk].d->name, at.part);
		v.want = expected_file(c, id, otype, el);
		v.fid = el == BCD_EL_OSDEVICE && otype == BCD_OBJ_OSLOADER ? "BCD-FILE-SYSTEMROOT"
			: "BCD-FILE-MISSING";
		v.locate = locate_target(c, id, root);
		rc = bc_vf_vhd_check(fs, &v, c->out);
		free((char *)v.want);
		free((char *)v.locate);
	}
	if (fs)
		disk_fs_close(fs);
	free(path);
	return rc;
}

static int
check_device(const struct dctx *c, const bcd_guid_t *id, uint32_t otype, uint32_t el)
{
	struct bcd_devtree t;
	struct where at;
	uint8_t *raw = NULL;
	char *text = NULL, en[40];
	size_t len = 0, n;
	int rc = 0;

	if (bcd_element_get_raw(c->s, id, el, &raw, &len) < 0)
		return 0;
	if (bc_dev_decode(raw, len, &t) < 0) {
		bc_vf_add(c->out, &rc, "BCD-DEV-DECODE", BCD_SEV_ERROR, id, el,
			   "bcdedit /set ID NAME DEVICE writes a device Windows reads",
			   "%s is not a device layout Windows writes",
			   bc_vf_elname(otype, el, en, sizeof(en)));
		free(raw);
		return rc;
	}
	if (c->w->ndisks && t.root->type == BCD_DT_PARTITION && t.root->disk_type == 0 &&
	    !t.root->child) {
		n = match(c, t.root, &at);
		if (n == 0) {
			(void)bcd_device_to_text(raw, len, el, NULL, 0, &text);
			rc = stale_partition(c, id, otype, el, raw, len, text ? text : "?");
		} else if (n == 1) {
			rc = check_files(c, id, otype, el, &at);
			if (rc == 0 && otype == BCD_OBJ_BOOTMGR && el == BCD_EL_DEVICE)
				rc = check_locale(c, id, &at);
			if (rc == 0 && otype == BCD_OBJ_BOOTMGR && el == BCD_EL_DEVICE &&
			    c->w->firmware == 2)
				rc = check_esp(c, id, &at);
			if (rc == 0 && otype == BCD_OBJ_BOOTMGR && el == BCD_EL_DEVICE &&
			    c->w->firmware == 1)
				rc = bc_vf_bios_boot(c->disks[at.disk].d, &c->disks[at.disk].label,
						      c->out);
		}
	} else if (c->w->ndisks && vhd_file(t.root)) {
		rc = check_vhd(c, id, otype, el, t.root);
	} else if (c->w->ndisks && t.root->type == BCD_DT_LOCATE && !t.root->child) {
		rc = check_locate(c, id, otype, el, t.root);
	} else if (c->w->ndisks && t.root->type == BCD_DT_BOOT) {
		rc = check_boot_device(c, id, otype, el);
	} else if (c->w->ndisks && t.root->type == BCD_DT_BLOCKIO &&
		   t.root->bio_type == BCD_BIO_RAMDISK && t.root->has_path && t.root->host) {
		rc = check_ramdisk(c, id, otype, el, t.root);
	}
	if (rc == 0)
		rc = check_options(c, id, otype, el, &t);
	free(text);
	bc_dev_free(t.root);
	free(raw);
	return rc;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcasecmp(s + a - b, tail) == 0;
}

/* A UEFI boot manager on a partition needs its path (bootmgfw.efi); the
 * stores of install media and recovery have neither device nor path. */
static int
check_bootmgr_uefi(const struct dctx *c, const bcd_guid_t *id)
{
	uint8_t *raw = NULL;
	size_t len = 0;
	int rc = 0;

	if (bcd_element_get_raw(c->s, id, BCD_EL_DEVICE, &raw, &len) < 0)
		return 0;
	free(raw);
	raw = NULL;
	if (bcd_element_get_raw(c->s, id, BCD_EL_PATH, &raw, &len) == -BK_ENOTFOUND)
		bc_vf_add(c->out, &rc, "BCD-BOOTMGR-FIRMWARE", BCD_SEV_ERROR, id, BCD_EL_PATH,
			   "bcdedit /set {bootmgr} path \\EFI\\Microsoft\\Boot\\bootmgfw.efi",
			   "{bootmgr} has a device but no path: UEFI firmware starts "
			   "\\EFI\\Microsoft\\Boot\\bootmgfw.efi by path");
	free(raw);
	return rc;
}

/* winload.exe in a UEFI store, winload.efi in a BIOS one. */
static int
check_flavour(const struct dctx *c, const bcd_guid_t *id, uint32_t otype)
{
	const char *want = c->w->firmware == 2 ? ".efi" : ".exe";
	struct bcd_value v;
	int rc = 0;

	if (c->w->firmware == 2 && otype == BCD_OBJ_BOOTMGR && (rc = check_bootmgr_uefi(c, id)) < 0)
		return rc;
	if (!c->w->firmware || bcd_element_get(c->s, id, BCD_EL_PATH, &v) < 0)
		return 0;
	if (v.string && (ends_with(v.string, ".efi") || ends_with(v.string, ".exe")) &&
	    !ends_with(v.string, want) &&
	    (otype == BCD_OBJ_OSLOADER || otype == BCD_OBJ_RESUME || otype == BCD_OBJ_MEMDIAG ||
	     otype == BCD_OBJ_BOOTMGR))
		bc_vf_add(c->out, &rc, "BCD-FILE-FIRMWARE", BCD_SEV_ERROR, id, BCD_EL_PATH,
			   c->w->firmware == 2 ? "bcdedit /set ID path \\Windows\\system32\\winload.efi" :
			   "bcdedit /set ID path \\Windows\\system32\\winload.exe",
			   "path %s is for %s firmware, but this is a %s store", v.string,
			   c->w->firmware == 2 ? "BIOS" : "UEFI", c->w->firmware == 2 ? "UEFI" : "BIOS");
	bcd_value_free(&v);
	return rc;
}

int
bc_vf_devices(bcd_store_t *s, const bcd_guid_t *ids, const uint32_t *types, size_t n,
	       const struct bcd_verify_world *w, struct bcd_findings *out)
{
	struct dctx c = { s, w, NULL, out };
	uint32_t *els = NULL;
	size_t i, e, ne;
	int rc = 0;

	if (w->ndisks && !(c.disks = calloc(w->ndisks, sizeof(*c.disks))))
		return -BK_ENOMEM;
	for (i = 0; i < w->ndisks; i++) {
		c.disks[i].d = &w->disks[i];
		c.disks[i].ok = disk_label_read(w->disks[i].disk, &c.disks[i].label) == 0;
	}
	for (i = 0; i < n && rc == 0; i++) {
		rc = check_flavour(&c, &ids[i], types[i]);
		if (rc < 0 || bcd_element_list(s, &ids[i], &els, &ne) < 0)
			continue;
		for (e = 0; e < ne && rc == 0; e++)
			if (BCD_ELEM_FORMAT(els[e]) == BCD_FMT_DEVICE)
				rc = check_device(&c, &ids[i], types[i], els[e]);
		free(els);
		els = NULL;
	}
	free(c.disks);
	return rc;
}
