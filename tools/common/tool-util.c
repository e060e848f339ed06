/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bcdkit/error.h"
#include "bk-escape.h"
#include "bk-safefile.h"
#include "tool-util.h"

const char *tool_name = "bcdkit";

/* Output errors (a full disk, a closed pipe) must not pass silently. */
static void
close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			_exit(EXIT_FAIL);
		fprintf(stderr, "%s: write error on standard output: %s\n", tool_name,
			strerror(errno));
		_exit(EXIT_FAIL);
	}
}

void
tool_init(int argc, char **argv)
{
	const char *slash;

	if (argc > 0 && argv[0]) {
		slash = strrchr(argv[0], '/');
		tool_name = slash ? slash + 1 : argv[0];
		/* libtool wrappers run the real binary as lt-NAME. */
		if (strncmp(tool_name, "lt-", 3) == 0)
			tool_name += 3;
	}
	atexit(close_stdout);
	/* Scripts may set the lock wait once for every tool they run. */
	if (getenv("BCDKIT_WAIT"))
		tool_parse_wait(getenv("BCDKIT_WAIT"));
}

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", tool_name, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
tool_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
tool_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
tool_print_note(void *data, const char *msg)
{
	(void)data;
	fprintf(stderr, "%s: note: %s\n", tool_name, msg);
}

void
tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", tool_name);
	exit(EXIT_USAGE);
}

void
tool_version(void)
{
	printf("%s (bcdkit) %s\n", tool_name, PACKAGE_VERSION);
	exit(EXIT_OK);
}

int
tool_exit_status(int rc)
{
	switch (rc) {
	case 0:
		return EXIT_OK;
	case -BK_EBUSY:
		return EXIT_BUSY;
	case -BK_ECORRUPT:
	case -BK_ESYNTAX:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

void
tool_json_string(FILE *f, const char *s)
{
	bk_json_string(s, bk_put_file, f);
}

void
tool_print_text(FILE *f, const char *s)
{
	if (bk_text_is_plain(s))
		fputs(s, f);
	else
		bk_text_escape(s, bk_put_file, f);
}

/*
 * Output files are replaced atomically: the text goes to a temporary file in
 * the target's folder, which is fsynced and renamed over the target (then the
 * folder is fsynced), so a crash leaves the old file or the complete new one.
 */
bool
tool_output_ok(const char *out, bool force, const char *const *inputs)
{
	struct stat so, si;
	size_t i;

	if (stat(out, &so) != 0)
		return true;
	for (i = 0; inputs && inputs[i]; i++)
		if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
			tool_err("%s: is the input file; write elsewhere", out);
			return false;
		}
	if (!force && S_ISREG(so.st_mode)) {
		tool_err("%s: file exists (use --force to replace it)", out);
		return false;
	}
	return true;
}

long tool_lock_wait_ms = -1;

void
tool_parse_wait(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = s && *s ? strtod(s, &end) : -1;
	if (!s || !*s || errno || *end || !(v >= 0) || v > 86400)
		tool_usage_error("--wait: expected seconds (0 to 86400), got '%s'", s ? s : "");
	tool_lock_wait_ms = (long)(v * 1000 + 0.5);
}

int
tool_run_command(int argc, char **argv, const struct tool_command *cmds, size_t n,
		 void (*usage)(FILE *f))
{
	size_t i;

	if (argc < 2)
		tool_usage_error("missing command");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		tool_version();
	for (i = 0; i < n; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	tool_usage_error("unknown command '%s'", argv[1]);
}
