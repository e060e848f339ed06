/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * New and deleted directory entries: a long-name set and its 8.3 entry
 * placed in free slots (the folder grows by a zeroed cluster when none are
 * left), 8.3 names chosen as Windows chooses them, deletion by the 0xE5 mark.
 * The long-name slots are written before the 8.3 entry that makes the set
 * live, so an interrupted write leaves orphan slots, which readers ignore.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "fs-fat-internal.h"

static const uint8_t lfn_units[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

/* Tails tried before giving up on an 8.3 name (9 per hash value). */
#define FAT_TAIL_TRIES 100000u

void
fat_ent_stamp(uint8_t raw[FAT_DIRENT], bool created)
{
	uint16_t date, tm;

	fat_time_from_unix((int64_t)time(NULL), &date, &tm);
	if (created) {
		raw[13] = 0;                      /* creation time, 10 ms units */
		bk_put_le16(raw + 14, tm);
		bk_put_le16(raw + 16, date);
	}
	bk_put_le16(raw + 18, date);              /* last access date */
	bk_put_le16(raw + 22, tm);
	bk_put_le16(raw + 24, date);
}

/* Offset of the end mark (first slot starting with 0): every slot from there
 * on is free by the specification. */
static size_t
dir_end(const struct fat_dir *d)
{
	size_t pos;

	for (pos = 0; pos + FAT_DIRENT <= d->len; pos += FAT_DIRENT)
		if (d->buf[pos] == 0)
			return pos;
	return d->len;
}

static bool
short_taken(const struct fat_dir *d, const uint8_t sfn[11], size_t skip)
{
	size_t pos, end = dir_end(d);

	for (pos = 0; pos < end; pos += FAT_DIRENT) {
		const uint8_t *s = d->buf + pos;
		if (pos == skip || s[0] == FAT_DELETED ||
		    (s[11] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN)
			continue;
		if (memcmp(s, sfn, 11) == 0)
			return true;
	}
	return false;
}

static int
choose_short(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n, size_t skip,
	     uint8_t sfn[11], uint8_t *ntres, bool *need_lfn, const struct fs_path *p)
{
	uint8_t basis[11];
	bool tail;
	unsigned i;

	fat_short_basis(name, n, basis, ntres, need_lfn, &tail);
	if (!tail) {
		memcpy(sfn, basis, 11);
		return 0;
	}
	for (i = 1; i <= FAT_TAIL_TRIES; i++) {
		fat_short_tail(basis, name, n, i, sfn);
		if (!short_taken(d, sfn, skip))
			return 0;
	}
	return fs_err(v->fs, BK_ETOOBIG, p, "no free 8.3 name left for this name in the folder");
}

/* A free run of count slots; *pos, or -BK_ENOTFOUND. */
static int
find_slots(const struct fat_dir *d, size_t count, size_t *pos)
{
	size_t p, run = 0, end = dir_end(d);

	for (p = 0; p + FAT_DIRENT <= d->len; p += FAT_DIRENT) {
		if (p >= end || d->buf[p] == FAT_DELETED) {
			if (++run == count) {
				*pos = p + FAT_DIRENT - count * FAT_DIRENT;
				return 0;
			}
		} else {
			run = 0;
		}
	}
	return -BK_ENOTFOUND;
}

/*
 * Add zeroed clusters to a folder chain: the new clusters are zeroed on disk
 * and their FAT entries written before the old last cluster links to them,
 * so a crash leaves only unreferenced clusters.
 */
static int
dir_grow(struct fat_vol *v, struct fat_dir *d, size_t slots, const struct fs_path *p)
{
	uint32_t k = (uint32_t)((slots * FAT_DIRENT + v->csize - 1) / v->csize), first = 0, last, i;
	uint32_t *nc;
	uint8_t *nb;
	int rc;

	if (d->first == 0)
		return fs_err(v->fs, BK_ETOOBIG, p, "the root folder is full (%u entries)", v->root_ents);
	if (d->len + (size_t)k * v->csize > FAT_DIR_MAX_BYTES)
		return fs_err(v->fs, BK_ETOOBIG, p, "folder is full (%u entries)", FAT_DIR_MAX_ENTRIES);
	nc = bk_realloc(d->clus, ((size_t)d->nclus + k) * sizeof(*nc));
	if (nc)
		d->clus = nc;
	nb = nc ? bk_realloc(d->buf, d->len + (size_t)k * v->csize) : NULL;
	if (!nb)
		return fs_err(v->fs, BK_ENOMEM, p, "out of memory");
	d->buf = nb;
	memset(d->buf + d->len, 0, (size_t)k * v->csize);
	if ((rc = fat_alloc(v, 0, k, &first, &last, p)) < 0)
		return rc;
	rc = 0;
	for (i = 0, last = first; i < k; i++, last = fat_get(v, last)) {
		d->clus[d->nclus + i] = last;
		rc = fs_write_at(v->fs, fat_clus_off(v, last), d->buf + d->len, v->csize);
		if (rc < 0)
			break;
	}
	if (rc < 0 || (rc = fat_table_flush(v)) < 0) {
		fat_free_chain(v, first);
		return rc;
	}
	fat_set(v, d->clus[d->nclus - 1], first);
	if ((rc = fat_table_flush(v)) < 0)
		return rc;
	d->nclus += k;
	d->len += (size_t)k * v->csize;
	return 0;
}

static void
put_lfn_slot(uint8_t *s, unsigned ord, bool last, uint8_t sum, const uint16_t *name, size_t n)
{
	unsigned i;

	memset(s, 0, FAT_DIRENT);
	s[0] = (uint8_t)(ord | (last ? 0x40 : 0));
	s[11] = FAT_ATTR_LFN;
	s[13] = sum;
	for (i = 0; i < 13; i++) {
		size_t k = (size_t)(ord - 1) * 13 + i;
		uint16_t u = k < n ? name[k] : k == n ? 0x0000 : 0xFFFF;
		bk_put_le16(s + lfn_units[i], u);
	}
}

int
fat_dir_reserve(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
		size_t skip, const struct fs_path *p)
{
	uint8_t sfn[11], ntres;
	size_t pos, slots;
	bool lfn;
	int rc;

	if ((rc = choose_short(v, d, name, n, skip, sfn, &ntres, &lfn, p)) < 0)
		return rc;
	slots = (lfn ? (n + 12) / 13 : 0) + 1;
	return find_slots(d, slots, &pos) == 0 ? 0 : dir_grow(v, d, slots, p);
}

int
fat_dir_add(struct fat_vol *v, struct fat_dir *d, const uint16_t *name, size_t n,
	    const uint8_t proto[FAT_DIRENT], size_t skip, struct fat_ent *e,
	    const struct fs_path *p)
{
	uint8_t sfn[11], ntres, *s;
	size_t nl, pos, end, i, run_end, wend, ns;
	uint16_t shown[13];
	bool lfn;
	int rc;

	if ((rc = choose_short(v, d, name, n, skip, sfn, &ntres, &lfn, p)) < 0)
		return rc;
	nl = lfn ? (n + 12) / 13 : 0;
	if (find_slots(d, nl + 1, &pos) < 0) {
		if ((rc = dir_grow(v, d, nl + 1, p)) < 0)
			return rc;
		if (find_slots(d, nl + 1, &pos) < 0)
			return fs_err(v->fs, BK_ECORRUPT, p, "no free slot after growing the folder");
	}
	end = dir_end(d);
	for (i = 0; i < nl; i++)
		put_lfn_slot(d->buf + pos + i * FAT_DIRENT, (unsigned)(nl - i), i == 0,
			     fat_lfn_checksum(sfn), name, n);
	s = d->buf + pos + nl * FAT_DIRENT;
	memcpy(s, proto, FAT_DIRENT);
	memcpy(s, sfn, 11);
	s[12] = (uint8_t)((proto[12] & ~(FAT_NTRES_LOWER_BASE | FAT_NTRES_LOWER_EXT)) | ntres);
	/* Slots past the old end mark must read as the end again. */
	run_end = pos + (nl + 1) * FAT_DIRENT;
	wend = run_end;
	if (run_end > end && run_end < d->len && !dk_is_zero(d->buf + run_end, d->len - run_end)) {
		memset(d->buf + run_end, 0, d->len - run_end);
		wend = d->len;
	}
	if ((rc = fat_dir_write(v, d, pos, wend - pos)) < 0)
		return rc;
	memset(e, 0, sizeof(*e));
	memcpy(e->raw, s, FAT_DIRENT);
	e->pos = pos + nl * FAT_DIRENT;
	e->lfn_pos = pos;
	e->attr = s[11];
	e->first = fat_ent_first(v, s);
	e->size = bk_le32(s + 28);
	fat_short_name(s, shown, &ns, e->sname, &e->snlen);
	if (lfn) {
		memcpy(e->name, name, n * sizeof(uint16_t));
		e->nlen = n;
	} else {                          /* shown as the 8.3 name with its case flags */
		memcpy(e->name, shown, ns * sizeof(uint16_t));
		e->nlen = ns;
	}
	fat_dir_index_add(v, d, e);
	return 0;
}

int
fat_dir_del(struct fat_vol *v, struct fat_dir *d, const struct fat_ent *e)
{
	size_t pos;

	for (pos = e->lfn_pos; pos <= e->pos; pos += FAT_DIRENT)
		d->buf[pos] = FAT_DELETED;
	fat_dir_index_del(d, e->lfn_pos);
	return fat_dir_write(v, d, e->lfn_pos, e->pos + FAT_DIRENT - e->lfn_pos);
}
