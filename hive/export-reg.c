/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Export a key tree as a .reg file, laid out the way Windows regedit (and
 * Wine's regproc.c, which mirrors it) writes one: header, blank line, then
 * for each key "[path]", its values in stored order and a blank line.
 *
 * Speed matters (a SYSTEM hive has ~100k values): names and data are read in
 * place from the hive buffer, nothing is allocated per value, and the text is
 * encoded straight into a 1 MiB output buffer as UTF-16LE (REGEDIT5) or
 * UTF-8 (REGEDIT4) that is handed to the caller's sink when full.  A
 * REGEDIT4 file is in an ANSI code page (Windows-1252 unless the handle says
 * otherwise, codepage.c): the few names and strings that are not ASCII are
 * converted from that UTF-8 through iconv as they are written.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

/* Wine regproc.c: a hex line is broken once it reaches 77 characters. */
#define REG_HEX_LINE_MAX 77u

struct reg_writer {
	struct hive *h;
	bool wide;                 /* UTF-16LE output (REGEDIT5) */
	hive_write_fn write;
	void *data;
	struct bk_buf out;        /* pending output */
	struct bk_buf path;       /* encoded path of the current key */
	size_t depth_len[HIVE_MAX_DEPTH + 2]; /* path length at each depth */
	struct bk_buf conv;       /* scratch: REGEDIT4 data conversion */
	unsigned long lossy;       /* REGEDIT4 values that could not be converted */
	bool bare_root;            /* the top key's path is "\\" alone */
	void *cd;                  /* REGEDIT4: UTF-8 to the code page; NULL: UTF-8 output */
	struct bk_buf cpbuf;      /* scratch: text converted to the code page */
	hive_key_t cur_key;        /* what is being written, for an error message: */
	hive_value_t cur_value;    /* the key, the value (0: a key name) */
	bool in_prefix;            /* ... or the prefix */
	uint8_t hexc[256][8];      /* "xx," for each byte, in the output encoding */
	uint8_t brk[10];           /* "\\" CR LF and two spaces, likewise */
};

/* One name or string read in place: Latin-1 bytes or UTF-16LE units. */
struct units {
	const uint8_t *p;
	size_t n;                  /* code units */
	bool latin1;
};

static inline uint16_t
unit_at(const struct units *u, size_t i)
{
	return u->latin1 ? u->p[i] : bk_le16(u->p + 2 * i);
}

static int
flush(struct reg_writer *w)
{
	int rc;

	if (w->out.len == 0)
		return 0;
	rc = w->write(w->data, w->out.p, w->out.len);
	w->out.len = 0;
	if (rc < 0)
		return hv_error(w->h, -rc, "export: cannot write the output: %s", bk_strerror(rc));
	return 0;
}

static int
room_slow(struct reg_writer *w, struct bk_buf *b, size_t n)
{
	int rc;

	if (b == &w->out && b->len && (rc = flush(w)) < 0)
		return rc;
	if (bk_buf_grow(b, n) < 0)
		return hv_error(w->h, BK_ENOMEM, "out of memory");
	return 0;
}

/* Make room for n more bytes in b (the output buffer is flushed, not grown). */
static inline int
room(struct reg_writer *w, struct bk_buf *b, size_t n)
{
	return b->cap - b->len >= n ? 0 : room_slow(w, b, n);
}

/* Append one code unit (a BMP character or half of a pair) without checks. */
static inline void
put_unit(struct reg_writer *w, struct bk_buf *b, uint32_t c)
{
	uint8_t *o = b->p + b->len;

	if (w->wide && c >= 0x10000) {
		bk_put_le16(o, (uint16_t)(0xD800 + ((c - 0x10000) >> 10)));
		bk_put_le16(o + 2, (uint16_t)(0xDC00 + (c & 0x3FF)));
		b->len += 4;
	} else if (w->wide) {
		o[0] = (uint8_t)c;
		o[1] = (uint8_t)(c >> 8);
		b->len += 2;
	} else {
		b->len += bk_utf8_put(o, c);
	}
}

static inline int
put_ascii(struct reg_writer *w, struct bk_buf *b, const char *s, size_t n)
{
	size_t i;
	int rc = room(w, b, 2 * n);

	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++)
		put_unit(w, b, (unsigned char)s[i]);
	return 0;
}

static bool
is_high(uint16_t c)
{
	return c >= 0xD800 && c <= 0xDBFF;
}

static bool
is_low(uint16_t c)
{
	return c >= 0xDC00 && c <= 0xDFFF;
}

/* What put_name() writes: names inside a key path, quoted value names,
 * quoted REG_SZ data (where "{U+" is literal text). */
enum { TEXT_KEY_NAME, TEXT_VALUE_NAME, TEXT_STRING };

/* A unit put_name() must escape as {U+hhhh}. */
static bool
needs_escape(const struct units *u, size_t i, uint16_t c, int mode)
{
	bool quoted = mode != TEXT_KEY_NAME;

	if (c == '{')
		return mode != TEXT_STRING && i + 2 < u->n && unit_at(u, i + 1) == 'U' && unit_at(u, i + 2) == '+';
	return c == 0 || c == '\r' || c == '\n' || is_high(c) || is_low(c) ||
	       (c == '\\' && !quoted);
}

/* Printable ASCII that never needs a backslash or an escape, as a table
 * (this test runs for every character of every name and string). */
static const uint8_t plain_ascii[128] = {
	[' '] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1,
	['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1,
	['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1,
	['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
	['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['|'] = 1, ['}'] = 1,
	['~'] = 1,
};

static inline bool
is_plain(uint16_t c)
{
	return c < 128 && plain_ascii[c];
}

/*
 * Copy the run of plain characters starting at *i as fast as possible (the
 * room is already there): one loop per combination of stored form (Latin-1
 * or UTF-16LE) and output encoding.  Returns the number copied; *i is left
 * on the first unit that needs more care.
 */
static size_t
plain_run(struct bk_buf *b, const struct units *u, bool wide, size_t *i)
{
	const uint8_t *p = u->p;
	uint8_t *o = b->p + b->len;
	size_t k = *i, n = u->n, done;

	if (u->latin1 && !wide) {
		while (k < n && is_plain(p[k]))
			*o++ = p[k++];
	} else if (u->latin1) {
		for (; k < n && is_plain(p[k]); k++, o += 2) {
			o[0] = p[k];
			o[1] = 0;
		}
	} else if (wide) {
		for (; k < n && p[2 * k + 1] == 0 && is_plain(p[2 * k]); k++, o += 2) {
			o[0] = p[2 * k];
			o[1] = 0;
		}
	} else {
		for (; k < n && p[2 * k + 1] == 0 && is_plain(p[2 * k]); k++)
			*o++ = p[2 * k];
	}
	b->len = (size_t)(o - b->p);
	done = k - *i;
	*i = k;
	return done;
}

/*
 * A character the code page has no place for: an error naming the key and
 * value (or prefix) it is in.  Writing '?' instead, as regedit does, would
 * give a file that imports as different names and data.
 */
static int
cp_error(struct reg_writer *w, const uint8_t *at, size_t n)
{
	struct hive *h = w->h;
	char *kp = NULL, *vn = NULL;
	uint32_t c = 0;
	int rc;

	if (!bk_utf8_decode(at, n, &c, true))
		c = *at;
	if (w->in_prefix)
		return bk_err(&h->err, BK_EINVAL, "%s: REGEDIT4 export: the prefix: U+%04X has no "
			      "character in code page %s", h->path, (unsigned)c, hv_reg_codepage(h));
	if (hive_key_path(h, w->cur_key, &kp) < 0 ||
	    (w->cur_value && hive_value_name(h, w->cur_value, &vn) < 0)) {
		free(kp);
		return bk_err(&h->err, BK_EINVAL, "%s: REGEDIT4 export: U+%04X has no character in "
			      "code page %s", h->path, (unsigned)c, hv_reg_codepage(h));
	}
	rc = bk_err(&h->err, BK_EINVAL, "%s: REGEDIT4 export: key \"\\%s\"%s%s%s: U+%04X has no "
		    "character in code page %s", h->path, kp, vn ? ", value \"" : "",
		    vn ? (vn[0] ? vn : "@") : "", vn ? "\"" : "", (unsigned)c, hv_reg_codepage(h));
	free(kp);
	free(vn);
	return rc;
}

/* The UTF-8 text b holds from start on, in the code page (REGEDIT4). */
static int
to_cp(struct reg_writer *w, struct bk_buf *b, size_t start)
{
	size_t i, used;
	int rc;

	if (!w->cd)
		return 0;
	for (i = start; i < b->len && b->p[i] < 0x80; i++)
		;
	if (i == b->len)
		return 0;     /* ASCII is the same in every code page iconv offers here */
	rc = hv_cp_convert(w->cd, b->p + start, b->len - start, true, &w->cpbuf, &used);
	if (rc == -BK_ENOMEM)
		return bk_err(&w->h->err, BK_ENOMEM, "%s: out of memory", w->h->path);
	if (rc < 0)
		return cp_error(w, b->p + start + used, b->len - start - used);
	/* Out of the buffer first: making room may flush what is before start. */
	b->len = start;
	if ((rc = room(w, b, w->cpbuf.len)) < 0)
		return rc;
	memcpy(b->p + b->len, w->cpbuf.p, w->cpbuf.len);
	b->len += w->cpbuf.len;
	return 0;
}

/*
 * Append a name, escaped for a .reg line: in a key path (TEXT_KEY_NAME) "\\"
 * is a separator, so a backslash inside a name becomes {U+005C}; in a
 * quoted value name "\\" and '"' get a backslash.  Units no line can carry
 * (NUL, CR, LF, unpaired surrogates) and a literal "{U+" become {U+hhhh}.
 * Other control characters are written as they are.  Returns the number of
 * characters written (for line wrapping) or < 0.
 */
static long
put_name(struct reg_writer *w, struct bk_buf *b, const struct units *u, int mode)
{
	static const char hex[] = "0123456789ABCDEF";
	long cols = 0;
	size_t i, start;
	int rc;

	/* At worst every unit becomes an 8-character escape. */
	if ((rc = room(w, b, 16 * u->n)) < 0)
		return rc;
	start = b->len;
	for (i = 0; i < u->n; i++) {
		uint16_t c;

		cols += (long)plain_run(b, u, w->wide, &i);
		if (i == u->n)
			break;
		c = unit_at(u, i);
		if (is_plain(c)) {
			put_unit(w, b, c);
			cols++;
		} else if (is_high(c) && i + 1 < u->n && is_low(unit_at(u, i + 1))) {
			uint16_t lo = unit_at(u, ++i);
			put_unit(w, b, 0x10000 + ((uint32_t)(c - 0xD800) << 10) + (lo - 0xDC00));
			cols += 2;
		} else if (needs_escape(u, i, c, mode)) {
			char e[8] = { '{', 'U', '+', hex[c >> 12], hex[(c >> 8) & 15],
				      hex[(c >> 4) & 15], hex[c & 15], '}' };
			size_t k;
			for (k = 0; k < 8; k++)
				put_unit(w, b, (unsigned char)e[k]);
			cols += 8;
		} else {
			if (mode != TEXT_KEY_NAME && (c == '\\' || c == '"')) {
				put_unit(w, b, '\\');
				cols++;
			}
			put_unit(w, b, c);
			cols++;
		}
	}
	if ((rc = to_cp(w, b, start)) < 0)
		return rc;
	return cols;
}

/* A REG_SZ that "..." reproduces byte for byte: even length, exactly one NUL
 * at the end, no CR or LF (a line break) and no unpaired surrogate. */
static bool
sz_is_exact(const uint8_t *d, size_t len)
{
	size_t i, n = len / 2;

	if (len < 2 || len % 2 || bk_le16(d + len - 2) != 0)
		return false;
	for (i = 0; i + 1 < n; i++) {
		uint16_t c = bk_le16(d + 2 * i);
		if (c == 0 || c == '\r' || c == '\n')
			return false;
		if (is_high(c)) {
			if (i + 2 >= n || !is_low(bk_le16(d + 2 * i + 2)))
				return false;
			i++;
		} else if (is_low(c)) {
			return false;
		}
	}
	return true;
}

static int
put_string(struct reg_writer *w, const uint8_t *d, size_t len)
{
	struct units u = { d, len / 2 - 1, false };
	long rc;

	if ((rc = put_ascii(w, &w->out, "\"", 1)) < 0 ||
	    (rc = put_name(w, &w->out, &u, TEXT_STRING)) < 0)
		return (int)rc;
	return put_ascii(w, &w->out, "\"", 1);
}

/*
 * REGEDIT4 stores hex(2) and hex(7) data as 8-bit text in its code page
 * (UTF-8 first, then through iconv unless that is UTF-8).  Data that is not
 * clean UTF-16 (odd length, unpaired surrogates) cannot be converted: it is
 * written as it is and counted as lossy.
 */
static int
to_utf8(struct reg_writer *w, const uint8_t **d, size_t *len)
{
	size_t i, n = *len / 2;
	bool save = w->wide;
	int rc;

	if (*len % 2)
		goto lossy;
	for (i = 0; i < n; i++) {
		uint16_t c = bk_le16(*d + 2 * i);
		if (is_low(c) || (is_high(c) && (i + 1 >= n || !is_low(bk_le16(*d + 2 * i + 2)))))
			goto lossy;
		if (is_high(c))
			i++;
	}
	w->conv.len = 0;
	if ((rc = room(w, &w->conv, 4 * n + 1)) < 0)
		return rc;
	w->wide = false;
	for (i = 0; i < n; i++) {
		uint32_t c = bk_le16(*d + 2 * i);
		if (is_high((uint16_t)c)) {
			c = 0x10000 + ((c - 0xD800) << 10) + (bk_le16(*d + 2 * i + 2) - 0xDC00u);
			i++;
		}
		put_unit(w, &w->conv, c);
	}
	w->wide = save;
	if ((rc = to_cp(w, &w->conv, 0)) < 0)
		return rc;
	*d = w->conv.p;
	*len = w->conv.len;
	return 0;
lossy:
	w->lossy++;
	return 0;
}

/* Fill the per-byte "xx," table and the line break in the output encoding. */
static void
hex_tables(struct reg_writer *w)
{
	static const char hex[] = "0123456789abcdef", brk[] = "\\\r\n  ";
	size_t us = w->wide ? 2 : 1, i, k;

	for (i = 0; i < 256; i++) {
		const char t[3] = { hex[i >> 4], hex[i & 15], ',' };
		for (k = 0; k < 3; k++)
			w->hexc[i][k * us] = (uint8_t)t[k];
	}
	for (k = 0; k < 5; k++)
		w->brk[k * us] = (uint8_t)brk[k];
}

/* "hex:" for REG_BINARY, else "hex(N):" with N in lower-case hex; returns its length. */
static size_t
type_prefix(char *pre, uint32_t type)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 4;
	int sh;

	memcpy(pre, "hex(", 4);
	if (type == HIVE_REG_BINARY) {
		memcpy(pre, "hex:", 4);
		return 4;
	}
	for (sh = 28; sh > 0 && !(type >> sh); sh -= 4)
		;
	for (; sh >= 0; sh -= 4)
		pre[n++] = hex[(type >> sh) & 15];
	memcpy(pre + n, "):", 2);
	return n + 2;
}

/* Bytes of data encoded per round, so that the room asked for stays small. */
#define REG_HEX_CHUNK 8192u

/* hex:aa,bb,... or hex(N):..., broken after a comma once a line reaches
 * 77 characters, continued on a line indented by two spaces. */
static int
put_hex(struct reg_writer *w, uint32_t type, const uint8_t *d, size_t len, size_t cols)
{
	const size_t us = w->wide ? 2 : 1;
	char pre[24];
	size_t i = 0, n, end;
	uint8_t *o;
	int rc;

	n = type_prefix(pre, type);
	if ((rc = put_ascii(w, &w->out, pre, n)) < 0)
		return rc;
	cols += n;
	while (i < len) {
		end = len - i < REG_HEX_CHUNK ? len : i + REG_HEX_CHUNK;
		/* 3 characters a byte, and a 5-character break at most every 25 bytes
		 * (the first one possibly at once), written 8 bytes at a time. */
		if ((rc = room(w, &w->out, 2 * (4 * (end - i) + 16))) < 0)
			return rc;
		o = w->out.p + w->out.len;
		while (i < end) {
			/* Bytes that fit before the line reaches 77 columns. */
			size_t fit = cols >= REG_HEX_LINE_MAX ? 1 : (REG_HEX_LINE_MAX - cols + 2) / 3;
			size_t stop = end - i < fit ? end : i + fit;
			cols += 3 * (stop - i);
			for (; i < stop; i++, o += 3 * us)
				memcpy(o, w->hexc[d[i]], 8);
			if (i < len && cols >= REG_HEX_LINE_MAX) {
				memcpy(o, w->brk, 10);
				o += 5 * us;
				cols = 2;
			}
		}
		w->out.len = (size_t)(o - w->out.p);
	}
	if (len)
		w->out.len -= us;     /* no comma after the last byte */
	return 0;
}

static int
put_data(struct reg_writer *w, uint32_t type, const uint8_t *d, size_t len, size_t cols)
{
	char buf[24];
	int rc;

	if (type == HIVE_REG_DWORD && len == 4) {
		static const char hex[] = "0123456789abcdef";
		uint32_t v = bk_le32(d);
		int k;
		memcpy(buf, "dword:", 6);
		for (k = 0; k < 8; k++)
			buf[6 + k] = hex[(v >> (28 - 4 * k)) & 15];
		return put_ascii(w, &w->out, buf, 14);
	}
	if (type == HIVE_REG_SZ && sz_is_exact(d, len))
		return put_string(w, d, len);
	if (!w->wide && (type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_MULTI_SZ) &&
	    (rc = to_utf8(w, &d, &len)) < 0)
		return rc;
	return put_hex(w, type, d, len, cols);
}

int
hv_vk_bytes(struct hive *h, const struct vk_rec *vk, uint8_t tmp[4], const uint8_t **d,
	    uint8_t **alloc)
{
	struct bk_view v;
	size_t len;
	int rc;

	*alloc = NULL;
	if (vk->inline_data) {
		bk_put_le32(tmp, vk->data_off);
		*d = tmp;
		return 0;
	}
	if (vk->data_len == 0) {
		*d = tmp;
		return 0;
	}
	if (vk->data_len < HIVE_BIG_DATA_MIN || h->base.minor < 4) {
		rc = hv_cell(h, vk->data_off, vk->data_len, &v);
		if (rc == 0) {
			*d = v.p;
			return 0;
		}
	}
	rc = hv_vk_data(h, vk, alloc, &len);
	*d = *alloc;
	return rc;
}

int
hv_export_skip(struct hive *h, int rc)
{
	if (rc >= 0 || rc == -BK_ENOMEM || !(h->flags & HIVE_OPEN_SALVAGE))
		return rc;
	hv_msg(h, "export: skipped: %s", h->err.msg);
	return 0;
}

int
hv_export_value_list(struct hive *h, const struct nk_rec *nk, struct bk_view *vl)
{
	int rc;

	*vl = bk_view_make(NULL, 0);
	if (nk->value_count == 0)
		return 0;
	if (nk->value_count > HIVE_MAX_VALUES)
		rc = hv_error(h, BK_ETOOBIG, "key at offset 0x%x: too many values (%u)", nk->off,
			      nk->value_count);
	else
		rc = hv_cell(h, nk->value_list, (size_t)nk->value_count * 4, vl);
	if (rc == 0)
		vl->len = (size_t)nk->value_count * 4;
	return hv_export_skip(h, rc);
}

static int
export_value(struct reg_writer *w, uint32_t off)
{
	struct hive *h = w->h;
	struct vk_rec vk;
	struct units name;
	const uint8_t *d;
	uint8_t tmp[4], *alloc;
	long cols;
	int rc;

	if ((rc = hv_vk_read(h, off, &vk)) < 0)
		return hv_export_skip(h, rc);
	w->cur_value = off;
	name.p = vk.name;
	name.latin1 = vk.flags & VK_COMP_NAME;
	name.n = name.latin1 ? vk.name_len : vk.name_len / 2u;
	if ((rc = hv_vk_bytes(h, &vk, tmp, &d, &alloc)) < 0)
		return hv_export_skip(h, rc);
	if (name.n == 0) {
		rc = put_ascii(w, &w->out, "@=", 2);
		cols = 2;
	} else if ((rc = put_ascii(w, &w->out, "\"", 1)) == 0 &&
		   (cols = put_name(w, &w->out, &name, TEXT_VALUE_NAME)) >= 0) {
		rc = put_ascii(w, &w->out, "\"=", 2);
		cols += 3;
	} else {
		rc = rc ? rc : (int)cols;
	}
	if (rc == 0)
		rc = put_data(w, vk.type, d, vk.data_len, (size_t)cols);
	if (rc == 0)
		rc = put_ascii(w, &w->out, "\r\n", 2);
	bk_free(alloc);
	return rc;
}

static int
export_key_cb(struct hive *h, hive_key_t key, int depth, void *data)
{
	struct reg_writer *w = data;
	struct nk_rec nk;
	struct bk_view vl;
	struct units name;
	uint32_t i;
	long rc;

	if ((rc = hv_nk_read(h, key, &nk)) < 0)
		return (int)rc;
	w->cur_key = key;
	w->cur_value = 0;
	/* The path of a key is its parent's path, "\\" and its own name. */
	w->path.len = w->depth_len[depth];
	if (depth > 0) {
		name.p = nk.name;
		name.latin1 = nk.flags & NK_COMP_NAME;
		name.n = name.latin1 ? nk.name_len : nk.name_len / 2u;
		if ((rc = put_ascii(w, &w->path, "\\", 1)) < 0 ||
		    (rc = put_name(w, &w->path, &name, TEXT_KEY_NAME)) < 0)
			return (int)rc;
	}
	/* Under a root written as a lone backslash, a child's path has one. */
	w->depth_len[depth + 1] = depth == 0 && w->bare_root ? 0 : w->path.len;
	if ((rc = put_ascii(w, &w->out, "[", 1)) < 0 || (rc = room(w, &w->out, w->path.len)) < 0)
		return (int)rc;
	memcpy(w->out.p + w->out.len, w->path.p, w->path.len);
	w->out.len += w->path.len;
	if ((rc = put_ascii(w, &w->out, "]\r\n", 3)) < 0)
		return (int)rc;
	if ((rc = hv_export_value_list(h, &nk, &vl)) < 0)
		return (int)rc;
	for (i = 0; i < vl.len / 4; i++)
		if ((rc = export_value(w, bk_le32(vl.p + 4 * i))) < 0)
			return (int)rc;
	return put_ascii(w, &w->out, "\r\n", 2);
}

int
hive_export_default_prefix(hive_t *h, char **out)
{
	struct hive_header hd;
	const char *base, *dot;
	size_t n, i;
	char *s;

	hive_get_header(h, &hd);
	base = strrchr(hd.file_name, '\\');
	base = base ? base + 1 : hd.file_name;
	dot = strchr(base, '.');
	n = dot ? (size_t)(dot - base) : strlen(base);
	if (n == 0) {
		base = "HIVE";
		n = 4;
	}
	s = bk_malloc(sizeof("HKEY_LOCAL_MACHINE\\") + n);
	if (!s)
		return hv_error(h, BK_ENOMEM, "out of memory");
	memcpy(s, "HKEY_LOCAL_MACHINE\\", 19);
	/* ASCII only: toupper() would depend on the program's locale. */
	for (i = 0; i < n; i++)
		s[19 + i] = base[i] >= 'a' && base[i] <= 'z' ? (char)(base[i] - 32) : base[i];
	s[19 + n] = '\0';
	*out = s;
	return 0;
}

/*
 * The path of the export's top key: the prefix as given (its "{U+hhhh}"
 * escapes are already in .reg form), then "\" and the escaped name of each
 * key from the root down ("\" alone for the root without a prefix).
 */
static int
start_path(struct reg_writer *w, hive_key_t key, const char *prefix)
{
	struct hive *h = w->h;
	uint32_t chain[HIVE_MAX_DEPTH + 1];
	size_t n = strlen(prefix), i = 0, depth = 0, step;
	struct nk_rec nk;
	struct units name;
	uint32_t cp;
	long rc;

	if ((rc = room(w, &w->path, 4 * n + 8)) < 0)
		return (int)rc;
	while (i < n) {
		if (!(step = bk_utf8_decode((const uint8_t *)prefix + i, n - i, &cp, true)))
			return bk_err(&h->err, BK_EINVAL,
				      "export: prefix \"%s\" is not valid UTF-8",
				      prefix);
		put_unit(w, &w->path, cp);
		i += step;
	}
	w->in_prefix = true;
	if ((rc = to_cp(w, &w->path, 0)) < 0)
		return (int)rc;
	w->in_prefix = false;
	for (; key != h->base.root_offset; key = nk.parent) {
		if (depth > HIVE_MAX_DEPTH)
			return hv_error(h, BK_ECORRUPT, "parent chain of key 0x%x is too long",
					key);
		if ((rc = hv_nk_read(h, key, &nk)) < 0)
			return (int)rc;
		chain[depth++] = key;
	}
	if (depth == 0 && n == 0)
		return put_ascii(w, &w->path, "\\", 1);
	while (depth-- > 0) {
		if ((rc = hv_nk_read(h, chain[depth], &nk)) < 0)
			return (int)rc;
		w->cur_key = chain[depth];
		name.p = nk.name;
		name.latin1 = nk.flags & NK_COMP_NAME;
		name.n = name.latin1 ? nk.name_len : nk.name_len / 2u;
		if ((rc = put_ascii(w, &w->path, "\\", 1)) < 0 ||
		    (rc = put_name(w, &w->path, &name, TEXT_KEY_NAME)) < 0)
			return (int)rc;
	}
	return 0;
}

static const char reg5_header[] = "Windows Registry Editor Version 5.00\r\n\r\n";
static const char reg4_header[] = "REGEDIT4\r\n\r\n";

int
hive_export_reg(hive_t *h, hive_key_t key, int format, const char *prefix,
		hive_write_fn write, void *data)
{
	struct reg_writer *w;
	char *defprefix = NULL;
	int rc;

	if (format != HIVE_REG5 && format != HIVE_REG4)
		return bk_err(&h->err, BK_EINVAL, "export: unknown .reg format %d", format);
	if (key == 0)
		key = h->base.root_offset;
	if (!prefix && (rc = hive_export_default_prefix(h, &defprefix)) < 0)
		return rc;
	w = bk_calloc(1, sizeof(*w));
	if (!w) {
		bk_free(defprefix);
		return hv_error(h, BK_ENOMEM, "out of memory");
	}
	w->h = h;
	w->wide = format == HIVE_REG5;
	if (!w->wide && (rc = hv_cp_open(&h->err, hv_reg_codepage(h), true, &w->cd)) < 0)
		goto out;
	hex_tables(w);
	w->write = write;
	w->data = data;
	if ((rc = bk_buf_grow(&w->out, REG_EXPORT_BUF)) < 0) {
		rc = hv_error(h, BK_ENOMEM, "out of memory");
		goto out;
	}
	if (w->wide) {
		w->out.p[w->out.len++] = 0xFF;
		w->out.p[w->out.len++] = 0xFE;
	}
	if ((rc = put_ascii(w, &w->out, w->wide ? reg5_header : reg4_header,
			    w->wide ? sizeof(reg5_header) - 1 : sizeof(reg4_header) - 1)) < 0 ||
	    (rc = start_path(w, key, prefix ? prefix : defprefix)) < 0)
		goto out;
	/* Keys below the top one append to the path from here. */
	w->bare_root = w->path.len == (w->wide ? 2u : 1u) && !(prefix ? prefix : defprefix)[0];
	w->depth_len[0] = w->path.len;
	rc = hv_walk(h, key, export_key_cb, w);
	if (rc == 0)
		rc = flush(w);
	if (rc == 0 && w->lossy)
		hv_msg(h, "REGEDIT4 export: %lu REG_EXPAND_SZ/REG_MULTI_SZ value(s) are not valid "
			 "UTF-16 and were written unconverted", w->lossy);
out:
	bk_buf_release(&w->out);
	bk_buf_release(&w->path);
	bk_buf_release(&w->conv);
	bk_buf_release(&w->cpbuf);
	hv_cp_close(w->cd);
	bk_free(w);
	bk_free(defprefix);
	return rc;
}
