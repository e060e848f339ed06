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
#include <unistd.h>

#include "bcdkit/disk.h"
#include "bcdkit/hive.h"
#include "hive-text.h"
#include "image-file.h"
#include "tool-util.h"

static void usage(FILE *f);

static const char *const usage_text =
"Usage: hivetool COMMAND [OPTIONS] ARGS...\n"
"\n"
"Inspect and edit Windows registry hive files.\n"
"\n"
"Commands:\n"
"  info HIVE [--json]              header, dirty state, logs, counts\n"
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
"         [--codepage NAME] [--force]\n"
"                                  write KEY and its subtree as .reg or XML\n"
"  import HIVE FILE.reg [--prefix PREFIX] [--codepage NAME] [--create] [--force]\n"
"         [--backup]               merge a .reg file into HIVE (all or nothing)\n"
"  check HIVE [--json]             check every structural rule; list problems\n"
"  recover HIVE [-o OUT] [--dry-run] [--force]\n"
"                                  replay the transaction logs of a dirty hive\n"
"\n"
"Options for every command:\n"
"  --no-logs        show the primary file as stored; do not replay logs\n"
"  --salvage        read what can be read from a damaged hive (read-only)\n"
"  --backup         (edits) copy HIVE to HIVE.bak, logs to LOG.bak first\n"
"  --force          (edits) write even a dirty hive without logs, a read-only\n"
"                   or hard-linked one; replace an existing FILE or -o FILE\n"
"  --commit auto|logged|rewrite\n"
"                   (edits) through the logs in place, or as a new file\n"
"  --wait SECONDS   wait that long for another process's lock (default 5)\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"KEY is a path with \\ separators, relative to the root; HKLM\\SYSTEM\\ and\n"
"similar prefixes are accepted. Exit status: 0 success, 1 not found,\n"
"2 bad usage or unreadable input, 3 in use by another process.\n"
"See hivetool(1).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/*
 * One option table for every command.  Each option has a bit; a command
 * names the bits it takes, and any other option is a usage error.
 */
enum {
	O_NO_LOGS = 1 << 0, O_SALVAGE = 1 << 1, O_JSON = 1 << 2, O_RAW = 1 << 3,
	O_R = 1 << 4, O_P = 1 << 5, O_BACKUP = 1 << 6, O_FORCE = 1 << 7,
	O_ROOT = 1 << 8, O_MINOR = 1 << 9, O_FROM = 1 << 10, O_OUTPUT = 1 << 11,
	O_FORMAT = 1 << 12, O_PREFIX = 1 << 13, O_CREATE = 1 << 14, O_DRY_RUN = 1 << 15,
	O_COMMIT = 1 << 16, O_WAIT = 1 << 17, O_CODEPAGE = 1 << 18,
};
/* What every editing command takes. */
#define O_EDIT (O_NO_LOGS | O_BACKUP | O_FORCE | O_COMMIT)

struct opts {
	unsigned open_flags;     /* HIVE_OPEN_* from --no-logs, --salvage, --force */
	bool json, raw, recursive, parents, backup, create, dry_run;
	const char *root, *from, *output, *format, *prefix, *codepage;
	unsigned minor;
	unsigned commit;         /* HIVE_COMMIT_LOGGED / _REWRITE from --commit */
};

enum {
	LO_NO_LOGS = CHAR_MAX + 1, LO_SALVAGE, LO_JSON, LO_RAW, LO_BACKUP, LO_FORCE,
	LO_ROOT, LO_MINOR, LO_FROM, LO_FORMAT, LO_PREFIX, LO_CREATE, LO_DRY_RUN, LO_COMMIT, LO_WAIT,
	LO_CODEPAGE,
};

static const struct option longopts[] = {
	{ "no-logs", no_argument, NULL, LO_NO_LOGS },
	{ "salvage", no_argument, NULL, LO_SALVAGE },
	{ "json", no_argument, NULL, LO_JSON },
	{ "raw", no_argument, NULL, LO_RAW },
	{ "recursive", no_argument, NULL, 'r' },
	{ "parents", no_argument, NULL, 'p' },
	{ "backup", no_argument, NULL, LO_BACKUP },
	{ "force", no_argument, NULL, LO_FORCE },
	{ "root", required_argument, NULL, LO_ROOT },
	{ "minor", required_argument, NULL, LO_MINOR },
	{ "from", required_argument, NULL, LO_FROM },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, LO_FORMAT },
	{ "prefix", required_argument, NULL, LO_PREFIX },
	{ "codepage", required_argument, NULL, LO_CODEPAGE },
	{ "create", no_argument, NULL, LO_CREATE },
	{ "dry-run", no_argument, NULL, LO_DRY_RUN },
	{ "commit", required_argument, NULL, LO_COMMIT },
	{ "wait", required_argument, NULL, LO_WAIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static unsigned
opt_bit(int c)
{
	switch (c) {
	case LO_NO_LOGS: return O_NO_LOGS;
	case LO_SALVAGE: return O_SALVAGE;
	case LO_JSON: return O_JSON;
	case LO_RAW: return O_RAW;
	case 'r': return O_R;
	case 'p': return O_P;
	case LO_BACKUP: return O_BACKUP;
	case LO_FORCE: return O_FORCE;
	case LO_ROOT: return O_ROOT;
	case LO_MINOR: return O_MINOR;
	case LO_FROM: return O_FROM;
	case 'o': return O_OUTPUT;
	case LO_FORMAT: return O_FORMAT;
	case LO_PREFIX: return O_PREFIX;
	case LO_CODEPAGE: return O_CODEPAGE;
	case LO_CREATE: return O_CREATE;
	case LO_DRY_RUN: return O_DRY_RUN;
	case LO_COMMIT: return O_COMMIT;
	case LO_WAIT: return O_WAIT;
	default: return 0;
	}
}

static void
set_opt(struct opts *o, int c, char **argv)
{
	uint64_t v;

	switch (c) {
	case LO_NO_LOGS: o->open_flags |= HIVE_OPEN_NO_LOGS; break;
	case LO_SALVAGE: o->open_flags |= HIVE_OPEN_SALVAGE; break;
	case LO_FORCE: o->open_flags |= HIVE_OPEN_FORCE; break;
	case LO_JSON: o->json = true; break;
	case LO_RAW: o->raw = true; break;
	case 'r': o->recursive = true; break;
	case 'p': o->parents = true; break;
	case LO_BACKUP: o->backup = true; break;
	case LO_CREATE: o->create = true; break;
	case LO_DRY_RUN: o->dry_run = true; break;
	case LO_WAIT: tool_parse_wait(optarg); break;
	case LO_ROOT: o->root = optarg; break;
	case LO_FROM: o->from = optarg; break;
	case 'o': o->output = optarg; break;
	case LO_FORMAT: o->format = optarg; break;
	case LO_PREFIX: o->prefix = optarg; break;
	case LO_CODEPAGE: o->codepage = optarg; break;
	case LO_COMMIT:
		if (strcmp(optarg, "logged") == 0)
			o->commit = HIVE_COMMIT_LOGGED;
		else if (strcmp(optarg, "rewrite") == 0)
			o->commit = HIVE_COMMIT_REWRITE;
		else if (strcmp(optarg, "auto") != 0)
			tool_usage_error("%s: --commit must be auto, logged or rewrite", argv[0]);
		break;
	case LO_MINOR:
		if (!bk_parse_u64(optarg, &v) || (v != 3 && v != 5))
			tool_usage_error("%s: --minor must be 3 or 5", argv[0]);
		o->minor = (unsigned)v;
		break;
	}
}

/* Parse a command's options; returns optind.  "--" ends options (for DATA
 * starting with '-'); options may also follow the positional arguments. */
static int
parse_opts(int argc, char **argv, struct opts *o, unsigned allowed)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;     /* one message of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, ":rpo:hV", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (c == 'V')
			tool_version();
		if (c == ':')
			tool_usage_error("%s: option '%s' needs an argument", argv[0],
					 argv[optind - 1]);
		/* Every command opens a hive: --wait is valid everywhere. */
		if (c == '?' || !(opt_bit(c) & (allowed | O_WAIT)))
			tool_usage_error("%s: option '%s' is not valid here", argv[0], argv[optind - 1]);
		set_opt(o, c, argv);
	}
	/* The disk library locks the images of IMAGE:PART:\path hives. */
	if (tool_lock_wait_ms >= 0) {
		hive_set_lock_wait((unsigned)tool_lock_wait_ms);
		disk_set_lock_wait((unsigned)tool_lock_wait_ms);
	}
	return optind;
}

/* Exit status of a failed open: 3 in use, 1 refused, 2 unreadable. */
static int
open_status(int rc)
{
	return rc == -BK_EBUSY ? EXIT_BUSY : rc == -BK_EREADONLY ? EXIT_FAIL : EXIT_USAGE;
}

static hive_t *
open_hive(const char *path, unsigned flags)
{
	char err[600];
	hive_t *h;
	int rc = tool_hive_open(&h, path, flags, err, sizeof(err));

	if (rc < 0) {
		tool_err("%s", err);
		exit(open_status(rc));
	}
	hive_set_msg_cb(h, tool_print_note, NULL);
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
find_key(hive_t *h, const char *path, hive_key_t *k)
{
	return path ? hive_key_find(h, path, k) : hive_root(h, k);
}

/* ---- info ----------------------------------------------------------------- */

static int
cmd_info(int argc, char **argv)
{
	struct opts o;
	struct hive_header hd;
	struct hive_stats st;
	int i = parse_opts(argc, argv, &o, O_NO_LOGS | O_SALVAGE | O_JSON), rc;
	hive_t *h;

	if (argc - i != 1)
		tool_usage_error("info: expected HIVE");
	h = open_hive(argv[i], o.open_flags);
	hive_get_header(h, &hd);
	if ((rc = hive_get_stats(h, &st)) < 0)
		return fail(h, rc);
	if (o.json)
		ht_info_json(argv[i], &hd, hive_state(h), hive_log_files(h), &st);
	else
		ht_print_info(argv[i], &hd, hive_state(h), hive_log_files(h), &st);
	hive_close(h);
	return EXIT_OK;
}

/* ---- ls --------------------------------------------------------------------- */

static int
cmd_ls(int argc, char **argv)
{
	struct opts o;
	int i = parse_opts(argc, argv, &o, O_NO_LOGS | O_SALVAGE | O_R | O_JSON), rc;
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
	rc = ht_ls(h, k, path, (o.recursive ? HV_LS_RECURSIVE : 0) | (o.json ? HV_LS_JSON : 0) |
		   (o.open_flags & HIVE_OPEN_SALVAGE ? HV_LS_SALVAGE : 0));
	free(path);
	if (rc == HV_LS_NOMEM) {
		tool_err("out of memory");
		hive_close(h);
		return EXIT_USAGE;
	}
	if (rc < 0)
		return fail(h, rc);
	hive_close(h);
	return EXIT_OK;
}

/* ---- get -------------------------------------------------------------------- */

static int
cmd_get(int argc, char **argv)
{
	struct opts o;
	int i = parse_opts(argc, argv, &o, O_NO_LOGS | O_SALVAGE | O_RAW | O_JSON), rc;
	struct hive_value_view vv;
	hive_key_t k;
	hive_value_t v;
	char *name;
	hive_t *h;

	if (argc - i < 2 || argc - i > 3)
		tool_usage_error("get: expected HIVE KEY [VALUE]");
	if (o.raw && o.json)
		tool_usage_error("get: --raw and --json exclude each other");
	/* Not HIVE_OPEN_LAZY: read-only, that still checks every hbin header
	 * (a page per hbin), which costs about what the full check does, and a
	 * damaged hive must still be refused here as by every reading command. */
	h = open_hive(argv[i], o.open_flags);
	if ((rc = hive_key_find(h, argv[i + 1], &k)) < 0 ||
	    (rc = hive_value_find(h, k, argc - i == 3 ? argv[i + 2] : "", &v)) < 0 ||
	    (rc = ht_load_value(h, v, &name, &vv)) < 0)
		return fail(h, rc);
	if (o.raw) {
		fwrite(vv.data, 1, vv.len, stdout);
	} else if (o.json) {
		fputs("{\"schema\": \"bcdkit.hive-value/1\", \"name\": ", stdout);
		tool_json_string(stdout, name);
		fputs(", ", stdout);
		ht_json_data(stdout, vv.type, vv.data, vv.len);
		fputs("}\n", stdout);
	} else {
		ht_print_data(stdout, vv.type, vv.data, vv.len, "\n");
		putchar('\n');
	}
	free(name);
	hive_value_view_free(&vv);
	hive_close(h);
	return EXIT_OK;
}

/* ---- recover ---------------------------------------------------------------- */

static int
cmd_recover(int argc, char **argv)
{
	struct hive_recover_report rep;
	const char *out, *path;
	unsigned flags;
	char err[600];
	struct opts o;
	int rc;

	optind = parse_opts(argc, argv, &o, O_OUTPUT | O_DRY_RUN | O_FORCE);
	out = o.output;
	flags = (o.dry_run ? HIVE_RECOVER_DRY_RUN : 0) |
		((o.open_flags & HIVE_OPEN_FORCE) ? HIVE_RECOVER_FORCE : 0);
	if (argc - optind != 1)
		tool_usage_error("recover: expected HIVE");
	path = argv[optind];
	if (out && !o.dry_run &&
	    !tool_output_ok(out, o.open_flags & HIVE_OPEN_FORCE, (const char *[]){ path, NULL }))
		return EXIT_FAIL;
	rc = tool_hive_recover(path, out, flags, &rep, err, sizeof(err));
	if (rc < 0) {
		tool_err("%s", err);
		return rc == -BK_EBUSY ? EXIT_BUSY
		       : rc == -BK_EIO || rc == -BK_EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!rep.dirty) {
		printf("%s: clean; nothing to recover, nothing written\n", path);
		return EXIT_OK;
	}
	ht_print_recover_report(path, &rep);
	ht_print_recover_outcome(path, out, (flags & HIVE_RECOVER_DRY_RUN) != 0, &rep);
	return EXIT_OK;
}

/* ---- check ------------------------------------------------------------------ */

static int
cmd_check(int argc, char **argv)
{
	struct opts o;
	int i = parse_opts(argc, argv, &o, O_NO_LOGS | O_SALVAGE | O_JSON), rc;
	uint64_t count;
	hive_t *h;

	if (argc - i != 1)
		tool_usage_error("check: expected HIVE");
	h = open_hive(argv[i], o.open_flags);
	if (o.json) {
		if ((rc = ht_check_json(h, argv[i], &count)) < 0)
			return fail(h, rc);
		hive_close(h);
		return count ? EXIT_FAIL : EXIT_OK;
	}
	if ((rc = hive_check(h, ht_print_problem, NULL, &count)) < 0)
		return fail(h, rc);
	fflush(stdout);    /* the findings before the summary on a shared terminal */
	if (count)
		tool_err("%s: %" PRIu64 " problem%s found", argv[i], count, count == 1 ? "" : "s");
	else
		printf("%s: no problems found\n", argv[i]);
	hive_close(h);
	return count ? EXIT_FAIL : EXIT_OK;
}

/* ---- export / import ---------------------------------------------------------- */

static int
write_stdio(void *data, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, data) == len ? 0 : -BK_EIO;
}

/* --codepage NAME: a name iconv does not know is bad usage (nothing is
 * written yet). */
static void
set_codepage(hive_t *h, const char *name)
{
	if (name && hive_set_reg_codepage(h, name) < 0) {
		tool_err("--codepage: %s", hive_last_error(h));
		hive_close(h);
		exit(EXIT_USAGE);
	}
}

static int
cmd_export(int argc, char **argv)
{
	const char *out, *prefix, *format;
	struct bk_atomic *tmp = NULL;
	struct bk_errbuf eb;
	struct opts o;
	hive_key_t k;
	FILE *f = stdout;
	hive_t *h;
	int rc;

	optind = parse_opts(argc, argv, &o, O_OUTPUT | O_FORMAT | O_PREFIX | O_CODEPAGE | O_NO_LOGS |
			    O_SALVAGE | O_FORCE);
	out = o.output;
	prefix = o.prefix;
	format = o.format ? o.format : "reg";
	if (argc - optind < 1 || argc - optind > 2)
		tool_usage_error("export: expected HIVE [KEY]");
	if (strcmp(format, "reg") && strcmp(format, "reg4") && strcmp(format, "xml"))
		tool_usage_error("export: unknown format '%s' (reg, reg4 or xml)", format);
	if (prefix && strcmp(format, "xml") == 0)
		tool_usage_error("export: --prefix applies to the reg formats only");
	if (o.codepage && strcmp(format, "reg4") != 0)
		tool_usage_error("export: --codepage applies to --format reg4 only");
	if (out && !tool_output_ok(out, o.open_flags & HIVE_OPEN_FORCE,
				   (const char *[]){ argv[optind], NULL }))
		return EXIT_FAIL;
	h = open_hive(argv[optind], o.open_flags & ~(unsigned)HIVE_OPEN_FORCE);
	set_codepage(h, o.codepage);
	if ((rc = find_key(h, argc - optind == 2 ? argv[optind + 1] : NULL, &k)) < 0)
		return fail(h, rc);
	if (out && !(f = bk_atomic_fopen(&eb, out, &tmp))) {
		tool_err("%s", eb.msg);
		hive_close(h);
		return EXIT_FAIL;
	}
	if (strcmp(format, "xml") == 0)
		rc = hive_export_xml(h, k, write_stdio, f);
	else
		rc = hive_export_reg(h, k, strcmp(format, "reg4") == 0 ? HIVE_REG4 : HIVE_REG5,
				     prefix, write_stdio, f);
	if (out && bk_atomic_fclose(&eb, f, tmp, rc == 0) < 0 && rc == 0) {
		if (eb.msg[0])
			tool_err("%s", eb.msg);
		hive_close(h);
		return EXIT_FAIL;
	}
	if (rc < 0)
		return fail(h, rc);
	hive_close(h);
	return EXIT_OK;
}

/* The hive to import into: opened for writing, or (create) made when absent. */
static hive_t *
open_or_create(const char *path, unsigned flags, bool create)
{
	char err[600];
	hive_t *h;

	if (!create || tool_file_exists(path))
		return open_hive(path, flags);
	if (tool_hive_create(&h, path, NULL, 0, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return NULL;
	}
	hive_set_msg_cb(h, tool_print_note, NULL);
	return h;
}

/* The .reg text for hive_import_reg_stream(), a piece at a time. */
/*
 * The .reg text streamed to hive_import_reg_stream(), with the bounds an
 * endless or binary input needs (/dev/zero must not eat the memory): text
 * never starts with a NUL byte (UTF-16 text starts with its BOM), and more
 * than REG_MAX bytes is no .reg file this tool imports.
 */
#define REG_MAX ((uint64_t)4 << 30)

struct reg_in {
	FILE *f;
	uint64_t total;
	const char *refused;     /* why the input was refused, or NULL */
};

static int
read_stdio(void *data, void *buf, size_t len, size_t *got)
{
	struct reg_in *in = data;

	*got = fread(buf, 1, len, in->f);
	if (*got == 0 && ferror(in->f))
		return -BK_EIO;
	if (in->total == 0 && *got > 0 && ((const uint8_t *)buf)[0] == 0)
		in->refused = "not a .reg file (it starts with a NUL byte)";
	else if ((in->total += *got) > REG_MAX)
		in->refused = "longer than 4 GiB; not a .reg file this tool imports (split it)";
	return in->refused ? -BK_ESYNTAX : 0;
}

static int
cmd_import(int argc, char **argv)
{
	struct hive_import_report rep;
	const char *prefix, *hpath, *rpath;
	unsigned flags;
	bool create, backup;
	struct reg_in in = { NULL, 0, NULL };
	struct opts o;
	FILE *text;
	hive_t *h;
	int rc;

	optind = parse_opts(argc, argv, &o, O_PREFIX | O_CODEPAGE | O_CREATE | O_EDIT);
	prefix = o.prefix;
	flags = HIVE_OPEN_WRITE | o.open_flags;
	create = o.create;
	backup = o.backup;
	if (argc - optind != 2)
		tool_usage_error("import: expected HIVE FILE.reg");
	hpath = argv[optind];
	rpath = argv[optind + 1];
	/* Read as it is applied: memory follows the hive, not the text. */
	text = strcmp(rpath, "-") == 0 ? stdin : fopen(rpath, "rb");
	if (!text) {
		tool_err("%s: cannot read: %s", rpath, strerror(errno));
		return EXIT_USAGE;
	}
	if (!(h = open_or_create(hpath, flags, create))) {
		if (text != stdin)
			fclose(text);
		return EXIT_FAIL;
	}
	set_codepage(h, o.codepage);
	in.f = text;
	rc = hive_import_reg_stream(h, read_stdio, &in, prefix, &rep);
	if (rc < 0 && in.refused) {
		tool_err("%s: %s", rpath, in.refused);
		if (text != stdin)
			fclose(text);
		hive_close(h);
		return EXIT_USAGE;
	}
	if (rc < 0 && ferror(text)) {
		tool_err("%s: cannot read: %s", rpath, strerror(errno ? errno : EIO));
		if (text != stdin)
			fclose(text);
		hive_close(h);
		return EXIT_USAGE;
	}
	if (text != stdin)
		fclose(text);
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
	if ((rc = hive_commit(h, (backup ? HIVE_COMMIT_BACKUP : 0) | o.commit)) < 0) {
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

/* ---- edit commands: create, set, del, mkkey, copy, diff --------- */

/* Lazy: a small edit of a large hive reads and checks only what it reaches. */
static hive_t *
edit_open(const char *path, const struct opts *o)
{
	return open_hive(path, HIVE_OPEN_WRITE | HIVE_OPEN_LAZY | o->open_flags);
}

/* Report a library error and close; editors exit 1 on any failed operation. */
static int
edit_fail(hive_t *h, const char *what)
{
	bool say = what && *what;   /* the root's path is "": no empty prefix */

	tool_err("%s%s%s", say ? what : "", say ? ": " : "", hive_last_error(h));
	hive_close(h);
	return EXIT_FAIL;
}

static int
edit_commit(hive_t *h, const struct opts *o)
{
	if (hive_commit(h, (o->backup ? HIVE_COMMIT_BACKUP : 0) | o->commit) < 0)
		return edit_fail(h, NULL);
	hive_close(h);
	return EXIT_OK;
}

static int
cmd_create(int argc, char **argv)
{
	struct opts o;
	char err[600];
	hive_t *h;
	int i = parse_opts(argc, argv, &o, O_BACKUP | O_FORCE | O_ROOT | O_MINOR | O_COMMIT);

	if (argc - i != 1)
		tool_usage_error("create: expected FILE");
	/* A file inside an image is not a host path tool_output_ok() knows. */
	if (tool_file_exists(argv[i]) && !(o.open_flags & HIVE_OPEN_FORCE)) {
		tool_err("%s: file exists (use --force to replace it)", argv[i]);
		return EXIT_FAIL;
	}
	if (!tool_output_ok(argv[i], o.open_flags & HIVE_OPEN_FORCE, NULL))
		return EXIT_FAIL;
	if (tool_hive_create(&h, argv[i], o.root, o.minor ? o.minor : 5, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return EXIT_FAIL;
	}
	return edit_commit(h, &o);
}

static int
cmd_set(int argc, char **argv)
{
	struct opts o;
	hive_key_t k;
	uint32_t type;
	uint8_t *data;
	size_t len;
	hive_t *h;
	int i = parse_opts(argc, argv, &o, O_EDIT), rc;

	if (argc - i < 3)
		tool_usage_error("set: expected HIVE KEY NAME TYPE [DATA...]");
	if (hive_type_parse(argv[i + 3], &type) < 0)
		tool_usage_error("set: unknown type '%s'", argv[i + 3]);
	if (argc - i < 5 && type != HIVE_REG_NONE && type != HIVE_REG_BINARY &&
	    type != HIVE_REG_MULTI_SZ && type <= HIVE_REG_QWORD)
		tool_usage_error("set: expected DATA for type %s", argv[i + 3]);
	switch (ht_encode_data(type, argv + i + 4, argc - i - 4, &data, &len)) {
	case HV_OK:
		break;
	case HV_ARG_COUNT:
		tool_usage_error("set: type %s takes one DATA argument", argv[i + 3]);
	case HV_NOMEM:
		tool_err("out of memory");
		return EXIT_FAIL;
	default:
		tool_usage_error("set: invalid data for type %s", argv[i + 3]);
	}
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
	struct opts o;
	hive_key_t k;
	hive_t *h;
	int i = parse_opts(argc, argv, &o, O_EDIT | O_R), rc;

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
	struct opts o;
	hive_key_t k, p;
	const char *last;
	char *parent;
	hive_t *h;
	int i = parse_opts(argc, argv, &o, O_EDIT | O_P), rc;

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
	struct opts o;
	hive_key_t s, p, k;
	const char *last;
	char *parent;
	hive_t *h, *src;
	int i = parse_opts(argc, argv, &o, O_EDIT | O_FROM), rc;

	if (argc - i != 3)
		tool_usage_error("copy: expected HIVE SRC DST");
	h = edit_open(argv[i], &o);
	src = o.from ? open_hive(o.from, o.open_flags & HIVE_OPEN_NO_LOGS) : h;
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

static int
cmd_diff(int argc, char **argv)
{
	struct opts o;
	struct ht_diff_out d = { false, 0 };
	size_t n = 0;
	hive_t *a, *b;
	int i = parse_opts(argc, argv, &o, O_NO_LOGS | O_JSON), rc;

	if (argc - i != 2)
		tool_usage_error("diff: expected A B");
	d.json = o.json;
	a = open_hive(argv[i], o.open_flags & HIVE_OPEN_NO_LOGS);
	b = open_hive(argv[i + 1], o.open_flags & HIVE_OPEN_NO_LOGS);
	if (d.json) {
		fputs("{\"schema\": \"bcdkit.hive-diff/1\", \"a\": ", stdout);
		tool_json_string(stdout, argv[i]);
		fputs(", \"b\": ", stdout);
		tool_json_string(stdout, argv[i + 1]);
		fputs(", \"differences\": [", stdout);
	}
	rc = hive_diff(a, b, ht_print_diff, &d, &n);
	if (d.json)
		printf("%s]}\n", d.n ? "\n" : "");
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

/* ---- dispatch --------------------------------------------------------------- */

static const struct tool_command commands[] = {
	{ "info", cmd_info },
	{ "ls", cmd_ls },
	{ "get", cmd_get },
	{ "create", cmd_create },
	{ "set", cmd_set },
	{ "del", cmd_del },
	{ "mkkey", cmd_mkkey },
	{ "copy", cmd_copy },
	{ "diff", cmd_diff },
	{ "export", cmd_export },
	{ "import", cmd_import },
	{ "check", cmd_check },
	{ "recover", cmd_recover },
};

int
main(int argc, char **argv)
{
	/* Listings and exports go to files and pipes in large pieces. */
	static char outbuf[1 << 16];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	tool_init(argc, argv);
	return tool_run_command(argc, argv, commands, sizeof(commands) / sizeof(commands[0]), usage);
}
