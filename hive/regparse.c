/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parse a .reg file into a list of operations (struct reg_script), touching
 * no hive: import-reg.c checks and applies the list, tests inspect it.
 *
 * The text is decoded to UTF-16 code units a piece at a time (regsource.c:
 * UTF-16LE after a BOM, REGEDIT4 in its ANSI code page, otherwise UTF-8, a
 * byte that is not UTF-8 being taken as Latin-1) so that names and strings
 * come out in the hive's own
 * encoding without a second conversion.  Names and data go to two arenas
 * that grow by doubling.  With a batch callback (the streaming import), the
 * operations parsed so far are handed over whenever the arenas grow large
 * and the arenas start again, so memory does not grow with the file.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bk-utf16.h"
#include "hive-internal.h"

#define REG_MAX_TYPE_DIGITS 8

struct parser {
	struct bk_errbuf *eb;
	struct reg_script *s;
	struct reg_source src;     /* the text, line by line */
	int src_err;               /* reading or decoding failed (the message is in eb) */
	reg_batch_fn batch;        /* NULL: keep every operation in s */
	void *batch_data;
	bool batch_failed;         /* the error is the callback's (its line set there) */
	const uint16_t *line;      /* current line (without its end) */
	size_t len, i;             /* its length, read position */
	unsigned long lineno;
	bool have_key;             /* a [key] section is open */
	bool key_deleted;          /* ... and it was [-key] */
	uint16_t *prefix;          /* --prefix as code units, NULL for the default rule */
	size_t prefix_n;
	bool prefix_given;
	void *wcd;                 /* code page converter for hex(2)/hex(7) data */
};

static int
perr(struct parser *p, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
perr(struct parser *p, int code, const char *fmt, ...)
{
	char msg[BK_ERRMSG_MAX - 32];
	va_list ap;

	if (p->src_err < 0)
		return p->src_err;      /* the real cause, not its consequence */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bk_err(p->eb, code, "line %lu: %s", p->lineno, msg);
}

static int
nomem(struct parser *p)
{
	return bk_err(p->eb, BK_ENOMEM, "out of memory");
}

/* ---- arenas ---------------------------------------------------------------- */

static int
grow(void **arr, size_t *cap, size_t used, size_t more, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (*cap - used >= more)
		return 0;
	while (ncap - used < more)
		ncap *= 2;
	np = bk_realloc(*arr, ncap * elem);
	if (!np)
		return -BK_ENOMEM;
	*arr = np;
	*cap = ncap;
	return 0;
}

static int
add_units(struct parser *p, size_t more)
{
	struct reg_script *s = p->s;

	return grow((void **)&s->units, &s->units_cap, s->nunits, more, sizeof(*s->units)) < 0 ?
		nomem(p) : 0;
}

static int
add_bytes(struct parser *p, size_t more)
{
	struct reg_script *s = p->s;

	return grow((void **)&s->bytes, &s->bytes_cap, s->nbytes, more, 1) < 0 ? nomem(p) : 0;
}

static struct reg_op *
add_op(struct parser *p, int kind)
{
	struct reg_script *s = p->s;
	struct reg_op *op;

	if (grow((void **)&s->ops, &s->ops_cap, s->nops, 1, sizeof(*s->ops)) < 0)
		return NULL;
	op = &s->ops[s->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	op->line = (uint32_t)p->lineno;
	return op;
}

void
reg_script_free(struct reg_script *s)
{
	bk_free(s->ops);
	bk_free(s->units);
	bk_free(s->bytes);
	memset(s, 0, sizeof(*s));
}

/* ---- decoding the text ----------------------------------------------------- */

/* ---- lines ----------------------------------------------------------------- */

/* Make the next physical line current; false at the end of the text. */
static bool
next_line(struct parser *p)
{
	int rc;

	if (p->src_err < 0)
		return false;
	rc = reg_source_line(&p->src, p->eb, &p->line, &p->len);
	if (rc <= 0) {
		p->src_err = rc;
		return false;
	}
	p->i = 0;
	p->lineno++;
	return true;
}

static bool
is_blank(uint16_t c)
{
	return c == ' ' || c == '\t';
}

static void
skip_blanks(struct parser *p)
{
	while (p->i < p->len && is_blank(p->line[p->i]))
		p->i++;
}

/* Nothing but blanks (or a ";" comment) left on the line. */
static bool
at_end(struct parser *p)
{
	skip_blanks(p);
	return p->i >= p->len || p->line[p->i] == ';';
}

static bool
match_ascii(struct parser *p, const char *word)
{
	size_t k, n = strlen(word);

	if (p->len - p->i < n)
		return false;
	for (k = 0; k < n; k++) {
		uint16_t c = p->line[p->i + k];
		if (c >= 'A' && c <= 'Z')
			c = (uint16_t)(c + 32);
		if (c != (unsigned char)word[k])
			return false;
	}
	p->i += n;
	return true;
}

/* "{U+hhhh}" at u[0..n): the code unit, or -1. */
static long
unit_escape(const uint16_t *u, size_t n)
{
	long v = 0;
	int k, d;

	if (n < 8 || u[0] != '{' || u[1] != 'U' || u[2] != '+' || u[7] != '}')
		return -1;
	for (k = 3; k < 7; k++) {
		if ((d = bk_hexval(u[k])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* ---- key lines ------------------------------------------------------------- */

/*
 * Decode the raw path components in t[0..n) ("\\"-separated, "{U+hhhh}"
 * escapes) into the units arena as [length][units...] each, skipping empty
 * ones.  Returns the number of components or < 0.
 */
static long
push_components(struct parser *p, const uint16_t *t, size_t n)
{
	size_t i = 0, start, len_at;
	long count = 0, esc;
	uint16_t *u;
	int rc;

	while (i < n) {
		for (start = i; i < n && t[i] != '\\'; i++)
			;
		if (i == start) {
			i++;
			continue;
		}
		if ((rc = add_units(p, i - start + 1)) < 0)
			return rc;
		u = p->s->units;
		len_at = p->s->nunits++;
		for (; start < i; start++) {
			if (t[start] == '{' && (esc = unit_escape(t + start, i - start)) >= 0) {
				u[p->s->nunits++] = (uint16_t)esc;
				start += 7;
			} else {
				u[p->s->nunits++] = t[start];
			}
		}
		if (p->s->nunits - len_at - 1 > REG_MAX_KEY_NAME)
			return perr(p, BK_ESYNTAX, "key name longer than %u characters",
				    REG_MAX_KEY_NAME);
		u[len_at] = (uint16_t)(p->s->nunits - len_at - 1);
		if (++count > HIVE_MAX_DEPTH)
			return perr(p, BK_ESYNTAX, "key path deeper than %d keys", HIVE_MAX_DEPTH);
		if (i < n)
			i++;
	}
	return count;
}

static bool
comp_is(const uint16_t *c, const char *word)
{
	size_t k, n = strlen(word);

	if (c[0] != n)
		return false;
	for (k = 0; k < n; k++) {
		uint16_t x = c[1 + k];
		if (x >= 'a' && x <= 'z')
			x = (uint16_t)(x - 32);
		if (x != (unsigned char)word[k])
			return false;
	}
	return true;
}

/* How many leading components the default rule strips. */
static size_t
default_strip(const uint16_t *c, long ncomp)
{
	static const char *const two[] = { "HKEY_LOCAL_MACHINE", "HKLM", "HKEY_USERS", "HKU" };
	static const char *const one[] = {
		"HKEY_CURRENT_USER", "HKCU", "HKEY_CLASSES_ROOT", "HKCR", "HKEY_CURRENT_CONFIG",
		"HKCC", "HKEY_DYN_DATA", "HKEY_PERFORMANCE_DATA",
	};
	size_t k;

	if (ncomp == 0)
		return 0;
	for (k = 0; k < sizeof(two) / sizeof(two[0]); k++)
		if (comp_is(c, two[k]))
			return ncomp >= 2 ? 2 : 1;
	for (k = 0; k < sizeof(one) / sizeof(one[0]); k++)
		if (comp_is(c, one[k]))
			return 1;
	return 0;
}

/* With --prefix: the components the prefix names, compared without case. */
static long
prefix_strip(struct parser *p, const uint16_t *c, long ncomp)
{
	const uint16_t *q = p->prefix;
	size_t qi = 0, ci = 0;
	long k = 0;

	while (qi < p->prefix_n) {
		if (k >= ncomp || hive_name_cmp(q + qi + 1, q[qi], c + ci + 1, c[ci]) != 0)
			return perr(p, BK_ESYNTAX, "key is not under the prefix given");
		qi += 1u + q[qi];
		ci += 1u + c[ci];
		k++;
	}
	return k;
}

static int
parse_key(struct parser *p)
{
	size_t end = p->len, start, at, skip_units = 0;
	bool del = false;
	struct reg_op *op;
	long ncomp, strip, k;

	while (end > p->i && is_blank(p->line[end - 1]))
		end--;
	if (end == p->i + 1 || p->line[end - 1] != ']')
		return perr(p, BK_ESYNTAX, "key line does not end with ']'");
	start = p->i + 1;
	if (start < end - 1 && p->line[start] == '-') {
		del = true;
		start++;
	}
	at = p->s->nunits;
	if ((ncomp = push_components(p, p->line + start, end - 1 - start)) < 0)
		return (int)ncomp;
	strip = p->prefix_given ? prefix_strip(p, p->s->units + at, ncomp) :
		(long)default_strip(p->s->units + at, ncomp);
	if (strip < 0)
		return (int)strip;
	for (k = 0; k < strip; k++)
		skip_units += 1u + p->s->units[at + skip_units];
	if (skip_units) {
		memmove(p->s->units + at, p->s->units + at + skip_units,
			(p->s->nunits - at - skip_units) * sizeof(uint16_t));
		p->s->nunits -= skip_units;
	}
	if (del && ncomp == strip)
		return perr(p, BK_ESYNTAX, "the root key cannot be deleted");
	if (!(op = add_op(p, del ? REG_OP_DELETE_KEY : REG_OP_KEY)))
		return nomem(p);
	op->name = at;
	op->name_len = p->s->nunits - at;
	p->have_key = true;
	p->key_deleted = del;
	return 0;
}

/* ---- value lines ----------------------------------------------------------- */

/*
 * A quoted string at p->i into the units arena: \\ \" \n \r \0 are escapes
 * (another backslash is kept as it is); in a name, "{U+hhhh}" too.
 */
static int
parse_quoted(struct parser *p, bool name)
{
	uint16_t *u;
	long esc;
	int rc;

	if ((rc = add_units(p, p->len - p->i)) < 0)
		return rc;
	u = p->s->units;
	for (p->i++; p->i < p->len; p->i++) {
		uint16_t c = p->line[p->i];

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c == '\\' && p->i + 1 < p->len) {
			uint16_t e = p->line[p->i + 1];
			uint16_t v = e == 'n' ? '\n' : e == 'r' ? '\r' : e == '0' ? 0 : e;
			if (e == '\\' || e == '"' || e == 'n' || e == 'r' || e == '0') {
				u[p->s->nunits++] = v;
				p->i++;
				continue;
			}
		}
		if (name && c == '{' && (esc = unit_escape(p->line + p->i, p->len - p->i)) >= 0) {
			u[p->s->nunits++] = (uint16_t)esc;
			p->i += 7;
			continue;
		}
		u[p->s->nunits++] = c;
	}
	return perr(p, BK_ESYNTAX, "missing closing '\"'");
}

static int
parse_hex_number(struct parser *p, uint32_t *out, int max_digits)
{
	int d, k = 0;
	uint32_t v = 0;

	while (p->i < p->len && (d = bk_hexval(p->line[p->i])) >= 0) {
		if (++k > max_digits)
			return perr(p, BK_ESYNTAX, "number with more than %d hex digits", max_digits);
		v = v << 4 | (uint32_t)d;
		p->i++;
	}
	if (k == 0)
		return perr(p, BK_ESYNTAX, "hex number expected");
	*out = v;
	return 0;
}

/* Only a "\\" (and blanks) left: the list goes on on the next line. */
static bool
continues(struct parser *p)
{
	size_t k = p->i;

	if (k >= p->len || p->line[k] != '\\')
		return false;
	for (k++; k < p->len; k++)
		if (!is_blank(p->line[k]))
			return false;
	return true;
}

/* One line's worth of aa,bb,... into o (room already made); returns the
 * end of the bytes written, or NULL with the error set. */
static uint8_t *
hex_line(struct parser *p, uint8_t *o, int *rc)
{
	const uint16_t *l = p->line;
	int hi, lo;

	for (;;) {
		while (p->i < p->len && is_blank(l[p->i]))
			p->i++;
		if (p->i >= p->len || l[p->i] == ';' || l[p->i] == '\\')
			return o;    /* the end, or a continuation (checked by the caller) */
		if ((hi = bk_hexval(l[p->i])) < 0) {
			*rc = perr(p, BK_ESYNTAX, "hex byte expected");
			return NULL;
		}
		p->i++;
		if (p->i < p->len && (lo = bk_hexval(l[p->i])) >= 0) {
			hi = hi << 4 | lo;
			p->i++;
		}
		*o++ = (uint8_t)hi;
		while (p->i < p->len && is_blank(l[p->i]))
			p->i++;
		if (p->i < p->len && l[p->i] == ',')
			p->i++;
		else if (p->i < p->len && l[p->i] != ';' && l[p->i] != '\\') {
			*rc = perr(p, BK_ESYNTAX, "',' expected after a hex byte");
			return NULL;
		}
	}
}

/* aa,bb,... with "\\" continuation lines, into the bytes arena. */
static int
parse_hex_list(struct parser *p)
{
	uint8_t *o;
	int rc = 0;

	for (;;) {
		/* A line holds at most one byte per two characters. */
		if ((rc = add_bytes(p, (p->len - p->i) / 2 + 1)) < 0)
			return rc;
		o = hex_line(p, p->s->bytes + p->s->nbytes, &rc);
		if (!o)
			return rc;
		p->s->nbytes = (size_t)(o - p->s->bytes);
		if (p->i >= p->len || p->line[p->i] == ';')
			return 0;
		if (!continues(p))
			return perr(p, BK_ESYNTAX, "hex byte expected");
		if (!next_line(p))
			return perr(p, BK_ESYNTAX, "continuation line missing at end of file");
	}
}

/* REGEDIT4 in a code page: hex(2)/hex(7) data in it, to UTF-16LE.  The
 * converter is not the text's (whose state must not be disturbed). */
static int
widen_cp(struct parser *p, size_t at, uint32_t type)
{
	struct bk_buf conv = { 0 };
	size_t n = p->s->nbytes - at, used;
	int rc;

	if (!p->wcd && (rc = hv_cp_open(p->eb, p->src.cp, false, &p->wcd)) < 0)
		return rc;
	rc = hv_cp_convert(p->wcd, p->s->bytes + at, n, true, &conv, &used);
	if (rc == -BK_EINVAL)
		rc = perr(p, BK_ESYNTAX, "hex(%x) data: byte 0x%02x is not a character of code "
			  "page %s", (unsigned)type, p->s->bytes[at + used], p->src.cp);
	else if (rc == -BK_ENOMEM)
		rc = nomem(p);
	if (rc == 0 && (rc = add_bytes(p, conv.len)) == 0) {
		memcpy(p->s->bytes + at, conv.p, conv.len);
		p->s->nbytes = at + conv.len;
	}
	bk_free(conv.p);
	return rc;
}

/* REGEDIT4 keeps hex(2)/hex(7) as 8-bit text: make it UTF-16LE. */
static int
widen_8bit(struct parser *p, size_t at, uint32_t type)
{
	size_t n = p->s->nbytes - at, k, i;
	uint16_t *tmp;
	int rc;

	if (p->src.cd)
		return widen_cp(p, at, type);
	if (!(tmp = bk_malloc((n + 1) * sizeof(*tmp))))
		return nomem(p);
	k = reg_decode_8bit(p->s->bytes + at, n, tmp);
	if ((rc = add_bytes(p, 2 * k)) == 0) {
		for (i = 0; i < k; i++)
			bk_put_le16(p->s->bytes + at + 2 * i, tmp[i]);
		p->s->nbytes = at + 2 * k;
	}
	bk_free(tmp);
	return rc;
}

/* "text" as REG_SZ-style data: UTF-16LE plus a NUL terminator. */
static int
parse_string_data(struct parser *p)
{
	size_t at = p->s->nunits, k, n;
	int rc;

	if ((rc = parse_quoted(p, false)) < 0)
		return rc;
	n = p->s->nunits - at;
	if ((rc = add_bytes(p, 2 * n + 2)) < 0)
		return rc;
	for (k = 0; k < n; k++)
		bk_put_le16(p->s->bytes + p->s->nbytes + 2 * k, p->s->units[at + k]);
	bk_put_le16(p->s->bytes + p->s->nbytes + 2 * n, 0);
	p->s->nbytes += 2 * n + 2;
	p->s->nunits = at;
	return 0;
}

/* Optional "(N)" after hex or str, then ':'. */
static int
parse_type_suffix(struct parser *p, uint32_t *type)
{
	int rc;

	if (p->i < p->len && p->line[p->i] == '(') {
		p->i++;
		if ((rc = parse_hex_number(p, type, REG_MAX_TYPE_DIGITS)) < 0)
			return rc;
		if (p->i >= p->len || p->line[p->i] != ')')
			return perr(p, BK_ESYNTAX, "')' expected after the type");
		p->i++;
	}
	if (p->i >= p->len || p->line[p->i] != ':')
		return perr(p, BK_ESYNTAX, "':' expected");
	p->i++;
	return 0;
}

static int
parse_data(struct parser *p, struct reg_op *op)
{
	uint32_t type = HIVE_REG_SZ, v;
	size_t at = p->s->nbytes;
	int rc;

	if (p->line[p->i] == '"') {
		rc = parse_string_data(p);
	} else if (match_ascii(p, "dword:")) {
		type = HIVE_REG_DWORD;
		if ((rc = parse_hex_number(p, &v, 8)) == 0 && (rc = add_bytes(p, 4)) == 0) {
			bk_put_le32(p->s->bytes + p->s->nbytes, v);
			p->s->nbytes += 4;
		}
	} else if (match_ascii(p, "hex")) {
		type = HIVE_REG_BINARY;
		if ((rc = parse_type_suffix(p, &type)) == 0)
			rc = parse_hex_list(p);
		if (rc == 0 && p->s->version == 4 &&
		    (type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_MULTI_SZ))
			rc = widen_8bit(p, at, type);
	} else if (match_ascii(p, "str")) {
		if ((rc = parse_type_suffix(p, &type)) == 0) {
			skip_blanks(p);
			rc = p->i < p->len && p->line[p->i] == '"' ? parse_string_data(p) :
				perr(p, BK_ESYNTAX, "'\"' expected after str:");
		}
	} else {
		return perr(p, BK_ESYNTAX, "unknown value data (expected \"text\", dword:, hex:, "
			    "hex(N):, str(N): or -)");
	}
	if (rc < 0)
		return rc;
	if (!at_end(p))
		return perr(p, BK_ESYNTAX, "unexpected text after the value data");
	if (p->s->nbytes - at > HIVE_MAX_VALUE_SIZE)
		return perr(p, BK_ETOOBIG, "value data of %zu bytes is over the limit",
			    p->s->nbytes - at);
	op->type = type;
	op->data = at;
	op->data_len = p->s->nbytes - at;
	return 0;
}

static int
parse_value(struct parser *p)
{
	struct reg_op *op;
	size_t at = p->s->nunits;
	int rc;

	if (!p->have_key)
		return perr(p, BK_ESYNTAX, "value outside of a [key] section");
	if (p->key_deleted)
		return perr(p, BK_ESYNTAX, "value under a deleted [-key]");
	if (p->line[p->i] == '@')
		p->i++;
	else if ((rc = parse_quoted(p, true)) < 0)
		return rc;
	if (p->s->nunits - at > REG_MAX_VALUE_NAME)
		return perr(p, BK_ESYNTAX, "value name longer than %u characters", REG_MAX_VALUE_NAME);
	skip_blanks(p);
	if (p->i >= p->len || p->line[p->i] != '=')
		return perr(p, BK_ESYNTAX, "'=' expected after the value name");
	p->i++;
	skip_blanks(p);
	if (p->i >= p->len)
		return perr(p, BK_ESYNTAX, "value data missing after '='");
	if (!(op = add_op(p, REG_OP_SET_VALUE)))
		return nomem(p);
	op->name = at;
	op->name_len = p->s->nunits - at;
	if (p->line[p->i] == '-') {
		p->i++;
		if (!at_end(p))
			return perr(p, BK_ESYNTAX, "unexpected text after '-'");
		op->kind = REG_OP_DELETE_VALUE;
		return 0;
	}
	return parse_data(p, op);
}

/* ---- the file ------------------------------------------------------------- */

#define REG_BATCH_BYTES  (8u << 20)    /* data or names parsed before they are applied */
#define REG_BATCH_OPS    65536u

/* Hand the operations parsed so far to the batch callback when the arenas
 * are large (or at the end), and start the arenas again. */
static int
maybe_batch(struct parser *p, bool last)
{
	struct reg_script *s = p->s;
	int rc;

	if (!p->batch || s->nops == 0)
		return 0;
	if (!last && s->nbytes < REG_BATCH_BYTES && s->nunits * 2 < REG_BATCH_BYTES &&
	    s->nops < REG_BATCH_OPS)
		return 0;
	rc = p->batch(p->batch_data, s);
	if (rc < 0) {
		p->batch_failed = true;
		return rc;
	}
	s->nops = s->nunits = s->nbytes = 0;
	return 0;
}

static int
parse_header(struct parser *p)
{
	size_t end;

	while (next_line(p)) {
		skip_blanks(p);
		end = p->len;
		while (end > p->i && is_blank(p->line[end - 1]))
			end--;
		if (end == p->i)
			continue;
		p->len = end;
		if (match_ascii(p, "windows registry editor version 5.00") && p->i == p->len) {
			p->s->version = 5;
			return 0;
		}
		if (match_ascii(p, "regedit4") && p->i == p->len) {
			p->s->version = 4;
			return 0;
		}
		break;
	}
	if (p->lineno == 0)
		p->lineno = 1;
	return perr(p, BK_ESYNTAX, "not a .reg file (the first line must be \"Windows Registry "
		    "Editor Version 5.00\" or \"REGEDIT4\")");
}

static int
parse_lines(struct parser *p)
{
	int rc;

	if ((rc = parse_header(p)) < 0)
		return rc;
	while (next_line(p)) {
		if ((rc = maybe_batch(p, false)) < 0)
			return rc;
		skip_blanks(p);
		if (p->i >= p->len || p->line[p->i] == ';' || p->line[p->i] == '#')
			continue;
		switch (p->line[p->i]) {
		case '[':
			rc = parse_key(p);
			break;
		case '@':
		case '"':
			rc = parse_value(p);
			break;
		default:
			rc = perr(p, BK_ESYNTAX, "expected [key], \"name\"=data or @=data");
		}
		if (rc < 0)
			return rc;
	}
	return p->src_err < 0 ? p->src_err : maybe_batch(p, true);
}

/* The prefix as components, like a key path (NULL: the default rule). */
static int
prefix_units(struct parser *p, const char *prefix)
{
	size_t n = strlen(prefix), at;
	uint16_t *tmp = bk_malloc((n + 1) * sizeof(*tmp));
	long rc;

	if (!tmp)
		return nomem(p);
	n = reg_decode_8bit((const uint8_t *)prefix, n, tmp);
	at = p->s->nunits;
	rc = push_components(p, tmp, n);
	bk_free(tmp);
	if (rc < 0)
		return (int)rc;
	p->prefix_n = p->s->nunits - at;
	p->prefix = bk_malloc((p->prefix_n + 1) * sizeof(uint16_t));
	if (!p->prefix)
		return nomem(p);
	if (p->prefix_n)	/* an empty prefix may leave the arena unallocated */
		memcpy(p->prefix, p->s->units + at, p->prefix_n * sizeof(uint16_t));
	p->s->nunits = at;
	p->prefix_given = true;
	return 0;
}

int
reg_parse_stream(struct bk_errbuf *eb, hive_read_fn read, void *data, const char *prefix,
		 const char *codepage, struct reg_script *s, unsigned long *err_line,
		 reg_batch_fn batch, void *batch_data)
{
	struct parser p;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.eb = eb;
	p.s = s;
	p.src.read = read;
	p.src.data = data;
	p.src.cp = codepage && !hv_cp_is_utf8(codepage) ? codepage : NULL;
	p.batch = batch;
	p.batch_data = batch_data;
	*err_line = 0;
	if (prefix && (rc = prefix_units(&p, prefix)) < 0)
		goto out;
	rc = parse_lines(&p);
	s->lines = p.lineno;
	if (rc < 0 && rc != -BK_ENOMEM && !p.batch_failed)
		*err_line = p.src.err_line ? p.src.err_line : p.lineno;
out:
	reg_source_free(&p.src);
	hv_cp_close(p.wcd);
	bk_free(p.prefix);
	return rc;
}

int
reg_parse(struct bk_errbuf *eb, const void *text, size_t len, const char *prefix,
	  struct reg_script *s, unsigned long *err_line)
{
	struct reg_mem m = { text, len, 0 };

	return reg_parse_stream(eb, reg_mem_read, &m, prefix, NULL, s, err_line, NULL, NULL);
}
