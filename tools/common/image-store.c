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

int
tool_store_open(bcd_store_t **out, const char *arg, unsigned flags, char *err, size_t errlen)
{
	hive_t *h;
	int rc;

	*out = NULL;
	if ((rc = tool_is_image_file(arg, err, errlen)) <= 0)
		return rc < 0 ? -BK_EINVAL : bcd_store_open(out, arg, flags, err, errlen);
	rc = tool_hive_open(&h, arg, (flags & BCD_OPEN_WRITE) ? HIVE_OPEN_WRITE : 0, err, errlen);
	if (rc == 0 && (rc = bcd_store_open_hive(out, h, arg, flags, err, errlen)) < 0)
		hive_close(h);
	return rc;
}

/* A new store made in a private host folder, as bytes. */
static int
new_store_bytes(uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	char dir[4096], path[4200];
	struct bk_errbuf eb;
	int rc;

	snprintf(dir, sizeof(dir), "%s/bcdedit.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "%s: cannot make a temporary folder: %s", dir, strerror(errno));
		return -BK_EIO;
	}
	snprintf(path, sizeof(path), "%s/BCD", dir);
	rc = bcd_store_create(path, err, errlen);
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

	if ((rc = tool_is_image_file(arg, err, errlen)) <= 0)
		return rc < 0 ? -BK_EINVAL : bcd_store_create(arg, err, errlen);
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

	if ((rc = tool_is_image_file(arg, err, errlen)) <= 0)
		return rc < 0 ? -BK_EINVAL : bcd_store_import(arg, src, err, errlen);
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
