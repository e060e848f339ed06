/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Recovering a dirty hive as a file operation ("hivetool recover"):
 * hive_recover_image() and hive_recover().  The layer above open: the logs
 * are replayed by log.c, the recovered image is then opened (without logs)
 * to check it is a clean hive, and only then written, with backups of the
 * files it changes.  See log.c for the layers.
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

/* The recovered image must open as a clean hive before anything is written
 * (hive_recover*() here and hive_recover_buffer() in image.c). */
int
hv_verify_recovered(struct bk_errbuf *eb, const char *path, const uint8_t *img, size_t len)
{
	hive_t *h = hive_new();
	unsigned st;
	int rc;

	if (!h)
		return bk_error_at(eb, path, BK_ENOMEM, "out of memory");
	rc = hive_open_buffer(h, img, len, path, HIVE_OPEN_NO_LOGS);
	if (rc < 0) {
		rc = rc == -BK_ENOMEM
			? bk_error_at(eb, path, BK_ENOMEM, "out of memory")
			: bk_error_at(eb, path, BK_ECORRUPT, "the recovered hive is not valid: %s",
				      hive_last_error(h));
		hive_close(h);
		return rc;
	}
	st = hive_state(h);
	hive_close(h);
	if (st & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM | HIVE_STATE_TRUNCATED))
		return bk_error_at(eb, path, BK_ECORRUPT, "the recovered hive is still dirty");
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
	rc = hv_log_load(eb, path, paths, src, n);
	if (rc == 0)
		rc = hv_log_replay_mem(eb, path, img, len, src, *n, rep);
	if (rc == 0)
		rc = hv_verify_recovered(eb, path, *img, *len);
	return rc;
}

int
hive_recover_image(hive_t *h, const char *path, uint8_t **out, size_t *len,
		   struct hive_recover_report *rep)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	struct hive_recover_report tmp;
	struct bk_errbuf eb = { 0 };
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
	hv_log_free(paths, src, n);
	if (rc < 0 || !rep->dirty) {
		bk_free(img);
		return rc < 0 ? hv_set_err(h, &eb) : 0;
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
	struct bk_errbuf eb = { 0 };
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
			rc = bk_error_at(eb, bak[i], BK_EEXIST,
					 "backup copy already exists; move it away "
				    "or write the recovered hive elsewhere with -o");
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
			rc = bk_error_at(eb, files[i], BK_ENOMEM, "out of memory");
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
			bk_error_at(eb, path, -rc,
				    "the hive was recovered, but its log could not be "
			       "emptied: %s", why);
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
		rc = bk_error_at(eb, path, BK_ENOMEM, "out of memory");
	bk_target_close(&t);
	return rc;
}

int
hive_recover(hive_t *h, const char *path, const char *out_path, unsigned flags,
	     struct hive_recover_report *rep)
{
	struct hive_log_src src[HIVE_LOG_MAX_FILES];
	struct hive_recover_report tmp;
	struct bk_errbuf eb = { 0 };
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
	hv_log_free(paths, src, n);
	bk_free(img);
	bk_free(real);
	bk_lock_release(lock);
	return rc < 0 ? hv_set_err(h, &eb) : 0;
}
