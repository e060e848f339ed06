/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Making a new FAT12/16/32 file system with the parameters Windows' format
 * chooses (doc/fat-format.md, "Format"): 512-byte sectors, two FATs, media
 * 0xF8, 32 reserved sectors with FSInfo at 1 and a backup boot sector at 6 on
 * FAT32, 512 root entries and 1 reserved sector on FAT12/16, the cluster size
 * by volume size from Microsoft's table of defaults.  The boot code area holds
 * our own few instructions printing that the volume is not bootable.
 * Everything else is zeroed first; the boot sector is written last, so an
 * interrupted format leaves no half-made file system that claims to be FAT.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-guid.h"
#include "fs-fat-internal.h"

#define MIB                 (1024ull * 1024ull)
#define FMT_BPS             512u
#define FMT_FAT32_RSVD      32u
#define FMT_FAT32_BACKUP    6u
#define FMT_FAT32_FSINFO    1u
#define FMT_ROOT_ENTS       512u
#define FMT_MIN_CLUSTERS    16u      /* our floor: refuse uselessly small volumes */
#define FMT_FAT32_AUTO      (100ull * MIB)   /* UNKNOWN: FAT32 from here (ESPs) */
#define FMT_FAT12_AUTO      (16ull * MIB)    /* UNKNOWN: FAT12 below (fits 4084 clusters) */

struct layout {
	enum disk_fs_type type;
	uint32_t tot, spc, rsvd, fatsz, root_secs, nclus;
};

/* Microsoft's default cluster sizes ("Default cluster size for NTFS, FAT and
 * exFAT", KB140365), volume size up to and including the limit. */
static uint32_t
default_cluster(enum disk_fs_type t, uint64_t size)
{
	static const struct { uint64_t upto; uint32_t cs; } fat16[] = {
		{ 16 * MIB, 2048 }, { 32 * MIB, 512 }, { 64 * MIB, 1024 }, { 128 * MIB, 2048 },
		{ 256 * MIB, 4096 }, { 512 * MIB, 8192 }, { 1024 * MIB, 16384 },
		{ 2048 * MIB, 32768 }, { UINT64_MAX, 65536 },
	}, fat32[] = {
		{ 64 * MIB, 512 }, { 128 * MIB, 1024 }, { 256 * MIB, 2048 }, { 8192 * MIB, 4096 },
		{ 16384 * MIB, 8192 }, { 32768 * MIB, 16384 }, { UINT64_MAX, 32768 },
	};
	size_t i;
	uint32_t cs;

	if (t == DISK_FS_FAT16) {
		for (i = 0; size > fat16[i].upto; i++)
			;
		return fat16[i].cs;
	}
	if (t == DISK_FS_FAT32) {
		for (i = 0; size > fat32[i].upto; i++)
			;
		return fat32[i].cs;
	}
	/* FAT12 (not in the table): the smallest cluster that keeps the count
	 * under the FAT12 limit. */
	for (cs = 512; cs < FAT_CLUSTER_MAX && size / cs > FAT12_CLUSTERS_MAX; cs *= 2)
		;
	return cs;
}

/* Sizes of the regions for one cluster size: the FAT grows until it covers
 * the clusters that remain beside it. */
static void
compute(struct layout *l)
{
	uint32_t bits = l->type == DISK_FS_FAT12 ? 12 : l->type == DISK_FS_FAT16 ? 16 : 32;
	uint64_t need, data;

	l->rsvd = l->type == DISK_FS_FAT32 ? FMT_FAT32_RSVD : 1;
	l->root_secs = l->type == DISK_FS_FAT32 ? 0 : FMT_ROOT_ENTS * FAT_DIRENT / FMT_BPS;
	l->fatsz = 1;
	for (;;) {
		uint64_t meta = l->rsvd + 2ull * l->fatsz + l->root_secs;
		data = l->tot > meta ? l->tot - meta : 0;
		l->nclus = (uint32_t)(data / l->spc);
		need = (((uint64_t)l->nclus + 2) * bits / 8 + 1 + FMT_BPS - 1) / FMT_BPS;
		if (need <= l->fatsz)
			break;
		l->fatsz = (uint32_t)need;
	}
}

static bool
count_fits(const struct layout *l)
{
	switch (l->type) {
	case DISK_FS_FAT12: return l->nclus >= FMT_MIN_CLUSTERS && l->nclus <= FAT12_CLUSTERS_MAX;
	case DISK_FS_FAT16: return l->nclus > FAT12_CLUSTERS_MAX && l->nclus <= FAT16_CLUSTERS_MAX;
	default:            return l->nclus > FAT16_CLUSTERS_MAX && l->nclus <= FAT32_CLUSTERS_MAX;
	}
}

/* Choose type and cluster size; the default cluster size is halved or
 * doubled when the count would fall outside the type's range. */
static int
plan(struct disk *d, uint64_t size, const struct disk_fs_format_opts *o, struct layout *l)
{
	uint32_t cs = o->cluster_size;

	memset(l, 0, sizeof(*l));
	l->type = o->type;
	if (l->type == DISK_FS_UNKNOWN)
		l->type = size < FMT_FAT12_AUTO ? DISK_FS_FAT12 :
			size < FMT_FAT32_AUTO ? DISK_FS_FAT16 : DISK_FS_FAT32;
	if (l->type != DISK_FS_FAT12 && l->type != DISK_FS_FAT16 && l->type != DISK_FS_FAT32)
		return dk_error(d, BK_EINVAL, "format: not a FAT type");
	if (size / FMT_BPS > UINT32_MAX)
		return dk_error(d, BK_ETOOBIG, "format: %llu bytes is over FAT's 2 TiB",
			      (unsigned long long)size);
	if (cs && (cs < FMT_BPS || cs > FAT_CLUSTER_MAX || (cs & (cs - 1))))
		return dk_error(d, BK_EINVAL, "format: cluster size %u is not a power of two "
			      "from 512 to 65536", cs);
	l->tot = (uint32_t)(size / FMT_BPS);
	l->spc = (cs ? cs : default_cluster(l->type, size)) / FMT_BPS;
	compute(l);
	while (!cs && !count_fits(l)) {
		bool too_many = l->type == DISK_FS_FAT12 ? l->nclus > FAT12_CLUSTERS_MAX :
			l->type == DISK_FS_FAT16 ? l->nclus > FAT16_CLUSTERS_MAX :
			l->nclus > FAT32_CLUSTERS_MAX;
		if (too_many ? l->spc * FMT_BPS >= FAT_CLUSTER_MAX : l->spc == 1)
			break;
		l->spc = too_many ? l->spc * 2 : l->spc / 2;
		compute(l);
	}
	if (!count_fits(l))
		return dk_error(d, BK_EINVAL,
			      "format: %llu bytes with %u-byte clusters gives %u clusters, "
			      "outside what %s allows", (unsigned long long)size, l->spc * FMT_BPS,
			      l->nclus, l->type == DISK_FS_FAT12 ? "FAT12" :
			      l->type == DISK_FS_FAT16 ? "FAT16" : "FAT32");
	return 0;
}

/* The label as Windows stores it: upper case, space padded, OEM characters
 * only (we accept ASCII). */
static int
make_label(struct disk *d, const char *label, uint8_t out[11])
{
	size_t i, n = label ? strlen(label) : 0;

	memcpy(out, n ? "           " : "NO NAME    ", 11);
	if (n > 11)
		return dk_error(d, BK_EINVAL, "format: label \"%s\" is longer than 11 characters",
			      label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];
		if (c < 0x20 || c >= 0x7F || strchr("\"*+,./:;<=>?[\\]|", c))
			return dk_error(d, BK_EINVAL, "format: label \"%s\" holds a character "
				      "FAT labels cannot hold", label);
		out[i] = (uint8_t)toupper(c);
	}
	return 0;
}

/* Our boot code: print a message with the BIOS, wait for a key, reboot. */
static void
put_stub(uint8_t *bs, size_t at)
{
	static const char msg[] = "This volume is not bootable (bcdkit FAT). "
		"Press a key to retry.\r\n";
	static const uint8_t code[] = {
		0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0, 0xBC, 0x00, 0x7C, 0xFB, /* cli; ds=ss=0; sp=7C00; sti */
		0xBE, 0x00, 0x00,                         /* mov si, msg (patched) */
		0xAC, 0x84, 0xC0, 0x74, 0x09,             /* lodsb; test al,al; jz done */
		0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10, /* teletype output */
		0xEB, 0xF2,                               /* next character */
		0x31, 0xC0, 0xCD, 0x16, 0xCD, 0x19,       /* done: wait for a key; reboot */
		0xF4, 0xEB, 0xFD,                         /* hlt loop */
	};
	size_t m = at + sizeof(code);

	bs[0] = 0xEB;
	bs[1] = (uint8_t)(at - 2);
	bs[2] = 0x90;
	memcpy(bs + at, code, sizeof(code));
	bk_put_le16(bs + at + 12, (uint16_t)(0x7C00 + m));
	memcpy(bs + m, msg, sizeof(msg));
}

static void
put_bpb(uint8_t *bs, const struct layout *l, uint64_t off, uint32_t serial, const uint8_t lab[11])
{
	bool f32 = l->type == DISK_FS_FAT32;
	uint8_t *ext = bs + (f32 ? 64 : 36);

	memset(bs, 0, FMT_BPS);
	put_stub(bs, f32 ? 90 : 62);
	memcpy(bs + 3, "MSWIN4.1", 8);           /* the OEM name fatgen103 recommends */
	bk_put_le16(bs + 11, FMT_BPS);
	bs[13] = (uint8_t)l->spc;
	bk_put_le16(bs + 14, (uint16_t)l->rsvd);
	bs[16] = 2;
	bk_put_le16(bs + 17, f32 ? 0 : FMT_ROOT_ENTS);
	bk_put_le16(bs + 19, (!f32 && l->tot < 65536) ? (uint16_t)l->tot : 0);
	bs[21] = 0xF8;
	bk_put_le16(bs + 22, f32 ? 0 : (uint16_t)l->fatsz);
	bk_put_le16(bs + 24, 63);                /* sectors per track, heads: the LBA */
	bk_put_le16(bs + 26, 255);               /* translation Windows assumes */
	bk_put_le32(bs + 28, off / FMT_BPS > UINT32_MAX ? 0 : (uint32_t)(off / FMT_BPS));
	bk_put_le32(bs + 32, (!f32 && l->tot < 65536) ? 0 : l->tot);
	if (f32) {
		bk_put_le32(bs + 36, l->fatsz);
		bk_put_le32(bs + 44, 2);         /* root folder cluster */
		bk_put_le16(bs + 48, FMT_FAT32_FSINFO);
		bk_put_le16(bs + 50, FMT_FAT32_BACKUP);
	}
	ext[0] = 0x80;                           /* BIOS drive number */
	ext[2] = 0x29;                           /* extended boot signature */
	bk_put_le32(ext + 3, serial);
	memcpy(ext + 7, lab, 11);
	memcpy(ext + 18, l->type == DISK_FS_FAT12 ? "FAT12   " :
	       l->type == DISK_FS_FAT16 ? "FAT16   " : "FAT32   ", 8);
	bs[510] = 0x55;
	bs[511] = 0xAA;
}

static int
zero_range(struct disk *d, uint64_t off, uint64_t len, uint8_t *zbuf, size_t zlen)
{
	int rc;

	while (len > 0) {
		size_t n = len < zlen ? (size_t)len : zlen;
		if ((rc = disk_write(d, off, zbuf, n)) < 0)
			return rc;
		off += n;
		len -= n;
	}
	return 0;
}

/* Everything but sector 0: reserved area, FATs, root folder, FSInfo. */
static int
write_body(struct disk *d, uint64_t off, const struct layout *l, const uint8_t *bs,
	   const uint8_t lab[11], bool has_label, uint8_t *z, size_t zlen)
{
	bool f32 = l->type == DISK_FS_FAT32;
	uint64_t root = off + ((uint64_t)l->rsvd + 2ull * l->fatsz) * FMT_BPS;
	uint64_t root_len = f32 ? (uint64_t)l->spc * FMT_BPS : (uint64_t)l->root_secs * FMT_BPS;
	uint8_t sec[FMT_BPS];
	int rc, i;

	if ((rc = zero_range(d, off + FMT_BPS, (uint64_t)(l->rsvd - 1 + 2ull * l->fatsz) * FMT_BPS,
			     z, zlen)) < 0 ||
	    (rc = zero_range(d, root, root_len, z, zlen)) < 0)
		return rc;
	memset(sec, 0, sizeof(sec));
	if (l->type == DISK_FS_FAT12) {
		sec[0] = 0xF8; sec[1] = 0xFF; sec[2] = 0xFF;  /* entries 0 and 1 */
	} else if (l->type == DISK_FS_FAT16) {
		bk_put_le16(sec, 0xFFF8);
		bk_put_le16(sec + 2, 0xFFFF);                 /* clean-shutdown bit set */
	} else {
		bk_put_le32(sec, 0x0FFFFFF8);
		bk_put_le32(sec + 4, 0x0FFFFFFF);
		bk_put_le32(sec + 8, 0x0FFFFFFF);             /* root folder: one cluster */
	}
	for (i = 0; i < 2; i++)
		if ((rc = disk_write(d, off + ((uint64_t)l->rsvd + (uint64_t)i * l->fatsz) * FMT_BPS,
				     sec, sizeof(sec))) < 0)
			return rc;
	if (has_label) {
		memset(sec, 0, FAT_DIRENT);
		memcpy(sec, lab, 11);
		sec[11] = FAT_ATTR_VOLUME;
		fat_ent_stamp(sec, false);
		if ((rc = disk_write(d, root, sec, FAT_DIRENT)) < 0)
			return rc;
	}
	if (!f32)
		return 0;
	memset(sec, 0, sizeof(sec));
	bk_put_le32(sec, 0x41615252);
	bk_put_le32(sec + 484, 0x61417272);
	bk_put_le32(sec + 488, l->nclus - 1);            /* all free but the root's cluster */
	bk_put_le32(sec + 492, 3);
	bk_put_le32(sec + 508, 0xAA550000);
	if ((rc = disk_write(d, off + FMT_FAT32_FSINFO * FMT_BPS, sec, sizeof(sec))) < 0 ||
	    (rc = disk_write(d, off + (FMT_FAT32_BACKUP + 1) * FMT_BPS, sec, sizeof(sec))) < 0)
		return rc;
	return disk_write(d, off + FMT_FAT32_BACKUP * FMT_BPS, bs, FMT_BPS);
}

int
fat_format(struct disk *d, uint64_t off, uint64_t size, const struct disk_fs_format_opts *o)
{
	uint8_t bs[FMT_BPS], lab[11], *z;
	struct layout l;
	uint32_t serial = o->serial;
	int rc;

	if (off + size > d->size || off % FMT_BPS)
		return dk_error(d, BK_EINVAL, "format: partition outside the disk");
	if ((rc = plan(d, size, o, &l)) < 0 || (rc = make_label(d, o->label, lab)) < 0)
		return rc;
	while (serial == 0)
		if ((rc = bk_random(&serial, sizeof(serial))) < 0)
			return bk_err(&d->err, -rc, "%s: format: no random numbers for a serial number",
				      d->name);
	put_bpb(bs, &l, off, serial, lab);
	if (!(z = bk_calloc(1, FAT_IO_MAX)))
		return dk_error(d, BK_ENOMEM, "format: out of memory");
	rc = write_body(d, off, &l, bs, lab, o->label && *o->label, z, FAT_IO_MAX);
	bk_free(z);
	if (rc < 0)
		return rc;
	return disk_write(d, off, bs, FMT_BPS);
}
