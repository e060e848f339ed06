/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Typed views of raw value bytes.  The bytes themselves are never changed;
 * these helpers only decode them for display: strings stop at the first
 * UTF-16 NUL and tolerate odd lengths and junk after it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bk-number.h"
#include "bk-utf16.h"
#include "hive-internal.h"

static const char *const type_names[] = {
	"REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD",
	"REG_DWORD_BIG_ENDIAN", "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST",
	"REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD",
};
#define N_TYPE_NAMES (sizeof(type_names) / sizeof(type_names[0]))

const char *
hive_type_name(uint32_t type, char *buf, size_t len)
{
	if (type < N_TYPE_NAMES)
		snprintf(buf, len, "%s", type_names[type]);
	else
		snprintf(buf, len, "0x%x", type);
	return buf;
}

int
hive_type_parse(const char *s, uint32_t *out)
{
	uint32_t i;
	char *end;
	unsigned long v;
	uint64_t n;

	for (i = 0; i < N_TYPE_NAMES; i++) {
		if (strcasecmp(s, type_names[i]) == 0 || strcasecmp(s, type_names[i] + 4) == 0) {
			*out = i;
			return 0;
		}
	}
	if (strncasecmp(s, "hex(", 4) == 0 && s[4]) {
		v = strtoul(s + 4, &end, 16);
		if (end != s + 4 && strcmp(end, ")") == 0 && v <= 0xFFFFFFFFul) {
			*out = (uint32_t)v;
			return 0;
		}
	}
	if (bk_parse_u64(s, &n) && n <= 0xFFFFFFFFu) {
		*out = (uint32_t)n;
		return 0;
	}
	return -BK_EINVAL;
}

/* Units up to (not including) the first NUL. */
static size_t
units_to_nul(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		if (p[i] == 0 && p[i + 1] == 0)
			return i / 2;
	return len / 2;
}

/*
 * UTF-16LE to UTF-8, straight into o (this runs for every string "ls -r" and
 * "get" print; iconv_open per string was a third of "ls -r").  Valid UTF-16
 * is converted as iconv would; if there is an unpaired surrogate, the
 * escaping converter starts over so that nothing is lost.  o holds
 * BK_UTF8_MAX(units) bytes, or 3 * units + 1 when fallback is false (then
 * returns (size_t)-1 at an unpaired surrogate, with o unterminated).
 */
static size_t
utf16_to_utf8_into(const uint8_t *p, size_t units, char *out, bool fallback)
{
	uint8_t *o = (uint8_t *)out;
	size_t i;

	for (i = 0; i < units; i++) {
		uint32_t c = bk_le16(p + 2 * i);

		if (c >= 0xD800 && c <= 0xDFFF) {
			uint32_t lo = i + 1 < units ? bk_le16(p + 2 * i + 2) : 0;

			if (c > 0xDBFF || lo < 0xDC00 || lo > 0xDFFF)
				break;      /* unpaired surrogate */
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		}
		o += bk_utf8_put(o, c);
	}
	if (i >= units) {
		*o = '\0';
		return (size_t)((char *)o - out);
	}
	if (!fallback)
		return (size_t)-1;
	return bk_units_to_utf8(p, BK_UNITS_LE, units, false, out);
}

static int
utf16_to_utf8_direct(const uint8_t *p, size_t units, char **out)
{
	/* Most strings are valid: 3 bytes per unit, the escaping size only if not. */
	char *buf = bk_malloc(units * 3 + 1);

	if (!buf)
		return -BK_ENOMEM;
	if (utf16_to_utf8_into(p, units, buf, false) == (size_t)-1) {
		bk_free(buf);
		if (!(buf = bk_malloc(BK_UTF8_MAX(units))))
			return -BK_ENOMEM;
		utf16_to_utf8_into(p, units, buf, true);
	}
	*out = buf;
	return 0;
}

int
hive_decode_string(const uint8_t *data, size_t len, char **out)
{
	return utf16_to_utf8_direct(data, units_to_nul(data, len), out);
}

int
hive_decode_string_to(const uint8_t *data, size_t len, char *buf, size_t size, size_t *out_len)
{
	if (size < HIVE_DECODE_STRING_MAX(len)) {
		*out_len = HIVE_DECODE_STRING_MAX(len);
		return -BK_ETOOBIG;
	}
	*out_len = utf16_to_utf8_into(data, units_to_nul(data, len), buf, true);
	return 0;
}

void
hive_free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int
hive_decode_multi_string(const uint8_t *data, size_t len, char ***out)
{
	size_t pos = 0, n = 0, cap = 4;
	char **v = calloc(cap + 1, sizeof(*v));
	int rc;

	if (!v)
		return -BK_ENOMEM;
	len &= ~(size_t)1;
	/* Strings until an empty one (the final extra NUL) or the end. */
	while (pos < len) {
		size_t units = units_to_nul(data + pos, len - pos);
		if (units == 0)
			break;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(*v));
			if (!nv) {
				hive_free_strv(v);
				return -BK_ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		rc = utf16_to_utf8_direct(data + pos, units, &v[n]);
		if (rc < 0) {
			hive_free_strv(v);
			return rc;
		}
		v[++n] = NULL;
		pos += units * 2 + 2;
	}
	v[n] = NULL;
	*out = v;
	return 0;
}

int
hive_decode_dword(uint32_t type, const uint8_t *data, size_t len, uint32_t *out)
{
	if (len != 4 || (type != HIVE_REG_DWORD && type != HIVE_REG_DWORD_BIG_ENDIAN))
		return -BK_EWRONGTYPE;
	*out = type == HIVE_REG_DWORD ? bk_le32(data) : bk_be32(data);
	return 0;
}

int
hive_decode_qword(const uint8_t *data, size_t len, uint64_t *out)
{
	if (len != 8)
		return -BK_EWRONGTYPE;
	*out = bk_le64(data);
	return 0;
}
