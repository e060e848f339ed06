/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Paths inside volumes (fs_path_parse, fs_path_child, fs_err): what is
 * accepted and how it is split, and every refusal with its reason.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk-check.h"
#include "fs-core.h"

static struct disk disk_stub;
static struct disk_fs fs_stub;

static void
setup(void)
{
	memset(&disk_stub, 0, sizeof(disk_stub));
	memset(&fs_stub, 0, sizeof(fs_stub));
	disk_stub.name = (char *)"usb.img";
	fs_stub.d = &disk_stub;
	fs_stub.partition = 1;
}

/* Parse text; it must give the canonical form want (NULL: a refusal whose
 * message contains why). */
static void
check(const char *text, const char *want, const char *why)
{
	struct fs_path p;
	int rc;

	bk_err_clear(&fs_stub.err);
	rc = fs_path_parse(&fs_stub, text, &p);
	if (want) {
		ck_assert_msg(rc == 0, "%s: refused: %s", text, fs_stub.err.msg);
		ck_assert_str_eq(p.text, want);
		fs_path_free(&p);
		return;
	}
	ck_assert_msg(rc == -BK_EINVAL, "%s: accepted (rc %d)", text, rc);
	ck_assert_ptr_null(p.comp);
	ck_assert_msg(strstr(fs_stub.err.msg, why), "%s: message \"%s\" lacks \"%s\"", text,
		      fs_stub.err.msg, why);
	ck_assert_msg(strncmp(fs_stub.err.msg, "usb.img:1", 9) == 0, "%s: no context in \"%s\"",
		      text, fs_stub.err.msg);
}

START_TEST(accepted)
{
	struct fs_path p;

	check("", "\\", NULL);
	check("\\", "\\", NULL);
	check("/", "\\", NULL);
	check("Boot\\BCD", "\\Boot\\BCD", NULL);
	check("/EFI/Boot//bootx64.efi", "\\EFI\\Boot\\bootx64.efi", NULL);
	check("\\a\\.\\b\\..\\c\\", "\\a\\c", NULL);
	check("a/..", "\\", NULL);
	check("Programme (x86)\\Grüße ☃ 𝄞.txt", "\\Programme (x86)\\Grüße ☃ 𝄞.txt", NULL);
	check(".hidden", "\\.hidden", NULL);
	check("CONSOLE\\COM10\\LPT0.txt\\nul1", "\\CONSOLE\\COM10\\LPT0.txt\\nul1", NULL);
	bk_assert_ok(&fs_stub, fs_path_parse(&fs_stub, "\\A\\b\\C", &p));
	ck_assert_uint_eq(p.n, 3);
	ck_assert_str_eq(p.comp[0], "A");
	ck_assert_str_eq(p.comp[2], "C");
	ck_assert_uint_eq(fs_path_parent(&p).n, 2);
	fs_path_free(&p);
}
END_TEST

START_TEST(refused)
{
	char name[1024], path[FS_PATH_MAX + 16];
	size_t i;

	check("..", NULL, "would leave the volume");
	check("\\a\\..\\..\\b", NULL, "would leave the volume");
	check("a\tb", NULL, "control character");
	check("a\x01", NULL, "control character");
	check("a\x1f\\b", NULL, "control character");
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "x%cy", "<>:\"|?*"[i]);
		check(name, NULL, "Windows forbids");
	}
	check("dir.\\x", NULL, "ending in a dot or a space");
	check("x ", NULL, "ending in a dot or a space");
	check("...", NULL, "ending in a dot or a space");
	check("CON", NULL, "device name");
	check("a\\prn.txt", NULL, "device name");
	check("Aux", NULL, "device name");
	check("NUL .log", NULL, "device name");
	check("com1", NULL, "device name");
	check("LPT9.tar.gz", NULL, "device name");
	check("\xff", NULL, "not valid UTF-8");
	check("a\xc3", NULL, "not valid UTF-8");
	check("\xed\xa0\x80", NULL, "not valid UTF-8");    /* a surrogate */
	check("\xc0\xaf", NULL, "not valid UTF-8");         /* overlong "/" */
	memset(name, 'a', 256);
	name[256] = '\0';
	check(name, NULL, "longer than 255");
	name[255] = '\0';
	check(name, "\\" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL);
	/* 128 four-byte characters are 256 UTF-16 units. */
	for (i = 0; i < 128; i++)
		memcpy(name + 4 * i, "\xf0\x9d\x84\x9e", 4);
	name[512] = '\0';
	check(name, NULL, "longer than 255");
	for (i = 0; i < 257; i++)
		memcpy(path + 2 * i, "a\\", 2);
	path[2 * 257] = '\0';
	check(path, NULL, "more than 256 folder levels");
	memset(path, 'a', FS_PATH_MAX + 1);
	path[FS_PATH_MAX + 1] = '\0';
	check(path, NULL, "longer than 4096 bytes");
}
END_TEST

START_TEST(child)
{
	struct fs_path p, c;

	bk_assert_ok(&fs_stub, fs_path_parse(&fs_stub, "\\EFI", &p));
	bk_assert_ok(&fs_stub, fs_path_child(&fs_stub, &p, "Boot", &c));
	ck_assert_str_eq(c.text, "\\EFI\\Boot");
	fs_path_free(&c);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "a\\b", &c), -BK_EINVAL);
	ck_assert_ptr_nonnull(strstr(fs_stub.err.msg, "usb.img:1:\\EFI: cannot copy"));
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "a/b", &c), -BK_EINVAL);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "..", &c), -BK_EINVAL);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, ".", &c), -BK_EINVAL);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "", &c), -BK_EINVAL);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "aux", &c), -BK_EINVAL);
	ck_assert_int_eq(fs_path_child(&fs_stub, &p, "q?", &c), -BK_EINVAL);
	fs_path_free(&p);
}
END_TEST

START_TEST(context)
{
	struct fs_path p;

	bk_assert_ok(&fs_stub, fs_path_parse(&fs_stub, "/Boot/BCD", &p));
	ck_assert_int_eq(fs_err(&fs_stub, BK_ENOTFOUND, &p, "no such file"), -BK_ENOTFOUND);
	ck_assert_str_eq(fs_stub.err.msg, "usb.img:1:\\Boot\\BCD: no such file");
	{
		struct fs_path up = fs_path_parent(&p);

		fs_err(&fs_stub, BK_EIO, &up, "x");
		ck_assert_str_eq(fs_stub.err.msg, "usb.img:1:\\Boot: x");
	}
	fs_stub.partition = 0;
	fs_err(&fs_stub, BK_ECORRUPT, NULL, "bad boot sector");
	ck_assert_str_eq(fs_stub.err.msg, "usb.img: bad boot sector");
	fs_path_free(&p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fs-path");
	TCase *tc = tcase_create("path");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
