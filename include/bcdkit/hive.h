/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libbcdkit-hive: read and write Windows registry hive files (regf).
 *
 * A hive_t is one hive held in memory.  Keys and values are named by small
 * handles (hive_key_t, hive_value_t): the offset of their cell, validated on
 * every use, 0 meaning "none".  Every function returns 0 or a negative
 * BK_E* code (bcdkit/error.h); hive_last_error() gives the detail, which
 * names the file ("NAME: what is wrong").  A handle comes from hive_new()
 * and is filled by hive_open() (or hive_open_buffer(), hive_open_image(),
 * hive_create()): a failed open leaves it empty with the detail of the
 * failure, so no function needs a separate error buffer.
 *
 * Names.  Registry names are sequences of UTF-16 code units compared without
 * case using Windows' upper-case table.  The API takes and gives them as
 * UTF-8 with one escape: a code unit UTF-8 cannot carry (U+0000 or an
 * unpaired surrogate) is written "{U+hhhh}" with four upper-case hex digits,
 * and so is a "{" that would otherwise start such a sequence.  In key paths
 * "\" separates names, so a backslash inside a key name is "{U+005C}".
 *
 * Structs that grow.  A struct the library fills (hive_stats, hive_key_info,
 * hive_recover_report, hive_import_report) ends in "uint32_t reserved[N]",
 * zeroed by the library, so that a later version adds fields in that room
 * without changing its size (libbcdkit(3), "Structures that grow").
 */
#ifndef BCDKIT_HIVE_H
#define BCDKIT_HIVE_H

#include <stddef.h>
#include <stdint.h>
#include <bcdkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BCDKIT_API
#define BCDKIT_API __attribute__((visibility("default")))
#endif

typedef struct hive hive_t;
typedef uint32_t hive_key_t;    /* offset of an nk cell; 0 = none */
typedef uint32_t hive_value_t;  /* offset of a vk cell; 0 = none */

/* Registry value types (any 32-bit number is valid). */
enum {
	HIVE_REG_NONE = 0, HIVE_REG_SZ = 1, HIVE_REG_EXPAND_SZ = 2,
	HIVE_REG_BINARY = 3, HIVE_REG_DWORD = 4, HIVE_REG_DWORD_BIG_ENDIAN = 5,
	HIVE_REG_LINK = 6, HIVE_REG_MULTI_SZ = 7, HIVE_REG_RESOURCE_LIST = 8,
	HIVE_REG_FULL_RESOURCE_DESCRIPTOR = 9,
	HIVE_REG_RESOURCE_REQUIREMENTS_LIST = 10, HIVE_REG_QWORD = 11,
};

/* hive_open() flags. */
enum {
	HIVE_OPEN_WRITE   = 1 << 0, /* allow edits and hive_commit() */
	HIVE_OPEN_SALVAGE = 1 << 1, /* read what can be read; never writable */
	HIVE_OPEN_NO_LOGS = 1 << 2, /* do not replay transaction logs */
	HIVE_OPEN_FORCE   = 1 << 3, /* allow writing a dirty hive without logs,
				     * a read-only or hard-linked file */
	/* Validate each hbin (and map its cells) when it is first reached, not
	 * all of them at open: a lookup or a small edit of a large hive then
	 * costs what it touches.  Damage in a part never reached is not seen
	 * (hive_check() and hive_get_stats() still read everything).  Read-only,
	 * the chain of hbin headers is still checked at open; with
	 * HIVE_OPEN_WRITE, as far as the edit reaches, and all of it before
	 * the hive grows.  The key tree likewise: without this flag the first
	 * edit walks the whole tree, and a loop or nesting deeper than 512
	 * anywhere makes the hive read-only; with it, each edit walks the
	 * subtree of the key it changes (a value's key, the parent of a new
	 * key), and a loop or nesting deeper than 512 levels below that key
	 * makes the hive read-only; a delete, which frees cells, walks the
	 * whole tree either way.  An edit of a key in or above a loop is
	 * refused; a set or add on a key whose subtree is sound is not
	 * (doc/safety.md). */
	HIVE_OPEN_LAZY    = 1 << 4,
};

/* Message callback for warnings and notes; the library never prints. */
typedef void (*hive_msg_cb)(void *data, const char *msg);

/* ---- open, close, errors ------------------------------------------------- */

/* A new, empty handle.  Returns: the handle, or NULL when out of memory.
 * Free with hive_close(), whether or not an open into it succeeded. */
BCDKIT_API hive_t *hive_new(void);
/* Open a hive file into h, an empty handle from hive_new().  Returns: 0, or
 * a negative code with the detail in hive_last_error(h) ("PATH: ..."); the
 * handle is then empty again (it may be opened anew) and is still freed
 * with hive_close().  -BK_EINVAL if h already holds a hive.
 *
 * The file is locked until hive_close(): exclusively with HIVE_OPEN_WRITE,
 * shared otherwise (doc/safety.md).  A lock held by another process is
 * waited for (hive_set_lock_wait()), then -BK_EBUSY: "store is in use".
 * Handles of one process on one file share their lock.  With
 * HIVE_OPEN_WRITE, temporary files left beside it by a writer that died
 * are removed (with a note); hive_commit() refuses to replace a read-only
 * or hard-linked file (-BK_EREADONLY) unless HIVE_OPEN_FORCE was given. */
BCDKIT_API int hive_open(hive_t *h, const char *path, unsigned flags);
/* Open a hive image from memory (copied) into h, as hive_open(); name (NULL:
 * "(memory)") is used in messages.  Returns: 0, or a negative code with the
 * detail in hive_last_error(h). */
BCDKIT_API int hive_open_buffer(hive_t *h, const void *buf, size_t len,
				const char *name, unsigned flags);
/* Free the handle and everything it owns and release its hold on the file's
 * lock; edits not committed are lost.  NULL is accepted. */
BCDKIT_API void hive_close(hive_t *h);
/* How long hive_open() and hive_recover() wait for another process's lock,
 * in milliseconds, for the whole process (default 5000; 0: do not wait). */
BCDKIT_API void hive_set_lock_wait(unsigned ms);
/* Detail of the last error on h.  Returns a string owned by h, valid until
 * its next failing call or hive_close(); the code's fixed message when there
 * is no detail. */
BCDKIT_API const char *hive_last_error(const hive_t *h);
/* Returns the fixed message of a BK_E* code (positive or negated), in static
 * storage. */
BCDKIT_API const char *hive_strerror(int err);
/* Send warnings and notes to cb (NULL: drop them); notes raised while
 * opening, before cb existed, are delivered at once. */
BCDKIT_API void hive_set_msg_cb(hive_t *h, hive_msg_cb cb, void *data);

/* ---- header -------------------------------------------------------------- */

struct hive_header {
	uint32_t seq1, seq2;
	uint64_t timestamp;       /* FILETIME */
	uint32_t major, minor;
	uint32_t file_type;
	uint32_t file_format;
	uint32_t root_offset;
	uint32_t hbins_size;
	uint32_t clustering;
	uint32_t flags;
	uint32_t checksum;        /* as stored */
	uint32_t checksum_calc;   /* as computed */
	char file_name[128];      /* UTF-8 of the debugging name */
};

/* Dirty/health state of the hive as opened. */
enum {
	HIVE_STATE_DIRTY_SEQ      = 1 << 0, /* seq1 != seq2 */
	HIVE_STATE_BAD_CHECKSUM   = 1 << 1,
	HIVE_STATE_TRUNCATED      = 1 << 2, /* hive bins extend past the end of file */
	HIVE_STATE_SALVAGED       = 1 << 3, /* damaged parts were skipped */
	HIVE_STATE_RECOVERED      = 1 << 4, /* transaction logs were replayed */
	HIVE_STATE_DIRTY_NO_LOGS  = 1 << 5, /* dirty and no usable log */
};

struct hive_stats {
	uint64_t keys, values;
	uint64_t used_bytes, free_bytes;  /* in cells, within hive bins */
	uint64_t hbins;
	uint64_t file_size;
	uint32_t reserved[8];      /* zeroed by the library */
};

/* Fill *out with the base block as opened (after log replay).  Returns: 0 or
 * a negative code. */
BCDKIT_API int hive_get_header(hive_t *h, struct hive_header *out);
/* Returns the HIVE_STATE_* bits of the hive as opened. */
BCDKIT_API unsigned hive_state(const hive_t *h);
/* Count keys, values, cells and hive bins (a lazy handle checks every hbin
 * first).  Returns: 0 and *out, or a negative code. */
BCDKIT_API int hive_get_stats(hive_t *h, struct hive_stats *out);
/* Names of the log files found beside the hive, NULL-terminated; freed with the handle.
 * Returns an array owned by h, valid until hive_close(); empty (only the
 * NULL) when there are none. */
BCDKIT_API const char *const *hive_log_files(hive_t *h);

/* ---- keys ---------------------------------------------------------------- */

struct hive_key_info {
	uint16_t flags;
	uint64_t timestamp;        /* FILETIME */
	uint32_t access_bits;
	hive_key_t parent;
	uint32_t subkey_count;
	uint32_t value_count;
	uint32_t sk_offset;
	uint32_t class_offset;
	uint32_t max_subkey_name;  /* as stored (bytes) */
	uint32_t max_subkey_class;
	uint32_t max_value_name;
	uint32_t max_value_data;
	uint32_t reserved[4];      /* zeroed by the library */
};

/* Returns: 0 and *out, the root key. */
BCDKIT_API int hive_root(hive_t *h, hive_key_t *out);
/* Fill *out with the key's fields.  Returns: 0, or a negative code for a bad
 * key handle. */
BCDKIT_API int hive_key_info(hive_t *h, hive_key_t key, struct hive_key_info *out);
/* Name as escaped UTF-8; caller frees with free().
 * Returns: 0 and *out, or a negative code. */
BCDKIT_API int hive_key_name(hive_t *h, hive_key_t key, char **out);
/*
 * The same name written into buf without allocating (listings convert every
 * name).  buf must hold 8 bytes per stored character plus 1 (each may become
 * a "{U+hhhh}" escape); if size is smaller, -BK_ETOOBIG and *len is the size
 * needed.  Else 0 and *len is the length written, without the NUL.
 * Returns: 0, -BK_ETOOBIG, or another negative code for a bad key.
 */
BCDKIT_API int hive_key_name_to(hive_t *h, hive_key_t key, char *buf, size_t size, size_t *len);
/* Name as UTF-16 code units; caller frees.  *n is a count of code units.
 * Returns: 0, *out and *n, or a negative code.  Free with free(). */
BCDKIT_API int hive_key_name_utf16(hive_t *h, hive_key_t key, uint16_t **out, size_t *n);
/* Class name as raw UTF-16LE bytes (NULL/0 when none); caller frees.
 * Returns: 0 and *out (free with free()), or a negative code. */
BCDKIT_API int hive_key_class(hive_t *h, hive_key_t key, uint8_t **out, size_t *len);
/* Subkeys in stored order; caller frees the array.
 * Returns: 0, *out and *n, or a negative code.  Free with free(). */
BCDKIT_API int hive_key_subkeys(hive_t *h, hive_key_t key, hive_key_t **out, size_t *n);
/*
 * Visit key and its subtree depth first (parents before children, subkeys in
 * stored order), with the library's loop check and depth limit: a key
 * reached twice or nested deeper than 512 stops the walk with -BK_ECORRUPT.
 * cb returns 0 to descend, > 0 to skip the key's subtree, < 0 to stop.
 */
typedef int (*hive_key_walk_cb)(hive_t *h, hive_key_t key, int depth, void *data);
/* Returns: 0, -BK_ECORRUPT (loop or depth), -BK_ENOMEM, or the negative
 * value cb returned. */
BCDKIT_API int hive_key_walk(hive_t *h, hive_key_t start, hive_key_walk_cb cb, void *data);
/* Values of a key in stored order.  Returns: 0, *out and *n, or a negative
 * code.  Free with free(). */
BCDKIT_API int hive_key_values(hive_t *h, hive_key_t key, hive_value_t **out, size_t *n);
/* The same into buf (room for size handles), without allocating: 0 and *n,
 * or -BK_ETOOBIG with *n the number of values when they do not fit.
 * Returns: 0, -BK_ETOOBIG, or another negative code for a bad key. */
BCDKIT_API int hive_key_values_to(hive_t *h, hive_key_t key, hive_value_t *buf, size_t size,
				  size_t *n);
/* Case-insensitive child lookup (Windows upper-casing). -BK_ENOTFOUND if absent.
 * Returns: 0 and *out, -BK_ENOTFOUND, or another negative code. */
BCDKIT_API int hive_key_child(hive_t *h, hive_key_t parent, const char *name, hive_key_t *out);
/*
 * Find a key by path relative to the root: "A\B\C".  Accepts and strips a
 * hive-root prefix ("HKLM\SYSTEM\", "HKEY_LOCAL_MACHINE\SOFTWARE\",
 * "HKCU\", ...), and resolves "CurrentControlSet" through Select\Current in
 * a SYSTEM hive.  "" and "\" name the root.
 * Returns: 0 and *out, -BK_ENOTFOUND, or another negative code.
 */
BCDKIT_API int hive_key_find(hive_t *h, const char *path, hive_key_t *out);
/* Full path of a key from the root (without the root's name); caller frees.
 * Returns: 0 and *out (free with free()), or a negative code. */
BCDKIT_API int hive_key_path(hive_t *h, hive_key_t key, char **out);

/* ---- values -------------------------------------------------------------- */

/* Case-insensitive lookup; "" or "@" is the default value.
 * Returns: 0 and *out, -BK_ENOTFOUND, or another negative code. */
BCDKIT_API int hive_value_find(hive_t *h, hive_key_t key, const char *name, hive_value_t *out);
/* Name of a value as escaped UTF-8 ("" for the default value).  Returns: 0
 * and *out (free with free()), or a negative code. */
BCDKIT_API int hive_value_name(hive_t *h, hive_value_t v, char **out);
/* Into buf, as hive_key_name_to() (a backslash is not escaped: not a path).
 * Returns: 0, -BK_ETOOBIG, or another negative code for a bad value. */
BCDKIT_API int hive_value_name_to(hive_t *h, hive_value_t v, char *buf, size_t size, size_t *len);
/* Name of a value as UTF-16 code units; *n is a count of code units.
 * Returns: 0 and *out (free with free()), or a negative code. */
BCDKIT_API int hive_value_name_utf16(hive_t *h, hive_value_t v, uint16_t **out, size_t *n);
/* Returns: 0 and *type, or a negative code. */
BCDKIT_API int hive_value_type(hive_t *h, hive_value_t v, uint32_t *type);
/* Raw bytes, never altered; caller frees.
 * Returns: 0, *out and *len, or a negative code.  Free with free(). */
BCDKIT_API int hive_value_data(hive_t *h, hive_value_t v, uint8_t **out, size_t *len);
/*
 * Type and raw bytes without a copy: data points into the hive in memory
 * (valid until the next edit or hive_close()), or into the view itself for
 * data of up to 4 bytes (do not copy the struct), or, for big data only,
 * into a buffer the view owns.  Release with hive_value_view_free().
 */
struct hive_value_view {
	uint32_t type;
	const uint8_t *data;
	size_t len;
	uint8_t inline_bytes[4];
	void *owned;
};
/* Returns: 0 and *out (release with hive_value_view_free()), or a negative
 * code. */
BCDKIT_API int hive_value_view(hive_t *h, hive_value_t v, struct hive_value_view *out);
/* Free the buffer a view owns (if any) and clear its data pointer; the
 * struct itself is the caller's. */
BCDKIT_API void hive_value_view_free(struct hive_value_view *vv);

/* Typed decoders on raw bytes (usable on any buffer). */
/* UTF-16LE to UTF-8, stopping at the first NUL; odd lengths and junk tolerated.
 * Returns: 0 and *out (free with free()), or -BK_ENOMEM. */
BCDKIT_API int hive_decode_string(const uint8_t *data, size_t len, char **out);
/* The same into buf without allocating: size at least HIVE_DECODE_STRING_MAX(len)
 * (else -BK_ETOOBIG, *out_len the size needed); *out_len is the length written. */
#define HIVE_DECODE_STRING_MAX(len) (((len) / 2) * 8 + 1)
/* Returns: 0, or -BK_ETOOBIG. */
BCDKIT_API int hive_decode_string_to(const uint8_t *data, size_t len, char *buf, size_t size,
				     size_t *out_len);
/* REG_MULTI_SZ to a NULL-terminated array of UTF-8 strings; free with hive_free_strv().
 * Returns: 0 and *out, or -BK_ENOMEM. */
BCDKIT_API int hive_decode_multi_string(const uint8_t *data, size_t len, char ***out);
/* Free an array from hive_decode_multi_string() and its strings; NULL is
 * accepted. */
BCDKIT_API void hive_free_strv(char **v);
/* REG_DWORD (type 4, LE) or REG_DWORD_BIG_ENDIAN (type 5); needs 4 bytes.
 * Returns: 0 and *out, or -BK_EWRONGTYPE for another type or a length other
 * than 4. */
BCDKIT_API int hive_decode_dword(uint32_t type, const uint8_t *data, size_t len, uint32_t *out);
/* REG_QWORD: 8 bytes LE.
 * Returns: 0 and *out, or -BK_EWRONGTYPE for a length other than 8. */
BCDKIT_API int hive_decode_qword(const uint8_t *data, size_t len, uint64_t *out);
/* Name of a type ("REG_SZ", or "0x1234" style for others) into buf.
 * Returns buf (owned by the caller). */
BCDKIT_API const char *hive_type_name(uint32_t type, char *buf, size_t len);
/* Parse "REG_SZ", "REG_DWORD", ..., or a number; -BK_EINVAL if unknown.
 * Returns: 0 and *out. */
BCDKIT_API int hive_type_parse(const char *s, uint32_t *out);

/* UTF-8 (escaped) <-> UTF-16 name conversion used by the whole API.
 * in_key_path: escape "\" too.  Returns: 0 and *out (free with free()), or
 * -BK_ENOMEM. */
BCDKIT_API int hive_name_from_utf16(const uint16_t *u, size_t n, int in_key_path, char **out);
/* The reverse: slen bytes of escaped UTF-8 to code units (*n of them).
 * Returns: 0 and *out (free with free()), -BK_EINVAL for text that is not
 * UTF-8 or a bad escape, or -BK_ENOMEM. */
BCDKIT_API int hive_name_to_utf16(const char *s, size_t slen, uint16_t **out, size_t *n);
/* Windows upper-casing of one UTF-16 code unit.
 * Returns the upper-case code unit (c itself when it has none). */
BCDKIT_API uint16_t hive_upcase(uint16_t c);
/* Compare two names as Windows sorts subkeys: <0, 0, >0.
 * Returns <0, 0 or >0. */
BCDKIT_API int hive_name_cmp(const uint16_t *a, size_t an, const uint16_t *b, size_t bn);
/* lh hash of a name.
 * Returns the hash. */
BCDKIT_API uint32_t hive_name_hash(const uint16_t *u, size_t n);

/* ---- transaction logs (hive/log.c) --------------------------------------- */

/*
 * A dirty hive (seq1 != seq2 or a bad base-block checksum) may hold its latest
 * data only in the transaction logs beside it: NAME.LOG, NAME.LOG1, NAME.LOG2
 * (any case).  A log's format comes from its base block, never its name.
 */
enum {
	HIVE_LOG_NONE = 0,        /* empty, or not a registry log */
	HIVE_LOG_OLD  = 1,        /* DIRT bitmap (file type 1 or 2; Windows up to 8) */
	HIVE_LOG_NEW  = 2,        /* HvLE entries (file type 6; Windows 8.1 and later) */
};

#define HIVE_RECOVER_MAX_LOGS 3

/* What recovery did with one log file. */
struct hive_recover_log {
	char name[256];           /* file name (in the hive's folder) */
	int format;               /* HIVE_LOG_* */
	int used;                 /* nonzero if data from it was applied */
	uint32_t start_seq;       /* sequence number in the log's base block */
	uint32_t entries;         /* new format: entries applied */
	uint32_t first_seq;       /* new format: sequence numbers of the first */
	uint32_t last_seq;        /*   and last entry applied (valid if entries) */
	uint32_t runs;            /* page runs (new) or 512-byte pages (old) applied */
	char note[200];           /* why it was not used, or where its entries end */
};

struct hive_recover_report {
	int dirty;                /* recovery was needed (else nothing else is set) */
	int bad_checksum;         /* the primary's base block was invalid */
	uint32_t seq1, seq2;      /* the primary's, as found */
	int format;               /* HIVE_LOG_* of the logs applied */
	unsigned nlogs;           /* entries used in logs[] */
	struct hive_recover_log logs[HIVE_RECOVER_MAX_LOGS];
	uint32_t entries;         /* new format: entries applied in all logs */
	uint32_t runs;            /* new format: page runs applied */
	uint32_t pages;           /* old format: 512-byte pages applied */
	int have_last_seq;        /* new format: last_seq is set */
	uint32_t last_seq;        /* sequence number of the last entry applied */
	int base_from_log;        /* the base block was rebuilt from a log */
	uint32_t new_seq;         /* seq1 = seq2 of the recovered hive */
	uint32_t hbins_before;    /* hive bins size before and after */
	uint32_t hbins_after;
	uint32_t reserved[8];     /* zeroed by the library */
};

/* hive_recover() flags. */
enum {
	HIVE_RECOVER_DRY_RUN = 1 << 0, /* replay and check, write nothing */
	HIVE_RECOVER_FORCE   = 1 << 1, /* replace even a read-only or hard-linked hive */
};

/*
 * Replay the logs beside the hive at path into memory; the files are not
 * changed.  Returns 0 and fills *rep: if rep->dirty, *out is the recovered,
 * clean image (caller frees with free()); for a clean hive *out is NULL and
 * *len 0.  Returns -BK_ELOG if the hive is dirty and no log can recover it.
 * h (from hive_new(); any hive it holds is neither read nor changed) only
 * receives the detail of a failure, read with hive_last_error(h).
 */
BCDKIT_API int hive_recover_image(hive_t *h, const char *path, uint8_t **out, size_t *len,
				  struct hive_recover_report *rep);
/*
 * Recover a dirty hive from its logs and write the result.  With out_path,
 * the clean hive is written there (atomically) and the originals are left
 * alone.  With out_path NULL the hive is replaced in place: first every
 * file that changes is copied to NAME.bak (the hive) and LOGNAME.bak (each
 * non-empty log), refusing with -BK_EEXIST if such a copy already exists;
 * then the hive is replaced atomically; only once it is durably on disk are
 * the logs truncated to 0 bytes.  A clean hive returns 0 with rep->dirty 0
 * and nothing written.  Returns 0 or a negative BK_E* code, the detail in
 * hive_last_error(h) (h as for hive_recover_image()); on any failure before
 * the hive is replaced, no file has changed.
 */
BCDKIT_API int hive_recover(hive_t *h, const char *path, const char *out_path, unsigned flags,
			    struct hive_recover_report *rep);

/* ---- checker (hive/check.c) --------------------------------------------- */

/* What a problem found by hive_check() is about. */
enum {
	HIVE_PROBLEM_BASE = 1,     /* base block: checksum, sequence numbers, sizes */
	HIVE_PROBLEM_HBIN,         /* hbin header: signature, offset, size */
	HIVE_PROBLEM_CELL,         /* cell sizes, cells not tiling their hbin */
	HIVE_PROBLEM_KEY,          /* nk fields: signature, name, flags, parent */
	HIVE_PROBLEM_LIST,         /* subkey list structure (lf/lh/li/ri), counts */
	HIVE_PROBLEM_ORDER,        /* subkeys not in Windows upper-case order */
	HIVE_PROBLEM_HASH,         /* wrong lh hash or lf hint */
	HIVE_PROBLEM_DUPLICATE,    /* two subkeys or two values with one name */
	HIVE_PROBLEM_MAXLEN,       /* a max-length field below the real maximum */
	HIVE_PROBLEM_VALUE,        /* value list, vk, value data, db big data */
	HIVE_PROBLEM_SECURITY,     /* sk list ring, reference counts */
	HIVE_PROBLEM_CLASS,        /* class name cell */
	HIVE_PROBLEM_SHARED,       /* one cell referenced by two owners */
	HIVE_PROBLEM_LEAK,         /* allocated cell nothing refers to */
};

struct hive_problem {
	unsigned kind;             /* HIVE_PROBLEM_* */
	uint64_t file_offset;      /* file offset of the record at fault */
	hive_key_t key;            /* key concerned, 0 if none */
	const char *key_path;      /* its path from the root ("" = root), or NULL */
	const char *message;       /* one line: the record, its offset, what is wrong */
};

/* Called once per problem; return 0 to go on, non-zero to stop the check. */
typedef int (*hive_check_cb)(void *data, const struct hive_problem *p);

/*
 * Check every structural rule Windows relies on: base block (checksum,
 * sequence numbers, version, hive bins size), hbins and the cells tiling
 * them, keys (parent pointers, flags, counts, max-length fields), subkey
 * lists (structure, Windows upper-case order across ri leaves, lh hashes,
 * lf hints, duplicate names), values (lists, inline and big data, duplicate
 * names), class names, the sk ring and its reference counts, cells owned
 * twice and allocated cells nothing refers to.  The image checked is the one
 * in memory (after log replay, unless opened with HIVE_OPEN_NO_LOGS); with
 * HIVE_OPEN_SALVAGE the parts the open skipped are reported and the rest is
 * checked.  cb may be NULL.  Returns: 0 with *count (may be NULL) set to the
 * number of problems reported, or a negative code (-BK_ENOMEM) if the check
 * could not run to its end.
 */
BCDKIT_API int hive_check(hive_t *h, hive_check_cb cb, void *data, uint64_t *count);
/* Short name of a problem kind ("order", "hash", ...).
 * Returns a string in static storage ("unknown" for other kinds). */
BCDKIT_API const char *hive_problem_kind_name(unsigned kind);

/* ---- writing (hive/create.c, write-*.c, copy.c, commit.c, diff.c) ------- */

/*
 * Edits change the hive in memory only; nothing touches a file until
 * hive_commit().  Every edit needs a handle opened with HIVE_OPEN_WRITE (or
 * made by hive_create()): otherwise -BK_EREADONLY.  A dirty hive (seq1 !=
 * seq2 or a bad checksum) whose logs were not replayed is refused with
 * -BK_EDIRTY unless it was opened with HIVE_OPEN_FORCE; a truncated or
 * salvaged hive is never writable.  A failed edit (invalid name, no space,
 * data too large, out of memory) leaves the hive exactly as it was.
 *
 * Handles: a key keeps its hive_key_t and a value its hive_value_t for as
 * long as it exists; only deleting it invalidates the handle.
 *
 * Names are escaped UTF-8 as everywhere in this API ("{U+hhhh}" for code
 * units UTF-8 cannot carry).  A key name is 1 to HIVE_KEY_NAME_MAX code
 * units without "\"; a value name is 0 to HIVE_VALUE_NAME_MAX code units,
 * and "" or "@" (or NULL) names the default value.  Names are stored as
 * Latin-1 when every code unit is below 256, else as UTF-16LE.
 */
#define HIVE_KEY_NAME_MAX    255u
#define HIVE_VALUE_NAME_MAX  16383u

/*
 * Make a new, empty hive in memory, to be written to path by hive_commit().
 * minor is 3 (lf lists, no big data: NT4/2000 "standard" format) or 5 (lh
 * lists, big data; 0 means 5).  root_name NULL gives "ROOT".  The root has
 * flags 0x2C (HIVE_ENTRY | NO_DELETE | COMP_NAME) and one sk holding the
 * default descriptor (see hive/create.c: owner and group BUILTIN\Administrators,
 * DACL granting full control to SYSTEM and Administrators and read to
 * Everyone, inherited by subkeys).  The hive is made in h, an empty handle
 * from hive_new() (free with hive_close()).  Returns 0, or a negative code
 * with the detail in hive_last_error(h) and h left empty.
 */
BCDKIT_API int hive_create(hive_t *h, const char *path, const char *root_name,
			   unsigned minor);

/* Add a subkey (sorted insertion, sk inherited from the parent).
 * -BK_EEXIST if a subkey of that name exists (its handle is still put in *out).
 * Returns: 0, -BK_EEXIST, or a negative code (hive unchanged). */
BCDKIT_API int hive_key_add(hive_t *h, hive_key_t parent, const char *name, hive_key_t *out);
/* Same with the name as UTF-16 code units.
 * Returns as hive_key_add(). */
BCDKIT_API int hive_key_add_utf16(hive_t *h, hive_key_t parent, const uint16_t *name,
				  size_t n, hive_key_t *out);
/* mkdir -p: find or create every key of "A\B\C" under the root (prefixes as in
 * hive_key_find() are not accepted here).  *out is the last key.
 * Returns: 0 and *out, or a negative code. */
BCDKIT_API int hive_key_create_path(hive_t *h, const char *path, hive_key_t *out);
/* Delete a key: -BK_ENOTEMPTY if it has subkeys and recursive is 0; the root
 * cannot be deleted (-BK_EINVAL).  Every cell of the subtree is freed and sk
 * reference counts are decremented (an sk no longer used is unlinked).
 * Returns: 0 or a negative code (hive unchanged). */
BCDKIT_API int hive_key_delete(hive_t *h, hive_key_t key, int recursive);
/*
 * Copy the subtree src_key of src (which may be dst itself) under dst_parent
 * in dst, named name (NULL: the source key's name).  Class names, flags,
 * timestamps, security and value order are kept; between hives each
 * descriptor is found in dst by its bytes or added.  Copying a key into its
 * own subtree is refused (-BK_EINVAL); an existing name gives -BK_EEXIST.
 * Returns: 0 and *out (may be NULL), or a negative code (dst unchanged).
 */
BCDKIT_API int hive_key_copy(hive_t *dst, hive_key_t dst_parent, const char *name,
			     hive_t *src, hive_key_t src_key, hive_key_t *out);
/* Set the class name (raw UTF-16LE bytes, as hive_key_class() returns them);
 * NULL or len 0 removes it.
 * Returns: 0 or a negative code. */
BCDKIT_API int hive_key_set_class(hive_t *h, hive_key_t key, const uint8_t *cls, size_t len);

/*
 * Create or replace a value: any 32-bit type, 0 to HIVE_MAX_DATA bytes.  Data
 * of up to 4 bytes is stored inline, larger data in one cell, and data over
 * 16344 bytes as big data (db, segments of 16344) in hives of minor 4 and up.
 * A value keeps its place in the key's value order; a new one is appended.
 * *out (may be NULL) receives the value's handle.
 */
#define HIVE_MAX_DATA (16u << 20)
/* Returns: 0 or a negative code (hive unchanged). */
BCDKIT_API int hive_value_set(hive_t *h, hive_key_t key, const char *name, uint32_t type,
			      const void *data, size_t len);
/* Same with the name as UTF-16 code units; *out (may be NULL) receives the
 * value's handle.  Returns: 0 or a negative code (hive unchanged). */
BCDKIT_API int hive_value_set_utf16(hive_t *h, hive_key_t key, const uint16_t *name,
				    size_t n, uint32_t type, const void *data, size_t len,
				    hive_value_t *out);
/* Delete one value, keeping the order of the others; -BK_ENOTFOUND if absent.
 * Returns: 0, -BK_ENOTFOUND, or another negative code. */
BCDKIT_API int hive_value_delete(hive_t *h, hive_key_t key, const char *name);

/* hive_commit() flags. */
enum {
	/* Before the first write through this handle, copy the existing file
	 * to PATH.bak and each non-empty log beside it to LOGNAME.bak
	 * (atomically, replacing older backups). */
	HIVE_COMMIT_BACKUP = 1 << 0,
	/* Commit mode.  LOGGED: Windows' own protocol, in place: the pages
	 * changed go to NAME.LOG1 or NAME.LOG2 (an HvLE entry), then into the
	 * file, so the cost follows the size of the change, not of the hive.
	 * REWRITE: a new file (temporary file, fsync, rename).  Neither: LOGGED
	 * when the hive has a LOG1/LOG2 beside it or is 4 MiB or larger, unless
	 * more than a quarter of it changed.  The logged commit needs a clean
	 * hive read from this file; otherwise (and for hive_commit_to() another
	 * path) the rewrite is used, with a note if LOGGED was asked for. */
	HIVE_COMMIT_LOGGED = 1 << 1,
	HIVE_COMMIT_REWRITE = 1 << 2,
};

/*
 * Write the hive back to the file it was opened from (or created for), by
 * the logged commit or the rewrite (see HIVE_COMMIT_LOGGED).  Logged: the
 * changed pages go to a log and are flushed, the file is marked dirty, the
 * pages are written in place, the file is marked clean with seq1 = seq2 =
 * its seq + 1 (what replaying that log gives), each step flushed; after a
 * crash, opening it (log replay) gives the old hive or the new one.
 * Rewrite: temp file in the same folder, fsync, rename, fsync the folder.  Sets
 * seq1 = seq2 = one more than every sequence number in the primary and in
 * the logs beside it, the timestamp to now, the hive bins size to the real
 * size, and recomputes the checksum.  Once the new file is durable, the
 * logs beside it are truncated to 0 bytes (doc/hive-format-notes.md,
 * "Writing over logs safely": stale logs must never be replayed over the
 * new content).  After a crash the file is the old hive intact or the new
 * one complete.
 * Returns: 0 or a negative code (detail in hive_last_error()).
 */
BCDKIT_API int hive_commit(hive_t *h, unsigned flags);
/* Same, writing to another path (the original file and its logs are not
 * touched; logs beside path are truncated).
 * Returns: 0 or a negative code. */
BCDKIT_API int hive_commit_to(hive_t *h, const char *path, unsigned flags);

/* ---- hives that are not host files (hive/image.c) ---------------------- */

/*
 * A hive read out of a disk image (IMAGE:PART:\path) or from anywhere else
 * the caller reads bytes: the library never touches the volume, the caller
 * reads and writes the files and hands over the bytes.
 */
struct hive_log_image {
	const char *name;         /* the log's name, for messages and hive_log_files() */
	const void *data;         /* its bytes; NULL or len 0: empty */
	size_t len;
};

/*
 * Open a hive from its bytes (copied) and the bytes of the transaction logs
 * found beside it (NAME.LOG, .LOG1, .LOG2; at most HIVE_RECOVER_MAX_LOGS are
 * used): a dirty hive is replayed in memory from them exactly as hive_open()
 * replays the logs beside a host file (flags as for hive_open(); with
 * HIVE_OPEN_NO_LOGS the logs are not read).  name is used in messages.  The
 * handle has no file: hive_commit() refuses it (-BK_EINVAL); write it with
 * hive_serialize() and store the bytes yourself.  The hive is opened into h,
 * an empty handle from hive_new() (free with hive_close()).  Returns: 0, or
 * a negative code with the detail in hive_last_error(h) and h left empty.
 */
BCDKIT_API int hive_open_image(hive_t *h, const void *buf, size_t len, const char *name,
			       const struct hive_log_image *logs, size_t nlogs, unsigned flags);
/*
 * The bytes hive_commit() would write, in a new buffer (*out, freed with
 * free()): seq1 = seq2 one more than every sequence number in the hive and in
 * logs (the logs that lie beside the file to be replaced; NULL/0 if none),
 * timestamp now, the real hive bins size, checksum.  The handle is not
 * changed.  A truncated or salvaged hive, or a dirty one whose logs were not
 * replayed (unless opened with HIVE_OPEN_FORCE), is refused as for writing;
 * a read-only handle may be serialised (an export).  To store the bytes as a
 * commit does: write them beside the old file, rename over it, then empty
 * the logs, and call hive_serialize_done().
 * Returns: 0, *out and *len, or a negative code.
 */
BCDKIT_API int hive_serialize(hive_t *h, const struct hive_log_image *logs, size_t nlogs,
			      uint8_t **out, size_t *len);
/* The bytes from hive_serialize() are now durably the hive's file: the
 * handle takes their base block (sequence numbers, timestamp) and is clean.
 * -BK_EINVAL if they are not this hive's bytes.
 * Returns: 0, or -BK_EINVAL as said. */
BCDKIT_API int hive_serialize_done(hive_t *h, const uint8_t *img, size_t len);
/*
 * hive_recover_image() for a hive given as bytes with its logs' bytes (as for
 * hive_open_image()): replays them in memory and checks the result opens as
 * a clean hive.  Returns 0 and fills *rep: if rep->dirty, *out is the
 * recovered image (free with free()); for a clean hive *out is NULL and
 * *len 0.  -BK_ELOG if the hive is dirty and no log can recover it; the
 * detail goes to h (as for hive_recover_image()).
 */
BCDKIT_API int hive_recover_buffer(hive_t *h, const void *buf, size_t len, const char *name,
				   const struct hive_log_image *logs, size_t nlogs,
				   uint8_t **out, size_t *out_len,
				   struct hive_recover_report *rep);
/* 1 when the handle has a host file that hive_commit() writes, 0 for a hive
 * from hive_open_image().
 * Returns 1 or 0. */
BCDKIT_API int hive_has_file(const hive_t *h);

/*
 * Where hive_commit() stores a hive from hive_open_image(): commit() is
 * called with the handle and hive_commit()'s flags, and does the whole
 * commit itself (typically hive_serialize() with the logs beside the file,
 * a crash-safe replacement of the file, emptying the logs,
 * hive_serialize_done()); it returns 0 or a negative BK_E* code with a
 * message in err, which becomes the handle's error.  release() (may be
 * NULL) is called with data when the handle is closed.  Without one,
 * hive_commit() of such a handle is -BK_EINVAL.
 */
struct hive_image_io {
	int (*commit)(void *data, hive_t *h, unsigned flags, char *err, size_t errlen);
	void (*release)(void *data);
};
/* io and data must stay valid until the handle is closed. */
BCDKIT_API void hive_set_image_io(hive_t *h, const struct hive_image_io *io, void *data);

/* ---- comparing two hives (hive/diff.c) ----------------------------------- */

enum {
	HIVE_DIFF_KEY_ADDED = 1,     /* in b only (reported once per subtree) */
	HIVE_DIFF_KEY_REMOVED,       /* in a only (reported once per subtree) */
	HIVE_DIFF_CLASS_CHANGED,     /* class name differs */
	HIVE_DIFF_VALUE_ADDED,
	HIVE_DIFF_VALUE_REMOVED,
	HIVE_DIFF_VALUE_CHANGED,     /* type or data differs */
};

struct hive_diff_item {
	int kind;                    /* HIVE_DIFF_* */
	const char *path;            /* key path from the root (escaped UTF-8) */
	const char *value;           /* value name for value items, else NULL */
	hive_key_t key_a, key_b;     /* 0 where absent */
	hive_value_t val_a, val_b;   /* 0 where absent */
};

/* Return nonzero from the callback to stop (hive_diff then returns that). */
typedef int (*hive_diff_cb)(void *data, const struct hive_diff_item *item);

/*
 * Compare the trees of a and b (names without case, as Windows does; value
 * data byte for byte).  Calls cb for each difference in a stable order and
 * returns 0 with *ndiff set (0 = equal), or a negative code (detail in
 * hive_last_error(a) or (b)).
 * Returns: 0 and *ndiff, the callback's non-zero value, or a negative code.
 */
BCDKIT_API int hive_diff(hive_t *a, hive_t *b, hive_diff_cb cb, void *data, size_t *ndiff);

/* ---- text export and import (hive/export-reg.c, export-xml.c, import-reg.c) */

/*
 * Output sink for the exporters: called with successive pieces of the text;
 * returns 0, or a negative BK_E* code that stops the export (and is returned).
 */
typedef int (*hive_write_fn)(void *data, const void *buf, size_t len);

/* .reg dialects written by hive_export_reg() (see hivetool(1), EXPORT). */
enum {
	/* "Windows Registry Editor Version 5.00": UTF-16LE with a BOM, CRLF,
	 * laid out exactly as Windows regedit writes it. */
	HIVE_REG5 = 0,
	/* "REGEDIT4": CRLF, text in an ANSI code page as Windows writes it
	 * (Windows-1252 unless hive_set_reg_codepage() says otherwise);
	 * hex(2)/hex(7) data is converted to it as Windows converts it to
	 * ANSI. */
	HIVE_REG4 = 1,
};

/*
 * The code page of REGEDIT4 text, for hive_export_reg(..., HIVE_REG4, ...)
 * and for hive_import_reg*() of a file whose header is "REGEDIT4": any name
 * iconv knows ("CP1251", "CP932", "ISO-8859-2", ...) or "UTF-8" (no iconv;
 * on import a byte that is not UTF-8 is then read as Latin-1).  NULL or ""
 * restores the default, "CP1252" (Windows-1252).  Regedit 5 files are not
 * affected.  On export, a character the code page does not have is an error
 * naming its key and value (not a '?' as regedit writes); on import, a byte
 * that is no character of the code page is -BK_ESYNTAX with its line.
 * Returns: 0, or -BK_EINVAL (iconv cannot convert between the name and
 * UTF-8/UTF-16, detail in hive_last_error(); the setting is unchanged).
 */
BCDKIT_API int hive_set_reg_codepage(hive_t *h, const char *codepage);

/*
 * The prefix hive_export_reg() puts before every key path when given NULL:
 * "HKEY_LOCAL_MACHINE\NAME", NAME being the last component of the file name
 * stored in the base block, without extension, upper-cased (what
 * "reg load HKLM\NAME" would show; "HIVE" if there is none).
 * Returns: 0 and *out (caller frees with free()), or -BK_ENOMEM.
 */
BCDKIT_API int hive_export_default_prefix(hive_t *h, char **out);

/*
 * Write key (0: the root) and its whole subtree as a .reg file in format
 * HIVE_REG5 or HIVE_REG4 through write(data, ...).  Key paths are prefix
 * (escaped UTF-8; NULL: hive_export_default_prefix(), "": none, paths then
 * start with "\") followed by the path from the root.  Values are written in
 * stored order as regedit writes them: "..." only for a REG_SZ whose bytes it
 * reproduces exactly, dword: for a 4-byte REG_DWORD, hex:/hex(N): otherwise,
 * wrapped at 80 columns.  Name code units a .reg line cannot carry (NUL, CR,
 * LF, unpaired surrogates, "\" inside a key name) are written "{U+hhhh}",
 * as everywhere in this API.  The output is streamed (memory use does not
 * grow with the hive).  Returns: 0, or a negative code (detail in
 * hive_last_error(); a write error is the callback's code).
 */
BCDKIT_API int hive_export_reg(hive_t *h, hive_key_t key, int format, const char *prefix,
			       hive_write_fn write, void *data);

/*
 * Write key (0: the root) and its subtree as XML (UTF-8, schema in
 * doc/hive-xml.md, namespace "urn:bcdkit:hive-xml:1").  Every byte survives:
 * names (as text, or as hex UTF-16LE when XML 1.0 cannot carry them), key
 * flags, timestamps and class names, value types, flags and raw data.
 * Returns: 0 or a negative code (detail in hive_last_error()).
 */
BCDKIT_API int hive_export_xml(hive_t *h, hive_key_t key, hive_write_fn write, void *data);

/*
 * Input source for hive_import_reg_stream(): fill buf with up to len bytes
 * of the text and set *got (0 at the end); return 0, or a negative BK_E*
 * code that stops the import (and is returned).
 */
typedef int (*hive_read_fn)(void *data, void *buf, size_t len, size_t *got);

/* What hive_import_reg() did (or, on failure, where it stopped). */
struct hive_import_report {
	unsigned long lines;          /* lines read */
	unsigned long keys;           /* [key] sections applied (created or found) */
	unsigned long keys_deleted;   /* [-key] sections that removed a key */
	unsigned long values_set;
	unsigned long values_deleted; /* "name"=- that removed a value */
	unsigned long error_line;     /* line of the error, 0 if none or not tied to a line */
	uint32_t reserved[4];         /* zeroed by the library */
};

/*
 * Merge a .reg file held in memory into the hive: regedit 5.00 (UTF-16LE
 * with BOM, or UTF-8), REGEDIT4 (in the code page of
 * hive_set_reg_codepage(), Windows-1252 by default; after a UTF-8 BOM, as
 * UTF-8) and hivexregedit output.  Accepts [key], [-key], "name"=...,
 * @=..., "name"=-, "text", dword:, hex:, hex(N):, str(N):"text", "\"
 * continuation lines, ";" comments and "{U+hhhh}" escapes in names.
 *
 * prefix: NULL strips the first component of every key path when it is a
 * root key name (HKEY_LOCAL_MACHINE, HKLM, HKEY_CURRENT_USER, ...), and for
 * HKEY_LOCAL_MACHINE and HKEY_USERS the second one too (the loaded hive's
 * name); "" strips nothing; anything else is stripped exactly (without case)
 * and a key outside it is an error.
 *
 * All or nothing: the text is parsed and applied in batches as one
 * write-side edit, so a syntax error or an invalid name or size anywhere
 * gives -BK_ESYNTAX (or -BK_ETOOBIG) with "line N: ..." in
 * hive_last_error() and rep->error_line set, and that or any other failure
 * (out of space or memory) undoes every change: on any failure the hive in
 * memory is as it was.  Nothing is written to disk: call hive_commit()
 * afterwards.  rep may be NULL.  Returns: 0 or a negative code.
 */
BCDKIT_API int hive_import_reg(hive_t *h, const void *text, size_t len, const char *prefix,
			       struct hive_import_report *rep);
/* The same, reading the text through read(data, ...) a piece at a time:
 * memory use follows the hive, not the size of the text.
 * Returns: 0 or a negative code, as hive_import_reg(). */
BCDKIT_API int hive_import_reg_stream(hive_t *h, hive_read_fn read, void *data,
				      const char *prefix, struct hive_import_report *rep);

#ifdef __cplusplus
}
#endif
#endif
