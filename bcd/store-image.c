/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Stores on a hive handle the caller opened: a store read out of a disk image
 * (hive_open_image()) is opened here and written back as bytes through
 * hive_serialize() by the caller, who owns the volume (the tools' glue in
 * tools/common/image-file.c).  bcd_store_open() of a host file is the same
 * wrapping of a hive_open() handle.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bcd-internal.h"
#include "bk-atomic.h"

int
bcd_store_open_hive(bcd_store_t *s, hive_t *h, const char *name, unsigned flags)
{
	hive_key_t root;
	int rc;

	if (!name)
		name = "(memory)";
	if (s->hive)
		return bk_error_at(&s->err, name, BK_EINVAL, "the handle already holds a store");
	bk_err_clear(&s->err);
	if (!(s->path = bk_strdup(name)))
		return bk_error_at(&s->err, name, BK_ENOMEM, "out of memory");
	s->err.name = s->path;
	rc = hive_root(h, &root);
	if (rc == 0)
		rc = hive_key_child(h, root, "Objects", &s->objects);
	if (rc == -BK_ENOTFOUND)
		rc = bc_error(s, BK_ECORRUPT, "not a BCD store (no Objects key)");
	else if (rc < 0)
		bc_hive_failed(s, h, rc);
	if (rc < 0) {
		/* The caller still owns the hive; the store stays empty. */
		s->err.name = NULL;
		bk_free(s->path);
		s->path = NULL;
		s->objects = 0;
		return rc;
	}
	s->flags = flags;
	s->hive = h;
	return 0;
}

hive_t *
bcd_store_hive(bcd_store_t *s)
{
	return s->hive;
}

int
bcd_store_serialize(bcd_store_t *s, const struct hive_log_image *logs, size_t nlogs,
		    uint8_t **out, size_t *len)
{
	int rc = hive_serialize(s->hive, logs, nlogs, out, len);

	return rc < 0 ? bc_hive_err(s, rc, "writing") : 0;
}

/* /export of a store that has no host file: its bytes as serialised. */
int
bc_store_export_image(bcd_store_t *s, const char *dst)
{
	struct bk_chunk ch;
	uint8_t *img;
	size_t len;
	int rc;

	if ((rc = bcd_store_serialize(s, NULL, 0, &img, &len)) < 0)
		return rc;
	ch.p = img;
	ch.len = len;
	rc = bk_atomic_write(&s->err, dst, &ch, 1, 0644);
	bk_free(img);
	return rc;
}
