/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Device elements as bcdedit text, both ways.
 *
 *   boot
 *   partition=X:                   a drive letter from the map
 *   partition=\\Device\\HarddiskVolumeN  a volume name from the map
 *   partition=mbr:SIG:OFFSET       MBR signature (hex) and byte offset
 *   partition=gpt:{DISK}:{PART}    GPT disk and partition GUIDs
 *   file=[H]\path                  H: boot, X:, mbr:..., gpt:..., locate
 *   ramdisk=[H]\path[,{options}]
 *   vhd=[H]\path[,locate=custom:E][,partition=ID]
 *   locate | locate=custom:E | locate=\path
 *   raw:HEX                        bytes of any other layout, unchanged
 *
 * Offline there are no drive letters: a partition prints as its letter when
 * the map knows it, otherwise in the explicit mbr:/gpt: form, which is
 * valid input again.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-utf16.h"

/* ---- bytes -> text --------------------------------------------------------------- */

static bool
part_text(struct bk_buf *b, const struct bcd_dev *d, const bcd_devmap_t *map, bool letters)
{
	struct bcd_partition_id id;
	char g1[BCD_GUID_STRLEN], g2[BCD_GUID_STRLEN];
	size_t i;

	memset(&id, 0, sizeof(id));
	if (d->type != BCD_DT_PARTITION)
		return false;
	if (d->part_style == BCD_PART_MBR) {
		if (bk_le64(d->part_id + 8) != 0 || bk_le32(d->disk_id + 4) != 0 ||
		    bk_le64(d->disk_id + 8) != 0)
			return false;
		id.style = BCD_PART_MBR;
		id.mbr_offset = bk_le64(d->part_id);
		id.mbr_signature = bk_le32(d->disk_id);
	} else if (d->part_style == BCD_PART_GPT) {
		id.style = BCD_PART_GPT;
		memcpy(id.gpt_part.b, d->part_id, 16);
		memcpy(id.gpt_disk.b, d->disk_id, 16);
	} else {
		return false;
	}
	if (letters && map)
		for (i = 0; i < map->n; i++)
			if (bc_partition_id_equal(&map->drive[i].id, &id)) {
				bk_buf_puts(b, map->drive[i].name);
				return true;
			}
	if (id.style == BCD_PART_MBR)
		bk_buf_printf(b, "mbr:%08x:%llu", id.mbr_signature,
			      (unsigned long long)id.mbr_offset);
	else
		bk_buf_printf(b, "gpt:%s:%s", bcd_guid_format(&id.gpt_disk, g1),
			      bcd_guid_format(&id.gpt_part, g2));
	return true;
}

static bool
path_text(struct bk_buf *b, const struct bcd_dev *d)
{
	char *s = NULL;
	size_t i;

	/* Only paths that read back the same: "\..." without NULs inside
	 * (placeholders such as ntloader's are shown raw instead). */
	if (d->path_len == 0 || d->path[0] != '\\')
		return false;
	for (i = 0; i < d->path_len; i++)
		if (d->path[i] == 0 || (d->path[i] == '{' && i + 2 < d->path_len &&
				       d->path[i + 1] == 'U' && d->path[i + 2] == '+'))
			return false;
	if (bk_utf16_to_utf8(d->path, d->path_len, false, &s) < 0) {
		b->oom = true;
		return false;
	}
	bk_buf_puts(b, s);
	bk_free(s);
	return true;
}

static bool
same_path(const struct bcd_dev *a, const struct bcd_dev *b)
{
	return a->path_len == b->path_len &&
	       memcmp(a->path, b->path, 2 * a->path_len) == 0;
}

/* "[host]" of a file path record; owner holds the path. */
static bool
host_text(struct bk_buf *b, const struct bcd_dev *owner, const bcd_devmap_t *map)
{
	const struct bcd_dev *h = owner->host;

	bk_buf_putc(b, '[');
	if (h->type == BCD_DT_BOOT)
		bk_buf_puts(b, "boot");
	else if (h->type == BCD_DT_PARTITION && h->disk_type == 0 && !h->child) {
		if (!part_text(b, h, map, true))
			return false;
	} else if (h->type == BCD_DT_LOCATE && h->loc_type == 1 && h->loc_elem == 0 &&
		   !h->child && same_path(h, owner))
		bk_buf_puts(b, "locate");
	else
		return false;
	bk_buf_putc(b, ']');
	return path_text(b, owner);
}

static bool
is_zero_guid(const uint8_t *g)
{
	static const uint8_t z[16];

	return memcmp(g, z, 16) == 0;
}

/* locate -> vdisk -> file: what bcdedit stores for vhd=[H]\path. */
static bool
vhd_text(struct bk_buf *b, const struct bcd_dev *loc, uint32_t eltype,
	 const bcd_devmap_t *map)
{
	const struct bcd_dev *vd = loc->child, *f;

	if (loc->loc_type != 0 || loc->path_len || !vd || vd->type != BCD_DT_BLOCKIO ||
	    vd->flags || vd->bio_type != BCD_BIO_VDISK || !is_zero_guid(vd->bio_extra) ||
	    bk_le32(vd->bio_extra + 16) != 0)
		return false;
	f = vd->child;
	if (!f || f->type != BCD_DT_BLOCKIO || f->flags || f->bio_type != BCD_BIO_FILE)
		return false;
	bk_buf_puts(b, "vhd=");
	if (!host_text(b, f, map))
		return false;
	if (loc->loc_elem != bc_default_locate_elem(eltype))
		bk_buf_printf(b, ",locate=custom:%08x", loc->loc_elem);
	return true;
}

/* partition=D: or, resolved, vhd=[...]\x.vhd,partition=... */
static bool
partition_tree_text(struct bk_buf *b, const struct bcd_dev *d, const bcd_devmap_t *map)
{
	const struct bcd_dev *f = d->child;

	if (d->flags)
		return false;
	if (d->disk_type == 0 && !f) {
		bk_buf_puts(b, "partition=");
		return part_text(b, d, map, true);
	}
	/* Resolved form: a partition inside a virtual disk and that disk's file. */
	if (d->disk_type != 6 || !f || f->type != BCD_DT_BLOCKIO || f->flags ||
	    f->bio_type != BCD_BIO_FILE)
		return false;
	bk_buf_puts(b, "vhd=");
	if (!host_text(b, f, map))
		return false;
	bk_buf_puts(b, ",partition=");
	return part_text(b, d, map, false);
}

static bool
locate_tree_text(struct bk_buf *b, const struct bcd_dev *d, uint32_t eltype,
		 const bcd_devmap_t *map)
{
	if (d->flags)
		return false;
	if (d->child)
		return vhd_text(b, d, eltype, map);
	if (d->loc_type == 0 && d->path_len == 0) {
		bk_buf_printf(b, "locate=custom:%08x", d->loc_elem);
		return true;
	}
	if (d->loc_type == 1 && d->loc_elem == 0 && d->path_len && d->path[0] == '\\') {
		bk_buf_puts(b, "locate=");
		return path_text(b, d);
	}
	return false;
}

/* file=... or ramdisk=...[,{options}] */
static bool
blockio_tree_text(struct bk_buf *b, const struct bcd_devtree *t, const bcd_devmap_t *map,
		  unsigned flags)
{
	const struct bcd_dev *d = t->root;
	bcd_guid_t opt;
	char g[BCD_GUID_STRLEN];
	const char *alias;

	if (d->bio_type == BCD_BIO_FILE && d->flags == 0) {
		bk_buf_puts(b, "file=");
		return host_text(b, d, map);
	}
	if (d->bio_type != BCD_BIO_RAMDISK || d->flags != 1 ||
	    !is_zero_guid(d->bio_extra) || bk_le32(d->bio_extra + 16) != 0)
		return false;
	bk_buf_puts(b, "ramdisk=");
	if (!host_text(b, d, map))
		return false;
	if (is_zero_guid(t->options))
		return true;
	memcpy(opt.b, t->options, 16);
	alias = bcd_alias_name(&opt);
	/* Only {ramdiskoptions} prints as an alias (doc/bcd-format-notes.md, "/enum text"). */
	if (!(flags & BCD_TEXT_VERBOSE) && alias && strcmp(alias, "{ramdiskoptions}") == 0)
		bk_buf_printf(b, ",%s", alias);
	else
		bk_buf_printf(b, ",%s", bcd_guid_format(&opt, g));
	return true;
}

static bool
tree_text(struct bk_buf *b, const struct bcd_devtree *t, uint32_t eltype,
	  const bcd_devmap_t *map, unsigned flags)
{
	const struct bcd_dev *d = t->root;

	if (!is_zero_guid(t->options) &&
	    !(d->type == BCD_DT_BLOCKIO && d->bio_type == BCD_BIO_RAMDISK))
		return false;
	switch (d->type) {
	case BCD_DT_BOOT:
		if (d->flags)
			return false;
		bk_buf_puts(b, "boot");
		return true;
	case BCD_DT_PARTITION:
		return partition_tree_text(b, d, map);
	case BCD_DT_LOCATE:
		return locate_tree_text(b, d, eltype, map);
	case BCD_DT_BLOCKIO:
		return blockio_tree_text(b, t, map, flags);
	default:
		return false;
	}
}

/* The text parses back to exactly these bytes. */
static bool
text_roundtrips(const char *text, const uint8_t *data, size_t len, uint32_t eltype,
		const bcd_devmap_t *map)
{
	uint8_t *back = NULL;
	size_t blen = 0;
	bool same;

	if (bcd_device_from_text(text, eltype, map, &back, &blen, NULL, 0) < 0)
		return false;
	same = blen == len && memcmp(back, data, len) == 0;
	bk_free(back);
	return same;
}

int
bcd_device_to_text(const uint8_t *data, size_t len, uint32_t eltype,
		   const bcd_devmap_t *map, unsigned flags, char **out)
{
	struct bk_buf b = { 0 };
	struct bcd_devtree t;
	bool ok = false;
	size_t i;

	if (bcd_device_roundtrips(data, len) && bc_dev_decode(data, len, &t) == 0) {
		ok = tree_text(&b, &t, eltype, map, flags);
		bc_dev_free(t.root);
		/* Fields the text has no words for (descriptor flags, say) would
		 * be lost by /set: such bytes print raw, as unknown layouts do. */
		if (ok && !b.oom)
			ok = text_roundtrips((const char *)b.p, data, len, eltype, map);
	}
	if (!ok && !b.oom) {
		/* Not a layout we know: show every byte, as input accepts it back. */
		b.len = 0;
		if (b.p)
			b.p[0] = '\0';
		bk_buf_puts(&b, "raw:");
		for (i = 0; i < len; i++)
			bk_buf_printf(&b, "%02x", data[i]);
	}
	return bk_buf_finish(&b, out);
}
