/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool
tool_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool
tool_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 's': case 'S': shift = 9; end++; break;
	default: return false;
	}
	if (shift && shift != 9 && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0))
		end += strlen(end);
	if (*end)
		return false;
	if (shift && v > (~0ULL >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

void
tool_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/*
 * Output files are replaced atomically: the text goes to a temporary file in
 * the target's folder, which is fsynced and renamed over the target (then the
 * folder is fsynced), so a crash leaves the old file or the complete new one.
 */
FILE *
tool_atomic_open(const char *path, char **tmp)
{
	size_t n = strlen(path);
	struct stat st;
	FILE *f;
	int fd;

	/* A device or pipe (/dev/stdout, a FIFO) is written to, never replaced. */
	*tmp = NULL;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return fopen(path, "wb");
	*tmp = malloc(n + 8);
	if (!*tmp)
		return NULL;
	memcpy(*tmp, path, n);
	memcpy(*tmp + n, ".XXXXXX", 8);
	fd = mkstemp(*tmp);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	/* mkstemp makes 0600; give the file the usual mode for new files. */
	{
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	return f;
}

int
tool_atomic_close(FILE *f, char *tmp, const char *path, bool keep)
{
	int rc = 0, dfd;
	char *dir, *slash;

	if (!tmp) {   /* not a regular file: written in place */
		(void)path;
		if (fflush(f) != 0 || ferror(f))
			rc = -1;
		return fclose(f) != 0 || rc ? -1 : 0;
	}
	if (keep && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (keep && rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (!keep || rc != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		free(tmp);
		return keep ? -1 : 0;
	}
	free(tmp);
	dir = strdup(path);
	if (dir) {
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	return 0;
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

int
tool_read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = NULL, *nb;

	if (!f)
		return -1;
	for (;;) {
		if (!(nb = realloc(buf, cap))) {
			errno = ENOMEM;
			break;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f))
				break;
			if (f != stdin)
				fclose(f);
			*out = buf;
			*len = n;
			return 0;
		}
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	free(buf);
	return -1;
}
