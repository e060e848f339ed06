/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The regf base block: checksum, and the paired read/write converters
 * between its disk form and struct regf_base.  Fields the code does not model
 * (GUIDs, the file name, offreg fields) stay untouched in the buffer.
 */
#include "config.h"

#include <string.h>

#include "hive-internal.h"

/* XOR of the first 127 dwords, with -1 -> -2 and 0 -> 1 as Windows does. */
uint32_t
regf_checksum(const uint8_t *base512)
{
	uint32_t c = 0;
	int i;

	for (i = 0; i < 127; i++)
		c ^= bk_le32(base512 + 4 * i);
	if (c == 0xFFFFFFFFu)
		c = 0xFFFFFFFEu;
	else if (c == 0)
		c = 1;
	return c;
}

bool
regf_base_read(const uint8_t *p, size_t len, struct regf_base *b)
{
	if (len < 512 || memcmp(p, "regf", 4) != 0)
		return false;
	b->seq1 = bk_le32(p + 0x04);
	b->seq2 = bk_le32(p + 0x08);
	b->timestamp = bk_le64(p + 0x0C);
	b->major = bk_le32(p + 0x14);
	b->minor = bk_le32(p + 0x18);
	b->file_type = bk_le32(p + 0x1C);
	b->file_format = bk_le32(p + 0x20);
	b->root_offset = bk_le32(p + 0x24);
	b->hbins_size = bk_le32(p + 0x28);
	b->clustering = bk_le32(p + 0x2C);
	b->flags = bk_le32(p + 0x90);
	b->checksum = bk_le32(p + 0x1FC);
	return true;
}

void
regf_base_write(uint8_t *p, const struct regf_base *b)
{
	memcpy(p, "regf", 4);
	bk_put_le32(p + 0x04, b->seq1);
	bk_put_le32(p + 0x08, b->seq2);
	bk_put_le64(p + 0x0C, b->timestamp);
	bk_put_le32(p + 0x14, b->major);
	bk_put_le32(p + 0x18, b->minor);
	bk_put_le32(p + 0x1C, b->file_type);
	bk_put_le32(p + 0x20, b->file_format);
	bk_put_le32(p + 0x24, b->root_offset);
	bk_put_le32(p + 0x28, b->hbins_size);
	bk_put_le32(p + 0x2C, b->clustering);
	bk_put_le32(p + 0x90, b->flags);
	bk_put_le32(p + 0x1FC, regf_checksum(p));
}
