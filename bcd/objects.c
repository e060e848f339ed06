/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GUIDs, well-known objects and their aliases, object types and the section
 * headers bcdedit prints for them (objects.def).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"
#include "bk-guid.h"

/* The text form is common/bk-guid.c's; BCD's public parser requires the braces. */
int
bcd_guid_parse(const char *s, bcd_guid_t *out)
{
	if (!s || strlen(s) != 38 || s[0] != '{')
		return -BK_ESYNTAX;
	return bk_guid_parse(s, out->b);
}

char *
bcd_guid_format(const bcd_guid_t *g, char *out)
{
	return bk_guid_format(g->b, out);
}

int
bcd_guid_cmp(const bcd_guid_t *a, const bcd_guid_t *b)
{
	char x[BCD_GUID_STRLEN], y[BCD_GUID_STRLEN];

	/* Text order, which is the order of the Objects subkeys. */
	return strcmp(bcd_guid_format(a, x), bcd_guid_format(b, y));
}

int
bcd_guid_random(bcd_guid_t *out)
{
	return bk_guid_random(out->b);
}

/* ---- well-known objects -------------------------------------------------------- */

struct wellknown {
	const char *guid;
	const char *alias;
	uint32_t type;
	const char *header;
};

static const struct wellknown wellknown[] = {
#define BCD_WELLKNOWN(guid, alias, type, header) { guid, alias, type, header },
#include "objects.def"
};
#define N_WELLKNOWN (sizeof(wellknown) / sizeof(wellknown[0]))

/* Binary forms of the well-known GUIDs, parsed once. */
static bcd_guid_t wk_bin[N_WELLKNOWN];
static bool wk_ready;

static void
wk_init(void)
{
	size_t i;

	if (wk_ready)
		return;
	for (i = 0; i < N_WELLKNOWN; i++)
		(void)bcd_guid_parse(wellknown[i].guid, &wk_bin[i]);
	wk_ready = true;
}

static const struct wellknown *
wk_find(const bcd_guid_t *g)
{
	size_t i;

	wk_init();
	for (i = 0; i < N_WELLKNOWN; i++)
		if (memcmp(wk_bin[i].b, g->b, 16) == 0)
			return &wellknown[i];
	return NULL;
}

int
bcd_alias_lookup(const char *alias, bcd_guid_t *out)
{
	size_t i, n;

	wk_init();
	if (!alias || alias[0] != '{')
		return -BK_ENOTFOUND;
	n = strlen(alias);
	if (n < 3 || alias[n - 1] != '}')
		return -BK_ENOTFOUND;
	for (i = 0; i < N_WELLKNOWN; i++) {
		const char *a = wellknown[i].alias;

		if (a && strlen(a) == n - 2 && strncasecmp(a, alias + 1, n - 2) == 0) {
			*out = wk_bin[i];
			return 0;
		}
	}
	return -BK_ENOTFOUND;
}

const char *
bcd_alias_name(const bcd_guid_t *g)
{
	static char names[N_WELLKNOWN][40];
	const struct wellknown *w = wk_find(g);
	size_t i;

	if (!w || !w->alias)
		return NULL;
	i = (size_t)(w - wellknown);
	if (!names[i][0])
		snprintf(names[i], sizeof(names[i]), "{%s}", w->alias);
	return names[i];
}

int
bcd_wellknown_type(const bcd_guid_t *g, uint32_t *type)
{
	const struct wellknown *w = wk_find(g);

	if (!w || w->type == 0)
		return -BK_ENOTFOUND;
	*type = w->type;
	return 0;
}

bool
bc_wellknown_is_virtual(const bcd_guid_t *g)
{
	const struct wellknown *w = wk_find(g);

	return w && w->alias && w->type == 0;
}

/* ---- object types ------------------------------------------------------------------ */

struct objtype {
	uint32_t type;
	int owner;
	const char *header;
};

static const struct objtype objtypes[] = {
#define BCD_OBJTYPE(type, owner, header) { type, BCD_OWN_##owner, header },
#include "objects.def"
};

static const struct objtype *
objtype_find(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(objtypes) / sizeof(objtypes[0]); i++)
		if (objtypes[i].type == type)
			return &objtypes[i];
	return NULL;
}

int
bc_owner_of_type(uint32_t objtype)
{
	const struct objtype *t = objtype_find(objtype);

	return t ? t->owner : BCD_OWN_NONE;
}

const char *
bcd_object_header(uint32_t type, const bcd_guid_t *id, char *buf, size_t len)
{
	const struct wellknown *w = id ? wk_find(id) : NULL;
	const struct objtype *t = objtype_find(type);
	const char *kind;

	if (w && w->header)
		snprintf(buf, len, "%s", w->header);
	else if (t)
		snprintf(buf, len, "%s", t->header);
	else {
		/* bcdedit's fallback for types it does not know: a class name
		 * and the type in hex ("Inherited Settings (20200003)"). */
		switch (type >> 28) {
		case 1: kind = "Application"; break;
		case 2: kind = "Inherited Settings"; break;
		case 3: kind = "Device options"; break;
		default: kind = "Object"; break;
		}
		snprintf(buf, len, "%s (%08x)", kind, type);
	}
	return buf;
}

struct appname {
	const char *name;
	int inherit;
	uint32_t type;
};

static const struct appname appnames[] = {
#define BCD_APPNAME(name, inherit, type) { name, inherit, type },
#include "objects.def"
};

int
bcd_application_type(const char *name, int inherit, uint32_t *out)
{
	size_t i;

	for (i = 0; i < sizeof(appnames) / sizeof(appnames[0]); i++)
		if (appnames[i].inherit == !!inherit && strcasecmp(appnames[i].name, name) == 0) {
			*out = appnames[i].type;
			return 0;
		}
	return -BK_ENOTFOUND;
}
