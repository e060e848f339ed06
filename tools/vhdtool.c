/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vhdtool: create, inspect and convert disk images (raw, VHD, VHDX).
 * Each command is a thin layer over libbcdkit-disk.  Exit status: 0 success,
 * 1 operation failed, 2 bad usage or unreadable input.
 *
 * Adding a command: write a cmd_NAME(argc, argv) that parses its options
 * with getopt_long (argv[0] is the command name), add a line to usage_text
 * and to commands[] at the end of the file.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcdkit/disk.h"
#include "tool-util.h"

static const char *const usage_text =
"Usage: vhdtool COMMAND [OPTIONS] ARGS...\n"
"\n"
"Create, inspect and convert disk images: raw, VHD and VHDX.\n"
"\n"
"Commands:\n"
"  create FILE --size SIZE [--format FMT] [--type TYPE] [--block-size SIZE] [--exact]\n"
"                                  make an empty image\n"
"  info FILE [--json]              format, sizes, geometry, creator\n"
"  convert IN OUT [--format FMT] [--type TYPE] [--block-size SIZE]\n"
"                                  copy IN into a new image OUT\n"
"\n"
"Options:\n"
"  -s, --size SIZE        virtual size: bytes, or with a K, M, G, T suffix\n"
"                         (binary) or s (512-byte sectors); rounded up to a\n"
"                         whole MiB unless --exact is given\n"
"      --exact            keep SIZE as given (it must be a multiple of 512)\n"
"  -f, --format FMT       raw, vhd or vhdx (default: from the extension of the\n"
"                         new file: .vhd, .vhdx, anything else raw)\n"
"  -t, --type TYPE        fixed, or dynamic (also: expandable); default dynamic\n"
"      --block-size SIZE  dynamic block size (default VHD 2M, VHDX 32M)\n"
"      --json             machine-readable output (info)\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Images are recognised by content, not by name. New images are written to a\n"
"temporary file and renamed into place when complete. Exit status: 0 success,\n"
"1 failure, 2 bad usage or unreadable input. See vhdtool(1).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* Library notes (a replayed VHDX log) go to stderr. */
static void
print_note(void *data, const char *msg)
{
	(void)data;
	fprintf(stderr, "%s: note: %s\n", tool_name, msg);
}

enum { OPT_EXACT = CHAR_MAX + 1, OPT_JSON, OPT_BLOCK_SIZE };

static const struct option longopts[] = {
	{ "size", required_argument, NULL, 's' },
	{ "format", required_argument, NULL, 'f' },
	{ "type", required_argument, NULL, 't' },
	{ "block-size", required_argument, NULL, OPT_BLOCK_SIZE },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Options of every command; "allowed" says which one a command takes. */
struct opts {
	uint64_t size;
	bool have_size;
	bool exact;
	bool json;
	struct disk_create_opts create;
};

enum { ALLOW_SIZE = 1, ALLOW_FORMAT = 2, ALLOW_JSON = 4 };

static enum disk_format
parse_format(const char *s)
{
	if (strcmp(s, "raw") == 0)
		return DISK_FORMAT_RAW;
	if (strcmp(s, "vhd") == 0 || strcmp(s, "vpc") == 0)
		return DISK_FORMAT_VHD;
	if (strcmp(s, "vhdx") == 0)
		return DISK_FORMAT_VHDX;
	tool_usage_error("unknown format '%s' (use raw, vhd or vhdx)", s);
}

static enum disk_type
parse_type(const char *s)
{
	if (strcmp(s, "fixed") == 0)
		return DISK_TYPE_FIXED;
	if (strcmp(s, "dynamic") == 0 || strcmp(s, "expandable") == 0)
		return DISK_TYPE_DYNAMIC;
	tool_usage_error("unknown type '%s' (use fixed or dynamic)", s);
}

static void
parse_one(int c, struct opts *o, unsigned allowed, char **argv)
{
	if (((c == 's' || c == OPT_EXACT) && !(allowed & ALLOW_SIZE)) ||
	    ((c == 'f' || c == 't' || c == OPT_BLOCK_SIZE) && !(allowed & ALLOW_FORMAT)) ||
	    (c == OPT_JSON && !(allowed & ALLOW_JSON)))
		tool_usage_error("%s: option '%s' is not valid here", argv[0], argv[optind - 1]);
	switch (c) {
	case 's':
		if (!tool_parse_size(optarg, &o->size) || o->size == 0)
			tool_usage_error("bad size '%s'", optarg);
		o->have_size = true;
		break;
	case OPT_EXACT: o->exact = true; break;
	case OPT_JSON: o->json = true; break;
	case 'f': o->create.format = parse_format(optarg); break;
	case 't': o->create.type = parse_type(optarg); break;
	case OPT_BLOCK_SIZE: {
		uint64_t bs;
		if (!tool_parse_size(optarg, &bs) || bs == 0 || bs > UINT32_MAX || (bs & (bs - 1)))
			tool_usage_error("bad block size '%s' (a power of two)", optarg);
		o->create.block_size = (uint32_t)bs;
		break;
	}
	case 'h': usage(stdout); exit(EXIT_OK);
	case 'V': tool_version();
	case ':': tool_usage_error("%s: option '%s' needs an argument", argv[0], argv[optind - 1]);
	default: tool_usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
	}
}

/* Parse options; returns the index of the first positional argument and
 * checks that exactly nargs of them follow. */
static int
parse_opts(int argc, char **argv, struct opts *o, unsigned allowed, int nargs)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;     /* one message of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, ":s:f:t:hV", longopts, NULL)) != -1)
		parse_one(c, o, allowed, argv);
	if (argc - optind != nargs)
		tool_usage_error("%s: expected %d argument%s", argv[0], nargs, nargs == 1 ? "" : "s");
	return optind;
}

static disk_t *
open_disk(const char *path)
{
	struct disk_info in;
	char err[600];
	disk_t *d;

	if (disk_open(&d, path, 0, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		exit(EXIT_USAGE);
	}
	disk_set_msg_cb(d, print_note, NULL);
	if (disk_get_info(d, &in) == 0 && in.log_replayed)
		tool_warn("%s: the VHDX log was not empty; replayed it in memory", path);
	return d;
}

/* ---- create --------------------------------------------------------------- */

static int
cmd_create(int argc, char **argv)
{
	struct opts o;
	char err[600];
	disk_t *d;
	int i = parse_opts(argc, argv, &o, ALLOW_SIZE | ALLOW_FORMAT, 1);

	if (!o.have_size)
		tool_usage_error("create: --size is required");
	if (!o.exact)
		o.size = (o.size + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
	else if (o.size % 512)
		tool_usage_error("create: --exact size %" PRIu64 " is not a multiple of 512", o.size);
	o.create.size = o.size;
	if (disk_create(&d, argv[i], &o.create, err, sizeof(err)) < 0) {
		tool_err("%s", err);
		return EXIT_FAIL;
	}
	if (disk_commit(d) < 0) {
		tool_err("%s", disk_last_error(d));
		disk_close(d);
		return EXIT_FAIL;
	}
	return disk_close(d) < 0 ? EXIT_FAIL : EXIT_OK;
}

/* ---- info ------------------------------------------------------------------ */

/* VHD stores its unique id as plain big-endian bytes, VHDX in Windows GUID
 * order (first three fields little-endian); print both the usual way. */
static void
format_id(const struct disk_info *in, char out[37])
{
	const uint8_t *g = in->disk_id;
	uint8_t b[16];
	int i;

	memcpy(b, g, 16);
	if (in->format == DISK_FORMAT_VHDX) {
		b[0] = g[3]; b[1] = g[2]; b[2] = g[1]; b[3] = g[0];
		b[4] = g[5]; b[5] = g[4]; b[6] = g[7]; b[7] = g[6];
	}
	for (i = 0; i < 16; i++)
		out += sprintf(out, "%s%02X", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", b[i]);
}

static void
info_text(const char *path, const struct disk_info *in, const char *id)
{
	printf("file:           %s\n", path);
	printf("format:         %s%s\n", disk_format_name(in->format),
	       in->block_device ? " (block device)" : "");
	printf("type:           %s\n", disk_type_name(in->type));
	printf("virtual size:   %" PRIu64 " bytes (%.1f MiB)\n", in->virtual_size,
	       in->virtual_size / 1048576.0);
	printf("file size:      %" PRIu64 " bytes\n", in->file_size);
	printf("allocated:      %" PRIu64 " bytes\n", in->allocated);
	if (in->block_size)
		printf("block size:     %" PRIu32 " bytes\n", in->block_size);
	printf("sector size:    %" PRIu32 " logical, %" PRIu32 " physical\n", in->logical_sector,
	       in->physical_sector);
	if (in->format == DISK_FORMAT_VHD)
		printf("geometry:       %" PRIu32 "/%" PRIu32 "/%" PRIu32 " (C/H/S)\n", in->cylinders,
		       in->heads, in->sectors_per_track);
	if (in->format != DISK_FORMAT_RAW) {
		printf("creator:        %s\n", in->creator);
		printf("disk id:        %s\n", id);
	}
	if (in->log_replayed)
		printf("log:            replayed in memory (the file was not changed)\n");
}

static void
info_json(const char *path, const struct disk_info *in, const char *id)
{
	printf("{\"file\":");
	tool_json_string(stdout, path);
	printf(",\"format\":\"%s\",\"type\":\"%s\",\"block_device\":%s",
	       disk_format_name(in->format), disk_type_name(in->type),
	       in->block_device ? "true" : "false");
	printf(",\"virtual_size\":%" PRIu64 ",\"file_size\":%" PRIu64 ",\"allocated\":%" PRIu64,
	       in->virtual_size, in->file_size, in->allocated);
	printf(",\"block_size\":%" PRIu32 ",\"logical_sector\":%" PRIu32
	       ",\"physical_sector\":%" PRIu32, in->block_size, in->logical_sector,
	       in->physical_sector);
	if (in->format == DISK_FORMAT_VHD)
		printf(",\"geometry\":{\"cylinders\":%" PRIu32 ",\"heads\":%" PRIu32
		       ",\"sectors_per_track\":%" PRIu32 "}", in->cylinders, in->heads,
		       in->sectors_per_track);
	if (in->format != DISK_FORMAT_RAW) {
		printf(",\"creator\":");
		tool_json_string(stdout, in->creator);
		printf(",\"disk_id\":\"%s\"", id);
	}
	printf(",\"log_replayed\":%s}\n", in->log_replayed ? "true" : "false");
}

static int
cmd_info(int argc, char **argv)
{
	struct disk_info in;
	struct opts o;
	char id[37];
	int i = parse_opts(argc, argv, &o, ALLOW_JSON, 1);
	disk_t *d = open_disk(argv[i]);

	if (disk_get_info(d, &in) < 0) {
		tool_err("%s", disk_last_error(d));
		disk_close(d);
		return EXIT_FAIL;
	}
	format_id(&in, id);
	if (o.json)
		info_json(argv[i], &in, id);
	else
		info_text(argv[i], &in, id);
	disk_close(d);
	return EXIT_OK;
}

/* ---- convert ---------------------------------------------------------------- */

struct bar {
	int last;       /* last width drawn, -1 before the first */
};

/* A progress bar on stderr, redrawn only when it grows. */
static int
progress(void *data, uint64_t done, uint64_t total)
{
	struct bar *b = data;
	int width = 40, n = total ? (int)(done * (uint64_t)width / total) : width, i;

	if (n == b->last)
		return 0;
	b->last = n;
	fputc('\r', stderr);
	fputc('[', stderr);
	for (i = 0; i < width; i++)
		fputc(i < n ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%", total ? (int)(done * 100 / total) : 100);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
	return 0;
}

static int
cmd_convert(int argc, char **argv)
{
	struct bar bar = { -1 };
	struct opts o;
	char err[600];
	int i = parse_opts(argc, argv, &o, ALLOW_FORMAT, 2), rc;
	disk_t *d = open_disk(argv[i]);
	bool tty = isatty(STDERR_FILENO);

	rc = disk_convert(d, argv[i + 1], &o.create, tty ? progress : NULL, &bar, err, sizeof(err));
	if (tty && bar.last >= 0 && rc < 0)
		fputc('\n', stderr);
	disk_close(d);
	if (rc < 0) {
		tool_err("%s", err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------------------ */

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "create", cmd_create },
	{ "info", cmd_info },
	{ "convert", cmd_convert },
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
