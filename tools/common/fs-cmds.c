/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vhdtool cp, mkdir, rm, mv, ls and cat (see fs-cmds.h).  They behave like
 * their POSIX namesakes where that is safe: cp copies into an existing
 * folder, needs -r for folders and never replaces a folder with a file or
 * the reverse; rm needs -r for folders; mv moves inside one volume.  Host
 * files are never replaced (the rule of the project): a host target that
 * exists is an error.  An image is opened once per command, writable only
 * when something is written into it, and a volume named twice (as source and
 * target) shares one handle.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk-text.h"
#include "fs-cmds.h"
#include "image-path.h"
#include "tool-util.h"

#define MAX_VOLS 16

/* ---- options -------------------------------------------------------------------- */

/* cp's -p is --progress; mkdir's -p is --parents. */
enum { FO_RECURSIVE = 1, FO_PARENTS = 2, FO_PROGRESS = 4, FO_QUIET = 8 };
enum { LO_PROGRESS = CHAR_MAX + 1 };

/* Parse the options a command allows (bits of FO_*); returns optind. */
static int
fc_opts(int argc, char **argv, unsigned allowed, unsigned *got, fc_usage_fn usage)
{
	static const struct option lo[] = {
		{ "recursive", no_argument, NULL, 'r' },
		{ "parents", no_argument, NULL, 'p' },
		{ "progress", no_argument, NULL, LO_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*got = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "rRpqh", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(EXIT_OK);
		}
		if ((c == 'r' || c == 'R') && (allowed & FO_RECURSIVE))
			*got |= FO_RECURSIVE;
		else if (c == 'p' && (allowed & FO_PARENTS))
			*got |= FO_PARENTS;
		else if ((c == 'p' || c == LO_PROGRESS) && (allowed & FO_PROGRESS))
			*got = (*got | FO_PROGRESS) & ~(unsigned)FO_QUIET;
		else if (c == 'q' && (allowed & FO_QUIET))
			*got = (*got | FO_QUIET) & ~(unsigned)FO_PROGRESS;
		else if (c == LO_PROGRESS)
			tool_usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
		else if (c == '?' && !optopt)
			tool_usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
		else
			tool_usage_error("%s: unknown option '-%c'", argv[0], c == '?' ? optopt : c);
	}
	return optind;
}

/* ---- open volumes ------------------------------------------------------------------ */

struct vol {
	dev_t dev;
	ino_t ino;
	disk_t *d;
	bool owns_d;            /* the first volume of an image closes the disk */
	bool write;
	disk_fs_t *fs;
	unsigned part;          /* as opened */
	char *image;
};

struct vols {
	struct vol v[MAX_VOLS];
	size_t n;
	bool unreadable;        /* an image could not be opened at all */
	bool quiet;             /* -q: no notes from the images either */
};

/* The partition number ip->part (0: the default) stands for on d, found
 * by a read-only open; 0 when it cannot be opened. */
static unsigned
resolve_part(disk_t *d, unsigned part)
{
	struct disk_fs_info fi;
	disk_fs_t *fs;

	if (part || disk_fs_open(&fs, d, 0, 0) < 0)
		return part;
	disk_fs_get_info(fs, &fi);
	disk_fs_close(fs);
	return fi.partition;
}

/* The volume of ip, opened once: a second mention of the same image file
 * (by device and inode) shares its disk handle, of the same partition its
 * volume handle (two handles on one volume would not see each other's
 * changes).  NULL after printing the error. */
static disk_fs_t *
vols_get(struct vols *vs, const struct image_path *ip, bool write)
{
	struct disk_fs_info fi;
	struct vol *v, *same = NULL;
	struct stat st;
	unsigned part;
	size_t i;
	int orc;

	if (stat(ip->image, &st) < 0) {
		tool_err("%s: %s", ip->image, strerror(errno));
		vs->unreadable = true;
		return NULL;
	}
	for (i = 0; i < vs->n; i++)
		if (vs->v[i].dev == st.st_dev && vs->v[i].ino == st.st_ino)
			same = &vs->v[i];
	if (same) {
		part = resolve_part(same->d, ip->part);
		for (i = 0; i < vs->n; i++)
			if (vs->v[i].d == same->d && vs->v[i].part == part)
				return vs->v[i].fs;
	}
	if (vs->n == MAX_VOLS) {
		tool_err("%s: too many volumes in one command", ip->image);
		return NULL;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof(*v));
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->write = same ? same->write : write;
	if (same) {
		v->d = same->d;
		if (disk_fs_open(&v->fs, v->d, ip->part, v->write ? DISK_FS_WRITE : 0) < 0) {
			tool_err("%s", disk_last_error(v->d));
			return NULL;
		}
	} else if ((orc = image_path_open(ip, write, &v->d, &v->fs)) < 0) {
		vs->unreadable = orc == -2;
		return NULL;
	} else {
		v->owns_d = true;
		if (vs->quiet)
			disk_set_msg_cb(v->d, NULL, NULL);
	}
	disk_fs_get_info(v->fs, &fi);
	v->part = fi.partition;
	v->image = strdup(ip->image);
	vs->n++;
	return v->fs;
}

/* Close everything, volumes before their disks; -1 if a flush failed. */
static int
vols_close(struct vols *vs)
{
	size_t i;
	int rc = 0;

	for (i = vs->n; i-- > 0;)
		if (disk_fs_close(vs->v[i].fs) < 0) {
			tool_err("%s", disk_fs_last_error(vs->v[i].fs));
			rc = -1;
		}
	for (i = vs->n; i-- > 0;) {
		if (vs->v[i].owns_d && vs->v[i].write && disk_flush(vs->v[i].d) < 0) {
			tool_err("%s", disk_last_error(vs->v[i].d));
			rc = -1;
		}
		if (vs->v[i].owns_d && disk_close(vs->v[i].d) < 0)
			rc = -1;
		free(vs->v[i].image);
	}
	vs->n = 0;
	return rc;
}

/* ---- one side of a copy: a host path or a place in a volume ------------------------- */

struct place {
	const char *arg;
	bool in_image;
	struct image_path ip;
	disk_fs_t *fs;
	char *path;             /* allocated: host path or volume path */
};

static int
place_parse(struct place *pl, const char *arg)
{
	char err[200];
	int rc;

	memset(pl, 0, sizeof(*pl));
	rc = image_path_parse(arg, &pl->ip, err, sizeof(err));
	pl->arg = arg;
	if (rc < 0) {
		tool_err("%s: %s", arg, err);
		return -1;
	}
	pl->in_image = rc == 1;
	pl->path = strdup(pl->in_image ? pl->ip.path : arg);
	return pl->path ? 0 : -1;
}

static void
place_free(struct place *pl)
{
	image_path_free(&pl->ip);
	free(pl->path);
}

/* Stat a place: 1 exists (*is_dir set), 0 missing, -1 error printed. */
static int
place_stat(struct place *pl, bool *is_dir, char *name, size_t cap)
{
	struct disk_file_info fi;
	struct stat st;
	int rc;

	if (!pl->in_image) {
		if (lstat(pl->path, &st) < 0) {
			if (errno == ENOENT)
				return 0;
			tool_err("%s: %s", pl->path, strerror(errno));
			return -1;
		}
		*is_dir = S_ISDIR(st.st_mode);
		return 1;
	}
	rc = disk_fs_stat(pl->fs, pl->path, &fi);
	if (rc == -BK_ENOTFOUND)
		return 0;
	if (rc < 0) {
		tool_err("%s", disk_fs_last_error(pl->fs));
		return -1;
	}
	*is_dir = fi.is_dir != 0;
	if (name)
		snprintf(name, cap, "%s", fi.name);
	return 1;
}

/* The last component of a host path ("" for "/", ".", ".."). */
static void
host_base(const char *path, char *out, size_t cap)
{
	size_t n = strlen(path);
	const char *b;

	while (n > 1 && path[n - 1] == '/')
		n--;
	b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	snprintf(out, cap, "%.*s", (int)(path + n - b), b);
	if (!strcmp(out, "/") || !strcmp(out, ".") || !strcmp(out, ".."))
		out[0] = '\0';
}

/* dst + separator + name, into a new string (NULL: out of memory). */
static char *
join(const char *dst, bool in_image, const char *name)
{
	size_t n = strlen(dst);
	char *s = malloc(n + strlen(name) + 2);

	if (s)
		sprintf(s, "%s%s%s", dst, n && (dst[n - 1] == '/' || dst[n - 1] == '\\') ? ""
			: in_image ? "\\" : "/", name);
	return s;
}

/* ---- cp ------------------------------------------------------------------------------- */

/*
 * The bar of a copy goes on the volume that counts it (the target, or the
 * source of an export): on a terminal unless -q, for copies of 16 MiB and
 * more; with -p wherever standard error goes, whatever the size.
 */
static int
copy_one(struct place *src, struct place *dst, const char *target, unsigned flags)
{
	struct dt_bar bar = { .last = -1, .forced = (flags & FO_PROGRESS) != 0 };
	disk_fs_t *counter = src->in_image && !dst->in_image ? src->fs : dst->fs;
	int rc;

	if ((flags & FO_PROGRESS) || (!(flags & FO_QUIET) && isatty(STDERR_FILENO)))
		disk_fs_set_progress(counter, dt_copy_progress, &bar);
	if (src->in_image && dst->in_image)
		rc = disk_fs_copy_tree(src->fs, src->path, dst->fs, target);
	else if (src->in_image)
		rc = disk_fs_export_tree(src->fs, src->path, target);
	else
		rc = disk_fs_import_tree(dst->fs, target, src->path);
	disk_fs_set_progress(counter, NULL, NULL);
	dt_bar_end(&bar);
	if (rc < 0)
		tool_err("%s", disk_fs_last_error(src->in_image && !dst->in_image ? src->fs : dst->fs));
	return rc < 0 ? -1 : 0;
}

/* Where src goes and whether that is allowed; then copy. */
static int
cp_one(struct vols *vs, const char *arg, struct place *dst, bool dst_dir, unsigned flags)
{
	char name[DISK_FILE_NAME_MAX] = "", *target = NULL, *shown = NULL;
	struct place src;
	bool src_dir = false, t_dir = false;
	int rc = -1, ex;

	if (place_parse(&src, arg) < 0)
		return -1;
	if (!src.in_image && !dst->in_image) {
		tool_err("%s: neither side is inside an image; use cp(1)", arg);
		goto out;
	}
	if (src.in_image && !(src.fs = vols_get(vs, &src.ip, false)))
		goto out;
	if ((ex = place_stat(&src, &src_dir, name, sizeof(name))) <= 0) {
		if (ex == 0)
			tool_err("%s: no such file or folder", arg);
		goto out;
	}
	if (src_dir && !(flags & FO_RECURSIVE)) {
		tool_err("%s: is a folder (use -r)", arg);
		goto out;
	}
	if (!src.in_image)
		host_base(src.path, name, sizeof(name));
	target = dst_dir && name[0] ? join(dst->path, dst->in_image, name) : strdup(dst->path);
	if (!target) {
		tool_err("out of memory");
		goto out;
	}
	{
		struct place t = *dst;

		t.path = target;
		if ((ex = place_stat(&t, &t_dir, NULL, 0)) < 0)
			goto out;
	}
	/* Messages name the target as the user wrote it (IMAGE:PATH). */
	shown = dst_dir && name[0] ? join(dst->arg, dst->in_image, name) : strdup(dst->arg);
	if (ex && !dst->in_image)
		tool_err("%s: exists; vhdtool never replaces host files", target);
	else if (ex && t_dir && !src_dir)
		tool_err("%s: cannot overwrite a folder with a file", shown ? shown : target);
	else if (ex && !t_dir && src_dir)
		tool_err("%s: cannot overwrite a file with a folder", shown ? shown : target);
	else
		rc = copy_one(&src, dst, target, flags);
out:
	free(shown);
	free(target);
	place_free(&src);
	return rc;
}

int
fc_cp(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct place dst;
	unsigned flags;
	bool dst_dir = false;
	int i = fc_opts(argc, argv, FO_RECURSIVE | FO_PROGRESS | FO_QUIET, &flags, usage), k, ex,
	    rc = EXIT_OK;

	if (argc - i < 2)
		tool_usage_error("cp: give a source and a target");
	vs.quiet = (flags & FO_QUIET) != 0;
	if (place_parse(&dst, argv[argc - 1]) < 0)
		return EXIT_USAGE;
	if (dst.in_image && !(dst.fs = vols_get(&vs, &dst.ip, true))) {
		place_free(&dst);
		return EXIT_FAIL;
	}
	if ((ex = place_stat(&dst, &dst_dir, NULL, 0)) < 0)
		rc = EXIT_FAIL;
	else if (argc - i > 2 && !(ex && dst_dir)) {
		tool_err("%s: not a folder (several sources)", argv[argc - 1]);
		rc = EXIT_FAIL;
	}
	for (k = i; rc == EXIT_OK && k < argc - 1; k++)
		if (cp_one(&vs, argv[k], &dst, ex && dst_dir, flags) < 0)
			rc = EXIT_FAIL;
	if (vols_close(&vs) < 0)
		rc = EXIT_FAIL;
	place_free(&dst);
	return rc;
}

/* ---- mkdir, rm, mv ------------------------------------------------------------------ */

/* The volume place of arg (which must be inside an image), or -1. */
static int
image_place(struct vols *vs, const char *arg, bool write, struct place *pl)
{
	if (place_parse(pl, arg) < 0)
		return -1;
	if (!pl->in_image) {
		tool_err("%s: not inside an image (IMAGE[:PART]:PATH, with IMAGE an existing "
			 "file or device)", arg);
		place_free(pl);
		return -1;
	}
	if (!(pl->fs = vols_get(vs, &pl->ip, write))) {
		place_free(pl);
		return -1;
	}
	return 0;
}

int
fc_mkdir(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct place pl;
	unsigned flags;
	int i = fc_opts(argc, argv, FO_PARENTS, &flags, usage), rc = EXIT_OK;

	if (i == argc)
		tool_usage_error("mkdir: give a folder");
	for (; i < argc; i++) {
		if (image_place(&vs, argv[i], true, &pl) < 0) {
			rc = EXIT_FAIL;
			continue;
		}
		if (disk_fs_mkdir(pl.fs, pl.path, (flags & FO_PARENTS) != 0) < 0) {
			tool_err("%s", disk_fs_last_error(pl.fs));
			rc = EXIT_FAIL;
		}
		place_free(&pl);
	}
	return vols_close(&vs) < 0 ? EXIT_FAIL : rc;
}

int
fc_rm(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct place pl;
	unsigned flags;
	bool is_dir = false;
	int i = fc_opts(argc, argv, FO_RECURSIVE, &flags, usage), rc = EXIT_OK, ex, r;

	if (i == argc)
		tool_usage_error("rm: give a file or folder");
	for (; i < argc; i++) {
		if (image_place(&vs, argv[i], true, &pl) < 0) {
			rc = EXIT_FAIL;
			continue;
		}
		if ((ex = place_stat(&pl, &is_dir, NULL, 0)) <= 0) {
			if (ex == 0)
				tool_err("%s: no such file or folder", argv[i]);
			rc = EXIT_FAIL;
		} else if (is_dir && !(flags & FO_RECURSIVE)) {
			tool_err("%s: is a folder (use -r)", argv[i]);
			rc = EXIT_FAIL;
		} else {
			r = is_dir ? disk_fs_remove_tree(pl.fs, pl.path) : disk_fs_remove(pl.fs, pl.path);
			if (r < 0) {
				tool_err("%s", disk_fs_last_error(pl.fs));
				rc = EXIT_FAIL;
			}
		}
		place_free(&pl);
	}
	return vols_close(&vs) < 0 ? EXIT_FAIL : rc;
}

/* Move src to dst, or into dst when it is a folder. */
static int
mv_one(struct vols *vs, const char *arg, struct place *dst, bool dst_dir)
{
	char name[DISK_FILE_NAME_MAX] = "", *target;
	struct place src;
	bool is_dir;
	int rc = -1, ex;

	if (image_place(vs, arg, true, &src) < 0)
		return -1;
	if (src.fs != dst->fs) {
		tool_err("%s: mv works inside one volume; use cp and rm", arg);
	} else if ((ex = place_stat(&src, &is_dir, name, sizeof(name))) <= 0) {
		if (ex == 0)
			tool_err("%s: no such file or folder", arg);
	} else if (!(target = dst_dir ? join(dst->path, true, name) : strdup(dst->path))) {
		tool_err("out of memory");
	} else {
		if ((rc = disk_fs_rename(src.fs, src.path, target, 1)) < 0)
			tool_err("%s", disk_fs_last_error(src.fs));
		free(target);
	}
	place_free(&src);
	return rc < 0 ? -1 : 0;
}

int
fc_mv(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct place dst;
	unsigned flags;
	bool dst_dir = false;
	int i = fc_opts(argc, argv, 0, &flags, usage), k, ex, rc = EXIT_OK;

	if (argc - i < 2)
		tool_usage_error("mv: give a source and a target");
	if (image_place(&vs, argv[argc - 1], true, &dst) < 0)
		return EXIT_FAIL;
	if ((ex = place_stat(&dst, &dst_dir, NULL, 0)) < 0)
		rc = EXIT_FAIL;
	else if (argc - i > 2 && !(ex && dst_dir)) {
		tool_err("%s: not a folder (several sources)", argv[argc - 1]);
		rc = EXIT_FAIL;
	}
	for (k = i; rc == EXIT_OK && k < argc - 1; k++)
		if (mv_one(&vs, argv[k], &dst, ex && dst_dir) < 0)
			rc = EXIT_FAIL;
	place_free(&dst);
	return vols_close(&vs) < 0 ? EXIT_FAIL : rc;
}

/* ---- ls, cat -------------------------------------------------------------------------- */

/*
 * "IMAGE[:PART] [PATH]" (the form ls and cat always took) or
 * "IMAGE[:PART]:PATH": the volume, opened read-only, and the path.
 */
static int
read_place(struct vols *vs, int argc, char **argv, int i, struct place *pl)
{
	const char *second = argc - i == 2 ? argv[i + 1] : NULL;

	if (place_parse(pl, argv[i]) < 0)
		return -1;
	if (!pl->in_image) {
		/* A bare image name: the whole argument is the image. */
		pl->ip.image = strdup(argv[i]);
		pl->ip.part = 0;
		pl->in_image = true;
		free(pl->path);
		pl->path = strdup("");
	}
	if (second) {
		if (pl->path[0]) {
			tool_err("%s: the path is given twice", argv[i]);
			place_free(pl);
			return -1;
		}
		free(pl->path);
		pl->path = strdup(second);
	}
	if (!pl->ip.image || !pl->path || !(pl->fs = vols_get(vs, &pl->ip, false))) {
		place_free(pl);
		return -1;
	}
	return 0;
}

static int
ls_one(const struct disk_file_info *fi, void *data)
{
	(void)data;
	dt_print_entry(fi);
	return 0;
}

int
fc_ls(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct disk_file_info fi;
	struct place pl;
	unsigned flags;
	int i = fc_opts(argc, argv, 0, &flags, usage), rc;

	if (argc - i < 1 || argc - i > 2)
		tool_usage_error("ls: wrong number of arguments");
	if (read_place(&vs, argc, argv, i, &pl) < 0) {
		vols_close(&vs);
		return vs.unreadable ? EXIT_USAGE : EXIT_FAIL;
	}
	rc = disk_fs_list(pl.fs, pl.path, ls_one, NULL);
	if (rc == -BK_EWRONGTYPE && (rc = disk_fs_stat(pl.fs, pl.path, &fi)) == 0)
		dt_print_entry(&fi);
	if (rc < 0)
		tool_err("%s", disk_fs_last_error(pl.fs));
	place_free(&pl);
	vols_close(&vs);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

/* A failed write to stdout stops the read; data records the errno. */
static int
cat_sink(const void *buf, size_t n, void *data)
{
	if (fwrite(buf, 1, n, stdout) == n)
		return 0;
	*(int *)data = errno ? errno : EIO;
	return 1;
}

int
fc_cat(int argc, char **argv, fc_usage_fn usage)
{
	struct vols vs = { .n = 0 };
	struct place pl;
	unsigned flags;
	int i = fc_opts(argc, argv, 0, &flags, usage), rc, werr = 0;

	if (argc - i < 1 || argc - i > 2)
		tool_usage_error("cat: wrong number of arguments");
	if (read_place(&vs, argc, argv, i, &pl) < 0) {
		vols_close(&vs);
		return vs.unreadable ? EXIT_USAGE : EXIT_FAIL;
	}
	if (!pl.path[0] && argc - i == 1 && !strchr(argv[i], ':'))
		tool_usage_error("cat: give the file to show");
	rc = disk_fs_read(pl.fs, pl.path, cat_sink, &werr);
	if (rc > 0)
		tool_err("write error on standard output: %s", strerror(werr));
	else if (rc < 0)
		tool_err("%s", disk_fs_last_error(pl.fs));
	place_free(&pl);
	vols_close(&vs);
	return rc != 0 ? EXIT_FAIL : EXIT_OK;
}
