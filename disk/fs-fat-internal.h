/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of the FAT12/16/32 driver (fs-fat*.c), written from Microsoft's
 * FAT specification (fatgen103); the facts used are listed in
 * doc/fat-format.md.
 *
 * The whole FAT is kept in memory as its on-disk bytes (the part that covers
 * the clusters), with a bitmap of the sectors changed since the last write.
 * Directories are read whole (at most 65536 entries, 2 MiB) into a small
 * cache.  Every change is written in the order that keeps the volume
 * consistent after a crash: data clusters, then the FAT, then the directory
 * entry (see doc/fat-format.md, "Write order").
 */
#ifndef DISK_FS_FAT_INTERNAL_H
#define DISK_FS_FAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs-internal.h"

/* ---- limits (fatgen103 unless said otherwise) ------------------------------- */

#define FAT_SECTOR_MIN        512u
#define FAT_SECTOR_MAX        4096u
#define FAT_CLUSTER_MAX       65536u     /* bytes; 32 KiB by the spec, 64 KiB by NT */
#define FAT_NFATS_MAX         4u         /* Windows writes 2; refuse absurd counts */
#define FAT12_CLUSTERS_MAX    4084u      /* FAT12 when the count is below 4085 */
#define FAT16_CLUSTERS_MAX    65524u     /* FAT16 when below 65525 */
#define FAT32_CLUSTERS_MAX    0x0FFFFFEEu /* highest cluster below the reserved values */
#define FAT_TABLE_MAX_BYTES   (256u * 1024u * 1024u) /* our limit on the FAT held in memory */
#define FAT_DIR_MAX_ENTRIES   65536u     /* entries of one folder (spec) */
#define FAT_DIR_MAX_BYTES     (FAT_DIR_MAX_ENTRIES * 32u)
#define FAT_FILE_MAX          0xFFFFFFFFull /* DIR_FileSize is 32 bits */
#define FAT_LFN_MAX           255u       /* UTF-16 units of a long name */
#define FAT_LFN_SLOTS_MAX     20u        /* 20 * 13 >= 255 */
#define FAT_DCACHE            16u        /* folders kept in memory */
#define FAT_IO_MAX            (1024u * 1024u) /* bytes per data read or write */

#define FAT_DIRENT            32u
#define FAT_ATTR_RO           0x01u
#define FAT_ATTR_HIDDEN       0x02u
#define FAT_ATTR_SYSTEM       0x04u
#define FAT_ATTR_VOLUME       0x08u
#define FAT_ATTR_DIR          0x10u
#define FAT_ATTR_ARCHIVE      0x20u
#define FAT_ATTR_LFN          0x0Fu      /* RO|HIDDEN|SYSTEM|VOLUME */
#define FAT_ATTR_LFN_MASK     0x3Fu
#define FAT_NTRES_LOWER_BASE  0x08u      /* NT: show the 8-char base in lower case */
#define FAT_NTRES_LOWER_EXT   0x10u      /* NT: show the extension in lower case */
#define FAT_DELETED           0xE5u

/* ---- volume state -------------------------------------------------------------- */

/* One folder read whole: the fixed root of FAT12/16 (first == 0) or a chain. */
struct fat_dir {
	uint32_t first;
	uint32_t nclus;
	uint32_t *clus;
	uint8_t *buf;
	size_t len;
	uint64_t used;              /* LRU stamp */
	unsigned pin;               /* held by an operation: not evicted */
};

/* A decoded directory entry (the 8.3 entry and the long name before it). */
struct fat_ent {
	size_t pos;                 /* byte offset of the 8.3 entry in the folder */
	size_t lfn_pos;             /* first slot of the set (pos without a long name) */
	uint16_t name[FAT_LFN_MAX + 1];
	size_t nlen;                /* long name, or the 8.3 name shown as Windows does */
	uint16_t sname[13];
	size_t snlen;               /* the 8.3 name in upper case, "NAME.EXT" */
	uint8_t raw[FAT_DIRENT];    /* the 8.3 entry as stored */
	uint8_t attr;
	uint32_t first;
	uint32_t size;
};

struct fat_vol {
	struct disk_fs *fs;
	enum disk_fs_type type;
	uint32_t bps, spc, csize;
	uint32_t rsvd, nfats, fatsz;
	uint32_t active_fat;        /* FAT read (FAT32 ExtFlags) */
	bool mirror;                /* write every FAT copy */
	uint32_t root_ents;
	uint64_t root_off, root_len; /* FAT12/16 fixed root, bytes */
	uint64_t data_off;          /* byte offset of cluster 2 */
	uint32_t tot_sec;
	uint32_t nclus;             /* clusters 2 .. nclus + 1 */
	uint32_t root_clus;         /* FAT32 */
	uint32_t fsinfo_sec;        /* 0: none */
	uint32_t serial;
	char label[12];
	uint8_t media;
	/* The FAT. */
	uint8_t *fat;
	size_t fat_len;             /* bytes held (whole sectors) */
	uint8_t *fat_dirty;         /* one bit per sector of fat */
	uint8_t *pred;              /* one bit per cluster: something links to it */
	uint32_t free_count, next_free;
	bool changed;               /* the volume was written: FSInfo/clean bit on flush */
	bool was_clean;             /* FAT[1] clean-shutdown bit set at mount */
	bool marked;                /* we cleared it; set again on flush */
	/* Folders. */
	struct fat_dir *cache[FAT_DCACHE];
	uint64_t tick;
};

static inline struct fat_vol *fat_vol(struct disk_fs *fs) { return fs->priv; }

/* ---- fs-fat-boot.c: boot sector, FSInfo, format ------------------------------ */

/* Parse and check the boot sector (sector 0) against the partition size. */
int fat_boot_parse(struct fat_vol *v, const uint8_t *bs, size_t len);
/* Write FSInfo's free count and next-free hint (FAT32; no-op otherwise). */
int fat_fsinfo_write(struct fat_vol *v);
int fat_format(struct disk *d, uint64_t off, uint64_t size,
	       const struct disk_fs_format_opts *opts);

/* ---- fs-fat-table.c: the FAT and cluster chains ----------------------------- */

int fat_table_load(struct fat_vol *v);
uint32_t fat_get(const struct fat_vol *v, uint32_t c);
void fat_set(struct fat_vol *v, uint32_t c, uint32_t val);
uint32_t fat_eoc(const struct fat_vol *v);          /* the end-of-chain mark we write */
bool fat_is_eoc(const struct fat_vol *v, uint32_t val);
static inline bool fat_valid_clus(const struct fat_vol *v, uint32_t c)
{
	return c >= 2 && c <= v->nclus + 1;
}
static inline uint64_t fat_clus_off(const struct fat_vol *v, uint32_t c)
{
	return v->data_off + (uint64_t)(c - 2) * v->csize;
}
/* Write changed FAT sectors to every copy. */
int fat_table_flush(struct fat_vol *v);
/* Clear / set the clean-shutdown bit of FAT[1] (FAT16/32) and write it. */
int fat_mark_dirty(struct fat_vol *v);
int fat_mark_clean(struct fat_vol *v);
/*
 * The clusters of the chain at first, checked: every link inside the
 * volume, no free or bad cluster, first not linked from elsewhere, at most
 * max clusters (the chain may be longer).  *n is the count collected.
 */
int fat_chain(struct fat_vol *v, uint32_t first, uint32_t max, uint32_t **out, uint32_t *n,
	      const struct fs_path *p);
/* Allocate count clusters linked after last (0: a new chain); sets *first
 * for a new chain.  In memory only until fat_table_flush(). */
int fat_alloc(struct fat_vol *v, uint32_t last, uint32_t count, uint32_t *first,
	      uint32_t *new_last, const struct fs_path *p);
/* Free a chain in memory (0 is accepted). */
void fat_free_chain(struct fat_vol *v, uint32_t first);

/* ---- fs-fat-name.c: names ------------------------------------------------------- */

uint8_t fat_lfn_checksum(const uint8_t sfn[11]);
/* The 8.3 entry's name as Windows shows it (NT lower-case flags applied),
 * and in upper case for lookups. */
void fat_short_name(const uint8_t raw[FAT_DIRENT], uint16_t *shown, size_t *nshown,
		    uint16_t *upper, size_t *nupper);
bool fat_name_eq(const uint16_t *a, size_t an, const uint16_t *b, size_t bn);
/*
 * The 8.3 form of a new long name: sfn (11 bytes) and the NT case flags, or
 * need_lfn when a long-name entry set is needed.  With need_tail the caller
 * must try numeric tails (fat_short_tail) until one is free.
 */
void fat_short_basis(const uint16_t *name, size_t n, uint8_t sfn[11], uint8_t *ntres,
		     bool *need_lfn, bool *need_tail);
/* The nth candidate (1, 2, ...) with a "~n" tail (hashed after the 4th). */
void fat_short_tail(const uint8_t basis[11], const uint16_t *name, size_t n,
		    unsigned nth, uint8_t sfn[11]);
/* An OEM (code page 437) name of n bytes as UTF-8 into out. */
void fat_oem_to_utf8(const uint8_t *s, size_t n, char *out, size_t cap);
/* DOS date and time <-> Unix seconds (UTC). */
int64_t fat_time_to_unix(uint16_t date, uint16_t time);
void fat_time_from_unix(int64_t t, uint16_t *date, uint16_t *time);
/* UTF-8 component to UTF-16 (at most FAT_LFN_MAX units). */
int fat_name_from_utf8(struct fat_vol *v, const char *s, uint16_t *out, size_t *n,
		       const struct fs_path *p);

/* ---- fs-fat-dir.c: folders and entries -------------------------------------- */

/* The root folder's "first cluster" as struct fat_dir keys it. */
static inline uint32_t fat_root_first(const struct fat_vol *v)
{
	return v->type == DISK_FS_FAT32 ? v->root_clus : 0;
}
int fat_dir_get(struct fat_vol *v, uint32_t first, struct fat_dir **out, const struct fs_path *p);
void fat_dir_cache_drop(struct fat_vol *v);
/* Next entry at or after *pos (skipping ".", "..", labels, deleted slots);
 * 1 found, 0 at the end, < 0 damaged. */
int fat_dir_next(struct fat_vol *v, struct fat_dir *d, size_t *pos, struct fat_ent *e,
		 const struct fs_path *p);
int fat_dir_lookup(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
		   struct fat_ent *e, const struct fs_path *p);
/* Write [pos, pos + len) of the folder back to the disk. */
int fat_dir_write(struct fat_vol *v, struct fat_dir *d, size_t pos, size_t len);
/* Place a new entry set for name with 8.3 entry proto (name bytes filled
 * here); e receives it.  skip: an entry position ignored for short-name
 * collisions (rename in place), or SIZE_MAX. */
int fat_dir_add(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
		const uint8_t proto[FAT_DIRENT], size_t skip, struct fat_ent *e,
		const struct fs_path *p);
/* Grow the folder now if a set for name would not fit (nothing written
 * to the folder's entries). */
int fat_dir_reserve(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
		    size_t skip, const struct fs_path *p);
/* Mark an entry set deleted and write it. */
int fat_dir_del(struct fat_vol *v, struct fat_dir *d, const struct fat_ent *e);
/* Resolve the first k components of p: *dir the folder holding component
 * k - 1 and e its entry (k >= 1). */
int fat_resolve(struct fat_vol *v, const struct fs_path *p, size_t k, struct fat_dir **dir,
		struct fat_ent *e);
/* The folder p names (the root for n == 0). */
int fat_resolve_dir(struct fat_vol *v, const struct fs_path *p, size_t k, uint32_t *first);
void fat_ent_set_first(uint8_t raw[FAT_DIRENT], uint32_t c);
uint32_t fat_ent_first(const struct fat_vol *v, const uint8_t raw[FAT_DIRENT]);

/* ---- fs-fat-check.c: the whole-volume check of writable mounts -------------- */

int fat_check_tree(struct fat_vol *v);

/* ---- fs-fat-write.c ---------------------------------------------------------- */

int fat_op_write(struct disk_fs *fs, const struct fs_path *p, uint64_t size_hint,
		 disk_source_cb src, void *data, unsigned flags);
int fat_op_mkdir(struct disk_fs *fs, const struct fs_path *p);
int fat_op_remove(struct disk_fs *fs, const struct fs_path *p);
int fat_op_rename(struct disk_fs *fs, const struct fs_path *from,
		  const struct fs_path *to, int replace);
int fat_op_set_attributes(struct disk_fs *fs, const struct fs_path *p,
			  uint32_t set, uint32_t clear);
/* Before the first change of a session: clear the clean-shutdown bit. */
int fat_begin_change(struct fat_vol *v);
/* Fill the time fields of a new 8.3 entry with now. */
void fat_ent_stamp(uint8_t raw[FAT_DIRENT], bool created);

#endif
