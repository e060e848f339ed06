/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The whole-volume check run before a FAT volume is written: every folder is
 * walked from the root and every chain an entry starts is followed, so that
 * a cluster owned twice (two entries sharing a chain, a folder that contains
 * its own ancestor), a chain shorter than its file, or an entry past the end
 * is found before a write could free or relink something in use.  The FAT
 * itself was checked at load (links inside the volume, none doubled).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bk-alloc.h"
#include "bk-utf16.h"
#include "fs-fat-internal.h"

struct item {
	uint32_t first;
	char *path;                 /* "\A\B", for messages */
};

struct walk {
	struct fat_vol *v;
	uint8_t *owned;             /* one bit per cluster */
	struct item *stack;         /* folders still to walk */
	size_t n, cap;
};

/* parent\name of an entry, or NULL without memory. */
static char *
ent_path(const char *parent, const struct fat_ent *e)
{
	char *s = NULL, *out = NULL;
	size_t n;

	if (bk_utf16_to_utf8(e->name, e->nlen, false, &s) == 0) {
		n = strlen(parent) + strlen(s) + 2;
		if ((out = bk_malloc(n)))
			snprintf(out, n, "%s%s%s", parent, parent[1] ? "\\" : "", s);
	}
	bk_free(s);
	return out;
}

/* Claim the whole chain at first for the entry at path (e NULL: the root). */
static int
claim(struct walk *w, uint32_t first, const struct fat_ent *e, char *path)
{
	struct fat_vol *v = w->v;
	uint32_t *cl, n, i;
	struct fs_path fp = { 1, &path, path };
	int rc;

	if ((rc = fat_chain(v, first, v->nclus + 1, &cl, &n, &fp)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		uint32_t c = cl[i];
		if (w->owned[c / 8] & (1u << (c % 8))) {
			bk_free(cl);
			return fs_err(v->fs, BK_ECORRUPT, &fp,
				      "cluster %u also belongs to another file or folder "
				      "(cross-linked)", c);
		}
		w->owned[c / 8] |= (uint8_t)(1u << (c % 8));
	}
	bk_free(cl);
	if (e && !(e->attr & FAT_ATTR_DIR) && e->size > (uint64_t)n * v->csize)
		return fs_err(v->fs, BK_ECORRUPT, &fp,
			      "%u bytes, but its cluster chain holds only %u clusters of %u bytes",
			      e->size, n, v->csize);
	return 0;
}

static int
push(struct walk *w, uint32_t first, char *path)
{
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 64;
		struct item *ns = bk_realloc(w->stack, ncap * sizeof(*ns));
		if (!ns) {
			bk_free(path);
			return fs_err(w->v->fs, BK_ENOMEM, NULL, "out of memory");
		}
		w->stack = ns;
		w->cap = ncap;
	}
	w->stack[w->n].first = first;
	w->stack[w->n++].path = path;
	return 0;
}

static int
walk_dir(struct walk *w, const struct item *it)
{
	struct fs_path fp = { 1, (char **)&it->path, it->path };
	struct fat_dir *d;
	struct fat_ent e;
	size_t pos = 0;
	char *path;
	int rc;

	if ((rc = fat_dir_get(w->v, it->first, &d, &fp)) < 0)
		return rc;
	d->pin++;
	while ((rc = fat_dir_next(w->v, d, &pos, &e, &fp)) > 0) {
		if (e.first == 0)
			continue;
		if (!(path = ent_path(it->path, &e))) {
			rc = fs_err(w->v->fs, BK_ENOMEM, NULL, "out of memory");
			break;
		}
		if ((rc = claim(w, e.first, &e, path)) < 0 ||
		    !(e.attr & FAT_ATTR_DIR)) {
			bk_free(path);
			if (rc < 0)
				break;
			continue;
		}
		if ((rc = push(w, e.first, path)) < 0)
			break;
	}
	d->pin--;
	return rc;
}

int
fat_check_tree(struct fat_vol *v)
{
	struct walk w;
	struct item it;
	char *root = bk_strdup("\\");
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.v = v;
	if (!root || !(w.owned = bk_calloc(1, ((size_t)v->nclus + 2) / 8 + 1))) {
		bk_free(root);
		return fs_err(v->fs, BK_ENOMEM, NULL, "out of memory");
	}
	if (v->type == DISK_FS_FAT32)
		rc = claim(&w, v->root_clus, NULL, root);
	rc = rc < 0 ? (bk_free(root), rc) : push(&w, fat_root_first(v), root);
	while (rc >= 0 && w.n > 0) {
		it = w.stack[--w.n];
		rc = walk_dir(&w, &it);
		bk_free(it.path);
	}
	while (w.n > 0)
		bk_free(w.stack[--w.n].path);
	bk_free(w.owned);
	bk_free(w.stack);
	return rc < 0 ? rc : 0;
}
