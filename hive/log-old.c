/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Replay of old-format (DIRT bitmap, Windows up to 8) transaction logs, with
 * the timestamp and layout rules of doc/hive-format-notes.md, "Old-format
 * logs (DIRT)".  The result
 * is built in a fresh buffer and its hive bins are checked before it is
 * handed back, so a bad log leaves the caller's image untouched.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

#define DIRT_SIG_OFF    512u    /* "DIRT", then the bitmap */
#define DIRT_MAP_OFF    516u
#define HBIN_TS_OFF     0x14u   /* first hbin's copy of the timestamp */

/* An old-format log and what its checks found. */
struct olog {
	const struct hive_log_src *src;
	struct hive_recover_log *rep;
	struct regf_base base;
	uint32_t map_len;       /* bitmap bytes: one bit per 512-byte page */
	size_t pages_off;       /* first page, after the bitmap, sector-aligned */
	uint32_t nbits;         /* dirty pages stored */
};

static uint32_t
popcount8(uint8_t x)
{
	uint32_t n = 0;

	for (; x; x &= (uint8_t)(x - 1))
		n++;
	return n;
}

/* Base block, DIRT signature, bitmap and page area of one log. */
static const char *
olog_check(struct olog *l)
{
	const struct hive_log_src *s = l->src;
	uint32_t i;

	if (s->len < DIRT_MAP_OFF || !regf_base_read(s->data, s->len, &l->base))
		return "too short for a log";
	if (l->base.file_type != 1 && l->base.file_type != 2)
		return "not an old-format log";
	if (regf_checksum(s->data) != l->base.checksum)
		return "bad base block checksum";
	if (l->base.seq1 != l->base.seq2)
		return "base block sequence numbers differ";
	if (memcmp(s->data + DIRT_SIG_OFF, "DIRT", 4) != 0)
		return "no DIRT signature at offset 512";
	if (l->base.hbins_size == 0 || l->base.hbins_size % HIVE_HBIN_ALIGN ||
	    l->base.hbins_size > HIVE_LOG_MAX_BINS)
		return "bad hive bins size";
	l->map_len = l->base.hbins_size / HIVE_HBIN_ALIGN;
	if (s->len - DIRT_MAP_OFF < l->map_len)
		return "dirty bitmap past the end of the file";
	l->pages_off = (DIRT_MAP_OFF + (size_t)l->map_len + HIVE_LOG_SECTOR - 1) &
		       ~(size_t)(HIVE_LOG_SECTOR - 1);
	l->nbits = 0;
	for (i = 0; i < l->map_len; i++)
		l->nbits += popcount8(s->data[DIRT_MAP_OFF + i]);
	if (s->len < l->pages_off ||
	    (s->len - l->pages_off) / HIVE_LOG_SECTOR < l->nbits)
		return "dirty pages past the end of the file";
	return NULL;
}

/* The primary's timestamp: its base block's, or the first hbin's copy. */
static uint64_t
primary_timestamp(const struct hive_log_primary *pri)
{
	const uint8_t *hb = pri->img + HIVE_BASE_SIZE;

	if (pri->base_ok)
		return pri->base.timestamp;
	if (pri->len >= HIVE_BASE_SIZE + HIVE_HBIN_HDR && memcmp(hb, "hbin", 4) == 0)
		return bk_le64(hb + HBIN_TS_OFF);
	return 0;
}

/* Windows checks each recovered hbin; an invalid one stops recovery. */
static const char *
check_bins(const uint8_t *img, size_t len, uint32_t hbins, uint32_t *bad)
{
	uint32_t off = 0, size;
	const uint8_t *p;

	while (off < hbins) {
		*bad = off;
		if (len - HIVE_BASE_SIZE - off < HIVE_HBIN_HDR)
			return "missing";
		p = img + HIVE_BASE_SIZE + off;
		size = bk_le32(p + 8);
		if (memcmp(p, "hbin", 4) != 0)
			return "no hbin signature";
		if (bk_le32(p + 4) != off)
			return "wrong offset field";
		if (size < HIVE_HBIN_ALIGN || size % HIVE_HBIN_ALIGN || size > hbins - off)
			return "bad size";
		off += size;
	}
	return NULL;
}

/* Pages in bitmap order, then the base block (the write-back rule of
 * doc/hive-format-notes.md, "Old-format logs (DIRT)"). */
static void
olog_apply(const struct olog *l, const struct hive_log_primary *pri, uint8_t *img)
{
	const uint8_t *map = l->src->data + DIRT_MAP_OFF;
	const uint8_t *page = l->src->data + l->pages_off;
	struct regf_base b;
	uint32_t i;

	for (i = 0; i < l->map_len * 8; i++) {
		if (!(map[i / 8] & (1u << (i % 8))))
			continue;
		memcpy(img + HIVE_BASE_SIZE + (size_t)HIVE_LOG_SECTOR * i, page, HIVE_LOG_SECTOR);
		page += HIVE_LOG_SECTOR;
	}
	if (!pri->base_ok) {
		memcpy(img, l->src->data, HIVE_LOG_HDR);
		memset(img + HIVE_LOG_HDR, 0, HIVE_BASE_SIZE - HIVE_LOG_HDR);
	}
	(void)regf_base_read(img, HIVE_BASE_SIZE, &b);
	b.seq2 = b.seq1;
	b.file_type = 0;
	b.hbins_size = l->base.hbins_size;
	regf_base_write(img, &b);
}

/* Pick the eligible log with the latest timestamp (yarp, Windows 8+). */
static struct olog *
olog_choose(const struct hive_log_primary *pri, struct olog *l, size_t n)
{
	uint64_t ts = primary_timestamp(pri);
	struct olog *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (l[i].base.timestamp < ts) {
			snprintf(l[i].rep->note, sizeof(l[i].rep->note),
				 "not eligible: older than the hive (timestamp %llu < %llu)",
				 (unsigned long long)l[i].base.timestamp,
				 (unsigned long long)ts);
			continue;
		}
		if (best && l[i].base.timestamp < best->base.timestamp)
			continue;
		if (best)
			snprintf(best->rep->note, sizeof(best->rep->note),
				 "not applied: another log is as new or newer");
		best = &l[i];
	}
	return best;
}

static int
olog_build(struct bk_errbuf *eb, const struct hive_log_primary *pri, struct olog *l,
	   uint8_t **out, size_t *out_len, struct hive_recover_report *rep)
{
	size_t need = HIVE_BASE_SIZE + (size_t)l->base.hbins_size;
	const char *why;
	uint32_t bad = 0;
	uint8_t *img;

	if (need < pri->len)
		need = pri->len;
	img = bk_malloc(need);
	if (!img)
		return bk_error_at(eb, pri->name, BK_ENOMEM,
				   "out of memory for the recovered hive");
	memset(img, 0, need);
	memcpy(img, pri->img, pri->len);
	olog_apply(l, pri, img);
	why = check_bins(img, need, l->base.hbins_size, &bad);
	if (why) {
		bk_free(img);
		snprintf(l->rep->note, sizeof(l->rep->note),
			 "rejected: recovered hive bin at offset 0x%x: %s", bad, why);
		return -BK_ELOG;
	}
	l->rep->used = 1;
	l->rep->runs = l->nbits;
	snprintf(l->rep->note, sizeof(l->rep->note), "%u dirty pages applied", l->nbits);
	rep->format = HIVE_LOG_OLD;
	rep->pages = l->nbits;
	rep->base_from_log = !pri->base_ok;
	rep->new_seq = bk_le32(img + 4);
	rep->hbins_after = l->base.hbins_size;
	*out = img;
	*out_len = need;
	return 0;
}

int
hv_log_old_replay(struct bk_errbuf *eb, const struct hive_log_primary *pri,
		    const struct hive_log_src *logs, struct hive_recover_log *lrep,
		    size_t nlogs, uint8_t **out, size_t *out_len,
		    struct hive_recover_report *rep)
{
	struct olog l[HIVE_LOG_MAX_FILES], *best;
	size_t i, n = 0;
	const char *why;

	for (i = 0; i < nlogs && i < HIVE_LOG_MAX_FILES; i++) {
		if (lrep[i].format != HIVE_LOG_OLD)
			continue;
		memset(&l[n], 0, sizeof(l[n]));
		l[n].src = &logs[i];
		l[n].rep = &lrep[i];
		why = olog_check(&l[n]);
		lrep[i].start_seq = l[n].base.seq1;
		if (why) {
			snprintf(lrep[i].note, sizeof(lrep[i].note), "rejected: %s", why);
			continue;
		}
		n++;
	}
	best = olog_choose(pri, l, n);
	if (!best)
		return -BK_ELOG;
	return olog_build(eb, pri, best, out, out_len, rep);
}
