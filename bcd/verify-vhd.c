/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The first sector of the disk inside a VHD file that lies on a volume,
 * for bcdverify's VHD checks: the file is read in order from its start and
 * only as far as that sector (the file-system layer reads files only in
 * order), so a large VHD costs its header and block table, never its data.
 * A fixed VHD starts with the sector itself; a dynamic one has a footer
 * copy, a dynamic header and a block table first (disk-formats.md).
 * VHDX files are only recognised.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bcdkit/disk-fs.h"
#include "verify-internal.h"

#define SECTOR       512u
#define VHD_READ_MAX ((size_t)8 << 20)   /* header, table and block 0's bitmap */
#define VHD_UNUSED   0xFFFFFFFFu

struct head {
	uint8_t *b;
	size_t n, want;
};

static int
head_sink(const void *buf, size_t len, void *data)
{
	struct head *h = data;
	size_t take = len < h->want - h->n ? len : h->want - h->n;

	memcpy(h->b + h->n, buf, take);
	h->n += take;
	return h->n == h->want ? 1 : 0;   /* non-zero: enough read */
}

/* Read the first want bytes of path (fewer if the file is shorter). */
static int
read_head(disk_fs_t *fs, const char *path, size_t want, struct head *h)
{
	h->n = 0;
	h->want = want;
	if (!(h->b = malloc(want)))
		return -BK_ENOMEM;
	(void)disk_fs_read(fs, path, head_sink, h);
	return 0;
}

/*
 * The first sector of the virtual disk into out.  Returns 0; 1 for a VHDX
 * (not read); 2 for a dynamic VHD whose first block is not allocated (out
 * zeroed); -BK_ECORRUPT when the file is neither; -BK_ENOMEM.
 */
int
bcd_vf_vhd_lba0(disk_fs_t *fs, const char *path, uint8_t out[SECTOR])
{
	struct head h;
	uint64_t dyn, bat, start;
	uint32_t bsize, entry, bitmap;
	int rc = -BK_ECORRUPT;

	if ((rc = read_head(fs, path, VHD_READ_MAX, &h)) < 0)
		return rc;
	rc = -BK_ECORRUPT;
	if (h.n >= 8 && !memcmp(h.b, "vhdxfile", 8)) {
		rc = 1;
	} else if (h.n >= SECTOR && memcmp(h.b, "conectix", 8) && h.b[510] == 0x55 &&
		   h.b[511] == 0xAA) {
		/* A fixed VHD: the disk's own first sector (its footer is at the end).
		 * A file starting with neither a header nor a boot sector is damaged. */
		memcpy(out, h.b, SECTOR);
		rc = 0;
	} else if (h.n >= SECTOR && bk_be32(h.b + 60) == 3) {
		dyn = bk_be64(h.b + 16);
		if (h.n < 1024 || dyn > h.n - 1024 || memcmp(h.b + dyn, "cxsparse", 8))
			goto out;
		bat = bk_be64(h.b + dyn + 16);
		bsize = bk_be32(h.b + dyn + 32);
		if (bat > h.n - 4 || bsize < SECTOR)
			goto out;
		entry = bk_be32(h.b + bat);
		memset(out, 0, SECTOR);
		if (entry == VHD_UNUSED) {
			rc = 2;
			goto out;
		}
		bitmap = ((bsize / SECTOR / 8) + SECTOR - 1) / SECTOR * SECTOR;
		start = (uint64_t)entry * SECTOR + bitmap;
		if (start > h.n - SECTOR)
			goto out;   /* past what is read: not judged */
		memcpy(out, h.b + start, SECTOR);
		rc = 0;
	}
out:
	free(h.b);
	return rc;
}
