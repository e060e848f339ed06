/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A BCD store held as plain data (objects, their Description values and
 * element keys), used by bcdboot.  bcdboot rebuilds a store rather than
 * editing one in place: the result is written into a new hive in a fixed
 * order (objects by GUID text, elements by type), so that running it twice
 * on the same inputs gives the same bytes apart from timestamps, whatever
 * edits the old file went through.
 */
#ifndef BCD_BOOTMODEL_H
#define BCD_BOOTMODEL_H

#include "bcd-internal.h"

struct bm_value {
	char *name;                /* "" is the default value */
	uint32_t type;
	uint8_t *data;
	size_t len;
};

struct bm_key {
	char *name;                /* element keys: 8 hex digits */
	struct bm_value *v;
	size_t nv;
};

struct bm_obj {
	bcd_guid_t id;
	struct bm_key desc;        /* the object's Description values (Type, ...) */
	struct bm_key *el;         /* Elements subkeys */
	size_t nel;
};

struct bm_store {
	struct bm_key desc;        /* the store's Description values */
	struct bm_obj *o;
	size_t n;
};

void bm_free(struct bm_store *m);
/* Read every object of s (keys that are not GUIDs are skipped). */
int bm_load(struct bm_store *m, bcd_store_t *s);
struct bm_obj *bm_find(struct bm_store *m, const bcd_guid_t *id);
/* Add an empty object of a type (-BK_EEXIST when present). */
int bm_add(struct bm_store *m, const bcd_guid_t *id, uint32_t type, struct bm_obj **out);
/* Deep copy of src's object into m, replacing one of the same GUID. */
int bm_copy_obj(struct bm_store *m, const struct bm_obj *src, struct bm_obj **out);
void bm_remove(struct bm_store *m, const bcd_guid_t *id);
uint32_t bm_type(const struct bm_obj *o);

/* Elements: the "Element" value of the element key. */
const struct bm_value *bm_get_raw(const struct bm_obj *o, uint32_t eltype);
int bm_get(const struct bm_obj *o, uint32_t eltype, struct bcd_value *out);
int bm_set_raw(struct bm_obj *o, uint32_t eltype, uint32_t regtype, const uint8_t *d, size_t n);
int bm_set(struct bm_obj *o, uint32_t eltype, const struct bcd_value *v);
int bm_set_int(struct bm_obj *o, uint32_t eltype, uint64_t x);
int bm_set_str(struct bm_obj *o, uint32_t eltype, const char *s);
int bm_set_guids(struct bm_obj *o, uint32_t eltype, const bcd_guid_t *g, size_t n);
void bm_del(struct bm_obj *o, uint32_t eltype);
/* Copy every element key of src into dst (replacing those of the same type). */
int bm_copy_elements(struct bm_obj *dst, const struct bm_obj *src);
/* Set a value of a key (replacing one of the same name). */
int bm_key_set(struct bm_key *k, const char *name, uint32_t type, const void *d, size_t n);

/* Write the model into the empty hive h (root already made). */
int bm_write(const struct bm_store *m, hive_t *h);

#endif
