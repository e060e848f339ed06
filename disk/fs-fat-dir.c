/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FAT folders: read whole into a small LRU cache, decoded into entries with
 * their long names (fatgen103, "FAT Directory Structure" and "FAT Long
 * Directory Entries"), looked up case-insensitively on the long and the 8.3
 * name as Windows does, and changed in place (new entry sets, deletions).
 */
#include "config.h"

#include <string.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "fs-fat-internal.h"

/* Offsets of the 13 UTF-16 units of a long-name slot. */
static const uint8_t lfn_units[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

uint32_t
fat_ent_first(const struct fat_vol *v, const uint8_t raw[FAT_DIRENT])
{
	uint32_t hi = v->type == DISK_FS_FAT32 ? bk_le16(raw + 20) : 0;

	return hi << 16 | bk_le16(raw + 26);
}

void
fat_ent_set_first(uint8_t raw[FAT_DIRENT], uint32_t c)
{
	bk_put_le16(raw + 20, (uint16_t)(c >> 16));
	bk_put_le16(raw + 26, (uint16_t)c);
}

static void
dir_free(struct fat_dir *d)
{
	if (!d)
		return;
	bk_free(d->clus);
	bk_free(d->buf);
	bk_free(d);
}

void
fat_dir_cache_drop(struct fat_vol *v)
{
	size_t i;

	for (i = 0; i < FAT_DCACHE; i++) {
		dir_free(v->cache[i]);
		v->cache[i] = NULL;
	}
}

static int
dir_read(struct fat_vol *v, struct fat_dir *d, const struct fs_path *p)
{
	uint32_t i = 0, j;
	int rc;

	if (d->first == 0) {
		d->len = (size_t)v->root_ents * FAT_DIRENT;
		if (!(d->buf = bk_malloc(d->len)))
			return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
		return fs_read_at(v->fs, v->root_off, d->buf, d->len);
	}
	rc = fat_chain(v, d->first, FAT_DIR_MAX_BYTES / v->csize + 1, &d->clus, &d->nclus, p);
	if (rc < 0)
		return rc;
	if ((uint64_t)d->nclus * v->csize > FAT_DIR_MAX_BYTES)
		return fs_err(v->fs, BK_ECORRUPT, p, "folder at cluster %u holds more than %u entries",
			      d->first, FAT_DIR_MAX_ENTRIES);
	d->len = (size_t)d->nclus * v->csize;
	if (!(d->buf = bk_malloc(d->len)))
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	while (i < d->nclus) {   /* one read per contiguous run */
		for (j = i + 1; j < d->nclus && d->clus[j] == d->clus[j - 1] + 1; j++)
			;
		rc = fs_read_at(v->fs, fat_clus_off(v, d->clus[i]), d->buf + (size_t)i * v->csize,
				(size_t)(j - i) * v->csize);
		if (rc < 0)
			return rc;
		i = j;
	}
	return 0;
}

int
fat_dir_get(struct fat_vol *v, uint32_t first, struct fat_dir **out, const struct fs_path *p)
{
	struct fat_dir *d;
	size_t i, victim = FAT_DCACHE;
	int rc;

	for (i = 0; i < FAT_DCACHE; i++)
		if (v->cache[i] && v->cache[i]->first == first) {
			v->cache[i]->used = ++v->tick;
			*out = v->cache[i];
			return 0;
		}
	/* An empty slot, else the least recently used folder nobody holds. */
	for (i = 0; i < FAT_DCACHE; i++) {
		if (!v->cache[i]) {
			victim = i;
			break;
		}
		if (!v->cache[i]->pin &&
		    (victim == FAT_DCACHE || v->cache[i]->used < v->cache[victim]->used))
			victim = i;
	}
	if (victim == FAT_DCACHE)
		return fs_err(v->fs, BK_ENOMEM, p, "folder cache full");
	if (!(d = bk_calloc(1, sizeof(*d))))
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	d->first = first;
	if ((rc = dir_read(v, d, p)) < 0) {
		dir_free(d);
		return rc;
	}
	dir_free(v->cache[victim]);
	d->used = ++v->tick;
	v->cache[victim] = d;
	*out = d;
	return 0;
}

/* Long-name state while walking the slots before an 8.3 entry. */
struct lfn_acc {
	unsigned expect;            /* next ordinal wanted; 0: none in progress */
	unsigned count;             /* slots in the set */
	uint8_t sum;
	size_t start;
	uint16_t u[FAT_LFN_SLOTS_MAX * 13];
};

static void
lfn_slot(struct lfn_acc *a, const uint8_t *s, size_t pos)
{
	unsigned ord = s[0] & 0x1F, i;

	if (s[0] & 0x40) {
		if (ord == 0 || ord > FAT_LFN_SLOTS_MAX || (s[0] & 0x80)) {
			a->expect = 0;
			return;
		}
		a->count = ord;
		a->sum = s[13];
		a->start = pos;
	} else if (a->expect == 0 || a->expect == 0x100 || ord != a->expect || s[13] != a->sum || (s[0] & 0x80)) {
		a->expect = 0;      /* an orphan or out-of-order slot: ignored */
		return;
	}
	for (i = 0; i < 13; i++)
		a->u[(ord - 1) * 13 + i] = bk_le16(s + lfn_units[i]);
	a->expect = ord - 1;
	if (a->expect == 0)
		a->expect = 0x100;      /* complete: waiting for the 8.3 entry */
}

/* The long name if the set is complete and belongs to this 8.3 entry. */
static void
lfn_take(struct lfn_acc *a, struct fat_ent *e)
{
	size_t n = 0, max = (size_t)a->count * 13;

	if (a->expect != 0x100 || fat_lfn_checksum(e->raw) != a->sum)
		return;
	while (n < max && a->u[n] != 0)
		n++;
	if (n == 0 || n > FAT_LFN_MAX)
		return;
	memcpy(e->name, a->u, n * sizeof(uint16_t));
	e->nlen = n;
	e->lfn_pos = a->start;
}

static int
ent_check(struct fat_vol *v, const struct fat_ent *e, const struct fs_path *p)
{
	bool need = (e->attr & FAT_ATTR_DIR) || e->size > 0;

	if ((need || e->first != 0) && !fat_valid_clus(v, e->first))
		return fs_err(v->fs, BK_ECORRUPT, p,
			      "directory entry at offset %zu: first cluster %u is past the end "
			      "(last cluster is %u)", e->pos, e->first, v->nclus + 1);
	return 0;
}

int
fat_dir_next(struct fat_vol *v, struct fat_dir *d, size_t *pos, struct fat_ent *e,
	     const struct fs_path *p)
{
	struct lfn_acc a;
	uint16_t shown[13];
	size_t ns;

	a.expect = 0;
	for (; *pos + FAT_DIRENT <= d->len; *pos += FAT_DIRENT) {
		const uint8_t *s = d->buf + *pos;
		if (s[0] == 0)
			return 0;
		if (s[0] == FAT_DELETED) {
			a.expect = 0;
			continue;
		}
		if ((s[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN) {
			lfn_slot(&a, s, *pos);
			continue;
		}
		if ((s[11] & FAT_ATTR_VOLUME) || (s[0] == '.' && (s[1] == ' ' || s[1] == '.'))) {
			a.expect = 0;
			continue;
		}
		memcpy(e->raw, s, FAT_DIRENT);
		e->pos = e->lfn_pos = *pos;
		e->attr = s[11];
		e->first = fat_ent_first(v, s);
		e->size = bk_le32(s + 28);
		fat_short_name(s, shown, &ns, e->sname, &e->snlen);
		memcpy(e->name, shown, ns * sizeof(uint16_t));
		e->nlen = ns;
		lfn_take(&a, e);
		*pos += FAT_DIRENT;
		return ent_check(v, e, p) < 0 ? -BK_ECORRUPT : 1;
	}
	return 0;
}

int
fat_dir_lookup(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
	       struct fat_ent *e, const struct fs_path *p)
{
	size_t pos = 0;
	int rc;

	while ((rc = fat_dir_next(v, d, &pos, e, p)) > 0)
		if (fat_name_eq(e->name, e->nlen, name, n) || fat_name_eq(e->sname, e->snlen, name, n))
			return 0;
	return rc < 0 ? rc : -BK_ENOTFOUND;
}

int
fat_dir_write(struct fat_vol *v, struct fat_dir *d, size_t pos, size_t len)
{
	int rc;

	if (d->first == 0)
		return fs_write_at(v->fs, v->root_off + pos, d->buf + pos, len);
	while (len > 0) {
		size_t ci = pos / v->csize, in = pos % v->csize;
		size_t n = v->csize - in < len ? v->csize - in : len;
		rc = fs_write_at(v->fs, fat_clus_off(v, d->clus[ci]) + in, d->buf + pos, n);
		if (rc < 0)
			return rc;
		pos += n;
		len -= n;
	}
	return 0;
}

int
fat_resolve(struct fat_vol *v, const struct fs_path *p, size_t k, struct fat_dir **dir,
	    struct fat_ent *e)
{
	uint32_t first = fat_root_first(v);
	uint16_t name[FAT_LFN_MAX + 1];
	size_t i, n;
	int rc;

	for (i = 0; i < k; i++) {
		if ((rc = fat_dir_get(v, first, dir, p)) < 0)
			return rc;
		if ((rc = fat_name_from_utf8(v, p->comp[i], name, &n, p)) < 0)
			return rc;
		rc = fat_dir_lookup(v, *dir, name, n, e, p);
		if (rc == -BK_ENOTFOUND)
			return fs_err(v->fs, BK_ENOTFOUND, p, "\"%s\" not found", p->comp[i]);
		if (rc < 0)
			return rc;
		if (i + 1 < k && !(e->attr & FAT_ATTR_DIR))
			return fs_err(v->fs, BK_EWRONGTYPE, p, "\"%s\" is not a folder", p->comp[i]);
		first = e->first;
	}
	return 0;
}

int
fat_resolve_dir(struct fat_vol *v, const struct fs_path *p, size_t k, uint32_t *first)
{
	struct fat_dir *d;
	struct fat_ent e;
	int rc;

	if (k == 0) {
		*first = fat_root_first(v);
		return 0;
	}
	if ((rc = fat_resolve(v, p, k, &d, &e)) < 0)
		return rc;
	if (!(e.attr & FAT_ATTR_DIR))
		return fs_err(v->fs, BK_EWRONGTYPE, p, "\"%s\" is not a folder", p->comp[k - 1]);
	*first = e.first;
	return 0;
}
