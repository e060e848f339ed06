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

#include "bk-atomic.h"
#include "bk-number.h"

/*
 * Exit codes of hivetool and vhdtool (their man pages, EXIT STATUS; bcdedit
 * keeps Microsoft's 1 for every failure, bcdverify fsck's bits).
 */
#define EXIT_OK       0
#define EXIT_FAIL     1   /* not found, problems found, operation failed */
#define EXIT_USAGE    2   /* bad usage or unreadable input (damaged, not the format) */
#define EXIT_BUSY     3   /* the store or image is in use by another process */

/*
 * The exit code for a library error, so that one error gives one code in
 * every tool: -BK_EBUSY 3; input that cannot be read (-BK_ECORRUPT: damaged
 * or not of the format) and text that does not parse (-BK_ESYNTAX) 2;
 * anything else, "not found" and refused or unsupported operations among
 * them, 1.
 */
int tool_exit_status(int rc);

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

/* Write a JSON string literal (with quotes; null for NULL): the one JSON
 * writer, common/bk-escape.h, which also escapes bytes that are not UTF-8. */
void tool_json_string(FILE *f, const char *s);
/* Write text from a hive, an image or the command line for a reader:
 * control characters and bytes that are not UTF-8 escaped (bk-escape.h),
 * so an untrusted file cannot send escape sequences to a terminal. */
void tool_print_text(FILE *f, const char *s);

/*
 * The lock wait from --wait SECONDS (or BCDKIT_WAIT in the environment, read
 * by tool_init()), in milliseconds; -1 when neither was given.
 */
extern long tool_lock_wait_ms;
/* Parse --wait SECONDS (decimal, fractions allowed); usage error if bad. */
void tool_parse_wait(const char *s);

/*
 * May out be written?  Not if it exists (unless force): "OUT: file exists
 * (use --force to replace it)"; never if it is one of the inputs (same
 * file, by any name): "OUT: is the input file; write elsewhere".  Prints
 * the one line and returns false.  inputs ends with NULL.
 */
bool tool_output_ok(const char *out, bool force, const char *const *inputs);

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

#endif
