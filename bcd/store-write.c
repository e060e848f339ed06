/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The write side of a store: new stores, objects, elements and the commit.
 * Every change is one edit of the hive in memory; only bcd_store_commit()
 * writes the file, through the hive engine's atomic commit.  Edits touch
 * just the keys and values they are about, so everything else in a store
 * (FirmwareVariable, GuidCache, unknown elements) stays byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bcd-internal.h"
#include "bk-atomic.h"
#include "bk-utf16.h"

/* Minor version of new stores: the format of BCD-NEW (bcdedit /createstore). */
#define BCD_NEW_STORE_MINOR 3
#define BCD_NEW_STORE_ROOT  "NewStoreRoot"
#define BCD_NEW_STORE_NAME  "BCD00000001"

static int
put_string_value(hive_t *h, hive_key_t k, const char *name, const char *text)
{
	uint16_t *u = NULL;
	uint8_t *b;
	size_t n = 0, i;
	int rc;

	rc = bk_utf8_to_utf16(text, strlen(text), &u, &n);
	if (rc < 0)
		return rc;
	b = bk_malloc(2 * n + 2);
	if (!b) {
		bk_free(u);
		return -BK_ENOMEM;
	}
	for (i = 0; i < n; i++)
		bk_put_le16(b + 2 * i, u[i]);
	bk_put_le16(b + 2 * n, 0);
	rc = hive_value_set(h, k, name, HIVE_REG_SZ, b, 2 * n + 2);
	bk_free(b);
	bk_free(u);
	return rc;
}

int
bcd_store_create(const char *path, char *errbuf, size_t errlen)
{
	struct stat st;
	hive_t *h = NULL;
	hive_key_t root, desc, objs;
	int rc;

	if (lstat(path, &st) == 0) {
		bk_errbuf_set(errbuf, errlen, "%s: already exists", path);
		return -BK_EEXIST;
	}
	rc = hive_create(&h, path, BCD_NEW_STORE_ROOT, BCD_NEW_STORE_MINOR, errbuf, errlen);
	if (rc < 0)
		return rc;
	rc = hive_root(h, &root);
	if (rc == 0)
		rc = hive_key_add(h, root, "Description", &desc);
	if (rc == 0)
		rc = put_string_value(h, desc, "KeyName", BCD_NEW_STORE_NAME);
	if (rc == 0)
		rc = hive_key_add(h, root, "Objects", &objs);
	if (rc == 0)
		rc = hive_commit(h, 0);
	if (rc < 0)
		bk_errbuf_set(errbuf, errlen, "%s: %s", path, hive_last_error(h));
	hive_close(h);
	return rc;
}

int
bcd_store_export(bcd_store_t *s, const char *dst)
{
	int rc;

	if (!hive_has_file(s->hive))
		return bc_store_export_image(s, dst);
	if (hive_state(s->hive) & HIVE_STATE_RECOVERED) {
		rc = hive_commit_to(s->hive, dst, 0);
		return rc < 0 ? bc_hive_err(s, rc, "exporting") : 0;
	}
	return bk_atomic_copy(&s->err, s->path, dst, 0);
}

/*
 * The source is opened (its logs replayed) and written over path by the
 * hive commit, as every other write is: sequence numbers past those of the
 * logs beside path, and those logs emptied once the new file is durable, so
 * the old store's BCD.LOG* never describe the imported content.
 */
int
bcd_store_import(const char *path, const char *src, char *errbuf, size_t errlen)
{
	bcd_store_t *t = NULL;
	int rc;

	rc = bcd_store_open(&t, src, BCD_OPEN_WRITE, errbuf, errlen);
	if (rc < 0)
		return rc;
	rc = hive_commit_to(t->hive, path, 0);
	if (rc < 0)
		bk_errbuf_set(errbuf, errlen, "%s", hive_last_error(t->hive));
	bcd_store_close(t);
	return rc;
}

int
bcd_store_commit(bcd_store_t *s)
{
	int rc;

	if (!(s->flags & BCD_OPEN_WRITE))
		return bk_err(&s->err, BK_EREADONLY, "%s: opened read-only", s->path);
	rc = hive_commit(s->hive, ((s->flags & BCD_OPEN_COMMIT_LOGGED) ? HIVE_COMMIT_LOGGED : 0) |
			 ((s->flags & BCD_OPEN_COMMIT_REWRITE) ? HIVE_COMMIT_REWRITE : 0));
	return rc < 0 ? bc_hive_err(s, rc, "writing") : 0;
}

static int
check_writable(bcd_store_t *s)
{
	if (!(s->flags & BCD_OPEN_WRITE))
		return bk_err(&s->err, BK_EREADONLY, "%s: opened read-only", s->path);
	return 0;
}

int
bcd_object_create(bcd_store_t *s, const bcd_guid_t *id, uint32_t type, bcd_guid_t *out)
{
	hive_key_t ok, dk, ek;
	bcd_guid_t g;
	char name[BCD_GUID_STRLEN];
	uint8_t t[4];
	int rc, tries = 0;

	rc = check_writable(s);
	if (rc < 0)
		return rc;
	if (id) {
		g = *id;
		if (bc_wellknown_is_virtual(&g))
			return bk_err(&s->err, BK_EINVAL, "%s: %s cannot be created",
				      s->path, bcd_alias_name(&g));
		if (hive_key_child(s->hive, s->objects, bcd_guid_format(&g, name), &ok) == 0)
			return bk_err(&s->err, BK_EEXIST, "%s: the object %s already exists",
				      s->path, name);
	} else {
		do {
			rc = bcd_guid_random(&g);
			if (rc < 0)
				return bk_err(&s->err, -rc, "no random numbers for a new GUID");
		} while (hive_key_child(s->hive, s->objects, bcd_guid_format(&g, name), &ok) == 0 &&
			 ++tries < 8);
	}
	bcd_guid_format(&g, name);
	bk_put_le32(t, type);
	rc = hive_key_add(s->hive, s->objects, name, &ok);
	if (rc == 0)
		rc = hive_key_add(s->hive, ok, "Description", &dk);
	if (rc == 0)
		rc = hive_value_set(s->hive, dk, "Type", HIVE_REG_DWORD, t, 4);
	if (rc == 0)
		rc = hive_key_add(s->hive, ok, "Elements", &ek);
	if (rc < 0)
		return bc_hive_err(s, rc, "creating an object");
	if (out)
		*out = g;
	return 0;
}

int
bcd_object_delete(bcd_store_t *s, const bcd_guid_t *id)
{
	hive_key_t k;
	int rc;

	rc = check_writable(s);
	if (rc == 0)
		rc = bc_object_key(s, id, &k);
	if (rc < 0)
		return rc;
	rc = hive_key_delete(s->hive, k, 1);
	return rc < 0 ? bc_hive_err(s, rc, "deleting an object") : 0;
}

int
bcd_object_copy(bcd_store_t *s, const bcd_guid_t *src, bcd_guid_t *out)
{
	hive_key_t k, nk;
	bcd_guid_t g;
	char name[BCD_GUID_STRLEN];
	int rc, tries = 0;

	rc = check_writable(s);
	if (rc == 0)
		rc = bc_object_key(s, src, &k);
	if (rc < 0)
		return rc;
	do {
		rc = bcd_guid_random(&g);
		if (rc < 0)
			return bk_err(&s->err, -rc, "no random numbers for a new GUID");
	} while (hive_key_child(s->hive, s->objects, bcd_guid_format(&g, name), &nk) == 0 &&
		 ++tries < 8);
	/* The whole subtree: type, elements, and any value Windows keeps in
	 * Description that this library does not interpret. */
	rc = hive_key_copy(s->hive, s->objects, name, s->hive, k, &nk);
	if (rc < 0)
		return bc_hive_err(s, rc, "copying an object");
	*out = g;
	return 0;
}

int
bcd_element_set_raw(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype, uint32_t regtype,
		    const uint8_t *data, size_t len)
{
	hive_key_t ok, ek, k;
	char name[16];
	int rc;

	rc = check_writable(s);
	if (rc == 0)
		rc = bc_object_key(s, id, &ok);
	if (rc < 0)
		return rc;
	snprintf(name, sizeof(name), "%08x", eltype);
	rc = hive_key_child(s->hive, ok, "Elements", &ek);
	if (rc == -BK_ENOTFOUND)
		rc = hive_key_add(s->hive, ok, "Elements", &ek);
	if (rc == 0) {
		rc = hive_key_child(s->hive, ek, name, &k);
		if (rc == -BK_ENOTFOUND)
			rc = hive_key_add(s->hive, ek, name, &k);
	}
	if (rc == 0)
		rc = hive_value_set(s->hive, k, "Element", regtype, data, len);
	return rc < 0 ? bc_hive_err(s, rc, "setting an element") : 0;
}

int
bcd_element_set(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype, const struct bcd_value *v)
{
	uint8_t *data = NULL;
	uint32_t regtype = 0;
	size_t len = 0;
	int rc;

	rc = bcd_value_encode(eltype, v, &regtype, &data, &len);
	if (rc < 0)
		return bk_err(&s->err, -rc, "%s: cannot encode element %08x", s->path, eltype);
	rc = bcd_element_set_raw(s, id, eltype, regtype, data, len);
	bk_free(data);
	return rc;
}

int
bcd_element_delete(bcd_store_t *s, const bcd_guid_t *id, uint32_t eltype)
{
	hive_key_t ok, ek, k;
	char name[16];
	int rc;

	rc = check_writable(s);
	if (rc == 0)
		rc = bc_object_key(s, id, &ok);
	if (rc < 0)
		return rc;
	snprintf(name, sizeof(name), "%08x", eltype);
	rc = hive_key_child(s->hive, ok, "Elements", &ek);
	if (rc == 0)
		rc = hive_key_child(s->hive, ek, name, &k);
	if (rc == -BK_ENOTFOUND)
		return bk_err(&s->err, BK_ENOTFOUND, "%s: element %08x not set", s->path, eltype);
	if (rc < 0)
		return bc_hive_err(s, rc, "finding an element");
	rc = hive_key_delete(s->hive, k, 1);
	return rc < 0 ? bc_hive_err(s, rc, "deleting an element") : 0;
}
