/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared by the two halves of the VHDX driver: vhdx.c opens an image
 * (headers, region table, metadata, block table) and reads it;
 * vhdx-write.c changes one (write sessions, new blocks, the block table)
 * and creates new ones.  Both need the same layout constants, GUIDs and
 * in-memory state, so they live here rather than in disk-internal.h, which
 * the other formats include.  The on-disk layout is described in vhdx.c.
 */
#ifndef DISK_VHDX_INTERNAL_H
#define DISK_VHDX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disk-internal.h"

#define VHDX_HEADER1_OFF     (64u * 1024u)
#define VHDX_HEADER2_OFF     (128u * 1024u)
#define VHDX_HEADER_SIZE     4096u
#define VHDX_REGION1_OFF     (192u * 1024u)
#define VHDX_REGION2_OFF     (256u * 1024u)
#define VHDX_REGION_SIZE     (64u * 1024u)
#define VHDX_META_TABLE_SIZE (64u * 1024u)

#define PAYLOAD_NOT_PRESENT       0u
#define PAYLOAD_UNDEFINED         1u
#define PAYLOAD_ZERO              2u
#define PAYLOAD_UNMAPPED          3u
#define PAYLOAD_FULLY_PRESENT     6u
#define PAYLOAD_PARTIALLY_PRESENT 7u

/* Region and metadata item GUIDs, in their on-disk byte order (vhdx.c). */
extern const uint8_t vhdx_guid_bat[16];
extern const uint8_t vhdx_guid_metadata[16];
extern const uint8_t vhdx_guid_file_params[16];
extern const uint8_t vhdx_guid_disk_size[16];
extern const uint8_t vhdx_guid_page83[16];
extern const uint8_t vhdx_guid_lss[16];
extern const uint8_t vhdx_guid_pss[16];
extern const uint8_t vhdx_guid_parent_locator[16];

struct vhdx_header {
	uint32_t checksum;
	uint64_t seq;
	uint8_t file_write_guid[16];
	uint8_t data_write_guid[16];
	uint8_t log_guid[16];
	uint16_t log_version;
	uint16_t version;
	uint32_t log_length;
	uint64_t log_offset;
};

struct vhdx {
	struct vhdx_header hdr;         /* current header */
	int cur;                        /* its slot: 0 or 1 */
	bool session;                   /* headers bumped for this write session */
	uint64_t bat_off, meta_off;
	uint32_t bat_len, meta_len;
	uint32_t block_size, lss, pss;
	bool fixed;                     /* LeaveBlockAllocated */
	uint64_t chunk_ratio, data_blocks, total_entries;
	uint64_t *bat;
	uint64_t next_free;             /* 1 MiB aligned end for new blocks */
	bool bat_dirty;
	uint8_t page83[16];
	char creator[128];              /* ASCII form of the creator string */
	struct vhdx_overlay *ov;
	uint64_t file_size;             /* real size, for reads through the overlay */
	uint8_t *zero_block;
};

/* Block table index of payload block blk (skips the sector-bitmap entries). */
static inline uint64_t
bat_index(const struct vhdx *v, uint64_t blk)
{
	return blk + blk / v->chunk_ratio;
}

static inline uint64_t
mib_up(uint64_t x)
{
	return (x + DISK_MIB - 1) & ~(uint64_t)(DISK_MIB - 1);
}

/* vhdx.c: the driver table and the header's disk form. */
extern const struct disk_driver vhdx_driver;
void vhdx_header_write(const struct vhdx_header *h, uint8_t *p);

/* vhdx-write.c: the driver's write side. */
int vhdx_write_headers(struct disk *d, struct vhdx *v);
int vhdx_write(struct disk *d, uint64_t off, const void *buf, size_t len);
int vhdx_flush(struct disk *d);
int vhdx_locate(struct disk *d, uint64_t off, uint64_t len, bool alloc, uint64_t *file_off,
		uint64_t *run);

#endif
