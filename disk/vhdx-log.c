/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHDX log replay ([MS-VHDX] 2.3).  The log is a circular buffer of entries,
 * each a 4 KiB aligned run of: a header ("loge", CRC-32C over the whole
 * entry), descriptors ("desc": one 4 KiB sector of data to write; "zero": a
 * range to zero) and the data sectors ("data") of the desc descriptors.
 * The active sequence is the run of consecutive valid entries with the
 * highest sequence number, starting at the tail its last entry records.
 *
 * Replay either writes the sectors into the file, or (read-only handle)
 * keeps them as an overlay that container reads pass through, so that a
 * read-only open never modifies the file.
 */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "disk-internal.h"

#define LOG_SECTOR          4096u
#define LOG_HEADER_SIZE     64u
#define LOG_DESC_SIZE       32u
#define LOG_MAX_ENTRIES     65536u

struct ov_item {
	uint64_t off;
	uint64_t len;
	uint8_t *data;          /* len bytes, or NULL for zeros */
};

struct vhdx_overlay {
	struct ov_item *items;
	size_t n, cap;
	uint64_t end;
};

struct log_entry {
	uint32_t len;
	uint32_t tail;
	uint64_t seq;
	uint32_t ndesc;
	uint64_t flushed_off;
	uint64_t last_off;
};

struct log_ctx {
	struct disk *d;
	const uint8_t *log;     /* whole log region */
	uint32_t log_len;
	const uint8_t *guid;
	uint8_t *entry;         /* scratch for one unwrapped entry */
};

/* Copy len bytes at circular position pos of the log into out. */
static void
log_copy(const struct log_ctx *c, uint32_t pos, uint8_t *out, uint32_t len)
{
	uint32_t first = c->log_len - pos < len ? c->log_len - pos : len;

	memcpy(out, c->log + pos, first);
	memcpy(out + first, c->log, len - first);
}

static bool
desc_valid(const uint8_t *e, const struct log_entry *le, uint32_t *ndata)
{
	uint32_t i;

	*ndata = 0;
	for (i = 0; i < le->ndesc; i++) {
		const uint8_t *ds = e + LOG_HEADER_SIZE + (size_t)i * LOG_DESC_SIZE;
		bool is_data = memcmp(ds, "desc", 4) == 0;

		if (!is_data && memcmp(ds, "zero", 4) != 0)
			return false;
		if (bk_le64(ds + 24) != le->seq || bk_le64(ds + 16) % LOG_SECTOR)
			return false;
		if (!is_data && bk_le64(ds + 8) % LOG_SECTOR)
			return false;
		*ndata += is_data;
	}
	return true;
}

/* Validate the entry at pos; on success it is unwrapped in c->entry. */
static bool
log_entry_at(struct log_ctx *c, uint32_t pos, struct log_entry *le)
{
	uint8_t h[LOG_HEADER_SIZE];
	uint32_t hdr_sectors, ndata;
	uint8_t zero[4] = { 0 };
	uint32_t crc;

	log_copy(c, pos, h, sizeof(h));
	if (memcmp(h, "loge", 4) != 0 || memcmp(h + 32, c->guid, 16) != 0)
		return false;
	le->len = bk_le32(h + 8);
	le->tail = bk_le32(h + 12);
	le->seq = bk_le64(h + 16);
	le->ndesc = bk_le32(h + 24);
	le->flushed_off = bk_le64(h + 48);
	le->last_off = bk_le64(h + 56);
	if (le->len < LOG_SECTOR || le->len % LOG_SECTOR || le->len > c->log_len ||
	    le->tail % LOG_SECTOR || le->tail >= c->log_len || le->seq == 0 ||
	    le->ndesc > (le->len - LOG_HEADER_SIZE) / LOG_DESC_SIZE)
		return false;
	log_copy(c, pos, c->entry, le->len);
	crc = dk_crc32c(0, c->entry, 4);
	crc = dk_crc32c(crc, zero, 4);
	crc = dk_crc32c(crc, c->entry + 8, le->len - 8);
	if (crc != bk_le32(h + 4))
		return false;
	hdr_sectors = (LOG_HEADER_SIZE + le->ndesc * LOG_DESC_SIZE + LOG_SECTOR - 1) / LOG_SECTOR;
	if (!desc_valid(c->entry, le, &ndata) ||
	    (uint64_t)(hdr_sectors + ndata) * LOG_SECTOR > le->len)
		return false;
	return true;
}

struct log_seq {
	uint32_t start;         /* log position of the first entry */
	uint32_t count;
	uint64_t last_seq;
	uint32_t last_tail;
};

/* Follow consecutive entries from pos. */
static struct log_seq
log_follow(struct log_ctx *c, uint32_t pos)
{
	struct log_seq s = { pos, 0, 0, 0 };
	struct log_entry le;
	uint64_t walked = 0;

	while (s.count < LOG_MAX_ENTRIES && walked < c->log_len && log_entry_at(c, pos, &le)) {
		if (s.count > 0 && le.seq != s.last_seq + 1)
			break;
		s.count++;
		s.last_seq = le.seq;
		s.last_tail = le.tail;
		walked += le.len;
		pos = (uint32_t)((pos + le.len) % c->log_len);
	}
	return s;
}

static int
ov_add(struct disk *d, struct vhdx_overlay *ov, uint64_t off, uint64_t len, const uint8_t *data)
{
	struct ov_item *it;

	if (ov->n == ov->cap) {
		size_t cap = ov->cap ? ov->cap * 2 : 64;
		it = bk_realloc(ov->items, cap * sizeof(*it));
		if (!it)
			return dk_error(d, BK_ENOMEM, "out of memory for the VHDX log");
		ov->items = it;
		ov->cap = cap;
	}
	it = &ov->items[ov->n];
	it->off = off;
	it->len = len;
	it->data = NULL;
	if (data) {
		it->data = bk_malloc(len);
		if (!it->data)
			return dk_error(d, BK_ENOMEM, "out of memory for the VHDX log");
		memcpy(it->data, data, len);
	}
	ov->n++;
	if (off + len > ov->end)
		ov->end = off + len;
	return 0;
}

/* Turn the (valid, unwrapped) entry in c->entry into overlay items. */
static int
log_entry_apply(struct log_ctx *c, const struct log_entry *le, struct vhdx_overlay *ov)
{
	uint32_t hdr_sectors = (LOG_HEADER_SIZE + le->ndesc * LOG_DESC_SIZE + LOG_SECTOR - 1) /
			       LOG_SECTOR;
	const uint8_t *data = c->entry + (size_t)hdr_sectors * LOG_SECTOR;
	uint8_t sector[LOG_SECTOR];
	uint32_t i;
	int rc = 0;

	for (i = 0; i < le->ndesc && rc == 0; i++) {
		const uint8_t *ds = c->entry + LOG_HEADER_SIZE + (size_t)i * LOG_DESC_SIZE;
		uint64_t off = bk_le64(ds + 16);

		if (memcmp(ds, "zero", 4) == 0) {
			rc = ov_add(c->d, ov, off, bk_le64(ds + 8), NULL);
			continue;
		}
		if (memcmp(data, "data", 4) != 0 || bk_le32(data + 4) != (uint32_t)(le->seq >> 32) ||
		    bk_le32(data + 4092) != (uint32_t)le->seq)
			return dk_error(c->d, BK_ECORRUPT,
				      "VHDX log data sector does not match its entry");
		/* The sector's first 8 and last 4 bytes live in the descriptor. */
		memcpy(sector, ds + 8, 8);
		memcpy(sector + 8, data + 8, 4084);
		memcpy(sector + 4092, ds + 4, 4);
		rc = ov_add(c->d, ov, off, LOG_SECTOR, sector);
		data += LOG_SECTOR;
	}
	if (rc == 0 && le->last_off > ov->end)
		ov->end = le->last_off;
	return rc;
}

/* Find the active sequence and collect its writes in ov. */
static int
log_collect(struct log_ctx *c, struct vhdx_overlay *ov)
{
	struct log_seq best = { 0, 0, 0, 0 }, s;
	struct log_entry le;
	uint32_t pos, i;
	int rc = 0;

	for (pos = 0; pos < c->log_len; pos += LOG_SECTOR) {
		s = log_follow(c, pos);
		if (s.count && (s.last_seq > best.last_seq ||
				(s.last_seq == best.last_seq && s.count > best.count)))
			best = s;
	}
	if (!best.count)
		return dk_error(c->d, BK_ELOG,
				"the VHDX log is not empty but holds no valid entry");
	/* Start at the tail recorded by the newest entry, if it is in the run. */
	pos = best.start;
	for (i = 0; i < best.count && log_entry_at(c, pos, &le); i++) {
		if (pos == best.last_tail) {
			best.count -= i;
			best.start = pos;
			break;
		}
		pos = (pos + le.len) % c->log_len;
	}
	pos = best.start;
	for (i = 0; i < best.count && rc == 0; i++) {
		if (!log_entry_at(c, pos, &le))
			return dk_error(c->d, BK_ELOG, "VHDX log changed while reading");
		rc = log_entry_apply(c, &le, ov);
		pos = (pos + le.len) % c->log_len;
	}
	return rc;
}

/* Write the collected sectors into the file, then sync. */
static int
ov_write(struct disk *d, const struct vhdx_overlay *ov)
{
	static const uint8_t zero[LOG_SECTOR];
	uint64_t fsize, done;
	size_t i;
	int rc = 0;

	for (i = 0; i < ov->n && rc == 0; i++) {
		const struct ov_item *it = &ov->items[i];
		if (it->data) {
			rc = dk_pwrite(d, it->data, it->len, it->off);
			continue;
		}
		for (done = 0; done < it->len && rc == 0; done += LOG_SECTOR)
			rc = dk_pwrite(d, zero, LOG_SECTOR, it->off + done);
	}
	if (rc == 0)
		rc = dk_container_size(d, &fsize);
	if (rc == 0 && fsize < ov->end)
		rc = dk_container_truncate(d, ov->end);
	return rc < 0 ? rc : dk_container_sync(d);
}

int
vhdx_log_replay(struct disk *d, uint64_t log_off, uint32_t log_len, const uint8_t log_guid[16],
		bool write, struct vhdx_overlay **out)
{
	struct log_ctx c = { d, NULL, log_len, log_guid, NULL };
	struct vhdx_overlay *ov = bk_calloc(1, sizeof(*ov));
	uint8_t *log = bk_malloc(log_len ? log_len : 1), *entry = bk_malloc(log_len ? log_len : 1);
	int rc;

	*out = NULL;
	if (!ov || !log || !entry) {
		rc = dk_error(d, BK_ENOMEM, "out of memory for the VHDX log");
		goto out;
	}
	if (log_len == 0) {
		rc = dk_error(d, BK_ELOG, "the VHDX log is not empty but has no space");
		goto out;
	}
	c.log = log;
	c.entry = entry;
	rc = dk_pread(d, log, log_len, log_off);
	if (rc == 0)
		rc = log_collect(&c, ov);
	if (rc == 0 && write)
		rc = ov_write(d, ov);
	if (rc == 0 && !write) {
		*out = ov;
		ov = NULL;
	}
out:
	vhdx_overlay_free(ov);
	bk_free(log);
	bk_free(entry);
	return rc;
}

void
vhdx_overlay_apply(const struct vhdx_overlay *ov, uint8_t *buf, size_t len, uint64_t off)
{
	size_t i;

	/* In log order, so that a later write to the same sector wins. */
	for (i = 0; i < ov->n; i++) {
		const struct ov_item *it = &ov->items[i];
		uint64_t lo = it->off > off ? it->off : off;
		uint64_t hi = it->off + it->len < off + len ? it->off + it->len : off + len;

		if (lo >= hi)
			continue;
		if (it->data)
			memcpy(buf + (lo - off), it->data + (lo - it->off), hi - lo);
		else
			memset(buf + (lo - off), 0, hi - lo);
	}
}

uint64_t
vhdx_overlay_end(const struct vhdx_overlay *ov)
{
	return ov ? ov->end : 0;
}

void
vhdx_overlay_free(struct vhdx_overlay *ov)
{
	size_t i;

	if (!ov)
		return;
	for (i = 0; i < ov->n; i++)
		bk_free(ov->items[i].data);
	bk_free(ov->items);
	bk_free(ov);
}
