/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The image builder behind "vhdtool build".  Each partition is prepared as a
 * separate file first: mkntfs formats a temporary partition image with the
 * hidden-sectors and geometry fields of its final place on the disk, and
 * wimlib applies a WIM image onto it in NTFS mode (wimlib mounts files by
 * path itself, so it cannot write into a VHD directly).  Then one pass
 * writes the partition table and every partition through a disk_t created
 * beside the output, skipping zeros so dynamic images stay small, and
 * disk_commit() renames it into place.  No mounts, no root.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_WIMLIB
#include <wimlib.h>
#endif

#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-number.h"
#include "disk-internal.h"
#include "bcdkit/disk-fs.h"

#define BUILD_CHUNK       DISK_MIB
#define BUILD_MAX_PARTS   DISK_LABEL_MAX_PARTS
#define MKNTFS_OUT_MAX    512u          /* bytes of mkntfs output kept for messages */

extern char **environ;

/* ---- spec parsing --------------------------------------------------------- */

static int
spec_err(char *errbuf, size_t len, const char *spec, const char *why)
{
	bk_errbuf_set(errbuf, len, "partition spec '%s': %s", spec, why);
	return -BK_ESYNTAX;
}

/* "PATH[:INDEX]" of a wim= option: the index is what follows the last ':'
 * when that is all digits. */
static int
parse_wim(const char *v, struct disk_build_part *out)
{
	const char *colon = strrchr(v, ':');
	size_t n = strlen(v);
	unsigned long idx = 1;
	char *end;

	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		errno = 0;
		idx = strtoul(colon + 1, &end, 10);
		if (errno || idx == 0 || idx > INT_MAX)
			return -1;
		n = (size_t)(colon - v);
	}
	if (n == 0 || n >= sizeof(out->path))
		return -1;
	memcpy(out->path, v, n);
	out->path[n] = '\0';
	out->wim_index = (unsigned)idx;
	return 0;
}

static int
parse_option(const char *spec, const char *opt, size_t n, struct disk_build_part *out,
	     char *errbuf, size_t len, int *last)
{
	*last = 0;
	if (n == 6 && memcmp(opt, "active", 6) == 0) {
		out->active = 1;
	} else if (n == 5 && memcmp(opt, "empty", 5) == 0) {
		out->source = DISK_SRC_EMPTY;
	} else if (n > 6 && memcmp(opt, "label=", 6) == 0) {
		if (n - 6 >= sizeof(out->label))
			return spec_err(errbuf, len, spec, "label too long (32 characters at most)");
		memcpy(out->label, opt + 6, n - 6);
		out->label[n - 6] = '\0';
	} else if (strncmp(opt, "image=", 6) == 0 && opt[6]) {
		*last = 1;
		if (strlen(opt + 6) >= sizeof(out->path))
			return spec_err(errbuf, len, spec, "path too long");
		strcpy(out->path, opt + 6);
		out->source = DISK_SRC_IMAGE;
	} else if (strncmp(opt, "files=", 6) == 0 && opt[6]) {
		*last = 1;
		if (strlen(opt + 6) >= sizeof(out->files))
			return spec_err(errbuf, len, spec, "path too long");
		strcpy(out->files, opt + 6);
	} else if (strncmp(opt, "wim=", 4) == 0 && opt[4]) {
		*last = 1;
		if (parse_wim(opt + 4, out) < 0)
			return spec_err(errbuf, len, spec, "bad wim=PATH[:INDEX]");
		out->source = DISK_SRC_WIM;
	} else {
		return spec_err(errbuf, len, spec, "unknown option (expected active, empty, "
				"label=NAME, image=PATH, wim=PATH[:INDEX] or files=DIR)");
	}
	return 0;
}

int
disk_build_parse_spec(const char *spec, struct disk_build_part *out, char *errbuf,
		      size_t errbuf_len)
{
	const char *p = spec, *c;
	char kind[16];
	size_t n;
	int rc, last = 0;

	memset(out, 0, sizeof(*out));
	if (!(c = strchr(p, ':')) || (size_t)(c - p) >= sizeof(kind))
		return spec_err(errbuf, errbuf_len, spec, "expected KIND:SIZE[:OPTION]...");
	memcpy(kind, p, (size_t)(c - p));
	kind[c - p] = '\0';
	if (disk_part_kind_parse(kind, &out->kind) < 0)
		return spec_err(errbuf, errbuf_len, spec,
				"unknown kind (expected ntfs, fat32, fat16, esp or msr)");
	out->source = out->kind == DISK_PART_MSR ? DISK_SRC_EMPTY : DISK_SRC_FORMAT;
	p = c + 1;
	n = strcspn(p, ":");
	if (n == 4 && memcmp(p, "rest", 4) == 0)
		out->size = 0;
	else if (!bk_parse_size(p, n, false, &out->size) || out->size == 0)
		return spec_err(errbuf, errbuf_len, spec, "bad size (e.g. 100M, 4G or rest)");
	for (p += n; *p == ':' && !last; p += n) {
		p++;
		n = strcspn(p, ":");
		if ((rc = parse_option(spec, p, n, out, errbuf, errbuf_len, &last)) < 0)
			return rc;
	}
	if (last)
		p += strlen(p);
	if (*p)
		return spec_err(errbuf, errbuf_len, spec, "empty option");
	if (out->kind != DISK_PART_NTFS && out->source == DISK_SRC_WIM)
		return spec_err(errbuf, errbuf_len, spec, "wim= needs an ntfs partition");
	if (out->kind == DISK_PART_MSR && (out->label[0] || out->files[0]))
		return spec_err(errbuf, errbuf_len, spec, "an msr partition holds no file system");
	if (out->kind != DISK_PART_NTFS && out->label[0] && strlen(out->label) > 11)
		return spec_err(errbuf, errbuf_len, spec, "a FAT label has 11 characters at most");
	if (out->source == DISK_SRC_IMAGE && out->label[0])
		return spec_err(errbuf, errbuf_len, spec, "label= does not apply to image=");
	if (out->source == DISK_SRC_EMPTY && (out->label[0] || out->files[0]))
		return spec_err(errbuf, errbuf_len, spec, "label= and files= need a file system "
				"(not empty)");
	return 0;
}

/* ---- preparing partition images ------------------------------------------------ */

/* mkntfs lives in /usr/sbin, which an ordinary user's PATH often lacks. */
static int
find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;
	static const char *const extra[] = { "/usr/sbin", "/sbin", "/usr/local/sbin" };
	size_t i;

	for (p = path; p && *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		if (e > p && snprintf(out, len, "%.*s/%s", (int)(e - p), p, name) < (int)len &&
		    access(out, X_OK) == 0)
			return 0;
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (snprintf(out, len, "%s/%s", extra[i], name) < (int)len && access(out, X_OK) == 0)
			return 0;
	return -1;
}

/* Run argv with stdout and stderr captured (the tail is kept in out). */
static int
run_captured(char *const argv[], char *out, size_t outlen, int *status)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], rc;
	pid_t pid;
	size_t used = 0;
	ssize_t n;
	char buf[256];

	if (pipe(pfd) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		errno = rc;
		return -1;
	}
	out[0] = '\0';
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (used + (size_t)n >= outlen) {   /* keep the tail: errors come last */
			size_t drop = used + (size_t)n - outlen + 1;
			drop = drop > used ? used : drop;
			memmove(out, out + drop, used - drop);
			used -= drop;
		}
		memcpy(out + used, buf, (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used);
		used += (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;
		out[used] = '\0';
	}
	close(pfd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Last non-empty line of a captured output, for an error message. */
static const char *
last_line(char *s)
{
	char *e = s + strlen(s), *b;

	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		*--e = '\0';
	b = strrchr(s, '\n');
	return b ? b + 1 : s;
}

static int
run_mkntfs(struct bk_errbuf *eb, const char *file, const struct disk_partition *p,
	   const char *label)
{
	char prog[PATH_MAX], start[32], sectors[32], out[MKNTFS_OUT_MAX];
	char *argv[20];         /* 16 arguments at most, and NULL */
	int argc = 0, status;

	if (find_program("mkntfs", prog, sizeof(prog)) < 0)
		return bk_err(eb, BK_EUNSUPPORTED, "mkntfs not found (install ntfs-3g)");
	snprintf(start, sizeof(start), "%llu", (unsigned long long)(p->offset / DISK_SECTOR));
	snprintf(sectors, sizeof(sectors), "%llu", (unsigned long long)(p->size / DISK_SECTOR));
	argv[argc++] = prog;
	argv[argc++] = (char *)"-F";    /* a regular file, not a block device */
	argv[argc++] = (char *)"-Q";    /* quick: no zeroing, no bad-sector scan */
	argv[argc++] = (char *)"-q";
	argv[argc++] = (char *)"-s";
	argv[argc++] = (char *)"512";
	argv[argc++] = (char *)"-p";    /* hidden sectors = where it starts */
	argv[argc++] = start;
	argv[argc++] = (char *)"-H";
	argv[argc++] = (char *)"255";
	argv[argc++] = (char *)"-S";
	argv[argc++] = (char *)"63";
	if (label && *label) {
		argv[argc++] = (char *)"-L";
		argv[argc++] = (char *)label;
	}
	argv[argc++] = (char *)file;
	argv[argc++] = sectors;
	argv[argc] = NULL;
	if (run_captured(argv, out, sizeof(out), &status) < 0)
		return bk_err(eb, BK_EIO, "cannot run %s: %s", prog, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return bk_err(eb, BK_EIO, "mkntfs failed for partition %u: %s", p->number,
			      last_line(out));
	return 0;
}

/* Where progress goes: the caller's callback and the partition at work. */
struct build_report {
	const struct disk_build_opts *o;
	unsigned partition;
	bool cancelled;
};

static int
report(struct build_report *r, enum disk_build_stage stage, uint64_t done, uint64_t total)
{
	if (r->o->progress &&
	    r->o->progress(r->o->progress_data, stage, r->partition, done, total) != 0)
		r->cancelled = true;
	return r->cancelled ? -1 : 0;
}

#ifdef HAVE_WIMLIB
/* wimlib's progress, passed on while it writes file data (most of the time
 * of an apply); the other messages carry nothing a bar could show. */
static enum wimlib_progress_status
wim_progress(enum wimlib_progress_msg msg, union wimlib_progress_info *info, void *ctx)
{
	if (msg == WIMLIB_PROGRESS_MSG_EXTRACT_STREAMS &&
	    report(ctx, DISK_BUILD_APPLY_WIM, info->extract.completed_bytes,
		   info->extract.total_bytes) < 0)
		return WIMLIB_PROGRESS_STATUS_ABORT;
	return WIMLIB_PROGRESS_STATUS_CONTINUE;
}

static int
apply_wim(struct bk_errbuf *eb, const char *file, const struct disk_build_part *bp,
	  struct build_report *r)
{
	WIMStruct *wim = NULL;
	int rc;

	rc = wimlib_open_wim_with_progress(bp->path, 0, &wim, r->o->progress ? wim_progress : NULL, r);
	if (rc == 0)
		rc = wimlib_extract_image(wim, (int)bp->wim_index, file, WIMLIB_EXTRACT_FLAG_NTFS);
	if (wim)
		wimlib_free(wim);
	if (rc == WIMLIB_ERR_ABORTED_BY_PROGRESS)
		return bk_error_at(eb, file, BK_EINVAL, "build cancelled");
	if (rc != 0)
		return bk_error_at(eb, bp->path, rc == WIMLIB_ERR_NOMEM ? BK_ENOMEM : BK_EIO,
			      "applying image %u: %s", bp->wim_index,
			      wimlib_get_error_string((enum wimlib_error_code)rc));
	return 0;
}
#else
static int
apply_wim(struct bk_errbuf *eb, const char *file, const struct disk_build_part *bp,
	  struct build_report *r)
{
	(void)file; (void)r;
	return bk_error_at(eb, bp->path, BK_EUNSUPPORTED,
			   "cannot apply a WIM image: bcdkit was built "
		      "without wimlib (--without-wimlib)");
}
#endif

/*
 * Make the temporary NTFS image of one partition, "OUT.partN.tmpPID.RANDOM"
 * in the output's folder (or the chosen one): one of the library's
 * temporaries (bk-safefile.h), so removed on SIGINT and by the next run.
 */
static int
prepare_ntfs(struct bk_errbuf *eb, const struct bk_target *pt, const struct disk_partition *p,
	     const struct disk_build_part *bp, struct bk_temp *tt, char **tmp,
	     struct build_report *r)
{
	char suffix[16], *name;
	const char *dir = pt->real;
	size_t dl = (size_t)(strrchr(dir, '/') ? strrchr(dir, '/') - dir : 1);
	int rc;

	snprintf(suffix, sizeof(suffix), ".part%u", p->number);
	if ((rc = bk_temp_create(eb, pt, suffix, 0600, NULL, tt)) < 0)
		return rc;
	if (!(name = bk_malloc(dl + strlen(tt->name) + 2)))
		return bk_err(eb, BK_ENOMEM, "out of memory");
	if (strrchr(dir, '/'))
		sprintf(name, "%.*s/%s", (int)dl, dir, tt->name);
	else
		sprintf(name, "%s", tt->name);
	*tmp = name;
	if (ftruncate(tt->fd, (off_t)p->size) < 0)
		return bk_error_at(eb, name, BK_EIO, "cannot size: %s", strerror(errno));
	if ((rc = run_mkntfs(eb, name, p, bp->label)) < 0)
		return rc;
	if (bp->source == DISK_SRC_WIM)
		rc = apply_wim(eb, name, bp, r);
	return rc;
}

/* ---- the write pass ------------------------------------------------------------ */

/* Copy the data areas of file into d at off, skipping holes and zeros. */
static int
copy_into(struct disk *d, struct bk_errbuf *eb, const char *file, const struct disk_partition *p,
	  uint8_t *buf, struct build_report *r)
{
	struct stat st;
	off_t data, hole, pos = 0;
	ssize_t n;
	int fd, rc = 0, wrc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		rc = bk_error_at(eb, file, BK_EIO, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > p->size) {
		rc = bk_error_at(eb, file, BK_ETOOBIG, "%llu bytes do not fit in partition %u "
			    "(%llu bytes)", (unsigned long long)st.st_size, p->number,
			    (unsigned long long)p->size);
		goto out;
	}
	while (pos < st.st_size && rc == 0) {
		data = lseek(fd, pos, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		hole = data < 0 ? st.st_size : lseek(fd, data, SEEK_HOLE);
		if (data < 0)
			data = pos;         /* no SEEK_DATA here: read everything */
		if (hole < 0)
			hole = st.st_size;
		for (pos = data; pos < hole && rc == 0; pos += n) {
			n = pread(fd, buf, (size_t)(hole - pos < BUILD_CHUNK ? hole - pos : BUILD_CHUNK), pos);
			if (n <= 0) {
				rc = bk_error_at(eb, file, BK_EIO, "read error: %s",
					    n < 0 ? strerror(errno) : "unexpected end of file");
				break;
			}
			if (!dk_is_zero(buf, (size_t)n) &&
			    (wrc = disk_write(d, p->offset + (uint64_t)pos, buf, (size_t)n)) < 0)
				rc = bk_err(eb, -wrc, "%s", disk_last_error(d));
			else if (report(r, DISK_BUILD_WRITE, (uint64_t)(pos + n),
					(uint64_t)st.st_size) < 0)
				rc = bk_error_at(eb, file, BK_EINVAL, "build cancelled");
		}
	}
	/* Holes at the end are written too (as nothing): say so. */
	if (rc == 0 && report(r, DISK_BUILD_WRITE, (uint64_t)st.st_size, (uint64_t)st.st_size) < 0)
		rc = bk_error_at(eb, file, BK_EINVAL, "build cancelled");
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * An NTFS image copied with image= was usually made for another place: set
 * the hidden-sectors field (0x1C) of its boot sector and of the backup boot
 * sector (the sector after the volume) to the partition's start, and the
 * geometry (0x18, 0x1A) to the one of our MBR entries, as mkntfs -p -H -S
 * would have; Windows needs them to boot from it.  Nothing else changes.
 */
static int
fix_hidden_sectors(struct disk *d, struct bk_errbuf *eb, const struct disk_partition *p)
{
	uint8_t s[DISK_SECTOR];
	uint64_t at[2] = { p->offset, 0 }, total;
	uint32_t start = (uint32_t)(p->offset / DISK_SECTOR);
	unsigned i;
	int rc;

	for (i = 0; i < 2 && (i == 0 || at[1]); i++) {
		if ((rc = disk_read(d, at[i], s, sizeof(s))) < 0)
			return bk_err(eb, -rc, "%s", disk_last_error(d));
		if (memcmp(s + 3, "NTFS    ", 8) != 0 || s[510] != 0x55 || s[511] != 0xAA)
			return 0;
		if (i == 0) {
			total = bk_le64(s + 0x28);
			if (total < p->size / DISK_SECTOR)
				at[1] = p->offset + total * DISK_SECTOR;
		}
		if (bk_le32(s + 0x1C) == start && bk_le16(s + 0x18) == DL_SPT &&
		    bk_le16(s + 0x1A) == DL_HEADS)
			continue;
		bk_put_le16(s + 0x18, DL_SPT);
		bk_put_le16(s + 0x1A, DL_HEADS);
		bk_put_le32(s + 0x1C, start);
		if ((rc = disk_write(d, at[i], s, sizeof(s))) < 0)
			return bk_err(eb, -rc, "%s", disk_last_error(d));
	}
	return 0;
}

static int
lay_out(struct disk *d, struct bk_errbuf *eb, struct disk_label *l,
	const struct disk_build_opts *o, const struct disk_build_part *parts, unsigned n)
{
	unsigned i;
	int rc;

	if ((rc = disk_label_init(d, l, o->label)) < 0)
		return bk_err(eb, -rc, "%s", disk_last_error(d));
	for (i = 0; i < n; i++)
		if ((rc = disk_label_add(d, l, parts[i].kind, parts[i].size, parts[i].active,
					 NULL)) < 0)
			return bk_err(eb, -rc, "%s", disk_last_error(d));
	return 0;
}

/*
 * The partition images are temporaries of "DIR/OUTNAME", DIR being tmpdir
 * or the output's folder; leftovers of a killed build there are removed.
 */
static int
part_target(struct bk_errbuf *eb, const char *out, const char *tmpdir, struct bk_target *pt)
{
	const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	char *p = bk_malloc((tmpdir ? strlen(tmpdir) : 0) + strlen(out) + 2);
	int rc;

	if (!p)
		return bk_err(eb, BK_ENOMEM, "out of memory");
	if (tmpdir)
		sprintf(p, "%s/%s", tmpdir, base);
	else
		strcpy(p, out);
	rc = bk_target_open(eb, p, BK_SAFE_SIDECAR, pt);
	if (rc == 0) {
		pt->name = out;
		/* the folder's copy of the name, not p, outlives this call */
		bk_temp_sweep(pt);
	}
	bk_free(p);
	return rc;
}

struct build_state {
	struct bk_errbuf eb;
	struct disk_label *l;
	char *tmp[BUILD_MAX_PARTS];
	struct bk_temp tt[BUILD_MAX_PARTS];
	struct bk_target pt;        /* DIR/OUTNAME: where the partition images go */
	uint8_t *buf;
	disk_t *d;
	struct build_report r;
};

/* FAT for fat32, fat16 and esp partitions; esp by size as Windows does. */
static enum disk_fs_type
fat_type(enum disk_part_kind kind)
{
	return kind == DISK_PART_FAT32 ? DISK_FS_FAT32 : kind == DISK_PART_FAT16
	       ? DISK_FS_FAT16 : DISK_FS_UNKNOWN;
}

/* The files= copy's progress, as a stage of the build. */
static int
files_progress(void *data, uint64_t done, uint64_t total)
{
	return report(data, DISK_BUILD_COPY_FILES, done, total);
}

/*
 * After the table is written: format a FAT partition and copy files= in,
 * through the file-system layer on the image being built (so into any
 * container format).
 */
static int
fill_part(struct build_state *s, const struct disk_build_part *bp, unsigned number)
{
	struct disk_fs_format_opts fo;
	disk_fs_t *fs;
	int rc;

	if (bp->source == DISK_SRC_FORMAT && bp->kind != DISK_PART_NTFS) {
		memset(&fo, 0, sizeof(fo));
		fo.type = fat_type(bp->kind);
		fo.label = bp->label[0] ? bp->label : NULL;
		if ((rc = disk_fs_format(s->d, number, &fo)) < 0)
			return bk_err(&s->eb, -rc, "partition %u: %s", number,
				      disk_last_error(s->d));
	}
	if (!bp->files[0])
		return 0;
	if ((rc = disk_fs_open(&fs, s->d, number, DISK_FS_WRITE)) < 0)
		return bk_err(&s->eb, -rc, "partition %u: %s", number, disk_last_error(s->d));
	s->r.partition = number;
	if (s->r.o->progress)
		disk_fs_set_progress(fs, files_progress, &s->r);
	if ((rc = disk_fs_import_tree(fs, "\\", bp->files)) < 0 || (rc = disk_fs_flush(fs)) < 0)
		bk_err(&s->eb, -rc, "partition %u: %s", number, disk_fs_last_error(fs));
	disk_fs_close(fs);
	return rc;
}

static int
build_parts(struct build_state *s, const struct disk_build_part *parts, unsigned n)
{
	const char *src;
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((parts[i].source != DISK_SRC_FORMAT || parts[i].kind != DISK_PART_NTFS) &&
		    parts[i].source != DISK_SRC_WIM)
			continue;
		s->r.partition = s->l->part[i].number;
		if ((rc = prepare_ntfs(&s->eb, &s->pt, &s->l->part[i], &parts[i], &s->tt[i],
				       &s->tmp[i], &s->r)) < 0)
			return rc;
	}
	for (i = 0; i < n; i++) {
		src = parts[i].source == DISK_SRC_IMAGE ? parts[i].path : s->tmp[i];
		s->r.partition = s->l->part[i].number;
		if (src && (rc = copy_into(s->d, &s->eb, src, &s->l->part[i], s->buf, &s->r)) < 0)
			return rc;
		if (parts[i].source == DISK_SRC_IMAGE &&
		    (rc = fix_hidden_sectors(s->d, &s->eb, &s->l->part[i])) < 0)
			return rc;
	}
	if ((rc = disk_label_write(s->d, s->l)) < 0)
		return bk_err(&s->eb, -rc, "%s", disk_last_error(s->d));
	for (i = 0; i < n; i++)
		if ((rc = fill_part(s, &parts[i], s->l->part[i].number)) < 0)
			return rc;
	if ((rc = disk_commit(s->d)) < 0)
		return bk_err(&s->eb, -rc, "%s", disk_last_error(s->d));
	return 0;
}

int
disk_build(const char *out, const struct disk_build_opts *o,
	   const struct disk_build_part *parts, unsigned nparts, char *errbuf, size_t errbuf_len)
{
	struct build_state s;
	struct disk_create_opts co;
	unsigned i;
	int rc;

	memset(&s, 0, sizeof(s));
	s.pt.dirfd = -1;
	s.r.o = o;
	for (i = 0; i < BUILD_MAX_PARTS; i++)
		s.tt[i].fd = -1;
	if (nparts == 0 || nparts > BUILD_MAX_PARTS ||
	    (o->label != DISK_LABEL_MBR && o->label != DISK_LABEL_GPT)) {
		rc = bk_error_at(&s.eb, out, BK_EINVAL, "need 1-%u partitions and a table type",
				 BUILD_MAX_PARTS);
		goto out;
	}
	if (!BK_RESERVED_ZERO(o)) {
		rc = bk_err(&s.eb, BK_EINVAL, "%s: struct disk_build_opts has reserved fields "
			    "set (a program built for a newer bcdkit?)", out);
		goto out;
	}
	memset(&co, 0, sizeof(co));
	co.format = o->format;
	co.type = o->type;
	co.size = o->size;
	if ((rc = disk_create(&s.d, out, &co, s.eb.msg, sizeof(s.eb.msg))) < 0)
		goto out;
	s.l = bk_malloc(sizeof(*s.l));
	s.buf = bk_malloc(BUILD_CHUNK);
	if (!s.l || !s.buf) {
		rc = bk_err(&s.eb, BK_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = part_target(&s.eb, out, o->tmpdir, &s.pt)) < 0)
		goto out;
	if ((rc = lay_out(s.d, &s.eb, s.l, o, parts, nparts)) == 0)
		rc = build_parts(&s, parts, nparts);
out:
	for (i = 0; i < BUILD_MAX_PARTS; i++) {
		bk_temp_discard(&s.tt[i]);
		bk_free(s.tmp[i]);
	}
	bk_target_close(&s.pt);
	disk_close(s.d);
	bk_free(s.l);
	bk_free(s.buf);
	if (rc < 0)
		bk_errbuf_set(errbuf, errbuf_len, "%s", s.eb.msg);
	return rc;
}
