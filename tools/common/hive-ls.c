/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hivetool ls: a key's values and subkeys, or (-r) its whole subtree, as
 * text in the style of "reg query" or as JSON (-r: JSON Lines, one key per
 * line).  "ls -r" of a large hive prints megabytes, so the text goes through
 * one output buffer, names and strings are decoded straight into it, and a
 * key's path is its parent's plus its own name, kept in one buffer while the
 * library walks the tree (hive_key_walk: its loop check and depth limit
 * stay the only ones): nothing is allocated per key or per value.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bcdkit/hive.h"
#include "bk-escape.h"
#include "hive-text.h"
#include "tool-util.h"

struct ls_buf {
	char *p;
	size_t len, cap;
};

struct ls_state {
	hive_t *h;
	bool salvage, json, first;
	struct ls_buf out;       /* text not yet handed to stdout */
	struct ls_buf path;      /* path of the key being listed */
	struct ls_buf name;      /* a value name (JSON) */
	size_t *at;              /* path length at each depth of the walk */
	size_t nat;
	hive_value_t *vals;      /* the values of the key being listed */
	size_t nvals;
	char types[HIVE_REG_QWORD + 1][32];   /* type names, made once */
};

/* ---- buffers ------------------------------------------------------------------ */

static void
out_flush(struct ls_state *s)
{
	if (s->out.len)         /* the buffer is NULL until the first output */
		fwrite(s->out.p, 1, s->out.len, stdout);
	s->out.len = 0;
}

static int
buf_reserve(struct ls_buf *b, size_t need)
{
	char *np;
	size_t cap = b->cap ? b->cap : 4096;

	if (b->cap - b->len >= need)
		return 0;
	while (cap - b->len < need)
		cap *= 2;
	if (!(np = realloc(b->p, cap)))
		return HV_LS_NOMEM;
	b->p = np;
	b->cap = cap;
	return 0;
}

/* Room for n more bytes of output: hand what is there to stdout first. */
static int
out_room(struct ls_state *s, size_t n)
{
	if (s->out.cap - s->out.len >= n)
		return 0;
	out_flush(s);
	return buf_reserve(&s->out, n < 65536 ? 65536 : n);
}

static int
out_put(struct ls_state *s, const char *p, size_t n)
{
	int rc = out_room(s, n);

	if (rc == 0) {
		memcpy(s->out.p + s->out.len, p, n);
		s->out.len += n;
	}
	return rc;
}

#define OUT_LIT(s, lit) out_put((s), (lit), sizeof(lit) - 1)

/*
 * Text from the hive goes to a terminal: control characters are escaped
 * (bk-escape.h) so that an untrusted hive cannot send escape sequences.
 * Names are nearly always printable ASCII, checked here a byte at a time;
 * anything else takes the shared escaper's slower path.
 */
static bool
out_is_plain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f)
			return false;
	return true;
}

struct out_esc {
	struct ls_state *s;
	int rc;
};

static void
out_esc_put(void *ctx, const char *p, size_t n)
{
	struct out_esc *e = ctx;

	if (e->rc == 0)
		e->rc = out_put(e->s, p, n);
}

/* The output from start on, which came from the hive, escaped in place. */
static int
out_escape_from(struct ls_state *s, size_t start)
{
	struct out_esc e = { s, 0 };
	char *copy;

	if (out_is_plain(s->out.p + start, s->out.len - start))
		return 0;
	if (!(copy = strndup(s->out.p + start, s->out.len - start)))
		return HV_LS_NOMEM;
	if (bk_text_is_plain(copy)) {
		free(copy);
		return 0;
	}
	s->out.len = start;
	bk_text_escape(copy, out_esc_put, &e);
	free(copy);
	return e.rc;
}

/* n bytes of text from the hive (a path or a name), escaped. */
static int
out_text(struct ls_state *s, const char *p, size_t n)
{
	size_t start;
	int rc = out_room(s, n);

	start = s->out.len;
	if (rc == 0)
		rc = out_put(s, p, n);
	return rc < 0 ? rc : out_escape_from(s, start);
}

/* ---- value data as text (as ht_print_data() prints it) -------------------------- */

static int
put_string(struct ls_state *s, const uint8_t *d, size_t len)
{
	size_t n;
	int rc = out_room(s, HIVE_DECODE_STRING_MAX(len));

	size_t start = s->out.len;

	if (rc == 0 && (rc = hive_decode_string_to(d, len, s->out.p + s->out.len,
						   s->out.cap - s->out.len, &n)) == 0) {
		s->out.len += n;
		rc = out_escape_from(s, start);
	}
	return rc;
}

/* REG_MULTI_SZ: strings up to an empty one or the end, "\0" between them. */
static int
put_multi(struct ls_state *s, const uint8_t *d, size_t len)
{
	size_t pos = 0, i;
	int rc = 0;

	len &= ~(size_t)1;
	while (rc == 0 && pos < len) {
		for (i = pos; i < len && (d[i] || d[i + 1]); i += 2)
			;
		if (i == pos)
			break;
		if (pos && (rc = OUT_LIT(s, "\\0")) < 0)
			break;
		rc = put_string(s, d + pos, i - pos);
		pos = i + 2;
	}
	return rc;
}

/* "0x" and digits hex digits of v, then " (" v in decimal ")". */
static int
put_number(struct ls_state *s, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char b[64], t[24];
	size_t n = 0, k = 0;
	uint64_t u = v;
	int i;

	b[n++] = '0';
	b[n++] = 'x';
	for (i = digits - 1; i >= 0; i--)
		b[n++] = hex[(v >> (4 * i)) & 15];
	b[n++] = ' ';
	b[n++] = '(';
	do {
		t[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k)
		b[n++] = t[--k];
	b[n++] = ')';
	return out_put(s, b, n);
}

static int
put_hex(struct ls_state *s, const uint8_t *d, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i;
	int rc = out_room(s, len * 3);

	if (rc < 0)
		return rc;
	o = s->out.p + s->out.len;
	if (len) {
		*o++ = hex[d[0] >> 4];
		*o++ = hex[d[0] & 15];
	}
	for (i = 1; i < len; i++) {
		o[0] = ' ';
		o[1] = hex[d[i] >> 4];
		o[2] = hex[d[i] & 15];
		o += 3;
	}
	s->out.len = (size_t)(o - s->out.p);
	return 0;
}

static int
put_data(struct ls_state *s, uint32_t type, const uint8_t *d, size_t len)
{
	uint32_t dw;
	uint64_t qw;

	if (type == HIVE_REG_SZ || type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_LINK)
		return put_string(s, d, len);
	if (type == HIVE_REG_MULTI_SZ)
		return put_multi(s, d, len);
	if (hive_decode_dword(type, d, len, &dw) == 0)
		return put_number(s, dw, 8);
	if (type == HIVE_REG_QWORD && hive_decode_qword(d, len, &qw) == 0)
		return put_number(s, qw, 16);
	return put_hex(s, d, len);
}

/* ---- names and paths ------------------------------------------------------------- */

/* A value's name into b (from its start), grown as the library asks. */
static int
value_name(struct ls_state *s, struct ls_buf *b, hive_value_t v)
{
	size_t n;
	int rc;

	b->len = 0;
	while ((rc = hive_value_name_to(s->h, v, b->p, b->cap, &n)) == -BK_ETOOBIG)
		if ((rc = buf_reserve(b, n)) < 0)
			return rc;
	return rc;
}

/* The path of key k at the given depth: its parent's, "\" and its name. */
static int
path_enter(struct ls_state *s, hive_key_t k, int depth)
{
	size_t base, sep, n = 0;
	int rc;

	if ((size_t)depth >= s->nat) {
		size_t *na = realloc(s->at, (size_t)(depth + 16) * sizeof(*na));
		if (!na)
			return HV_LS_NOMEM;
		s->at = na;
		s->nat = (size_t)depth + 16;
	}
	if (depth == 0) {
		s->path.len = s->at[0];
		s->path.p[s->path.len] = '\0';
		return 0;
	}
	base = s->at[depth - 1];
	sep = base > 0;
	s->path.len = base;
	if ((rc = buf_reserve(&s->path, sep + 256)) < 0)
		return rc;
	while ((rc = hive_key_name_to(s->h, k, s->path.p + base + sep,
				      s->path.cap - base - sep, &n)) == -BK_ETOOBIG)
		if ((rc = buf_reserve(&s->path, sep + n)) < 0)
			return rc;
	if (rc < 0)
		return rc;
	if (sep)
		s->path.p[base] = '\\';
	s->path.len = s->at[depth] = base + sep + n;
	return 0;
}

/* ---- text ---------------------------------------------------------------------------- */

/* With --salvage, an unreadable value is reported and skipped, not fatal;
 * running out of memory stays fatal either way. */
static int
skip_if_salvage(struct ls_state *s, int rc)
{
	if (!s->salvage || rc == -BK_ENOMEM || rc == HV_LS_NOMEM)
		return rc;
	tool_warn("skipped: %s", hive_last_error(s->h));
	return 0;
}

/* The values of k into s->vals (grown as needed). */
static int
load_values(struct ls_state *s, hive_key_t k, size_t *n)
{
	int rc;

	while ((rc = hive_key_values_to(s->h, k, s->vals, s->nvals, n)) == -BK_ETOOBIG) {
		hive_value_t *nv = realloc(s->vals, *n * sizeof(*nv));
		if (!nv)
			return HV_LS_NOMEM;
		s->vals = nv;
		s->nvals = *n;
	}
	return rc;
}

static const char *
type_name(struct ls_state *s, uint32_t type, char *buf)
{
	return type <= HIVE_REG_QWORD ? s->types[type] : hive_type_name(type, buf, 32);
}

/* "    NAME    TYPE    DATA" per value; the name decoded into the output. */
static int
text_value(struct ls_state *s, hive_value_t v)
{
	struct hive_value_view vv;
	size_t start = s->out.len, n;
	char tn[32];
	const char *t;
	int rc;

	if ((rc = hive_value_view(s->h, v, &vv)) < 0)
		return skip_if_salvage(s, rc);
	if ((rc = out_room(s, 4 + 256)) == 0) {
		start = s->out.len;
		memcpy(s->out.p + start, "    ", 4);
		s->out.len += 4;
		while ((rc = hive_value_name_to(s->h, v, s->out.p + s->out.len,
						s->out.cap - s->out.len, &n)) == -BK_ETOOBIG) {
			/* A long name: make room for it after the indent. */
			s->out.len = start;
			if ((rc = out_room(s, 4 + n)) < 0)
				break;
			start = s->out.len;
			memcpy(s->out.p + start, "    ", 4);
			s->out.len += 4;
		}
	}
	if (rc < 0) {
		s->out.len = start;
		hive_value_view_free(&vv);
		return skip_if_salvage(s, rc);
	}
	s->out.len += n;
	if ((rc = out_escape_from(s, start + 4)) < 0) {
		hive_value_view_free(&vv);
		return rc;
	}
	t = type_name(s, vv.type, tn);
	if ((n > 0 || (rc = OUT_LIT(s, "(Default)")) == 0) && (rc = OUT_LIT(s, "    ")) == 0 &&
	    (rc = out_put(s, t, strlen(t))) == 0 && (rc = OUT_LIT(s, "    ")) == 0 &&
	    (rc = put_data(s, vv.type, vv.data, vv.len)) == 0)
		rc = OUT_LIT(s, "\n");
	hive_value_view_free(&vv);
	return rc;
}

/* The key's path line (the root as "\") and its values. */
static int
text_key(struct ls_state *s, hive_key_t k)
{
	size_t n, i;
	int rc;

	if (!s->first && (rc = OUT_LIT(s, "\n")) < 0)
		return rc;
	s->first = false;
	if ((rc = (s->path.len ? out_text(s, s->path.p, s->path.len) : OUT_LIT(s, "\\"))) < 0 ||
	    (rc = OUT_LIT(s, "\n")) < 0 || (rc = load_values(s, k, &n)) < 0)
		return rc;
	for (i = 0; rc == 0 && i < n; i++)
		rc = text_value(s, s->vals[i]);
	return rc;
}

static int
text_cb(hive_t *h, hive_key_t k, int depth, void *data)
{
	struct ls_state *s = data;
	int rc = path_enter(s, k, depth);

	(void)h;
	return rc < 0 ? rc : text_key(s, k);
}

/* Not recursive: after the values, the path of each subkey. */
static int
text_subkeys(struct ls_state *s, hive_key_t k)
{
	hive_key_t *subs;
	size_t n, i;
	int rc = hive_key_subkeys(s->h, k, &subs, &n);

	if (rc == 0 && n)
		rc = OUT_LIT(s, "\n");
	for (i = 0; rc == 0 && i < n; i++)
		if ((rc = path_enter(s, subs[i], 1)) == 0 &&
		    (rc = out_text(s, s->path.p, s->path.len)) == 0)
			rc = OUT_LIT(s, "\n");
	free(subs);
	return rc;
}

/* ---- JSON ------------------------------------------------------------------------------ */

/* FILETIME as a JSON string (ISO 8601 UTC), or null for none. */
static void
json_time(uint64_t ft)
{
	time_t t = (time_t)(ft / 10000000ULL) - 11644473600LL;
	struct tm tm;
	char buf[40];

	if (ft == 0 || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm))
		fputs("null", stdout);
	else
		fputs(buf, stdout);
}

/* The values member of a key, left open (", \"values\": [..."): a listing
 * cut short by an error ends there, as it always has. */
static int
json_values(struct ls_state *s, hive_key_t k)
{
	struct hive_value_view vv;
	size_t n, i;
	bool first = true;
	int rc = load_values(s, k, &n);

	if (rc < 0)
		return rc;
	fputs(", \"values\": [", stdout);
	for (i = 0; rc == 0 && i < n; i++) {
		if ((rc = value_name(s, &s->name, s->vals[i])) < 0 ||
		    (rc = hive_value_view(s->h, s->vals[i], &vv)) < 0) {
			rc = skip_if_salvage(s, rc);
			continue;
		}
		fputs(first ? "{\"name\": " : ", {\"name\": ", stdout);
		first = false;
		tool_json_string(stdout, s->name.p);
		fputs(", ", stdout);
		ht_json_data(stdout, vv.type, vv.data, vv.len);
		fputc('}', stdout);
		hive_value_view_free(&vv);
	}
	return rc;
}

/* ls -r --json: one line per key with its full path, name, last-write
 * time and values. */
static int
json_cb(hive_t *h, hive_key_t k, int depth, void *data)
{
	struct ls_state *s = data;
	struct hive_key_info ki;
	char *name = NULL;
	int rc;

	if ((rc = path_enter(s, k, depth)) < 0 || (rc = hive_key_info(h, k, &ki)) < 0)
		return rc;
	/* Below the top the name is the path's last part; the top's is read. */
	if (depth == 0 && (rc = hive_key_name(h, k, &name)) < 0)
		return rc;
	s->first = false;       /* a line is open */
	/* Each line is a document of its own (doc/hive-key-line-schema.json). */
	fputs("{\"schema\": \"bcdkit.hive-key-line/1\", \"path\": ", stdout);
	tool_json_string(stdout, s->path.p);
	fputs(", \"name\": ", stdout);
	tool_json_string(stdout, name ? name : s->path.p + s->at[depth - 1] + (s->at[depth - 1] > 0));
	free(name);
	fputs(", \"last_write\": ", stdout);
	json_time(ki.timestamp);
	if ((rc = json_values(s, k)) == 0) {
		fputs("]}\n", stdout);
		s->first = true;
	}
	return rc;
}

/* Not recursive: one object with the values and the subkeys' names. */
static int
json_key(struct ls_state *s, hive_key_t k)
{
	hive_key_t *subs;
	size_t n, i;
	char *name;
	int rc = hive_key_name(s->h, k, &name);

	if (rc < 0)
		return rc;
	fputs("{\"schema\": \"bcdkit.hive-key/1\", \"name\": ", stdout);
	tool_json_string(stdout, name);
	free(name);
	if ((rc = json_values(s, k)) < 0 || (rc = hive_key_subkeys(s->h, k, &subs, &n)) < 0)
		return rc;
	fputs("], \"subkeys\": [", stdout);
	for (i = 0; rc == 0 && i < n; i++) {
		fputs(i ? ", " : "", stdout);
		if ((rc = hive_key_name(s->h, subs[i], &name)) == 0) {
			tool_json_string(stdout, name);
			free(name);
		}
	}
	fputs("]}", stdout);
	free(subs);
	return rc;
}

/* ---- entry ------------------------------------------------------------------------------- */

int
ht_ls(hive_t *h, hive_key_t k, const char *path, unsigned flags)
{
	struct ls_state s;
	uint32_t t;
	size_t plen = strlen(path);
	int rc;

	memset(&s, 0, sizeof(s));
	s.h = h;
	s.salvage = flags & HV_LS_SALVAGE;
	s.first = true;
	for (t = 0; t <= HIVE_REG_QWORD; t++)
		hive_type_name(t, s.types[t], sizeof(s.types[t]));
	/* The top key's path, then each key's below it. */
	rc = buf_reserve(&s.path, plen + 1);
	if (rc == 0 && !(s.at = malloc(16 * sizeof(*s.at))))
		rc = HV_LS_NOMEM;
	if (rc == 0) {
		memcpy(s.path.p, path, plen + 1);
		s.at[0] = s.path.len = plen;
		s.nat = 16;
		if (flags & HV_LS_JSON)
			rc = flags & HV_LS_RECURSIVE ? hive_key_walk(h, k, json_cb, &s)
						     : json_key(&s, k);
		else if (flags & HV_LS_RECURSIVE)
			rc = hive_key_walk(h, k, text_cb, &s);
		else if ((rc = text_key(&s, k)) == 0)
			rc = text_subkeys(&s, k);
	}
	/* Whatever was listed before an error is printed, as it was read; a
	 * JSON line cut short, or the one object, ends with a newline. */
	out_flush(&s);
	if ((flags & HV_LS_JSON) && (!(flags & HV_LS_RECURSIVE) || !s.first))
		putchar('\n');
	free(s.out.p);
	free(s.path.p);
	free(s.name.p);
	free(s.at);
	free(s.vals);
	return rc;
}
