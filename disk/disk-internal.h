/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of libbcdkit-disk: the handle, the container I/O helpers and the
 * per-format drivers (raw, VHD, VHDX).
 */
#ifndef DISK_INTERNAL_H
#define DISK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bcdkit/disk.h"
#include "bk-error.h"
#include "bk-lock.h"
#include "bk-safefile.h"

/* ---- limits against hostile input ----------------------------------------- */

#define DISK_SECTOR             512u
#define DISK_MIB                (1024u * 1024u)
/* VHD: 0xFF000000 sectors, about 2040 GiB, as Virtual PC and qemu allow. */
#define VHD_MAX_SECTORS         0xFF000000ull
#define VHD_MAX_SIZE            (VHD_MAX_SECTORS * DISK_SECTOR)
#define VHD_MIN_BLOCK           (4u * 1024u)
#define VHD_MAX_BLOCK           (256u * DISK_MIB)
#define VHD_DEFAULT_BLOCK       (2u * DISK_MIB)
/* VHDX: 64 TiB virtual size, block sizes 1-256 MiB ([MS-VHDX] 2.6.2.1). */
#define VHDX_MAX_SIZE           (64ull << 40)
#define VHDX_MIN_BLOCK          (1u * DISK_MIB)
#define VHDX_MAX_BLOCK          (256u * DISK_MIB)
#define VHDX_DEFAULT_BLOCK      (32u * DISK_MIB)
#define VHDX_MAX_REGIONS        2047u
#define VHDX_MAX_METADATA       2047u
#define VHDX_MAX_LOG            (256u * DISK_MIB)
/* The block table is read whole into memory; refuse anything bigger. */
#define DISK_MAX_TABLE_BYTES    (256u * DISK_MIB)

/* ---- handle ------------------------------------------------------------------ */

struct disk;

/* One container format.  Offsets and lengths are already checked against the
 * virtual size and sector-independent. */
struct disk_driver {
	enum disk_format format;
	int (*read)(struct disk *d, uint64_t off, void *buf, size_t len);
	int (*write)(struct disk *d, uint64_t off, const void *buf, size_t len);
	int (*flush)(struct disk *d);    /* write metadata (not sync) */
	int (*map)(struct disk *d, uint64_t off, uint64_t len, uint64_t *run, int *alloc);
	void (*info)(struct disk *d, struct disk_info *out);
	void (*free)(struct disk *d);
	/*
	 * Where [off, off + len) lives in the container: *file_off for the
	 * leading *run bytes (> 0, <= len) that are contiguous there, or
	 * DISK_LOCATE_NONE when they are not stored (they read as zeros).
	 * With alloc, a missing block is allocated first (its data reads as
	 * zeros until written).  -BK_EUNSUPPORTED when the data must go
	 * through read() (a VHDX log replayed in memory).  Used by the
	 * conversion to copy with copy_file_range().
	 */
	int (*locate)(struct disk *d, uint64_t off, uint64_t len, bool alloc,
		      uint64_t *file_off, uint64_t *run);
};

#define DISK_LOCATE_NONE UINT64_MAX

/*
 * Record an error on the disk, "<name>: <detail>", and return -code: the
 * detail is given without the image's name, which the handle adds.
 */
#define dk_error(d, code, ...) bk_error(&(d)->err, (code), __VA_ARGS__)

struct disk {
	struct bk_errbuf err;
	char *name;                 /* path or caller's name, for messages */
	const struct disk_io_ops *io;
	void *io_priv;
	const struct disk_driver *drv;
	void *fmt;                  /* driver state */
	uint64_t size;              /* virtual size */
	unsigned flags;
	bool writable;
	bool dirty;                 /* metadata to write on flush */
	bool block_device;
	bool log_replayed;
	/* disk_create(): temporary file renamed to final_path by disk_commit().
	 * tmp_path is set (the temporary's name) while the disk is new. */
	char *tmp_path;
	char *final_path;
	bool committed;
	struct bk_target tgt;       /* the file disk_commit() replaces or makes */
	struct bk_temp tmp;         /* its temporary, locked while we live */
	struct bk_lock *lock;       /* on the opened file (or the replaced one) */
	disk_msg_cb msg_cb;
	void *msg_data;
};

/* ---- io.c: container access --------------------------------------------------- */

/* POSIX file backend; the file descriptor is owned by the priv state. */
int dk_io_file_open(struct bk_errbuf *eb, const char *path, int oflags, mode_t mode,
		      const struct disk_io_ops **ops, void **priv, bool *blockdev);
extern const struct disk_io_ops dk_io_file_ops;
/* The same for an open descriptor, which it takes over (not on failure). */
int dk_io_file_adopt(struct bk_errbuf *eb, int fd, const char *path,
		       const struct disk_io_ops **ops, void **priv, bool *blockdev);
/* File descriptor behind a file backend (-1 for other backends). */
int dk_io_file_fd(const struct disk *d);

/* Checked container reads and writes with a detail message on failure. */
int dk_pread(struct disk *d, void *buf, size_t len, uint64_t off);
int dk_pwrite(struct disk *d, const void *buf, size_t len, uint64_t off);
int dk_container_size(struct disk *d, uint64_t *out);
int dk_container_sync(struct disk *d);
int dk_container_truncate(struct disk *d, uint64_t len);
/* True for a file on tmpfs or ramfs (memory only, never written back). */
bool dk_container_in_memory(const struct disk *d);
/* Start writeback of the container's dirty pages (a hint; file backend only). */
void dk_container_writeback(struct disk *d);

/*
 * Make [off, off + len) of the container read as zeros before a partial
 * write into a newly allocated block there.  New blocks always start at or
 * past the end of the file, so extending the file (a hole) is enough; a
 * backend without truncate gets zeros written from *zbuf (allocated on
 * first use, freed by the caller).
 */
int dk_zero_tail(struct disk *d, uint64_t off, uint64_t len, uint8_t **zbuf);

/* Send a note to the message callback (printf-style). */
void dk_msg(struct disk *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True if the buffer is all zeros (word-wise, fast for random data too). */
bool dk_is_zero(const void *buf, size_t len);

/* convert.c: copy every byte of src into the new image dst (at least as
 * large), skipping zeros; the detail of a failure is in dst's or src's err. */
int dk_copy_data(struct disk *src, struct disk *dst, disk_progress_cb cb, void *cb_data);

/* ---- drivers ----------------------------------------------------------------- */

extern const struct disk_driver dk_raw_driver;
/* Holes of a file-backed container (SEEK_DATA/SEEK_HOLE), data offset 0. */
int dk_raw_map(struct disk *d, uint64_t off, uint64_t len, uint64_t *run, int *alloc);
/* Identity mapping: the disk is the start of the container. */
int dk_raw_locate(struct disk *d, uint64_t off, uint64_t len, bool alloc,
		    uint64_t *file_off, uint64_t *run);

/* Each *_open() probes: 1 = not this format, 0 = opened (d->drv, d->fmt,
 * d->size set), <0 = error (the format matched but the image is bad). */
int dk_vhd_open(struct disk *d, uint64_t file_size);
int dk_vhdx_open(struct disk *d, uint64_t file_size);
/* Write the skeleton of a new image into d's (empty) container. */
int dk_vhd_create(struct disk *d, const struct disk_create_opts *o);
int dk_vhdx_create(struct disk *d, const struct disk_create_opts *o);

/* VHD CHS geometry from the specification's algorithm (rounds down). */
void vhd_geometry(uint64_t sectors, uint32_t *cyl, uint32_t *heads, uint32_t *spt);

/* CRC-32C (Castagnoli), as used by VHDX: crc32c(0, buf, len). */
uint32_t dk_crc32c(uint32_t crc, const void *buf, size_t len);

/* VHDX log replay (vhdx-log.c).  Reads the log region, and if it holds an
 * active sequence, builds an in-memory overlay of the sectors it rewrites
 * (*overlay_out, opaque) or writes them into the file when write is true. */
struct vhdx_overlay;
int vhdx_log_replay(struct disk *d, uint64_t log_off, uint32_t log_len,
		    const uint8_t log_guid[16], bool write, struct vhdx_overlay **out);
/* Read through the overlay: patches buf (container offset off) with
 * replayed sectors. */
void vhdx_overlay_apply(const struct vhdx_overlay *ov, uint8_t *buf, size_t len, uint64_t off);
/* Highest end offset written by the replay (the file must be this long). */
uint64_t vhdx_overlay_end(const struct vhdx_overlay *ov);
void vhdx_overlay_free(struct vhdx_overlay *ov);

#endif

/* ==== partition tables and files (label-mbr.c, label-gpt.c, partmap.c,
 * crc32.c, ntfs.c, build.c) ============================================== */
#ifndef DISK_LABEL_INTERNAL_H
#define DISK_LABEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bcdkit/disk.h"

#define DL_ALIGN            DISK_MIB     /* partitions start on 1 MiB */
#define DL_GPT_ENTRIES      128u         /* entries in a table we write */
#define DL_GPT_ENTRY_SIZE   128u
#define DL_GPT_ARRAY_SECTORS (DL_GPT_ENTRIES * DL_GPT_ENTRY_SIZE / DISK_SECTOR)
/* Hostile-input limits for tables we read. */
#define DL_GPT_MAX_ENTRY_SIZE 1024u      /* bytes per entry */
#define DL_GPT_MAX_ARRAY    (1024u * 1024u) /* bytes in the entry array */
#define DL_MBR_MAX_LOGICAL  60u         /* EBRs followed in one chain */
#define DL_MBR_SIG_OFF      0x1B8
#define DL_MBR_TABLE_OFF    0x1BE
/* The CHS geometry written into MBR entries (what Windows and fdisk use). */
#define DL_HEADS            255u
#define DL_SPT              63u

/* One partition-table format (MBR, GPT). */
struct disk_label_ops {
	enum disk_label_type type;
	const char *name;
	/* 1 when sector 0 announces this format, 0 otherwise. */
	int (*probe)(const uint8_t *sector0);
	/* Decode the table (the caller checks the layout afterwards). */
	int (*read)(struct disk *d, const uint8_t *sector0, struct disk_label *out);
	/* Encode and write a checked table. */
	int (*write)(struct disk *d, const struct disk_label *l);
	/* Usable byte range [*first, *end) of a disk of this size. */
	void (*usable)(uint64_t disk_size, uint64_t *first, uint64_t *end);
};

extern const struct disk_label_ops dk_label_mbr_ops;
extern const struct disk_label_ops dk_label_gpt_ops;
/* label-mbr.c: the protective MBR in front of a GPT; extended types. */
int dl_mbr_write_protective(struct disk *d);
int dl_mbr_is_extended(uint8_t type);

/* crc32.c: CRC-32 (IEEE) of a buffer, as GPT stores it. */
uint32_t dl_crc32(const void *buf, size_t n);

/* partmap.c */
int dl_check(struct disk *d, const struct disk_label *l);
void dl_set_kind(struct disk_partition *p, enum disk_label_type type,
		 enum disk_part_kind kind);
enum disk_part_kind dl_kind_from_mbr(uint8_t type);
enum disk_part_kind dl_kind_from_guid(const uint8_t guid[16]);
/* True when sector 0 is a file system boot sector (NTFS, FAT), not an MBR. */
int dl_is_boot_sector(const uint8_t *sector0);
/* Identity of a block device given where sysfs and /dev live (for tests). */
int dl_blockdev_identity_at(const char *sysblock, const char *devdir, const char *dev,
			    struct disk_part_identity *id, char *errbuf, size_t errbuf_len);
/* Byte range of partition number (0 = first NTFS partition, or the whole
 * disk without a table); ntfs.c and build.c use it. */
int dl_partition_range(struct disk *d, unsigned number, uint64_t *off, uint64_t *size);

#endif /* DISK_LABEL_INTERNAL_H */
