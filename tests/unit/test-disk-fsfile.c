/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * disk_fs_open_disk(): a disk image that is a file inside a FAT volume,
 * opened as a disk of its own.  The file is written fragmented (its
 * cluster chain jumps over other files), so reads that cross clusters and
 * runs are checked byte for byte against what was written; the image is
 * probed by content (raw with an MBR, and a dynamic VHD made by the
 * library), its partition table read through it; the refusals (a folder,
 * a missing file, a writable open, reads past the end) are checked.  NTFS
 * hosts are covered by tests/cli/bcdverify-vhd.sh.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/disk-fs.h"
#include "test-disk-util.h"

#define MIB (1024u * 1024u)
#define INNER (1u * MIB)

/* A 40 MiB FAT32 volume (512-byte clusters) on a whole in-memory disk. */
static disk_t *
fat_disk(struct mem *m)
{
	struct disk_fs_format_opts o;

	memset(&o, 0, sizeof(o));
	o.cluster_size = 512;
	return fat32_mem_disk(m, 40 * MIB, &o, DISK_OPEN_RAW);
}

/* A raw inner disk: a pattern, an MBR with one NTFS partition at LBA 64. */
static uint8_t *
inner_raw(void)
{
	uint8_t *p = malloc(INNER);

	ck_assert_ptr_nonnull(p);
	fill_pattern(p, INNER, 7);
	memset(p + 440, 0, 72);
	p[440] = 0x78; p[441] = 0x56; p[442] = 0x34; p[443] = 0x12;
	p[446 + 4] = 0x07;
	p[446 + 8] = 64;                   /* first LBA */
	p[446 + 13] = 0x04;                /* 1024 sectors, inside 1 MiB */
	p[510] = 0x55; p[511] = 0xAA;
	return p;
}

/* Write path so that its chain is fragmented: two holes of half its size
 * each are left between spacers and a filler that takes the rest of the
 * volume, so the allocator can only put it into the holes. */
static void
write_fragmented(disk_fs_t *fs, const char *path, const uint8_t *buf, size_t len)
{
	size_t half = (len + 1023) / 1024 * 512;
	struct disk_fs_info fi;
	uint8_t *fill;

	ck_assert_ptr_nonnull(fill = calloc(1, half));
	bk_assert_ok(fs, disk_fs_write_file(fs, "/hole1", fill, half, 0));
	bk_assert_ok(fs, disk_fs_write_file(fs, "/spacer1", fill, 512, 0));
	bk_assert_ok(fs, disk_fs_write_file(fs, "/hole2", fill, half, 0));
	bk_assert_ok(fs, disk_fs_write_file(fs, "/spacer2", fill, 512, 0));
	free(fill);
	bk_assert_ok(fs, disk_fs_get_info(fs, &fi));
	ck_assert_ptr_nonnull(fill = calloc(1, fi.free_bytes - 8192));
	ck_assert_msg(disk_fs_write_file(fs, "/filler", fill, fi.free_bytes - 8192, 0) == 0,
		      "filler: %s", disk_fs_last_error(fs));
	free(fill);
	bk_assert_ok(fs, disk_fs_remove(fs, "/hole1"));
	bk_assert_ok(fs, disk_fs_remove(fs, "/hole2"));
	ck_assert_msg(disk_fs_write_file(fs, path, buf, len, 0) == 0, "write: %s",
		      disk_fs_last_error(fs));
}

START_TEST(raw_inside_fat)
{
	static const uint64_t offs[] = { 0, 511, 4095, 65535, 65536 - 7, INNER / 2 + 3 };
	struct disk_label *l = calloc(1, sizeof(*l));
	uint8_t *img = inner_raw(), *buf = malloc(70000);
	struct disk_info info;
	char err[300];
	disk_t *d, *in = NULL;
	disk_fs_t *fs = NULL;
	struct mem m;
	size_t i;

	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(buf);
	d = fat_disk(&m);
	bk_assert_ok(d, disk_fs_open(&fs, d, 0, DISK_FS_WRITE));
	write_fragmented(fs, "\\dir\\..\\inner.img", img, INNER);
	bk_assert_ok(fs, disk_fs_mkdir(fs, "\\folder", 0));
	bk_assert_ok(err, disk_fs_open_disk(&in, fs, "/INNER.IMG", 0, err, sizeof(err)));
	ck_assert_uint_eq(disk_size(in), INNER);
	bk_assert_ok(in, disk_get_info(in, &info));
	ck_assert_int_eq(info.format, DISK_FORMAT_RAW);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t n = INNER - offs[i] < 70000 ? INNER - offs[i] : 70000;

		bk_assert_ok(in, disk_read(in, offs[i], buf, n));
		ck_assert_msg(memcmp(buf, img + offs[i], n) == 0, "bytes at %llu differ",
			      (unsigned long long)offs[i]);
	}
	ck_assert_int_ne(disk_read(in, INNER - 10, buf, 20), 0);
	bk_assert_ok(in, disk_label_read(in, l));
	ck_assert_int_eq(l->type, DISK_LABEL_MBR);
	ck_assert_uint_eq(l->mbr_signature, 0x12345678u);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_uint_eq(l->part[0].offset, 64 * 512);
	bk_assert_ok_plain(disk_close(in));
	/* Refusals: a folder, a missing file, a writable open. */
	ck_assert_int_eq(disk_fs_open_disk(&in, fs, "\\folder", 0, err, sizeof(err)), -BK_EWRONGTYPE);
	ck_assert_ptr_null(in);
	ck_assert_int_eq(disk_fs_open_disk(&in, fs, "\\none.vhd", 0, err, sizeof(err)),
			 -BK_ENOTFOUND);
	ck_assert_int_eq(disk_fs_open_disk(&in, fs, "\\inner.img", DISK_OPEN_WRITE, err,
					   sizeof(err)), -BK_EINVAL);
	ck_assert_ptr_null(in);
	bk_assert_ok_plain(disk_fs_close(fs));
	bk_assert_ok_plain(disk_close(d));
	free(m.buf);
	free(img);
	free(buf);
	free(l);
}
END_TEST

/* A dynamic VHD made by the library, inside the volume: probed as a VHD,
 * its data read back through both layers. */
START_TEST(vhd_inside_fat)
{
	char dir[64], path[128], err[300];
	struct disk_info info;
	struct mem v, m;
	uint8_t w[4096], r[4096];
	disk_t *d, *vd, *in = NULL;
	disk_fs_t *fs = NULL;

	test_tmpdir(dir, sizeof(dir));
	make_image(&v, dir, "x.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, 0);
	vd = open_mem(&v, DISK_OPEN_WRITE);
	fill_pattern(w, sizeof(w), 3);
	bk_assert_ok(vd, disk_write(vd, 5 * MIB - 100, w, sizeof(w)));
	bk_assert_ok_plain(disk_close(vd));
	d = fat_disk(&m);
	bk_assert_ok(d, disk_fs_open(&fs, d, 0, DISK_FS_WRITE));
	write_fragmented(fs, "\\x.vhd", v.buf, v.len);
	ck_assert_msg(disk_fs_open_disk(&in, fs, "\\x.vhd", 0, err, sizeof(err)) == 0, "%s", err);
	bk_assert_ok(in, disk_get_info(in, &info));
	ck_assert_int_eq(info.format, DISK_FORMAT_VHD);
	ck_assert_uint_eq(disk_size(in), 8 * MIB);
	bk_assert_ok(in, disk_read(in, 5 * MIB - 100, r, sizeof(r)));
	ck_assert_int_eq(memcmp(r, w, sizeof(r)), 0);
	bk_assert_ok(in, disk_read(in, 0, r, 512));
	bk_assert_ok_plain(disk_close(in));
	/* Cut short, the same file is a damaged VHD. */
	bk_assert_ok(fs, disk_fs_write_file(fs, "\\cut.vhd", v.buf, 1024, 0));
	ck_assert_int_ne(disk_fs_open_disk(&in, fs, "\\cut.vhd", 0, err, sizeof(err)), 0);
	ck_assert_ptr_null(in);
	bk_assert_ok_plain(disk_fs_close(fs));
	bk_assert_ok_plain(disk_close(d));
	snprintf(path, sizeof(path), "%s/x.vhd", dir);
	unlink(path);
	rmdir(dir);
	free(v.buf);
	free(m.buf);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("disk-fsfile");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
