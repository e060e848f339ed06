/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A new, empty hive: base block, one 4 KiB hbin holding the root key, one
 * security cell and a free cell for the rest.  The image is built in memory
 * and opened like any other buffer, so a created hive goes through the same
 * checks as a read one.  Nothing is written until hive_commit().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hive-internal.h"

#define CREATE_DEFAULT_ROOT   "ROOT"
#define CREATE_ROOT_FLAGS     (NK_HIVE_ENTRY | NK_NO_DELETE | NK_COMP_NAME)   /* 0x2C */

/*
 * Default security descriptor (self-relative, 120 bytes), the usual one for
 * a machine hive: owner BUILTIN\Administrators (S-1-5-32-544), group SYSTEM
 * (S-1-5-18); the DACL allows KEY_ALL_ACCESS (0xF003F) to SYSTEM and
 * Administrators and KEY_READ (0x20019) to Everyone (S-1-1-0), each ACE
 * inherited by subkeys (CONTAINER_INHERIT_ACE).  No SACL.
 */
static const uint8_t default_sd[] = {
	/* header: revision 1, control SE_SELF_RELATIVE | SE_DACL_PRESENT,
	 * owner at 92, group at 108, no SACL, DACL at 20 */
	0x01, 0x00, 0x04, 0x80, 0x5C, 0x00, 0x00, 0x00, 0x6C, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
	/* ACL: revision 2, size 72, 3 ACEs */
	0x02, 0x00, 0x48, 0x00, 0x03, 0x00, 0x00, 0x00,
	/* ACCESS_ALLOWED, CONTAINER_INHERIT, size 20, KEY_ALL_ACCESS, S-1-5-18 */
	0x00, 0x02, 0x14, 0x00, 0x3F, 0x00, 0x0F, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
	/* ACCESS_ALLOWED, CONTAINER_INHERIT, size 24, KEY_ALL_ACCESS, S-1-5-32-544 */
	0x00, 0x02, 0x18, 0x00, 0x3F, 0x00, 0x0F, 0x00,
	0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
	0x20, 0x02, 0x00, 0x00,
	/* ACCESS_ALLOWED, CONTAINER_INHERIT, size 20, KEY_READ, S-1-1-0 */
	0x00, 0x02, 0x14, 0x00, 0x19, 0x00, 0x02, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	/* owner S-1-5-32-544 */
	0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
	0x20, 0x02, 0x00, 0x00,
	/* group S-1-5-18 */
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
};

_Static_assert(sizeof(default_sd) == 120, "default descriptor layout");

/* Debugging name at 0x30: the last 31 characters of the file name, UTF-16LE. */
static void
put_file_name(uint8_t *base, const char *path)
{
	const char *s = strrchr(path, '/');
	size_t n, i;

	s = s ? s + 1 : path;
	n = strlen(s);
	if (n > 31) {
		s += n - 31;
		n = 31;
	}
	for (i = 0; i < n; i++)
		bk_put_le16(base + 0x30 + 2 * i, (uint8_t)s[i] < 0x80 ? (uint8_t)s[i] : '_');
}

/* Lay out the hbin: root nk at 0x20, sk after it, the rest free. */
static uint32_t
build_bin(uint8_t *bin, const struct hive_wname *w, uint64_t now)
{
	size_t nb = hv_wname_bytes(w);
	uint32_t root = HIVE_HBIN_HDR, rsize = (uint32_t)((4 + HIVE_NK_FIXED + nb + 7) & ~7u);
	uint32_t sk = root + rsize, ssize = (uint32_t)((4 + HIVE_SK_FIXED + sizeof(default_sd) + 7) & ~7u);
	uint8_t *p = bin + root + 4, *q = bin + sk + 4;

	memcpy(bin, "hbin", 4);
	bk_put_le32(bin + 8, HIVE_HBIN_ALIGN);
	bk_put_le64(bin + 20, now);
	bk_put_le32(bin + root, (uint32_t)-(int32_t)rsize);
	memcpy(p, "nk", 2);
	bk_put_le16(p + 0x02, (uint16_t)(CREATE_ROOT_FLAGS & (w->comp ? 0xFFFF : ~NK_COMP_NAME)));
	bk_put_le64(p + 0x04, now);
	bk_put_le32(p + 0x10, HIVE_NONE);
	bk_put_le32(p + 0x1C, HIVE_NONE);
	bk_put_le32(p + 0x20, HIVE_NONE);
	bk_put_le32(p + 0x28, HIVE_NONE);
	bk_put_le32(p + 0x2C, sk);
	bk_put_le32(p + 0x30, HIVE_NONE);
	bk_put_le16(p + 0x48, (uint16_t)nb);
	hv_wname_store(w, p + HIVE_NK_FIXED);
	bk_put_le32(bin + sk, (uint32_t)-(int32_t)ssize);
	memcpy(q, "sk", 2);
	bk_put_le32(q + 4, sk);         /* a lone sk links to itself */
	bk_put_le32(q + 8, sk);
	bk_put_le32(q + 12, 1);
	bk_put_le32(q + 16, sizeof(default_sd));
	memcpy(q + HIVE_SK_FIXED, default_sd, sizeof(default_sd));
	bk_put_le32(bin + sk + ssize, HIVE_HBIN_ALIGN - sk - ssize);
	return root;
}

static int
create_fail(struct hive *tmp, int rc, char *errbuf, size_t errlen)
{
	bk_errbuf_set(errbuf, errlen, "%s", tmp->err.msg[0] ? tmp->err.msg : bk_strerror(rc));
	return rc;
}

int
hive_create(hive_t **out, const char *path, const char *root_name, unsigned minor,
	    char *errbuf, size_t errlen)
{
	struct hive tmp;            /* only for messages while validating the name */
	struct hive_wname w;
	struct regf_base b;
	uint64_t now = hv_filetime_now();
	uint8_t *img;
	int rc;

	*out = NULL;
	memset(&tmp, 0, sizeof(tmp));
	tmp.path = (char *)(path ? path : "(new hive)");
	if (minor == 0)
		minor = 5;
	if (minor < 3 || minor > 6)
		return create_fail(&tmp, bk_err(&tmp.err, BK_EINVAL,
						"%s: hive minor version must be 3 to 6, not %u",
						tmp.path, minor), errbuf, errlen);
	rc = hv_wname_make(&tmp, root_name ? root_name : CREATE_DEFAULT_ROOT, true, &w);
	if (rc < 0)
		return create_fail(&tmp, rc, errbuf, errlen);
	img = bk_calloc(1, HIVE_BASE_SIZE + HIVE_HBIN_ALIGN);
	if (!img) {
		hv_wname_free(&w);
		return create_fail(&tmp, bk_err(&tmp.err, BK_ENOMEM, "%s: out of memory", tmp.path),
				   errbuf, errlen);
	}
	memset(&b, 0, sizeof(b));
	b.timestamp = now;
	b.major = 1;
	b.minor = minor;
	b.file_format = 1;
	b.hbins_size = HIVE_HBIN_ALIGN;
	b.clustering = 1;
	b.root_offset = build_bin(img + HIVE_BASE_SIZE, &w, now);
	hv_wname_free(&w);
	put_file_name(img, tmp.path);
	regf_base_write(img, &b);
	rc = hive_open_buffer(out, img, HIVE_BASE_SIZE + HIVE_HBIN_ALIGN, tmp.path,
			      HIVE_OPEN_WRITE, errbuf, errlen);
	bk_free(img);
	return rc;
}
