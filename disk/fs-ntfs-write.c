/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writing half of the NTFS driver: files (through a temporary name),
 * folders, removal, rename and attributes.  The top of fs-ntfs.c says how
 * the volume is kept recognisably "in use" while changed and what a crash
 * can leave.
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

/* A free temporary name in dir. */
static int
temp_name(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfschar **u, int *len)
{
	char name[40];
	unsigned i;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "~bk%08x%04x.tmp", (unsigned)getpid(),
			 ++NT(fs)->seq & 0xffffu);
		if (nt_to_uname(fs, p, name, u, len) < 0)
			return -BK_EINVAL;
		if (nt_lookup_ci(dir, *u, *len) == (u64)-1 && errno == ENOENT)
			return 0;
		bk_free(*u);
	}
	return fs_err(fs, BK_EEXIST, p, "no free temporary name in the folder");
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

	rc = ntfs_inode_close_in_dir(*ni, dir);
	*ni = NULL;
	if (rc < 0 || ntfs_inode_sync(dir) < 0)
		return nt_fail(fs, 0, p, "cannot write the new file");
	if ((rc = disk_flush(fs->d)) < 0)
		return fs_err(fs, -rc, p, "%s", fs->d->err.msg);
	if (!(*ni = ntfs_inode_open(NT(fs)->vol, no)))
		return nt_fail(fs, BK_ECORRUPT, p, "cannot reopen the new file");
	return 0;
}

/*
 * Give ni (linked in dir as tmp) the name u instead, removing the file old
 * (may be NULL) that has it now.  Closes ni and dir in every case.
 */
static int
swap_in(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfs_inode *ni,
	const ntfschar *tmp, int tmp_len, ntfs_inode *old, const ntfschar *u, int len)
{
	ntfs_volume *vol = NT(fs)->vol;
	u64 dir_no = dir->mft_no;
	int rc;

	if (old) {
		/* The new content is complete on disk before the old one goes. */
		if ((rc = make_durable(fs, p, &ni, dir)) < 0)
			goto fail;
		if (ntfs_delete(vol, NULL, old, dir, u, (u8)len) < 0) {
			old = dir = NULL;
			rc = nt_fail(fs, 0, p, "cannot remove the old file");
			goto fail;
		}
		old = NULL;
		if ((rc = reopen(fs, p, dir_no, &dir)) < 0)
			goto fail;
	}
	if (ntfs_link(ni, dir, u, (u8)len) < 0) {
		rc = nt_fail(fs, 0, p, "cannot link the new file");
		goto fail;
	}
	if (ntfs_delete(vol, NULL, ni, dir, tmp, (u8)tmp_len) < 0)
		return nt_fail(fs, 0, p, "cannot remove the temporary name");
	return 0;
fail:
	if (old)
		ntfs_inode_close(old);
	if (ni)
		ntfs_inode_close(ni);
	if (dir)
		ntfs_inode_close(dir);
	return rc;
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
	else if ((rc = nt_stored_name(*old, dir->mft_no, u, len)) < 0)
		rc = fs_err(fs, -rc, p, "cannot read the name of the old file");
	if (rc < 0) {
		ntfs_inode_close(*old);
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
	if (!(ni = ntfs_create(dir, const_cpu_to_le32(0), tmp, (u8)tmp_len, S_IFREG))) {
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
		ntfs_inode_close(old);
	if (dir)
		ntfs_inode_close(dir);
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
		ntfs_inode_close(ni);
	}
	if (rc == 0 && (rc = nt_to_uname(fs, p, p->comp[p->n - 1], &u, &len)) == 0) {
		if ((rc = nt_begin_change(fs, p)) == 0) {
			if (!(ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)len, S_IFDIR)))
				rc = nt_fail(fs, 0, p, "cannot create the folder");
			else if (ntfs_inode_close(ni) < 0)
				rc = nt_fail(fs, 0, p, "cannot write the folder");
		}
		bk_free(u);
	}
	ntfs_inode_close(dir);
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
		ntfs_inode_close(*dir);
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
	else if ((rc = nt_stored_name(ni, dir->mft_no, &u, &len)) < 0)
		rc = fs_err(fs, -rc, p, "cannot read the entry's name");
	else if ((rc = nt_check_runs(fs, p, ni)) == 0 && (rc = nt_begin_change(fs, p)) == 0) {
		rc = ntfs_delete(NT(fs)->vol, NULL, ni, dir, u, (u8)len) < 0
		     ? nt_fail(fs, 0, p, "cannot remove") : 0;
		ni = dir = NULL;
	}
	if (ni)
		ntfs_inode_close(ni);
	if (dir)
		ntfs_inode_close(dir);
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
		ntfs_inode_close(m->old);
	if (m->fni)
		ntfs_inode_close(m->fni);
	if (m->tdir && m->tdir != m->fdir)
		ntfs_inode_close(m->tdir);
	if (m->fdir)
		ntfs_inode_close(m->fdir);
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
		ntfs_inode_close(m->tdir);
		m->tdir = m->fdir;
	} else if (m->tdir->mft_no == m->fni->mft_no) {
		return fs_err(fs, BK_EINVAL, to, "a folder cannot move into itself");
	}
	if ((rc = nt_stored_name(m->fni, m->fdir->mft_no, &m->fname, &m->flen)) < 0)
		return fs_err(fs, -rc, from, "cannot read the entry's name");
	if ((rc = nt_to_uname(fs, to, to->comp[to->n - 1], &m->tname, &m->tlen)) < 0)
		return rc;
	if ((rc = nt_open_child(fs, to, m->tdir, to->comp[to->n - 1], &m->old)) < 0 || !m->old)
		return rc;
	if (m->old->mft_no == m->fni->mft_no) {    /* the same entry: a new case */
		ntfs_inode_close(m->old);
		m->old = NULL;
		return 0;
	}
	return nt_stored_name(m->old, m->tdir->mft_no, &m->oname, &m->olen) < 0
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
	u64 tdir_no;
	int rc;

	if ((rc = move_open(fs, from, to, &m)) < 0 || (rc = move_check(fs, to, &m, replace)) < 0)
		goto out;
	if (m.tdir == m.fdir && m.flen == m.tlen &&
	    memcmp(m.fname, m.tname, (size_t)m.flen * sizeof(ntfschar)) == 0)
		goto out;           /* to itself: nothing to do */
	if ((rc = nt_begin_change(fs, to)) < 0)
		goto out;
	tdir_no = m.tdir->mft_no;
	if (m.old) {
		bool same = m.tdir == m.fdir;

		/* The file that takes the name is on disk before the old one goes. */
		if ((rc = make_durable(fs, from, &m.fni, m.fdir)) < 0)
			goto out;
		rc = ntfs_delete(NT(fs)->vol, NULL, m.old, m.tdir, m.oname, (u8)m.olen);
		m.old = m.tdir = NULL;
		if (same)
			m.fdir = NULL;
		if (rc < 0) {
			rc = nt_fail(fs, 0, to, "cannot remove the replaced file");
			goto out;
		}
		if ((rc = reopen(fs, to, tdir_no, &m.tdir)) < 0)
			goto out;
		if (same)
			m.fdir = m.tdir;
	}
	if (ntfs_link(m.fni, m.tdir, m.tname, (u8)m.tlen) < 0) {
		rc = nt_fail(fs, 0, to, "cannot link the new name");
		goto out;
	}
	if (m.tdir != m.fdir) {
		ntfs_inode_close(m.tdir);
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
	if (ntfs_inode_close(ni) < 0 && rc == 0)
		rc = nt_fail(fs, 0, p, "cannot write the attributes");
	return rc;
}
