/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small regf writer for tests, independent of libbcdkit-hive: it writes the
 * layout of doc/hive-format-notes.md directly (base block, hbins, nk/vk/sk, lf/lh
 * leaves under an ri when a key has many subkeys, db big data), so the
 * checker and the reader are tested against hives they did not write.  Key
 * and value names are ASCII, stored as Latin-1 (comp) names.
 *
 * Used by tests/gen/mkbighive.c (the benchmark hive) and by
 * tests/unit/test-check.c (small hives with one fault each).
 */
#ifndef MKBIGHIVE_BUILD_H
#define MKBIGHIVE_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct mkb;

/* A new hive of version 1.minor whose root key is named root_name.  NULL on ENOMEM. */
struct mkb *mkb_new(uint32_t minor, const char *root_name);
/* Subkeys per leaf before an ri index is used (default 500). */
void mkb_set_leaf_max(struct mkb *b, size_t n);
/* The root key's handle. */
uint32_t mkb_root(struct mkb *b);
/* Add a subkey; returns its handle (the nk cell offset), 0 on error. */
uint32_t mkb_key(struct mkb *b, uint32_t parent, const char *name);
/* Add a value to a key, data stored inline, in one cell or as db big data. */
int mkb_value(struct mkb *b, uint32_t key, const char *name, uint32_t type,
	      const void *data, size_t len);
/* Bytes of hive bins used so far. */
size_t mkb_size(const struct mkb *b);
/*
 * Write the subkey and value lists, the sk and the base block.  *out points
 * into the builder (valid until mkb_free); the cells stay at their offsets,
 * so a test may damage them afterwards through mkb_cell().
 */
int mkb_finish(struct mkb *b, uint8_t **out, size_t *len);
/* Payload of the cell at a hive-bins offset (after mkb_finish). */
uint8_t *mkb_cell(struct mkb *b, uint32_t off);
/* Offsets of a key's subkey list and value list cells (after mkb_finish). */
uint32_t mkb_subkey_list(struct mkb *b, uint32_t key);
uint32_t mkb_value_list(struct mkb *b, uint32_t key);
/* Recompute the base-block checksum after editing the header. */
void mkb_fix_checksum(struct mkb *b);
void mkb_free(struct mkb *b);

#endif
