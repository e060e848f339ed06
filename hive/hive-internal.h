/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of libbcdkit-hive.  The hive lives in memory as one buffer: the
 * 4096-byte base block followed by the hive bins.  Cell offsets are relative
 * to the start of the hive bins (file offset = HIVE_BASE_SIZE + offset).
 */
#ifndef HIVE_INTERNAL_H
#define HIVE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bcdkit/hive.h"
#include "bk-alloc.h"
#include "bk-buf.h"
#include "bk-bytes.h"
#include "bk-error.h"

/* ---- format constants ---------------------------------------------------- */
#define HIVE_BASE_SIZE        4096u
#define HIVE_HBIN_ALIGN       4096u
#define HIVE_HBIN_HDR         32u
#define HIVE_CELL_ALIGN       8u
#define HIVE_NONE             0xFFFFFFFFu
#define HIVE_BIG_DATA_MIN     16345u       /* data > 16344 bytes uses db (minor >= 4) */
#define HIVE_DB_SEGMENT       16344u
#define HIVE_NK_FIXED         0x4Cu        /* nk bytes before the name */
#define HIVE_VK_FIXED         0x14u
#define HIVE_SK_FIXED         0x14u

/* nk flags */
#define NK_VOLATILE    0x0001
#define NK_HIVE_EXIT   0x0002
#define NK_HIVE_ENTRY  0x0004
#define NK_NO_DELETE   0x0008
#define NK_SYM_LINK    0x0010
#define NK_COMP_NAME   0x0020
/* vk flags */
#define VK_COMP_NAME   0x0001

/* ---- limits against hostile input --------------------------------------- */
#define HIVE_MAX_FILE_SIZE    (4ull << 30)  /* 4 GiB: offsets are 32-bit */
#define HIVE_MAX_SUBKEYS      0x100000u     /* per key */
#define HIVE_MAX_VALUES       0x100000u     /* per key */
#define HIVE_MAX_VALUE_SIZE   (64u << 20)   /* data of one value */
#define HIVE_MAX_RI_DEPTH     2             /* ri -> leaf; an ri never points to an ri */
#define HIVE_MAX_DEPTH        512           /* key nesting */
#define HIVE_MAX_NAME_BYTES   0xFFFFu
#define HIVE_MAX_PENDING_MSGS 32          /* notes kept until a callback is set */

/* ---- base block (disk form <-> memory form) ------------------------------ */
struct regf_base {
	uint32_t seq1, seq2;
	uint64_t timestamp;
	uint32_t major, minor, file_type, file_format;
	uint32_t root_offset, hbins_size, clustering;
	uint32_t flags;
	uint32_t checksum;
};

uint32_t regf_checksum(const uint8_t *base512);
/* Decode the fields of a 512+ byte base block; false if the signature is wrong. */
bool regf_base_read(const uint8_t *p, size_t len, struct regf_base *out);
/* Encode fields into an existing base block and recompute the checksum. */
void regf_base_write(uint8_t *p, const struct regf_base *b);

/* ---- the handle ---------------------------------------------------------- */
struct bk_lock;

struct hive {
	char *path;                /* file name, for messages */
	char *file;                /* the file itself: path with a symbolic link resolved */
	struct bk_lock *lock;      /* shared, or exclusive when opened for writing */
	int tree;                  /* key tree: 0 not checked, 1 sound, -1 loop or too deep */
	uint8_t *vok, *vwalk;      /* lazy edits: subtrees verified, keys of a walk (walk.c) */
	size_t vmap_len;
	unsigned flags;            /* HIVE_OPEN_* */
	unsigned state;            /* HIVE_STATE_* */
	struct bk_errbuf err;

	uint8_t *buf;              /* base block + hive bins */
	size_t len;                /* bytes in buf (file size or more) */
	size_t cap;                /* allocated */
	size_t mapped;             /* buf is a mapping of this length (map.c), not allocated */
	uint8_t *lazy_loaded;      /* HIVE_OPEN_LAZY: 1 bit per page of bins read from lazy_fd */
	int lazy_fd;
	uint64_t lazy_size;        /* the file's size when opened */
	uint32_t bins_len;         /* bytes of hive bins actually walked */
	struct regf_base base;

	uint8_t *cellmap;          /* 1 bit per 8 bytes of hive bins: a cell starts here */
	size_t cellmap_len;
	/* HIVE_OPEN_LAZY (cell.c): hbins are walked and mapped when reached. */
	bool lazy;
	uint32_t hdr_next;         /* the first hbin header not walked yet */
	uint32_t *pstart;          /* per 4 KiB page of a walked hbin: the hbin's offset */
	uint8_t *pdone;            /* per page: its hbin's cells are mapped (or it is bad) */

	char **logs;               /* log files found beside the hive */

	hive_msg_cb msg_cb;
	void *msg_data;
	char **pending;            /* notes sent before a callback was set */
	size_t npending, dropped;

	struct hive_wstate *ws;    /* write side (alloc.c); NULL until the first edit */

	const struct hive_image_io *io;  /* storage of a HIVE_FLAG_NO_FILE hive (image.c) */
	void *io_data;

	char reg_cp[48];           /* REGEDIT4 code page (codepage.c); "" = the default */
};

/*
 * Record an error on the handle, "<path>: <detail>", and return -code: the
 * detail is given without the file name, which the handle adds.
 */
#define hv_error(h, code, ...) bk_error(&(h)->err, (code), __VA_ARGS__)

/* Pointer into hive bins data at offset off (no checks). */
static inline uint8_t *
hv_bins(struct hive *h, uint32_t off)
{
	return h->buf + HIVE_BASE_SIZE + off;
}

/* Read or map the primary file into h->buf (map.c); release it.  With
 * HIVE_OPEN_LAZY, hv_lazy_load() reads bins pages before first use. */
int hv_load_primary(struct hive *h, const char *path);
int hv_lazy_load(struct hive *h, uint32_t off, size_t len);
void hv_free_buf(struct hive *h);

/* Empty the handle but for its error and message callback (a failed open). */
void hv_release(struct hive *h);
/* The error of a function working without the handle's file (log replay,
 * recovery) becomes the handle's: returns its code. */
int hv_set_err(struct hive *h, const struct bk_errbuf *eb);

/* Send a warning/note to the tool's callback, if any. */
void hv_msg(struct hive *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Log files beside a hive (NAME.LOG, .LOG1, .LOG2, any case), sorted;
 * NULL-terminated (log.c). */
int hv_find_logs(const char *path, char ***out);

/* ---- cells (cell.c) ------------------------------------------------------ */
/* Rebuild the cell map by walking every hbin; validates hbins and cells. */
int hv_scan_bins(struct hive *h);
/*
 * Validated access to an allocated cell: off must be a cell start inside the
 * hive bins, the cell must be in use, and its payload at least min bytes.
 * Returns a view of the payload (size field excluded) or sets an error.
 */
int hv_cell(struct hive *h, uint32_t off, size_t min, struct bk_view *out);
bool hv_is_cell_start(const struct hive *h, uint32_t off);
/* With HIVE_OPEN_LAZY: map the hbin holding off (0, or an error), or all. */
int hv_scan_at(struct hive *h, uint32_t off);
int hv_scan_rest(struct hive *h);
/* Start of the hbin holding a mapped offset (its first cell's offset - 32). */
uint32_t hv_hbin_of(const struct hive *h, uint32_t off);
/*
 * Re-raise the error in h->err with context: "<path>: <context>: <inner>",
 * the file named once (bk_error_wrap()).  Returns the (negative) code; rc's
 * sign is ignored.
 */
#define hv_err_ctx(h, rc, ...) \
	bk_error_wrap(&(h)->err, (rc) < 0 ? -(rc) : (rc), __VA_ARGS__)

/* ---- records (key.c, value.c) -------------------------------------------- */
struct nk_rec {
	uint32_t off;
	uint16_t flags;
	uint64_t timestamp;
	uint32_t access_bits;
	uint32_t parent;
	uint32_t subkey_count, subkey_list;
	uint32_t value_count, value_list;
	uint32_t sk, class_off;
	uint32_t max_name, max_class, max_vname, max_vdata;
	uint16_t name_len, class_len;
	const uint8_t *name;       /* raw bytes in the buffer */
};

struct vk_rec {
	uint32_t off;
	uint16_t name_len;
	uint32_t size_raw;         /* as stored, with the inline bit */
	uint32_t data_len;         /* without the inline bit */
	bool inline_data;
	uint32_t data_off;
	uint32_t type;
	uint16_t flags;
	const uint8_t *name;
};

int hv_nk_read(struct hive *h, uint32_t off, struct nk_rec *out);
int hv_vk_read(struct hive *h, uint32_t off, struct vk_rec *out);
/* Subkey offsets of a key through lf/lh/li/ri; caller frees. */
int hv_subkey_list(struct hive *h, const struct nk_rec *nk, uint32_t **out, size_t *n);
int hv_value_list(struct hive *h, const struct nk_rec *nk, uint32_t **out, size_t *n);
/* Name bytes (Latin-1 if comp, else UTF-16LE) to UTF-16 code units; caller frees. */
int hv_raw_name_utf16(struct hive *h, const uint8_t *p, size_t len, bool comp,
			uint16_t **out, size_t *n);
/* Name bytes to escaped UTF-8 (hive.h); caller frees. */
int hv_raw_name_utf8(struct hive *h, const uint8_t *p, size_t len, bool comp,
		       bool esc_backslash, char **out);
/* The same into buf (hive_key_name_to() in hive.h: -BK_ETOOBIG and the size needed). */
int hv_raw_name_to(struct hive *h, const uint8_t *p, size_t len, bool comp, bool esc_backslash,
		     char *buf, size_t size, size_t *out_len);
/*
 * Depth-first walk from start with loop detection.  The callback returns 0
 * to descend, > 0 to skip the key's subtree, < 0 to stop with that error.
 */
typedef int (*hive_walk_cb)(struct hive *h, hive_key_t key, int depth, void *data);
int hv_walk(struct hive *h, hive_key_t start, hive_walk_cb cb, void *data);
/*
 * The one loop check and depth limit of every recursive operation (ls -r,
 * export, diff, copy, edits): 0 if the tree under start has no loop and
 * nests at most HIVE_MAX_DEPTH deep, else -BK_ECORRUPT with the detail.
 */
int hv_tree_verify(struct hive *h, hive_key_t start);
/*
 * The check of an edit that reaches key: with HIVE_OPEN_LAZY, the subtree
 * under key is verified as above (once per handle: verified keys are
 * remembered), and a failure makes the hive read-only; without it, nothing
 * (hv_check_writable() verified the whole tree).  Call inside hw_begin().
 */
int hv_edit_reach(struct hive *h, hive_key_t key);
/* Forget what hv_edit_reach() verified (an edit was undone). */
void hv_edit_reach_reset(struct hive *h);
/* Value data; caller frees. */
int hv_vk_data(struct hive *h, const struct vk_rec *vk, uint8_t **out, size_t *len);

/* ---- transaction logs (log.c, log-new.c, log-old.c, marvin.c) ----------- */
#define HIVE_LOG_HDR          512u          /* a log's base block (sector 0) */
#define HIVE_LOG_SECTOR       512u
#define HIVE_LOG_MARVIN_SEED  0x82EF4D887A4E55C5ull
#define HIVE_LOG_MAX_FILES    3             /* NAME.LOG, NAME.LOG1, NAME.LOG2 */
#define HIVE_LOG_MAX_SIZE     (1ull << 30)  /* a longer log is refused */
/* Largest hive bins size a log may grow the hive to: far above any real hive,
 * it bounds the allocation a hostile log can ask for. */
#define HIVE_LOG_MAX_BINS     0x40000000u

/* Marvin32 of p[0..len) with a 64-bit seed (marvin.c). */
uint64_t hv_marvin32(uint64_t seed, const uint8_t *p, size_t len);

/* One log's content, read by the caller. */
struct hive_log_src {
	const char *name;          /* path, for messages and the report */
	const uint8_t *data;       /* NULL or len 0: absent */
	size_t len;
};

/* The primary as replay sees it. */
struct hive_log_primary {
	const char *name;
	const uint8_t *img;
	size_t len;
	bool base_ok;              /* regf signature and checksum valid */
	struct regf_base base;     /* meaningful if base_ok */
};

/* Dirty: no valid base block, a bad checksum, or seq1 != seq2. */
bool hv_image_dirty(const uint8_t *img, size_t len);
/* Serial-number comparison (RFC 1982 style) used for log sequence numbers. */
static inline bool
hv_seq_ge(uint32_t a, uint32_t b)
{
	return (uint32_t)(a - b) <= 0x7FFFFFFFu;
}

/*
 * Replay logs into a primary image held in memory.  On success *img and *len are
 * replaced by a new clean buffer (the old one freed) and rep says what was
 * applied; a clean primary is left alone with rep->dirty 0.  On failure
 * *img and *len are unchanged and -BK_ELOG (or -BK_ENOMEM) is returned.
 */
int hv_log_replay_mem(struct bk_errbuf *eb, const char *hive_name, uint8_t **img,
			size_t *len, const struct hive_log_src *logs, size_t nlogs,
			struct hive_recover_report *rep);
/* Same, reading the logs found beside hive_path. */
int hv_log_replay(struct bk_errbuf *eb, const char *hive_path, uint8_t **img,
		    size_t *len, struct hive_recover_report *rep);
/* Format-specific replay (log-new.c, log-old.c); same contract as above, the
 * primary already known to be dirty and logs[] holding only that format. */
int hv_log_new_replay(struct bk_errbuf *eb, const struct hive_log_primary *pri,
			const struct hive_log_src *logs, struct hive_recover_log *lrep,
			size_t nlogs, uint8_t **out, size_t *out_len,
			struct hive_recover_report *rep);
int hv_log_old_replay(struct bk_errbuf *eb, const struct hive_log_primary *pri,
			const struct hive_log_src *logs, struct hive_recover_log *lrep,
			size_t nlogs, uint8_t **out, size_t *out_len,
			struct hive_recover_report *rep);
/* Base name of a path, for notes. */
const char *hv_log_basename(const char *path);
/* A recovered image opens (without logs) as a clean hive: 0, or -BK_ECORRUPT /
 * -BK_ENOMEM with the detail in eb naming name (recover.c). */
int hv_verify_recovered(struct bk_errbuf *eb, const char *name, const uint8_t *img, size_t len);
/* Find and read the logs beside hive_path (at most HIVE_LOG_MAX_FILES):
 * src[i] holds the bytes of (*paths)[i]; free both with hv_log_free(). */
int hv_log_load(struct bk_errbuf *eb, const char *hive_path, char ***paths,
		struct hive_log_src *src, size_t *n);
void hv_log_free(char **paths, struct hive_log_src *src, size_t n);

/* ---- checker (check.c, check-key.c) ------------------------------------- */
#define HIVE_CHECK_MAX_NAME_CHARS  255      /* Windows' limit for a key name */
#define HIVE_CHECK_MAX_VNAME_CHARS 16383    /* ... and for a value name */

/* One referenced sk cell and how many keys point to it. */
struct hive_chk_sk {
	uint32_t off;              /* HIVE_NONE: empty slot */
	uint32_t refs;
};

struct hive_chk {
	struct hive *h;
	hive_check_cb cb;
	void *cb_data;
	uint64_t count;            /* problems reported */
	bool stop;                 /* the callback asked to stop */
	int err;                   /* operational error (-BK_ENOMEM) */
	uint8_t *owned;            /* 1 bit per cell slot: some record refers to it */
	struct hive_chk_sk *sks;   /* open-addressing table of referenced sks */
	size_t sk_cap, sk_n;
	hive_key_t stack[HIVE_MAX_DEPTH + 2];  /* keys from the root, for paths */
	int depth;
};

/* Report one problem about the record at cell offset off (HIVE_NONE: none). */
void hv_chk_report(struct hive_chk *c, unsigned kind, uint32_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Same, at a file offset in the base block. */
void hv_chk_report_base(struct hive_chk *c, uint64_t file_off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Check that off is an allocated cell with at least min payload bytes and
 * return its payload; what names the record for the report.  False (after a
 * report of the given kind) if not.
 */
bool hv_chk_cell(struct hive_chk *c, unsigned kind, uint32_t off, size_t min,
		   const char *what, struct bk_view *out);
/* Record that a cell is owned; false (after a report) if it already was. */
bool hv_chk_claim(struct hive_chk *c, uint32_t off, const char *what);
/* Count one key's reference to the sk at off (already validated). */
int hv_chk_sk_ref(struct hive_chk *c, uint32_t off);
/* Check the key tree from the root (check-key.c). */
void hv_chk_keys(struct hive_chk *c);

/* ---- write side (alloc.c, write-*.c, create.c, copy.c, commit.c) -------- */
#define HIVE_FREE_BUCKETS     64            /* size classes of the free-cell index */
#define HIVE_LEAF_MAX         1012u         /* entries before a leaf is split in two (Windows leaves ~506) */
#define HIVE_RI_MAX           0xFFFFu       /* leaves under one ri */

/* Growable array of free-cell offsets for one size class (stale entries allowed). */
struct hive_fbucket {
	uint32_t *off;
	size_t n, cap;
};

struct hive_wstate {
	/* Undo journal of the edit in progress: records {u32 where, u32 len, bytes}. */
	uint8_t *undo;
	size_t undo_len, undo_cap;
	int depth;                 /* nesting of hw_begin() */
	uint32_t saved_bins_len;
	size_t saved_len;
	struct regf_base saved_base;
	uint64_t now;              /* FILETIME used for every timestamp of this edit */
	/* Free-cell index: hints validated on use, rebuilt by a scan when unsure. */
	struct hive_fbucket fb[HIVE_FREE_BUCKETS];
	bool fb_valid;
	uint32_t fb_scan;          /* hbins below this offset are indexed */
	bool backed_up;            /* HIVE_COMMIT_BACKUP done for this handle */
	/* Pages (4 KiB of hive bins, 1 bit each) changed since the last commit,
	 * for the logged commit (commit-logged.c); dirty_lost: not known. */
	uint8_t *dirty;
	size_t dirty_cap;
	bool dirty_lost;
	bool wrote_log;            /* a log was written beside it through this handle */
	struct hive_vindex *vix;   /* value-name index of one key (write-value.c) */
};

/* Current time as FILETIME (100 ns since 1601). */
uint64_t hv_filetime_now(void);
/*
 * Edits.  hw_begin() checks that the hive may be edited and opens an undo
 * journal; every byte of the hive bins an edit changes goes through
 * hw_touch()/hw_write() first; hw_end(h, rc) keeps the edit (rc >= 0) or
 * restores every byte, the sizes and the cell map (rc < 0), and returns rc.
 */
int hw_begin(struct hive *h);
int hw_end(struct hive *h, int rc);
int hw_touch(struct hive *h, uint32_t off, size_t n);
int hw_write(struct hive *h, uint32_t off, const void *p, size_t n);
int hw_put16(struct hive *h, uint32_t off, uint16_t v);
int hw_put32(struct hive *h, uint32_t off, uint32_t v);
int hw_put64(struct hive *h, uint32_t off, uint64_t v);
/* May this hive be edited and written (write flag, dirty state)?  Sets the error if not. */
int hv_check_writable(struct hive *h);
void hv_wstate_free(struct hive *h);

/*
 * Cells (alloc.c).  Offsets are those of the size field, as for hv_cell();
 * the payload starts 4 bytes later.  New cells are zeroed.  Freeing merges
 * with free neighbours in the same hbin.  An hbin is appended only when no
 * free cell fits.
 */
int hv_cell_alloc(struct hive *h, size_t payload, uint32_t *out);
int hv_cell_free(struct hive *h, uint32_t off);
/* Payload capacity of an allocated cell (no checks). */
uint32_t hv_cell_cap(struct hive *h, uint32_t off);
/* Bins offset of a field of a cell's payload. */
#define HIVE_PAY(off, field) ((uint32_t)((off) + 4u + (field)))

/* A name ready to store: code units, and whether it fits Latin-1. */
struct hive_wname {
	uint16_t *u;
	size_t n;
	bool comp;
};
/* Convert and validate (is_key: 1..255 units, no backslash; else 0..16383). */
int hv_wname_make(struct hive *h, const char *s, bool is_key, struct hive_wname *out);
int hv_wname_from_units(struct hive *h, const uint16_t *u, size_t n, bool is_key,
			  struct hive_wname *out);
void hv_wname_free(struct hive_wname *w);
/* Stored length in bytes, and the bytes (Latin-1 or UTF-16LE) into dst. */
size_t hv_wname_bytes(const struct hive_wname *w);
void hv_wname_store(const struct hive_wname *w, uint8_t *dst);
/* Compare a stored name (raw bytes) with code units, in Windows order. */
int hv_raw_name_cmp(const uint8_t *raw, size_t len, bool comp, const uint16_t *u, size_t n);

/* Subkey lists (write-list.c). */
/* Find a subkey by name: 0 and *out, or -BK_ENOTFOUND (no error set). */
int hv_list_lookup(struct hive *h, const struct nk_rec *nk, const uint16_t *u, size_t n,
		     uint32_t *out);
/* Link child (a complete nk named u/n) into parent's sorted list; counts too. */
int hv_list_insert(struct hive *h, uint32_t parent, uint32_t child,
		     const uint16_t *u, size_t n);
/* Unlink child from parent's list; counts too. */
int hv_list_remove(struct hive *h, uint32_t parent, uint32_t child);

/* Keys (write-key.c). */
/* Create a linked subkey with the given sk, flags and timestamp; -BK_EEXIST
 * with *out set if the name exists. */
int hv_key_add_raw(struct hive *h, uint32_t parent, const struct hive_wname *w,
		     uint16_t flags, uint32_t sk, uint64_t ts, uint32_t *out);
int hv_sk_ref(struct hive *h, uint32_t sk, int delta);
int hv_set_class_raw(struct hive *h, uint32_t key, const uint8_t *cls, size_t len);
/* Set a key's timestamp to the edit's time. */
int hv_nk_touch(struct hive *h, uint32_t key);
/* Raise a key's max-length field (nk offset 0x34..0x40) to at least v. */
int hv_nk_raise(struct hive *h, uint32_t key, uint32_t field, uint32_t v);
/* Is anc the key itself or one of its ancestors? */
int hv_key_is_under(struct hive *h, uint32_t key, uint32_t anc, bool *out);

/* Values (write-value.c). */
int hv_value_set_w(struct hive *h, uint32_t key, const struct hive_wname *w, uint32_t type,
		     const void *data, size_t len, uint32_t *out);
/* Free every value of a key and its value list. */
int hv_values_free_all(struct hive *h, uint32_t key);
void hv_vindex_free(struct hive *h);

/*
 * The logged commit (commit-logged.c).  hw_touch() marks the pages an edit
 * changes; hv_commit_use_logged() is the rule that picks the logged commit
 * over the rewrite; hv_commit_logged() returns 0, 1 if the file on disk
 * is not the one read (write it anew instead), or a negative code.
 */
#define HIVE_COMMIT_LOGGED_MIN  (4u << 20)  /* hive bins: logged even without logs */
void hv_dirty_mark(struct hive *h, uint32_t off, size_t n);
void hv_dirty_reset(struct hive *h);
bool hv_commit_use_logged(struct hive *h, unsigned flags, bool in_place);
int hv_commit_logged(struct hive *h);

/* Highest sequence number in the logs beside path (0 if none); commit.c. */
uint32_t hv_logs_max_seq(const char *path);

/* ---- hives that are not host files (image.c) ---------------------------- */
/* Internal h->flags bit: opened from bytes by hive_open_image(); there is no
 * host file for hive_commit() to write (the name is an IMAGE:PART:\path). */
#define HIVE_FLAG_NO_FILE     (1u << 24)
/* Highest sequence number in one log image (base block and HvLE entries). */
uint32_t hv_log_image_max_seq(const uint8_t *p, size_t len);
/* hive_commit() of a HIVE_FLAG_NO_FILE hive: through its hive_image_io. */
int hv_image_commit(struct hive *h, unsigned flags);
/* hive_close(): hand the hive_image_io's data back. */
void hv_image_release(struct hive *h);

/* ---- .reg text (export-reg.c, regparse.c, import-reg.c) ------------------ */
#define REG_MAX_KEY_NAME      255u          /* code units in one key name */
#define REG_MAX_VALUE_NAME    16383u        /* code units in one value name */
#define REG_EXPORT_BUF        (1u << 20)    /* output is flushed in pieces this big */

/*
 * REGEDIT4 code page (codepage.c): the handle's, or "CP1252".  "UTF-8" is
 * done without iconv: hv_cp_open() then gives *cd NULL.  Otherwise *cd
 * converts UTF-8 to the code page (to_cp) or the code page to UTF-16LE;
 * -BK_EINVAL with a message in eb when iconv does not know the name.
 */
const char *hv_reg_codepage(const struct hive *h);
bool hv_cp_is_utf8(const char *cp);
int hv_cp_open(struct bk_errbuf *eb, const char *cp, bool to_cp, void **cd);
void hv_cp_close(void *cd);
/*
 * Convert n bytes of in into out (replacing its contents).  whole: in is a
 * complete text (the state is reset before and closed after); otherwise a
 * piece of a stream.  Returns 0 (all of it), 1 (not whole: an incomplete
 * sequence at the end waits for more), -BK_EINVAL (a byte sequence with no
 * character in the target, *used bytes in) or -BK_ENOMEM; *used is the
 * count of input bytes converted.
 */
int hv_cp_convert(void *cd, const uint8_t *in, size_t n, bool whole, struct bk_buf *out,
		  size_t *used);

/*
 * Value data without copying when possible: inline bytes (put in tmp), one
 * cell read in place, or, for big data only, a copy in *alloc that the
 * caller frees (NULL otherwise).  *d has vk->data_len bytes.
 */
int hv_vk_bytes(struct hive *h, const struct vk_rec *vk, uint8_t tmp[4],
		  const uint8_t **d, uint8_t **alloc);
/*
 * Exporters: the value list of a key as a view of vl->len / 4 offsets (empty
 * when none).  With HIVE_OPEN_SALVAGE, hv_export_skip() turns a read error
 * (not ENOMEM) into a note and 0, so a damaged value or value list is
 * skipped instead of ending the export.
 */
int hv_export_value_list(struct hive *h, const struct nk_rec *nk, struct bk_view *vl);
int hv_export_skip(struct hive *h, int rc);

enum reg_op_kind {
	REG_OP_KEY = 1,            /* [path]: find or create, make current */
	REG_OP_DELETE_KEY,         /* [-path]: delete with its subtree */
	REG_OP_SET_VALUE,          /* "name"=data, @=data */
	REG_OP_DELETE_VALUE,       /* "name"=-, @=- */
};

/*
 * One operation of a parsed .reg file.  A key path is stored in units[] as
 * its components, each one unit holding its length followed by the name's
 * code units (so a name may contain "\"); the root is an empty path.
 */
struct reg_op {
	uint8_t kind;              /* REG_OP_* */
	uint32_t line;             /* where it was read */
	uint32_t type;             /* REG_OP_SET_VALUE: the value type */
	size_t name, name_len;     /* path or value name: offset and count in units[] */
	size_t data, data_len;     /* REG_OP_SET_VALUE: offset and length in bytes[] */
};

/* A .reg file as an operation list, with all names and data in two arenas. */
struct reg_script {
	struct reg_op *ops;
	size_t nops, ops_cap;
	uint16_t *units;
	size_t nunits, units_cap;
	uint8_t *bytes;
	size_t nbytes, bytes_cap;
	int version;               /* 4 (REGEDIT4) or 5 */
	unsigned long lines;
};

/*
 * Parse a whole .reg text (see hive_import_reg() for the syntax and the
 * prefix rule; REGEDIT4 read as UTF-8) into s, which the caller zeroes first and frees with
 * reg_script_free() whatever the result.  Returns 0, or -BK_ESYNTAX /
 * -BK_ETOOBIG with "line N: ..." in eb and *err_line set, or -BK_ENOMEM.
 */
int reg_parse(struct bk_errbuf *eb, const void *text, size_t len, const char *prefix,
	      struct reg_script *s, unsigned long *err_line);
/*
 * The same over text read piece by piece, REGEDIT4 text in codepage (NULL or
 * "UTF-8": as UTF-8, else through iconv).  With batch, the operations are
 * handed to it whenever many have been parsed, and at the end, and s then
 * starts empty again (a negative return from batch stops the parse and is
 * returned, *err_line untouched).
 */
typedef int (*reg_batch_fn)(void *data, const struct reg_script *s);
int reg_parse_stream(struct bk_errbuf *eb, hive_read_fn read, void *data, const char *prefix,
		     const char *codepage, struct reg_script *s, unsigned long *err_line,
		     reg_batch_fn batch, void *batch_data);

/* The .reg text as lines of code units, decoded piece by piece (regsource.c). */
struct reg_source {
	hive_read_fn read;
	void *data;
	uint8_t *raw;              /* bytes read but not decoded yet */
	size_t raw_len, skip;      /* skip: a BOM still at the start of raw */
	int enc;
	bool eof;
	uint16_t *u;               /* decoded units; lines before pos are handed out */
	size_t n, cap, pos;
	const char *cp;            /* REGEDIT4 code page (NULL: "UTF-8") */
	void *cd;                  /* its converter, once a REGEDIT4 header is seen */
	struct bk_buf conv;       /* scratch: converted bytes */
	unsigned long nl;          /* line ends in the bytes decoded so far */
	unsigned long err_line;    /* line of a byte the code page does not have */
};
/* 1 and the next line (without its end; valid until the next call), 0 at
 * the end, or a negative code with the message in eb. */
int reg_source_line(struct reg_source *s, struct bk_errbuf *eb, const uint16_t **line,
		    size_t *len);
void reg_source_free(struct reg_source *s);
size_t reg_decode_8bit(const uint8_t *t, size_t n, uint16_t *o);
/* A hive_read_fn over a buffer in memory. */
struct reg_mem {
	const uint8_t *p;
	size_t len, pos;
};
int reg_mem_read(void *data, void *buf, size_t len, size_t *got);
void reg_script_free(struct reg_script *s);

#endif
