/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit device text to device element bytes (the grammar is in
 * devtext.c).  The trees built here are the ones bcdedit writes, so that a
 * device set offline has exactly the layout Windows gives it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

struct pctx {
	uint32_t eltype;
	const bcd_devmap_t *map;
	char *errbuf;
	size_t errlen;
};

static int
perr(struct pctx *c, int code, const char *fmt, const char *arg)
{
	bk_errbuf_set(c->errbuf, c->errlen, fmt, arg);
	return code;
}

static bool
prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static int
set_path(struct pctx *c, struct bcd_dev *d, const char *s, size_t n)
{
	int rc;

	if (n == 0 || s[0] != '\\')
		return perr(c, -BK_ESYNTAX, "path \"%s\" must start with a backslash", s);
	rc = bk_utf8_to_utf16(s, n, &d->path, &d->path_len);
	if (rc < 0)
		return rc == -BK_ENOMEM ? rc : perr(c, -BK_ESYNTAX, "path \"%s\" is not UTF-8", s);
	return 0;
}

/* mbr:SIG:OFFSET or gpt:{DISK}:{PART} into a partition descriptor. */
static int
explicit_part(const char *s, struct bcd_partition_id *id)
{
	char buf[128], *c1;
	uint64_t sig, off;

	memset(id, 0, sizeof(*id));
	if (strlen(s) >= sizeof(buf))
		return -BK_ESYNTAX;
	snprintf(buf, sizeof(buf), "%s", s);
	if (prefix(buf, "mbr:")) {
		c1 = strchr(buf + 4, ':');
		if (!c1)
			return -BK_ESYNTAX;
		*c1 = '\0';
		if (strncasecmp(buf + 4, "0x", 2) == 0 || strlen(buf + 4) > 8)
			return -BK_ESYNTAX;
		{
			char hx[16];

			snprintf(hx, sizeof(hx), "0x%s", buf + 4);
			if (!bk_parse_u64(hx, &sig))
				return -BK_ESYNTAX;
		}
		if (!bk_parse_u64(c1 + 1, &off))
			return -BK_ESYNTAX;
		id->style = BCD_PART_MBR;
		id->mbr_signature = (uint32_t)sig;
		id->mbr_offset = off;
		return 0;
	}
	if (prefix(buf, "gpt:")) {
		if (strlen(buf) != 4 + 38 + 1 + 38 || buf[42] != ':')
			return -BK_ESYNTAX;
		buf[42] = '\0';
		if (bcd_guid_parse(buf + 4, &id->gpt_disk) < 0 ||
		    bcd_guid_parse(buf + 43, &id->gpt_part) < 0)
			return -BK_ESYNTAX;
		id->style = BCD_PART_GPT;
		return 0;
	}
	return -BK_ENOTFOUND;
}

void
bc_dev_fill_part(struct bcd_dev *d, const struct bcd_partition_id *id)
{
	if (id->style == BCD_PART_MBR) {
		bk_put_le64(d->part_id, id->mbr_offset);
		bk_put_le32(d->disk_id, id->mbr_signature);
		d->part_style = BCD_PART_MBR;
	} else {
		memcpy(d->part_id, id->gpt_part.b, 16);
		memcpy(d->disk_id, id->gpt_disk.b, 16);
		d->part_style = BCD_PART_GPT;
	}
}

/* A volume: X:, mbr:..., gpt:... */
static int
parse_volume(struct pctx *c, const char *s, struct bcd_dev **out)
{
	struct bcd_partition_id id;
	struct bcd_dev *d;
	int rc;

	rc = explicit_part(s, &id);
	if (rc == -BK_ESYNTAX)
		return perr(c, rc, "malformed partition \"%s\" (mbr:SIGNATURE:OFFSET or "
			    "gpt:{DISK}:{PARTITION})", s);
	if (rc == -BK_ENOTFOUND && bc_devmap_find(c->map, s, &id) < 0) {
		bool letter = ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
			      s[1] == ':' && s[2] == '\0';

		if (!letter && strncasecmp(s, "\\Device\\", 8) != 0)
			return perr(c, -BK_ESYNTAX, "unknown volume \"%s\"", s);
		if (letter)
			return perr(c, -BK_ENOTFOUND, "drive %s is not mapped (use --map X:=TARGET)", s);
		bk_errbuf_set(c->errbuf, c->errlen, "volume %s is not mapped (use --map '%s=TARGET')",
			       s, s);
		return -BK_ENOTFOUND;
	}
	d = bc_dev_new(BCD_DT_PARTITION);
	if (!d)
		return -BK_ENOMEM;
	bc_dev_fill_part(d, &id);
	*out = d;
	return 0;
}

/*
 * "[H]\path" into a file path record on d (whose path it sets).  H "locate"
 * is a locate-by-string for the same path.
 */
static int
parse_hostpath(struct pctx *c, const char *s, size_t n, struct bcd_dev *d)
{
	const char *close;
	char host[128];
	size_t hl;
	int rc;

	if (n < 2 || s[0] != '[' || !(close = memchr(s, ']', n)))
		return perr(c, -BK_ESYNTAX, "expected [VOLUME]\\path in \"%s\"", s);
	hl = (size_t)(close - s - 1);
	if (hl == 0 || hl >= sizeof(host))
		return perr(c, -BK_ESYNTAX, "bad volume in \"%s\"", s);
	memcpy(host, s + 1, hl);
	host[hl] = '\0';
	rc = set_path(c, d, close + 1, n - hl - 2);
	if (rc < 0)
		return rc;
	d->has_path = true;
	if (strcasecmp(host, "boot") == 0) {
		d->host = bc_dev_new(BCD_DT_BOOT);
		return d->host ? 0 : -BK_ENOMEM;
	}
	if (strcasecmp(host, "locate") == 0) {
		d->host = bc_dev_new(BCD_DT_LOCATE);
		if (!d->host)
			return -BK_ENOMEM;
		d->host->loc_type = 1;
		return set_path(c, d->host, close + 1, n - hl - 2);
	}
	return parse_volume(c, host, &d->host);
}

/* Find the last ",KEY" in s (case-insensitive); NULL if none. */
static const char *
last_suffix(const char *s, const char *key)
{
	const char *p, *found = NULL;
	size_t kl = strlen(key);

	for (p = s; (p = strchr(p, ',')); p++)
		if (strncasecmp(p + 1, key, kl) == 0)
			found = p;
	return found;
}

static int
parse_custom_elem(struct pctx *c, const char *s, uint32_t *out)
{
	if (bcd_element_lookup(0, s, out) < 0 || strncasecmp(s, "custom:", 7) != 0)
		return perr(c, -BK_ESYNTAX, "expected custom:hhhhhhhh, not \"%s\"", s);
	return 0;
}

static int
parse_vhd(struct pctx *c, const char *s, struct bcd_devtree *t)
{
	const char *end = s + strlen(s), *loc = last_suffix(s, "locate="),
		   *part = last_suffix(s, "partition=");
	struct bcd_dev *file, *vd, *root;
	struct bcd_partition_id id;
	uint32_t elem = bc_default_locate_elem(c->eltype);
	int rc;

	if (part) {
		/* vhd=[H]\path,partition=ID: the resolved form. */
		if (explicit_part(part + 11, &id) < 0)
			return perr(c, -BK_ESYNTAX, "bad partition in \"%s\"", part + 11);
		end = part;
	} else if (loc) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%s", loc + 8);
		rc = parse_custom_elem(c, tmp, &elem);
		if (rc < 0)
			return rc;
		end = loc;
	}
	file = bc_dev_new(BCD_DT_BLOCKIO);
	if (!file)
		return -BK_ENOMEM;
	file->bio_type = BCD_BIO_FILE;
	rc = parse_hostpath(c, s, (size_t)(end - s), file);
	if (rc < 0) {
		bc_dev_free(file);
		return rc;
	}
	if (part) {
		root = bc_dev_new(BCD_DT_PARTITION);
		if (!root) {
			bc_dev_free(file);
			return -BK_ENOMEM;
		}
		bc_dev_fill_part(root, &id);
		root->disk_type = 6;
		root->child = file;
		t->root = root;
		return 0;
	}
	vd = bc_dev_new(BCD_DT_BLOCKIO);
	root = bc_dev_new(BCD_DT_LOCATE);
	if (!vd || !root) {
		bc_dev_free(vd);
		bc_dev_free(root);
		bc_dev_free(file);
		return -BK_ENOMEM;
	}
	vd->bio_type = BCD_BIO_VDISK;
	vd->child = file;
	root->loc_type = 0;
	root->loc_elem = elem;
	root->child = vd;
	t->root = root;
	return 0;
}

static int
parse_ramdisk(struct pctx *c, const char *s, struct bcd_devtree *t)
{
	const char *opt = last_suffix(s, "{"), *end = s + strlen(s);
	struct bcd_dev *d;
	bcd_guid_t g;

	if (opt) {
		if (bcd_guid_parse(opt + 1, &g) < 0 && bcd_alias_lookup(opt + 1, &g) < 0)
			return perr(c, -BK_ESYNTAX, "bad options object \"%s\"", opt + 1);
		memcpy(t->options, g.b, 16);
		end = opt;
	}
	d = bc_dev_new(BCD_DT_BLOCKIO);
	if (!d)
		return -BK_ENOMEM;
	d->bio_type = BCD_BIO_RAMDISK;
	d->flags = 1;
	t->root = d;
	return parse_hostpath(c, s, (size_t)(end - s), d);
}

static int
parse_raw(struct pctx *c, const char *hex, uint8_t **out, size_t *len)
{
	size_t n = strlen(hex), i;
	uint8_t *p;

	/* "raw:" alone is what an empty device element prints as: it reads back. */
	if (n % 2 || strspn(hex, "0123456789abcdefABCDEF") != n)
		return perr(c, -BK_ESYNTAX, "raw device \"%s\" is not hex bytes", hex);
	p = bk_malloc(n ? n / 2 : 1);
	if (!p)
		return -BK_ENOMEM;
	for (i = 0; i < n / 2; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		uint64_t v;
		char hx[8];

		snprintf(hx, sizeof(hx), "0x%s", b);
		(void)bk_parse_u64(hx, &v);
		p[i] = (uint8_t)v;
	}
	*out = p;
	*len = n / 2;
	return 0;
}

static int
parse_tree(struct pctx *c, const char *s, struct bcd_devtree *t)
{
	struct bcd_dev *d;

	if (strcasecmp(s, "boot") == 0) {
		t->root = bc_dev_new(BCD_DT_BOOT);
		return t->root ? 0 : -BK_ENOMEM;
	}
	if (prefix(s, "partition="))
		return parse_volume(c, s + 10, &t->root);
	if (prefix(s, "file=")) {
		d = t->root = bc_dev_new(BCD_DT_BLOCKIO);
		if (!d)
			return -BK_ENOMEM;
		d->bio_type = BCD_BIO_FILE;
		return parse_hostpath(c, s + 5, strlen(s + 5), d);
	}
	if (prefix(s, "ramdisk="))
		return parse_ramdisk(c, s + 8, t);
	if (prefix(s, "vhd="))
		return parse_vhd(c, s + 4, t);
	if (strcasecmp(s, "locate") == 0 || prefix(s, "locate=")) {
		d = t->root = bc_dev_new(BCD_DT_LOCATE);
		if (!d)
			return -BK_ENOMEM;
		if (s[6] == '\0') {
			d->loc_elem = bc_default_locate_elem(c->eltype);
			return 0;
		}
		if (s[7] == '\\') {
			d->loc_type = 1;
			return set_path(c, d, s + 7, strlen(s + 7));
		}
		return parse_custom_elem(c, s + 7, &d->loc_elem);
	}
	return perr(c, -BK_ESYNTAX, "unknown device \"%s\"", s);
}

int
bcd_device_from_text(const char *text, uint32_t eltype, const bcd_devmap_t *map,
		     uint8_t **out, size_t *len, char *errbuf, size_t errlen)
{
	struct pctx c = { eltype, map, errbuf, errlen };
	struct bcd_devtree t;
	int rc;

	if (prefix(text, "raw:"))
		return parse_raw(&c, text + 4, out, len);
	memset(&t, 0, sizeof(t));
	rc = parse_tree(&c, text, &t);
	if (rc == 0)
		rc = bc_dev_encode(&t, out, len);
	bc_dev_free(t.root);
	return rc;
}
