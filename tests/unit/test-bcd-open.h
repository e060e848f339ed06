/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The BCD library's handle-first calls in the shape most unit tests want:
 * 0 and *out, or a negative code with *out NULL and the store handle's
 * detail (bcd_last_error()) copied to err (may be NULL).  The calls
 * themselves, a failed open's detail and a reused handle are tested in
 * test-bcd-store.c.
 */
#ifndef BK_TEST_BCD_OPEN_H
#define BK_TEST_BCD_OPEN_H

#include <stdio.h>
#include "bcdkit/bcd.h"
#include "bcdkit/bcd-boot.h"

static inline int
tb_new(bcd_store_t **out, char *err, size_t errlen)
{
	if ((*out = bcd_store_new()) != NULL)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", bcd_strerror(-BK_ENOMEM));
	return -BK_ENOMEM;
}

/* After a call into *out: on failure keep the detail and free the handle;
 * with done, free it in any case (it only carried the detail). */
static inline int
tb_end(bcd_store_t **out, int rc, int done, char *err, size_t errlen)
{
	if (rc < 0 && err && errlen)
		snprintf(err, errlen, "%s", bcd_last_error(*out));
	if (rc < 0 || done) {
		bcd_store_close(*out);
		*out = NULL;
	}
	return rc;
}

static inline int
tb_store_open(bcd_store_t **out, const char *path, unsigned flags, char *err, size_t errlen)
{
	int rc = tb_new(out, err, errlen);

	return rc < 0 ? rc : tb_end(out, bcd_store_open(*out, path, flags), 0, err, errlen);
}

static inline int
tb_store_open_hive(bcd_store_t **out, hive_t *h, const char *name, unsigned flags, char *err,
		   size_t errlen)
{
	int rc = tb_new(out, err, errlen);

	return rc < 0 ? rc : tb_end(out, bcd_store_open_hive(*out, h, name, flags), 0, err, errlen);
}

static inline int
tb_store_create(const char *path, char *err, size_t errlen)
{
	bcd_store_t *s;
	int rc = tb_new(&s, err, errlen);

	return rc < 0 ? rc : tb_end(&s, bcd_store_create(s, path), 1, err, errlen);
}

static inline int
tb_store_import(const char *path, const char *src, char *err, size_t errlen)
{
	bcd_store_t *s;
	int rc = tb_new(&s, err, errlen);

	return rc < 0 ? rc : tb_end(&s, bcd_store_import(s, path, src), 1, err, errlen);
}

static inline int
tb_boot_build(bcd_store_t **out, const char *path, bcd_store_t *tmpl, bcd_store_t *old,
	      const struct bcd_boot_params *p, struct bcd_boot_result *res, char *err,
	      size_t errlen)
{
	int rc = tb_new(out, err, errlen);

	return rc < 0 ? rc : tb_end(out, bcd_boot_build(*out, path, tmpl, old, p, res), 0, err,
				    errlen);
}

#endif
