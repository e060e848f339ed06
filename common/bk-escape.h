/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Escaping of untrusted text for output, one writer for every library and
 * tool: JSON string literals (bcdedit's /enum JSON, every tool's --json) and
 * terminal text (names and data from a hive or an image must not be able to
 * send escape sequences to a terminal).
 *
 * Both leave valid UTF-8 as it is, apart from the characters below, and
 * write a byte that is not part of valid UTF-8 (a file name from the
 * command line, say, or an encoded surrogate) as the four characters
 * "\xHH".  The library's own names never hold such bytes: an unpaired
 * surrogate from a hive is already the text "{U+hhhh}" (bk-utf16.h).
 * The output is therefore valid UTF-8 that any strict JSON parser accepts.
 */
#ifndef BK_ESCAPE_H
#define BK_ESCAPE_H

#include <stddef.h>

/* Where escaped text goes: n bytes at s (not NUL-terminated). */
typedef void (*bk_put_fn)(void *ctx, const char *s, size_t n);

/* A put function for a FILE * context. */
void bk_put_file(void *file, const char *s, size_t n);

/*
 * s as a JSON string literal, quotes included: '"' and '\' escaped,
 * \n \r \t \b \f by name, other characters below U+0020, DEL and U+0080 to
 * U+009F as \u00hh, bytes that are not UTF-8 as "\\xHH" (JSON for the text
 * \xHH).  s NULL writes null.
 */
void bk_json_string(const char *s, bk_put_fn put, void *ctx);

/*
 * s for a terminal or a text report: \n \r \t as those two characters,
 * other C0 controls, DEL and bytes that are not UTF-8 as \xHH, the C1
 * controls U+0080 to U+009F as \u00hh; everything else unchanged
 * (backslashes too: registry paths are full of them).
 */
void bk_text_escape(const char *s, bk_put_fn put, void *ctx);

/* Does s need bk_text_escape()?  Lets a caller print plain text directly. */
int bk_text_is_plain(const char *s);

#endif
