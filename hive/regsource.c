/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The text of a .reg file as lines of UTF-16 code units, read and decoded a
 * piece at a time, so that an import never holds the whole file (a 414 MiB
 * export of a large hive) in memory: only the current line and whatever
 * follows it in the last piece read.  The encoding is decided by the first
 * bytes: UTF-16LE or -BE after a BOM; a "REGEDIT4" file without a BOM is in
 * an ANSI code page (codepage.c: Windows-1252 unless told otherwise),
 * converted through iconv; otherwise UTF-8 with or without a BOM, a byte that
 * is not UTF-8 being taken as Latin-1, as regparse.c always did (and as a
 * REGEDIT4 file is read when the code page is "UTF-8").
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "bk-utf16.h"
#include "hive-internal.h"

#define SRC_CHUNK  (1u << 20)      /* bytes read at a time */
#define SRC_SLACK  64u             /* room for bytes left over from the last piece */

enum { ENC_UNKNOWN, ENC_LE, ENC_BE, ENC_8BIT, ENC_CP };

static int
src_nomem(struct bk_errbuf *eb)
{
	return bk_err(eb, BK_ENOMEM, "out of memory");
}

/* Room for more units after the last one. */
static int
units_room(struct reg_source *s, struct bk_errbuf *eb, size_t more)
{
	size_t cap = s->cap ? s->cap : 4096;
	uint16_t *p;

	if (s->cap - s->n >= more)
		return 0;
	while (cap - s->n < more)
		cap *= 2;
	p = bk_realloc(s->u, cap * sizeof(*p));
	if (!p)
		return src_nomem(eb);
	s->u = p;
	s->cap = cap;
	return 0;
}

/* 8-bit text: how many bytes end in a complete UTF-8 sequence (the rest waits). */
static size_t
complete_8bit(const uint8_t *t, size_t n)
{
	size_t k, need;

	for (k = 1; k <= 3 && k <= n; k++) {
		uint8_t c = t[n - k];
		if (c < 0x80)
			return n;
		if (c >= 0xC0) {
			need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			return need > k ? n - k : n;
		}
	}
	return n;
}

/* 8-bit text (UTF-8, else Latin-1 byte by byte) to code units; o has room for n. */
size_t
reg_decode_8bit(const uint8_t *t, size_t n, uint16_t *o)
{
	size_t i = 0, k = 0, step;
	uint32_t cp;

	while (i < n) {
		if (t[i] < 0x80) {
			o[k++] = t[i++];
			continue;
		}
		step = bk_utf8_decode(t + i, n - i, &cp, true);
		if (!step) {
			o[k++] = t[i++];
			continue;
		}
		k += bk_utf16_put(o + k, cp);
		i += step;
	}
	return k;
}

/* Where the first line starts: after blanks and empty lines, as the
 * parser looks for the header. */
static size_t
first_text(const uint8_t *t, size_t n)
{
	size_t i = 0;

	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
		i++;
	return i;
}

/* Enough bytes to decide the encoding (a BOM, or the header's 8 bytes). */
static bool
can_detect(const struct reg_source *s)
{
	return s->eof || s->raw_len >= SRC_CHUNK ||
	       (s->raw_len >= 3 && s->raw_len - first_text(s->raw, s->raw_len) >= 8);
}

static bool
is_regedit4(const uint8_t *t, size_t n)
{
	size_t i = first_text(t, n);

	return n - i >= 8 && strncasecmp((const char *)t + i, "REGEDIT4", 8) == 0;
}

/* Decide the encoding from the first bytes and drop the BOM. */
static int
detect(struct reg_source *s, struct bk_errbuf *eb)
{
	const uint8_t *t = s->raw;

	if (s->raw_len >= 2 && t[0] == 0xFF && t[1] == 0xFE) {
		s->enc = ENC_LE;
		s->skip = 2;
	} else if (s->raw_len >= 2 && t[0] == 0xFE && t[1] == 0xFF) {
		s->enc = ENC_BE;
		s->skip = 2;
	} else {
		s->enc = ENC_8BIT;
		s->skip = s->raw_len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF ? 3 : 0;
		if (s->skip == 0 && s->cp && is_regedit4(t, s->raw_len)) {
			int rc = hv_cp_open(eb, s->cp, false, &s->cd);
			if (rc < 0)
				return rc;
			if (s->cd)
				s->enc = ENC_CP;
		}
	}
	return 0;
}

/* Line ends in t[0, n) as reg_source_line() counts them (LF, CR, CRLF). */
static unsigned long
line_ends(const uint8_t *t, size_t n)
{
	unsigned long k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n')))
			k++;
	return k;
}

/* Code-page text through iconv; *use is what was decoded (a split
 * multi-byte character at the end waits for the next piece). */
static int
decode_cp(struct reg_source *s, struct bk_errbuf *eb, const uint8_t *t, size_t n, size_t *use)
{
	size_t i, k;
	int rc;

	rc = hv_cp_convert(s->cd, t, n, false, &s->conv, use);
	if (rc == -BK_ENOMEM)
		return src_nomem(eb);
	if (rc == -BK_EINVAL || (rc == 1 && s->eof)) {
		s->err_line = s->nl + line_ends(t, *use) + 1;
		return bk_err(eb, BK_ESYNTAX, "line %lu: byte 0x%02x is not a character of code "
			      "page %s", s->err_line, t[*use], s->cp);
	}
	if ((rc = units_room(s, eb, s->conv.len / 2)) < 0)
		return rc;
	for (i = 0, k = s->n; i + 1 < s->conv.len; i += 2)
		s->u[k++] = bk_le16(s->conv.p + i);
	s->n = k;
	s->nl += line_ends(t, *use);
	return 0;
}

/* Decode what is in raw[] (all of it at the end of the input). */
static int
decode_raw(struct reg_source *s, struct bk_errbuf *eb)
{
	size_t use, i, k;
	const uint8_t *t = s->raw + s->skip;
	size_t n = s->raw_len - s->skip;
	int rc;

	if (s->enc == ENC_CP) {
		if ((rc = decode_cp(s, eb, t, n, &use)) < 0)
			return rc;
	} else if (s->enc == ENC_8BIT) {
		use = s->eof ? n : complete_8bit(t, n);
		if ((rc = units_room(s, eb, use)) < 0)
			return rc;
		/* Nothing to decode (an empty input): s->u may not exist yet. */
		if (use > 0)
			s->n += reg_decode_8bit(t, use, s->u + s->n);
	} else {
		use = n & ~(size_t)1;   /* an odd last byte waits (or is dropped at the end) */
		if ((rc = units_room(s, eb, use / 2)) < 0)
			return rc;
		for (i = 0, k = s->n; i < use; i += 2)
			s->u[k++] = s->enc == ENC_BE ? bk_be16(t + i) : bk_le16(t + i);
		s->n = k;
		if (s->eof)
			use = n;
	}
	memmove(s->raw, t + use, n - use);
	s->raw_len = n - use;
	s->skip = 0;
	return 0;
}

/* Read and decode one more piece; sets eof at the end of the input. */
static int
fill(struct reg_source *s, struct bk_errbuf *eb)
{
	size_t got = 0;
	int rc;

	if (!s->raw && !(s->raw = bk_malloc(SRC_CHUNK + SRC_SLACK)))
		return src_nomem(eb);
	/* Drop the lines already handed out. */
	if (s->pos) {
		memmove(s->u, s->u + s->pos, (s->n - s->pos) * sizeof(*s->u));
		s->n -= s->pos;
		s->pos = 0;
	}
	/* What is left undecoded is a few bytes (an incomplete character), or,
	 * before the encoding is known, less than SRC_CHUNK. */
	rc = s->read(s->data, s->raw + s->raw_len, SRC_CHUNK + SRC_SLACK - s->raw_len, &got);
	if (rc < 0)
		return bk_err(eb, -rc, "cannot read the .reg text: %s", bk_strerror(rc));
	s->raw_len += got;
	s->eof = got == 0;
	if (s->enc == ENC_UNKNOWN) {
		if (!can_detect(s))
			return 0;
		if ((rc = detect(s, eb)) < 0)
			return rc;
	}
	return decode_raw(s, eb);
}

int
reg_source_line(struct reg_source *s, struct bk_errbuf *eb, const uint16_t **line, size_t *len)
{
	size_t e = s->pos;
	int rc;

	for (;;) {
		while (e < s->n && s->u[e] != '\n' && s->u[e] != '\r')
			e++;
		/* A line ends at LF, CR or CRLF: a CR at the end of what is decoded
		 * needs the next unit to know which. */
		if ((e < s->n && (s->u[e] == '\n' || e + 1 < s->n)) || s->eof)
			break;
		e -= s->pos;
		if ((rc = fill(s, eb)) < 0)
			return rc;
		e += s->pos;
	}
	if (s->pos >= s->n)
		return 0;
	*line = s->u + s->pos;
	*len = e - s->pos;
	if (e < s->n && s->u[e] == '\r' && e + 1 < s->n && s->u[e + 1] == '\n')
		e++;
	s->pos = e < s->n ? e + 1 : e;
	return 1;
}

void
reg_source_free(struct reg_source *s)
{
	bk_free(s->raw);
	bk_free(s->u);
	bk_free(s->conv.p);
	hv_cp_close(s->cd);
	memset(s, 0, sizeof(*s));
}

/* A reader over a buffer in memory (hive_import_reg(), reg_parse()). */
int
reg_mem_read(void *data, void *buf, size_t len, size_t *got)
{
	struct reg_mem *m = data;
	size_t n = m->len - m->pos < len ? m->len - m->pos : len;

	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}
