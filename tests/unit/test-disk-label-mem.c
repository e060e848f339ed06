/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * MBR and GPT tables on an in-memory disk: layout on 1 MiB boundaries, the
 * bytes written (CHS, protective MBR, both GPT headers and arrays with their
 * CRCs, backup at the last sector), reading back, damaged tables (bad CRCs,
 * overlaps, entries past the end, random garbage), partition identities for
 * BCD, and failing allocations and writes.  Disks live in memory behind
 * disk_open_io() (test-disk-label-util.h), decoded here byte by byte
 * independently of the library's own decoders.  Tables in real files are
 * tested in test-disk-label-files.c.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/disk.h"
#include "bk-alloc.h"
#include "bk-bytes.h"
#include "bk-guid.h"
#include "disk-internal.h"
#include "test-disk-label-util.h"

/* Independent CRC-32 (IEEE), table-free, for checking what was written. */
static uint32_t
ref_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320 : c >> 1;
	}
	return ~c;
}

static uint32_t
header_crc(const uint8_t *h)
{
	uint8_t tmp[92];

	memcpy(tmp, h, 92);
	memset(tmp + 16, 0, 4);
	return ref_crc32(tmp, 92);
}

/* ---- basics ------------------------------------------------------------------ */

START_TEST(crc_and_guid)
{
	static const uint8_t esp[16] = { 0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
					 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B };
	uint8_t g[16];
	char s[37];

	ck_assert_uint_eq(dl_crc32("123456789", 9), 0xCBF43926);
	bk_assert_ok_plain(disk_guid_parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", g));
	ck_assert_mem_eq(g, esp, 16);
	disk_guid_format(g, s);
	ck_assert_str_eq(s, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
	bk_assert_ok_plain(disk_guid_parse("{C12A7328-F81F-11D2-BA4B-00A0C93EC93B}", g));
	ck_assert_int_eq(disk_guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93", g), -BK_EINVAL);
	ck_assert_int_eq(disk_guid_parse("C12A7328+F81F-11D2-BA4B-00A0C93EC93B", g), -BK_EINVAL);
	ck_assert_int_eq(disk_guid_parse("G12A7328-F81F-11D2-BA4B-00A0C93EC93B", g), -BK_EINVAL);
}
END_TEST

/* ---- MBR ------------------------------------------------------------------------ */

START_TEST(mbr_create_and_read)
{
	disk_t *d = mem_disk(64 * MiB);
	struct disk_label *l = new_label(), *r = new_label();
	const uint8_t *e;
	unsigned n;

	bk_assert_ok(d, disk_label_init(d, l, DISK_LABEL_MBR));
	ck_assert_uint_ne(l->mbr_signature, 0);
	l->mbr_signature = 0x1A2B3C4D;
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 10 * MiB, 1, &n));
	ck_assert_uint_eq(n, 1);
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_FAT32, 3 * MiB + 1, 0, &n));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_ESP, 0, 0, &n));
	ck_assert_uint_eq(n, 3);
	bk_assert_ok(d, disk_label_write(d, l));

	/* Bytes, decoded here. */
	ck_assert_uint_eq(mem.p[510], 0x55);
	ck_assert_uint_eq(mem.p[511], 0xAA);
	ck_assert_uint_eq(bk_le32(mem.p + 0x1B8), 0x1A2B3C4D);
	e = mem.p + 0x1BE;
	ck_assert_uint_eq(e[0], 0x80);
	ck_assert_uint_eq(e[1], 0x20);       /* CHS of LBA 2048: head 32, */
	ck_assert_uint_eq(e[2], 0x21);       /* sector 33, */
	ck_assert_uint_eq(e[3], 0x00);       /* cylinder 0 */
	ck_assert_uint_eq(e[4], 0x07);
	ck_assert_uint_eq(bk_le32(e + 8), 2048);
	ck_assert_uint_eq(bk_le32(e + 12), 10 * 2048);
	e += 16;
	ck_assert_uint_eq(e[0], 0x00);
	ck_assert_uint_eq(e[4], 0x0C);
	ck_assert_uint_eq(bk_le32(e + 8), 11 * 2048);
	ck_assert_uint_eq(bk_le32(e + 12), 4 * 2048);   /* 3 MiB + 1 rounds up to 4 MiB */
	e += 16;
	ck_assert_uint_eq(e[4], 0xEF);
	ck_assert_uint_eq(bk_le32(e + 8), 15 * 2048);
	ck_assert_uint_eq(bk_le32(e + 8) + bk_le32(e + 12), 64 * 2048);
	ck_assert_uint_eq(bk_le32(e + 16 + 12), 0);     /* slot 4 empty */

	disk_close(d);
	d = mem_reopen();
	bk_assert_ok(d, disk_label_read(d, r));
	ck_assert_int_eq(r->type, DISK_LABEL_MBR);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_uint_eq(r->mbr_signature, 0x1A2B3C4D);
	ck_assert_int_eq(r->part[0].kind, DISK_PART_NTFS);
	ck_assert_int_eq(r->part[0].active, 1);
	ck_assert_uint_eq(r->part[0].offset, 1 * MiB);
	ck_assert_uint_eq(r->part[1].size, 4 * MiB);
	ck_assert_int_eq(r->part[2].kind, DISK_PART_ESP);
	ck_assert_int_eq(r->problems, 0);
	disk_close(d);
	free(l);
	free(r);
}
END_TEST

START_TEST(mbr_add_errors)
{
	disk_t *d = mem_disk(16 * MiB);
	struct disk_label *l = new_label();

	bk_assert_ok(d, disk_label_init(d, l, DISK_LABEL_MBR));
	ck_assert_int_eq(disk_label_add(d, l, DISK_PART_MSR, MiB, 0, NULL), -BK_EINVAL);
	ck_assert_int_eq(disk_label_add(d, l, DISK_PART_NTFS, 32 * MiB, 0, NULL), -BK_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "no room"));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, MiB, 1, NULL));
	ck_assert_int_eq(disk_label_add(d, l, DISK_PART_NTFS, MiB, 1, NULL), -BK_EINVAL);
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, MiB, 0, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, MiB, 0, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, MiB, 0, NULL));
	ck_assert_int_eq(disk_label_add(d, l, DISK_PART_NTFS, MiB, 0, NULL), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "full"));
	/* A table the caller broke is refused on write. */
	l->part[1].offset = l->part[0].offset;
	ck_assert_int_eq(disk_label_write(d, l), -BK_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "overlap"));
	ck_assert_uint_eq(mem.p[510], 0);    /* nothing written */
	disk_close(d);
	free(l);
}
END_TEST

static void
put_mbr_entry(unsigned slot, uint8_t status, uint8_t type, uint32_t lba, uint32_t count)
{
	uint8_t *e = mem.p + 0x1BE + 16 * slot;

	e[0] = status;
	e[4] = type;
	bk_put_le32(e + 8, lba);
	bk_put_le32(e + 12, count);
	mem.p[510] = 0x55;
	mem.p[511] = 0xAA;
}

static void
expect_read_error(int code, const char *needle)
{
	disk_t *d = mem_reopen();
	struct disk_label *l = new_label();

	ck_assert_int_eq(disk_label_read(d, l), code);
	ck_assert_msg(strstr(disk_last_error(d), needle), "message '%s' lacks '%s'",
		      disk_last_error(d), needle);
	disk_close(d);
	free(l);
}

START_TEST(mbr_damaged)
{
	disk_close(mem_disk(8 * MiB));
	expect_read_error(-BK_ENOTFOUND, "no partition table");
	put_mbr_entry(0, 0x00, 0x07, 2048, 4096);
	put_mbr_entry(1, 0x00, 0x07, 4096, 4096);
	expect_read_error(-BK_ECORRUPT, "overlap");
	put_mbr_entry(1, 0x00, 0x07, 6144, 16384);
	expect_read_error(-BK_ECORRUPT, "outside");
	put_mbr_entry(1, 0x12, 0x07, 6144, 2048);
	expect_read_error(-BK_ECORRUPT, "status");
	put_mbr_entry(1, 0x80, 0x07, 6144, 2048);
	put_mbr_entry(2, 0x80, 0x07, 8192, 2048);
	expect_read_error(-BK_ECORRUPT, "active");
	/* An NTFS boot sector is not a partition table. */
	memset(mem.p, 0, 512);
	memcpy(mem.p + 3, "NTFS    ", 8);
	mem.p[510] = 0x55;
	mem.p[511] = 0xAA;
	expect_read_error(-BK_ENOTFOUND, "boot sector");
}
END_TEST

START_TEST(mbr_identity)
{
	struct disk_label *l = new_label();
	struct disk_part_identity id;
	disk_t *d = mem_disk(16 * MiB);

	bk_assert_ok(d, disk_label_init(d, l, DISK_LABEL_MBR));
	l->mbr_signature = 0xCAFEF00D;
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 2 * MiB, 1, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 0, 0, NULL));
	bk_assert_ok(d, disk_label_write(d, l));
	bk_assert_ok(d, disk_partition_identity(d, 2, &id));
	ck_assert_int_eq(id.style, DISK_LABEL_MBR);
	ck_assert_uint_eq(id.mbr_signature, 0xCAFEF00D);
	ck_assert_uint_eq(id.offset, 3 * MiB);
	ck_assert_uint_eq(id.size, 13 * MiB);
	disk_close(d);
	free(l);
}
END_TEST

/* An EBR at sector ebr: one logical partition (relative to the EBR) and a
 * link to the next EBR (relative to the extended partition). */
static void
put_ebr(uint32_t ebr, uint8_t type, uint32_t rel, uint32_t count, uint32_t next_rel)
{
	uint8_t *s = mem.p + (size_t)ebr * 512;

	memset(s, 0, 512);
	s[0x1BE + 4] = type;
	bk_put_le32(s + 0x1BE + 8, rel);
	bk_put_le32(s + 0x1BE + 12, count);
	if (next_rel) {
		s[0x1CE + 4] = 0x05;
		bk_put_le32(s + 0x1CE + 8, next_rel);
		bk_put_le32(s + 0x1CE + 12, 4096);
	}
	s[510] = 0x55;
	s[511] = 0xAA;
}

START_TEST(mbr_logical)
{
	struct disk_label *r = new_label();
	struct disk_part_identity id;
	disk_t *d;

	disk_close(mem_disk(16 * MiB));
	bk_put_le32(mem.p + 0x1B8, 0xABCD1234);
	put_mbr_entry(0, 0x80, 0x07, 2048, 2048);
	put_mbr_entry(1, 0x00, 0x0F, 4096, 20480);          /* extended: sectors 4096-24575 */
	put_ebr(4096, 0x07, 2048, 4096, 8192);               /* logical 5: 6144-10239 */
	put_ebr(4096 + 8192, 0x0C, 2048, 2048, 0);           /* logical 6: 14336-16383 */
	d = mem_reopen();
	ck_assert_msg(disk_label_read(d, r) == 0, "%s", disk_last_error(d));
	ck_assert_uint_eq(r->count, 4);
	ck_assert_uint_eq(r->part[2].number, 5);
	ck_assert_uint_eq(r->part[2].offset, 6144 * 512);
	ck_assert_uint_eq(r->part[3].number, 6);
	ck_assert_int_eq(r->part[3].kind, DISK_PART_FAT32);
	bk_assert_ok(d, disk_partition_identity(d, 6, &id));
	ck_assert_uint_eq(id.mbr_signature, 0xABCD1234);
	ck_assert_uint_eq(id.offset, 14336 * 512);
	/* Such a table is not written back. */
	ck_assert_int_eq(disk_label_write(d, r), -BK_EUNSUPPORTED);
	disk_close(d);
	/* A logical partition outside its container. */
	put_ebr(4096 + 8192, 0x0C, 2048, 20480, 0);
	expect_read_error(-BK_ECORRUPT, "outside its extended partition");
	/* A chain that loops back to its start. */
	put_ebr(4096 + 8192, 0x0C, 2048, 2048, 8192);
	expect_read_error(-BK_ECORRUPT, "a loop");
	/* A link without a valid EBR behind it. */
	put_ebr(4096 + 8192, 0x0C, 2048, 2048, 12000);
	expect_read_error(-BK_ECORRUPT, "no 55 AA");
	free(r);
}
END_TEST

/* ---- GPT ------------------------------------------------------------------------ */

static disk_t *
make_gpt(size_t size, struct disk_label *l)
{
	disk_t *d = mem_disk(size);

	bk_assert_ok(d, disk_label_init(d, l, DISK_LABEL_GPT));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_ESP, 4 * MiB, 0, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_MSR, 2 * MiB, 0, NULL));
	bk_assert_ok(d, disk_label_add(d, l, DISK_PART_NTFS, 0, 0, NULL));
	bk_assert_ok(d, disk_label_write(d, l));
	return d;
}

START_TEST(gpt_layout_bytes)
{
	struct disk_label *l = new_label();
	size_t size = 32 * MiB;
	uint64_t last = size / 512 - 1;
	disk_t *d = make_gpt(size, l);
	const uint8_t *pm = mem.p, *h = mem.p + 512, *b = mem.p + last * 512;
	const uint8_t *e;
	uint8_t type[16];

	/* Protective MBR: one 0xEE entry from LBA 1 over the whole disk. */
	ck_assert_uint_eq(pm[510], 0x55);
	ck_assert_uint_eq(pm[0x1BE], 0x00);
	ck_assert_uint_eq(pm[0x1BE + 4], 0xEE);
	ck_assert_uint_eq(bk_le32(pm + 0x1BE + 8), 1);
	ck_assert_uint_eq(bk_le32(pm + 0x1BE + 12), last);
	ck_assert_uint_eq(pm[0x1CE + 4], 0);
	/* Primary header. */
	ck_assert_mem_eq(h, "EFI PART", 8);
	ck_assert_uint_eq(bk_le32(h + 8), 0x00010000);
	ck_assert_uint_eq(bk_le32(h + 12), 92);
	ck_assert_uint_eq(bk_le32(h + 16), header_crc(h));
	ck_assert_uint_eq(bk_le64(h + 24), 1);
	ck_assert_uint_eq(bk_le64(h + 32), last);
	ck_assert_uint_eq(bk_le64(h + 40), 34);
	ck_assert_uint_eq(bk_le64(h + 48), last - 33);
	ck_assert_mem_eq(h + 56, l->disk_guid, 16);
	ck_assert_uint_eq(bk_le64(h + 72), 2);
	ck_assert_uint_eq(bk_le32(h + 80), 128);
	ck_assert_uint_eq(bk_le32(h + 84), 128);
	ck_assert_uint_eq(bk_le32(h + 88), ref_crc32(mem.p + 2 * 512, 128 * 128));
	/* Backup header at the very last sector, its array just before it. */
	ck_assert_mem_eq(b, "EFI PART", 8);
	ck_assert_uint_eq(bk_le32(b + 16), header_crc(b));
	ck_assert_uint_eq(bk_le64(b + 24), last);
	ck_assert_uint_eq(bk_le64(b + 32), 1);
	ck_assert_uint_eq(bk_le64(b + 72), last - 32);
	ck_assert_mem_eq(mem.p + (last - 32) * 512, mem.p + 2 * 512, 128 * 128);
	ck_assert_uint_eq(bk_le32(b + 88), bk_le32(h + 88));
	/* Entries: ESP at 1 MiB, MSR, then basic data up to the last usable LBA. */
	e = mem.p + 1024;
	bk_assert_ok_plain(disk_guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", type));
	ck_assert_mem_eq(e, type, 16);
	ck_assert_uint_eq(bk_le64(e + 32), 2048);
	ck_assert_uint_eq(bk_le64(e + 40), 2048 + 4 * 2048 - 1);
	ck_assert_uint_eq(e[16 + 7] >> 4, 4);         /* random v4 unique GUID */
	ck_assert_uint_eq(bk_le16(e + 56), 'E');
	bk_assert_ok_plain(disk_guid_parse("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", type));
	ck_assert_mem_eq(e + 128, type, 16);
	bk_assert_ok_plain(disk_guid_parse("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", type));
	ck_assert_mem_eq(e + 256, type, 16);
	ck_assert_uint_eq(bk_le64(e + 256 + 32), 7 * 2048);
	/* "rest" ends on the last whole MiB before the backup table. */
	ck_assert_uint_eq(bk_le64(e + 256 + 40), 31 * 2048 - 1);
	ck_assert_uint_eq(bk_le64(e + 384 + 32), 0);  /* fourth entry unused */
	disk_close(d);
	free(l);
}
END_TEST

START_TEST(gpt_read_back_and_identity)
{
	struct disk_label *l = new_label(), *r = new_label();
	struct disk_part_identity id;
	disk_t *d = make_gpt(32 * MiB, l);

	disk_close(d);
	d = mem_reopen();
	bk_assert_ok(d, disk_label_read(d, r));
	ck_assert_int_eq(r->type, DISK_LABEL_GPT);
	ck_assert_int_eq(r->problems, 0);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_mem_eq(r->disk_guid, l->disk_guid, 16);
	ck_assert_int_eq(r->part[0].kind, DISK_PART_ESP);
	ck_assert_str_eq(r->part[0].name, "EFI system partition");
	ck_assert_int_eq(r->part[1].kind, DISK_PART_MSR);
	ck_assert_int_eq(r->part[2].kind, DISK_PART_NTFS);
	ck_assert_mem_eq(r->part[2].guid, l->part[2].guid, 16);
	bk_assert_ok(d, disk_partition_identity(d, 3, &id));
	ck_assert_int_eq(id.style, DISK_LABEL_GPT);
	ck_assert_mem_eq(id.disk_guid, l->disk_guid, 16);
	ck_assert_mem_eq(id.part_guid, l->part[2].guid, 16);
	ck_assert_uint_eq(id.offset, 7 * MiB);
	ck_assert_int_eq(disk_partition_identity(d, 4, &id), -BK_ENOTFOUND);
	ck_assert_int_eq(disk_label_add(d, r, DISK_PART_NTFS, MiB, 1, NULL), -BK_EINVAL);
	disk_close(d);
	free(l);
	free(r);
}
END_TEST

/* Recompute a header CRC after editing it, as a forger would. */
static void
fix_header(uint8_t *h)
{
	bk_put_le32(h + 16, header_crc(h));
}

START_TEST(gpt_damaged)
{
	struct disk_label *l = new_label(), *r = new_label();
	size_t size = 32 * MiB;
	uint64_t last = size / 512 - 1;
	disk_t *d = make_gpt(size, l);
	uint8_t *h = mem.p + 512, *b = mem.p + last * 512, *e = mem.p + 1024;
	uint8_t save[512];

	disk_close(d);
	/* Bad primary header CRC: the backup is used and the problem reported. */
	h[60] ^= 1;
	d = mem_reopen();
	bk_assert_ok(d, disk_label_read(d, r));
	ck_assert_int_eq(r->problems, DISK_LABEL_PRIMARY_BAD);
	ck_assert_mem_eq(r->disk_guid, l->disk_guid, 16);
	disk_close(d);
	/* Both bad: a clear error. */
	memcpy(save, b, 512);
	b[60] ^= 1;
	expect_read_error(-BK_ECORRUPT, "bad header CRC");
	h[60] ^= 1;
	memcpy(b, save, 512);
	/* Bad entry array CRC in the primary copy only. */
	e[200] ^= 0xFF;
	d = mem_reopen();
	bk_assert_ok(d, disk_label_read(d, r));
	ck_assert_int_eq(r->problems, DISK_LABEL_PRIMARY_BAD);
	disk_close(d);
	e[200] ^= 0xFF;
	/* Backup missing (e.g. the disk grew). */
	memset(b, 0, 512);
	d = mem_reopen();
	bk_assert_ok(d, disk_label_read(d, r));
	ck_assert_int_eq(r->problems, DISK_LABEL_BACKUP_BAD);
	disk_close(d);
	/* Entry past the end of the usable area, with valid CRCs. */
	bk_put_le64(e + 256 + 40, last + 100);
	bk_put_le32(h + 88, ref_crc32(mem.p + 1024, 128 * 128));
	fix_header(h);
	expect_read_error(-BK_ECORRUPT, "outside");
	/* Overlapping entries, with valid CRCs. */
	bk_put_le64(e + 256 + 40, last - 33);
	bk_put_le64(e + 128 + 32, 2048 + 100);
	bk_put_le32(h + 88, ref_crc32(mem.p + 1024, 128 * 128));
	fix_header(h);
	expect_read_error(-BK_ECORRUPT, "overlap");
	/* Header claiming a huge entry array. */
	bk_put_le32(h + 80, 0x10000000);
	fix_header(h);
	memset(b, 0, 512);
	expect_read_error(-BK_ECORRUPT, "entry array size");
	free(l);
	free(r);
}
END_TEST

/* Garbage in the table sectors must give an error or a sane table. */
START_TEST(random_garbage)
{
	struct disk_label *r = new_label();
	unsigned iter, i, seed = 12345;
	disk_t *d;

	disk_close(mem_disk(4 * MiB));
	for (iter = 0; iter < 300; iter++) {
		for (i = 0; i < 34 * 512; i++) {
			seed = seed * 1103515245 + 12345;
			mem.p[i] = (uint8_t)(seed >> 16);
		}
		mem.p[510] = 0x55;
		mem.p[511] = 0xAA;
		if (iter % 2)
			mem.p[0x1BE + 4] = 0xEE;
		if (iter % 3 == 0)
			memcpy(mem.p + 512, "EFI PART", 8);
		d = mem_reopen();
		if (disk_label_read(d, r) == 0)
			for (i = 0; i < r->count; i++)
				ck_assert(r->part[i].offset + r->part[i].size <= 4 * MiB);
		disk_close(d);
	}
	free(r);
}
END_TEST

START_TEST(alloc_failures)
{
	struct disk_label *l = new_label(), *r = new_label();
	disk_t *d = make_gpt(8 * MiB, l);
	long n;
	int rc;

	for (n = 0; n < 50; n++) {
		bk_alloc_fail_after = n;
		rc = disk_label_read(d, r);
		bk_alloc_fail_after = -1;
		if (rc == 0)
			break;
		ck_assert_int_eq(rc, -BK_ENOMEM);
	}
	bk_assert_ok_plain(rc);
	ck_assert_uint_eq(r->count, 3);
	disk_close(d);
	free(l);
	free(r);
}
END_TEST

/*
 * A write that fails at any point while a GPT replaces another leaves a disk
 * that still reads as one complete table, the old or the new one: the
 * backup copy is written first, the primary after it.
 */
START_TEST(gpt_write_faults)
{
	struct disk_label *a = new_label(), *b = new_label(), *r = new_label();
	uint8_t *orig;
	disk_t *d;
	long k;
	int rc = -1;

	disk_close(make_gpt(8 * MiB, a));
	ck_assert_ptr_nonnull(orig = malloc(mem.len));
	memcpy(orig, mem.p, mem.len);
	for (k = 0; k < 50 && rc != 0; k++) {
		memcpy(mem.p, orig, mem.len);
		d = mem_reopen();
		bk_assert_ok(d, disk_label_init(d, b, DISK_LABEL_GPT));
		bk_assert_ok(d, disk_label_add(d, b, DISK_PART_NTFS, 0, 0, NULL));
		write_fail_at = k;
		rc = disk_label_write(d, b);
		write_fail_at = -1;
		disk_close(d);
		if (rc != 0)
			ck_assert_int_eq(rc, -BK_EIO);
		d = mem_reopen();
		ck_assert_msg(disk_label_read(d, r) == 0, "failure at write %ld: %s", k,
			      disk_last_error(d));
		if (memcmp(r->disk_guid, a->disk_guid, 16) == 0) {
			ck_assert_int_ne(rc, 0);
			ck_assert_uint_eq(r->count, 3);
		} else {
			ck_assert_mem_eq(r->disk_guid, b->disk_guid, 16);
			ck_assert_uint_eq(r->count, 1);
		}
		disk_close(d);
	}
	bk_assert_ok_plain(rc);
	ck_assert_int_gt(k, 3);          /* there were several writes to fail */
	free(orig);
	free(a);
	free(b);
	free(r);
}
END_TEST

static ssize_t
no_random(void *buf, size_t len, unsigned flags)
{
	(void)buf, (void)len, (void)flags;
	errno = ENOSYS;
	return -1;
}

/* Without random numbers a new table or partition is refused, never given
 * an identifier made up from the clock. */
START_TEST(no_random_numbers)
{
	ssize_t (*saved)(void *, size_t, unsigned) = bk_getrandom;
	struct disk_label *l = new_label();
	disk_t *d = mem_disk(8 * MiB);

	bk_getrandom = no_random;
	ck_assert_int_eq(disk_label_init(d, l, DISK_LABEL_GPT), -BK_EIO);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "random"));
	ck_assert_int_eq(disk_label_init(d, l, DISK_LABEL_MBR), -BK_EIO);
	bk_getrandom = saved;
	ck_assert_int_eq(disk_label_init(d, l, DISK_LABEL_GPT), 0);
	bk_getrandom = no_random;
	ck_assert_int_eq(disk_label_add(d, l, DISK_PART_NTFS, 0, 0, NULL), -BK_EIO);
	ck_assert_uint_eq(l->count, 0);
	bk_getrandom = saved;
	disk_close(d);
	free(l);
}
END_TEST

static Suite *
label_suite(void)
{
	Suite *s = suite_create("disk-label-mem");
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
