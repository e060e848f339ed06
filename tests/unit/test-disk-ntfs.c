/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Build specs, and files inside NTFS partitions: a WIM captured at test time
 * from a small folder (wimlib-imagex) is built into raw, VHD and VHDX images
 * by disk_build(), then listed, stat'ed and read back through libntfs-3g
 * with our device operations; the bytes must equal the source files.  Needs
 * mkntfs and wimlib-imagex; without them those tests skip with a message.
 * disk_build() reports progress through its callback (wimlib's, then the
 * write pass) and a non-zero return cancels it with nothing left behind.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/disk.h"
#include "bcdkit/disk-fs.h"
#include "bk-alloc.h"
#include "bk-bytes.h"

#define MiB (1024u * 1024u)

static char dir[] = "/tmp/test-disk-ntfs.XXXXXX";
static uint8_t big[300 * 1024 + 123];   /* content of the large file */

static int
have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "PATH=\"$PATH:/usr/sbin:/sbin\" command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void
write_file(const char *rel, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Source tree and WIM, made once for the whole run. */
static int
make_wim(void)
{
	static int state;       /* 0 not yet, 1 ready, -1 tools missing */
	char cmd[1024];
	size_t i;

	if (state)
		return state;
	if (!have("mkntfs") || !have("wimlib-imagex")) {
		printf("SKIP: mkntfs or wimlib-imagex not installed\n");
		return state = -1;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + (i >> 9));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/src/Windows/System32/config %s/src/Empty", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	write_file("src/Windows/System32/config/SYSTEM", big, sizeof(big));
	write_file("src/hello.txt", "hello, world\n", 13);
	write_file("src/zero.txt", "", 0);
	snprintf(cmd, sizeof(cmd), "wimlib-imagex capture %s/src %s/t.wim Test --compress=none "
		 ">/dev/null 2>&1", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	return state = 1;
}

static void
cleanup(void)
{
	char cmd[600];

	if (strchr(dir, 'X'))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* ---- specs ----------------------------------------------------------------------- */

START_TEST(spec_parse)
{
	struct disk_build_part p;
	char err[256];

	bk_assert_ok(err, disk_build_parse_spec("ntfs:4G:active:wim=/x/install.wim:3", &p,
						err, sizeof(err)));
	ck_assert_int_eq(p.kind, DISK_PART_NTFS);
	ck_assert_uint_eq(p.size, 4ull << 30);
	ck_assert_int_eq(p.active, 1);
	ck_assert_int_eq(p.source, DISK_SRC_WIM);
	ck_assert_str_eq(p.path, "/x/install.wim");
	ck_assert_uint_eq(p.wim_index, 3);
	bk_assert_ok(err, disk_build_parse_spec("ntfs:rest:label=OS:wim=a:b.wim", &p, err,
						sizeof(err)));
	ck_assert_uint_eq(p.size, 0);
	ck_assert_str_eq(p.label, "OS");
	ck_assert_str_eq(p.path, "a:b.wim");
	ck_assert_uint_eq(p.wim_index, 1);
	bk_assert_ok(err, disk_build_parse_spec("esp:100MiB", &p, err, sizeof(err)));
	ck_assert_int_eq(p.source, DISK_SRC_FORMAT);     /* FAT, by size */
	ck_assert_uint_eq(p.size, 100 * MiB);
	bk_assert_ok(err, disk_build_parse_spec("ntfs:1M", &p, err, sizeof(err)));
	ck_assert_int_eq(p.source, DISK_SRC_FORMAT);
	bk_assert_ok(err, disk_build_parse_spec("ntfs:1M:empty", &p, err, sizeof(err)));
	ck_assert_int_eq(p.source, DISK_SRC_EMPTY);
	bk_assert_ok(err, disk_build_parse_spec("fat32:rest:image=p:art.img", &p, err,
						sizeof(err)));
	ck_assert_int_eq(p.source, DISK_SRC_IMAGE);
	ck_assert_str_eq(p.path, "p:art.img");

	ck_assert_int_eq(disk_build_parse_spec("ext4:1G", &p, err, sizeof(err)), -BK_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(err, "unknown kind"));
	ck_assert_int_eq(disk_build_parse_spec("ntfs:1Q", &p, err, sizeof(err)), -BK_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(err, "bad size"));
	ck_assert_int_eq(disk_build_parse_spec("ntfs:0", &p, err, sizeof(err)), -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs:99999999999T", &p, err, sizeof(err)),
			 -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs", &p, err, sizeof(err)), -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs:1G:bogus", &p, err, sizeof(err)),
			 -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs:1G::active", &p, err, sizeof(err)),
			 -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("esp:1G:wim=x.wim", &p, err, sizeof(err)),
			 -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs:1G:wim=x.wim:0", &p, err, sizeof(err)),
			 -BK_ESYNTAX);
	ck_assert_int_eq(disk_build_parse_spec("ntfs:1G:label=0123456789012345678901234567890123",
					       &p, err, sizeof(err)), -BK_ESYNTAX);
}
END_TEST

/* ---- building and reading back ------------------------------------------------------ */

static disk_t *
build(const char *name, enum disk_format fmt, enum disk_label_type lt)
{
	struct disk_build_part parts[2];
	struct disk_build_opts o;
	char out[512], err[512], spec[600];
	disk_t *d;

	memset(&o, 0, sizeof(o));
	o.size = 64 * MiB;
	o.label = lt;
	o.format = fmt;
	o.type = fmt == DISK_FORMAT_RAW ? DISK_TYPE_FIXED : DISK_TYPE_DYNAMIC;
	bk_assert_ok(err, disk_build_parse_spec(lt == DISK_LABEL_GPT ? "esp:8M" : "fat16:8M",
						&parts[0], err, sizeof(err)));
	snprintf(spec, sizeof(spec), "ntfs:rest:%slabel=TESTVOL:wim=%s/t.wim:1",
		 lt == DISK_LABEL_MBR ? "active:" : "", dir);
	ck_assert_msg(disk_build_parse_spec(spec, &parts[1], err, sizeof(err)) == 0, "%s", err);
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	ck_assert_msg(disk_build(out, &o, parts, 2, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(disk_open(&d, out, 0, err, sizeof(err)) == 0, "%s", err);
	return d;
}

struct seen {
	int hello, windows, empty, zero, other;
	uint64_t hello_size;
};

static int
on_entry(const struct disk_file_info *fi, void *data)
{
	struct seen *s = data;

	if (strcmp(fi->name, "hello.txt") == 0) {
		s->hello++;
		s->hello_size = fi->size;
		ck_assert(!fi->is_dir);
	} else if (strcmp(fi->name, "Windows") == 0) {
		s->windows++;
		ck_assert(fi->is_dir);
	} else if (strcmp(fi->name, "Empty") == 0) {
		s->empty++;
	} else if (strcmp(fi->name, "zero.txt") == 0) {
		s->zero++;
	} else {
		s->other++;
	}
	return 0;
}

static int
stop_early(const struct disk_file_info *fi, void *data)
{
	(void)fi;
	++*(int *)data;
	return 42;
}

static void
check_files(disk_t *d)
{
	struct seen s;
	struct disk_file_info fi;
	uint8_t *buf;
	size_t len;
	int calls = 0;
	uint8_t bs[512];
	struct disk_label *l = malloc(sizeof(*l));

	/* Hidden sectors of the NTFS boot sector = partition start sector. */
	bk_assert_ok(d, disk_label_read(d, l));
	bk_assert_ok(d, disk_read(d, l->part[1].offset, bs, sizeof(bs)));
	ck_assert_mem_eq(bs + 3, "NTFS    ", 8);
	ck_assert_uint_eq(bk_le32(bs + 0x1C), l->part[1].offset / 512);
	ck_assert_uint_eq(bk_le16(bs + 0x18), 63);
	ck_assert_uint_eq(bk_le16(bs + 0x1A), 255);
	free(l);

	memset(&s, 0, sizeof(s));
	ck_assert_msg(disk_ntfs_list(d, 0, "/", on_entry, &s) == 0, "%s", disk_last_error(d));
	ck_assert_int_eq(s.hello, 1);
	ck_assert_int_eq(s.windows, 1);
	ck_assert_int_eq(s.empty, 1);
	ck_assert_int_eq(s.zero, 1);
	ck_assert_int_eq(s.other, 0);
	ck_assert_uint_eq(s.hello_size, 13);
	ck_assert_int_eq(disk_ntfs_list(d, 2, "", stop_early, &calls), 42);
	ck_assert_int_eq(calls, 1);

	bk_assert_ok(d, disk_ntfs_stat(d, 2, "\\Windows\\System32\\config\\SYSTEM", &fi));
	ck_assert_str_eq(fi.name, "SYSTEM");
	ck_assert_uint_eq(fi.size, sizeof(big));
	ck_assert(!fi.is_dir);
	bk_assert_ok(d, disk_ntfs_read_file(d, 0, "Windows/System32/config/SYSTEM", &buf, &len,
					    1 << 20));
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert(memcmp(buf, big, len) == 0);
	free(buf);
	bk_assert_ok(d, disk_ntfs_read_file(d, 0, "zero.txt", &buf, &len, 10));
	ck_assert_uint_eq(len, 0);
	free(buf);

	ck_assert_int_eq(disk_ntfs_read_file(d, 0, "Windows/System32/config/SYSTEM", &buf, &len,
					     1000), -BK_ETOOBIG);
	ck_assert_int_eq(disk_ntfs_stat(d, 0, "/nope.txt", &fi), -BK_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "nope.txt"));
	ck_assert_int_eq(disk_ntfs_read_file(d, 0, "/Windows", &buf, &len, 10), -BK_EWRONGTYPE);
	ck_assert_int_eq(disk_ntfs_list(d, 0, "/hello.txt", on_entry, &s), -BK_EWRONGTYPE);
	ck_assert_int_eq(disk_ntfs_list(d, 1, "/", on_entry, &s), -BK_EUNSUPPORTED);
	ck_assert_int_eq(disk_ntfs_list(d, 7, "/", on_entry, &s), -BK_ENOTFOUND);
}

START_TEST(build_raw_mbr)
{
	disk_t *d;

	if (make_wim() < 0)
		return;
	d = build("mbr.img", DISK_FORMAT_RAW, DISK_LABEL_MBR);
	check_files(d);
	disk_close(d);
}
END_TEST

START_TEST(build_vhd_gpt)
{
	disk_t *d;

	if (make_wim() < 0)
		return;
	d = build("gpt.vhd", DISK_FORMAT_VHD, DISK_LABEL_GPT);
	check_files(d);
	disk_close(d);
}
END_TEST

START_TEST(build_vhdx_mbr)
{
	disk_t *d;

	if (make_wim() < 0)
		return;
	d = build("mbr.vhdx", DISK_FORMAT_VHDX, DISK_LABEL_MBR);
	check_files(d);
	disk_close(d);
}
END_TEST

START_TEST(build_errors)
{
	struct disk_build_part p[2];
	struct disk_build_opts o;
	char out[512], err[512], spec[600];
	struct stat st;

	if (make_wim() < 0)
		return;
	memset(&o, 0, sizeof(o));
	o.size = 32 * MiB;
	o.label = DISK_LABEL_GPT;
	o.format = DISK_FORMAT_RAW;
	snprintf(out, sizeof(out), "%s/bad.img", dir);
	/* No WIM image 5. */
	snprintf(spec, sizeof(spec), "ntfs:rest:wim=%s/t.wim:5", dir);
	bk_assert_ok(err, disk_build_parse_spec(spec, &p[0], err, sizeof(err)));
	ck_assert_int_lt(disk_build(out, &o, p, 1, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "image 5"));
	/* Active on GPT. */
	bk_assert_ok(err, disk_build_parse_spec("ntfs:rest:active", &p[0], err, sizeof(err)));
	ck_assert_int_eq(disk_build(out, &o, p, 1, err, sizeof(err)), -BK_EINVAL);
	/* Too big, and an image that does not fit. */
	bk_assert_ok(err, disk_build_parse_spec("ntfs:64M", &p[0], err, sizeof(err)));
	ck_assert_int_eq(disk_build(out, &o, p, 1, err, sizeof(err)), -BK_ETOOBIG);
	snprintf(spec, sizeof(spec), "truncate -s 1048577 %s/big.bin", dir);
	ck_assert_int_eq(system(spec), 0);
	snprintf(spec, sizeof(spec), "esp:1M:image=%s/big.bin", dir);
	bk_assert_ok(err, disk_build_parse_spec(spec, &p[0], err, sizeof(err)));
	ck_assert_int_eq(disk_build(out, &o, p, 1, err, sizeof(err)), -BK_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(err, "do not fit"));
	/* Nothing was left behind. */
	ck_assert_int_ne(stat(out, &st), 0);
	snprintf(spec, sizeof(spec), "test -z \"$(ls -A %s | grep -v -e src -e t.wim -e big.bin -e '\\.img$' "
		 "-e '\\.vhdx\\?$')\"", dir);
	ck_assert_int_eq(system(spec), 0);
}
END_TEST

/*
 * After a failed build the output folder holds nothing, or (when only the
 * folder sync after the final rename failed) the complete image: never a
 * temporary or partial file.
 */
static void
no_leftovers(const char *out, long n)
{
	char cmd[700], err[256];
	disk_t *d;
	struct disk_file_info fi;

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/oom | grep -vx x.vhd)\"", dir);
	ck_assert_msg(system(cmd) == 0, "alloc %ld: temporary files left behind", n);
	if (access(out, F_OK) != 0)
		return;
	ck_assert_msg(disk_open(&d, out, 0, err, sizeof(err)) == 0, "alloc %ld: %s", n, err);
	bk_assert_ok(d, disk_ntfs_stat(d, 0, "/Windows/System32/config/SYSTEM", &fi));
	disk_close(d);
	unlink(out);
}

/* Every allocation of ours that fails gives -BK_ENOMEM and leaves no
 * partial file; the same call succeeds once allocations work again. */
/* What disk_build() reported: per stage, the calls, the last done/total,
 * whether done ever went back; cancel_at stops the build at that call. */
struct progress_log {
	unsigned calls[3], cancel_at, n;
	uint64_t done[3], total[3];
	unsigned partition[3];
	int backwards;
};

static int
log_progress(void *data, enum disk_build_stage stage, unsigned partition, uint64_t done,
	     uint64_t total)
{
	struct progress_log *pl = data;

	ck_assert(stage == DISK_BUILD_APPLY_WIM || stage == DISK_BUILD_WRITE);
	ck_assert_uint_le(done, total);
	if (pl->calls[stage] && partition == pl->partition[stage] && done < pl->done[stage])
		pl->backwards = 1;
	pl->calls[stage]++;
	pl->done[stage] = done;
	pl->total[stage] = total;
	pl->partition[stage] = partition;
	return ++pl->n == pl->cancel_at;
}

START_TEST(build_progress)
{
	struct disk_build_part p;
	struct disk_build_opts o;
	struct progress_log pl;
	char out[512], err[512], spec[600];
	struct stat st;
	unsigned all;

	if (make_wim() < 0)
		return;
	memset(&o, 0, sizeof(o));
	o.size = 32 * MiB;
	o.label = DISK_LABEL_MBR;
	o.format = DISK_FORMAT_VHDX;
	o.progress = log_progress;
	o.progress_data = &pl;
	snprintf(spec, sizeof(spec), "ntfs:rest:wim=%s/t.wim", dir);
	bk_assert_ok(err, disk_build_parse_spec(spec, &p, err, sizeof(err)));
	snprintf(out, sizeof(out), "%s/progress.vhdx", dir);
	/* wimlib's progress while it writes the files, then the write pass;
	 * each ends at its total and never goes back. */
	memset(&pl, 0, sizeof(pl));
	ck_assert_msg(disk_build(out, &o, &p, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_gt(pl.calls[DISK_BUILD_APPLY_WIM], 0);
	ck_assert_uint_ge(pl.total[DISK_BUILD_APPLY_WIM], sizeof(big));
	ck_assert_uint_eq(pl.done[DISK_BUILD_APPLY_WIM], pl.total[DISK_BUILD_APPLY_WIM]);
	ck_assert_uint_gt(pl.calls[DISK_BUILD_WRITE], 1);
	ck_assert_uint_eq(pl.done[DISK_BUILD_WRITE], pl.total[DISK_BUILD_WRITE]);
	ck_assert_uint_gt(pl.total[DISK_BUILD_WRITE], 16 * MiB);
	ck_assert_uint_eq(pl.partition[DISK_BUILD_WRITE], 1);
	ck_assert_int_eq(pl.backwards, 0);
	ck_assert_int_eq(unlink(out), 0);
	all = pl.n;
	/* A non-zero return cancels, in the WIM apply (the first call) and in
	 * the write pass (the last), and nothing is left behind. */
	memset(&pl, 0, sizeof(pl));
	pl.cancel_at = 1;
	ck_assert_int_eq(disk_build(out, &o, &p, 1, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cancelled"));
	ck_assert_uint_eq(pl.calls[DISK_BUILD_WRITE], 0);
	ck_assert_int_ne(stat(out, &st), 0);
	memset(&pl, 0, sizeof(pl));
	pl.cancel_at = all;
	ck_assert_int_eq(disk_build(out, &o, &p, 1, err, sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cancelled"));
	ck_assert_uint_gt(pl.calls[DISK_BUILD_WRITE], 0);
	ck_assert_int_ne(stat(out, &st), 0);
}
END_TEST

START_TEST(alloc_failures)
{
	struct disk_build_part p;
	struct disk_build_opts o;
	char out[512], err[512], spec[600], cmd[700];
	uint8_t *buf;
	size_t len;
	disk_t *d;
	long n;
	int rc = -1;

	if (make_wim() < 0)
		return;
	memset(&o, 0, sizeof(o));
	o.size = 16 * MiB;
	o.label = DISK_LABEL_MBR;
	o.format = DISK_FORMAT_VHD;
	snprintf(out, sizeof(out), "%s/oom/x.vhd", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/oom", dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(spec, sizeof(spec), "ntfs:rest:wim=%s/t.wim", dir);
	bk_assert_ok(err, disk_build_parse_spec(spec, &p, err, sizeof(err)));
	for (n = 0; n < 200 && rc != 0; n++) {
		bk_alloc_fail_after = n;
		rc = disk_build(out, &o, &p, 1, err, sizeof(err));
		bk_alloc_fail_after = -1;
		if (rc != 0) {
			ck_assert_msg(rc == -BK_ENOMEM, "alloc %ld: %d %s", n, rc, err);
			no_leftovers(out, n);
		}
	}
	bk_assert_ok_plain(rc);
	ck_assert_msg(disk_open(&d, out, 0, err, sizeof(err)) == 0, "%s", err);
	rc = -1;
	for (n = 0; n < 200 && rc != 0; n++) {
		bk_alloc_fail_after = n;
		rc = disk_ntfs_read_file(d, 0, "/Windows/System32/config/SYSTEM", &buf, &len, 1 << 20);
		bk_alloc_fail_after = -1;
		if (rc != 0)
			ck_assert_int_eq(rc, -BK_ENOMEM);
	}
	bk_assert_ok_plain(rc);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert(memcmp(buf, big, len) == 0);
	free(buf);
	disk_close(d);
}
END_TEST

static Suite *
ntfs_suite(void)
{
	Suite *s = suite_create("disk-ntfs");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

#if !defined(HAVE_NTFS3G) || !defined(HAVE_WIMLIB)
/*
 * A build without libntfs-3g (or wimlib): an NTFS volume is recognised and
 * refused with a message that says why, through the file-system layer and
 * the disk_ntfs_* functions alike; a WIM cannot be applied.  Exit 1 on a
 * wrong answer, else 77 (the NTFS tests themselves are skipped).
 */
static int
without_features(void)
{
	struct disk_create_opts co = { .format = DISK_FORMAT_RAW, .size = 2 * MiB };
	uint8_t s[512] = { 0xEB, 0x52, 0x90, 'N', 'T', 'F', 'S', ' ', ' ', ' ', ' ' };
	char path[600], err[600];
	disk_fs_t *fs = NULL;
	disk_t *d;
	int rc, bad = 0;

	snprintf(path, sizeof(path), "%s/ntfs-sig.img", dir);
	if (disk_create(&d, path, &co, err, sizeof(err)) < 0 || disk_write(d, 0, s, sizeof(s)) < 0) {
		fprintf(stderr, "cannot make %s: %s\n", path, err);
		return 1;
	}
#ifndef HAVE_NTFS3G
	rc = disk_fs_open(&fs, d, 0, 0);
	printf("disk_fs_open: %d %s\n", rc, disk_last_error(d));
	bad |= rc != -BK_EUNSUPPORTED || !strstr(disk_last_error(d), "built without NTFS support");
	rc = disk_ntfs_list(d, 0, "\\", NULL, NULL);
	printf("disk_ntfs_list: %d %s\n", rc, disk_last_error(d));
	bad |= rc != -BK_EUNSUPPORTED || !strstr(disk_last_error(d), "built without NTFS support");
#endif
	disk_fs_close(fs);
	disk_close(d);
#ifndef HAVE_WIMLIB
	struct disk_build_part bp;
	struct disk_build_opts bo = { .size = 64 * MiB, .label = DISK_LABEL_MBR };
	FILE *f;

	snprintf(path, sizeof(path), "%s/none.wim", dir);
	if (!(f = fopen(path, "w")) || fputs("not a WIM\n", f) < 0 || fclose(f) != 0)
		return 1;
	snprintf(bp.path, sizeof(bp.path), "%s", path);
	if (disk_build_parse_spec("ntfs:rest:wim=X", &bp, err, sizeof(err)) < 0)
		return 1;
	snprintf(bp.path, sizeof(bp.path), "%s", path);
	snprintf(path, sizeof(path), "%s/wim.img", dir);
	rc = disk_build(path, &bo, &bp, 1, err, sizeof(err));
	printf("disk_build wim=: %d %s\n", rc, err);
	bad |= rc != -BK_EUNSUPPORTED || !strstr(err, "without wimlib");
	bad |= access(path, F_OK) == 0;
#endif
	return bad ? 1 : 77;
}
#endif

int
main(void)
{
	SRunner *sr;
	int failed;

#if !defined(HAVE_NTFS3G) || !defined(HAVE_WIMLIB)
	if (!mkdtemp(dir))
		return 1;
	failed = without_features();
	cleanup();
	return failed;
#endif
	sr = bk_srunner_create(ntfs_suite());

	/* One process: the WIM and images are made once and shared by the tests. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
