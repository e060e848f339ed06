/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Element names and enumerated values (elements.def).  A name depends on
 * the object: class-1 (library) elements mean the same everywhere, class-2
 * elements depend on the application type of the owning object, class 3
 * belongs to device objects and class 4 to setup templates.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bcd-internal.h"

struct enum_row {
	const char *set;
	uint64_t value;
	const char *name;
};

static const struct enum_row enum_rows[] = {
#define BCD_ENUM(set, value, name) { #set, value, name },
#include "elements.def"
};

struct elem_row {
	int owner;
	uint32_t type;
	const char *name;
	const char *set;          /* "NONE": not enumerated */
};

static const struct elem_row elem_rows[] = {
#define BCD_ELEM(owner, type, fmt, name, set) \
	{ BCD_OWN_##owner, type, name, #set },
#include "elements.def"
};
#define N_ELEM (sizeof(elem_rows) / sizeof(elem_rows[0]))

/* The owners to search, in order, for an element of the given class. */
static size_t
owners_for(uint32_t objtype, uint32_t eltype, int *own)
{
	size_t n = 0;

	switch (BCD_ELEM_CLASS(eltype)) {
	case 1:
		own[n++] = BCD_OWN_LIB;
		break;
	case 2:
		if (bc_owner_of_type(objtype) != BCD_OWN_NONE)
			own[n++] = bc_owner_of_type(objtype);
		/* Class-2 elements of any application, whatever its kind. */
		if ((objtype >> 28) == 1 || (objtype >> 28) == 2)
			own[n++] = BCD_OWN_GENERIC;
		break;
	case 3:
		own[n++] = BCD_OWN_DEVICE;
		break;
	case 4:
		own[n++] = BCD_OWN_TEMPLATE;
		break;
	default:
		break;
	}
	return n;
}

static const struct elem_row *
elem_find(uint32_t objtype, uint32_t eltype)
{
	int own[4];
	size_t n = owners_for(objtype, eltype, own), i, k;

	for (k = 0; k < n; k++)
		for (i = 0; i < N_ELEM; i++)
			if (elem_rows[i].owner == own[k] && elem_rows[i].type == eltype)
				return &elem_rows[i];
	return NULL;
}

const char *
bcd_element_name(uint32_t objtype, uint32_t eltype)
{
	const struct elem_row *r = elem_find(objtype, eltype);

	return r ? r->name : NULL;
}

/* custom:hhhhhhhh (8 hex digits, an optional 0x prefix as in misty's text). */
static int
parse_custom_type(const char *name, uint32_t *out)
{
	const char *h = name + 7;
	uint32_t v = 0;
	size_t i, n;

	if (strncasecmp(name, "custom:", 7) != 0)
		return -BK_ENOTFOUND;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	n = strlen(h);
	if (n == 0 || n > 8)
		return -BK_ESYNTAX;
	for (i = 0; i < n; i++) {
		int d = bk_hexval((unsigned char)h[i]);

		if (d < 0)
			return -BK_ESYNTAX;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

int
bcd_element_lookup(uint32_t objtype, const char *name, uint32_t *out)
{
	static const uint32_t classes[] = { 0x10000000u, 0x20000000u, 0x30000000u, 0x40000000u };
	size_t c, i, k, n;
	int own[4], rc;

	rc = parse_custom_type(name, out);
	if (rc != -BK_ENOTFOUND)
		return rc;
	for (c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		n = owners_for(objtype, classes[c], own);
		for (k = 0; k < n; k++)
			for (i = 0; i < N_ELEM; i++)
				if (elem_rows[i].owner == own[k] && elem_rows[i].name &&
				    strcasecmp(elem_rows[i].name, name) == 0) {
					*out = elem_rows[i].type;
					return 0;
				}
	}
	return -BK_ENOTFOUND;
}

const char *
bcd_element_enum_name(uint32_t objtype, uint32_t eltype, uint64_t value)
{
	const struct elem_row *r = elem_find(objtype, eltype);
	size_t i;

	if (!r || strcmp(r->set, "NONE") == 0)
		return NULL;
	for (i = 0; i < sizeof(enum_rows) / sizeof(enum_rows[0]); i++)
		if (strcmp(enum_rows[i].set, r->set) == 0 && enum_rows[i].value == value)
			return enum_rows[i].name;
	return NULL;
}

int
bcd_element_enum_value(uint32_t objtype, uint32_t eltype, const char *name, uint64_t *out)
{
	const struct elem_row *r = elem_find(objtype, eltype);
	size_t i;

	if (!r || strcmp(r->set, "NONE") == 0)
		return -BK_ENOTFOUND;
	for (i = 0; i < sizeof(enum_rows) / sizeof(enum_rows[0]); i++)
		if (strcmp(enum_rows[i].set, r->set) == 0 &&
		    strcasecmp(enum_rows[i].name, name) == 0) {
			*out = enum_rows[i].value;
			return 0;
		}
	return -BK_ENOTFOUND;
}

bool
bc_element_is_ipv4(uint32_t objtype, uint32_t eltype)
{
	const struct elem_row *r = elem_find(objtype, eltype);

	return r && strcmp(r->set, "IPV4") == 0;
}

static const char *const owner_names[] = {
	[BCD_OWN_NONE] = "none", [BCD_OWN_LIB] = "library", [BCD_OWN_GENERIC] = "application",
	[BCD_OWN_TEMPLATE] = "template", [BCD_OWN_BOOTMGR] = "bootmgr",
	[BCD_OWN_OSLOADER] = "osloader", [BCD_OWN_RESUME] = "resume",
	[BCD_OWN_MEMDIAG] = "memdiag", [BCD_OWN_NTLDR] = "ntldr", [BCD_OWN_STARTUP] = "startup",
	[BCD_OWN_BOOTAPP] = "bootapp", [BCD_OWN_DEVICE] = "device",
};

int
bcd_element_at(size_t i, uint32_t *type, const char **name, const char **owner)
{
	if (i >= N_ELEM)
		return -BK_ENOTFOUND;
	*type = elem_rows[i].type;
	*name = elem_rows[i].name;
	*owner = owner_names[elem_rows[i].owner];
	return 0;
}

int
bcd_element_enum_at(uint32_t objtype, uint32_t eltype, size_t i, uint64_t *value,
		    const char **name)
{
	const struct elem_row *r = elem_find(objtype, eltype);
	size_t k, seen = 0;

	if (!r)
		return -BK_ENOTFOUND;
	for (k = 0; k < sizeof(enum_rows) / sizeof(enum_rows[0]); k++)
		if (strcmp(enum_rows[k].set, r->set) == 0 && seen++ == i) {
			*value = enum_rows[k].value;
			*name = enum_rows[k].name;
			return 0;
		}
	return -BK_ENOTFOUND;
}
