/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The logged commit: a hive written back the way Windows 8.1+ writes one
 * (doc/hive-format-notes.md, "New-format logs (HvLE)"), so that an edit
 * costs in proportion to the pages it changed and not to the size of the
 * hive.
 *
 *   1. The 4 KiB pages of the hive bins changed since the last commit
 *      (marked by hw_touch() through hv_dirty_mark()) become one HvLE
 *      entry, sequence number S = the primary's (clean, seq1 = seq2 = S),
 *      written with the log's base block to NAME.LOG1 or NAME.LOG2, and
 *      flushed.
 *   2. The primary's base block is marked dirty (seq1 = S + 1, seq2 = S)
 *      and flushed.  From here a crash is recovered by replaying the log.
 *   3. The pages are written into the primary in place and flushed.
 *   4. The base block is marked clean (seq1 = seq2 = S + 1, exactly what
 *      replay writes back after entry S) and flushed.
 *
 * A crash before 2 leaves the old hive, clean, and Windows (like log.c)
 * ignores the logs of a clean hive.  From 2 on the primary is dirty and
 * replaying the log gives, byte for byte, the file step 4 would have
 * written.  The base block fits in one 512-byte sector; if that write is
 * torn, the checksum fails and replay takes the base block from the newest
 * log, which is ours and complete.
 *
 * Which log.  A log starts over once the primary is reconciled, and this
 * commit reconciles at once, so every commit writes a log afresh: its base
 * block carries S, the sequence number of its first and only entry.
 * It goes to the log not written last (the one whose base block has the
 * older sequence number), Windows' rotation between LOG1 and LOG2, so the
 * previous commit's log stays intact while this one is written.  A log
 * beside the hive that replay could take before or after ours (a valid
 * new-format log starting at or after S, left by another tool) is emptied
 * first; one starting before S is never eligible once the primary's seq2
 * is S (doc/hive-format-notes.md, "New-format logs (HvLE)").
 *
 * The rule (hv_commit_use_logged()): in place, on a hive opened from its
 * file and clean (not recovered from logs, not a forced dirty one), the
 * file still as it was read; then HIVE_COMMIT_LOGGED always, and by default
 * when the hive has a LOG1 or LOG2 beside it or hive bins of
 * HIVE_COMMIT_LOGGED_MIN or more, unless more than a quarter of it changed
 * (writing it twice would then cost more than a new file).  Otherwise the
 * temporary-file-and-rename commit of commit.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-atomic.h"
#include "hive-internal.h"

#define LC_PAGE        4096u
#define LC_HVLE_HDR    40u
#define LC_HVLE_REF    8u

/* ---- dirty pages ------------------------------------------------------------ */

void
hv_dirty_mark(struct hive *h, uint32_t off, size_t n)
{
	struct hive_wstate *ws = h->ws;
	uint64_t pg, last;
	size_t need;

	if (n == 0 || ws->dirty_lost)
		return;
	last = ((uint64_t)off + n - 1) / LC_PAGE;
	need = (size_t)(last / 8 + 1);
	if (need > ws->dirty_cap) {
		size_t cap = ws->dirty_cap ? ws->dirty_cap : 64;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = bk_realloc(ws->dirty, cap);
		if (!p) {
			ws->dirty_lost = true;     /* the next commit rewrites the file */
			return;
		}
		memset(p + ws->dirty_cap, 0, cap - ws->dirty_cap);
		ws->dirty = p;
		ws->dirty_cap = cap;
	}
	for (pg = off / LC_PAGE; pg <= last; pg++)
		ws->dirty[pg / 8] |= (uint8_t)(1u << (pg % 8));
}

void
hv_dirty_reset(struct hive *h)
{
	if (!h->ws)
		return;
	if (h->ws->dirty)
		memset(h->ws->dirty, 0, h->ws->dirty_cap);
	h->ws->dirty_lost = false;
}

static bool
page_dirty(const struct hive_wstate *ws, uint32_t pg)
{
	return (size_t)pg / 8 < ws->dirty_cap && ((ws->dirty[pg / 8] >> (pg % 8)) & 1);
}

/* Runs of contiguous dirty pages inside the hive bins. */
struct lc_runs {
	uint32_t (*r)[2];          /* {offset, size} */
	size_t n, cap;
	uint64_t bytes;
};

static int
collect_runs(struct hive *h, struct lc_runs *o)
{
	uint32_t pages = h->bins_len / LC_PAGE, pg = 0, start;

	while (pg < pages) {
		if (!page_dirty(h->ws, pg)) {
			pg++;
			continue;
		}
		for (start = pg; pg < pages && page_dirty(h->ws, pg); pg++)
			;
		if (o->n == o->cap) {
			size_t cap = o->cap ? o->cap * 2 : 16;
			void *p = bk_realloc(o->r, cap * sizeof(*o->r));
			if (!p)
				return hv_error(h, BK_ENOMEM, "out of memory");
			o->r = p;
			o->cap = cap;
		}
		o->r[o->n][0] = start * LC_PAGE;
		o->r[o->n][1] = (pg - start) * LC_PAGE;
		o->bytes += (uint64_t)(pg - start) * LC_PAGE;
		o->n++;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------------- */

/*
 * Every file this commit opens is opened here: never through a symbolic
 * link, never inherited by a child.  One place, so that locking or further
 * checks apply to all of them at once.
 */
static int
lc_open(const char *path, int flags, mode_t mode)
{
	return bk_io->openat(AT_FDCWD, path, flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

static int
write_at(int fd, uint64_t off, const void *p, size_t n)
{
	const uint8_t *q = p;

	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	while (n > 0) {
		ssize_t w = bk_io->write(fd, q, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The path of log k (1 or 2): the one found beside the hive, else NAME.LOGk. */
static char *
log_path(struct hive *h, int k)
{
	char ext[6];
	size_t i, n;
	char *p;

	snprintf(ext, sizeof(ext), ".LOG%d", k);
	for (i = 0; h->logs && h->logs[i]; i++) {
		n = strlen(h->logs[i]);
		if (n > 5 && strcasecmp(h->logs[i] + n - 5, ext) == 0)
			return bk_strdup(h->logs[i]);
	}
	/* Beside the real file: a hive given as a symbolic link is edited
	 * where the link points (hive_open() resolved it into h->file). */
	p = bk_malloc(strlen(h->file ? h->file : h->path) + sizeof(ext));
	if (p)
		sprintf(p, "%s%s", h->file ? h->file : h->path, ext);
	return p;
}

/* Start sequence number of a valid new-format log; false if there is none. */
static bool
log_start(const char *path, uint32_t *start)
{
	uint8_t b[HIVE_LOG_HDR];
	struct regf_base rb;
	int fd = lc_open(path, O_RDONLY, 0);
	ssize_t r;

	if (fd < 0)
		return false;
	r = pread(fd, b, sizeof(b), 0);
	bk_io->close(fd);
	if (r != (ssize_t)sizeof(b) || !regf_base_read(b, sizeof(b), &rb) || rb.file_type != 6 ||
	    regf_checksum(b) != rb.checksum || rb.seq1 != rb.seq2)
		return false;
	*start = rb.seq1;
	return true;
}

static int
empty_log(struct hive *h, const char *path)
{
	int fd = lc_open(path, O_WRONLY, 0), rc = 0;

	if (fd < 0)
		return bk_err_errno(&h->err, "open", path);
	if (bk_io->ftruncate(fd, 0) < 0 || bk_io->fsync(fd) < 0)
		rc = bk_err_errno(&h->err, "empty the stale log", path);
	if (bk_io->close(fd) < 0 && rc == 0)
		rc = bk_err_errno(&h->err, "close", path);
	return rc;
}

/* fsync the folder of path, so that a log just created is there after a crash. */
static int
sync_folder(struct hive *h, const char *path)
{
	char *dir = bk_strdup(path), *s;
	int fd, rc = 0;

	if (!dir)
		return hv_error(h, BK_ENOMEM, "out of memory");
	s = strrchr(dir, '/');
	if (s)
		s[s == dir ? 1 : 0] = '\0';
	fd = bk_io->openat(AT_FDCWD, s ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0 || bk_io->fsync(fd) < 0)
		rc = bk_err_errno(&h->err, "sync folder of", path);
	if (fd >= 0)
		bk_io->close(fd);
	bk_free(dir);
	return rc;
}

/* ---- the commit --------------------------------------------------------------- */

struct lc {
	struct hive *h;
	struct lc_runs runs;
	uint32_t seq;              /* S: the entry's sequence number */
	uint8_t fin[HIVE_BASE_SIZE];   /* the final base block */
	struct regf_base fb;
	struct stat st;            /* of the primary */
	char *log[2];              /* LOG1, LOG2 */
	int target;                /* index into log[] of the log written */
};

/* Log header (a copy of the final base block: type 6, seq S) and the entry. */
static int
build_log(struct lc *c, uint8_t **out, size_t *len)
{
	struct hive *h = c->h;
	size_t refs = LC_HVLE_HDR + LC_HVLE_REF * c->runs.n, esize, i, pos;
	struct regf_base lb = c->fb;
	uint8_t *p, *e;

	esize = (refs + (size_t)c->runs.bytes + HIVE_LOG_SECTOR - 1) / HIVE_LOG_SECTOR *
		HIVE_LOG_SECTOR;
	if (esize > 0xFFFFFFFFu - HIVE_LOG_HDR)
		return hv_error(h, BK_ETOOBIG, "too many changed pages for one log entry");
	p = bk_calloc(1, HIVE_LOG_HDR + esize);
	if (!p)
		return hv_error(h, BK_ENOMEM, "out of memory for the log entry");
	memcpy(p, c->fin, HIVE_LOG_HDR);
	lb.seq1 = lb.seq2 = c->seq;
	lb.file_type = 6;
	regf_base_write(p, &lb);
	e = p + HIVE_LOG_HDR;
	memcpy(e, "HvLE", 4);
	bk_put_le32(e + 4, (uint32_t)esize);
	bk_put_le32(e + 8, c->fb.flags & 1u);
	bk_put_le32(e + 12, c->seq);
	bk_put_le32(e + 16, h->bins_len);
	bk_put_le32(e + 20, (uint32_t)c->runs.n);
	for (i = 0, pos = refs; i < c->runs.n; i++) {
		bk_put_le32(e + LC_HVLE_HDR + LC_HVLE_REF * i, c->runs.r[i][0]);
		bk_put_le32(e + LC_HVLE_HDR + LC_HVLE_REF * i + 4, c->runs.r[i][1]);
		memcpy(e + pos, hv_bins(h, c->runs.r[i][0]), c->runs.r[i][1]);
		pos += c->runs.r[i][1];
	}
	bk_put_le64(e + 24, hv_marvin32(HIVE_LOG_MARVIN_SEED, e + LC_HVLE_HDR,
					  esize - LC_HVLE_HDR));
	bk_put_le64(e + 32, hv_marvin32(HIVE_LOG_MARVIN_SEED, e, 32));
	*out = p;
	*len = HIVE_LOG_HDR + esize;
	return 0;
}

/* Pick the log to write and empty the other if replay could take it. */
static int
choose_log(struct lc *c)
{
	uint32_t s[2];
	bool ok[2];
	int k;

	for (k = 0; k < 2; k++)
		ok[k] = log_start(c->log[k], &s[k]);
	if (ok[0] && ok[1])
		c->target = hv_seq_ge(s[0], s[1]) ? 1 : 0;   /* the older one */
	else
		c->target = ok[0] ? 1 : 0;
	k = 1 - c->target;
	if (ok[k] && hv_seq_ge(s[k], c->seq))
		return empty_log(c->h, c->log[k]);
	return 0;
}

static int
write_log(struct lc *c)
{
	struct hive *h = c->h;
	const char *path = c->log[c->target];
	bool created = false;
	uint8_t *img = NULL;
	size_t len = 0;
	struct stat st;
	int fd, rc;

	if ((rc = build_log(c, &img, &len)) < 0)
		return rc;
	fd = lc_open(path, O_WRONLY, 0);
	if (fd < 0 && errno == ENOENT) {
		fd = lc_open(path, O_WRONLY | O_CREAT | O_EXCL, c->st.st_mode & 0666);
		created = fd >= 0;
	}
	if (fd < 0) {
		rc = bk_err_errno(&h->err, "open the transaction log", path);
	} else {
		if (created)    /* open() applied the umask: the hive's own mode */
			(void)fchmod(fd, c->st.st_mode & 0666);
		if (write_at(fd, 0, img, len) < 0)
			rc = bk_err_errno(&h->err, "write", path);
		else if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > len &&
			 bk_io->ftruncate(fd, (off_t)len) < 0)
			rc = bk_err_errno(&h->err, "truncate", path);
		else if (bk_io->fsync(fd) < 0)
			rc = bk_err_errno(&h->err, "fsync", path);
		if (bk_io->close(fd) < 0 && rc == 0)
			rc = bk_err_errno(&h->err, "close", path);
	}
	bk_free(img);
	if (rc == 0 && created)
		rc = sync_folder(h, path);
	return rc;
}

/* Base block at offset 0 with the given sequence numbers, then fsync. */
static int
write_base(struct lc *c, int fd, uint32_t seq1, uint32_t seq2)
{
	uint8_t b[HIVE_LOG_HDR];
	struct regf_base rb = c->fb;

	memcpy(b, c->fin, sizeof(b));
	rb.seq1 = seq1;
	rb.seq2 = seq2;
	regf_base_write(b, &rb);
	if (write_at(fd, 0, b, sizeof(b)) < 0)
		return bk_err_errno(&c->h->err, "write", c->h->path);
	if (bk_io->fsync(fd) < 0)
		return bk_err_errno(&c->h->err, "fsync", c->h->path);
	return 0;
}

static int
write_primary(struct lc *c, int fd)
{
	struct hive *h = c->h;
	size_t i;
	int rc = write_base(c, fd, c->seq + 1, c->seq);

	for (i = 0; rc == 0 && i < c->runs.n; i++)
		if (write_at(fd, HIVE_BASE_SIZE + (uint64_t)c->runs.r[i][0],
			     hv_bins(h, c->runs.r[i][0]), c->runs.r[i][1]) < 0)
			rc = bk_err_errno(&h->err, "write", h->path);
	if (rc == 0 && bk_io->fsync(fd) < 0)
		rc = bk_err_errno(&h->err, "fsync", h->path);
	if (rc == 0)
		rc = write_base(c, fd, c->seq + 1, c->seq + 1);
	return rc;
}

/*
 * The primary as this handle read it?  Its base block (never changed in
 * memory by edits) must match the file's, and the file hold the hive bins
 * it described.  Returns 1 if so, 0 if not, < 0 on error.
 */
static int
primary_unchanged(struct lc *c, int fd)
{
	uint8_t b[HIVE_BASE_SIZE];

	if (fstat(fd, &c->st) < 0)
		return bk_err_errno(&c->h->err, "stat", c->h->path);
	if (!S_ISREG(c->st.st_mode) ||
	    (uint64_t)c->st.st_size < HIVE_BASE_SIZE + (uint64_t)bk_le32(c->h->buf + 0x28))
		return 0;
	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return 0;
	return memcmp(b, c->h->buf, sizeof(b)) == 0;
}

static void
lc_done(struct lc *c)
{
	struct hive *h = c->h;

	memcpy(h->buf, c->fin, HIVE_BASE_SIZE);
	h->base = c->fb;
	if (h->len < HIVE_BASE_SIZE + (size_t)h->bins_len)
		h->len = HIVE_BASE_SIZE + (size_t)h->bins_len;
	hv_dirty_reset(h);
}

static int
lc_run(struct lc *c, int fd)
{
	int rc = primary_unchanged(c, fd);

	if (rc <= 0) {
		if (rc == 0)
			hv_msg(c->h, "%s: the file changed since it was read; writing it anew "
				 "instead of through its logs", c->h->path);
		return rc < 0 ? rc : 1;
	}
	c->fb = c->h->base;
	c->seq = c->fb.seq2;
	c->fb.seq1 = c->fb.seq2 = c->seq + 1;
	c->fb.timestamp = hv_filetime_now();
	c->fb.file_type = 0;
	c->fb.hbins_size = c->h->bins_len;
	memcpy(c->fin, c->h->buf, HIVE_BASE_SIZE);
	regf_base_write(c->fin, &c->fb);
	if (!(c->log[0] = log_path(c->h, 1)) || !(c->log[1] = log_path(c->h, 2)))
		return hv_error(c->h, BK_ENOMEM, "out of memory");
	if ((rc = choose_log(c)) == 0 && (rc = write_log(c)) == 0)
		c->h->ws->wrote_log = true;     /* it now has logs */
	if (rc == 0 && (rc = write_primary(c, fd)) == 0)
		lc_done(c);
	return rc;
}

int
hv_commit_logged(struct hive *h)
{
	struct lc c;
	int fd, rc;

	memset(&c, 0, sizeof(c));
	c.h = h;
	if ((rc = collect_runs(h, &c.runs)) < 0)
		return rc;
	if (c.runs.n == 0) {
		bk_free(c.runs.r);
		return 0;               /* nothing changed since the last commit */
	}
	fd = lc_open(h->file ? h->file : h->path, O_RDWR, 0);
	if (fd < 0 && errno == ENOENT) {
		rc = 1;                 /* gone since it was read: write it anew */
	} else if (fd < 0) {
		rc = bk_err_errno(&h->err, "open", h->path);
	} else {
		rc = lc_run(&c, fd);
		if (bk_io->close(fd) < 0 && rc == 0)
			rc = bk_err_errno(&h->err, "close", h->path);
	}
	bk_free(c.log[0]);
	bk_free(c.log[1]);
	bk_free(c.runs.r);
	return rc;
}

/* ---- the rule ------------------------------------------------------------------ */

static bool
has_log12(const struct hive *h)
{
	size_t i, n;

	for (i = 0; h->logs && h->logs[i]; i++) {
		n = strlen(h->logs[i]);
		if (n > 5 && (strcasecmp(h->logs[i] + n - 5, ".LOG1") == 0 ||
			      strcasecmp(h->logs[i] + n - 5, ".LOG2") == 0))
			return true;
	}
	return false;
}

static uint64_t
dirty_bytes(const struct hive *h)
{
	uint32_t pg, pages = h->bins_len / LC_PAGE;
	uint64_t n = 0;

	for (pg = 0; pg < pages; pg++)
		n += page_dirty(h->ws, pg);
	return n * LC_PAGE;
}

bool
hv_commit_use_logged(struct hive *h, unsigned flags, bool in_place)
{
	const char *why = NULL;
	bool forced = flags & HIVE_COMMIT_LOGGED;

	if (flags & HIVE_COMMIT_REWRITE)
		return false;
	if (!in_place)
		why = "it is written to another file";
	else if (!h->logs)
		why = "it was not read from this file";
	else if (h->state & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM | HIVE_STATE_RECOVERED))
		why = "the file on disk is not a clean copy of it";
	else if (!h->ws || h->ws->dirty_lost)
		why = "its changed pages are not known";
	if (why) {
		if (forced)
			hv_msg(h, "%s: cannot be committed through its logs (%s); writing it anew",
				 h->path, why);
		return false;
	}
	if (forced)
		return true;
	if (!has_log12(h) && !h->ws->wrote_log && h->bins_len < HIVE_COMMIT_LOGGED_MIN)
		return false;
	return dirty_bytes(h) <= h->bins_len / 4;
}
