/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The FAT12/16/32 driver through the public file-system API: format, round
 * trips of folders and files (long, non-ASCII and mixed-case names, 0 bytes
 * to several MiB) in memory and in image files, replace, rename, remove,
 * attributes, reopen and compare; the format parameters; interrupted writes
 * (every write point of a replace fails in turn: the old or the new file,
 * never a damaged volume); damaged volumes refused with -BK_ECORRUPT and
 * nothing written.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/disk-fs.h"
#include "test-disk-util.h"

#define MIB (1024u * 1024u)

/* ---- helpers ------------------------------------------------------------------ */

static void
mem_new(struct mem *m, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->buf = calloc(1, len);
	ck_assert_ptr_nonnull(m->buf);
	m->len = len;
	m->fail_after = -1;
}

static void
format_disk(disk_t *d, enum disk_fs_type t, const char *label, uint32_t cs)
{
	struct disk_fs_format_opts o;

	memset(&o, 0, sizeof(o));
	o.type = t;
	o.label = label;
	o.cluster_size = cs;
	o.serial = 0x1234ABCD;
	ck_assert_msg(disk_fs_format(d, 0, &o) == 0, "format: %s", disk_last_error(d));
}

static disk_fs_t *
fs_open(disk_t *d, unsigned flags)
{
	disk_fs_t *fs = NULL;
	int rc = disk_fs_open(&fs, d, 0, flags);

	ck_assert_msg(rc == 0, "fs open: %s", disk_last_error(d));
	return fs;
}

/* Deterministic content of a given size for a name. */
static uint8_t *
content(size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	fill_pattern(p, n, seed);
	return p;
}

static void
put(disk_fs_t *fs, const char *path, size_t n, uint32_t seed)
{
	uint8_t *p = content(n, seed);
	int rc = disk_fs_write_file(fs, path, p, n, 0);

	ck_assert_msg(rc == 0, "write %s: %s", path, disk_fs_last_error(fs));
	free(p);
}

static void
expect(disk_fs_t *fs, const char *path, size_t n, uint32_t seed)
{
	uint8_t *want = content(n, seed), *got = NULL;
	size_t len = 0;
	int rc = disk_fs_read_file(fs, path, &got, &len, 64u * MIB);

	ck_assert_msg(rc == 0, "read %s: %s", path, disk_fs_last_error(fs));
	ck_assert_msg(len == n, "%s: %zu bytes, want %zu", path, len, n);
	ck_assert_msg(n == 0 || memcmp(got, want, n) == 0, "%s: content differs", path);
	free(got);
	free(want);
}

static uint64_t
free_bytes(disk_fs_t *fs)
{
	struct disk_fs_info fi;

	bk_assert_ok(fs, disk_fs_get_info(fs, &fi));
	return fi.free_bytes;
}

struct names {
	char list[64][DISK_FILE_NAME_MAX];
	size_t n;
};

static int
collect(const struct disk_file_info *fi, void *data)
{
	struct names *ns = data;

	ck_assert_uint_lt(ns->n, 64);
	snprintf(ns->list[ns->n++], DISK_FILE_NAME_MAX, "%s", fi->name);
	return 0;
}

static bool
listed(disk_fs_t *fs, const char *dir, const char *name)
{
	struct names ns;
	size_t i;

	ns.n = 0;
	ck_assert_msg(disk_fs_list(fs, dir, collect, &ns) == 0, "list %s: %s", dir,
		      disk_fs_last_error(fs));
	for (i = 0; i < ns.n; i++)
		if (strcmp(ns.list[i], name) == 0)
			return true;
	return false;
}

/* ---- round trip ------------------------------------------------------------------- */

static const char *const long_name =
	"A rather long file name with spaces, mixed Case and more than one hundred characters, "
	"to need several long-name slots.data";

/* The sizes written, relative to the cluster size. */
static size_t
size_of(unsigned i, uint32_t cs)
{
	const size_t s[] = { 0, 1, cs - 1, cs, cs + 1, 3 * MIB + 17 };

	return s[i];
}

static void
fill_tree(disk_fs_t *fs, uint32_t cs)
{
	char path[256];
	unsigned i;

	bk_assert_ok(fs, disk_fs_mkdir(fs, "Dir A/Sub/deeper", 1));
	bk_assert_ok(fs, disk_fs_mkdir(fs, "EFI", 0));
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "Dir A/Sub/deeper/file%u.bin", i);
		put(fs, path, size_of(i, cs), i);
	}
	put(fs, "readme.txt", 100, 10);                  /* 8.3, lower case */
	put(fs, "README2.TXT", 200, 11);                 /* 8.3, upper case */
	put(fs, "Mixed Case.Txt", 300, 12);
	put(fs, "\xc3\x9cnic\xc3\xb6" "de \xe2\x82\xacuro.bin", 400, 13);
	put(fs, "a.b.c.d", 500, 14);
	put(fs, "EFI/empty", 0, 15);
	snprintf(path, sizeof(path), "Dir A/%s", long_name);
	put(fs, path, 5000, 16);
}

static void
check_tree(disk_fs_t *fs, uint32_t cs)
{
	struct disk_file_info fi;
	char path[256];
	unsigned i;

	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/dir a/SUB/Deeper/FILE%u.BIN", i);  /* any case */
		expect(fs, path, size_of(i, cs), i);
	}
	expect(fs, "README.TXT", 100, 10);
	expect(fs, "readme2.txt", 200, 11);
	expect(fs, "mixed case.txt", 300, 12);
	expect(fs, "MIXEDC~1.TXT", 300, 12);             /* by its 8.3 name */
	expect(fs, "\xc3\xbcNIC\xc3\x96" "DE \xe2\x82\xacURO.BIN", 400, 13); /* Ü/ü, ö/Ö */
	expect(fs, "a.b.c.d", 500, 14);
	expect(fs, "efi\\empty", 0, 15);
	snprintf(path, sizeof(path), "Dir A/%s", long_name);
	expect(fs, path, 5000, 16);
	ck_assert(listed(fs, "", "readme.txt"));         /* case kept as written */
	ck_assert(listed(fs, "", "README2.TXT"));
	ck_assert(listed(fs, "", "Mixed Case.Txt"));
	ck_assert(listed(fs, "", "\xc3\x9cnic\xc3\xb6" "de \xe2\x82\xacuro.bin"));
	ck_assert(listed(fs, "Dir A", long_name));
	ck_assert(listed(fs, "Dir A", "Sub"));
	bk_assert_ok(fs, disk_fs_stat(fs, "Dir A/Sub", &fi));
	ck_assert(fi.is_dir);
	ck_assert(fi.attributes & DISK_ATTR_DIRECTORY);
	bk_assert_ok(fs, disk_fs_stat(fs, "Dir A/Sub/deeper/file5.bin", &fi));
	ck_assert_uint_eq(fi.size, 3 * MIB + 17);
	ck_assert(fi.attributes & DISK_ATTR_ARCHIVE);
	ck_assert_int_ge(fi.mtime, 1577836800);          /* written now, after 2020 */
}

/* Replace, rename, remove, attributes; checks that no cluster leaks. */
static void
edit_tree(disk_fs_t *fs)
{
	struct disk_file_info fi;
	uint64_t before = free_bytes(fs);

	put(fs, "readme.txt", 100, 20);                  /* replace, same size */
	ck_assert_uint_eq(free_bytes(fs), before);
	expect(fs, "readme.txt", 100, 20);
	ck_assert_int_eq(disk_fs_write_file(fs, "readme.txt", "x", 1, DISK_FS_NO_REPLACE),
			 -BK_EEXIST);
	ck_assert_int_eq(disk_fs_write_file(fs, "Dir A", "x", 1, 0), -BK_EWRONGTYPE);
	ck_assert_int_eq(disk_fs_write_file(fs, "nowhere/x", "x", 1, 0), -BK_ENOTFOUND);
	/* Rename into another folder, then replace onto an existing file. */
	bk_assert_ok(fs, disk_fs_rename(fs, "README2.TXT", "EFI/Moved Here.TXT", 0));
	expect(fs, "efi/moved here.txt", 200, 11);
	ck_assert_int_eq(disk_fs_stat(fs, "README2.TXT", &fi), -BK_ENOTFOUND);
	ck_assert_int_eq(disk_fs_rename(fs, "a.b.c.d", "readme.txt", 0), -BK_EEXIST);
	bk_assert_ok(fs, disk_fs_rename(fs, "a.b.c.d", "readme.txt", 1));
	expect(fs, "readme.txt", 500, 14);
	ck_assert_int_eq(disk_fs_stat(fs, "a.b.c.d", &fi), -BK_ENOTFOUND);
	bk_assert_ok(fs, disk_fs_rename(fs, "Mixed Case.Txt", "MIXED CASE.TXT", 0));
	ck_assert(listed(fs, "", "MIXED CASE.TXT"));
	ck_assert_int_eq(disk_fs_rename(fs, "Dir A", "Dir A/Sub/inside", 0), -BK_EINVAL);
	bk_assert_ok(fs, disk_fs_rename(fs, "Dir A/Sub", "Sub moved", 0));
	expect(fs, "Sub moved/deeper/file1.bin", 1, 1);
	bk_assert_ok(fs, disk_fs_rename(fs, "Sub moved", "Dir A/Sub", 0));
	/* Remove. */
	ck_assert_int_eq(disk_fs_remove(fs, "Dir A/Sub"), -BK_ENOTEMPTY);
	bk_assert_ok(fs, disk_fs_mkdir(fs, "gone", 0));
	ck_assert_int_eq(disk_fs_mkdir(fs, "gone", 0), -BK_EEXIST);
	bk_assert_ok(fs, disk_fs_remove(fs, "gone"));
	bk_assert_ok(fs, disk_fs_remove(fs, "efi/moved here.txt"));
	/* Attributes. */
	bk_assert_ok(fs, disk_fs_set_attributes(fs, "readme.txt", DISK_ATTR_HIDDEN |
						DISK_ATTR_READONLY, DISK_ATTR_ARCHIVE));
	bk_assert_ok(fs, disk_fs_stat(fs, "readme.txt", &fi));
	ck_assert_uint_eq(fi.attributes, DISK_ATTR_HIDDEN | DISK_ATTR_READONLY);
}

static void
check_edited(disk_fs_t *fs, uint32_t cs)
{
	struct disk_file_info fi;

	expect(fs, "readme.txt", 500, 14);
	bk_assert_ok(fs, disk_fs_stat(fs, "readme.txt", &fi));
	ck_assert_uint_eq(fi.attributes, DISK_ATTR_HIDDEN | DISK_ATTR_READONLY);
	ck_assert(listed(fs, "", "MIXED CASE.TXT"));
	ck_assert(!listed(fs, "", "gone"));
	expect(fs, "dir a/sub/deeper/file5.bin", size_of(5, cs), 5);
	ck_assert_int_eq(disk_fs_stat(fs, "efi/moved here.txt", &fi), -BK_ENOTFOUND);
}

static void
round_trip(disk_t *d, enum disk_fs_type t, uint32_t cs_want)
{
	disk_fs_t *fs;
	struct disk_fs_info fi;
	uint64_t empty, after;

	fs = fs_open(d, DISK_FS_WRITE);
	bk_assert_ok(fs, disk_fs_get_info(fs, &fi));
	ck_assert_int_eq(fi.type, t);
	ck_assert_uint_eq(fi.cluster_size, cs_want);
	ck_assert_str_eq(fi.label, "TESTVOL");
	ck_assert_uint_eq(fi.serial, 0x1234ABCD);
	empty = fi.free_bytes;
	fill_tree(fs, fi.cluster_size);
	check_tree(fs, fi.cluster_size);
	edit_tree(fs);
	after = free_bytes(fs);
	ck_assert_msg(disk_fs_close(fs) == 0, "close");

	fs = fs_open(d, 0);                              /* reopen read-only */
	ck_assert_int_eq(disk_fs_get_type(fs), t);
	ck_assert_uint_eq(free_bytes(fs), after);
	check_edited(fs, cs_want);
	disk_fs_close(fs);

	fs = fs_open(d, DISK_FS_WRITE);                  /* the writable check passes */
	bk_assert_ok(fs, disk_fs_remove_tree(fs, "Dir A"));
	bk_assert_ok(fs, disk_fs_remove_tree(fs, "EFI"));
	bk_assert_ok(fs, disk_fs_remove(fs, "readme.txt"));
	bk_assert_ok(fs, disk_fs_remove(fs, "MIXED CASE.TXT"));
	bk_assert_ok(fs, disk_fs_remove(fs, "\xc3\x9cnic\xc3\xb6" "de \xe2\x82\xacuro.bin"));
	/* Everything freed but the clusters the FAT32 root folder grew by
	 * (folders never shrink); the FAT12/16 root is a fixed area. */
	ck_assert_uint_le(empty - free_bytes(fs), t == DISK_FS_FAT32 ? 4 * cs_want : 0);
	disk_fs_close(fs);
}

static void
mem_round_trip(enum disk_fs_type t, size_t size, uint32_t cs, uint32_t cs_want)
{
	struct mem m;
	disk_t *d;

	mem_new(&m, size);
	d = open_mem(&m, DISK_OPEN_WRITE);
	format_disk(d, t, "TestVol", cs);
	round_trip(d, t, cs_want);
	bk_assert_ok_plain(disk_close(d));
	free(m.buf);
}

START_TEST(fat12_mem) { mem_round_trip(DISK_FS_FAT12, 8 * MIB, 0, 4096); }
END_TEST
START_TEST(fat16_mem) { mem_round_trip(DISK_FS_FAT16, 24 * MIB, 0, 512); }
END_TEST
START_TEST(fat32_mem) { mem_round_trip(DISK_FS_FAT32, 40 * MIB, 0, 512); }
END_TEST
START_TEST(fat32_mem_4k) { mem_round_trip(DISK_FS_FAT32, 300 * MIB, 0, 4096); }
END_TEST

/* In image files, on partition 1 of an MBR disk: raw and dynamic VHDX. */
static void
file_round_trip(enum disk_format fmt, enum disk_fs_type t, const char *name)
{
	struct disk_create_opts o;
	struct disk_label l;
	char dir[64], path[300], err[300];
	disk_t *d;
	disk_fs_t *fs;
	struct disk_fs_format_opts fo;

	test_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.size = 130 * MIB;
	ck_assert_msg(disk_create(&d, path, &o, err, sizeof(err)) == 0, "create: %s", err);
	bk_assert_ok(d, disk_label_init(d, &l, DISK_LABEL_MBR));
	bk_assert_ok(d, disk_label_add(d, &l, DISK_PART_FAT32, 0, 1, NULL));
	bk_assert_ok(d, disk_label_write(d, &l));
	memset(&fo, 0, sizeof(fo));
	fo.type = t;
	fo.label = "TestVol";
	fo.serial = 0x1234ABCD;
	ck_assert_msg(disk_fs_format(d, 1, &fo) == 0, "format: %s", disk_last_error(d));
	fs = fs_open(d, DISK_FS_WRITE);
	fill_tree(fs, 2048);
	edit_tree(fs);
	bk_assert_ok_plain(disk_fs_close(fs));
	ck_assert_msg(disk_commit(d) == 0, "commit: %s", disk_last_error(d));
	bk_assert_ok_plain(disk_close(d));

	ck_assert_msg(disk_open(&d, path, 0, err, sizeof(err)) == 0, "open: %s", err);
	fs = fs_open(d, 0);
	ck_assert_int_eq(disk_fs_get_type(fs), t);
	check_edited(fs, 2048);
	disk_fs_close(fs);
	disk_close(d);
	unlink(path);
	rmdir(dir);
}

START_TEST(fat32_raw_file) { file_round_trip(DISK_FORMAT_RAW, DISK_FS_FAT32, "fat.img"); }
END_TEST
START_TEST(fat16_vhdx_file) { file_round_trip(DISK_FORMAT_VHDX, DISK_FS_FAT16, "fat.vhdx"); }
END_TEST

/* ---- format parameters ---------------------------------------------------------- */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }

/* Byte offset of the first data cluster (cluster 2) of a FAT32 volume at 0. */
static size_t
data_off(const uint8_t *bs)
{
	return ((size_t)le16(bs + 14) + 2u * le32(bs + 36)) * 512u;
}

START_TEST(format_fat32_params)
{
	struct mem m;
	disk_t *d;
	disk_fs_t *fs;
	const uint8_t *bs, *fsi;

	mem_new(&m, 260 * MIB);
	d = open_mem(&m, DISK_OPEN_WRITE);
	format_disk(d, DISK_FS_FAT32, "TestVol", 0);
	bs = m.buf;
	ck_assert_uint_eq(le16(bs + 11), 512);
	ck_assert_uint_eq(bs[13], 8);                    /* 4 KiB: 256 MiB - 8 GiB */
	ck_assert_uint_eq(le16(bs + 14), 32);            /* reserved sectors */
	ck_assert_uint_eq(bs[16], 2);                    /* FATs */
	ck_assert_uint_eq(bs[21], 0xF8);
	ck_assert_uint_eq(le32(bs + 32), 260 * MIB / 512);
	ck_assert_uint_eq(le32(bs + 44), 2);             /* root cluster */
	ck_assert_uint_eq(le16(bs + 48), 1);             /* FSInfo */
	ck_assert_uint_eq(le16(bs + 50), 6);             /* backup boot sector */
	ck_assert_uint_eq(bs[66], 0x29);
	ck_assert_uint_eq(le32(bs + 67), 0x1234ABCD);
	ck_assert(memcmp(bs + 71, "TESTVOL    FAT32   ", 19) == 0);
	ck_assert(bs[510] == 0x55 && bs[511] == 0xAA);
	ck_assert(memcmp(bs, m.buf + 6 * 512, 512) == 0);
	fsi = m.buf + 512;
	ck_assert_uint_eq(le32(fsi), 0x41615252);
	ck_assert_uint_eq(le32(fsi + 484), 0x61417272);
	ck_assert_uint_eq(le32(fsi + 508), 0xAA550000);
	/* The label is also the root folder's first entry. */
	ck_assert(memcmp(m.buf + data_off(bs), "TESTVOL    \x08", 12) == 0);
	fs = fs_open(d, DISK_FS_WRITE);
	ck_assert_uint_eq((uint64_t)le32(fsi + 488) * 4096, free_bytes(fs));
	put(fs, "f", 10000, 1);                          /* 3 clusters */
	bk_assert_ok_plain(disk_fs_close(fs));
	ck_assert_uint_eq(le32(m.buf + 512 + 488) * 4096ull + 3 * 4096,
			  (uint64_t)le32(m.buf + 7 * 512 + 488) * 4096);
	disk_close(d);
	free(m.buf);
}
END_TEST

/* Type and cluster size chosen as Windows' format does. */
static void
check_auto(size_t size, enum disk_fs_type t_in, enum disk_fs_type t_want, uint32_t cs_want)
{
	struct mem m;
	disk_t *d;
	disk_fs_t *fs;
	struct disk_fs_info fi;

	mem_new(&m, size);
	d = open_mem(&m, DISK_OPEN_WRITE);
	format_disk(d, t_in, NULL, 0);
	fs = fs_open(d, 0);
	bk_assert_ok(fs, disk_fs_get_info(fs, &fi));
	ck_assert_msg(fi.type == t_want, "%zu bytes: type %d, want %d", size, fi.type, t_want);
	ck_assert_msg(fi.cluster_size == cs_want, "%zu bytes: clusters of %u, want %u", size,
		      fi.cluster_size, cs_want);
	ck_assert_str_eq(fi.label, "");
	ck_assert(memcmp(m.buf + (t_want == DISK_FS_FAT32 ? 71 : 43), "NO NAME    ", 11) == 0);
	disk_fs_close(fs);
	disk_close(d);
	free(m.buf);
}

START_TEST(format_auto)
{
	check_auto(4 * MIB, DISK_FS_UNKNOWN, DISK_FS_FAT12, 2048);
	check_auto(50 * MIB, DISK_FS_UNKNOWN, DISK_FS_FAT16, 1024);
	check_auto(100 * MIB, DISK_FS_UNKNOWN, DISK_FS_FAT32, 1024);
	check_auto(100 * MIB, DISK_FS_FAT16, DISK_FS_FAT16, 2048);
	check_auto(200 * MIB, DISK_FS_FAT32, DISK_FS_FAT32, 2048);
}
END_TEST

START_TEST(format_refused)
{
	struct disk_fs_format_opts o;
	struct mem m;
	disk_t *d;

	mem_new(&m, 20 * MIB);
	d = open_mem(&m, DISK_OPEN_WRITE);
	memset(&o, 0, sizeof(o));
	o.type = DISK_FS_FAT32;                          /* too few clusters for FAT32 */
	ck_assert_int_eq(disk_fs_format(d, 0, &o), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "FAT32"));
	o.type = DISK_FS_FAT16;
	o.label = "bad*label";
	ck_assert_int_eq(disk_fs_format(d, 0, &o), -BK_EINVAL);
	o.label = "twelve chars";
	ck_assert_int_eq(disk_fs_format(d, 0, &o), -BK_EINVAL);
	o.label = NULL;
	o.cluster_size = 3000;
	ck_assert_int_eq(disk_fs_format(d, 0, &o), -BK_EINVAL);
	/* A reserved word set (a program built for a newer bcdkit). */
	o.cluster_size = 0;
	o.reserved[0] = 1;
	ck_assert_int_eq(disk_fs_format(d, 0, &o), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(disk_last_error(d), "reserved"));
	ck_assert_uint_eq(m.writes, 0);
	disk_close(d);
	free(m.buf);
}
END_TEST

/* ---- limits and failures ------------------------------------------------------- */

struct zero_src {
	uint64_t left;
	int fail_at_end;
};

static int
zero_source(void *buf, size_t cap, size_t *got, void *data)
{
	struct zero_src *z = data;
	size_t n = z->left < cap ? (size_t)z->left : cap;

	if (n == 0 && z->fail_at_end)
		return -BK_EIO;
	memset(buf, 0x5A, n);
	z->left -= n;
	*got = n;
	return 0;
}

/* A small FAT32 volume in memory with some files. */
static void
base_volume(struct mem *m)
{
	disk_t *d;
	disk_fs_t *fs;

	mem_new(m, 40 * MIB);
	d = open_mem(m, DISK_OPEN_WRITE);
	format_disk(d, DISK_FS_FAT32, "TestVol", 0);
	fs = fs_open(d, DISK_FS_WRITE);
	bk_assert_ok(fs, disk_fs_mkdir(fs, "Boot", 0));
	put(fs, "Boot/BCD", 3000, 1);                    /* 6 clusters of 512 */
	put(fs, "Boot/BCD.new", 4000, 2);
	put(fs, "other.bin", 700, 3);
	put(fs, "one", 100, 4);                          /* one cluster */
	bk_assert_ok_plain(disk_fs_close(fs));
	bk_assert_ok_plain(disk_close(d));
}

START_TEST(limits)
{
	struct zero_src z = { 0, 0 };
	struct mem m;
	disk_t *d;
	disk_fs_t *fs;
	uint64_t before;
	struct disk_file_info fi;

	base_volume(&m);
	d = open_mem(&m, DISK_OPEN_WRITE);
	fs = fs_open(d, DISK_FS_WRITE);
	before = free_bytes(fs);
	ck_assert_int_eq(disk_fs_write(fs, "huge", 0x100000000ull, zero_source, &z, 0),
			 -BK_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(disk_fs_last_error(fs), "4 GiB"));
	z.left = 41 * MIB;                               /* more than the volume holds */
	ck_assert_int_eq(disk_fs_write(fs, "huge", 0, zero_source, &z, 0), -BK_ETOOBIG);
	ck_assert_uint_eq(free_bytes(fs), before);
	ck_assert_int_eq(disk_fs_stat(fs, "huge", &fi), -BK_ENOTFOUND);
	z.left = 41 * MIB;                               /* replacing: the old file stays */
	ck_assert_int_eq(disk_fs_write(fs, "other.bin", 0, zero_source, &z, 0), -BK_ETOOBIG);
	expect(fs, "other.bin", 700, 3);
	z.left = 5000;                                   /* a source that fails */
	z.fail_at_end = 1;
	ck_assert_int_eq(disk_fs_write(fs, "other.bin", 0, zero_source, &z, 0), -BK_EIO);
	expect(fs, "other.bin", 700, 3);
	ck_assert_uint_eq(free_bytes(fs), before);
	bk_assert_ok_plain(disk_fs_close(fs));
	fs = fs_open(d, DISK_FS_WRITE);
	ck_assert_uint_eq(free_bytes(fs), before);
	disk_fs_close(fs);
	disk_close(d);
	free(m.buf);
}
END_TEST

/* Many long names in one folder: unique 8.3 names (~1..~4, then hashed
 * ones), the folder grows over many clusters. */
START_TEST(many_names)
{
	struct mem m;
	disk_t *d;
	disk_fs_t *fs;
	char path[128];
	unsigned i;

	base_volume(&m);
	d = open_mem(&m, DISK_OPEN_WRITE);
	fs = fs_open(d, DISK_FS_WRITE);
	bk_assert_ok(fs, disk_fs_mkdir(fs, "many", 0));
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "many/Long file name %u.txt", i);
		put(fs, path, i, i);
	}
	bk_assert_ok_plain(disk_fs_close(fs));
	fs = fs_open(d, DISK_FS_WRITE);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "MANY/long FILE name %u.TXT", i);
		expect(fs, path, i, i);
	}
	expect(fs, "many/LONGFI~1.TXT", 0, 0);
	expect(fs, "many/LONGFI~4.TXT", 3, 3);
	bk_assert_ok(fs, disk_fs_remove_tree(fs, "many"));
	disk_fs_close(fs);
	disk_close(d);
	free(m.buf);
}
END_TEST

/* ---- interrupted writes ------------------------------------------------------- */

typedef int (*edit_fn)(disk_fs_t *fs);

static int
edit_replace(disk_fs_t *fs)
{
	uint8_t *p = content(6000, 9);
	int rc = disk_fs_write_file(fs, "Boot/BCD", p, 6000, 0);

	free(p);
	return rc;
}

static int
edit_rename(disk_fs_t *fs)
{
	return disk_fs_rename(fs, "Boot/BCD.new", "Boot/BCD", 1);
}

/* Let operation N (and all later ones) fail, for N = 0, 1, ... until the
 * edit completes: every time, the volume opens writable (whole check) and
 * Boot/BCD is the old or the new content. */
static void
sweep(edit_fn edit, size_t new_len, uint32_t new_seed)
{
	struct mem base, m;
	disk_t *d;
	disk_fs_t *fs;
	long n;
	int rc = -1, olds = 0, news = 0;

	base_volume(&base);
	for (n = 0; rc != 0 && n < 500; n++) {
		uint8_t *got = NULL;
		size_t len = 0;
		m = mem_copy(&base);
		d = open_mem(&m, DISK_OPEN_WRITE);
		fs = fs_open(d, DISK_FS_WRITE);
		m.fail_after = n;
		rc = edit(fs);
		if (disk_fs_close(fs) != 0)
			rc = -1;
		disk_close(d);
		m.fail_after = -1;
		d = open_mem(&m, DISK_OPEN_WRITE);
		fs = NULL;
		ck_assert_msg(disk_fs_open(&fs, d, 0, DISK_FS_WRITE) == 0,
			      "failure at %ld: volume damaged: %s", n, disk_last_error(d));
		bk_assert_ok(fs, disk_fs_read_file(fs, "boot/bcd", &got, &len, MIB));
		if (len == 3000) {
			expect(fs, "boot/bcd", 3000, 1);
			olds++;
		} else {
			expect(fs, "boot/bcd", new_len, new_seed);
			news++;
		}
		expect(fs, "other.bin", 700, 3);
		free(got);
		disk_fs_close(fs);
		disk_close(d);
		free(m.buf);
	}
	bk_assert_ok_plain(rc);
	ck_assert_int_gt(olds, 0);
	ck_assert_int_gt(news, 0);
	free(base.buf);
}

START_TEST(crash_replace) { sweep(edit_replace, 6000, 9); }
END_TEST
START_TEST(crash_rename) { sweep(edit_rename, 4000, 2); }
END_TEST

/* ---- damaged volumes ------------------------------------------------------------ */

/* FAT entry c of both copies of the FAT32 volume at the start of m. */
static void
set_fat(struct mem *m, uint32_t c, uint32_t val)
{
	const uint8_t *bs = m->buf;
	size_t fat = (size_t)le16(bs + 14) * 512, sz = (size_t)le32(bs + 36) * 512;
	uint8_t *p;
	int i;

	for (i = 0; i < 2; i++) {
		p = m->buf + fat + (size_t)i * sz + 4u * c;
		p[0] = (uint8_t)val; p[1] = (uint8_t)(val >> 8);
		p[2] = (uint8_t)(val >> 16); p[3] = (uint8_t)(val >> 24);
	}
}

/* The 8.3 entry of name (11 bytes, as stored) in the root folder. */
static uint8_t *
root_entry(struct mem *m, const char *sfn)
{
	size_t off = data_off(m->buf), i;

	for (i = 0; i < 64; i++)
		if (memcmp(m->buf + off + i * 32, sfn, 11) == 0)
			return m->buf + off + i * 32;
	ck_abort_msg("no entry %s", sfn);
	return NULL;
}

static uint32_t
first_of(struct mem *m, const char *sfn)
{
	const uint8_t *e = root_entry(m, sfn);

	return (uint32_t)le16(e + 20) << 16 | le16(e + 26);
}

enum when { AT_OPEN, AT_READ };

/* Open writable (whole check) and read-only; want -BK_ECORRUPT at open, or
 * at the read of path; nothing is ever written. */
static void
refused(struct mem *m, enum when w, const char *path, const char *why)
{
	disk_t *d;
	disk_fs_t *fs = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	m->writes = 0;
	d = open_mem(m, DISK_OPEN_WRITE);
	rc = disk_fs_open(&fs, d, 0, DISK_FS_WRITE);
	ck_assert_msg(rc == -BK_ECORRUPT, "%s: writable open gave %d", why, rc);
	ck_assert_msg(strstr(disk_last_error(d), why), "message \"%s\" lacks \"%s\"",
		      disk_last_error(d), why);
	rc = disk_fs_open(&fs, d, 0, 0);
	if (w == AT_OPEN) {
		ck_assert_msg(rc == -BK_ECORRUPT, "%s: open gave %d", why, rc);
	} else {
		bk_assert_ok_plain(rc);
		ck_assert_int_eq(disk_fs_read_file(fs, path, &buf, &len, MIB), -BK_ECORRUPT);
		ck_assert_msg(strstr(disk_fs_last_error(fs), why), "message \"%s\" lacks \"%s\"",
			      disk_fs_last_error(fs), why);
		disk_fs_close(fs);
	}
	disk_close(d);
	ck_assert_uint_eq(m->writes, 0);
	free(m->buf);
}

START_TEST(damaged)
{
	struct mem base, m;
	uint32_t c;

	base_volume(&base);
	m = mem_copy(&base);                             /* truncated */
	m.len = 20 * MIB;
	refused(&m, AT_OPEN, NULL, "truncated");
	m = mem_copy(&base);                             /* bad bytes per sector */
	m.buf[11] = 0x2C; m.buf[12] = 0x01;
	refused(&m, AT_OPEN, NULL, "bytes per sector");
	m = mem_copy(&base);                             /* bad sectors per cluster */
	m.buf[13] = 3;
	refused(&m, AT_OPEN, NULL, "sectors per cluster");
	m = mem_copy(&base);                             /* FAT link past the end */
	set_fat(&m, first_of(&m, "OTHER   BIN"), 0x0FFFF000);
	refused(&m, AT_OPEN, NULL, "past the end");
	m = mem_copy(&base);                             /* cross-linked chains */
	set_fat(&m, first_of(&m, "ONE        "), first_of(&m, "OTHER   BIN") + 1);
	refused(&m, AT_OPEN, NULL, "cross-linked");
	m = mem_copy(&base);                             /* a chain that loops */
	c = first_of(&m, "OTHER   BIN");
	set_fat(&m, c + 1, c);
	refused(&m, AT_READ, "other.bin", "cross-linked");
	m = mem_copy(&base);                             /* entry past the end */
	root_entry(&m, "ONE        ")[20] = 0xF0;
	refused(&m, AT_READ, "one", "past the end");
	m = mem_copy(&base);                             /* size beyond the chain */
	root_entry(&m, "ONE        ")[29] = 0x10;
	refused(&m, AT_READ, "one", "cluster chain");
	free(base.buf);
}
END_TEST

static Suite *
fat_suite(void)
{
	Suite *s = suite_create("disk-fat");
	TCase *t = tcase_create("fat");

	tcase_set_timeout(t, 300);
	bk_tcase_add_tests(t, NULL);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = bk_srunner_create(fat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
