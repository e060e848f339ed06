/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers shared by the command-line tools (never linked by the libraries):
 * program name, error printing, exit codes, size parsing, stdout checking.
 */
#ifndef TOOL_UTIL_H
#define TOOL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes shared by the editors (style.md item 12). */
#define EXIT_OK       0
#define EXIT_FAIL     1   /* not found, check failed, operation failed */
#define EXIT_USAGE    2   /* bad usage or unreadable input */

extern const char *tool_name;

/* Set tool_name from argv[0] and register the stdout close check. */
void tool_init(int argc, char **argv);

/* "TOOL: message\n" on stderr. */
void tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "TOOL: warning: message\n" on stderr. */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "TOOL: note: message\n" on stderr: the message callback given to the
 * libraries (hive_set_msg_cb, disk_set_msg_cb) for log replays and the like. */
void tool_print_note(void *data, const char *msg);
/* Print a usage error and "Try 'TOOL --help'." then exit 2. */
void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print "TOOL (bcdkit) VERSION" and exit 0. */
void tool_version(void) __attribute__((noreturn));

/*
 * Parse a size: a number with an optional suffix K, M, G, T (binary,
 * optionally followed by "iB" or "B") or "s" for 512-byte sectors.
 * Returns false on a malformed or overflowing value.
 */
bool tool_parse_size(const char *s, uint64_t *out);
/* Parse an unsigned number (decimal or 0x hex); false if malformed. */
bool tool_parse_u64(const char *s, uint64_t *out);

/* Write a JSON string literal (with quotes) for UTF-8 text. */
void tool_json_string(FILE *f, const char *s);

/*
 * Replace a file atomically: tool_atomic_open() creates a temporary file
 * beside path (NULL and errno on failure); tool_atomic_close() with keep
 * flushes, fsyncs and renames it over path, and fsyncs the folder; without
 * keep (or on any failure) it removes the temporary file.  Returns 0, or -1
 * with errno set.  A path that exists and is not a regular file (a device,
 * a FIFO) is opened and written as it is (*tmp is then NULL).
 */
FILE *tool_atomic_open(const char *path, char **tmp);
int tool_atomic_close(FILE *f, char *tmp, const char *path, bool keep);

/* A subcommand of a tool ("hivetool ls ...", "vhdtool create ..."). */
struct tool_command {
	const char *name;
	int (*run)(int argc, char **argv);  /* argv[0] is the command's name */
};

/*
 * Dispatch argv[1] to its command: -h/--help prints usage() to stdout and
 * returns 0, -V/--version the version; a missing or unknown command is a
 * usage error (exit 2).  Returns the command's exit status.
 */
int tool_run_command(int argc, char **argv, const struct tool_command *cmds, size_t n,
		     void (*usage)(FILE *f));

/* Read a whole file ("-": standard input) into memory; -1 with errno set. */
int tool_read_file(const char *path, uint8_t **out, size_t *len);

#endif
