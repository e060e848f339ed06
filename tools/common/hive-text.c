/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bcdkit/hive.h"
#include "hive-text.h"
#include "tool-util.h"

/* FILETIME (100 ns since 1601) as ISO 8601 UTC. */
void
ht_print_filetime(FILE *f, uint64_t ft)
{
	time_t t = (time_t)(ft / 10000000ULL) - 11644473600LL;
	struct tm tm;
	char buf[32];

	if (ft == 0 || !gmtime_r(&t, &tm)) {
		fputs("-", f);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs(buf, f);
}

/* Hex bytes with a separator; built in a buffer (printf per byte dominated ls -r). */
void
ht_print_hex(FILE *f, const uint8_t *d, size_t len, const char *sep)
{
	static const char hex[] = "0123456789abcdef";
	size_t seplen = strlen(sep), i;
	char buf[4096];
	size_t n = 0;

	for (i = 0; i < len; i++) {
		if (n + seplen + 2 > sizeof(buf)) {
			fwrite(buf, 1, n, f);
			n = 0;
		}
		if (i) {
			memcpy(buf + n, sep, seplen);
			n += seplen;
		}
		buf[n++] = hex[d[i] >> 4];
		buf[n++] = hex[d[i] & 15];
	}
	fwrite(buf, 1, n, f);
}

/* "0x%08x (%u)", without printf: a listing prints many. */
static void
print_dword(FILE *f, uint32_t dw)
{
	static const char hex[] = "0123456789abcdef";
	char b[32], t[12];
	size_t n = 0, k = 0;
	uint32_t v = dw;
	int i;

	b[n++] = '0';
	b[n++] = 'x';
	for (i = 7; i >= 0; i--)
		b[n++] = hex[(dw >> (4 * i)) & 15];
	b[n++] = ' ';
	b[n++] = '(';
	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		b[n++] = t[--k];
	b[n++] = ')';
	fwrite(b, 1, n, f);
}

/* Print data for humans: strings decoded, numbers in hex and decimal. */
void
ht_print_data(FILE *f, uint32_t type, const uint8_t *d, size_t len, const char *multi_sep)
{
	uint32_t dw;
	uint64_t qw;
	char *s, **v;
	size_t i;

	if ((type == HIVE_REG_SZ || type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_LINK) &&
	    hive_decode_string(d, len, &s) == 0) {
		tool_print_text(f, s);    /* no control characters from a hive */
		free(s);
	} else if (type == HIVE_REG_MULTI_SZ && hive_decode_multi_string(d, len, &v) == 0) {
		for (i = 0; v[i]; i++) {
			fputs(i ? multi_sep : "", f);
			tool_print_text(f, v[i]);
		}
		hive_free_strv(v);
	} else if (hive_decode_dword(type, d, len, &dw) == 0) {
		print_dword(f, dw);
	} else if (type == HIVE_REG_QWORD && hive_decode_qword(d, len, &qw) == 0) {
		fprintf(f, "0x%016" PRIx64 " (%" PRIu64 ")", qw, qw);
	} else {
		ht_print_hex(f, d, len, " ");
	}
}

void
ht_json_data(FILE *f, uint32_t type, const uint8_t *d, size_t len)
{
	char tn[32], *s, **v;
	uint32_t dw;
	uint64_t qw;
	size_t i;

	fprintf(f, "\"type\": %u, \"type_name\": \"%s\", \"size\": %zu, \"hex\": \"", type,
		hive_type_name(type, tn, sizeof(tn)), len);
	ht_print_hex(f, d, len, "");
	fputc('"', f);
	if ((type == HIVE_REG_SZ || type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_LINK) &&
	    hive_decode_string(d, len, &s) == 0) {
		fputs(", \"string\": ", f);
		tool_json_string(f, s);
		free(s);
	} else if (type == HIVE_REG_MULTI_SZ && hive_decode_multi_string(d, len, &v) == 0) {
		fputs(", \"strings\": [", f);
		for (i = 0; v[i]; i++) {
			fputs(i ? ", " : "", f);
			tool_json_string(f, v[i]);
		}
		fputc(']', f);
		hive_free_strv(v);
	} else if (hive_decode_dword(type, d, len, &dw) == 0) {
		fprintf(f, ", \"number\": %u", dw);
	} else if (type == HIVE_REG_QWORD && hive_decode_qword(d, len, &qw) == 0) {
		fprintf(f, ", \"number\": %" PRIu64, qw);
	}
}

/* Append bytes to a growing buffer; false when out of memory. */
static bool
buf_add(uint8_t **buf, size_t *len, const void *p, size_t n)
{
	uint8_t *nb = realloc(*buf, *len + n + 1);

	if (!nb)
		return false;
	memcpy(nb + *len, p, n);
	*buf = nb;
	*len += n;
	return true;
}

/* UTF-8 text as UTF-16LE with its terminating NUL. */
static bool
add_utf16(uint8_t **buf, size_t *len, const char *s, size_t slen)
{
	uint16_t *u;
	size_t n, k;

	if (hive_name_to_utf16(s, slen, &u, &n) < 0)
		return false;
	for (k = 0; k <= n; k++) {
		uint8_t b[2] = { (uint8_t)(k < n ? u[k] : 0), (uint8_t)(k < n ? u[k] >> 8 : 0) };
		if (!buf_add(buf, len, b, 2)) {
			free(u);
			return false;
		}
	}
	free(u);
	return true;
}

/* Hex bytes: pairs of digits, optionally separated by commas, spaces or colons. */
static bool
add_hex(uint8_t **buf, size_t *len, const char *s)
{
	int hi = -1;

	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
		      : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
		if (d < 0) {
			if ((*s == ',' || *s == ' ' || *s == ':') && hi < 0)
				continue;
			return false;
		}
		if (hi < 0) {
			hi = d;
		} else {
			uint8_t b = (uint8_t)(hi << 4 | d);
			if (!buf_add(buf, len, &b, 1))
				return false;
			hi = -1;
		}
	}
	return hi < 0;
}

/* REG_MULTI_SZ: each argument is one string, and so is each part between
 * literal "\0" sequences inside an argument. */
static bool
add_multi(uint8_t **buf, size_t *len, char **args, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *s = args[i], *e;
		while ((e = strstr(s, "\\0")) != NULL) {
			if (!add_utf16(buf, len, s, (size_t)(e - s)))
				return false;
			s = e + 2;
		}
		if ((*s || s == args[i]) && !add_utf16(buf, len, s, strlen(s)))
			return false;
	}
	return buf_add(buf, len, "\0\0", 2);
}

int
ht_encode_data(uint32_t type, char **args, int n, uint8_t **buf, size_t *len)
{
	uint64_t v;
	uint8_t b[8];
	bool ok = true;
	int i;

	*buf = NULL;
	*len = 0;
	switch (type) {
	case HIVE_REG_SZ: case HIVE_REG_EXPAND_SZ: case HIVE_REG_LINK:
		if (n != 1)
			return HV_ARG_COUNT;
		ok = add_utf16(buf, len, args[0], strlen(args[0]));
		break;
	case HIVE_REG_MULTI_SZ:
		ok = add_multi(buf, len, args, n);
		break;
	case HIVE_REG_DWORD: case HIVE_REG_DWORD_BIG_ENDIAN: case HIVE_REG_QWORD:
		if (n != 1)
			return HV_ARG_COUNT;
		if (!bk_parse_u64(args[0], &v) || (type != HIVE_REG_QWORD && v > 0xFFFFFFFFu))
			return HV_BAD_DATA;
		for (i = 0; i < 8; i++)
			b[i] = (uint8_t)(type == HIVE_REG_DWORD_BIG_ENDIAN ? v >> (8 * (3 - i)) : v >> (8 * i));
		ok = buf_add(buf, len, b, type == HIVE_REG_QWORD ? 8 : 4);
		break;
	default:
		ok = buf_add(buf, len, "", 0);
		for (i = 0; ok && i < n; i++)
			if (!add_hex(buf, len, args[i])) {
				free(*buf);
				*buf = NULL;
				return HV_BAD_DATA;
			}
		break;
	}
	if (!ok) {
		bool text = type == HIVE_REG_SZ || type == HIVE_REG_EXPAND_SZ ||
			    type == HIVE_REG_LINK || type == HIVE_REG_MULTI_SZ;

		free(*buf);
		*buf = NULL;
		/* Text fails on invalid UTF-8 far more often than on memory. */
		return text ? HV_BAD_DATA : HV_NOMEM;
	}
	return HV_OK;
}

static const char *
log_format_name(int format)
{
	return format == HIVE_LOG_NEW ? "new format" : "old format";
}

static void
print_recover_log(const struct hive_recover_log *l)
{
	if (l->format == HIVE_LOG_NONE) {
		printf("  %s: %s\n", l->name, l->note);
		return;
	}
	printf("  %s: %s", l->name, log_format_name(l->format));
	if (l->used && l->format == HIVE_LOG_NEW)
		printf(", applied %u entr%s (seq %u..%u), %u page run%s", l->entries,
		       l->entries == 1 ? "y" : "ies", l->first_seq, l->last_seq, l->runs,
		       l->runs == 1 ? "" : "s");
	else if (l->used)
		printf(", applied %u page%s", l->runs, l->runs == 1 ? "" : "s");
	/* A used log whose entries end at a damaged one says where and why. */
	if (l->note[0] && (!l->used || strstr(l->note, "stopped at")))
		printf(", %s", l->note);
	putchar('\n');
}

void
ht_print_recover_report(const char *path, const struct hive_recover_report *r)
{
	unsigned i;

	if (r->bad_checksum)
		printf("%s: dirty (bad base block checksum)\n", path);
	else
		printf("%s: dirty (seq %u/%u)\n", path, r->seq1, r->seq2);
	printf("Logs:\n");
	for (i = 0; i < r->nlogs; i++)
		print_recover_log(&r->logs[i]);
	if (r->format == HIVE_LOG_NEW) {
		printf("Entries applied: %u\n", r->entries);
		printf("Page runs applied: %u\n", r->runs);
		printf("Last sequence number: %u\n", r->last_seq);
	} else {
		printf("Pages applied: %u\n", r->pages);
	}
	printf("Base block: %s\n", r->base_from_log ? "rebuilt from the log" : "the hive's own");
	if (r->bad_checksum)
		printf("Hive bins size: 0x%x\n", r->hbins_after);
	else
		printf("Hive bins size: 0x%x -> 0x%x\n", r->hbins_before, r->hbins_after);
	printf("New sequence numbers: %u/%u\n", r->new_seq, r->new_seq);
}

/* What hivetool recover did besides the replay: where the result went. */
void
ht_print_recover_outcome(const char *path, const char *out, bool dry_run,
			 const struct hive_recover_report *r)
{
	unsigned i;

	if (dry_run) {
		printf("Dry run: nothing written\n");
		return;
	}
	if (out) {
		printf("Written: %s\n", out);
		return;
	}
	printf("Written: %s (in place)\n", path);
	printf("Backups: %s.bak", path);
	for (i = 0; i < r->nlogs; i++)
		if (r->logs[i].format != HIVE_LOG_NONE)
			printf(", %s.bak", r->logs[i].name);
	printf("\nLogs emptied:");
	for (i = 0; i < r->nlogs; i++)
		if (r->logs[i].format != HIVE_LOG_NONE)
			printf(" %s", r->logs[i].name);
	putchar('\n');
}

/* ---- info ------------------------------------------------------------------- */

static void
print_state(unsigned st)
{
	if (!(st & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM)))
		printf("clean");
	else
		printf("dirty (%s%s%s)", st & HIVE_STATE_DIRTY_SEQ ? "seq1 != seq2" : "",
		       (st & HIVE_STATE_DIRTY_SEQ) && (st & HIVE_STATE_BAD_CHECKSUM) ? ", " : "",
		       st & HIVE_STATE_BAD_CHECKSUM ? "bad checksum" : "");
	if (st & HIVE_STATE_RECOVERED)
		printf(", recovered from logs in memory");
	if (st & HIVE_STATE_DIRTY_NO_LOGS)
		printf(", no log applied");
	if (st & HIVE_STATE_TRUNCATED)
		printf(", truncated");
	if (st & HIVE_STATE_SALVAGED)
		printf(", damaged parts skipped");
	putchar('\n');
}

void
ht_print_info(const char *path, const struct hive_header *hd, unsigned state,
	      const char *const *logs, const struct hive_stats *st)
{
	printf("File:            ");
	tool_print_text(stdout, path);
	putchar('\n');
	printf("Version:         %u.%u\n", hd->major, hd->minor);
	printf("File type:       %u%s\n", hd->file_type, hd->file_type == 0 ? " (primary)" : "");
	printf("Sequence:        %u / %u\n", hd->seq1, hd->seq2);
	printf("Checksum:        0x%08x (%s)\n", hd->checksum,
	       hd->checksum == hd->checksum_calc ? "ok" : "BAD");
	printf("State:           ");
	print_state(state);
	printf("Last written:    ");
	ht_print_filetime(stdout, hd->timestamp);
	printf("\nRoot offset:     0x%x\n", hd->root_offset);
	printf("Hive bins size:  %u\n", hd->hbins_size);
	printf("Clustering:      %u\n", hd->clustering);
	printf("Flags:           0x%x\n", hd->flags);
	printf("Embedded name:   ");
	tool_print_text(stdout, hd->file_name);
	printf("\nLogs:            ");
	tool_print_text(stdout, logs[0] ? logs[0] : "none");
	putchar('\n');
	while (logs[0] && *++logs) {
		printf("                 ");
		tool_print_text(stdout, *logs);
		putchar('\n');
	}
	printf("File size:       %" PRIu64 "\n", st->file_size);
	printf("Hive bins:       %" PRIu64 "\n", st->hbins);
	printf("Keys:            %" PRIu64 "\n", st->keys);
	printf("Values:          %" PRIu64 "\n", st->values);
	printf("Used bytes:      %" PRIu64 "\n", st->used_bytes);
	printf("Free bytes:      %" PRIu64 "\n", st->free_bytes);
}

/* ---- ls ----------------------------------------------------------------------- */

/* Name, type and data of a value; the data read in place (no copy). */
int
ht_load_value(hive_t *h, hive_value_t v, char **name, struct hive_value_view *vv)
{
	int rc;

	*name = NULL;
	if ((rc = hive_value_name(h, v, name)) < 0 || (rc = hive_value_view(h, v, vv)) < 0) {
		free(*name);
		return rc;
	}
	return 0;
}

/* ---- check and diff ------------------------------------------------------------ */

/* One problem per line: file offset, kind, key path, message. */
int
ht_print_problem(void *data, const struct hive_problem *p)
{
	(void)data;
	printf("0x%08" PRIx64 " %-9s ", p->file_offset, hive_problem_kind_name(p->kind));
	if (p->key_path) {
		fputs("key '", stdout);
		tool_print_text(stdout, p->key_path[0] ? p->key_path : "\\");
		fputs("': ", stdout);
	}
	tool_print_text(stdout, p->message);
	putchar('\n');
	return 0;
}

int
ht_print_diff(void *data, const struct hive_diff_item *it)
{
	static const char *const change[] = { "", "added", "removed", "changed", "added", "removed",
					      "changed" };
	static const char *const sign[] = { "", "+", "-", "~", "+", "-", "~" };
	struct ht_diff_out *d = data;
	const char *what = it->value ? "value" : it->kind == HIVE_DIFF_CLASS_CHANGED ? "class" : "key";

	if (!d->json) {
		printf("%s %-5s ", sign[it->kind], what);
		tool_print_text(stdout, it->path[0] ? it->path : "\\");
		if (it->value) {
			fputs("  ", stdout);
			tool_print_text(stdout, it->value[0] ? it->value : "@");
		}
		putchar('\n');
		return 0;
	}
	printf("%s\n  {\"change\": \"%s\", \"what\": \"%s\", \"path\": ", d->n++ ? "," : "",
	       change[it->kind], what);
	tool_json_string(stdout, it->path);
	if (it->value) {
		printf(", \"name\": ");
		tool_json_string(stdout, it->value);
	}
	putchar('}');
	return 0;
}
