/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Opening a hive: read the file (or copy a buffer), validate the base block,
 * walk the hive bins, check the root key.  A dirty hive (seq1 != seq2 or a bad
 * checksum) is still readable: the state is reported, never silently fixed.
 *
 * Open sits above log replay: it hands a dirty image to log.c, which returns
 * a recovered image and never opens a handle; recovery as a file operation
 * (recover.c) and hives from bytes (image.c) sit above open (see log.c).
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bk-atomic.h"
#include "bk-lock.h"
#include "bk-safefile.h"
#include "bk-utf16.h"
#include "hive-internal.h"

/*
 * Notes raised while opening (log replay, salvage) come before the caller can
 * install a callback; they are kept and delivered by hive_set_msg_cb().
 */
void
hv_msg(struct hive *h, const char *fmt, ...)
{
	char buf[BK_ERRMSG_MAX];
	va_list ap;
	char **np;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (h->msg_cb) {
		h->msg_cb(h->msg_data, buf);
		return;
	}
	if (h->npending >= HIVE_MAX_PENDING_MSGS) {
		h->dropped++;
		return;
	}
	np = bk_realloc(h->pending, (h->npending + 1) * sizeof(*np));
	if (!np)
		return;
	h->pending = np;
	if ((np[h->npending] = bk_strdup(buf)) != NULL)
		h->npending++;
}

static void
free_pending(struct hive *h)
{
	size_t i;

	for (i = 0; i < h->npending; i++)
		bk_free(h->pending[i]);
	bk_free(h->pending);
	h->pending = NULL;
	h->npending = 0;
}

const char *
hive_strerror(int err)
{
	return bk_strerror(err);
}

const char *
hive_last_error(const hive_t *h)
{
	return h->err.msg[0] ? h->err.msg : bk_strerror(h->err.code);
}

void
hive_set_msg_cb(hive_t *h, hive_msg_cb cb, void *data)
{
	char buf[64];
	size_t i;

	h->msg_cb = cb;
	h->msg_data = data;
	for (i = 0; cb && i < h->npending; i++)
		cb(data, h->pending[i]);
	if (cb && h->dropped) {
		snprintf(buf, sizeof(buf), "%zu more notes not shown", h->dropped);
		cb(data, buf);
	}
	free_pending(h);
	h->dropped = 0;
}

/* Base block checks that make a file unreadable as a primary hive. */
static int
check_base(struct hive *h)
{
	struct regf_base *b = &h->base;

	if (h->len < HIVE_BASE_SIZE || !regf_base_read(h->buf, h->len, b))
		return hv_error(h, BK_ECORRUPT, "not a registry hive (no regf signature)");
	if (regf_checksum(h->buf) != b->checksum)
		h->state |= HIVE_STATE_BAD_CHECKSUM;
	if (b->seq1 != b->seq2)
		h->state |= HIVE_STATE_DIRTY_SEQ;
	if (b->major != 1 || b->minor < 3 || b->minor > 6)
		return hv_error(h, BK_EUNSUPPORTED, "unsupported hive version %u.%u%s", b->major,
				b->minor,
			      h->state & HIVE_STATE_BAD_CHECKSUM ? " (and a bad header checksum)" : "");
	if (b->file_type != 0)
		return hv_error(h, BK_EUNSUPPORTED,
			      "file type %u is a transaction log, not a primary hive",
			      b->file_type);
	if (b->file_format != 1)
		return hv_error(h, BK_EUNSUPPORTED, "unsupported file format %u", b->file_format);
	if (b->hbins_size == 0 || b->hbins_size % HIVE_HBIN_ALIGN)
		return hv_error(h, BK_ECORRUPT, "invalid hive bins size 0x%x", b->hbins_size);
	return 0;
}

static int
check_root(struct hive *h)
{
	struct nk_rec nk;
	int rc = hv_nk_read(h, h->base.root_offset, &nk);

	if (rc < 0)
		return hv_err_ctx(h, rc, "root key at offset 0x%x is invalid", h->base.root_offset);
	return 0;
}

static void
free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		bk_free(v[i]);
	bk_free(v);
}

static int
finish_open(struct hive *h)
{
	int rc = check_base(h);

	if (rc == 0 && (h->state & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM)))
		h->state |= HIVE_STATE_DIRTY_NO_LOGS;
	if (rc == 0)
		rc = hv_scan_bins(h);
	if (rc == 0)
		rc = check_root(h);
	return rc;
}

hive_t *
hive_new(void)
{
	hive_t *h = bk_calloc(1, sizeof(*h));

	if (h)
		h->lazy_fd = -1;
	return h;
}

/*
 * Give an empty handle its name and flags.  The name is set first so that
 * every error of the open names the file (h->err.name, bk_error()).
 */
static int
hv_begin(struct hive *h, const char *name, unsigned flags)
{
	if (h->buf || h->path)
		return bk_error_at(&h->err, name ? name : "(memory)", BK_EINVAL,
				   "the handle already holds a hive");
	bk_err_clear(&h->err);
	h->path = bk_strdup(name ? name : "(memory)");
	if (!h->path)
		return bk_error_at(&h->err, name ? name : "(memory)", BK_ENOMEM, "out of memory");
	h->err.name = h->path;
	if (flags & HIVE_OPEN_SALVAGE)
		flags &= ~(unsigned)HIVE_OPEN_WRITE;
	h->flags = flags;
	return 0;
}

/* Everything the handle holds but its error, its message callback and the
 * notes not yet delivered: hive_close(), and a failed open, which leaves
 * an empty handle whose hive_last_error() tells why. */
void
hv_release(struct hive *h)
{
	struct bk_errbuf err = h->err;
	hive_msg_cb cb = h->msg_cb;
	void *data = h->msg_data;
	char **pending = h->pending;
	size_t npending = h->npending, dropped = h->dropped;

	hv_image_release(h);
	free_strv(h->logs);
	bk_lock_release(h->lock);
	bk_free(h->file);
	hv_wstate_free(h);
	bk_free(h->vok);          /* lazy edits' verified subtrees (walk.c) */
	bk_free(h->vwalk);
	bk_free(h->cellmap);
	bk_free(h->pstart);       /* lazy open's cell map (cell.c) */
	bk_free(h->pdone);
	hv_free_buf(h);
	bk_free(h->path);
	memset(h, 0, sizeof(*h));
	h->lazy_fd = -1;
	h->err = err;
	h->err.name = NULL;       /* the message keeps the name; the string is gone */
	h->msg_cb = cb;
	h->msg_data = data;
	h->pending = pending;
	h->npending = npending;
	h->dropped = dropped;
}

int
hv_set_err(struct hive *h, const struct bk_errbuf *eb)
{
	h->err.code = eb->code;
	h->err.detail = 0;
	memcpy(h->err.msg, eb->msg, sizeof(h->err.msg));
	if (!h->err.msg[0])
		snprintf(h->err.msg, sizeof(h->err.msg), "%s", bk_strerror(eb->code));
	return eb->code;
}

static int
open_fail(struct hive *h, int rc)
{
	hv_release(h);
	return rc;
}

void
hive_set_lock_wait(unsigned ms)
{
	bk_lock_wait_ms = ms;
}

/*
 * Resolve the name, check a file to be written, lock it, and only then read
 * it: a writer never works on a copy another writer is about to replace.
 */
static int
open_locked(struct hive *h)
{
	bool write = (h->flags & HIVE_OPEN_WRITE) != 0;
	struct bk_target t;
	int rc = bk_target_open(&h->err, h->path, 0, &t), n;

	if (rc < 0)
		return rc;
	/* A read-only file may still be edited in memory: hive_commit()
	 * refuses to replace it (bk_target_check), not the open. */
	rc = bk_lock_open(&h->err, t.real, "store", write, &h->lock);
	if (rc == 0 && write && (n = bk_temp_sweep(&t)) > 0)
		hv_msg(h, "%s: removed %d temporary file%s left by an interrupted writer",
			 h->path, n, n == 1 ? "" : "s");
	/* Read (or map, or load lazily: map.c) while the lock is held. */
	if (rc == 0)
		rc = hv_load_primary(h, t.real);
	if (rc == 0 && !(h->file = bk_strdup(t.real)))
		rc = hv_error(h, BK_ENOMEM, "out of memory");
	bk_target_close(&t);
	return rc;
}

/*
 * A dirty hive's logs are replayed in memory (log.c, which works on the
 * image only); a failed replay is not fatal: the hive opens as found,
 * read-only unless forced.
 */
static int
replay_logs(struct hive *h)
{
	struct hive_recover_report rep;
	int rc;

	if ((h->flags & HIVE_OPEN_NO_LOGS) || !hv_image_dirty(h->buf, h->len))
		return 0;
	rc = hv_log_replay(&h->err, h->file ? h->file : h->path, &h->buf, &h->len, &rep);
	if (rc == -BK_ENOMEM)
		return rc;
	if (rc < 0) {
		/* Not fatal: the hive opens as found, read-only unless forced. */
		hv_msg(h, "%s; opening the hive as found", h->err.msg);
		bk_err_clear(&h->err);
		return 0;
	}
	h->cap = h->len;
	h->state |= HIVE_STATE_RECOVERED;
	if (rep.format == HIVE_LOG_NEW)
		hv_msg(h, "%s: dirty hive recovered in memory from its transaction logs "
			 "(%u entries, last sequence number %u)", h->path, rep.entries,
			 rep.last_seq);
	else
		hv_msg(h, "%s: dirty hive recovered in memory from its transaction log "
			 "(%u pages)", h->path, rep.pages);
	return 0;
}

int
hive_open(hive_t *h, const char *path, unsigned flags)
{
	int rc = hv_begin(h, path, flags);

	if (rc < 0)
		return rc;
	rc = open_locked(h);
	if (rc == 0) {
		if (!h->mapped)
			h->cap = h->len;
		rc = hv_find_logs(h->file, &h->logs);
		if (rc < 0)
			hv_error(h, -rc, "cannot list log files");
	}
	if (rc == 0)
		rc = replay_logs(h);
	if (rc == 0)
		rc = finish_open(h);
	return rc < 0 ? open_fail(h, rc) : 0;
}

int
hive_open_buffer(hive_t *h, const void *buf, size_t len, const char *name, unsigned flags)
{
	int rc = hv_begin(h, name, flags | HIVE_OPEN_NO_LOGS);

	if (rc < 0)
		return rc;
	if (!(h->buf = bk_malloc(len)))
		return open_fail(h, hv_error(h, BK_ENOMEM, "out of memory"));
	memcpy(h->buf, buf, len);
	h->len = h->cap = len;
	rc = finish_open(h);
	return rc < 0 ? open_fail(h, rc) : 0;
}

void
hive_close(hive_t *h)
{
	if (!h)
		return;
	hv_release(h);
	free_pending(h);
	bk_free(h);
}

unsigned
hive_state(const hive_t *h)
{
	return h->state;
}

const char *const *
hive_log_files(hive_t *h)
{
	static const char *const none[] = { NULL };

	return h->logs ? (const char *const *)h->logs : none;
}

int
hive_get_header(hive_t *h, struct hive_header *o)
{
	const struct regf_base *b = &h->base;
	uint16_t *u = NULL;
	size_t n = 0, i;
	char *s = NULL;

	memset(o, 0, sizeof(*o));
	o->seq1 = b->seq1;
	o->seq2 = b->seq2;
	o->timestamp = b->timestamp;
	o->major = b->major;
	o->minor = b->minor;
	o->file_type = b->file_type;
	o->file_format = b->file_format;
	o->root_offset = b->root_offset;
	o->hbins_size = b->hbins_size;
	o->clustering = b->clustering;
	o->flags = b->flags;
	o->checksum = b->checksum;
	o->checksum_calc = regf_checksum(h->buf);
	if (bk_utf16le_units(h->buf + 0x30, 64, &u, &n) < 0)
		return hv_error(h, BK_ENOMEM, "out of memory");
	for (i = 0; i < n && u[i]; i++)
		;
	if (bk_utf16_to_utf8(u, i, false, &s) == 0) {
		snprintf(o->file_name, sizeof(o->file_name), "%s", s);
		bk_free(s);
	}
	bk_free(u);
	return 0;
}
