/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-disk: partition tables, partition identities and files.
 *
 * MBR and GPT partition tables (512-byte sectors), the identity a BCD
 * partition device stores for a partition, read access to files inside NTFS
 * partitions (libntfs-3g, no mount), and the image builder behind
 * "vhdtool build".  Partitions are numbered as Linux numbers them: MBR slot
 * i is number i+1 (empty slots keep their number), the logical partitions
 * of an extended partition follow from 5 in chain order, and GPT entry i is
 * number i+1.  Offsets and sizes are in bytes.  An MBR holding an extended
 * partition can be read but not written back (write a new table instead).
 *
 * bcdkit/disk.h includes this header; it can also be included alone.
 * struct disk_build_opts ends in reserved words, as described in
 * bcdkit/disk.h ("Structs that grow").
 */
#ifndef BCDKIT_DISK_LABEL_H
#define BCDKIT_DISK_LABEL_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/disk.h>

#ifdef __cplusplus
extern "C" {
#endif

/* disk_label_rewrite_flags() flags. */
enum {
	DISK_REWRITE_FORCE  = 1 << 0, /* replace a read-only or hard-linked image */
};

#define DISK_LABEL_MAX_PARTS 128     /* GPT entries this library handles */
#define DISK_PART_NAME_MAX   109     /* 36 UTF-16 units as UTF-8 + NUL */

enum disk_label_type {
	DISK_LABEL_NONE = 0,
	DISK_LABEL_MBR = 1,
	DISK_LABEL_GPT = 2,
};

/* What a partition is for; decides the MBR type byte or the GPT type GUID. */
enum disk_part_kind {
	DISK_PART_OTHER = 0,    /* a type this library has no name for */
	DISK_PART_NTFS,         /* MBR 0x07, GPT Microsoft basic data */
	DISK_PART_FAT32,        /* MBR 0x0C, GPT Microsoft basic data */
	DISK_PART_ESP,          /* MBR 0xEF, GPT EFI system partition */
	DISK_PART_MSR,          /* GPT Microsoft reserved (no MBR form) */
	DISK_PART_FAT16,        /* MBR 0x0E, GPT Microsoft basic data */
};

/* Problems found while reading a label that did not stop the read. */
#define DISK_LABEL_PRIMARY_BAD 0x1   /* GPT primary header/array unusable, backup used */
#define DISK_LABEL_BACKUP_BAD  0x2   /* GPT backup header/array missing or damaged */

struct disk_partition {
	unsigned number;                 /* 1-based */
	uint64_t offset;                 /* bytes from the start of the disk */
	uint64_t size;                   /* bytes */
	enum disk_part_kind kind;
	uint8_t mbr_type;                /* MBR system id (0 on GPT) */
	int active;                      /* MBR status 0x80 */
	uint8_t type_guid[16];           /* GPT type GUID, on-disk byte order */
	uint8_t guid[16];                /* GPT unique partition GUID */
	uint64_t attributes;             /* GPT attribute bits */
	char name[DISK_PART_NAME_MAX];   /* GPT name, UTF-8 */
};

/* The memory form of a partition table.  Large (~30 KiB): allocate it. */
struct disk_label {
	enum disk_label_type type;
	unsigned problems;               /* DISK_LABEL_*_BAD bits after a read */
	uint32_t mbr_signature;          /* MBR disk signature (0x1B8) */
	uint8_t disk_guid[16];           /* GPT disk GUID */
	uint64_t first_usable;           /* GPT first/last usable byte range; */
	uint64_t last_usable;            /* last_usable is exclusive */
	unsigned count;                  /* entries used in part[] */
	struct disk_partition part[DISK_LABEL_MAX_PARTS];
};

/*
 * Read the partition table of d into *out.  Returns 0, -BK_ENOTFOUND when
 * the disk has no table (no 0x55AA signature, or a file system boot sector
 * in sector 0), -BK_ECORRUPT for a damaged table (bad GPT CRCs in both
 * copies, overlapping partitions, entries past the end of the disk, a
 * broken or looping EBR chain), -BK_EUNSUPPORTED for sectors other than 512
 * bytes or more than DISK_LABEL_MAX_PARTS used GPT entries; the detail is
 * in disk_last_error(d).  A GPT read from its backup copy (or whose backup
 * is bad) is returned with the DISK_LABEL_*_BAD bits in out->problems.
 */
BCDKIT_API int disk_label_read(disk_t *d, struct disk_label *out);

/*
 * Start an empty table of the given type for d: a random MBR signature or
 * GPT disk GUID, and for GPT the usable range of 128 entries of 128 bytes.
 * Returns: 0, -BK_EINVAL (unknown type), -BK_EUNSUPPORTED (not 512-byte
 * sectors) or -BK_ETOOBIG (disk too small).
 */
BCDKIT_API int disk_label_init(disk_t *d, struct disk_label *l, enum disk_label_type type);

/*
 * Append a partition of the given kind: it starts at the first 1 MiB
 * boundary after the last partition and is size bytes long (rounded up to
 * 1 MiB), or, when size is 0, takes the rest of the usable space (rounded
 * down to whole MiB when that leaves any).  A GPT partition gets a random
 * unique GUID.  *number (if not NULL) receives its
 * number.  Returns 0, -BK_EINVAL (full table, MSR on MBR, more than one
 * active), or -BK_ETOOBIG (no room).
 */
BCDKIT_API int disk_label_add(disk_t *d, struct disk_label *l, enum disk_part_kind kind,
			      uint64_t size, int active, unsigned *number);

/*
 * Check a table against d (partitions inside the disk / usable range, no
 * overlap, at most one active) and write it: MBR at sector 0 (boot code of
 * an existing MBR kept); GPT as protective MBR, primary header and entry
 * array at LBA 1-33, backup array and header at the end of the disk, all
 * CRCs recomputed, backup copies written first.  Returns 0 or -BK_E*.
 */
BCDKIT_API int disk_label_write(disk_t *d, const struct disk_label *l);

/* Set the kind of a partition (and with it the MBR type or GPT type GUID).
 * Returns: 0, -BK_EINVAL (kind not possible on this table) or -BK_ENOTFOUND
 * (no such partition). */
BCDKIT_API int disk_label_set_kind(disk_t *d, struct disk_label *l, unsigned number,
				   enum disk_part_kind kind);

/*
 * Edit callback of disk_label_rewrite().  w is a writable handle on the
 * image being rewritten and l a zeroed table owned by the library: fill it
 * with disk_label_read(w, l) to change the existing table, or with
 * disk_label_init() and disk_label_add() for a new one, then change it.
 * Return 0 to have l written, anything else to stop.
 */
typedef int (*disk_label_edit_cb)(disk_t *w, struct disk_label *l, void *data);

/*
 * Rewrite the partition table of the image at path, crash-safely.  A
 * regular file (raw, VHD or VHDX) is copied into a new image beside it with
 * the same format, type, block size and permission bits; edit() is called
 * on the copy, the table it leaves in l is written there, and the copy is
 * synced, renamed over path and the folder synced, so that after a crash
 * path holds the old image or the complete new one.  A block device cannot
 * be replaced and is edited in place.  Only 512-byte sectors are handled.
 *
 * Returns 0, a negative BK_E* code with the detail in errbuf (may be NULL;
 * messages name path, never the temporary copy), or the non-zero value
 * edit() returned.  When edit() stops without a failed library call on w,
 * errbuf says only that the edit was refused: a callback with its own
 * reason reports it itself.  On any failure path is untouched and the copy
 * removed, except when syncing the folder after the rename fails: the new
 * image is then in place but the error is still returned.  The library
 * allocates and frees l and every handle; data belongs to the caller.
 */
BCDKIT_API int disk_label_rewrite(const char *path, disk_label_edit_cb edit, void *data,
				  char *errbuf, size_t errbuf_len);
/* The same with DISK_REWRITE_* flags: a read-only image, or one with other
 * hard links (the copy would leave them the old content), is refused with
 * -BK_EREADONLY unless DISK_REWRITE_FORCE is given.
 * Returns: as disk_label_rewrite(). */
BCDKIT_API int disk_label_rewrite_flags(const char *path, unsigned flags,
					disk_label_edit_cb edit, void *data,
					char *errbuf, size_t errbuf_len);

/* "ntfs", "fat32", "esp", "msr", "fat16", "other"; and back (-BK_EINVAL if
 * unknown).
 * Returns a name in static storage. */
BCDKIT_API const char *disk_part_kind_name(enum disk_part_kind kind);
/* Returns: 0 and *out, or -BK_EINVAL. */
BCDKIT_API int disk_part_kind_parse(const char *s, enum disk_part_kind *out);

/* GUID text "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" (upper case) from the
 * Windows byte order (first three fields little-endian), and back. */
BCDKIT_API void disk_guid_format(const uint8_t guid[16], char out[37]);
/* Returns: 0, or -BK_EINVAL for text that is not a GUID. */
BCDKIT_API int disk_guid_parse(const char *s, uint8_t guid[16]);

/* What a BCD partition device stores to name a partition. */
struct disk_part_identity {
	enum disk_label_type style;  /* MBR or GPT */
	uint32_t mbr_signature;      /* MBR: disk signature */
	uint64_t offset;             /* MBR: partition start in bytes */
	uint8_t disk_guid[16];       /* GPT: disk GUID */
	uint8_t part_guid[16];       /* GPT: unique partition GUID */
	uint64_t size;               /* partition size in bytes (both styles) */
};

/*
 * Identity of partition number in d.  Returns 0, -BK_ENOTFOUND (no table or
 * no such partition) or the error of disk_label_read().
 */
BCDKIT_API int disk_partition_identity(disk_t *d, unsigned number,
				       struct disk_part_identity *id);

/*
 * Same for an image file (raw, VHD or VHDX) opened read-only, for
 * "bcdedit --map X:=usb.img:1".  errbuf (may be NULL) gets the detail.
 * Returns: as disk_partition_identity().
 */
BCDKIT_API int disk_partition_identity_file(const char *path, unsigned number,
					    struct disk_part_identity *id,
					    char *errbuf, size_t errbuf_len);

/*
 * Same for a Linux partition block device such as "/dev/sdb1": its number
 * and start sector come from /sys/class/block/NAME/{partition,start}, the
 * parent disk is the sysfs parent folder (/dev/sdb), whose partition table
 * is read and must hold a partition with that number and start.  Reading
 * the parent usually needs root.  errbuf (may be NULL) gets the detail.
 * Returns: as disk_partition_identity().
 */
BCDKIT_API int disk_blockdev_identity(const char *dev, struct disk_part_identity *id,
				      char *errbuf, size_t errbuf_len);

/* ---- files inside NTFS partitions (read-only, through libntfs-3g) ------- */

#define DISK_FILE_NAME_MAX 766       /* 255 UTF-16 units as UTF-8 + NUL */

struct disk_file_info {
	char name[DISK_FILE_NAME_MAX];   /* long (Win32) name, UTF-8 */
	int is_dir;
	uint64_t size;                   /* bytes in the unnamed data stream */
	uint32_t attributes;             /* FILE_ATTRIBUTE_* bits */
	int64_t mtime;                   /* last data change, Unix seconds */
	uint64_t inode;                  /* MFT record number */
};

/* Called once per directory entry; a non-zero return stops the listing
 * and is returned by disk_ntfs_list(). */
typedef int (*disk_file_cb)(const struct disk_file_info *fi, void *data);
/* Receives file content in order; a non-zero return stops the read. */
typedef int (*disk_sink_cb)(const void *buf, size_t n, void *data);

/*
 * The partition argument of the NTFS functions is a partition number, or 0
 * for "the first partition holding NTFS" (the whole disk when it has no
 * partition table).  Paths use "/" or "\" separators and start at the
 * volume root.  Errors: -BK_ENOTFOUND (no such partition, file or folder),
 * -BK_EUNSUPPORTED (the partition is not NTFS), -BK_EWRONGTYPE (a folder
 * where a file is needed or the reverse), -BK_ECORRUPT, -BK_EIO.
 * Returns: 0, one of those codes, or cb's non-zero return.
 */
BCDKIT_API int disk_ntfs_list(disk_t *d, unsigned partition, const char *path,
			      disk_file_cb cb, void *data);
/* Fill *fi for the file or folder at path.  Returns: 0 or one of the codes
 * above. */
BCDKIT_API int disk_ntfs_stat(disk_t *d, unsigned partition, const char *path,
			      struct disk_file_info *fi);
/* Feed the file's content to sink in order.  Returns: 0, one of the codes
 * above, or sink's non-zero return. */
BCDKIT_API int disk_ntfs_read(disk_t *d, unsigned partition, const char *path,
			      disk_sink_cb sink, void *data);
/* Whole file into memory (at most max bytes, else -BK_ETOOBIG); free with free().
 * Returns: 0, *buf and *len, or a negative code. */
BCDKIT_API int disk_ntfs_read_file(disk_t *d, unsigned partition, const char *path,
				   uint8_t **buf, size_t *len, size_t max);

/* ---- building a partitioned image ("vhdtool build") -------------------- */

enum disk_build_source {
	DISK_SRC_EMPTY = 0,   /* zeros */
	DISK_SRC_FORMAT,      /* fresh NTFS made with mkntfs, or fresh FAT */
	DISK_SRC_IMAGE,       /* copy of a file system image file (NTFS: hidden
			       * sectors and geometry set for its place) */
	DISK_SRC_WIM,         /* fresh NTFS filled from a WIM image */
};

#define DISK_BUILD_PATH_MAX  4096
#define DISK_BUILD_LABEL_MAX 33

/* One partition of a build, usually from disk_build_parse_spec(). */
struct disk_build_part {
	enum disk_part_kind kind;
	uint64_t size;                    /* bytes; 0 = the rest of the disk */
	int active;
	enum disk_build_source source;
	char path[DISK_BUILD_PATH_MAX];   /* image= or wim= file */
	unsigned wim_index;               /* 1-based image in the WIM */
	char label[DISK_BUILD_LABEL_MAX]; /* volume label (FAT: 11 bytes at most) */
	char files[DISK_BUILD_PATH_MAX];  /* files=: host folder copied in ("" none) */
};

/*
 * Parse "KIND:SIZE[:OPTION]..." where KIND is ntfs, fat32, fat16, esp or
 * msr, SIZE is a number with an optional K/M/G/T suffix (binary) or "rest",
 * and the options are "active", "empty", "label=NAME", "image=PATH",
 * "wim=PATH[:INDEX]" or "files=DIR" (the last three must be last: the rest
 * of the spec is the path, so it may hold ":"; INDEX defaults to 1).  An
 * ntfs, fat32, fat16 or esp partition without image=/empty is formatted
 * (esp: FAT32 from 100 MiB, else FAT16 or FAT12 by size); files= copies a
 * host folder into the new file system.  Returns 0 or -BK_ESYNTAX with the
 * reason in errbuf.
 */
BCDKIT_API int disk_build_parse_spec(const char *spec, struct disk_build_part *out,
				     char *errbuf, size_t errbuf_len);

/* What disk_build() is doing when it reports progress. */
enum disk_build_stage {
	DISK_BUILD_APPLY_WIM = 1,     /* wimlib writing the files of a WIM image */
	DISK_BUILD_WRITE,             /* a partition's data written into the image */
	DISK_BUILD_COPY_FILES,        /* files= copied into a FAT partition */
};

/* Progress of one stage of one partition (its number in the new table):
 * done out of total bytes.  A non-zero return cancels the build
 * (-BK_EINVAL, nothing left behind). */
typedef int (*disk_build_progress_cb)(void *data, enum disk_build_stage stage,
				      unsigned partition, uint64_t done, uint64_t total);

struct disk_build_opts {
	uint64_t size;                /* virtual disk size in bytes */
	enum disk_label_type label;   /* DISK_LABEL_MBR or DISK_LABEL_GPT */
	enum disk_format format;      /* RAW, VHD or VHDX (AUTO: from the name) */
	enum disk_type type;          /* FIXED or DYNAMIC (DEFAULT: dynamic) */
	const char *tmpdir;           /* where partition images are made; NULL = output's folder */
	disk_build_progress_cb progress;  /* NULL: none */
	void *progress_data;
	uint32_t reserved[8];         /* zero (see above) */
};

/*
 * Build the image out: lay out the partitions (1 MiB aligned), make each
 * NTFS partition as a separate image file (mkntfs with hidden sectors and
 * geometry for its offset, then a WIM applied by wimlib in NTFS mode),
 * then write the table and every partition into a temporary image next to
 * out in one pass and rename it over out.  On error nothing is left behind
 * and errbuf (may be NULL) gets the detail.  Returns 0 or -BK_E*.
 */
BCDKIT_API int disk_build(const char *out, const struct disk_build_opts *opts,
			  const struct disk_build_part *parts, unsigned nparts,
			  char *errbuf, size_t errbuf_len);

#ifdef __cplusplus
}
#endif

#endif /* BCDKIT_DISK_LABEL_H */
