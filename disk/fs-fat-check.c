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

struct walk {
	struct fat_vol *v;
	uint8_t *owned;             /* one bit per cluster */
	uint32_t *stack;            /* folders still to walk */
	size_t n, cap;
};

static void
ent_name(const struct fat_ent *e, char *out, size_t cap)
{
	char *s = NULL;

	if (bk_utf16_to_utf8(e->name, e->nlen, false, &s) == 0)
		snprintf(out, cap, "%s", s);
	else
		snprintf(out, cap, "?");
	bk_free(s);
}

/* Claim the whole chain at first for one owner. */
static int
claim(struct walk *w, uint32_t first, const struct fat_ent *e)
{
	struct fat_vol *v = w->v;
	uint32_t *cl, n, i;
	char name[300] = "\\", *np = name;
	struct fs_path fp = { 1, &np, name };
	int rc;

	if (e)
		ent_name(e, name, sizeof(name));
	/* Messages name the entry (its folder is not tracked). */
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
push(struct walk *w, uint32_t first)
{
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 64;
		uint32_t *ns = bk_realloc(w->stack, ncap * sizeof(*ns));
		if (!ns)
			return fs_err(w->v->fs, BK_ENOMEM, NULL, "out of memory");
		w->stack = ns;
		w->cap = ncap;
	}
	w->stack[w->n++] = first;
	return 0;
}

static int
walk_dir(struct walk *w, uint32_t first)
{
	struct fat_dir *d;
	struct fat_ent e;
	size_t pos = 0;
	int rc;

	if ((rc = fat_dir_get(w->v, first, &d, NULL)) < 0)
		return rc;
	d->pin++;
	while ((rc = fat_dir_next(w->v, d, &pos, &e, NULL)) > 0) {
		if (e.first == 0)
			continue;
		if ((rc = claim(w, e.first, &e)) < 0)
			break;
		if ((e.attr & FAT_ATTR_DIR) && (rc = push(w, e.first)) < 0)
			break;
	}
	d->pin--;
	return rc;
}

int
fat_check_tree(struct fat_vol *v)
{
	struct walk w;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.v = v;
	if (!(w.owned = bk_calloc(1, ((size_t)v->nclus + 2) / 8 + 1)))
		return fs_err(v->fs, BK_ENOMEM, NULL, "out of memory");
	if (v->type == DISK_FS_FAT32)
		rc = claim(&w, v->root_clus, NULL);
	if (rc >= 0)
		rc = push(&w, fat_root_first(v));
	while (rc >= 0 && w.n > 0)
		rc = walk_dir(&w, w.stack[--w.n]);
	bk_free(w.owned);
	bk_free(w.stack);
	return rc < 0 ? rc : 0;
}
