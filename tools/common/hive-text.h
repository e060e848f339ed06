/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How registry values and keys look as text in the tools: human and JSON
 * forms for display (values, key listings, the info report, check problems,
 * diff items, log replay reports), and the encoding of command-line DATA
 * arguments for "set".  Shared by the tools that show or take registry
 * values (hivetool, and any other that links libbcdkit-hive); never linked
 * by the libraries.
 */
#ifndef HIVE_TEXT_H
#define HIVE_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bcdkit/hive.h"

/* FILETIME (100 ns since 1601) as ISO 8601 UTC, or "-" for 0. */
void ht_print_filetime(FILE *f, uint64_t ft);
/* Bytes as lower-case hex pairs with sep between them. */
void ht_print_hex(FILE *f, const uint8_t *d, size_t len, const char *sep);
/* Data for humans: strings decoded (multi_sep between REG_MULTI_SZ items),
 * DWORD and QWORD as "0x... (decimal)", anything else as spaced hex. */
void ht_print_data(FILE *f, uint32_t type, const uint8_t *d, size_t len, const char *multi_sep);
/* The JSON members type, type_name, size, hex, and string/strings/number
 * where the type allows (no braces). */
void ht_json_data(FILE *f, uint32_t type, const uint8_t *d, size_t len);

/* Results of ht_encode_data(). */
enum { HV_OK = 0, HV_BAD_DATA = -1, HV_ARG_COUNT = -2, HV_NOMEM = -3 };
/*
 * Encode DATA arguments for a value of the given type: REG_SZ, REG_EXPAND_SZ,
 * REG_LINK take one string (stored UTF-16LE with its NUL); REG_MULTI_SZ takes
 * one string per argument, each also split at literal "\0"; REG_DWORD,
 * REG_DWORD_BIG_ENDIAN and REG_QWORD one number (decimal or 0x hex); every
 * other type hex bytes, optionally separated by commas, spaces or colons.
 * Returns HV_OK with *buf (caller frees) and *len, or a negative HV_* code.
 */
int ht_encode_data(uint32_t type, char **args, int n, uint8_t **buf, size_t *len);

/* What a log replay did, as hivetool recover prints it. */
void ht_print_recover_report(const char *path, const struct hive_recover_report *r);
/* Where the replayed hive went: nowhere (dry_run), to out, or in place
 * with the backups made and the logs emptied. */
void ht_print_recover_outcome(const char *path, const char *out, bool dry_run,
			      const struct hive_recover_report *r);

/* The info report: header fields, state, logs and counts. */
void ht_print_info(const char *path, const struct hive_header *hd, unsigned state,
		   const char *const *logs, const struct hive_stats *st);

/* The same as JSON (bcdkit.hive-info/1, tools/common/hive-json.c). */
void ht_info_json(const char *path, const struct hive_header *hd, unsigned state,
		  const char *const *logs, const struct hive_stats *st);

/*
 * check --json (bcdkit.hive-check/1): run hive_check() and print the
 * document, only if the check completes.  Returns 0 with *count problems,
 * or hive_check()'s error (the hive's last error says why).
 */
int ht_check_json(hive_t *h, const char *path, uint64_t *count);

/* Read a value's name, type and data, the data in place (the caller frees
 * *name and releases vv with hive_value_view_free()); a negative code, with
 * nothing to free, on failure. */
int ht_load_value(hive_t *h, hive_value_t v, char **name, struct hive_value_view *vv);
/*
 * hivetool ls (hive-ls.c): key k, whose path is path, reg-query style (its
 * path, values, then its subkeys' paths; HV_LS_RECURSIVE: every key of the
 * subtree in full), or HV_LS_JSON: one object with the values and subkey
 * names, or with HV_LS_RECURSIVE one line per key (JSON Lines) with its
 * path, name, last-write time and values.  With HV_LS_SALVAGE an
 * unreadable value is warned about and skipped.  Returns 0, the first
 * library error (the output is then cut short), or HV_LS_NOMEM when the
 * tool's own memory ran out (nothing on the handle says so).
 */
enum { HV_LS_RECURSIVE = 1 << 0, HV_LS_JSON = 1 << 1, HV_LS_SALVAGE = 1 << 2 };
#define HV_LS_NOMEM (-1000)
int ht_ls(hive_t *h, hive_key_t k, const char *path, unsigned flags);

/* hive_check() callback: one problem per line on stdout. */
int ht_print_problem(void *data, const struct hive_problem *p);

/* hive_diff() callback: one line per item, or JSON array elements (the
 * caller closes the array, "[]" if d->n stays 0). */
struct ht_diff_out {
	bool json;
	size_t n;       /* items printed so far */
};
int ht_print_diff(void *data, const struct hive_diff_item *it);

#endif
