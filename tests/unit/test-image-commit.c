/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The commit of a hive inside a volume (tools/common/image-file.c) on an
 * in-memory FAT32 volume and on an NTFS partition, whose backend stops at
 * operation N (every later read, write and flush fails, as after a power
 * cut).  Every time the volume must open (for NTFS also under ntfsfix -n),
 * \Boot\BCD must be the old store byte for byte or the new one complete and
 * clean, every file of \Boot must read back and the other files must be
 * untouched; once complete, the log beside the store is empty and no
 * temporary file is left; and the next run on the interrupted volume must
 * commit and leave only the store, its log and the other file.  The stops
 * are sampled (sampled()); BK_CRASH_SWEEP=full takes every one.  Also: a
 * leftover temporary file of an interrupted commit does not stop the next
 * one, --backup copies, and reading the hive and its logs back.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "bk-check.h"
#include "bcdkit/disk-fs.h"
#include "bcdkit/hive.h"
#include "test-hive-open.h"
#include "bk-bytes.h"
#include "fs-internal.h"
#include "image-file.h"
#include "test-disk-util.h"

/* fs.c refers to the FAT driver weakly (see test-disk-fat.c). */
const struct fs_driver *const test_fat_driver = &fs_fat_driver;

#define MIB (1024u * 1024u)
#define STORE "\\Boot\\BCD"

/*
 * The sanitizer build's LeakSanitizer: when an injected I/O failure makes
 * libntfs-3g's ntfs_inode_close() fail, libntfs-3g keeps the inode (its
 * design: a dirty inode is not dropped), and nothing holds it any more.
 * That is libntfs-3g under a failing device, not a leak of bcdkit's; the
 * valgrind pass covers bcdkit's NTFS paths without injected failures.
 */
const char *__lsan_default_suppressions(void) __attribute__((visibility("default"), used));
const char *
__lsan_default_suppressions(void)
{
	return "leak:libntfs-3g.so\n";
}

/* Without this, LeakSanitizer writes its suppression statistics to its log
 * even when nothing else is wrong, and CI counts any log as a report. */
const char *__lsan_default_options(void) __attribute__((visibility("default"), used));
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static uint8_t *old_store;
static size_t old_len;

static disk_fs_t *
fs_open(disk_t *d, unsigned flags)
{
	disk_fs_t *fs = NULL;

	ck_assert_msg(disk_fs_open(&fs, d, 0, flags) == 0, "fs open: %s", disk_last_error(d));
	return fs;
}

static void
put(disk_fs_t *fs, const char *path, const void *p, size_t n)
{
	ck_assert_msg(disk_fs_write_file(fs, path, p, n, 0) == 0, "%s: %s", path,
		      disk_fs_last_error(fs));
}

static void
expect(disk_fs_t *fs, const char *path, const void *p, size_t n)
{
	uint8_t *got = NULL;
	size_t len = 0;

	ck_assert_msg(disk_fs_read_file(fs, path, &got, &len, 64 * MIB) == 0, "%s: %s", path,
		      disk_fs_last_error(fs));
	ck_assert_uint_eq(len, n);
	ck_assert_msg(memcmp(got, p, n) == 0, "%s changed", path);
	free(got);
}

/* A small committed hive with one key, as bytes. */
static void
make_store(void)
{
	char dir[] = "/tmp/bk-imgcommit.XXXXXX", path[64], err[256];
	hive_key_t root, k;
	hive_t *h;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/BCD", dir);
	ck_assert_msg(th_create(&h, path, "NewStoreRoot", 3, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_root(h, &root));
	bk_assert_ok(h, hive_key_add(h, root, "Objects", &k));
	bk_assert_ok(h, hive_commit(h, 0));
	hive_close(h);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	old_store = malloc(1 << 20);
	old_len = fread(old_store, 1, 1 << 20, f);
	fclose(f);
	remove(path);
	remove(dir);
}

static void
free_store(void)
{
	free(old_store);
	old_store = NULL;
}

static const char other[] = "a file the commit must not touch";
static const char log1[] = "stale log bytes: not a registry log, but not empty";

/* The files every test starts from, in the volume of d. */
static void
fill_volume(disk_t *d)
{
	disk_fs_t *fs = fs_open(d, DISK_FS_WRITE);

	bk_assert_ok(fs, disk_fs_mkdir(fs, "Boot", 0));
	put(fs, STORE, old_store, old_len);
	put(fs, STORE ".LOG1", log1, sizeof(log1));
	put(fs, "\\Boot\\other.bin", other, sizeof(other));
	put(fs, "\\root.txt", other, 10);
	bk_assert_ok_plain(disk_fs_close(fs));
}

/* A FAT32 volume that is the whole (in-memory) disk. */
static void
base_volume(struct mem *m)
{
	struct disk_fs_format_opts o;
	disk_t *d;

	memset(&o, 0, sizeof(o));
	o.serial = 0x1234ABCD;
	d = fat32_mem_disk(m, 40 * MIB, &o, 0);
	fill_volume(d);
	bk_assert_ok_plain(disk_close(d));
}

/* An NTFS partition (mkntfs through disk_build()) of an MBR disk. */
static void
base_volume_ntfs(struct mem *m)
{
	char dir[] = "/tmp/bk-imgcommit.XXXXXX", path[64], err[512];
	struct disk_build_part part;
	struct disk_build_opts o;
	disk_t *d;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ntfs.img", dir);
	memset(&o, 0, sizeof(o));
	o.size = 48 * MIB;
	o.label = DISK_LABEL_MBR;
	o.format = DISK_FORMAT_RAW;
	bk_assert_ok(err, disk_build_parse_spec("ntfs:40M:active", &part, err, sizeof(err)));
	ck_assert_msg(disk_build(path, &o, &part, 1, err, sizeof(err)) == 0, "build: %s", err);
	mem_load(m, path);
	remove(path);
	remove(dir);
	d = open_mem(m, DISK_OPEN_WRITE);
	fill_volume(d);
	bk_assert_ok_plain(disk_close(d));
}

/* Read the store with its logs and make one edit. */
static hive_t *
open_and_edit(disk_fs_t *fs)
{
	struct img_hive_bytes b;
	char err[512];
	hive_key_t k;
	hive_t *h;

	ck_assert_msg(img_read_hive(fs, STORE, "mem:\\Boot\\BCD", &b, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(b.nlogs, 1);
	ck_assert_str_eq(b.logs[0].name, "BCD.LOG1");
	ck_assert_msg(th_open_image(&h, b.data, b.len, "mem:\\Boot\\BCD", b.logs, b.nlogs,
				      HIVE_OPEN_WRITE, err, sizeof(err)) == 0, "%s", err);
	img_hive_bytes_free(&b);
	bk_assert_ok(h, hive_key_find(h, "Objects", &k));
	bk_assert_ok(h, hive_value_set(h, k, "Edited", HIVE_REG_DWORD, "\1\0\0\0", 4));
	return h;
}

/* 1 if the store is the old one, 0 if the new one (else the test fails). */
static int
check_store(disk_fs_t *fs, long n)
{
	uint8_t *got = NULL;
	size_t len = 0;
	hive_key_t k;
	hive_t *h;
	int old;

	ck_assert_msg(disk_fs_read_file(fs, STORE, &got, &len, 64 * MIB) == 0,
		      "stop at %ld: %s", n, disk_fs_last_error(fs));
	old = len == old_len && memcmp(got, old_store, len) == 0;
	if (!old) {
		ck_assert_msg(th_open_buffer(&h, got, len, "new", 0, NULL, 0) == 0,
			      "stop at %ld: the store is neither old nor a valid hive", n);
		ck_assert_msg(hive_state(h) == 0, "stop at %ld: the new store is not clean", n);
		bk_assert_ok(h, hive_key_find(h, "Objects", &k));
		bk_assert_ok(h, hive_value_find(h, k, "Edited", &(hive_value_t){ 0 }));
		hive_close(h);
	}
	free(got);
	expect(fs, "\\Boot\\other.bin", other, sizeof(other));
	expect(fs, "\\root.txt", other, 10);
	return old;
}

/* One commit into a copy of base, stopped at operation stop (<0: never);
 * returns the commit's result and how many operations it took. */
static int
commit_stopped(const struct mem *base, long stop, struct mem *m, unsigned *ops)
{
	char err[512];
	uint8_t *img;
	size_t len;
	disk_fs_t *fs;
	disk_t *d;
	hive_t *h;
	int rc;

	*m = mem_copy(base);
	d = open_mem(m, DISK_OPEN_WRITE);
	fs = fs_open(d, DISK_FS_WRITE);
	h = open_and_edit(fs);
	m->fail_after = stop < 0 ? -3 : stop;
	m->ops = 0;
	rc = img_store_hive(d, fs, STORE, "mem:\\Boot\\BCD", h, false, &img, &len, err,
			    sizeof(err));
	if (disk_fs_close(fs) != 0)
		rc = -1;
	if (disk_close(d) != 0)
		rc = -1;
	*ops = m->ops;
	if (rc == 0)
		bk_assert_ok(h, hive_serialize_done(h, img, len));
	free(img);
	hive_close(h);
	m->fail_after = -1;
	return rc;
}

/* The names in \Boot, sorted by the file system's order, joined by '|'. */
static int
name_cb(const struct disk_file_info *fi, void *data)
{
	char *names = data;
	size_t n = strlen(names);

	snprintf(names + n, 1024 - n, "%s%s", n ? "|" : "", fi->name);
	return 0;
}

/* Every file of \Boot and the root reads back whole (no entry leads to a
 * freed or half-made record); the names of \Boot in names (1024 bytes). */
static void
check_tree(disk_fs_t *fs, long n, char *names)
{
	char one[1024], path[300], *save = NULL, *tok;
	uint8_t *got;
	size_t len;

	names[0] = one[0] = '\0';
	ck_assert_msg(disk_fs_list(fs, "\\", name_cb, one) == 0, "stop at %ld: root: %s", n,
		      disk_fs_last_error(fs));
	ck_assert_msg(disk_fs_list(fs, "\\Boot", name_cb, names) == 0, "stop at %ld: \\Boot: %s",
		      n, disk_fs_last_error(fs));
	snprintf(one, sizeof(one), "%s", names);
	for (tok = strtok_r(one, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		snprintf(path, sizeof(path), "\\Boot\\%s", tok);
		got = NULL;
		ck_assert_msg(disk_fs_read_file(fs, path, &got, &len, 64 * MIB) == 0,
			      "stop at %ld: %s: %s", n, path, disk_fs_last_error(fs));
		free(got);
	}
}

/*
 * libntfs-3g's own verdict on the partition of an MBR disk in m: ntfsfix -n
 * mounts it as every Linux NTFS mount does ($MFTMirr against $MFT, $LogFile,
 * the boot sectors).  Skipped (once said) where ntfsfix is not installed.
 */
static void
ntfsfix_ok(const struct mem *m, long n)
{
	static int absent;
	char dir[] = "/tmp/bk-imgcommit.XXXXXX", path[64], cmd[200];
	uint64_t off = (uint64_t)bk_le32(m->buf + 446 + 8) * 512;
	uint64_t len = (uint64_t)bk_le32(m->buf + 446 + 12) * 512;
	FILE *f;
	int rc;

	if (absent)
		return;
	ck_assert(off > 0 && off + len <= m->len);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vol", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(m->buf + off, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "ntfsfix -n %s >%s.log 2>&1", path, path);
	rc = system(cmd);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 127) {
		absent = 1;
		printf("ntfsfix not found: the crash sweep checks the volume with our reader only\n");
	} else if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s.log", path);
		ck_assert_int_eq(system(cmd), 0);
		ck_abort_msg("stop at %ld: ntfsfix -n rejects the volume", n);
	}
	snprintf(cmd, sizeof(cmd), "%s.log", path);
	remove(cmd);
	remove(path);
	remove(dir);
}

/*
 * The next run on an interrupted volume: it opens for writing, commits, and
 * afterwards \Boot holds the store, its empty log and the other file: no
 * temporary file of either run is left.
 */
static void
next_run(struct mem *m, long n)
{
	char err[512], names[1024];
	uint8_t *img;
	size_t len;
	disk_fs_t *fs;
	disk_t *d;
	hive_t *h;

	d = open_mem(m, DISK_OPEN_WRITE);
	fs = NULL;
	ck_assert_msg(disk_fs_open(&fs, d, 0, DISK_FS_WRITE) == 0, "stop at %ld: the next "
		      "run cannot write: %s", n, disk_last_error(d));
	h = open_and_edit(fs);
	ck_assert_msg(img_store_hive(d, fs, STORE, "mem:\\Boot\\BCD", h, false, &img, &len, err,
				     sizeof(err)) == 0, "stop at %ld: next run: %s", n, err);
	bk_assert_ok(h, hive_serialize_done(h, img, len));
	hive_close(h);
	expect(fs, STORE, img, len);
	expect(fs, STORE ".LOG1", "", 0);
	free(img);
	check_tree(fs, n, names);
	ck_assert_msg(strcasecmp(names, "BCD|BCD.LOG1|other.bin") == 0,
		      "stop at %ld: after the next run \\Boot holds %s", n, names);
	bk_assert_ok_plain(disk_fs_close(fs));
	bk_assert_ok_plain(disk_close(d));
}

/*
 * Which stops the sweep takes.  BK_CRASH_SWEEP=full: every one.  Otherwise
 * a commit of up to 60 operations is swept whole; a longer one (NTFS) at
 * every (total/20)-th operation, and at every operation around each flush
 * of the uninterrupted run (three before it, the flush, the one after): a
 * flush ends each step of the commit (the new file durable, its second
 * name, the entry moved, the old file freed), so each step's last writes
 * are all taken.  Also every write into $MFTMirr (watched by the backend,
 * see watch_mirror()): stopped there, $MFT has its copy and the mirror not.
 */
static bool
sampled(long n, unsigned total, const struct mem *run)
{
	const char *e = getenv("BK_CRASH_SWEEP");
	unsigned i;

	if ((e && strcmp(e, "full") == 0) || total <= 60 || n % (long)(total / 20) == 0 ||
	    n >= (long)total - 1)
		return true;
	for (i = 0; i < run->nflush; i++)
		if (n + 3 >= (long)run->flush_op[i] && n <= (long)run->flush_op[i] + 1)
			return true;
	for (i = 0; i < run->nwatch; i++)
		if (n == (long)run->watch_op[i])
			return true;
	return false;
}

/*
 * Have the backend note the writes into $MFTMirr of the NTFS partition of
 * base (the first MBR partition): its place and size from the boot sector.
 */
static void
watch_mirror(struct mem *base)
{
	const uint8_t *b = base->buf + (uint64_t)bk_le32(base->buf + 446 + 8) * 512;
	uint64_t cs = (uint64_t)bk_le16(b + 0x0B) * b[0x0D];
	int cpr = (int8_t)b[0x40];

	ck_assert(memcmp(b + 3, "NTFS    ", 8) == 0);
	base->watch_off = (uint64_t)(b - base->buf) + bk_le64(b + 0x38) * cs;
	base->watch_len = 4 * (cpr > 0 ? (uint64_t)cpr * cs : 1ull << -cpr);
}

/*
 * Stop the commit at the sampled operations: each time the volume opens
 * (and passes ntfsfix -n for NTFS), the store is old or new, every file in
 * \Boot reads back, the other files are intact; when complete, the log is
 * empty and no temporary file is left; and the next run commits cleanly on
 * the interrupted volume.
 */
static void
sweep(void (*make)(struct mem *), bool ntfs)
{
	struct disk_file_info fi;
	struct mem base, m, run;
	unsigned total, ops;
	int olds = 0, news = 0, stops = 0, rc = 0;
	char names[1024];
	disk_fs_t *fs;
	disk_t *d;
	long n;

	make(&base);
	if (ntfs)
		watch_mirror(&base);
	ck_assert_int_eq(commit_stopped(&base, -1, &run, &total), 0);
	free(run.buf);
	for (n = 0; n <= (long)total + 1; n++) {
		if (!sampled(n, total, &run))
			continue;
		stops++;
		rc = commit_stopped(&base, n, &m, &ops);
		if (getenv("BK_DUMPSTOP") && atol(getenv("BK_DUMPSTOP")) == n) { FILE *df = fopen("/tmp/stop.img", "wb"); fwrite(m.buf, 1, m.len, df); fclose(df); }
		if (ntfs)
			ntfsfix_ok(&m, n);
		d = open_mem(&m, DISK_OPEN_WRITE);
		fs = NULL;
		/* Complete: the volume is clean (writable); stopped: readable. */
		ck_assert_msg(disk_fs_open(&fs, d, 0, rc == 0 ? DISK_FS_WRITE : 0) == 0,
			      "stop at %ld: volume damaged: %s", n, disk_last_error(d));
		if (check_store(fs, n))
			olds++;
		else
			news++;
		check_tree(fs, n, names);
		if (rc == 0) {
			expect(fs, STORE ".LOG1", "", 0);
			ck_assert_int_eq(disk_fs_stat(fs, STORE ".bcdkit-new", &fi), -BK_ENOTFOUND);
		}
		disk_fs_close(fs);
		disk_close(d);
		next_run(&m, n);
		free(m.buf);
	}
	printf("crash sweep: %u operations, %d stops: old store after %d, new after %d\n",
	       total, stops, olds, news);
	bk_assert_ok_plain(rc);
	ck_assert_int_gt(olds, 0);
	ck_assert_int_gt(news, 0);
	free(base.buf);
}

START_TEST(test_crash_sweep_fat) { if (!getenv("BK_ONLY_NTFS")) sweep(base_volume, false); }
END_TEST
/*
 * The same inside NTFS (disk/fs-ntfs-write.c, move_over(): the replaced
 * name moves by one write of its folder's entry; disk/ntfs.c keeps $MFTMirr
 * in step), and checked by ntfsfix as well.
 */
START_TEST(test_crash_sweep_ntfs)
{
#ifdef HAVE_NTFS3G
	sweep(base_volume_ntfs, true);
#else
	(void)base_volume_ntfs;
	printf("SKIP: built without NTFS support: no crash sweep inside NTFS\n");
#endif
}
END_TEST

/* A temporary file left by an interrupted commit is replaced, never kept;
 * --backup copies the store and the non-empty log first. */
START_TEST(test_leftover_and_backup)
{
	static const char junk[] = "half-written by a crash";
	struct disk_file_info fi;
	struct mem m;
	char err[512];
	uint8_t *img;
	size_t len;
	disk_fs_t *fs;
	disk_t *d;
	hive_t *h;

	base_volume(&m);
	d = open_mem(&m, DISK_OPEN_WRITE);
	fs = fs_open(d, DISK_FS_WRITE);
	put(fs, STORE ".bcdkit-new", junk, sizeof(junk));
	h = open_and_edit(fs);
	ck_assert_msg(img_store_hive(d, fs, STORE, "mem:\\Boot\\BCD", h, true, &img, &len,
				     err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(h, hive_serialize_done(h, img, len));
	expect(fs, STORE, img, len);
	expect(fs, STORE ".bak", old_store, old_len);
	expect(fs, STORE ".LOG1.bak", log1, sizeof(log1));
	expect(fs, STORE ".LOG1", "", 0);
	ck_assert_int_eq(disk_fs_stat(fs, STORE ".bcdkit-new", &fi), -BK_ENOTFOUND);
	free(img);
	hive_close(h);
	bk_assert_ok_plain(disk_fs_close(fs));
	bk_assert_ok_plain(disk_close(d));
	free(m.buf);
}
END_TEST

START_TEST(test_read_errors)
{
	struct img_hive_bytes b;
	struct mem m;
	char err[512];
	disk_fs_t *fs;
	disk_t *d;

	base_volume(&m);
	d = open_mem(&m, 0);
	fs = fs_open(d, 0);
	ck_assert_int_eq(img_read_hive(fs, "\\Boot\\Nope", "mem:\\Boot\\Nope", &b, err,
				       sizeof(err)), -BK_ENOTFOUND);
	ck_assert_msg(strstr(err, "mem:\\Boot\\Nope") != NULL, "%s", err);
	ck_assert_int_eq(img_read_hive(fs, "\\Boot", "mem:\\Boot", &b, err, sizeof(err)),
			 -BK_EWRONGTYPE);
	ck_assert_str_eq(err, "mem:\\Boot: is a folder, not a hive file");
	ck_assert_int_eq(img_read_hive(fs, "\\Boot\\", "mem:\\Boot\\", &b, err, sizeof(err)),
			 -BK_EINVAL);
	disk_fs_close(fs);
	disk_close(d);
	free(m.buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("image-commit");
	TCase *tc = tcase_create("commit");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, make_store, free_store);
	tcase_set_timeout(tc, 300);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
