/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FAT boot sector (BPB), FSInfo and mount-time geometry checks, after
 * Microsoft's FAT specification (fatgen103, "Boot Sector and BPB",
 * "FAT Type Determination", "FAT32 FSInfo Sector Structure").  The type is
 * decided by the count of data clusters, never by the BS_FilSysType string.
 */
#include "config.h"

#include <string.h>

#include "bk-bytes.h"
#include "fs-fat-internal.h"

/* BPB offsets (fatgen103). */
#define BPB_BYTS_PER_SEC  11
#define BPB_SEC_PER_CLUS  13
#define BPB_RSVD_SEC_CNT  14
#define BPB_NUM_FATS      16
#define BPB_ROOT_ENT_CNT  17
#define BPB_TOT_SEC16     19
#define BPB_MEDIA         21
#define BPB_FAT_SZ16      22
#define BPB_TOT_SEC32     32
#define BPB_FAT_SZ32      36
#define BPB_EXT_FLAGS     40
#define BPB_FS_VER        42
#define BPB_ROOT_CLUS     44
#define BPB_FS_INFO       48
#define BS16_BOOT_SIG     38          /* FAT12/16 extended boot record */
#define BS32_BOOT_SIG     66          /* FAT32 */
#define FSI_LEAD_SIG      0x41615252u
#define FSI_STRUC_SIG     0x61417272u
#define FSI_TRAIL_SIG     0xAA550000u
#define FSI_FREE_COUNT    488
#define FSI_NXT_FREE      492

static bool
is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static int
bad(struct fat_vol *v, const char *what, unsigned long long val)
{
	return fs_err(v->fs, BK_ECORRUPT, NULL, "FAT boot sector: %s (%llu)", what, val);
}

/* The BPB fields that do not depend on the type. */
static int
parse_common(struct fat_vol *v, struct bk_view *bv, uint32_t *fatsz)
{
	uint16_t tot16 = bk_get_le16(bv, BPB_TOT_SEC16);
	uint32_t tot32 = bk_get_le32(bv, BPB_TOT_SEC32);
	uint16_t sz16 = bk_get_le16(bv, BPB_FAT_SZ16);

	v->bps = bk_get_le16(bv, BPB_BYTS_PER_SEC);
	v->spc = bk_get_u8(bv, BPB_SEC_PER_CLUS);
	v->rsvd = bk_get_le16(bv, BPB_RSVD_SEC_CNT);
	v->nfats = bk_get_u8(bv, BPB_NUM_FATS);
	v->root_ents = bk_get_le16(bv, BPB_ROOT_ENT_CNT);
	v->media = bk_get_u8(bv, BPB_MEDIA);
	if (!is_pow2(v->bps) || v->bps < FAT_SECTOR_MIN || v->bps > FAT_SECTOR_MAX)
		return bad(v, "bytes per sector is not 512, 1024, 2048 or 4096", v->bps);
	if (!is_pow2(v->spc) || v->bps * v->spc > FAT_CLUSTER_MAX)
		return bad(v, "sectors per cluster is not a power of two giving at most 64 KiB", v->spc);
	v->csize = v->bps * v->spc;
	if (v->rsvd == 0)
		return bad(v, "no reserved sectors", 0);
	if (v->nfats == 0 || v->nfats > FAT_NFATS_MAX)
		return bad(v, "number of FATs is not 1 to 4", v->nfats);
	if (v->media != 0xF0 && v->media < 0xF8)
		return bad(v, "media byte is not 0xF0 or 0xF8-0xFF", v->media);
	v->tot_sec = tot16 ? tot16 : tot32;
	if (v->tot_sec == 0)
		return bad(v, "no total sector count", 0);
	*fatsz = sz16 ? sz16 : bk_get_le32(bv, BPB_FAT_SZ32);
	if (*fatsz == 0)
		return bad(v, "FAT size is 0", 0);
	return 0;
}

/* Regions and cluster count; everything must lie inside the partition. */
static int
parse_layout(struct fat_vol *v, uint32_t fatsz)
{
	uint64_t root_secs = ((uint64_t)v->root_ents * FAT_DIRENT + v->bps - 1) / v->bps;
	uint64_t meta = (uint64_t)v->rsvd + (uint64_t)v->nfats * fatsz + root_secs;
	uint64_t vol_secs = v->fs->size / v->bps;

	if ((uint64_t)v->tot_sec > vol_secs)
		return fs_err(v->fs, BK_ECORRUPT, NULL,
			      "FAT volume is truncated: the boot sector counts %u sectors of %u bytes, "
			      "the partition holds %llu", v->tot_sec, v->bps,
			      (unsigned long long)vol_secs);
	if (meta >= v->tot_sec)
		return bad(v, "reserved sectors, FATs and root folder fill the whole volume", meta);
	v->fatsz = fatsz;
	v->root_off = ((uint64_t)v->rsvd + (uint64_t)v->nfats * fatsz) * v->bps;
	v->root_len = root_secs * v->bps;
	v->data_off = meta * v->bps;
	v->nclus = (uint32_t)((v->tot_sec - meta) / v->spc);
	if (v->nclus == 0)
		return bad(v, "no data clusters", 0);
	if (v->nclus <= FAT12_CLUSTERS_MAX)
		v->type = DISK_FS_FAT12;
	else if (v->nclus <= FAT16_CLUSTERS_MAX)
		v->type = DISK_FS_FAT16;
	else if (v->nclus <= FAT32_CLUSTERS_MAX)
		v->type = DISK_FS_FAT32;
	else
		return bad(v, "too many clusters", v->nclus);
	return 0;
}

/* FAT32 fields, and the FAT12/16 rules FAT32 volumes must not break. */
static int
parse_type(struct fat_vol *v, struct bk_view *bv)
{
	uint64_t need_bits = ((uint64_t)v->nclus + 2) *
		(v->type == DISK_FS_FAT12 ? 12 : v->type == DISK_FS_FAT16 ? 16 : 32);
	uint16_t ext;

	if ((uint64_t)v->fatsz * v->bps * 8 < need_bits)
		return bad(v, "FAT is too small for the cluster count", v->fatsz);
	if (v->type != DISK_FS_FAT32) {
		if (v->root_ents == 0)
			return bad(v, "FAT12/16 volume without root folder entries", 0);
		if (bk_get_le16(bv, BPB_FAT_SZ16) == 0)
			return bad(v, "FAT12/16 cluster count but a FAT32 BPB", v->nclus);
		v->active_fat = 0;
		v->mirror = true;
		return 0;
	}
	if (v->root_ents != 0 || bk_get_le16(bv, BPB_FAT_SZ16) != 0)
		return bad(v, "FAT32 cluster count but a FAT12/16 BPB", v->nclus);
	if (bk_get_le16(bv, BPB_FS_VER) != 0)
		return fs_err(v->fs, BK_EUNSUPPORTED, NULL, "FAT32 version %u is not 0.0",
			      bk_get_le16(bv, BPB_FS_VER));
	v->root_clus = bk_get_le32(bv, BPB_ROOT_CLUS);
	if (!fat_valid_clus(v, v->root_clus))
		return bad(v, "root folder cluster past the end", v->root_clus);
	ext = bk_get_le16(bv, BPB_EXT_FLAGS);
	v->mirror = !(ext & 0x80);
	v->active_fat = v->mirror ? 0 : (ext & 0x0F);
	if (v->active_fat >= v->nfats)
		return bad(v, "active FAT number past the FAT count", v->active_fat);
	v->fsinfo_sec = bk_get_le16(bv, BPB_FS_INFO);
	if (v->fsinfo_sec == 0 || v->fsinfo_sec >= v->rsvd)
		v->fsinfo_sec = 0;   /* none (0xFFFF included): nothing to keep up to date */
	return 0;
}

static void
parse_label(struct fat_vol *v, struct bk_view *bv)
{
	size_t sig = v->type == DISK_FS_FAT32 ? BS32_BOOT_SIG : BS16_BOOT_SIG;
	const uint8_t *p = bk_view_ptr(bv, sig, 16);
	size_t n = 11;

	v->label[0] = '\0';
	if (!p || p[0] != 0x29)
		return;
	v->serial = bk_le32(p + 1);
	memcpy(v->label, p + 5, 11);
	while (n > 0 && (v->label[n - 1] == ' ' || v->label[n - 1] == '\0'))
		n--;
	v->label[n] = '\0';
	if (strcmp(v->label, "NO NAME") == 0)
		v->label[0] = '\0';
}

int
fat_boot_parse(struct fat_vol *v, const uint8_t *bs, size_t len)
{
	struct bk_view bv = bk_view_make(bs, len);
	uint32_t fatsz;
	int rc;

	/* A jump instruction and the 0x55AA signature: what Windows looks for
	 * before it trusts the BPB. */
	if (len < 512 || !(bs[0] == 0xEB || bs[0] == 0xE9) || bs[510] != 0x55 || bs[511] != 0xAA)
		return fs_err(v->fs, BK_EUNSUPPORTED, NULL, "no FAT boot sector");
	if ((rc = parse_common(v, &bv, &fatsz)) < 0)
		return rc;
	if ((rc = parse_layout(v, fatsz)) < 0)
		return rc;
	if ((rc = parse_type(v, &bv)) < 0)
		return rc;
	parse_label(v, &bv);
	return bv.oob ? bad(v, "short boot sector", len) : 0;
}

/* Only the two counters change; the signatures are checked so a damaged
 * FSInfo sector is left alone rather than rewritten. */
int
fat_fsinfo_write(struct fat_vol *v)
{
	uint8_t sec[FAT_SECTOR_MAX];
	uint64_t off = (uint64_t)v->fsinfo_sec * v->bps;
	int rc;

	if (v->type != DISK_FS_FAT32 || v->fsinfo_sec == 0)
		return 0;
	if ((rc = fs_read_at(v->fs, off, sec, v->bps)) < 0)
		return rc;
	if (bk_le32(sec) != FSI_LEAD_SIG || bk_le32(sec + 484) != FSI_STRUC_SIG)
		return 0;
	if (bk_le32(sec + FSI_FREE_COUNT) == v->free_count &&
	    bk_le32(sec + FSI_NXT_FREE) == v->next_free)
		return 0;
	bk_put_le32(sec + FSI_FREE_COUNT, v->free_count);
	bk_put_le32(sec + FSI_NXT_FREE, v->next_free);
	return fs_write_at(v->fs, off + FSI_FREE_COUNT, sec + FSI_FREE_COUNT, 8);
}
