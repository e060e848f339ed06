/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transaction logs, the lowest layer of recovery: finding and reading the
 * logs beside a hive, telling their format from their base block, and
 * dispatching to the old (log-old.c) or new (log-new.c) replay.
 *
 * Layers, each calling only the ones below it:
 *   recover.c, image.c   hive_recover*(), hive_open_image(): replay, then
 *                        open the result to check it
 *   open.c               hive_open(): reads the file, replays a dirty
 *                        hive's logs through this file, validates
 *   log.c, log-*.c       this layer: images and log bytes in, a recovered
 *                        image out; never opens a hive handle
 *
 * Replay is all-or-nothing for the caller: the recovered image is built in a
 * new buffer and only replaces the caller's once every check has passed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
		return bk_error_at(eb, hive_name, BK_ELOG, "bad base block checksum and no usable "
			      "transaction log%s", used ? detail : " beside it");
	return bk_error_at(eb, hive_name, BK_ELOG,
			   "dirty hive (seq %u/%u) and no usable transaction "
		      "log%s", rep->seq1, rep->seq2, used ? detail : " beside it");
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

static bool
log_name_matches(const char *base, const char *cand)
{
	size_t n = strlen(base);
	const char *ext = cand + n;

	if (strncasecmp(base, cand, n) != 0)
		return false;
	return strcasecmp(ext, ".LOG") == 0 || strcasecmp(ext, ".LOG1") == 0 ||
	       strcasecmp(ext, ".LOG2") == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect NAME.LOG, NAME.LOG1, NAME.LOG2 beside the hive (any case). */
int
hv_find_logs(const char *path, char ***out)
{
	char *dir = bk_strdup(path), *slash, **v;
	const char *base;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if (!dir)
		return -BK_ENOMEM;
	slash = strrchr(dir, '/');
	base = slash ? path + (slash - dir) + 1 : path;
	if (slash)
		slash[1] = '\0';
	v = bk_calloc(4, sizeof(*v));
	d = opendir(slash ? dir : ".");
	while (v && d && n < 3 && (de = readdir(d)) != NULL) {
		struct stat st;
		if (!log_name_matches(base, de->d_name))
			continue;
		/* A symbolic link or a device at a log's name is no log of ours:
		 * never read, never emptied (doc/safety.md). */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		v[n] = bk_malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!v[n]) {
			/* A silently shorter list could replay the wrong logs. */
			while (n > 0)
				bk_free(v[--n]);
			bk_free(v);
			v = NULL;
			break;
		}
		sprintf(v[n], "%s%s", slash ? dir : "", de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	bk_free(dir);
	if (!v)
		return -BK_ENOMEM;
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

void
hv_log_free(char **paths, struct hive_log_src *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bk_free((void *)src[i].data);
	for (i = 0; paths && paths[i]; i++)
		bk_free(paths[i]);
	bk_free(paths);
}

/* Find and read the logs beside hive_path; paths[] stays parallel to src[]. */
int
hv_log_load(struct bk_errbuf *eb, const char *hive_path, char ***paths,
	  struct hive_log_src *src, size_t *n)
{
	uint8_t *data;
	size_t len;
	int rc;

	*n = 0;
	rc = hv_find_logs(hive_path, paths);
	if (rc < 0)
		return bk_error_at(eb, hive_path, -rc,
				   "cannot list the transaction logs beside it");
	while ((*paths)[*n] && *n < HIVE_LOG_MAX_FILES) {
		rc = bk_read_file_nofollow(eb, (*paths)[*n], &data, &len, HIVE_LOG_MAX_SIZE);
		if (rc < 0) {
			hv_log_free(*paths, src, *n);
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
	rc = hv_log_load(eb, hive_path, &paths, src, &n);
	if (rc < 0)
		return rc;
	rc = hv_log_replay_mem(eb, hive_path, img, len, src, n, rep);
	hv_log_free(paths, src, n);
	return rc;
}

