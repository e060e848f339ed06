/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hivetool's JSON reports that are not listings: info (bcdkit.hive-info/1)
 * and check (bcdkit.hive-check/1).  Each is one object whose "schema"
 * names its JSON Schema file in doc/ (doc/hive-info-schema.json, ...);
 * fields are only ever added within a version.  Strings go through the one
 * JSON writer (tool_json_string), so every document is valid UTF-8.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hive-text.h"
#include "tool-util.h"

/* An ISO 8601 UTC time as a JSON string, or null for a zero FILETIME. */
static void
json_filetime(uint64_t ft)
{
	if (!ft) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	ht_print_filetime(stdout, ft);
	putchar('"');
}

static void
json_state(unsigned st)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ HIVE_STATE_DIRTY_SEQ, "dirty_sequence" },
		{ HIVE_STATE_BAD_CHECKSUM, "bad_checksum" },
		{ HIVE_STATE_TRUNCATED, "truncated" },
		{ HIVE_STATE_SALVAGED, "salvaged" },
		{ HIVE_STATE_RECOVERED, "recovered" },
		{ HIVE_STATE_DIRTY_NO_LOGS, "dirty_no_logs" },
	};
	size_t i, n = 0;

	printf(", \"clean\": %s, \"state\": [",
	       st & (HIVE_STATE_DIRTY_SEQ | HIVE_STATE_BAD_CHECKSUM) ? "false" : "true");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (st & flags[i].bit)
			printf("%s\"%s\"", n++ ? ", " : "", flags[i].name);
	putchar(']');
}

void
ht_info_json(const char *path, const struct hive_header *hd, unsigned state,
	     const char *const *logs, const struct hive_stats *st)
{
	size_t i;

	fputs("{\"schema\": \"bcdkit.hive-info/1\", \"file\": ", stdout);
	tool_json_string(stdout, path);
	printf(", \"major\": %u, \"minor\": %u, \"file_type\": %u, \"sequence\": [%u, %u]",
	       hd->major, hd->minor, hd->file_type, hd->seq1, hd->seq2);
	printf(", \"checksum\": %u, \"checksum_ok\": %s", hd->checksum,
	       hd->checksum == hd->checksum_calc ? "true" : "false");
	json_state(state);
	fputs(", \"last_written\": ", stdout);
	json_filetime(hd->timestamp);
	printf(", \"root_offset\": %u, \"hbins_size\": %u, \"clustering\": %u, \"flags\": %u",
	       hd->root_offset, hd->hbins_size, hd->clustering, hd->flags);
	fputs(", \"embedded_name\": ", stdout);
	tool_json_string(stdout, hd->file_name);
	fputs(", \"logs\": [", stdout);
	for (i = 0; logs[i]; i++) {
		fputs(i ? ", " : "", stdout);
		tool_json_string(stdout, logs[i]);
	}
	printf("], \"file_size\": %" PRIu64 ", \"hbins\": %" PRIu64 ", \"keys\": %" PRIu64
	       ", \"values\": %" PRIu64 ", \"used_bytes\": %" PRIu64 ", \"free_bytes\": %" PRIu64
	       "}\n", st->file_size, st->hbins, st->keys, st->values, st->used_bytes,
	       st->free_bytes);
}

static void
check_json_begin(FILE *f, const char *path)
{
	fputs("{\"schema\": \"bcdkit.hive-check/1\", \"file\": ", f);
	tool_json_string(f, path);
	fputs(", \"problems\": [", f);
}

struct check_json {
	FILE *f;
	uint64_t n;     /* problems printed so far */
};

static int
check_json_problem(void *data, const struct hive_problem *p)
{
	struct check_json *c = data;

	fprintf(c->f, "%s\n  {\"offset\": %" PRIu64 ", \"kind\": \"%s\", \"key\": ",
		c->n++ ? "," : "", p->file_offset, hive_problem_kind_name(p->kind));
	tool_json_string(c->f, p->key_path ? (p->key_path[0] ? p->key_path : "\\") : NULL);
	fputs(", \"message\": ", c->f);
	tool_json_string(c->f, p->message);
	fputc('}', c->f);
	return 0;
}

/* The document is built in memory and printed only whole, so a check that
 * fails half way prints no broken JSON. */
int
ht_check_json(hive_t *h, const char *path, uint64_t *count)
{
	struct check_json c = { NULL, 0 };
	char *doc = NULL;
	size_t len = 0;
	int rc;

	*count = 0;
	if (!(c.f = open_memstream(&doc, &len)))
		return -BK_ENOMEM;
	check_json_begin(c.f, path);
	rc = hive_check(h, check_json_problem, &c, count);
	fprintf(c.f, "%s], \"count\": %" PRIu64 "}\n", *count ? "\n" : "", *count);
	if (fclose(c.f) != 0 && rc == 0)
		rc = -BK_ENOMEM;
	if (rc == 0)
		fwrite(doc, 1, len, stdout);
	free(doc);
	return rc;
}
