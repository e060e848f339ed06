/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store bcdboot writes (doc/bcdboot-notes.md, "The store"), built as
 * plain data (bootmodel.c) from the template and the store already at the
 * target, then written into a new hive.  Rules, with their evidence:
 *  - objects of the existing store are kept (Windows 10 bcdboot keeps
 *    debug settings and other entries when it recreates a store; /c drops
 *    them), the template only adds what the store lacks;
 *  - a loader for the same Windows (same osdevice bytes and systemroot) is
 *    replaced under its own GUID, with its resume object, so that running
 *    twice gives the same store; /m merges its other values;
 *  - the new loader goes first in displayorder and becomes the default
 *    (real-07 in bcdedit-outputs), /d keeps an existing default.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bcd-boot-internal.h"
#include "bk-utf16.h"

#define STORE_ROOT  "NewStoreRoot"
#define STORE_MINOR 3
#define STORE_KEYNAME "BCD00000000"

struct build {
	const struct bcd_boot_params *p;
	struct bm_store m, extra;
	uint8_t *osdev, *sysdev;
	size_t osdev_len, sysdev_len;
	bcd_guid_t loader, resume;
	struct bm_store merge;       /* values merged into the new objects (/m) */
	char *errbuf;
	size_t errlen;
};

static bcd_guid_t
wk(const char *alias)
{
	bcd_guid_t g;

	memset(&g, 0, sizeof(g));
	(void)bcd_alias_lookup(alias, &g);
	return g;
}

/* ---- devices ---------------------------------------------------------------------- */

static struct bcd_dev *
part_dev(const struct bcd_partition_id *id)
{
	struct bcd_dev *d = bc_dev_new(BCD_DT_PARTITION);

	if (d)
		bc_dev_fill_part(d, id);
	return d;
}

static int
encode(struct bcd_dev *root, uint8_t **out, size_t *len)
{
	struct bcd_devtree t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.root = root;
	rc = root ? bc_dev_encode(&t, out, len) : -BK_ENOMEM;
	bc_dev_free(root);
	return rc;
}

/*
 * Windows inside a VHD: the partition inside the virtual disk (DiskType 6)
 * followed by a File block-I/O descriptor naming the VHD on its host
 * partition: the layout Windows writes when the inner partition is known,
 * as it is to bcdboot (which needs the VHD attached to a drive letter).
 */
static struct bcd_dev *
vhd_dev(const struct bcd_boot_params *p)
{
	struct bcd_dev *d = part_dev(&p->os), *file;
	uint16_t *u = NULL;
	size_t n = 0;

	if (!d)
		return NULL;
	d->disk_type = 6;
	file = bc_dev_new(BCD_DT_BLOCKIO);
	d->child = file;
	if (!file || !(file->host = part_dev(&p->vhd_host)) ||
	    bk_utf8_to_utf16(p->vhd_path, strlen(p->vhd_path), &u, &n) < 0) {
		bc_dev_free(d);
		return NULL;
	}
	file->bio_type = BCD_BIO_FILE;
	file->has_path = true;
	file->path = u;
	file->path_len = n;
	return d;
}

int
bcd_boot_os_device(const struct bcd_boot_params *p, uint8_t **out, size_t *len)
{
	if (p->vhd_path && p->vhd_path[0] != '\\')
		return -BK_EINVAL;
	return encode(p->vhd_path ? vhd_dev(p) : part_dev(&p->os), out, len);
}

/* ---- finding what to replace ---------------------------------------------------------- */

static bool
same_windows(struct build *b, const struct bm_obj *o, const char *root)
{
	const struct bm_value *dev = bm_get_raw(o, BCD_EL_OSDEVICE);
	struct bcd_value sr;
	bool same;

	if (bm_type(o) != BCD_OBJ_OSLOADER || !dev || dev->len != b->osdev_len ||
	    memcmp(dev->data, b->osdev, b->osdev_len) != 0)
		return false;
	if (bm_get(o, BCD_EL_SYSTEMROOT, &sr) < 0)
		return false;
	same = sr.string && bc_strcasecmp(sr.string, root) == 0;
	bcd_value_free(&sr);
	return same;
}

static bool
referenced_by_loader(struct bm_store *m, const bcd_guid_t *res)
{
	struct bcd_value v;
	size_t i;
	bool ref = false;

	for (i = 0; i < m->n && !ref; i++) {
		if (bm_type(&m->o[i]) != BCD_OBJ_OSLOADER ||
		    bm_get(&m->o[i], BCD_EL_LOADER_RESUME, &v) < 0)
			continue;
		ref = v.n_guids == 1 && bcd_guid_cmp(&v.guids[0], res) == 0;
		bcd_value_free(&v);
	}
	return ref;
}

/* Drop id from an object list element of o (the element goes when emptied). */
static int
list_drop(struct bm_obj *o, uint32_t el, const bcd_guid_t *id)
{
	struct bcd_value v;
	size_t i, k = 0;
	int rc;

	if (!o || bm_get(o, el, &v) < 0)
		return 0;
	for (i = 0; i < v.n_guids; i++)
		if (bcd_guid_cmp(&v.guids[i], id) != 0)
			v.guids[k++] = v.guids[i];
	rc = 0;
	if (k == 0)
		bm_del(o, el);
	else if (k != v.n_guids)
		rc = bm_set_guids(o, el, v.guids, k);
	bcd_value_free(&v);
	return rc;
}

/* Remove one loader and, unless another loader uses it, its resume object. */
static int
drop_loader(struct build *b, const bcd_guid_t *id, bool keep_copy)
{
	bcd_guid_t bm = wk("{bootmgr}");
	struct bm_obj *o = bm_find(&b->m, id), *mgr;
	struct bcd_value res;
	bool has_res;
	int rc = 0;

	has_res = bm_get(o, BCD_EL_LOADER_RESUME, &res) == 0 && res.n_guids == 1;
	if (keep_copy)
		rc = bm_copy_obj(&b->merge, o, NULL);
	bm_remove(&b->m, id);
	if (rc == 0 && has_res && (o = bm_find(&b->m, &res.guids[0])) &&
	    bm_type(o) == BCD_OBJ_RESUME && !referenced_by_loader(&b->m, &res.guids[0])) {
		if (keep_copy)
			rc = bm_copy_obj(&b->merge, o, NULL);
		bm_remove(&b->m, &res.guids[0]);
	}
	mgr = bm_find(&b->m, &bm);
	if (rc == 0)
		rc = list_drop(mgr, BCD_EL_DISPLAYORDER, id);
	if (rc == 0)
		rc = list_drop(mgr, BCD_EL_BOOTSEQUENCE, id);
	if (has_res)
		bcd_value_free(&res);
	return rc;
}

/* Pick the GUIDs of the new objects: those of the loader being replaced. */
static int
replace_same(struct build *b, const char *root, struct bcd_boot_result *res)
{
	bcd_guid_t *ids = NULL;
	struct bcd_value v;
	size_t i, n = 0;
	int rc = 0;

	if (!(ids = bk_calloc(b->m.n ? b->m.n : 1, sizeof(*ids))))
		return -BK_ENOMEM;
	for (i = 0; i < b->m.n; i++)
		if (same_windows(b, &b->m.o[i], root))
			ids[n++] = b->m.o[i].id;
	if (n) {
		b->loader = ids[0];
		res->replaced = 1;
		if (bm_get(bm_find(&b->m, &ids[0]), BCD_EL_LOADER_RESUME, &v) == 0) {
			if (v.n_guids == 1 && bm_find(&b->m, &v.guids[0]) &&
			    bm_type(bm_find(&b->m, &v.guids[0])) == BCD_OBJ_RESUME)
				b->resume = v.guids[0];
			bcd_value_free(&v);
		}
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = drop_loader(b, &ids[i], i == 0 && (b->p->flags & BCD_BOOT_MERGE));
	bk_free(ids);
	return rc;
}

static int
fresh_guid(struct build *b, bcd_guid_t *g)
{
	int rc;

	do {
		rc = bcd_guid_random(g);
	} while (rc == 0 && (bm_find(&b->m, g) || bcd_alias_name(g)));
	return rc;
}

/* ---- the new objects -------------------------------------------------------------------- */

/* Start an object: a copy of the merged one (/m) under the new GUID, or empty. */
static int
start_object(struct build *b, const bcd_guid_t *id, uint32_t type, const bcd_guid_t *from,
	     struct bm_obj **out)
{
	struct bm_obj *src = from ? bm_find(&b->merge, from) : NULL, *o;
	int rc;

	if (!src)
		return bm_add(&b->m, id, type, out);
	rc = bm_copy_obj(&b->m, src, &o);
	if (rc < 0)
		return rc;
	o->id = *id;
	*out = o;
	return 0;
}

static const char *
ext(const struct build *b)
{
	return b->p->firmware == BCD_BOOT_UEFI ? "efi" : "exe";
}

/* Elements the loader and the resume object share. */
static int
set_app(struct build *b, struct bm_obj *o, const char *file, const char *desc,
	const char *inherit)
{
	bcd_guid_t inh = wk(inherit);
	char path[600];
	int rc;

	snprintf(path, sizeof(path), "%s\\system32\\%s.%s", b->p->systemroot, file, ext(b));
	rc = bm_copy_elements(o, &b->extra.o[0]);
	if (rc == 0)
		rc = bm_set_raw(o, BCD_EL_DEVICE, HIVE_REG_BINARY, b->osdev, b->osdev_len);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_PATH, path);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_DESCRIPTION, desc);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_LOCALE, b->p->locale);
	if (rc == 0)
		rc = bm_set_guids(o, BCD_EL_INHERIT, &inh, 1);
	return rc;
}

static int
make_loader(struct build *b, const bcd_guid_t *from)
{
	struct bm_obj *o;
	int rc;

	rc = start_object(b, &b->loader, BCD_OBJ_OSLOADER, from, &o);
	if (rc == 0)
		rc = set_app(b, o, "winload", b->p->description, "{bootloadersettings}");
	if (rc == 0)
		rc = bm_set_raw(o, BCD_EL_OSDEVICE, HIVE_REG_BINARY, b->osdev, b->osdev_len);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_SYSTEMROOT, b->p->systemroot);
	if (rc == 0)
		rc = bm_set_guids(o, BCD_EL_LOADER_RESUME, &b->resume, 1);
	if (rc == 0)
		rc = bm_set_int(o, BCD_EL_NX, 0);               /* OptIn */
	if (rc == 0)
		rc = bm_set_int(o, BCD_EL_BOOTMENUPOLICY, 1);   /* Standard */
	return rc;
}

static int
make_resume(struct build *b, const bcd_guid_t *from)
{
	struct bm_obj *o;
	int rc;

	rc = start_object(b, &b->resume, BCD_OBJ_RESUME, from, &o);
	if (rc == 0)
		rc = set_app(b, o, "winresume", "Windows Resume Application",
			     "{resumeloadersettings}");
	if (rc == 0)
		rc = bm_set_raw(o, BCD_EL_FILEDEVICE, HIVE_REG_BINARY, b->osdev, b->osdev_len);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_FILEPATH, "\\hiberfil.sys");
	if (rc == 0)
		rc = bm_set_int(o, BCD_EL_RESUME_MENUPOLICY, 1);
	if (rc == 0)
		rc = bm_set_int(o, BCD_EL_DEBUGOPTION, 0);
	return rc;
}

/* Set an element only when the object does not have it. */
static int
set_default_str(struct bm_obj *o, uint32_t el, const char *s)
{
	return bm_get_raw(o, el) ? 0 : bm_set_str(o, el, s);
}

static int
set_default_guid(struct bm_obj *o, uint32_t el, const char *alias)
{
	bcd_guid_t g = wk(alias);

	return bm_get_raw(o, el) ? 0 : bm_set_guids(o, el, &g, 1);
}

/* The new loader first (or last) in displayorder, never twice. */
static int
put_in_order(struct build *b, struct bm_obj *mgr)
{
	struct bcd_value v;
	bcd_guid_t *list;
	size_t i, k = 0;
	int rc;

	memset(&v, 0, sizeof(v));
	if (bm_get(mgr, BCD_EL_DISPLAYORDER, &v) < 0)
		memset(&v, 0, sizeof(v));
	list = bk_calloc(v.n_guids + 1, sizeof(*list));
	if (!list) {
		bcd_value_free(&v);
		return -BK_ENOMEM;
	}
	if (!(b->p->flags & BCD_BOOT_ADDLAST))
		list[k++] = b->loader;
	for (i = 0; i < v.n_guids; i++)
		if (bcd_guid_cmp(&v.guids[i], &b->loader) != 0)
			list[k++] = v.guids[i];
	if (b->p->flags & BCD_BOOT_ADDLAST)
		list[k++] = b->loader;
	rc = bm_set_guids(mgr, BCD_EL_DISPLAYORDER, list, k);
	bk_free(list);
	bcd_value_free(&v);
	return rc;
}

static int
fill_bootmgr(struct build *b, struct bcd_boot_result *res)
{
	bcd_guid_t id = wk("{bootmgr}");
	struct bm_obj *o = bm_find(&b->m, &id);
	struct bcd_value def;
	bool keep = false;
	int rc;

	if ((b->p->flags & BCD_BOOT_KEEP_DEFAULT) && bm_get(o, BCD_EL_DEFAULT, &def) == 0) {
		keep = def.n_guids == 1 && bm_find(&b->m, &def.guids[0]);
		bcd_value_free(&def);
	}
	res->kept_default = keep;
	rc = bm_set_raw(o, BCD_EL_DEVICE, HIVE_REG_BINARY, b->sysdev, b->sysdev_len);
	if (rc == 0 && b->p->firmware == BCD_BOOT_UEFI)
		rc = bm_set_str(o, BCD_EL_PATH, "\\EFI\\Microsoft\\Boot\\bootmgfw.efi");
	else if (rc == 0)
		bm_del(o, BCD_EL_PATH);   /* the BIOS bootmgr is found at the root */
	if (rc == 0)
		rc = set_default_str(o, BCD_EL_DESCRIPTION, "Windows Boot Manager");
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_LOCALE, b->p->locale);
	if (rc == 0)
		rc = set_default_guid(o, BCD_EL_INHERIT, "{globalsettings}");
	if (rc == 0 && !keep)
		rc = bm_set_guids(o, BCD_EL_DEFAULT, &b->loader, 1);
	if (rc == 0)
		rc = bm_set_guids(o, BCD_EL_RESUMEOBJECT, &b->resume, 1);
	if (rc == 0)
		rc = put_in_order(b, o);
	if (rc == 0)
		rc = set_default_guid(o, BCD_EL_TOOLSDISPLAYORDER, "{memdiag}");
	if (rc == 0 && !bm_get_raw(o, BCD_EL_TIMEOUT))
		rc = bm_set_int(o, BCD_EL_TIMEOUT, 30);
	return rc;
}

static int
fill_memdiag(struct build *b)
{
	bcd_guid_t id = wk("{memdiag}");
	struct bm_obj *o = bm_find(&b->m, &id);
	int rc;

	rc = bm_set_raw(o, BCD_EL_DEVICE, HIVE_REG_BINARY, b->sysdev, b->sysdev_len);
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_PATH, b->p->firmware == BCD_BOOT_UEFI ?
				"\\EFI\\Microsoft\\Boot\\memtest.efi" : "\\boot\\memtest.exe");
	if (rc == 0)
		rc = set_default_str(o, BCD_EL_DESCRIPTION, "Windows Memory Diagnostic");
	if (rc == 0)
		rc = bm_set_str(o, BCD_EL_LOCALE, b->p->locale);
	if (rc == 0)
		rc = set_default_guid(o, BCD_EL_INHERIT, "{globalsettings}");
	if (rc == 0 && !bm_get_raw(o, BCD_EL_BADMEMORYACCESS))
		rc = bm_set_int(o, BCD_EL_BADMEMORYACCESS, 1);
	return rc;
}

/* The store's own Description: a system store (real stores: KeyName
 * BCD00000000, System 1, TreatAsSystem 1). */
static int
fill_store_desc(struct bm_key *d)
{
	static const uint8_t one[4] = { 1, 0, 0, 0 };
	const char *kn = STORE_KEYNAME;
	uint8_t name[2 * sizeof(STORE_KEYNAME)];
	size_t i;
	int rc;

	for (i = 0; i <= strlen(kn); i++)
		bk_put_le16(name + 2 * i, (uint16_t)kn[i]);
	rc = bm_key_set(d, "KeyName", HIVE_REG_SZ, name, sizeof(name));
	if (rc == 0)
		rc = bm_key_set(d, "System", HIVE_REG_DWORD, one, 4);
	if (rc == 0)
		rc = bm_key_set(d, "TreatAsSystem", HIVE_REG_DWORD, one, 4);
	return rc;
}

/* ---- putting it together ------------------------------------------------------------------- */

/* The template's objects that the store does not have yet. */
static int
add_template(struct build *b, bcd_store_t *tmpl)
{
	struct bm_store t;
	size_t i;
	int rc;

	memset(&t, 0, sizeof(t));
	rc = bc_boot_template(&t, tmpl, b->p->firmware, &b->extra);
	for (i = 0; i < t.n && rc == 0; i++)
		if (!bm_find(&b->m, &t.o[i].id))
			rc = bm_copy_obj(&b->m, &t.o[i], NULL);
	bm_free(&t);
	if (rc == 0 && b->extra.n != 1)
		rc = -BK_EINVAL;
	return rc;
}

/* /m {id}: the loader whose values the new one takes. */
static int
take_merge_source(struct build *b)
{
	struct bm_obj *o = bm_find(&b->m, b->p->merge_id);
	char g[BCD_GUID_STRLEN];

	if (!o || bm_type(o) != BCD_OBJ_OSLOADER) {
		bk_errbuf_set(b->errbuf, b->errlen, "%s is not a Windows Boot Loader in the "
			       "store", bcd_guid_format(b->p->merge_id, g));
		return -BK_ENOTFOUND;
	}
	return bm_copy_obj(&b->merge, o, NULL);
}

static int
assemble(struct build *b, bcd_store_t *tmpl, bcd_store_t *old, struct bcd_boot_result *res)
{
	bcd_guid_t zero;
	int rc = 0;

	memset(&zero, 0, sizeof(zero));
	if (old && !(b->p->flags & BCD_BOOT_CLEAN))
		rc = bm_load(&b->m, old);
	if (rc == 0)
		rc = add_template(b, tmpl);
	if (rc == 0)
		rc = fill_store_desc(&b->m.desc);
	if (rc == 0 && b->p->merge_id)
		rc = take_merge_source(b);
	if (rc == 0)
		rc = replace_same(b, b->p->systemroot, res);
	if (rc == 0 && bcd_guid_cmp(&b->loader, &zero) == 0)
		rc = fresh_guid(b, &b->loader);
	if (rc == 0 && (bcd_guid_cmp(&b->resume, &zero) == 0 || bm_find(&b->m, &b->resume)))
		rc = fresh_guid(b, &b->resume);
	if (rc == 0)
		rc = make_loader(b, b->p->merge_id ? b->p->merge_id : &b->loader);
	if (rc == 0)
		rc = make_resume(b, &b->resume);
	if (rc == 0)
		rc = fill_bootmgr(b, res);
	if (rc == 0)
		rc = fill_memdiag(b);
	res->loader = b->loader;
	res->resume = b->resume;
	return rc;
}

static int
check_params(const struct bcd_boot_params *p, char *errbuf, size_t errlen)
{
	if (!BK_RESERVED_ZERO(p)) {
		bk_errbuf_set(errbuf, errlen, "struct bcd_boot_params has reserved fields set "
			      "(a program built for a newer bcdkit?)");
		return -BK_EINVAL;
	}
	if (p->firmware != BCD_BOOT_BIOS && p->firmware != BCD_BOOT_UEFI) {
		bk_errbuf_set(errbuf, errlen, "firmware must be BIOS or UEFI");
		return -BK_EINVAL;
	}
	if (p->systemroot[0] != '\\' || (p->vhd_path && p->vhd_path[0] != '\\')) {
		bk_errbuf_set(errbuf, errlen, "paths in the store must start with a backslash");
		return -BK_EINVAL;
	}
	return 0;
}

int
bcd_boot_build(bcd_store_t *s, const char *path, bcd_store_t *tmpl, bcd_store_t *old,
	       const struct bcd_boot_params *pin, struct bcd_boot_result *res)
{
	struct bcd_boot_params p = *pin;
	char errbuf[BK_ERRMSG_MAX] = "";   /* the detail, given to s at the end */
	size_t errlen = sizeof(errbuf);
	struct build b;
	hive_t *h = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	if (!p.locale)
		p.locale = "en-us";
	if (!p.description)
		p.description = "Windows";
	if (!p.systemroot)
		p.systemroot = "\\Windows";
	if ((rc = check_params(&p, errbuf, errlen)) < 0)
		return bk_err(&s->err, -rc, "%s", errbuf);
	b.p = &p;
	b.errbuf = errbuf;
	b.errlen = errlen;
	rc = bcd_boot_os_device(&p, &b.osdev, &b.osdev_len);
	if (rc == 0)
		rc = encode(part_dev(&p.system), &b.sysdev, &b.sysdev_len);
	if (rc == 0)
		rc = assemble(&b, tmpl, old, res);
	if (rc == 0 && !(h = hive_new()))
		rc = -BK_ENOMEM;
	if (rc == 0 && (rc = hive_create(h, path, STORE_ROOT, STORE_MINOR)) < 0)
		bk_errbuf_set(errbuf, errlen, "%s", hive_last_error(h));
	if (rc == 0 && (rc = bm_write(&b.m, h)) < 0)
		bk_errbuf_set(errbuf, errlen, "%s: %s", path, hive_last_error(h));
	if (rc == 0 && (rc = bcd_store_open_hive(s, h, path, BCD_OPEN_WRITE)) < 0)
		bk_errbuf_set(errbuf, errlen, "%s", bcd_last_error(s));
	if (rc < 0)
		hive_close(h);
	if (rc < 0 && !errbuf[0])
		bk_errbuf_set(errbuf, errlen, "%s: %s", path, bk_strerror(rc));
	if (rc < 0)
		bk_err(&s->err, -rc, "%s", errbuf);
	bm_free(&b.m);
	bm_free(&b.extra);
	bm_free(&b.merge);
	bk_free(b.osdev);
	bk_free(b.sysdev);
	return rc;
}
