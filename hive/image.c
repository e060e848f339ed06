/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hives that are not host files: a hive read out of a file system inside a
 * disk image (or from anywhere else the caller can read bytes), opened
 * together with the bytes of its transaction logs, and written back as bytes
 * that the caller stores itself.  The library never touches the volume; the
 * tools' glue reads and writes the files there (tools/common/image-file.c).
 *
 * Opening replays a dirty primary from the logs' bytes exactly as
 * hive_open() replays the logs beside a host file (hv_log_replay_mem() is
 * the same code), with the same notes and the same "opened as found" rule
 * when no log can recover it.  Like recover.c this file sits above open: it
 * replays through log.c, then opens the result (layers: see log.c).
 *
 * Serialising produces what hive_commit() writes: the base block with
 * seq1 = seq2 one above every sequence number in the hive and in the logs
 * that will lie beside the new file, the timestamp, the real hive bins size
 * and the checksum, then the hive bins.  The caller stores those bytes
 * crash-safely (new file beside the old one, rename over it), then empties
 * the logs, and tells the handle with hive_serialize_done().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

static uint32_t
max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/*
 * Highest sequence number in one log: its base block's two and, in a
 * new-format log, every well-formed HvLE entry header's, walked without hash
 * checks (a stale entry counts too: a higher number never hurts).  Same rule
 * as hive_commit() applies to the logs beside a host file.
 */
uint32_t
hv_log_image_max_seq(const uint8_t *p, size_t len)
{
	struct regf_base b;
	uint32_t seq;
	size_t pos = HIVE_LOG_HDR;

	if (!p || !regf_base_read(p, len, &b))
		return 0;
	seq = max_u32(b.seq1, b.seq2);
	if (b.file_type != 6)
		return seq;
	while (pos + 40 <= len && memcmp(p + pos, "HvLE", 4) == 0) {
		uint32_t size = bk_le32(p + pos + 4);
		if (size < HIVE_LOG_SECTOR || size % HIVE_LOG_SECTOR || size > len - pos)
			break;
		seq = max_u32(seq, bk_le32(p + pos + 12));
		pos += size;
	}
	return seq;
}

/* The names of the logs given, as hive_log_files() lists them. */
static int
keep_log_names(struct hive *h, const struct hive_log_image *logs, size_t nlogs)
{
	size_t i, n = 0;

	h->logs = bk_calloc(nlogs + 1, sizeof(*h->logs));
	if (!h->logs)
		return hv_error(h, BK_ENOMEM, "out of memory");
	for (i = 0; i < nlogs; i++) {
		if (!logs[i].name)
			continue;
		if (!(h->logs[n] = bk_strdup(logs[i].name)))
			return hv_error(h, BK_ENOMEM, "out of memory");
		n++;
	}
	return 0;
}

/* Replay into a copy of buf; *img stays NULL when nothing was replayed. */
static int
replay(const char *name, const void *buf, size_t len, const struct hive_log_image *logs,
       size_t nlogs, uint8_t **img, size_t *img_len, struct hive_recover_report *rep,
       struct bk_errbuf *eb)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	size_t i, n = 0;
	int rc;

	*img = NULL;
	for (i = 0; i < nlogs && n < HIVE_LOG_MAX_FILES; i++) {
		src[n].name = logs[i].name ? logs[i].name : "(log)";
		src[n].data = logs[i].data;
		src[n].len = logs[i].data ? logs[i].len : 0;
		n++;
	}
	if (!(*img = bk_malloc(len ? len : 1)))
		return bk_error_at(eb, name, BK_ENOMEM, "out of memory");
	memcpy(*img, buf, len);
	*img_len = len;
	rc = hv_log_replay_mem(eb, name, img, img_len, src, n, rep);
	if (rc < 0) {
		bk_free(*img);
		*img = NULL;
	}
	return rc;
}

static void
note_replay(struct hive *h, const struct hive_recover_report *rep)
{
	if (rep->format == HIVE_LOG_NEW)
		hv_msg(h, "%s: dirty hive recovered in memory from its transaction logs "
			 "(%u entries, last sequence number %u)", h->path, rep->entries,
			 rep->last_seq);
	else
		hv_msg(h, "%s: dirty hive recovered in memory from its transaction log "
			 "(%u pages)", h->path, rep->pages);
}

int
hive_open_image(hive_t *h, const void *buf, size_t len, const char *name,
		const struct hive_log_image *logs, size_t nlogs, unsigned flags)
{
	struct hive_recover_report rep;
	struct bk_errbuf eb = { 0 };
	uint8_t *img = NULL;
	size_t img_len = 0;
	bool replayed = false;
	char note[BK_ERRMSG_MAX + 32] = "";
	int rc;

	name = name ? name : "(memory)";
	memset(&rep, 0, sizeof(rep));
	if (!(flags & HIVE_OPEN_NO_LOGS) && hv_image_dirty(buf, len)) {
		rc = replay(name, buf, len, logs, nlogs, &img, &img_len, &rep, &eb);
		if (rc == -BK_ENOMEM)
			return hv_set_err(h, &eb);
		if (rc < 0)   /* not fatal: opened as found, read-only unless forced */
			snprintf(note, sizeof(note), "%s; opening the hive as found", eb.msg);
		replayed = rc == 0 && rep.dirty;
	}
	rc = hive_open_buffer(h, img ? img : buf, img ? img_len : len, name,
			      flags & ~(unsigned)HIVE_FLAG_NO_FILE);
	bk_free(img);
	if (rc < 0)
		return rc;
	h->flags = (h->flags & ~(unsigned)HIVE_OPEN_NO_LOGS) |
		   (flags & HIVE_OPEN_NO_LOGS) | HIVE_FLAG_NO_FILE;
	if (note[0])
		hv_msg(h, "%s", note);
	if (replayed) {
		h->state |= HIVE_STATE_RECOVERED;
		note_replay(h, &rep);
	}
	if ((rc = keep_log_names(h, logs, nlogs)) < 0)
		hv_release(h);
	return rc;
}

int
hive_recover_buffer(hive_t *h, const void *buf, size_t len, const char *name,
		    const struct hive_log_image *logs, size_t nlogs, uint8_t **out,
		    size_t *out_len, struct hive_recover_report *rep)
{
	struct hive_recover_report tmp;
	struct bk_errbuf eb = { 0 };
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!rep)
		rep = &tmp;
	memset(rep, 0, sizeof(*rep));
	name = name ? name : "(memory)";
	if (!hv_image_dirty(buf, len))
		return 0;
	rc = replay(name, buf, len, logs, nlogs, out, out_len, rep, &eb);
	if (rc == 0 && (rc = hv_verify_recovered(&eb, name, *out, *out_len)) < 0) {
		bk_free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return rc < 0 ? hv_set_err(h, &eb) : 0;
}

/* What may be serialised: the same rules as for writing, except that a
 * read-only handle may be serialised (an export). */
static int
check_serializable(struct hive *h)
{
	unsigned saved = h->flags;
	int rc;

	h->flags |= HIVE_OPEN_WRITE;
	rc = hv_check_writable(h);
	h->flags = saved;
	return rc;
}

int
hive_serialize(hive_t *h, const struct hive_log_image *logs, size_t nlogs,
	       uint8_t **out, size_t *len)
{
	struct regf_base b = h->base;
	uint32_t seq;
	size_t i, total;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = check_serializable(h)) < 0)
		return rc;
	seq = max_u32(b.seq1, b.seq2);
	for (i = 0; i < nlogs; i++)
		seq = max_u32(seq, hv_log_image_max_seq(logs[i].data, logs[i].len));
	b.seq1 = b.seq2 = seq + 1;
	b.timestamp = hv_filetime_now();
	b.file_type = 0;
	b.hbins_size = h->bins_len;
	total = HIVE_BASE_SIZE + (size_t)h->bins_len;
	if (!(*out = bk_malloc(total)))
		return hv_error(h, BK_ENOMEM, "out of memory");
	memcpy(*out, h->buf, total);
	regf_base_write(*out, &b);
	*len = total;
	return 0;
}

int
hive_serialize_done(hive_t *h, const uint8_t *img, size_t len)
{
	struct regf_base b;

	if (!img || len != HIVE_BASE_SIZE + (size_t)h->bins_len ||
	    !regf_base_read(img, len, &b) || b.seq1 != b.seq2 ||
	    memcmp(img + HIVE_BASE_SIZE, h->buf + HIVE_BASE_SIZE, h->bins_len) != 0)
		return hv_error(h, BK_EINVAL,
			      "these bytes are not this hive as serialised");
	memcpy(h->buf, img, HIVE_BASE_SIZE);
	h->base = b;
	h->len = len;
	h->state &= ~(unsigned)(HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM |
				HIVE_STATE_DIRTY_NO_LOGS);
	return 0;
}

int
hive_has_file(const hive_t *h)
{
	return !(h->flags & HIVE_FLAG_NO_FILE);
}

void
hive_set_image_io(hive_t *h, const struct hive_image_io *io, void *data)
{
	hv_image_release(h);
	h->io = io;
	h->io_data = data;
}

void
hv_image_release(struct hive *h)
{
	if (h->io && h->io->release)
		h->io->release(h->io_data);
	h->io = NULL;
	h->io_data = NULL;
}

int
hv_image_commit(struct hive *h, unsigned flags)
{
	char msg[BK_ERRMSG_MAX] = "";
	int rc;

	/* The name is an IMAGE:PART:\path: it must never become a file here. */
	if (!h->io || !h->io->commit)
		return hv_error(h, BK_EINVAL, "opened from an image, not a file: "
			      "write it with hive_serialize()");
	if ((rc = hv_check_writable(h)) < 0)
		return rc;
	rc = h->io->commit(h->io_data, h, flags, msg, sizeof(msg));
	if (rc >= 0)
		return 0;
	return bk_err(&h->err, rc == -BK_ENOMEM ? BK_ENOMEM : -rc, "%s",
		      msg[0] ? msg : bk_strerror(rc));
}
