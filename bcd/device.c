/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Device elements, disk form <-> memory form (doc/bcd-format-notes.md).
 *
 * An element is a 16-byte options GUID followed by one device descriptor:
 * {type, flags, size, reserved} and a payload that may nest further
 * descriptors (the volume a file lives on, the file a virtual disk lives in,
 * the parent of a locate).  bc_dev_decode() accepts only the layouts
 * bcdedit writes, exactly: every size must agree and every field that is
 * zero in those layouts must be zero, so bc_dev_encode() of the result
 * gives back the same bytes.  Anything else is left to the caller to keep
 * as raw bytes.
 */
#include "config.h"

#include <string.h>

#include "bcd-internal.h"

#define DESC_HDR       16u     /* type, flags, size, reserved */
#define PART_PAYLOAD   56u     /* doc/bcd-format-notes.md, "Partition payload" */
#define PART_IDENTITY  40u     /* its identity part; a nested descriptor follows it */
#define PATHREC_HDR    12u     /* file-path record: 1, length, 5 */
#define PATHREC_VER    1u
#define PATHREC_KIND   5u
#define BIO_EXTRA      20u     /* ramdisk base/size/offset, vdisk identity */
#define LOCATE_FIXED   12u     /* locate type, element, parent offset */

struct dec {
	struct bk_view v;
	size_t total;          /* whole element length: path records end there */
};

struct bcd_dev *
bc_dev_new(uint32_t type)
{
	struct bcd_dev *d = bk_calloc(1, sizeof(*d));

	if (d)
		d->type = type;
	return d;
}

void
bc_dev_free(struct bcd_dev *d)
{
	if (!d)
		return;
	bc_dev_free(d->host);
	bc_dev_free(d->child);
	bk_free(d->path);
	bk_free(d);
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int dec_desc(struct dec *c, size_t off, size_t end, int depth,
		    struct bcd_dev **out, size_t *size);

/*
 * A UTF-16 string that must fill [off, end) exactly, ending in a NUL.  The
 * region's size decides its length, so a NUL inside is kept as part of the
 * path (ntloader's templates hold such placeholder paths).
 */
static int
dec_path(struct dec *c, size_t off, size_t end, struct bcd_dev *d)
{
	size_t n, i;

	if (end < off + 2 || (end - off) % 2)
		return -BK_ECORRUPT;
	n = (end - off) / 2 - 1;
	if (!bk_view_has(&c->v, off, end - off) || bk_le16(c->v.p + end - 2) != 0)
		return -BK_ECORRUPT;
	d->path = bk_calloc(n ? n : 1, sizeof(uint16_t));
	if (!d->path)
		return -BK_ENOMEM;
	for (i = 0; i < n; i++)
		d->path[i] = bk_le16(c->v.p + off + 2 * i);
	d->path_len = n;
	return 0;
}

/* Path record at off, up to the end of the descriptor that holds it. */
static int
dec_pathrec(struct dec *c, size_t off, size_t end, int depth, struct bcd_dev *d)
{
	size_t hsize = 0;
	int rc;

	if (bk_get_le32(&c->v, off) != PATHREC_VER ||
	    bk_get_le32(&c->v, off + 8) != PATHREC_KIND ||
	    bk_get_le32(&c->v, off + 4) != c->total - off || c->v.oob)
		return -BK_ECORRUPT;
	rc = dec_desc(c, off + PATHREC_HDR, end, depth + 1, &d->host, &hsize);
	if (rc < 0)
		return rc;
	d->has_path = true;
	return dec_path(c, off + PATHREC_HDR + hsize, end, d);
}

/*
 * A partition payload is either 56 bytes (identity, then 16 zero bytes) or,
 * for a partition inside a virtual disk whose file is known, the 40 identity
 * bytes followed directly by the descriptor of that file
 * (doc/bcd-format-notes.md, "Resolved VHD partition").
 */
static int
dec_partition(struct dec *c, size_t off, size_t end, int depth, struct bcd_dev *d)
{
	const uint8_t *p = bk_view_ptr(&c->v, off + DESC_HDR, PART_IDENTITY);
	size_t at = off + DESC_HDR + PART_IDENTITY, csize = 0;
	int rc;

	if (!p)
		return -BK_ECORRUPT;
	memcpy(d->part_id, p, 16);
	d->disk_type = bk_le32(p + 16);
	d->part_style = bk_le32(p + 20);
	memcpy(d->disk_id, p + 24, 16);
	if (off + DESC_HDR + PART_PAYLOAD == end && all_zero(c->v.p + at, PART_PAYLOAD - PART_IDENTITY))
		return 0;
	rc = dec_desc(c, at, end, depth + 1, &d->child, &csize);
	if (rc < 0)
		return rc;
	return at + csize == end ? 0 : -BK_ECORRUPT;
}

static int
dec_locate(struct dec *c, size_t off, size_t end, int depth, struct bcd_dev *d)
{
	size_t poff, pend, csize = 0;
	int rc;

	d->loc_type = bk_get_le32(&c->v, off + DESC_HDR);
	d->loc_elem = bk_get_le32(&c->v, off + DESC_HDR + 4);
	poff = bk_get_le32(&c->v, off + DESC_HDR + 8);
	if (c->v.oob || (poff && (poff < DESC_HDR + LOCATE_FIXED + 2 || off + poff >= end)))
		return -BK_ECORRUPT;
	pend = poff ? off + poff : end;
	rc = dec_path(c, off + DESC_HDR + LOCATE_FIXED, pend, d);
	if (rc < 0 || !poff)
		return rc;
	rc = dec_desc(c, pend, end, depth + 1, &d->child, &csize);
	if (rc < 0)
		return rc;
	return pend + csize == end ? 0 : -BK_ECORRUPT;
}

static int
dec_blockio(struct dec *c, size_t off, size_t end, int depth, struct bcd_dev *d)
{
	size_t p = off + DESC_HDR + 4, csize = 0;
	const uint8_t *extra;
	int rc;

	d->bio_type = bk_get_le32(&c->v, off + DESC_HDR);
	if (c->v.oob)
		return -BK_ECORRUPT;
	switch (d->bio_type) {
	case BCD_BIO_FILE:
		return dec_pathrec(c, p, end, depth, d);
	case BCD_BIO_RAMDISK:
	case BCD_BIO_VDISK:
		extra = bk_view_ptr(&c->v, p, BIO_EXTRA);
		if (!extra)
			return -BK_ECORRUPT;
		memcpy(d->bio_extra, extra, BIO_EXTRA);
		p += BIO_EXTRA;
		if (d->bio_type == BCD_BIO_RAMDISK)
			return dec_pathrec(c, p, end, depth, d);
		rc = dec_desc(c, p, end, depth + 1, &d->child, &csize);
		if (rc < 0)
			return rc;
		return p + csize == end ? 0 : -BK_ECORRUPT;
	default:
		return -BK_EUNSUPPORTED;
	}
}

static int
dec_desc(struct dec *c, size_t off, size_t end, int depth, struct bcd_dev **out, size_t *size)
{
	struct bcd_dev *d;
	uint32_t type, flags, sz, resv;
	int rc;

	if (depth > BCD_MAX_DEVICE_DEPTH)
		return -BK_ECORRUPT;
	type = bk_get_le32(&c->v, off);
	flags = bk_get_le32(&c->v, off + 4);
	sz = bk_get_le32(&c->v, off + 8);
	resv = bk_get_le32(&c->v, off + 12);
	if (c->v.oob || resv != 0 || sz < DESC_HDR || sz > end - off)
		return -BK_ECORRUPT;
	d = bc_dev_new(type);
	if (!d)
		return -BK_ENOMEM;
	d->flags = flags;
	switch (type) {
	case BCD_DT_BOOT:
		rc = sz == DESC_HDR + PART_PAYLOAD &&
		     all_zero(c->v.p + off + DESC_HDR, PART_PAYLOAD) ? 0 : -BK_ECORRUPT;
		break;
	case BCD_DT_PARTITION:
		rc = sz >= DESC_HDR + PART_PAYLOAD ? dec_partition(c, off, off + sz, depth, d)
						   : -BK_ECORRUPT;
		break;
	case BCD_DT_LOCATE:
		rc = dec_locate(c, off, off + sz, depth, d);
		break;
	case BCD_DT_BLOCKIO:
		rc = dec_blockio(c, off, off + sz, depth, d);
		break;
	default:
		rc = -BK_EUNSUPPORTED;
		break;
	}
	if (rc < 0) {
		bc_dev_free(d);
		return rc;
	}
	*out = d;
	*size = sz;
	return 0;
}

int
bc_dev_decode(const uint8_t *p, size_t len, struct bcd_devtree *out)
{
	struct dec c;
	size_t size = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 16 + DESC_HDR || len > BCD_MAX_DEVICE_SIZE)
		return -BK_ECORRUPT;
	c.v = bk_view_make(p, len);
	c.total = len;
	memcpy(out->options, p, 16);
	rc = dec_desc(&c, 16, len, 0, &out->root, &size);
	if (rc < 0)
		return rc;
	if (16 + size != len) {
		bc_dev_free(out->root);
		out->root = NULL;
		return -BK_ECORRUPT;
	}
	return 0;
}

/* ---- encoder ------------------------------------------------------------------ */

#define MAX_PATCHES 16

struct enc {
	struct bk_buf b;
	size_t patch[MAX_PATCHES];   /* path-record length fields, filled at the end */
	size_t npatch;
};

static void
enc_le32(struct enc *e, uint32_t x)
{
	size_t at = bk_buf_add_zero(&e->b, 4);

	if (!e->b.oom)
		bk_put_le32(e->b.p + at, x);
}

static void
enc_bytes(struct enc *e, const uint8_t *b, size_t n)
{
	size_t at = bk_buf_add_zero(&e->b, n);

	if (!e->b.oom)
		memcpy(e->b.p + at, b, n);
}

static void
enc_path(struct enc *e, const struct bcd_dev *d)
{
	size_t at = bk_buf_add_zero(&e->b, 2 * d->path_len + 2), i;

	if (e->b.oom)
		return;
	for (i = 0; i < d->path_len; i++)
		bk_put_le16(e->b.p + at + 2 * i, d->path[i]);
}

static int enc_desc(struct enc *e, const struct bcd_dev *d, int depth);

static int
enc_pathrec(struct enc *e, const struct bcd_dev *d, int depth)
{
	int rc;

	enc_le32(e, PATHREC_VER);
	if (e->npatch >= MAX_PATCHES)
		return -BK_EINVAL;
	e->patch[e->npatch++] = e->b.len;
	enc_le32(e, 0);
	enc_le32(e, PATHREC_KIND);
	if (!d->host)
		return -BK_EINVAL;
	rc = enc_desc(e, d->host, depth + 1);
	if (rc < 0)
		return rc;
	enc_path(e, d);
	return 0;
}

static int
enc_payload(struct enc *e, const struct bcd_dev *d, size_t start, int depth)
{
	size_t at;

	switch (d->type) {
	case BCD_DT_BOOT:
		bk_buf_add_zero(&e->b, PART_PAYLOAD);
		return 0;
	case BCD_DT_PARTITION:
		/* With a nested file descriptor only the identity part is written. */
		at = bk_buf_add_zero(&e->b, d->child ? PART_IDENTITY : PART_PAYLOAD);
		if (!e->b.oom) {
			memcpy(e->b.p + at, d->part_id, 16);
			bk_put_le32(e->b.p + at + 16, d->disk_type);
			bk_put_le32(e->b.p + at + 20, d->part_style);
			memcpy(e->b.p + at + 24, d->disk_id, 16);
		}
		return d->child ? enc_desc(e, d->child, depth + 1) : 0;
	case BCD_DT_LOCATE:
		enc_le32(e, d->loc_type);
		enc_le32(e, d->loc_elem);
		at = e->b.len;
		enc_le32(e, 0);
		enc_path(e, d);
		if (!d->child)
			return 0;
		if (!e->b.oom)
			bk_put_le32(e->b.p + at, (uint32_t)(e->b.len - start));
		return enc_desc(e, d->child, depth + 1);
	case BCD_DT_BLOCKIO:
		enc_le32(e, d->bio_type);
		if (d->bio_type == BCD_BIO_FILE)
			return enc_pathrec(e, d, depth);
		enc_bytes(e, d->bio_extra, BIO_EXTRA);
		if (d->bio_type == BCD_BIO_RAMDISK)
			return enc_pathrec(e, d, depth);
		if (d->bio_type == BCD_BIO_VDISK && d->child)
			return enc_desc(e, d->child, depth + 1);
		return -BK_EINVAL;
	default:
		return -BK_EINVAL;
	}
}

static int
enc_desc(struct enc *e, const struct bcd_dev *d, int depth)
{
	size_t start = e->b.len;
	int rc;

	if (depth > BCD_MAX_DEVICE_DEPTH)
		return -BK_EINVAL;
	enc_le32(e, d->type);
	enc_le32(e, d->flags);
	enc_le32(e, 0);
	enc_le32(e, 0);
	rc = enc_payload(e, d, start, depth);
	if (rc < 0)
		return rc;
	if (!e->b.oom)
		bk_put_le32(e->b.p + start + 8, (uint32_t)(e->b.len - start));
	return 0;
}

int
bc_dev_encode(const struct bcd_devtree *t, uint8_t **out, size_t *len)
{
	struct enc e;
	size_t i;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!t->root)
		return -BK_EINVAL;
	enc_bytes(&e, t->options, 16);
	rc = enc_desc(&e, t->root, 0);
	if (rc == 0 && e.b.oom)
		rc = -BK_ENOMEM;
	if (rc < 0) {
		bk_buf_release(&e.b);
		return rc;
	}
	/* Path-record lengths run to the end of the whole element. */
	for (i = 0; i < e.npatch; i++)
		bk_put_le32(e.b.p + e.patch[i], (uint32_t)(e.b.len - (e.patch[i] - 4)));
	*out = e.b.p;
	*len = e.b.len;
	return 0;
}

int
bcd_device_roundtrips(const uint8_t *data, size_t len)
{
	struct bcd_devtree t;
	uint8_t *p = NULL;
	size_t n = 0;
	int ok;

	if (bc_dev_decode(data, len, &t) < 0)
		return 0;
	ok = bc_dev_encode(&t, &p, &n) == 0 && n == len && memcmp(p, data, len) == 0;
	bc_dev_free(t.root);
	bk_free(p);
	return ok;
}
