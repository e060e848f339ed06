/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file allocation table: loaded whole at mount and checked (every link
 * inside the volume, never to a free cluster, no cluster linked from two
 * places), changed in memory, written back sector by sector to every copy.
 * Entry encoding per fatgen103 "FAT Entry Values": FAT12 packs two entries
 * in three bytes, FAT32 keeps the top 4 bits of an entry untouched.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "fs-fat-internal.h"

#define FAT16_CLEAN_BIT 0x8000u     /* FAT[1]: volume was unmounted cleanly */
#define FAT32_CLEAN_BIT 0x08000000u

static size_t
entry_off(const struct fat_vol *v, uint32_t c)
{
	switch (v->type) {
	case DISK_FS_FAT12: return (size_t)c + c / 2;
	case DISK_FS_FAT16: return (size_t)c * 2;
	default:            return (size_t)c * 4;
	}
}

uint32_t
fat_get(const struct fat_vol *v, uint32_t c)
{
	size_t off = entry_off(v, c);
	uint16_t x;

	switch (v->type) {
	case DISK_FS_FAT12:
		x = bk_le16(v->fat + off);
		return c & 1 ? x >> 4 : x & 0xFFFu;
	case DISK_FS_FAT16:
		return bk_le16(v->fat + off);
	default:
		return bk_le32(v->fat + off) & 0x0FFFFFFFu;
	}
}

static void
mark_sector(struct fat_vol *v, size_t off)
{
	size_t s = off / v->bps;

	v->fat_dirty[s / 8] |= (uint8_t)(1u << (s % 8));
}

static void
raw_set(struct fat_vol *v, uint32_t c, uint32_t val)
{
	size_t off = entry_off(v, c);
	uint16_t x;

	switch (v->type) {
	case DISK_FS_FAT12:
		x = bk_le16(v->fat + off);
		x = c & 1 ? (uint16_t)((x & 0x000Fu) | (val & 0xFFFu) << 4)
			  : (uint16_t)((x & 0xF000u) | (val & 0xFFFu));
		bk_put_le16(v->fat + off, x);
		mark_sector(v, off + 1);
		break;
	case DISK_FS_FAT16:
		bk_put_le16(v->fat + off, (uint16_t)val);
		break;
	default:
		bk_put_le32(v->fat + off, (bk_le32(v->fat + off) & 0xF0000000u) | (val & 0x0FFFFFFFu));
		break;
	}
	mark_sector(v, off);
}

static bool
pred_get(const struct fat_vol *v, uint32_t c)
{
	return v->pred[c / 8] & (1u << (c % 8));
}

static void
pred_put(struct fat_vol *v, uint32_t c, bool on)
{
	if (on)
		v->pred[c / 8] |= (uint8_t)(1u << (c % 8));
	else
		v->pred[c / 8] &= (uint8_t)~(1u << (c % 8));
}

/* Set entry c, keeping the predecessor bitmap and the free count right. */
void
fat_set(struct fat_vol *v, uint32_t c, uint32_t val)
{
	uint32_t old = fat_get(v, c);

	if (fat_valid_clus(v, old))
		pred_put(v, old, false);
	if (fat_valid_clus(v, val))
		pred_put(v, val, true);
	if (old == 0 && val != 0)
		v->free_count--;
	else if (old != 0 && val == 0)
		v->free_count++;
	raw_set(v, c, val);
	v->changed = true;
}

uint32_t
fat_eoc(const struct fat_vol *v)
{
	return v->type == DISK_FS_FAT12 ? 0xFFFu : v->type == DISK_FS_FAT16 ? 0xFFFFu : 0x0FFFFFFFu;
}

bool
fat_is_eoc(const struct fat_vol *v, uint32_t val)
{
	return val >= (fat_eoc(v) & ~7u);   /* 0xFF8 / 0xFFF8 / 0x0FFFFFF8 and up */
}

static uint32_t
bad_mark(const struct fat_vol *v)
{
	return (fat_eoc(v) & ~7u) - 1;      /* 0xFF7 / 0xFFF7 / 0x0FFFFFF7 */
}

/* One pass over every entry: links inside the volume, to used clusters,
 * each cluster linked at most once; counts the free clusters. */
static int
table_check(struct fat_vol *v)
{
	uint32_t c, x, last = v->nclus + 1;

	v->free_count = 0;
	for (c = 2; c <= last; c++) {
		x = fat_get(v, c);
		if (x == 0) {
			v->free_count++;
			continue;
		}
		if (fat_is_eoc(v, x) || x == bad_mark(v))
			continue;
		if (!fat_valid_clus(v, x))
			return fs_err(v->fs, BK_ECORRUPT, NULL,
				      "FAT: cluster %u links to %u, past the end (last cluster is %u)",
				      c, x, last);
		if (fat_get(v, x) == 0)
			return fs_err(v->fs, BK_ECORRUPT, NULL,
				      "FAT: cluster %u links to free cluster %u", c, x);
		if (pred_get(v, x))
			return fs_err(v->fs, BK_ECORRUPT, NULL,
				      "FAT: cluster %u is linked from two chains (cross-linked), "
				      "the second link from cluster %u", x, c);
		pred_put(v, x, true);
	}
	return 0;
}

int
fat_table_load(struct fat_vol *v)
{
	uint64_t bits = v->type == DISK_FS_FAT12 ? 12 : v->type == DISK_FS_FAT16 ? 16 : 32;
	uint64_t need = (((uint64_t)v->nclus + 2) * bits + 7) / 8 + 1; /* FAT12 reads 2 bytes */
	uint64_t secs = (need + v->bps - 1) / v->bps;
	uint64_t fat_off = ((uint64_t)v->rsvd + (uint64_t)v->active_fat * v->fatsz) * v->bps;
	int rc;

	if (secs > v->fatsz)
		secs = v->fatsz;        /* the spare byte of FAT12 may lie past the FAT */
	if (secs * v->bps > FAT_TABLE_MAX_BYTES)
		return fs_err(v->fs, BK_EUNSUPPORTED, NULL,
			      "FAT of %llu bytes is over the %u bytes this driver holds in memory",
			      (unsigned long long)(secs * v->bps), FAT_TABLE_MAX_BYTES);
	v->fat_len = (size_t)secs * v->bps;
	v->fat = bk_calloc(1, v->fat_len + 2);
	v->fat_dirty = bk_calloc(1, (size_t)secs / 8 + 1);
	v->pred = bk_calloc(1, ((size_t)v->nclus + 2) / 8 + 1);
	if (!v->fat || !v->fat_dirty || !v->pred)
		return fs_err(v->fs, BK_ENOMEM, NULL, "out of memory for the FAT");
	if ((rc = fs_read_at(v->fs, fat_off, v->fat, v->fat_len)) < 0)
		return rc;
	if ((rc = table_check(v)) < 0)
		return rc;
	v->next_free = 2;
	if (v->type == DISK_FS_FAT16)
		v->was_clean = bk_le16(v->fat + 2) & FAT16_CLEAN_BIT;
	else if (v->type == DISK_FS_FAT32)
		v->was_clean = bk_le32(v->fat + 4) & FAT32_CLEAN_BIT;
	return 0;
}

/* Write each changed sector to every FAT copy (only the active one when
 * FAT32 mirroring is off), copy 0 first. */
int
fat_table_flush(struct fat_vol *v)
{
	size_t nsec = v->fat_len / v->bps, s;
	uint32_t i;
	int rc;

	for (s = 0; s < nsec; s++) {
		if (!(v->fat_dirty[s / 8] & (1u << (s % 8))))
			continue;
		for (i = 0; i < v->nfats; i++) {
			uint64_t off = ((uint64_t)v->rsvd + (uint64_t)i * v->fatsz + s) * v->bps;
			if (!v->mirror && i != v->active_fat)
				continue;
			if ((rc = fs_write_at(v->fs, off, v->fat + s * v->bps, v->bps)) < 0)
				return rc;
		}
		v->fat_dirty[s / 8] &= (uint8_t)~(1u << (s % 8));
	}
	return 0;
}

static int
clean_bit(struct fat_vol *v, bool clean)
{
	uint32_t bit = v->type == DISK_FS_FAT16 ? FAT16_CLEAN_BIT : FAT32_CLEAN_BIT;
	uint32_t x;

	if (v->type == DISK_FS_FAT12 || !v->was_clean)
		return 0;
	x = v->type == DISK_FS_FAT16 ? bk_le16(v->fat + 2) : bk_le32(v->fat + 4);
	if (!(x & bit) == !clean)
		return 0;
	/* Only a volume that was clean is marked dirty and back again. */
	x = clean ? x | bit : x & ~bit;
	if (v->type == DISK_FS_FAT16)
		bk_put_le16(v->fat + 2, (uint16_t)x);
	else
		bk_put_le32(v->fat + 4, x);
	mark_sector(v, 2);
	return fat_table_flush(v);
}

int
fat_mark_dirty(struct fat_vol *v)
{
	return clean_bit(v, false);
}

int
fat_mark_clean(struct fat_vol *v)
{
	return clean_bit(v, true);
}

int
fat_chain(struct fat_vol *v, uint32_t first, uint32_t max, uint32_t **out, uint32_t *n,
	  const struct fs_path *p)
{
	uint32_t *list = NULL, cap = 0, cnt = 0, c = first, x;

	*out = NULL;
	*n = 0;
	if (!fat_valid_clus(v, first))
		return fs_err(v->fs, BK_ECORRUPT, p, "first cluster %u is past the end of the volume",
			      first);
	/* A first cluster something links to is part of another chain (or a
	 * loop back to the start). */
	if (pred_get(v, first))
		return fs_err(v->fs, BK_ECORRUPT, p,
			      "first cluster %u is also inside another chain (cross-linked)", first);
	while (cnt < max) {
		x = fat_get(v, c);
		if (x == 0 || x == bad_mark(v)) {
			bk_free(list);
			return fs_err(v->fs, BK_ECORRUPT, p, "chain runs into a %s cluster (%u)",
				      x ? "bad" : "free", c);
		}
		if (cnt == cap) {
			uint32_t ncap = cap ? cap * 2 : 16;
			uint32_t *nl = bk_realloc(list, (size_t)ncap * sizeof(*nl));
			if (!nl) {
				bk_free(list);
				return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
			}
			list = nl;
			cap = ncap;
		}
		list[cnt++] = c;
		if (fat_is_eoc(v, x) || cnt > v->nclus)
			break;
		c = x;    /* checked at mount: inside the volume, in use */
	}
	*out = list;
	*n = cnt;
	return 0;
}

/* Next free cluster at or after the hint, wrapping once. */
static uint32_t
find_free(struct fat_vol *v)
{
	uint32_t last = v->nclus + 1, c, i;

	c = fat_valid_clus(v, v->next_free) ? v->next_free : 2;
	for (i = 0; i < v->nclus; i++, c = c == last ? 2 : c + 1)
		if (fat_get(v, c) == 0)
			return c;
	return 0;
}

int
fat_alloc(struct fat_vol *v, uint32_t last, uint32_t count, uint32_t *first,
	  uint32_t *new_last, const struct fs_path *p)
{
	uint32_t i, c, prev = last;

	if (count > v->free_count)
		return fs_err(v->fs, BK_ETOOBIG, p, "volume full: %u clusters needed, %u free",
			      count, v->free_count);
	for (i = 0; i < count; i++) {
		c = find_free(v);
		if (c == 0)
			return fs_err(v->fs, BK_ECORRUPT, p, "free cluster count is wrong");
		fat_set(v, c, fat_eoc(v));
		if (prev)
			fat_set(v, prev, c);
		else
			*first = c;
		prev = c;
		v->next_free = c == v->nclus + 1 ? 2 : c + 1;
	}
	*new_last = prev;
	return 0;
}

void
fat_free_chain(struct fat_vol *v, uint32_t first)
{
	uint32_t c = first, x, n = 0;

	while (fat_valid_clus(v, c) && n++ <= v->nclus) {
		x = fat_get(v, c);
		if (x == 0)
			break;
		fat_set(v, c, 0);
		if (fat_is_eoc(v, x) || x == bad_mark(v))
			break;
		c = x;
	}
}
