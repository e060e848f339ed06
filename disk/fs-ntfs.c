/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The NTFS driver of the file-system layer, through libntfs-3g over our
 * device operations (ntfs.c).
 *
 * Names.  libntfs-3g mounts case-sensitive (and its ignore-case mode
 * lower-cases what ntfs_readdir() reports), so lookups clear the volume's
 * case-sensitive flag for the one call: the index is then searched through
 * the volume's own $UpCase table, as Windows compares names.  Entries are
 * created with the case given, in the POSIX namespace libntfs-3g uses
 * (Windows opens those case-insensitively like any other).  Paths are walked
 * one component at a time; a component that names an NTFS metadata file
 * (records 0-15: $MFT, $Bitmap, ...) is refused.
 *
 * Writes and crashes (doc/safety.md, "Inside NTFS volumes").  libntfs-3g
 * keeps no journal, so the order of its writes is what a crash leaves.
 *  - A file is written under a temporary name in its folder ("~bk" + hex +
 *    ".tmp") and then linked under its name; a replace moves the name to
 *    the new file by one write of the folder's entry (fs-ntfs-write.c,
 *    move_over()), so the name always leads to the old file or the new one.
 *  - Inserting a name, file records and index blocks are written last and
 *    in a safe order (ntfs.c, ntfs_part_hold()).
 *  - $MFTMirr copies the first records of $MFT; libntfs-3g (every Linux
 *    mount, ntfsfix) refuses a volume where the two differ, and a crash
 *    between the two writes of such a record makes them differ.  So the
 *    volume is not marked dirty while in use ($Volume is one of them: the
 *    flag cannot be set or cleared safely), and $MFT is grown ahead of need,
 *    never while an insertion is held, so that its own record does not
 *    change inside a commit (nt_reserve_records()).
 *  - What a crash can still leave is mended or removed by the next writer:
 *    a name a file carries but its folder no longer lists (heal_names()),
 *    temporary names (fs-ntfs-write.c, clean_leftovers()); a file record or
 *    clusters no folder reaches stay allocated until chkdsk reclaims them.
 */
#include "fs-ntfs.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "bk-utf16.h"

#include <ntfs-3g/mft.h>
#include <ntfs-3g/runlist.h>

#define NTFS_IO_CHUNK   (4u * 1024u * 1024u)   /* bytes per pread/pwrite */

/* An NTFS failure with errno and what libntfs-3g logged; code 0: from errno. */
int
nt_fail(struct disk_fs *fs, int code, const struct fs_path *p, const char *what)
{
	const char *log = ntfs_part_last_log();
	int e = errno;

	if (code == 0)
		code = e == ENOMEM ? BK_ENOMEM : e == ENOSPC ? BK_ETOOBIG : e == EIO
			? BK_ECORRUPT : BK_EIO;
	return fs_err(fs, code, p, "%s: %s%s%s%s", what, e == ENOSPC ? "the volume is full"
		      : strerror(e), *log ? " (" : "", log, *log ? ")" : "");
}

/* ---- names ------------------------------------------------------------------------ */

/*
 * Close ni.  When its record cannot be written (the disk failed under us),
 * libntfs-3g keeps the inode and returns an error; the caller reports the
 * failure, so the inode is dropped unwritten rather than leaked.
 */
int
nt_close(ntfs_inode *ni)
{
	int i;

	if (!ni || ntfs_inode_close(ni) == 0)
		return 0;
	for (i = 0; i < ni->nr_extents; i++) {
		NInoClearDirty(ni->extent_nis[i]);
		NInoAttrListClearDirty(ni->extent_nis[i]);
	}
	NInoClearDirty(ni);
	NInoFileNameClearDirty(ni);
	NInoAttrListClearDirty(ni);
	ntfs_inode_close(ni);
	return -1;
}

/* UTF-8 to the little-endian UTF-16 NTFS stores. */
int
nt_to_uname(struct disk_fs *fs, const struct fs_path *p, const char *s, ntfschar **u, int *len)
{
	uint16_t *w = NULL;
	size_t n, i;
	int rc;

	if ((rc = bk_utf8_to_utf16(s, strlen(s), &w, &n)) < 0)
		return rc == -BK_ENOMEM ? fs_err(fs, BK_ENOMEM, p, "out of memory")
		       : fs_err(fs, BK_EINVAL, p, "a name NTFS cannot store");
	if (n == 0 || n > FS_NAME_MAX) {
		bk_free(w);
		return fs_err(fs, BK_EINVAL, p, "a name NTFS cannot store");
	}
	for (i = 0; i < n; i++)
		w[i] = cpu_to_le16(w[i]);
	*u = (ntfschar *)w;
	*len = (int)n;
	return 0;
}

int
nt_from_uname(const ntfschar *u, int len, char *out, size_t cap)
{
	uint16_t w[FS_NAME_MAX];
	char *s;
	int i;

	if (len < 0 || len > (int)FS_NAME_MAX)
		return -BK_ECORRUPT;
	for (i = 0; i < len; i++)
		w[i] = le16_to_cpu(u[i]);
	if (bk_utf16_to_utf8(w, (size_t)len, false, &s) < 0)
		return -BK_ENOMEM;
	snprintf(out, cap, "%s", s);
	bk_free(s);
	return 0;
}

/*
 * The name dir_no holds for ni, as stored: the Win32 (or POSIX) long name,
 * not the DOS 8.3 alias; of a file with several names there, the one equal
 * to want as Windows compares names (want NULL: the first).  *u is
 * allocated; free with bk_free().
 */
int
nt_stored_name(ntfs_inode *ni, u64 dir_no, const char *want, ntfschar **u, int *len)
{
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	uint16_t *w = NULL;
	size_t wn = 0, i;
	int rc = -BK_ENOTFOUND;

	if (want && bk_utf8_to_utf16(want, strlen(want), &w, &wn) < 0)
		return -BK_ENOMEM;
	for (i = 0; i < wn; i++)
		w[i] = cpu_to_le16(w[i]);
	if (!(ctx = ntfs_attr_get_search_ctx(ni, NULL))) {
		bk_free(w);
		return -BK_ENOMEM;
	}
	while (!ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		if (MREF_LE(fn->parent_directory) != dir_no || fn->file_name_type == FILE_NAME_DOS)
			continue;
		if (w) {
			ntfschar have[FS_NAME_MAX];

			/* Copied out: the attribute's name is not aligned. */
			memcpy(have, (const u8 *)fn + offsetof(FILE_NAME_ATTR, file_name),
			       (size_t)fn->file_name_length * sizeof(ntfschar));
			if (!ntfs_names_are_equal(have, fn->file_name_length, (ntfschar *)w, wn,
						  IGNORE_CASE, ni->vol->upcase,
						  ni->vol->upcase_len))
				continue;
		}
		if (!(*u = bk_malloc((size_t)fn->file_name_length * sizeof(ntfschar) + 2))) {
			rc = -BK_ENOMEM;
			break;
		}
		memcpy(*u, fn->file_name, (size_t)fn->file_name_length * sizeof(ntfschar));
		*len = fn->file_name_length;
		rc = 0;
		break;
	}
	ntfs_attr_put_search_ctx(ctx);
	bk_free(w);
	return rc;
}

/* Look name up in dir as Windows does (see the top of the file). */
u64
nt_lookup_ci(ntfs_inode *dir, const ntfschar *u, int len)
{
	ntfs_volume *vol = dir->vol;
	bool cs = NVolCaseSensitive(vol);
	u64 mref;

	NVolClearCaseSensitive(vol);
	errno = 0;
	mref = ntfs_inode_lookup_by_name(dir, u, len);
	if (cs)
		NVolSetCaseSensitive(vol);
	return mref;
}

bool
nt_is_dir(const ntfs_inode *ni)
{
	return (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
}

/*
 * Every data run of ni inside the volume.  libntfs-3g trusts the runs it
 * frees or reads; a damaged record whose run points past the end would make
 * a removal free clusters half-way ("leaving inconsistent metadata"), so
 * changes and reads check first and refuse with a clear message.
 */
int
nt_check_runs(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	runlist_element *rl, *r;
	s64 clusters = ni->vol->nr_clusters;
	int rc = 0;

	if (!ctx)
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	while (rc == 0 && !ntfs_attrs_walk(ctx)) {
		if (!ctx->attr->non_resident)
			continue;
		if (!(rl = ntfs_mapping_pairs_decompress(ni->vol, ctx->attr, NULL))) {
			rc = fs_err(fs, BK_ECORRUPT, p, "damaged NTFS: the file record %llu has "
				    "unreadable data runs", (unsigned long long)ni->mft_no);
			break;
		}
		for (r = rl; r->length; r++)
			if (r->lcn >= 0 && (r->lcn >= clusters || r->length > clusters - r->lcn)) {
				rc = fs_err(fs, BK_ECORRUPT, p, "damaged NTFS: the file record %llu "
					    "points past the end of the volume (cluster %lld of %lld)",
					    (unsigned long long)ni->mft_no,
					    (long long)(r->lcn + r->length), (long long)clusters);
				break;
			}
		free(rl);
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

/* ---- walking paths ------------------------------------------------------------------- */

/*
 * Drop the names ni's record carries in dir that dir does not list for ni:
 * what a crash leaves inside the removal of one of a file's names (the
 * folder's entry goes first) or inside a replace (fs-ntfs-write.c,
 * move_over()).  libntfs-3g can neither update nor delete such a file (it
 * looks each name up), so a writable handle mends it when it opens it.
 */
static int
heal_names(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, ntfs_inode *ni)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	ntfschar name[FS_NAME_MAX];
	FILE_NAME_ATTR *fn;
	bool dropped = false;
	u64 mref;
	int rc = 0;

	if (!ctx)
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	while (rc == 0 && le16_to_cpu(ni->mrec->link_count) > 1 &&
	       !ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		if (MREF_LE(fn->parent_directory) != dir->mft_no)
			continue;
		memcpy(name, (const u8 *)fn + offsetof(FILE_NAME_ATTR, file_name),
		       (size_t)fn->file_name_length * sizeof(ntfschar));
		mref = ntfs_inode_lookup_by_name(dir, name, fn->file_name_length);
		if (mref == (u64)-1 && errno != ENOENT)
			rc = nt_fail(fs, BK_ECORRUPT, p, "cannot read the folder");
		else if (mref != (u64)-1 && MREF(mref) == ni->mft_no)
			continue;
		else if ((rc = nt_begin_change(fs, p)) == 0 && ntfs_attr_record_rm(ctx) < 0)
			rc = nt_fail(fs, BK_ECORRUPT, p, "cannot drop a name left by a crash");
		if (rc == 0) {
			ni->mrec->link_count = cpu_to_le16(le16_to_cpu(ni->mrec->link_count) - 1);
			dropped = true;
			ntfs_attr_reinit_search_ctx(ctx);
		}
	}
	ntfs_attr_put_search_ctx(ctx);
	if (rc == 0 && dropped) {
		ntfs_inode_mark_dirty(ni);
		if (ntfs_inode_sync(ni) < 0)
			rc = nt_fail(fs, 0, p, "cannot drop a name left by a crash");
	}
	return rc;
}

/* Open the child called name in dir; *ni NULL and 0 when there is none. */
int
nt_open_child(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *dir, const char *name,
	   ntfs_inode **ni)
{
	ntfschar *u;
	int len, rc;
	u64 mref;

	*ni = NULL;
	if ((rc = nt_to_uname(fs, p, name, &u, &len)) < 0)
		return rc;
	mref = nt_lookup_ci(dir, u, len);
	bk_free(u);
	if (mref == (u64)-1)
		return errno == ENOENT ? 0 : nt_fail(fs, BK_ECORRUPT, p, "cannot read the folder");
	if (MREF(mref) < FILE_first_user)
		return fs_err(fs, BK_EINVAL, p, "\"%s\" is an NTFS metadata file", name);
	if (!(*ni = ntfs_inode_open(fs->priv ? NT(fs)->vol : dir->vol, MREF(mref))))
		return nt_fail(fs, BK_ECORRUPT, p, "cannot open the file record");
	if (fs->writable && fs->priv && !nt_is_dir(*ni) &&
	    le16_to_cpu((*ni)->mrec->link_count) > 1 && (rc = heal_names(fs, p, dir, *ni)) < 0) {
		nt_close(*ni);
		*ni = NULL;
		return rc;
	}
	return 0;
}

/*
 * Open the first n components of p: *out is the inode (the root for n 0).
 * -BK_ENOTFOUND when a component is missing or a file stands where a folder
 * is needed.
 */
int
nt_walk(struct disk_fs *fs, const struct fs_path *p, size_t n, ntfs_inode **out)
{
	ntfs_inode *ni, *next;
	size_t i;
	int rc;

	*out = NULL;
	ntfs_part_clear_log();
	if (!(ni = ntfs_inode_open(NT(fs)->vol, FILE_root)))
		return nt_fail(fs, BK_ECORRUPT, NULL, "cannot open the root folder");
	for (i = 0; i < n; i++) {
		struct fs_path at = { i + 1, p->comp, NULL };

		if (!nt_is_dir(ni)) {
			nt_close(ni);
			at.n = i;
			return fs_err(fs, BK_ENOTFOUND, &at, "a file, not a folder");
		}
		rc = nt_open_child(fs, &at, ni, p->comp[i], &next);
		nt_close(ni);
		if (rc < 0)
			return rc;
		if (!next)
			return fs_err(fs, BK_ENOTFOUND, &at, "no such file or folder");
		ni = next;
	}
	*out = ni;
	return 0;
}

/* The parent folder of p, opened; it must be a folder. */
int
nt_walk_parent(struct disk_fs *fs, const struct fs_path *p, ntfs_inode **dir)
{
	struct fs_path up = fs_path_parent(p);
	int rc;

	if ((rc = nt_walk(fs, p, p->n - 1, dir)) < 0)
		return rc;
	if (!nt_is_dir(*dir)) {
		nt_close(*dir);
		*dir = NULL;
		return fs_err(fs, BK_ENOTFOUND, &up, "a file, not a folder");
	}
	return 0;
}

/* ---- mount ------------------------------------------------------------------------------ */

static int
nt_mount(struct disk_fs *fs)
{
	struct ntfs_device *dev;
	struct nt *nt;
	uint8_t s[DISK_SECTOR];
	uint32_t bps;
	int rc = 0;    /* set below; gcc with -fsanitize cannot see it through fs_read_at() */

	if (fs->size < sizeof(s))
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "too small for a file system");
	if ((rc = fs_read_at(fs, 0, s, sizeof(s))) < 0)
		return rc;
	if (memcmp(s + 3, "NTFS    ", 8) != 0)
		return fs_err(fs, BK_EUNSUPPORTED, NULL, "not NTFS");
	/* Sectors (0x28) times bytes per sector (0x0B): the volume must fit. */
	bps = (uint32_t)s[0x0B] | (uint32_t)s[0x0C] << 8;
	if (bps < 256 || bps > 4096 || (bps & (bps - 1)))
		return fs_err(fs, BK_ECORRUPT, NULL, "damaged NTFS: bad boot sector (%u bytes "
			      "per sector)", bps);
	if (((uint64_t)s[0x28] | (uint64_t)s[0x29] << 8 | (uint64_t)s[0x2A] << 16 |
	     (uint64_t)s[0x2B] << 24 | (uint64_t)s[0x2C] << 32 | (uint64_t)s[0x2D] << 40) * bps >
	    fs->size)
		return fs_err(fs, BK_ECORRUPT, NULL, "damaged NTFS: the volume is larger than "
			      "its partition (%llu bytes): truncated?",
			      (unsigned long long)fs->size);
	if (!(nt = bk_calloc(1, sizeof(*nt))))
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	nt->serial = (uint32_t)s[0x48] | (uint32_t)s[0x49] << 8 | (uint32_t)s[0x4A] << 16 |
		     (uint32_t)s[0x4B] << 24;
	ntfs_part_clear_log();
	if (!(dev = ntfs_part_dev_new(fs, &nt->pd))) {
		bk_free(nt);
		return fs_err(fs, BK_ENOMEM, NULL, "out of memory");
	}
	nt->vol = ntfs_device_mount(dev, fs->writable ? NTFS_MNT_NONE : NTFS_MNT_RDONLY);
	if (!nt->vol) {
		rc = errno == EPERM || errno == EOPNOTSUPP
		     ? fs_err(fs, BK_EDIRTY, NULL, "Windows left this NTFS volume hibernated or "
			      "with an unclean journal (fast startup?); it can be read, but "
			      "not written until Windows shuts down fully (%s)",
			      ntfs_part_last_log())
		     : nt_fail(fs, errno == ENOMEM ? BK_ENOMEM : BK_ECORRUPT, NULL,
			       "damaged NTFS, cannot open it");
		ntfs_device_free(dev);
		bk_free(nt);
		return rc;
	}
	nt->flags = nt->vol->flags;
	nt->pd.vol = nt->vol;
	fs->priv = nt;
	if (fs->writable && (nt->flags & VOLUME_IS_DIRTY)) {
		ntfs_umount(nt->vol, FALSE);
		bk_free(nt);
		fs->priv = NULL;
		return fs_err(fs, BK_EDIRTY, NULL, "the NTFS volume is marked dirty (it needs "
			      "chkdsk, or ntfsfix); refusing to write");
	}
	return 0;
}

/* Free file records below the end of $MFT's data, or -1 on a read error. */
static s64
free_records(ntfs_volume *vol)
{
	s64 n = vol->mft_na->initialized_size >> vol->mft_record_size_bits, i, free = 0;
	uint8_t *bm;

	if (n <= NTFS_MFT_FIRST_FREE)
		return 0;
	if (!(bm = bk_malloc((size_t)(n + 7) / 8)))
		return -1;
	if (ntfs_attr_pread(vol->mftbmp_na, 0, (n + 7) / 8, bm) != (n + 7) / 8) {
		bk_free(bm);
		return -1;
	}
	for (i = NTFS_MFT_FIRST_FREE; i < n; i++)
		free += !(bm[i / 8] & (1u << (i % 8)));
	bk_free(bm);
	return free;
}

/*
 * libntfs-3g grows $MFT one record at a time, and each growth rewrites
 * $MFT's own record, which $MFTMirr copies: a crash between the two copies
 * leaves a volume libntfs-3g refuses.  So that the changes that follow (a
 * store commit above all) only reuse free records, $MFT is grown here first
 * when it has fewer than NTFS_MFT_SLACK free records, by NTFS_MFT_GROW at
 * once (records allocated, then freed): the window is then met once per
 * NTFS_MFT_GROW new files, and never inside a commit on a volume with free
 * records (Windows' own format leaves plenty, and so does vhdtool build).
 */
int
nt_reserve_records(struct disk_fs *fs, const struct fs_path *p)
{
	ntfs_volume *vol = NT(fs)->vol;
	ntfs_inode *ni[NTFS_MFT_GROW];
	s64 free = free_records(vol);
	int i, n = 0, rc = 0;

	if (free < 0)
		return nt_fail(fs, BK_ECORRUPT, p, "cannot read the $MFT bitmap");
	if (free >= NTFS_MFT_SLACK)
		return 0;
	for (n = 0; n < NTFS_MFT_GROW; n++)
		if (!(ni[n] = ntfs_mft_record_alloc(vol, NULL))) {
			rc = nt_fail(fs, 0, p, "cannot grow the $MFT");
			break;
		}
	for (i = n - 1; i >= 0; i--)
		if (ntfs_mft_record_free(vol, ni[i]) < 0 && rc == 0)
			rc = nt_fail(fs, 0, p, "cannot grow the $MFT");
	return rc;
}

/*
 * Before the first change.  The volume is not marked dirty while changed
 * (see the top of the file): $Volume is one of the records $MFTMirr copies,
 * and no write order keeps the two copies equal across a crash.
 */
int
nt_begin_change(struct disk_fs *fs, const struct fs_path *p)
{
	int rc;

	if (NT(fs)->changed)
		return 0;
	if ((rc = nt_reserve_records(fs, p)) < 0)
		return rc;
	NT(fs)->changed = true;
	return 0;
}

static int
nt_flush(struct disk_fs *fs)
{
	struct nt *nt = NT(fs);
	ntfs_volume *vol = nt->vol;
	int rc;

	if (!nt->changed)
		return 0;
	ntfs_part_clear_log();
	if ((vol->mft_ni && NInoDirty(vol->mft_ni) && ntfs_inode_sync(vol->mft_ni) < 0) ||
	    (vol->lcnbmp_ni && NInoDirty(vol->lcnbmp_ni) && ntfs_inode_sync(vol->lcnbmp_ni) < 0))
		return nt_fail(fs, 0, NULL, "cannot write the volume's metadata");
	if ((rc = disk_flush(fs->d)) < 0)
		return fs_err(fs, -rc, NULL, "%s", fs->d->err.msg);
	nt->changed = false;
	return 0;
}

static void
nt_unmount(struct disk_fs *fs)
{
	struct nt *nt = NT(fs);

	if (!nt)
		return;
	ntfs_part_release(&nt->pd);    /* nothing is held outside an insertion */
	ntfs_umount(nt->vol, FALSE);
	bk_free(nt);
	fs->priv = NULL;
}

static int
nt_info(struct disk_fs *fs, struct disk_fs_info *out)
{
	ntfs_volume *vol = NT(fs)->vol;

	out->type = DISK_FS_NTFS;
	out->size = (uint64_t)vol->nr_clusters * vol->cluster_size;
	out->cluster_size = vol->cluster_size;
	if (ntfs_volume_get_free_space(vol) == 0 && vol->free_clusters > 0)
		out->free_bytes = (uint64_t)vol->free_clusters * vol->cluster_size;
	out->serial = NT(fs)->serial;
	snprintf(out->label, sizeof(out->label), "%s", vol->vol_name ? vol->vol_name : "");
	return 0;
}

/* ---- reading --------------------------------------------------------------------------------- */

static void
fill_info(ntfs_inode *ni, struct disk_file_info *fi)
{
	ntfs_attr *na;

	fi->inode = ni->mft_no;
	fi->is_dir = nt_is_dir(ni);
	fi->attributes = le32_to_cpu(ni->flags) | (fi->is_dir ? DISK_ATTR_DIRECTORY : 0);
	fi->mtime = ntfs2timespec(ni->last_data_change_time).tv_sec;
	fi->size = 0;
	if (!fi->is_dir && (na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0))) {
		fi->size = (uint64_t)na->data_size;
		ntfs_attr_close(na);
	}
}

static int
nt_stat(struct disk_fs *fs, const struct fs_path *p, struct disk_file_info *out)
{
	ntfs_inode *ni, *dir;
	ntfschar *u;
	int len, rc;

	if (p->n == 0) {
		if ((rc = nt_walk(fs, p, 0, &ni)) < 0)
			return rc;
		fill_info(ni, out);
		nt_close(ni);
		return 0;
	}
	if ((rc = nt_walk_parent(fs, p, &dir)) < 0)
		return rc;
	if ((rc = nt_open_child(fs, p, dir, p->comp[p->n - 1], &ni)) == 0 && !ni)
		rc = fs_err(fs, BK_ENOTFOUND, p, "no such file or folder");
	if (rc == 0) {
		fill_info(ni, out);
		if (nt_stored_name(ni, dir->mft_no, p->comp[p->n - 1], &u, &len) == 0) {
			nt_from_uname(u, len, out->name, sizeof(out->name));
			bk_free(u);
		}
		nt_close(ni);
	}
	nt_close(dir);
	return rc;
}

struct list_ctx {
	ntfs_volume *vol;
	disk_file_cb cb;
	void *data;
	int rc;                /* callback's return or a BK error */
};

static int
list_one(void *dirent, const ntfschar *name, const int name_len, const int name_type,
	 const s64 pos, const MFT_REF mref, const unsigned dt_type)
{
	struct list_ctx *c = dirent;
	struct disk_file_info fi;
	ntfs_inode *ni;

	(void)pos; (void)dt_type;
	/* Skip DOS 8.3 aliases, the metadata files and the "." / ".." entries
	 * ntfs_readdir() makes up. */
	if (name_type == FILE_NAME_DOS || MREF(mref) < FILE_first_user ||
	    (name_len == 1 && name[0] == const_cpu_to_le16('.')) ||
	    (name_len == 2 && name[0] == const_cpu_to_le16('.') &&
	     name[1] == const_cpu_to_le16('.')))
		return 0;
	memset(&fi, 0, sizeof(fi));
	if ((c->rc = nt_from_uname(name, name_len, fi.name, sizeof(fi.name))) < 0)
		return -1;
	if (!(ni = ntfs_inode_open(c->vol, MREF(mref)))) {
		c->rc = -BK_ECORRUPT;
		return -1;
	}
	fill_info(ni, &fi);
	nt_close(ni);
	return (c->rc = c->cb(&fi, c->data)) != 0 ? -1 : 0;
}

static int
nt_list(struct disk_fs *fs, const struct fs_path *p, disk_file_cb cb, void *data)
{
	struct list_ctx c = { NT(fs)->vol, cb, data, 0 };
	ntfs_inode *ni;
	s64 pos = 0;
	int rc;

	if ((rc = nt_walk(fs, p, p->n, &ni)) < 0)
		return rc;
	if (!nt_is_dir(ni))
		rc = fs_err(fs, BK_EWRONGTYPE, p, "is a file, not a folder");
	else if (ntfs_readdir(ni, &pos, &c, list_one) < 0 || c.rc < 0)
		rc = c.rc > 0 ? c.rc : c.rc < 0 && c.rc != -BK_ECORRUPT ? c.rc
		     : nt_fail(fs, BK_ECORRUPT, p, "cannot read the folder");
	else
		rc = c.rc;
	nt_close(ni);
	return rc;
}

static int
read_data(struct disk_fs *fs, const struct fs_path *p, ntfs_inode *ni, disk_sink_cb sink,
	  void *data)
{
	ntfs_attr *na;
	uint8_t *buf;
	s64 pos = 0, n;
	int rc = 0;

	if (!(na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)))
		return errno == ENOENT ? 0 : nt_fail(fs, BK_ECORRUPT, p,
						     "cannot open the data stream");
	if (!(buf = bk_malloc(NTFS_IO_CHUNK))) {
		ntfs_attr_close(na);
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	}
	while (pos < na->data_size) {
		n = na->data_size - pos < (s64)NTFS_IO_CHUNK ? na->data_size - pos
							    : (s64)NTFS_IO_CHUNK;
		if (ntfs_attr_pread(na, pos, n, buf) != n) {
			rc = nt_fail(fs, BK_ECORRUPT, p, "read error");
			break;
		}
		if ((rc = sink(buf, (size_t)n, data)) != 0)
			break;
		pos += n;
	}
	bk_free(buf);
	ntfs_attr_close(na);
	return rc;
}

static int
nt_read(struct disk_fs *fs, const struct fs_path *p, disk_sink_cb sink, void *data)
{
	ntfs_inode *ni;
	int rc;

	if ((rc = nt_walk(fs, p, p->n, &ni)) < 0)
		return rc;
	rc = nt_is_dir(ni) ? fs_err(fs, BK_EWRONGTYPE, p, "is a folder")
	     : (rc = nt_check_runs(fs, p, ni)) < 0 ? rc : read_data(fs, p, ni, sink, data);
	nt_close(ni);
	return rc;
}

/* ---- random access to one file (a disk image inside the volume) ---------------- */

struct nt_file {
	ntfs_inode *ni;
	ntfs_attr *na;
	char *path;                 /* for messages */
};

static void
nt_fclose(struct disk_fs *fs, void *h)
{
	struct nt_file *f = h;

	(void)fs;
	if (!f)
		return;
	if (f->na)
		ntfs_attr_close(f->na);
	if (f->ni)
		ntfs_inode_close(f->ni);
	bk_free(f->path);
	bk_free(f);
}

/* The file's unnamed data stream stays open for the reads: libntfs-3g then
 * maps only the runs a read touches (sparse and compressed files too). */
static int
nt_fopen(struct disk_fs *fs, const struct fs_path *p, void **h, uint64_t *size)
{
	struct nt_file *f;
	int rc;

	*h = NULL;
	if (!(f = bk_calloc(1, sizeof(*f))) || !(f->path = bk_strdup(p->text))) {
		bk_free(f);
		return fs_err(fs, BK_ENOMEM, p, "out of memory");
	}
	if ((rc = nt_walk(fs, p, p->n, &f->ni)) == 0) {
		if (nt_is_dir(f->ni))
			rc = fs_err(fs, BK_EWRONGTYPE, p, "is a folder");
		else if ((rc = nt_check_runs(fs, p, f->ni)) == 0 &&
			 !(f->na = ntfs_attr_open(f->ni, AT_DATA, AT_UNNAMED, 0)))
			rc = nt_fail(fs, BK_ECORRUPT, p, "cannot open the data stream");
	}
	if (rc < 0) {
		nt_fclose(fs, f);
		return rc;
	}
	*size = (uint64_t)f->na->data_size;
	*h = f;
	return 0;
}

static int
nt_pread(struct disk_fs *fs, void *h, void *buf, size_t len, uint64_t off)
{
	struct nt_file *f = h;
	uint8_t *out = buf;
	s64 n;

	while (len > 0) {
		n = ntfs_attr_pread(f->na, (s64)off, (s64)(len < NTFS_IO_CHUNK ? len : NTFS_IO_CHUNK),
				    out);
		if (n <= 0)
			return nt_fail(fs, BK_ECORRUPT, NULL, "read error");
		out += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

const struct fs_driver fs_ntfs_driver = {
	.type = DISK_FS_NTFS,
	.mount = nt_mount,
	.unmount = nt_unmount,
	.flush = nt_flush,
	.info = nt_info,
	.stat = nt_stat,
	.list = nt_list,
	.read = nt_read,
	.write = nt_write,
	.mkdir = nt_mkdir,
	.remove = nt_remove,
	.rename = nt_rename,
	.set_attributes = nt_set_attributes,
	.format = NULL,         /* vhdtool build formats NTFS with mkntfs */
	.fopen = nt_fopen,
	.pread = nt_pread,
	.fclose = nt_fclose,
};
