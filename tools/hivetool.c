/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hivetool: inspect and edit Windows registry hive files.
 * Each command is a thin layer over libbcdkit-hive: parse arguments, call the
 * library, print.  Exit status: 0 success, 1 not found or check failed,
 * 2 bad usage or unreadable input.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bcdkit/hive.h"
#include "tool-util.h"

/* Options every command accepts (how the hive is opened). */
struct common_opts {
	unsigned open_flags;
	bool json;
	bool recursive;
	bool raw;
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
};

static void usage(FILE *f);

/* With --salvage, an unreadable value is reported and skipped, not fatal. */
static bool salvage_mode;

static const char *const usage_text =
"Usage: hivetool COMMAND [OPTIONS] ARGS...\n"
"\n"
"Inspect and edit Windows registry hive files.\n"
"\n"
"Commands:\n"
"  info HIVE                       header, dirty state, logs, counts\n"
"  ls HIVE [KEY] [-r] [--json]     list subkeys and values\n"
"  get HIVE KEY [VALUE] [--raw|--json]\n"
"                                  show a value (@ or \"\" is the default value)\n"
"  create FILE [--root NAME] [--minor 3|5]   make a new, empty hive\n"
"  set HIVE KEY NAME TYPE [DATA...]  create or replace a value (@ = default)\n"
"  del HIVE KEY [NAME] [-r]        delete a value, or a key (-r: with subkeys)\n"
"  mkkey HIVE KEY [-p]             add a key (-p: and missing parents)\n"
"  copy HIVE SRC DST [--from OTHERHIVE]\n"
"                                  copy the key SRC and its subtree to DST\n"
"  diff A B [--json]               keys and values added, removed, changed\n"
"  export HIVE [KEY] [-o FILE] [--format reg|reg4|xml] [--prefix PREFIX]\n"
"                                  write KEY and its subtree as .reg or XML\n"
"  import HIVE FILE.reg [--prefix PREFIX] [--create] [--force] [--backup]\n"
"                                  merge a .reg file into HIVE (all or nothing)\n"
"  check HIVE                      check every structural rule; list problems\n"
"  recover HIVE [-o OUT] [--dry-run]\n"
"                                  replay the transaction logs of a dirty hive\n"
"\n"
"Options for every command:\n"
"  --no-logs        show the primary file as stored; do not replay logs\n"
"  --salvage        read what can be read from a damaged hive (read-only)\n"
"  --backup         (edits) copy HIVE to HIVE.bak, logs to LOG.bak first\n"
"  --force          (edits) write even a dirty hive without logs; replace FILE\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"KEY is a path with \\ separators, relative to the root; HKLM\\SYSTEM\\ and\n"
"similar prefixes are accepted. Exit status: 0 success, 1 not found,\n"
"2 bad usage or unreadable input. See hivetool(1).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* Library notes (log replay, dirty state) go to stderr. */
static void
print_note(void *data, const char *msg)
{
	(void)data;
	fprintf(stderr, "%s: note: %s\n", tool_name, msg);
}

enum { OPT_NO_LOGS = CHAR_MAX + 1, OPT_SALVAGE, OPT_JSON, OPT_RAW, OPT_FORCE, OPT_DRY_RUN };

static const struct option common_longopts[] = {
	{ "no-logs", no_argument, NULL, OPT_NO_LOGS },
	{ "salvage", no_argument, NULL, OPT_SALVAGE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "recursive", no_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Which of the per-command options a command takes. */
enum { ALLOW_JSON = 1, ALLOW_RAW = 2, ALLOW_R = 4 };

static void
check_allowed(int c, unsigned allowed, char **argv)
{
	if ((c == OPT_JSON && !(allowed & ALLOW_JSON)) || (c == OPT_RAW && !(allowed & ALLOW_RAW)) ||
	    (c == 'r' && !(allowed & ALLOW_R)))
		tool_usage_error("%s: option '%s' is not valid here", argv[0], argv[optind - 1]);
}

/* Parse the common options; returns optind.  Positional args follow. */
static int
parse_common(int argc, char **argv, struct common_opts *o, unsigned allowed)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "rhV", common_longopts, NULL)) != -1) {
		check_allowed(c, allowed, argv);
		switch (c) {
		case OPT_NO_LOGS: o->open_flags |= HIVE_OPEN_NO_LOGS; break;
		case OPT_SALVAGE: o->open_flags |= HIVE_OPEN_SALVAGE; salvage_mode = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_RAW: o->raw = true; break;
		case 'r': o->recursive = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': tool_version();
		default: tool_usage_error("%s: bad option", argv[0]);
		}
	}
	return optind;
}

static hive_t *
open_hive(const char *path, unsigned flags)
{
	char err[600];
	hive_t *h;

	if (hive_open(&h, path, flags, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		exit(EXIT_USAGE);
	}
	hive_set_msg_cb(h, print_note, NULL);
	if (hive_state(h) & HIVE_STATE_DIRTY_NO_LOGS)
		tool_warn("%s: hive is dirty and no transaction log was applied", path);
	if (hive_state(h) & HIVE_STATE_TRUNCATED)
		tool_warn("%s: hive is truncated; showing what exists", path);
	return h;
}

/* Report a library error, close the hive; exit code 1 for "not found", 2 for damage. */
static int
fail(hive_t *h, int rc)
{
	tool_err("%s", hive_last_error(h));
	hive_close(h);
	return rc == -BK_ENOTFOUND ? EXIT_FAIL : EXIT_USAGE;
}

static int
skip_if_salvage(hive_t *h, int rc)
{
	if (!salvage_mode || rc == -BK_ENOMEM)
		return rc;
	tool_warn("skipped: %s", hive_last_error(h));
	return 0;
}

static int
find_key(hive_t *h, const char *path, hive_key_t *k)
{
	return path ? hive_key_find(h, path, k) : hive_root(h, k);
}

/* FILETIME (100 ns since 1601) as ISO 8601 UTC. */
static void
print_filetime(FILE *f, uint64_t ft)
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

/* ---- info ----------------------------------------------------------------- */

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

static int
cmd_info(int argc, char **argv)
{
	struct common_opts o;
	struct hive_header hd;
	struct hive_stats st;
	const char *const *logs;
	int i = parse_common(argc, argv, &o, 0), rc;
	hive_t *h;

	if (argc - i != 1)
		tool_usage_error("info: expected HIVE");
	h = open_hive(argv[i], o.open_flags);
	hive_get_header(h, &hd);
	if ((rc = hive_get_stats(h, &st)) < 0)
		return fail(h, rc);
	printf("File:            %s\n", argv[i]);
	printf("Version:         %u.%u\n", hd.major, hd.minor);
	printf("File type:       %u%s\n", hd.file_type, hd.file_type == 0 ? " (primary)" : "");
	printf("Sequence:        %u / %u\n", hd.seq1, hd.seq2);
	printf("Checksum:        0x%08x (%s)\n", hd.checksum,
	       hd.checksum == hd.checksum_calc ? "ok" : "BAD");
	printf("State:           ");
	print_state(hive_state(h));
	printf("Last written:    ");
	print_filetime(stdout, hd.timestamp);
	printf("\nRoot offset:     0x%x\n", hd.root_offset);
	printf("Hive bins size:  %u\n", hd.hbins_size);
	printf("Clustering:      %u\n", hd.clustering);
	printf("Flags:           0x%x\n", hd.flags);
	printf("Embedded name:   %s\n", hd.file_name);
	logs = hive_log_files(h);
	printf("Logs:            %s\n", logs[0] ? logs[0] : "none");
	while (logs[0] && *++logs)
		printf("                 %s\n", *logs);
	printf("File size:       %" PRIu64 "\n", st.file_size);
	printf("Hive bins:       %" PRIu64 "\n", st.hbins);
	printf("Keys:            %" PRIu64 "\n", st.keys);
	printf("Values:          %" PRIu64 "\n", st.values);
	printf("Used bytes:      %" PRIu64 "\n", st.used_bytes);
	printf("Free bytes:      %" PRIu64 "\n", st.free_bytes);
	hive_close(h);
	return EXIT_OK;
}

/* ---- values in human form --------------------------------------------------- */

/* Hex bytes with a separator; built in a buffer (printf per byte dominated ls -r). */
static void
print_hex(FILE *f, const uint8_t *d, size_t len, const char *sep)
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

/* Print data for humans: strings decoded, numbers in hex and decimal. */
static void
print_data(FILE *f, uint32_t type, const uint8_t *d, size_t len, const char *multi_sep)
{
	uint32_t dw;
	uint64_t qw;
	char *s, **v;
	size_t i;

	if ((type == HIVE_REG_SZ || type == HIVE_REG_EXPAND_SZ || type == HIVE_REG_LINK) &&
	    hive_decode_string(d, len, &s) == 0) {
		fputs(s, f);
		free(s);
	} else if (type == HIVE_REG_MULTI_SZ && hive_decode_multi_string(d, len, &v) == 0) {
		for (i = 0; v[i]; i++)
			fprintf(f, "%s%s", i ? multi_sep : "", v[i]);
		hive_free_strv(v);
	} else if (hive_decode_dword(type, d, len, &dw) == 0) {
		fprintf(f, "0x%08x (%u)", dw, dw);
	} else if (type == HIVE_REG_QWORD && hive_decode_qword(d, len, &qw) == 0) {
		fprintf(f, "0x%016" PRIx64 " (%" PRIu64 ")", qw, qw);
	} else {
		print_hex(f, d, len, " ");
	}
}

static void
json_data(FILE *f, uint32_t type, const uint8_t *d, size_t len)
{
	char tn[32], *s, **v;
	uint32_t dw;
	uint64_t qw;
	size_t i;

	fprintf(f, "\"type\": %u, \"type_name\": \"%s\", \"size\": %zu, \"hex\": \"", type,
		hive_type_name(type, tn, sizeof(tn)), len);
	print_hex(f, d, len, "");
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

/* Read a value's name, type and data; prints the error on failure. */
static int
load_value(hive_t *h, hive_value_t v, char **name, uint32_t *type, uint8_t **d, size_t *len)
{
	int rc;

	*name = NULL;
	if ((rc = hive_value_name(h, v, name)) < 0 || (rc = hive_value_type(h, v, type)) < 0 ||
	    (rc = hive_value_data(h, v, d, len)) < 0) {
		free(*name);
		return rc;
	}
	return 0;
}

/* ---- ls --------------------------------------------------------------------- */

static int
ls_values_text(hive_t *h, hive_key_t k)
{
	hive_value_t *vals;
	size_t n, i, len;
	uint32_t type;
	uint8_t *d;
	char *name, tn[32];
	int rc = hive_key_values(h, k, &vals, &n);

	for (i = 0; rc == 0 && i < n; i++) {
		if ((rc = load_value(h, vals[i], &name, &type, &d, &len)) < 0) {
			rc = skip_if_salvage(h, rc);
			continue;
		}
		printf("    %s    %s    ", name[0] ? name : "(Default)", hive_type_name(type, tn, sizeof(tn)));
		print_data(stdout, type, d, len, "\\0");
		putchar('\n');
		free(name);
		free(d);
	}
	free(vals);
	return rc;
}

/* One key in reg-query style: its path, its values, then its subkeys. */
static int
ls_key_text(hive_t *h, hive_key_t k, const char *path, bool recursive)
{
	hive_key_t *subs;
	size_t n, i;
	char *name, *sub;
	int rc;

	printf("%s\n", path[0] ? path : "\\");
	if ((rc = ls_values_text(h, k)) < 0 || (rc = hive_key_subkeys(h, k, &subs, &n)) < 0)
		return rc;
	if (!recursive) {
		if (n)
			putchar('\n');
		for (i = 0; rc == 0 && i < n; i++) {
			if ((rc = hive_key_name(h, subs[i], &name)) == 0)
				printf("%s%s%s\n", path, path[0] ? "\\" : "", name);
			free(name);
		}
	}
	for (i = 0; recursive && rc == 0 && i < n; i++) {
		if ((rc = hive_key_name(h, subs[i], &name)) < 0)
			break;
		sub = malloc(strlen(path) + strlen(name) + 2);
		if (!sub) {
			free(name);
			rc = -BK_ENOMEM;
			break;
		}
		sprintf(sub, "%s%s%s", path, path[0] ? "\\" : "", name);
		putchar('\n');
		rc = ls_key_text(h, subs[i], sub, true);
		free(sub);
		free(name);
	}
	free(subs);
	return rc;
}

static int
ls_key_json(hive_t *h, hive_key_t k, int depth, bool recursive)
{
	hive_key_t *subs;
	hive_value_t *vals;
	size_t n, nv, i, len;
	uint32_t type;
	uint8_t *d;
	char *name;
	bool first;
	int rc = hive_key_name(h, k, &name);

	if (rc < 0)
		return rc;
	fputs("{\"name\": ", stdout);
	tool_json_string(stdout, name);
	free(name);
	if ((rc = hive_key_values(h, k, &vals, &nv)) < 0)
		return rc;
	fputs(", \"values\": [", stdout);
	for (i = 0, first = true; rc == 0 && i < nv; i++) {
		if ((rc = load_value(h, vals[i], &name, &type, &d, &len)) < 0) {
			rc = skip_if_salvage(h, rc);
			continue;
		}
		fputs(first ? "{\"name\": " : ", {\"name\": ", stdout);
		first = false;
		tool_json_string(stdout, name);
		fputs(", ", stdout);
		json_data(stdout, type, d, len);
		fputc('}', stdout);
		free(name);
		free(d);
	}
	free(vals);
	if (rc < 0 || (rc = hive_key_subkeys(h, k, &subs, &n)) < 0)
		return rc;
	fputs("], \"subkeys\": [", stdout);
	for (i = 0; rc == 0 && i < n; i++) {
		fputs(i ? ", " : "", stdout);
		if (recursive) {
			rc = ls_key_json(h, subs[i], depth + 1, true);
		} else if ((rc = hive_key_name(h, subs[i], &name)) == 0) {
			tool_json_string(stdout, name);
			free(name);
		}
	}
	fputs("]}", stdout);
	free(subs);
	return rc;
}

static int
cmd_ls(int argc, char **argv)
{
	struct common_opts o;
	int i = parse_common(argc, argv, &o, ALLOW_R | ALLOW_JSON), rc;
	const char *keypath;
	hive_key_t k;
	char *path = NULL;
	hive_t *h;

	if (argc - i < 1 || argc - i > 2)
		tool_usage_error("ls: expected HIVE [KEY]");
	h = open_hive(argv[i], o.open_flags);
	keypath = argc - i == 2 ? argv[i + 1] : NULL;
	if ((rc = find_key(h, keypath, &k)) < 0 || (rc = hive_key_path(h, k, &path)) < 0)
		return fail(h, rc);
	rc = o.json ? ls_key_json(h, k, 0, o.recursive) : ls_key_text(h, k, path, o.recursive);
	if (o.json)
		putchar('\n');
	free(path);
	if (rc < 0)
		return fail(h, rc);
	hive_close(h);
	return EXIT_OK;
}

/* ---- get -------------------------------------------------------------------- */

static int
cmd_get(int argc, char **argv)
{
	struct common_opts o;
	int i = parse_common(argc, argv, &o, ALLOW_RAW | ALLOW_JSON), rc;
	hive_key_t k;
	hive_value_t v;
	uint32_t type;
	uint8_t *d;
	size_t len;
	char *name;
	hive_t *h;

	if (argc - i < 2 || argc - i > 3)
		tool_usage_error("get: expected HIVE KEY [VALUE]");
	if (o.raw && o.json)
		tool_usage_error("get: --raw and --json exclude each other");
	h = open_hive(argv[i], o.open_flags);
	if ((rc = hive_key_find(h, argv[i + 1], &k)) < 0 ||
	    (rc = hive_value_find(h, k, argc - i == 3 ? argv[i + 2] : "", &v)) < 0 ||
	    (rc = load_value(h, v, &name, &type, &d, &len)) < 0)
		return fail(h, rc);
	if (o.raw) {
		fwrite(d, 1, len, stdout);
	} else if (o.json) {
		fputs("{\"name\": ", stdout);
		tool_json_string(stdout, name);
		fputs(", ", stdout);
		json_data(stdout, type, d, len);
		fputs("}\n", stdout);
	} else {
		print_data(stdout, type, d, len, "\n");
		putchar('\n');
	}
	free(name);
	free(d);
	hive_close(h);
	return EXIT_OK;
}

/* ---- recover ---------------------------------------------------------------- */

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

static void
print_recover_report(const char *path, const struct hive_recover_report *r)
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

static int
cmd_recover(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct hive_recover_report rep;
	const char *out = NULL, *path;
	unsigned flags = 0, i;
	char err[600];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case OPT_DRY_RUN: flags |= HIVE_RECOVER_DRY_RUN; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': tool_version();
		default: tool_usage_error("recover: bad option");
		}
	}
	if (argc - optind != 1)
		tool_usage_error("recover: expected HIVE");
	path = argv[optind];
	rc = hive_recover(path, out, flags, &rep, err, sizeof(err));
	if (rc < 0) {
		tool_err("%s", err);
		return rc == -BK_EIO || rc == -BK_EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!rep.dirty) {
		printf("%s: clean; nothing to recover, nothing written\n", path);
		return EXIT_OK;
	}
	print_recover_report(path, &rep);
	if (flags & HIVE_RECOVER_DRY_RUN) {
		printf("Dry run: nothing written\n");
	} else if (out) {
		printf("Written: %s\n", out);
	} else {
		printf("Written: %s (in place)\n", path);
		printf("Backups: %s.bak", path);
		for (i = 0; i < rep.nlogs; i++)
			if (rep.logs[i].format != HIVE_LOG_NONE)
				printf(", %s.bak", rep.logs[i].name);
		printf("\nLogs emptied:");
		for (i = 0; i < rep.nlogs; i++)
			if (rep.logs[i].format != HIVE_LOG_NONE)
				printf(" %s", rep.logs[i].name);
		putchar('\n');
	}
	return EXIT_OK;
}

/* ---- check ------------------------------------------------------------------ */

/* One problem per line: file offset, kind, key path, message. */
static int
print_problem(void *data, const struct hive_problem *p)
{
	(void)data;
	printf("0x%08" PRIx64 " %-9s ", p->file_offset, hive_problem_kind_name(p->kind));
	if (p->key_path) {
		fputs("key '", stdout);
		fputs(p->key_path[0] ? p->key_path : "\\", stdout);
		fputs("': ", stdout);
	}
	printf("%s\n", p->message);
	return 0;
}

static int
cmd_check(int argc, char **argv)
{
	struct common_opts o;
	int i = parse_common(argc, argv, &o, 0), rc;
	uint64_t count;
	hive_t *h;

	if (argc - i != 1)
		tool_usage_error("check: expected HIVE");
	h = open_hive(argv[i], o.open_flags);
	if ((rc = hive_check(h, print_problem, NULL, &count)) < 0)
		return fail(h, rc);
	fflush(stdout);    /* the findings before the summary on a shared terminal */
	if (count)
		tool_err("%s: %" PRIu64 " problem%s found", argv[i], count, count == 1 ? "" : "s");
	hive_close(h);
	return count ? EXIT_FAIL : EXIT_OK;
}

/* ---- export / import ---------------------------------------------------------- */

static int
write_stdio(void *data, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, data) == len ? 0 : -BK_EIO;
}

static int
cmd_export(int argc, char **argv)
{
	enum { OPT_FORMAT = CHAR_MAX + 64, OPT_PREFIX };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "no-logs", no_argument, NULL, OPT_NO_LOGS },
		{ "salvage", no_argument, NULL, OPT_SALVAGE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *prefix = NULL, *format = "reg";
	unsigned flags = 0;
	char *tmp = NULL;
	hive_key_t k;
	FILE *f = stdout;
	hive_t *h;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_NO_LOGS: flags |= HIVE_OPEN_NO_LOGS; break;
		case OPT_SALVAGE: flags |= HIVE_OPEN_SALVAGE; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': tool_version();
		default: tool_usage_error("export: bad option");
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		tool_usage_error("export: expected HIVE [KEY]");
	if (strcmp(format, "reg") && strcmp(format, "reg4") && strcmp(format, "xml"))
		tool_usage_error("export: unknown format '%s' (reg, reg4 or xml)", format);
	if (prefix && strcmp(format, "xml") == 0)
		tool_usage_error("export: --prefix applies to the reg formats only");
	h = open_hive(argv[optind], flags);
	if ((rc = find_key(h, argc - optind == 2 ? argv[optind + 1] : NULL, &k)) < 0)
		return fail(h, rc);
	if (out && !(f = tool_atomic_open(out, &tmp))) {
		tool_err("%s: cannot create: %s", out, strerror(errno));
		hive_close(h);
		return EXIT_FAIL;
	}
	if (strcmp(format, "xml") == 0)
		rc = hive_export_xml(h, k, write_stdio, f);
	else
		rc = hive_export_reg(h, k, strcmp(format, "reg4") == 0 ? HIVE_REG4 : HIVE_REG5,
				     prefix, write_stdio, f);
	if (out && tool_atomic_close(f, tmp, out, rc == 0) < 0 && rc == 0) {
		tool_err("%s: cannot write: %s", out, strerror(errno));
		hive_close(h);
		return EXIT_FAIL;
	}
	if (rc < 0)
		return fail(h, rc);
	hive_close(h);
	return EXIT_OK;
}

/* Read a whole file ("-": standard input) into memory. */
static int
read_all(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = NULL, *nb;

	if (!f)
		return -1;
	for (;;) {
		if (!(nb = realloc(buf, cap))) {
			errno = ENOMEM;
			break;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f))
				break;
			if (f != stdin)
				fclose(f);
			*out = buf;
			*len = n;
			return 0;
		}
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	free(buf);
	return -1;
}

/* The hive to import into: opened for writing, or (create) made when absent. */
static hive_t *
open_or_create(const char *path, unsigned flags, bool create)
{
	char err[600];
	hive_t *h;

	if (!create || access(path, F_OK) == 0)
		return open_hive(path, flags);
	if (hive_create(&h, path, NULL, 0, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return NULL;
	}
	hive_set_msg_cb(h, print_note, NULL);
	return h;
}

static int
cmd_import(int argc, char **argv)
{
	enum { OPT_PREFIX = CHAR_MAX + 64, OPT_CREATE, OPT_BACKUP };
	static const struct option longopts[] = {
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "create", no_argument, NULL, OPT_CREATE },
		{ "backup", no_argument, NULL, OPT_BACKUP },
		{ "no-logs", no_argument, NULL, OPT_NO_LOGS },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct hive_import_report rep;
	const char *prefix = NULL, *hpath, *rpath;
	unsigned flags = HIVE_OPEN_WRITE;
	bool create = false, backup = false;
	uint8_t *text;
	size_t len;
	hive_t *h;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_CREATE: create = true; break;
		case OPT_BACKUP: backup = true; break;
		case OPT_NO_LOGS: flags |= HIVE_OPEN_NO_LOGS; break;
		case OPT_FORCE: flags |= HIVE_OPEN_FORCE; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': tool_version();
		default: tool_usage_error("import: bad option");
		}
	}
	if (argc - optind != 2)
		tool_usage_error("import: expected HIVE FILE.reg");
	hpath = argv[optind];
	rpath = argv[optind + 1];
	if (read_all(rpath, &text, &len) < 0) {
		tool_err("%s: cannot read: %s", rpath, strerror(errno));
		return EXIT_USAGE;
	}
	if (!(h = open_or_create(hpath, flags, create))) {
		free(text);
		return EXIT_FAIL;
	}
	rc = hive_import_reg(h, text, len, prefix, &rep);
	free(text);
	if (rc < 0) {
		/* Nothing was changed (the import is all or nothing) and nothing is
		 * written.  A line's error names the .reg file, others the hive. */
		if (rep.error_line)
			tool_err("%s: %s", rpath, hive_last_error(h));
		else
			tool_err("%s", hive_last_error(h));
		hive_close(h);
		return rc == -BK_ESYNTAX || rc == -BK_ETOOBIG ? EXIT_USAGE : EXIT_FAIL;
	}
	if ((rc = hive_commit(h, backup ? HIVE_COMMIT_BACKUP : 0)) < 0) {
		tool_err("%s", hive_last_error(h));
		hive_close(h);
		return EXIT_FAIL;
	}
	hive_close(h);
	printf("%s: %lu key%s, %lu value%s set, %lu key%s and %lu value%s deleted\n", hpath,
	       rep.keys, rep.keys == 1 ? "" : "s", rep.values_set, rep.values_set == 1 ? "" : "s",
	       rep.keys_deleted, rep.keys_deleted == 1 ? "" : "s", rep.values_deleted,
	       rep.values_deleted == 1 ? "" : "s");
	return EXIT_OK;
}

/* ---- dispatch --------------------------------------------------------------- */

/* ---- edit commands (issue 3): create, set, del, mkkey, copy, diff --------- */

enum {
	EOPT_BACKUP = CHAR_MAX + 128, EOPT_FORCE, EOPT_ROOT, EOPT_MINOR, EOPT_FROM,
	EOPT_JSON, EOPT_NO_LOGS,
};

/* Which edit options a command takes. */
enum { E_COMMIT = 1, E_ROOT = 2, E_MINOR = 4, E_P = 8, E_R = 16, E_FROM = 32, E_JSON = 64 };

struct edit_opts {
	bool backup, force, parents, recursive, json, no_logs;
	const char *root, *from;
	unsigned minor;
};

static const struct option edit_longopts[] = {
	{ "backup", no_argument, NULL, EOPT_BACKUP },
	{ "force", no_argument, NULL, EOPT_FORCE },
	{ "root", required_argument, NULL, EOPT_ROOT },
	{ "minor", required_argument, NULL, EOPT_MINOR },
	{ "from", required_argument, NULL, EOPT_FROM },
	{ "json", no_argument, NULL, EOPT_JSON },
	{ "no-logs", no_argument, NULL, EOPT_NO_LOGS },
	{ "parents", no_argument, NULL, 'p' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
edit_allowed(int c, unsigned allowed, char **argv)
{
	unsigned need = c == EOPT_BACKUP || c == EOPT_FORCE ? E_COMMIT : c == EOPT_ROOT ? E_ROOT
		      : c == EOPT_MINOR ? E_MINOR : c == 'p' ? E_P : c == 'r' ? E_R
		      : c == EOPT_FROM ? E_FROM : c == EOPT_JSON ? E_JSON : 0;

	if (need && !(allowed & need))
		tool_usage_error("%s: option '%s' is not valid here", argv[0], argv[optind - 1]);
}

/* Parse options; returns optind.  "--" ends options (for DATA starting with '-'). */
static int
parse_edit(int argc, char **argv, struct edit_opts *o, unsigned allowed)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "prhV", edit_longopts, NULL)) != -1) {
		edit_allowed(c, allowed, argv);
		switch (c) {
		case EOPT_BACKUP: o->backup = true; break;
		case EOPT_FORCE: o->force = true; break;
		case EOPT_ROOT: o->root = optarg; break;
		case EOPT_FROM: o->from = optarg; break;
		case EOPT_JSON: o->json = true; break;
		case EOPT_NO_LOGS: o->no_logs = true; break;
		case 'p': o->parents = true; break;
		case 'r': o->recursive = true; break;
		case EOPT_MINOR:
			if (!tool_parse_u64(optarg, &v) || (v != 3 && v != 5))
				tool_usage_error("%s: --minor must be 3 or 5", argv[0]);
			o->minor = (unsigned)v;
			break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': tool_version();
		default: tool_usage_error("%s: bad option", argv[0]);
		}
	}
	return optind;
}

static hive_t *
edit_open(const char *path, const struct edit_opts *o)
{
	return open_hive(path, HIVE_OPEN_WRITE | (o->force ? HIVE_OPEN_FORCE : 0) |
			 (o->no_logs ? HIVE_OPEN_NO_LOGS : 0));
}

/* Report a library error and close; editors exit 1 on any failed operation. */
static int
edit_fail(hive_t *h, const char *what)
{
	tool_err("%s%s%s", what ? what : "", what ? ": " : "", hive_last_error(h));
	hive_close(h);
	return EXIT_FAIL;
}

static int
edit_commit(hive_t *h, const struct edit_opts *o)
{
	if (hive_commit(h, o->backup ? HIVE_COMMIT_BACKUP : 0) < 0)
		return edit_fail(h, NULL);
	hive_close(h);
	return EXIT_OK;
}

static int
cmd_create(int argc, char **argv)
{
	struct edit_opts o;
	char err[600];
	hive_t *h;
	int i = parse_edit(argc, argv, &o, E_COMMIT | E_ROOT | E_MINOR);

	if (argc - i != 1)
		tool_usage_error("create: expected FILE");
	if (access(argv[i], F_OK) == 0 && !o.force) {
		tool_err("%s: file exists (use --force to replace it)", argv[i]);
		return EXIT_FAIL;
	}
	if (hive_create(&h, argv[i], o.root, o.minor ? o.minor : 5, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return EXIT_FAIL;
	}
	return edit_commit(h, &o);
}

/* Append bytes to a growing buffer (exits on allocation failure). */
static void
buf_add(uint8_t **buf, size_t *len, const void *p, size_t n)
{
	uint8_t *nb = realloc(*buf, *len + n + 1);

	if (!nb) {
		tool_err("out of memory");
		exit(EXIT_FAIL);
	}
	memcpy(nb + *len, p, n);
	*buf = nb;
	*len += n;
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
		buf_add(buf, len, b, 2);
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
			buf_add(buf, len, &b, 1);
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
	buf_add(buf, len, "\0\0", 2);
	return true;
}

/* Encode DATA arguments for a type; false with a message on bad data. */
static bool
encode_data(uint32_t type, char **args, int n, uint8_t **buf, size_t *len)
{
	uint64_t v;
	uint8_t b[8];
	int i;

	*buf = NULL;
	*len = 0;
	switch (type) {
	case HIVE_REG_SZ: case HIVE_REG_EXPAND_SZ: case HIVE_REG_LINK:
		if (n != 1)
			tool_usage_error("set: this type takes one DATA argument");
		return add_utf16(buf, len, args[0], strlen(args[0]));
	case HIVE_REG_MULTI_SZ:
		return add_multi(buf, len, args, n);
	case HIVE_REG_DWORD: case HIVE_REG_DWORD_BIG_ENDIAN: case HIVE_REG_QWORD:
		if (n != 1)
			tool_usage_error("set: this type takes one DATA argument");
		if (!tool_parse_u64(args[0], &v) || (type != HIVE_REG_QWORD && v > 0xFFFFFFFFu))
			return false;
		for (i = 0; i < 8; i++)
			b[i] = (uint8_t)(type == HIVE_REG_DWORD_BIG_ENDIAN ? v >> (8 * (3 - i)) : v >> (8 * i));
		buf_add(buf, len, b, type == HIVE_REG_QWORD ? 8 : 4);
		return true;
	default:
		buf_add(buf, len, "", 0);
		for (i = 0; i < n; i++)
			if (!add_hex(buf, len, args[i]))
				return false;
		return true;
	}
}

static int
cmd_set(int argc, char **argv)
{
	struct edit_opts o;
	hive_key_t k;
	uint32_t type;
	uint8_t *data;
	size_t len;
	hive_t *h;
	int i = parse_edit(argc, argv, &o, E_COMMIT), rc;

	if (argc - i < 3)
		tool_usage_error("set: expected HIVE KEY NAME TYPE [DATA...]");
	if (hive_type_parse(argv[i + 3], &type) < 0)
		tool_usage_error("set: unknown type '%s'", argv[i + 3]);
	if (argc - i < 5 && type != HIVE_REG_NONE && type != HIVE_REG_BINARY &&
	    type != HIVE_REG_MULTI_SZ && type <= HIVE_REG_QWORD)
		tool_usage_error("set: expected DATA for type %s", argv[i + 3]);
	if (!encode_data(type, argv + i + 4, argc - i - 4, &data, &len))
		tool_usage_error("set: invalid data for type %s", argv[i + 3]);
	h = edit_open(argv[i], &o);
	rc = hive_key_find(h, argv[i + 1], &k);
	if (rc == 0)
		rc = hive_value_set(h, k, argv[i + 2], type, data, len);
	free(data);
	return rc < 0 ? edit_fail(h, argv[i + 1]) : edit_commit(h, &o);
}

static int
cmd_del(int argc, char **argv)
{
	struct edit_opts o;
	hive_key_t k;
	hive_t *h;
	int i = parse_edit(argc, argv, &o, E_COMMIT | E_R), rc;

	if (argc - i != 2 && argc - i != 3)
		tool_usage_error("del: expected HIVE KEY [NAME]");
	if (argc - i == 3 && o.recursive)
		tool_usage_error("del: -r applies to keys, not values");
	h = edit_open(argv[i], &o);
	rc = hive_key_find(h, argv[i + 1], &k);
	if (rc == 0 && argc - i == 3)
		rc = hive_value_delete(h, k, argv[i + 2]);
	else if (rc == 0)
		rc = hive_key_delete(h, k, o.recursive);
	return rc < 0 ? edit_fail(h, argv[i + 1]) : edit_commit(h, &o);
}

/* Split "A\B\C" into the parent's path ("A\B", or NULL for the root) and "C". */
static char *
split_last(const char *path, const char **last)
{
	const char *s = strrchr(path, '\\');
	char *parent;

	if (!s) {
		*last = path;
		return NULL;
	}
	*last = s + 1;
	parent = strndup(path, (size_t)(s - path));
	if (!parent) {
		tool_err("out of memory");
		exit(EXIT_FAIL);
	}
	return parent;
}

static int
cmd_mkkey(int argc, char **argv)
{
	struct edit_opts o;
	hive_key_t k, p;
	const char *last;
	char *parent;
	hive_t *h;
	int i = parse_edit(argc, argv, &o, E_COMMIT | E_P), rc;

	if (argc - i != 2)
		tool_usage_error("mkkey: expected HIVE KEY");
	h = edit_open(argv[i], &o);
	if (o.parents) {
		rc = hive_key_create_path(h, argv[i + 1], &k);
	} else {
		parent = split_last(argv[i + 1], &last);
		rc = parent ? hive_key_find(h, parent, &p) : hive_root(h, &p);
		free(parent);
		if (rc == 0)
			rc = hive_key_add(h, p, last, &k);
	}
	return rc < 0 ? edit_fail(h, argv[i + 1]) : edit_commit(h, &o);
}

static int
cmd_copy(int argc, char **argv)
{
	struct edit_opts o;
	hive_key_t s, p, k;
	const char *last;
	char *parent;
	hive_t *h, *src;
	int i = parse_edit(argc, argv, &o, E_COMMIT | E_FROM), rc;

	if (argc - i != 3)
		tool_usage_error("copy: expected HIVE SRC DST");
	h = edit_open(argv[i], &o);
	src = o.from ? open_hive(o.from, o.no_logs ? HIVE_OPEN_NO_LOGS : 0) : h;
	rc = hive_key_find(src, argv[i + 1], &s);
	if (rc < 0) {
		tool_err("%s", hive_last_error(src));
		if (src != h)
			hive_close(src);
		hive_close(h);
		return EXIT_FAIL;
	}
	parent = split_last(argv[i + 2], &last);
	rc = parent ? hive_key_find(h, parent, &p) : hive_root(h, &p);
	free(parent);
	if (rc == 0)
		rc = hive_key_copy(h, p, last, src, s, &k);
	if (src != h)
		hive_close(src);
	return rc < 0 ? edit_fail(h, argv[i + 2]) : edit_commit(h, &o);
}

struct diff_out {
	bool json;
	size_t n;
};

static int
print_diff(void *data, const struct hive_diff_item *it)
{
	static const char *const change[] = { "", "added", "removed", "changed", "added", "removed",
					      "changed" };
	static const char *const sign[] = { "", "+", "-", "~", "+", "-", "~" };
	struct diff_out *d = data;
	const char *what = it->value ? "value" : it->kind == HIVE_DIFF_CLASS_CHANGED ? "class" : "key";

	if (!d->json) {
		printf("%s %-5s %s", sign[it->kind], what, it->path[0] ? it->path : "\\");
		if (it->value)
			printf("  %s", it->value[0] ? it->value : "@");
		putchar('\n');
		return 0;
	}
	printf("%s\n  {\"change\": \"%s\", \"what\": \"%s\", \"path\": ", d->n++ ? "," : "[",
	       change[it->kind], what);
	tool_json_string(stdout, it->path);
	if (it->value) {
		printf(", \"name\": ");
		tool_json_string(stdout, it->value);
	}
	putchar('}');
	return 0;
}

static int
cmd_diff(int argc, char **argv)
{
	struct edit_opts o;
	struct diff_out d = { false, 0 };
	size_t n = 0;
	hive_t *a, *b;
	int i = parse_edit(argc, argv, &o, E_JSON), rc;

	if (argc - i != 2)
		tool_usage_error("diff: expected A B");
	d.json = o.json;
	a = open_hive(argv[i], o.no_logs ? HIVE_OPEN_NO_LOGS : 0);
	b = open_hive(argv[i + 1], o.no_logs ? HIVE_OPEN_NO_LOGS : 0);
	rc = hive_diff(a, b, print_diff, &d, &n);
	if (d.json)
		printf(d.n ? "\n]\n" : "[]\n");
	if (rc < 0) {
		tool_err("%s", hive_last_error(a));
		hive_close(b);
		hive_close(a);
		return EXIT_USAGE;
	}
	hive_close(a);
	hive_close(b);
	return n ? EXIT_FAIL : EXIT_OK;
}

static const struct command commands[] = {
	{ "info", cmd_info, "info HIVE" },
	{ "ls", cmd_ls, "ls HIVE [KEY] [-r] [--json]" },
	{ "get", cmd_get, "get HIVE KEY [VALUE] [--raw|--json]" },
	{ "create", cmd_create, "create FILE [--root NAME] [--minor 3|5]" },
	{ "set", cmd_set, "set HIVE KEY NAME TYPE [DATA...]" },
	{ "del", cmd_del, "del HIVE KEY [NAME] [-r]" },
	{ "mkkey", cmd_mkkey, "mkkey HIVE KEY [-p]" },
	{ "copy", cmd_copy, "copy HIVE SRC DST [--from OTHERHIVE]" },
	{ "diff", cmd_diff, "diff A B [--json]" },
	{ "export", cmd_export, "export HIVE [KEY] [-o FILE] [--format reg|reg4|xml] [--prefix PREFIX]" },
	{ "import", cmd_import, "import HIVE FILE.reg [--prefix PREFIX] [--create] [--force] [--backup]" },
	{ "check", cmd_check, "check HIVE" },
	{ "recover", cmd_recover, "recover HIVE [-o OUT] [--dry-run]" },
};

int
main(int argc, char **argv)
{
	size_t i;

	tool_init(argc, argv);
	if (argc < 2)
		tool_usage_error("missing command");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		tool_version();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	tool_usage_error("unknown command '%s'", argv[1]);
}
