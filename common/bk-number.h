/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Numbers and sizes from text, once for the libraries and the tools (BCD
 * element values and device text, partition specs, command-line options).
 * Strict: no sign, no spaces, nothing after the number.
 */
#ifndef BK_NUMBER_H
#define BK_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal, or hexadecimal after "0x" or "0X" (never octal: "010" is ten).
 * false if malformed or larger than 64 bits; *out is then unchanged. */
bool bk_parse_u64(const char *s, uint64_t *out);

/*
 * The n bytes at s as a size: decimal digits, optionally with a binary
 * suffix K, M, G or T (either case, optionally followed by "iB" or "B"),
 * or with sectors "s"/"S" for 512-byte sectors.  false if malformed or
 * overflowing; *out is then unchanged.
 */
bool bk_parse_size(const char *s, size_t n, bool sectors, uint64_t *out);

#endif
