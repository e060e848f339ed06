/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ANSI code page of REGEDIT4 .reg text.  Windows writes and reads a
 * REGEDIT4 file in the system's ANSI code page (Windows-1252 on Western
 * systems, 1251 on Cyrillic ones, 932 in Japan...), so that is the default
 * here too, converted through iconv; "UTF-8" keeps bcdkit's own UTF-8
 * reading and writing, which needs no iconv at all.  REGEDIT 5 files carry
 * their encoding (UTF-16LE with a BOM, or UTF-8) and never come here.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "hive-internal.h"

#define REG_CP_DEFAULT "CP1252"

bool
hv_cp_is_utf8(const char *cp)
{
	return strcasecmp(cp, "UTF-8") == 0 || strcasecmp(cp, "UTF8") == 0;
}

const char *
hv_reg_codepage(const struct hive *h)
{
	return h->reg_cp[0] ? h->reg_cp : REG_CP_DEFAULT;
}

/* iconv's "cannot convert" handle, spelled once. */
#define CD_NONE ((iconv_t)-1)

int
hv_cp_open(struct bk_errbuf *eb, const char *cp, bool to_cp, void **out)
{
	iconv_t cd;

	*out = NULL;
	if (hv_cp_is_utf8(cp))
		return 0;
	/* Export converts the UTF-8 the writer produces; import makes the
	 * UTF-16LE code units the parser works on. */
	cd = to_cp ? iconv_open(cp, "UTF-8") : iconv_open("UTF-16LE", cp);
	if (cd == CD_NONE)
		return bk_err(eb, errno == ENOMEM ? BK_ENOMEM : BK_EINVAL,
			      "unknown code page \"%s\" (iconv cannot convert it)", cp);
	*out = (void *)cd;
	return 0;
}

void
hv_cp_close(void *cd)
{
	if (cd)
		iconv_close((iconv_t)cd);
}

int
hv_cp_convert(void *cd, const uint8_t *in, size_t n, bool whole, struct bk_buf *out,
	      size_t *used)
{
	char *ip = (char *)(uintptr_t)in, *op;
	size_t il = n, ol;
	size_t r;

	if (whole)
		iconv((iconv_t)cd, NULL, NULL, NULL, NULL);
	out->len = 0;
	for (;;) {
		if (bk_buf_grow(out, 2 * il + 16) < 0)
			return -BK_ENOMEM;
		op = (char *)out->p + out->len;
		ol = out->cap - out->len;
		r = il ? iconv((iconv_t)cd, &ip, &il, &op, &ol) : 0;
		/* At the end of a whole text, the shift state of a stateful
		 * encoding goes back to the initial one. */
		if (r != (size_t)-1 && whole)
			r = iconv((iconv_t)cd, NULL, NULL, &op, &ol);
		out->len = (size_t)((uint8_t *)op - out->p);
		*used = n - il;
		if (r != (size_t)-1)
			return 0;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !whole)
			return 1;
		return -BK_EINVAL;
	}
}

int
hive_set_reg_codepage(hive_t *h, const char *codepage)
{
	void *cd;
	int rc;

	bk_err_clear(&h->err);
	if (!codepage || !codepage[0]) {
		h->reg_cp[0] = '\0';
		return 0;
	}
	if (strlen(codepage) >= sizeof(h->reg_cp))
		return bk_err(&h->err, BK_EINVAL, "unknown code page \"%.40s...\" (name too long)",
			      codepage);
	/* Both directions must work, so that export and import agree. */
	if ((rc = hv_cp_open(&h->err, codepage, true, &cd)) < 0)
		return rc;
	hv_cp_close(cd);
	if ((rc = hv_cp_open(&h->err, codepage, false, &cd)) < 0)
		return rc;
	hv_cp_close(cd);
	memcpy(h->reg_cp, codepage, strlen(codepage) + 1);
	return 0;
}
