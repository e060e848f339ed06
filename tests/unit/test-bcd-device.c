/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Device elements: the worked examples of doc/bcd-format-notes.md and of real stores byte for
 * byte, text <-> bytes for every syntax, drive letters from partition
 * tables, refusals, and every device element of every corpus store
 * (decode, re-encode identical, text and back identical).
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"
#include "test-bcd-open.h"
#include "bk-alloc.h"
#include "test-tmpdir.h"

static bcd_devmap_t *
map_c(void)
{
	bcd_devmap_t *m;

	bk_assert_ok_plain(bcd_devmap_new(&m));
	ck_assert_msg(bcd_devmap_add(m, "C:=mbr:36234da4:1048576") == 0, "%s",
		      bcd_devmap_last_error(m));
	ck_assert_msg(bcd_devmap_add(m, "g:=gpt:{984c884b-4218-4f07-aa93-5ede4c7c5384}:"
				     "{76cc3abd-2782-4839-af5c-5fc8e6659147}") == 0, "%s",
		      bcd_devmap_last_error(m));
	return m;
}

static void
put32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)x;
	p[1] = (uint8_t)(x >> 8);
	p[2] = (uint8_t)(x >> 16);
	p[3] = (uint8_t)(x >> 24);
}

static size_t
put_path(uint8_t *p, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		p[2 * i] = (uint8_t)s[i];
		p[2 * i + 1] = 0;
	}
	p[2 * i] = p[2 * i + 1] = 0;
	return 2 * i + 2;
}

/* Text -> bytes must equal want; bytes -> text must give text again. */
static void
check_both(const char *text, uint32_t el, const bcd_devmap_t *m, const uint8_t *want, size_t n)
{
	uint8_t *d = NULL;
	size_t len = 0;
	char err[256] = "", *back = NULL;

	ck_assert_msg(bcd_device_from_text(text, el, m, &d, &len, err, sizeof(err)) == 0,
		      "%s: %s", text, err);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(d, want, n);
	ck_assert_int_eq(bcd_device_roundtrips(d, len), 1);
	bk_assert_ok(m, bcd_device_to_text(d, len, el, m, 0, &back));
	ck_assert_str_eq(back, text);
	free(back);
	free(d);
}

START_TEST(boot_and_partitions)
{
	bcd_devmap_t *m = map_c();
	uint8_t b[88];

	memset(b, 0, sizeof(b));
	put32(b + 16, 5);
	put32(b + 24, 0x48);
	check_both("boot", 0x11000001, m, b, 88);

	/* partition=C: on MBR 36234da4 at 1 MiB (BCDTest {150e57bb}\21000001). */
	memset(b, 0, sizeof(b));
	put32(b + 16, 6);
	put32(b + 24, 0x48);
	put32(b + 32, 0x100000);
	put32(b + 0x34, 1);
	put32(b + 0x38, 0x36234da4);
	check_both("partition=C:", 0x21000001, m, b, 88);
	check_both("partition=mbr:36234da4:1048576", 0x21000001, NULL, b, 88);

	/* GPT (BCDTest {c66dfa6e}\11000001). */
	memset(b, 0, sizeof(b));
	put32(b + 16, 6);
	put32(b + 24, 0x48);
	memcpy(b + 0x20, "\xbd\x3a\xcc\x76\x82\x27\x39\x48\xaf\x5c\x5f\xc8\xe6\x65\x91\x47", 16);
	memcpy(b + 0x38, "\x4b\x88\x4c\x98\x18\x42\x07\x4f\xaa\x93\x5e\xde\x4c\x7c\x53\x84", 16);
	check_both("partition=G:", 0x11000001, m, b, 88);
	check_both("partition=gpt:{984c884b-4218-4f07-aa93-5ede4c7c5384}:"
		   "{76cc3abd-2782-4839-af5c-5fc8e6659147}", 0x11000001, NULL, b, 88);
	bcd_devmap_free(m);
}
END_TEST

START_TEST(file_and_ramdisk)
{
	uint8_t b[256];
	size_t n;

	/* file=[boot]\Workspace\metadeploy\boot.wim, 182 bytes. */
	memset(b, 0, sizeof(b));
	put32(b + 0x18, 0xa6);
	put32(b + 0x20, 5);
	put32(b + 0x24, 1);
	put32(b + 0x28, 0x92);
	put32(b + 0x2c, 5);
	put32(b + 0x30, 5);
	put32(b + 0x38, 0x48);
	n = 0x78 + put_path(b + 0x78, "\\Workspace\\metadeploy\\boot.wim");
	ck_assert_uint_eq(n, 182);
	check_both("file=[boot]\\Workspace\\metadeploy\\boot.wim", 0x11000001, NULL, b, n);

	/* ramdisk=[boot]\sources\boot.wim,{7619dcc8-...}, 176 bytes. */
	memset(b, 0, sizeof(b));
	memcpy(b, "\xc8\xdc\x19\x76\xfe\xfa\xd9\x11\xb4\x11\x00\x04\x76\xeb\xa2\x5f", 16);
	put32(b + 0x14, 1);
	put32(b + 0x18, 0xa0);
	put32(b + 0x20, 3);
	put32(b + 0x38, 1);
	put32(b + 0x3c, 0x78);
	put32(b + 0x40, 5);
	put32(b + 0x44, 5);
	put32(b + 0x4c, 0x48);
	n = 0x8c + put_path(b + 0x8c, "\\sources\\boot.wim");
	ck_assert_uint_eq(n, 176);
	check_both("ramdisk=[boot]\\sources\\boot.wim,{7619dcc8-fafe-11d9-b411-000476eba25f}",
		   0x11000001, NULL, b, n);
}
END_TEST

START_TEST(locate_and_vhd)
{
	bcd_devmap_t *m = map_c();
	uint8_t b[256];
	char *t = NULL;
	size_t n;

	/* locate=custom:22000002 (windeploy BCD-efi), 46 bytes. */
	memset(b, 0, sizeof(b));
	put32(b + 0x10, 8);
	put32(b + 0x18, 0x1e);
	put32(b + 0x24, 0x22000002);
	check_both("locate=custom:22000002", 0x21000001, NULL, b, 46);

	/* vhd=[C:]\test.vhd with element 0x12345678 (BCDTest {fffdfa6e}\21000001). */
	memset(b, 0, sizeof(b));
	put32(b + 0x10, 8);
	put32(b + 0x18, 0xc2);
	put32(b + 0x24, 0x12345678);
	put32(b + 0x28, 0x1e);
	put32(b + 0x36, 0xa4);
	put32(b + 0x3e, 6);
	put32(b + 0x5e, 0x7c);
	put32(b + 0x66, 5);
	put32(b + 0x6a, 1);
	put32(b + 0x6e, 0x68);
	put32(b + 0x72, 5);
	put32(b + 0x76, 6);
	put32(b + 0x7e, 0x48);
	put32(b + 0x86, 0x100000);
	put32(b + 0x9a, 1);
	put32(b + 0x9e, 0x36234da4);
	n = 0xbe + put_path(b + 0xbe, "\\test.vhd");
	ck_assert_uint_eq(n, 210);
	check_both("vhd=[C:]\\test.vhd,locate=custom:12345678", 0x21000001, m, b, n);
	/* With the default element for osdevice the suffix is left out. */
	put32(b + 0x24, 0x22000002);
	check_both("vhd=[C:]\\test.vhd", 0x21000001, m, b, n);
	put32(b + 0x24, 0x12000002);
	check_both("vhd=[C:]\\test.vhd", 0x11000001, m, b, n);
	/* Unmapped letters print in the explicit form. */
	bk_assert_ok_plain(bcd_device_to_text(b, n, 0x11000001, NULL, 0, &t));
	ck_assert_str_eq(t, "vhd=[mbr:36234da4:1048576]\\test.vhd");
	free(t);
	bcd_devmap_free(m);
}
END_TEST

/*
 * The device element Windows 10 wrote for a native-boot VHD whose inner
 * partition is known (doc/bcd-format-notes.md, "Resolved VHD partition"):
 * the outer partition (MBR signature a3f1d6df at 1 MiB inside the virtual
 * disk) carries only its 40 identity bytes, then the File descriptor of
 * \1809.402.vhd on a GPT host partition.  204 bytes, outer Size 0xbc.
 */
static const uint8_t win10_vhd_partition[204] = {
	[0x10] = 0x06, [0x18] = 0xbc,
	[0x22] = 0x10,
	[0x30] = 0x06, [0x34] = 0x01, [0x38] = 0xdf, 0xd6, 0xf1, 0xa3,
	[0x50] = 0x84, [0x58] = 0x05, [0x5c] = 0x01, [0x60] = 0x70, [0x64] = 0x05,
	[0x68] = 0x06, [0x70] = 0x48,
	[0x78] = 0xb2, 0xd6, 0xc8, 0xe9, 0x70, 0xeb, 0x67, 0x4c,
	0x8a, 0xf5, 0x5a, 0x7a, 0xa9, 0x3e, 0x6a, 0xe7,
	[0x90] = 0xfe, 0x8f, 0xc1, 0xc9, 0x48, 0xb2, 0x38, 0x41,
	0xb5, 0xe6, 0xa0, 0xbc, 0xef, 0xd1, 0xd3, 0x06,
	[0xb0] = '\\', 0, '1', 0, '8', 0, '0', 0, '9', 0, '.', 0, '4', 0, '0', 0,
	'2', 0, '.', 0, 'v', 0, 'h', 0, 'd', 0, 0, 0,
};

START_TEST(resolved_vhd_partition)
{
	bcd_devmap_t *m;
	const char *text = "vhd=[H:]\\1809.402.vhd,partition=mbr:a3f1d6df:1048576";

	bk_assert_ok_plain(bcd_devmap_new(&m));
	bk_assert_ok(m, bcd_devmap_add(m, "H:=gpt:{c9c18ffe-b248-4138-b5e6-a0bcefd1d306}:"
				      "{e9c8d6b2-eb70-4c67-8af5-5a7aa93e6ae7}"));
	/* The same bytes for device (11000001) and osdevice (21000001). */
	check_both(text, 0x11000001, m, win10_vhd_partition, sizeof(win10_vhd_partition));
	check_both(text, 0x21000001, m, win10_vhd_partition, sizeof(win10_vhd_partition));
	bcd_devmap_free(m);
}
END_TEST

/* Text that must survive text -> bytes -> text unchanged. */
START_TEST(text_roundtrip)
{
	static const char *const texts[] = {
		"vhd=[locate]\\test.vhd",
		"locate=\\windows\\system32\\winload.exe",
		"locate=custom:12000002",
		"ramdisk=[mbr:36234da4:1048576]\\boot\\boot.wim,{ramdiskoptions}",
		"ramdisk=[boot]\\x.wim",
		"file=[gpt:{984c884b-4218-4f07-aa93-5ede4c7c5384}:"
		"{76cc3abd-2782-4839-af5c-5fc8e6659147}]\\a b\\c.wim",
		"vhd=[boot]\\disk.vhdx,partition=gpt:{984c884b-4218-4f07-aa93-5ede4c7c5384}:"
		"{76cc3abd-2782-4839-af5c-5fc8e6659147}",
		"raw:00000000000000000000000000000000090000000000000010000000000000",
	};
	size_t i, len;
	uint8_t *d;
	char err[256], *t;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(bcd_device_from_text(texts[i], 0x11000001, NULL, &d, &len, err,
						   sizeof(err)) == 0, "%s: %s", texts[i], err);
		bk_assert_ok_plain(bcd_device_to_text(d, len, 0x11000001, NULL, 0, &t));
		ck_assert_str_eq(t, texts[i]);
		free(t);
		free(d);
	}
	/* A bare "locate" searches by the element's default path element. */
	bk_assert_ok(err, bcd_device_from_text("LOCATE", 0x21000001, NULL, &d, &len, err,
					       sizeof(err)));
	bk_assert_ok_plain(bcd_device_to_text(d, len, 0x21000001, NULL, 0, &t));
	ck_assert_str_eq(t, "locate=custom:22000002");
	free(t);
	free(d);
}
END_TEST

START_TEST(refusals)
{
	static const char *const bad[] = {
		"partition=C:", "partition=mbr:xyz:1", "partition=gpt:{x}:{y}", "file=\\x",
		"file=[boot]x", "vhd=[Q:]\\a.vhd", "ramdisk=[boot]\\a,{nosuch}", "locate=custom:zz",
		"raw:123", "floppy", "partition=mbr:123456789:0",
	};
	size_t i, len;
	uint8_t *d;
	char err[256];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(bcd_device_from_text(bad[i], 0x11000001, NULL, &d, &len, err,
						   sizeof(err)) < 0, "accepted %s", bad[i]);
		ck_assert_msg(err[0], "no reason for %s", bad[i]);
	}
}
END_TEST

START_TEST(unknown_layouts)
{
	uint8_t b[88];
	char *t;

	/* A legacy partition (type 2) is kept raw. */
	memset(b, 0, sizeof(b));
	put32(b + 16, 2);
	put32(b + 24, 0x48);
	bk_assert_ok_plain(bcd_device_roundtrips(b, 88));
	bk_assert_ok_plain(bcd_device_to_text(b, 88, 0x11000001, NULL, 0, &t));
	ck_assert_int_eq(strncmp(t, "raw:0000", 8), 0);
	ck_assert_uint_eq(strlen(t), 4 + 176);
	free(t);
	/* Sizes that disagree are not decoded. */
	put32(b + 16, 5);
	put32(b + 24, 0x40);
	bk_assert_ok_plain(bcd_device_roundtrips(b, 88));
}
END_TEST

static char tmpdir[] = "/tmp/test-bcd-device-XXXXXX";

/* Partition tables are made by sfdisk, an independent writer. */
static bool
sfdisk_image(const char *img, const char *script)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "truncate -s 64M '%s' && printf '%s' | sfdisk -q '%s' 2>/dev/null",
		 img, script, img);
	return system(cmd) == 0;
}

START_TEST(map_images)
{
	char img[256], spec[300], err[200], *t;
	struct bcd_partition_id id;
	bcd_devmap_t *m;
	uint8_t *d;
	size_t n;

	if (system("command -v sfdisk >/dev/null 2>&1") != 0) {
		fprintf(stderr, "sfdisk not installed: skipping map_images\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(img, sizeof(img), "%s/mbr.img", tmpdir);
	ck_assert(sfdisk_image(img, "label: dos\\nlabel-id: 0xdeadbeef\\n"
			       "start=2048, size=2048, type=7\\nstart=4096, size=100, type=7\\n"));
	bk_assert_ok_plain(bcd_devmap_new(&m));
	snprintf(spec, sizeof(spec), "%s:2", img);
	ck_assert_msg(bcd_partition_id_resolve(m, spec, &id) == 0, "%s", bcd_devmap_last_error(m));
	ck_assert_int_eq(id.style, BCD_PART_MBR);
	ck_assert_uint_eq(id.mbr_signature, 0xdeadbeef);
	ck_assert_uint_eq(id.mbr_offset, 4096ull * 512);
	snprintf(spec, sizeof(spec), "%s:3", img);
	ck_assert_int_eq(bcd_partition_id_resolve(m, spec, &id), -BK_ENOTFOUND);
	ck_assert_msg(strstr(bcd_devmap_last_error(m), "no partition 3"), "%s", bcd_devmap_last_error(m));
	snprintf(spec, sizeof(spec), "D:=%s:2", img);
	bk_assert_ok(m, bcd_devmap_add(m, spec));
	ck_assert_int_eq(bcd_devmap_add(m, "D"), -BK_ESYNTAX);
	ck_assert_int_lt(bcd_devmap_add(m, "D:=/nonexistent/img:1"), 0);
	ck_assert_int_eq(bcd_devmap_add(m, "D:=/nonexistent/img"), -BK_EINVAL);

	snprintf(img, sizeof(img), "%s/gpt.img", tmpdir);
	ck_assert(sfdisk_image(img, "label: gpt\\nlabel-id: 984C884B-4218-4F07-AA93-5EDE4C7C5384\\n"
			       "start=2048, size=2048\\n"
			       "start=4096, size=2048, uuid=76CC3ABD-2782-4839-AF5C-5FC8E6659147\\n"));
	snprintf(spec, sizeof(spec), "E:=%s:2", img);
	ck_assert_msg(bcd_devmap_add(m, spec) == 0, "%s", bcd_devmap_last_error(m));
	bk_assert_ok(err, bcd_device_from_text("partition=E:", 0x11000001, m, &d, &n, err,
					       sizeof(err)));
	bk_assert_ok_plain(bcd_device_to_text(d, n, 0x11000001, NULL, 0, &t));
	ck_assert_str_eq(t, "partition=gpt:{984c884b-4218-4f07-aa93-5ede4c7c5384}:"
			 "{76cc3abd-2782-4839-af5c-5fc8e6659147}");
	free(t);
	bk_assert_ok(m, bcd_device_to_text(d, n, 0x11000001, m, 0, &t));
	ck_assert_str_eq(t, "partition=E:");
	free(t);
	free(d);
	bcd_devmap_free(m);
	test_rmtree(tmpdir);
}
END_TEST

/* Every device element of one store. */
static size_t
check_store(const char *path)
{
	bcd_store_t *s;
	bcd_guid_t *ids;
	size_t n, i, k, nt, count = 0;
	uint32_t *types;
	char err[300];

	ck_assert_msg(tb_store_open(&s, path, 0, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(bcd_store_objects(s, &ids, &n) == 0, "%s", bcd_last_error(s));
	for (i = 0; i < n; i++) {
		bk_assert_ok(s, bcd_element_list(s, &ids[i], &types, &nt));
		for (k = 0; k < nt; k++) {
			uint8_t *d, *d2;
			size_t len, len2;
			char *t;

			if (BCD_ELEM_FORMAT(types[k]) != BCD_FMT_DEVICE)
				continue;
			bk_assert_ok(s, bcd_element_get_raw(s, &ids[i], types[k], &d, &len));
			ck_assert_msg(bcd_device_roundtrips(d, len), "%s: %08x does not decode",
				      path, types[k]);
			bk_assert_ok_plain(bcd_device_to_text(d, len, types[k], NULL, 0, &t));
			ck_assert_msg(bcd_device_from_text(t, types[k], NULL, &d2, &len2, err,
							   sizeof(err)) == 0, "%s: %s", t, err);
			ck_assert_msg(len2 == len && memcmp(d, d2, len) == 0, "%s: %s differs", path, t);
			free(t);
			free(d);
			free(d2);
			count++;
		}
		free(types);
	}
	free(ids);
	bcd_store_close(s);
	return count;
}

START_TEST(corpus)
{
	const char *c = getenv("BK_CORPUS");
	char dir[4096], path[4600];
	struct dirent *e;
	size_t total = 0, stores = 0;
	DIR *d;

	if (!c) {
		fprintf(stderr, "corpus not set: skipping the corpus device test\n");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/bcd", c);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "no corpus at %s: skipping\n", dir);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (access(path, R_OK) != 0)
			continue;
		if (e->d_type == DT_DIR)
			snprintf(path, sizeof(path), "%s/%s/BCD", dir, e->d_name);
		total += check_store(path);
		stores++;
	}
	closedir(d);
	ck_assert_uint_ge(stores, 6);
	ck_assert_uint_ge(total, 50);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bcd-device");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 60);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
