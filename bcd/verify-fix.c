/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Repairs of bcdverify --fix: each finding that carries a repair changes
 * the one element it names, in memory; the caller commits the store through
 * the hive engine's atomic commit.  The diff line shows the element before
 * and after in bcdedit's words.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify-internal.h"

#define REG_BINARY 3u

/* The element's value as bcdedit shows it, or "(none)". */
static void
value_text(bcd_store_t *s, const bcd_guid_t *id, uint32_t el, struct bk_buf *b)
{
	char g[BCD_GUID_STRLEN], *dev = NULL;
	struct bcd_value v;
	size_t i;

	if (bcd_element_get(s, id, el, &v) < 0) {
		bk_buf_puts(b, "(none)");
		return;
	}
	switch (v.format) {
	case BCD_FMT_OBJECT:
	case BCD_FMT_OBJLIST:
		for (i = 0; i < v.n_guids; i++) {
			if (i)
				bk_buf_putc(b, ' ');
			bk_buf_puts(b, bc_vf_objname(&v.guids[i], g));
		}
		if (!v.n_guids)
			bk_buf_puts(b, "(empty)");
		break;
	case BCD_FMT_DEVICE:
		if (bcd_device_to_text(v.bytes, v.n_bytes, el, NULL, 0, &dev) == 0)
			bk_buf_puts(b, dev);
		free(dev);
		break;
	case BCD_FMT_STRING:
		bk_buf_puts(b, v.string ? v.string : "");
		break;
	default:
		bk_buf_printf(b, "0x%llx", (unsigned long long)v.integer);
		break;
	}
	bcd_value_free(&v);
}

/* Drop entries equal to g from a list (all of them, or all but the first). */
static int
list_filter(bcd_store_t *s, const bcd_guid_t *id, uint32_t el, const bcd_guid_t *g,
	    bool keep_first)
{
	struct bcd_value v;
	size_t i, o = 0;
	bool kept = false;
	int rc;

	if ((rc = bcd_element_get(s, id, el, &v)) < 0)
		return rc;
	for (i = 0; i < v.n_guids; i++) {
		if (bcd_guid_cmp(&v.guids[i], g) == 0) {
			if (!keep_first || kept)
				continue;
			kept = true;
		}
		v.guids[o++] = v.guids[i];
	}
	v.n_guids = o;
	rc = bcd_element_set(s, id, el, &v);
	bcd_value_free(&v);
	return rc;
}

static int
apply(bcd_store_t *s, const struct bcd_finding *f)
{
	struct bcd_value v;

	switch (f->repair) {
	case BCD_REPAIR_LIST_REMOVE:
		return list_filter(s, &f->object, f->element, &f->repair_guid, false);
	case BCD_REPAIR_LIST_DEDUP:
		return list_filter(s, &f->object, f->element, &f->repair_guid, true);
	case BCD_REPAIR_DELETE_ELEMENT:
		return bcd_element_delete(s, &f->object, f->element);
	case BCD_REPAIR_SET_DEFAULT:
		memset(&v, 0, sizeof(v));
		v.format = BCD_FMT_OBJECT;
		v.guids = (bcd_guid_t *)&f->repair_guid;
		v.n_guids = 1;
		return bcd_element_set(s, &f->object, BCD_EL_DEFAULT, &v);
	case BCD_REPAIR_SET_DEVICE:
		return bcd_element_set_raw(s, &f->object, f->element, REG_BINARY, f->repair_bytes,
					   f->repair_len);
	default:
		return -BK_EINVAL;
	}
}

int
bcd_verify_fix(bcd_store_t *s, const struct bcd_finding *f, char **diff)
{
	struct bk_buf b = { 0 };
	char g[BCD_GUID_STRLEN], en[40];
	uint32_t otype = 0;
	int rc;

	*diff = NULL;
	if (!f->has_object || f->repair == BCD_REPAIR_NONE)
		return -BK_EINVAL;
	(void)bcd_object_type(s, &f->object, &otype);
	bk_buf_printf(&b, "%s  %s  ", bc_vf_objname(&f->object, g),
		      bc_vf_elname(otype, f->element, en, sizeof(en)));
	value_text(s, &f->object, f->element, &b);
	if ((rc = apply(s, f)) < 0) {
		bk_buf_release(&b);
		return rc;
	}
	bk_buf_puts(&b, " -> ");
	value_text(s, &f->object, f->element, &b);
	return bk_buf_finish(&b, diff);
}
