/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vhdtool: create, inspect and convert disk images (raw, VHD, VHDX).
 * Each command is a thin layer over libbcdkit-disk.  Exit status: 0 success,
 * 1 operation failed, 2 bad usage or unreadable input, 3 image in use.
 *
 * Adding a command: write a cmd_NAME(argc, argv) that parses its options
 * with parse_opts() and a cmd_spec naming the options it takes (argv[0] is
 * the command name), add a line to usage_text and to commands[] at the end
 * of the file.
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
#include "bcdkit/disk-boot.h"
#include "bootcode.h"
#include "disk-text.h"
#include "fs-cmds.h"
#include "tool-util.h"

static const char *const usage_text =
"Usage: vhdtool COMMAND [OPTIONS] ARGS...\n"
"\n"
"Create, inspect and convert disk images: raw, VHD and VHDX.\n"
"\n"
"Commands:\n"
"  create FILE --size SIZE [--format FMT] [--type TYPE] [--block-size SIZE] [--exact]\n"
"              [--force]\n"
"                                  make an empty image\n"
"  info FILE [--json]              format, sizes, geometry, creator, partitions\n"
"  convert IN OUT [--format FMT] [--type TYPE] [--block-size SIZE] [--force]\n"
"                 [-p|-q]          copy IN into a new image OUT\n"
"  partition FILE [--json]         list the partition table\n"
"  partition FILE (--mbr|--gpt) --add KIND:SIZE[:active]...\n"
"                                  write a new partition table\n"
"  partition FILE [--set-active N] [--set-type N:KIND] [--signature HEX]\n"
"                 [--disk-guid GUID] [--part-guid N:GUID]\n"
"                                  change the partition table\n"
"  build OUT --size SIZE [--format FMT] [--type TYPE] (--mbr|--gpt)\n"
"            --part SPEC... [-p|-q]\n"
"                                  make a partitioned image\n"
"  ls IMAGE[:PART][:PATH] [PATH]   list a folder inside a partition (NTFS, FAT)\n"
"  cat IMAGE[:PART][:PATH] [PATH]  copy a file inside a partition to stdout\n"
"  cp [-r] [-p|-q] SRC... DST      copy files between host and partitions;\n"
"                                  either side may be IMAGE[:PART]:PATH\n"
"  mkdir [-p] IMAGE[:PART]:PATH... make folders inside a partition\n"
"  rm [-r] IMAGE[:PART]:PATH...    remove files (and folders, with -r)\n"
"  mv SRC... DST                   rename or move inside one partition\n"
"  bootcode IMAGE [--part N] [--mbr-code FILE] [--vbr-from FILE|IMAGE:PART] [--check]\n"
"                                  BIOS boot code: MBR code, active partition,\n"
"                                  volume boot code that loads bootmgr\n"
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
"      --force            replace an existing output (create, convert, build);\n"
"                         rewrite a read-only or hard-linked image (partition)\n"
"      --wait SECONDS     wait that long for another process's lock (default 5)\n"
"  -p, --progress         show a progress bar (convert, build, cp; default: when\n"
"                         standard error is a terminal, for cp from 16 MiB)\n"
"  -q, --quiet            only errors: no bar, no notes (convert, build, cp)\n"
"      --json             machine-readable output (info, partition)\n"
"      --mbr, --gpt       partition table type (partition, build)\n"
"      --add KIND:SIZE[:active]\n"
"                         a partition of a new table, in disk order; KIND is\n"
"                         ntfs, fat32, fat16, esp or msr (GPT only), SIZE as above\n"
"                         or rest; partitions start on 1 MiB boundaries\n"
"      --part SPEC        a partition of a built image: KIND:SIZE[:active]\n"
"                         [:empty][:label=NAME] and last [:image=FILE],\n"
"                         [:wim=FILE[:INDEX]] or [:files=DIR]; KIND ntfs,\n"
"                         fat32, fat16, esp (FAT by size) or msr; a file\n"
"                         system is made unless empty or image= is given,\n"
"                         wim= fills ntfs from a WIM image (default index 1),\n"
"                         files= copies a host folder in\n"
"      --set-active N     mark MBR partition N active (0: none)\n"
"      --set-type N:KIND  change the type of partition N\n"
"      --signature HEX    MBR disk signature\n"
"      --disk-guid GUID, --part-guid N:GUID\n"
"                         GPT disk GUID, unique GUID of partition N\n"
"  -r, -R, --recursive    copy or remove folders with what they hold (cp, rm)\n"
"  -p, --parents          make missing parent folders; no error if it exists\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"IMAGE[:PART]:PATH names a file inside partition PART (default: the only\n"
"partition, else the active one) of IMAGE, an existing image file or block\n"
"device; PATH uses \\ or /. A partition device such as /dev/sdb1 is one volume.\n"
"Images are recognised by content, not by name. New images are written to a\n"
"temporary file and renamed into place when complete. Exit status: 0 success,\n"
"1 failure, 2 bad usage or unreadable input, 3 image in use by another\n"
"process. See vhdtool(1).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/*
 * One option table for every command.  Each option has a bit; a command
 * names the bits it takes, and another option of its family is "not valid
 * here".  getopt_long sees only the options of the command's family (the
 * image commands create/info/convert, or the table commands partition/
 * build/ls/cat), so that an abbreviation such as --s stays --size for
 * create and an option of the other family is an unknown one.
 */
enum {
	O_SIZE = 1 << 0, O_FORMAT = 1 << 1, O_TYPE = 1 << 2, O_BLOCK_SIZE = 1 << 3,
	O_EXACT = 1 << 4, O_JSON = 1 << 5, O_MBR = 1 << 6, O_GPT = 1 << 7,
	O_ADD = 1 << 8, O_PART = 1 << 9, O_SET_ACTIVE = 1 << 10, O_SET_TYPE = 1 << 11,
	O_SIGNATURE = 1 << 12, O_DISK_GUID = 1 << 13, O_PART_GUID = 1 << 14,
	O_FORCE = 1 << 16,
	O_ALWAYS = 1 << 15,     /* --help, --version, --wait */
	O_PROGRESS = 1 << 17, O_QUIET = 1 << 18,
};
enum { F_IMAGE = 1, F_TABLE = 2 };

enum {
	LO_EXACT = CHAR_MAX + 1, LO_JSON, LO_BLOCK_SIZE, LO_MBR, LO_GPT, LO_ADD, LO_PART,
	LO_SET_ACTIVE, LO_SET_TYPE, LO_SIGNATURE, LO_DISK_GUID, LO_PART_GUID, LO_FORCE, LO_WAIT,
};

static const struct vopt {
	struct option lo;
	unsigned bit;
	unsigned families;
} vopts[] = {
	{ { "size", required_argument, NULL, 's' }, O_SIZE, F_IMAGE | F_TABLE },
	{ { "format", required_argument, NULL, 'f' }, O_FORMAT, F_IMAGE | F_TABLE },
	{ { "type", required_argument, NULL, 't' }, O_TYPE, F_IMAGE | F_TABLE },
	{ { "block-size", required_argument, NULL, LO_BLOCK_SIZE }, O_BLOCK_SIZE, F_IMAGE },
	{ { "exact", no_argument, NULL, LO_EXACT }, O_EXACT, F_IMAGE },
	{ { "json", no_argument, NULL, LO_JSON }, O_JSON, F_IMAGE | F_TABLE },
	{ { "mbr", no_argument, NULL, LO_MBR }, O_MBR, F_TABLE },
	{ { "gpt", no_argument, NULL, LO_GPT }, O_GPT, F_TABLE },
	{ { "add", required_argument, NULL, LO_ADD }, O_ADD, F_TABLE },
	{ { "part", required_argument, NULL, LO_PART }, O_PART, F_TABLE },
	{ { "set-active", required_argument, NULL, LO_SET_ACTIVE }, O_SET_ACTIVE, F_TABLE },
	{ { "set-type", required_argument, NULL, LO_SET_TYPE }, O_SET_TYPE, F_TABLE },
	{ { "signature", required_argument, NULL, LO_SIGNATURE }, O_SIGNATURE, F_TABLE },
	{ { "disk-guid", required_argument, NULL, LO_DISK_GUID }, O_DISK_GUID, F_TABLE },
	{ { "part-guid", required_argument, NULL, LO_PART_GUID }, O_PART_GUID, F_TABLE },
	{ { "force", no_argument, NULL, LO_FORCE }, O_FORCE, F_IMAGE | F_TABLE },
	{ { "progress", no_argument, NULL, 'p' }, O_PROGRESS, F_IMAGE | F_TABLE },
	{ { "quiet", no_argument, NULL, 'q' }, O_QUIET, F_IMAGE | F_TABLE },
	{ { "wait", required_argument, NULL, LO_WAIT }, O_ALWAYS, F_IMAGE | F_TABLE },
	{ { "help", no_argument, NULL, 'h' }, O_ALWAYS, F_IMAGE | F_TABLE },
	{ { "version", no_argument, NULL, 'V' }, O_ALWAYS, F_IMAGE | F_TABLE },
};
#define NVOPTS (sizeof(vopts) / sizeof(vopts[0]))

/* What a command accepts: its family, its options, its argument count. */
struct cmd_spec {
	unsigned family;
	unsigned allowed;
	int min, max;
};

#define MAX_SPECS DISK_LABEL_MAX_PARTS

/* Options of every command. */
struct opts {
	uint64_t size;
	bool have_size, exact, json;
	struct disk_create_opts create;
	enum disk_label_type table;
	const char *add[MAX_SPECS];        /* --add or --part, in order */
	unsigned nadd;
	int set_active;                     /* -1 none, 0 clear, N */
	unsigned type_num;
	enum disk_part_kind type_kind;
	bool have_sig, have_dguid, force;
	bool progress, quiet;               /* -p forces the bar, -q only errors */
	uint32_t sig;
	uint8_t dguid[16];
	unsigned pguid_num;
	uint8_t pguid[16];
};

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

/* "N:REST" with N a partition number; returns REST. */
static const char *
parse_num_colon(const char *s, unsigned *n, const char *opt)
{
	const char *c = strchr(s, ':');
	char num[16];
	uint64_t v;

	if (!c || (size_t)(c - s) >= sizeof(num))
		tool_usage_error("%s: expected N:VALUE, got '%s'", opt, s);
	memcpy(num, s, (size_t)(c - s));
	num[c - s] = '\0';
	if (!bk_parse_u64(num, &v) || v == 0 || v > DISK_LABEL_MAX_PARTS)
		tool_usage_error("%s: bad partition number '%s'", opt, num);
	*n = (unsigned)v;
	return c + 1;
}

/* The options that set the container of a new image. */
static void
set_image_opt(int c, struct opts *o)
{
	uint64_t bs;

	switch (c) {
	case 's':
		if (!bk_parse_size(optarg, strlen(optarg), true, &o->size) || o->size == 0)
			tool_usage_error("bad size '%s'", optarg);
		o->have_size = true;
		break;
	case 'f': o->create.format = parse_format(optarg); break;
	case 't': o->create.type = parse_type(optarg); break;
	case LO_EXACT: o->exact = true; break;
	case LO_BLOCK_SIZE:
		if (!bk_parse_size(optarg, strlen(optarg), true, &bs) || bs == 0 || bs > UINT32_MAX ||
		    (bs & (bs - 1)))
			tool_usage_error("bad block size '%s' (a power of two)", optarg);
		o->create.block_size = (uint32_t)bs;
		break;
	}
}

static void
set_table_opt(int c, struct opts *o, char **argv)
{
	uint64_t v;
	const char *rest;

	switch (c) {
	case LO_MBR: case LO_GPT: {
		enum disk_label_type t = c == LO_MBR ? DISK_LABEL_MBR : DISK_LABEL_GPT;
		if (o->table && o->table != t)
			tool_usage_error("%s: --mbr and --gpt exclude each other", argv[0]);
		o->table = t;
		break;
	}
	case LO_ADD: case LO_PART:
		if (o->nadd == MAX_SPECS)
			tool_usage_error("%s: more than %u partitions", argv[0], MAX_SPECS);
		o->add[o->nadd++] = optarg;
		break;
	case LO_SET_ACTIVE:
		if (!bk_parse_u64(optarg, &v) || v > 4)
			tool_usage_error("--set-active: bad partition number '%s' (0 clears)", optarg);
		o->set_active = (int)v;
		break;
	case LO_SET_TYPE:
		rest = parse_num_colon(optarg, &o->type_num, "--set-type");
		if (disk_part_kind_parse(rest, &o->type_kind) < 0)
			tool_usage_error("--set-type: unknown type '%s' (ntfs, fat32, esp, msr)", rest);
		break;
	case LO_SIGNATURE:
		if (!bk_parse_u64(optarg, &v) || v == 0 || v > UINT32_MAX)
			tool_usage_error("--signature: bad value '%s' (e.g. 0x1A2B3C4D)", optarg);
		o->sig = (uint32_t)v;
		o->have_sig = true;
		break;
	case LO_DISK_GUID:
		if (disk_guid_parse(optarg, o->dguid) < 0)
			tool_usage_error("--disk-guid: bad GUID '%s'", optarg);
		o->have_dguid = true;
		break;
	case LO_PART_GUID:
		rest = parse_num_colon(optarg, &o->pguid_num, "--part-guid");
		if (disk_guid_parse(rest, o->pguid) < 0)
			tool_usage_error("--part-guid: bad GUID '%s'", rest);
		break;
	}
}

/* Bit of a getopt_long result; 0 for '?' and ':'. */
static unsigned
opt_bit(int c)
{
	size_t i;

	for (i = 0; i < NVOPTS; i++)
		if (vopts[i].lo.val == c)
			return vopts[i].bit;
	return 0;
}

static void
set_opt(int c, struct opts *o, unsigned allowed, char **argv)
{
	unsigned bit = opt_bit(c);

	if (bit && !(bit & (allowed | O_ALWAYS)))
		tool_usage_error("%s: option '%s' is not valid here", argv[0], argv[optind - 1]);
	switch (c) {
	case 'h': usage(stdout); exit(EXIT_OK);
	case 'V': tool_version();
	case ':': tool_usage_error("%s: option '%s' needs an argument", argv[0], argv[optind - 1]);
	case '?': tool_usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
	case LO_JSON: o->json = true; break;
	case LO_FORCE: o->force = true; break;
	case 'p': o->progress = true; o->quiet = false; break;
	case 'q': o->quiet = true; o->progress = false; break;
	case LO_WAIT: tool_parse_wait(optarg); break;
	default:
		set_image_opt(c, o);
		set_table_opt(c, o, argv);
	}
}

/* Parse a command's options; returns the index of the first positional
 * argument after checking how many follow. */
static int
parse_opts(int argc, char **argv, struct opts *o, const struct cmd_spec *spec)
{
	struct option lo[NVOPTS + 1];
	size_t i, n = 0;
	int c, nargs;

	for (i = 0; i < NVOPTS; i++)
		if (vopts[i].families & spec->family)
			lo[n++] = vopts[i].lo;
	memset(&lo[n], 0, sizeof(lo[n]));
	memset(o, 0, sizeof(*o));
	o->set_active = -1;
	optind = 1;
	opterr = 0;     /* one message of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, ":s:f:t:pqhV", lo, NULL)) != -1)
		set_opt(c, o, spec->allowed, argv);
	if (tool_lock_wait_ms >= 0)
		disk_set_lock_wait((unsigned)tool_lock_wait_ms);
	nargs = argc - optind;
	if (spec->family == F_IMAGE && nargs != spec->min)
		tool_usage_error("%s: expected %d argument%s", argv[0], spec->min,
				 spec->min == 1 ? "" : "s");
	if (nargs < spec->min || nargs > spec->max)
		tool_usage_error("%s: wrong number of arguments", argv[0]);
	return optind;
}

static disk_t *
open_disk(const char *path)
{
	struct disk_info in;
	char err[600];
	disk_t *d;

	int rc = disk_open(&d, path, 0, err, sizeof(err));

	if (rc < 0) {
		tool_err("%s", err);
		exit(rc == -BK_EBUSY ? EXIT_BUSY : EXIT_USAGE);
	}
	disk_set_msg_cb(d, tool_print_note, NULL);
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
	static const struct cmd_spec spec = {
		F_IMAGE, O_SIZE | O_EXACT | O_FORMAT | O_TYPE | O_BLOCK_SIZE | O_FORCE, 1, 1 };
	int i = parse_opts(argc, argv, &o, &spec), rc;

	if (!o.have_size)
		tool_usage_error("create: --size is required");
	if (!o.exact && o.size > UINT64_MAX - 0xFFFFF)   /* rounding up would wrap to 0 */
		tool_usage_error("create: size %" PRIu64 " is too large", o.size);
	else if (!o.exact)
		o.size = (o.size + 0xFFFFF) & ~(uint64_t)0xFFFFF;
	else if (o.size % 512)
		tool_usage_error("create: --exact size %" PRIu64 " is not a multiple of 512", o.size);
	o.create.size = o.size;
	if (!tool_output_ok(argv[i], o.force, NULL))
		return EXIT_FAIL;
	if ((rc = disk_create(&d, argv[i], &o.create, err, sizeof(err))) < 0) {
		tool_err("%s", err);
		return rc == -BK_EBUSY ? EXIT_BUSY : EXIT_FAIL;
	}
	if (disk_commit(d) < 0) {
		tool_err("%s", disk_last_error(d));
		disk_close(d);
		return EXIT_FAIL;
	}
	return disk_close(d) < 0 ? EXIT_FAIL : EXIT_OK;
}

/* ---- info ------------------------------------------------------------------ */

static struct disk_label *
alloc_label(void)
{
	struct disk_label *l = malloc(sizeof(*l));

	if (!l) {
		tool_err("out of memory");
		exit(EXIT_FAIL);
	}
	return l;
}

static void
warn_problems(const char *path, const struct disk_label *l)
{
	if (l->problems & DISK_LABEL_PRIMARY_BAD)
		tool_warn("%s: the primary GPT is damaged; the backup copy was used", path);
	if (l->problems & DISK_LABEL_BACKUP_BAD)
		tool_warn("%s: the backup GPT is damaged or not at the last sector", path);
}

/*
 * A raw file is only taken for a disk when something on it says so: a
 * partition table, or a file system's boot sector in sector 0 (a partition
 * image).  An empty or random file is not reported as a disk of that size.
 */
static bool
raw_is_disk(disk_t *d, const struct disk_info *in, int label_rc)
{
	uint8_t s[512];

	if (in->format != DISK_FORMAT_RAW || in->block_device || label_rc != -BK_ENOTFOUND)
		return true;
	return in->virtual_size >= sizeof(s) && disk_read(d, 0, s, sizeof(s)) == 0 &&
	       disk_vbr_fs_of(s, sizeof(s)) != DISK_VBR_FS_UNKNOWN;
}

/*
 * The partition table part of info: type, MBR signature or GPT disk GUID
 * and the partitions; nothing (JSON: null) when the disk has none.  A
 * table that cannot be read is reported on stderr after the rest (the
 * document stays whole) and sets the exit status (2: damaged, as for a
 * damaged image).
 */
static int
info_partitions(const char *path, disk_t *d, struct disk_label *l, int rc, bool json)
{
	if (rc < 0) {
		if (json)
			printf(",\"partition_table\":null");
		if (rc == -BK_ENOTFOUND)
			return EXIT_OK;
		fflush(stdout);
		tool_err("%s", disk_last_error(d));
		return tool_exit_status(rc);
	}
	warn_problems(path, l);
	if (json)
		dt_info_table_json(l);
	else
		dt_info_table_text(l);
	return EXIT_OK;
}

static int
cmd_info(int argc, char **argv)
{
	struct disk_info in;
	struct opts o;
	static const struct cmd_spec spec = { F_IMAGE, O_JSON, 1, 1 };
	int i = parse_opts(argc, argv, &o, &spec), rc;
	disk_t *d = open_disk(argv[i]);
	struct disk_label *l = alloc_label();

	if ((rc = disk_get_info(d, &in)) < 0) {
		tool_err("%s", disk_last_error(d));
		rc = tool_exit_status(rc);
		goto out;
	}
	rc = disk_label_read(d, l);
	if (!raw_is_disk(d, &in, rc)) {
		tool_err("%s: not a disk image: no VHD or VHDX footer, no partition table "
			 "and no file system found", argv[i]);
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.json)
		dt_info_json(argv[i], &in);
	else
		dt_info_text(argv[i], &in);
	rc = info_partitions(argv[i], d, l, rc, o.json);
	if (o.json)
		printf("}\n");
out:
	free(l);
	disk_close(d);
	return rc;
}

/* ---- convert ---------------------------------------------------------------- */

/* The bar: on a terminal unless -q, or wherever standard error goes with -p. */
static bool
show_bar(const struct opts *o)
{
	return o->progress || (!o->quiet && isatty(STDERR_FILENO));
}

static int
cmd_convert(int argc, char **argv)
{
	struct dt_bar bar = { .last = -1 };
	struct opts o;
	char err[600];
	static const struct cmd_spec spec = {
		F_IMAGE, O_FORMAT | O_TYPE | O_BLOCK_SIZE | O_FORCE | O_PROGRESS | O_QUIET, 2, 2 };
	int i = parse_opts(argc, argv, &o, &spec), rc;
	bool bar_on = show_bar(&o);
	disk_t *d;

	if (!tool_output_ok(argv[i + 1], o.force, (const char *[]){ argv[i], NULL }))
		return EXIT_FAIL;
	d = open_disk(argv[i]);
	if (o.quiet)
		disk_set_msg_cb(d, NULL, NULL);
	rc = disk_convert(d, argv[i + 1], &o.create, bar_on ? dt_progress : NULL, &bar, err,
			  sizeof(err));
	dt_bar_end(&bar);
	disk_close(d);
	if (rc < 0) {
		tool_err("%s", err);
		return rc == -BK_EBUSY ? EXIT_BUSY : EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---- partition tables and files ------------------------------------------------ */

/* Check the --add specs (KIND:SIZE[:active]) before anything is written. */
static void
check_adds(const struct opts *o)
{
	struct disk_build_part bp;
	char err[600];
	unsigned i;

	for (i = 0; i < o->nadd; i++) {
		if (disk_build_parse_spec(o->add[i], &bp, err, sizeof(err)) < 0)
			tool_usage_error("--add: %s", err);
		if (bp.source == DISK_SRC_IMAGE || bp.source == DISK_SRC_WIM || bp.label[0])
			tool_usage_error("--add: '%s': only KIND:SIZE[:active] here "
					 "(use build to fill partitions)", o->add[i]);
	}
}

/* What the partition edit callback works from, and its own refusal. */
struct table_edit {
	const struct opts *o;
	const char *path;
	char why[300];
};

/* A new table from the (checked) --add specs. */
static int
new_table(disk_t *w, struct disk_label *l, const struct opts *o)
{
	struct disk_build_part bp;
	unsigned i;
	int rc = disk_label_init(w, l, o->table);

	for (i = 0; rc == 0 && i < o->nadd; i++) {
		disk_build_parse_spec(o->add[i], &bp, NULL, 0);
		rc = disk_label_add(w, l, bp.kind, bp.size, bp.active, NULL);
	}
	return rc;
}

/* Why the edits do not fit this table type, or NULL. */
static const char *
edit_mismatch(const struct opts *o, const struct disk_label *l)
{
	const char *why = NULL;

	if (o->have_sig && l->type != DISK_LABEL_MBR)
		why = "--signature: the disk has a GPT (use --disk-guid)";
	if ((o->have_dguid || o->pguid_num) && l->type != DISK_LABEL_GPT)
		why = "--disk-guid, --part-guid: the disk has an MBR (use --signature)";
	if (o->set_active >= 0 && l->type != DISK_LABEL_MBR)
		why = "--set-active: the active flag exists only on MBR disks";
	return why;
}

/* The edits, applied to the existing table.  A refusal of our own is
 * returned as 1 with the reason in e->why. */
static int
edit_table(disk_t *w, struct disk_label *l, struct table_edit *e)
{
	const struct opts *o = e->o;
	const char *why;
	unsigned i;
	int found = 0, rc = disk_label_read(w, l);

	if (rc < 0)
		return rc;
	if ((why = edit_mismatch(o, l)) != NULL) {
		snprintf(e->why, sizeof(e->why), "%s: %s", e->path, why);
		return 1;
	}
	if (o->have_sig)
		l->mbr_signature = o->sig;
	if (o->have_dguid)
		memcpy(l->disk_guid, o->dguid, 16);
	for (i = 0; i < l->count; i++) {
		if (o->set_active >= 0) {
			l->part[i].active = (int)l->part[i].number == o->set_active;
			found |= l->part[i].active;
		}
		if (o->pguid_num == l->part[i].number)
			memcpy(l->part[i].guid, o->pguid, 16);
	}
	if (o->set_active > 0 && !found) {
		snprintf(e->why, sizeof(e->why), "%s: no partition %d", e->path, o->set_active);
		return 1;
	}
	return o->type_num ? disk_label_set_kind(w, l, o->type_num, o->type_kind) : 0;
}

static int
table_edit_cb(disk_t *w, struct disk_label *l, void *data)
{
	struct table_edit *e = data;

	return e->o->table ? new_table(w, l, e->o) : edit_table(w, l, e);
}

/* Write a new or changed table; the library does it crash-safely. */
static int
rewrite_table(const char *path, const struct opts *o)
{
	struct table_edit e = { o, path, "" };
	char err[600];
	int rc;

	disk_close(open_disk(path));    /* unreadable input: exit 2, as elsewhere */
	rc = disk_label_rewrite_flags(path, o->force ? DISK_REWRITE_FORCE : 0, table_edit_cb, &e,
				      err, sizeof(err));
	if (rc == 0)
		return EXIT_OK;
	tool_err("%s", e.why[0] ? e.why : err);
	return rc > 0 ? EXIT_FAIL : tool_exit_status(rc);
}

static int
cmd_partition(int argc, char **argv)
{
	static const struct cmd_spec spec = {
		F_TABLE, O_MBR | O_GPT | O_ADD | O_SET_ACTIVE | O_SET_TYPE | O_SIGNATURE |
		O_DISK_GUID | O_PART_GUID | O_JSON | O_FORCE, 1, 1 };
	struct opts o;
	struct disk_label *l;
	int i = parse_opts(argc, argv, &o, &spec), rc;
	bool edit = o.set_active >= 0 || o.type_num || o.have_sig || o.have_dguid || o.pguid_num;
	disk_t *d;

	if (o.table && !o.nadd)
		tool_usage_error("partition: --%s needs at least one --add",
				 o.table == DISK_LABEL_MBR ? "mbr" : "gpt");
	if (o.nadd && !o.table)
		tool_usage_error("partition: --add needs --mbr or --gpt");
	if (o.table && edit)
		tool_usage_error("partition: a new table (--mbr/--gpt) and edits exclude each other");
	if (o.json && (o.table || edit))
		tool_usage_error("partition: --json only lists");
	check_adds(&o);
	if (o.table || edit)
		return rewrite_table(argv[i], &o);
	d = open_disk(argv[i]);
	l = alloc_label();
	if ((rc = disk_label_read(d, l)) < 0) {
		tool_err("%s", disk_last_error(d));
	} else {
		warn_problems(argv[i], l);
		if (o.json)
			dt_label_json(argv[i], d, l);
		else
			dt_label_text(argv[i], d, l);
	}
	free(l);
	disk_close(d);
	/* No table: 1 (not found); a damaged one: 2, as a damaged image. */
	return tool_exit_status(rc);
}

/* The output is new (or --force), and none of the partitions' sources. */
static bool
build_output_ok(const char *out, bool force, const struct disk_build_part *parts, unsigned n)
{
	const char *in[MAX_SPECS + 1];
	unsigned k, m = 0;

	for (k = 0; k < n; k++)
		if (parts[k].source == DISK_SRC_IMAGE || parts[k].source == DISK_SRC_WIM)
			in[m++] = parts[k].path;
	in[m] = NULL;
	return tool_output_ok(out, force, in);
}

static int
cmd_build(int argc, char **argv)
{
	static const struct cmd_spec spec = {
		F_TABLE, O_MBR | O_GPT | O_PART | O_SIZE | O_FORMAT | O_TYPE | O_FORCE | O_PROGRESS |
		O_QUIET, 1, 1 };
	struct dt_bar bar = { .last = -1 };
	struct disk_build_part *parts;
	struct disk_build_opts bo;
	struct opts o;
	char err[600];
	unsigned k;
	int i = parse_opts(argc, argv, &o, &spec), rc;

	if (!o.size)
		tool_usage_error("build: --size is required");
	if (!o.table)
		tool_usage_error("build: --mbr or --gpt is required");
	if (!o.nadd)
		tool_usage_error("build: at least one --part is required");
	if (!(parts = calloc(o.nadd, sizeof(*parts)))) {
		tool_err("out of memory");
		return EXIT_FAIL;
	}
	for (k = 0; k < o.nadd; k++)
		if (disk_build_parse_spec(o.add[k], &parts[k], err, sizeof(err)) < 0)
			tool_usage_error("--part: %s", err);
	if (!build_output_ok(argv[i], o.force, parts, o.nadd)) {
		free(parts);
		return EXIT_FAIL;
	}
	memset(&bo, 0, sizeof(bo));
	bo.size = (o.size + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
	bo.label = o.table;
	bo.format = o.create.format;
	bo.type = o.create.type;
	if (show_bar(&o)) {
		bo.progress = dt_build_progress;
		bo.progress_data = &bar;
	}
	rc = disk_build(argv[i], &bo, parts, o.nadd, err, sizeof(err));
	dt_bar_end(&bar);
	free(parts);
	if (rc < 0) {
		tool_err("%s", err);
		return rc == -BK_EBUSY ? EXIT_BUSY : EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---- files inside partitions (tools/common/fs-cmds.c) --------------------------- */

static int cmd_cp(int argc, char **argv) { return fc_cp(argc, argv, usage); }
static int cmd_bootcode(int argc, char **argv) { return bootcode_cmd(argc, argv, usage); }
static int cmd_mkdir(int argc, char **argv) { return fc_mkdir(argc, argv, usage); }
static int cmd_rm(int argc, char **argv) { return fc_rm(argc, argv, usage); }
static int cmd_mv(int argc, char **argv) { return fc_mv(argc, argv, usage); }
static int cmd_ls(int argc, char **argv) { return fc_ls(argc, argv, usage); }
static int cmd_cat(int argc, char **argv) { return fc_cat(argc, argv, usage); }

/* ---- dispatch ------------------------------------------------------------------ */

static const struct tool_command commands[] = {
	{ "create", cmd_create },
	{ "info", cmd_info },
	{ "convert", cmd_convert },
	{ "partition", cmd_partition },
	{ "build", cmd_build },
	{ "ls", cmd_ls },
	{ "cat", cmd_cat },
	{ "cp", cmd_cp },
	{ "mkdir", cmd_mkdir },
	{ "rm", cmd_rm },
	{ "mv", cmd_mv },
	{ "bootcode", cmd_bootcode },
};

int
main(int argc, char **argv)
{
	tool_init(argc, argv);
	return tool_run_command(argc, argv, commands, sizeof(commands) / sizeof(commands[0]), usage);
}
