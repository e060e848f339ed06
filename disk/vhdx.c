/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHDX ([MS-VHDX]) images: fixed and dynamic, 512- or 4096-byte sectors.
 *
 * Layout: file identifier (64 KiB), two headers (at 64 and 128 KiB, the one
 * with the larger sequence number and a good CRC-32C is current), two
 * copies of the region table (192 and 256 KiB) locating the block table
 * (BAT) and the metadata region, a log, and payload blocks at 1 MiB
 * aligned offsets.  The BAT interleaves one sector-bitmap entry after every
 * chunk_ratio payload entries; fixed and dynamic disks never use them.
 *
 * A non-empty log (LogGuid set) is replayed: in memory for a read-only
 * handle (the file is not touched), into the file for a writable one.
 *
 * This file opens and reads images; writing to them and creating new ones
 * is in vhdx-write.c, log replay in vhdx-log.c.
 */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "disk-internal.h"
#include "vhdx-internal.h"

#define VHDX_CREATOR_CHARS   256u

/* GUIDs in their on-disk byte order (first three fields little-endian). */
#define G(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) {                      \
	(uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24), \
	(uint8_t)(b), (uint8_t)((b) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8),  \
	d0, d1, d2, d3, d4, d5, d6, d7 }
const uint8_t vhdx_guid_bat[16] =
	G(0x2DC27766, 0xF623, 0x4200, 0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08);
const uint8_t vhdx_guid_metadata[16] =
	G(0x8B7CA206, 0x4790, 0x4B9A, 0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E);
const uint8_t vhdx_guid_file_params[16] =
	G(0xCAA16737, 0xFA36, 0x4D43, 0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B);
const uint8_t vhdx_guid_disk_size[16] =
	G(0x2FA54224, 0xCD1B, 0x4876, 0xB2, 0x11, 0x5D, 0xBE, 0xD8, 0x3B, 0xF4, 0xB8);
const uint8_t vhdx_guid_page83[16] =
	G(0xBECA12AB, 0xB2E6, 0x4523, 0x93, 0xEF, 0xC3, 0x09, 0xE0, 0x00, 0xC7, 0x46);
const uint8_t vhdx_guid_lss[16] =
	G(0x8141BF1D, 0xA96F, 0x4709, 0xBA, 0x47, 0xF2, 0x33, 0xA8, 0xFA, 0xAB, 0x5F);
const uint8_t vhdx_guid_pss[16] =
	G(0xCDA348C7, 0x445D, 0x4471, 0x9C, 0xC9, 0xE9, 0x88, 0x52, 0x51, 0xC5, 0x56);
const uint8_t vhdx_guid_parent_locator[16] =
	G(0xA8D35F2D, 0xB30B, 0x454D, 0xAB, 0xF7, 0xD3, 0xD8, 0x48, 0x34, 0xAB, 0x0C);
#undef G

static void
vhdx_header_read(const uint8_t *p, struct vhdx_header *h)
{
	h->checksum = bk_le32(p + 4);
	h->seq = bk_le64(p + 8);
	memcpy(h->file_write_guid, p + 16, 16);
	memcpy(h->data_write_guid, p + 32, 16);
	memcpy(h->log_guid, p + 48, 16);
	h->log_version = bk_le16(p + 64);
	h->version = bk_le16(p + 66);
	h->log_length = bk_le32(p + 68);
	h->log_offset = bk_le64(p + 72);
}

/* Encode into a zeroed 4 KiB buffer and compute the CRC-32C. */
void
vhdx_header_write(const struct vhdx_header *h, uint8_t *p)
{
	memset(p, 0, VHDX_HEADER_SIZE);
	memcpy(p, "head", 4);
	bk_put_le64(p + 8, h->seq);
	memcpy(p + 16, h->file_write_guid, 16);
	memcpy(p + 32, h->data_write_guid, 16);
	memcpy(p + 48, h->log_guid, 16);
	bk_put_le16(p + 64, h->log_version);
	bk_put_le16(p + 66, h->version);
	bk_put_le32(p + 68, h->log_length);
	bk_put_le64(p + 72, h->log_offset);
	bk_put_le32(p + 4, dk_crc32c(0, p, VHDX_HEADER_SIZE));
}

/* CRC-32C of a structure whose checksum field (4 bytes at 4) counts as 0. */
static uint32_t
crc_skip_field(const uint8_t *p, size_t len)
{
	static const uint8_t zero[4];
	uint32_t c = dk_crc32c(0, p, 4);

	c = dk_crc32c(c, zero, 4);
	return dk_crc32c(c, p + 8, len - 8);
}

static bool
guid_is_zero(const uint8_t *g)
{
	static const uint8_t zero[16];

	return memcmp(g, zero, 16) == 0;
}

/* Container read through the replayed log, if any. */
static int
vx_pread(struct disk *d, struct vhdx *v, void *buf, size_t len, uint64_t off)
{
	size_t in = len;
	int rc;

	/* A replayed log may have grown the file beyond its real end. */
	if (v->ov && off + len > v->file_size && off + len <= vhdx_overlay_end(v->ov)) {
		in = off >= v->file_size ? 0 : (size_t)(v->file_size - off);
		memset((uint8_t *)buf + in, 0, len - in);
	}
	rc = dk_pread(d, buf, in, off);
	if (rc == 0 && v->ov)
		vhdx_overlay_apply(v->ov, buf, len, off);
	return rc;
}

static void
vhdx_free(struct disk *d)
{
	struct vhdx *v = d->fmt;

	if (!v)
		return;
	bk_free(v->bat);
	bk_free(v->zero_block);
	vhdx_overlay_free(v->ov);
	bk_free(v);
	d->fmt = NULL;
}

/* ---- open: headers, log, regions, metadata, BAT -------------------------------- */

static int
vhdx_read_headers(struct disk *d, struct vhdx *v)
{
	uint8_t raw[VHDX_HEADER_SIZE];
	struct vhdx_header h[2];
	bool ok[2];
	int i, rc;

	for (i = 0; i < 2; i++) {
		rc = dk_pread(d, raw, sizeof(raw), i ? VHDX_HEADER2_OFF : VHDX_HEADER1_OFF);
		if (rc < 0)
			return rc;
		vhdx_header_read(raw, &h[i]);
		ok[i] = memcmp(raw, "head", 4) == 0 && h[i].checksum == crc_skip_field(raw, sizeof(raw));
	}
	if (!ok[0] && !ok[1])
		return dk_error(d, BK_ECORRUPT, "both VHDX headers are damaged (bad checksum)");
	v->cur = ok[0] && ok[1] ? (h[1].seq > h[0].seq) : ok[1];
	v->hdr = h[v->cur];
	if (v->hdr.version != 1)
		return dk_error(d, BK_EUNSUPPORTED, "VHDX version %u is not supported",
				v->hdr.version);
	if (v->hdr.log_offset % DISK_MIB || v->hdr.log_length % DISK_MIB ||
	    v->hdr.log_length > VHDX_MAX_LOG || v->hdr.log_offset < DISK_MIB)
		return dk_error(d, BK_ECORRUPT, "bad VHDX log location %llu+%u",
			      (unsigned long long)v->hdr.log_offset, v->hdr.log_length);
	return 0;
}

static int
vhdx_region_check(struct disk *d, const uint8_t *e, uint64_t *off, uint32_t *len)
{
	*off = bk_le64(e + 16);
	*len = bk_le32(e + 24);
	if (*off < DISK_MIB || *off % DISK_MIB || *len == 0 || *len % DISK_MIB)
		return dk_error(d, BK_ECORRUPT, "bad VHDX region at %llu length %u",
			      (unsigned long long)*off, *len);
	return 0;
}

static int
vhdx_parse_regions(struct disk *d, struct vhdx *v, const uint8_t *t)
{
	uint32_t n = bk_le32(t + 8), i;
	int rc;

	if (n > VHDX_MAX_REGIONS)
		return dk_error(d, BK_ECORRUPT, "VHDX region table has %u entries", n);
	for (i = 0; i < n; i++) {
		const uint8_t *e = t + 16 + (size_t)i * 32;

		if (memcmp(e, vhdx_guid_bat, 16) == 0)
			rc = vhdx_region_check(d, e, &v->bat_off, &v->bat_len);
		else if (memcmp(e, vhdx_guid_metadata, 16) == 0)
			rc = vhdx_region_check(d, e, &v->meta_off, &v->meta_len);
		else if (bk_le32(e + 28) & 1)
			return dk_error(d, BK_EUNSUPPORTED, "unknown required VHDX region");
		else
			rc = 0;
		if (rc < 0)
			return rc;
	}
	if (!v->bat_len || !v->meta_len)
		return dk_error(d, BK_ECORRUPT, "VHDX region table lacks the %s region",
				v->bat_len ? "metadata" : "block table");
	return 0;
}

static int
vhdx_read_regions(struct disk *d, struct vhdx *v)
{
	uint8_t *t = bk_malloc(VHDX_REGION_SIZE);
	int i, rc = 0;

	if (!t)
		return dk_error(d, BK_ENOMEM, "out of memory");
	for (i = 0; i < 2; i++) {
		rc = vx_pread(d, v, t, VHDX_REGION_SIZE, i ? VHDX_REGION2_OFF : VHDX_REGION1_OFF);
		if (rc < 0)
			break;
		if (memcmp(t, "regi", 4) == 0 && bk_le32(t + 4) == crc_skip_field(t, VHDX_REGION_SIZE))
			break;
		rc = dk_error(d, BK_ECORRUPT, "both VHDX region tables are damaged (bad checksum)");
	}
	if (rc == 0)
		rc = vhdx_parse_regions(d, v, t);
	bk_free(t);
	return rc;
}

/* Copy one metadata item into out (exactly len bytes expected). */
static int
meta_item(struct disk *d, struct vhdx *v, const uint8_t *e, uint8_t *out, uint32_t want)
{
	uint32_t off = bk_le32(e + 16), len = bk_le32(e + 20);

	if (len != want || off < VHDX_META_TABLE_SIZE || off > v->meta_len ||
	    len > v->meta_len - off)
		return dk_error(d, BK_ECORRUPT, "bad VHDX metadata item at %u length %u", off, len);
	return vx_pread(d, v, out, len, v->meta_off + off);
}

static int
vhdx_meta_entry(struct disk *d, struct vhdx *v, const uint8_t *e, unsigned *seen,
		uint64_t *size, uint32_t *fp_flags)
{
	uint8_t b[16];
	int rc = 0;

	if (memcmp(e, vhdx_guid_file_params, 16) == 0 && (rc = meta_item(d, v, e, b, 8)) == 0) {
		v->block_size = bk_le32(b);
		*fp_flags = bk_le32(b + 4);
		*seen |= 1;
	} else if (memcmp(e, vhdx_guid_disk_size, 16) == 0 && (rc = meta_item(d, v, e, b, 8)) == 0) {
		*size = bk_le64(b);
		*seen |= 2;
	} else if (memcmp(e, vhdx_guid_lss, 16) == 0 && (rc = meta_item(d, v, e, b, 4)) == 0) {
		v->lss = bk_le32(b);
		*seen |= 4;
	} else if (memcmp(e, vhdx_guid_pss, 16) == 0 && (rc = meta_item(d, v, e, b, 4)) == 0) {
		v->pss = bk_le32(b);
		*seen |= 8;
	} else if (memcmp(e, vhdx_guid_page83, 16) == 0 && (rc = meta_item(d, v, e, b, 16)) == 0) {
		memcpy(v->page83, b, 16);
	} else if (memcmp(e, vhdx_guid_parent_locator, 16) == 0) {
		*fp_flags |= 2;
	} else if (rc == 0 && (bk_le32(e + 24) & 4)) {
		return dk_error(d, BK_EUNSUPPORTED, "unknown required VHDX metadata item");
	}
	return rc;
}

static int
vhdx_check_params(struct disk *d, struct vhdx *v, unsigned seen, uint64_t size, uint32_t fpf)
{
	if (seen != 15)
		return dk_error(d, BK_ECORRUPT, "VHDX metadata lacks required items");
	if (fpf & 2)
		return dk_error(d, BK_EUNSUPPORTED,
			      "differencing VHDX images are not supported");
	if (v->block_size < VHDX_MIN_BLOCK || v->block_size > VHDX_MAX_BLOCK ||
	    (v->block_size & (v->block_size - 1)))
		return dk_error(d, BK_ECORRUPT, "bad VHDX block size %u",
			      v->block_size);
	if ((v->lss != 512 && v->lss != 4096) || (v->pss != 512 && v->pss != 4096))
		return dk_error(d, BK_ECORRUPT, "bad VHDX sector sizes %u/%u",
			      v->lss, v->pss);
	if (size == 0 || size > VHDX_MAX_SIZE || size % v->lss)
		return dk_error(d, BK_ECORRUPT, "bad VHDX virtual size %llu",
			      (unsigned long long)size);
	v->fixed = fpf & 1;
	d->size = size;
	v->chunk_ratio = ((uint64_t)1 << 23) * v->lss / v->block_size;
	v->data_blocks = (size + v->block_size - 1) / v->block_size;
	v->total_entries = v->data_blocks + (v->data_blocks - 1) / v->chunk_ratio;
	if (v->total_entries * 8 > v->bat_len || v->total_entries * 8 > DISK_MAX_TABLE_BYTES)
		return dk_error(d, BK_ECORRUPT, "VHDX block table region too small (%u bytes)",
				v->bat_len);
	return 0;
}

static int
vhdx_read_metadata(struct disk *d, struct vhdx *v)
{
	uint8_t *t = bk_malloc(VHDX_META_TABLE_SIZE);
	uint64_t size = 0;
	uint32_t fpf = 0, n, i;
	unsigned seen = 0;
	int rc;

	if (!t)
		return dk_error(d, BK_ENOMEM, "out of memory");
	rc = vx_pread(d, v, t, VHDX_META_TABLE_SIZE, v->meta_off);
	if (rc == 0 && memcmp(t, "metadata", 8) != 0)
		rc = dk_error(d, BK_ECORRUPT, "bad VHDX metadata table signature");
	n = bk_le16(t + 10);
	if (rc == 0 && n > VHDX_MAX_METADATA)
		rc = dk_error(d, BK_ECORRUPT, "VHDX metadata table has %u entries", n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = vhdx_meta_entry(d, v, t + 32 + (size_t)i * 32, &seen, &size, &fpf);
	bk_free(t);
	return rc < 0 ? rc : vhdx_check_params(d, v, seen, size, fpf);
}

static int
vhdx_read_bat(struct disk *d, struct vhdx *v, uint64_t fsize)
{
	uint64_t i, end, off, blk, need;
	unsigned st;
	int rc;

	v->bat = bk_malloc(v->total_entries * 8);
	if (!v->bat)
		return dk_error(d, BK_ENOMEM, "out of memory for the block table");
	rc = vx_pread(d, v, v->bat, v->total_entries * 8, v->bat_off);
	if (rc < 0)
		return rc;
	end = mib_up(fsize);
	for (i = 0; i < v->total_entries; i++) {
		v->bat[i] = bk_le64((const uint8_t *)&v->bat[i]);
		st = v->bat[i] & 7;
		off = (v->bat[i] >> 20) * DISK_MIB;
		if ((i + 1) % (v->chunk_ratio + 1) == 0)
			continue;   /* sector-bitmap entry: unused without a parent */
		if (st == PAYLOAD_PARTIALLY_PRESENT || st == 4 || st == 5)
			return dk_error(d, BK_ECORRUPT, "VHDX block table entry %llu has state %u",
					(unsigned long long)i, st);
		if (st != PAYLOAD_FULLY_PRESENT)
			continue;
		/* The last block only needs to reach the end of the disk. */
		blk = i - i / (v->chunk_ratio + 1);
		need = d->size - blk * v->block_size < v->block_size ?
		       d->size - blk * v->block_size : v->block_size;
		if (off < DISK_MIB || off > fsize || fsize - off < need)
			return dk_error(d, BK_ECORRUPT,
				      "VHDX block table entry %llu points past the end of the file (offset %llu)",
				      (unsigned long long)i, (unsigned long long)off);
		if (off + v->block_size > end)
			end = mib_up(off + v->block_size);
	}
	v->next_free = end;
	return 0;
}

static void
vhdx_read_creator(struct disk *d, struct vhdx *v)
{
	uint8_t raw[VHDX_CREATOR_CHARS * 2];
	size_t i, o = 0;

	if (vx_pread(d, v, raw, sizeof(raw), 8) < 0)
		return;
	/* Plain ASCII is all anyone writes here; show anything else as '?'. */
	for (i = 0; i < VHDX_CREATOR_CHARS && o + 1 < sizeof(v->creator); i++) {
		uint16_t c = bk_le16(raw + 2 * i);
		if (!c)
			break;
		v->creator[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	v->creator[o] = '\0';
	bk_err_clear(&d->err);
}

static int
vhdx_begin_log(struct disk *d, struct vhdx *v, uint64_t fsize)
{
	bool write = d->writable;
	int rc;

	if (guid_is_zero(v->hdr.log_guid))
		return 0;
	if (d->flags & DISK_OPEN_NO_REPLAY)
		return dk_error(d, BK_ELOG, "the VHDX log is not empty (replay it first)");
	if (v->hdr.log_offset > fsize || fsize - v->hdr.log_offset < v->hdr.log_length)
		return dk_error(d, BK_ECORRUPT, "VHDX log is past the end of the file");
	rc = vhdx_log_replay(d, v->hdr.log_offset, v->hdr.log_length, v->hdr.log_guid, write,
			     &v->ov);
	if (rc < 0)
		return rc;
	d->log_replayed = true;
	dk_msg(d, "%s: replayed the VHDX log%s", d->name, write ? "" : " in memory");
	return 0;
}

int
dk_vhdx_open(struct disk *d, uint64_t fsize)
{
	uint8_t sig[8];
	struct vhdx *v;
	int rc;

	if (fsize < DISK_MIB)
		return 1;
	rc = dk_pread(d, sig, sizeof(sig), 0);
	if (rc < 0)
		return rc;
	if (memcmp(sig, "vhdxfile", 8) != 0)
		return 1;
	v = bk_calloc(1, sizeof(*v));
	if (!v)
		return dk_error(d, BK_ENOMEM, "out of memory");
	d->fmt = v;
	rc = vhdx_read_headers(d, v);
	if (rc == 0)
		rc = vhdx_begin_log(d, v, fsize);
	if (rc == 0 && d->log_replayed && d->writable) {
		memset(v->hdr.log_guid, 0, 16);
		rc = vhdx_write_headers(d, v);
		if (rc == 0)
			rc = dk_container_size(d, &fsize);
	}
	v->file_size = fsize;
	if (rc == 0 && v->ov && vhdx_overlay_end(v->ov) > fsize)
		fsize = vhdx_overlay_end(v->ov);
	if (rc == 0)
		rc = vhdx_read_regions(d, v);
	if (rc == 0)
		rc = vhdx_read_metadata(d, v);
	if (rc == 0)
		rc = vhdx_read_bat(d, v, fsize);
	if (rc < 0) {
		vhdx_free(d);
		return rc;
	}
	vhdx_read_creator(d, v);
	d->drv = &vhdx_driver;
	return 0;
}

/* ---- data ---------------------------------------------------------------------- */

static int
vhdx_read(struct disk *d, uint64_t off, void *buf, size_t len)
{
	struct vhdx *v = d->fmt;
	uint8_t *p = buf;
	int rc;

	while (len > 0) {
		uint64_t blk = off / v->block_size, in = off % v->block_size;
		uint64_t e = v->bat[bat_index(v, blk)];
		size_t n = v->block_size - in < len ? (size_t)(v->block_size - in) : len;

		/* NOT_PRESENT, UNDEFINED, ZERO and UNMAPPED all read as zeros on a
		 * disk without a parent. */
		if ((e & 7) == PAYLOAD_FULLY_PRESENT) {
			rc = vx_pread(d, v, p, n, (e >> 20) * DISK_MIB + in);
			if (rc < 0)
				return rc;
		} else {
			memset(p, 0, n);
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int
vhdx_map(struct disk *d, uint64_t off, uint64_t len, uint64_t *run, int *alloc)
{
	struct vhdx *v = d->fmt;
	uint64_t done = 0;
	int state = -1;

	while (done < len) {
		uint64_t blk = (off + done) / v->block_size;
		int s = (v->bat[bat_index(v, blk)] & 7) == PAYLOAD_FULLY_PRESENT;
		uint64_t n = v->block_size - (off + done) % v->block_size;

		if (state >= 0 && s != state)
			break;
		state = s;
		done += n < len - done ? n : len - done;
	}
	*run = done;
	*alloc = state;
	return 0;
}

static void
vhdx_info(struct disk *d, struct disk_info *out)
{
	struct vhdx *v = d->fmt;
	uint64_t blk, n = 0;

	out->type = v->fixed ? DISK_TYPE_FIXED : DISK_TYPE_DYNAMIC;
	out->block_size = v->block_size;
	out->logical_sector = v->lss;
	out->physical_sector = v->pss;
	memcpy(out->disk_id, v->page83, 16);
	_Static_assert(sizeof(out->creator) == sizeof(v->creator), "creator sizes");
	memcpy(out->creator, v->creator, sizeof(out->creator));
	for (blk = 0; blk < v->data_blocks; blk++)
		n += (v->bat[bat_index(v, blk)] & 7) == PAYLOAD_FULLY_PRESENT;
	out->allocated = n * v->block_size;
}

const struct disk_driver vhdx_driver = {
	.format = DISK_FORMAT_VHDX,
	.read = vhdx_read,
	.write = vhdx_write,
	.flush = vhdx_flush,
	.map = vhdx_map,
	.info = vhdx_info,
	.free = vhdx_free,
	.locate = vhdx_locate,
};
