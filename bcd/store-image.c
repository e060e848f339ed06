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
bcd_store_open_hive(bcd_store_t **out, hive_t *h, const char *name, unsigned flags,
		    char *errbuf, size_t errlen)
{
	bcd_store_t *s;
	hive_key_t root;
	int rc;

	*out = NULL;
	if (!name)
		name = "(memory)";
	s = bk_calloc(1, sizeof(*s));
	if (!s || !(s->path = bk_strdup(name))) {
		bk_free(s);
		bk_errbuf_set(errbuf, errlen, "%s: out of memory", name);
		return -BK_ENOMEM;
	}
	s->flags = flags;
	s->hive = h;
	rc = hive_root(h, &root);
	if (rc == 0)
		rc = hive_key_child(h, root, "Objects", &s->objects);
	if (rc == -BK_ENOTFOUND) {
		bk_errbuf_set(errbuf, errlen, "%s: not a BCD store (no Objects key)", name);
		rc = -BK_ECORRUPT;
	} else if (rc < 0) {
		bk_errbuf_set(errbuf, errlen, "%s", hive_last_error(h));
	}
	if (rc < 0) {
		/* The caller still owns the hive. */
		bk_free(s->path);
		bk_free(s);
		return rc;
	}
	*out = s;
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
