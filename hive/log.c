/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transaction logs: finding and reading the logs beside a hive, telling
 * their format from their base block, dispatching to the old (log-old.c) or
 * new (log-new.c) replay, the automatic in-memory replay of hive_open(), and
 * the public hive_recover*() used by "hivetool recover".
 *
 * Replay is all-or-nothing for the caller: the recovered image is built in a
 * new buffer and only replaces the caller's once every check has passed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bk-atomic.h"
#include "hive-internal.h"

const char *
hv_log_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool
hv_image_dirty(const uint8_t *img, size_t len)
{
	struct regf_base b;

	if (len < HIVE_BASE_SIZE || !regf_base_read(img, len, &b))
		return true;
	return regf_checksum(img) != b.checksum || b.seq1 != b.seq2;
}

/* A log's format comes from its base block's file type, never its name. */
static void
classify(const struct hive_log_src *s, struct hive_recover_log *r)
{
	struct regf_base b;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", hv_log_basename(s->name));
	r->format = HIVE_LOG_NONE;
	if (!s->data || s->len == 0) {
		snprintf(r->note, sizeof(r->note), "empty");
	} else if (!regf_base_read(s->data, s->len, &b)) {
		snprintf(r->note, sizeof(r->note), "not a registry log");
	} else if (b.file_type == 1 || b.file_type == 2) {
		r->format = HIVE_LOG_OLD;
	} else if (b.file_type == 6) {
		r->format = HIVE_LOG_NEW;
	} else {
		snprintf(r->note, sizeof(r->note), "file type %u is not a log", b.file_type);
	}
}

/* "dirty hive ... : LOG1: why; LOG2: why" when nothing could be applied. */
static int
no_usable_log(struct bk_errbuf *eb, const char *hive_name,
	      const struct hive_recover_report *rep)
{
	char detail[BK_ERRMSG_MAX] = "";
	size_t used = 0;
	unsigned i;

	for (i = 0; i < rep->nlogs && used < sizeof(detail); i++) {
		if (rep->logs[i].format == HIVE_LOG_NONE)
			continue;
		used += (size_t)snprintf(detail + used, sizeof(detail) - used, "; %s: %s",
					 rep->logs[i].name, rep->logs[i].note);
	}
	if (rep->bad_checksum)
		return bk_err(eb, BK_ELOG, "%s: bad base block checksum and no usable "
			      "transaction log%s", hive_name, used ? detail : " beside it");
	return bk_err(eb, BK_ELOG, "%s: dirty hive (seq %u/%u) and no usable transaction "
		      "log%s", hive_name, rep->seq1, rep->seq2, used ? detail : " beside it");
}

int
hv_log_replay_mem(struct bk_errbuf *eb, const char *hive_name, uint8_t **img,
		    size_t *len, const struct hive_log_src *logs, size_t nlogs,
		    struct hive_recover_report *rep)
{
	struct hive_log_primary pri;
	bool have_new = false, have_old = false;
	uint8_t *out = NULL;
	size_t out_len = 0, i;
	int rc;

	memset(rep, 0, sizeof(*rep));
	memset(&pri, 0, sizeof(pri));
	pri.name = hive_name;
	pri.img = *img;
	pri.len = *len;
	pri.base_ok = *len >= HIVE_BASE_SIZE && regf_base_read(*img, *len, &pri.base) &&
		      regf_checksum(*img) == pri.base.checksum;
	if (!hv_image_dirty(*img, *len))
		return 0;
	rep->dirty = 1;
	rep->bad_checksum = !pri.base_ok;
	rep->seq1 = pri.base_ok ? pri.base.seq1 : 0;
	rep->seq2 = pri.base_ok ? pri.base.seq2 : 0;
	rep->hbins_before = pri.base_ok ? pri.base.hbins_size : 0;
	rep->nlogs = (unsigned)(nlogs < HIVE_LOG_MAX_FILES ? nlogs : HIVE_LOG_MAX_FILES);
	for (i = 0; i < rep->nlogs; i++) {
		classify(&logs[i], &rep->logs[i]);
		have_new |= rep->logs[i].format == HIVE_LOG_NEW;
		have_old |= rep->logs[i].format == HIVE_LOG_OLD;
	}
	if (have_new) {
		/* Windows 8.1+ may leave a stale old-format NAME.LOG from setup. */
		for (i = 0; i < rep->nlogs; i++)
			if (rep->logs[i].format == HIVE_LOG_OLD)
				snprintf(rep->logs[i].note, sizeof(rep->logs[i].note),
					 "not used: new-format logs take precedence");
		rc = hv_log_new_replay(eb, &pri, logs, rep->logs, rep->nlogs, &out,
					 &out_len, rep);
	} else if (have_old) {
		rc = hv_log_old_replay(eb, &pri, logs, rep->logs, rep->nlogs, &out,
					 &out_len, rep);
	} else {
		rc = -BK_ELOG;
	}
	if (rc == -BK_ELOG)
		return no_usable_log(eb, hive_name, rep);
	if (rc < 0)
		return rc;
	bk_free(*img);
	*img = out;
	*len = out_len;
	return 0;
}

static void
free_logs(char **paths, struct hive_log_src *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bk_free((void *)src[i].data);
	for (i = 0; paths && paths[i]; i++)
		bk_free(paths[i]);
	bk_free(paths);
}

/* Find and read the logs beside hive_path; paths[] stays parallel to src[]. */
static int
load_logs(struct bk_errbuf *eb, const char *hive_path, char ***paths,
	  struct hive_log_src *src, size_t *n)
{
	uint8_t *data;
	size_t len;
	int rc;

	*n = 0;
	rc = hv_find_logs(hive_path, paths);
	if (rc < 0)
		return bk_err(eb, -rc, "%s: cannot list the transaction logs beside it",
			      hive_path);
	while ((*paths)[*n] && *n < HIVE_LOG_MAX_FILES) {
		rc = bk_read_file_nofollow(eb, (*paths)[*n], &data, &len, HIVE_LOG_MAX_SIZE);
		if (rc < 0) {
			free_logs(*paths, src, *n);
			*paths = NULL;
			*n = 0;
			return rc;
		}
		src[*n].name = (*paths)[*n];
		src[*n].data = data;
		src[*n].len = len;
		(*n)++;
	}
	return 0;
}

int
hv_log_replay(struct bk_errbuf *eb, const char *hive_path, uint8_t **img, size_t *len,
		struct hive_recover_report *rep)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	char **paths = NULL;
	size_t n = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	/* A clean hive: Windows ignores its logs, so do not even read them. */
	if (!hv_image_dirty(*img, *len))
		return 0;
	rc = load_logs(eb, hive_path, &paths, src, &n);
	if (rc < 0)
		return rc;
	rc = hv_log_replay_mem(eb, hive_path, img, len, src, n, rep);
	free_logs(paths, src, n);
	return rc;
}

int
hv_log_open(struct hive *h)
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

/* The recovered image must open as a clean hive before anything is written. */
static int
verify_image(struct bk_errbuf *eb, const char *path, const uint8_t *img, size_t len)
{
	char msg[BK_ERRMSG_MAX];
	hive_t *h = NULL;
	unsigned st;
	int rc;

	rc = hive_open_buffer(&h, img, len, path, HIVE_OPEN_NO_LOGS, msg, sizeof(msg));
	if (rc == -BK_ENOMEM)
		return bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
	if (rc < 0)
		return bk_err(eb, BK_ECORRUPT, "%s: the recovered hive is not valid: %s",
			      path, msg);
	st = hive_state(h);
	hive_close(h);
	if (st & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM | HIVE_STATE_TRUNCATED))
		return bk_err(eb, BK_ECORRUPT, "%s: the recovered hive is still dirty", path);
	return 0;
}

/* Read the primary and replay; on success *img holds the recovered image. */
static int
recover_load(struct bk_errbuf *eb, const char *path, char ***paths,
	     struct hive_log_src *src, size_t *n, uint8_t **img, size_t *len,
	     struct hive_recover_report *rep)
{
	int rc;

	*paths = NULL;
	*n = 0;
	memset(rep, 0, sizeof(*rep));
	rc = bk_read_file(eb, path, img, len, HIVE_MAX_FILE_SIZE);
	if (rc < 0)
		return rc;
	if (!hv_image_dirty(*img, *len))
		return 0;
	rc = load_logs(eb, path, paths, src, n);
	if (rc == 0)
		rc = hv_log_replay_mem(eb, path, img, len, src, *n, rep);
	if (rc == 0)
		rc = verify_image(eb, path, *img, *len);
	return rc;
}

int
hive_recover_image(const char *path, uint8_t **out, size_t *len,
		   struct hive_recover_report *rep, char *errbuf, size_t errlen)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	struct hive_recover_report tmp;
	struct bk_errbuf eb;
	char **paths;
	uint8_t *img = NULL;
	size_t n, ilen = 0;
	int rc;

	bk_err_clear(&eb);
	*out = NULL;
	*len = 0;
	if (!rep)
		rep = &tmp;
	rc = recover_load(&eb, path, &paths, src, &n, &img, &ilen, rep);
	free_logs(paths, src, n);
	if (rc < 0 || !rep->dirty) {
		bk_free(img);
		if (rc < 0)
			bk_errbuf_set(errbuf, errlen, "%s", eb.msg[0] ? eb.msg : bk_strerror(eb.code));
		return rc;
	}
	*out = img;
	*len = ilen;
	return 0;
}

static char *
bak_name(const char *p)
{
	char *s = bk_malloc(strlen(p) + 5);

	if (s)
		sprintf(s, "%s.bak", p);
	return s;
}

/* bak is a regular file with exactly file's content. */
static bool
same_content(const char *file, const char *bak)
{
	struct bk_errbuf eb;
	uint8_t *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	bool same;

	same = bk_read_file_nofollow(&eb, file, &a, &al, HIVE_MAX_FILE_SIZE) == 0 &&
	       bk_read_file_nofollow(&eb, bak, &b, &bl, HIVE_MAX_FILE_SIZE) == 0 &&
	       al == bl && memcmp(a, b, al) == 0;
	bk_free(a);
	bk_free(b);
	return same;
}

/*
 * Copy each file to bak[i] (NAME.bak), refusing to overwrite an existing
 * copy, except one identical to the file: that is the copy an interrupted
 * run of this same recovery made (the hive is still dirty, so that run
 * changed nothing else), and the recovery starts again from there.  On
 * failure the copies made by this run are removed again.
 */
static int
make_backups(struct bk_errbuf *eb, const char *const *files, char *const *bak, size_t n)
{
	bool had[1 + HIVE_LOG_MAX_FILES] = { false };
	struct stat st;
	size_t i, done;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (lstat(bak[i], &st) != 0)
			continue;
		if (!(had[i] = same_content(files[i], bak[i])))
			rc = bk_err(eb, BK_EEXIST, "%s: backup copy already exists; move it away "
				    "or write the recovered hive elsewhere with -o", bak[i]);
	}
	for (done = 0; done < n && rc == 0; done++)
		if (!had[done])
			rc = bk_atomic_copy(eb, files[done], bak[done], BK_SAFE_SIDECAR);
	/* The failing copy may have been renamed into place before the error. */
	if (rc < 0)
		for (i = 0; i < done; i++)
			if (!had[i])
				(void)bk_io->unlinkat(AT_FDCWD, bak[i], 0);
	return rc;
}

/*
 * In place: backups of the hive and of every log about to be truncated, the
 * hive replaced atomically, and only then the logs emptied (a crash before
 * that leaves a clean hive beside stale logs, which Windows ignores).  Until
 * the hive is replaced a failure leaves the folder as it was.
 */
static int
recover_in_place(struct bk_errbuf *eb, const char *path, const struct hive_log_src *src,
		 const struct hive_recover_report *rep, const uint8_t *img, size_t len,
		 struct bk_lock *lock)
{
	const char *files[1 + HIVE_LOG_MAX_FILES];
	char *bak[1 + HIVE_LOG_MAX_FILES] = { NULL }, why[BK_ERRMSG_MAX];
	struct bk_chunk c = { img, len };
	struct stat before, after;
	size_t n = 0, i;
	int rc = 0;

	files[n++] = path;
	for (i = 0; i < rep->nlogs; i++)
		if (rep->logs[i].format != HIVE_LOG_NONE)
			files[n++] = src[i].name;
	for (i = 0; i < n && rc == 0; i++)
		if (!(bak[i] = bak_name(files[i])))
			rc = bk_err(eb, BK_ENOMEM, "%s: out of memory", files[i]);
	if (rc == 0)
		rc = make_backups(eb, files, bak, n);
	if (rc == 0 && stat(path, &before) < 0)
		rc = bk_err_errno(eb, "stat", path);
	/* If the rename happened before the error, the backups must stay. */
	if (rc == 0 && (rc = bk_atomic_write_ex(eb, path, &c, 1, 0644, BK_SAFE_FORCE, NULL,
						lock)) < 0 &&
	    stat(path, &after) == 0 && after.st_ino == before.st_ino &&
	    after.st_dev == before.st_dev)
		for (i = 0; i < n; i++)
			(void)bk_io->unlinkat(AT_FDCWD, bak[i], 0);
	for (i = 1; i < n && rc == 0; i++) {
		rc = bk_truncate_file(eb, files[i]);
		if (rc < 0) {
			snprintf(why, sizeof(why), "%s", eb->msg);
			bk_err(eb, -rc, "%s: the hive was recovered, but its log could not be "
			       "emptied: %s", path, why);
		}
	}
	for (i = 0; i < n; i++)
		bk_free(bak[i]);
	return rc;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* A read-only or hard-linked hive is not replaced (bk_target_check). */
static int
check_target(struct bk_errbuf *eb, const char *path, unsigned flags)
{
	struct bk_target t;
	int rc = bk_target_open(eb, path, 0, &t);

	if (rc == 0)
		rc = bk_target_check(eb, &t, (flags & HIVE_RECOVER_FORCE) ? BK_SAFE_FORCE : 0);
	bk_target_close(&t);
	return rc;
}

/* The hive's real name (a symbolic link resolved) and its lock. */
static int
recover_lock(struct bk_errbuf *eb, const char *path, bool excl, char **real,
	     struct bk_lock **lock)
{
	struct bk_target t;
	int rc = bk_target_open(eb, path, 0, &t);

	*real = NULL;
	*lock = NULL;
	if (rc == 0)
		rc = bk_lock_open(eb, t.real, "store", excl, lock);
	/* In place, under the exclusive lock: the temporaries of a killed run
	 * (the hive's or a backup's, NAME*.tmpPID.HEX) go, even when that run
	 * got far enough that the hive is clean now and nothing is written. */
	if (rc == 0 && excl)
		(void)bk_temp_sweep(&t);
	if (rc == 0 && !(*real = bk_strdup(t.real)))
		rc = bk_err(eb, BK_ENOMEM, "%s: out of memory", path);
	bk_target_close(&t);
	return rc;
}

int
hive_recover(const char *path, const char *out_path, unsigned flags,
	     struct hive_recover_report *rep, char *errbuf, size_t errlen)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	struct hive_recover_report tmp;
	struct bk_errbuf eb;
	struct bk_lock *lock = NULL;
	struct bk_chunk c;
	bool elsewhere = out_path && !same_file(out_path, path);
	char **paths = NULL, *real = NULL;
	uint8_t *img = NULL;
	size_t n = 0, len = 0;
	int rc;

	bk_err_clear(&eb);
	if (!rep)
		rep = &tmp;
	memset(rep, 0, sizeof(*rep));
	rc = recover_lock(&eb, path, !elsewhere && !(flags & HIVE_RECOVER_DRY_RUN), &real, &lock);
	if (rc == 0)
		rc = recover_load(&eb, real, &paths, src, &n, &img, &len, rep);
	if (rc == 0 && rep->dirty && !(flags & HIVE_RECOVER_DRY_RUN)) {
		if (elsewhere) {
			c.p = img;
			c.len = len;
			rc = bk_atomic_write(&eb, out_path, &c, 1, 0644);
		} else if ((rc = check_target(&eb, path, flags)) == 0) {
			rc = recover_in_place(&eb, real, src, rep, img, len, lock);
		}
	}
	free_logs(paths, src, n);
	bk_free(img);
	bk_free(real);
	bk_lock_release(lock);
	if (rc < 0)
		bk_errbuf_set(errbuf, errlen, "%s", eb.msg[0] ? eb.msg : bk_strerror(eb.code));
	return rc;
}
