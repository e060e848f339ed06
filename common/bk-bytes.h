/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The only way bcdkit code reads or writes on-disk integers: byte-wise
 * little/big-endian accessors on a (buffer, length) view.  An access outside
 * the view returns 0 and sets the view's sticky "oob" flag instead of
 * touching memory, so a parser can decode a whole record and check once.
 */
#ifndef BK_BYTES_H
#define BK_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bk_view {
	const uint8_t *p;
	size_t len;
	bool oob;       /* set by any access past len */
};

static inline struct bk_view
bk_view_make(const void *p, size_t len)
{
	struct bk_view v = { (const uint8_t *)p, len, false };
	return v;
}

/* True when [off, off+n) lies inside the view (overflow-safe). */
static inline bool
bk_view_has(const struct bk_view *v, size_t off, size_t n)
{
	return off <= v->len && n <= v->len - off;
}

/* Sub-view; an out-of-range request gives an empty view with oob set. */
static inline struct bk_view
bk_view_sub(struct bk_view *v, size_t off, size_t n)
{
	if (!bk_view_has(v, off, n)) {
		v->oob = true;
		return bk_view_make(NULL, 0);
	}
	return bk_view_make(v->p + off, n);
}

static inline const uint8_t *
bk_view_ptr(struct bk_view *v, size_t off, size_t n)
{
	if (!bk_view_has(v, off, n)) {
		v->oob = true;
		return NULL;
	}
	return v->p + off;
}

/* Raw decoders: the caller has already checked the range. */
static inline uint16_t bk_le16(const uint8_t *p) { return (uint16_t)(p[0] | (unsigned)p[1] << 8); }
static inline uint32_t bk_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t bk_le64(const uint8_t *p) { return bk_le32(p) | (uint64_t)bk_le32(p + 4) << 32; }
static inline uint16_t bk_be16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }
static inline uint32_t bk_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline uint64_t bk_be64(const uint8_t *p) { return (uint64_t)bk_be32(p) << 32 | bk_be32(p + 4); }

static inline void bk_put_le16(uint8_t *p, uint16_t x) { p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); }
static inline void bk_put_le32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); p[2] = (uint8_t)(x >> 16); p[3] = (uint8_t)(x >> 24);
}
static inline void bk_put_le64(uint8_t *p, uint64_t x) { bk_put_le32(p, (uint32_t)x); bk_put_le32(p + 4, (uint32_t)(x >> 32)); }
static inline void bk_put_be16(uint8_t *p, uint16_t x) { p[0] = (uint8_t)(x >> 8); p[1] = (uint8_t)x; }
static inline void bk_put_be32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24); p[1] = (uint8_t)(x >> 16); p[2] = (uint8_t)(x >> 8); p[3] = (uint8_t)x;
}
static inline void bk_put_be64(uint8_t *p, uint64_t x) { bk_put_be32(p, (uint32_t)(x >> 32)); bk_put_be32(p + 4, (uint32_t)x); }

/* Checked reads through a view. */
#define BK_VIEW_GETTER(name, type, width, dec)                          \
	static inline type                                              \
	name(struct bk_view *v, size_t off)                             \
	{                                                               \
		if (!bk_view_has(v, off, width)) {                      \
			v->oob = true;                                  \
			return 0;                                       \
		}                                                       \
		return dec(v->p + off);                                 \
	}
static inline uint8_t bk_u8_raw(const uint8_t *p) { return p[0]; }
BK_VIEW_GETTER(bk_get_u8, uint8_t, 1, bk_u8_raw)
BK_VIEW_GETTER(bk_get_le16, uint16_t, 2, bk_le16)
BK_VIEW_GETTER(bk_get_le32, uint32_t, 4, bk_le32)
BK_VIEW_GETTER(bk_get_le64, uint64_t, 8, bk_le64)
BK_VIEW_GETTER(bk_get_be16, uint16_t, 2, bk_be16)
BK_VIEW_GETTER(bk_get_be32, uint32_t, 4, bk_be32)
BK_VIEW_GETTER(bk_get_be64, uint64_t, 8, bk_be64)
#undef BK_VIEW_GETTER

/* Value of a hexadecimal digit (either case), or -1.  Takes any code unit. */
static inline int
bk_hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* A writable (buffer, length) view for encoders. */
struct bk_wview {
	uint8_t *p;
	size_t len;
	bool oob;
};

#define BK_WVIEW_PUTTER(name, type, width, enc)                         \
	static inline void                                              \
	name(struct bk_wview *v, size_t off, type x)                    \
	{                                                               \
		if (off > v->len || width > v->len - off) {             \
			v->oob = true;                                  \
			return;                                         \
		}                                                       \
		enc(v->p + off, x);                                     \
	}
static inline void bk_put_u8_raw(uint8_t *p, uint8_t x) { p[0] = x; }
BK_WVIEW_PUTTER(bk_set_u8, uint8_t, 1, bk_put_u8_raw)
BK_WVIEW_PUTTER(bk_set_le16, uint16_t, 2, bk_put_le16)
BK_WVIEW_PUTTER(bk_set_le32, uint32_t, 4, bk_put_le32)
BK_WVIEW_PUTTER(bk_set_le64, uint64_t, 8, bk_put_le64)
BK_WVIEW_PUTTER(bk_set_be16, uint16_t, 2, bk_put_be16)
BK_WVIEW_PUTTER(bk_set_be32, uint32_t, 4, bk_put_be32)
BK_WVIEW_PUTTER(bk_set_be64, uint64_t, 8, bk_put_be64)
#undef BK_WVIEW_PUTTER

#endif
