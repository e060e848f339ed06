/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How registry values look as text in the tools: human and JSON forms for
 * display, and the encoding of command-line DATA arguments for "set".
 * Shared by the tools that show or take registry values (hivetool, and any
 * other that links libbcdkit-hive); never linked by the libraries.
 */
#ifndef HIVE_TEXT_H
#define HIVE_TEXT_H

#include <stdint.h>
#include <stdio.h>

/* FILETIME (100 ns since 1601) as ISO 8601 UTC, or "-" for 0. */
void hv_print_filetime(FILE *f, uint64_t ft);
/* Bytes as lower-case hex pairs with sep between them. */
void hv_print_hex(FILE *f, const uint8_t *d, size_t len, const char *sep);
/* Data for humans: strings decoded (multi_sep between REG_MULTI_SZ items),
 * DWORD and QWORD as "0x... (decimal)", anything else as spaced hex. */
void hv_print_data(FILE *f, uint32_t type, const uint8_t *d, size_t len, const char *multi_sep);
/* The JSON members type, type_name, size, hex, and string/strings/number
 * where the type allows (no braces). */
void hv_json_data(FILE *f, uint32_t type, const uint8_t *d, size_t len);

/* Results of hv_encode_data(). */
enum { HV_OK = 0, HV_BAD_DATA = -1, HV_ARG_COUNT = -2, HV_NOMEM = -3 };
/*
 * Encode DATA arguments for a value of the given type: REG_SZ, REG_EXPAND_SZ,
 * REG_LINK take one string (stored UTF-16LE with its NUL); REG_MULTI_SZ takes
 * one string per argument, each also split at literal "\0"; REG_DWORD,
 * REG_DWORD_BIG_ENDIAN and REG_QWORD one number (decimal or 0x hex); every
 * other type hex bytes, optionally separated by commas, spaces or colons.
 * Returns HV_OK with *buf (caller frees) and *len, or a negative HV_* code.
 */
int hv_encode_data(uint32_t type, char **args, int n, uint8_t **buf, size_t *len);

/* What a log replay did, as hivetool recover prints it. */
struct hive_recover_report;
void hv_print_recover_report(const char *path, const struct hive_recover_report *r);

#endif
