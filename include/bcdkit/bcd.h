/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-bcd: Windows Boot Configuration Data stores, offline.
 *
 * A BCD store is a registry hive (bcdkit/hive.h) laid out as
 * Objects\{guid}\Description\Type and Objects\{guid}\Elements\hhhhhhhh\Element.
 * A bcd_store_t wraps an open hive; edits go to the hive in memory and reach
 * the file only through bcd_store_commit(), which is the hive engine's atomic
 * commit.  Every function returns 0 or a negative BK_E* code
 * (bcdkit/error.h); bcd_last_error() gives the detail of the last failure.
 *
 * Identifiers.  Objects are named by bcd_guid_t, the 16 bytes of a GUID in
 * Microsoft's mixed-endian binary layout (the layout used inside device
 * elements).  Text GUIDs are "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", lower
 * case on output, any case on input; well-known objects have aliases such as
 * "{bootmgr}".
 */
#ifndef BCDKIT_BCD_H
#define BCDKIT_BCD_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/error.h>
#include <bcdkit/hive.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BCDKIT_API
#define BCDKIT_API __attribute__((visibility("default")))
#endif

typedef struct bcd_store bcd_store_t;
typedef struct bcd_devmap bcd_devmap_t;

typedef struct {
	uint8_t b[16];
} bcd_guid_t;

#define BCD_GUID_STRLEN 39   /* "{...}" plus NUL */

/* Element formats: bits 27..24 of an element type. */
enum bcd_format {
	BCD_FMT_DEVICE = 1, BCD_FMT_STRING = 2, BCD_FMT_OBJECT = 3,
	BCD_FMT_OBJLIST = 4, BCD_FMT_INTEGER = 5, BCD_FMT_BOOLEAN = 6,
	BCD_FMT_INTLIST = 7,
};
#define BCD_ELEM_FORMAT(t) (((uint32_t)(t) >> 24) & 0xFu)
#define BCD_ELEM_CLASS(t)  ((uint32_t)(t) >> 28)

/* Well-known element and object types used by the commands. */
#define BCD_EL_DEVICE            0x11000001u
#define BCD_EL_PATH              0x12000002u
#define BCD_EL_DESCRIPTION       0x12000004u
#define BCD_EL_INHERIT           0x14000006u
#define BCD_EL_RECOVERYSEQUENCE  0x14000008u
#define BCD_EL_OSDEVICE          0x21000001u
#define BCD_EL_SYSTEMROOT        0x22000002u
#define BCD_EL_DISPLAYORDER      0x24000001u
#define BCD_EL_BOOTSEQUENCE      0x24000002u
#define BCD_EL_DEFAULT           0x23000003u
#define BCD_EL_TIMEOUT           0x25000004u
#define BCD_EL_RESUMEOBJECT      0x23000006u
#define BCD_EL_LOADER_RESUMEOBJECT 0x23000003u
#define BCD_EL_TOOLSDISPLAYORDER 0x24000010u

#define BCD_OBJ_FWBOOTMGR  0x10100001u
#define BCD_OBJ_BOOTMGR    0x10100002u
#define BCD_OBJ_FWAPP      0x101fffffu
#define BCD_OBJ_OSLOADER   0x10200003u
#define BCD_OBJ_RESUME     0x10200004u
#define BCD_OBJ_MEMDIAG    0x10200005u
#define BCD_OBJ_BOOTAPP    0x1020000au
#define BCD_OBJ_NTLDR      0x10300006u
#define BCD_OBJ_BOOTSECTOR 0x10400008u
#define BCD_OBJ_STARTUP    0x10400009u
#define BCD_OBJ_INHERIT    0x20100000u
#define BCD_OBJ_DEVICE     0x30000000u

/* ---- GUIDs and well-known objects ----------------------------------------- */

/* Parse "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (braces required).
 * Returns: 0, or -BK_ESYNTAX. */
BCDKIT_API int bcd_guid_parse(const char *s, bcd_guid_t *out);
/* Lower-case text form with braces into out[BCD_GUID_STRLEN].
 * Returns out (owned by the caller). */
BCDKIT_API char *bcd_guid_format(const bcd_guid_t *g, char *out);
/* Order of two GUIDs by their text form (the order of the Objects subkeys).
 * Returns <0, 0 or >0 as strcmp(). */
BCDKIT_API int bcd_guid_cmp(const bcd_guid_t *a, const bcd_guid_t *b);
/* A random (version 4) GUID.  Returns: 0 or -BK_EIO. */
BCDKIT_API int bcd_guid_random(bcd_guid_t *out);

/* "{bootmgr}" -> GUID (case-insensitive, braces required).  {current} and
 * {default} are virtual and resolved by bcd_store_resolve().
 * Returns: 0, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_alias_lookup(const char *alias, bcd_guid_t *out);
/* The preferred alias of a well-known GUID ("{bootmgr}"), or NULL.
 * Returns a string in static storage, or NULL. */
BCDKIT_API const char *bcd_alias_name(const bcd_guid_t *g);
/* Type of a well-known object ({bootmgr} -> 10100002).  Returns: 0, or
 * -BK_ENOTFOUND for other GUIDs and the virtual {current} and {default}. */
BCDKIT_API int bcd_wellknown_type(const bcd_guid_t *g, uint32_t *type);
/* bcdedit's section header for an object ("Windows Boot Loader"); it may
 * depend on the GUID (settings groups, templates).  Written to buf.
 * Returns buf (owned by the caller). */
BCDKIT_API const char *bcd_object_header(uint32_t type, const bcd_guid_t *id,
					 char *buf, size_t len);
/* Object type for "/create /application NAME" or "/create /inherit NAME".
 * Returns: 0, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_application_type(const char *name, int inherit, uint32_t *out);

/* ---- element table --------------------------------------------------------- */

/* bcdedit's name of an element in an object of type objtype, or NULL when it
 * has none (then it is shown as custom:hhhhhhhh).
 * Returns a string in static storage, or NULL. */
BCDKIT_API const char *bcd_element_name(uint32_t objtype, uint32_t eltype);
/* Name (or "custom:hhhhhhhh") to element type, for an object of objtype.
 * Returns: 0, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_element_lookup(uint32_t objtype, const char *name, uint32_t *out);
/* Name of an enumerated integer value ("OptIn"), or NULL.
 * Returns a string in static storage, or NULL. */
BCDKIT_API const char *bcd_element_enum_name(uint32_t objtype, uint32_t eltype,
					     uint64_t value);
/* Value of an enum name, case-insensitive.  Returns: 0, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_element_enum_value(uint32_t objtype, uint32_t eltype,
				      const char *name, uint64_t *out);

/* Row i of the element table: its type, name (NULL when it has none) and
 * owner ("library", "osloader", "bootmgr", "resume", "memdiag", "ntldr",
 * "startup", "bootapp", "application", "device", "template").  Returns: 0,
 * or -BK_ENOTFOUND past the last row.
 * *name and *owner are in static storage. */
BCDKIT_API int bcd_element_at(size_t i, uint32_t *type, const char **name, const char **owner);
/* The i-th enumerated value of an element in an object of objtype.
 * Returns: 0, or -BK_ENOTFOUND past the last (or for other elements).
 * *name is in static storage. */
BCDKIT_API int bcd_element_enum_at(uint32_t objtype, uint32_t eltype, size_t i,
				   uint64_t *value, const char **name);

/* ---- element values -------------------------------------------------------- */

struct bcd_value {
	uint32_t format;         /* enum bcd_format, from the element type */
	uint64_t integer;        /* INTEGER; BOOLEAN as 0/1 */
	char *string;            /* STRING, UTF-8, up to the first NUL */
	bcd_guid_t *guids;       /* OBJECT (1) and OBJLIST (n) */
	size_t n_guids;
	uint64_t *integers;      /* INTLIST */
	size_t n_integers;
	uint8_t *bytes;          /* DEVICE: the raw element bytes */
	size_t n_bytes;
};

/*
 * Decode the raw registry data of an element.  Tolerates what real stores
 * hold: integers of 1 to 8 bytes, booleans of any width (any non-zero byte
 * is true), strings with junk after the NUL.
 * Returns: 0 and *out (free with bcd_value_free()); -BK_ECORRUPT when the
 * data cannot be of that format, -BK_ENOMEM.  Works on bytes alone, with no
 * handle for a detail: bcd_element_get() decodes an element of a store and
 * gives the reason in bcd_last_error().
 */
BCDKIT_API int bcd_value_decode(uint32_t eltype, const uint8_t *data, size_t len,
				struct bcd_value *out);
/* Encode (integers always 8 bytes); *regtype is the registry value type.
 * Returns: 0, -BK_ENOMEM or -BK_EINVAL. *data is freed with free(). */
BCDKIT_API int bcd_value_encode(uint32_t eltype, const struct bcd_value *v,
				uint32_t *regtype, uint8_t **data, size_t *len);
/* Free what bcd_value_decode() or bcd_element_get() put in *v and zero it;
 * the struct itself is the caller's.  NULL is accepted. */
BCDKIT_API void bcd_value_free(struct bcd_value *v);

/* ---- devices and drive letters --------------------------------------------- */

enum bcd_part_style { BCD_PART_GPT = 0, BCD_PART_MBR = 1 };

/* What a partition device element pins: MBR signature + byte offset, or GPT
 * disk GUID + partition GUID. */
struct bcd_partition_id {
	int style;               /* enum bcd_part_style */
	uint32_t mbr_signature;
	uint64_t mbr_offset;     /* bytes */
	bcd_guid_t gpt_disk;
	bcd_guid_t gpt_part;
};

/* A new, empty drive-letter map.  Returns: 0 and *out (free with
 * bcd_devmap_free()), or -BK_ENOMEM. */
BCDKIT_API int bcd_devmap_new(bcd_devmap_t **out);
/* Free a map; NULL is accepted. */
BCDKIT_API void bcd_devmap_free(bcd_devmap_t *m);
/* Returns the detail of the last failure on m ("" if none), owned by m. */
BCDKIT_API const char *bcd_devmap_last_error(const bcd_devmap_t *m);
/*
 * Add "X:=TARGET".  TARGET is a block device (/dev/sdb1), a mount point, a
 * disk image with a partition number (disk.img:1), or mbr:SIG:OFFSET /
 * gpt:{DISK}:{PARTITION}.  Returns: 0 or a negative code (detail in
 * bcd_devmap_last_error()).
 */
BCDKIT_API int bcd_devmap_add(bcd_devmap_t *m, const char *spec);
/* Resolve one TARGET (the part after "X:=") to a partition identity.
 * Returns: 0 and *out, or a negative code (detail in
 * bcd_devmap_last_error()). */
BCDKIT_API int bcd_partition_id_resolve(bcd_devmap_t *m, const char *target,
					struct bcd_partition_id *out);

/* Device text flags. */
enum { BCD_TEXT_VERBOSE = 1 << 0 };

/*
 * Device element bytes to bcdedit text ("partition=C:", "boot",
 * "vhd=[C:]\x.vhd", ...).  Partitions print as a mapped drive letter when
 * map knows them, else as mbr:SIG:OFFSET / gpt:{DISK}:{PART}.  Bytes that
 * are not a known layout print as "raw:" and hex.  eltype is the element
 * holding the device (it decides the default locate element of vhd=).
 * Returns: 0 or -BK_ENOMEM; *out freed with free().
 */
BCDKIT_API int bcd_device_to_text(const uint8_t *data, size_t len, uint32_t eltype,
				  const bcd_devmap_t *map, unsigned flags, char **out);
/* Parse bcdedit device text to element bytes.  Returns: 0, -BK_ESYNTAX or
 * -BK_ENOTFOUND (unmapped drive letter), detail in errbuf.
 * *out is freed with free(). */
BCDKIT_API int bcd_device_from_text(const char *text, uint32_t eltype,
				    const bcd_devmap_t *map, uint8_t **out, size_t *len,
				    char *errbuf, size_t errlen);
/* 1 when the bytes decode to a known layout and re-encode identically, else 0.
 * Returns 1 or 0 as said. */
BCDKIT_API int bcd_device_roundtrips(const uint8_t *data, size_t len);

/* ---- stores ---------------------------------------------------------------- */

enum {
	BCD_OPEN_WRITE = 1 << 0,
	/* How bcd_store_commit() writes (hive.h, HIVE_COMMIT_LOGGED): through
	 * the store's transaction log in place, or as a new file; neither: the
	 * hive engine's rule (logged when BCD.LOG1/BCD.LOG2 exist). */
	BCD_OPEN_COMMIT_LOGGED = 1 << 1,
	BCD_OPEN_COMMIT_REWRITE = 1 << 2,
};

/* A new, empty store handle.  Returns: the handle, or NULL when out of
 * memory.  Free with bcd_store_close(), whether or not an open into it
 * succeeded. */
BCDKIT_API bcd_store_t *bcd_store_new(void);
/* Open the store at path into s, an empty handle from bcd_store_new().
 * Returns: 0, or a negative code with the detail in bcd_last_error(s) and
 * s left empty (it may be opened anew); -BK_EINVAL if s already holds a
 * store.  The store is locked until it is closed, exclusively when opened
 * for writing (hive_open(), doc/safety.md); -BK_EBUSY if another process
 * holds it longer than the lock wait. */
BCDKIT_API int bcd_store_open(bcd_store_t *s, const char *path, unsigned flags);
/* How long to wait for another process's lock, in milliseconds, for the
 * whole process (default 5000; 0: do not wait). */
BCDKIT_API void bcd_set_lock_wait(unsigned ms);
/* Create a new empty store as bcdedit /createstore does (root NewStoreRoot,
 * Description\KeyName = BCD00000001, empty Objects).  Fails with -BK_EEXIST
 * if path exists.  s (from bcd_store_new(); a store it holds is neither
 * read nor changed) only receives the detail of a failure, read with
 * bcd_last_error(s).  Returns: 0 or a negative code. */
BCDKIT_API int bcd_store_create(bcd_store_t *s, const char *path);
/* Copy the store to dst atomically (bcdedit /export).  A store whose
 * logs were replayed on open is written out in its recovered state.
 * Returns: 0 or a negative code. */
BCDKIT_API int bcd_store_export(bcd_store_t *s, const char *dst);
/* Replace the store at path with the content of the store src (its logs
 * replayed), written atomically like a commit: the logs beside path are
 * emptied (bcdedit /import).  src is only read.  Returns: 0 or a negative
 * code with the detail in bcd_last_error(s) (s as for bcd_store_create()). */
BCDKIT_API int bcd_store_import(bcd_store_t *s, const char *path, const char *src);
/* Write all edits atomically.  Returns: 0 or a negative code. */
BCDKIT_API int bcd_store_commit(bcd_store_t *s);
/*
 * A store on a hive the caller opened, e.g. with hive_open_image() from
 * bytes read out of a disk image, into s, an empty handle from
 * bcd_store_new(); name is used in messages.  On success the store owns h
 * (bcd_store_close() closes it); on failure the caller still does.  flags
 * as for bcd_store_open() (BCD_OPEN_WRITE needs a hive opened with
 * HIVE_OPEN_WRITE).  A store whose hive has no host file is written with
 * bcd_store_serialize(), not bcd_store_commit().  Returns: 0, or a negative
 * code with the detail in bcd_last_error(s) and s left empty.
 */
BCDKIT_API int bcd_store_open_hive(bcd_store_t *s, hive_t *h, const char *name,
				   unsigned flags);
/* Returns the store's hive (owned by the store, valid until
 * bcd_store_close()). */
BCDKIT_API hive_t *bcd_store_hive(bcd_store_t *s);
/* The store's bytes as a commit would write them: hive_serialize() of its
 * hive, logs being those beside the file to be replaced.
 * Returns: 0, *out and *len, or a negative code.  Free with free(). */
BCDKIT_API int bcd_store_serialize(bcd_store_t *s, const struct hive_log_image *logs,
				   size_t nlogs, uint8_t **out, size_t *len);
/* Close the store and its hive (uncommitted edits are lost), releasing the
 * lock.  NULL is accepted. */
BCDKIT_API void bcd_store_close(bcd_store_t *s);
/* Returns the detail of the last failure on s, owned by s (the code's fixed
 * message when there is none). */
BCDKIT_API const char *bcd_last_error(const bcd_store_t *s);
typedef void (*bcd_msg_cb)(void *data, const char *msg);
/* Notes that are not errors (keys under Objects that are not objects and
 * are skipped, given once per handle) go to cb; NULL drops them. */
BCDKIT_API void bcd_set_msg_cb(bcd_store_t *s, bcd_msg_cb cb, void *data);
/* Returns the fixed message of a BK_E* code, in static storage. */
BCDKIT_API const char *bcd_strerror(int err);
/* Object that {current} names (offline there is no running system); NULL
 * makes {current} mean {default}. */
BCDKIT_API void bcd_store_set_current(bcd_store_t *s, const bcd_guid_t *id);
/* 1 when {current} was set explicitly.
 * Returns 1 or 0. */
BCDKIT_API int bcd_store_has_current(const bcd_store_t *s);

/* "{guid}" or an alias, including {default} and {current}, to a GUID.  It
 * does not check that the object exists.  Returns: 0, -BK_ESYNTAX,
 * -BK_ENOTFOUND ({default} not set). */
BCDKIT_API int bcd_store_resolve(bcd_store_t *s, const char *text, bcd_guid_t *out);

/* All objects, sorted by type then GUID text.  Caller frees *ids.
 * Returns: 0, *ids and *n, or a negative code.  Free with free(). */
BCDKIT_API int bcd_store_objects(bcd_store_t *s, bcd_guid_t **ids, size_t *n);
/* Returns: 0 and *type, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_object_type(bcd_store_t *s, const bcd_guid_t *id, uint32_t *type);
/* Create an object (random GUID when id is NULL).  -BK_EEXIST if present.
 * *out (may be NULL) receives the GUID.  Returns: 0, -BK_EEXIST, or a
 * negative code. */
BCDKIT_API int bcd_object_create(bcd_store_t *s, const bcd_guid_t *id, uint32_t type,
				 bcd_guid_t *out);
/* Delete an object and its keys.
 * Returns: 0, -BK_ENOTFOUND, or a negative code. */
BCDKIT_API int bcd_object_delete(bcd_store_t *s, const bcd_guid_t *id);
/* Copy an object (type and elements) under a new random GUID.
 * Returns: 0 and *out, or a negative code. */
BCDKIT_API int bcd_object_copy(bcd_store_t *s, const bcd_guid_t *src, bcd_guid_t *out);

/* Element types present (with a value), ascending.  Caller frees *types.
 * Returns: 0, *types and *n, or a negative code.  Free with free(). */
BCDKIT_API int bcd_element_list(bcd_store_t *s, const bcd_guid_t *id,
				uint32_t **types, size_t *n);
/* Raw data of an element; caller frees *data.  -BK_ENOTFOUND if absent.
 * Returns: 0 and *data (free with free()), -BK_ENOTFOUND, or a negative
 * code. */
BCDKIT_API int bcd_element_get_raw(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype,
				   uint8_t **data, size_t *len);
/* Decoded value of an element (bcd_value_decode()).  Returns: 0 and *out
 * (free with bcd_value_free()), -BK_ENOTFOUND, -BK_ECORRUPT, or a negative
 * code. */
BCDKIT_API int bcd_element_get(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype,
			       struct bcd_value *out);
/* Set an element's raw data and registry type, creating the element.
 * Returns: 0, -BK_ENOTFOUND (no object), or a negative code. */
BCDKIT_API int bcd_element_set_raw(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype,
				   uint32_t regtype, const uint8_t *data, size_t len);
/* Encode v (bcd_value_encode()) and set it as the element.  Returns: 0 or a
 * negative code. */
BCDKIT_API int bcd_element_set(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype,
			       const struct bcd_value *v);
/* Delete an element.  Returns: 0, -BK_ENOTFOUND (no such object or element),
 * or a negative code. */
BCDKIT_API int bcd_element_delete(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype);

/* ---- bcdedit-level operations ------------------------------------------------ */

/* "/set {id} NAME VALUE": NAME is an element name or custom:hhhhhhhh, VALUE
 * is parsed by the element's format (devices through map).  The object and
 * any referenced objects must exist.
 * Returns: 0 or a negative code (detail in bcd_last_error()). */
BCDKIT_API int bcd_set_text(bcd_store_t *s, const bcd_guid_t *id, const char *name,
			    const char *value, const bcd_devmap_t *map);
/* "/deletevalue {id} NAME".
 * Returns: 0, -BK_ENOTFOUND, or a negative code. */
BCDKIT_API int bcd_delete_text(bcd_store_t *s, const bcd_guid_t *id, const char *name);

enum bcd_list_mode { BCD_LIST_SET, BCD_LIST_ADDFIRST, BCD_LIST_ADDLAST, BCD_LIST_REMOVE };
/* Edit an object list element of {bootmgr} ({fwbootmgr} when fw is set).
 * Returns: 0 or a negative code. */
BCDKIT_API int bcd_list_edit(bcd_store_t *s, const bcd_guid_t *owner, uint32_t eltype,
			     const bcd_guid_t *ids, size_t n, int mode);
/* Remove every reference to id from the boot manager lists (display order,
 * boot sequence, tools display order) and, with cleanup, the default.
 * Returns: 0 or a negative code. */
BCDKIT_API int bcd_remove_references(bcd_store_t *s, const bcd_guid_t *id);

/* The resume object that deleting an OS loader also deletes (bcdedit
 * /delete /cleanup): the loader's resumeobject when it exists and no other
 * OS loader names it.  Returns: 0 and *out, or -BK_ENOTFOUND. */
BCDKIT_API int bcd_resume_to_delete(bcd_store_t *s, const bcd_guid_t *loader, bcd_guid_t *out);

/*
 * An element's value as bcdedit's text, the text /set reads back (the tools
 * lay it out as /enum does): one string per line, list items one a line.
 * data is the element's raw data (bcd_element_get_raw()), of element eltype
 * in an object of type objtype.  Objects are named as in
 * bcd_store_id_text(), devices as by bcd_device_to_text() with map; data
 * that does not decode is one line "raw:" and its bytes in hex.  flags:
 * BCD_TEXT_VERBOSE (full GUIDs).
 * Returns: 0 and *lines, *n (free with bcd_text_free(); *lines may be NULL
 * when *n is 0), or -BK_ENOMEM.
 */
BCDKIT_API int bcd_value_text(bcd_store_t *s, uint32_t objtype, uint32_t eltype,
			      const uint8_t *data, size_t len, const bcd_devmap_t *map,
			      unsigned flags, char ***lines, size_t *n);
/* Free the n lines of bcd_value_text() and their array (NULL is ignored). */
BCDKIT_API void bcd_text_free(char **lines, size_t n);
/*
 * How bcdedit names object id in store s: "{current}" (bcd_store_set_current()),
 * "{default}" ({bootmgr}'s default), its alias ("{bootmgr}"), else its GUID;
 * always the GUID with BCD_TEXT_VERBOSE in flags.
 * Returns: a string in static storage, or buf (BCD_GUID_STRLEN bytes, the
 * caller's) holding the GUID.
 */
BCDKIT_API const char *bcd_store_id_text(bcd_store_t *s, const bcd_guid_t *id, unsigned flags,
					 char *buf);

#ifdef __cplusplus
}
#endif
#endif
