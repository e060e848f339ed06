/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The template bcdboot starts a store from (doc/bcdboot-notes.md, "The store"):
 * Windows\System32\config\BCD-Template when the image has one, else a
 * built-in template with the same objects.
 *
 * A BCD-Template is not a store to copy whole: besides {bootmgr}, {memdiag}
 * and the settings objects, it holds "OS Target Template" and "Windows
 * Setup" objects and template-only elements of class 4 (0x4xxxxxxx).  Real
 * system stores written by bcdboot (corpus win10-uefi-system, compared with
 * corpus ms-build-BCDTemplate.HIV) hold none of these: the setup and target
 * objects are left out, class-4 elements are dropped, and the loader gets
 * the target template's other elements (isolatedcontext, flightsigning,
 * allowedinmemorysettings), except winpe and nx, which bcdboot sets itself.
 */
#include "config.h"

#include <string.h>

#include "bcd-boot-internal.h"

/* OS Target Template objects (doc/bcd-format-notes.md, "Well-known objects"). */
#define TARGET_PCAT "{a1943bbc-ea85-487c-97c7-c9ede908a38a}"
#define TARGET_EFI  "{b012b84d-c47c-4ed5-b722-c0c42163e569}"

/* Elements of a target template that bcdboot does not take over. */
static const uint32_t target_skip[] = {
	BCD_EL_DEVICE, BCD_EL_PATH, BCD_EL_DESCRIPTION, BCD_EL_LOCALE, BCD_EL_INHERIT,
	BCD_EL_OSDEVICE, BCD_EL_SYSTEMROOT, BCD_EL_LOADER_RESUME, BCD_EL_NX,
	BCD_EL_WINPE, BCD_EL_BOOTMENUPOLICY,
};

static bcd_guid_t
wk(const char *alias)
{
	bcd_guid_t g;

	if (bcd_alias_lookup(alias, &g) < 0)
		(void)bcd_guid_parse(alias, &g);
	return g;
}

static void
strip_class4(struct bm_obj *o)
{
	size_t i = 0;
	uint64_t t;
	char hx[16];

	while (i < o->nel) {
		snprintf(hx, sizeof(hx), "0x%.8s", o->el[i].name);
		if (bk_parse_u64(hx, &t) && BCD_ELEM_CLASS(t) == 4)
			bm_del(o, (uint32_t)t);
		else
			i++;
	}
}

static int
add_inherit(struct bm_store *m, const char *id, uint32_t type, const char *const *parents,
	    size_t n, struct bm_obj **out)
{
	bcd_guid_t g = wk(id), list[4];
	struct bm_obj *o;
	size_t i;
	int rc;

	*out = NULL;
	if (bm_find(m, &g))
		return 0;   /* the template's own object wins */
	rc = bm_add(m, &g, type, &o);
	for (i = 0; i < n; i++)
		list[i] = wk(parents[i]);
	if (rc == 0 && n)
		rc = bm_set_guids(o, BCD_EL_INHERIT, list, n);
	if (rc == 0)
		*out = o;
	return rc;
}

/* The settings objects of a Windows 10 template (doc/bcdboot-notes.md). */
static int
builtin_settings(struct bm_store *m)
{
	static const char *const global[] = { "{dbgsettings}", "{emssettings}", "{badmemory}" };
	static const char *const loader[] = { "{globalsettings}", "{hypervisorsettings}" };
	static const char *const resume[] = { "{globalsettings}" };
	struct bm_obj *o;
	int rc;

	rc = add_inherit(m, "{emssettings}", BCD_OBJ_INHERIT, NULL, 0, &o);
	if (rc == 0 && o)
		rc = bm_set_int(o, BCD_EL_BOOTEMS, 0);
	if (rc == 0 && (rc = add_inherit(m, "{dbgsettings}", BCD_OBJ_INHERIT, NULL, 0, &o)) == 0 && o)
		rc = bm_set_int(o, BCD_EL_DEBUGTYPE, 4);   /* Local */
	if (rc == 0)
		rc = add_inherit(m, "{badmemory}", BCD_OBJ_INHERIT, NULL, 0, &o);
	if (rc == 0)
		rc = add_inherit(m, "{globalsettings}", BCD_OBJ_INHERIT, global, 3, &o);
	if (rc == 0)
		rc = add_inherit(m, "{bootloadersettings}", BCD_OBJ_LOADER_SETTINGS, loader, 2, &o);
	if (rc == 0 && (rc = add_inherit(m, "{hypervisorsettings}", BCD_OBJ_LOADER_SETTINGS,
					 NULL, 0, &o)) == 0 && o) {
		rc = bm_set_int(o, BCD_EL_HV_DEBUGTYPE, 0);   /* Serial */
		if (rc == 0)
			rc = bm_set_int(o, BCD_EL_HV_DEBUGPORT, 1);
		if (rc == 0)
			rc = bm_set_int(o, BCD_EL_HV_BAUDRATE, 115200);
	}
	if (rc == 0)
		rc = add_inherit(m, "{resumeloadersettings}", BCD_OBJ_RESUME_SETTINGS, resume, 1, &o);
	return rc;
}

/* {bootmgr} and {memdiag} as the template has them (devices come later). */
static int
builtin_apps(struct bm_store *m)
{
	static const char *const global[] = { "{globalsettings}" };
	bcd_guid_t md = wk("{memdiag}");
	struct bm_obj *o;
	int rc;

	rc = add_inherit(m, "{bootmgr}", BCD_OBJ_BOOTMGR, global, 1, &o);
	if (rc == 0 && o)
		rc = bm_set_str(o, BCD_EL_DESCRIPTION, "Windows Boot Manager");
	if (rc == 0 && o)
		rc = bm_set_guids(o, BCD_EL_TOOLSDISPLAYORDER, &md, 1);
	if (rc == 0 && o)
		rc = bm_set_int(o, BCD_EL_TIMEOUT, 30);
	if (rc == 0)
		rc = add_inherit(m, "{memdiag}", BCD_OBJ_MEMDIAG, global, 1, &o);
	if (rc == 0 && o)
		rc = bm_set_str(o, BCD_EL_DESCRIPTION, "Windows Memory Diagnostic");
	if (rc == 0 && o)
		rc = bm_set_int(o, BCD_EL_BADMEMORYACCESS, 1);
	return rc;
}

/*
 * What real stores hold where the template differs: EMS off ({emssettings}
 * bootems is Yes in the template, No in every bcdboot store of the corpus)
 * and {badmemory} among {globalsettings}' parents.
 */
static int
settings_as_written(struct bm_store *m)
{
	bcd_guid_t ems = wk("{emssettings}"), gs = wk("{globalsettings}"), bad = wk("{badmemory}");
	struct bm_obj *o;
	struct bcd_value v;
	bcd_guid_t *list;
	size_t i;
	int rc = 0;

	if ((o = bm_find(m, &ems)))
		rc = bm_set_int(o, BCD_EL_BOOTEMS, 0);
	if (rc < 0 || !(o = bm_find(m, &gs)) || bm_get(o, BCD_EL_INHERIT, &v) < 0)
		return rc;
	for (i = 0; i < v.n_guids && bcd_guid_cmp(&v.guids[i], &bad); i++)
		;
	if (i == v.n_guids) {
		if (!(list = bk_realloc(v.guids, (v.n_guids + 1) * sizeof(*list)))) {
			bcd_value_free(&v);
			return -BK_ENOMEM;
		}
		v.guids = list;
		v.guids[v.n_guids++] = bad;
		rc = bm_set_guids(o, BCD_EL_INHERIT, v.guids, v.n_guids);
	}
	bcd_value_free(&v);
	return rc;
}

/* Take {bootmgr}, {memdiag} and the settings objects of a BCD-Template. */
static int
from_template(struct bm_store *m, struct bm_store *t, int firmware, struct bm_store *extra)
{
	bcd_guid_t bm = wk("{bootmgr}"), md = wk("{memdiag}"), target;
	struct bm_obj *o, *src;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->n && rc == 0; i++) {
		src = &t->o[i];
		if (bcd_guid_cmp(&src->id, &bm) && bcd_guid_cmp(&src->id, &md) &&
		    (bm_type(src) >> 28) != 2)
			continue;
		rc = bm_copy_obj(m, src, &o);
		if (rc == 0)
			strip_class4(o);
	}
	/* The template's default names its setup entry, which is not copied. */
	if (rc == 0 && (o = bm_find(m, &bm)))
		bm_del(o, BCD_EL_DEFAULT);
	if (rc == 0)
		rc = settings_as_written(m);
	(void)bcd_guid_parse(firmware == BCD_BOOT_UEFI ? TARGET_EFI : TARGET_PCAT, &target);
	if (rc == 0 && (src = bm_find(t, &target))) {
		rc = bm_copy_obj(extra, src, &o);
		if (rc == 0) {
			strip_class4(o);
			for (i = 0; i < sizeof(target_skip) / sizeof(target_skip[0]); i++)
				bm_del(o, target_skip[i]);
		}
	}
	return rc;
}

/* The loader's extra elements when there is no BCD-Template to take them from. */
static int
builtin_extra(struct bm_store *extra, int firmware)
{
	bcd_guid_t g;
	struct bm_obj *o;
	struct bcd_value v = { .format = BCD_FMT_INTLIST };
	uint64_t allowed = 0x15000075;
	int rc;

	(void)bcd_guid_parse(firmware == BCD_BOOT_UEFI ? TARGET_EFI : TARGET_PCAT, &g);
	rc = bm_add(extra, &g, BCD_OBJ_OSLOADER, &o);
	v.integers = &allowed;
	v.n_integers = 1;
	if (rc == 0)
		rc = bm_set(o, BCD_EL_ALLOWEDINMEMORY, &v);
	if (rc == 0 && firmware == BCD_BOOT_UEFI)
		rc = bm_set_int(o, BCD_EL_ISOLATEDCONTEXT, 1);
	return rc;
}

int
bc_boot_template(struct bm_store *m, bcd_store_t *tmpl, int firmware, struct bm_store *extra)
{
	struct bm_store t;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	if (tmpl) {
		rc = bm_load(&t, tmpl);
		if (rc == 0)
			rc = from_template(m, &t, firmware, extra);
		bm_free(&t);
	}
	if (rc == 0 && extra->n == 0)
		rc = builtin_extra(extra, firmware);
	if (rc == 0)
		rc = builtin_settings(m);
	if (rc == 0)
		rc = builtin_apps(m);
	return rc;
}
