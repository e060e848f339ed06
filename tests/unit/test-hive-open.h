/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The hive library's handle-first opens in the shape most unit tests want:
 * 0 and *out, or a negative code with *out NULL and the handle's detail
 * (hive_last_error()) copied to err (may be NULL).  The handle-first
 * calls themselves, a failed open's detail and a reused handle are tested
 * in test-read.c.
 */
#ifndef BK_TEST_HIVE_OPEN_H
#define BK_TEST_HIVE_OPEN_H

#include <stdio.h>
#include "bcdkit/hive.h"

/* After an open into *out: on failure keep the detail, free the handle. */
static inline int
th_end(hive_t **out, int rc, char *err, size_t errlen)
{
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", hive_last_error(*out));
		hive_close(*out);
		*out = NULL;
	}
	return rc;
}

static inline int
th_new(hive_t **out, char *err, size_t errlen)
{
	if ((*out = hive_new()) != NULL)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", hive_strerror(-BK_ENOMEM));
	return -BK_ENOMEM;
}

static inline int
th_open(hive_t **out, const char *path, unsigned flags, char *err, size_t errlen)
{
	int rc = th_new(out, err, errlen);

	return rc < 0 ? rc : th_end(out, hive_open(*out, path, flags), err, errlen);
}

static inline int
th_open_buffer(hive_t **out, const void *buf, size_t len, const char *name, unsigned flags,
	       char *err, size_t errlen)
{
	int rc = th_new(out, err, errlen);

	return rc < 0 ? rc : th_end(out, hive_open_buffer(*out, buf, len, name, flags), err, errlen);
}

static inline int
th_open_image(hive_t **out, const void *buf, size_t len, const char *name,
	      const struct hive_log_image *logs, size_t nlogs, unsigned flags,
	      char *err, size_t errlen)
{
	int rc = th_new(out, err, errlen);

	return rc < 0 ? rc : th_end(out, hive_open_image(*out, buf, len, name, logs, nlogs, flags),
				    err, errlen);
}

static inline int
th_create(hive_t **out, const char *path, const char *root, unsigned minor, char *err,
	  size_t errlen)
{
	int rc = th_new(out, err, errlen);

	return rc < 0 ? rc : th_end(out, hive_create(*out, path, root, minor), err, errlen);
}

/* The recoveries: a handle only for the detail of a failure. */
static inline int
th_recover_end(hive_t *h, int rc, char *err, size_t errlen)
{
	if (rc < 0 && err && errlen)
		snprintf(err, errlen, "%s", hive_last_error(h));
	hive_close(h);
	return rc;
}

static inline int
th_recover(const char *path, const char *out_path, unsigned flags,
	   struct hive_recover_report *rep, char *err, size_t errlen)
{
	hive_t *h;
	int rc = th_new(&h, err, errlen);

	return rc < 0 ? rc : th_recover_end(h, hive_recover(h, path, out_path, flags, rep), err,
					    errlen);
}

static inline int
th_recover_image(const char *path, uint8_t **out, size_t *len,
		 struct hive_recover_report *rep, char *err, size_t errlen)
{
	hive_t *h;
	int rc = th_new(&h, err, errlen);

	return rc < 0 ? rc : th_recover_end(h, hive_recover_image(h, path, out, len, rep), err,
					    errlen);
}

static inline int
th_recover_buffer(const void *buf, size_t len, const char *name,
		  const struct hive_log_image *logs, size_t nlogs, uint8_t **out,
		  size_t *out_len, struct hive_recover_report *rep, char *err, size_t errlen)
{
	hive_t *h;
	int rc = th_new(&h, err, errlen);

	return rc < 0 ? rc : th_recover_end(h, hive_recover_buffer(h, buf, len, name, logs, nlogs,
								   out, out_len, rep), err, errlen);
}

#endif
