/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHD: geometry, footer and header validation against every single-byte
 * corruption, truncation at every sector, block-table entries past the
 * end, in-place writes, and failing I/O and allocations.
 */
#include "config.h"

#include "bk-check.h"
#include "test-disk-util.h"
#include "disk-internal.h"
#include "bk-bytes.h"

#define MIB 1048576u

START_TEST(geometry_examples)
{
	static const struct { uint64_t sectors; uint32_t c, h, s; } cases[] = {
		{ 30720000, 30476, 16, 63 },     /* 15000 MiB, from the format notes */
		{ 131072, 963, 8, 17 },          /* 64 MiB */
		{ 6144, 90, 4, 17 },             /* the Windows 3 MiB fixed VHD */
		{ 65535ull * 16 * 255 * 2, 65535, 16, 255 },  /* saturates */
		{ 1, 0, 4, 17 },
	};
	uint32_t c, h, s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vhd_geometry(cases[i].sectors, &c, &h, &s);
		ck_assert_msg(c == cases[i].c && h == cases[i].h && s == cases[i].s,
			      "%llu sectors: %u/%u/%u", (unsigned long long)cases[i].sectors, c, h, s);
		ck_assert_uint_le((uint64_t)c * h * s, cases[i].sectors > 65535ull * 16 * 255 ?
				  65535ull * 16 * 255 : cases[i].sectors);
	}
}
END_TEST

/* The footer fragment from libvhdi's tests decodes and has a good checksum. */
START_TEST(corpus_footer_fragment)
{
	const char *corpus = getenv("BK_CORPUS");
	char path[512];
	struct mem m;
	uint32_t s = 0;
	size_t i;

	if (!corpus || access(corpus, R_OK) != 0) {
		fprintf(stderr, "corpus not found; skipping\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/vhd/libvhdi-fragments/file_footer.1", corpus);
	mem_load(&m, path);
	ck_assert_uint_eq(m.len, 512);
	for (i = 0; i < 512; i++)
		if (i < 64 || i >= 68)
			s += m.buf[i];
	ck_assert_uint_eq(~s, bk_be32(m.buf + 64));
	ck_assert_uint_eq(bk_be32(m.buf + 0x3C), 4);    /* a differencing disk */
	free(m.buf);
}
END_TEST

/* Every single-byte change to the footer of a fixed VHD is caught: either
 * a checksum error or (cookie gone) a plain raw disk of the full length. */
START_TEST(fixed_footer_every_byte)
{
	char dir[64];
	struct mem base, m;
	size_t i, foot;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "f.vhd", DISK_FORMAT_VHD, DISK_TYPE_FIXED, MIB, 0);
	foot = base.len - 512;
	for (i = 0; i < 512; i++) {
		char err[300];
		disk_t *d = NULL;
		int rc;

		m = base;
		m.buf[foot + i] ^= 0x5A;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		if (i < 8) {
			struct disk_info in;
			ck_assert_msg(rc == 0, "byte %zu: %s", i, err);
			bk_assert_ok(d, disk_get_info(d, &in));
			ck_assert_int_eq(in.format, DISK_FORMAT_RAW);
			ck_assert_uint_eq(disk_size(d), base.len);
		} else {
			ck_assert_msg(rc == -BK_ECORRUPT, "byte %zu: rc %d", i, rc);
			ck_assert_ptr_null(d);
			ck_assert_msg(strstr(err, "checksum") != NULL, "byte %zu: %s", i, err);
		}
		disk_close(d);
		m.buf[foot + i] ^= 0x5A;
	}
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

START_TEST(dynamic_header_every_byte)
{
	char dir[64];
	struct mem base, m;
	size_t i;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, 0);
	for (i = 0; i < 1024; i++) {
		char err[300];
		disk_t *d = NULL;
		int rc;

		m = mem_copy(&base);
		m.buf[512 + i] ^= 0xA5;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		ck_assert_msg(rc == -BK_ECORRUPT, "byte %zu: rc %d", i, rc);
		ck_assert_msg(strstr(err, "dynamic header") != NULL, "byte %zu: %s", i, err);
		free(m.buf);
	}
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

/* Cutting a dynamic VHD at any sector never opens it silently as something
 * else, and never crashes. */
START_TEST(truncate_every_sector)
{
	char dir[64];
	struct mem base, m;
	uint8_t *buf = malloc(4 * MIB), *pat = malloc(3 * MIB);
	disk_t *d;
	size_t cut;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(pat);
	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, 0);
	/* Give it two allocated blocks. */
	d = open_mem(&base, DISK_OPEN_WRITE);
	fill_pattern(pat, 3 * MIB, 7);
	bk_assert_ok(d, disk_write(d, MIB / 2, pat, 3 * MIB));
	bk_assert_ok_plain(disk_close(d));
	for (cut = 0; cut < base.len; cut += 512) {
		char err[300];
		int rc;

		/* Read-only opens never write: share the buffer, shorter. */
		m = base;
		m.len = cut;
		d = NULL;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		if (rc == 0) {
			/* Only a file too short to hold a footer is a (raw) disk. */
			struct disk_info in;
			bk_assert_ok(d, disk_get_info(d, &in));
			ck_assert_msg(in.format == DISK_FORMAT_RAW && cut < 512, "cut %zu opened", cut);
			disk_close(d);
		} else {
			ck_assert_msg(rc == -BK_ECORRUPT, "cut %zu: rc %d (%s)", cut, rc, err);
		}
	}
	free(base.buf);
	free(buf);
	free(pat);
	test_rmtree(dir);
}
END_TEST

START_TEST(bat_entries_hostile)
{
	char dir[64];
	struct mem base, m;
	static const uint32_t bad[] = { 0xFFFFFFFEu, 0x7FFFFFFFu, 0x10000u, 5u };
	size_t i;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[300];
		disk_t *d = NULL;
		int rc;

		m = mem_copy(&base);
		bk_put_be32(m.buf + 1536 + 4, bad[i]);
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		ck_assert_msg(rc == -BK_ECORRUPT, "entry 0x%x: rc %d", bad[i], rc);
		ck_assert_msg(strstr(err, "entry 1") && strstr(err, "past the end"), "%s", err);
		free(m.buf);
	}
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

/* A dynamic VHD whose last block is cut where the disk ends (the footer
 * right after) is accepted; one sector shorter is damage. */
START_TEST(short_last_block)
{
	char dir[64];
	struct mem m, cut;
	uint64_t size = 3 * MIB, data;
	uint8_t pat[4096], got[4096];
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "s.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, size, 0);
	fill_pattern(pat, sizeof(pat), 31);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, size - sizeof(pat), pat, sizeof(pat)));
	bk_assert_ok_plain(disk_close(d));
	data = (uint64_t)bk_be32(m.buf + 1536 + 4) * 512 + 512;   /* block 1's data */
	ck_assert_uint_eq(m.len, data + 2 * MIB + 512);
	cut = mem_copy(&m);
	memcpy(cut.buf + data + MIB, m.buf + m.len - 512, 512);
	cut.len = data + MIB + 512;
	d = open_mem(&cut, 0);
	bk_assert_ok(d, disk_read(d, size - sizeof(got), got, sizeof(got)));
	ck_assert_int_eq(memcmp(got, pat, sizeof(pat)), 0);
	disk_close(d);
	memcpy(cut.buf + data + MIB - 512, m.buf + m.len - 512, 512);
	cut.len -= 512;
	{
		char err[300];
		d = NULL;
		ck_assert_int_eq(disk_open_io(&d, &mem_ops, &cut, "mem", 0, err, sizeof(err)),
				 -BK_ECORRUPT);
		ck_assert_ptr_nonnull(strstr(err, "past the end"));
	}
	free(cut.buf);
	free(m.buf);
	test_rmtree(dir);
}
END_TEST

/* Random damage to the footers, header and block table of a dynamic VHD
 * with the checksums made right again, so that the values themselves are
 * hostile: an error or a readable disk, never a crash. */
static void
fix_checksum(uint8_t *p, size_t len, size_t ck)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (i < ck || i >= ck + 4)
			s += p[i];
	bk_put_be32(p + ck, ~s);
}

START_TEST(random_damage)
{
	char dir[64];
	struct mem m;
	uint8_t *buf = malloc(8 * MIB), pat[5000], head[4096], tail[512];
	uint32_t seed = 777;
	unsigned it, ok = 0;
	size_t foot;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "r.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 5 * MIB, 0);
	fill_pattern(pat, sizeof(pat), 2);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, 2 * MIB - 1000, pat, sizeof(pat)));
	bk_assert_ok_plain(disk_close(d));
	foot = m.len - 512;
	memcpy(head, m.buf, sizeof(head));
	memcpy(tail, m.buf + foot, sizeof(tail));
	for (it = 0; it < 2000; it++) {
		size_t pos;
		char err[300];
		int rc;

		seed = seed * 1103515245u + 12345u;
		switch (seed % 3) {
		case 0: pos = foot + 8 + (seed >> 8) % 80; break;      /* end footer fields */
		case 1: pos = 512 + 8 + (seed >> 8) % 32; break;       /* dynamic header */
		default: pos = 1536 + (seed >> 8) % 12; break;         /* block table */
		}
		seed = seed * 1103515245u + 12345u;
		m.buf[pos] = (uint8_t)(seed >> 16);
		fix_checksum(m.buf + foot, 512, 64);
		fix_checksum(m.buf + 512, 1024, 36);
		d = NULL;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		if (rc == 0) {
			ok++;
			if (disk_size(d) <= 8 * MIB)
				bk_assert_ok(d, disk_read(d, 0, buf, disk_size(d)));
			disk_close(d);
		} else {
			ck_assert_msg(rc == -BK_ECORRUPT || rc == -BK_EUNSUPPORTED, "rc %d: %s", rc, err);
		}
		memcpy(m.buf, head, sizeof(head));
		memcpy(m.buf + foot, tail, sizeof(tail));
	}
	ck_assert_uint_gt(ok, 100);
	free(m.buf);
	free(buf);
	test_rmtree(dir);
}
END_TEST

/* In-place writes at odd offsets across blocks read back, zeros allocate
 * nothing, and the image reopens with the same content. */
START_TEST(write_read_back)
{
	char dir[64];
	struct mem m;
	uint64_t size = 10 * MIB + 3 * 512;
	uint8_t *pat = malloc(size), *got = malloc(size), *zero = calloc(1, 2 * MIB);
	struct disk_info in;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, size, 0);
	memset(pat, 0, size);
	fill_pattern(pat + 3 * MIB + 17, 2 * MIB + 1000, 1);
	fill_pattern(pat + size - 700, 700, 2);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, 6 * MIB, zero, 2 * MIB));
	bk_assert_ok(d, disk_write(d, 3 * MIB + 17, pat + 3 * MIB + 17, 2 * MIB + 1000));
	bk_assert_ok(d, disk_write(d, size - 700, pat + size - 700, 700));
	ck_assert_int_eq(disk_write(d, size - 1, pat, 2), -BK_EINVAL);
	bk_assert_ok(d, disk_read(d, 0, got, size));
	ck_assert_int_eq(memcmp(got, pat, size), 0);
	bk_assert_ok(d, disk_get_info(d, &in));
	ck_assert_uint_eq(in.allocated, 3 * 2 * MIB);    /* blocks 1, 2 and 5 */
	bk_assert_ok_plain(disk_close(d));
	d = open_mem(&m, 0);
	memset(got, 0xEE, size);
	bk_assert_ok(d, disk_read(d, 0, got, size));
	ck_assert_int_eq(memcmp(got, pat, size), 0);
	ck_assert_int_eq(disk_write(d, 0, pat, 1), -BK_EREADONLY);
	disk_close(d);
	free(m.buf);
	free(pat);
	free(got);
	free(zero);
	test_rmtree(dir);
}
END_TEST

/* Failing the Nth I/O of a write: an error every time, then success. */
START_TEST(io_faults)
{
	char dir[64];
	struct mem base;
	uint8_t buf[5000];
	long n;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, 0);
	fill_pattern(buf, sizeof(buf), 3);
	for (n = 0;; n++) {
		struct mem m = mem_copy(&base);
		disk_t *d = open_mem(&m, DISK_OPEN_WRITE);
		int rc;

		m.fail_after = n;
		rc = disk_write(d, MIB - 100, buf, sizeof(buf));
		if (rc == 0)
			rc = disk_flush(d);
		if (rc == 0) {
			ck_assert_int_gt(n, 2);
			m.fail_after = -1;
			bk_assert_ok_plain(disk_close(d));
			free(m.buf);
			break;
		}
		ck_assert_msg(rc == -BK_EIO, "n=%ld rc=%d", n, rc);
		ck_assert_ptr_nonnull(strstr(disk_last_error(d), "mem"));
		m.fail_after = -1;
		disk_close(d);
		free(m.buf);
		ck_assert_int_lt(n, 50);
	}
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

/* Failing the Nth allocation while opening: -BK_ENOMEM, no leak. */
START_TEST(alloc_faults)
{
	char dir[64];
	struct mem m;
	long n;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "d.vhd", DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, 0);
	for (n = 0;; n++) {
		char err[300];
		disk_t *d = NULL;
		int rc;

		bk_alloc_fail_after = n;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		bk_alloc_fail_after = -1;
		if (rc == 0) {
			ck_assert_int_gt(n, 0);
			disk_close(d);
			break;
		}
		ck_assert_msg(rc == -BK_ENOMEM, "n=%ld rc=%d %s", n, rc, err);
		ck_assert_ptr_null(d);
		ck_assert_int_lt(n, 20);
	}
	free(m.buf);
	test_rmtree(dir);
}
END_TEST

static Suite *
vhd_suite(void)
{
	Suite *s = suite_create("disk-vhd");
	TCase *tc = tcase_create("vhd");

	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(vhd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
