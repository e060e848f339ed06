/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GUID text (bk-guid.h).  bcd_guid_format/parse and disk_guid_format/parse,
 * the libraries' public forms, are thin wrappers around these two.  Also the
 * one source of random identifiers (GUIDs of objects, disks, partitions and
 * VHDX write sessions, VHD unique ids, volume serials).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "bk-bytes.h"
#include "bk-guid.h"
#include "bcdkit/error.h"

/* The i-th byte of the text is byte text_to_bin[i] of the stored form. */
static const uint8_t text_to_bin[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

char *
bk_guid_format(const uint8_t g[16], char *out)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t i, o = 0;

	out[o++] = '{';
	for (i = 0; i < 16; i++) {
		uint8_t b = g[text_to_bin[i]];

		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdig[b >> 4];
		out[o++] = hexdig[b & 15];
	}
	out[o++] = '}';
	out[o] = '\0';
	return out;
}

int
bk_guid_parse(const char *s, uint8_t out[16])
{
	uint8_t g[16];
	size_t len = strlen(s), i;

	if (len == 38 && s[0] == '{' && s[37] == '}')
		s++;
	else if (len != 36)
		return -BK_ESYNTAX;
	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (*s++ != '-')
				return -BK_ESYNTAX;
		}
		hi = bk_hexval((unsigned char)s[0]);
		lo = hi < 0 ? -1 : bk_hexval((unsigned char)s[1]);
		if (lo < 0)
			return -BK_ESYNTAX;
		g[text_to_bin[i]] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	memcpy(out, g, 16);
	return 0;
}

static ssize_t
sys_getrandom(void *buf, size_t len, unsigned flags)
{
	return getrandom(buf, len, flags);
}

ssize_t (*bk_getrandom)(void *buf, size_t len, unsigned flags) = sys_getrandom;

int
bk_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = bk_getrandom(p + got, len - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -BK_EIO;
		}
		got += (size_t)n;
	}
	return 0;
}

int
bk_guid_random(uint8_t g[16])
{
	uint8_t r[16];
	int rc = bk_random(r, sizeof(r));

	if (rc < 0)
		return rc;
	/* Version 4 in Data3's high nibble (Data3 is stored little-endian),
	 * RFC 4122 variant. */
	r[7] = (uint8_t)((r[7] & 0x0f) | 0x40);
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	memcpy(g, r, 16);
	return 0;
}
