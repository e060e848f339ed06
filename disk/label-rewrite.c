/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Crash-safe rewrite of a partition table: disk_label_rewrite().
 *
 * Writing a table in place is not atomic: a GPT is written in several
 * places, and in a dynamic image the sectors may need new blocks and a new
 * block table as well.  So a regular file is copied into a new image beside
 * it made by disk_create() (same format, type and block size), the table is
 * edited and written in the copy, and disk_commit() syncs the copy, renames
 * it over the original and syncs the folder.  The copy gets the original's
 * permission bits before it takes its place.  A block device cannot be
 * replaced and is edited in place; the GPT writer puts the backup copies
 * first so that an interrupted write still leaves one good table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bk-alloc.h"
#include "disk-internal.h"

/* Let the caller fill and change l, then write it into w and sync. */
static int
edit_and_write(struct disk *w, struct disk_label *l, disk_label_edit_cb edit, void *data)
{
	int rc;

	memset(l, 0, sizeof(*l));
	bk_err_clear(&w->err);
	rc = edit(w, l, data);
	if (rc != 0) {
		/* Keep the detail of a failed library call made by the callback. */
		if (!w->err.code)
			dk_error(w, BK_EINVAL, "partition table edit refused");
		return rc;
	}
	rc = disk_label_write(w, l);
	if (rc == 0)
		rc = disk_flush(w);
	return rc;
}

/* A block device: the table is changed where it is. */
static int
rewrite_in_place(const char *path, struct disk_label *l, disk_label_edit_cb edit, void *data,
		 char *errbuf, size_t errbuf_len)
{
	struct disk *w;
	int rc = disk_open(&w, path, DISK_OPEN_WRITE, errbuf, errbuf_len);

	if (rc < 0)
		return rc;
	rc = edit_and_write(w, l, edit, data);
	if (rc != 0)
		bk_errbuf_set(errbuf, errbuf_len, "%s", w->err.msg);
	disk_close(w);
	return rc;
}

/* The new image beside path: same container, the original's permissions. */
static int
create_copy(struct disk *src, const struct disk_info *in, struct disk **out,
	    char *errbuf, size_t errbuf_len)
{
	struct disk_create_opts co;
	struct stat st;
	int fd = dk_io_file_fd(src), rc;

	memset(&co, 0, sizeof(co));
	co.format = in->format;
	co.type = in->type;
	co.block_size = in->block_size;
	co.size = (src->size + DISK_SECTOR - 1) / DISK_SECTOR * DISK_SECTOR;
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = fd < 0 ? dk_error(src, BK_EINVAL, "not a file")
			    : bk_err_errno(&src->err, "stat", src->name);
		bk_errbuf_set(errbuf, errbuf_len, "%s", src->err.msg);
		return rc;
	}
	rc = disk_create(out, src->name, &co, errbuf, errbuf_len);
	if (rc < 0)
		return rc;
	if (fchmod(dk_io_file_fd(*out), st.st_mode & 07777) < 0) {
		rc = bk_err_errno(&(*out)->err, "set the permissions of the new image",
				  src->name);
		bk_errbuf_set(errbuf, errbuf_len, "%s", (*out)->err.msg);
		disk_close(*out);
		*out = NULL;
	}
	return rc;
}

/* A regular file: copy, edit the copy, rename it over the original. */
static int
rewrite_copy(struct disk *src, const struct disk_info *in, struct disk_label *l,
	     disk_label_edit_cb edit, void *data, char *errbuf, size_t errbuf_len)
{
	struct disk *w = NULL;
	int rc = create_copy(src, in, &w, errbuf, errbuf_len);

	if (rc < 0)
		return rc;
	bk_err_clear(&src->err);
	rc = dk_copy_data(src, w, NULL, NULL);
	if (rc < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", w->err.code ? w->err.msg : src->err.msg);
		disk_close(w);
		return rc;
	}
	rc = edit_and_write(w, l, edit, data);
	if (rc == 0)
		rc = disk_commit(w);
	if (rc != 0)
		bk_errbuf_set(errbuf, errbuf_len, "%s", w->err.msg);
	disk_close(w);      /* removes the copy unless it was committed */
	return rc;
}

/*
 * The rewrite's lock: exclusive from before the image is read to after the
 * copy took its place (the copy is locked from its creation).  src's handle
 * took it exclusive already (DISK_OPEN_LOCK): an upgrade from shared would
 * let another writer in between (bk-lock.c); this handle shares it.
 */
static int
lock_target(struct disk *src, const char *path, unsigned flags, struct bk_lock **lk)
{
	struct bk_target t;
	int rc = bk_lock_open(&src->err, path, "image", true, lk);

	if (rc == 0 && !src->block_device && (rc = bk_target_open(&src->err, path, 0, &t)) == 0) {
		rc = bk_target_check(&src->err, &t,
				     (flags & DISK_REWRITE_FORCE) ? BK_SAFE_FORCE : 0);
		bk_target_close(&t);
	}
	return rc;
}

int
disk_label_rewrite(const char *path, disk_label_edit_cb edit, void *data,
		   char *errbuf, size_t errbuf_len)
{
	return disk_label_rewrite_flags(path, 0, edit, data, errbuf, errbuf_len);
}

int
disk_label_rewrite_flags(const char *path, unsigned flags, disk_label_edit_cb edit, void *data,
			 char *errbuf, size_t errbuf_len)
{
	struct bk_lock *lk = NULL;
	struct disk_info in;
	struct disk_label *l;
	struct disk *src;
	int rc;

	if (!path || !edit)
		return -BK_EINVAL;
	rc = disk_open(&src, path, DISK_OPEN_LOCK, errbuf, errbuf_len);
	if (rc < 0)
		return rc;
	rc = lock_target(src, path, flags, &lk);
	if (rc == 0)
		rc = disk_get_info(src, &in);
	/* The copy would get 512-byte sectors, and the table code knows no
	 * others: refuse rather than change the sector size. */
	if (rc == 0 && in.logical_sector != DISK_SECTOR)
		rc = bk_error_at(&src->err, path, BK_EUNSUPPORTED,
				 "%u-byte sectors: partition tables "
			    "are supported on 512-byte sectors only", in.logical_sector);
	l = rc == 0 ? bk_malloc(sizeof(*l)) : NULL;
	if (rc == 0 && !l)
		rc = bk_error_at(&src->err, path, BK_ENOMEM, "out of memory");
	if (rc < 0) {
		bk_errbuf_set(errbuf, errbuf_len, "%s", src->err.msg);
		bk_lock_release(lk);
		disk_close(src);
		return rc;
	}
	if (in.block_device) {
		/* The lock stays with lk; the write handle shares it. */
		disk_close(src);
		rc = rewrite_in_place(path, l, edit, data, errbuf, errbuf_len);
	} else {
		rc = rewrite_copy(src, &in, l, edit, data, errbuf, errbuf_len);
		disk_close(src);
	}
	bk_lock_release(lk);
	bk_free(l);
	return rc;
}
