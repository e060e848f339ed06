/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of libbcdkit-bcd: the store handle, the in-memory form of device
 * elements, the drive-letter map and small helpers shared by the modules.
 */
#ifndef BCD_INTERNAL_H
#define BCD_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bcdkit/bcd.h"
#include "bcdkit/hive.h"
#include "bk-alloc.h"
#include "bk-buf.h"
#include "bk-bytes.h"
#include "bk-number.h"
#include "bk-error.h"

/* ---- limits against hostile input ----------------------------------------- */
#define BCD_MAX_OBJECTS      65536u     /* objects in one store */
#define BCD_MAX_ELEMENTS     4096u      /* elements in one object */
#define BCD_MAX_LIST         4096u      /* GUIDs or integers in one list */
#define BCD_MAX_DEVICE_DEPTH 8          /* nested device descriptors */
#define BCD_MAX_DEVICE_SIZE  65536u     /* bytes of one device element */
#define BCD_MAX_DRIVES       64u        /* drive letters and volume names in a map */
#define BCD_VOLNAME_MAX      48u        /* "C:" or "\\Device\\HarddiskVolumeN" */

/* ---- element-name owners (elements.def / objects.def) ----------------------- */
enum bcd_owner {
	BCD_OWN_NONE, BCD_OWN_LIB, BCD_OWN_GENERIC, BCD_OWN_TEMPLATE,
	BCD_OWN_BOOTMGR, BCD_OWN_OSLOADER, BCD_OWN_RESUME, BCD_OWN_MEMDIAG,
	BCD_OWN_NTLDR, BCD_OWN_STARTUP, BCD_OWN_BOOTAPP, BCD_OWN_DEVICE,
};

/* An integer element holding an IPv4 address (shown as a.b.c.d). */
bool bc_element_is_ipv4(uint32_t objtype, uint32_t eltype);
/* The table that names class-2 elements of an object type. */
int bc_owner_of_type(uint32_t objtype);
/* Well-known GUID text of an alias row, by index; NULL past the end. */
bool bc_wellknown_is_virtual(const bcd_guid_t *g);

/* ---- the store handle -------------------------------------------------------- */
struct bcd_store {
	hive_t *hive;
	char *path;
	unsigned flags;
	struct bk_errbuf err;
	hive_key_t objects;        /* the Objects key */
	bool have_current;
	bcd_guid_t current;
	bcd_msg_cb msg_cb;         /* notes such as skipped keys */
	void *msg_data;
	bool skip_noted;           /* the skipped-key note was given */
};

/*
 * Record an error on the store, "<path>: <detail>", and return -code: the
 * detail is given without the store's name, which the handle adds.
 */
#define bc_error(s, code, ...) bk_error(&(s)->err, (code), __VA_ARGS__)

/* Key of an object, or -BK_ENOTFOUND (with a detail). */
int bc_object_key(bcd_store_t *s, const bcd_guid_t *id, hive_key_t *out);
/* Give a note (not an error) to the store's message callback. */
void bc_note(bcd_store_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a hive failure as the store's error. */
int bc_hive_err(bcd_store_t *s, int rc, const char *what);
/* /export of a store whose hive has no host file (store-image.c). */
int bc_store_export_image(bcd_store_t *s, const char *dst);

/* ---- device elements in memory ----------------------------------------------- */
/*
 * One device descriptor (doc/bcd-format-notes.md, "Device elements").  Only the layouts that
 * bcdedit writes are decoded; every field that varies is kept so that
 * encoding gives back the same bytes.
 */
enum bcd_dtype { BCD_DT_BLOCKIO = 0, BCD_DT_BOOT = 5, BCD_DT_PARTITION = 6, BCD_DT_LOCATE = 8 };
enum bcd_blockio { BCD_BIO_RAMDISK = 3, BCD_BIO_FILE = 5, BCD_BIO_VDISK = 6 };

struct bcd_dev {
	uint32_t type;             /* enum bcd_dtype */
	uint32_t flags;            /* descriptor flags (1 on ramdisks) */
	/* partition */
	uint8_t part_id[16];
	uint32_t disk_type;        /* 0 local, 6 inside a virtual disk */
	uint32_t part_style;       /* 0 GPT, 1 MBR */
	uint8_t disk_id[16];
	/* block I/O */
	uint32_t bio_type;         /* enum bcd_blockio */
	uint8_t bio_extra[20];     /* ramdisk image base/size/offset; vdisk identity */
	/* locate */
	uint32_t loc_type;         /* 0 by element, 1 by string */
	uint32_t loc_elem;
	/* file path record (file, ramdisk, resolved vhd) or locate string */
	struct bcd_dev *host;      /* the volume the path lives on */
	uint16_t *path;            /* UTF-16 units, no NUL */
	size_t path_len;
	bool has_path;             /* a file path record follows */
	/* nested descriptor: vdisk -> its file, locate -> parent, partition -> vhd file */
	struct bcd_dev *child;
};

struct bcd_devtree {
	uint8_t options[16];       /* AdditionalOptions GUID (ramdisk options) */
	struct bcd_dev *root;
};

/* The element a "vhd=" or bare "locate" device searches by default. */
static inline uint32_t
bc_default_locate_elem(uint32_t eltype)
{
	return BCD_ELEM_CLASS(eltype) == 2 ? BCD_EL_SYSTEMROOT : BCD_EL_PATH;
}

int bc_dev_decode(const uint8_t *p, size_t len, struct bcd_devtree *out);
int bc_dev_encode(const struct bcd_devtree *t, uint8_t **out, size_t *len);
void bc_dev_free(struct bcd_dev *d);
struct bcd_dev *bc_dev_new(uint32_t type);
/* A partition descriptor's identity (MBR offset and signature, or GPT GUIDs). */
void bc_dev_fill_part(struct bcd_dev *d, const struct bcd_partition_id *id);

/* ---- drive map ------------------------------------------------------------------- */
struct bcd_devmap {
	struct bk_errbuf err;
	size_t n;
	struct {
		char name[BCD_VOLNAME_MAX];   /* "C:" (upper case) or "\\Device\\HarddiskVolumeN" */
		struct bcd_partition_id id;
	} drive[BCD_MAX_DRIVES];
};

/* The partition a map name ("C:", "\\Device\\HarddiskVolume3") stands for. */
int bc_devmap_find(const bcd_devmap_t *m, const char *name, struct bcd_partition_id *out);
bool bc_partition_id_equal(const struct bcd_partition_id *a, const struct bcd_partition_id *b);

/* ---- small helpers ------------------------------------------------------------------ */
/* The hive's detail of a failure rc becomes the store's; returns rc. */
int bc_hive_failed(bcd_store_t *s, hive_t *h, int rc);
/* Decode with the reason of a failure in why (bcd_value_decode() is this
 * without the reason: the store's functions give it in their detail). */
int bc_value_decode(uint32_t eltype, const uint8_t *data, size_t len, struct bcd_value *out,
		    char *why, size_t whylen);

int bc_strcasecmp(const char *a, const char *b);

/* UTF-16LE bytes to UTF-8 up to the first NUL. */
int bc_utf16le_to_utf8(const uint8_t *p, size_t len, char **out);

#endif
