/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdboot's WINDIR and TARGET: host folders or partitions of images, and
 * the partition identities (MBR signature and offset, or GPT GUIDs) the new
 * entries name.  For images they come from the partition table; for
 * folders from the mount table, or from --os-device/--system-device.
 * Windows inside a VHD on another partition (--host, or WINDIR given as
 * usb.img:1:\x.vhd:1:\Windows) adds the VHD's host partition and path.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bcdboot-src.h"
#include "image-path.h"
#include "tool-util.h"

/* IMAGE[:PART][:\PATH[:PART[:\PATH]]] (image-path.c's split): 1, 0 for a host
 * path, -1 (printed) when malformed or the image name is too long. */
static int
parse_spec(const char *s, struct image_spec *sp)
{
	char err[300];
	int rc = image_spec_parse(s, image_path_probe, NULL, sp, err, sizeof(err));

	if (rc < 0)
		tool_err("%s: %s", s, err);
	else if (rc > 0 && strlen(sp->ip.image) >= sizeof(((struct bcdboot_src *)0)->sys_image)) {
		tool_err("%s: path too long", s);
		image_spec_free(sp);
		rc = -1;
	}
	return rc;
}

static int
resolve_id(const char *what, const char *target, struct bcd_partition_id *id)
{
	bcd_devmap_t *m = NULL;
	int rc;

	if (bcd_devmap_new(&m) < 0) {
		tool_err("out of memory");
		return -1;
	}
	rc = bcd_partition_id_resolve(m, target, id);
	if (rc < 0)
		tool_err("%s: %s", what, bcd_devmap_last_error(m));
	bcd_devmap_free(m);
	return rc < 0 ? -1 : 0;
}

static int
image_id(disk_t *d, const char *name, unsigned number, struct bcd_partition_id *id)
{
	struct disk_part_identity di;
	char dev[4096], *colon;

	/* A volume without a partition table: a partition device such as
	 * /dev/sdb1 names itself (its disk is found through sysfs). */
	if (number == 0) {
		snprintf(dev, sizeof(dev), "%s", name);
		if ((colon = strrchr(dev, ':')))
			*colon = '\0';
		bcd_devmap_t *m = NULL;
		int rc = bcd_devmap_new(&m) < 0 ? -1 : bcd_partition_id_resolve(m, dev, id);

		bcd_devmap_free(m);
		if (rc == 0)
			return 0;
		tool_err("%s: no partition table; name the partition with --os-device or "
			 "--system-device", dev);
		return -1;
	}
	if (disk_partition_identity(d, number, &di) < 0) {
		tool_err("%s: partition %u: %s", name, number, disk_last_error(d));
		return -1;
	}
	memset(id, 0, sizeof(*id));
	if (di.style == DISK_LABEL_MBR) {
		id->style = BCD_PART_MBR;
		id->mbr_signature = di.mbr_signature;
		id->mbr_offset = di.offset;
	} else {
		id->style = BCD_PART_GPT;
		memcpy(id->gpt_disk.b, di.disk_guid, 16);
		memcpy(id->gpt_part.b, di.part_guid, 16);
	}
	return 0;
}

/* Open partition part of an image as a volume named IMAGE:N. */
static int
open_image_vol(struct bootvol *v, const char *image, unsigned part, bool write, disk_t *shared,
	       unsigned *number)
{
	struct disk_fs_info fi;
	char err[1024] = "", name[4200];
	disk_t *d = shared;
	disk_fs_t *fs = NULL;

	if (!d && disk_open(&d, image, write ? DISK_OPEN_WRITE : 0, err, sizeof(err)) < 0) {
		tool_err("%s", err[0] ? err : image);
		return -1;
	}
	if (disk_fs_open(&fs, d, part, write ? DISK_FS_WRITE : 0) < 0 ||
	    disk_fs_get_info(fs, &fi) < 0) {
		tool_err("%s: %s", image, disk_last_error(d));
		if (fs)
			disk_fs_close(fs);
		if (!shared)
			disk_close(d);
		return -1;
	}
	*number = fi.partition;
	snprintf(name, sizeof(name), "%s:%u", image, fi.partition);
	bootvol_open_fs(v, name, d, fs, !shared);
	return 0;
}

struct sink {
	int fd;
	int err;
};

static int
to_fd(const void *buf, size_t n, void *data)
{
	struct sink *k = data;
	const uint8_t *p = buf;
	ssize_t w;

	while (n) {
		if ((w = write(k->fd, p, n)) <= 0) {
			k->err = errno ? errno : EIO;
			return 1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy a VHD out of an image partition into a new temporary file, to open
 * it as a disk (the file-system layer reads files only in order). */
static int
extract(struct bootvol *v, const char *path, char *tmp, size_t tlen)
{
	const char *dir = getenv("TMPDIR");
	struct sink k = { -1, 0 };
	int rc;

	snprintf(tmp, tlen, "%s/bcdboot-vhd.XXXXXX", dir && dir[0] ? dir : "/tmp");
	if ((k.fd = mkstemp(tmp)) < 0) {
		tool_err("%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	rc = disk_fs_read(v->fs, path, to_fd, &k);
	if (close(k.fd) < 0 && !k.err)
		k.err = errno;
	if (rc < 0 || k.err) {
		tool_err("%s: \\%s: %s", v->name, path, k.err ? strerror(k.err) :
			 disk_fs_last_error(v->fs));
		unlink(tmp);
		tmp[0] = '\0';
		return -1;
	}
	bcdboot_verbose("Reading the VHD %s:\\%s through a temporary copy", v->name, path);
	return 0;
}

static void
set_root(struct bcdboot_src *src, const char *path)
{
	char *q;

	snprintf(src->winroot, sizeof(src->winroot), "%s", path);
	for (q = src->winroot; *q; q++)
		if (*q == '/')
			*q = '\\';
	while (q > src->winroot && q[-1] == '\\')
		*--q = '\0';
	snprintf(src->systemroot, sizeof(src->systemroot), "\\%s", src->winroot);
}

/*
 * The partition of the target disk whose boot files bcdboot writes when only
 * the disk is named (or nothing, for an image WINDIR): for UEFI the EFI
 * system partition, for BIOS the active partition; either one otherwise.
 * 0 when the disk has neither.
 */
static unsigned
system_partition(disk_t *d, int fw, bool *has_esp)
{
	struct disk_label *l = calloc(1, sizeof(*l));
	unsigned i, esp = 0, active = 0;

	if (l && disk_label_read(d, l) == 0)
		for (i = 0; i < l->count; i++) {
			if (l->part[i].kind == DISK_PART_ESP && !esp)
				esp = l->part[i].number;
			if (l->part[i].active && !active)
				active = l->part[i].number;
		}
	free(l);
	if (has_esp)
		*has_esp = esp != 0;
	if (fw == FW_UEFI)
		return esp ? esp : active;
	return active ? active : esp;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Only the disk is named: open it; the partition is picked per firmware
 * (bcdboot_src_retarget). */
static int
open_target_disk(const struct bcdboot_args *a, struct bcdboot_src *src)
{
	char err[1024] = "";
	disk_t *d = NULL;
	bool esp = false;

	if (disk_open(&d, src->sys_image, DISK_OPEN_WRITE, err, sizeof(err)) < 0) {
		tool_err("%s", err[0] ? err : src->sys_image);
		return -1;
	}
	bootvol_open_fs(&src->sys, src->sys_image, d, NULL, true);
	src->sys_auto = true;
	(void)system_partition(d, FW_BIOS, &esp);
	if (!a->firmware)
		src->firmware = esp ? FW_UEFI : FW_BIOS;
	return 0;
}

/* Whether the target partition is an EFI system partition (its type). */
static bool
target_is_esp(struct bcdboot_src *src)
{
	struct disk_label *l = calloc(1, sizeof(*l));
	bool esp = false;
	unsigned i;

	if (l && disk_label_read(src->sys.disk, l) == 0)
		for (i = 0; i < l->count; i++)
			if (l->part[i].number == src->sys_part)
				esp = l->part[i].kind == DISK_PART_ESP;
	free(l);
	return esp;
}

static int
open_target(const struct bcdboot_args *a, struct bcdboot_src *src, const char *wimage)
{
	struct image_spec sp;
	unsigned part = 0;
	bool dir;
	int rc = 0;

	if (a->target) {
		rc = parse_spec(a->target, &sp);
		if (rc > 0) {
			snprintf(src->sys_image, sizeof(src->sys_image), "%s", sp.ip.image);
			part = sp.ip.part;
			if (sp.path[0] || sp.nested)
				rc = -1;
			image_spec_free(&sp);
		}
		if (rc < 0 && src->sys_image[0]) {
			tool_err("%s: /s takes a folder or IMAGE[:PART], not a path inside it",
				 a->target);
			return -1;
		}
	} else if (wimage[0]) {
		snprintf(src->sys_image, sizeof(src->sys_image), "%s", wimage);
		rc = 1;
	} else {
		tool_err("%s: a host folder; name the system partition with /s", a->windir);
		return -1;
	}
	if (rc < 0)
		return -1;
	if (rc == 0) {
		src->sys_image[0] = '\0';
		if (bootvol_open_host(&src->sys, a->target) < 0) {
			tool_err("%s", src->sys.err);
			return -1;
		}
		if (!a->firmware)
			src->firmware = bootvol_stat(&src->sys, "EFI", &dir) == 0 && dir ? FW_UEFI : FW_BIOS;
		return resolve_id(a->target, a->system_device ? a->system_device : a->target,
				  &src->system_id);
	}
	if (!part)
		return open_target_disk(a, src);
	if (open_image_vol(&src->sys, src->sys_image, part, true, NULL, &src->sys_part) < 0)
		return -1;
	if (!a->firmware)
		src->firmware = disk_fs_get_type(src->sys.fs) == DISK_FS_NTFS ? FW_BIOS :
				target_is_esp(src) ? FW_UEFI : FW_BIOS;
	if (a->system_device)
		return resolve_id(a->target, a->system_device, &src->system_id);
	return image_id(src->sys.disk, src->sys.name, src->sys_part, &src->system_id);
}

/* The Windows folder inside an image (or inside a VHD inside an image). */
static int
open_win_image(const struct bcdboot_args *a, struct bcdboot_src *src, const struct image_spec *sp)
{
	const char *image = sp->ip.image, *path = sp->path;
	unsigned part = sp->ip.part;
	struct bootvol outer;
	unsigned n;
	disk_t *shared = NULL;

	if (sp->nested) {
		/* usb.img:1:\x.vhd:1:\Windows: the VHD's host is that partition. */
		if (open_image_vol(&outer, image, part, false, NULL, &n) < 0)
			return -1;
		snprintf(src->vhd_path, sizeof(src->vhd_path), "\\%s", path);
		if (image_id(outer.disk, outer.name, n, &src->vhd_host) < 0 ||
		    extract(&outer, path, src->tmpfile, sizeof(src->tmpfile)) < 0) {
			bootvol_close(&outer);
			return -1;
		}
		bootvol_close(&outer);
		if (open_image_vol(&src->win, src->tmpfile, sp->inner_part, false, NULL, &n) < 0)
			return -1;
		snprintf(src->win.name, sizeof(src->win.name), "%s:%u:\\%s:%u", image, part ? part : 1,
			 path, n);
		set_root(src, sp->inner_path);
		return a->os_device ? 0 : image_id(src->win.disk, src->win.name, n, &src->os_id);
	}
	if (src->sys_image[0] && same_file(image, src->sys_image))
		shared = src->sys.disk;   /* one handle per image file */
	if (open_image_vol(&src->win, image, part, false, shared, &n) < 0)
		return -1;
	src->win_part = shared ? n : 0;
	if (shared && n == src->sys_part) {
		/* The same partition: read through the target's own handle. */
		bootvol_close(&src->win);
		src->win = src->sys;
		src->win.own_fs = src->win.own_disk = false;
	}
	set_root(src, path);
	return a->os_device ? 0 : image_id(src->win.disk, src->win.name, n, &src->os_id);
}

static int
open_win_host(const struct bcdboot_args *a, struct bcdboot_src *src)
{
	char copy[4096], *base, *parent;

	if (bootvol_open_host(&src->win, a->windir) < 0) {
		tool_err("%s", src->win.err);
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", a->windir);
	base = basename(copy);
	snprintf(src->systemroot, sizeof(src->systemroot), "\\%s", base);
	src->winroot[0] = '\0';
	if (a->os_device)
		return 0;
	snprintf(copy, sizeof(copy), "%s", a->windir);
	parent = dirname(copy);
	if (resolve_id(a->windir, parent, &src->os_id) < 0) {
		fprintf(stderr, "%s: name the partition that holds %s with --os-device\n",
			tool_name, a->windir);
		return -1;
	}
	return 0;
}

/* --host IMAGE[:PART]:\x.vhd */
static int
open_host(const char *spec, struct bcdboot_src *src)
{
	struct image_spec sp;
	const char *path;
	struct bootvol v;
	unsigned n;
	bool dir;
	int rc;

	rc = parse_spec(spec, &sp);
	if (rc > 0 && (!sp.path[0] || sp.nested)) {
		image_spec_free(&sp);
		rc = 0;
	}
	if (rc == 0)
		tool_err("%s: --host takes IMAGE[:PART]:\\PATH.VHD", spec);
	if (rc <= 0)
		return -1;
	if (open_image_vol(&v, sp.ip.image, sp.ip.part, false, NULL, &n) < 0) {
		image_spec_free(&sp);
		return -1;
	}
	path = sp.path;
	rc = bootvol_stat(&v, path, &dir);
	if (rc < 0 || dir)
		tool_err("%s: %s", spec, rc < 0 ? v.err : "a folder, not a VHD");
	if (rc == 0 && !dir)
		rc = image_id(v.disk, v.name, n, &src->vhd_host);
	bootvol_close(&v);
	snprintf(src->vhd_path, sizeof(src->vhd_path), "\\%s", path);
	image_spec_free(&sp);
	return rc < 0 || dir ? -1 : 0;
}

int
bcdboot_src_open(const struct bcdboot_args *a, struct bcdboot_src *src)
{
	struct image_spec sp;
	int rc;

	memset(src, 0, sizeof(*src));
	src->win.dirfd = src->sys.dirfd = -1;
	src->firmware = a->firmware;
	rc = parse_spec(a->windir, &sp);
	if (rc < 0)
		return -1;
	if (rc > 0 && !sp.path[0]) {
		tool_err("%s: give the Windows folder inside the image (IMAGE[:PART]:\\Windows)",
			 a->windir);
		image_spec_free(&sp);
		return -1;
	}
	rc = open_target(a, src, rc > 0 && !sp.nested ? sp.ip.image : "") < 0 ? -1 :
	     rc > 0 ? open_win_image(a, src, &sp) : open_win_host(a, src);
	image_spec_free(&sp);
	if (rc == 0 && a->host)
		rc = open_host(a->host, src);
	if (rc == 0 && a->os_device)
		rc = resolve_id(a->windir, a->os_device, &src->os_id);
	return rc;
}

int
bcdboot_src_close(struct bcdboot_src *src)
{
	int rc = 0;

	/* The Windows side may borrow the target's disk: close it first. */
	if (bootvol_close(&src->win) < 0) {
		tool_err("%s", src->win.err);
		rc = -1;
	}
	if (bootvol_close(&src->sys) < 0) {
		tool_err("%s", src->sys.err);
		rc = -1;
	}
	if (src->tmpfile[0])
		unlink(src->tmpfile);
	src->tmpfile[0] = '\0';
	return rc;
}

/* The target's file system on the partition for fw (only when the disk
 * alone was named).  The Windows side keeps reading through the same handle
 * when it lies on that partition. */
int
bcdboot_src_retarget(const struct bcdboot_args *a, struct bcdboot_src *src, int fw)
{
	disk_fs_t *fs = NULL;
	unsigned part;

	if (!src->sys_auto)
		return 0;
	part = system_partition(src->sys.disk, fw, NULL);
	if (!part) {
		tool_err("%s: no %s; name the system partition with /s IMAGE:PART",
			 src->sys_image, fw == FW_UEFI ? "EFI system partition" : "active partition");
		return -1;
	}
	if (src->sys.fs && part == src->sys_part)
		return 0;
	if (src->win.fs && src->win.fs == src->sys.fs)
		src->win.own_fs = true;   /* the Windows side keeps the old handle */
	else if (bootvol_close_fs(&src->sys) < 0) {
		tool_err("%s", src->sys.err);
		return -1;
	}
	src->sys.fs = NULL;
	if (src->win_part == part && src->win.fs) {
		/* Read and write one partition through one handle. */
		bootvol_close_fs(&src->win);
	}
	if (disk_fs_open(&fs, src->sys.disk, part, DISK_FS_WRITE) < 0) {
		tool_err("%s: partition %u: %s", src->sys_image, part, disk_last_error(src->sys.disk));
		return -1;
	}
	src->sys.fs = fs;
	src->sys.own_fs = true;
	src->sys_part = part;
	snprintf(src->sys.name, sizeof(src->sys.name), "%s:%u", src->sys_image, part);
	if (src->win_part == part) {
		src->win.fs = fs;
		src->win.own_fs = false;
	}
	if (a->system_device)
		return resolve_id(a->target ? a->target : src->sys_image, a->system_device,
				  &src->system_id);
	return image_id(src->sys.disk, src->sys.name, part, &src->system_id);
}
