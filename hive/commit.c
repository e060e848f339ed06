/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a hive back: crash-safe replacement of the file, sequence numbers
 * that put every transaction log behind, truncation of the logs.  The
 * logged commit (Windows' protocol, in place) is in commit-logged.c, which
 * also holds the rule that chooses between the two.
 *
 * Sequence numbers.  The new file gets seq1 = seq2 = N where N is one more
 * than every sequence number found: the primary's two, each log's base
 * block's, and in new-format logs every well-formed HvLE entry header's
 * (walked without hash checks, so stale entries count too: a higher N never
 * hurts).  Windows replays logs only into a dirty primary and only entries
 * at or after its seq2, so with a clean primary at N no log beside it can
 * ever be applied over the new content (doc/hive-format-notes.md, "Writing
 * over logs safely").
 *
 * Logs.  Once the new file is durable (renamed and the folder fsynced), the
 * logs beside it are truncated to 0 bytes: they describe the old content, and
 * a tool (or a Windows version) that misread stale entries would corrupt the
 * new hive.  Empty LOG1/LOG2 files are a normal state.  Truncating before the
 * rename would be wrong: a crash in between would leave a possibly dirty old
 * primary without its logs.
 *
 * Backups (HIVE_COMMIT_BACKUP).  Before the first write through a handle, the
 * existing file is copied to PATH.bak and each non-empty log to LOGNAME.bak,
 * atomically, replacing older copies: the .bak files are the state just
 * before this program's first change.
 *
 * Safety (doc/safety.md).  The handle's exclusive lock moves to the new
 * file as it is renamed into place; logs and backups are opened in the
 * hive's folder and never through a symbolic link (bk-safefile.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bk-atomic.h"
#include "hive-internal.h"

#define COMMIT_FILE_MODE 0644

static uint32_t
max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Highest sequence number in one log image. */
uint32_t
hv_logs_max_seq(const char *path)
{
	struct bk_errbuf eb = { 0 };
	char **logs = NULL;
	uint32_t seq = 0;
	size_t i;

	if (hv_find_logs(path, &logs) < 0)
		return 0;
	for (i = 0; logs && logs[i]; i++) {
		uint8_t *p;
		size_t len;
		if (bk_read_file_nofollow(&eb, logs[i], &p, &len, HIVE_LOG_MAX_SIZE) == 0) {
			seq = max_u32(seq, hv_log_image_max_seq(p, len));
			bk_free(p);
		}
		bk_free(logs[i]);
	}
	bk_free(logs);
	return seq;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
}

/* Copy path and its non-empty logs to NAME.bak. */
static int
make_backups(struct hive *h, const char *path)
{
	char **logs = NULL, *bak;
	size_t i;
	int rc = 0;

	if (file_size(path) < 0)
		return 0;               /* nothing to back up yet */
	if (hv_find_logs(path, &logs) < 0)
		return bk_error_at(&h->err, path, BK_ENOMEM, "out of memory");
	for (i = 0; rc == 0 && (i == 0 || logs[i - 1]); i++) {
		const char *src = i == 0 ? path : logs[i - 1];
		if (i > 0 && file_size(src) <= 0)
			continue;
		bak = bk_malloc(strlen(src) + 5);
		if (!bak) {
			rc = bk_error_at(&h->err, path, BK_ENOMEM, "out of memory");
			break;
		}
		sprintf(bak, "%s.bak", src);
		rc = bk_atomic_copy(&h->err, src, bak, BK_SAFE_SIDECAR);
		bk_free(bak);
	}
	for (i = 0; logs[i]; i++)
		bk_free(logs[i]);
	bk_free(logs);
	return rc;
}

static int
truncate_logs(struct hive *h, const char *path)
{
	char **logs = NULL;
	size_t i;
	int rc = 0;

	if (hv_find_logs(path, &logs) < 0)
		return bk_error_at(&h->err, path, BK_ENOMEM,
				   "written, but out of memory listing its logs");
	for (i = 0; logs[i]; i++) {
		if (rc == 0 && file_size(logs[i]) > 0 && bk_truncate_file(&h->err, logs[i]) < 0)
			rc = bk_error_at(&h->err, path, BK_EIO,
					 "written, but its stale log could not be emptied: %s",
					 h->err.msg);
		bk_free(logs[i]);
	}
	bk_free(logs);
	return rc;
}

static int
commit_to(struct hive *h, const char *path, unsigned flags, bool in_place)
{
	uint8_t base[HIVE_BASE_SIZE];
	struct regf_base b = h->base;
	struct bk_chunk ch[2];
	uint32_t seq;
	unsigned safe = (h->flags & HIVE_OPEN_FORCE) ? BK_SAFE_FORCE : 0;
	int rc = hv_check_writable(h);

	if (rc < 0)
		return rc;
	if (!h->ws && !(h->ws = bk_calloc(1, sizeof(*h->ws))))
		return hv_error(h, BK_ENOMEM, "out of memory");
	if ((flags & HIVE_COMMIT_BACKUP) && !h->ws->backed_up) {
		if ((rc = make_backups(h, path)) < 0)
			return rc;
		h->ws->backed_up = true;
	}
	if (hv_commit_use_logged(h, flags, in_place)) {
		rc = hv_commit_logged(h);      /* commit-logged.c */
		if (rc <= 0)
			return rc;
		b = h->base;            /* 1: the file changed; write it anew */
	}
	/* A lazy handle has read only what it reached: the rest first. */
	if ((rc = hv_lazy_load(h, 0, h->bins_len)) < 0)
		return rc;
	seq = max_u32(max_u32(b.seq1, b.seq2), hv_logs_max_seq(path));
	if (!in_place)
		seq = max_u32(seq, hv_logs_max_seq(h->file ? h->file : h->path));
	b.seq1 = b.seq2 = seq + 1;
	b.timestamp = hv_filetime_now();
	b.file_type = 0;
	b.hbins_size = h->bins_len;
	memcpy(base, h->buf, HIVE_BASE_SIZE);
	regf_base_write(base, &b);
	ch[0].p = base;
	ch[0].len = HIVE_BASE_SIZE;
	ch[1].p = h->buf + HIVE_BASE_SIZE;
	ch[1].len = h->bins_len;
	rc = bk_atomic_write_ex(&h->err, path, ch, 2, COMMIT_FILE_MODE, in_place ? safe : 0, NULL,
				in_place ? h->lock : NULL);
	if (rc < 0)
		return rc;
	memcpy(h->buf, base, HIVE_BASE_SIZE);
	h->base = b;
	if (in_place) {
		hv_dirty_reset(h);
		h->len = HIVE_BASE_SIZE + (size_t)h->bins_len;
		h->state &= ~(unsigned)(HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM |
					HIVE_STATE_DIRTY_NO_LOGS);
	}
	return truncate_logs(h, path);
}

int
hive_commit(hive_t *h, unsigned flags)
{
	/* A hive from hive_open_image() is stored by its caller (image.c). */
	if (h->flags & HIVE_FLAG_NO_FILE)
		return hv_image_commit(h, flags);
	return commit_to(h, h->file ? h->file : h->path, flags, true);
}

int
hive_commit_to(hive_t *h, const char *path, unsigned flags)
{
	if (!path)
		return hv_error(h, BK_EINVAL, "no path to commit to");
	if ((h->flags & HIVE_FLAG_NO_FILE) && strcmp(path, h->path) == 0)
		return hv_image_commit(h, flags);
	return commit_to(h, path, flags, strcmp(path, h->path) == 0 ||
			 (h->file && strcmp(path, h->file) == 0));
}
