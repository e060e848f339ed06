/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHDX: the write side of the driver and the creation of new images.
 *
 * An existing image is changed in a write session ([MS-VHDX] 2.2.2.1): the
 * first write bumps both headers before any data moves.  New blocks go at
 * the 1 MiB aligned end of the file, data first, then their block table
 * entry.  A new image (or a conversion) is written into a temporary file;
 * there the table entries wait for the flush, which writes the whole table
 * at once.
 *
 * Opening and reading images is in vhdx.c, log replay in vhdx-log.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-guid.h"
#include "disk-internal.h"
#include "vhdx-internal.h"

/* New write-session GUIDs (and, for a new file, the page 83 identifier). */
static int
new_guids(struct disk *d, struct vhdx *v, bool page83)
{
	int rc = bk_guid_random(v->hdr.file_write_guid);

	if (rc == 0)
		rc = bk_guid_random(v->hdr.data_write_guid);
	if (rc == 0 && page83)
		rc = bk_guid_random(v->page83);
	if (rc < 0)
		return bk_err(&d->err, -rc, "%s: no random numbers for a new VHDX GUID", d->name);
	return 0;
}

/* ---- write session and data -------------------------------------------------- */

/*
 * Start a write session ([MS-VHDX] 2.2.2.1): new FileWriteGuid and
 * DataWriteGuid, a higher sequence number, written to the non-current slot
 * first and synced, then to the other, so that one valid header always
 * exists.  Also the way an emptied log is recorded (log_guid zeroed).
 */
int
vhdx_write_headers(struct disk *d, struct vhdx *v)
{
	uint8_t raw[VHDX_HEADER_SIZE];
	int i, slot, rc = new_guids(d, v, false);

	for (i = 0; i < 2 && rc == 0; i++) {
		slot = !v->cur;
		v->hdr.seq++;
		vhdx_header_write(&v->hdr, raw);
		rc = dk_pwrite(d, raw, sizeof(raw), slot ? VHDX_HEADER2_OFF : VHDX_HEADER1_OFF);
		if (rc == 0)
			rc = dk_container_sync(d);
		if (rc == 0)
			v->cur = slot;
	}
	if (rc == 0)
		v->session = true;
	return rc;
}

static int
vhdx_write_bat_entry(struct disk *d, struct vhdx *v, uint64_t idx)
{
	uint8_t e[8];

	bk_put_le64(e, v->bat[idx]);
	return dk_pwrite(d, e, 8, v->bat_off + idx * 8);
}

/* New block at the 1 MiB aligned end: data first, then its table entry
 * (deferred to the flush for a disk still in its temporary file). */
static int
vhdx_alloc_block(struct disk *d, struct vhdx *v, uint64_t blk, const uint8_t *p,
		 uint64_t in, size_t n)
{
	uint64_t base = v->next_free, idx = bat_index(v, blk);
	int rc = 0;

	if (n < v->block_size)
		rc = dk_zero_tail(d, base, v->block_size, &v->zero_block);
	if (rc == 0)
		rc = dk_pwrite(d, p, n, base + in);
	if (rc < 0)
		return rc;
	v->next_free = base + v->block_size;
	v->bat[idx] = (base / DISK_MIB) << 20 | PAYLOAD_FULLY_PRESENT;
	d->dirty = true;
	if (d->tmp_path) {
		v->bat_dirty = true;
		return 0;
	}
	return vhdx_write_bat_entry(d, v, idx);
}

int
vhdx_write(struct disk *d, uint64_t off, const void *buf, size_t len)
{
	struct vhdx *v = d->fmt;
	const uint8_t *p = buf;
	int rc = 0;

	if (!v->session && !d->tmp_path)
		rc = vhdx_write_headers(d, v);
	while (len > 0 && rc == 0) {
		uint64_t blk = off / v->block_size, in = off % v->block_size;
		uint64_t e = v->bat[bat_index(v, blk)];
		size_t n = v->block_size - in < len ? (size_t)(v->block_size - in) : len;

		if ((e & 7) == PAYLOAD_FULLY_PRESENT)
			rc = dk_pwrite(d, p, n, (e >> 20) * DISK_MIB + in);
		else if (!dk_is_zero(p, n))
			rc = vhdx_alloc_block(d, v, blk, p, in, n);
		p += n;
		off += n;
		len -= n;
	}
	return rc;
}

int
vhdx_flush(struct disk *d)
{
	struct vhdx *v = d->fmt;
	uint8_t *raw;
	uint64_t i;
	int rc;

	if (!v->bat_dirty)
		return 0;
	raw = bk_calloc(1, v->bat_len);
	if (!raw)
		return dk_error(d, BK_ENOMEM, "out of memory");
	for (i = 0; i < v->total_entries; i++)
		bk_put_le64(raw + i * 8, v->bat[i]);
	rc = dk_pwrite(d, raw, v->bat_len, v->bat_off);
	bk_free(raw);
	/* A new file ends right after its last block (a fixed disk's blocks
	 * were all placed at creation). */
	if (rc == 0 && d->tmp_path)
		rc = dk_container_truncate(d, v->next_free);
	if (rc == 0)
		v->bat_dirty = false;
	return rc;
}

int
vhdx_locate(struct disk *d, uint64_t off, uint64_t len, bool alloc, uint64_t *file_off,
	    uint64_t *run)
{
	struct vhdx *v = d->fmt;
	uint64_t blk = off / v->block_size, in = off % v->block_size, idx = bat_index(v, blk);
	int rc = 0;

	if (v->ov)
		return -BK_EUNSUPPORTED;
	*run = v->block_size - in < len ? v->block_size - in : len;
	if ((v->bat[idx] & 7) != PAYLOAD_FULLY_PRESENT) {
		if (!alloc) {
			*file_off = DISK_LOCATE_NONE;
			return 0;
		}
		if (!v->session && !d->tmp_path)
			rc = vhdx_write_headers(d, v);
		if (rc == 0)
			rc = vhdx_alloc_block(d, v, blk, NULL, 0, 0);
		if (rc < 0)
			return rc;
	}
	*file_off = (v->bat[idx] >> 20) * DISK_MIB + in;
	return 0;
}

/* ---- create -------------------------------------------------------------------- */

#define NEW_LOG_OFF   (1u * DISK_MIB)
#define NEW_META_OFF  (2u * DISK_MIB)
#define NEW_BAT_OFF   (3u * DISK_MIB)

static void
put_region(uint8_t *t, int i, const uint8_t *guid, uint64_t off, uint32_t len)
{
	uint8_t *e = t + 16 + i * 32;

	memcpy(e, guid, 16);
	bk_put_le64(e + 16, off);
	bk_put_le32(e + 24, len);
	bk_put_le32(e + 28, 1);     /* required */
}

/* File identifier, two headers and two region tables: the first 320 KiB. */
static int
vhdx_write_intro(struct disk *d, struct vhdx *v, uint8_t *buf)
{
	static const char creator[] = "bcdkit " PACKAGE_VERSION;
	uint8_t *t = buf + VHDX_REGION1_OFF;
	size_t i;

	memset(buf, 0, VHDX_REGION2_OFF + VHDX_REGION_SIZE);
	memcpy(buf, "vhdxfile", 8);
	for (i = 0; creator[i]; i++)
		bk_put_le16(buf + 8 + 2 * i, (uint16_t)creator[i]);
	snprintf(v->creator, sizeof(v->creator), "%s", creator);
	v->hdr.seq = 1;
	vhdx_header_write(&v->hdr, buf + VHDX_HEADER1_OFF);
	v->hdr.seq = 2;
	vhdx_header_write(&v->hdr, buf + VHDX_HEADER2_OFF);
	v->cur = 1;
	memcpy(t, "regi", 4);
	bk_put_le32(t + 8, 2);
	put_region(t, 0, vhdx_guid_bat, v->bat_off, v->bat_len);
	put_region(t, 1, vhdx_guid_metadata, v->meta_off, v->meta_len);
	bk_put_le32(t + 4, dk_crc32c(0, t, VHDX_REGION_SIZE));
	memcpy(buf + VHDX_REGION2_OFF, t, VHDX_REGION_SIZE);
	return dk_pwrite(d, buf, VHDX_REGION2_OFF + VHDX_REGION_SIZE, 0);
}

static void
put_meta(uint8_t *t, int i, const uint8_t *guid, uint32_t off, uint32_t len, uint32_t flags)
{
	uint8_t *e = t + 32 + i * 32;

	memcpy(e, guid, 16);
	bk_put_le32(e + 16, off);
	bk_put_le32(e + 20, len);
	bk_put_le32(e + 24, flags);
}

/* Metadata table and its five items, flags as Windows and qemu set them
 * (file parameters: required; the others: required + virtual disk), in the
 * order and at the offsets Windows 10 uses (the VHDX files it wrote in the
 * corpus): parameters, size, logical and physical sector size, page 83. */
static int
vhdx_write_meta(struct disk *d, struct vhdx *v, uint8_t *buf)
{
	uint8_t *it = buf + VHDX_META_TABLE_SIZE;

	memset(buf, 0, VHDX_META_TABLE_SIZE + 4096);
	memcpy(buf, "metadata", 8);
	bk_put_le16(buf + 10, 5);
	put_meta(buf, 0, vhdx_guid_file_params, VHDX_META_TABLE_SIZE, 8, 4);
	put_meta(buf, 1, vhdx_guid_disk_size, VHDX_META_TABLE_SIZE + 8, 8, 6);
	put_meta(buf, 2, vhdx_guid_lss, VHDX_META_TABLE_SIZE + 16, 4, 6);
	put_meta(buf, 3, vhdx_guid_pss, VHDX_META_TABLE_SIZE + 20, 4, 6);
	put_meta(buf, 4, vhdx_guid_page83, VHDX_META_TABLE_SIZE + 24, 16, 6);
	bk_put_le32(it, v->block_size);
	bk_put_le32(it + 4, v->fixed ? 1 : 0);
	bk_put_le64(it + 8, d->size);
	bk_put_le32(it + 16, v->lss);
	bk_put_le32(it + 20, v->pss);
	memcpy(it + 24, v->page83, 16);
	return dk_pwrite(d, buf, VHDX_META_TABLE_SIZE + 4096, v->meta_off);
}

static int
vhdx_layout(struct disk *d, struct vhdx *v, const struct disk_create_opts *o)
{
	uint64_t blk;
	int rc;

	v->block_size = o->block_size ? o->block_size : VHDX_DEFAULT_BLOCK;
	if (v->block_size < VHDX_MIN_BLOCK || v->block_size > VHDX_MAX_BLOCK)
		return dk_error(d, BK_EINVAL, "VHDX block size must be 1 to 256 MiB");
	/* 512-byte logical sectors (what BIOS boot and every tool expect),
	 * 4 KiB physical, as in both VHDX files Windows 10 wrote in the corpus
	 * (qemu-img writes 512; the value is a hint to the guest). */
	v->lss = DISK_SECTOR;
	v->pss = 4096;
	v->fixed = o->type == DISK_TYPE_FIXED;
	v->chunk_ratio = ((uint64_t)1 << 23) * v->lss / v->block_size;
	v->data_blocks = (d->size + v->block_size - 1) / v->block_size;
	v->total_entries = v->data_blocks + (v->data_blocks - 1) / v->chunk_ratio;
	if (v->total_entries * 8 > DISK_MAX_TABLE_BYTES)
		return dk_error(d, BK_ETOOBIG, "block table too large");
	v->meta_off = NEW_META_OFF;
	v->meta_len = DISK_MIB;
	v->bat_off = NEW_BAT_OFF;
	v->bat_len = (uint32_t)mib_up(v->total_entries * 8);
	v->bat = bk_calloc(v->total_entries, 8);
	if (!v->bat)
		return dk_error(d, BK_ENOMEM, "out of memory");
	v->next_free = v->bat_off + v->bat_len;
	for (blk = 0; v->fixed && blk < v->data_blocks; blk++) {
		v->bat[bat_index(v, blk)] = (v->next_free / DISK_MIB) << 20 | PAYLOAD_FULLY_PRESENT;
		v->next_free += v->block_size;
	}
	v->hdr.version = 1;
	v->hdr.log_offset = NEW_LOG_OFF;
	v->hdr.log_length = DISK_MIB;
	if ((rc = new_guids(d, v, true)) < 0)
		return rc;
	v->session = true;
	v->bat_dirty = true;
	return 0;
}

int
dk_vhdx_create(struct disk *d, const struct disk_create_opts *o)
{
	struct vhdx *v = bk_calloc(1, sizeof(*v));
	uint8_t *buf;
	int rc;

	if (!v)
		return dk_error(d, BK_ENOMEM, "out of memory");
	d->fmt = v;
	d->drv = &vhdx_driver;
	d->size = o->size;
	rc = vhdx_layout(d, v, o);
	if (rc < 0)
		return rc;
	buf = bk_malloc(VHDX_REGION2_OFF + VHDX_REGION_SIZE);
	if (!buf)
		return dk_error(d, BK_ENOMEM, "out of memory");
	rc = vhdx_write_intro(d, v, buf);
	if (rc == 0)
		rc = vhdx_write_meta(d, v, buf);
	bk_free(buf);
	return rc < 0 ? rc : vhdx_flush(d);
}
