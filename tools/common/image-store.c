/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * BCD stores inside disk images for bcdedit (see image-file.h): the store is
 * a hive opened by tool_hive_open(), so bcd_store_commit() commits it inside
 * the volume; /createstore and /import write the new file there through a
 * new file beside the target and a rename.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image-file.h"
#include "tool-util.h"

/*
 * The BCD library keeps a failure's detail on the store handle: a handle
 * for each call, and the detail copied to err (tool_err() prints it).
 */
static int
store_begin(bcd_store_t **s, char *err, size_t errlen)
{
	if ((*s = bcd_store_new()) != NULL)
		return 0;
	snprintf(err, errlen, "%s", bcd_strerror(-BK_ENOMEM));
	return -BK_ENOMEM;
}

/* After a call on s: on failure its detail to err and s freed; with
 * done, s freed in any case (it only carried the detail). */
static int
store_end(bcd_store_t **s, int rc, bool done, char *err, size_t errlen)
{
	if (rc < 0)
		snprintf(err, errlen, "%s", bcd_last_error(*s));
	if (rc < 0 || done) {
		bcd_store_close(*s);
		*s = NULL;
	}
	return rc;
}

int
tool_store_open(bcd_store_t **out, const char *arg, unsigned flags, char *err, size_t errlen)
{
	hive_t *h;
	int rc, image;

	*out = NULL;
	if ((image = tool_is_image_file(arg, err, errlen)) < 0)
		return -BK_EINVAL;
	if (store_begin(out, err, errlen) < 0)
		return -BK_ENOMEM;
	if (!image)
		return store_end(out, bcd_store_open(*out, arg, flags), false, err, errlen);
	rc = tool_hive_open(&h, arg, (flags & BCD_OPEN_WRITE) ? HIVE_OPEN_WRITE : 0, err, errlen);
	if (rc < 0) {
		bcd_store_close(*out);
		*out = NULL;
		return rc;
	}
	if ((rc = store_end(out, bcd_store_open_hive(*out, h, arg, flags), false, err, errlen)) < 0)
		hive_close(h);
	return rc;
}

/* A new store made in a private host folder, as bytes. */
static int
new_store_bytes(uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	char dir[4096], path[4200];
	bcd_store_t *s;
	struct bk_errbuf eb;
	int rc;

	snprintf(dir, sizeof(dir), "%s/bcdedit.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "%s: cannot make a temporary folder: %s", dir, strerror(errno));
		return -BK_EIO;
	}
	snprintf(path, sizeof(path), "%s/BCD", dir);
	rc = store_begin(&s, err, errlen);
	if (rc == 0)
		rc = store_end(&s, bcd_store_create(s, path), true, err, errlen);
	if (rc == 0 && bk_read_input(&eb, path, buf, len, (size_t)256 << 20) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -BK_EIO;
	}
	unlink(path);
	rmdir(dir);
	return rc;
}

int
tool_store_create(const char *arg, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int rc;

	bcd_store_t *s;

	if ((rc = tool_is_image_file(arg, err, errlen)) < 0)
		return -BK_EINVAL;
	if (rc == 0)
		return store_begin(&s, err, errlen) < 0
		       ? -BK_ENOMEM : store_end(&s, bcd_store_create(s, arg), true, err, errlen);
	if ((rc = new_store_bytes(&buf, &len, err, errlen)) < 0)
		return rc;
	rc = tool_image_put(arg, buf, len, true, err, errlen);
	free(buf);
	return rc;
}

int
tool_store_import(const char *arg, const char *src, char *err, size_t errlen)
{
	bcd_store_t *t;
	struct bk_errbuf eb;
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = tool_is_image_file(arg, err, errlen)) < 0)
		return -BK_EINVAL;
	if (rc == 0)
		return store_begin(&t, err, errlen) < 0
		       ? -BK_ENOMEM : store_end(&t, bcd_store_import(t, arg, src), true, err, errlen);
	/* The source must be a store, as bcd_store_import() checks. */
	if ((rc = tool_store_open(&t, src, 0, err, errlen)) < 0)
		return rc;
	bcd_store_close(t);
	if (bk_read_input(&eb, src, &buf, &len, (size_t)256 << 20) < 0) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -BK_EIO;
	}
	rc = tool_image_put(arg, buf, len, false, err, errlen);
	free(buf);
	return rc;
}
