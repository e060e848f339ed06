/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Progress of the tree copies of fs-tree.c (disk_fs_set_progress()): the
 * total is the bytes of file data in the source tree, summed by a walk
 * before the copy (a host tree through fstatat, never following a link; a
 * volume tree through the driver's list), and the count grows as the copy's
 * sources and sinks move data.  Only done when a callback is set: a walk of
 * a large tree costs a pass over its folders.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "fs-core.h"

void
disk_fs_set_progress(disk_fs_t *fs, disk_progress_cb cb, void *data)
{
	fs->prog = cb;
	fs->prog_data = data;
	fs->prog_done = fs->prog_total = 0;
}

/* Bytes of regular files under dirfd/name (a link, device or FIFO counts 0:
 * the copy refuses it anyway). */
static uint64_t
host_bytes(int dirfd, const char *name, unsigned depth)
{
	struct dirent *de;
	struct stat st;
	uint64_t sum = 0;
	DIR *dir;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return (uint64_t)st.st_size;
	if (!S_ISDIR(st.st_mode) || depth > FS_DEPTH_MAX)
		return 0;
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	if (!(dir = fdopendir(fd))) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sum += host_bytes(fd, de->d_name, depth + 1);
	closedir(dir);
	return sum;
}

/* One folder's listing: file sizes summed, subfolder names kept for after
 * the listing (a driver need not support a list inside its list). */
struct vol_sum {
	uint64_t bytes;
	char **dirs;
	size_t n, cap;
	bool nomem;
};

static int
vol_sum_cb(const struct disk_file_info *fi, void *data)
{
	struct vol_sum *v = data;
	char **nd;

	if (!fi->is_dir) {
		v->bytes += fi->size;
		return 0;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 8;
		if (!(nd = bk_realloc(v->dirs, cap * sizeof(*nd)))) {
			v->nomem = true;
			return -BK_ENOMEM;
		}
		v->dirs = nd;
		v->cap = cap;
	}
	if (!(v->dirs[v->n] = bk_strdup(fi->name))) {
		v->nomem = true;
		return -BK_ENOMEM;
	}
	v->n++;
	return 0;
}

static uint64_t
vol_bytes(struct disk_fs *fs, const struct fs_path *p, unsigned depth)
{
	struct vol_sum v = { 0 };
	struct fs_path c;
	size_t i;

	if (depth <= FS_DEPTH_MAX)
		fs->drv->list(fs, p, vol_sum_cb, &v);
	for (i = 0; i < v.n; i++) {
		if (fs_path_child(fs, p, v.dirs[i], &c) == 0) {
			v.bytes += vol_bytes(fs, &c, depth + 1);
			fs_path_free(&c);
		}
		bk_free(v.dirs[i]);
	}
	bk_free(v.dirs);
	return v.bytes;
}

static int
report(struct disk_fs *fs)
{
	uint64_t done = fs->prog_done < fs->prog_total ? fs->prog_done : fs->prog_total;

	if (fs->prog(fs->prog_data, done, fs->prog_total) != 0)
		return fs_err(fs, BK_EINVAL, NULL, "copy cancelled");
	return 0;
}

int
fs_prog_begin_host(struct disk_fs *fs, const char *host_path)
{
	if (!fs->prog)
		return 0;
	fs->prog_done = 0;
	fs->prog_total = host_bytes(AT_FDCWD, host_path, 0);
	return report(fs);
}

int
fs_prog_begin_vol(struct disk_fs *fs, struct disk_fs *src, const struct fs_path *p,
		  const struct disk_file_info *fi)
{
	if (!fs->prog)
		return 0;
	fs->prog_done = 0;
	fs->prog_total = fi->is_dir ? vol_bytes(src, p, 0) : fi->size;
	/* The walk's listing errors are the copy's to report, not ours. */
	bk_err_clear(&src->err);
	return report(fs);
}

int
fs_prog_add(struct disk_fs *fs, uint64_t n)
{
	uint64_t before;

	if (!fs || !fs->prog || n == 0)
		return 0;
	before = fs->prog_done;
	fs->prog_done += n;
	/* Past the total (a file grew): nothing new to draw. */
	return before >= fs->prog_total ? 0 : report(fs);
}

int
fs_prog_end(struct disk_fs *fs, int rc)
{
	if (rc < 0 || !fs->prog || fs->prog_done == fs->prog_total)
		return rc;
	/* A file shrank or grew on the way: the copy is done all the same. */
	fs->prog_done = fs->prog_total;
	return report(fs);
}
