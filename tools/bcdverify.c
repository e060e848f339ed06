/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdverify: check BCD stores and the boot chains they describe against the
 * disks given, and repair what can be repaired without guessing.  The
 * checks and repairs are in bcd/verify*.c; this file finds and opens the
 * stores, runs them, commits and sets fsck's exit bits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bcdkit/disk-fs.h"
#include "bcdkit/hive.h"
#include "bcdverify-cli.h"
#include "image-file.h"
#include "image-path.h"
#include "tool-opts.h"
#include "tool-util.h"

#define MAX_ITEMS 64

/* The stores found on a disk (install media's \boot\bcd is \Boot\BCD on
 * these case-insensitive file systems). */
static const struct {
	const char *path;
	int firmware;
} store_paths[] = {
	{ "\\Boot\\BCD", 1 },
	{ "\\EFI\\Microsoft\\Boot\\BCD", 2 },
	{ "\\EFI\\Microsoft\\Recovery\\BCD", 2 },
};

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [--store STORE ...] [--disk IMAGE ...] [IMAGE ...] [--json | --junit FILE]\n"
		"                 [--fail-on info|warning|error]\n"
		"                 [--fix [--dry-run] [--fix-devices retarget|locate|boot] [--backup]]\n"
		"Check Windows boot configuration stores and the boot chain they describe.\n"
		"\n"
		"  --store STORE     a store: a file, or IMAGE[:PART]:\\path inside a disk image\n"
		"  --disk IMAGE      a disk (raw, VHD, VHDX or block device) of the machine; its\n"
		"                    stores are checked when no --store is given\n"
		"  IMAGE             the same as --disk IMAGE\n"
		"  --json            the report as JSON (doc/bcdverify-schema.json)\n"
		"  --junit FILE      also write the report as a JUnit XML file\n"
		"  --fail-on SEV     findings from SEV up make exit status 4 (default error)\n"
		"  --fix             repair what is safe to repair, through an atomic commit\n"
		"  --dry-run         with --fix: show the changes, write nothing\n"
		"  --fix-devices HOW with --fix: a partition device matching no partition is\n"
		"                    retargeted to the one holding its files (retarget,\n"
		"                    the default), or made locate or boot (clone-proof)\n"
		"  --backup          with --fix: keep the old store as STORE.bak\n"
		"  -h, --help        show this help and exit\n"
		"  -V, --version     show the version and exit\n"
		"\n"
		"Exit status (bits combine, as fsck's): 0 clean, 1 problems found and all\n"
		"fixed, 4 problems at or above --fail-on remain, 8 operational error,\n"
		"16 usage error.  See bcdverify(1).\n", tool_name);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", tool_name);
	exit(BV_EXIT_USAGE);
}

struct opts {
	const char *stores[MAX_ITEMS];
	size_t nstores;
	const char *disks[MAX_ITEMS];
	size_t ndisks;
	bool json, fix, dry_run, backup, fix_devices_given;
	int device_repair;                   /* enum bcd_device_repair */
	const char *junit;
	int fail_on;
};

static void
set_help(void *dst, const struct tool_opt *t, const char *arg)
{
	(void)dst;
	(void)t;
	(void)arg;
	usage(stdout);
	exit(0);
}

/* --store and --disk: one more item of the list at t->off. */
static void
add_item(void *dst, const struct tool_opt *t, const char *arg)
{
	struct opts *o = dst;
	const char **v = t->off == offsetof(struct opts, stores) ? o->stores : o->disks;
	size_t *n = v == o->stores ? &o->nstores : &o->ndisks;

	if (*n == MAX_ITEMS)
		usage_error("at most %d of --store and of --disk", MAX_ITEMS);
	v[(*n)++] = arg;
}

static void
set_fix_devices(void *dst, const struct tool_opt *t, const char *arg)
{
	struct opts *o = dst;

	(void)t;
	if (!strcmp(arg, "retarget"))
		o->device_repair = BCD_DEVFIX_RETARGET;
	else if (!strcmp(arg, "locate"))
		o->device_repair = BCD_DEVFIX_LOCATE;
	else if (!strcmp(arg, "boot"))
		o->device_repair = BCD_DEVFIX_BOOT;
	else
		usage_error("--fix-devices takes retarget, locate or boot, not '%s'", arg);
	o->fix_devices_given = true;
}

static void
set_fail_on(void *dst, const struct tool_opt *t, const char *arg)
{
	struct opts *o = dst;

	(void)t;
	if (!strcmp(arg, "info"))
		o->fail_on = BCD_SEV_INFO;
	else if (!strcmp(arg, "warning"))
		o->fail_on = BCD_SEV_WARNING;
	else if (!strcmp(arg, "error"))
		o->fail_on = BCD_SEV_ERROR;
	else
		usage_error("--fail-on takes info, warning or error, not '%s'", arg);
}

#define FIELD(f) .off = offsetof(struct opts, f)

/* One row per option (tool-opts.h), read as GNU options. */
static const struct tool_opt options[] = {
	{ .name = "store", .arg = OPT_ONE, .set = add_item, FIELD(stores) },
	{ .name = "disk", .arg = OPT_ONE, .set = add_item, FIELD(disks) },
	{ .name = "json", FIELD(json) },
	{ .name = "junit", .arg = OPT_ONE, FIELD(junit) },
	{ .name = "fail-on", .arg = OPT_ONE, .set = set_fail_on },
	{ .name = "fix", FIELD(fix) },
	{ .name = "dry-run", FIELD(dry_run) },
	{ .name = "backup", FIELD(backup) },
	{ .name = "fix-devices", .arg = OPT_ONE, .set = set_fix_devices },
	{ .name = "help", .short_name = 'h', .set = set_help },
	{ .name = "version", .short_name = 'V', .set = tool_opt_version },
};

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->fail_on = BCD_SEV_ERROR;
	i = tool_opt_getopt(options, sizeof(options) / sizeof(options[0]), o, argc, argv,
			    usage_error);
	/* Operands are disks, as "fsck DEVICE" takes them. */
	for (; i < argc; i++)
		add_item(o, &(const struct tool_opt){ FIELD(disks) }, argv[i]);
	if ((o->dry_run || o->backup || o->fix_devices_given) && !o->fix)
		usage_error("--dry-run, --backup and --fix-devices go with --fix");
	if (o->dry_run && o->backup)
		usage_error("--dry-run writes nothing: --backup has no effect with it");
	if (!o->nstores && !o->ndisks)
		usage_error("give the stores to check (--store FILE or IMAGE[:PART]:\\path) "
			    "or the disks to find them on (--disk IMAGE)");
}

/* Firmware a store serves, from where it lies. */
static int
firmware_of(const char *spec)
{
	const char *p = spec;
	const char *efi = NULL;

	for (; *p; p++)
		if (!strncasecmp(p, "\\EFI\\", 5) || !strncasecmp(p, "/EFI/", 5))
			efi = p;
	if (efi)
		return 2;
	for (p = spec; *p; p++)
		if (!strncasecmp(p, "\\Boot\\BCD", 9) || !strncasecmp(p, "/Boot/BCD", 9))
			return 1;
	return 0;
}

/* ---- opening stores ------------------------------------------------------------------ */

/*
 * Open a store, a host file or IMAGE[:PART]:\path, through the tools'
 * shared glue (image-file.h): inside an image, a store opened for writing
 * holds the image's exclusive lock from before it is read until it is
 * closed, and bcd_store_commit() writes it as hivetool and bcdedit do (a
 * new file beside it renamed over it, flushed, then its logs emptied).
 * -1 after printing why it cannot be read.
 */
static int
open_store(const char *spec, bool write, bcd_store_t **s, bool *in_image)
{
	char err[1024] = "";
	int k = tool_is_image_file(spec, err, sizeof(err));

	*in_image = k == 1;
	if (k < 0) {
		tool_err("%s: %s", spec, err);
		return -1;
	}
	if (tool_store_open(s, spec, write ? BCD_OPEN_WRITE : 0, err, sizeof(err)) < 0) {
		tool_err("%s", err[0] ? err : spec);
		return -1;
	}
	return 0;
}

/*
 * A writable copy in memory of a store opened read-only (--dry-run): its
 * bytes as a commit would write them, reopened with no file behind them,
 * so the repairs can be made and shown while nothing can be written.
 */
static int
memory_copy(bcd_store_t *ro, const char *spec, bcd_store_t **out)
{
	uint8_t *img = NULL;
	size_t len = 0;
	hive_t *h = NULL;
	int rc = -1;

	if (bcd_store_serialize(ro, NULL, 0, &img, &len) < 0)
		tool_err("%s: %s", spec, bcd_last_error(ro));
	else if (!(h = hive_new()))
		tool_err("%s: %s", spec, hive_strerror(-BK_ENOMEM));
	else if (hive_open_image(h, img, len, spec, NULL, 0, HIVE_OPEN_WRITE) < 0)
		tool_err("%s", hive_last_error(h));
	else if (!(*out = bcd_store_new()))
		tool_err("%s: %s", spec, bcd_strerror(-BK_ENOMEM));
	else if (bcd_store_open_hive(*out, h, spec, BCD_OPEN_WRITE) < 0) {
		tool_err("%s", bcd_last_error(*out));
		bcd_store_close(*out);
		*out = NULL;
	} else {
		h = NULL;   /* the store owns it */
		rc = 0;
	}
	hive_close(h);
	free(img);
	return rc;
}

/* --backup of a store inside an image: the image glue copies the store
 * (and its non-empty logs) to NAME.bak there; an existing backup is never
 * replaced, as beside a host file. */
static int
commit_image_store(const char *spec, bcd_store_t *s, bool backup)
{
	char bak[4200];

	snprintf(bak, sizeof(bak), "%s.bak", spec);
	if (backup && tool_file_exists(bak)) {
		tool_err("%s: exists (an existing backup is never replaced)", bak);
		return -1;
	}
	if (hive_commit(bcd_store_hive(s), backup ? HIVE_COMMIT_BACKUP : 0) < 0) {
		tool_err("%s", hive_last_error(bcd_store_hive(s)));
		return -1;
	}
	return 0;
}

/* ---- discovery ------------------------------------------------------------------------- */

static int
add_store(struct bv_report *r, const char *spec, int firmware)
{
	struct bv_store *v = realloc(r->stores, (r->nstores + 1) * sizeof(*v));

	if (!v)
		return -1;
	r->stores = v;
	v = &r->stores[r->nstores];
	memset(v, 0, sizeof(*v));
	if (!(v->spec = strdup(spec)))
		return -1;
	v->firmware = firmware;
	r->nstores++;
	return 0;
}

static int
discover(struct bv_report *r, const char *image, disk_t *d)
{
	struct disk_file_info fi;
	struct disk_label *l = calloc(1, sizeof(*l));
	char spec[4200];
	disk_fs_t *fs;
	unsigned p;
	size_t i;
	int rc = 0;

	if (!l)
		return -1;
	if (disk_label_read(d, l) < 0)
		l->count = 0;
	for (p = 0; p < l->count && rc == 0; p++) {
		if (disk_fs_open(&fs, d, l->part[p].number, 0) < 0)
			continue;   /* not NTFS or FAT: holds no store */
		for (i = 0; i < sizeof(store_paths) / sizeof(store_paths[0]) && rc == 0; i++) {
			if (disk_fs_stat(fs, store_paths[i].path, &fi) < 0 || fi.is_dir)
				continue;
			snprintf(spec, sizeof(spec), "%s:%u:%s", image, l->part[p].number,
				 store_paths[i].path);
			rc = add_store(r, spec, store_paths[i].firmware);
		}
		disk_fs_close(fs);
	}
	free(l);
	return rc;
}

/* ---- checking and fixing ----------------------------------------------------------------- */

static int
backup_copy(const char *path)
{
	char bak[4200];
	struct bk_errbuf eb;
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *f;
	int fd;

	snprintf(bak, sizeof(bak), "%s.bak", path);
	if (bk_read_input(&eb, path, &buf, &len, (size_t)256 << 20) < 0) {
		tool_err("%s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(bak, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		tool_err("%s: %s (an existing backup is never replaced)", bak, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(buf);
		return -1;
	}
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		tool_err("%s: %s", bak, strerror(errno));
		fclose(f);
		unlink(bak);
		free(buf);
		return -1;
	}
	free(buf);
	return fclose(f) == 0 ? 0 : -1;
}

static int
run_checks(bcd_store_t *s, const struct bcd_verify_world *w, struct bv_store *st)
{
	int rc = bcd_verify_store(s, w, &st->found);

	if (rc < 0) {
		tool_err("%s: %s", st->spec, bcd_strerror(rc));
		return -1;
	}
	st->fixed = calloc(st->found.n + 1, sizeof(*st->fixed));
	st->diff = calloc(st->found.n + 1, sizeof(*st->diff));
	return st->fixed && st->diff ? 0 : -1;
}

static bool
needs_commit(const struct bv_store *st)
{
	size_t i;

	for (i = 0; i < st->found.n; i++)
		if (st->found.v[i].repair || !strcmp(st->found.v[i].id, "BCD-HIVE-LOGS"))
			return true;
	return false;
}

/* Apply the repairs in memory (all of them with --dry-run on a store
 * opened read-only too: nothing is committed then). */
static int
apply_fixes(bcd_store_t *s, struct bv_store *st)
{
	size_t i;

	for (i = 0; i < st->found.n; i++) {
		if (!st->found.v[i].repair)
			continue;
		if (bcd_verify_fix(s, &st->found.v[i], &st->diff[i]) < 0) {
			tool_err("%s: %s", st->spec, bcd_last_error(s));
			return -1;
		}
		st->fixed[i] = true;
	}
	return 0;
}

/* Nothing was written: no finding counts as fixed. */
static void
unfix(struct bv_store *st)
{
	size_t i;

	for (i = 0; i < st->found.n; i++) {
		st->fixed[i] = false;
		free(st->diff[i]);
		st->diff[i] = NULL;
	}
}

/* The findings of an earlier look at the store are dropped: the store is
 * checked again under the lock the fix holds. */
static void
forget(struct bv_store *st)
{
	size_t i;

	for (i = 0; st->diff && i < st->found.n; i++)
		free(st->diff[i]);
	free(st->diff);
	free(st->fixed);
	st->diff = NULL;
	st->fixed = NULL;
	bcd_findings_free(&st->found);
}

/* Write the repaired store: --backup first, then the commit. */
static int
commit(const struct opts *o, bcd_store_t *s, bool in_image, struct bv_store *st)
{
	if (in_image)
		return commit_image_store(st->spec, s, o->backup);
	if (o->backup && backup_copy(st->spec) < 0)
		return -1;
	if (bcd_store_commit(s) < 0) {
		tool_err("%s", bcd_last_error(s));
		return -1;
	}
	return 0;
}

/*
 * --fix.  The store is opened again for writing, which locks it (inside an
 * image: the image) from before it is read until the commit is done, and
 * checked again under that lock, so that the repairs made are those of the
 * store as it is written, never of a copy another writer has replaced since
 * the first look.  --dry-run makes them on a copy in memory.
 */
static int
fix_store(const struct opts *o, const struct bcd_verify_world *w, struct bv_store *st,
	  bcd_store_t *ro)
{
	bcd_store_t *s;
	bool in_image;
	size_t i;

	if (!needs_commit(st))
		return 0;
	if (o->dry_run) {
		if (memory_copy(ro, st->spec, &s) < 0)
			return -1;
		if (apply_fixes(s, st) < 0) {
			unfix(st);
			bcd_store_close(s);
			return -1;
		}
		bcd_store_close(s);
		return 0;
	}
	if (open_store(st->spec, true, &s, &in_image) < 0)
		return -1;
	forget(st);
	if (run_checks(s, w, st) < 0) {
		bcd_store_close(s);
		return -1;
	}
	if (needs_commit(st) && (apply_fixes(s, st) < 0 || commit(o, s, in_image, st) < 0)) {
		unfix(st);
		bcd_store_close(s);
		return -1;
	}
	bcd_store_close(s);
	/* The dirty state was repaired by the commit itself. */
	for (i = 0; i < st->found.n; i++)
		if (!strcmp(st->found.v[i].id, "BCD-HIVE-LOGS"))
			st->fixed[i] = true;
	return 0;
}

static int
check_store(const struct opts *o, const struct bcd_verify_world *world, struct bv_store *st)
{
	struct bcd_verify_world w = *world;
	bcd_store_t *s;
	bool in_image;
	int rc;

	if (!st->firmware)
		st->firmware = firmware_of(st->spec);
	w.firmware = st->firmware;
	if (open_store(st->spec, false, &s, &in_image) < 0) {
		st->failed = true;
		return -1;
	}
	rc = run_checks(s, &w, st);
	if (rc == 0 && o->fix && fix_store(o, &w, st, s) < 0)
		rc = -1;
	bcd_store_close(s);
	if (rc < 0)
		st->failed = true;
	return rc;
}

static int
exit_code(const struct bv_report *r, bool oper_error)
{
	bool fixed = false, left = false;
	size_t i, j;

	for (i = 0; i < r->nstores; i++)
		for (j = 0; j < r->stores[i].found.n; j++) {
			if (r->stores[i].fixed && r->stores[i].fixed[j] && !r->dry_run)
				fixed = true;
			else if (r->stores[i].found.v[j].severity >= r->fail_on)
				left = true;
		}
	for (j = 0; j < r->disks.n; j++)
		if (r->disks.v[j].severity >= r->fail_on)
			left = true;
	return (fixed ? BV_EXIT_FIXED : 0) | (left ? BV_EXIT_LEFT : 0) |
	       (oper_error ? BV_EXIT_OPER : 0);
}

int
main(int argc, char **argv)
{
	struct bcd_verify_disk disks[MAX_ITEMS];
	struct bcd_verify_world w = { disks, 0, 0, BCD_DEVFIX_RETARGET };
	struct bv_report r = { 0 };
	char err[1024];
	bool oper = false;
	struct opts o;
	size_t i;
	int code;

	tool_init(argc, argv);
	parse_args(argc, argv, &o);
	r.fail_on = o.fail_on;
	w.device_repair = o.device_repair;
	r.dry_run = o.dry_run;
	for (i = 0; i < o.ndisks; i++) {
		disks[w.ndisks].name = o.disks[i];
		/* --fix may write a store inside this image: lock it exclusively
		 * from the first read, as a later upgrade from the shared lock is
		 * refused once another writer has changed the image meanwhile. */
		if (disk_open(&disks[w.ndisks].disk, o.disks[i],
			      o.fix && !o.dry_run ? DISK_OPEN_LOCK : 0, err, sizeof(err)) < 0) {
			tool_err("%s", err);
			oper = true;
			continue;
		}
		if (!o.nstores && discover(&r, o.disks[i], disks[w.ndisks].disk) < 0) {
			tool_err("out of memory");
			return BV_EXIT_OPER;
		}
		w.ndisks++;
	}
	for (i = 0; i < o.nstores; i++)
		if (add_store(&r, o.stores[i], 0) < 0) {
			tool_err("out of memory");
			return BV_EXIT_OPER;
		}
	if (!r.nstores && !oper) {
		tool_err("no BCD store found on the given disks (looked for \\Boot\\BCD, "
			 "\\EFI\\Microsoft\\Boot\\BCD and \\EFI\\Microsoft\\Recovery\\BCD); "
			 "name one with --store");
		oper = true;
	}
	if (bcd_verify_disks(&w, &r.disks) < 0)
		oper = true;
	for (i = 0; i < r.nstores; i++)
		if (check_store(&o, &w, &r.stores[i]) < 0)
			oper = true;
	code = exit_code(&r, oper);
	if (o.json)
		bv_print_json(&r, code);
	else
		bv_print_human(&r);
	if (o.junit && bv_write_junit(&r, o.junit) < 0)
		code |= BV_EXIT_OPER;
	for (i = 0; i < w.ndisks; i++)
		disk_close(disks[i].disk);
	for (i = 0; i < r.nstores; i++) {
		size_t j;

		for (j = 0; r.stores[i].diff && j < r.stores[i].found.n; j++)
			free(r.stores[i].diff[j]);
		free(r.stores[i].diff);
		free(r.stores[i].fixed);
		bcd_findings_free(&r.stores[i].found);
		free(r.stores[i].spec);
	}
	free(r.stores);
	bcd_findings_free(&r.disks);
	return code;
}
