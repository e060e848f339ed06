/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VHDX: CRC-32C, header/region/metadata damage, log replay (in memory,
 * into the file, refused), in-place writes, failing I/O and allocations.
 */
#include "config.h"

#include "bk-check.h"
#include "test-disk-util.h"
#include "disk-internal.h"
#include "bk-bytes.h"

#define MIB 1048576u
#define KIB 1024u

START_TEST(crc32c_vectors)
{
	static const uint8_t zeros[32];

	ck_assert_uint_eq(dk_crc32c(0, "123456789", 9), 0xE3069283u);
	ck_assert_uint_eq(dk_crc32c(0, zeros, 32), 0x8A9136AAu);
	/* Chaining pieces gives the same result as one call. */
	ck_assert_uint_eq(dk_crc32c(dk_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}
END_TEST

/* A header written by Windows (libvhdi's test fragment) passes our CRC. */
START_TEST(corpus_header_fragment)
{
	const char *corpus = getenv("BK_CORPUS");
	char path[512];
	struct mem m;
	uint32_t stored;

	if (!corpus || access(corpus, R_OK) != 0) {
		fprintf(stderr, "corpus not found; skipping\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/vhd/libvhdi-fragments/image_header.1", corpus);
	mem_load(&m, path);
	ck_assert_uint_eq(m.len, 4096);
	ck_assert_int_eq(memcmp(m.buf, "head", 4), 0);
	stored = bk_le32(m.buf + 4);
	memset(m.buf + 4, 0, 4);
	ck_assert_uint_eq(dk_crc32c(0, m.buf, 4096), stored);
	free(m.buf);
}
END_TEST

/* Rewrite the CRC-32C of the 4 KiB header at off. */
static void
fix_header(struct mem *m, size_t off)
{
	memset(m->buf + off + 4, 0, 4);
	bk_put_le32(m->buf + off + 4, dk_crc32c(0, m->buf + off, 4096));
}

static void
expect_open(struct mem *m, unsigned flags, int want, const char *needle)
{
	char err[300];
	disk_t *d = NULL;
	int rc = disk_open_io(&d, &mem_ops, m, "mem", flags, err, sizeof(err));

	ck_assert_msg(rc == want, "rc %d, want %d (%s)", rc, want, rc ? err : "");
	if (rc == 0) {
		disk_close(d);
		return;
	}
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(err, needle) != NULL, "'%s' lacks '%s'", err, needle);
}

START_TEST(headers_and_regions)
{
	char dir[64];
	struct mem base, m;
	size_t i;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "x.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 16 * MIB, MIB);
	/* Any byte of either header alone: the other one carries on. */
	for (i = 0; i < 4096; i += 7) {
		m = mem_copy(&base);
		m.buf[64 * KIB + i] ^= 0x11;
		expect_open(&m, 0, 0, "");
		m.buf[128 * KIB + (i * 13) % 4096] ^= 0x22;
		expect_open(&m, 0, -BK_ECORRUPT, "both VHDX headers");
		free(m.buf);
	}
	/* The same for the two region tables. */
	for (i = 0; i < 16 + 2 * 32; i++) {
		m = mem_copy(&base);
		m.buf[192 * KIB + i] ^= 0x40;
		expect_open(&m, 0, 0, "");
		m.buf[256 * KIB + i] ^= 0x40;
		expect_open(&m, 0, -BK_ECORRUPT, "region");
		free(m.buf);
	}
	/* A current header with an unknown version. */
	m = mem_copy(&base);
	bk_put_le16(m.buf + 128 * KIB + 66, 2);
	fix_header(&m, 128 * KIB);
	expect_open(&m, 0, -BK_EUNSUPPORTED, "version");
	free(m.buf);
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

/* Metadata damage of any kind gives an error or a consistent disk, never a
 * crash (the table has no checksum). */
START_TEST(metadata_bytes)
{
	char dir[64];
	struct mem base, m;
	size_t i, off = 2 * MIB;
	unsigned bad = 0;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "x.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 16 * MIB, MIB);
	for (i = 0; i < 32 + 5 * 32; i++) {
		static const uint8_t vals[] = { 0x00, 0xFF, 0x80, 0x01 };
		size_t k;
		for (k = 0; k < sizeof(vals); k++) {
			char err[300];
			disk_t *d = NULL;
			int rc;

			m = mem_copy(&base);
			m.buf[off + i] = vals[k];
			rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
			if (rc == 0) {
				uint8_t b[4096];
				ck_assert_uint_le(disk_size(d), VHDX_MAX_SIZE);
				bk_assert_ok(d, disk_read(d, disk_size(d) - 512, b, 512));
				disk_close(d);
			} else {
				ck_assert_msg(rc == -BK_ECORRUPT || rc == -BK_EUNSUPPORTED,
					      "byte %zu: rc %d", i, rc);
				bad++;
			}
			free(m.buf);
		}
	}
	ck_assert_uint_gt(bad, 100);
	/* Items the disk needs are found by GUID: losing one is an error. */
	m = mem_copy(&base);
	m.buf[off + 32 + 32 * 1] ^= 1;     /* the virtual disk size item's GUID */
	expect_open(&m, 0, -BK_EUNSUPPORTED, "unknown required");
	bk_put_le32(m.buf + off + 32 + 32 * 1 + 24, 0);    /* ... and not required */
	expect_open(&m, 0, -BK_ECORRUPT, "lacks required items");
	free(m.buf);
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

/* ---- log replay ------------------------------------------------------------ */

static const uint8_t log_guid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/*
 * Append to the log at log position pos an entry (sequence seq) that writes
 * sector (4 KiB) at file offset target and zeroes 4 KiB at zero_off.
 * Returns the entry length.
 */
static uint32_t
put_log_entry(struct mem *m, uint32_t pos, uint64_t seq, uint32_t tail, uint64_t target,
	      const uint8_t *sector, uint64_t zero_off)
{
	uint8_t *e = m->buf + MIB + pos;
	uint8_t *desc = e + 64, *data = e + 4096;

	memset(e, 0, 8192);
	memcpy(e, "loge", 4);
	bk_put_le32(e + 8, 8192);
	bk_put_le32(e + 12, tail);
	bk_put_le64(e + 16, seq);
	bk_put_le32(e + 24, 2);
	memcpy(e + 32, log_guid, 16);
	bk_put_le64(e + 48, m->len);
	bk_put_le64(e + 56, m->len);
	memcpy(desc, "desc", 4);
	memcpy(desc + 4, sector + 4092, 4);
	memcpy(desc + 8, sector, 8);
	bk_put_le64(desc + 16, target);
	bk_put_le64(desc + 24, seq);
	memcpy(desc + 32, "zero", 4);
	bk_put_le64(desc + 32 + 8, 4096);
	bk_put_le64(desc + 32 + 16, zero_off);
	bk_put_le64(desc + 32 + 24, seq);
	memcpy(data, "data", 4);
	bk_put_le32(data + 4, (uint32_t)(seq >> 32));
	memcpy(data + 8, sector + 8, 4084);
	bk_put_le32(data + 4092, (uint32_t)seq);
	bk_put_le32(e + 4, dk_crc32c(0, e, 8192));
	return 8192;
}

static void
set_log_guid(struct mem *m)
{
	memcpy(m->buf + 64 * KIB + 48, log_guid, 16);
	fix_header(m, 64 * KIB);
	memcpy(m->buf + 128 * KIB + 48, log_guid, 16);
	fix_header(m, 128 * KIB);
}

struct logged {
	struct mem base;        /* image with data in block 0, log not set */
	uint64_t payload;       /* file offset of block 0 */
	uint8_t sector[4096];   /* what the log writes at payload + 8 KiB */
	uint8_t before[4096];   /* what the file holds there */
};

static void
make_logged(struct logged *lg, const char *dir)
{
	uint8_t *pat = malloc(MIB);
	disk_t *d;

	make_image(&lg->base, dir, "l.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 8 * MIB, MIB);
	fill_pattern(pat, MIB, 11);
	d = open_mem(&lg->base, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, 0, pat, MIB));
	bk_assert_ok_plain(disk_close(d));
	lg->payload = (bk_le64(lg->base.buf + 3 * MIB) >> 20) * MIB;
	ck_assert_uint_ge(lg->payload, 4 * MIB);
	memcpy(lg->before, pat + 8192, 4096);
	fill_pattern(lg->sector, 4096, 99);
	free(pat);
}

START_TEST(log_replay)
{
	char dir[64];
	struct logged lg;
	struct mem m, orig;
	uint8_t got[3 * 4096], zero[4096] = { 0 };
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_logged(&lg, dir);
	m = mem_copy(&lg.base);
	/* Two entries: seq 5 writes an old version, seq 6 the final one. */
	put_log_entry(&m, 0, 5, 0, lg.payload + 8192, zero + 0, lg.payload + 4096);
	put_log_entry(&m, 8192, 6, 0, lg.payload + 8192, lg.sector, lg.payload + 4096);
	set_log_guid(&m);
	orig = mem_copy(&m);

	/* Read-only: replayed in memory, the file untouched. */
	d = open_mem(&m, 0);
	bk_assert_ok(d, disk_read(d, 4096, got, sizeof(got)));
	ck_assert_int_eq(memcmp(got, zero, 4096), 0);
	ck_assert_int_eq(memcmp(got + 4096, lg.sector, 4096), 0);
	disk_close(d);
	ck_assert_int_eq(memcmp(m.buf, orig.buf, m.len), 0);

	/* Refused on request. */
	expect_open(&m, DISK_OPEN_NO_REPLAY, -BK_ELOG, "log is not empty");

	/* Writable: replayed into the file, log emptied. */
	d = open_mem(&m, DISK_OPEN_WRITE);
	disk_close(d);
	ck_assert_int_ne(memcmp(m.buf, orig.buf, m.len), 0);
	d = open_mem(&m, DISK_OPEN_NO_REPLAY);
	bk_assert_ok(d, disk_read(d, 4096, got, sizeof(got)));
	ck_assert_int_eq(memcmp(got, zero, 4096), 0);
	ck_assert_int_eq(memcmp(got + 4096, lg.sector, 4096), 0);
	disk_close(d);

	free(m.buf);
	free(orig.buf);
	free(lg.base.buf);
	test_rmtree(dir);
}
END_TEST

/* A log the replay cannot trust: a clear error, nothing read. */
START_TEST(log_damaged)
{
	char dir[64];
	struct logged lg;
	struct mem m;

	test_tmpdir(dir, sizeof(dir));
	make_logged(&lg, dir);
	m = mem_copy(&lg.base);
	put_log_entry(&m, 0, 5, 0, lg.payload + 8192, lg.sector, lg.payload + 4096);
	set_log_guid(&m);
	m.buf[MIB + 5000] ^= 1;                 /* entry CRC now wrong */
	expect_open(&m, 0, -BK_ELOG, "no valid entry");
	free(m.buf);

	/* Log GUID in the entry differs from the header's. */
	m = mem_copy(&lg.base);
	put_log_entry(&m, 0, 5, 0, lg.payload + 8192, lg.sector, lg.payload + 4096);
	set_log_guid(&m);
	m.buf[64 * KIB + 48] ^= 1;
	fix_header(&m, 64 * KIB);
	m.buf[128 * KIB + 48] ^= 1;
	fix_header(&m, 128 * KIB);
	expect_open(&m, 0, -BK_ELOG, "no valid entry");
	free(m.buf);
	free(lg.base.buf);
	test_rmtree(dir);
}
END_TEST

/* The log can rewrite metadata too: it is replayed before it is parsed. */
START_TEST(log_rewrites_metadata)
{
	char dir[64];
	struct logged lg;
	struct mem m;
	uint8_t sector[4096];
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_logged(&lg, dir);
	m = mem_copy(&lg.base);
	memcpy(sector, m.buf + 2 * MIB + 64 * KIB, 4096);
	bk_put_le64(sector + 8, 4 * MIB);       /* the virtual size item */
	put_log_entry(&m, 0, 9, 0, 2 * MIB + 64 * KIB, sector, lg.payload + 4096);
	set_log_guid(&m);
	d = open_mem(&m, 0);
	ck_assert_uint_eq(disk_size(d), 4 * MIB);
	disk_close(d);
	free(m.buf);
	free(lg.base.buf);
	test_rmtree(dir);
}
END_TEST

/* A differencing disk is refused clearly; a file that ends with the disk
 * inside its last (partial) block is accepted. */
START_TEST(parent_and_short_last_block)
{
	char dir[64];
	struct mem m;
	uint64_t size = 2 * MIB + MIB / 2, last;
	uint8_t pat[4096], got[4096];
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "p.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, size, MIB);
	m.buf[2 * MIB + 64 * KIB + 4] |= 2;    /* file parameters: HasParent */
	expect_open(&m, 0, -BK_EUNSUPPORTED, "differencing");
	m.buf[2 * MIB + 64 * KIB + 4] &= (uint8_t)~2;
	fill_pattern(pat, sizeof(pat), 21);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, size - sizeof(pat), pat, sizeof(pat)));
	bk_assert_ok_plain(disk_close(d));
	last = (bk_le64(m.buf + 3 * MIB + 2 * 8) >> 20) * MIB;
	ck_assert_uint_eq(m.len, last + MIB);
	m.len = last + MIB / 2;                 /* the file ends where the disk does */
	d = open_mem(&m, 0);
	bk_assert_ok(d, disk_read(d, size - sizeof(got), got, sizeof(got)));
	ck_assert_int_eq(memcmp(got, pat, sizeof(pat)), 0);
	disk_close(d);
	m.len -= 512;                           /* one sector short: damaged */
	expect_open(&m, 0, -BK_ECORRUPT, "past the end");
	free(m.buf);
	test_rmtree(dir);
}
END_TEST

/* Random damage to the structures (headers, region tables, log, metadata,
 * block table): an error or a readable disk, never a crash (run under the
 * sanitizers with --enable-sanitizers). */
START_TEST(random_damage)
{
	static const struct { uint64_t off, len; } areas[] = {
		{ 0, 1024 }, { 64 * KIB, 128 }, { 128 * KIB, 128 }, { 192 * KIB, 96 },
		{ 256 * KIB, 96 }, { MIB, 4096 }, { 2 * MIB, 256 }, { 2 * MIB + 64 * KIB, 64 },
		{ 3 * MIB, 64 },
	};
	char dir[64];
	struct mem m;
	uint8_t *buf = malloc(3 * MIB), pat[5000];
	uint32_t seed = 12345;
	unsigned it, ok = 0;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "r.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 3 * MIB, MIB);
	fill_pattern(pat, sizeof(pat), 1);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, MIB - 1000, pat, sizeof(pat)));
	bk_assert_ok_plain(disk_close(d));
	for (it = 0; it < 3000; it++) {
		size_t pos[4];
		uint8_t old[4];
		unsigned k, nflip = 1 + it % 4;
		char err[300];
		int rc;

		for (k = 0; k < nflip; k++) {
			unsigned a;
			seed = seed * 1103515245u + 12345u;
			a = (seed >> 8) % (sizeof(areas) / sizeof(areas[0]));
			seed = seed * 1103515245u + 12345u;
			pos[k] = areas[a].off + (seed >> 4) % areas[a].len;
			old[k] = m.buf[pos[k]];
			m.buf[pos[k]] ^= (uint8_t)(1u << (seed % 8));
		}
		d = NULL;
		rc = disk_open_io(&d, &mem_ops, &m, "mem", 0, err, sizeof(err));
		if (rc == 0) {
			ok++;
			if (disk_size(d) <= 3 * MIB)
				bk_assert_ok(d, disk_read(d, 0, buf, disk_size(d)));
			disk_close(d);
		} else {
			ck_assert_msg(rc == -BK_ECORRUPT || rc == -BK_EUNSUPPORTED || rc == -BK_ELOG,
				      "rc %d: %s", rc, err);
		}
		for (k = nflip; k-- > 0;)
			m.buf[pos[k]] = old[k];
	}
	ck_assert_uint_gt(ok, 100);
	free(m.buf);
	free(buf);
	test_rmtree(dir);
}
END_TEST

/* ---- writes, faults --------------------------------------------------------- */

START_TEST(write_in_place)
{
	char dir[64];
	struct mem m;
	uint64_t size = 5 * MIB + 512;
	uint8_t *pat = calloc(1, size), *got = malloc(size);
	uint64_t seq_before;
	disk_t *d;

	test_tmpdir(dir, sizeof(dir));
	make_image(&m, dir, "w.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, size, MIB);
	seq_before = bk_le64(m.buf + 128 * KIB + 8);
	fill_pattern(pat + MIB - 3, 10, 4);
	fill_pattern(pat + size - 512, 512, 5);
	d = open_mem(&m, DISK_OPEN_WRITE);
	bk_assert_ok(d, disk_write(d, MIB - 3, pat + MIB - 3, 10));
	bk_assert_ok(d, disk_write(d, size - 512, pat + size - 512, 512));
	bk_assert_ok_plain(disk_close(d));
	/* A write session bumps the sequence number of the current header. */
	ck_assert_uint_gt(bk_le64(m.buf + 128 * KIB + 8) > bk_le64(m.buf + 64 * KIB + 8) ?
			  bk_le64(m.buf + 128 * KIB + 8) : bk_le64(m.buf + 64 * KIB + 8), seq_before);
	d = open_mem(&m, 0);
	bk_assert_ok(d, disk_read(d, 0, got, size));
	ck_assert_int_eq(memcmp(got, pat, size), 0);
	disk_close(d);
	free(m.buf);
	free(pat);
	free(got);
	test_rmtree(dir);
}
END_TEST

START_TEST(io_and_alloc_faults)
{
	char dir[64];
	struct mem base;
	uint8_t buf[3000];
	long n;

	test_tmpdir(dir, sizeof(dir));
	make_image(&base, dir, "f.vhdx", DISK_FORMAT_VHDX, DISK_TYPE_DYNAMIC, 8 * MIB, MIB);
	fill_pattern(buf, sizeof(buf), 8);
	for (n = 0;; n++) {
		struct mem m = mem_copy(&base);
		disk_t *d = open_mem(&m, DISK_OPEN_WRITE);
		int rc;

		m.fail_after = n;
		rc = disk_write(d, 2 * MIB + 100, buf, sizeof(buf));
		if (rc == 0)
			rc = disk_flush(d);
		m.fail_after = -1;
		disk_close(d);
		free(m.buf);
		if (rc == 0)
			break;
		ck_assert_msg(rc == -BK_EIO, "n=%ld rc=%d", n, rc);
		ck_assert_int_lt(n, 50);
	}
	ck_assert_int_gt(n, 4);
	for (n = 0;; n++) {
		char err[300];
		disk_t *d = NULL;
		int rc;

		bk_alloc_fail_after = n;
		rc = disk_open_io(&d, &mem_ops, &base, "mem", 0, err, sizeof(err));
		bk_alloc_fail_after = -1;
		if (rc == 0) {
			disk_close(d);
			break;
		}
		ck_assert_msg(rc == -BK_ENOMEM, "n=%ld rc=%d %s", n, rc, err);
		ck_assert_int_lt(n, 30);
	}
	ck_assert_int_gt(n, 2);
	free(base.buf);
	test_rmtree(dir);
}
END_TEST

static Suite *
vhdx_suite(void)
{
	Suite *s = suite_create("disk-vhdx");
	TCase *tc = tcase_create("vhdx");

	tcase_set_timeout(tc, 120);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(vhdx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
