/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Replay of new-format (HvLE, Windows 8.1+) transaction logs, following the
 * verified rules of doc/hive-format-notes.md, "New-format logs (HvLE)".
 * Every log is checked in full before anything is applied, and the result is
 * built in a fresh buffer, so a damaged log can stop replay early but never
 * leave half an entry applied.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

#define HVLE_HDR        40u     /* fixed part of an entry, before the references */
#define HVLE_REF        8u      /* one dirty-page reference {offset, size} */

/* One entry as decoded by hvle_check(). */
struct hvle {
	uint32_t size, flags, seq, hbins, count;
};

/* A log and what the checks found in it. */
struct nlog {
	const struct hive_log_src *src;
	struct hive_recover_log *rep;
	uint32_t start;         /* base-block sequence number = first entry's */
	uint32_t nvalid;        /* entries from offset 512 that pass every check */
	bool ok;                /* base block valid */
	bool apply;
};

/* The log's own base block: signature, type 6, checksum, seq1 == seq2. */
static const char *
hvle_header_check(const struct hive_log_src *s, uint32_t *start)
{
	struct regf_base b;

	if (s->len < HIVE_LOG_HDR + HVLE_HDR || !regf_base_read(s->data, s->len, &b))
		return "too short for a log";
	if (b.file_type != 6)
		return "not a new-format log";
	if (regf_checksum(s->data) != b.checksum)
		return "bad base block checksum";
	if (b.seq1 != b.seq2)
		return "base block sequence numbers differ";
	*start = b.seq1;
	return NULL;
}

/* Size, reference and hash checks of the entry at pos (doc/hive-format-notes.md). */
static const char *
hvle_check(const uint8_t *d, size_t len, size_t pos, uint32_t expect, struct hvle *e)
{
	const uint8_t *p = d + pos;
	uint64_t used;
	uint32_t i;

	if (len - pos < HVLE_HDR || memcmp(p, "HvLE", 4) != 0)
		return "no HvLE signature";
	e->size = bk_le32(p + 4);
	e->flags = bk_le32(p + 8);
	e->seq = bk_le32(p + 12);
	e->hbins = bk_le32(p + 16);
	e->count = bk_le32(p + 20);
	if (e->size < HIVE_LOG_SECTOR || e->size % HIVE_LOG_SECTOR || e->size > len - pos)
		return "bad entry size";
	if (e->hbins < HIVE_HBIN_ALIGN || e->hbins % HIVE_HBIN_ALIGN ||
	    e->hbins > HIVE_LOG_MAX_BINS)
		return "bad hive bins size";
	if (e->count == 0 || HVLE_HDR + (uint64_t)HVLE_REF * e->count > e->size)
		return "bad dirty page count";
	used = HVLE_HDR + (uint64_t)HVLE_REF * e->count;
	for (i = 0; i < e->count; i++) {
		uint32_t off = bk_le32(p + HVLE_HDR + HVLE_REF * i);
		uint32_t sz = bk_le32(p + HVLE_HDR + HVLE_REF * i + 4);

		if ((uint64_t)off + sz > e->hbins)
			return "page run past the hive bins size";
		used += sz;
	}
	if (used > e->size)
		return "page data past the end of the entry";
	if (hv_marvin32(HIVE_LOG_MARVIN_SEED, p + HVLE_HDR, e->size - HVLE_HDR) !=
	    bk_le64(p + 24))
		return "Hash-1 mismatch";
	if (hv_marvin32(HIVE_LOG_MARVIN_SEED, p, 32) != bk_le64(p + 32))
		return "Hash-2 mismatch";
	if (e->seq != expect)
		return "sequence number out of order";
	return NULL;
}

/* Count the valid entries of a log; note where and why the walk stopped. */
static void
nlog_scan(struct nlog *l)
{
	const struct hive_log_src *s = l->src;
	const char *why = NULL;
	size_t pos = HIVE_LOG_HDR;
	struct hvle e;

	l->nvalid = 0;
	while (pos < s->len) {
		why = hvle_check(s->data, s->len, pos, l->start + l->nvalid, &e);
		if (why)
			break;
		l->nvalid++;
		pos += e.size;
	}
	if (l->nvalid == 0)
		snprintf(l->rep->note, sizeof(l->rep->note),
			 "no valid entry (offset 0x%zx: %s)", pos, why ? why : "end of file");
	else if (why && s->len - pos >= 4 && memcmp(s->data + pos, "HvLE", 4) == 0)
		/* An entry that fails its checks, not just the end of the entries. */
		snprintf(l->rep->note, sizeof(l->rep->note),
			 "replay stopped at offset 0x%zx (seq %u): %s", pos,
			 l->start + l->nvalid, why);
	else
		snprintf(l->rep->note, sizeof(l->rep->note), "%u valid entries (seq %u..%u)",
			 l->nvalid, l->start, l->start + l->nvalid - 1);
}

/* Choose which logs apply (doc/hive-format-notes.md); order[] is sorted. */
static void
nlog_choose(const struct hive_log_primary *pri, struct nlog **order, size_t n)
{
	size_t i, first = n;
	uint32_t next;

	if (!pri->base_ok) {
		/* Only the newest log: the older one's start cannot be checked. */
		for (i = 0; i + 1 < n; i++)
			snprintf(order[i]->rep->note, sizeof(order[i]->rep->note),
				 "not applied: the hive's base block is invalid, so only the "
				 "newest log is used");
		if (n)
			order[n - 1]->apply = true;
		return;
	}
	for (i = 0; i < n && first == n; i++) {
		if (hv_seq_ge(order[i]->start, pri->base.seq2))
			first = i;
		else
			snprintf(order[i]->rep->note, sizeof(order[i]->rep->note),
				 "not eligible: starts at seq %u, before the hive's seq2 %u",
				 order[i]->start, pri->base.seq2);
	}
	if (first == n)
		return;
	order[first]->apply = true;
	next = order[first]->start + order[first]->nvalid;
	for (i = first + 1; i < n; i++) {
		if (order[i]->start != next) {
			snprintf(order[i]->rep->note, sizeof(order[i]->rep->note),
				 "not applied: starts at seq %u, not %u", order[i]->start, next);
			break;
		}
		order[i]->apply = true;
		next += order[i]->nvalid;
	}
}

/* Copy the page runs of one (already checked) entry into the image. */
static void
hvle_apply(uint8_t *img, const uint8_t *p, const struct hvle *e)
{
	size_t data = HVLE_HDR + (size_t)HVLE_REF * e->count;
	uint32_t i;

	for (i = 0; i < e->count; i++) {
		uint32_t off = bk_le32(p + HVLE_HDR + HVLE_REF * i);
		uint32_t sz = bk_le32(p + HVLE_HDR + HVLE_REF * i + 4);

		memcpy(img + HIVE_BASE_SIZE + off, p + data, sz);
		data += sz;
	}
}

/* Walk the applied entries: with img NULL only compute the size needed. */
static void
nlog_apply(struct nlog *l, uint8_t *img, struct hvle *last, size_t *need)
{
	size_t pos = HIVE_LOG_HDR;
	struct hvle e;
	uint32_t k;

	for (k = 0; k < l->nvalid; k++) {
		(void)hvle_check(l->src->data, l->src->len, pos, l->start + k, &e);
		if (HIVE_BASE_SIZE + (size_t)e.hbins > *need)
			*need = HIVE_BASE_SIZE + (size_t)e.hbins;
		if (img) {
			hvle_apply(img, l->src->data + pos, &e);
			l->rep->runs += e.count;
		}
		*last = e;
		pos += e.size;
	}
	if (img && l->nvalid) {
		l->rep->used = 1;
		l->rep->entries = l->nvalid;
		l->rep->first_seq = l->start;
		l->rep->last_seq = l->start + l->nvalid - 1;
	}
}

/* Base block of the result (doc/hive-format-notes.md, the write-back rule). */
static void
hvle_finish_base(uint8_t *img, const struct hive_log_primary *pri, const struct nlog *src,
		 const struct hvle *last)
{
	struct regf_base b;

	if (!pri->base_ok) {
		memcpy(img, src->src->data, HIVE_LOG_HDR);
		memset(img + HIVE_LOG_HDR, 0, HIVE_BASE_SIZE - HIVE_LOG_HDR);
	}
	(void)regf_base_read(img, HIVE_BASE_SIZE, &b);
	b.seq1 = b.seq2 = last->seq + 1;
	b.file_type = 0;
	b.hbins_size = last->hbins;
	b.flags = (b.flags & ~1u) | (last->flags & 1u);
	regf_base_write(img, &b);
}

static int
nlog_build(struct bk_errbuf *eb, const struct hive_log_primary *pri, struct nlog **order,
	   size_t n, uint8_t **out, size_t *out_len, struct hive_recover_report *rep)
{
	size_t need = pri->len > HIVE_BASE_SIZE ? pri->len : HIVE_BASE_SIZE, i;
	struct nlog *base_src = NULL;
	struct hvle last;
	uint8_t *img;

	memset(&last, 0, sizeof(last));

	for (i = 0; i < n; i++)
		if (order[i]->apply) {
			nlog_apply(order[i], NULL, &last, &need);
			base_src = order[i];
		}
	img = bk_malloc(need);
	if (!img)
		return bk_error_at(eb, pri->name, BK_ENOMEM,
				   "out of memory for the recovered hive");
	memset(img, 0, need);
	memcpy(img, pri->img, pri->len);
	for (i = 0; i < n; i++) {
		if (!order[i]->apply)
			continue;
		nlog_apply(order[i], img, &last, &need);
		rep->entries += order[i]->nvalid;
		rep->runs += order[i]->rep->runs;
	}
	hvle_finish_base(img, pri, base_src, &last);
	rep->format = HIVE_LOG_NEW;
	rep->have_last_seq = 1;
	rep->last_seq = last.seq;
	rep->new_seq = last.seq + 1;
	rep->hbins_after = last.hbins;
	rep->base_from_log = !pri->base_ok;
	*out = img;
	*out_len = need;
	return 0;
}

int
hv_log_new_replay(struct bk_errbuf *eb, const struct hive_log_primary *pri,
		    const struct hive_log_src *logs, struct hive_recover_log *lrep,
		    size_t nlogs, uint8_t **out, size_t *out_len,
		    struct hive_recover_report *rep)
{
	struct nlog l[HIVE_LOG_MAX_FILES], *order[HIVE_LOG_MAX_FILES], *t;
	size_t i, j, n = 0;
	uint32_t applied = 0;
	const char *why;

	for (i = 0; i < nlogs && i < HIVE_LOG_MAX_FILES; i++) {
		if (lrep[i].format != HIVE_LOG_NEW)
			continue;
		memset(&l[n], 0, sizeof(l[n]));
		l[n].src = &logs[i];
		l[n].rep = &lrep[i];
		why = hvle_header_check(&logs[i], &l[n].start);
		lrep[i].start_seq = l[n].start;
		if (why) {
			snprintf(lrep[i].note, sizeof(lrep[i].note), "rejected: %s", why);
			continue;
		}
		nlog_scan(&l[n]);
		/* Insertion by start sequence number, serial arithmetic. */
		for (j = n; j > 0 && !hv_seq_ge(l[n].start, order[j - 1]->start); j--)
			;
		t = &l[n];
		memmove(&order[j + 1], &order[j], (n - j) * sizeof(*order));
		order[j] = t;
		n++;
	}
	nlog_choose(pri, order, n);
	for (i = 0; i < n; i++)
		if (order[i]->apply)
			applied += order[i]->nvalid;
	if (applied == 0)
		return -BK_ELOG;
	return nlog_build(eb, pri, order, n, out, out_len, rep);
}
