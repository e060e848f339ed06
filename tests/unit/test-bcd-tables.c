/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * BCD tables: GUID text, well-known aliases both ways, object headers, and
 * element names that depend on the owning object, custom:hhhhhhhh and the
 * names of enumerated integers.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "bk-check.h"
#include "bcdkit/bcd.h"

START_TEST(guid_text)
{
	bcd_guid_t g;
	char t[BCD_GUID_STRLEN];
	static const uint8_t bin[16] = { 0xe0, 0x34, 0x55, 0xae, 0x24, 0xa9, 0x6c, 0x46,
					 0xb8, 0x36, 0x75, 0x85, 0x39, 0xa3, 0xee, 0x3a };

	/* doc/bcd-format-notes.md, "Device elements": the mixed-endian binary form. */
	bk_assert_ok_plain(bcd_guid_parse("{AE5534E0-A924-466C-B836-758539A3EE3A}", &g));
	ck_assert_mem_eq(g.b, bin, 16);
	ck_assert_str_eq(bcd_guid_format(&g, t), "{ae5534e0-a924-466c-b836-758539a3ee3a}");
	ck_assert_int_eq(bcd_guid_parse("ae5534e0-a924-466c-b836-758539a3ee3a", &g), -BK_ESYNTAX);
	ck_assert_int_eq(bcd_guid_parse("{ae5534e0-a924-466c-b836-758539a3ee3}", &g), -BK_ESYNTAX);
	ck_assert_int_eq(bcd_guid_parse("{ae5534e0xa924-466c-b836-758539a3ee3a}", &g), -BK_ESYNTAX);
	ck_assert_int_eq(bcd_guid_parse("{ae5534e0-a924-466c-b836-758539a3ee3g}", &g), -BK_ESYNTAX);
}
END_TEST

START_TEST(guid_random)
{
	bcd_guid_t a, b;
	char t[BCD_GUID_STRLEN];

	bk_assert_ok_plain(bcd_guid_random(&a));
	bk_assert_ok_plain(bcd_guid_random(&b));
	ck_assert_int_ne(bcd_guid_cmp(&a, &b), 0);
	bcd_guid_format(&a, t);
	ck_assert_int_eq(t[15], '4');   /* version 4 */
}
END_TEST

START_TEST(aliases)
{
	static const struct {
		const char *alias, *guid;
	} rows[] = {
		{ "{bootmgr}", "{9dea862c-5cdd-4e70-acc1-f32b344d4795}" },
		{ "{fwbootmgr}", "{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}" },
		{ "{memdiag}", "{b2721d73-1db4-4c62-bf78-c548a880142d}" },
		{ "{ntldr}", "{466f5a88-0af2-4f76-9038-095b170dc21c}" },
		{ "{globalsettings}", "{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}" },
		{ "{bootloadersettings}", "{6efb52bf-1766-41db-a6b3-0ee5eff72bd7}" },
		{ "{resumeloadersettings}", "{1afa9c49-16ab-4a5c-901b-212802da9460}" },
		{ "{dbgsettings}", "{4636856e-540f-4170-a130-a84776f4c654}" },
		{ "{emssettings}", "{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}" },
		{ "{badmemory}", "{5189b25c-5558-4bf2-bca4-289b11bd29e2}" },
		{ "{hypervisorsettings}", "{7ff607e0-4395-11db-b0de-0800200c9a66}" },
		{ "{kerneldbgsettings}", "{313e8eed-7098-4586-a9bf-309c61f8d449}" },
		{ "{ramdiskoptions}", "{ae5534e0-a924-466c-b836-758539a3ee3a}" },
		{ "{current}", "{fa926493-6f1c-4193-a414-58f0b2456d1e}" },
		{ "{default}", "{1cae1eb7-a0df-4d4d-9851-4860e34ef535}" },
	};
	bcd_guid_t g, w;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bk_assert_ok_plain(bcd_alias_lookup(rows[i].alias, &g));
		bk_assert_ok_plain(bcd_guid_parse(rows[i].guid, &w));
		ck_assert_mem_eq(g.b, w.b, 16);
		ck_assert_str_eq(bcd_alias_name(&w), rows[i].alias);
	}
	/* Input-only aliases map to the same objects; case does not matter. */
	bk_assert_ok_plain(bcd_alias_lookup("{LEGACY}", &g));
	ck_assert_str_eq(bcd_alias_name(&g), "{ntldr}");
	bk_assert_ok_plain(bcd_alias_lookup("{eventsettings}", &g));
	ck_assert_str_eq(bcd_alias_name(&g), "{dbgsettings}");
	ck_assert_int_eq(bcd_alias_lookup("{nosuch}", &g), -BK_ENOTFOUND);
	ck_assert_int_eq(bcd_alias_lookup("bootmgr", &g), -BK_ENOTFOUND);
	/* The typo of some headers is not an alias of anything. */
	bk_assert_ok_plain(bcd_guid_parse("{1afa9c49-16ab-4a5c-4a90-212802da9460}", &g));
	ck_assert_ptr_null(bcd_alias_name(&g));
}
END_TEST

START_TEST(headers)
{
	char b[96];
	bcd_guid_t g;

	ck_assert_str_eq(bcd_object_header(0x10100002, NULL, b, sizeof(b)), "Windows Boot Manager");
	ck_assert_str_eq(bcd_object_header(0x10100001, NULL, b, sizeof(b)), "Firmware Boot Manager");
	ck_assert_str_eq(bcd_object_header(0x101fffff, NULL, b, sizeof(b)),
			 "Firmware Application (101fffff)");
	ck_assert_str_eq(bcd_object_header(0x10200003, NULL, b, sizeof(b)), "Windows Boot Loader");
	ck_assert_str_eq(bcd_object_header(0x10200004, NULL, b, sizeof(b)), "Resume from Hibernate");
	ck_assert_str_eq(bcd_object_header(0x10200005, NULL, b, sizeof(b)), "Windows Memory Tester");
	ck_assert_str_eq(bcd_object_header(0x10300006, NULL, b, sizeof(b)), "Windows Legacy OS Loader");
	ck_assert_str_eq(bcd_object_header(0x10400008, NULL, b, sizeof(b)), "Real-mode Boot Sector");
	ck_assert_str_eq(bcd_object_header(0x30000000, NULL, b, sizeof(b)), "Device options");
	ck_assert_str_eq(bcd_object_header(0x20200003, NULL, b, sizeof(b)),
			 "Inherited Settings (20200003)");
	ck_assert_str_eq(bcd_object_header(0x40000001, NULL, b, sizeof(b)), "Object (40000001)");
	(void)bcd_alias_lookup("{globalsettings}", &g);
	ck_assert_str_eq(bcd_object_header(0x20100000, &g, b, sizeof(b)), "Global Settings");
	(void)bcd_alias_lookup("{ramdiskoptions}", &g);
	ck_assert_str_eq(bcd_object_header(0x30000000, &g, b, sizeof(b)), "Setup Ramdisk Options");
	(void)bcd_guid_parse("{a1943bbc-ea85-487c-97c7-c9ede908a38a}", &g);
	ck_assert_str_eq(bcd_object_header(0x10200003, &g, b, sizeof(b)), "OS Target Template");
}
END_TEST

START_TEST(element_names)
{
	uint32_t t;

	ck_assert_str_eq(bcd_element_name(0x10200003, 0x21000001), "osdevice");
	ck_assert_str_eq(bcd_element_name(0x10200004, 0x21000001), "filedevice");
	ck_assert_str_eq(bcd_element_name(0x10200003, 0x22000002), "systemroot");
	ck_assert_str_eq(bcd_element_name(0x10200004, 0x22000002), "filepath");
	ck_assert_str_eq(bcd_element_name(0x10100002, 0x23000003), "default");
	ck_assert_str_eq(bcd_element_name(0x10200003, 0x23000003), "resumeobject");
	ck_assert_str_eq(bcd_element_name(0x20200003, 0x250000f3), "hypervisordebugtype");
	ck_assert_str_eq(bcd_element_name(0x30000000, 0x31000003), "ramdisksdidevice");
	ck_assert_str_eq(bcd_element_name(0x10200005, 0x1600000b), "badmemoryaccess");
	ck_assert_str_eq(bcd_element_name(0x10200003, 0x47000006), "elementstomigrate");
	ck_assert_str_eq(bcd_element_name(0x10200003, 0x17000077), "allowedinmemorysettings");
	ck_assert_ptr_null(bcd_element_name(0x10200003, 0x46000010));
	ck_assert_ptr_null(bcd_element_name(0x10200003, 0x12345678));
	ck_assert_ptr_null(bcd_element_name(0x101fffff, 0x21000001));

	bk_assert_ok_plain(bcd_element_lookup(0x10200003, "osdevice", &t));
	ck_assert_uint_eq(t, 0x21000001);
	bk_assert_ok_plain(bcd_element_lookup(0x10200004, "FileDevice", &t));
	ck_assert_uint_eq(t, 0x21000001);
	ck_assert_int_eq(bcd_element_lookup(0x10200004, "osdevice", &t), -BK_ENOTFOUND);
	bk_assert_ok_plain(bcd_element_lookup(0x10200003, "description", &t));
	ck_assert_uint_eq(t, 0x12000004);
	bk_assert_ok_plain(bcd_element_lookup(0x10200003, "detecthal", &t));
	ck_assert_uint_eq(t, 0x26000010);
	bk_assert_ok_plain(bcd_element_lookup(0x10200003, "custom:12345678", &t));
	ck_assert_uint_eq(t, 0x12345678);
	bk_assert_ok_plain(bcd_element_lookup(0x10200003, "custom:0x250000C2", &t));
	ck_assert_uint_eq(t, 0x250000c2);
	ck_assert_int_eq(bcd_element_lookup(0x10200003, "custom:123456789", &t), -BK_ESYNTAX);
	ck_assert_int_eq(bcd_element_lookup(0x10200003, "custom:xyz", &t), -BK_ESYNTAX);
	ck_assert_int_eq(bcd_element_lookup(0x10200003, "nosuchname", &t), -BK_ENOTFOUND);
}
END_TEST

START_TEST(enum_names)
{
	uint64_t v;

	ck_assert_str_eq(bcd_element_enum_name(0x10200003, 0x25000020, 0), "OptIn");
	ck_assert_str_eq(bcd_element_enum_name(0x10200003, 0x25000020, 1), "OptOut");
	ck_assert_str_eq(bcd_element_enum_name(0x10200003, 0x250000c2, 1), "Standard");
	ck_assert_str_eq(bcd_element_enum_name(0x20100000, 0x15000011, 4), "Local");
	ck_assert_str_eq(bcd_element_enum_name(0x10200003, 0x15000066, 3), "Recovery");
	ck_assert_str_eq(bcd_element_enum_name(0x10200004, 0x25000007, 0), "Disabled");
	ck_assert_ptr_null(bcd_element_enum_name(0x10200003, 0x25000020, 9));
	ck_assert_ptr_null(bcd_element_enum_name(0x10100002, 0x25000004, 0));
	bk_assert_ok_plain(bcd_element_enum_value(0x10200003, 0x25000020, "alwaysoff", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(bcd_element_enum_value(0x10200003, 0x25000020, "sometimes", &v),
			 -BK_ENOTFOUND);
}
END_TEST

START_TEST(app_types)
{
	uint32_t t;

	bk_assert_ok_plain(bcd_application_type("osloader", 0, &t));
	ck_assert_uint_eq(t, 0x10200003);
	bk_assert_ok_plain(bcd_application_type("BootSector", 0, &t));
	ck_assert_uint_eq(t, 0x10400008);
	bk_assert_ok_plain(bcd_application_type("resume", 1, &t));
	ck_assert_uint_eq(t, 0x20200004);
	bk_assert_ok_plain(bcd_application_type("device", 1, &t));
	ck_assert_uint_eq(t, 0x20300000);
	ck_assert_int_eq(bcd_application_type("device", 0, &t), -BK_ENOTFOUND);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bcd-tables");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	bk_tcase_add_tests(tc, NULL);
	suite_add_tcase(s, tc);
	sr = bk_srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
