/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test regf writer (see mkbighive-build.h).  Cells are appended to the
 * current hbin; a cell that does not fit closes it with a free cell and opens
 * a new hbin sized for it.  Keys are written as they are added (parent first),
 * and the lists that need every child (subkey lists, value lists) at finish.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mkbighive-build.h"

#define BASE 4096u
#define HBIN 4096u
#define SEG  16344u

struct kent {
	uint32_t nk;
	char *name;
	uint32_t *kids, nkids, capkids;     /* indexes into keys[] */
	uint32_t *vals, nvals, capvals;     /* vk offsets */
	uint32_t max_name, max_vname, max_vdata;
	uint32_t list, vlist;
};

struct mkb {
	uint8_t *buf;             /* base block + hive bins */
	size_t cap;
	uint32_t bins;            /* bytes of hive bins */
	uint32_t hbin_start, hbin_end;
	uint32_t minor;
	size_t leaf_max;
	struct kent *keys;
	uint32_t nkeys, capkeys;
	uint32_t sk;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static int
ensure(struct mkb *b, size_t need)
{
	size_t ncap = b->cap ? b->cap : 65536;
	uint8_t *nb;

	if (need <= b->cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if (!(nb = realloc(b->buf, ncap)))
		return -1;
	memset(nb + b->cap, 0, ncap - b->cap);
	b->buf = nb;
	b->cap = ncap;
	return 0;
}

/* Start an hbin of size bytes at the end of the hive bins. */
static int
new_hbin(struct mkb *b, uint32_t size)
{
	uint8_t *p;

	if (b->hbin_end > b->bins + 0u)
		return -1;
	if (ensure(b, BASE + (size_t)b->bins + size) < 0)
		return -1;
	p = b->buf + BASE + b->bins;
	memcpy(p, "hbin", 4);
	put32(p + 4, b->bins);
	put32(p + 8, size);
	b->hbin_start = b->bins;
	b->hbin_end = b->bins + size;
	b->bins = b->hbin_start + 32;        /* next free byte */
	return 0;
}

/* Allocate a cell with payload bytes; returns its offset or 0. */
static uint32_t
alloc_cell(struct mkb *b, size_t payload)
{
	uint32_t size = (uint32_t)((payload + 4 + 7) & ~(size_t)7), off;

	if (b->bins + size > b->hbin_end) {
		if (b->hbin_end > b->bins)        /* close the hbin with a free cell */
			put32(b->buf + BASE + b->bins, b->hbin_end - b->bins);
		b->bins = b->hbin_end;
		if (new_hbin(b, (size + 32 + HBIN - 1) / HBIN * HBIN) < 0)
			return 0;
	}
	off = b->bins;
	put32(b->buf + BASE + off, (uint32_t)-(int32_t)size);
	b->bins += size;
	return off;
}

static uint8_t *
pay(struct mkb *b, uint32_t off)
{
	return b->buf + BASE + off + 4;
}

struct mkb *
mkb_new(uint32_t minor, const char *root_name)
{
	struct mkb *b = calloc(1, sizeof(*b));

	if (!b || ensure(b, BASE) < 0 || new_hbin(b, HBIN) < 0) {
		mkb_free(b);
		return NULL;
	}
	b->minor = minor;
	b->leaf_max = 500;
	if (!mkb_key(b, 0, root_name)) {
		mkb_free(b);
		return NULL;
	}
	return b;
}

void
mkb_set_leaf_max(struct mkb *b, size_t n)
{
	b->leaf_max = n ? n : 1;
}

uint32_t
mkb_root(struct mkb *b)
{
	return b->keys[0].nk;
}

static struct kent *
find_key(struct mkb *b, uint32_t nk, uint32_t *idx)
{
	uint32_t lo = 0, hi = b->nkeys;

	/* nk offsets grow with the index: binary search. */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (b->keys[mid].nk < nk)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->nkeys || b->keys[lo].nk != nk)
		return NULL;
	if (idx)
		*idx = lo;
	return &b->keys[lo];
}

static int
push32(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
	if (*n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 4;
		uint32_t *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return 0;
}

uint32_t
mkb_key(struct mkb *b, uint32_t parent, const char *name)
{
	size_t nl = strlen(name);
	uint32_t off, pidx = 0;
	struct kent *k, *pk = NULL;
	uint8_t *p;

	if (b->nkeys && !(pk = find_key(b, parent, &pidx)))
		return 0;
	if (b->nkeys == b->capkeys) {
		uint32_t nc = b->capkeys ? b->capkeys * 2 : 64;
		struct kent *nk = realloc(b->keys, nc * sizeof(*nk));
		if (!nk)
			return 0;
		b->keys = nk;
		b->capkeys = nc;
	}
	if (!(off = alloc_cell(b, 0x4C + nl)))
		return 0;
	p = pay(b, off);
	memcpy(p, "nk", 2);
	put16(p + 2, b->nkeys ? 0x20 : 0x2C);
	put32(p + 0x04, 0x01D2A0E3u);       /* a fixed timestamp: output is reproducible */
	put32(p + 0x10, b->nkeys ? parent : 0xFFFFFFFFu);
	put32(p + 0x1C, 0xFFFFFFFFu);
	put32(p + 0x20, 0xFFFFFFFFu);
	put32(p + 0x28, 0xFFFFFFFFu);
	put32(p + 0x30, 0xFFFFFFFFu);
	put16(p + 0x48, (uint16_t)nl);
	memcpy(p + 0x4C, name, nl);
	k = &b->keys[b->nkeys];
	memset(k, 0, sizeof(*k));
	k->nk = off;
	k->name = strdup(name);
	if (!k->name)
		return 0;
	if (pk) {
		pk = &b->keys[pidx];              /* keys[] may have moved */
		if (push32(&pk->kids, &pk->nkids, &pk->capkids, b->nkeys) < 0)
			return 0;
		if (2 * nl > pk->max_name)
			pk->max_name = (uint32_t)(2 * nl);
	}
	b->nkeys++;
	return off;
}

/* Data over 16344 bytes in minor >= 4: a db with a segment list. */
static uint32_t
write_big(struct mkb *b, const uint8_t *d, size_t len)
{
	uint32_t nseg = (uint32_t)((len + SEG - 1) / SEG), db, list, i;

	if (!(db = alloc_cell(b, 12)) || !(list = alloc_cell(b, 4u * nseg)))
		return 0;
	memcpy(pay(b, db), "db", 2);
	put16(pay(b, db) + 2, (uint16_t)nseg);
	put32(pay(b, db) + 4, list);
	for (i = 0; i < nseg; i++) {
		size_t take = len - (size_t)i * SEG < SEG ? len - (size_t)i * SEG : SEG;
		uint32_t seg = alloc_cell(b, take);
		if (!seg)
			return 0;
		memcpy(pay(b, seg), d + (size_t)i * SEG, take);
		put32(pay(b, list) + 4 * i, seg);
	}
	return db;
}

int
mkb_value(struct mkb *b, uint32_t key, const char *name, uint32_t type,
	  const void *data, size_t len)
{
	size_t nl = strlen(name);
	struct kent *k = find_key(b, key, NULL);
	uint32_t vk, doff = 0xFFFFFFFFu, dsize = (uint32_t)len;
	uint8_t *p;

	if (!k)
		return -1;
	if (len <= 4) {
		uint8_t tmp[4] = { 0, 0, 0, 0 };
		memcpy(tmp, data, len);
		doff = get32(tmp);
		dsize |= 0x80000000u;
	} else if (b->minor >= 4 && len > SEG) {
		if (!(doff = write_big(b, data, len)))
			return -1;
	} else {
		if (!(doff = alloc_cell(b, len)))
			return -1;
		memcpy(pay(b, doff), data, len);
	}
	if (!(vk = alloc_cell(b, 0x14 + nl)))
		return -1;
	k = find_key(b, key, NULL);
	p = pay(b, vk);
	memcpy(p, "vk", 2);
	put16(p + 2, (uint16_t)nl);
	put32(p + 4, dsize);
	put32(p + 8, doff);
	put32(p + 12, type);
	put16(p + 16, nl ? 1 : 0);
	memcpy(p + 0x14, name, nl);
	if (2 * nl > k->max_vname)
		k->max_vname = (uint32_t)(2 * nl);
	if (len > k->max_vdata)
		k->max_vdata = (uint32_t)len;
	return push32(&k->vals, &k->nvals, &k->capvals, vk);
}

size_t
mkb_size(const struct mkb *b)
{
	return b->bins;
}

static struct mkb *sort_ctx;

static int
cmp_kids(const void *x, const void *y)
{
	const char *a = sort_ctx->keys[*(const uint32_t *)x].name;
	const char *c = sort_ctx->keys[*(const uint32_t *)y].name;

	for (; *a && *c; a++, c++)
		if (toupper((unsigned char)*a) != toupper((unsigned char)*c))
			return toupper((unsigned char)*a) - toupper((unsigned char)*c);
	return (unsigned char)*a - (unsigned char)*c;
}

static uint32_t
name_hash(const char *s)
{
	uint32_t h = 0;

	for (; *s; s++)
		h = h * 37u + (uint32_t)toupper((unsigned char)*s);
	return h;
}

/* One lf/lh leaf with kids[from, to). */
static uint32_t
write_leaf(struct mkb *b, const uint32_t *kids, uint32_t from, uint32_t to)
{
	uint32_t off = alloc_cell(b, 4 + 8u * (to - from)), i;
	uint8_t *p;

	if (!off)
		return 0;
	p = pay(b, off);
	memcpy(p, b->minor >= 5 ? "lh" : "lf", 2);
	put16(p + 2, (uint16_t)(to - from));
	for (i = from; i < to; i++) {
		const struct kent *c = &b->keys[kids[i]];
		uint8_t hint[4] = { 0, 0, 0, 0 };
		put32(p + 4 + 8 * (i - from), c->nk);
		if (b->minor >= 5) {
			put32(p + 8 + 8 * (i - from), name_hash(c->name));
		} else {
			size_t hn = strlen(c->name) < 4 ? strlen(c->name) : 4;
			memcpy(hint, c->name, hn);
			memcpy(p + 8 + 8 * (i - from), hint, 4);
		}
	}
	return off;
}

static int
finish_key(struct mkb *b, struct kent *k)
{
	uint8_t *p;
	uint32_t i, nleaves, ri;

	if (k->nkids) {
		sort_ctx = b;
		qsort(k->kids, k->nkids, sizeof(*k->kids), cmp_kids);
		nleaves = (uint32_t)((k->nkids + b->leaf_max - 1) / b->leaf_max);
		if (nleaves == 1) {
			k->list = write_leaf(b, k->kids, 0, k->nkids);
		} else {
			if (!(ri = alloc_cell(b, 4 + 4u * nleaves)))
				return -1;
			memcpy(pay(b, ri), "ri", 2);
			put16(pay(b, ri) + 2, (uint16_t)nleaves);
			for (i = 0; i < nleaves; i++) {
				uint32_t to = (uint32_t)((i + 1) * b->leaf_max);
				uint32_t leaf = write_leaf(b, k->kids, (uint32_t)(i * b->leaf_max),
							   to < k->nkids ? to : k->nkids);
				if (!leaf)
					return -1;
				put32(pay(b, ri) + 4 + 4 * i, leaf);
			}
			k->list = ri;
		}
		if (!k->list)
			return -1;
	}
	if (k->nvals) {
		if (!(k->vlist = alloc_cell(b, 4u * k->nvals)))
			return -1;
		for (i = 0; i < k->nvals; i++)
			put32(pay(b, k->vlist) + 4 * i, k->vals[i]);
	}
	p = pay(b, k->nk);
	put32(p + 0x14, k->nkids);
	put32(p + 0x1C, k->nkids ? k->list : 0xFFFFFFFFu);
	put32(p + 0x24, k->nvals);
	put32(p + 0x28, k->nvals ? k->vlist : 0xFFFFFFFFu);
	put32(p + 0x2C, b->sk);
	put32(p + 0x34, k->max_name);
	put32(p + 0x3C, k->max_vname);
	put32(p + 0x40, k->max_vdata);
	return 0;
}

static const uint8_t sk_desc[] = {   /* O:SY G:SY D:(A;;KA;;;SY), self-relative */
	0x01, 0x00, 0x04, 0x80, 0x14, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x14, 0x00, 0x3f, 0x00, 0x0f, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
};

void
mkb_fix_checksum(struct mkb *b)
{
	uint32_t sum = 0, i;

	for (i = 0; i < 0x1FC; i += 4)
		sum ^= get32(b->buf + i);
	if (sum == 0xFFFFFFFFu)
		sum = 0xFFFFFFFEu;
	if (sum == 0)
		sum = 1;
	put32(b->buf + 0x1FC, sum);
}

int
mkb_finish(struct mkb *b, uint8_t **out, size_t *len)
{
	uint8_t *p;
	uint32_t i;

	if (!(b->sk = alloc_cell(b, 0x14 + sizeof(sk_desc))))
		return -1;
	p = pay(b, b->sk);
	memcpy(p, "sk", 2);
	put32(p + 4, b->sk);
	put32(p + 8, b->sk);
	put32(p + 12, b->nkeys);
	put32(p + 16, sizeof(sk_desc));
	memcpy(p + 0x14, sk_desc, sizeof(sk_desc));
	for (i = 0; i < b->nkeys; i++)
		if (finish_key(b, &b->keys[i]) < 0)
			return -1;
	if (b->hbin_end > b->bins)
		put32(b->buf + BASE + b->bins, b->hbin_end - b->bins);
	b->bins = b->hbin_end;
	p = b->buf;
	memset(p, 0, BASE);
	memcpy(p, "regf", 4);
	put32(p + 4, 1);
	put32(p + 8, 1);
	put32(p + 0x14, 1);
	put32(p + 0x18, b->minor);
	put32(p + 0x20, 1);
	put32(p + 0x24, b->keys[0].nk);
	put32(p + 0x28, b->bins);
	put32(p + 0x2C, 1);
	mkb_fix_checksum(b);
	*out = b->buf;
	*len = BASE + (size_t)b->bins;
	return 0;
}

uint8_t *
mkb_cell(struct mkb *b, uint32_t off)
{
	return pay(b, off);
}

uint32_t
mkb_subkey_list(struct mkb *b, uint32_t key)
{
	struct kent *k = find_key(b, key, NULL);

	return k ? k->list : 0;
}

uint32_t
mkb_value_list(struct mkb *b, uint32_t key)
{
	struct kent *k = find_key(b, key, NULL);

	return k ? k->vlist : 0;
}

void
mkb_free(struct mkb *b)
{
	uint32_t i;

	if (!b)
		return;
	for (i = 0; i < b->nkeys; i++) {
		free(b->keys[i].name);
		free(b->keys[i].kids);
		free(b->keys[i].vals);
	}
	free(b->keys);
	free(b->buf);
	free(b);
}
