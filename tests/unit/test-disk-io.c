/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The disk_t handle itself: raw files, probing, range checks, create and
 * commit through a temporary file, holes, conversion progress and cancel.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include "bk-check.h"
#include "test-disk-util.h"
#include "disk-internal.h"

#define MIB 1048576u

/* Number of entries in dir (without . and ..). */
static int
count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(dp);
	while ((e = readdir(dp)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(dp);
	return n;
}

START_TEST(create_commit_close)
{
	struct disk_create_opts o = { DISK_FORMAT_AUTO, DISK_TYPE_DEFAULT, 3 * MIB, 0, { 0 } };
	char dir[64], path[128], err[300];
	struct stat st;
	struct disk_info in;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/a.img", dir);
	/* Closed without a commit: nothing is left. */
	bk_assert_ok(err, disk_create(&d, path, &o, err, sizeof(err)));
	ck_assert_int_eq(count_entries(dir), 1);        /* the temporary file */
	ck_assert_int_ne(stat(path, &st), 0);
	bk_assert_ok_plain(disk_close(d));
	ck_assert_int_eq(count_entries(dir), 0);
	/* Committed: the file appears, of the exact size, raw and sparse. */
	bk_assert_ok(err, disk_create(&d, path, &o, err, sizeof(err)));
	bk_assert_ok(d, disk_write(d, MIB, "x", 1));
	bk_assert_ok(d, disk_commit(d));
	ck_assert_int_eq(disk_commit(d), -BK_EINVAL);
	/* A filled struct has its reserved words zeroed (libbcdkit(3)). */
	memset(&in, 0xA5, sizeof(in));
	bk_assert_ok(d, disk_get_info(d, &in));
	ck_assert_int_eq(in.format, DISK_FORMAT_RAW);
	for (size_t i = 0; i < sizeof(in.reserved) / sizeof(in.reserved[0]); i++)
		ck_assert_uint_eq(in.reserved[i], 0);
	bk_assert_ok_plain(disk_close(d));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_size, 3 * MIB);
	ck_assert_int_eq(count_entries(dir), 1);
	/* Bad requests. */
	o.size = 1000;
	ck_assert_int_eq(disk_create(&d, path, &o, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "multiple of 512"));
	o.size = MIB;
	o.type = DISK_TYPE_DIFFERENCING;
	ck_assert_int_eq(disk_create(&d, path, &o, err, sizeof(err)), -BK_EUNSUPPORTED);
	o.type = DISK_TYPE_DYNAMIC;
	o.format = DISK_FORMAT_RAW;
	ck_assert_int_eq(disk_create(&d, path, &o, err, sizeof(err)), -BK_EINVAL);
	o.format = DISK_FORMAT_VHD;
	o.block_size = 3 * MIB;
	ck_assert_int_eq(disk_create(&d, path, &o, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "power of two"));
	ck_assert_int_eq(count_entries(dir), 1);
	/* Reserved words set, as by a program built for a newer bcdkit asking
	 * for what this library does not know: refused, nothing made. */
	o.block_size = 0;
	o.reserved[3] = 1;
	ck_assert_int_eq(disk_create(&d, path, &o, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "reserved"));
	ck_assert_int_eq(count_entries(dir), 1);
	o.reserved[3] = 0;
	bk_assert_ok(err, disk_create(&d, path, &o, err, sizeof(err)));
	bk_assert_ok_plain(disk_close(d));
	test_rmtree(dir);
}
END_TEST

START_TEST(open_errors_and_ranges)
{
	char dir[64], path[128], err[300];
	uint8_t buf[16];
	disk_t *d = NULL;
	FILE *f;

	test_tmpdir(dir, sizeof(dir));
	ck_assert_int_eq(disk_open(&d, dir, 0, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(disk_open(&d, path, 0, err, sizeof(err)), -BK_EIO);
	ck_assert_ptr_nonnull(strstr(err, "missing"));
	snprintf(path, sizeof(path), "%s/small.img", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("0123456789", f);
	fclose(f);
	bk_assert_ok(err, disk_open(&d, path, 0, err, sizeof(err)));
	ck_assert_uint_eq(disk_size(d), 10);
	bk_assert_ok(d, disk_read(d, 2, buf, 8));
	ck_assert_int_eq(memcmp(buf, "23456789", 8), 0);
	ck_assert_int_eq(disk_read(d, 3, buf, 8), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "past the end"));
	ck_assert_int_eq(disk_read(d, UINT64_MAX, buf, 2), -BK_EINVAL);
	ck_assert_int_eq(disk_write(d, 0, buf, 1), -BK_EREADONLY);
	bk_assert_ok_plain(disk_close(d));
	bk_assert_ok(err, disk_open(&d, path, DISK_OPEN_WRITE, err, sizeof(err)));
	bk_assert_ok(d, disk_write(d, 0, "AB", 2));
	bk_assert_ok_plain(disk_close(d));
	bk_assert_ok(err, disk_open(&d, path, 0, err, sizeof(err)));
	bk_assert_ok(d, disk_read(d, 0, buf, 3));
	ck_assert_int_eq(memcmp(buf, "AB2", 3), 0);
	disk_close(d);
	test_rmtree(dir);
}
END_TEST

/* Pages of path's [off, off + len) in the page cache (mincore()). */
static size_t
cached_pages(const char *path, size_t off, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i, n = 0;
	int fd = open(path, O_RDONLY);
	unsigned char *vec = malloc(len / pg);
	void *map;

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(vec);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
	ck_assert_ptr_ne(map, MAP_FAILED);
	ck_assert_int_eq(mincore(map, len, vec), 0);
	for (i = 0; i < len / pg; i++)
		n += vec[i] & 1;
	munmap(map, len);
	free(vec);
	close(fd);
	return n;
}

/* Whether the file system under path takes direct I/O at all. */
static bool
direct_io_here(const char *path)
{
	struct statfs sf;
	int fd = open(path, O_RDONLY | O_DIRECT);

	if (fd < 0)
		return false;
	close(fd);
	/* tmpfs accepts O_DIRECT but keeps its pages in memory. */
	return statfs(path, &sf) == 0 && sf.f_type != TMPFS_MAGIC && sf.f_type != RAMFS_MAGIC;
}

/*
 * Large aligned writes go around the page cache (io.c); the small and the
 * unaligned ones through it, interleaved over the same bytes, must still
 * read back as written, and the file must stay usable for small writes.
 */
START_TEST(direct_writes)
{
	char dir[64], path[128], err[300];
	uint8_t *want = calloc(1, 8 * MIB), *got = malloc(8 * MIB), *buf = NULL;
	disk_t *d;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(posix_memalign((void **)&buf, 4096, 2 * MIB + 4096), 0);
	test_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/d.img", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_int_eq(ftruncate(fileno(f), 8 * MIB), 0);
	fclose(f);
	bk_assert_ok(err, disk_open(&d, path, DISK_OPEN_WRITE | DISK_OPEN_RAW, err, sizeof(err)));
	/* Aligned, 2 MiB: direct, so none of it stays cached. */
	memset(buf, 'A', 2 * MIB);
	bk_assert_ok(d, disk_write(d, MIB, buf, 2 * MIB));
	memset(want + MIB, 'A', 2 * MIB);
	if (direct_io_here(path))
		ck_assert_uint_eq(cached_pages(path, MIB, 2 * MIB), 0);
	/* A small write inside it, then a direct one over both. */
	bk_assert_ok(d, disk_write(d, MIB + 5000, "small", 5));
	memcpy(want + MIB + 5000, "small", 5);
	memset(buf, 'B', MIB);
	bk_assert_ok(d, disk_write(d, 2 * MIB + MIB / 2, buf, MIB));
	memset(want + 2 * MIB + MIB / 2, 'B', MIB);
	/* Unaligned buffer and offset: through the page cache. */
	memset(buf + 1, 'C', MIB);
	bk_assert_ok(d, disk_write(d, 5 * MIB + 1, buf + 1, MIB));
	memset(want + 5 * MIB + 1, 'C', MIB);
	if (direct_io_here(path))
		ck_assert_uint_gt(cached_pages(path, 5 * MIB, MIB), 0);
	bk_assert_ok(d, disk_write(d, 7 * MIB + 3, "tail", 4));
	memcpy(want + 7 * MIB + 3, "tail", 4);
	bk_assert_ok(d, disk_read(d, 0, got, 8 * MIB));
	ck_assert_int_eq(memcmp(got, want, 8 * MIB), 0);
	bk_assert_ok_plain(disk_close(d));
	/* And so does a plain read of the file. */
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(pread(fd, got, 8 * MIB, 0), (ssize_t)(8 * MIB));
	close(fd);
	ck_assert_int_eq(memcmp(got, want, 8 * MIB), 0);
	free(want);
	free(got);
	free(buf);
	test_rmtree(dir);
}
END_TEST

START_TEST(open_io_checks)
{
	struct disk_io_ops ops = mem_ops;
	struct mem m;
	char err[300];
	disk_t *d = NULL;

	memset(&m, 0, sizeof(m));
	m.fail_after = -1;
	ops.struct_size = 8;
	ck_assert_int_eq(disk_open_io(&d, &ops, &m, "x", 0, err, sizeof(err)), -BK_EINVAL);
	ops = mem_ops;
	ops.write_at = NULL;
	ck_assert_int_eq(disk_open_io(&d, &ops, &m, "x", DISK_OPEN_WRITE, err, sizeof(err)),
			 -BK_EINVAL);
	/* An empty container is a raw disk of size 0. */
	bk_assert_ok(err, disk_open_io(&d, &mem_ops, &m, "x", 0, err, sizeof(err)));
	ck_assert_uint_eq(disk_size(d), 0);
	disk_close(d);
	/* DISK_OPEN_RAW does not probe. */
	m.len = 2 * MIB;
	m.buf = calloc(1, m.len);
	memcpy(m.buf, "vhdxfile", 8);
	ck_assert_int_eq(disk_open_io(&d, &mem_ops, &m, "x", 0, err, sizeof(err)), -BK_ECORRUPT);
	bk_assert_ok(err, disk_open_io(&d, &mem_ops, &m, "x", DISK_OPEN_RAW, err, sizeof(err)));
	ck_assert_uint_eq(disk_size(d), 2 * MIB);
	disk_close(d);
	free(m.buf);
	ck_assert_str_eq(disk_strerror(-BK_ECORRUPT), "corrupt or invalid data");
	ck_assert_str_eq(disk_format_name(DISK_FORMAT_VHDX), "vhdx");
	ck_assert_str_eq(disk_type_name(DISK_TYPE_DYNAMIC), "dynamic");
}
END_TEST

/* Holes of a sparse file are reported; dynamic images report their blocks. */
START_TEST(map_holes)
{
	char dir[64], path[128], err[300];
	uint64_t run;
	int alloc, fd;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/sparse.img", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8 * MIB), 0);
	ck_assert_int_eq(pwrite(fd, "data", 4, 4 * MIB), 4);
	close(fd);
	bk_assert_ok(err, disk_open(&d, path, 0, err, sizeof(err)));
	bk_assert_ok(d, disk_map(d, 0, 8 * MIB, &run, &alloc));
	if (alloc == 0) {       /* the file system reports holes */
		ck_assert_uint_le(run, 4 * MIB);
		ck_assert_uint_ge(run, 4 * MIB - 65536);
		bk_assert_ok(d, disk_map(d, 4 * MIB, 4 * MIB, &run, &alloc));
		ck_assert_int_eq(alloc, 1);
		ck_assert_uint_lt(run, 4 * MIB);
	}
	ck_assert_int_eq(disk_map(d, 8 * MIB - 1, 2, &run, &alloc), -BK_EINVAL);
	ck_assert_int_eq(disk_map(d, 0, 0, &run, &alloc), -BK_EINVAL);
	disk_close(d);
	test_rmtree(dir);
}
END_TEST

struct prog {
	uint64_t last, calls;
	uint64_t cancel_at;
};

static int
prog_cb(void *data, uint64_t done, uint64_t total)
{
	struct prog *p = data;

	ck_assert_uint_ge(done, p->last);
	ck_assert_uint_le(done, total);
	p->last = done;
	p->calls++;
	return p->cancel_at && done >= p->cancel_at;
}

START_TEST(convert_progress_cancel)
{
	struct disk_create_opts o = { DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 0, MIB, { 0 } };
	struct prog p = { 0, 0, 0 };
	char dir[64], src[128], dst[128], err[300];
	uint8_t *pat = malloc(20 * MIB), *got = malloc(20 * MIB);
	disk_t *s, *d;

	test_tmpdir(dir, sizeof(dir));
	snprintf(src, sizeof(src), "%s/src.img", dir);
	snprintf(dst, sizeof(dst), "%s/dst.vhdx", dir);
	fill_pattern(pat, 20 * MIB, 5);
	memset(pat + 4 * MIB, 0, 8 * MIB);
	{
		struct disk_create_opts r = { DISK_FORMAT_RAW, DISK_TYPE_FIXED, 20 * MIB, 0, { 0 } };
		bk_assert_ok(err, disk_create(&s, src, &r, err, sizeof(err)));
		bk_assert_ok(s, disk_write(s, 0, pat, 20 * MIB));
		bk_assert_ok(s, disk_commit(s));
		disk_close(s);
	}
	bk_assert_ok(err, disk_open(&s, src, 0, err, sizeof(err)));
	p.cancel_at = 10 * MIB;
	ck_assert_int_eq(disk_convert(s, dst, &o, prog_cb, &p, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cancelled"));
	ck_assert_int_eq(count_entries(dir), 1);
	memset(&p, 0, sizeof(p));
	bk_assert_ok(err, disk_convert(s, dst, &o, prog_cb, &p, err, sizeof(err)));
	ck_assert_uint_eq(p.last, 20 * MIB);
	ck_assert_uint_ge(p.calls, 5);
	disk_close(s);
	bk_assert_ok(err, disk_open(&d, dst, 0, err, sizeof(err)));
	ck_assert_uint_eq(disk_size(d), 20 * MIB);
	bk_assert_ok(d, disk_read(d, 0, got, 20 * MIB));
	ck_assert_int_eq(memcmp(got, pat, 20 * MIB), 0);
	{
		struct disk_info in;
		bk_assert_ok(d, disk_get_info(d, &in));
		ck_assert_uint_eq(in.allocated, 12 * MIB);  /* the 8 zero MiB are not stored */
	}
	disk_close(d);
	free(pat);
	free(got);
	test_rmtree(dir);
}
END_TEST

/* The kernel-copy path (file to file) and the buffer path (a source that
 * is not a file) give the same image, for a VHD target (whose blocks are
 * not page-aligned: buffer path either way) and a VHDX one (kernel copy). */
static void
convert_both_ways(const char *dir, const char *src, enum disk_format fmt, const uint8_t *pat,
		  uint64_t size, uint64_t want_alloc)
{
	struct disk_create_opts o = { fmt, DISK_TYPE_DYNAMIC, 0, 0, { 0 } };
	char a[128], b[128], err[300];
	uint8_t *ga = malloc(size), *gb = malloc(size);
	struct disk_info ia, ib;
	struct mem m;
	disk_t *s, *da, *db;

	snprintf(a, sizeof(a), "%s/a%d", dir, (int)fmt);
	snprintf(b, sizeof(b), "%s/b%d", dir, (int)fmt);
	bk_assert_ok(err, disk_open(&s, src, 0, err, sizeof(err)));
	bk_assert_ok(err, disk_convert(s, a, &o, NULL, NULL, err, sizeof(err)));
	disk_close(s);
	mem_load(&m, src);
	s = open_mem(&m, 0);
	bk_assert_ok(err, disk_convert(s, b, &o, NULL, NULL, err, sizeof(err)));
	disk_close(s);
	free(m.buf);
	bk_assert_ok(err, disk_open(&da, a, 0, err, sizeof(err)));
	bk_assert_ok(err, disk_open(&db, b, 0, err, sizeof(err)));
	bk_assert_ok(da, disk_read(da, 0, ga, size));
	bk_assert_ok(db, disk_read(db, 0, gb, size));
	ck_assert_int_eq(memcmp(ga, pat, size), 0);
	ck_assert_int_eq(memcmp(gb, pat, size), 0);
	bk_assert_ok(da, disk_get_info(da, &ia));
	bk_assert_ok(db, disk_get_info(db, &ib));
	ck_assert_int_eq(ia.format, fmt);
	ck_assert_uint_eq(ia.allocated, want_alloc);
	ck_assert_uint_eq(ia.allocated, ib.allocated);
	ck_assert_uint_eq(ia.file_size, ib.file_size);
	disk_close(da);
	disk_close(db);
	free(ga);
	free(gb);
}

START_TEST(convert_paths_agree)
{
	char dir[64], src[128], err[300];
	uint8_t *pat = calloc(1, 9 * MIB);
	struct mem m;
	disk_t *s;

	test_tmpdir(dir, sizeof(dir));
	fill_pattern(pat + 100, 3 * MIB, 3);            /* blocks 0 and 1 */
	fill_pattern(pat + 9 * MIB - 513, 513, 4);      /* the partial last block */
	make_image(&m, dir, "src.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 9 * MIB, MIB);
	free(m.buf);
	snprintf(src, sizeof(src), "%s/src.vhdx", dir);
	bk_assert_ok(err, disk_open(&s, src, DISK_OPEN_WRITE, err, sizeof(err)));
	bk_assert_ok(s, disk_write(s, 0, pat, 9 * MIB));
	bk_assert_ok_plain(disk_close(s));
	convert_both_ways(dir, src, DISK_FORMAT_VHD, pat, 9 * MIB, 3 * 2 * MIB);  /* 0, 1, 4 */
	convert_both_ways(dir, src, DISK_FORMAT_VHDX, pat, 9 * MIB, 32 * MIB);    /* one block */
	free(pat);
	test_rmtree(dir);
}
END_TEST

static Suite *
io_suite(void)
{
	Suite *s = suite_create("disk-io");
	TCase *tc = tcase_create("io");

	tcase_set_timeout(tc, 60);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(io_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
