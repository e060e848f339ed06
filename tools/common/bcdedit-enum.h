/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bcdedit /enum: which objects it shows and how (bcdedit-enum.c).  The BCD
 * library gives the data (objects, elements, each value as bcdedit's text);
 * the columns, sections and the JSON form are laid out here, beside the
 * other tools' text and JSON.
 */
#ifndef BCDEDIT_ENUM_H
#define BCDEDIT_ENUM_H

#include "bcdkit/bcd.h"

/* /enum's selections: the type words, and one object (ENUM_ID). */
enum bcdedit_enum_filter {
	ENUM_ACTIVE, ENUM_FIRMWARE, ENUM_BOOTAPP, ENUM_BOOTMGR, ENUM_OSLOADER, ENUM_RESUME,
	ENUM_INHERIT, ENUM_ALL, ENUM_ID,
};
enum { ENUM_V = 1 << 0, ENUM_JSON = 1 << 1 };

/*
 * The text of "bcdedit /enum" (with ENUM_JSON its JSON form,
 * doc/bcd-enum-schema.json) for the objects filter selects (id with
 * ENUM_ID) of store s, named name in the JSON.  Returns: 0 and *out
 * (free()), or a negative BK_E* code (the store's detail is set when a
 * library call failed).
 */
int bcdedit_enum(bcd_store_t *s, const char *name, int filter, const bcd_guid_t *id,
		 const bcd_devmap_t *map, unsigned flags, char **out);

#endif
