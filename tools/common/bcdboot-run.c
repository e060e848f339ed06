/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One bcdboot run: find the Windows tree and the system partition, read the
 * template and the product name, then per firmware build the store in
 * memory (so that a bad existing store stops the run before anything is
 * written), copy the boot files and write the store beside the old one and
 * rename it over.
 */
#include "config.h"

#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bcdboot-cli.h"
#include "bcdboot-src.h"
#include "bcdkit/hive.h"
#include "tool-util.h"

#define FAIL_COPY "Failure when attempting to copy boot files."

bool bcdboot_is_verbose;

void
bcdboot_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!bcdboot_is_verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- hives read out of a volume ------------------------------------------------------ */

struct hivefile {
	uint8_t *buf;
	size_t len;
	uint8_t *log[3];
	size_t loglen[3];
	char logname[3][4200];
	struct hive_log_image logs[3];
	size_t nlogs;
};

static void
hivefile_free(struct hivefile *f)
{
	size_t i;

	free(f->buf);
	for (i = 0; i < 3; i++)
		free(f->log[i]);
	memset(f, 0, sizeof(*f));
}

/* Read path and its logs; 1 when absent, 0 when read, -1 on error (printed). */
static int
hivefile_read(struct bootvol *v, const char *path, struct hivefile *f)
{
	static const char *const ext[] = { ".LOG", ".LOG1", ".LOG2" };
	bool dir;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (bootvol_stat(v, path, &dir) == -BK_ENOTFOUND)
		return 1;
	if (bootvol_read(v, path, &f->buf, &f->len) < 0) {
		tool_err("%s", v->err);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		snprintf(f->logname[i], sizeof(f->logname[i]), "%s%s", path, ext[i]);
		if (bootvol_stat(v, f->logname[i], &dir) < 0 || dir ||
		    bootvol_read(v, f->logname[i], &f->log[i], &f->loglen[i]) < 0)
			continue;
		f->logs[f->nlogs].name = f->logname[i];
		f->logs[f->nlogs].data = f->log[i];
		f->logs[f->nlogs].len = f->loglen[i];
		f->nlogs++;
	}
	return 0;
}

static int
hivefile_open(struct hivefile *f, const char *name, hive_t **h)
{
	if (!(*h = hive_new())) {
		tool_err("%s: %s", name, hive_strerror(-BK_ENOMEM));
		return -1;
	}
	if (hive_open_image(*h, f->buf, f->len, name, f->logs, f->nlogs, 0) < 0) {
		tool_err("%s", hive_last_error(*h));
		hive_close(*h);
		*h = NULL;
		return -1;
	}
	return 0;
}

/* A store inside a volume (read-only); *s NULL when there is none. */
static int
store_read(struct bootvol *v, const char *path, struct hivefile *f, bcd_store_t **s)
{
	char name[8800];
	hive_t *h;
	int rc;

	*s = NULL;
	rc = hivefile_read(v, path, f);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	snprintf(name, sizeof(name), "%s:\\%s", v->name, path);
	if (hivefile_open(f, name, &h) < 0)
		return -1;
	if (!(*s = bcd_store_new())) {
		hive_close(h);
		tool_err("%s: %s", name, bcd_strerror(-BK_ENOMEM));
		return -1;
	}
	if (bcd_store_open_hive(*s, h, name, 0) < 0) {
		hive_close(h);
		tool_err("%s", bcd_last_error(*s));
		bcd_store_close(*s);
		*s = NULL;
		return -1;
	}
	return 0;
}

/* ProductName from the image's SOFTWARE hive; NULL when it cannot be read. */
static char *
product_name(struct bootvol *win, const char *winroot)
{
	char path[4200];
	struct hivefile f;
	hive_t *h = NULL;
	hive_key_t k;
	hive_value_t val;
	uint8_t *data = NULL;
	size_t len;
	char *name = NULL;

	snprintf(path, sizeof(path), "%s%sSystem32\\config\\SOFTWARE", winroot,
		 winroot[0] ? "\\" : "");
	if (hivefile_read(win, path, &f) != 0)
		return NULL;
	if (hivefile_open(&f, path, &h) == 0 &&
	    hive_key_find(h, "Microsoft\\Windows NT\\CurrentVersion", &k) == 0 &&
	    hive_value_find(h, k, "ProductName", &val) == 0 &&
	    hive_value_data(h, val, &data, &len) == 0)
		(void)hive_decode_string(data, len, &name);
	free(data);
	if (h)
		hive_close(h);
	hivefile_free(&f);
	return name;
}

/* ---- one store ------------------------------------------------------------------------ */

static int
write_store(struct bootvol *sys, const char *path, bcd_store_t *s, struct hivefile *old)
{
	uint8_t *img = NULL;
	size_t len = 0, i;
	int rc;

	rc = bcd_store_serialize(s, old->logs, old->nlogs, &img, &len);
	if (rc < 0) {
		tool_err("%s", bcd_last_error(s));
		return -1;
	}
	rc = bootvol_write(sys, path, img, len);
	free(img);
	/* As a commit does: the new store holds everything, the logs are emptied. */
	for (i = 0; rc == 0 && i < old->nlogs; i++)
		if (old->logs[i].len)
			rc = bootvol_write(sys, old->logs[i].name, "", 0);
	if (rc < 0) {
		tool_err("%s", sys->err);
		return -1;
	}
	return 0;
}

static int
one_firmware(struct bcdboot_src *src, int fw, bcd_store_t *tmpl, struct bcd_boot_params *p)
{
	const char *path = fw == FW_UEFI ? "EFI\\Microsoft\\Boot\\BCD" : "Boot\\BCD";
	struct bcd_boot_result res;
	struct hivefile old;
	bcd_store_t *prev = NULL, *s = NULL;
	char name[8800], g[BCD_GUID_STRLEN];
	int rc = -1;

	p->firmware = fw == FW_UEFI ? BCD_BOOT_UEFI : BCD_BOOT_BIOS;
	snprintf(name, sizeof(name), "%s:\\%s", src->sys.name, path);
	if (store_read(&src->sys, path, &old, &prev) < 0)
		goto out;
	if (!(s = bcd_store_new())) {
		tool_err("%s: %s", name, bcd_strerror(-BK_ENOMEM));
		goto out;
	}
	if (bcd_boot_build(s, name, tmpl, prev, p, &res) < 0) {
		tool_err("%s", bcd_last_error(s));
		goto out;
	}
	if (bcdboot_copy_files(&src->win, src->winroot, &src->sys, fw) < 0 ||
	    bootvol_mkdirs(&src->sys, fw == FW_UEFI ? "EFI\\Microsoft\\Boot" : "Boot") < 0 ||
	    write_store(&src->sys, path, s, &old) < 0)
		goto out;
	bcdboot_verbose("%s the store %s: loader %s", prev ? "Updated" : "Created", name,
			bcd_guid_format(&res.loader, g));
	if (res.replaced)
		bcdboot_verbose("Replaced the existing entry for %s%s", src->systemroot,
				(p->flags & BCD_BOOT_MERGE) ? " (values merged)" : "");
	if (res.kept_default)
		bcdboot_verbose("Kept the existing default entry");
	rc = 0;
out:
	bcd_store_close(s);
	bcd_store_close(prev);
	hivefile_free(&old);
	return rc;
}

/* ---- the run ---------------------------------------------------------------------------- */

static int
open_template(struct bcdboot_src *src, struct hivefile *f, bcd_store_t **t)
{
	char path[4200];
	int rc;

	snprintf(path, sizeof(path), "%s%sSystem32\\config\\BCD-Template", src->winroot,
		 src->winroot[0] ? "\\" : "");
	rc = store_read(&src->win, path, f, t);
	if (rc == 0)
		bcdboot_verbose(*t ? "Using the template %s:\\%s" :
				"No %s:\\%s; using the built-in template", src->win.name, path);
	return rc;
}

static int
run_all(const struct bcdboot_args *a, struct bcdboot_src *src)
{
	struct bcd_boot_params p;
	struct hivefile tf;
	bcd_store_t *tmpl = NULL;
	char *desc;
	int fw, rc = 0;

	memset(&p, 0, sizeof(p));
	p.flags = a->flags;
	p.locale = a->locale;
	p.merge_id = a->has_merge_id ? &a->merge_id : NULL;
	p.systemroot = src->systemroot;
	p.os = src->os_id;
	if (src->vhd_path[0]) {
		p.vhd_path = src->vhd_path;
		p.vhd_host = src->vhd_host;
	}
	desc = product_name(&src->win, src->winroot);
	p.description = desc;
	bcdboot_verbose("Windows: %s (%s)", src->systemroot, desc ? desc : "no ProductName");
	if (open_template(src, &tf, &tmpl) < 0)
		rc = -1;
	for (fw = FW_BIOS; rc == 0 && fw <= FW_UEFI; fw <<= 1) {
		if (!(src->firmware & fw))
			continue;
		rc = bcdboot_src_retarget(a, src, fw);
		p.system = src->system_id;
		if (rc == 0)
			rc = one_firmware(src, fw, tmpl, &p);
		if (fw == FW_BIOS)
			src->bios_part = src->sys_part;
	}
	if (rc == 0 && (src->firmware & FW_BIOS))
		rc = bcdboot_bios_bootcode(a, src);
	if (rc == 0 && a->preserve)
		bcdboot_verbose("/p: the firmware boot order is not changed offline");
	bcd_store_close(tmpl);
	hivefile_free(&tf);
	free(desc);
	return rc;
}

int
bcdboot_run(const struct bcdboot_args *a)
{
	struct bcdboot_src src;
	int rc;

	bcdboot_is_verbose = a->verbose;
	rc = bcdboot_src_open(a, &src);
	if (rc == 0)
		rc = run_all(a, &src);
	if (bcdboot_src_close(&src) < 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "%s\n", FAIL_COPY);
	return rc;
}
