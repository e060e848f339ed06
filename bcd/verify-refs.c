/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reference checks of bcdverify(1): every object and object-list element
 * must name objects that exist and are of the kind the element expects
 * (default and the display lists name applications, resumeobject a resume
 * application, inherit an inherit object); inherit chains end; lists hold
 * each object once; {bootmgr} exists and has a default.  Findings that can
 * be repaired without guessing carry their repair (verify-fix.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify-internal.h"

#define CLASS_APP     1u
#define CLASS_INHERIT 2u
#define MAX_INHERIT_DEPTH 64u

struct objs {
	bcd_store_t *s;
	const bcd_guid_t *ids;
	const uint32_t *types;
	size_t n;
	struct bcd_findings *out;
};

static long
find_obj(const struct objs *o, const bcd_guid_t *g)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (bcd_guid_cmp(&o->ids[i], g) == 0)
			return (long)i;
	return -1;
}

static bool
is_bootmgr_type(uint32_t t)
{
	return t == BCD_OBJ_BOOTMGR || t == BCD_OBJ_FWBOOTMGR;
}

/*
 * What the element's targets must be: 0 any object, CLASS_APP or
 * CLASS_INHERIT for an object class (bits 31..28), else an exact type.
 */
static uint32_t
wanted(uint32_t otype, uint32_t el)
{
	if (el == BCD_EL_INHERIT)
		return CLASS_INHERIT;
	if (el == BCD_EL_RECOVERYSEQUENCE)
		return CLASS_APP;
	if (is_bootmgr_type(otype)) {
		if (el == BCD_EL_DEFAULT || el == BCD_EL_DISPLAYORDER || el == BCD_EL_BOOTSEQUENCE ||
		    el == BCD_EL_TOOLSDISPLAYORDER)
			return CLASS_APP;
		if (el == BCD_EL_RESUMEOBJECT)
			return BCD_OBJ_RESUME;
	}
	if (otype == BCD_OBJ_OSLOADER && el == BCD_EL_LOADER_RESUMEOBJECT)
		return BCD_OBJ_RESUME;
	return 0;
}

static bool
type_fits(uint32_t want, uint32_t type)
{
	if (want == 0)
		return true;
	if (want == CLASS_APP || want == CLASS_INHERIT)
		return BCD_ELEM_CLASS(type) == want;
	return type == want;
}

static const char *
want_text(uint32_t want)
{
	switch (want) {
	case CLASS_APP: return "a boot application";
	case CLASS_INHERIT: return "an inherit object";
	case BCD_OBJ_RESUME: return "a resume application";
	default: return "an object of another type";
	}
}

/* First existing OS loader in {bootmgr}'s displayorder, else the only OS
 * loader of the store.  false when there is no single choice. */
static bool
default_candidate(const struct objs *o, const bcd_guid_t *bm, bcd_guid_t *out)
{
	struct bcd_value v;
	size_t i, loaders = 0;
	long k;
	bool ok = false;

	if (bcd_element_get(o->s, bm, BCD_EL_DISPLAYORDER, &v) == 0) {
		for (i = 0; i < v.n_guids && !ok; i++) {
			k = find_obj(o, &v.guids[i]);
			if (k >= 0 && o->types[k] == BCD_OBJ_OSLOADER) {
				*out = v.guids[i];
				ok = true;
			}
		}
		bcd_value_free(&v);
	}
	if (ok)
		return true;
	for (i = 0; i < o->n; i++)
		if (o->types[i] == BCD_OBJ_OSLOADER) {
			*out = o->ids[i];
			loaders++;
		}
	return loaders == 1;
}

static void
suggest_remove(char *buf, size_t len, const char *owner, uint32_t otype, uint32_t el,
	       const char *target)
{
	char en[40];

	bc_vf_elname(otype, el, en, sizeof(en));
	if (is_bootmgr_type(otype) && (el == BCD_EL_DISPLAYORDER || el == BCD_EL_BOOTSEQUENCE ||
				       el == BCD_EL_TOOLSDISPLAYORDER))
		snprintf(buf, len, "bcdedit /%s %s /remove (or bcdverify --fix)", en, target);
	else
		snprintf(buf, len, "bcdedit /deletevalue %s %s (or bcdverify --fix)", owner, en);
}

/* One target of an object or list element. */
static int
check_target(const struct objs *o, size_t i, uint32_t el, bool list, const bcd_guid_t *g,
	     bool *fixed_default)
{
	char own[BCD_GUID_STRLEN], tg[BCD_GUID_STRLEN], en[40], sug[256];
	uint32_t want = wanted(o->types[i], el);
	struct bcd_finding *f;
	bcd_guid_t cand;
	long k;
	int rc = 0;

	if (bc_wellknown_is_virtual(g))
		return 0;
	bc_vf_objname(&o->ids[i], own);
	bc_vf_objname(g, tg);
	bc_vf_elname(o->types[i], el, en, sizeof(en));
	k = find_obj(o, g);
	if (k >= 0) {
		if (!type_fits(want, o->types[k]))
			bc_vf_add(o->out, &rc, "BCD-REF-WRONGTYPE", BCD_SEV_ERROR, &o->ids[i], el,
				   "point it at the right object with bcdedit /set",
				   "%s names %s, of type %08x, where %s is expected", en, tg,
				   (unsigned)o->types[k], want_text(want));
		return rc;
	}
	suggest_remove(sug, sizeof(sug), own, o->types[i], el, tg);
	if (el == BCD_EL_DEFAULT && is_bootmgr_type(o->types[i]) &&
	    default_candidate(o, &o->ids[i], &cand)) {
		bc_vf_objname(&cand, tg);
		snprintf(sug, sizeof(sug), "bcdedit /default %s (or bcdverify --fix)", tg);
		bc_vf_objname(g, tg);
	}
	f = bc_vf_add(o->out, &rc, "BCD-REF-DANGLING", BCD_SEV_ERROR, &o->ids[i], el, sug,
		       "%s names %s, which does not exist", en, tg);
	if (!f)
		return rc;
	if (list) {
		f->repair = BCD_REPAIR_LIST_REMOVE;
		f->repair_guid = *g;
	} else if (el == BCD_EL_DEFAULT && is_bootmgr_type(o->types[i]) &&
		   default_candidate(o, &o->ids[i], &cand)) {
		f->repair = BCD_REPAIR_SET_DEFAULT;
		f->repair_guid = cand;
		*fixed_default = true;
	} else {
		f->repair = BCD_REPAIR_DELETE_ELEMENT;
	}
	return rc;
}

static int
check_list_dups(const struct objs *o, size_t i, uint32_t el, const struct bcd_value *v)
{
	char tg[BCD_GUID_STRLEN], en[40], sug[256];
	struct bcd_finding *f;
	size_t a, b, seen;
	int rc = 0;

	for (a = 0; a < v->n_guids && rc == 0; a++) {
		for (seen = 0, b = 0; b < a; b++)
			seen += bcd_guid_cmp(&v->guids[a], &v->guids[b]) == 0;
		if (seen != 1)
			continue;   /* first occurrence, or already reported */
		bc_vf_objname(&v->guids[a], tg);
		bc_vf_elname(o->types[i], el, en, sizeof(en));
		snprintf(sug, sizeof(sug), "bcdverify --fix (keeps the first %s)", tg);
		f = bc_vf_add(o->out, &rc, "BCD-LIST-DUPLICATE", BCD_SEV_WARNING, &o->ids[i], el,
			       sug, "%s holds %s more than once", en, tg);
		if (f) {
			f->repair = BCD_REPAIR_LIST_DEDUP;
			f->repair_guid = v->guids[a];
		}
	}
	return rc;
}

static int
check_object_refs(const struct objs *o, size_t i, bool *fixed_default)
{
	uint32_t *els = NULL;
	struct bcd_value v;
	size_t n = 0, e, g;
	int rc;

	if ((rc = bcd_element_list(o->s, &o->ids[i], &els, &n)) < 0)
		return rc == -BK_ENOMEM ? rc : 0;
	for (e = 0; e < n && rc == 0; e++) {
		uint32_t fmt = BCD_ELEM_FORMAT(els[e]);

		if (fmt != BCD_FMT_OBJECT && fmt != BCD_FMT_OBJLIST)
			continue;
		if (bcd_element_get(o->s, &o->ids[i], els[e], &v) < 0)
			continue;   /* reported by the element checks */
		for (g = 0; g < v.n_guids && rc == 0; g++)
			rc = check_target(o, i, els[e], fmt == BCD_FMT_OBJLIST, &v.guids[g],
					  fixed_default);
		if (rc == 0 && fmt == BCD_FMT_OBJLIST)
			rc = check_list_dups(o, i, els[e], &v);
		bcd_value_free(&v);
	}
	free(els);
	return rc;
}

/* Does following inherit from object start lead back to it? */
static bool
inherit_cycle(const struct objs *o, size_t start)
{
	size_t stack[MAX_INHERIT_DEPTH], depth = 0, cur, g;
	bool found = false;
	unsigned char *seen = calloc(o->n ? o->n : 1, 1);
	struct bcd_value v;
	long k;

	if (!seen)
		return false;
	stack[depth++] = start;
	while (depth && !found) {
		cur = stack[--depth];
		if (bcd_element_get(o->s, &o->ids[cur], BCD_EL_INHERIT, &v) < 0)
			continue;
		for (g = 0; g < v.n_guids && !found; g++) {
			k = find_obj(o, &v.guids[g]);
			if (k < 0)
				continue;
			if ((size_t)k == start)
				found = true;
			else if (!seen[k] && depth < MAX_INHERIT_DEPTH) {
				seen[k] = 1;
				stack[depth++] = (size_t)k;
			}
		}
		bcd_value_free(&v);
	}
	free(seen);
	return found;
}

static int
check_bootmgr(const struct objs *o, bool fixed_default)
{
	char tg[BCD_GUID_STRLEN], sug[256];
	struct bcd_finding *f;
	bcd_guid_t bm, cand;
	struct bcd_value v;
	long k;
	int rc = 0;

	(void)bcd_alias_lookup("{bootmgr}", &bm);
	k = find_obj(o, &bm);
	if (k < 0) {
		bc_vf_add(o->out, &rc, "BCD-BOOTMGR-MISSING", BCD_SEV_ERROR, NULL, 0,
			   "bcdboot WINDIR /s SYSTEM rebuilds the store; or bcdedit /create {bootmgr}",
			   "the store has no {bootmgr}: the boot manager cannot start");
		return rc;
	}
	if (bcd_element_get(o->s, &bm, BCD_EL_DEFAULT, &v) == 0) {
		bcd_value_free(&v);
		return 0;
	}
	if (fixed_default)
		return 0;
	if (!default_candidate(o, &bm, &cand)) {
		bc_vf_add(o->out, &rc, "BCD-DEFAULT-MISSING", BCD_SEV_WARNING, &bm, BCD_EL_DEFAULT,
			   "bcdedit /default ID",
			   "{bootmgr} has no default and no single OS loader to take as one");
		return rc;
	}
	bc_vf_objname(&cand, tg);
	snprintf(sug, sizeof(sug), "bcdedit /default %s (or bcdverify --fix)", tg);
	f = bc_vf_add(o->out, &rc, "BCD-DEFAULT-MISSING", BCD_SEV_WARNING, &bm, BCD_EL_DEFAULT,
		       sug, "{bootmgr} has no default");
	if (f) {
		f->repair = BCD_REPAIR_SET_DEFAULT;
		f->repair_guid = cand;
	}
	return rc;
}

int
bc_vf_refs(bcd_store_t *s, const bcd_guid_t *ids, const uint32_t *types, size_t n,
	    struct bcd_findings *out)
{
	struct objs o = { s, ids, types, n, out };
	bool fixed_default = false;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		rc = check_object_refs(&o, i, &fixed_default);
		if (rc == 0 && inherit_cycle(&o, i))
			bc_vf_add(out, &rc, "BCD-INHERIT-CYCLE", BCD_SEV_ERROR, &ids[i],
				   BCD_EL_INHERIT, "bcdedit /deletevalue ID inherit on one object "
				   "of the cycle",
				   "inherit leads back to this object: Windows stops loading it");
	}
	return rc ? rc : check_bootmgr(&o, fixed_default);
}
