/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHD (Virtual PC / Hyper-V "conectix") images: fixed and dynamic.
 *
 * Fixed: raw data followed by a 512-byte footer.  Dynamic: footer copy at 0,
 * dynamic header ("cxsparse") at the footer's data offset, block allocation
 * table (big-endian sector numbers, 0xFFFFFFFF = unallocated), then blocks of
 * [sector bitmap | block_size bytes], then the footer again at the end.
 *
 * Sizes.  The disk size is the footer's current_size, which is what Windows
 * and Hyper-V use.  qemu uses the CHS geometry instead unless the creator
 * application is one it trusts ("win ", "qem2", "d2v ", "CTXS", "tap\0"), so
 * we write creator "win " (version 10.0, host "Wi2k", as Windows 10 does):
 * then qemu-img, vhdiinfo and Windows all report the exact size asked for,
 * while the geometry is computed by the specification's algorithm (it rounds
 * down and is informational only).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-guid.h"
#include "disk-internal.h"

#define VHD_FOOTER_SIZE     512u
#define VHD_HEADER_SIZE     1024u
#define VHD_TYPE_FIXED      2u
#define VHD_TYPE_DYNAMIC    3u
#define VHD_TYPE_DIFF       4u
#define VHD_UNALLOCATED     0xFFFFFFFFu
#define VHD_EPOCH           946684800u   /* 2000-01-01 00:00:00 UTC */
#define VHD_TABLE_OFFSET    1536u

struct vhd_footer {
	uint32_t features;
	uint32_t version;
	uint64_t data_offset;
	uint32_t timestamp;
	char creator_app[5];
	uint32_t creator_version;
	uint32_t creator_host;
	uint64_t original_size;
	uint64_t current_size;
	uint16_t cylinders;
	uint8_t heads, spt;
	uint32_t type;
	uint32_t checksum;
	uint8_t uuid[16];
	uint8_t saved_state;
};

struct vhd_dyn_header {
	uint64_t data_offset;
	uint64_t table_offset;
	uint32_t version;
	uint32_t max_entries;
	uint32_t block_size;
	uint32_t checksum;
};

struct vhd {
	uint8_t footer_raw[VHD_FOOTER_SIZE];   /* reserved bytes carried through */
	struct vhd_footer f;
	bool dynamic;
	struct vhd_dyn_header h;
	uint32_t bitmap_size;
	uint32_t *bat;                          /* host order */
	uint64_t bat_bytes;                     /* on disk, padded to 512 */
	uint64_t next_free;                     /* where the next block goes */
	uint8_t *bitmap;                        /* all ones, for new blocks */
	uint8_t *zero_block;                    /* lazily allocated */
	bool bat_dirty;
};

static const struct disk_driver vhd_driver;

/* One's complement of the byte sum, skipping the checksum field. */
static uint32_t
vhd_checksum(const uint8_t *p, size_t len, size_t ck_off)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (i < ck_off || i >= ck_off + 4)
			s += p[i];
	return ~s;
}

static void
vhd_footer_read(const uint8_t *p, struct vhd_footer *f)
{
	f->features = bk_be32(p + 0x08);
	f->version = bk_be32(p + 0x0C);
	f->data_offset = bk_be64(p + 0x10);
	f->timestamp = bk_be32(p + 0x18);
	memcpy(f->creator_app, p + 0x1C, 4);
	f->creator_app[4] = '\0';
	f->creator_version = bk_be32(p + 0x20);
	f->creator_host = bk_be32(p + 0x24);
	f->original_size = bk_be64(p + 0x28);
	f->current_size = bk_be64(p + 0x30);
	f->cylinders = bk_be16(p + 0x38);
	f->heads = p[0x3A];
	f->spt = p[0x3B];
	f->type = bk_be32(p + 0x3C);
	f->checksum = bk_be32(p + 0x40);
	memcpy(f->uuid, p + 0x44, 16);
	f->saved_state = p[0x54];
}

/* Encode over p (whose reserved bytes are kept) and recompute the checksum. */
static void
vhd_footer_write(const struct vhd_footer *f, uint8_t *p)
{
	memcpy(p, "conectix", 8);
	bk_put_be32(p + 0x08, f->features);
	bk_put_be32(p + 0x0C, f->version);
	bk_put_be64(p + 0x10, f->data_offset);
	bk_put_be32(p + 0x18, f->timestamp);
	memcpy(p + 0x1C, f->creator_app, 4);
	bk_put_be32(p + 0x20, f->creator_version);
	bk_put_be32(p + 0x24, f->creator_host);
	bk_put_be64(p + 0x28, f->original_size);
	bk_put_be64(p + 0x30, f->current_size);
	bk_put_be16(p + 0x38, f->cylinders);
	p[0x3A] = f->heads;
	p[0x3B] = f->spt;
	bk_put_be32(p + 0x3C, f->type);
	memcpy(p + 0x44, f->uuid, 16);
	p[0x54] = f->saved_state;
	bk_put_be32(p + 0x40, vhd_checksum(p, VHD_FOOTER_SIZE, 0x40));
}

static void
vhd_header_read(const uint8_t *p, struct vhd_dyn_header *h)
{
	h->data_offset = bk_be64(p + 0x08);
	h->table_offset = bk_be64(p + 0x10);
	h->version = bk_be32(p + 0x18);
	h->max_entries = bk_be32(p + 0x1C);
	h->block_size = bk_be32(p + 0x20);
	h->checksum = bk_be32(p + 0x24);
}

static void
vhd_header_write(const struct vhd_dyn_header *h, uint8_t *p)
{
	memcpy(p, "cxsparse", 8);
	bk_put_be64(p + 0x08, h->data_offset);
	bk_put_be64(p + 0x10, h->table_offset);
	bk_put_be32(p + 0x18, h->version);
	bk_put_be32(p + 0x1C, h->max_entries);
	bk_put_be32(p + 0x20, h->block_size);
	bk_put_be32(p + 0x24, vhd_checksum(p, VHD_HEADER_SIZE, 0x24));
}

void
vhd_geometry(uint64_t sectors, uint32_t *cyl, uint32_t *heads, uint32_t *spt)
{
	uint64_t ts = sectors, cth;
	uint32_t h, s;

	if (ts > 65535ull * 16 * 255)
		ts = 65535ull * 16 * 255;
	if (ts >= 65535ull * 16 * 63) {
		s = 255;
		h = 16;
		cth = ts / s;
	} else {
		s = 17;
		cth = ts / s;
		h = (uint32_t)((cth + 1023) / 1024);
		if (h < 4)
			h = 4;
		if (cth >= h * 1024ull || h > 16) {
			s = 31;
			h = 16;
			cth = ts / s;
		}
		if (cth >= h * 1024ull) {
			s = 63;
			h = 16;
			cth = ts / s;
		}
	}
	*cyl = (uint32_t)(cth / h);
	*heads = h;
	*spt = s;
}

/* ---- open ---------------------------------------------------------------------- */

static void
vhd_free(struct disk *d)
{
	struct vhd *v = d->fmt;

	if (!v)
		return;
	bk_free(v->bat);
	bk_free(v->bitmap);
	bk_free(v->zero_block);
	bk_free(v);
	d->fmt = NULL;
}

static bool
footer_valid(const uint8_t *p)
{
	return memcmp(p, "conectix", 8) == 0 &&
	       bk_be32(p + 0x40) == vhd_checksum(p, VHD_FOOTER_SIZE, 0x40);
}

/*
 * Find the footer: at the end of the file (512 bytes, or 511 for images
 * from before Virtual PC 2004), else the copy at offset 0 only to say that
 * the end is damaged.  Returns 1 when this is not a VHD at all.
 */
static int
vhd_find_footer(struct disk *d, uint64_t fsize, uint8_t *foot, uint64_t *foot_off)
{
	uint8_t head[VHD_FOOTER_SIZE], tail[1024];
	size_t tlen = fsize < sizeof(tail) ? (size_t)fsize : sizeof(tail), i;
	bool head_ok;
	int rc;

	if (fsize < VHD_FOOTER_SIZE - 1)
		return 1;
	rc = dk_pread(d, tail, tlen, fsize - tlen);
	if (rc < 0)
		return rc;
	head_ok = fsize >= VHD_FOOTER_SIZE && dk_pread(d, head, sizeof(head), 0) == 0 &&
		  memcmp(head, "conectix", 8) == 0;
	for (i = tlen >= VHD_FOOTER_SIZE ? tlen - VHD_FOOTER_SIZE : 0; i + 511 <= tlen; i++) {
		if (memcmp(tail + i, "conectix", 8) != 0)
			continue;
		memset(foot, 0, VHD_FOOTER_SIZE);
		memcpy(foot, tail + i, tlen - i);
		if (!footer_valid(foot))
			return dk_error(d, BK_ECORRUPT,
					"VHD footer at offset %llu has a bad checksum",
					(unsigned long long)(fsize - tlen + i));
		*foot_off = fsize - tlen + i;
		return 0;
	}
	/* A cookie in the last 1 KiB that is not a whole footer: truncated. */
	for (i = 0; i + 8 <= tlen; i++)
		if (memcmp(tail + i, "conectix", 8) == 0 && tlen - i < 511)
			return dk_error(d, BK_ECORRUPT,
					"VHD footer truncated at the end of the file");
	if (head_ok)
		return dk_error(d, BK_ECORRUPT,
			      "VHD footer missing at the end of the file (truncated?)");
	return 1;
}

static int
vhd_check_footer(struct disk *d, struct vhd *v, uint64_t foot_off)
{
	struct vhd_footer *f = &v->f;

	if (f->type == VHD_TYPE_DIFF)
		return dk_error(d, BK_EUNSUPPORTED,
			      "differencing VHD images are not supported");
	if (f->type != VHD_TYPE_FIXED && f->type != VHD_TYPE_DYNAMIC)
		return dk_error(d, BK_ECORRUPT, "unknown VHD disk type %u", f->type);
	if (f->current_size > VHD_MAX_SIZE || f->current_size % DISK_SECTOR)
		return dk_error(d, BK_ECORRUPT, "bad VHD size %llu",
			      (unsigned long long)f->current_size);
	if (f->type == VHD_TYPE_FIXED && f->current_size > foot_off)
		return dk_error(d, BK_ECORRUPT,
			      "fixed VHD of %llu bytes but only %llu bytes of data (truncated?)",
			      (unsigned long long)f->current_size, (unsigned long long)foot_off);
	v->dynamic = f->type == VHD_TYPE_DYNAMIC;
	return 0;
}

static int
vhd_read_header(struct disk *d, struct vhd *v, uint64_t fsize)
{
	uint8_t raw[VHD_HEADER_SIZE];
	struct vhd_dyn_header *h = &v->h;
	uint64_t cover;
	int rc;

	if (v->f.data_offset > fsize || fsize - v->f.data_offset < VHD_HEADER_SIZE)
		return dk_error(d, BK_ECORRUPT, "VHD dynamic header offset %llu is past the end",
				(unsigned long long)v->f.data_offset);
	rc = dk_pread(d, raw, sizeof(raw), v->f.data_offset);
	if (rc < 0)
		return rc;
	vhd_header_read(raw, h);
	if (memcmp(raw, "cxsparse", 8) != 0 ||
	    h->checksum != vhd_checksum(raw, VHD_HEADER_SIZE, 0x24))
		return dk_error(d, BK_ECORRUPT, "bad VHD dynamic header at offset %llu",
				(unsigned long long)v->f.data_offset);
	if (h->block_size < VHD_MIN_BLOCK || h->block_size > VHD_MAX_BLOCK ||
	    (h->block_size & (h->block_size - 1)))
		return dk_error(d, BK_ECORRUPT, "bad VHD block size %u", h->block_size);
	cover = (uint64_t)h->max_entries * h->block_size;
	if (cover < v->f.current_size)
		return dk_error(d, BK_ECORRUPT,
			      "VHD block table (%u entries) does not cover the disk size",
			      h->max_entries);
	v->bat_bytes = ((uint64_t)h->max_entries * 4 + 511) & ~511ull;
	if (v->bat_bytes > DISK_MAX_TABLE_BYTES || h->table_offset > fsize ||
	    fsize - h->table_offset < v->bat_bytes)
		return dk_error(d, BK_ECORRUPT, "VHD block table at %llu is past the end",
				(unsigned long long)h->table_offset);
	v->bitmap_size = ((h->block_size / DISK_SECTOR + 7) / 8 + 511) & ~511u;
	return 0;
}

static int
vhd_read_bat(struct disk *d, struct vhd *v, uint64_t foot_off)
{
	uint64_t blk_bytes = (uint64_t)v->bitmap_size + v->h.block_size, off, end, start, need;
	uint32_t i;
	int rc;

	v->bat = bk_malloc(v->bat_bytes);
	v->bitmap = bk_malloc(v->bitmap_size);
	if (!v->bat || !v->bitmap)
		return dk_error(d, BK_ENOMEM, "out of memory for the block table");
	memset(v->bitmap, 0xFF, v->bitmap_size);
	rc = dk_pread(d, v->bat, v->bat_bytes, v->h.table_offset);
	if (rc < 0)
		return rc;
	v->next_free = v->h.table_offset + v->bat_bytes;
	for (i = 0; i < v->h.max_entries; i++) {
		v->bat[i] = bk_be32((const uint8_t *)&v->bat[i]);
		if (v->bat[i] == VHD_UNALLOCATED)
			continue;
		off = (uint64_t)v->bat[i] * DISK_SECTOR;
		end = off + blk_bytes;
		/* The last block only needs to reach the end of the disk. */
		start = (uint64_t)i * v->h.block_size;
		need = start >= v->f.current_size ? 0 : v->f.current_size - start;
		if (need > v->h.block_size)
			need = v->h.block_size;
		if (off + v->bitmap_size + need > foot_off)
			return dk_error(d, BK_ECORRUPT,
				      "VHD block table entry %u points past the end of the file (offset %llu)",
				      i, (unsigned long long)off);
		if (end > v->next_free)
			v->next_free = end;
	}
	return 0;
}

int
dk_vhd_open(struct disk *d, uint64_t fsize)
{
	uint8_t foot[VHD_FOOTER_SIZE];
	uint64_t foot_off = 0;
	struct vhd *v;
	int rc = vhd_find_footer(d, fsize, foot, &foot_off);

	if (rc != 0)
		return rc;
	v = bk_calloc(1, sizeof(*v));
	if (!v)
		return dk_error(d, BK_ENOMEM, "out of memory");
	d->fmt = v;
	memcpy(v->footer_raw, foot, sizeof(foot));
	vhd_footer_read(foot, &v->f);
	rc = vhd_check_footer(d, v, foot_off);
	if (rc == 0 && v->dynamic)
		rc = vhd_read_header(d, v, fsize);
	if (rc == 0 && v->dynamic)
		rc = vhd_read_bat(d, v, foot_off);
	if (rc < 0) {
		vhd_free(d);
		return rc;
	}
	if (v->dynamic && v->next_free < foot_off)
		v->next_free = foot_off;
	d->size = v->f.current_size;
	d->drv = &vhd_driver;
	return 0;
}

/* ---- data ------------------------------------------------------------------------- */

static uint64_t
block_data_off(const struct vhd *v, uint32_t blk)
{
	return (uint64_t)v->bat[blk] * DISK_SECTOR + v->bitmap_size;
}

static int
vhd_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	struct vhd *v = d->fmt;
	uint8_t *p = buf;
	int rc;

	if (!v->dynamic)
		return dk_pread(d, buf, len, off);
	while (len > 0) {
		uint32_t blk = (uint32_t)(off / v->h.block_size);
		uint64_t in = off % v->h.block_size;
		size_t n = v->h.block_size - in < len ? (size_t)(v->h.block_size - in) : len;

		/* Sector bitmaps are not consulted: in a dynamic (not differencing)
		 * disk the data of an allocated block is authoritative, as in qemu. */
		if (v->bat[blk] == VHD_UNALLOCATED) {
			memset(p, 0, n);
		} else {
			rc = dk_pread(d, p, n, block_data_off(v, blk) + in);
			if (rc < 0)
				return rc;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Write the footer at the current end (after the last block). */
static int
vhd_write_tail_footer(struct disk *d, struct vhd *v)
{
	return dk_pwrite(d, v->footer_raw, VHD_FOOTER_SIZE, v->next_free);
}

static int
vhd_write_bat_entry(struct disk *d, struct vhd *v, uint32_t blk)
{
	uint8_t e[4];

	bk_put_be32(e, v->bat[blk]);
	return dk_pwrite(d, e, 4, v->h.table_offset + (uint64_t)blk * 4);
}

/*
 * Allocate block blk at the end of the file with data p (n bytes at in, the
 * rest zeros).  Order for in-place edits as the specification's writers
 * do: bitmap and data, then the footer at the new end, then the table
 * entry, so that a crash leaves at worst an unreferenced block.  A disk in
 * its temporary file (disk_create) defers table and footer to the flush.
 */
static int
vhd_alloc_block(struct disk *d, struct vhd *v, uint32_t blk, const uint8_t *p,
		uint64_t in, size_t n)
{
	uint64_t base = v->next_free, data = base + v->bitmap_size;
	int rc = dk_pwrite(d, v->bitmap, v->bitmap_size, base);

	if (rc == 0 && n < v->h.block_size)
		rc = dk_zero_tail(d, data, v->h.block_size, &v->zero_block);
	if (rc == 0)
		rc = dk_pwrite(d, p, n, data + in);
	if (rc < 0)
		return rc;
	v->next_free = data + v->h.block_size;
	v->bat[blk] = (uint32_t)(base / DISK_SECTOR);
	d->dirty = true;
	if (d->tmp_path) {
		v->bat_dirty = true;
		return 0;
	}
	rc = vhd_write_tail_footer(d, v);
	return rc < 0 ? rc : vhd_write_bat_entry(d, v, blk);
}

static int
vhd_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	struct vhd *v = d->fmt;
	const uint8_t *p = buf;
	int rc = 0;

	if (!v->dynamic)
		return dk_pwrite(d, buf, len, off);
	while (len > 0 && rc == 0) {
		uint32_t blk = (uint32_t)(off / v->h.block_size);
		uint64_t in = off % v->h.block_size;
		size_t n = v->h.block_size - in < len ? (size_t)(v->h.block_size - in) : len;

		if (v->bat[blk] != VHD_UNALLOCATED)
			rc = dk_pwrite(d, p, n, block_data_off(v, blk) + in);
		else if (!dk_is_zero(p, n))
			rc = vhd_alloc_block(d, v, blk, p, in, n);
		p += n;
		off += n;
		len -= n;
	}
	return rc;
}

static int
vhd_flush(struct disk *d)
{
	struct vhd *v = d->fmt;
	uint8_t *raw;
	uint32_t i;
	int rc;

	if (!v->dynamic || !v->bat_dirty)
		return 0;
	raw = bk_malloc(v->bat_bytes);
	if (!raw)
		return dk_error(d, BK_ENOMEM, "out of memory");
	memset(raw, 0xFF, v->bat_bytes);
	for (i = 0; i < v->h.max_entries; i++)
		bk_put_be32(raw + (size_t)i * 4, v->bat[i]);
	rc = dk_pwrite(d, raw, v->bat_bytes, v->h.table_offset);
	bk_free(raw);
	if (rc == 0)
		rc = vhd_write_tail_footer(d, v);
	if (rc == 0)
		rc = dk_container_truncate(d, v->next_free + VHD_FOOTER_SIZE);
	if (rc == 0)
		v->bat_dirty = false;
	return rc;
}

static int
vhd_map(struct disk *d, uint64_t off, uint64_t len, uint64_t *run, int *alloc)
{
	struct vhd *v = d->fmt;
	uint64_t bs, done = 0;
	int state = -1;

	if (!v->dynamic)
		return dk_raw_map(d, off, len, run, alloc);
	bs = v->h.block_size;
	while (done < len) {
		uint32_t blk = (uint32_t)((off + done) / bs);
		int s = v->bat[blk] != VHD_UNALLOCATED;
		uint64_t n = bs - (off + done) % bs;

		if (state >= 0 && s != state)
			break;
		state = s;
		done += n < len - done ? n : len - done;
	}
	*run = done;
	*alloc = state;
	return 0;
}

static int
vhd_locate(struct disk *d, uint64_t off, uint64_t len, bool alloc, uint64_t *file_off,
	   uint64_t *run)
{
	struct vhd *v = d->fmt;
	uint32_t blk;
	uint64_t in;
	int rc;

	if (!v->dynamic)
		return dk_raw_locate(d, off, len, alloc, file_off, run);
	blk = (uint32_t)(off / v->h.block_size);
	in = off % v->h.block_size;
	*run = v->h.block_size - in < len ? v->h.block_size - in : len;
	if (v->bat[blk] == VHD_UNALLOCATED) {
		if (!alloc) {
			*file_off = DISK_LOCATE_NONE;
			return 0;
		}
		rc = vhd_alloc_block(d, v, blk, NULL, 0, 0);
		if (rc < 0)
			return rc;
	}
	*file_off = block_data_off(v, blk) + in;
	return 0;
}

static void
vhd_info(struct disk *d, struct disk_info *out)
{
	struct vhd *v = d->fmt;
	const struct vhd_footer *f = &v->f;
	uint32_t i, n = 0;
	char host[5];

	out->type = v->dynamic ? DISK_TYPE_DYNAMIC : DISK_TYPE_FIXED;
	out->cylinders = f->cylinders;
	out->heads = f->heads;
	out->sectors_per_track = f->spt;
	memcpy(out->disk_id, f->uuid, 16);
	bk_put_be32((uint8_t *)host, f->creator_host);
	host[4] = '\0';
	for (i = 0; i < 4; i++)
		if (host[i] && (host[i] < 0x20 || host[i] > 0x7e))
			host[i] = '?';
	snprintf(out->creator, sizeof(out->creator), "%.4s %u.%u %s", f->creator_app,
		 f->creator_version >> 16, f->creator_version & 0xFFFF, host);
	for (i = 0; i < sizeof(out->creator) && out->creator[i]; i++)
		if ((unsigned char)out->creator[i] < 0x20 || (unsigned char)out->creator[i] > 0x7e)
			out->creator[i] = '?';
	if (!v->dynamic) {
		out->allocated = d->size;
		return;
	}
	out->block_size = v->h.block_size;
	for (i = 0; i < v->h.max_entries; i++)
		n += v->bat[i] != VHD_UNALLOCATED;
	out->allocated = (uint64_t)n * v->h.block_size;
}

static const struct disk_driver vhd_driver = {
	.format = DISK_FORMAT_VHD,
	.read = vhd_read,
	.write = vhd_write,
	.flush = vhd_flush,
	.map = vhd_map,
	.info = vhd_info,
	.free = vhd_free,
	.locate = vhd_locate,
};

/* ---- create ------------------------------------------------------------------------ */

static int
vhd_new_footer(struct disk *d, struct vhd *v, const struct disk_create_opts *o)
{
	struct vhd_footer *f = &v->f;
	uint32_t c, h, s;
	time_t now = time(NULL);
	int rc;

	memset(f, 0, sizeof(*f));
	f->features = 2;
	f->version = 0x00010000;
	f->data_offset = o->type == DISK_TYPE_FIXED ? ~0ull : VHD_FOOTER_SIZE;
	f->timestamp = now > VHD_EPOCH ? (uint32_t)(now - VHD_EPOCH) : 0;
	memcpy(f->creator_app, "win ", 5);
	f->creator_version = 0x000a0000;
	f->creator_host = 0x5769326b;   /* "Wi2k" */
	f->original_size = o->size;
	f->current_size = o->size;
	vhd_geometry(o->size / DISK_SECTOR, &c, &h, &s);
	f->cylinders = (uint16_t)c;
	f->heads = (uint8_t)h;
	f->spt = (uint8_t)s;
	f->type = o->type == DISK_TYPE_FIXED ? VHD_TYPE_FIXED : VHD_TYPE_DYNAMIC;
	/* The unique id is an RFC 4122 UUID in its own (big-endian) order,
	 * not a GUID in Windows' stored order: the version is in byte 6. */
	if ((rc = bk_random(f->uuid, 16)) < 0)
		return bk_err(&d->err, -rc, "%s: no random numbers for the unique id", d->name);
	f->uuid[6] = (uint8_t)((f->uuid[6] & 0x0F) | 0x40);   /* RFC 4122 version 4 */
	f->uuid[8] = (uint8_t)((f->uuid[8] & 0x3F) | 0x80);
	memset(v->footer_raw, 0, sizeof(v->footer_raw));
	vhd_footer_write(f, v->footer_raw);
	return 0;
}

static int
vhd_create_dynamic(struct disk *d, struct vhd *v, uint32_t bs)
{
	uint8_t hdr[VHD_HEADER_SIZE];
	uint32_t i;
	int rc;

	memset(&v->h, 0, sizeof(v->h));
	v->h.data_offset = ~0ull;
	v->h.table_offset = VHD_TABLE_OFFSET;
	v->h.version = 0x00010000;
	v->h.max_entries = (uint32_t)((d->size + bs - 1) / bs);
	v->h.block_size = bs;
	v->bat_bytes = ((uint64_t)v->h.max_entries * 4 + 511) & ~511ull;
	v->bitmap_size = ((bs / DISK_SECTOR + 7) / 8 + 511) & ~511u;
	v->bat = bk_malloc(v->bat_bytes);
	v->bitmap = bk_malloc(v->bitmap_size);
	if (!v->bat || !v->bitmap)
		return dk_error(d, BK_ENOMEM, "out of memory");
	memset(v->bitmap, 0xFF, v->bitmap_size);
	for (i = 0; i < v->h.max_entries; i++)
		v->bat[i] = VHD_UNALLOCATED;
	v->next_free = VHD_TABLE_OFFSET + v->bat_bytes;
	memset(hdr, 0, sizeof(hdr));
	vhd_header_write(&v->h, hdr);
	rc = dk_pwrite(d, v->footer_raw, VHD_FOOTER_SIZE, 0);
	if (rc == 0)
		rc = dk_pwrite(d, hdr, sizeof(hdr), VHD_FOOTER_SIZE);
	v->bat_dirty = true;
	return rc < 0 ? rc : vhd_flush(d);
}

int
dk_vhd_create(struct disk *d, const struct disk_create_opts *o)
{
	uint32_t bs = o->block_size ? o->block_size : VHD_DEFAULT_BLOCK;
	struct vhd *v;
	int rc;

	if (bs < VHD_MIN_BLOCK || bs > VHD_MAX_BLOCK)
		return dk_error(d, BK_EINVAL, "VHD block size must be 4 KiB to 256 MiB");
	v = bk_calloc(1, sizeof(*v));
	if (!v)
		return dk_error(d, BK_ENOMEM, "out of memory");
	d->fmt = v;
	d->drv = &vhd_driver;
	d->size = o->size;
	if ((rc = vhd_new_footer(d, v, o)) < 0)
		return rc;
	v->dynamic = o->type != DISK_TYPE_FIXED;
	if (v->dynamic)
		return vhd_create_dynamic(d, v, bs);
	rc = dk_container_truncate(d, o->size);
	return rc < 0 ? rc : dk_pwrite(d, v->footer_raw, VHD_FOOTER_SIZE, o->size);
}
