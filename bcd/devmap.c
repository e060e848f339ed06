/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Drive letters offline: "--map X:=TARGET" names the partition a letter
 * stands for.  A partition device pins an MBR signature and byte offset or
 * GPT disk and partition GUIDs, so each TARGET is reduced to that identity,
 * read from the partition table of the disk (bcd-format.md 5.8).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "bcd-internal.h"

#define SECTOR            512u
#define GPT_MAX_ENTRIES   1024u
#define MBR_MAX_LOGICAL   128u

int
bcd_devmap_new(bcd_devmap_t **out)
{
	*out = bk_calloc(1, sizeof(**out));
	return *out ? 0 : -BK_ENOMEM;
}

void
bcd_devmap_free(bcd_devmap_t *m)
{
	bk_free(m);
}

const char *
bcd_devmap_last_error(const bcd_devmap_t *m)
{
	return m->err.msg;
}

bool
bcd_partition_id_equal(const struct bcd_partition_id *a, const struct bcd_partition_id *b)
{
	if (a->style != b->style)
		return false;
	if (a->style == BCD_PART_MBR)
		return a->mbr_signature == b->mbr_signature && a->mbr_offset == b->mbr_offset;
	return memcmp(a->gpt_disk.b, b->gpt_disk.b, 16) == 0 &&
	       memcmp(a->gpt_part.b, b->gpt_part.b, 16) == 0;
}

static int
read_at(int fd, uint64_t off, void *buf, size_t n)
{
	ssize_t r = pread(fd, buf, n, (off_t)off);

	return r == (ssize_t)n ? 0 : -1;
}

static int
gpt_identity(bcd_devmap_t *m, int fd, const char *what, unsigned ssz, unsigned number,
	     struct bcd_partition_id *id)
{
	uint8_t hdr[92], ent[128];
	uint64_t lba;
	uint32_t count, esize;

	if (read_at(fd, ssz, hdr, sizeof(hdr)) < 0 || memcmp(hdr, "EFI PART", 8) != 0)
		return 1;
	lba = bk_le64(hdr + 72);
	count = bk_le32(hdr + 80);
	esize = bk_le32(hdr + 84);
	if (esize < 128 || esize > 4096 || count > GPT_MAX_ENTRIES)
		return bk_err(&m->err, BK_ECORRUPT, "%s: bad GPT header", what);
	if (number == 0 || number > count)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition %u", what, number);
	if (read_at(fd, lba * ssz + (uint64_t)(number - 1) * esize, ent, sizeof(ent)) < 0)
		return bk_err_errno(&m->err, "reading GPT entries of", what);
	if (bk_le64(ent) == 0 && bk_le64(ent + 8) == 0)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition %u", what, number);
	id->style = BCD_PART_GPT;
	memcpy(id->gpt_disk.b, hdr + 56, 16);
	memcpy(id->gpt_part.b, ent + 16, 16);
	return 0;
}

/* Logical partitions (5, 6, ...) through the chain of extended boot records. */
static int
mbr_logical(bcd_devmap_t *m, int fd, const char *what, const uint8_t *mbr, unsigned number,
	    uint64_t *start)
{
	uint8_t ebr[SECTOR];
	uint64_t ext = 0, cur;
	unsigned i, k;

	for (i = 0; i < 4; i++) {
		uint8_t t = mbr[0x1BE + 16 * i + 4];

		if (t == 0x05 || t == 0x0F || t == 0x85)
			ext = bk_le32(mbr + 0x1BE + 16 * i + 8);
	}
	if (!ext)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition %u", what, number);
	cur = ext;
	for (k = 5; k < 5 + MBR_MAX_LOGICAL; k++) {
		if (read_at(fd, cur * SECTOR, ebr, SECTOR) < 0 || bk_le16(ebr + 510) != 0xAA55)
			break;
		if (k == number) {
			if (ebr[0x1BE + 4] == 0)
				break;
			*start = (cur + bk_le32(ebr + 0x1BE + 8)) * SECTOR;
			return 0;
		}
		if (bk_le32(ebr + 0x1CE + 8) == 0)
			break;
		cur = ext + bk_le32(ebr + 0x1CE + 8);
	}
	return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition %u", what, number);
}

/* Identity of partition number of the disk open on fd. */
static int
table_identity(bcd_devmap_t *m, int fd, const char *what, unsigned number,
	       struct bcd_partition_id *id)
{
	uint8_t mbr[SECTOR];
	unsigned i, ssz;
	uint64_t start = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	if (read_at(fd, 0, mbr, SECTOR) < 0 || bk_le16(mbr + 510) != 0xAA55)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition table", what);
	for (i = 0; i < 4; i++)
		if (mbr[0x1BE + 16 * i + 4] == 0xEE) {
			for (ssz = 512; ssz <= 4096; ssz *= 2) {
				rc = gpt_identity(m, fd, what, ssz, number, id);
				if (rc <= 0)
					return rc;
			}
			return bk_err(&m->err, BK_ECORRUPT, "%s: protective MBR without GPT", what);
		}
	if (number == 0)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition 0", what);
	if (number <= 4) {
		if (mbr[0x1BE + 16 * (number - 1) + 4] == 0)
			return bk_err(&m->err, BK_ENOTFOUND, "%s: no partition %u", what, number);
		start = (uint64_t)bk_le32(mbr + 0x1BE + 16 * (number - 1) + 8) * SECTOR;
	} else {
		rc = mbr_logical(m, fd, what, mbr, number, &start);
		if (rc < 0)
			return rc;
	}
	id->style = BCD_PART_MBR;
	id->mbr_signature = bk_le32(mbr + 0x1B8);
	id->mbr_offset = start;
	return 0;
}

static int
file_identity(bcd_devmap_t *m, const char *path, unsigned number, struct bcd_partition_id *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return bk_err_errno(&m->err, "cannot open", path);
	rc = table_identity(m, fd, path, number, id);
	close(fd);
	return rc;
}

/* /sys/dev/block/MAJ:MIN of a partition -> its number and parent disk. */
static int
blockdev_identity(bcd_devmap_t *m, const char *target, dev_t rdev, struct bcd_partition_id *id)
{
	char sys[64], real[PATH_MAX], dev[PATH_MAX + 16], num[32];
	unsigned long n;
	char *slash;
	FILE *f;

	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(sys, real))
		return bk_err(&m->err, BK_ENOTFOUND, "%s: not found in /sys/dev/block", target);
	snprintf(dev, sizeof(dev), "%s/partition", real);
	f = fopen(dev, "r");
	if (!f)
		return bk_err(&m->err, BK_EINVAL, "%s: is a whole disk; name a partition", target);
	if (!fgets(num, sizeof(num), f) || (n = strtoul(num, NULL, 10)) == 0) {
		fclose(f);
		return bk_err(&m->err, BK_ECORRUPT, "%s: unreadable partition number", target);
	}
	fclose(f);
	slash = strrchr(real, '/');
	if (!slash)
		return bk_err(&m->err, BK_ENOTFOUND, "%s: no parent disk", target);
	*slash = '\0';
	slash = strrchr(real, '/');
	snprintf(dev, sizeof(dev), "/dev/%s", slash ? slash + 1 : real);
	return file_identity(m, dev, (unsigned)n, id);
}

/* The block device mounted at a directory (from /proc/self/mountinfo). */
static int
mount_identity(bcd_devmap_t *m, const char *dir, struct bcd_partition_id *id)
{
	char real[PATH_MAX], line[4096], mnt[PATH_MAX];
	unsigned maj, mnr;
	FILE *f;

	if (!realpath(dir, real))
		return bk_err_errno(&m->err, "cannot resolve", dir);
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return bk_err_errno(&m->err, "cannot read", "/proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &mnr, mnt) != 3)
			continue;
		if (strcmp(mnt, real) == 0) {
			fclose(f);
			return blockdev_identity(m, dir, makedev(maj, mnr), id);
		}
	}
	fclose(f);
	return bk_err(&m->err, BK_ENOTFOUND, "%s: not a mount point", dir);
}

static int
explicit_identity(bcd_devmap_t *m, const char *target, struct bcd_partition_id *id)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	char text[160];
	struct bcd_devtree t;
	int rc;

	/* Reuse the device parser: "partition=mbr:..." gives the identity. */
	snprintf(text, sizeof(text), "partition=%s", target);
	rc = bcd_device_from_text(text, BCD_EL_DEVICE, NULL, &bytes, &len, m->err.msg,
				  sizeof(m->err.msg));
	if (rc < 0)
		return rc;
	rc = bcd_dev_decode(bytes, len, &t);
	bk_free(bytes);
	if (rc < 0)
		return rc;
	memset(id, 0, sizeof(*id));
	id->style = (int)t.root->part_style;
	if (id->style == BCD_PART_MBR) {
		id->mbr_offset = bk_le64(t.root->part_id);
		id->mbr_signature = bk_le32(t.root->disk_id);
	} else {
		memcpy(id->gpt_part.b, t.root->part_id, 16);
		memcpy(id->gpt_disk.b, t.root->disk_id, 16);
	}
	bcd_dev_free(t.root);
	return 0;
}

int
bcd_partition_id_resolve(bcd_devmap_t *m, const char *target, struct bcd_partition_id *id)
{
	struct stat st;
	const char *colon;
	char path[PATH_MAX];
	unsigned long n;
	char *end;

	bk_err_clear(&m->err);
	if (strncasecmp(target, "mbr:", 4) == 0 || strncasecmp(target, "gpt:", 4) == 0)
		return explicit_identity(m, target, id);
	if (stat(target, &st) == 0) {
		if (S_ISBLK(st.st_mode))
			return blockdev_identity(m, target, st.st_rdev, id);
		if (S_ISDIR(st.st_mode))
			return mount_identity(m, target, id);
	}
	/* IMAGE:N, a disk image and a partition number. */
	colon = strrchr(target, ':');
	if (!colon || (size_t)(colon - target) >= sizeof(path))
		return bk_err(&m->err, BK_EINVAL, "%s: not a block device, mount point, "
			      "IMAGE:N, mbr:SIG:OFFSET or gpt:{DISK}:{PART}", target);
	n = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || n == 0 || n > 128)
		return bk_err(&m->err, BK_EINVAL, "%s: bad partition number", target);
	memcpy(path, target, (size_t)(colon - target));
	path[colon - target] = '\0';
	return file_identity(m, path, (unsigned)n, id);
}

int
bcd_devmap_add(bcd_devmap_t *m, const char *spec)
{
	struct bcd_partition_id id;
	char letter;
	size_t i;
	int rc;

	bk_err_clear(&m->err);
	letter = (char)(spec[0] & ~0x20);
	if (!(letter >= 'A' && letter <= 'Z') || spec[1] != ':' || spec[2] != '=' || !spec[3])
		return bk_err(&m->err, BK_ESYNTAX, "\"%s\": expected X:=TARGET", spec);
	rc = bcd_partition_id_resolve(m, spec + 3, &id);
	if (rc < 0)
		return rc;
	for (i = 0; i < m->n; i++)
		if (m->drive[i].letter == letter)
			break;
	if (i == m->n) {
		if (m->n >= BCD_MAX_DRIVES)
			return bk_err(&m->err, BK_ETOOBIG, "too many drive letters");
		m->n++;
	}
	m->drive[i].letter = letter;
	m->drive[i].id = id;
	return 0;
}
