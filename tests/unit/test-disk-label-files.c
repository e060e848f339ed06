/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Partition tables in real files: the crash-safe rewrite of an image file's
 * table (disk_label_rewrite()) and the /sys/class/block lookup of a
 * partition block device, both in a temporary folder.  The tables are made
 * by the library on the in-memory disk of test-disk-label-util.h; their
 * bytes are checked in test-disk-label-mem.c.
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
#include "bk-alloc.h"
#include "disk-internal.h"
#include "test-disk-label-util.h"
#include "test-tmpdir.h"

/* ---- disk_label_rewrite(): the crash-safe table rewrite of an image file ---- */

/* What the edit callback does: write a new MBR with one partition, read the
 * existing table and give it a new signature, or refuse with a code. */
struct rw_edit {
	enum { RW_NEW_MBR, RW_EDIT_SIG, RW_REFUSE } what;
	int code;
	int calls;
};

static int
rw_edit_cb(disk_t *w, struct disk_label *l, void *data)
{
	struct rw_edit *e = data;
	int rc;

	e->calls++;
	switch (e->what) {
	case RW_NEW_MBR:
		rc = disk_label_init(w, l, DISK_LABEL_MBR);
		if (rc == 0)
			rc = disk_label_add(w, l, DISK_PART_NTFS, 2 * MiB, 1, NULL);
		l->mbr_signature = 0xA1B2C3D4;
		return rc;
	case RW_EDIT_SIG:
		rc = disk_label_read(w, l);
		l->mbr_signature = 0x01020304;
		return rc;
	default:
		bk_assert_ok(w, disk_label_init(w, l, DISK_LABEL_GPT));
		return e->code;
	}
}

/* A fresh folder holding one image made by the library. */
static void
rw_setup(char *dir, char *path, size_t len, enum disk_format fmt, uint32_t block_size)
{
	struct disk_create_opts co;
	char err[256];
	disk_t *d;

	strcpy(dir, "/tmp/test-disk-label-rw.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, len, "%s/disk.img", dir);
	memset(&co, 0, sizeof(co));
	co.format = fmt;
	co.size = 8 * MiB;
	co.block_size = block_size;
	ck_assert_msg(disk_create(&d, path, &co, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(d, disk_commit(d));
	bk_assert_ok_plain(disk_close(d));
}

/* The whole content of a file, for byte comparisons. */
static uint8_t *
rw_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	ck_assert_ptr_nonnull(p = malloc((size_t)n + 1));
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The folder holds the image and nothing else (no temporary copy). */
static void
rw_only_image(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = disk.img", dir);
	ck_assert_msg(system(cmd) == 0, "%s holds more than disk.img", dir);
}

/* A new table, then an edit of it, in a dynamic VHD with a 1 MiB block
 * size: the image keeps its format, type, block size and permissions. */
START_TEST(rewrite_keeps_image)
{
	struct rw_edit e = { RW_NEW_MBR, 0, 0 };
	struct disk_label *l = new_label();
	struct disk_info in;
	struct stat st;
	char dir[64], path[128], err[512];
	disk_t *d;

	rw_setup(dir, path, sizeof(path), DISK_FORMAT_VHD, MiB);
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_msg(disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err)) == 0, "%s", err);
	e.what = RW_EDIT_SIG;
	ck_assert_msg(disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(e.calls, 2);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0604);
	rw_only_image(dir);
	ck_assert_msg(disk_open(&d, path, 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(d, disk_get_info(d, &in));
	ck_assert_int_eq(in.format, DISK_FORMAT_VHD);
	ck_assert_int_eq(in.type, DISK_TYPE_DYNAMIC);
	ck_assert_uint_eq(in.block_size, MiB);
	ck_assert_uint_eq(in.virtual_size, 8 * MiB);
	bk_assert_ok(d, disk_label_read(d, l));
	ck_assert_int_eq(l->type, DISK_LABEL_MBR);
	ck_assert_uint_eq(l->mbr_signature, 0x01020304);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_uint_eq(l->part[0].offset, MiB);
	ck_assert_uint_eq(l->part[0].size, 2 * MiB);
	ck_assert_int_eq(l->part[0].active, 1);
	disk_close(d);
	test_rmtree(dir);
	free(l);
}
END_TEST

/* A refusing or failing edit leaves the original byte for byte, no copy
 * behind, and a message that names the image, not the copy. */
START_TEST(rewrite_failed_edit)
{
	struct rw_edit e = { RW_REFUSE, 7, 0 };
	char dir[64], path[128], err[512];
	uint8_t *before, *after;
	size_t n, m;

	rw_setup(dir, path, sizeof(path), DISK_FORMAT_RAW, 0);
	before = rw_slurp(path, &n);
	/* The callback's own value comes back unchanged. */
	ck_assert_int_eq(disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err)), 7);
	ck_assert_msg(strstr(err, path) && strstr(err, "refused"), "%s", err);
	e.code = -BK_ETOOBIG;
	ck_assert_int_eq(disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err)), -BK_ETOOBIG);
	/* A library call of the callback failed: its detail, under the image's name. */
	e.what = RW_EDIT_SIG;
	ck_assert_int_eq(disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err)),
			 -BK_ENOTFOUND);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && !strstr(err, ".tmp"), "%s", err);
	ck_assert_msg(strstr(err, "no partition table"), "%s", err);
	after = rw_slurp(path, &m);
	ck_assert_uint_eq(n, m);
	ck_assert_int_eq(memcmp(before, after, n), 0);
	rw_only_image(dir);
	/* Not an image at all, and bad arguments. */
	ck_assert_int_eq(disk_label_rewrite(dir, rw_edit_cb, &e, err, sizeof(err)), -BK_EINVAL);
	ck_assert_int_eq(disk_label_rewrite(path, NULL, &e, err, sizeof(err)), -BK_EINVAL);
	ck_assert_int_eq(e.calls, 3);
	test_rmtree(dir);
	free(before);
	free(after);
}
END_TEST

/* Each failing allocation gives -BK_ENOMEM with the original intact and
 * no copy left; once allocations work again the rewrite succeeds. */
START_TEST(rewrite_alloc_failures)
{
	struct rw_edit e = { RW_NEW_MBR, 0, 0 };
	char dir[64], path[128], err[512];
	uint8_t *before, *now;
	size_t n, m;
	long k;
	int rc = -1;

	rw_setup(dir, path, sizeof(path), DISK_FORMAT_VHDX, 0);
	before = rw_slurp(path, &n);
	for (k = 0; k < 100 && rc != 0; k++) {
		bk_alloc_fail_after = k;
		rc = disk_label_rewrite(path, rw_edit_cb, &e, err, sizeof(err));
		bk_alloc_fail_after = -1;
		rw_only_image(dir);
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_ENOMEM, "alloc %ld: %d %s", k, rc, err);
		ck_assert_msg(!strstr(err, ".tmp"), "alloc %ld: %s", k, err);
		now = rw_slurp(path, &m);
		ck_assert_msg(m == n && memcmp(before, now, n) == 0, "alloc %ld changed the image", k);
		free(now);
	}
	bk_assert_ok_plain(rc);
	ck_assert_int_gt(k, 0);
	now = rw_slurp(path, &m);
	ck_assert_msg(m != n || memcmp(before, now, n) != 0, "the rewrite changed nothing");
	free(now);
	free(before);
	test_rmtree(dir);
}
END_TEST

/* ---- block devices through a fake /sys/class/block ------------------------------- */

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(blockdev_identity)
{
	char root[] = "/tmp/test-disk-label.XXXXXX", p[512], q[512], err[256];
	struct disk_label *l = new_label();
	struct disk_part_identity id;
	disk_t *d;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(root));
	d = mem_disk(16 * MiB);
	bk_assert_ok(d, disk_label_init(d, l, DISK_LABEL_MBR));
	l->mbr_signature = 0x11223344;
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 4 * MiB, 0, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 0, 0, NULL));
	bk_assert_ok(d, disk_label_write(d, l));
	disk_close(d);
	/* /dev/sdz holds the disk; sysfs has block/sdz/sdz2 and class/block/sdz2. */
	snprintf(p, sizeof(p), "%s/dev", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dev/sdz", root);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	ck_assert_uint_eq(fwrite(mem.p, 1, mem.len, f), mem.len);
	fclose(f);
	snprintf(p, sizeof(p), "%s/block", root); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/block/sdz", root); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/block/sdz/sdz2", root); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/block/sdz/sdz2/partition", root); write_text(p, "2\n");
	snprintf(p, sizeof(p), "%s/block/sdz/sdz2/start", root); write_text(p, "10240\n");
	snprintf(p, sizeof(p), "%s/class", root); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/class/block", root); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/class/block/sdz2", root);
	ck_assert_int_eq(symlink("../../block/sdz/sdz2", p), 0);
	snprintf(p, sizeof(p), "%s/class/block", root);
	snprintf(q, sizeof(q), "%s/dev", root);
	ck_assert_msg(dl_blockdev_identity_at(p, q, "/dev/sdz2", &id, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(id.style, DISK_LABEL_MBR);
	ck_assert_uint_eq(id.mbr_signature, 0x11223344);
	ck_assert_uint_eq(id.offset, 5 * MiB);
	/* The kernel's start must agree with the table. */
	snprintf(q, sizeof(q), "%s/block/sdz/sdz2/start", root);
	write_text(q, "2048\n");
	snprintf(q, sizeof(q), "%s/dev", root);
	ck_assert_int_eq(dl_blockdev_identity_at(p, q, "/dev/sdz2", &id, err, sizeof(err)),
			 -BK_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err, "kernel says sector 2048"));
	/* Not a partition. */
	ck_assert_int_eq(dl_blockdev_identity_at(p, q, "/dev/sdq1", &id, err, sizeof(err)),
			 -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a partition"));
	test_rmtree(root);
	free(l);
}
END_TEST

static Suite *
label_suite(void)
{
	Suite *s = suite_create("disk-label-files");
	TCase *tc = tcase_create("core");

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(label_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
