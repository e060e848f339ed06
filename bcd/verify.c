/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store checks of bcdverify(1): the hive's structure and state, the root
 * Description, the keys under Objects, object types against the well-known
 * GUIDs, and each element's stored type and width against its format.  The
 * reference checks are in verify-refs.c, the device and file checks in
 * verify-devices.c, the repairs in verify-fix.c.  Nothing here prints:
 * findings are data for the tool.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify-internal.h"

#define REG_SZ        1u
#define REG_BINARY    3u
#define REG_DWORD     4u
#define REG_MULTI_SZ  7u

/* Hive problems reported one by one before the rest are summed up: a
 * damaged hive can have thousands. */
#define MAX_HIVE_PROBLEMS 20u

/* ---- findings ------------------------------------------------------------------ */

struct bcd_finding *
bc_vf_add(struct bcd_findings *out, int *rc, const char *id, int sev, const bcd_guid_t *obj,
	   uint32_t el, const char *suggest, const char *fmt, ...)
{
	struct bcd_finding *f;
	char msg[1024];
	va_list ap;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct bcd_finding *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			goto oom;
		out->v = v;
		out->cap = cap;
	}
	f = &out->v[out->n];
	memset(f, 0, sizeof(*f));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->id = id;
	f->severity = sev;
	if (obj) {
		f->has_object = 1;
		f->object = *obj;
	}
	f->element = el;
	if (!(f->message = strdup(msg)))
		goto oom;
	if (suggest && !(f->suggest = strdup(suggest))) {
		free(f->message);
		goto oom;
	}
	out->n++;
	return f;
oom:
	*rc = -BK_ENOMEM;
	return NULL;
}

void
bcd_findings_free(struct bcd_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].message);
		free(fs->v[i].suggest);
		free(fs->v[i].repair_bytes);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

const char *
bcd_severity_name(int sev)
{
	return sev == BCD_SEV_ERROR ? "error" : sev == BCD_SEV_WARNING ? "warning" : "info";
}

const char *
bc_vf_objname(const bcd_guid_t *g, char buf[BCD_GUID_STRLEN])
{
	const char *a = bcd_alias_name(g);

	if (a) {
		snprintf(buf, BCD_GUID_STRLEN, "%s", a);
		return buf;
	}
	return bcd_guid_format(g, buf);
}

const char *
bc_vf_elname(uint32_t objtype, uint32_t el, char *buf, size_t len)
{
	const char *n = bcd_element_name(objtype, el);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "custom:%08x", (unsigned)el);
	return buf;
}

/* ---- the hive ------------------------------------------------------------------- */

struct hive_ctx {
	struct bcd_findings *out;
	int rc;
	uint64_t n;
};

static int
hv_problem_cb(void *data, const struct hive_problem *p)
{
	struct hive_ctx *c = data;

	if (++c->n > MAX_HIVE_PROBLEMS)
		return 0;
	bc_vf_add(c->out, &c->rc, "BCD-HIVE-CHECK", BCD_SEV_ERROR, NULL, 0,
		   "hivetool check STORE; restore the store from a backup or rebuild it with bcdboot",
		   "%s", p->message);
	return c->rc < 0;
}

static int
check_hive(bcd_store_t *s, struct bcd_findings *out)
{
	struct hive_ctx c = { out, 0, 0 };
	unsigned st = hive_state(s->hive);
	int rc = 0;

	if (hive_check(s->hive, hv_problem_cb, &c, NULL) < 0 && c.rc == 0)
		return -BK_ENOMEM;
	if (c.rc < 0)
		return c.rc;
	if (c.n > MAX_HIVE_PROBLEMS)
		bc_vf_add(out, &rc, "BCD-HIVE-CHECK", BCD_SEV_ERROR, NULL, 0, NULL,
			   "%llu more hive problems", (unsigned long long)(c.n - MAX_HIVE_PROBLEMS));
	if (st & HIVE_STATE_DIRTY_NO_LOGS)
		bc_vf_add(out, &rc, "BCD-HIVE-DIRTY", BCD_SEV_ERROR, NULL, 0,
			   "hivetool recover STORE, or restore the store from a backup",
			   "the store is dirty and no transaction log can complete it: "
			   "its last changes are lost");
	else if (st & HIVE_STATE_RECOVERED)
		bc_vf_add(out, &rc, "BCD-HIVE-LOGS", BCD_SEV_WARNING, NULL, 0,
			   "hivetool recover STORE (bcdverify --fix writes the recovered store)",
			   "the store is dirty: its latest changes are only in the transaction logs "
			   "beside it (checked here with the logs replayed)");
	if (st & (HIVE_STATE_TRUNCATED | HIVE_STATE_SALVAGED))
		bc_vf_add(out, &rc, "BCD-HIVE-CHECK", BCD_SEV_ERROR, NULL, 0,
			   "restore the store from a backup or rebuild it with bcdboot",
			   "the hive is %s: parts of it could not be read",
			   st & HIVE_STATE_TRUNCATED ? "truncated" : "damaged");
	return rc;
}

/* Root Description: KeyName (REG_SZ), System and TreatAsSystem (DWORD). */
static int
check_root(bcd_store_t *s, struct bcd_findings *out)
{
	hive_key_t root, desc;
	hive_value_t v;
	uint32_t type;
	int rc = 0;

	if (hive_root(s->hive, &root) < 0 || hive_key_child(s->hive, root, "Description", &desc) < 0) {
		bc_vf_add(out, &rc, "BCD-ROOT-DESCRIPTION", BCD_SEV_WARNING, NULL, 0,
			   "bcdedit /export FILE then bcdedit /import FILE /clean",
			   "the store has no root Description key (Windows writes KeyName there)");
		return rc;
	}
	if (hive_value_find(s->hive, desc, "KeyName", &v) < 0 ||
	    hive_value_type(s->hive, v, &type) < 0 || type != REG_SZ)
		bc_vf_add(out, &rc, "BCD-ROOT-DESCRIPTION", BCD_SEV_WARNING, NULL, 0,
			   "bcdedit /export FILE then bcdedit /import FILE /clean",
			   "the root Description has no KeyName string (Windows writes BCD00000000 "
			   "or BCD00000001)");
	if (hive_value_find(s->hive, desc, "System", &v) == 0 &&
	    (hive_value_type(s->hive, v, &type) < 0 || type != REG_DWORD))
		bc_vf_add(out, &rc, "BCD-ROOT-DESCRIPTION", BCD_SEV_WARNING, NULL, 0, NULL,
			   "the root Description's System value is not a REG_DWORD");
	if (hive_value_find(s->hive, desc, "FirmwareModified", &v) == 0 &&
	    (hive_value_type(s->hive, v, &type) < 0 || type != REG_DWORD))
		bc_vf_add(out, &rc, "BCD-ROOT-DESCRIPTION", BCD_SEV_WARNING, NULL, 0, NULL,
			   "the root Description's FirmwareModified value is not a REG_DWORD");
	return rc;
}

/* Keys under Objects that bcd_store_objects() skips. */
static int
check_object_keys(bcd_store_t *s, struct bcd_findings *out)
{
	hive_key_t *keys = NULL, desc;
	hive_value_t v;
	size_t n = 0, i;
	bcd_guid_t g;
	char *name;
	int rc;

	if ((rc = hive_key_subkeys(s->hive, s->objects, &keys, &n)) < 0)
		return rc == -BK_ENOMEM ? rc : 0;
	for (i = 0; i < n && rc == 0; i++) {
		if (hive_key_name(s->hive, keys[i], &name) < 0)
			continue;
		if (bcd_guid_parse(name, &g) < 0)
			bc_vf_add(out, &rc, "BCD-OBJ-KEYNAME", BCD_SEV_ERROR, NULL, 0,
				   "hivetool del STORE 'Objects\\NAME' if it is not needed",
				   "Objects\\%.200s is not an object: its name is not a GUID", name);
		else if (hive_key_child(s->hive, keys[i], "Description", &desc) < 0 ||
			 hive_value_find(s->hive, desc, "Type", &v) < 0)
			bc_vf_add(out, &rc, "BCD-OBJ-NOTYPE", BCD_SEV_ERROR, &g, 0,
				   "bcdedit /delete ID, then create it again",
				   "the object has no Description\\Type: Windows ignores it");
		free(name);
	}
	free(keys);
	return rc;
}

/*
 * The registry type and width an element of this format is stored with.  A
 * narrower integer or wider boolean is only info: Windows' own install
 * media hold 1- to 4-byte integers, and Windows reads them.
 */
static const char *
width_problem(uint32_t format, uint32_t regtype, size_t len, int *sev)
{
	*sev = BCD_SEV_WARNING;
	if ((format == BCD_FMT_INTEGER && regtype == REG_BINARY && len >= 1 && len < 8) ||
	    (format == BCD_FMT_BOOLEAN && regtype == REG_BINARY && len > 1 && len <= 8))
		*sev = BCD_SEV_INFO;
	switch (format) {
	case BCD_FMT_DEVICE:
		return regtype != REG_BINARY ? "a device not stored as REG_BINARY" : NULL;
	case BCD_FMT_STRING:
	case BCD_FMT_OBJECT:
		return regtype != REG_SZ ? "not stored as REG_SZ" : NULL;
	case BCD_FMT_OBJLIST:
		return regtype != REG_MULTI_SZ ? "an object list not stored as REG_MULTI_SZ" : NULL;
	case BCD_FMT_INTEGER:
		if (regtype != REG_BINARY)
			return "an integer not stored as REG_BINARY";
		return len != 8 ? "an integer not 8 bytes wide" : NULL;
	case BCD_FMT_BOOLEAN:
		if (regtype != REG_BINARY)
			return "a boolean not stored as REG_BINARY";
		return len != 1 ? "a boolean not 1 byte wide" : NULL;
	case BCD_FMT_INTLIST:
		if (regtype != REG_BINARY)
			return "an integer list not stored as REG_BINARY";
		return len % 8 ? "an integer list whose size is not a multiple of 8" : NULL;
	default:
		return "an element of unknown format";
	}
}

static int
check_element(bcd_store_t *s, const bcd_guid_t *id, uint32_t otype, hive_key_t ekey,
	      uint32_t el, struct bcd_findings *out)
{
	char why[256] = "", en[40];
	struct bcd_value val;
	hive_value_t v;
	uint32_t regtype = 0;
	uint8_t *data = NULL;
	size_t len = 0;
	const char *p;
	int rc = 0, sev;

	bc_vf_elname(otype, el, en, sizeof(en));
	if (hive_value_find(s->hive, ekey, "Element", &v) < 0 ||
	    hive_value_type(s->hive, v, &regtype) < 0 || hive_value_data(s->hive, v, &data, &len) < 0)
		return 0;
	if ((p = width_problem(BCD_ELEM_FORMAT(el), regtype, len, &sev)))
		bc_vf_add(out, &rc, "BCD-ELEM-FORMAT", sev, id, el,
			   "bcdedit /set ID NAME VALUE writes it in Windows' form",
			   "%s is %s (type %u, %zu bytes)", en, p, (unsigned)regtype, len);
	if (bc_value_decode(el, data, len, &val, why, sizeof(why)) < 0)
		bc_vf_add(out, &rc, "BCD-ELEM-DECODE", BCD_SEV_ERROR, id, el,
			   "bcdedit /deletevalue ID NAME, then set it again",
			   "%s does not decode: %s", en, why);
	else
		bcd_value_free(&val);
	if (rc == 0 && !bcd_element_name(otype, el))
		bc_vf_add(out, &rc, "BCD-ELEM-UNKNOWN", BCD_SEV_INFO, id, el, NULL,
			   "element %08x is not one bcdkit knows (kept as it is)", (unsigned)el);
	free(data);
	return rc;
}

static int
check_elements(bcd_store_t *s, const bcd_guid_t *id, uint32_t otype, struct bcd_findings *out)
{
	hive_key_t okey, els, *keys = NULL;
	size_t n = 0, i;
	char *name;
	int rc;

	if (bc_object_key(s, id, &okey) < 0 || hive_key_child(s->hive, okey, "Elements", &els) < 0)
		return 0;
	if ((rc = hive_key_subkeys(s->hive, els, &keys, &n)) < 0)
		return rc == -BK_ENOMEM ? rc : 0;
	for (i = 0; i < n && rc == 0; i++) {
		char *end;
		unsigned long el;

		if (hive_key_name(s->hive, keys[i], &name) < 0)
			continue;
		el = strtoul(name, &end, 16);
		if (strlen(name) != 8 || *end || el == 0)
			bc_vf_add(out, &rc, "BCD-ELEM-KEYNAME", BCD_SEV_WARNING, id, 0, NULL,
				   "Elements\\%.200s is not an element type (8 hex digits)", name);
		else
			rc = check_element(s, id, otype, keys[i], (uint32_t)el, out);
		free(name);
	}
	free(keys);
	return rc;
}

static int
check_types(bcd_store_t *s, const bcd_guid_t *ids, const uint32_t *types, size_t n,
	    struct bcd_findings *out)
{
	char g[BCD_GUID_STRLEN];
	uint32_t want;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (bcd_wellknown_type(&ids[i], &want) == 0 && want != types[i])
			bc_vf_add(out, &rc, "BCD-OBJ-TYPE-MISMATCH", BCD_SEV_ERROR, &ids[i], 0,
				   "bcdedit /delete ID /f, then bcdedit /create ID",
				   "the object's type is %08x but %s is always of type %08x",
				   (unsigned)types[i], bc_vf_objname(&ids[i], g), (unsigned)want);
		if (rc == 0)
			rc = check_elements(s, &ids[i], types[i], out);
	}
	return rc;
}

static int verify_store(bcd_store_t *s, const struct bcd_verify_world *w,
			struct bcd_findings *out);

/* Element names depend on the object's type (class-2 elements). */
static void
name_elements(bcd_store_t *s, struct bcd_findings *out, size_t from)
{
	uint32_t type;
	size_t i;

	for (i = from; i < out->n; i++) {
		struct bcd_finding *f = &out->v[i];

		if (!f->element)
			continue;
		if (!f->has_object || bcd_object_type(s, &f->object, &type) < 0)
			type = 0;
		bc_vf_elname(type, f->element, f->element_name, sizeof(f->element_name));
	}
}

int
bcd_verify_store(bcd_store_t *s, const struct bcd_verify_world *w, struct bcd_findings *out)
{
	size_t from = out->n;
	int rc = verify_store(s, w, out);

	name_elements(s, out, from);
	return rc;
}

static int
verify_store(bcd_store_t *s, const struct bcd_verify_world *w, struct bcd_findings *out)
{
	bcd_guid_t *ids = NULL;
	uint32_t *types = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = check_hive(s, out)) < 0 || (rc = check_root(s, out)) < 0 ||
	    (rc = check_object_keys(s, out)) < 0)
		return rc;
	if ((rc = bcd_store_objects(s, &ids, &n)) < 0)
		return rc == -BK_ENOMEM ? rc : 0;
	if (!(types = calloc(n ? n : 1, sizeof(*types)))) {
		free(ids);
		return -BK_ENOMEM;
	}
	for (i = 0; i < n; i++)
		(void)bcd_object_type(s, &ids[i], &types[i]);
	rc = check_types(s, ids, types, n, out);
	if (rc == 0)
		rc = bc_vf_refs(s, ids, types, n, out);
	if (rc == 0 && w)
		rc = bc_vf_devices(s, ids, types, n, w, out);
	free(types);
	free(ids);
	return rc;
}
