/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FAT names: the long-name checksum, 8.3 names as Windows shows them (OEM
 * code page 437, the NT lower-case flags), case-insensitive comparison with
 * the Windows upper-case table, 8.3 names for new long names (fatgen103,
 * "The Basis-Name Generation Algorithm" and "The Numeric-Tail Generation
 * Algorithm"), and DOS dates.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bk-alloc.h"
#include "bk-upcase.h"
#include "bk-utf16.h"
#include "fs-fat-internal.h"

/* Code page 437 (the OEM code page of US Windows) for bytes 0x80-0xFF of 8.3
 * names written by other systems; generated with Python's cp437 codec. */
static const uint16_t cp437_high[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

uint8_t
fat_lfn_checksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + sfn[i]);
	return sum;
}

static uint16_t
oem_char(uint8_t b)
{
	return b < 0x80 ? b : cp437_high[b - 0x80];
}

/* Append the trimmed part [p, p + n) of the 8.3 name. */
static void
put_part(const uint8_t *p, size_t n, bool lower, bool first_part, uint16_t *shown,
	 size_t *ns, uint16_t *upper, size_t *nu)
{
	size_t i;

	while (n > 0 && p[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++) {
		uint8_t b = (first_part && i == 0 && p[0] == 0x05) ? 0xE5 : p[i];
		uint16_t c = oem_char(b);
		upper[(*nu)++] = c;
		shown[(*ns)++] = (lower && c >= 'A' && c <= 'Z') ? (uint16_t)(c + 32) : c;
	}
}

void
fat_short_name(const uint8_t raw[FAT_DIRENT], uint16_t *shown, size_t *nshown,
	       uint16_t *upper, size_t *nupper)
{
	size_t ext_len = 3;

	*nshown = *nupper = 0;
	put_part(raw, 8, raw[12] & FAT_NTRES_LOWER_BASE, true, shown, nshown, upper, nupper);
	while (ext_len > 0 && raw[8 + ext_len - 1] == ' ')
		ext_len--;
	if (ext_len == 0)
		return;
	shown[(*nshown)++] = '.';
	upper[(*nupper)++] = '.';
	put_part(raw + 8, 3, raw[12] & FAT_NTRES_LOWER_EXT, false, shown, nshown, upper, nupper);
}

void
fat_oem_to_utf8(const uint8_t *s, size_t n, char *out, size_t cap)
{
	uint16_t u[16];
	char *t = NULL;
	size_t i;

	for (i = 0; i < n && i < 16; i++)
		u[i] = oem_char(s[i]);
	if (bk_utf16_to_utf8(u, i, false, &t) == 0)
		snprintf(out, cap, "%s", t);
	bk_free(t);
}

bool
fat_name_eq(const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	const uint16_t *up = bk_upcase_map();
	size_t i;

	if (an != bn)
		return false;
	for (i = 0; i < an; i++)
		if (a[i] != b[i] && up[a[i]] != up[b[i]])
			return false;
	return true;
}

/* Characters an 8.3 name may hold besides letters and digits (fatgen103). */
static bool
short_ok(uint16_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c < 0x80 && c > 0x20 && strchr("$%'-_@~`!(){}^#&", (int)c) != NULL;
}

/* A part of an exact 8.3 name: valid characters, and its case. */
static bool
part_fits(const uint16_t *s, size_t n, size_t max, bool *lower, bool *mixed)
{
	bool lo = false, hi = false;
	size_t i;

	if (n > max)
		return false;
	for (i = 0; i < n; i++) {
		if (!short_ok(s[i]))
			return false;
		lo |= s[i] >= 'a' && s[i] <= 'z';
		hi |= s[i] >= 'A' && s[i] <= 'Z';
	}
	*lower = lo && !hi;
	*mixed = lo && hi;
	return true;
}

static uint8_t
upper_ascii(uint16_t c)
{
	return (uint8_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
}

/* A name that is itself a valid 8.3 name (one dot, 1-8 + 0-3 characters). */
static bool
exact_fit(const uint16_t *name, size_t n, uint8_t sfn[11], uint8_t *ntres, bool *need_lfn)
{
	size_t dot = n, i;
	bool blo, bmix, elo = false, emix = false;

	for (i = 0; i < n; i++)
		if (name[i] == '.') {
			if (dot != n)
				return false;
			dot = i;
		}
	if (dot == 0 || !part_fits(name, dot, 8, &blo, &bmix))
		return false;
	if (dot < n && (dot + 1 == n || !part_fits(name + dot + 1, n - dot - 1, 3, &elo, &emix)))
		return false;
	memset(sfn, ' ', 11);
	for (i = 0; i < dot; i++)
		sfn[i] = upper_ascii(name[i]);
	for (i = dot + 1; i < n; i++)
		sfn[8 + i - dot - 1] = upper_ascii(name[i]);
	if (sfn[0] == FAT_DELETED)
		sfn[0] = 0x05;
	*need_lfn = bmix || emix;
	*ntres = *need_lfn ? 0 : (uint8_t)((blo ? FAT_NTRES_LOWER_BASE : 0) |
					  (elo ? FAT_NTRES_LOWER_EXT : 0));
	return true;
}

/* One character of a generated 8.3 name: upper case, '_' for what an 8.3
 * name cannot hold (we write ASCII only, so non-ASCII is lossy too). */
static uint8_t
basis_char(uint16_t c)
{
	c = bk_upcase(c);
	return short_ok(c) ? (uint8_t)c : '_';
}

void
fat_short_basis(const uint16_t *name, size_t n, uint8_t sfn[11], uint8_t *ntres,
		bool *need_lfn, bool *need_tail)
{
	size_t i, start = 0, last_dot = n, nb = 0, ne = 0;

	*need_tail = false;
	if (exact_fit(name, n, sfn, ntres, need_lfn))
		return;
	*need_lfn = *need_tail = true;
	*ntres = 0;
	memset(sfn, ' ', 11);
	while (start < n && (name[start] == '.' || name[start] == ' '))
		start++;
	for (i = n; i > start; i--)
		if (name[i - 1] == '.') {
			last_dot = i - 1;
			break;
		}
	for (i = start; i < last_dot && nb < 8; i++)
		if (name[i] != ' ' && name[i] != '.')
			sfn[nb++] = basis_char(name[i]);
	for (i = last_dot + 1; i < n && ne < 3; i++)
		if (name[i] != ' ' && name[i] != '.')
			sfn[8 + ne++] = basis_char(name[i]);
	if (nb == 0)
		sfn[0] = '_';
}

static uint16_t
name_hash(const uint16_t *name, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ bk_upcase(name[i])) * 16777619u;
	return (uint16_t)(h ^ h >> 16);
}

void
fat_short_tail(const uint8_t basis[11], const uint16_t *name, size_t n, unsigned nth,
	       uint8_t sfn[11])
{
	static const char hex[] = "0123456789ABCDEF";
	char tail[16];
	size_t bl = 8, tl, keep, i;

	memcpy(sfn, basis, 11);
	while (bl > 0 && basis[bl - 1] == ' ')
		bl--;
	if (nth <= 4) {
		tl = (size_t)snprintf(tail, sizeof(tail), "~%u", nth);
	} else {
		/* As Windows does after ~4: two basis characters, four hex
		 * digits of a hash of the long name, then ~1..~9. */
		unsigned k = nth - 5;
		uint16_t h = (uint16_t)(name_hash(name, n) + k / 9);
		if (bl > 2)
			bl = 2;
		for (i = 0; i < 4; i++)
			sfn[bl + i] = (uint8_t)hex[(h >> (12 - 4 * i)) & 0xF];
		bl += 4;
		tl = (size_t)snprintf(tail, sizeof(tail), "~%u", k % 9 + 1);
	}
	keep = bl + tl > 8 ? 8 - tl : bl;
	memcpy(sfn + keep, tail, tl);
	for (i = keep + tl; i < 8; i++)
		sfn[i] = ' ';
}

int64_t
fat_time_to_unix(uint16_t date, uint16_t tm)
{
	struct tm t;
	int mon = (date >> 5) & 0x0F, day = date & 0x1F;

	memset(&t, 0, sizeof(t));
	t.tm_year = 80 + (date >> 9);
	t.tm_mon = (mon < 1 ? 1 : mon > 12 ? 12 : mon) - 1;
	t.tm_mday = day < 1 ? 1 : day;
	t.tm_hour = (tm >> 11) & 0x1F;
	t.tm_min = (tm >> 5) & 0x3F;
	t.tm_sec = (tm & 0x1F) * 2;
	return (int64_t)timegm(&t);
}

void
fat_time_from_unix(int64_t secs, uint16_t *date, uint16_t *tm)
{
	time_t tt = (time_t)secs;
	struct tm t;

	if (secs < 315532800 || !gmtime_r(&tt, &t) || t.tm_year > 80 + 127) {
		*date = (0 << 9) | (1 << 5) | 1;   /* 1980-01-01, the earliest a FAT date holds */
		*tm = 0;
		return;
	}
	*date = (uint16_t)((t.tm_year - 80) << 9 | (t.tm_mon + 1) << 5 | t.tm_mday);
	*tm = (uint16_t)(t.tm_hour << 11 | t.tm_min << 5 | t.tm_sec / 2);
}

int
fat_name_from_utf8(struct fat_vol *v, const char *s, uint16_t *out, size_t *n,
		   const struct fs_path *p)
{
	uint16_t *u = NULL;
	size_t len = 0;
	int rc = bk_utf8_to_utf16(s, strlen(s), &u, &len);

	if (rc < 0)
		return fs_err(v->fs, rc, p, "name \"%s\" is not UTF-8", s);
	if (len == 0 || len > FAT_LFN_MAX) {
		bk_free(u);
		return fs_err(v->fs, BK_EINVAL, p, "name \"%s\" is empty or longer than %u UTF-16 units",
			      s, FAT_LFN_MAX);
	}
	memcpy(out, u, len * sizeof(*u));
	*n = len;
	bk_free(u);
	return 0;
}
