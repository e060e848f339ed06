/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FAT rename and move.  The old entry is removed before the new one is
 * written, so an interruption never leaves two entries sharing one chain
 * (a cross-link): at worst the chain is unreferenced.  Replacing a file:
 *  1. the source entry is marked deleted;
 *  2. the target's 8.3 entry gets the source's first cluster, size,
 *     attributes and times in one 32-byte write inside one sector;
 *  3. the target's old chain is freed.
 * After 1 the target is the old file, after 2 the new one.  Space for a new
 * entry set is made (the folder grown) before anything is removed.
 */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "fs-fat-internal.h"

/* Moving a folder into itself or below it is refused. */
static int
check_not_inside(struct fat_vol *v, const struct fs_path *to, uint32_t moved)
{
	uint32_t first;
	size_t k;
	int rc;

	for (k = 1; k < to->n; k++) {
		if ((rc = fat_resolve_dir(v, to, k, &first)) < 0)
			return rc;
		if (first == moved)
			return fs_err(v->fs, BK_EINVAL, to, "a folder cannot be moved into itself");
	}
	return 0;
}

/* Point a moved folder's ".." entry at its new parent. */
static int
fix_dotdot(struct fat_vol *v, uint32_t dir, uint32_t parent, const struct fs_path *p)
{
	struct fat_dir *d;
	int rc;

	if ((rc = fat_dir_get(v, dir, &d, p)) < 0)
		return rc;
	if (d->len < 2 * FAT_DIRENT || memcmp(d->buf + FAT_DIRENT, "..         ", 11) != 0)
		return 0;     /* no ".." to keep right */
	fat_ent_set_first(d->buf + FAT_DIRENT, parent == fat_root_first(v) ? 0 : parent);
	return fat_dir_write(v, d, FAT_DIRENT, FAT_DIRENT);
}

/* Step 2 and 3 of a replace (see above). */
static int
replace_entry(struct fat_vol *v, struct fat_dir *td, const struct fat_ent *te,
	      const struct fat_ent *fe)
{
	uint8_t *s = td->buf + te->pos;
	int rc;

	s[11] = fe->raw[11];
	memcpy(s + 13, fe->raw + 13, 7);          /* creation time/date, access date */
	memcpy(s + 20, fe->raw + 20, 12);         /* first cluster, write time/date, size */
	if ((rc = fat_dir_write(v, td, te->pos, FAT_DIRENT)) < 0)
		return rc;
	fat_free_chain(v, te->first);
	return fat_table_flush(v);
}

struct rename_ctx {
	struct fat_dir *fd, *td;
	struct fat_ent fe, te;
	uint16_t name[FAT_LFN_MAX + 1];
	size_t n;
	bool found, fd_pinned, td_pinned;
	uint32_t to_parent;
};

static int
rename_prepare(struct fat_vol *v, const struct fs_path *from, const struct fs_path *to,
	       struct rename_ctx *c)
{
	int rc;

	if (from->n == 0 || to->n == 0)
		return fs_err(v->fs, BK_EINVAL, from->n ? to : from, "the root folder cannot be moved");
	if ((rc = fat_resolve(v, from, from->n, &c->fd, &c->fe)) < 0)
		return rc;
	c->fd->pin++;
	c->fd_pinned = true;
	if ((c->fe.attr & FAT_ATTR_DIR) && (rc = check_not_inside(v, to, c->fe.first)) < 0)
		return rc;
	if ((rc = fat_resolve_dir(v, to, to->n - 1, &c->to_parent)) < 0 ||
	    (rc = fat_name_from_utf8(v, to->comp[to->n - 1], c->name, &c->n, to)) < 0 ||
	    (rc = fat_dir_get(v, c->to_parent, &c->td, to)) < 0)
		return rc;
	c->td->pin++;
	c->td_pinned = true;
	rc = fat_dir_lookup(v, c->td, c->name, c->n, &c->te, to);
	if (rc < 0 && rc != -BK_ENOTFOUND)
		return rc;
	c->found = rc == 0;
	/* The same entry under another case: a rename in place. */
	if (c->found && c->td == c->fd && c->te.pos == c->fe.pos)
		c->found = false;
	return 0;
}

static int
rename_run(struct fat_vol *v, const struct fs_path *from, const struct fs_path *to,
	   int replace, struct rename_ctx *c)
{
	struct fat_ent ne;
	size_t skip = c->td == c->fd ? c->fe.pos : SIZE_MAX;
	int rc;

	if (c->found) {
		if (!replace)
			return fs_err(v->fs, BK_EEXIST, to, "already exists");
		if (c->te.attr & FAT_ATTR_DIR)
			return fs_err(v->fs, BK_EEXIST, to, "is a folder; folders are never replaced");
		if (c->fe.attr & FAT_ATTR_DIR)
			return fs_err(v->fs, BK_EWRONGTYPE, from, "is a folder; the target is a file");
		if ((rc = fat_dir_del(v, c->fd, &c->fe)) < 0)
			return rc;
		return replace_entry(v, c->td, &c->te, &c->fe);
	}
	if ((rc = fat_dir_reserve(v, c->td, c->name, c->n, skip, to)) < 0)
		return rc;
	if ((rc = fat_dir_del(v, c->fd, &c->fe)) < 0)
		return rc;
	if ((rc = fat_dir_add(v, c->td, c->name, c->n, c->fe.raw, SIZE_MAX, &ne, to)) < 0)
		return rc;
	if ((c->fe.attr & FAT_ATTR_DIR) && c->td->first != c->fd->first)
		return fix_dotdot(v, c->fe.first, c->td->first, to);
	return 0;
}

int
fat_op_rename(struct disk_fs *fs, const struct fs_path *from, const struct fs_path *to,
	      int replace)
{
	struct fat_vol *v = fat_vol(fs);
	struct rename_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = rename_prepare(v, from, to, &c);
	if (rc >= 0 && !(c.found && !replace))
		rc = fat_begin_change(v);
	if (rc >= 0)
		rc = rename_run(v, from, to, replace, &c);
	if (c.fd_pinned)
		c.fd->pin--;
	if (c.td_pinned)
		c.td->pin--;
	if (rc < 0)
		fat_dir_cache_drop(v);
	return rc < 0 ? rc : 0;
}
