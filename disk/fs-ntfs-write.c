/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writing half of the NTFS driver: files (through a temporary name),
 * folders, removal, rename and attributes, and the replace that moves a
 * name from one file to another (move_over()).  The top of fs-ntfs.c says
 * what a crash can leave and how the next writer mends it.
 *
 * ntfs_delete() closes both the inode and the folder it is given, so the
 * code below reopens a folder by its record number when it goes on.
 */
#include "fs-ntfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"

#include <ntfs-3g/index.h>

#define NTFS_WRITE_CHUNK (4u * 1024u * 1024u)

/* ---- content ------------------------------------------------------------------- */

/* Pull the content from src into the unnamed data stream of ni. */
static int
fill_data(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni, uint64_t hint,
	  disk_source_cb src, void *data)
{
	ntfs_attr *na;
	uint8_t *buf;
	size_t got;
	s64 pos = 0;
	int rc = 0;

	if (!(na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)))
		return nt_fail(fs, 0, p, "cannot open the new file's data");
	/* Aligned, so that the container takes it as a direct write (io.c). */
	if (!(buf = fs_stream_buf_take(fs, NTFS_WRITE_CHUNK))) {
		ntfs_attr_close(na);
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	}
	/* Allocating the expected size at once keeps a large file in few runs. */
	if (hint > 0 && hint < (uint64_t)INT64_MAX && ntfs_attr_truncate_solid(na, (s64)hint) < 0)
		rc = nt_fail(fs, 0, p, "cannot allocate the file");
	while (rc == 0) {
		got = 0;
		if ((rc = src(buf, NTFS_WRITE_CHUNK, &got, data)) < 0) {
			if (!fs->err.msg[0] || fs->err.code != -rc)
				fs_err(fs, -rc, p, "reading the content failed");
			break;
		}
		if (got == 0)
			break;
		if (ntfs_attr_pwrite(na, pos, (s64)got, buf) != (s64)got) {
			rc = nt_fail(fs, 0, p, "write error");
			break;
		}
		pos += (s64)got;
	}
	if (rc == 0 && na->data_size != pos && ntfs_attr_truncate(na, pos) < 0)
		rc = nt_fail(fs, 0, p, "cannot set the file size");
	fs_stream_buf_give(fs, buf, NTFS_WRITE_CHUNK);
	ntfs_attr_close(na);
	return rc;
}

/* A free temporary name in dir; *u is NULL unless 0 is returned. */
static int
temp_name(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfschar **u, int *len)
{
	char name[40];
	unsigned i;
	int rc;

	*u = NULL;
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "~bk%08x%04x.tmp", (unsigned)getpid(),
			 ++NT(fs)->seq & 0xffffu);
		if ((rc = nt_to_uname(fs, p, name, u, len)) < 0)
			return rc;
		if (nt_lookup_ci(dir, *u, *len) == (u64)-1) {
			if (errno == ENOENT)
				return 0;
			bk_free(*u);
			*u = NULL;
			return nt_fail(fs, BK_ECORRUPT, p, "cannot read the folder");
		}
		bk_free(*u);
		*u = NULL;
	}
	return fs_err(fs, BK_EEXIST, p, "no free temporary name in the folder");
}

/*
 * Inserting a name, libntfs-3g's file-record writes go out after its other
 * writes (ntfs.c, ntfs_part_hold()): a crash never leaves a folder naming an
 * index block or a file record not yet written.  Both return as the
 * libntfs-3g call, errno EIO when the held records could not be written.
 */
static ntfs_inode *
create_held(struct disk_fs *fs, ntfs_inode *dir, ntfschar *u, int len, mode_t type)
{
	ntfs_inode *ni;

	/* Never grow $MFT inside the hold: its own record is mirrored. */
	if (nt_reserve_records(fs, NULL) < 0) {
		errno = EIO;
		return NULL;
	}
	ntfs_part_hold(&NT(fs)->pd);
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)len, type);
	/* Both records in their final state before they leave the hold (the
	 * entry was just made from ni: nothing to copy into it). */
	if (ni)
		NInoFileNameClearDirty(ni);
	if (ni && (ntfs_inode_sync(ni) < 0 || ntfs_inode_sync(dir) < 0)) {
		ntfs_part_release(&NT(fs)->pd);
		nt_close(ni);
		errno = EIO;
		return NULL;
	}
	if (ntfs_part_release(&NT(fs)->pd) < 0 && ni) {
		nt_close(ni);     /* its record is what could not be written */
		errno = EIO;
		return NULL;
	}
	return ni;
}

static int
link_held(struct disk_fs *fs, ntfs_inode *ni, ntfs_inode *dir, const ntfschar *u, int len)
{
	int rc;

	ntfs_part_hold(&NT(fs)->pd);
	rc = ntfs_link(ni, dir, (ntfschar *)u, (u8)len);
	if (rc == 0)
		NInoFileNameClearDirty(ni);
	if (rc == 0 && (ntfs_inode_sync(ni) < 0 || ntfs_inode_sync(dir) < 0))
		rc = -1;
	if (ntfs_part_release(&NT(fs)->pd) < 0 && rc == 0) {
		errno = EIO;
		rc = -1;
	}
	return rc;
}

/* Reopen a folder that ntfs_delete() closed. */
static int
reopen(struct disk_fs *fs, const struct fs_path *p, u64 no, ntfs_inode **dir)
{
	if (!(*dir = ntfs_inode_open(NT(fs)->vol, no)))
		return nt_fail(fs, BK_ECORRUPT, p, "cannot reopen the folder");
	return 0;
}

/*
 * Make *ni (linked in dir) durable: written with its index entry in dir,
 * dir written, the disk flushed.  Syncing *ni alone would make libntfs-3g
 * update its entry through a second copy of dir read from the disk, which
 * does not have the entry yet; closing it "in dir" uses ours.  *ni is
 * reopened (NULL on failure).
 */
static int
make_durable(struct disk_fs *fs, const struct fs_path *p, ntfs_inode **ni, ntfs_inode *dir)
{
	u64 no = (*ni)->mft_no;
	int rc;

	if ((rc = ntfs_inode_close_in_dir(*ni, dir)) < 0)
		nt_close(*ni);
	*ni = NULL;
	if (rc < 0 || ntfs_inode_sync(dir) < 0)
		return nt_fail(fs, 0, p, "cannot write the new file");
	if ((rc = disk_flush(fs->d)) < 0)
		return fs_err(fs, -rc, p, "%s", fs->d->err.msg);
	if (!(*ni = ntfs_inode_open(NT(fs)->vol, no)))
		return nt_fail(fs, BK_ECORRUPT, p, "cannot reopen the new file");
	return 0;
}

/* ---- replacing a file ----------------------------------------------------------- */

/*
 * The FILE_NAME of ni that dir indexes under the name u, copied (bk_free()).
 */
static int
find_name(ntfs_inode *ni, u64 dir_no, const ntfschar *u, int len, FILE_NAME_ATTR **out,
	  u32 *out_len)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	FILE_NAME_ATTR *fn;
	int rc = -BK_ENOTFOUND;

	if (!ctx)
		return -BK_ENOMEM;
	while (!ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		if (MREF_LE(fn->parent_directory) != dir_no || fn->file_name_length != len ||
		    memcmp(fn->file_name, u, (size_t)len * sizeof(ntfschar)) != 0)
			continue;
		*out_len = le32_to_cpu(ctx->attr->value_length);
		rc = (*out = bk_malloc(*out_len)) ? 0 : -BK_ENOMEM;
		if (rc == 0)
			memcpy(*out, fn, *out_len);
		break;
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

/* Write ni's record (not its entries in folders) and flush the disk. */
static int
write_record(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni)
{
	int rc;

	ntfs_inode_mark_dirty(ni);
	NInoFileNameClearDirty(ni);
	if (ntfs_inode_sync(ni) < 0)
		return nt_fail(fs, 0, p, "cannot write a file record");
	if ((rc = disk_flush(fs->d)) < 0)
		return fs_err(fs, -rc, p, "%s", fs->d->err.msg);
	return 0;
}

/*
 * Step 2 of a replace: ni gets the FILE_NAME old has in dir (*fn: the same
 * name, namespace and folder; ni's times, sizes and attributes), written to
 * ni's record only: dir does not index it yet.
 */
static int
add_name(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni, ntfs_inode *old,
	 u64 dir_no, const ntfschar *u, int len, FILE_NAME_ATTR **fn, u32 *fn_len)
{
	int rc;

	if ((rc = find_name(old, dir_no, u, len, fn, fn_len)) < 0)
		return fs_err(fs, rc == -BK_ENOMEM ? BK_ENOMEM : BK_ECORRUPT, p,
			      "cannot read the name of the old file");
	(*fn)->creation_time = ni->creation_time;
	(*fn)->last_data_change_time = ni->last_data_change_time;
	(*fn)->last_mft_change_time = ni->last_mft_change_time;
	(*fn)->last_access_time = ni->last_access_time;
	(*fn)->allocated_size = cpu_to_sle64(ni->allocated_size);
	(*fn)->data_size = cpu_to_sle64(ni->data_size);
	(*fn)->file_attributes = ni->flags;
	if (ntfs_attr_add(ni, AT_FILE_NAME, AT_UNNAMED, 0, (u8 *)*fn, *fn_len) < 0)
		return nt_fail(fs, 0, p, "cannot name the new file");
	ni->mrec->link_count = cpu_to_le16(le16_to_cpu(ni->mrec->link_count) + 1);
	return write_record(fs, p, ni);
}

/*
 * Step 3, the one write that moves the name: dir's entry for fn, which
 * refers to old_no, refers to ni instead (with ni's FILE_NAME as its key:
 * the same name, so the entry keeps its place and its size).
 */
static int
retarget(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfs_inode *ni,
	 const FILE_NAME_ATTR *fn, u32 fn_len, u64 old_no)
{
	ntfs_index_context *ictx = ntfs_index_ctx_get(dir, NTFS_INDEX_I30, 4);
	int rc = 0;

	if (!ictx)
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	if (ntfs_index_lookup(fn, (int)fn_len, ictx) < 0)
		rc = nt_fail(fs, BK_ECORRUPT, p, "cannot find the old file's entry");
	else if (MREF_LE(ictx->entry->indexed_file) != old_no ||
		 le16_to_cpu(ictx->entry->key_length) != fn_len)
		rc = fs_err(fs, BK_ECORRUPT, p, "damaged NTFS: the folder's entry does not "
			    "match the file record %llu", (unsigned long long)old_no);
	if (rc == 0) {
		memcpy(&ictx->entry->key.file_name, fn, fn_len);
		ictx->entry->indexed_file = MK_LE_MREF(ni->mft_no,
						       le16_to_cpu(ni->mrec->sequence_number));
		ntfs_index_entry_mark_dirty(ictx);
	}
	ntfs_index_ctx_put(ictx);   /* writes the index block holding the entry */
	if (rc == 0)
		rc = write_record(fs, p, dir);
	return rc;
}

/*
 * Step 5: old, which no folder lists any more, loses the FILE_NAME that
 * moved and is linked under a temporary name only to be deleted through it,
 * so that libntfs-3g frees its clusters and records.  Closes old and dir.
 */
static int
drop_old(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfs_inode *old,
	 const ntfschar *u, int len)
{
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	ntfschar *tmp = NULL;
	int tmp_len, rc;

	if ((rc = temp_name(fs, p, dir, &tmp, &tmp_len)) < 0)
		goto out;
	if (!(ctx = ntfs_attr_get_search_ctx(old, NULL))) {
		rc = fs_err(fs, BK_ENOMEM, p, "out of memory");
		goto out;
	}
	rc = -1;
	while (rc < 0 && !ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0,
					   NULL, 0, ctx)) {
		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		if (MREF_LE(fn->parent_directory) == dir->mft_no && fn->file_name_length == len &&
		    memcmp(fn->file_name, u, (size_t)len * sizeof(ntfschar)) == 0)
			rc = ntfs_attr_record_rm(ctx) < 0 ? -2 : 0;
	}
	ntfs_attr_put_search_ctx(ctx);
	if (rc < 0) {
		rc = nt_fail(fs, BK_ECORRUPT, p, "cannot drop the old file's name");
		goto out;
	}
	old->mrec->link_count = cpu_to_le16(le16_to_cpu(old->mrec->link_count) - 1);
	ntfs_inode_mark_dirty(old);
	if (link_held(fs, old, dir, tmp, tmp_len) < 0) {
		rc = nt_fail(fs, 0, p, "cannot free the old file");
		goto out;
	}
	rc = ntfs_delete(NT(fs)->vol, NULL, old, dir, tmp, (u8)tmp_len) < 0
	     ? nt_fail(fs, 0, p, "cannot free the old file") : 0;
	old = dir = NULL;
out:
	if (old)
		nt_close(old);
	if (dir)
		nt_close(dir);
	bk_free(tmp);
	return rc;
}

/* ---- leftovers of interrupted runs ---------------------------------------------- */

#define LEFTOVERS_MAX 16

struct leftovers {
	ntfschar name[LEFTOVERS_MAX][20];
	int n;
};

/* "~bk" + 12 hex digits + ".tmp", as temp_name() makes them. */
static int
leftover_cb(void *data, const ntfschar *name, const int len, const int type, const s64 pos,
	    const MFT_REF mref, const unsigned dt_type)
{
	struct leftovers *l = data;
	int i;

	(void)pos; (void)mref; (void)dt_type;
	if (len != 19 || type == FILE_NAME_DOS || l->n == LEFTOVERS_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned c = le16_to_cpu(name[i]);

		if (i < 3 ? c != (unsigned)"~bk"[i] : i >= 15 ? c != (unsigned)".tmp"[i - 15]
		    : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	memcpy(l->name[l->n++], name, (size_t)len * sizeof(ntfschar));
	return 0;
}

/*
 * Remove the temporary names an interrupted run left in the folder dir_no
 * (the files under them are complete or not, and no longer wanted).  The
 * image is ours alone while it is open for writing (disk_open() locks it),
 * so every such name is a leftover.  Best effort: a failure here loses
 * nothing.
 */
static void
clean_leftovers(struct disk_fs *fs, u64 dir_no)
{
	ntfs_volume *vol = NT(fs)->vol;
	struct leftovers l;
	ntfs_inode *dir, *ni;
	s64 pos = 0;
	u64 mref;
	int i;

	l.n = 0;
	if (!(dir = ntfs_inode_open(vol, dir_no)))
		return;
	if (ntfs_readdir(dir, &pos, &l, leftover_cb) < 0)
		l.n = 0;
	for (i = 0; i < l.n && dir; i++) {
		mref = ntfs_inode_lookup_by_name(dir, l.name[i], 19);
		if (mref == (u64)-1 || MREF(mref) < FILE_first_user ||
		    !(ni = ntfs_inode_open(vol, MREF(mref))))
			continue;
		if (nt_is_dir(ni)) {
			nt_close(ni);
			continue;
		}
		ntfs_delete(vol, NULL, ni, dir, l.name[i], 19);
		dir = ntfs_inode_open(vol, dir_no);
	}
	if (dir)
		nt_close(dir);
}

/*
 * Give ni (linked in fdir as fname) the name that old has in tdir (u), in
 * an order where the name always leads to a complete file, old or new:
 *   1. ni is durable under fname (its data, its record, fdir's entry);
 *   2. ni's record gains old's FILE_NAME (nothing lists it there yet);
 *   3. tdir's entry for the name is pointed at ni: one write;
 *   4. fname goes (libntfs-3g's delete of one of two names);
 *   5. old, listed nowhere now, is freed.
 * A crash before 3 leaves old under the name (and ni under fname); after 3,
 * ni; between 3 and 5 old lingers as a record no folder lists, which
 * chkdsk reclaims.  fdir may be tdir.  Closes ni, fdir, tdir and old.
 */
static int
move_over(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni, ntfs_inode *fdir,
	  const ntfschar *fname, int flen, ntfs_inode *tdir, ntfs_inode *old,
	  const ntfschar *u, int len)
{
	u64 tdir_no = tdir->mft_no;
	FILE_NAME_ATTR *fn = NULL;
	u32 fn_len = 0;
	int rc;

	if ((rc = make_durable(fs, p, &ni, fdir)) < 0 ||
	    (rc = add_name(fs, p, ni, old, tdir_no, u, len, &fn, &fn_len)) < 0 ||
	    (rc = retarget(fs, p, tdir, ni, fn, fn_len, old->mft_no)) < 0)
		goto fail;
	bk_free(fn);
	fn = NULL;
	if (tdir != fdir) {
		nt_close(tdir);
		tdir = NULL;
	}
	rc = ntfs_delete(NT(fs)->vol, NULL, ni, fdir, fname, (u8)flen);
	ni = fdir = tdir = NULL;
	if (rc < 0) {
		rc = nt_fail(fs, 0, p, "cannot remove the temporary name");
		goto fail;
	}
	if ((rc = reopen(fs, p, tdir_no, &tdir)) < 0)
		goto fail;
	if ((rc = drop_old(fs, p, tdir, old, u, len)) == 0)
		clean_leftovers(fs, tdir_no);
	return rc;
fail:
	bk_free(fn);
	if (old)
		nt_close(old);
	if (ni)
		nt_close(ni);
	if (tdir && tdir != fdir)
		nt_close(tdir);
	if (fdir)
		nt_close(fdir);
	return rc;
}

/*
 * Give ni (linked in dir as tmp) the name u instead, replacing the file old
 * (may be NULL) that has it now.  Closes ni, dir and old in every case.
 */
static int
swap_in(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfs_inode *ni,
	const ntfschar *tmp, int tmp_len, ntfs_inode *old, const ntfschar *u, int len)
{
	if (old)
		return move_over(fs, p, ni, dir, tmp, tmp_len, dir, old, u, len);
	if (link_held(fs, ni, dir, u, len) < 0) {
		nt_close(ni);
		nt_close(dir);
		return nt_fail(fs, 0, p, "cannot link the new file");
	}
	if (ntfs_delete(NT(fs)->vol, NULL, ni, dir, tmp, (u8)tmp_len) < 0)
		return nt_fail(fs, 0, p, "cannot remove the temporary name");
	return 0;
}

/* The existing entry at p in dir, if any, checked for a replace. */
static int
replace_target(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, unsigned flags,
	       ntfs_inode **old, ntfschar **u, int *len)
{
	int rc;

	if ((rc = nt_open_child(fs, p, dir, p->comp[p->n - 1], old)) < 0 || !*old)
		return rc;
	if (nt_is_dir(*old))
		rc = fs_err(fs, BK_EWRONGTYPE, p, "a folder exists there");
	else if (flags & DISK_FS_NO_REPLACE)
		rc = fs_err(fs, BK_EEXIST, p, "exists");
	else if ((rc = nt_check_runs(fs, p, *old)) < 0)
		;
	/* A replaced file keeps the name (and case) it has. */
	else if ((rc = nt_stored_name(*old, dir->mft_no, p->comp[p->n - 1], u, len)) < 0)
		rc = fs_err(fs, -rc, p, "cannot read the name of the old file");
	if (rc < 0) {
		nt_close(*old);
		*old = NULL;
	}
	return rc;
}

int
nt_write(struct disk_fs *fs, const struct fs_path *p, uint64_t size_hint, disk_source_cb src,
	 void *data, unsigned flags)
{
	ntfs_inode *dir, *ni, *old = NULL;
	ntfschar *u = NULL, *tmp = NULL;
	int len = 0, tmp_len, rc;

	if ((rc = nt_walk_parent(fs, p, &dir)) < 0)
		return rc;
	if ((rc = replace_target(fs, p, dir, flags, &old, &u, &len)) < 0 ||
	    (!old && (rc = nt_to_uname(fs, p, p->comp[p->n - 1], &u, &len)) < 0) ||
	    (rc = nt_begin_change(fs, p)) < 0 || (rc = temp_name(fs, p, dir, &tmp, &tmp_len)) < 0)
		goto out;
	if (!(ni = create_held(fs, dir, tmp, tmp_len, S_IFREG))) {
		rc = nt_fail(fs, 0, p, "cannot create the file");
		goto out;
	}
	if ((rc = fill_data(fs, p, ni, size_hint, src, data)) < 0) {
		/* No half-written file is left behind, under any name. */
		ntfs_delete(NT(fs)->vol, NULL, ni, dir, tmp, (u8)tmp_len);
		dir = NULL;
		goto out;
	}
	rc = swap_in(fs, p, dir, ni, tmp, tmp_len, old, u, len);
	dir = old = NULL;
out:
	if (old)
		nt_close(old);
	if (dir)
		nt_close(dir);
	bk_free(u);
	bk_free(tmp);
	return rc;
}

/* ---- folders and entries -------------------------------------------------------- */

int
nt_mkdir(struct disk_fs *fs, const struct fs_path *p)
{
	ntfs_inode *dir, *ni;
	ntfschar *u;
	int len, rc;

	if ((rc = nt_walk_parent(fs, p, &dir)) < 0)
		return rc;
	if ((rc = nt_open_child(fs, p, dir, p->comp[p->n - 1], &ni)) == 0 && ni) {
		rc = fs_err(fs, BK_EEXIST, p, "exists");
		nt_close(ni);
	}
	if (rc == 0 && (rc = nt_to_uname(fs, p, p->comp[p->n - 1], &u, &len)) == 0) {
		if ((rc = nt_begin_change(fs, p)) == 0) {
			if (!(ni = create_held(fs, dir, u, len, S_IFDIR)))
				rc = nt_fail(fs, 0, p, "cannot create the folder");
			else if (nt_close(ni) < 0)
				rc = nt_fail(fs, 0, p, "cannot write the folder");
		}
		bk_free(u);
	}
	nt_close(dir);
	return rc;
}

/* Open p's folder and p itself, which must exist. */
static int
open_entry(struct disk_fs *fs, const struct fs_path *p, ntfs_inode **dir, ntfs_inode **ni)
{
	int rc;

	if ((rc = nt_walk_parent(fs, p, dir)) < 0)
		return rc;
	if ((rc = nt_open_child(fs, p, *dir, p->comp[p->n - 1], ni)) == 0 && !*ni)
		rc = fs_err(fs, BK_ENOTFOUND, p, "no such file or folder");
	if (rc < 0) {
		nt_close(*dir);
		*dir = NULL;
	}
	return rc;
}

int
nt_remove(struct disk_fs *fs, const struct fs_path *p)
{
	ntfs_inode *dir, *ni;
	ntfschar *u = NULL;
	int len, rc;

	if ((rc = open_entry(fs, p, &dir, &ni)) < 0)
		return rc;
	if (nt_is_dir(ni) && ntfs_check_empty_dir(ni) < 0)
		rc = errno == ENOTEMPTY ? fs_err(fs, BK_ENOTEMPTY, p, "the folder is not empty")
			: nt_fail(fs, BK_ECORRUPT, p, "cannot read the folder");
	else if ((rc = nt_stored_name(ni, dir->mft_no, p->comp[p->n - 1], &u, &len)) < 0)
		rc = fs_err(fs, -rc, p, "cannot read the entry's name");
	else if ((rc = nt_check_runs(fs, p, ni)) == 0 && (rc = nt_begin_change(fs, p)) == 0) {
		rc = ntfs_delete(NT(fs)->vol, NULL, ni, dir, u, (u8)len) < 0
		     ? nt_fail(fs, 0, p, "cannot remove") : 0;
		ni = dir = NULL;
	}
	if (ni)
		nt_close(ni);
	if (dir)
		nt_close(dir);
	bk_free(u);
	return rc;
}

/* ---- rename ---------------------------------------------------------------------------- */

struct move {
	ntfs_inode *fdir, *fni;     /* source folder and entry */
	ntfs_inode *tdir;           /* target folder (== fdir in the same folder) */
	ntfs_inode *old;            /* what the target name holds now */
	ntfschar *fname, *tname, *oname;
	int flen, tlen, olen;
};

static void
move_free(struct move *m)
{
	if (m->old)
		nt_close(m->old);
	if (m->fni)
		nt_close(m->fni);
	if (m->tdir && m->tdir != m->fdir)
		nt_close(m->tdir);
	if (m->fdir)
		nt_close(m->fdir);
	bk_free(m->fname);
	bk_free(m->tname);
	bk_free(m->oname);
}

/* Open both folders, without opening one inode twice (libntfs-3g would
 * keep two diverging copies of its record). */
static int
move_open(struct disk_fs *fs, const struct fs_path *from, const struct fs_path *to,
	  struct move *m)
{
	int rc;

	if ((rc = open_entry(fs, from, &m->fdir, &m->fni)) < 0 ||
	    (rc = nt_walk_parent(fs, to, &m->tdir)) < 0)
		return rc;
	if (m->tdir->mft_no == m->fdir->mft_no) {
		nt_close(m->tdir);
		m->tdir = m->fdir;
	} else if (m->tdir->mft_no == m->fni->mft_no) {
		return fs_err(fs, BK_EINVAL, to, "a folder cannot move into itself");
	}
	if ((rc = nt_stored_name(m->fni, m->fdir->mft_no, from->comp[from->n - 1], &m->fname,
			   &m->flen)) < 0)
		return fs_err(fs, -rc, from, "cannot read the entry's name");
	if ((rc = nt_to_uname(fs, to, to->comp[to->n - 1], &m->tname, &m->tlen)) < 0)
		return rc;
	if ((rc = nt_open_child(fs, to, m->tdir, to->comp[to->n - 1], &m->old)) < 0 || !m->old)
		return rc;
	if (m->old->mft_no == m->fni->mft_no) {    /* the same entry: a new case */
		nt_close(m->old);
		m->old = NULL;
		return 0;
	}
	return nt_stored_name(m->old, m->tdir->mft_no, to->comp[to->n - 1], &m->oname, &m->olen) < 0
	       ? fs_err(fs, BK_ECORRUPT, to, "cannot read the entry's name") : 0;
}

/* What may stand at the target: nothing, or a file that replace allows. */
static int
move_check(struct disk_fs *fs, const struct fs_path *to, struct move *m, int replace)
{
	if (!m->old)
		return 0;
	if (nt_is_dir(m->old))
		return fs_err(fs, BK_EEXIST, to, "a folder exists there (folders are never "
			      "replaced)");
	if (!replace)
		return fs_err(fs, BK_EEXIST, to, "exists");
	if (nt_is_dir(m->fni))
		return fs_err(fs, BK_EWRONGTYPE, to, "a file exists there; a folder cannot "
			      "replace it");
	return nt_check_runs(fs, to, m->old);
}

int
nt_rename(struct disk_fs *fs, const struct fs_path *from, const struct fs_path *to,
	  int replace)
{
	struct move m = { 0 };
	int rc;

	if ((rc = move_open(fs, from, to, &m)) < 0 || (rc = move_check(fs, to, &m, replace)) < 0)
		goto out;
	if (m.tdir == m.fdir && m.flen == m.tlen &&
	    memcmp(m.fname, m.tname, (size_t)m.flen * sizeof(ntfschar)) == 0)
		goto out;           /* to itself: nothing to do */
	if ((rc = nt_begin_change(fs, to)) < 0)
		goto out;
	if (m.old) {
		rc = move_over(fs, to, m.fni, m.fdir, m.fname, m.flen, m.tdir, m.old, m.oname,
			       m.olen);
		m.fni = m.fdir = m.tdir = m.old = NULL;
		goto out;
	}
	if (link_held(fs, m.fni, m.tdir, m.tname, m.tlen) < 0) {
		rc = nt_fail(fs, 0, to, "cannot link the new name");
		goto out;
	}
	if (m.tdir != m.fdir) {
		nt_close(m.tdir);
		m.tdir = NULL;
	}
	rc = ntfs_delete(NT(fs)->vol, NULL, m.fni, m.fdir, m.fname, (u8)m.flen) < 0
	     ? nt_fail(fs, 0, from, "cannot remove the old name") : 0;
	m.fni = m.fdir = m.tdir = NULL;
out:
	move_free(&m);
	return rc;
}

/* ---- attributes ------------------------------------------------------------------------- */

int
nt_set_attributes(struct disk_fs *fs, const struct fs_path *p, uint32_t set, uint32_t clear)
{
	ntfs_inode *ni;
	le32 flags;
	int rc;

	if ((rc = nt_walk(fs, p, p->n, &ni)) < 0)
		return rc;
	flags = (ni->flags & ~cpu_to_le32(clear)) | cpu_to_le32(set);
	if (flags != ni->flags && (rc = nt_begin_change(fs, p)) == 0) {
		ni->flags = flags;
		ntfs_inode_mark_dirty(ni);
		NInoFileNameSetDirty(ni);
		ntfs_inode_update_times(ni, NTFS_UPDATE_CTIME);
	}
	if (nt_close(ni) < 0 && rc == 0)
		rc = nt_fail(fs, 0, p, "cannot write the attributes");
	return rc;
}
